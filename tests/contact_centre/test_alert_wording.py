"""The closure sentence, worded for the moment it is read, in New Zealand time."""

import datetime

import pytest

from microcredentials.contact_centre.alerts import closure_wording
from microcredentials.models import SiteAlert
from tests.contact_centre.helpers import EMAIL, closure, nz

UTC = datetime.UTC
EMAIL_SENTENCE = f' You can still email us at <a href="mailto:{EMAIL}">{EMAIL}</a>.'
WHO = "The Customer Contact Group"

# Friday 22 September 2023, 3.00pm, to Monday 25 September, 8.30am: the example.
WEEKEND = closure(nz(2023, 9, 22, 15), nz(2023, 9, 25, 8, 30))


def test_closing_later_today_reopening_monday_with_an_email_link() -> None:
    alert = closure(nz(2023, 9, 22, 15), nz(2023, 9, 25, 8, 30), contact_email=EMAIL)
    assert closure_wording(alert, nz(2023, 9, 22, 9)) == (
        f"{WHO} will be closed from 3.00pm today, Friday 22 September, reopening 8.30am Monday 25 September."
        + EMAIL_SENTENCE
    )


def test_no_email_sentence_without_an_email() -> None:
    assert closure_wording(WEEKEND, nz(2023, 9, 22, 9)) == (
        f"{WHO} will be closed from 3.00pm today, Friday 22 September, reopening 8.30am Monday 25 September."
    )


def test_closing_tomorrow() -> None:
    alert = closure(nz(2023, 9, 22, 12), nz(2023, 9, 25, 8, 30))
    assert closure_wording(alert, nz(2023, 9, 21, 16)) == (
        f"{WHO} will be closed from midday tomorrow, Friday 22 September, reopening 8.30am Monday 25 September."
    )


def test_closing_in_a_few_days_gives_weekday_and_date() -> None:
    assert closure_wording(WEEKEND, nz(2023, 9, 19, 10)) == (
        f"{WHO} will be closed from 3.00pm Friday 22 September, reopening 8.30am Monday 25 September."
    )


def test_reopening_tomorrow() -> None:
    alert = closure(nz(2023, 11, 9, 15), nz(2023, 11, 10, 8, 30))
    assert closure_wording(alert, nz(2023, 11, 9, 9)) == (
        f"{WHO} will be closed from 3.00pm today, Thursday 9 November, reopening 8.30am tomorrow, Friday 10 November."
    )


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (nz(2023, 11, 9, 16), "will be closed from midday to 1.30pm tomorrow, Friday 10 November."),
        (nz(2023, 11, 10, 9), "will be closed from midday to 1.30pm today, Friday 10 November."),
        (nz(2023, 11, 10, 12), "is now closed until 1.30pm today, Friday 10 November."),
        (nz(2023, 11, 10, 13, 29), "is now closed until 1.30pm today, Friday 10 November."),
    ],
)
def test_same_day_closure(now: datetime.datetime, expected: str) -> None:
    alert = closure(nz(2023, 11, 10, 12), nz(2023, 11, 10, 13, 30))
    assert closure_wording(alert, now) == f"{WHO} {expected}"


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (nz(2023, 9, 22, 15), "is now closed until 8.30am Monday 25 September."),
        (nz(2023, 9, 23, 10), "is now closed until 8.30am Monday 25 September."),
        (nz(2023, 9, 24, 10), "is now closed until 8.30am tomorrow, Monday 25 September."),
        (nz(2023, 9, 25, 7), "is now closed until 8.30am today, Monday 25 September."),
    ],
)
def test_closure_already_under_way(now: datetime.datetime, expected: str) -> None:
    assert closure_wording(WEEKEND, now) == f"{WHO} {expected}"


