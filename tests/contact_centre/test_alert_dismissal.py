"""Hiding the alert: a POST that sets a cookie and comes back, with or without JavaScript."""

import re
from collections.abc import Iterator

import pytest
import time_machine
from django.test import Client

from microcredentials.contact_centre.alerts import (
    DISMISSED_COOKIE,
    DISMISSED_MAX_KEYS,
    add_dismissed_key,
    dismissal_key,
)
from microcredentials.models import SiteAlert
from tests.contact_centre.helpers import EMAIL, closure, general, nz

FRIDAY_MORNING = nz(2023, 11, 10, 9)
WORDING = "will be closed from 3.00pm today, Friday 10 November"


@pytest.fixture(autouse=True)
def frozen_friday() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(FRIDAY_MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def alert(db: None) -> SiteAlert:
    made = closure(nz(2023, 11, 10, 15), nz(2023, 11, 13, 8, 30), contact_email=EMAIL, show_from=nz(2023, 11, 8))
    made.save()
    return made


def test_hiding_without_javascript_sets_a_cookie_and_redirects_back(alert: SiteAlert) -> None:
    client = Client(enforce_csrf_checks=True)  # as strict as a browser: the form needs no Django token
    page = client.get("/contact/?from=footer").content.decode()
    assert WORDING in page
    key = re.search(r'name="key" value="([^"]+)"', page)
    next_url = re.search(r'name="next" value="([^"]+)"', page)
    assert key and next_url
    assert next_url[1] == "/contact/?from=footer"

    response = client.post(
        "/alerts/dismiss/",
        {"key": key[1], "next": "/contact/?from=footer"},
        headers={"origin": "http://testserver", "sec-fetch-site": "same-origin"},
    )
    assert response.status_code == 303
    assert response["Location"] == "/contact/?from=footer"
    cookie = response.cookies[DISMISSED_COOKIE]
    assert cookie.value == dismissal_key(alert)
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["secure"] is True  # production settings
    assert int(cookie["max-age"]) > 0

    assert WORDING not in client.get("/contact/").content.decode()
    assert WORDING not in client.get("/").content.decode()


def test_a_hidden_alert_stays_hidden_when_only_its_display_period_changes(client: Client, alert: SiteAlert) -> None:
    client.post("/alerts/dismiss/", {"key": dismissal_key(alert), "next": "/"})
    alert.show_until = nz(2023, 11, 12)
    alert.save()
    assert WORDING not in client.get("/").content.decode()


def test_an_edited_alert_shows_again(client: Client, alert: SiteAlert) -> None:
    client.post("/alerts/dismiss/", {"key": dismissal_key(alert), "next": "/"})
    assert "Hide this message" not in client.get("/").content.decode()
    alert.reopens_at = nz(2023, 11, 14, 8, 30)
    alert.save()
    html = client.get("/").content.decode()
    assert "reopening 8.30am Tuesday 14 November." in html
    assert "Hide this message" in html


def test_hiding_the_shown_alert_shows_the_next_one_still_live(client: Client, alert: SiteAlert) -> None:
    general("The website will be down for maintenance on Sunday night.", show_from=nz(2023, 11, 1))
    assert WORDING in client.get("/").content.decode()  # the closure outranks the older notice
    client.post("/alerts/dismiss/", {"key": dismissal_key(alert), "next": "/"})
    html = client.get("/").content.decode()
    assert WORDING not in html
    assert "down for maintenance on Sunday night" in html


def test_with_javascript_the_answer_is_204_with_the_cookie(client: Client, alert: SiteAlert) -> None:
    response = client.post(
        "/alerts/dismiss/", {"key": dismissal_key(alert), "next": "/"}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 204
    assert response.cookies[DISMISSED_COOKIE].value == dismissal_key(alert)
    assert WORDING not in client.get("/").content.decode()


def test_a_browser_preferring_html_is_sent_back_to_its_page(client: Client, alert: SiteAlert) -> None:
    response = client.post(
        "/alerts/dismiss/",
        {"key": dismissal_key(alert), "next": "/contact/"},
        headers={"Accept": "application/json;q=0.1, text/html"},
    )
    assert response.status_code == 303
    assert response["Location"] == "/contact/"


def test_a_post_from_another_site_is_refused_with_the_site_403_page(client: Client, alert: SiteAlert) -> None:
    response = client.post(
        "/alerts/dismiss/",
        {"key": dismissal_key(alert), "next": "/"},
        headers={"origin": "https://elsewhere.example", "sec-fetch-site": "cross-site"},
    )
    html = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Your request could not be sent</h1>" in html
    assert DISMISSED_COOKIE not in response.cookies
    assert WORDING in html  # the alert shows on the 403 page as on every page


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", ""])
def test_next_must_be_on_this_site(client: Client, alert: SiteAlert, next_url: str) -> None:
    response = client.post("/alerts/dismiss/", {"key": dismissal_key(alert), "next": next_url})
    assert response.status_code == 303
    assert response["Location"] == "/"


@pytest.mark.parametrize("key", ["", "12", "abc-0123456789ab", "1-XYZ", "1-0123456789ab; Path=/"])
def test_a_malformed_key_is_a_400_with_a_message(client: Client, db: None, key: str) -> None:
    response = client.post("/alerts/dismiss/", {"key": key, "next": "/"})
    assert response.status_code == 400
    assert "could not be hidden" in response.content.decode()
    assert DISMISSED_COOKIE not in response.cookies


def test_get_is_not_allowed(client: Client, db: None) -> None:
    assert client.get("/alerts/dismiss/").status_code == 405


def test_cookie_keeps_a_bounded_number_of_keys() -> None:
    value = ""
    for number in range(1, 20):
        value = add_dismissed_key(value, f"{number}-0123456789ab")
    keys = value.split(".")
    assert len(keys) == DISMISSED_MAX_KEYS
    assert keys[-1] == "19-0123456789ab"
    assert add_dismissed_key("junk.<script>." + keys[-1], "20-0123456789ab") == "19-0123456789ab.20-0123456789ab"
