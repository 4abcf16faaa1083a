"""Public holidays and extra closed days: the contact page's status and hours, and the automatic closure notice.

The shipped hours are Monday to Friday, 8.30am to 5.00pm. Time is frozen with time-machine at each moment.
"""

import datetime
import html as html_text
import re

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client, override_settings

from microcredentials.contact_centre.contact import contact_status
from microcredentials.contact_centre.holiday_notices import HolidayClosure, holiday_wording
from microcredentials.contact_centre.public_holidays import public_holidays
from microcredentials.models import ClosedDay, OpeningHours
from tests.contact_centre.helpers import closure, nz
from tests.editing.helpers import make_user
from tests.signing_in import sign_in

WHO = "The Customer Contact Group"
REGION = '<section class="site-alert site-alert--'

pytestmark = pytest.mark.django_db


def contact_page(client: Client, moment: datetime.datetime) -> tuple[str, str, list[str]]:
    """(the live status, the hours table's public-holiday row, the alert texts) on the contact page at `moment`."""
    with time_machine.travel(moment, tick=False):
        html = client.get("/contact/").content.decode()
    status = re.search(r'<p class="contact-status"><strong>(.*?)</strong></p>', html)
    holidays_row = re.search(r'<th scope="row">Public holidays</th><td>(.*?)</td>', html)
    assert status and holidays_row
    alerts = [
        html_text.unescape(" ".join(text.split()))
        for text in re.findall(r'<p class="site-alert__text">(.*?)</p>', html)
    ]
    return html_text.unescape(status[1]), html_text.unescape(holidays_row[1]), alerts


def notice_at(client: Client, moment: datetime.datetime) -> str | None:
    """The closure notice's sentence on the home page at `moment`, if one shows."""
    with time_machine.travel(moment, tick=False):
        html = client.get("/").content.decode()
    found = re.search(r'<p class="site-alert__text">(.*?)</p>', html)
    return html_text.unescape(found[1]) if found else None


# --- The holidays themselves -----------------------------------------------------------------


def test_the_holidays_package_knows_mondayisation_and_matariki() -> None:
    assert public_holidays(datetime.date(2026, 12, 28), datetime.date(2026, 12, 28)) == {
        datetime.date(2026, 12, 28): "Boxing Day"  # "(observed)" is left off: readers know it as Boxing Day
    }
    assert public_holidays(datetime.date(2027, 2, 8), datetime.date(2027, 2, 8)) == {
        datetime.date(2027, 2, 8): "Waitangi Day"
    }
    matariki = {
        day
        for day, name in public_holidays(datetime.date(2026, 1, 1), datetime.date(2027, 12, 31)).items()
        if name == "Matariki"
    }
    assert matariki == {datetime.date(2026, 7, 10), datetime.date(2027, 6, 25)}


# --- Boxing Day, observed on Monday 28 December 2026 (Christmas Day is the Friday before) -------


def test_christmas_and_boxing_day_2026_are_announced_a_week_ahead(client: Client) -> None:
    # The centre closes at 5.00pm on Thursday 24 December: the notice shows from midnight a week before.
    assert notice_at(client, nz(2026, 12, 16, 23, 59)) is None
    assert notice_at(client, nz(2026, 12, 17, 0, 0)) == (
        f"{WHO} will be closed on Friday 25 December for Christmas Day and on Monday 28 December for Boxing Day, "
        "reopening 8.30am Tuesday 29 December."
    )
    assert notice_at(client, nz(2026, 12, 24, 10)) == (
        f"{WHO} will be closed tomorrow, Friday 25 December, for Christmas Day and on Monday 28 December for "
        "Boxing Day, reopening 8.30am Tuesday 29 December."
    )


