"""Closure notices nobody has to post: public holidays and extra closed days, and the real reopening time.

Each closed stretch (schedule.closed_stretches: closed days, the weekend next to them, and any closure staff
posted, joined into one) gets an automatic notice, unless staff posted a closure that falls in it: then theirs
speaks for the stretch. A staff closure that would reopen inside a stretch is told to readers with the stretch's
real reopening time instead (a closure until 8.30am Monday, when Monday is Waitangi Day, reopens on Tuesday).

An automatic notice shows from midnight (New Zealand time) HOLIDAY_NOTICE_DAYS days before the day the centre
closes for it, or from when the stretch before it ends if that is later, until the centre reopens.
"""

import copy
import datetime
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q
from django.utils.html import format_html
from django.utils.safestring import SafeString

from microcredentials.contact_centre.public_holidays import closed_days
from microcredentials.contact_centre.schedule import ClosedStretch, closed_stretches, opening_periods, stretch_at
from microcredentials.lib.nztime import NZ_TIME, format_day, format_moment
from microcredentials.models import CONTACT_CENTRE_NAME, OpeningHours, SiteAlert

HOLIDAY_NOTICE_DAYS = 7
# How far either side of today the schedule is worked out: back far enough to find the opening before a long
# closed stretch that is under way, forward far enough for any staff closure's reopening.
LOOK_BACK_DAYS = 42
LOOK_AHEAD_DAYS = 400
# Holiday names as they read after "for": "closed on Monday 4 January for the day after New Year's Day".
READS_AS = {"Day after New Year's Day": "the day after New Year's Day"}


@dataclass(frozen=True)
class HolidayClosure:
    """An automatic closure notice for one closed stretch. It has a SiteAlert's attributes, so the alert code
    treats both alike; it is never saved (pk is None) and cannot be edited, only hidden by readers."""

    closes_at: datetime.datetime
    reopens_at: datetime.datetime
    days: tuple[tuple[datetime.date, str], ...]
    show_from: datetime.datetime
    show_until: datetime.datetime | None = None
    kind: str = SiteAlert.Kind.CLOSURE
    level: int = SiteAlert.Level.INFORMATION
    who: str = CONTACT_CENTRE_NAME
    contact_email: str = ""
    extra_text: str = ""
    message: str = ""
    pk: None = None

    @property
    def dismissal_key(self) -> str:
        """Like a staff alert's (alerts.dismissal_key), numbered 0: changed when the stretch or its days change."""
        moments = [m.astimezone(datetime.UTC).isoformat() for m in (self.closes_at, self.reopens_at)]
        text = "\x1f".join([*moments, *(f"{day.isoformat()}={reason}" for day, reason in self.days)])
        return f"0-{hashlib.sha256(text.encode()).hexdigest()[:12]}"


def _start_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=NZ_TIME)


def _day(day: datetime.date, now: datetime.datetime) -> str:
    return format_day(datetime.datetime.combine(day, datetime.time(12), tzinfo=NZ_TIME), now)


def _runs(days: Sequence[tuple[datetime.date, str]]) -> list[tuple[datetime.date, datetime.date, str]]:
    """Closed days grouped into runs that follow one another in the stretch and share a reason."""
    runs: list[tuple[datetime.date, datetime.date, str]] = []
    for day, reason in days:
        if runs and runs[-1][2] == reason:
            runs[-1] = (runs[-1][0], day, reason)
        else:
            runs.append((day, day, reason))
    return runs


def _for(reason: str) -> str:
    return f" for {READS_AS.get(reason, reason)}" if reason else ""


def _when_closed(first: datetime.date, last: datetime.date, reason: str, now: datetime.datetime) -> str:
    """ "on Monday 28 December for Boxing Day", "tomorrow, Friday 25 December, for Christmas Day",
    "from Tuesday 29 December to Thursday 31 December for the Christmas break"."""
    if first != last:
        return f"from {_day(first, now)} to {_day(last, now)}{_for(reason)}"
    when = _day(first, now)
    if when.startswith(("today", "tomorrow")):
        return f"{when},{_for(reason)}" if reason else when
    return f"on {when}{_for(reason)}"


def _and(phrases: Sequence[str]) -> str:
    return phrases[0] if len(phrases) == 1 else f"{', '.join(phrases[:-1])} and {phrases[-1]}"


