"""The contact page: regular opening hours, whether the centre is open now, and schema.org data.

All times are New Zealand times (Pacific/Auckland); each day's hours are turned into real
moments on that calendar day, so daylight-saving changes need no special handling.
"""

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from microcredentials.contact_centre.alerts import closures_after
from microcredentials.lib.nztime import NZ_TIME, WEEKDAYS, format_clock, format_day, format_time
from microcredentials.models import CONTACT_CENTRE_NAME, ContactDetails, OpeningHours, SiteAlert
from microcredentials.pages.metadata import json_ld_script

# Look this far past the last known closure for the next opening time.
SEARCH_DAYS_AFTER_CLOSURES = 8
SEARCH_DAYS_LIMIT = 400


@dataclass(frozen=True)
class Period:
    start: datetime.datetime
    end: datetime.datetime


def _regular_periods(hours: Iterable[OpeningHours], first_day: datetime.date, days: int) -> list[Period]:
    by_weekday = {row.weekday: row for row in hours}
    periods = []
    for offset in range(days):
        day = first_day + datetime.timedelta(days=offset)
        row = by_weekday.get(day.weekday())
        if row is not None:
            start = datetime.datetime.combine(day, row.opens, tzinfo=NZ_TIME)
            periods.append(Period(start, datetime.datetime.combine(day, row.closes, tzinfo=NZ_TIME)))
    return periods


def _without_closures(periods: list[Period], closures: Sequence[SiteAlert]) -> list[Period]:
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


def contact_status(now: datetime.datetime, hours: Sequence[OpeningHours], closures: Sequence[SiteAlert]) -> str:
    """The status at `now`: "Open now, until 5.00pm" or "Closed now, reopening 8.30am Monday 25 September".

    Regular hours with any closure taken out. An opening is described like the alerts:
    "today, …" / "tomorrow, …" / weekday and date, the year only when it is not this year.
    With no opening in sight (no hours at all, say) it is just "Closed now".
    """
    latest = max([now, *(c.reopens_at for c in closures if c.reopens_at)])
    days = min((latest - now).days + SEARCH_DAYS_AFTER_CLOSURES, SEARCH_DAYS_LIMIT)
    today = now.astimezone(NZ_TIME).date()
    for period in _without_closures(_regular_periods(hours, today, days), closures):
        if period.end <= now:
            continue
        if period.start <= now:
            return f"Open now, until {format_time(period.end)}"
        return f"Closed now, reopening {format_time(period.start)} {format_day(period.start, now)}"
    return "Closed now"


def weekly_hours(hours: Iterable[OpeningHours]) -> list[tuple[str, str]]:
    """One row per weekday, Monday first: ("Monday", "8.30am to 5.00pm") or ("Saturday", "Closed")."""
    by_weekday = {row.weekday: row for row in hours}
    rows = []
    for number, name in enumerate(WEEKDAYS):
        row = by_weekday.get(number)
        rows.append((name, f"{format_clock(row.opens)} to {format_clock(row.closes)}" if row else "Closed"))
    return rows


def contact_schema(details: ContactDetails | None, hours: Iterable[OpeningHours], page_url: str) -> dict[str, Any]:
    """schema.org data for the contact centre: an organisation, its contact point and its regular hours."""
    contact_point: dict[str, Any] = {
        "@type": "ContactPoint",
        "contactType": "customer service",
        "areaServed": "NZ",
        "availableLanguage": "en-NZ",
        "hoursAvailable": [
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": f"https://schema.org/{WEEKDAYS[row.weekday]}",
                "opens": row.opens.strftime("%H:%M"),
                "closes": row.closes.strftime("%H:%M"),
            }
            for row in hours
        ],
    }
    if details is not None:
        contact_point.update({"email": details.email, "telephone": details.phone})
    name = details.name if details is not None else CONTACT_CENTRE_NAME
    return {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": name,
        "url": page_url,
        "contactPoint": contact_point,
    }


def contact_page_context(now: datetime.datetime, page_url: str) -> dict[str, object]:
    """Everything the contact page shows at `now`: three small queries."""
    details = ContactDetails.objects.first()
    hours = list(OpeningHours.objects.all())
    return {
        "details": details,
        "contact_name": details.name if details else CONTACT_CENTRE_NAME,
        "phone_href": "tel:" + re.sub(r"[^0-9+]", "", details.phone) if details else "",
        "weekly_hours": weekly_hours(hours),
        "status": contact_status(now, hours, closures_after(now)),
        "schema": json_ld_script(contact_schema(details, hours, page_url)),
    }
