"""Images go in with alt text, every upload error is said in plain words, and the preview sits beside the editor.

The "Insert image" button and its dialog, and the uploads of dropped files, are static/js/admin-editor.js; the
layout is static/css/admin-editor.css. Everything runs in Chromium against the live server: no upload is faked.
"""

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from PIL import Image
from playwright.sync_api import FloatRect, Locator, Page, Request, expect
from pytest_django.fixtures import Settings

from tests.browser.helpers import WCAG_AA_TAGS, Site, live_preview, log_in, watch_for_errors

pytestmark = pytest.mark.browser

UPLOAD_PATH = "/markdownx/upload/"
STORED_PNG = r"/media/uploads/[0-9a-f]{32}\.png"
TOO_BIG = "The image is too big: it must be 5 MB or smaller."
ALT_NEEDED = (
    "Write alt text that says what the image shows, or tick “Decorative image (no alt text)” if it adds nothing."
)
NOT_AN_IMAGE = "This file is not a JPEG, PNG or WebP image. Upload a photo or graphic saved in one of those formats."
UPLOAD_FAILED = (
    "The image could not be uploaded. Check your connection and try again. "
    "If it still fails, save your text and reload the page."
)
# The image's width once it has loaded and decoded, or 0 if it cannot be.
LOADED_WIDTH = "(image) => image.decode().then(() => image.naturalWidth, () => 0)"


