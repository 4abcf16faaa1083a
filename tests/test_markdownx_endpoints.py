"""The editor's Markdown preview and image upload: staff only, and a clear 4xx for anything malformed."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from microcredentials.models import AdvicePage

PREVIEW = "/markdownx/markdownify/"
UPLOAD = "/markdownx/upload/"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "teal").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def media_root(settings: object, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    return tmp_path


@pytest.mark.django_db
def test_the_admin_preview_works_for_staff_with_csrf_enforced(shipped_content: AdvicePage) -> None:
    """What the markdownx widget does: read the form's CSRF token (the cookie is HttpOnly) and post the Markdown."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.create_superuser("chief", password="a-long-test-password"))
    page = client.get(f"/{settings.ADMIN_PATH}microcredentials/advicepage/{shipped_content.pk}/change/")
    html = page.content.decode()
    assert f'data-markdownx-urls-path="{PREVIEW}"' in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token

    response = client.post(
        PREVIEW,
        {"content": "## Kia ora\n\n<script>alert(1)</script>[x](javascript:alert(1))", "csrfmiddlewaretoken": token[1]},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert '<h2 id="kia-ora">Kia ora</h2>' in body
    assert "<script" not in body and "javascript:" not in body


@pytest.mark.django_db
def test_the_preview_is_refused_to_the_public(client: Client) -> None:
    assert client.post(PREVIEW, {"content": "# Hi"}).status_code == 403
    assert client.get(PREVIEW).status_code == 405


@pytest.mark.django_db
def test_a_preview_without_content_is_a_400_not_a_crash(client: Client, staff_user: User) -> None:
    client.force_login(staff_user)
    response = client.post(PREVIEW, {"text": "# Hi"})
    assert response.status_code == 400
    assert "'content'" in response.content.decode()


@pytest.mark.django_db
def test_staff_can_upload_an_image_and_its_name_cannot_choose_the_extension(
    client: Client, staff_user: User, media_root: Path
) -> None:
    client.force_login(staff_user)
    image = SimpleUploadedFile("../../page.html", png_bytes(), content_type="image/png")
    response = client.post(UPLOAD, {"image": image}, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 200
    code = response.json()["image_code"]
    assert re.fullmatch(r"!\[\]\(/media/uploads/[0-9a-f-]{36}\.png\)", code), code
    saved = list((media_root / "uploads").iterdir())
    assert len(saved) == 1 and saved[0].suffix == ".png"
    assert Image.open(saved[0]).format == "PNG"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "content_type"),
    [(b"not an image at all", "image/png"), (b"<svg onload='x()'/>", "image/svg+xml"), (b"\x89PNG\r\n", "image/png")],
)
def test_a_file_that_is_not_a_usable_image_is_refused_with_a_message(
    client: Client, staff_user: User, media_root: Path, content: bytes, content_type: str
) -> None:
    client.force_login(staff_user)
    upload = SimpleUploadedFile("photo.png", content, content_type=content_type)
    response = client.post(UPLOAD, {"image": upload}, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 400
    assert response.json()["image"]
    assert not (media_root / "uploads").exists()


@pytest.mark.django_db
def test_the_public_cannot_upload(client: Client, media_root: Path) -> None:
    image = SimpleUploadedFile("photo.png", png_bytes(), content_type="image/png")
    assert client.post(UPLOAD, {"image": image}).status_code == 403
    assert client.get(UPLOAD).status_code == 405
    assert not (media_root / "uploads").exists()
