"""Readers' tools from issue 5 in Chromium: search, the study-time calculator and "Was this page useful?"."""

import re

import pytest
from playwright.sync_api import Page, Route, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from microcredentials.models import PageFeedback
from tests.browser.helpers import Site, axe_violations, watch_for_errors

pytestmark = pytest.mark.browser

WORKING = "15 credits × about 10 hours = about 150 hours; at 6 hours a week, about 25 weeks"
PRINT_GUIDANCE = "To print this page, use your browser’s Print option"


# --- search ------------------------------------------------------------------------------------


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


def test_a_search_with_macrons_finds_and_highlights_the_word(page: Page, site: Site) -> None:
    page.goto("/")
    search_box = page.get_by_role("searchbox", name="Search this site")
    search_box.fill("wānanga")
    search_box.press("Enter")
    expect(page).to_have_title("Search results for ‘wānanga’ | Careers advice")
    expect(page.locator(".search-results mark")).to_have_text(["wānanga"])


def test_an_empty_search_explains_what_to_do(page: Page, site: Site) -> None:
    response = page.goto("/search/?q=")
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(re.compile("type a word", re.IGNORECASE))
    assert axe_violations(page) == []


# --- the study-time calculator ------------------------------------------------------------------


def test_calculator_is_linked_from_the_advice_page_and_updates_as_you_type(page: Page, site: Site) -> None:
    errors = watch_for_errors(page)
    page.goto(site.advice_path)
    page.get_by_role("link", name="study-time calculator").click()
    expect(page).to_have_url(re.compile(r"/tools/study-time/$"))
    output = page.locator("#study-time-output")
    expect(output).to_have_attribute("aria-live", "polite")  # screen readers hear the new estimate
    page.get_by_label("Credits").fill("15")
    page.get_by_label(re.compile("Hours a week")).fill("6")
    # No button pressed: the script works it out in place.
    expect(output).to_contain_text("About 25 weeks")
    expect(output).to_contain_text(WORKING)
    expect(page).to_have_url(re.compile(r"/tools/study-time/$"))
    page.get_by_label(re.compile("Hours a week")).fill("61")
    expect(output).to_have_text("Enter credits from 1 to 360 and hours from 1 to 60 to see an estimate.")
    assert errors == []


def test_calculator_works_out_what_was_typed_before_its_script_arrived(page: Page, site: Site) -> None:
    held_back: list[Route] = []
    page.route(
        "**/js/study-time*.js", lambda route: held_back.append(route)
    )  # a slow connection: the script is still on its way
    page.goto("/tools/study-time/", wait_until="commit")
    page.get_by_label("Credits").fill("15")
    page.get_by_label(re.compile("Hours a week")).fill("6")
    for _ in range(50):  # the request reaches the route handler between calls, so give it a moment
        if held_back:
            break
        page.wait_for_timeout(100)
    assert held_back, "the page never asked for the calculator's script"
    output = page.locator("#study-time-output")
    expect(output).to_contain_text("Enter the credits and the hours you can study")  # nothing has worked it out yet
    held_back[0].continue_()
    expect(output).to_contain_text(WORKING)


def test_calculator_works_without_javascript(new_context: CreateContextCallback, site: Site) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/tools/study-time/")
    page.get_by_label("Credits").fill("15")
    page.get_by_label(re.compile("Hours a week")).fill("6")
    page.get_by_role("button", name="Work it out").click()
    expect(page).to_have_url(re.compile(r"credits=15&hours=6"))
    expect(page.get_by_role("main")).to_contain_text(WORKING)
    expect(page.get_by_role("main")).to_contain_text("NZQA")


def test_calculator_errors_take_focus_and_link_to_their_fields(page: Page, site: Site) -> None:
    response = page.goto("/tools/study-time/?credits=0&hours=6")
    assert response is not None and response.status == 400
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    credits = page.get_by_label("Credits")
    error_id = credits.get_attribute("aria-describedby") or ""
    errors = " ".join(page.locator(f"#{part}").inner_text() for part in error_id.split())
    assert "Credits must be between 1 and 360." in errors
    expect(credits).to_have_attribute("aria-invalid", "true")
    assert axe_violations(page) == []
    summary.get_by_role("link", name="Credits must be between 1 and 360.").click()
    expect(credits).to_be_focused()


