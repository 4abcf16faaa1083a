"""Readers in Chromium: from the home page to an advice section, the site's own CSS and JS, and printing."""

import re

import pytest
from playwright.sync_api import Page, Response, expect

from microcredentials.models import SiteAlert
from tests.browser.helpers import Site

pytestmark = pytest.mark.browser

SECTION = "How micro-credentials differ from qualifications"


def test_pages_get_their_hashed_stylesheet_and_script_from_whitenoise(page: Page, site: Site) -> None:
    responses: list[Response] = []
    page.on("response", lambda response: responses.append(response))
    page.goto(site.advice_path)
    static = {re.sub(r"\.[0-9a-f]{12}\.", ".", r.url.split("/static/")[1]): r for r in responses if "/static/" in r.url}
    assert set(static) >= {"css/site.css", "css/print.css", "js/site.js"}, "every page links its hashed CSS and JS"
    for response in static.values():
        assert response.status == 200, response.url
        assert "immutable" in response.headers["cache-control"]
    # The stylesheet applies: the header has the brand colour rather than the browser's default.
    header = page.locator(".site-header")
    expect(header).to_have_css("background-color", "rgb(11, 61, 92)")


def test_reader_goes_from_home_to_a_section_of_the_advice_page(page: Page, site: Site) -> None:
    page.goto("/")
    expect(page).to_have_title("Home | Careers advice")
    page.get_by_role("link", name="Plan your career").click()
    expect(page).to_have_url(re.compile(f"{site.topic_path}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan your career")

    page.get_by_role("link", name="Micro-credentials").click()
    expect(page).to_have_url(re.compile(f"{site.advice_path}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Micro-credentials")
    # The separators between the crumbs are drawn by CSS and not read out.
    expect(page.get_by_role("navigation", name="Breadcrumb")).to_match_aria_snapshot(
        """
        - list:
          - listitem:
            - link "Home"
          - listitem:
            - link "Plan your career"
          - listitem: Micro-credentials
        """
    )
    contents = page.get_by_role("navigation", name="On this page")
    # Every entry of "On this page" points at a heading that exists.
    targets = contents.get_by_role("link").evaluate_all("links => links.map(a => a.hash.slice(1))")
    assert len(targets) >= 5
    assert page.evaluate("ids => ids.filter(id => !document.getElementById(id))", targets) == []

    contents.get_by_role("link", name=SECTION).click()
    expect(page).to_have_url(re.compile("#how-micro-credentials-differ-from-qualifications$"))
    heading = page.get_by_role("heading", level=2, name=SECTION)
    expect(heading).to_be_in_viewport()
    assert page.evaluate("window.scrollY") > 0, "the page scrolled down to the section"
    assert page.evaluate("document.querySelector(':target').textContent") == SECTION


def test_printing_leaves_out_the_site_furniture_and_shows_link_addresses(
    page: Page, site: Site, live_closure: SiteAlert
) -> None:
    page.goto(site.advice_path)
    furniture = {
        "header": page.locator(".site-header"),
        "search": page.get_by_role("search"),
        "feedback": page.get_by_role("heading", name="Was this page useful?"),
        "alert": page.locator("[data-site-alert]"),
        "breadcrumbs": page.get_by_role("navigation", name="Breadcrumb"),
        "footer": page.locator(".site-footer"),
        "print button": page.get_by_role("button", name="Print this page"),
    }
    for part in furniture.values():
        expect(part).to_be_visible()  # on screen; the Print button is shown by print.js
    expect(page.get_by_text("To print this page, use your browser’s Print option")).to_be_hidden()
    expect(page.get_by_text("Printed from")).to_be_hidden()

    page.emulate_media(media="print")
    for name, part in furniture.items():
        expect(part, f"the {name} is left out of the printout").to_be_hidden()
    expect(page.locator(".skip-link")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator(".advice__body")).to_be_visible()
    expect(page.get_by_text("Printed from")).to_have_text(re.compile(rf"^Printed from https?://\S+{site.advice_path}$"))
    # Links in the body print their address after the link text.
    link = page.locator(".advice__body a[href^='http']").first
    href = link.get_attribute("href")
    assert link.evaluate("a => getComputedStyle(a, '::after').content") == f'" ({href})"'