@pytest.fixture
def media_root(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def red_png(tmp_path: Path) -> Path:
    path = tmp_path / "red.png"
    Image.new("RGB", (12, 9), (200, 30, 30)).save(path, format="PNG")
    return path


def open_editor(page: Page, site: Site, make_staff: Callable[[str, str], User]) -> Locator:
    """Log in as a content editor, open the micro-credentials page's editor and return its Body field."""
    log_in(page, make_staff("erin", "Content editors"))
    page.goto(f"/admin/microcredentials/advicepage/{site.page.pk}/change/")
    expect(live_preview(page).locator("h2").first).to_be_visible()
    return page.get_by_label("Body")


def image_dialog(page: Page) -> Locator:
    return page.get_by_role("dialog", name="Insert an image")


def watch_uploads(page: Page) -> list[str]:
    """The upload requests the page sends from now on."""
    sent: list[str] = []

    def note(request: Request) -> None:
        if request.url.endswith(UPLOAD_PATH):
            sent.append(request.method)

    page.on("request", note)
    return sent


def drop_files(page: Page, files: str) -> None:
    """Drop files, made in the page by the JavaScript expression `files`, at the end of the Body."""
    page.evaluate(
        f"""() => {{
            const editor = document.querySelector('#id_body');
            editor.focus();
            editor.selectionStart = editor.selectionEnd = editor.value.length;
            const files = new DataTransfer();
            for (const file of {files}) files.items.add(file);
            editor.dispatchEvent(new DragEvent('drop', {{dataTransfer: files, bubbles: true, cancelable: true}}));
        }}"""
    )


DROPPED_SVG = "[new File(['<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>'], 'logo.svg', {type: 'image/svg+xml'})]"
# A PNG's signature and then zeros: over 5 MB (the browser should refuse it without sending it).
DROPPED_BIG_PNG = (
    "[new File([new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]), new Uint8Array(5 * 1024 * 1024)], "
    "'big.png', {type: 'image/png'})]"
)


def dropped_png(path: Path) -> str:
    data = ", ".join(str(byte) for byte in path.read_bytes())
    return f"[new File([new Uint8Array([{data}])], '{path.name}', {{type: 'image/png'}})]"


def test_an_image_goes_in_with_its_alt_text_using_the_keyboard_alone(
    page: Page, site: Site, make_staff: Callable[[str, str], User], media_root: Path, red_png: Path
) -> None:
    errors = watch_for_errors(page)
    body = open_editor(page, site, make_staff)
    saved_body = body.input_value()
    insert_image = page.get_by_role("button", name="Insert image")

    body.focus()  # the cursor is at the start of the text
    for _ in range(100):  # past the links in the preview, which comes first in the page's order
        page.keyboard.press("Tab")
        if insert_image.evaluate("(button) => button === document.activeElement"):
            break
    expect(insert_image).to_be_focused()
    page.keyboard.press("Enter")

    dialog = image_dialog(page)
    expect(dialog).to_be_visible()
    file_input = dialog.get_by_label("Image file")
    expect(file_input).to_be_focused()
    file_input.set_input_files(red_png)
    page.keyboard.press("Tab")
    expect(dialog.get_by_label("Alt text", exact=True)).to_be_focused()
    page.keyboard.type("the alt")
    page.keyboard.press("Enter")

    expect(dialog).to_be_hidden()
    expect(body).to_be_focused()
    expect(body).to_have_value(re.compile(rf"^!\[the alt\]\({STORED_PNG}\)\n\n"))
    image_line = body.input_value().split("\n", 1)[0]
    assert body.input_value() == f"{image_line}\n\n{saved_body}"  # on a line (and paragraph) of its own
    preview_image = live_preview(page).locator("img[alt='the alt']")
    expect(preview_image).to_be_visible()
    assert preview_image.evaluate(LOADED_WIDTH) == 12
    # The cursor is just after the image, so typing goes on from there.
    assert body.evaluate("(editor) => editor.selectionStart") == len(image_line)
    assert len(list((media_root / "uploads").glob("*.png"))) == 1
    assert errors == []


def test_alt_text_is_required_unless_the_image_is_decorative(
    page: Page, site: Site, make_staff: Callable[[str, str], User], media_root: Path, red_png: Path
) -> None:
    errors = watch_for_errors(page)
    body = open_editor(page, site, make_staff)
    saved_body = body.input_value()
    uploads = watch_uploads(page)
    page.get_by_role("button", name="Insert image").click()
    dialog = image_dialog(page)
    alt = dialog.get_by_label("Alt text", exact=True)
    expect(alt).to_have_attribute("required", "")

    # Nothing chosen yet.
    dialog.get_by_role("button", name="Insert").click()
    expect(dialog.get_by_role("alert")).to_have_text("Choose the image file to insert.")
    expect(dialog.get_by_label("Image file")).to_be_focused()

    # A file, but no alt text (spaces are none): refused, and the dialog stays open on the alt text.
    dialog.get_by_label("Image file").set_input_files(red_png)
    alt.fill("   ")
    dialog.get_by_role("button", name="Insert").click()
    expect(dialog.get_by_role("alert")).to_have_text(ALT_NEEDED)
    expect(dialog).to_be_visible()
    expect(alt).to_be_focused()
    expect(alt).to_have_attribute("aria-invalid", "true")
    expect(alt).to_have_accessible_description(re.compile(re.escape(ALT_NEEDED)))
    # The dialog itself meets WCAG 2.2 AA while it shows the error.
    assert errors == []
    results = Axe().run(page, context=".image-dialog", options={"runOnly": {"type": "tag", "values": WCAG_AA_TAGS}})
    assert results.response["violations"] == []
    errors.clear()  # axe's own script applies inline styles, which the Content Security Policy blocks
    assert uploads == []
    expect(body).to_have_value(saved_body)

    # Decorative: no alt text needed, and none goes in.
    dialog.get_by_label("Decorative image (no alt text)").check()
    expect(alt).to_be_disabled()
    expect(alt).not_to_have_attribute("aria-invalid", "true")
    body.evaluate("(editor) => { editor.selectionStart = editor.selectionEnd = editor.value.length; }")
    dialog.get_by_role("button", name="Insert").click()
    expect(dialog).to_be_hidden()
    expect(body).to_have_value(re.compile(rf"\n\n!\[\]\({STORED_PNG}\)$"))
    assert body.input_value().startswith(saved_body)
    expect(live_preview(page).locator("img[alt='']")).to_have_count(1)
    expect(body).to_be_focused()
    assert uploads == ["POST"]
    assert errors == []


def test_escape_and_cancel_close_the_dialog_and_return_to_the_button(
    page: Page, site: Site, make_staff: Callable[[str, str], User], red_png: Path
) -> None:
    body = open_editor(page, site, make_staff)
    saved_body = body.input_value()
    insert_image = page.get_by_role("button", name="Insert image")
    dialog = image_dialog(page)

    insert_image.focus()
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Image file").set_input_files(red_png)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(insert_image).to_be_focused()

    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Alt text", exact=True).fill("left over")
    dialog.get_by_role("button", name="Cancel").focus()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(insert_image).to_be_focused()
    expect(body).to_have_value(saved_body)

    # Opened again, the dialog starts afresh.
    page.keyboard.press("Enter")
    expect(dialog.get_by_label("Alt text", exact=True)).to_have_value("")
    expect(dialog.get_by_role("alert")).to_be_hidden()


def test_a_file_over_5_mb_is_refused_in_plain_words_without_being_sent(
    page: Page, site: Site, make_staff: Callable[[str, str], User], media_root: Path, tmp_path: Path
) -> None:
    big = tmp_path / "big.png"
    big.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * (5 * 1024 * 1024))
    errors = watch_for_errors(page)
    body = open_editor(page, site, make_staff)
    saved_body = body.input_value()
    uploads = watch_uploads(page)

    # Through the dialog: the message is in it, and the editor can choose another file.
    page.get_by_role("button", name="Insert image").click()
    dialog = image_dialog(page)
    dialog.get_by_label("Image file").set_input_files(big)
    dialog.get_by_label("Alt text", exact=True).fill("A huge picture")
    dialog.get_by_label("Alt text", exact=True).press("Enter")
    expect(dialog.get_by_role("alert")).to_have_text(TOO_BIG)
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Image file")).to_be_focused()
    dialog.get_by_role("button", name="Cancel").click()

    # Dropped into the Body: the message is next to the editor.
    drop_files(page, DROPPED_BIG_PNG)
    editor_alert = page.locator(".field-body .upload-error")
    expect(editor_alert).to_have_text(TOO_BIG)
    expect(editor_alert).to_have_attribute("role", "alert")
    expect(body).to_have_value(saved_body)
    assert uploads == []
    assert not media_root.exists() or not any(media_root.rglob("*.*"))
    assert errors == []


