"""The contact page: details from the database, a live open/closed status, and schema.org hours."""

import datetime
import json
import re

import pytest
import time_machine
from django.test import Client

from microcredentials.contact_centre.contact import contact_status
from microcredentials.models import ContactDetails, OpeningHours, SiteAlert
from tests.contact_centre.helpers import closure, nz

# The week of Monday 20 November 2023 (New Zealand daylight time), with the shipped Mon–Fri 8.30am–5.00pm hours.


@pytest.fixture
def hours(db: None) -> list[OpeningHours]:
    return list(OpeningHours.objects.all())


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (nz(2023, 11, 20, 7, 0), "Closed now, reopening 8.30am today, Monday 20 November"),
        (nz(2023, 11, 20, 8, 30), "Open now, until 5.00pm"),
        (nz(2023, 11, 22, 12, 0), "Open now, until 5.00pm"),
        (nz(2023, 11, 22, 16, 59, 59), "Open now, until 5.00pm"),
        (nz(2023, 11, 22, 17, 0), "Closed now, reopening 8.30am tomorrow, Thursday 23 November"),
        (nz(2023, 11, 24, 18, 0), "Closed now, reopening 8.30am Monday 27 November"),
        (nz(2023, 11, 25, 10, 0), "Closed now, reopening 8.30am Monday 27 November"),
        (nz(2023, 11, 26, 23, 59), "Closed now, reopening 8.30am tomorrow, Monday 27 November"),
    ],
)
def test_status_through_a_regular_week(hours: list[OpeningHours], now: datetime.datetime, expected: str) -> None:
    assert contact_status(now, hours, []) == expected


WEEKEND_CLOSURE = closure(nz(2023, 11, 24, 15), nz(2023, 11, 28, 12))  # Friday 3.00pm to Tuesday noon
LUNCH_CLOSURE = closure(nz(2023, 11, 22, 12), nz(2023, 11, 22, 13, 30))


@pytest.mark.parametrize(
    ("now", "closures", "expected"),
    [
        (nz(2023, 11, 24, 10), [WEEKEND_CLOSURE], "Open now, until 3.00pm"),
        (nz(2023, 11, 24, 15), [WEEKEND_CLOSURE], "Closed now, reopening midday Tuesday 28 November"),
        (nz(2023, 11, 27, 9), [WEEKEND_CLOSURE], "Closed now, reopening midday tomorrow, Tuesday 28 November"),
        (nz(2023, 11, 28, 12), [WEEKEND_CLOSURE], "Open now, until 5.00pm"),
        (nz(2023, 11, 22, 11), [LUNCH_CLOSURE], "Open now, until midday"),
        (nz(2023, 11, 22, 12, 30), [LUNCH_CLOSURE], "Closed now, reopening 1.30pm today, Wednesday 22 November"),
        (
            nz(2023, 11, 22, 12, 30),
            [LUNCH_CLOSURE, WEEKEND_CLOSURE],
            "Closed now, reopening 1.30pm today, Wednesday 22 November",
        ),
        (nz(2023, 11, 24, 16), [LUNCH_CLOSURE, WEEKEND_CLOSURE], "Closed now, reopening midday Tuesday 28 November"),
    ],
)
def test_status_with_closures(
    hours: list[OpeningHours], now: datetime.datetime, closures: list[SiteAlert], expected: str
) -> None:
    assert contact_status(now, hours, closures) == expected


def test_status_across_new_year_and_a_long_closure(hours: list[OpeningHours]) -> None:
    summer = closure(nz(2023, 12, 22, 15), nz(2024, 1, 8, 8, 30))
    assert contact_status(nz(2023, 12, 27, 10), hours, [summer]) == "Closed now, reopening 8.30am Monday 8 January 2024"


def test_status_across_the_april_daylight_saving_change(hours: list[OpeningHours]) -> None:
    # Clocks go back at 3.00am on Sunday 7 April 2024; Monday's 8.30am is 8.30am NZST.
    assert contact_status(nz(2024, 4, 6, 10), hours, []) == "Closed now, reopening 8.30am Monday 8 April"
    assert contact_status(datetime.datetime(2024, 4, 7, 20, 30, tzinfo=datetime.UTC), hours, []) == (
        "Open now, until 5.00pm"
    )


