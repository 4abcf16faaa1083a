"""Dates and times written the New Zealand way, in Pacific/Auckland time: 3.05pm, "Friday 22 September".

Plain functions of datetimes; nothing here reads a request or a model.
"""

import datetime
import zoneinfo

from django.utils import dateformat, timezone

NZ_TIME = zoneinfo.ZoneInfo("Pacific/Auckland")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def format_clock(clock: datetime.time) -> str:
    """A wall-clock time the New Zealand way: 3.00pm, 8.30am, 12.05am; noon is "midday", 00:00 "midnight".

    Django's "g.i" would give "3.00" but its "a" gives "p.m.", so the am/pm style is ours. "12.00pm" and
    "12.00am" are never written: people read them either way.
    """
    if clock.minute == 0 and clock.hour in (0, 12):
        return "midnight" if clock.hour == 0 else "midday"
    hour = clock.hour % 12 or 12
    return f"{hour}.{clock.minute:02d}{'am' if clock.hour < 12 else 'pm'}"


def format_time(moment: datetime.datetime) -> str:
    """The New Zealand wall-clock time of a moment, as format_clock writes it."""
    return format_clock(moment.astimezone(NZ_TIME).time())


def is_midnight(moment: datetime.datetime) -> bool:
    """Whether a moment is 00:00 New Zealand time: the start of its calendar day."""
    local = moment.astimezone(NZ_TIME)
    return (local.hour, local.minute) == (0, 0)


def weekday_and_date(day: datetime.date) -> str:
    """ "Friday 22 September"."""
    return dateformat.format(day, "l j F")


def format_date(day: datetime.date) -> str:
    """A date with its weekday and year, for where no "today" applies: "Wednesday 9 December 2026"."""
    return dateformat.format(day, "l j F Y")


def format_day(moment: datetime.datetime, now: datetime.datetime) -> str:
    """The day of `moment` as seen at `now`: "today, Friday 22 September", "tomorrow, …" or "Monday 25 September".

    The year is added ("Monday 1 January 2024") only when it is not the current New Zealand year.
    """
    day = moment.astimezone(NZ_TIME).date()
    today = now.astimezone(NZ_TIME).date()
    text = weekday_and_date(day)
    if day.year != today.year:
        text += f" {day.year}"
    if day == today:
        return f"today, {text}"
    if day == today + datetime.timedelta(days=1):
        return f"tomorrow, {text}"
    return text


def format_moment(moment: datetime.datetime, now: datetime.datetime) -> str:
    """A moment as seen at `now`: "3.00pm today, Friday 22 September", "midday Monday 25 September".

    Midnight belongs to the day it starts, and says so: "midnight tonight" when that day is tomorrow,
    otherwise "midnight at the start of Monday 25 September".
    """
    if is_midnight(moment):
        day = moment.astimezone(NZ_TIME).date()
        if day == now.astimezone(NZ_TIME).date() + datetime.timedelta(days=1):
            return "midnight tonight"
        return f"midnight at the start of {format_day(moment, now)}"
    return f"{format_time(moment)} {format_day(moment, now)}"


def short_date(day: datetime.date) -> str:
    """A date as staff lists show it: 29 Aug 2023."""
    return dateformat.format(day, "j M Y")


def format_when(moment: datetime.datetime) -> str:
    """A date and time the New Zealand way, as the admin shows them everywhere: 29 Aug 2023, 3.05pm."""
    local = timezone.localtime(moment, NZ_TIME)
    return f"{short_date(local)}, {format_clock(local.time())}"
