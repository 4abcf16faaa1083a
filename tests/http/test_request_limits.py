"""Requests the site refuses, and the pages it refuses them with: 400, 403, 405, 413."""

import logging

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from careers_site.http.security import body_size_limit, client_ip_address, permissions_policy_header
from microcredentials.models import AdvicePage
from tests.signing_in import sign_in

LOGIN = f"/{settings.ADMIN_PATH}login/"
READ_ONLY_URLS = [
    "/",
    "/plan-your-career/",
    "/plan-your-career/micro-credentials/",
    "/contact/",
    "/search/?q=credits",
    "/tools/study-time/",
    "/robots.txt",
    "/sitemap.xml",
]


def errors_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]


@pytest.mark.django_db
@pytest.mark.parametrize("url", READ_ONLY_URLS)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options", "trace"])
def test_read_only_pages_answer_other_methods_with_405(shipped_content: AdvicePage, url: str, method: str) -> None:
    # As a browser or curl would meet it: with CSRF checked, which the test client skips unless asked.
    client = Client(enforce_csrf_checks=True, headers={"origin": "http://testserver"})
    response = getattr(client, method)(url)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert "<h1>That action is not available here</h1>" in response.content.decode()
    assert response["Content-Security-Policy"]


@pytest.mark.django_db
def test_head_is_allowed_on_read_only_pages(client: Client, shipped_content: AdvicePage) -> None:
    assert client.head("/plan-your-career/micro-credentials/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", LOGIN, "/alerts/dismiss/"])
def test_a_body_over_the_limit_gets_413_before_it_is_read(client: Client, url: str) -> None:
    # The body claims to be a gigabyte; the test payload holds one byte and fails loudly if anything reads past it.
    response = client.generic(
        "POST", url, b"x", content_type="application/x-www-form-urlencoded", CONTENT_LENGTH=str(10**9)
    )
    assert response.status_code == 413
    html = response.content.decode()
    assert "<h1>What you sent is too large</h1>" in html
    assert "up to 2.5 MB" in html


@pytest.mark.django_db
def test_a_real_oversized_form_gets_413(client: Client) -> None:
    body = b"content=" + b"a" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = client.post(LOGIN, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413


@pytest.mark.django_db
def test_too_many_fields_get_400_and_only_a_warning(client: Client, caplog: pytest.LogCaptureFixture) -> None:
    body = "&".join(f"f{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = client.post(LOGIN, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "<h1>Sorry, we could not understand that request</h1>" in response.content.decode()
    assert errors_logged(caplog) == []
    assert any(record.name == "django.security.TooManyFieldsSent" for record in caplog.records)


def test_multipart_bodies_may_carry_an_editors_upload() -> None:
    assert body_size_limit("application/x-www-form-urlencoded") == settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert body_size_limit("multipart/form-data; boundary=x") == settings.MULTIPART_REQUEST_MAX_SIZE
    assert settings.MULTIPART_REQUEST_MAX_SIZE > settings.MARKDOWNX_UPLOAD_MAX_SIZE


@pytest.mark.django_db
@pytest.mark.parametrize("host", ["evil.example", "testserver.evil.example", "bad host", "xn--\x00", "a" * 300])
def test_a_bad_host_gets_400_with_a_one_line_warning_not_an_error(
    client: Client, shipped_content: AdvicePage, caplog: pytest.LogCaptureFixture, host: str
) -> None:
    response = client.get("/plan-your-career/micro-credentials/", HTTP_HOST=host)
    assert response.status_code == 400
    assert "<h1>Sorry, we could not understand that request</h1>" in response.content.decode()
    assert errors_logged(caplog) == []
    warnings = [record for record in caplog.records if record.name == "django.security.DisallowedHost"]
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING and warnings[0].exc_info is None


@pytest.mark.django_db
def test_an_expired_form_gets_the_site_403_page(staff_user: User) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(LOGIN, {"username": "editor", "password": "a-long-test-password"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Your request could not be sent</h1>" in html
    # Rendered with the request, so the layout has its context (Django's own CSRF view renders without it).
    assert "<title>Your request could not be sent | Careers advice</title>" in html


@pytest.mark.django_db
def test_forbidden_pages_use_the_site_403_page(client: Client, staff_user: User) -> None:
    sign_in(client, staff_user)  # staff, but with no permission on pages
    response = client.get(f"/{settings.ADMIN_PATH}microcredentials/advicepage/")
    assert response.status_code == 403
    assert "<h1>You cannot see this page</h1>" in response.content.decode()


def test_permissions_policy_header_is_written_in_the_standard_form() -> None:
    assert permissions_policy_header({"camera": [], "fullscreen": ["self"]}) == "camera=(), fullscreen=(self)"


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, "1.2.3.4", "10.0.0.1"),
        (1, "1.2.3.4", "1.2.3.4"),
        (1, "6.6.6.6, 1.2.3.4", "1.2.3.4"),
        (2, "6.6.6.6, 1.2.3.4, 10.0.0.9", "1.2.3.4"),
        (2, "1.2.3.4", "10.0.0.1"),
    ],
)
def test_client_address_trusts_only_our_proxies(
    rf: object, settings: object, proxies: int, forwarded_for: str, expected: str
) -> None:
    settings.TRUSTED_PROXY_COUNT = proxies  # type: ignore[attr-defined]
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded_for)  # type: ignore[attr-defined]
    assert client_ip_address(request) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("view", ["change", "delete"])
@pytest.mark.parametrize("admin", ["auth/user", "microcredentials/topic"])
def test_an_empty_to_field_in_the_admin_gets_400_with_a_one_line_warning_not_a_500(
    shipped_content: AdvicePage, caplog: pytest.LogCaptureFixture, admin: str, view: str
) -> None:
    """Found by tests/http/test_hostile_input.py: Django's change and delete pages looked up a field named ""."""
    chief = User.objects.create_superuser("chief", password="a-long-test-password")
    client = Client(raise_request_exception=False)
    sign_in(client, chief)
    pk = chief.pk if admin == "auth/user" else shipped_content.topic_id
    url = f"/{settings.ADMIN_PATH}{admin}/{pk}/{view}/"
    for response in (client.get(url, {"_to_field": ""}), client.post(url, {"_to_field": ""})):
        assert response.status_code == 400
        assert "<h1>Sorry, we could not understand that request</h1>" in response.content.decode()
    assert errors_logged(caplog) == []
    assert client.get(url, {"_to_field": "id"}).status_code == 200
