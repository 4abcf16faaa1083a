"""The page editor in a real browser: the live preview, kept drafts and upload errors, under the strict CSP."""

import os
import shutil
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connections
from django.test.testcases import LiveServerThread
from playwright.sync_api import ConsoleMessage, Page, sync_playwright

from microcredentials.models import AdvicePage, Topic
from tests.editing_helpers import CONTENT_EDITOR_PERMISSIONS, make_user

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PASSWORD = "a-long-browser-test-password"
DRAFT_KEY = "careers-draft:advicepage:{pk}"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None and not os.environ.get("REQUIRE_BROWSER_TESTS"), reason="Chromium is not installed"
    ),
]


class _AppServesStatic:
    """Let requests for static files reach the app, whose WhiteNoise serves the hashed production names.

    (The live server's usual handler looks files up by their unhashed names and would answer 404.)
    """

    def __init__(self, application: Any) -> None:
        self.application = application

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        return self.application(environ, start_response)


@pytest.fixture
def site_url(transactional_db: None) -> Iterator[str]:
    """The site, with production settings, on a free port of localhost in a thread."""
    # An in-memory SQLite test database must be shared with the server's thread (as pytest-django's live_server does).
    shared = {
        conn.alias: conn
        for conn in connections.all()
        if conn.vendor == "sqlite" and conn.is_in_memory_db()  # type: ignore[attr-defined]
    }
    thread = LiveServerThread(
        "localhost",
        _AppServesStatic,  # type: ignore[arg-type]
        connections_override=shared,
        port=0,
    )
    thread.daemon = True
    for conn in shared.values():
        conn.inc_thread_sharing()
    thread.start()
    thread.is_ready.wait()
    try:
        if thread.error:
            raise thread.error
        yield f"http://localhost:{thread.port}"
    finally:
        thread.terminate()
        # Let requests still in flight (the editor's preview) finish and close their database connections.
        for request_thread in threading.enumerate():
            if "process_request_thread" in request_thread.name:
                request_thread.join(timeout=10)
        for conn in shared.values():
            conn.dec_thread_sharing()


@pytest.fixture
def browser_page(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Page, list[str]]]:
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    problems: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.append(message.text)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page()
        page.on("console", note)
        yield page, problems
        browser.close()
        connections.close_all()  # the test's own connection was opened while Playwright's loop was current


@pytest.fixture
def advice(site_url: str) -> tuple[AdvicePage, User]:
    topic = Topic.objects.create(title="Find a job", slug="find-a-job")
    page = AdvicePage.objects.create(
        topic=topic,
        title="Write a CV",
        slug="write-a-cv",
        summary="How to write a CV.",
        body="## Start here\n\nKeep it short.\n",
    )
    return page, make_user("editor", CONTENT_EDITOR_PERMISSIONS, password=PASSWORD)


def sign_in(page: Page, base: str, next_url: str) -> None:
    page.goto(f"{base}/admin/login/?next={next_url}")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"**{next_url}")


def test_preview_and_kept_draft(
    site_url: str, browser_page: tuple[Page, list[str]], advice: tuple[AdvicePage, User]
) -> None:
    page, csp_problems = browser_page
    advice_page, _ = advice
    base = site_url
    change = f"/admin/microcredentials/advicepage/{advice_page.pk}/change/"
    key = DRAFT_KEY.format(pk=advice_page.pk)
    sign_in(page, base, change)

    # The live preview is the sanitised public rendering.
    page.wait_for_selector(".markdownx-preview h2#start-here")
    page.fill("#id_body", "## Start here\n\nUnsaved words <script>alert(1)</script>")
    page.wait_for_function("() => document.querySelector('.markdownx-preview').textContent.includes('Unsaved words')")
    assert "<script" not in page.inner_html(".markdownx-preview")
    page.wait_for_function(f"() => (localStorage.getItem('{key}') || '').includes('Unsaved words')")

    # The browser closes (or the session times out); on the next visit the text is offered back.
    page.goto(f"{base}{change}")
    assert page.is_visible("#draft-notice")
    assert page.input_value("#id_body").rstrip() == "## Start here\n\nKeep it short."
    page.click("text=Restore my unsaved changes")
    assert "Unsaved words" in page.input_value("#id_body")
    assert page.inner_text("#draft-notice").startswith("Your unsaved changes are back in the form.")

    # A successful save forgets the kept copy.
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/microcredentials/advicepage/")
    assert page.evaluate(f"() => localStorage.getItem('{key}')") is None
    advice_page.refresh_from_db()
    assert "Unsaved words" in advice_page.body
    page.goto(f"{base}{change}")
    assert not page.is_visible("#draft-notice")
    assert csp_problems == []


def test_a_refused_upload_shows_its_reason(
    site_url: str, browser_page: tuple[Page, list[str]], advice: tuple[AdvicePage, User]
) -> None:
    page, csp_problems = browser_page
    advice_page, _ = advice
    change = f"/admin/microcredentials/advicepage/{advice_page.pk}/change/"
    sign_in(page, site_url, change)
    page.wait_for_selector(".markdownx-preview h2")
    page.evaluate(
        """() => {
            const editor = document.querySelector('#id_body');
            editor.focus();
            editor.selectionStart = editor.selectionEnd = editor.value.length;
            const files = new DataTransfer();
            const svg = '<svg xmlns="http://www.w3.org/2000/svg"></svg>';
            files.items.add(new File([svg], 'logo.svg', {type: 'image/svg+xml'}));
            editor.dispatchEvent(new DragEvent('drop', {dataTransfer: files, bubbles: true, cancelable: true}));
        }"""
    )
    page.wait_for_selector(".upload-error:not([hidden])")
    assert (
        page.inner_text(".upload-error")
        == "This file is not a JPEG, PNG or WebP image. Upload a photo or graphic saved in one of those formats."
    )
    page.wait_for_function("() => !document.querySelector('#id_body').value.includes('Invalid response')")
    assert csp_problems == []