def holiday_wording(notice: HolidayClosure, now: datetime.datetime) -> SafeString:
    """The automatic notice as HTML, worded for `now` in New Zealand time, by the closure wording's rules:
    - Before it begins: "{who} will be closed on Monday 28 December for Boxing Day, reopening 8.30am Tuesday
      29 December." Each closed day the centre would have opened on is named with its reason; days in a row
      with one reason are given as "from … to …"; the weekend is not named.
    - Once it has begun: "{who} is now closed for Christmas Day and Boxing Day until 8.30am Tuesday
      29 December.", naming the days still to come (today included).
    - After it has reopened (never shown): "{who} reopened at 8.30am Tuesday 29 December."
    """
    who, reopens = notice.who, format_moment(notice.reopens_at, now)
    if now >= notice.reopens_at:
        return format_html("{} reopened at {}.", who, reopens)
    if now >= notice.closes_at:
        today = now.astimezone(NZ_TIME).date()
        reasons = list(dict.fromkeys(reason for day, reason in notice.days if day >= today and reason))
        if not reasons:
            return format_html("{} is now closed until {}.", who, reopens)
        return format_html(
            "{} is now closed for {} until {}.", who, _and([READS_AS.get(r, r) for r in reasons]), reopens
        )
    phrases = [_when_closed(first, last, reason, now) for first, last, reason in _runs(notice.days)]
    return format_html("{} will be closed {}, reopening {}.", who, _and(phrases), reopens)


@dataclass(frozen=True)
class ClosureSchedule:
    """The closed stretches around a New Zealand day, and the staff closures they were worked out with."""

    stretches: tuple[ClosedStretch, ...]
    closures: tuple[SiteAlert, ...]


def closure_schedule(today: datetime.date, closures: Sequence[SiteAlert] | None = None) -> ClosureSchedule:
    """Work out the closed stretches around `today`: opening hours, public holidays, extra closed days and the
    staff closures (all saved ones near today, unless `closures` is given: the admin's preview passes its own)."""
    first, last = today - datetime.timedelta(days=LOOK_BACK_DAYS), today + datetime.timedelta(days=LOOK_AHEAD_DAYS)
    if closures is None:
        closures = list(
            SiteAlert.objects.filter(
                kind=SiteAlert.Kind.CLOSURE, closes_at__lt=_start_of(last), reopens_at__gt=_start_of(first)
            )
        )
    hours = list(OpeningHours.objects.all())
    closed = closed_days(first, last)
    periods = opening_periods(hours, closures, closed, first, (last - first).days + 1)
    return ClosureSchedule(tuple(closed_stretches(periods, hours, closed)), tuple(closures))


def with_real_reopening(alert: SiteAlert, schedule: ClosureSchedule) -> SiteAlert:
    """A staff closure as readers are told it: if it would reopen inside a closed stretch, a copy that reopens when
    the stretch ends. Never saved; anything else comes back as it is."""
    if alert.kind != SiteAlert.Kind.CLOSURE or alert.closes_at is None or alert.reopens_at is None:
        return alert
    stretch = stretch_at(schedule.stretches, alert.reopens_at)
    if stretch is None or stretch.end <= alert.reopens_at:
        return alert
    real = copy.copy(alert)
    real.reopens_at = stretch.end
    return real


def holiday_closures(schedule: ClosureSchedule) -> list[HolidayClosure]:
    """An automatic notice for each closed stretch that no staff closure falls in."""
    notices = []
    previous_end: datetime.datetime | None = None
    for stretch in schedule.stretches:
        posted = any(
            c.closes_at is not None
            and c.reopens_at is not None
            and c.closes_at < stretch.end
            and c.reopens_at > stretch.start
            for c in schedule.closures
        )
        closes_on = stretch.start.astimezone(NZ_TIME).date()
        announce_from = _start_of(closes_on - datetime.timedelta(days=HOLIDAY_NOTICE_DAYS))
        show_from = max(announce_from, previous_end) if previous_end else announce_from
        previous_end = stretch.end
        if not posted:
            notices.append(HolidayClosure(stretch.start, stretch.end, stretch.days, show_from))
    return notices


def staff_alerts_not_over(since: datetime.datetime) -> list[SiteAlert]:
    """Staff alerts that may still show at or after `since`: a closure may reopen later than its own time says."""
    not_ended = Q(show_until__isnull=True) | Q(show_until__gt=since)
    may_be_closed = Q(reopens_at__gt=since - datetime.timedelta(days=LOOK_BACK_DAYS))
    return list(SiteAlert.objects.filter(not_ended & (Q(kind=SiteAlert.Kind.GENERAL) | may_be_closed)))
