"""Edits show at once: browsers revalidate every public page, get a 304 while it is unchanged, and a reader who
hid an alert sees its edited version on their next page view."""

import re
from collections.abc import Iterator

import pytest
import time_machine
from django.test import Client

from microcredentials.contact_centre.alerts import DISMISSED_COOKIE, dismissal_key
from microcredentials.models import AdvicePage, SiteAlert
from tests.contact_centre.helpers import closure, nz

ADVICE_URL = "/plan-your-career/micro-credentials/"
FRIDAY_MORNING = nz(2026, 11, 20, 9)  # no public holiday near


@pytest.fixture(autouse=True)
def frozen_friday() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(FRIDAY_MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def alert(db: None) -> SiteAlert:
    made = closure(nz(2026, 11, 20, 15), nz(2026, 11, 23, 8, 30), show_from=nz(2026, 11, 18))
    made.save()
    return made


@pytest.mark.parametrize("url", ["/", ADVICE_URL, "/contact/"])
def test_browsers_must_ask_again_every_time(client: Client, shipped_content: AdvicePage, url: str) -> None:
    response = client.get(url)
    assert response["Cache-Control"] == "public, max-age=0, must-revalidate, s-maxage=60"


def test_an_unchanged_page_gets_a_304_with_or_without_a_hidden_alert(
    client: Client, shipped_content: AdvicePage, alert: SiteAlert
) -> None:
    first = client.get(ADVICE_URL)
    again = client.get(ADVICE_URL, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    assert again["Cache-Control"] == "public, max-age=0, must-revalidate, s-maxage=60"
    assert again["ETag"] == first["ETag"]
    client.cookies[DISMISSED_COOKIE] = dismissal_key(alert)
    hidden = client.get(ADVICE_URL, headers={"if-none-match": first["ETag"]})
    assert hidden.status_code == 200, "without the alert it is another page"
    assert client.get(ADVICE_URL, headers={"if-none-match": hidden["ETag"]}).status_code == 304


def test_a_reader_who_hid_an_alert_sees_its_edited_version_on_the_next_page_view(
    client: Client, shipped_content: AdvicePage, alert: SiteAlert
) -> None:
    page = client.get(ADVICE_URL).content.decode()
    key = re.search(r'name="key" value="([^"]+)"', page)
    assert key
    client.post("/alerts/dismiss/", {"key": key[1], "next": ADVICE_URL})
    hidden = client.get(ADVICE_URL)
    assert "will be closed" not in hidden.content.decode()
    assert client.get(ADVICE_URL, headers={"if-none-match": hidden["ETag"]}).status_code == 304

    alert.reopens_at = nz(2026, 11, 23, 12)
    alert.save()
    # The browser revalidates (max-age=0) with its copy's ETag: the page has changed, so it gets the new one.
    edited = client.get(ADVICE_URL, headers={"if-none-match": hidden["ETag"]})
    assert edited.status_code == 200
    assert "will be closed from 3.00pm today, Friday 20 November, reopening midday Monday 23 November." in (
        edited.content.decode()
    )
