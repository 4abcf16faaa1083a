"""Security headers on public pages, admin pages and static files, and the cookies' flags.

(`check --deploy` with production settings is tested in test_production.py.)
"""

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.http.response import HttpResponseBase
from django.templatetags.static import static
from django.test import Client

from microcredentials.models import AdvicePage

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
    client.force_login(admin)
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
    csrf = response.cookies["csrftoken"]
    assert csrf["secure"] is True and csrf["httponly"] is True and csrf["samesite"] == "Lax"

    response = client.post(f"{ADMIN}login/", {"username": "editor", "password": "a-long-test-password"}, secure=True)
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] is True and session["httponly"] is True and session["samesite"] == "Lax"
