"""CSRF protection for readers' forms from the browser's own headers (security.refuse_cross_origin_posts).

Both forms a reader can send (page feedback and hiding the alert) are checked here against every kind of
request the guard tells apart. The test client talks to http://testserver, or to https://testserver when a
test says `secure`: over HTTPS a post with neither Origin nor Sec-Fetch-Site must carry a Referer on this site.
"""

import logging
import re

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from careers_site.log_filters import EMAIL_ADDRESS
from microcredentials.contact_centre.alerts import DISMISSED_COOKIE
from microcredentials.models import AdvicePage, PageFeedback, SiteAlert

OUR_ORIGIN = "http://testserver"
OUR_HTTPS_ORIGIN = "https://testserver"

REFUSED = {
    "another site": {"origin": "https://elsewhere.example", "sec-fetch-site": "cross-site"},
    "a sibling subdomain": {"origin": "http://other.testserver", "sec-fetch-site": "same-site"},
    "another site, in a browser without Sec-Fetch-Site": {"origin": "https://elsewhere.example"},
    "an opaque origin (sandboxed frame, data: URL)": {"origin": "null"},
    "our host over another scheme": {"origin": "https://testserver"},
    "our own origin, but the browser says cross-site": {"origin": OUR_ORIGIN, "sec-fetch-site": "cross-site"},
}
ACCEPTED = {
    "our own page": {"origin": OUR_ORIGIN, "sec-fetch-site": "same-origin"},
    "our own page, in a browser without Sec-Fetch-Site": {"origin": OUR_ORIGIN},
    "a program (no browser headers)": {},
    "started by the reader (typed or bookmarked)": {"sec-fetch-site": "none"},
}


# Over HTTPS, from a browser that sends neither Origin nor Sec-Fetch-Site (older than 2020): Referer decides.
REFUSED_OVER_HTTPS = {
    "another site's page": {"referer": "https://elsewhere.example/careers/"},
    "no Referer at all": {},
    "our host over plain HTTP": {"referer": "http://testserver/plan-your-career/"},
    "a look-alike host": {"referer": "https://testserver.elsewhere.example/"},
    "our host as a user name": {"referer": "https://testserver@elsewhere.example/"},
    "another port": {"referer": "https://testserver:8443/"},
    "a malformed Referer": {"referer": "https://[::1"},
    "not an address": {"referer": "testserver"},
}
ACCEPTED_OVER_HTTPS = {
    "our own page": {"referer": f"{OUR_HTTPS_ORIGIN}/plan-your-career/micro-credentials/"},
    "our origin alone": {"referer": f"{OUR_HTTPS_ORIGIN}/"},
    "a current browser (Referer is not read)": {
        "origin": OUR_HTTPS_ORIGIN,
        "sec-fetch-site": "same-origin",
        "referer": "https://elsewhere.example/",
    },
    "a browser with Origin but no Sec-Fetch-Site": {"origin": OUR_HTTPS_ORIGIN},
}


def send_feedback(page: AdvicePage, headers: dict[str, str], secure: bool = False) -> int:
    return Client().post(f"/feedback/{page.pk}/", {"useful": "yes"}, headers=headers, secure=secure).status_code


def hide_alert(headers: dict[str, str], secure: bool = False) -> tuple[int, bool]:
    response = Client().post("/alerts/dismiss/", {"key": "1-0123456789ab", "next": "/"}, headers=headers, secure=secure)
    return response.status_code, DISMISSED_COOKIE in response.cookies


