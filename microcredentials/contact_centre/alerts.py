"""Which site alerts are live now, what they say in New Zealand time, and who has hidden them.

Everything here is a plain function of (alert, now, cookie), so a page always shows
the alerts and wording that are true at the moment it is rendered. Readers see at most two:
the most urgent closure, first, and the most urgent other notice. A closure is never hidden by a notice.
Closures include the automatic ones for public holidays and extra closed days (holiday_notices.py).
"""

import datetime
import enum
import hashlib
import logging
import re
import time
from collections.abc import Collection
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from careers_site.http import outage
from careers_site.http.outage import DATABASE_DOWN
from careers_site.pagecache.generation import content_generation, generation_get, generation_set
from microcredentials.contact_centre.holiday_notices import (
    HolidayClosure,
    closure_schedule,
    holiday_closures,
    holiday_wording,
    staff_alerts_not_over,
    with_real_reopening,
)
from microcredentials.lib.nztime import NZ_TIME, format_moment, format_time, is_midnight
from microcredentials.models import CONTACT_CENTRE_NAME, SiteAlert
from microcredentials.pages.rendering import sanitise_link_text

logger = logging.getLogger(__name__)

# The dismissal cookie: a few alert keys, newest last, so its size stays bounded.
DISMISSED_COOKIE = settings.ALERT_DISMISS_COOKIE
DISMISSED_MAX_KEYS = 5
DISMISSED_MAX_AGE = 365 * 24 * 60 * 60
KEY_PATTERN = re.compile(r"\A[0-9]{1,18}-[0-9a-f]{12}\Z")
MAX_SHOWN = 2  # a closure and one other notice

# An alert staff posted, or an automatic closure for public holidays and extra closed days.
Notice = SiteAlert | HolidayClosure


@dataclass(frozen=True)
class DisplayedAlert:
    """What the alert template needs: nothing in it depends on anything but (alert, now)."""

    key: str
    level: str  # "information" or "warning": the CSS modifier and icon
    label: str  # the visible text label for the level
    text: SafeString
    extra: SafeString
    is_closure: bool


class AlertStatus(enum.StrEnum):
    """Where an alert stands; the admin's status column shows the value."""

    SCHEDULED = "Scheduled"
    LIVE = "Live"
    EXPIRED = "Expired"
    # A live alert as the admin tells them apart: readers see a closure and one other notice (live_alerts decides).
    SHOWN_NOW = "Shown now"
    NOT_SHOWN = "Live, but not shown: another alert takes priority"


def alert_status(alert: Notice, now: datetime.datetime) -> AlertStatus:
    """Live, scheduled or expired: the rule live_alerts and the admin list both use."""
    if alert.show_from > now:
        return AlertStatus.SCHEDULED
    ended = alert.show_until is not None and alert.show_until <= now
    reopened = alert.kind == SiteAlert.Kind.CLOSURE and (alert.reopens_at is None or alert.reopens_at <= now)
    return AlertStatus.EXPIRED if ended or reopened else AlertStatus.LIVE


def closure_in_progress(alert: Notice, now: datetime.datetime) -> bool:
    """Whether the centre is closed at `now` because of this closure: closes_at <= now < reopens_at."""
    if alert.kind != SiteAlert.Kind.CLOSURE or alert.closes_at is None or alert.reopens_at is None:
        return False
    return alert.closes_at <= now < alert.reopens_at


def closures_after(now: datetime.datetime) -> list[SiteAlert]:
    """Closures not yet over at `now`, shown or not: the contact page's live status needs them all."""
    return list(
        SiteAlert.objects.filter(kind=SiteAlert.Kind.CLOSURE, reopens_at__gt=now, closes_at__isnull=False).order_by(
            "closes_at"
        )
    )


def _closure_sentence(who: str, closes: datetime.datetime, reopens: datetime.datetime, now: datetime.datetime) -> str:
    if now >= reopens:
        return f"{who} reopened at {format_moment(reopens, now)}."
    if now >= closes:
        return f"{who} is now closed until {format_moment(reopens, now)}."
    same_day = closes.astimezone(NZ_TIME).date() == reopens.astimezone(NZ_TIME).date()
    if same_day and not is_midnight(closes):
        return f"{who} will be closed from {format_time(closes)} to {format_moment(reopens, now)}."
    return f"{who} will be closed from {format_moment(closes, now)}, reopening {format_moment(reopens, now)}."