def test_after_reopening_it_says_so() -> None:
    assert closure_wording(WEEKEND, nz(2023, 9, 25, 9)) == f"{WHO} reopened at 8.30am today, Monday 25 September."


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # Read in 2023: only the 2024 date carries its year.
        (
            nz(2023, 12, 20, 10),
            "will be closed from 3.00pm Friday 22 December, reopening 8.30am Monday 8 January 2024.",
        ),
        (nz(2023, 12, 31, 23, 59), "is now closed until 8.30am Monday 8 January 2024."),
        # Read in 2024: the reopening is this year now, so no year.
        (nz(2024, 1, 1, 0, 0), "is now closed until 8.30am Monday 8 January."),
        (nz(2024, 1, 2, 10), "is now closed until 8.30am Monday 8 January."),
    ],
)
def test_closure_spanning_new_year(now: datetime.datetime, expected: str) -> None:
    alert = closure(nz(2023, 12, 22, 15), nz(2024, 1, 8, 8, 30))
    assert closure_wording(alert, now) == f"{WHO} {expected}"


def test_new_years_eve_closure_reopening_tomorrow_shows_next_year() -> None:
    alert = closure(nz(2023, 12, 31, 12), nz(2024, 1, 1, 9))
    assert closure_wording(alert, nz(2023, 12, 31, 10)) == (
        f"{WHO} will be closed from midday today, Sunday 31 December, reopening 9.00am tomorrow, Monday 1 January 2024."
    )


def test_both_dates_next_year_both_show_the_year() -> None:
    alert = closure(nz(2024, 1, 2, 9), nz(2024, 1, 3, 9))
    assert closure_wording(alert, nz(2023, 12, 20, 10)) == (
        f"{WHO} will be closed from 9.00am Tuesday 2 January 2024, reopening 9.00am Wednesday 3 January 2024."
    )


def test_spanning_the_september_daylight_saving_start() -> None:
    # NZ clocks went forward at 2.00am on Sunday 24 September 2023 (UTC+12 to UTC+13).
    # Given in UTC: a fixed-offset calculation would say 7.30am for the reopening.
    alert = closure(datetime.datetime(2023, 9, 22, 3, tzinfo=UTC), datetime.datetime(2023, 9, 24, 19, 30, tzinfo=UTC))
    assert closure_wording(alert, datetime.datetime(2023, 9, 21, 21, tzinfo=UTC)) == (
        f"{WHO} will be closed from 3.00pm today, Friday 22 September, reopening 8.30am Monday 25 September."
    )


@pytest.mark.parametrize(
    ("now_utc", "expected"),
    [
        # 11.59pm Sunday 24 September NZDT (the first day of daylight saving) is 10.59am UTC.
        (datetime.datetime(2023, 9, 24, 10, 59, tzinfo=UTC), "until 8.30am tomorrow, Monday 25 September."),
        # Midnight NZDT is 11.00am UTC, still Sunday in UTC: "today" follows New Zealand's date.
        (datetime.datetime(2023, 9, 24, 11, 0, tzinfo=UTC), "until 8.30am today, Monday 25 September."),
    ],
)
def test_today_begins_at_new_zealand_midnight_on_the_daylight_saving_weekend(
    now_utc: datetime.datetime, expected: str
) -> None:
    assert closure_wording(WEEKEND, now_utc) == f"{WHO} is now closed {expected}"


def test_spanning_the_april_daylight_saving_end() -> None:
    # NZ clocks went back at 3.00am on Sunday 2 April 2023 (UTC+13 to UTC+12).
    alert = closure(datetime.datetime(2023, 3, 31, 4, tzinfo=UTC), datetime.datetime(2023, 4, 2, 20, 30, tzinfo=UTC))
    assert closure_wording(alert, datetime.datetime(2023, 3, 30, 21, tzinfo=UTC)) == (
        f"{WHO} will be closed from 5.00pm today, Friday 31 March, reopening 8.30am Monday 3 April."
    )
    assert closure_wording(alert, nz(2023, 4, 2, 12)) == f"{WHO} is now closed until 8.30am tomorrow, Monday 3 April."


def test_noon_and_midnight() -> None:
    alert = closure(nz(2023, 11, 10, 12), nz(2023, 11, 13, 0))
    assert closure_wording(alert, nz(2023, 11, 10, 8)) == (
        f"{WHO} will be closed from midday today, Friday 10 November, "
        "reopening midnight at the start of Monday 13 November."
    )


# Every sentence form, with midday and midnight in it: "12.00pm" and "12.00am" are never written.
MIDNIGHT_FRIDAY = nz(2023, 11, 10, 0)  # the midnight that starts Friday 10 November