@pytest.mark.parametrize(
    ("moment", "status", "holidays_row", "notice"),
    [
        (
            nz(2026, 12, 24, 17),  # the last opening before the holidays has just ended
            "Closed now, reopening 8.30am Tuesday 29 December",
            "Closed on public holidays. The next is Christmas Day, tomorrow, Friday 25 December.",
            "is now closed for Christmas Day and Boxing Day until 8.30am Tuesday 29 December.",
        ),
        (
            nz(2026, 12, 26, 10),  # Saturday: the real Boxing Day, but the holiday is observed on Monday
            "Closed now for Boxing Day, reopening 8.30am Tuesday 29 December",
            "Closed on public holidays. The next is Boxing Day, on Monday 28 December.",
            "is now closed for Boxing Day until 8.30am Tuesday 29 December.",
        ),
        (
            nz(2026, 12, 28, 10),
            "Closed now for Boxing Day, reopening 8.30am tomorrow, Tuesday 29 December",
            "Closed on public holidays. Today is Boxing Day.",
            "is now closed for Boxing Day until 8.30am tomorrow, Tuesday 29 December.",
        ),
    ],
)
def test_boxing_day_observed_on_monday_28_december_2026(
    client: Client, moment: datetime.datetime, status: str, holidays_row: str, notice: str
) -> None:
    assert contact_page(client, moment) == (
        status,
        holidays_row,
        [f"{WHO} {notice}", '<a href="/contact/">Contact details and opening hours</a>'],
    )


def test_the_centre_reopens_after_boxing_day(client: Client) -> None:
    status, holidays_row, alerts = contact_page(client, nz(2026, 12, 29, 8, 30))
    assert status == "Open now, until 5.00pm"
    assert holidays_row == "Closed on public holidays. The next is New Year's Day, on Friday 1 January 2027."
    # The notice for New Year shows once the Christmas one is over.
    assert alerts[0] == (
        f"{WHO} will be closed on Friday 1 January 2027 for New Year's Day and on Monday 4 January 2027 for the day "
        "after New Year's Day, reopening 8.30am Tuesday 5 January 2027."
    )


# --- Waitangi Day, observed on Monday 8 February 2027 (6 February is a Saturday) ----------------


@pytest.mark.parametrize(
    ("moment", "status", "holidays_row", "notice"),
    [
        (
            nz(2027, 2, 3, 10),
            "Open now, until 5.00pm",
            "Closed on public holidays. The next is Waitangi Day, on Monday 8 February.",
            "will be closed on Monday 8 February for Waitangi Day, reopening 8.30am Tuesday 9 February.",
        ),
        (
            nz(2027, 2, 5, 17, 30),  # Friday evening: the weekend and the holiday are one closed stretch
            "Closed now, reopening 8.30am Tuesday 9 February",
            "Closed on public holidays. The next is Waitangi Day, on Monday 8 February.",
            "is now closed for Waitangi Day until 8.30am Tuesday 9 February.",
        ),
        (
            nz(2027, 2, 6, 11),  # Waitangi Day itself, a Saturday
            "Closed now for Waitangi Day, reopening 8.30am Tuesday 9 February",
            "Closed on public holidays. The next is Waitangi Day, on Monday 8 February.",
            "is now closed for Waitangi Day until 8.30am Tuesday 9 February.",
        ),
        (
            nz(2027, 2, 8, 9),
            "Closed now for Waitangi Day, reopening 8.30am tomorrow, Tuesday 9 February",
            "Closed on public holidays. Today is Waitangi Day.",
            "is now closed for Waitangi Day until 8.30am tomorrow, Tuesday 9 February.",
        ),
    ],
)
def test_waitangi_day_observed_on_monday_8_february_2027(
    client: Client, moment: datetime.datetime, status: str, holidays_row: str, notice: str
) -> None:
    assert contact_page(client, moment)[:2] == (status, holidays_row)
    assert contact_page(client, moment)[2][0] == f"{WHO} {notice}"


# --- Matariki: Friday 10 July 2026 and Friday 25 June 2027, next to the weekend ------------------


@pytest.mark.parametrize(
    ("moment", "status", "holidays_row", "notice"),
    [
        (
            nz(2026, 7, 9, 10),
            "Open now, until 5.00pm",
            "Closed on public holidays. The next is Matariki, tomorrow, Friday 10 July.",
            "will be closed tomorrow, Friday 10 July, for Matariki, reopening 8.30am Monday 13 July.",
        ),
        (
            nz(2026, 7, 10, 10),
            "Closed now for Matariki, reopening 8.30am Monday 13 July",
            "Closed on public holidays. Today is Matariki.",
            "is now closed for Matariki until 8.30am Monday 13 July.",
        ),
        (
            nz(2026, 7, 12, 10),  # Sunday: the holiday's weekend
            "Closed now, reopening 8.30am tomorrow, Monday 13 July",
            "Closed on public holidays. The next is Labour Day, on Monday 26 October.",
            "is now closed until 8.30am tomorrow, Monday 13 July.",
        ),
        (
            nz(2027, 6, 21, 10),
            "Open now, until 5.00pm",
            "Closed on public holidays. The next is Matariki, on Friday 25 June.",
            "will be closed on Friday 25 June for Matariki, reopening 8.30am Monday 28 June.",
        ),
        (
            nz(2027, 6, 25, 12),
            "Closed now for Matariki, reopening 8.30am Monday 28 June",
            "Closed on public holidays. Today is Matariki.",
            "is now closed for Matariki until 8.30am Monday 28 June.",
        ),
    ],
)
def test_matariki_2026_and_2027(
    client: Client, moment: datetime.datetime, status: str, holidays_row: str, notice: str
) -> None:
    assert contact_page(client, moment) == (
        status,
        holidays_row,
        [f"{WHO} {notice}", '<a href="/contact/">Contact details and opening hours</a>'],
    )


