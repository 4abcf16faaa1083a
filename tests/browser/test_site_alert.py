"""Journey 3: a reader sees the closure notice on every page and hides it, with and without JavaScript."""

import re

import pytest
from playwright.sync_api import Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from microcredentials.contact_centre.alerts import DISMISSED_COOKIE
from microcredentials.models import SiteAlert
from tests.browser.helpers import Site

pytestmark = pytest.mark.browser

CLOSURE_SENTENCE = re.compile(
    r"The Customer Contact Group will be closed from 3\.00pm \w+day \d{1,2} \w+( \d{4})?, reopening 8\.30am \w+day \d"
)


def test_the_notice_shows_on_the_home_page_and_an_advice_page(page: Page, site: Site, live_closure: SiteAlert) -> None:
    for path in ("/", site.advice_path):
        page.goto(path)
        notice = page.locator("[data-site-alert]")
        expect(notice).to_be_visible()
        expect(notice).to_contain_text(CLOSURE_SENTENCE)
        expect(notice.get_by_role("link", name="help@careers.example.govt.nz")).to_have_attribute(
            "href", "mailto:help@careers.example.govt.nz"
        )
        expect(notice.get_by_role("button", name="Hide this message")).to_be_visible()


def test_hiding_with_javascript_happens_in_place_and_lasts(page: Page, site: Site, live_closure: SiteAlert) -> None:
    page.goto(site.advice_path)
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_role("button", name="Hide this message").click()

    expect(page.locator("[data-site-alert]")).to_be_hidden()
    assert page.evaluate("window.stillTheSamePage") is True, "hidden by the script, without a page load"
    expect(page.locator("#main-content")).to_be_focused()
    cookie = next(c for c in page.context.cookies() if c["name"] == DISMISSED_COOKIE)
    assert cookie["secure"] and cookie["httpOnly"]

    page.get_by_role("link", name="Home", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Careers advice")
    expect(page.locator("[data-site-alert]")).to_have_count(0)


def test_hiding_without_javascript_posts_and_comes_back(
    new_context: CreateContextCallback, site: Site, live_closure: SiteAlert
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/")
    expect(page.locator("[data-site-alert]")).to_contain_text(CLOSURE_SENTENCE)

    with page.expect_navigation():
        page.get_by_role("button", name="Hide this message").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Careers advice")
    expect(page.locator("[data-site-alert]")).to_have_count(0)

    page.goto(site.advice_path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Micro-credentials")
    expect(page.locator("[data-site-alert]")).to_have_count(0)


def test_a_warning_never_hides_a_closure_and_each_can_be_hidden(
    page: Page, site: Site, live_closure: SiteAlert
) -> None:
    SiteAlert.objects.create(
        kind=SiteAlert.Kind.GENERAL,
        level=SiteAlert.Level.WARNING,
        message="Our phone lines are down this morning.",
        show_from=live_closure.show_from,
    )
    page.goto(site.advice_path)
    alerts = page.locator("[data-site-alert]")
    expect(alerts).to_have_count(2)
    expect(alerts.nth(0)).to_contain_text(CLOSURE_SENTENCE)  # the closure first
    expect(alerts.nth(1)).to_contain_text("Our phone lines are down this morning.")
    expect(page.get_by_role("region", name="Information")).to_be_visible()
    expect(page.get_by_role("region", name="Warning")).to_be_visible()

    alerts.nth(0).get_by_role("button", name="Hide this message").click()
    expect(alerts.nth(0)).to_be_hidden()
    expect(page.get_by_text("Our phone lines are down this morning.")).to_be_visible()
    page.reload()
    expect(page.locator("[data-site-alert]")).to_have_count(1)
    expect(page.locator("[data-site-alert]")).to_contain_text("Our phone lines are down this morning.")
