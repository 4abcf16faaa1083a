"""/alerts.json and /alerts.atom: current and upcoming alerts for other channels, cached correctly."""

import datetime
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
import time_machine
from django.test import Client

from microcredentials.models import SiteAlert
from tests.contact_centre.helpers import EMAIL, closure, general, nz

ATOM = "{http://www.w3.org/2005/Atom}"
MONDAY = nz(2027, 2, 1, 10)  # Monday 1 February 2027; Waitangi Day is observed on Monday 8 February

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_monday() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def alerts() -> tuple[SiteAlert, SiteAlert]:
    """Both posted the week before: a warning live this morning, and a closure shown from tomorrow."""
    with time_machine.travel(nz(2027, 1, 25, 9), tick=False):
        return _post_alerts()


def _post_alerts() -> tuple[SiteAlert, SiteAlert]:
    notice = general(
        'Phone lines are <a href="/contact/">down</a> this morning.',
        nz(2027, 2, 1, 8),
        level=SiteAlert.Level.WARNING,
        show_until=nz(2027, 2, 1, 12),
    )
    later = closure(nz(2027, 2, 3, 15), nz(2027, 2, 4, 8, 30), contact_email=EMAIL, show_from=nz(2027, 2, 2, 9))
    later.save()
    return notice, later