def closure_wording(alert: SiteAlert, now: datetime.datetime) -> SafeString:
    """The closure notice as HTML, worded for the moment `now`, all in Pacific/Auckland time.

    Rules, applied to the New Zealand local time of each moment:
    - Times are written 3.00pm, 8.30am, 12.30pm; noon is "midday", never "12.00pm".
    - Midnight is "midnight", never "12.00am", and belongs to the day it starts: "midnight tonight" when that
      day is tomorrow ("will be closed from midnight tonight, reopening …"), otherwise "midnight at the start
      of Monday 25 September". A closure from midnight is never written "from midnight to 8.00am {day}".
    - A day is "today, Friday 22 September" or "tomorrow, Saturday 23 September" when it is the
      current or next New Zealand calendar day, otherwise "Monday 25 September". The year is added
      ("Monday 8 January 2024") only when it differs from the current New Zealand year.
    - Before it begins: "{who} will be closed from {time} {day}, reopening {time} {day}.";
      if it closes and reopens on the same day: "{who} will be closed from {time} to {time} {day}.".
    - Once it has begun: "{who} is now closed until {time} {day}.".
    - After it has reopened (never shown by live_alert): "{who} reopened at {time} {day}.".
    - {who} defaults to "The Customer Contact Group". With a contact email, a second sentence
      follows: "You can still email us at {email}.", the address a mailto link.
    - Readers are told the real reopening time: a closure that would reopen on a public holiday or an extra
      closed day (or the weekend next to one) is shown reopening when the centre really does
      (holiday_notices.with_real_reopening). Automatic holiday notices follow holiday_notices.holiday_wording.
    Daylight saving needs no special case: each moment is converted on its own, and "today" and
    "tomorrow" compare calendar dates, never 24-hour offsets.
    """
    if alert.closes_at is None or alert.reopens_at is None:
        return SafeString("")
    sentence = _closure_sentence(alert.who.strip() or CONTACT_CENTRE_NAME, alert.closes_at, alert.reopens_at, now)
    if not alert.contact_email:
        return format_html("{}", sentence)
    return format_html(
        '{sentence} You can still email us at <a href="mailto:{email}">{email}</a>.',
        sentence=sentence,
        email=alert.contact_email,
    )


def alert_wording(alert: Notice, now: datetime.datetime) -> SafeString:
    """The alert's main text as readers see it at `now`: a closure's sentence, or a general notice's text."""
    if isinstance(alert, HolidayClosure):
        return holiday_wording(alert, now)
    return closure_wording(alert, now) if alert.kind == SiteAlert.Kind.CLOSURE else alert_text_html(alert.message)


def alert_text_html(text: str) -> SafeString:
    """Editors' plain text with links: only <a href> survives (http, https, mailto, tel); the rest is inert text."""
    return mark_safe(sanitise_link_text(text))  # nh3's output is safe by construction


def dismissal_key(alert: Notice) -> str:
    """The alert's id and a hash of everything that changes its wording, so an edited alert shows again."""
    if isinstance(alert, HolidayClosure):
        return alert.dismissal_key
    moments = [m.astimezone(datetime.UTC).isoformat() if m else "" for m in (alert.closes_at, alert.reopens_at)]
    fields = [alert.kind, str(alert.level), alert.who, *moments, alert.contact_email, alert.extra_text, alert.message]
    digest = hashlib.sha256("\x1f".join(fields).encode()).hexdigest()[:12]
    return f"{alert.pk}-{digest}"


def dismissed_keys(cookie_value: str | None) -> list[str]:
    """The well-formed keys in the dismissal cookie; anything else in it is ignored."""
    keys = [key for key in (cookie_value or "").split(".") if KEY_PATTERN.match(key)]
    return keys[-DISMISSED_MAX_KEYS:]


def add_dismissed_key(cookie_value: str | None, key: str) -> str:
    """The new cookie value with `key` remembered (newest last) and the oldest keys dropped."""
    keys = [existing for existing in dismissed_keys(cookie_value) if existing != key] + [key]
    return ".".join(keys[-DISMISSED_MAX_KEYS:])


def is_valid_key(key: str) -> bool:
    return bool(KEY_PATTERN.match(key))


def displayed_alert(alert: Notice, now: datetime.datetime) -> DisplayedAlert:
    """The alert as the template shows it at `now`."""
    is_closure = alert.kind == SiteAlert.Kind.CLOSURE
    warning = alert.level == SiteAlert.Level.WARNING
    return DisplayedAlert(
        key=dismissal_key(alert),
        level="warning" if warning else "information",
        label="Warning" if warning else "Information",
        text=alert_wording(alert, now),
        extra=alert_text_html(alert.extra_text) if is_closure else SafeString(""),
        is_closure=is_closure,
    )


def current_notices(now: datetime.datetime) -> list[Notice]:
    """Every alert that may show today or later: staff's (closures with their real reopening) and the automatic
    holiday closures. Worked out once per content generation and New Zealand day, so it costs a few queries per
    content change or day, not per request; which of these is live is decided afresh for every request.
    """
    today = now.astimezone(NZ_TIME).date()
    key = f"alert-notices:{content_generation()}:{today.isoformat()}"
    notices: list[Notice] | None = generation_get(key)
    if notices is None:
        start_of_today = datetime.datetime.combine(today, datetime.time(), tzinfo=NZ_TIME)
        schedule = closure_schedule(today)
        staff = [with_real_reopening(alert, schedule) for alert in staff_alerts_not_over(start_of_today)]
        notices = [*staff, *holiday_closures(schedule)]
        notices = [notice for notice in notices if alert_status(notice, start_of_today) is not AlertStatus.EXPIRED]
        generation_set(key, notices, timeout=2 * 24 * 60 * 60)
    return notices