@pytest.mark.django_db
@pytest.mark.parametrize("headers", REFUSED.values(), ids=REFUSED.keys())
def test_a_post_from_elsewhere_is_refused_and_changes_nothing(
    shipped_content: AdvicePage, headers: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="django.security.csrf"):
        assert send_feedback(shipped_content, headers) == 403
        assert hide_alert(headers) == (403, False)
    assert not PageFeedback.objects.exists()
    warnings = [record.getMessage() for record in caplog.records if record.name == "django.security.csrf"]
    assert warnings == [
        f"Forbidden (cross-origin post from {headers['origin']}): /feedback/{shipped_content.pk}/",
        f"Forbidden (cross-origin post from {headers['origin']}): /alerts/dismiss/",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("headers", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_a_post_from_our_own_pages_goes_through(shipped_content: AdvicePage, headers: dict[str, str]) -> None:
    assert send_feedback(shipped_content, headers) == 303
    assert hide_alert(headers) == (303, True)
    assert PageFeedback.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("headers", REFUSED_OVER_HTTPS.values(), ids=REFUSED_OVER_HTTPS.keys())
def test_over_https_a_post_without_origin_or_fetch_site_needs_a_referer_on_this_site(
    shipped_content: AdvicePage, headers: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="django.security.csrf"):
        assert send_feedback(shipped_content, headers, secure=True) == 403
        assert hide_alert(headers, secure=True) == (403, False)
    assert not PageFeedback.objects.exists()
    source = headers.get("referer") or "a page that sent no Origin, Sec-Fetch-Site or Referer"
    source = EMAIL_ADDRESS.sub("[email address]", source)  # "https://testserver@elsewhere.example/" looks like one
    warnings = [record.getMessage() for record in caplog.records if record.name == "django.security.csrf"]
    assert [EMAIL_ADDRESS.sub("[email address]", warning) for warning in warnings] == [
        f"Forbidden (cross-origin post from {source}): /feedback/{shipped_content.pk}/",
        f"Forbidden (cross-origin post from {source}): /alerts/dismiss/",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("headers", ACCEPTED_OVER_HTTPS.values(), ids=ACCEPTED_OVER_HTTPS.keys())
def test_over_https_a_post_from_our_own_pages_goes_through(
    shipped_content: AdvicePage, headers: dict[str, str]
) -> None:
    assert send_feedback(shipped_content, headers, secure=True) == 303
    assert hide_alert(headers, secure=True) == (303, True)


@pytest.mark.django_db
def test_over_plain_http_a_post_without_any_of_the_headers_still_goes_through(shipped_content: AdvicePage) -> None:
    """Development and tests over http://: as before, a program's post with no browser headers is accepted."""
    assert send_feedback(shipped_content, {}) == 303
    assert send_feedback(shipped_content, {"referer": "https://elsewhere.example/"}) == 303


@pytest.mark.django_db
@override_settings(CSRF_TRUSTED_ORIGINS=["https://careers.example.govt.nz"])
def test_over_https_a_referer_on_a_trusted_origin_goes_through(shipped_content: AdvicePage) -> None:
    assert send_feedback(shipped_content, {"referer": "https://careers.example.govt.nz/a/b/"}, secure=True) == 303
    assert send_feedback(shipped_content, {"referer": "https://other.example.govt.nz/a/b/"}, secure=True) == 403


@pytest.mark.django_db
@override_settings(CSRF_TRUSTED_ORIGINS=["https://careers.example.govt.nz"])
def test_a_trusted_origin_goes_through_even_as_another_site(shipped_content: AdvicePage) -> None:
    """DJANGO_CSRF_TRUSTED_ORIGINS, e.g. the public name when a proxy passes the app another Host."""
    trusted = {"origin": "https://careers.example.govt.nz", "sec-fetch-site": "cross-site"}
    assert send_feedback(shipped_content, trusted) == 303
    untrusted = {"origin": "https://other.example.govt.nz", "sec-fetch-site": "cross-site"}
    assert send_feedback(shipped_content, untrusted) == 403


@pytest.mark.django_db
def test_staff_forms_still_need_django_token(shipped_content: AdvicePage) -> None:
    """Only the readers' forms use the header check; a same-origin post to the admin without a token fails."""
    client = Client(enforce_csrf_checks=True)
    same_origin = {"origin": OUR_ORIGIN, "sec-fetch-site": "same-origin"}
    response = client.post("/admin/login/", {"username": "x", "password": "y"}, headers=same_origin)
    assert response.status_code == 403


@pytest.mark.django_db
def test_a_reader_gets_only_the_cookie_the_privacy_statement_names(shipped_content: AdvicePage) -> None:
    """Reading sets no cookie; hiding the alert sets `hidden_alerts`; feedback sets none (privacy.md says so)."""
    SiteAlert.objects.create(kind=SiteAlert.Kind.GENERAL, message="Phones are busy today.", show_from=timezone.now())
    reader = Client()
    reading = ["/", shipped_content.get_absolute_url(), "/search/?q=credits", "/contact/", "/tools/study-time/"]
    set_while_reading = {name for url in reading for name in reader.get(url).cookies}
    same_origin = {"origin": OUR_ORIGIN, "sec-fetch-site": "same-origin"}
    sent_feedback = reader.post(f"/feedback/{shipped_content.pk}/", {"useful": "yes"}, headers=same_origin)
    key = re.search(r'name="key" value="([^"]+)"', reader.get("/").content.decode())
    assert key
    hid_alert = reader.post("/alerts/dismiss/", {"key": key[1], "next": "/"}, headers=same_origin)
    assert set_while_reading == set()
    assert set(sent_feedback.cookies) == set()
    assert set(hid_alert.cookies) == {DISMISSED_COOKIE}
    privacy = reader.get("/about-this-site/privacy/").content.decode()
    assert "Reading pages sets none." in privacy
    assert f"<code>{DISMISSED_COOKIE}</code> remembers the notices you chose to hide" in privacy


@pytest.mark.django_db
@override_settings(CSRF_TRUSTED_ORIGINS=["https://*.example.govt.nz"])
def test_a_wildcard_trusted_origin_is_read_as_django_reads_it(shipped_content: AdvicePage) -> None:
    for origin, status in [
        ("https://www.example.govt.nz", 303),
        ("https://example.govt.nz", 303),
        ("http://www.example.govt.nz", 403),  # another scheme
        ("https://www.example.govt.nz.evil.example", 403),
        ("https://notexample.govt.nz", 403),
    ]:
        assert send_feedback(shipped_content, {"origin": origin, "sec-fetch-site": "cross-site"}) == status, origin
