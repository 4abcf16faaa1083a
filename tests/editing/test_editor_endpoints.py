"""The Markdown editor's preview and upload endpoints: staff only, sanitised, and strict about images."""

import io
import re
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from pytest_django.fixtures import Settings

from microcredentials.models import AdvicePage
from microcredentials.pages.rendering import render_markdown_html
from tests.editing.helpers import CONTACT_CENTRE, CONTENT_EDITORS, login, make_user

PREVIEW_URL = "/markdownx/markdownify/"
UPLOAD_URL = "/markdownx/upload/"

# Every kind of dangerous markup an editor could paste, on purpose or by accident.
DANGEROUS_BODY = """# A level one heading

<script>alert("script")</script>
<img src="x.png" alt="x" onerror="alert('onerror')">
[a javascript link](javascript:alert('link'))
<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">a data link</a>
<a href="vbscript:msgbox('vb')">a vbscript link</a>
<iframe src="https://evil.example/"></iframe>
<svg onload="alert('svg')"><circle r="1"></circle></svg>
<style>body { display: none; }</style>
<p style="position: fixed" onclick="alert('click')">styled text</p>
<object data="movie.swf"></object><embed src="movie.swf">
<form action="https://evil.example/"><input name="password"></form>
<details open ontoggle="alert('toggle')"><summary>More</summary>Hidden</details>
<math><mi xlink:href="javascript:alert('math')">x</mi></math>
![an image with a javascript address](javascript:alert('img'))
<!-- an HTML comment -->
<base href="https://evil.example/">
<meta http-equiv="refresh" content="0; url=https://evil.example/">

## A safe heading

A [safe link](https://www.nzqa.govt.nz/) and **bold** text.
"""
FORBIDDEN = [
    "<script", "onerror", "javascript:", "vbscript:", "data:text/html", "<iframe", "<svg", "<style", "style=",
    "onclick", "<object", "<embed", "<form", "<input", "ontoggle", "<math", "<!--", "<h1", "<base", "<meta",
]  # fmt: skip


def png_bytes(size: tuple[int, int] = (8, 6), **save_options: object) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(output, format="PNG", **save_options)
    return output.getvalue()