def test_an_upload_refused_with_a_page_instead_of_json_gets_a_plain_message(
    page: Page, site: Site, make_staff: Callable[[str, str], User], media_root: Path, red_png: Path
) -> None:
    """When the server answers with an HTML page (here the CSRF failure page, as after a session ends, or the
    request-size 413), the editor reads a plain message, not "Unexpected token '<'"."""
    errors = watch_for_errors(page)
    body = open_editor(page, site, make_staff)
    saved_body = body.input_value()
    page.evaluate(
        "() => { document.querySelector('#id_body').form.elements.csrfmiddlewaretoken.value = 'x'.repeat(64); }"
    )
    with page.expect_response(lambda response: response.url.endswith(UPLOAD_PATH)) as answer:
        drop_files(page, dropped_png(red_png))
    assert answer.value.status == 403
    assert answer.value.headers["content-type"].startswith("text/html")
    expect(page.locator(".field-body .upload-error")).to_have_text(UPLOAD_FAILED)
    expect(body).to_have_value(saved_body)
    assert [error for error in errors if "Unexpected token" in error or "uncaught" in error] == []


def test_an_earlier_error_is_cleared_when_a_new_upload_starts_or_an_image_goes_in(
    page: Page, site: Site, make_staff: Callable[[str, str], User], media_root: Path, red_png: Path
) -> None:
    errors = watch_for_errors(page)
    body = open_editor(page, site, make_staff)
    editor_alert = page.locator(".field-body .upload-error")

    drop_files(page, DROPPED_SVG)
    expect(editor_alert).to_have_text(NOT_AN_IMAGE)
    expect(editor_alert).to_be_visible()
    drop_files(page, dropped_png(red_png))  # a new upload, which succeeds
    expect(body).to_have_value(re.compile(rf"\n\n!\[\]\({STORED_PNG}\)$"))
    expect(editor_alert).to_be_hidden()

    drop_files(page, DROPPED_SVG)
    expect(editor_alert).to_have_text(NOT_AN_IMAGE)
    page.get_by_role("button", name="Insert image").click()
    dialog = image_dialog(page)
    dialog.get_by_label("Image file").set_input_files(red_png)
    dialog.get_by_label("Alt text", exact=True).fill("A red rectangle")
    dialog.get_by_role("button", name="Insert").click()
    expect(dialog).to_be_hidden()
    expect(body).to_have_value(re.compile(rf"\n\n!\[A red rectangle\]\({STORED_PNG}\)$"))
    expect(editor_alert).to_be_hidden()
    expect(page.get_by_role("alert").filter(has_text="JPEG")).to_have_count(0)
    expect(live_preview(page).locator("img[alt='A red rectangle']")).to_be_visible()
    assert errors == []


def box(locator: Locator) -> FloatRect:
    found = locator.bounding_box()
    assert found is not None
    return found


def test_the_preview_sits_beside_the_editor_on_wide_screens_and_below_it_on_narrow_ones(
    page: Page, site: Site, make_staff: Callable[[str, str], User]
) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    body = open_editor(page, site, make_staff)
    preview = page.locator(".live-preview-frame")

    editor_box, preview_box = box(body), box(preview)
    assert preview_box["x"] >= editor_box["x"] + editor_box["width"]  # side by side
    assert abs(preview_box["y"] - editor_box["y"]) < 2
    assert editor_box["width"] >= 400 and preview_box["width"] >= 400
    preview_page = page.frame_locator(".live-preview-frame").locator("html")
    for scroller, found in ((body, editor_box), (preview_page, preview_box)):
        # A capped height, and the rest of the text scrolls inside the box (the page is long).
        assert found["height"] <= 0.7 * 900 + 1
        assert scroller.evaluate("(element) => element.scrollHeight > element.clientHeight")
    # Typing keeps the box's height: markdownx's growing is capped.
    body.press("Control+End")
    page.keyboard.insert_text("\n\nMore text.\n" * 40)
    expect(live_preview(page)).to_contain_text("More text.")
    assert box(body)["height"] == editor_box["height"]

    for width in (375, 320):
        page.set_viewport_size({"width": width, "height": 700})
        editor_box, preview_box = box(body), box(preview)
        assert preview_box["y"] >= editor_box["y"] + editor_box["height"]  # below
        assert abs(preview_box["x"] - editor_box["x"]) < 2
        assert editor_box["height"] <= 0.7 * 700 + 1 and preview_box["height"] <= 0.7 * 700 + 1
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_role("button", name="Insert image").click()
    expect(image_dialog(page)).to_be_visible()
    assert box(image_dialog(page))["width"] <= 320
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_the_body_help_says_how_to_add_an_image_and_its_alt_text(
    page: Page, site: Site, make_staff: Callable[[str, str], User]
) -> None:
    body = open_editor(page, site, make_staff)
    expect(body).to_have_accessible_description(re.compile(r"Insert image.*drag the image file.*alt text", re.S))
    expect(body).to_have_accessible_description(re.compile("unless it is only decorative"))
