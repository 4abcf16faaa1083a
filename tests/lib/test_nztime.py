"""New Zealand time, written the New Zealand way: "3.00pm", "midday", "midnight", "today" and "tomorrow"."""

import datetime

import pytest

from microcredentials.lib.nztime import format_day, format_time
from tests.contact_centre.helpers import nz


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (nz(2023, 11, 10, 0, 0), "midnight"),
        (nz(2023, 11, 10, 0, 5), "12.05am"),
        (nz(2023, 11, 10, 8, 30), "8.30am"),
        (nz(2023, 11, 10, 11, 59), "11.59am"),
        (nz(2023, 11, 10, 12, 0), "midday"),
        (nz(2023, 11, 10, 12, 30), "12.30pm"),
        (nz(2023, 11, 10, 15, 0), "3.00pm"),
        (nz(2023, 11, 10, 23, 45), "11.45pm"),
    ],
)
def test_time_format(moment: datetime.datetime, expected: str) -> None:
    assert format_time(moment) == expected


def test_today_turns_into_the_weekday_at_new_zealand_midnight() -> None:
    friday = nz(2023, 11, 10, 15)
    assert format_day(friday, nz(2023, 11, 9, 23, 59, 59)) == "tomorrow, Friday 10 November"
    assert format_day(friday, nz(2023, 11, 10, 0, 0, 0)) == "today, Friday 10 November"
    assert format_day(friday, nz(2023, 11, 11, 0, 0, 0)) == "Friday 10 November"
