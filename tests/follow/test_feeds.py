"""Atom feeds of major changes: one for each page, and one for the whole site."""

import datetime
import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest
import time_machine
from django.test import Client

from microcredentials.models import AdvicePage, PageChange
from tests.editing.helpers import CONTENT_EDITORS, change_url, form_data, login, make_user

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
NOW = datetime.datetime(2026, 12, 5, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def pages(make_page: Callable[..., AdvicePage]) -> dict[str, AdvicePage]:
    live = make_page(title="Write a CV", slug="write-a-cv", status=AdvicePage.Status.PUBLISHED)
    hidden = make_page(title="Not out yet", slug="not-out-yet", status=AdvicePage.Status.DRAFT)
    PageChange.objects.create(page=live, changed_on=datetime.date(2026, 11, 2), note="Added a section on gaps.")
    PageChange.objects.create(page=live, changed_on=datetime.date(2026, 12, 1), note="New fee for 2027.")
    PageChange.objects.create(page=hidden, changed_on=datetime.date(2026, 12, 2), note="A draft's change.")
    return {"live": live, "hidden": hidden}


def entries(url: str) -> tuple[ET.Element, list[dict[str, str]]]:
    response = Client().get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = ET.fromstring(response.content)
    found = [
        {
            "title": entry.findtext(f"{ATOM}title", ""),
            "link": entry.find(f"{ATOM}link").get("href", ""),  # type: ignore[union-attr]
            "id": entry.findtext(f"{ATOM}id", ""),
            "updated": entry.findtext(f"{ATOM}updated", ""),
        }
        for entry in feed.iter(f"{ATOM}entry")
    ]
    return feed, found


@time_machine.travel(NOW, tick=False)
def test_a_page_feed_lists_its_major_changes_newest_first(pages: dict[str, AdvicePage]) -> None:
    feed, found = entries(f"{pages['live'].get_absolute_url()}feed/")
    assert feed.findtext(f"{ATOM}title") == "Changes to “Write a CV”"
    assert [entry["title"] for entry in found] == ["New fee for 2027.", "Added a section on gaps."]
    assert all(entry["link"].endswith(pages["live"].get_absolute_url()) for entry in found)
    assert len({entry["id"] for entry in found}) == 2  # each change its own entry
    assert found[0]["updated"] == "2026-12-01T00:00:00+13:00"  # the day it changed, in New Zealand


@time_machine.travel(NOW, tick=False)
def test_the_site_feed_lists_changes_to_live_pages_only(pages: dict[str, AdvicePage]) -> None:
    _, found = entries("/updates.atom")
    assert [entry["title"] for entry in found] == [
        "Write a CV: New fee for 2027.",
        "Write a CV: Added a section on gaps.",
    ]


@time_machine.travel(NOW, tick=False)
def test_a_page_not_live_has_no_feed(pages: dict[str, AdvicePage]) -> None:
    assert Client().get(f"{pages['hidden'].get_absolute_url()}feed/").status_code == 404
    assert Client().post(f"{pages['live'].get_absolute_url()}feed/").status_code == 405


@time_machine.travel(NOW, tick=True)
def test_a_major_change_shows_in_the_cached_feeds_at_once(pages: dict[str, AdvicePage]) -> None:
    page = pages["live"]
    feed_url = f"{page.get_absolute_url()}feed/"
    assert "Shorter steps." not in Client().get(feed_url).content.decode()  # now cached
    cached = Client().get(feed_url)
    assert cached.status_code == 200

    editor = login(Client(), make_user("hemi", CONTENT_EDITORS))
    body = page.body + "\n\nShorter steps.\n"
    editor.post(change_url(page), form_data(page, body=body, major_change="on", change_note="Shorter steps."))

    assert "Shorter steps." in Client().get(feed_url).content.decode()
    assert "Write a CV: Shorter steps." in Client().get("/updates.atom").content.decode()