def test_no_notice_once_the_centre_has_reopened_after_matariki(client: Client) -> None:
    assert notice_at(client, nz(2026, 7, 13, 8, 30)) is None
    assert contact_page(client, nz(2026, 7, 13, 8, 30))[0] == "Open now, until 5.00pm"


# --- A regional anniversary day: Wellington, Monday 25 January 2027 ------------------------------


@override_settings(CONTACT_CENTRE_REGION="WGN")
def test_wellington_anniversary_day_with_the_region_set(client: Client) -> None:
    status, holidays_row, alerts = contact_page(client, nz(2027, 1, 20, 10))
    assert status == "Open now, until 5.00pm"
    assert holidays_row == "Closed on public holidays. The next is Wellington Anniversary Day, on Monday 25 January."
    assert alerts[0] == (
        f"{WHO} will be closed on Monday 25 January for Wellington Anniversary Day, reopening 8.30am Tuesday "
        "26 January."
    )
    status, holidays_row, alerts = contact_page(client, nz(2027, 1, 25, 9))
    assert status == "Closed now for Wellington Anniversary Day, reopening 8.30am tomorrow, Tuesday 26 January"
    assert alerts[0] == f"{WHO} is now closed for Wellington Anniversary Day until 8.30am tomorrow, Tuesday 26 January."


def test_without_a_region_the_anniversary_day_is_a_working_day(client: Client) -> None:
    status, holidays_row, alerts = contact_page(client, nz(2027, 1, 25, 9))
    assert status == "Open now, until 5.00pm"
    assert holidays_row == "Closed on public holidays. The next is Waitangi Day, on Monday 8 February."
    assert alerts == []


@override_settings(CONTACT_CENTRE_REGION="XYZ")
def test_an_unknown_region_is_refused_with_the_choices() -> None:
    with pytest.raises(Exception, match="CONTACT_CENTRE_REGION must be one of AUK, BOP, CAN"):
        public_holidays(datetime.date(2027, 1, 1), datetime.date(2027, 1, 31))


# --- One closed stretch: holidays, their weekend, extra closed days and staff closures -------------


def test_extra_closed_days_join_christmas_and_new_year_into_one_stretch(client: Client) -> None:
    for day in (29, 30, 31):
        ClosedDay.objects.create(day=datetime.date(2026, 12, day), reason="the Christmas break")
    with time_machine.travel(nz(2026, 12, 21, 10), tick=False):
        html = client.get("/contact/").content.decode()
    assert "<li>Tuesday 29 December (the Christmas break)</li>" in html  # the contact page lists them
    status, _, alerts = contact_page(client, nz(2026, 12, 21, 10))
    assert alerts[0] == (
        f"{WHO} will be closed on Friday 25 December for Christmas Day, on Monday 28 December for Boxing Day, "
        "from Tuesday 29 December to Thursday 31 December for the Christmas break, on Friday 1 January 2027 for "
        "New Year's Day and on Monday 4 January 2027 for the day after New Year's Day, reopening 8.30am Tuesday "
        "5 January 2027."
    )
    assert contact_page(client, nz(2026, 12, 30, 10))[0] == (
        "Closed now for the Christmas break, reopening 8.30am Tuesday 5 January 2027"
    )