@pytest.mark.parametrize(
    ("closes", "reopens", "now", "expected"),
    [
        # Closing at midnight, read the day before: "from midnight tonight".
        (
            MIDNIGHT_FRIDAY,
            nz(2023, 11, 13, 8, 30),
            nz(2023, 11, 9, 15),
            "will be closed from midnight tonight, reopening 8.30am Monday 13 November.",
        ),
        # Read earlier, the midnight is named by the day it starts.
        (
            MIDNIGHT_FRIDAY,
            nz(2023, 11, 13, 8, 30),
            nz(2023, 11, 7, 15),
            "will be closed from midnight at the start of Friday 10 November, reopening 8.30am Monday 13 November.",
        ),
        # From midnight to a time the same day: never "from midnight to 8.00am".
        (
            MIDNIGHT_FRIDAY,
            nz(2023, 11, 10, 8),
            nz(2023, 11, 9, 20),
            "will be closed from midnight tonight, reopening 8.00am tomorrow, Friday 10 November.",
        ),
        # Reopening at midnight.
        (
            nz(2023, 11, 9, 15),
            MIDNIGHT_FRIDAY,
            nz(2023, 11, 9, 9),
            "will be closed from 3.00pm today, Thursday 9 November, reopening midnight tonight.",
        ),
        (nz(2023, 11, 9, 15), MIDNIGHT_FRIDAY, nz(2023, 11, 9, 16), "is now closed until midnight tonight."),
        (
            nz(2023, 11, 8, 15),
            nz(2023, 11, 13, 0),
            nz(2023, 11, 9, 16),
            "is now closed until midnight at the start of Monday 13 November.",
        ),
        # Midday, in the same-day form and the until form.
        (
            nz(2023, 11, 10, 12),
            nz(2023, 11, 10, 13),
            nz(2023, 11, 10, 9),
            "will be closed from midday to 1.00pm today, Friday 10 November.",
        ),
        (
            nz(2023, 11, 10, 9),
            nz(2023, 11, 10, 12),
            nz(2023, 11, 9, 9),
            "will be closed from 9.00am to midday tomorrow, Friday 10 November.",
        ),
        (
            nz(2023, 11, 10, 9),
            nz(2023, 11, 10, 12),
            nz(2023, 11, 10, 10),
            "is now closed until midday today, Friday 10 November.",
        ),
        (
            nz(2023, 11, 10, 12),
            nz(2023, 11, 13, 12),
            nz(2023, 11, 10, 9),
            "will be closed from midday today, Friday 10 November, reopening midday Monday 13 November.",
        ),
        # After it reopens (never shown to readers, but worded by the same rules).
        (
            nz(2023, 11, 9, 15),
            MIDNIGHT_FRIDAY,
            nz(2023, 11, 10, 9),
            "reopened at midnight at the start of today, Friday 10 November.",
        ),
        (
            nz(2023, 11, 9, 15),
            nz(2023, 11, 10, 12),
            nz(2023, 11, 10, 13),
            "reopened at midday today, Friday 10 November.",
        ),
    ],
)
def test_midday_and_midnight_in_every_sentence_form(
    closes: datetime.datetime, reopens: datetime.datetime, now: datetime.datetime, expected: str
) -> None:
    wording = closure_wording(closure(closes, reopens), now)
    assert wording == f"{WHO} {expected}"
    assert "12.00" not in wording


def test_who_defaults_and_is_escaped() -> None:
    blank = closure(nz(2023, 11, 10, 15), nz(2023, 11, 13, 9), who="")
    assert closure_wording(blank, nz(2023, 11, 10, 9)).startswith(f"{WHO} will be closed")
    odd = closure(nz(2023, 11, 10, 15), nz(2023, 11, 13, 9), who="Ngā Kaiāwhina <b>")
    assert closure_wording(odd, nz(2023, 11, 10, 9)).startswith("Ngā Kaiāwhina &lt;b&gt; will be closed")


def test_a_general_alert_has_no_closure_wording() -> None:
    assert closure_wording(SiteAlert(kind=SiteAlert.Kind.GENERAL, message="Hi"), nz(2023, 11, 10)) == ""
