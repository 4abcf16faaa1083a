"""axe-core finds no WCAG 2.0, 2.1 or 2.2 level A or AA problems on any public page type.

The journeys check the rest of issue 6's list where they reach it (test_reader_tools.py): search results,
an empty search, the calculator with an error, and the feedback box with an error and thanking in place.
(axe runs as a script, so a page opened with JavaScript off is checked here, in a page with it on.)
"""

import pytest
from playwright.sync_api import Page, expect

from microcredentials.models import AdvicePage, SiteAlert
from tests.browser.helpers import Site, axe_violations

pytestmark = pytest.mark.browser


def test_home_topic_and_advice_page_with_an_alert_showing(page: Page, site: Site, live_closure: SiteAlert) -> None:
    for path in ("/", site.topic_path, site.advice_path):
        page.goto(path)
        expect(page.locator("[data-site-alert]")).to_be_visible()
        assert axe_violations(page) == [], path


def test_privacy_accessibility_and_copyright_statements_reached_from_the_footer(page: Page, site: Site) -> None:
    for title in ("Privacy", "Accessibility", "Copyright and re-use"):
        page.goto("/")
        page.get_by_role("contentinfo").get_by_role("link", name=title, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        assert axe_violations(page) == [], title


def test_contact_page_reached_from_the_header(page: Page, site: Site) -> None:
    page.goto("/")
    page.get_by_role("banner").get_by_role("link", name="Contact us").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contact us")
    assert axe_violations(page) == []


def test_a_page_and_its_te_reo_version_link_to_each_other(page: Page, site: Site) -> None:
    maori = AdvicePage.objects.create(
        topic=site.page.topic,
        title="Ngā tohu iti",
        slug="nga-tohu-iti",
        summary="He akoranga poto ngā tohu iti.",
        body="## He aha ngā tohu iti\n\nHe akoranga poto.\n",
        status=AdvicePage.Status.PUBLISHED,
    )
    site.page.te_reo_version = maori
    site.page.save()
    page.goto(site.advice_path)
    page.get_by_role("link", name="Pānui i te reo Māori / Read in te reo Māori").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ngā tohu iti")
    expect(page.locator("html")).to_have_attribute("lang", "mi")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Read in English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Micro-credentials")
    expect(page.locator("html")).to_have_attribute("lang", "en-NZ")
    assert axe_violations(page) == []


def test_page_not_found(page: Page, site: Site) -> None:
    response = page.goto("/no-such-topic/no-such-page/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert axe_violations(page) == []


def test_feedback_thank_you_state_as_the_server_sends_it(page: Page, site: Site) -> None:
    page.goto(f"{site.advice_path}?feedback=thanks#feedback")  # where a reader without JavaScript lands
    feedback = page.locator("#feedback")
    expect(feedback.get_by_role("heading", level=2)).to_have_text("Thank you for your feedback")
    expect(feedback.get_by_role("status")).to_have_text("It helps us improve this page.")
    assert axe_violations(page) == []