def test_a_staff_closure_next_to_a_holiday_is_told_with_the_real_reopening(client: Client) -> None:
    # Staff close at midday the day before Matariki, and typed the Friday as the reopening day.
    closure(nz(2026, 7, 9, 12), nz(2026, 7, 10, 8, 30), show_from=nz(2026, 7, 6, 9)).save()
    status, _, alerts = contact_page(client, nz(2026, 7, 9, 10))
    assert alerts[0] == f"{WHO} will be closed from midday today, Thursday 9 July, reopening 8.30am Monday 13 July."
    assert len([text for text in alerts if "Contact Group" in text]) == 1  # no second, automatic notice
    assert contact_page(client, nz(2026, 7, 9, 13))[0] == "Closed now, reopening 8.30am Monday 13 July"
    # It shows until the real reopening, not only until the time staff typed.
    assert notice_at(client, nz(2026, 7, 10, 9)) == f"{WHO} is now closed until 8.30am Monday 13 July."
    assert notice_at(client, nz(2026, 7, 13, 8, 30)) is None


def test_a_holiday_on_a_day_the_centre_does_not_open_makes_no_notice(client: Client) -> None:
    # Anzac Day 2027 is a Sunday, observed on Monday 26 April: only the Monday matters, and it is named.
    assert notice_at(client, nz(2027, 4, 21, 10)) == (
        f"{WHO} will be closed on Monday 26 April for Anzac Day, reopening 8.30am Tuesday 27 April."
    )
    OpeningHours.objects.filter(weekday=OpeningHours.Weekday.MONDAY).delete()
    assert notice_at(client, nz(2027, 4, 21, 10)) is None  # closed on Mondays anyway


def test_contact_status_takes_closed_days_as_plain_values() -> None:
    hours = list(OpeningHours.objects.all())
    closed = {datetime.date(2026, 7, 10): "Matariki"}
    assert (
        contact_status(nz(2026, 7, 10, 9), hours, [], closed)
        == "Closed now for Matariki, reopening 8.30am Monday 13 July"
    )
    assert contact_status(nz(2026, 7, 10, 9), hours, []) == "Open now, until 5.00pm"


@pytest.fixture
def contact_centre_client(db: None) -> Client:
    client = Client()
    sign_in(client, make_user("wiremu", "Contact centre"))
    return client


def test_an_extra_closed_day_on_a_public_holiday_is_refused(contact_centre_client: Client) -> None:
    response = contact_centre_client.post(
        "/admin/microcredentials/closedday/add/", {"day": "2026-07-10", "reason": "Matariki"}
    )
    assert response.status_code == 200
    assert (
        "Friday 10 July 2026 is already a public holiday (Matariki): the centre is closed." in response.content.decode()
    )
    assert not ClosedDay.objects.exists()


def test_staff_see_the_coming_holidays_in_the_admin(contact_centre_client: Client) -> None:
    with time_machine.travel(nz(2026, 12, 5, 10), tick=False):
        sign_in(contact_centre_client, User.objects.get(username="wiremu"))  # staff sessions last an hour
        html = contact_centre_client.get("/admin/microcredentials/closedday/").content.decode()
    assert "Coming public holidays" in html
    assert "<tr><td>Monday 28 December 2026</td><td>Boxing Day</td></tr>" in html
    assert "<tr><td>Friday 25 June 2027</td><td>Matariki</td></tr>" in html


def test_the_automatic_notice_writes_midday_and_midnight_in_words() -> None:
    days = ((datetime.date(2026, 12, 25), "Christmas Day"), (datetime.date(2026, 12, 28), "Boxing Day"))
    at_midday = HolidayClosure(nz(2026, 12, 25), nz(2026, 12, 29, 12), days, show_from=nz(2026, 12, 18))
    assert holiday_wording(at_midday, nz(2026, 12, 24, 9)).endswith(", reopening midday Tuesday 29 December.")
    assert holiday_wording(at_midday, nz(2026, 12, 26, 9)) == (
        "The Customer Contact Group is now closed for Boxing Day until midday Tuesday 29 December."
    )
    at_midnight = HolidayClosure(nz(2026, 12, 25), nz(2026, 12, 29), days, show_from=nz(2026, 12, 18))
    assert holiday_wording(at_midnight, nz(2026, 12, 28, 9)) == (
        "The Customer Contact Group is now closed for Boxing Day until midnight tonight."
    )
    for now in (nz(2026, 12, 24, 9), nz(2026, 12, 26, 9), nz(2026, 12, 28, 9)):
        assert "12.00" not in holiday_wording(at_midday, now) + holiday_wording(at_midnight, now)
