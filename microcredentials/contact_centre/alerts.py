"""Which site alert is live now, what it says in New Zealand time, and who has hidden it.

Everything here is a plain function of (alert, now, cookie), so a page always shows
the alert and wording that are true at the moment it is rendered.
"""

import datetime
import enum
import hashlib
import logging
import re
from collections.abc import Collection
from dataclasses import dataclass

from cachetools import LRUCache
from django.conf import settings
from django.db import DatabaseError
from django.db.models import Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from careers_site.http import outage
from careers_site.http.outage import DATABASE_DOWN
from careers_site.pagecache.generation import content_generation, generation_get, generation_set
from microcredentials.lib.nztime import NZ_TIME, format_moment, format_time
from microcredentials.models import CONTACT_CENTRE_NAME, SiteAlert
from microcredentials.pages.rendering import sanitise_link_text

logger = logging.getLogger(__name__)

# The dismissal cookie: a few alert keys, newest last, so its size stays bounded.
DISMISSED_COOKIE = settings.ALERT_DISMISS_COOKIE
DISMISSED_MAX_KEYS = 5
DISMISSED_MAX_AGE = 365 * 24 * 60 * 60
KEY_PATTERN = re.compile(r"\A[0-9]{1,18}-[0-9a-f]{12}\Z")


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
    # A live alert as the admin tells them apart: readers see one alert at a time (live_alert decides which).
    SHOWN_NOW = "Shown now"
    NOT_SHOWN = "Live, but not shown: another alert takes priority"


def alert_status(alert: SiteAlert, now: datetime.datetime) -> AlertStatus:
    """Live, scheduled or expired: the rule live_alert and the admin list both use."""
    if alert.show_from > now:
        return AlertStatus.SCHEDULED
    ended = alert.show_until is not None and alert.show_until <= now
    reopened = alert.kind == SiteAlert.Kind.CLOSURE and (alert.reopens_at is None or alert.reopens_at <= now)
    return AlertStatus.EXPIRED if ended or reopened else AlertStatus.LIVE


def closure_in_progress(alert: SiteAlert, now: datetime.datetime) -> bool:
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
    if closes.astimezone(NZ_TIME).date() == reopens.astimezone(NZ_TIME).date():
        return f"{who} will be closed from {format_time(closes)} to {format_moment(reopens, now)}."
    return f"{who} will be closed from {format_moment(closes, now)}, reopening {format_moment(reopens, now)}."


def closure_wording(alert: SiteAlert, now: datetime.datetime) -> SafeString:
    """The closure notice as HTML, worded for the moment `now`, all in Pacific/Auckland time.

    Rules, applied to the New Zealand local time of each moment:
    - Times are written 3.00pm, 8.30am; noon is 12.00pm and midnight is 12.00am (of the day it starts).
    - A day is "today, Friday 22 September" or "tomorrow, Saturday 23 September" when it is the
      current or next New Zealand calendar day, otherwise "Monday 25 September". The year is added
      ("Monday 8 January 2024") only when it differs from the current New Zealand year.
    - Before it begins: "{who} will be closed from {time} {day}, reopening {time} {day}.";
      if it closes and reopens on the same day: "{who} will be closed from {time} to {time} {day}.".
    - Once it has begun: "{who} is now closed until {time} {day}.".
    - After it has reopened (never shown by live_alert): "{who} reopened at {time} {day}.".
    - {who} defaults to "The Customer Contact Group". With a contact email, a second sentence
      follows: "You can still email us at {email}.", the address a mailto link.
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


def alert_wording(alert: SiteAlert, now: datetime.datetime) -> SafeString:
    """The alert's main text as readers see it at `now`: a closure's sentence, or a general notice's text."""
    return closure_wording(alert, now) if alert.kind == SiteAlert.Kind.CLOSURE else alert_text_html(alert.message)


def alert_text_html(text: str) -> SafeString:
    """Editors' plain text with links: only <a href> survives (http, https, mailto, tel); the rest is inert text."""
    return mark_safe(sanitise_link_text(text))  # nh3's output is safe by construction


def dismissal_key(alert: SiteAlert) -> str:
    """The alert's id and a hash of everything that changes its wording, so an edited alert shows again."""
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


def displayed_alert(alert: SiteAlert, now: datetime.datetime) -> DisplayedAlert:
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


