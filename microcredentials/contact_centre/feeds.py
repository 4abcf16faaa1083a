"""The alert feeds, for other channels (the phone system, a chatbot, a partner site): /alerts.json and /alerts.atom.

Both list the current and upcoming alerts, the automatic holiday closures included, each worded as readers see
it now, with its start and end in ISO 8601 with New Zealand's offset. Both are public for a short while
(FEED_MAX_AGE) and carry an ETag and a Last-Modified, so a poller gets a 304 while nothing has changed. The body
holds nothing that changes by itself (no "generated at"), so its ETag changes only when an alert or its wording
does. Only the JSON is sent with `Access-Control-Allow-Origin: *`, so a partner site's script can read it.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags
from django.utils.http import http_date

from microcredentials.contact_centre.alerts import (
    AlertStatus,
    Notice,
    alert_status,
    alert_text_html,
    alert_wording,
    current_notices,
    dismissal_key,
)
from microcredentials.contact_centre.holiday_notices import READS_AS, HolidayClosure
from microcredentials.lib.nztime import NZ_TIME, format_date
from microcredentials.models import SiteAlert

FEED_MAX_AGE = 60
# Automatic holiday closures are listed from this many days before they are announced (a week before the
# centre closes): further ahead, the public holidays themselves are no news.
UPCOMING_DAYS = 31
FEED_TITLE = "Contact centre alerts"
FEED_SUBTITLE = (
    "Closures of the Customer Contact Group, public holidays included, and other notices shown on every page "
    "of the careers advice site. Times are New Zealand times."
)


@dataclass(frozen=True)
class FeedItem:
    id: str
    kind: str
    automatic: bool
    level: str
    status: str
    title: str
    html: str
    start: datetime.datetime
    end: datetime.datetime | None
    closes_at: datetime.datetime | None
    reopens_at: datetime.datetime | None
    days_closed: tuple[tuple[datetime.date, str], ...]
    updated: datetime.datetime

    @property
    def text(self) -> str:
        return " ".join(strip_tags(self.html).split())


def _end(notice: Notice) -> datetime.datetime | None:
    if notice.kind == SiteAlert.Kind.CLOSURE and notice.reopens_at:
        return min(notice.reopens_at, notice.show_until) if notice.show_until else notice.reopens_at
    return notice.show_until


def _title(notice: Notice) -> str:
    if isinstance(notice, HolidayClosure):
        reasons = list(dict.fromkeys(READS_AS.get(reason, reason) for _, reason in notice.days if reason))
        closed_on = format_date(notice.days[0][0])
        return f"Closed for {' and '.join(reasons)}" if reasons else f"Closed on {closed_on}"
    return str(notice)


def _item(notice: Notice, now: datetime.datetime, last_changed: datetime.datetime) -> FeedItem:
    html = str(alert_wording(notice, now))
    if notice.kind == SiteAlert.Kind.CLOSURE and notice.extra_text:
        html += f" {alert_text_html(notice.extra_text)}"
    automatic = isinstance(notice, HolidayClosure)
    # When the entry last changed, never later than now: the body must not change from one request to the next.
    if isinstance(notice, HolidayClosure):
        updated = notice.show_from if notice.show_from <= now else last_changed
    else:
        updated = min(max(notice.modified_at, notice.show_from), last_changed)
    return FeedItem(
        id=f"holiday-{notice.days[0][0].isoformat()}" if isinstance(notice, HolidayClosure) else f"alert-{notice.pk}",
        kind=str(notice.kind),
        automatic=automatic,
        level="warning" if notice.level == SiteAlert.Level.WARNING else "information",
        status="live" if alert_status(notice, now) is AlertStatus.LIVE else "scheduled",
        title=_title(notice),
        html=html,
        start=notice.show_from,
        end=_end(notice),
        closes_at=notice.closes_at,
        reopens_at=notice.reopens_at,
        days_closed=notice.days if isinstance(notice, HolidayClosure) else (),
        updated=updated.astimezone(NZ_TIME),
    )


def feed_items(now: datetime.datetime) -> tuple[list[FeedItem], datetime.datetime]:
    """The live and scheduled alerts, soonest first, and when the feed last changed (at most `now`): the latest
    edit, start, closing or end among them and the alerts over since midnight, or midnight itself ("today")."""
    notices = current_notices(now)  # as at midnight: those that ended since are still in it
    horizon = now + datetime.timedelta(days=UPCOMING_DAYS)
    listed = [
        notice
        for notice in notices
        if alert_status(notice, now) is not AlertStatus.EXPIRED
        and (isinstance(notice, SiteAlert) or notice.show_from <= horizon)
    ]
    listed.sort(key=lambda notice: (notice.closes_at or notice.show_from, notice.show_from, dismissal_key(notice)))
    midnight = datetime.datetime.combine(now.astimezone(NZ_TIME).date(), datetime.time(), tzinfo=NZ_TIME)
    moments: list[datetime.datetime | None] = [midnight]
    for notice in notices:
        moments += [notice.show_from, notice.closes_at, _end(notice)]
        if isinstance(notice, SiteAlert):
            moments.append(notice.modified_at)
    last_changed = max(moment for moment in moments if moment is not None and moment <= now).astimezone(NZ_TIME)
    return [_item(notice, now, last_changed) for notice in listed], last_changed


def _iso(moment: datetime.datetime | None) -> str | None:
    return moment.astimezone(NZ_TIME).isoformat() if moment else None


def _json_item(item: FeedItem, site_url: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": item.id,
        "kind": item.kind,
        "automatic": item.automatic,
        "level": item.level,
        "status": item.status,
        "title": item.title,
        "text": item.text,
        "html": item.html,
        "start": _iso(item.start),
        "end": _iso(item.end),
    }
    if item.kind == SiteAlert.Kind.CLOSURE:
        data.update({"closes_at": _iso(item.closes_at), "reopens_at": _iso(item.reopens_at)})
        data["days_closed"] = [{"date": day.isoformat(), "reason": reason} for day, reason in item.days_closed]
        data["url"] = site_url + reverse("contact")
    return data


def _cacheable(request: HttpRequest, response: HttpResponse, last_changed: datetime.datetime) -> HttpResponseBase:
    """Public for FEED_MAX_AGE, with an ETag of the body and a Last-Modified; 304 when the poller is up to date."""
    etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
    last_modified = int(last_changed.timestamp())
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = f"public, max-age={FEED_MAX_AGE}"
    answer = get_conditional_response(request, etag=etag, last_modified=last_modified, response=response)
    return answer if answer is not None else response


def alerts_json(request: HttpRequest) -> HttpResponseBase:
    items, last_changed = feed_items(timezone.now())
    body = {
        "title": FEED_TITLE,
        "description": FEED_SUBTITLE,
        "time_zone": "Pacific/Auckland",
        "alerts": [_json_item(item, settings.SITE_URL) for item in items],
    }
    content = json.dumps(body, ensure_ascii=False, indent=2) + "\n"
    response = _cacheable(request, HttpResponse(content, content_type="application/json"), last_changed)
    if request.method == "GET":  # for partner sites' scripts: the JSON only, and only to read
        response["Access-Control-Allow-Origin"] = "*"
    return response


class _AlertsAtom1Feed(Atom1Feed):
    def latest_post_date(self) -> datetime.datetime:
        """The feed's <updated>: when it last changed, not the time of the request, even with no entries."""
        last_changed: datetime.datetime = self.feed["last_changed"]
        return last_changed