# --- "Was this page useful?" -------------------------------------------------------------------


def test_answering_no_with_a_comment_in_place(page: Page, site: Site) -> None:
    errors = watch_for_errors(page)
    page.goto(site.advice_path)
    feedback = page.locator("#feedback")
    feedback.get_by_role("button", name="No this page was not useful").click()
    comment = page.get_by_label(re.compile("What was wrong"))
    expect(comment).to_be_focused()
    expect(feedback.get_by_role("button", name="Yes this page was useful")).to_be_hidden()

    # Too long: the server's message appears beside the box, tied to it, without a page load.
    comment.fill("x" * 1001)
    feedback.get_by_role("button", name="Send").click()
    expect(feedback).to_contain_text("You have entered 1,001.")
    expect(comment).to_have_attribute("aria-invalid", "true")
    expect(comment).to_be_focused()
    assert axe_violations(page) == []
    assert not PageFeedback.objects.exists()

    comment.fill("The fees section could say more about Fees Free.")
    feedback.get_by_role("button", name="Send").click()
    expect(feedback.get_by_role("heading", name="Thank you for your feedback")).to_be_focused()
    expect(page).to_have_url(re.compile(f"{site.advice_path}$"))  # no page load
    feedback_row = PageFeedback.objects.get()
    assert (feedback_row.page_id, feedback_row.useful) == (site.page.pk, False)
    assert feedback_row.comment == "The fees section could say more about Fees Free."
    assert axe_violations(page) == []
    assert errors == []


def test_answering_yes_in_place(page: Page, site: Site) -> None:
    errors = watch_for_errors(page)
    page.goto(site.advice_path)
    page.get_by_role("button", name="Yes this page was useful").click()
    # Worded as the server's thank-you state (tests/browser/test_accessibility.py), not repeating the heading.
    expect(page.locator("#feedback").get_by_role("heading", level=2)).to_have_text("Thank you for your feedback")
    expect(page.locator("#feedback").get_by_role("status")).to_have_text("It helps us improve this page.")
    expect(page).to_have_url(re.compile(f"{site.advice_path}$"))
    assert list(PageFeedback.objects.values_list("page_id", "useful")) == [(site.page.pk, True)]
    assert errors == []


def test_answering_no_with_a_comment_without_javascript(new_context: CreateContextCallback, site: Site) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto(site.advice_path)
    # Without the script there is no Print button: the page says how to print instead.
    expect(page.get_by_text(PRINT_GUIDANCE)).to_be_visible()
    expect(page.get_by_role("button", name="Print this page")).to_be_hidden()

    page.get_by_role("button", name="No this page was not useful").click()
    expect(page.get_by_role("button", name="Yes this page was useful")).to_be_hidden()
    page.get_by_label(re.compile("What was wrong")).fill("Too long.")
    page.get_by_role("button", name="Send").click()
    expect(page).to_have_url(re.compile(rf"{site.advice_path}\?feedback=thanks#feedback$"))
    expect(page.get_by_role("heading", name="Thank you for your feedback")).to_be_visible()
    assert list(PageFeedback.objects.values_list("useful", "comment")) == [(False, "Too long.")]


def test_a_form_on_another_site_cannot_send_feedback(page: Page, site: Site) -> None:
    """Chromium itself labels the post as coming from elsewhere (Origin, Sec-Fetch-Site), so it is refused."""
    elsewhere = "http://elsewhere.example/"
    form = f'<form method="post" action="{site.url}/feedback/{site.page.pk}/"><input name="useful" value="yes">'
    page.route(elsewhere, lambda route: route.fulfill(content_type="text/html", body=form + "<button>Send</button>"))
    page.goto(elsewhere)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your request could not be sent")
    assert not PageFeedback.objects.exists()
