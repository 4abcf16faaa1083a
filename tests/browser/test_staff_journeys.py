"""Journeys 4 and 5: a content editor changes a page (and the editor keeps unsaved text and explains refused
uploads, and shows uploaded images to readers), and contact-centre staff post a closure notice."""

import base64
import datetime
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.models import User
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings
from pytest_playwright.pytest_playwright import CreateContextCallback

from microcredentials.lib.nztime import NZ_TIME
from tests.browser.helpers import Site, live_preview, log_in, watch_for_errors

pytestmark = pytest.mark.browser


def nz_clock(moment: datetime.datetime) -> str:
    """3.00pm, 8.30am: how the site writes a New Zealand time."""
    return f"{moment.hour % 12 or 12}.{moment.minute:02d}{'am' if moment.hour < 12 else 'pm'}"


def nz_day(moment: datetime.datetime) -> str:
    return f"{moment:%A} {moment.day} {moment:%B}"


# The site's clock is set to (and keeps running from) an afternoon or a late evening in New Zealand.
@pytest.mark.parametrize(
    ("clock", "closure_starts", "day"),
    [
        (datetime.time(13), datetime.timedelta(hours=2), "today"),  # closed this afternoon, 3.00pm to 4.30pm
        (datetime.time(22), datetime.timedelta(hours=15), "tomorrow"),  # too late today: 1.00pm to 2.30pm tomorrow
    ],
    ids=["afternoon", "late-evening"],
)
def test_contact_centre_staff_post_a_closure_and_cannot_edit_pages(
    page: Page,
    site: Site,
    make_staff: Callable[[str, str], User],
    clock: datetime.time,
    closure_starts: datetime.timedelta,
    day: str,
) -> None:
    staff = make_staff("carol", "Contact centre")
    # Tomorrow, so that the clock is ahead of the browser's and it keeps the session cookie.
    now = datetime.datetime.combine(timezone.localdate(timezone=NZ_TIME), clock, tzinfo=NZ_TIME)
    now += datetime.timedelta(days=1)
    closes = now + closure_starts
    reopens = closes + datetime.timedelta(hours=1, minutes=30)
    with time_machine.travel(now, tick=True):
        log_in(page, staff)
        expect(page.get_by_role("link", name="Advice pages")).to_have_count(0)
        page.get_by_role("link", name="Site alerts").click()
        page.get_by_role("link", name="Add site alert").click()
        expect(page.get_by_label("Kind")).to_have_value("closure")
        page.locator("#id_closes_at_0").fill(f"{closes:%Y-%m-%d}")
        page.locator("#id_closes_at_1").fill(f"{closes:%H:%M}")
        page.locator("#id_reopens_at_0").fill(f"{reopens:%Y-%m-%d}")
        page.locator("#id_reopens_at_1").fill(f"{reopens:%H:%M}")
        # "Show from" is filled in with the time the form opened, so the notice shows at once.
        expect(page.locator("#id_show_from_0")).to_have_value(f"{now:%Y-%m-%d}")
        page.get_by_role("button", name="Save", exact=True).click()
        # Live at once: the form asks staff to confirm that it shows on every page now.
        page.get_by_label("This shows on every page now").check()
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.locator(".messagelist")).to_contain_text("was added successfully")

        page.goto(site.advice_path)
        expect(page.locator("[data-site-alert]")).to_contain_text(
            f"The Customer Contact Group will be closed from {nz_clock(closes)} to {nz_clock(reopens)} "
            f"{day}, {nz_day(closes)}."
        )
        response = page.goto(f"/admin/microcredentials/advicepage/{site.page.pk}/change/")
        assert response is not None and response.status == 403
        expect(page.get_by_role("heading", level=1)).to_have_text("You cannot see this page")
        expect(page.locator("textarea")).to_have_count(0)


TYPED = """

## Checked in a browser

A **bold** claim from the editor.

<script>window.typedScriptRan = true;</script>

<img src="/nothing.png" alt="" onerror="window.typedScriptRan = true">
"""