class AlertsFeed(Feed):  # type: ignore[type-arg]
    feed_type = _AlertsAtom1Feed
    title = FEED_TITLE
    subtitle = FEED_SUBTITLE
    description = FEED_SUBTITLE

    def __init__(self, items: list[FeedItem], last_changed: datetime.datetime) -> None:
        super().__init__()
        self._items, self._last_changed = items, last_changed

    def link(self) -> str:
        return reverse("contact")

    def feed_url(self) -> str:
        return reverse("alerts_atom")

    def feed_guid(self) -> str:
        return settings.SITE_URL + reverse("alerts_atom")

    def feed_extra_kwargs(self, obj: object) -> dict[str, Any]:
        return {"last_changed": self._last_changed}

    def items(self) -> list[FeedItem]:
        return self._items

    def item_title(self, item: FeedItem) -> str:
        return item.title

    def item_description(self, item: FeedItem) -> str:
        return item.html

    def item_link(self, item: FeedItem) -> str:
        return (
            f"{reverse('contact')}#{item.id}" if item.kind == SiteAlert.Kind.CLOSURE else f"{reverse('home')}#{item.id}"
        )

    def item_guid(self, item: FeedItem) -> str:
        return f"{settings.SITE_URL}{reverse('alerts_atom')}#{item.id}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: FeedItem) -> datetime.datetime:
        return item.start

    def item_updateddate(self, item: FeedItem) -> datetime.datetime:
        return item.updated

    def item_categories(self, item: FeedItem) -> list[str]:
        return [item.kind, item.level, item.status]


def alerts_atom(request: HttpRequest) -> HttpResponseBase:
    items, last_changed = feed_items(timezone.now())
    response = AlertsFeed(items, last_changed)(request)
    return _cacheable(request, response, last_changed)
