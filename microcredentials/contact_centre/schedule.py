"""When the contact centre is open: regular weekly hours, less public holidays, extra closed days and closures.

Plain functions of values (hours, closed days, closures): the contact page, the alerts and the admin's preview
all ask these, so they agree on one answer. All times are New Zealand times (Pacific/Auckland); each day's hours
are turned into real moments on that calendar day, so daylight-saving changes need no special handling.

A stretch of closed days, the weekend next to it and any closure staff posted join into one closed stretch:
it runs from the end of the last opening before it to the next opening after it, the real reopening time.
"""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from microcredentials.lib.nztime import NZ_TIME, format_moment, format_time
from microcredentials.models import OpeningHours


class Closure(Protocol):
    """What a schedule needs of a closure: when it closes and reopens (a SiteAlert has these)."""

    @property
    def closes_at(self) -> datetime.datetime | None: ...

    @property
    def reopens_at(self) -> datetime.datetime | None: ...


@dataclass(frozen=True)
class Period:
    start: datetime.datetime
    end: datetime.datetime


@dataclass(frozen=True)
class ClosedStretch:
    """A time the centre is closed, between two openings, that takes in at least one closed day."""

    start: datetime.datetime  # the end of the last opening before it
    end: datetime.datetime  # the real reopening time
    days: tuple[tuple[datetime.date, str], ...]  # the closed days in it that would have had hours, with reasons


def regular_periods(
    hours: Iterable[OpeningHours], first_day: datetime.date, days: int, closed_days: Mapping[datetime.date, str]
) -> list[Period]:
    """The opening periods from `first_day` for `days` days, with every closed day left out."""
    by_weekday = {row.weekday: row for row in hours}
    periods = []
    for offset in range(days):
        day = first_day + datetime.timedelta(days=offset)
        row = by_weekday.get(day.weekday())
        if row is not None and day not in closed_days:
            start = datetime.datetime.combine(day, row.opens, tzinfo=NZ_TIME)
            periods.append(Period(start, datetime.datetime.combine(day, row.closes, tzinfo=NZ_TIME)))
    return periods


def without_closures(periods: list[Period], closures: Iterable[Closure]) -> list[Period]:
    """The periods with every closure cut out of them."""
    for closure in closures:
        if closure.closes_at is None or closure.reopens_at is None:
            continue
        pieces = []
        for period in periods:
            if closure.reopens_at <= period.start or closure.closes_at >= period.end:
                pieces.append(period)
                continue
            if period.start < closure.closes_at:
                pieces.append(Period(period.start, closure.closes_at))
            if closure.reopens_at < period.end:
                pieces.append(Period(closure.reopens_at, period.end))
        periods = pieces
    return periods


def opening_periods(
    hours: Sequence[OpeningHours],
    closures: Iterable[Closure],
    closed_days: Mapping[datetime.date, str],
    first_day: datetime.date,
    days: int,
) -> list[Period]:
    """When the centre is open, from `first_day` for `days` days: regular hours less closed days and closures."""
    return without_closures(regular_periods(hours, first_day, days, closed_days), closures)


def closed_stretches(
    periods: Sequence[Period], hours: Sequence[OpeningHours], closed_days: Mapping[datetime.date, str]
) -> list[ClosedStretch]:
    """The gaps between openings that take in a closed day on which the centre would have opened.

    A holiday on a Saturday, when the centre is closed anyway, makes no stretch of its own.
    """
    opens_on = {row.weekday: row.opens for row in hours}
    stretches = []
    for before, after in zip(periods, periods[1:], strict=False):
        day = before.end.astimezone(NZ_TIME).date()
        inside = []
        while day <= after.start.astimezone(NZ_TIME).date():
            opens = opens_on.get(day.weekday())
            if day in closed_days and opens is not None:
                opening = datetime.datetime.combine(day, opens, tzinfo=NZ_TIME)
                if before.end <= opening < after.start:
                    inside.append((day, closed_days[day]))
            day += datetime.timedelta(days=1)
        if inside:
            stretches.append(ClosedStretch(before.end, after.start, tuple(inside)))
    return stretches


def stretch_at(stretches: Iterable[ClosedStretch], moment: datetime.datetime) -> ClosedStretch | None:
    """The closed stretch `moment` falls in, if any."""
    return next((stretch for stretch in stretches if stretch.start <= moment < stretch.end), None)


def status_at(now: datetime.datetime, periods: Iterable[Period], closed_days: Mapping[datetime.date, str]) -> str:
    """ "Open now, until 5.00pm", "Closed now, reopening 8.30am Monday 25 September", or on a closed day
    "Closed now for Matariki, reopening …". With no opening in sight (no hours at all, say) it is "Closed now".
    """
    for period in periods:
        if period.end <= now:
            continue
        if period.start <= now:
            return f"Open now, until {format_time(period.end)}"
        reason = closed_days.get(now.astimezone(NZ_TIME).date(), "")
        closed = f"Closed now for {reason}" if reason else "Closed now"
        return f"{closed}, reopening {format_moment(period.start, now)}"
    return "Closed now"