def png_of_size(width: int, height: int) -> bytes:
    """A valid black 1-bit PNG, written row by row so that even a huge one is quick and small to make."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\0" * (1 + (width + 7) // 8)  # filter byte, then 8 pixels a byte
    packer = zlib.compressobj(9)
    pixels = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def upload(client: Client, name: str, content: bytes, content_type: str) -> tuple[int, dict[str, object]]:
    response = client.post(
        UPLOAD_URL,
        {"image": SimpleUploadedFile(name, content, content_type=content_type)},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    return response.status_code, response.json()


@pytest.fixture
def editor(db: None) -> User:
    return make_user("editor", CONTENT_EDITORS)


@pytest.fixture
def media_root(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# Who may use the endpoints.


@pytest.mark.django_db
@pytest.mark.parametrize("url", [PREVIEW_URL, UPLOAD_URL])
def test_anonymous_requests_are_refused(client: Client, url: str) -> None:
    response = client.post(url, {"content": "## Hi"})
    assert response.status_code == 403
    assert "Only signed-in staff" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url", [PREVIEW_URL, UPLOAD_URL])
def test_signed_in_non_staff_are_refused(client: Client, url: str) -> None:
    member = make_user("member", CONTENT_EDITORS)  # joining a staff group gives Staff status ...
    member.is_staff = False  # ... which an administrator may take away again to stop them signing in
    member.save()
    assert login(client, member).post(url, {"content": "## Hi"}).status_code == 403


@pytest.mark.django_db
def test_inactive_staff_are_refused(client: Client, editor: User) -> None:
    login(client, editor)
    editor.is_active = False
    editor.save()
    assert client.post(PREVIEW_URL, {"content": "## Hi"}).status_code == 403


@pytest.mark.django_db
def test_staff_who_do_not_edit_pages_cannot_upload(client: Client, media_root: Path) -> None:
    contact_centre = make_user("contact", CONTACT_CENTRE)
    status = login(client, contact_centre).post(UPLOAD_URL, {"image": SimpleUploadedFile("a.png", png_bytes())})
    assert status.status_code == 403
    assert not any(media_root.rglob("*.*"))


@pytest.mark.django_db
@pytest.mark.parametrize("url", [PREVIEW_URL, UPLOAD_URL])
def test_get_is_not_allowed(client: Client, editor: User, url: str) -> None:
    assert login(client, editor).get(url).status_code == 405


# The preview is the public rendering.


@pytest.mark.django_db
def test_preview_equals_the_public_rendering_of_dangerous_markup(
    client: Client, editor: User, make_page: Callable[..., AdvicePage]
) -> None:
    response = login(client, editor).post(PREVIEW_URL, {"content": DANGEROUS_BODY})
    preview = response.content.decode()
    page = make_page(body=DANGEROUS_BODY)
    public = client.get(page.get_absolute_url()).content.decode()

    assert response.status_code == 200
    assert preview == render_markdown_html(DANGEROUS_BODY) == page.body_html
    assert preview in public
    for marker in FORBIDDEN:
        assert marker not in preview.lower(), marker
    assert '<a href="https://www.nzqa.govt.nz/" rel="noopener noreferrer">safe link</a>' in preview
    assert '<h2 id="a-safe-heading">A safe heading</h2>' in preview


@pytest.mark.django_db
def test_preview_refuses_markdown_that_would_take_too_long_and_says_why(client: Client, editor: User) -> None:
    response = login(client, editor).post(PREVIEW_URL, {"content": "[" * 4000 + "]" * 4000})
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    message = response.content.decode()
    assert message.startswith("A paragraph, list item or table cell has too many “[” or “`” for its length")
    assert "Close each “[” with “]”" in message


@pytest.mark.django_db
def test_preview_refuses_a_body_over_the_length_limit(client: Client, editor: User) -> None:
    response = login(client, editor).post(PREVIEW_URL, {"content": "x" * 100_001})
    assert response.status_code == 400
    assert response.content.decode() == (
        "The body is 100,001 characters long; a page can have up to 100,000. "
        "Move some sections to a new page and link to it."
    )


@pytest.mark.django_db
def test_preview_without_content_is_a_bad_request(client: Client, editor: User) -> None:
    response = login(client, editor).post(PREVIEW_URL, {})
    assert response.status_code == 400
    assert "content" in response.content.decode()


# Uploads.


@pytest.mark.django_db
def test_valid_png_is_reencoded_and_stored_under_a_random_name(client: Client, editor: User, media_root: Path) -> None:
    status, answer = upload(login(client, editor), "My holiday photo.png", png_bytes(), "image/png")

    assert status == 200
    match = re.fullmatch(r"!\[\]\(/media/uploads/([0-9a-f]{32})\.png\)", str(answer["image_code"]))
    assert match, answer
    stored = media_root / "uploads" / f"{match[1]}.png"
    with Image.open(stored) as image:
        assert (image.format, image.size) == ("PNG", (8, 6))


@pytest.mark.django_db
def test_type_comes_from_the_content_not_the_name_or_claimed_type(
    client: Client, editor: User, media_root: Path
) -> None:
    status, answer = upload(login(client, editor), "photo.jpg", png_bytes(), "image/jpeg")
    assert status == 200
    assert str(answer["image_code"]).endswith(".png)")


@pytest.mark.django_db
def test_metadata_is_stripped(client: Client, editor: User, media_root: Path) -> None:
    exif = Image.Exif()
    exif[0x010E] = "secret description"  # ImageDescription
    exif[0x013B] = "Secret Photographer"  # Artist
    original = io.BytesIO()
    Image.new("RGB", (10, 10), "blue").save(original, format="JPEG", exif=exif, comment=b"secret comment")
    assert b"Secret Photographer" in original.getvalue()

    status, answer = upload(login(client, editor), "camera.jpg", original.getvalue(), "image/jpeg")

    assert status == 200
    stored = next((media_root / "uploads").glob("*.jpg")).read_bytes()
    assert b"Secret" not in stored and b"secret" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert not image.getexif()


@pytest.mark.django_db
def test_webp_is_accepted(client: Client, editor: User, media_root: Path) -> None:
    original = io.BytesIO()
    Image.new("RGBA", (4, 4), (0, 0, 255, 128)).save(original, format="WEBP")
    status, answer = upload(login(client, editor), "graphic.webp", original.getvalue(), "image/webp")
    assert status == 200
    assert str(answer["image_code"]).endswith(".webp)")


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("drawing.svg", SVG, "image/svg+xml"),
        ("drawing.png", SVG, "image/png"),
        ("page.png", HTML, "image/png"),
        ("animation.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/gif"),
        ("empty.png", b"", "image/png"),
    ],
)
def test_anything_but_jpeg_png_or_webp_gets_a_clear_error(
    client: Client, editor: User, media_root: Path, name: str, content: bytes, content_type: str
) -> None:
    status, answer = upload(login(client, editor), name, content, content_type)
    assert status == 400
    assert answer == {
        "image": [
            "This file is not a JPEG, PNG or WebP image. Upload a photo or graphic saved in one of those formats."
        ]
    }
    assert not any(media_root.rglob("*.*"))


@pytest.mark.django_db
def test_a_damaged_image_gets_a_clear_error(client: Client, editor: User, media_root: Path) -> None:
    status, answer = upload(login(client, editor), "cut.png", png_bytes((200, 200))[:120], "image/png")
    assert status == 400
    assert "damaged or incomplete" in str(answer["image"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "size",
    [(8000, 6000), (20000, 20000)],  # 48 megapixels; 400, which Pillow itself refuses to open (over ~179)
    ids=["over-our-limit", "over-pillows-limit"],
)
def test_an_image_with_too_many_pixels_is_refused_as_such(
    client: Client, editor: User, media_root: Path, size: tuple[int, int]
) -> None:
    status, answer = upload(login(client, editor), "huge.png", png_of_size(*size), "image/png")
    assert status == 400
    assert answer == {"image": ["This image has too many pixels. Resize it to under 40 megapixels first."]}
    assert not any(media_root.rglob("*.*"))


@pytest.mark.django_db
def test_an_oversized_upload_is_refused_before_it_is_read(client: Client, editor: User, media_root: Path) -> None:
    huge = png_bytes() + b"\0" * (5 * 1024 * 1024)
    status, answer = upload(login(client, editor), "huge.png", huge, "image/png")
    assert status == 413
    assert answer == {"image": ["This image is larger than 5 MB. Make it smaller and upload it again."]}
    assert not any(media_root.rglob("*.*"))


@pytest.mark.django_db
def test_an_image_over_the_limit_is_refused(client: Client, editor: User, media_root: Path, settings: Settings) -> None:
    settings.MARKDOWNX_UPLOAD_MAX_SIZE = 2 * 1024 * 1024
    noisy = Image.frombytes("L", (1600, 1600), bytes(range(256)) * 10_000)
    original = io.BytesIO()
    noisy.save(original, format="PNG", compress_level=0)
    assert len(original.getvalue()) > 2 * 1024 * 1024
    status, answer = upload(login(client, editor), "big.png", original.getvalue(), "image/png")
    assert status == 413
    assert "larger than 2 MB" in str(answer["image"])


@pytest.mark.django_db
def test_an_upload_without_a_file_gets_a_clear_error(client: Client, editor: User) -> None:
    response = login(client, editor).post(UPLOAD_URL, {})
    assert response.status_code == 400
    assert response.json() == {"image": ["Choose an image to upload."]}


# Serving uploads to readers (the test settings run with DEBUG off, as production does).


def uploaded_url(client: Client, editor: User, content: bytes, name: str = "photo.png") -> str:
    status, answer = upload(login(client, editor), name, content, "image/png")
    assert status == 200, answer
    return str(answer["image_code"])[len("![](") : -1]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("save_as", "content_type"), [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("WEBP", "image/webp")]
)
def test_readers_get_an_uploaded_image_kept_for_a_year(
    client: Client, editor: User, media_root: Path, save_as: str, content_type: str
) -> None:
    original = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 30, 30)).save(original, format=save_as)
    url = uploaded_url(client, editor, original.getvalue())

    response = Client().get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == (media_root / url.removeprefix("/media/")).read_bytes()  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_head_answers_without_the_image(client: Client, editor: User, media_root: Path) -> None:
    url = uploaded_url(client, editor, png_bytes())
    response = Client().head(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert int(response["Content-Length"]) == (media_root / url.removeprefix("/media/")).stat().st_size


@pytest.mark.django_db
def test_an_upload_cannot_be_posted_to(client: Client, editor: User, media_root: Path) -> None:
    url = uploaded_url(client, editor, png_bytes())
    assert Client().post(url).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/media/uploads/" + "0" * 32 + ".png",  # the right shape, never uploaded
        "/media/uploads/" + "a" * 32 + ".svg",  # a type the editor never stores
        "/media/uploads/notes.txt",  # another file in the uploads folder
        "/media/uploads/%2e%2e%2fsecret.png",  # a file outside it
        "/media/uploads/" + "A" * 32 + ".PNG",
        "/media/uploads/" + "a" * 32 + ".png%00.txt",
        "/media/secret.png",
    ],
)
def test_anything_but_a_stored_upload_is_not_found(client: Client, media_root: Path, path: str) -> None:
    (media_root / "uploads").mkdir()
    (media_root / "uploads" / "notes.txt").write_text("not for readers")
    (media_root / "uploads" / ("a" * 32 + ".svg")).write_text("<svg></svg>")
    (media_root / "uploads" / ("A" * 32 + ".PNG")).write_bytes(png_bytes())
    (media_root / "secret.png").write_bytes(png_bytes())
    response = client.get(path)
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.content.decode()


# Oversized uploads are refused in plain words, whichever layer sees them first (admin-editor.js checks the
# size before sending, and says "The image is too big" for any 413).


@pytest.mark.django_db
def test_a_file_just_over_the_limit_reaches_the_view_and_is_refused_with_json(
    client: Client, editor: User, media_root: Path
) -> None:
    """Under the declared-length allowance, so the view reads it and the stored size decides."""
    just_over = png_bytes() + b"\0" * (5 * 1024 * 1024 + 1 - len(png_bytes()))
    assert len(just_over) == 5 * 1024 * 1024 + 1
    response = login(client, editor).post(UPLOAD_URL, {"image": SimpleUploadedFile("big.png", just_over, "image/png")})
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"image": ["This image is larger than 5 MB. Make it smaller and upload it again."]}
    assert not any(media_root.rglob("*.*"))


@pytest.mark.django_db
def test_a_file_at_the_limit_is_not_refused_for_its_size(client: Client, editor: User, media_root: Path) -> None:
    at_limit = png_bytes() + b"\0" * (5 * 1024 * 1024 - len(png_bytes()))  # trailing bytes after the image
    status, answer = upload(login(client, editor), "padded.png", at_limit, "image/png")
    assert status == 200, answer
    stored = next((media_root / "uploads").glob("*.png"))
    assert stored.stat().st_size < 1024  # re-encoding dropped what followed the image


@pytest.mark.django_db
def test_a_body_over_the_sites_request_limit_gets_the_plain_413_page(
    client: Client, editor: User, media_root: Path
) -> None:
    """Bodies over MULTIPART_REQUEST_MAX_SIZE are answered by the request-size middleware before the view runs,
    with its page in plain words (not JSON: the script says "The image is too big" for any 413)."""
    huge = png_bytes() + b"\0" * (6 * 1024 * 1024)
    response = login(client, editor).post(UPLOAD_URL, {"image": SimpleUploadedFile("huge.png", huge, "image/png")})
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "What you sent is too large" in page
    assert "This site accepts up to 6 MB in one go" in page
    assert not any(media_root.rglob("*.*"))
