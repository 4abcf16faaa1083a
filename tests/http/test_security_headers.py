"""Security headers on public pages, admin pages and static files, the cookies' flags, the Cache-Control of
everything rendered for signed-in staff, and /.well-known/security.txt.

(`check --deploy`, and the `__Host-` cookie names, with production settings are tested in test_production.py.)
"""

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import User
from django.http.response import HttpResponseBase
from django.templatetags.static import static
from django.test import Client
from django.utils import timezone

from microcredentials.models import AdvicePage
from tests.signing_in import sign_in

ADMIN = f"/{settings.ADMIN_PATH}"
# The unhashed name (whitenoise serves both); the hashed one is looked up after collectstatic has run.
STATIC_CSS = "/static/css/site.css"

# Header -> what its value must be (str) or contain (tuple of parts).
EXPECTED_HEADERS: dict[str, str | tuple[str, ...]] = {
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": ("camera=()", "geolocation=()", "microphone=()", "payment=()", "usb=()"),
    "Content-Security-Policy": (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ),
}


def assert_security_headers(response: HttpResponseBase) -> None:
    for header, expected in EXPECTED_HEADERS.items():
        value = response.headers.get(header)
        assert value is not None, f"{header} missing"
        if isinstance(expected, str):
            assert value == expected, header
        else:
            for part in expected:
                assert part in value, f"{header} lacks {part!r}: {value}"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/", "/plan-your-career/micro-credentials/", "/no-such-page/", f"{ADMIN}login/", STATIC_CSS],
    ids=["home", "advice-page", "404", "admin-login", "static-file"],
)
def test_every_kind_of_response_carries_the_security_headers(
    client: Client, shipped_content: AdvicePage, url: str
) -> None:
    response = client.get(url, secure=True)
    assert response.status_code in {200, 404}
    assert_security_headers(response)


@pytest.mark.django_db
def test_static_file_is_served_by_whitenoise_with_headers(client: Client) -> None:
    response = client.get(static("css/site.css"), secure=True)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert "immutable" in response["Cache-Control"]
    assert_security_headers(response)


@pytest.mark.django_db
def test_signed_in_admin_pages_carry_the_security_headers(client: Client, shipped_content: AdvicePage) -> None:
    admin = User.objects.create_superuser("chief", password="a-long-test-password")
    sign_in(client, admin)
    for url in (ADMIN, f"{ADMIN}microcredentials/advicepage/{shipped_content.pk}/change/"):
        response = client.get(url, secure=True)
        assert response.status_code == 200, url
        assert_security_headers(response)


@pytest.mark.django_db
def test_hsts_is_sent_only_over_https(client: Client) -> None:
    assert "Strict-Transport-Security" not in client.get("/no-such-page/").headers
    assert "Strict-Transport-Security" in client.get("/no-such-page/", secure=True).headers


@pytest.mark.django_db
def test_cookies_are_secure_and_http_only(client: Client, staff_user: User) -> None:
    response = client.get(f"{ADMIN}login/", secure=True)
    csrf = response.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["secure"] is True and csrf["httponly"] is True and csrf["samesite"] == "Lax"

    response = client.post(f"{ADMIN}login/", {"username": "editor", "password": "a-long-test-password"}, secure=True)
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] is True and session["httponly"] is True and session["samesite"] == "Lax"


PRIVATE = "private, no-store"


@pytest.fixture
def chief(db: None) -> User:
    return User.objects.create_superuser("chief", password="a-long-test-password")


def staff_urls(page: AdvicePage) -> dict[str, str]:
    change = f"{ADMIN}microcredentials/advicepage/{page.pk}/"
    return {
        "admin index": ADMIN,
        "page list": f"{ADMIN}microcredentials/advicepage/",
        "page form": f"{change}change/",
        "draft preview": f"{change}preview/",
        "history": f"{change}history/",
        "preview links": f"{change}preview-links/",
        "alert form": f"{ADMIN}microcredentials/sitealert/add/",
        "public page, signed in": page.get_absolute_url(),
        "home, signed in": "/",
        "search, signed in": "/search/?q=credits",
        "a missing page, signed in": "/no-such-topic/",
        "security.txt, signed in": "/.well-known/security.txt",
    }


