"""How an alert reads over time, for staff before it goes live: now, and at each moment its wording changes.

The admin's change form shows this for the form as typed (the "Preview" button, or the form's script as staff
type); it is worked out by the same functions that word the alert for readers, so it is exactly what they see.
"""

import datetime
from dataclasses import dataclass

from django.utils.safestring import SafeString

from microcredentials.contact_centre.alerts import (
    AlertStatus,
    Notice,
    alert_status,
    alert_text_html,
    alert_wording,
)
from microcredentials.contact_centre.holiday_notices import closure_schedule, with_real_reopening
from microcredentials.lib.nztime import NZ_TIME, format_moment
from microcredentials.models import SiteAlert

# Wording changes at most at a few midnights ("tomorrow", "today"), but a long closure is looked at to its end.
MAX_DAYS = 400


@dataclass(frozen=True)
class PreviewPoint:
    """What readers see from one moment on: the alert's text, or a note that it is not shown."""

    when: str  # "Now", or "From midnight tonight", "From 3.00pm Friday 18 December, when the centre closes"
    shown: bool
    text: SafeString | str
    extra: SafeString


def as_readers_see_it(alert: SiteAlert) -> SiteAlert:
    """The alert with its real reopening time, worked out with the other saved closures and this one as typed."""
    if alert.kind != SiteAlert.Kind.CLOSURE or alert.closes_at is None or alert.reopens_at is None:
        return alert
    around = alert.closes_at.astimezone(NZ_TIME).date()
    others = SiteAlert.objects.filter(kind=SiteAlert.Kind.CLOSURE, closes_at__isnull=False, reopens_at__isnull=False)
    closures = [*others.exclude(pk=alert.pk), alert] if alert.pk else [*others, alert]
    return with_real_reopening(alert, closure_schedule(around, closures))


def _seen_at(alert: Notice, moment: datetime.datetime) -> tuple[bool, SafeString | str, SafeString]:
    status = alert_status(alert, moment)
    if status is AlertStatus.SCHEDULED:
        return False, "Not shown yet.", SafeString("")
    if status is AlertStatus.EXPIRED:
        return False, "Not shown: the time to show it has passed.", SafeString("")
    extra = alert_text_html(alert.extra_text) if alert.kind == SiteAlert.Kind.CLOSURE else SafeString("")
    return True, alert_wording(alert, moment), extra


def _changes(alert: Notice, now: datetime.datetime) -> list[tuple[datetime.datetime, str]]:
    """The moments after `now` at which the wording might change, each with why."""
    end = alert.show_until
    if alert.kind == SiteAlert.Kind.CLOSURE and alert.reopens_at and (end is None or alert.reopens_at < end):
        end = alert.reopens_at
    moments = [(alert.show_from, ", when it starts showing")]
    if alert.kind == SiteAlert.Kind.CLOSURE and alert.closes_at:
        moments.append((alert.closes_at, ", when the centre closes"))
    if end is not None:
        moments.append((end, ", when it stops showing"))
    day = max(now, alert.show_from).astimezone(NZ_TIME).date()
    last = (end or now).astimezone(NZ_TIME).date()
    for _ in range(MAX_DAYS):
        day += datetime.timedelta(days=1)
        if day > last:
            break
        moments.append((datetime.datetime.combine(day, datetime.time(), tzinfo=NZ_TIME), ""))
    return sorted((moment, why) for moment, why in moments if moment > now)


def wording_timeline(alert: Notice, now: datetime.datetime) -> list[PreviewPoint]:
    """What readers see now, then at each moment the wording changes: when it starts showing, at midnight ("today"
    and "tomorrow"), when the centre closes, and when it stops showing. Moments that change nothing are left out."""
    shown, text, extra = _seen_at(alert, now)
    points = [PreviewPoint("Now", shown, text, extra)]
    for moment, why in _changes(alert, now):
        shown, text, extra = _seen_at(alert, moment)
        if not shown and not points[-1].shown:
            continue
        if (shown, str(text), str(extra)) == (points[-1].shown, str(points[-1].text), str(points[-1].extra)):
            continue
        if not shown:
            text = "No longer shown."
        points.append(PreviewPoint(f"From {format_moment(moment, now)}{why}", shown, text, extra))
    return points
