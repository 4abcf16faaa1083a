"""Readers' tools from issue 5 in Chromium: search, the study-time calculator and "Was this page useful?".

These features are built on another branch. Each test is skipped until its URL has a view of its own
(today those paths fall through to the catch-all topic and page patterns, which answer 404).
"""

import re

import pytest
from django.urls import Resolver404, resolve
from playwright.sync_api import Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from microcredentials.models import PageFeedback, SiteAlert
from tests.browser.helpers import SCREENSHOTS, Site, axe_violations, scrolls_sideways

pytestmark = pytest.mark.browser

CATCH_ALL_VIEWS = {"topic", "advice_page"}


def not_merged_yet(path: str) -> bool:
    """Whether `path` has no view of its own yet: nothing matches it, or only the catch-all patterns do."""
    try:
        return resolve(path).url_name in CATCH_ALL_VIEWS
    except Resolver404:
        return True


needs_search = pytest.mark.skipif(not_merged_yet("/search/"), reason="feature not merged yet")
needs_calculator = pytest.mark.skipif(not_merged_yet("/tools/study-time/"), reason="feature not merged yet")
needs_feedback = pytest.mark.skipif(not_merged_yet("/feedback/1/"), reason="feature not merged yet")

WORKING = "15 credits × about 10 hours = about 150 hours; at 6 hours a week, about 25 weeks"


# --- search ------------------------------------------------------------------------------------


@needs_search
def test_reader_searches_from_the_header_and_opens_the_page(page: Page, site: Site) -> None:
    page.goto(site.topic_path)
    page.get_by_role("search").get_by_role("searchbox").fill("qualification")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=qualification$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Search results")
    result = page.get_by_role("main").get_by_role("link", name="Micro-credentials")
    expect(result).to_be_visible()
    assert axe_violations(page) == []
    result.click()
    expect(page).to_have_url(re.compile(f"{site.advice_path}$"))


@needs_search
def test_an_empty_search_explains_what_to_do(page: Page, site: Site) -> None:
    response = page.goto("/search/?q=")
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(re.compile("type a word", re.IGNORECASE))
    assert axe_violations(page) == []


# --- the study-time calculator ------------------------------------------------------------------


@needs_calculator
def test_calculator_is_linked_from_the_advice_page_and_updates_as_you_type(page: Page, site: Site) -> None:
    page.goto(site.advice_path)
    page.get_by_role("link", name="study-time calculator").click()
    expect(page).to_have_url(re.compile(r"/tools/study-time/$"))
    page.get_by_label("Credits").fill("15")
    page.get_by_label(re.compile("Hours a week")).fill("6")
    # No button pressed: the script works it out in place.
    expect(page.get_by_role("main")).to_contain_text(WORKING)
    expect(page).to_have_url(re.compile(r"/tools/study-time/$"))


@needs_calculator
def test_calculator_works_without_javascript(new_context: CreateContextCallback, site: Site) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/tools/study-time/")
    page.get_by_label("Credits").fill("15")
    page.get_by_label(re.compile("Hours a week")).fill("6")
    page.get_by_role("button", name=re.compile("Work it out|Calculate")).click()
    expect(page).to_have_url(re.compile(r"credits=15&hours=6"))
    expect(page.get_by_role("main")).to_contain_text(WORKING)
    expect(page.get_by_role("main")).to_contain_text("NZQA")


@needs_calculator
def test_calculator_error_is_tied_to_its_field(page: Page, site: Site) -> None:
    response = page.goto("/tools/study-time/?credits=0&hours=6")
    assert response is not None and response.status == 200
    credits = page.get_by_label("Credits")
    error_id = credits.get_attribute("aria-describedby") or ""
    errors = " ".join(page.locator(f"#{part}").inner_text() for part in error_id.split())
    assert re.search("between 1 and 360", errors), errors
    assert axe_violations(page) == []


# --- "Was this page useful?" -------------------------------------------------------------------


@needs_feedback
def test_answering_no_with_a_comment_in_place(page: Page, site: Site) -> None:
    page.goto(site.advice_path)
    page.get_by_role("button", name=re.compile(r"^No\b")).click()
    comment = page.get_by_label(re.compile("What was wrong"))
    expect(comment).to_be_focused()
    comment.fill("The fees section could say more about Fees Free.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Thank you for your feedback")).to_be_visible()
    expect(page).to_have_url(re.compile(f"{site.advice_path}$"))
    feedback = PageFeedback.objects.get()
    assert (feedback.page_id, feedback.useful) == (site.page.pk, False)
    assert feedback.comment == "The fees section could say more about Fees Free."
    assert axe_violations(page) == []


@needs_feedback
def test_answering_no_with_a_comment_without_javascript(new_context: CreateContextCallback, site: Site) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto(site.advice_path)
    page.get_by_role("button", name=re.compile(r"^No\b")).click()
    page.get_by_label(re.compile("What was wrong")).fill("Too long.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Thank you for your feedback")).to_be_visible()
    assert PageFeedback.objects.filter(useful=False, comment="Too long.").count() == 1


@needs_feedback
@needs_search
def test_printing_leaves_out_search_and_feedback(page: Page, site: Site) -> None:
    page.goto(site.advice_path)
    page.emulate_media(media="print")
    expect(page.get_by_role("search")).to_be_hidden()
    expect(page.get_by_role("heading", name="Was this page useful?")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


# --- layout -------------------------------------------------------------------------------------


@needs_search
@needs_calculator
@pytest.mark.parametrize("width", [320, 375, 1280])
def test_search_results_and_calculator_fit_and_are_captured(
    page: Page, site: Site, live_closure: SiteAlert, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    SCREENSHOTS.mkdir(exist_ok=True)
    for name, path in (("search-results", "/search/?q=credits"), ("calculator", "/tools/study-time/?credits=0")):
        page.goto(path)
        assert not scrolls_sideways(page), f"{path} scrolls sideways at {width} px"
        if width != 320:
            page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