@pytest.mark.django_db
def test_everything_rendered_for_signed_in_staff_is_private_and_never_stored(
    client: Client, shipped_content: AdvicePage, chief: User
) -> None:
    sign_in(client, chief)
    for name, url in staff_urls(shipped_content).items():
        for attempt in ("first", "again"):  # the second time, a cached copy would show itself
            response = client.get(url, secure=True)
            assert response.status_code in {200, 404, 405}, f"{name}: {response.status_code}"
            assert response["Cache-Control"] == PRIVATE, f"{name} ({attempt}): {response.get('Cache-Control')}"
            assert "Expires" not in response, name
    preview = client.post("/markdownx/markdownify/", {"content": "## Draft"}, secure=True)
    assert (preview.status_code, preview["Cache-Control"]) == (200, PRIVATE)


@pytest.mark.django_db
def test_signing_in_and_out_are_answered_privately(client: Client, staff_user: User) -> None:
    signed_in = client.post(f"{ADMIN}login/", {"username": "editor", "password": "a-long-test-password"})
    assert signed_in.status_code == 302
    assert signed_in["Cache-Control"] == PRIVATE


@pytest.mark.django_db
def test_readers_still_get_public_cached_pages_after_staff_have_been_by(
    client: Client, shipped_content: AdvicePage, chief: User
) -> None:
    """The page cache serves only requests without cookies, so a staff visit neither fills nor reads it, and a
    reader's copy stays public and sets no cookie."""
    url = shipped_content.get_absolute_url()
    staff = Client()
    sign_in(staff, chief)
    assert staff.get(url)["Cache-Control"] == PRIVATE
    for _ in range(2):
        reader = client.get(url)
        assert reader.status_code == 200
        assert reader["Cache-Control"].startswith("public, max-age=")
        assert not reader.cookies
    assert staff.get(url)["Cache-Control"] == PRIVATE


@pytest.mark.django_db
def test_a_reader_with_a_stale_session_cookie_is_not_signed_in(client: Client, shipped_content: AdvicePage) -> None:
    client.cookies[settings.SESSION_COOKIE_NAME] = "x" * 32
    response = client.get(shipped_content.get_absolute_url())
    assert response.status_code == 200
    assert response.get("Cache-Control") != PRIVATE


@pytest.mark.django_db
@pytest.mark.parametrize("url", [STATIC_CSS, "/no-such-page/", "/.well-known/security.txt", "/healthz"])
def test_cross_origin_resource_policy_is_on_responses_of_every_kind(client: Client, url: str) -> None:
    assert client.get(url)["Cross-Origin-Resource-Policy"] == "same-origin"


@pytest.mark.django_db
def test_security_txt_names_a_contact_an_expiry_within_a_year_and_where_it_lives(
    client: Client, settings: object
) -> None:
    """RFC 9116: Contact and Expires are required; Expires less than a year ahead, in ISO 8601 (UTC)."""
    settings.SECURITY_CONTACT = ""  # type: ignore[attr-defined]
    settings.SITE_URL = "https://careers.example.govt.nz"  # type: ignore[attr-defined]
    with time_machine.travel(datetime.datetime(2026, 12, 5, 23, 30, tzinfo=datetime.UTC), tick=False):
        response = client.get("/.well-known/security.txt", secure=True)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == (
        "Contact: mailto:security@careers.example.govt.nz\n"
        "Expires: 2027-06-03T00:00:00Z\n"
        "Preferred-Languages: en\n"
        "Canonical: https://careers.example.govt.nz/.well-known/security.txt\n"
    )
    assert_security_headers(response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("contact", "expected"),
    [
        ("webmaster@example.govt.nz", "mailto:webmaster@example.govt.nz"),
        ("mailto:security@example.govt.nz", "mailto:security@example.govt.nz"),
        ("https://example.govt.nz/report-a-vulnerability", "https://example.govt.nz/report-a-vulnerability"),
    ],
)
def test_security_txt_contact_comes_from_the_setting(
    client: Client, settings: object, contact: str, expected: str
) -> None:
    settings.SECURITY_CONTACT = contact  # type: ignore[attr-defined]
    body = client.get("/.well-known/security.txt").content.decode()
    assert f"Contact: {expected}\n" in body
    expires = re.search(r"^Expires: (\d{4}-\d{2}-\d{2}T00:00:00Z)$", body, re.MULTILINE)
    assert expires
    days_ahead = datetime.datetime.fromisoformat(expires[1]) - timezone.now()
    assert datetime.timedelta(days=30) < days_ahead < datetime.timedelta(days=365)


@pytest.mark.django_db
def test_security_txt_is_read_only(client: Client) -> None:
    response = client.post("/.well-known/security.txt")
    assert response.status_code == 405