def test_the_json_feed_lists_current_and_upcoming_alerts_worded_now(
    client: Client, alerts: tuple[SiteAlert, SiteAlert]
) -> None:
    response = client.get("/alerts.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert data["time_zone"] == "Pacific/Auckland"
    notice, later = alerts
    assert [item["id"] for item in data["alerts"]] == [f"alert-{notice.pk}", f"alert-{later.pk}", "holiday-2027-02-08"]
    now, upcoming, holiday = data["alerts"]
    assert now == {
        "id": f"alert-{notice.pk}",
        "kind": "general",
        "automatic": False,
        "level": "warning",
        "status": "live",
        "title": "General notice: Phone lines are down this morning.",
        "text": "Phone lines are down this morning.",
        "html": 'Phone lines are <a href="/contact/">down</a> this morning.',
        "start": "2027-02-01T08:00:00+13:00",
        "end": "2027-02-01T12:00:00+13:00",
    }
    assert upcoming["status"] == "scheduled"
    assert upcoming["text"] == (
        "The Customer Contact Group will be closed from 3.00pm Wednesday 3 February, reopening 8.30am Thursday "
        f"4 February. You can still email us at {EMAIL}."
    )
    assert (upcoming["start"], upcoming["end"]) == ("2027-02-02T09:00:00+13:00", "2027-02-04T08:30:00+13:00")
    assert (upcoming["closes_at"], upcoming["reopens_at"]) == ("2027-02-03T15:00:00+13:00", "2027-02-04T08:30:00+13:00")
    assert upcoming["url"] == "http://127.0.0.1:8000/contact/"
    assert holiday == {
        "id": "holiday-2027-02-08",
        "kind": "closure",
        "automatic": True,
        "level": "information",
        "status": "live",  # announced from midnight on Friday 29 January, a week before the centre closes for it
        "title": "Closed for Waitangi Day",
        "text": "The Customer Contact Group will be closed on Monday 8 February for Waitangi Day, "
        "reopening 8.30am Tuesday 9 February.",
        "html": "The Customer Contact Group will be closed on Monday 8 February for Waitangi Day, "
        "reopening 8.30am Tuesday 9 February.",
        "start": "2027-01-29T00:00:00+13:00",
        "end": "2027-02-09T08:30:00+13:00",
        "closes_at": "2027-02-05T17:00:00+13:00",
        "reopens_at": "2027-02-09T08:30:00+13:00",
        "days_closed": [{"date": "2027-02-08", "reason": "Waitangi Day"}],
        "url": "http://127.0.0.1:8000/contact/",
    }


def test_ended_alerts_leave_the_feed(client: Client, alerts: tuple[SiteAlert, SiteAlert]) -> None:
    with time_machine.travel(nz(2027, 2, 1, 12), tick=False):
        ids = [item["id"] for item in json.loads(client.get("/alerts.json").content)["alerts"]]
    assert ids == [f"alert-{alerts[1].pk}", "holiday-2027-02-08"]


def test_the_atom_feed_carries_the_same_alerts(client: Client, alerts: tuple[SiteAlert, SiteAlert]) -> None:
    response = client.get("/alerts.atom")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    # Atom's required elements: the feed's id, title and updated, and each entry's id, title and updated.
    assert feed.findtext(f"{ATOM}title") == "Contact centre alerts"
    assert feed.findtext(f"{ATOM}id") == "http://127.0.0.1:8000/alerts.atom"
    assert feed.findtext(f"{ATOM}updated") == "2027-02-01T08:00:00+13:00"  # the notice started showing then
    assert feed.find(f"{ATOM}link[@rel='self']") is not None
    entries = feed.findall(f"{ATOM}entry")
    notice, later = alerts
    assert [entry.findtext(f"{ATOM}id") for entry in entries] == [
        f"http://127.0.0.1:8000/alerts.atom#alert-{notice.pk}",
        f"http://127.0.0.1:8000/alerts.atom#alert-{later.pk}",
        "http://127.0.0.1:8000/alerts.atom#holiday-2027-02-08",
    ]
    for entry in entries:
        assert entry.findtext(f"{ATOM}title") and entry.findtext(f"{ATOM}updated")
        datetime.datetime.fromisoformat(entry.findtext(f"{ATOM}updated") or "")
    assert entries[2].findtext(f"{ATOM}summary") == (
        "The Customer Contact Group will be closed on Monday 8 February for Waitangi Day, "
        "reopening 8.30am Tuesday 9 February."
    )
    assert entries[0].findtext(f"{ATOM}summary") == 'Phone lines are <a href="/contact/">down</a> this morning.'


@pytest.mark.parametrize("url", ["/alerts.json", "/alerts.atom"])
def test_both_feeds_are_public_briefly_and_answer_304_while_unchanged(
    client: Client, alerts: tuple[SiteAlert, SiteAlert], url: str
) -> None:
    first = client.get(url)
    assert first["Cache-Control"] == "public, max-age=60"
    assert first["ETag"].startswith('"') and first["Last-Modified"] == "Sun, 31 Jan 2027 19:00:00 GMT"
    assert "Cookie" not in first.get("Vary", "")
    assert not first.cookies
    again = client.get(url, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert client.get(url, headers={"if-modified-since": first["Last-Modified"]}).status_code == 304
    # A minute later nothing has changed: the same body, so the same ETag.
    with time_machine.travel(MONDAY + datetime.timedelta(minutes=1), tick=False):
        assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304
    # An edit changes both.
    notice = alerts[0]
    with time_machine.travel(MONDAY + datetime.timedelta(minutes=2), tick=False):
        notice.message = "Phone lines are working again."
        notice.save()
        edited = client.get(url, headers={"if-none-match": first["ETag"], "if-modified-since": first["Last-Modified"]})
    assert edited.status_code == 200
    assert edited["ETag"] != first["ETag"]
    assert "Phone lines are working again." in edited.content.decode()


def test_only_the_json_allows_any_origin_and_only_on_get(client: Client, alerts: tuple[SiteAlert, SiteAlert]) -> None:
    assert client.get("/alerts.json")["Access-Control-Allow-Origin"] == "*"
    first = client.get("/alerts.json")
    assert client.get("/alerts.json", headers={"if-none-match": first["ETag"]})["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in client.get("/alerts.atom")
    refused = client.post("/alerts.json")
    assert refused.status_code == 405
    assert "Access-Control-Allow-Origin" not in refused
    assert "Access-Control-Allow-Origin" not in client.options("/alerts.json")
    assert "Access-Control-Allow-Origin" not in client.get("/")


def test_an_empty_feed_is_still_stable(client: Client) -> None:
    with time_machine.travel(nz(2027, 8, 10, 10), tick=False):  # no alert, and Labour Day is months away
        first = client.get("/alerts.atom")
        data = json.loads(client.get("/alerts.json").content)
    assert data["alerts"] == []
    with time_machine.travel(nz(2027, 8, 10, 10, 5), tick=False):
        assert client.get("/alerts.atom", headers={"if-none-match": first["ETag"]}).status_code == 304
    assert ET.fromstring(first.content).findtext(f"{ATOM}updated") == "2027-08-10T00:00:00+12:00"