def test_content_editor_previews_and_publishes_a_change_without_script_or_csp_violations(
    page: Page, new_context: CreateContextCallback, site: Site, make_staff: Callable[[str, str], User]
) -> None:
    reader = new_context().new_page()
    reader.goto(site.advice_path)  # the public page is now cached for readers
    errors = watch_for_errors(page)
    log_in(page, make_staff("erin", "Content editors"))
    page.get_by_role("link", name="Advice pages").click()
    page.get_by_role("link", name="Micro-credentials").click()

    body = page.get_by_label("Body")
    preview = live_preview(page)
    body.focus()
    page.keyboard.press("Control+End")
    page.keyboard.insert_text(TYPED)

    expect(preview.get_by_role("heading", name="Checked in a browser")).to_be_visible()
    expect(preview.locator("strong")).to_have_text("bold")
    preview_html = preview.inner_html()
    assert "<script" not in preview_html and "onerror" not in preview_html and "typedScriptRan" not in preview_html
    assert page.evaluate("window.typedScriptRan") is None

    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto(site.advice_path)
    # The reader's browser may keep its copy for a minute (Cache-Control max-age=60); reloading asks again.
    reader.reload()
    for viewer in (page, reader):
        expect(viewer.get_by_role("heading", level=2, name="Checked in a browser")).to_be_visible()
        expect(viewer.locator(".advice__body strong", has_text="bold")).to_be_visible()
        assert "typedScriptRan" not in viewer.content()
        assert viewer.evaluate("window.typedScriptRan") is None
    # Chromium reports each Content Security Policy violation as a console error. (The 404s of the admin's
    # /favicon.ico and of the typed image's missing file are left out by watch_for_errors.)
    assert [error for error in errors if "Content Security Policy" in error] == []
    assert errors == []


# --- the editor's safety nets (static/js/admin-editor.js) ------------------------------------------


def open_editor(page: Page, site: Site, make_staff: Callable[[str, str], User]) -> str:
    """Log in as a content editor and open the micro-credentials page's editor; returns its path."""
    log_in(page, make_staff("erin", "Content editors"))
    change = f"/admin/microcredentials/advicepage/{site.page.pk}/change/"
    page.goto(change)
    expect(live_preview(page).locator("h2").first).to_be_visible()
    return change


def test_unsaved_text_is_kept_in_the_browser_and_offered_back(
    page: Page, site: Site, make_staff: Callable[[str, str], User]
) -> None:
    errors = watch_for_errors(page)
    change = open_editor(page, site, make_staff)
    key = f"careers-draft:advicepage:{site.page.pk}"
    body = page.get_by_label("Body")
    saved_body = body.input_value()
    body.fill("## Start here\n\nUnsaved words <script>alert(1)</script>")
    expect(live_preview(page)).to_contain_text("Unsaved words")
    assert "<script" not in live_preview(page).inner_html()
    page.wait_for_function(f"() => (localStorage.getItem('{key}') || '').includes('Unsaved words')")

    # The editor leaves (or the session times out); on the next visit the kept text is offered back.
    page.goto(change)
    notice = page.locator("#draft-notice")
    expect(notice).to_be_visible()
    expect(body).to_have_value(saved_body)
    notice.get_by_role("button", name="Restore my unsaved changes").click()
    expect(body).to_have_value(re.compile("Unsaved words"))
    expect(notice).to_have_text("Your unsaved changes are back in the form. Save the page to keep them.")
    expect(notice).to_be_focused()

    # A successful save forgets the kept copy.
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert page.evaluate(f"() => localStorage.getItem('{key}')") is None
    site.page.refresh_from_db()
    assert "Unsaved words" in site.page.body
    page.goto(change)
    expect(live_preview(page)).to_contain_text("Unsaved words")
    expect(notice).to_be_hidden()
    assert errors == []


DROP_AN_SVG = """() => {
    const editor = document.querySelector('#id_body');
    editor.focus();
    editor.selectionStart = editor.selectionEnd = editor.value.length;
    const files = new DataTransfer();
    files.items.add(new File(['<svg xmlns="http://www.w3.org/2000/svg"></svg>'], 'logo.svg', {type: 'image/svg+xml'}));
    editor.dispatchEvent(new DragEvent('drop', {dataTransfer: files, bubbles: true, cancelable: true}));
}"""


def test_a_refused_upload_shows_its_reason(page: Page, site: Site, make_staff: Callable[[str, str], User]) -> None:
    errors = watch_for_errors(page)
    open_editor(page, site, make_staff)
    body = page.get_by_label("Body")
    saved_body = body.input_value()
    page.evaluate(DROP_AN_SVG)
    expect(page.get_by_role("alert").filter(has_text="JPEG")).to_have_text(
        "This file is not a JPEG, PNG or WebP image. Upload a photo or graphic saved in one of those formats."
    )
    # markdownx's own "Invalid response" marker is taken back out of the text.
    expect(body).to_have_value(saved_body)
    # markdownx logs the refusal to the console itself ("Invalid response {image: [...]}"); nothing else.
    assert [error for error in errors if not error.startswith("Invalid response")] == []


DROP_A_PNG = """(pngBase64) => {
    const editor = document.querySelector('#id_body');
    editor.focus();
    editor.selectionStart = editor.selectionEnd = editor.value.length;
    const bytes = Uint8Array.from(atob(pngBase64), (character) => character.charCodeAt(0));
    const files = new DataTransfer();
    files.items.add(new File([bytes], 'square.png', {type: 'image/png'}));
    editor.dispatchEvent(new DragEvent('drop', {dataTransfer: files, bubbles: true, cancelable: true}));
}"""
# The image's width once it has loaded and decoded, or 0 if it cannot be.
LOADED_WIDTH = "(image) => image.decode().then(() => image.naturalWidth, () => 0)"