def _alerts_not_over(now: datetime.datetime) -> list[SiteAlert]:
    """Live and scheduled alerts, cached per content generation.

    Any change to an alert starts a new generation, and which of these is live is
    decided afresh for every request, so the list never needs a timed expiry.
    """
    key = f"alerts-not-over:{content_generation()}"
    alerts: list[SiteAlert] | None = generation_get(key)
    if alerts is None:
        not_ended = Q(show_until__isnull=True) | Q(show_until__gt=now)
        not_reopened = Q(kind=SiteAlert.Kind.GENERAL) | Q(reopens_at__gt=now)
        alerts = list(SiteAlert.objects.filter(not_ended & not_reopened))
        generation_set(key, alerts, timeout=None)
    return alerts


def _urgency(alert: SiteAlert, now: datetime.datetime) -> tuple[int, bool, datetime.datetime, int]:
    """Live alerts rank by this, the most urgent highest: level, then a closure in progress, then the newest.

    Within a level a closure in progress comes first: a later closure announced more recently
    must not hide that the centre is closed right now.
    """
    return (alert.level, closure_in_progress(alert, now), alert.show_from, alert.pk)


def live_alert(now: datetime.datetime, hidden: Collection[str] = ()) -> SiteAlert | None:
    """The one alert to show at `now`, or None: the site and the admin's status both ask this.

    `hidden` holds the dismissal keys of alerts this reader has hidden: the next most urgent shows instead.

    Live means show_from <= now < show_until (no show_until: until someone ends it),
    and, for a closure, now < reopens_at (alert_status holds the rule). Of the live
    alerts the most urgent wins (_urgency holds the rule), then the most recently created.
    Chosen from the cached list of alerts not over yet, so it costs one query per content
    change, not one per request.
    """
    live = [alert for alert in _alerts_not_over(now) if alert_status(alert, now) is AlertStatus.LIVE]
    if hidden:
        live = [alert for alert in live if dismissal_key(alert) not in hidden]
    return max(live, key=lambda alert: _urgency(alert, now), default=None)


def reader_status(alert: SiteAlert, now: datetime.datetime) -> AlertStatus:
    """The admin's status: alert_status, with "Live" told apart into the one alert readers see and the rest."""
    status = alert_status(alert, now)
    if status is not AlertStatus.LIVE:
        return status
    shown = live_alert(now)
    return AlertStatus.SHOWN_NOW if shown is not None and shown.pk == alert.pk else AlertStatus.NOT_SHOWN


# The alert region as worked out for a (generation, whole second, dismissal cookie, path): at thousands of
# requests a second, each of a page's requests in the same second asks the same question.
_region_this_second: LRUCache[tuple[str, int, str | None, str], str] = LRUCache(maxsize=256)


def site_alert_html(request: HttpRequest) -> str:
    """The alert region for this request: fills the hole every page leaves for it (see careers_site.pagecache).

    Which alert is live is decided once a second: an alert appears and goes within the second it is
    scheduled to. Any change to alerts starts a new generation, so an edit shows at once.
    """
    now = timezone.now()
    path = request.get_full_path()
    key = (content_generation(), int(now.timestamp()), request.COOKIES.get(DISMISSED_COOKIE), path)
    region = _region_this_second.get(key)
    if region is None:
        region = _region_this_second[key] = _alert_region(request, path, now)
    return region


def _alert_region(request: HttpRequest, path: str, now: datetime.datetime) -> str:
    """The region's HTML, reused within a minute of New Zealand time while a closure stays on the same
    side of its closing time: "today" changes at midnight, and "now closed" in the second the centre
    closes. A database that cannot be read leaves the alert out, so error pages still render.
    """
    try:
        alert = live_alert(now, hidden=dismissed_keys(request.COOKIES.get(DISMISSED_COOKIE)))
    except DATABASE_DOWN as error:
        outage.report.failed(f"site alert left out of {request.path}", error)
        return ""
    except DatabaseError as error:
        logger.warning("Site alert left out: the database could not be read (%s).", error)
        return ""
    if alert is None:
        return ""
    alert_key = dismissal_key(alert)
    closed = "closed" if closure_in_progress(alert, now) else "open"  # a closure may begin mid-minute
    key = f"alert-html:{alert_key}:{now:%Y%m%d%H%M}:{closed}:{hashlib.sha256(path.encode()).hexdigest()[:16]}"
    html: str | None = generation_get(key)  # the key names everything the HTML depends on
    if html is None:  # worded and rendered once a minute per page, not for every request
        context = {"alert": displayed_alert(alert, now), "next_path": path}
        html = render_to_string("includes/site_alert.html", context, request=request)
        generation_set(key, html, timeout=60)
    return html
