"""Readers' tools in a real browser (Debian's Chromium): JavaScript enhancements, and axe accessibility checks."""

from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, ConsoleMessage, Page, Response, expect, sync_playwright
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from microcredentials.models import AdvicePage, PageFeedback

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
PAGE_PATH = "/plan-your-career/micro-credentials/"
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    # Playwright's synchronous API runs an event loop in this thread; Django's ORM refuses to run beside one
    # unless told it is safe, which it is here: one thread, one test at a time.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM)
            yield browser
            browser.close()


@pytest.fixture(autouse=True)
def unhashed_static_files(settings: Settings) -> None:
    """The live server's static handler finds files by their source names, not the hashed production names."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def tab(chromium: Browser) -> Iterator[Page]:
    context = chromium.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: _keep_errors(message, errors))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda response: _keep_missing_static(response, errors))
    yield page
    context.close()
    assert errors == [], (
        f"the browser reported errors (script failures or Content Security Policy violations): {errors}"
    )


def _keep_errors(message: ConsoleMessage, errors: list[str]) -> None:
    # Error statuses are logged as "Failed to load resource"; the tests check those answers themselves.
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        errors.append(message.text)


def _keep_missing_static(response: Response, errors: list[str]) -> None:
    if "/static/" in response.url and response.status >= 400:
        errors.append(f"{response.status} for {response.url}")


def assert_accessible(page: Page) -> None:
    results = Axe().run(page, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()


def test_calculator_updates_as_you_type(tab: Page, live_server: LiveServer) -> None:
    tab.goto(f"{live_server.url}/tools/study-time/")
    tab.get_by_label("Credits").fill("15")
    tab.get_by_label("Hours a week you can study").fill("6")
    output = tab.locator("#study-time-output")
    expect(output).to_contain_text("About 25 weeks")
    expect(output).to_contain_text("15 credits × about 10 hours = about 150 hours; at 6 hours a week, about 25 weeks")
    expect(output).to_have_attribute("aria-live", "polite")
    tab.get_by_label("Hours a week you can study").fill("61")
    expect(output).to_contain_text("Enter credits from 1 to 360 and hours from 1 to 60 to see an estimate.")
    assert_accessible(tab)


def test_calculator_errors_take_focus_and_link_to_fields(tab: Page, live_server: LiveServer) -> None:
    tab.goto(f"{live_server.url}/tools/study-time/?credits=0&hours=")
    summary = tab.locator("#error-summary")
    expect(summary).to_be_focused()
    assert_accessible(tab)
    summary.get_by_role("link", name="Credits must be between 1 and 360.").click()
    expect(tab.get_by_label("Credits")).to_be_focused()


def test_feedback_no_then_comment_in_place(tab: Page, live_server: LiveServer, shipped_content: AdvicePage) -> None:
    tab.goto(f"{live_server.url}{PAGE_PATH}")
    feedback = tab.locator("#feedback")
    feedback.get_by_role("button", name="No this page was not useful").click()
    comment = tab.get_by_label("What was wrong? (optional)")
    expect(comment).to_be_focused()
    expect(feedback.get_by_role("button", name="Yes this page was useful")).to_be_hidden()
    assert_accessible(tab)
    comment.fill("x" * 1001)
    feedback.get_by_role("button", name="Send").click()
    expect(feedback).to_contain_text("You have entered 1,001.")
    expect(comment).to_have_attribute("aria-invalid", "true")
    comment.fill("Fees for 2026 are missing.")
    feedback.get_by_role("button", name="Send").click()
    expect(feedback.get_by_role("heading", name="Thank you for your feedback")).to_be_focused()
    assert tab.url == f"{live_server.url}{PAGE_PATH}"  # no page load
    assert list(PageFeedback.objects.values_list("useful", "comment")) == [(False, "Fees for 2026 are missing.")]


def test_feedback_yes_in_place(tab: Page, live_server: LiveServer, shipped_content: AdvicePage) -> None:
    tab.goto(f"{live_server.url}{PAGE_PATH}")
    tab.get_by_role("button", name="Yes this page was useful").click()
    expect(tab.get_by_role("status")).to_have_text("Thank you for your feedback. It helps us improve this page.")
    assert list(PageFeedback.objects.values_list("useful", flat=True)) == [True]


def test_feedback_without_javascript(chromium: Browser, live_server: LiveServer, shipped_content: AdvicePage) -> None:
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}{PAGE_PATH}")
    expect(page.get_by_text("To print this page, use your browser’s Print option")).to_be_visible()
    expect(page.get_by_role("button", name="Print this page")).to_be_hidden()
    page.get_by_role("button", name="No this page was not useful").click()
    expect(page.get_by_role("button", name="Yes this page was useful")).to_be_hidden()
    page.get_by_label("What was wrong? (optional)").fill("Needs more about fees.")
    page.get_by_role("button", name="Send").click()
    assert page.url == f"{live_server.url}{PAGE_PATH}?feedback=thanks#feedback"
    expect(page.get_by_role("heading", name="Thank you for your feedback")).to_be_visible()
    assert list(PageFeedback.objects.values_list("comment", flat=True)) == ["Needs more about fees."]
    context.close()


def test_print_button_shows_with_javascript(tab: Page, live_server: LiveServer, shipped_content: AdvicePage) -> None:
    tab.goto(f"{live_server.url}{PAGE_PATH}")
    expect(tab.get_by_role("button", name="Print this page")).to_be_visible()
    expect(tab.get_by_text("To print this page, use your browser’s Print option")).to_be_hidden()
    tab.emulate_media(media="print")
    expect(tab.locator(".site-header")).to_be_hidden()
    expect(tab.locator("#feedback")).to_be_hidden()
    expect(tab.get_by_text("Printed from")).to_be_visible()
    assert_accessible_print_links(tab)


def assert_accessible_print_links(page: Page) -> None:
    after = page.locator('.advice__body a[href^="https://www.nzqa"]').first.evaluate(
        "link => getComputedStyle(link, '::after').content"
    )
    assert after == '" (https://www.nzqa.govt.nz/)"'


def test_search_results_are_accessible(tab: Page, live_server: LiveServer, shipped_content: AdvicePage) -> None:
    tab.goto(f"{live_server.url}/")
    tab.get_by_role("searchbox", name="Search this site").fill("wānanga")
    tab.get_by_role("searchbox", name="Search this site").press("Enter")
    expect(tab).to_have_title("Search results for ‘wānanga’ | Careers advice")
    expect(tab.locator(".search-results mark")).to_have_text(["wānanga"])
    assert_accessible(tab)
    tab.goto(f"{live_server.url}{PAGE_PATH}")
    assert_accessible(tab)