def test_status_with_no_hours_at_all() -> None:
    assert contact_status(nz(2023, 11, 22, 12), [], []) == "Closed now"


# --- The page --------------------------------------------------------------------------------


def get_contact(client: Client, moment: datetime.datetime) -> str:
    with time_machine.travel(moment, tick=False):
        response = client.get("/contact/")
    assert response.status_code == 200
    return response.content.decode()


def test_page_shows_the_shipped_details_hours_and_status(client: Client, db: None) -> None:
    html = get_contact(client, nz(2023, 11, 22, 12))
    assert "<h1>Contact us</h1>" in html
    assert "These are the contact details of this careers advice service." in html
    assert '<a href="mailto:info@careers.example.govt.nz">info@careers.example.govt.nz</a>' in html
    assert '<a href="tel:0800123456">0800 123 456</a>' in html
    assert '<p class="contact-status"><strong>Open now, until 5.00pm</strong></p>' in html
    assert '<tr><th scope="row">Monday</th><td>8.30am to 5.00pm</td></tr>' in html
    assert '<tr><th scope="row">Sunday</th><td>Closed</td></tr>' in html


def test_page_status_takes_a_closure_into_account_even_before_it_is_shown(client: Client, db: None) -> None:
    # Shown from Friday only, but the status on Wednesday evening already knows Thursday is closed.
    closure(nz(2023, 11, 23, 8), nz(2023, 11, 24, 8, 30), show_from=nz(2023, 11, 24)).save()
    html = get_contact(client, nz(2023, 11, 22, 18))
    assert "Closed now, reopening 8.30am Friday 24 November" in html


def test_page_reflects_edited_details_and_hours(client: Client, db: None) -> None:
    ContactDetails.objects.update(email="kia.ora@careers.example.govt.nz", phone="+64 4 123 4567")
    OpeningHours.objects.filter(weekday=OpeningHours.Weekday.WEDNESDAY).update(
        opens=datetime.time(10), closes=datetime.time(12)
    )
    html = get_contact(client, nz(2023, 11, 22, 11))
    assert "kia.ora@careers.example.govt.nz" in html
    assert '<a href="tel:+6441234567">+64 4 123 4567</a>' in html
    assert "Open now, until midday" in html
    assert '<th scope="row">Wednesday</th><td>10.00am to midday</td>' in html


def _json_ld(html: str) -> dict[str, object]:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    assert match, "the page should carry JSON-LD"
    data: dict[str, object] = json.loads(match[1])
    return data


def test_page_carries_schema_org_opening_hours(client: Client, db: None) -> None:
    data = _json_ld(get_contact(client, nz(2023, 11, 22, 12)))
    assert data["@context"] == "https://schema.org"
    assert data["url"] == "http://127.0.0.1:8000/contact/"
    point = data["contactPoint"]
    assert isinstance(point, dict)
    assert point["email"] == "info@careers.example.govt.nz"
    assert point["telephone"] == "0800 123 456"
    assert point["hoursAvailable"][0] == {
        "@type": "OpeningHoursSpecification",
        "dayOfWeek": "https://schema.org/Monday",
        "opens": "08:30",
        "closes": "17:00",
    }
    assert [spec["dayOfWeek"].rsplit("/", 1)[1] for spec in point["hoursAvailable"]] == [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
    ]


def test_json_ld_cannot_be_broken_out_of(client: Client, db: None) -> None:
    ContactDetails.objects.update(name='Team </script><script>alert("x")</script> & co')
    html = get_contact(client, nz(2023, 11, 22, 12))
    assert "<script>alert" not in html
    assert _json_ld(html)["name"] == 'Team </script><script>alert("x")</script> & co'


def test_footer_links_to_the_contact_page(client: Client, db: None) -> None:
    assert '<li><a href="/contact/">Contact us</a></li>' in client.get("/").content.decode()


@pytest.mark.django_db
def test_the_admin_lists_opening_hours_as_the_contact_page_writes_them(admin_client: Client) -> None:
    html = admin_client.get("/admin/microcredentials/openinghours/").content.decode()
    assert '<td class="field-opens_at">8.30am</td><td class="field-closes_at">5.00pm</td>' in html
    assert "a.m." not in html