def _urgency(alert: Notice, now: datetime.datetime) -> tuple[int, bool, bool, datetime.datetime, int]:
    """Live alerts rank by this, the most urgent highest: level, then a closure in progress, then one staff posted
    over an automatic one, then the newest.

    Within a level a closure in progress comes first: a later closure announced more recently
    must not hide that the centre is closed right now.
    """
    return (alert.level, closure_in_progress(alert, now), alert.pk is not None, alert.show_from, alert.pk or 0)


def live_alerts(now: datetime.datetime, hidden: Collection[str] = ()) -> list[Notice]:
    """The alerts to show at `now`, at most two: the most urgent closure first, then the most urgent other notice.

    `hidden` holds the dismissal keys of alerts this reader has hidden: the next most urgent of its kind shows
    instead. Live means show_from <= now < show_until (no show_until: until someone ends it), and, for a
    closure, now < reopens_at (alert_status holds the rule). _urgency ranks them.
    """
    live = [alert for alert in current_notices(now) if alert_status(alert, now) is AlertStatus.LIVE]
    if hidden:
        live = [alert for alert in live if dismissal_key(alert) not in hidden]
    closures = [alert for alert in live if alert.kind == SiteAlert.Kind.CLOSURE]
    others = [alert for alert in live if alert.kind != SiteAlert.Kind.CLOSURE]
    chosen = [max(group, key=lambda alert: _urgency(alert, now), default=None) for group in (closures, others)]
    return [alert for alert in chosen if alert is not None][:MAX_SHOWN]


def live_alert(now: datetime.datetime, hidden: Collection[str] = ()) -> Notice | None:
    """The single most urgent live alert, or None: a warning before information, then as _urgency ranks them."""
    return max(live_alerts(now, hidden), key=lambda alert: _urgency(alert, now), default=None)


def reader_status(alert: SiteAlert, now: datetime.datetime) -> AlertStatus:
    """The admin's status: alert_status, with "Live" told apart into the alerts readers see and the rest."""
    as_shown = next((notice for notice in current_notices(now) if notice.pk == alert.pk), alert)
    status = alert_status(as_shown, now)
    if status is not AlertStatus.LIVE:
        return status
    shown = {notice.pk for notice in live_alerts(now) if notice.pk is not None}
    return AlertStatus.SHOWN_NOW if alert.pk in shown else AlertStatus.NOT_SHOWN


# The alert regions worked out in the current whole second, by (generation, dismissal cookie, path): at thousands
# of requests a second, each of a page's requests in the same second asks the same question. A plain dict,
# emptied as the second changes (or if a flood of different paths fills it): cheaper to ask than an LRU.
_region_this_second: dict[tuple[str, str | None, str], str] = {}
_region_second = [0]
MAX_REGIONS_A_SECOND = 256


def site_alert_html(request: HttpRequest) -> str:
    """The alert region for this request: fills the hole every page leaves for it (see careers_site.pagecache).

    Which alert is live is decided once a second: an alert appears and goes within the second it is
    scheduled to. Any change to alerts starts a new generation, so an edit shows at once.
    """
    second = int(time.time())
    if second != _region_second[0] or len(_region_this_second) >= MAX_REGIONS_A_SECOND:
        _region_this_second.clear()
        _region_second[0] = second
    path = request.get_full_path()
    key = (content_generation(), request.COOKIES.get(DISMISSED_COOKIE), path)
    region = _region_this_second.get(key)
    if region is None:
        region = _region_this_second[key] = _alert_region(request, path, timezone.now())
    return region


def _alert_region(request: HttpRequest, path: str, now: datetime.datetime) -> str:
    """The region's HTML, reused within a minute of New Zealand time while each closure stays on the same
    side of its closing time: "today" changes at midnight, and "now closed" in the second the centre
    closes. A database that cannot be read leaves the alerts out, so error pages still render.
    """
    try:
        alerts = live_alerts(now, hidden=dismissed_keys(request.COOKIES.get(DISMISSED_COOKIE)))
    except DATABASE_DOWN as error:
        outage.report.failed(f"site alert left out of {request.path}", error)
        return ""
    except DatabaseError as error:
        logger.warning("Site alert left out: the database could not be read (%s).", error)
        return ""
    if not alerts:
        return ""
    # A closure may begin mid-minute: whether each one has begun is part of the key.
    states = ".".join(f"{dismissal_key(a)}:{'closed' if closure_in_progress(a, now) else 'open'}" for a in alerts)
    key = f"alert-html:{states}:{now:%Y%m%d%H%M}:{hashlib.sha256(path.encode()).hexdigest()[:16]}"
    html: str | None = generation_get(key)  # the key names everything the HTML depends on
    if html is None:  # worded and rendered once a minute per page, not for every request
        context = {"alerts": [displayed_alert(alert, now) for alert in alerts], "next_path": path}
        html = render_to_string("includes/site_alert.html", context, request=request)
        generation_set(key, html, timeout=60)
    return html