def test_an_uploaded_image_shows_in_the_preview_and_to_readers(
    page: Page,
    new_context: CreateContextCallback,
    site: Site,
    make_staff: Callable[[str, str], User],
    settings: Settings,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    png = io.BytesIO()
    Image.new("RGB", (12, 9), (200, 30, 30)).save(png, format="PNG")
    errors = watch_for_errors(page)
    open_editor(page, site, make_staff)
    body = page.get_by_label("Body")
    page.evaluate(DROP_A_PNG, base64.b64encode(png.getvalue()).decode())
    expect(body).to_have_value(re.compile(r"!\[\]\(/media/uploads/[0-9a-f]{32}\.png\)$"))
    body.fill(body.input_value().replace("![](", "![A red rectangle]("))
    preview_image = live_preview(page).locator("img[alt='A red rectangle']")
    expect(preview_image).to_be_visible()
    assert preview_image.evaluate(LOADED_WIDTH) == 12
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    reader = new_context().new_page()
    reader.goto(site.advice_path)
    public_image = reader.get_by_role("img", name="A red rectangle")
    expect(public_image).to_be_visible()
    assert public_image.evaluate(LOADED_WIDTH) == 12
    assert errors == []


# --- the Body field's keyboard (markdownx types a tab on Tab unless admin-editor.js lets it through) ---------


def test_tab_and_shift_tab_leave_the_body_and_leave_its_text_alone(
    page: Page, site: Site, make_staff: Callable[[str, str], User]
) -> None:
    errors = watch_for_errors(page)
    open_editor(page, site, make_staff)
    body = page.get_by_label("Body")
    saved_body = body.input_value()
    assert saved_body.startswith("#")  # a heading, which a tab in front of would turn into code

    body.focus()
    page.keyboard.press("Tab")
    # The next control in the page's order: the first link in the preview beside the field.
    expect(live_preview(page).locator("a").first).to_be_focused()
    expect(body).to_have_value(saved_body)

    body.focus()
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_label("Summary")).to_be_focused()
    expect(body).to_have_value(saved_body)
    assert errors == []


def test_ctrl_brackets_still_indent_and_unindent_the_current_line(
    page: Page, site: Site, make_staff: Callable[[str, str], User]
) -> None:
    open_editor(page, site, make_staff)
    body = page.get_by_label("Body")
    body.fill("## Steps\n\n- First\n- Second")
    body.press("Control+End")
    body.press("Control+BracketRight")
    expect(body).to_have_value("## Steps\n\n- First\n\t- Second")
    body.press("Control+BracketLeft")
    expect(body).to_have_value("## Steps\n\n- First\n- Second")


def test_the_preview_is_a_named_region_that_explains_a_refused_body(
    page: Page, site: Site, make_staff: Callable[[str, str], User]
) -> None:
    open_editor(page, site, make_staff)
    expect(page.get_by_role("region", name="Preview")).to_be_visible()
    preview = live_preview(page)
    expect(preview.get_by_role("heading", level=2).first).to_be_visible()
    page.get_by_label("Body").fill("[" * 4000 + "]" * 4000)
    expect(preview).to_contain_text("A paragraph, list item or table cell has too many “[” or “`” for its length")


def test_the_live_preview_is_styled_as_the_public_page_in_a_frame_that_runs_no_scripts(
    page: Page, site: Site, make_staff: Callable[[str, str], User]
) -> None:
    # Sizes follow the width (the frame is narrower than the page), so the typeface, weight and colour are compared.
    styles = "(h) => { const s = getComputedStyle(h); return [s.fontFamily, s.fontWeight, s.color]; }"
    page.goto(site.url + site.advice_path)
    public_heading = page.locator(".advice__body h2").first.evaluate(styles)

    errors = watch_for_errors(page)
    open_editor(page, site, make_staff)
    frame = page.locator(".live-preview-frame")
    assert "allow-scripts" not in (frame.get_attribute("sandbox") or "x allow-scripts")
    preview_heading = live_preview(page).locator("h2").first
    expect(preview_heading).to_be_visible()
    page.wait_for_function("() => document.querySelector('.live-preview-frame').contentDocument.styleSheets.length > 0")
    assert preview_heading.evaluate(styles) == public_heading  # the site's stylesheet, not the admin's
    admin_heading = page.locator("#content h1").evaluate(styles)
    assert admin_heading != public_heading
    assert page.locator(".markdownx-preview").is_hidden()  # markdownx's own preview only feeds the frame
    assert errors == []
