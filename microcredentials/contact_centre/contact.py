"""The contact page: regular opening hours, public holidays, whether the centre is open now, and schema.org data.

All times are New Zealand times (Pacific/Auckland); the opening times come from schedule.py, which takes out
public holidays, extra closed days and closures, so the status gives the real reopening time.
"""

import datetime
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from microcredentials.contact_centre.alerts import closures_after
from microcredentials.contact_centre.public_holidays import closed_days as closed_days_between
from microcredentials.contact_centre.public_holidays import public_holidays
from microcredentials.contact_centre.schedule import Closure, opening_periods, status_at
from microcredentials.lib.nztime import NZ_TIME, WEEKDAYS, format_clock, format_day
from microcredentials.models import CONTACT_CENTRE_NAME, ClosedDay, ContactDetails, OpeningHours
from microcredentials.pages.metadata import json_ld_script

# Look this far past the last known closure or closed day for the next opening time.
SEARCH_DAYS_AFTER_CLOSURES = 8
SEARCH_DAYS_LIMIT = 400
NO_CLOSED_DAYS: Mapping[datetime.date, str] = {}


def contact_status(
    now: datetime.datetime,
    hours: Sequence[OpeningHours],
    closures: Sequence[Closure],
    closed_days: Mapping[datetime.date, str] = NO_CLOSED_DAYS,
) -> str:
    """The status at `now`: "Open now, until 5.00pm" or "Closed now, reopening 8.30am Monday 25 September".

    Regular hours less closed days (public holidays, extra closed days) and closures. An opening is described
    like the alerts: "today, …" / "tomorrow, …" / weekday and date, the year only when it is not this year.
    On a closed day the status names it: "Closed now for Matariki, reopening …".
    With no opening in sight (no hours at all, say) it is just "Closed now".
    """
    latest = max([now, *(c.reopens_at for c in closures if c.reopens_at)])
    if closed_days:
        after_last = max(closed_days) + datetime.timedelta(days=1)
        latest = max(latest, datetime.datetime.combine(after_last, datetime.time(), tzinfo=NZ_TIME))
    days = min((latest - now).days + SEARCH_DAYS_AFTER_CLOSURES, SEARCH_DAYS_LIMIT)
    today = now.astimezone(NZ_TIME).date()
    return status_at(now, opening_periods(hours, closures, closed_days, today, days), closed_days)


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


def holidays_row(now: datetime.datetime, hours: Iterable[OpeningHours]) -> tuple[str, str]:
    """The hours table's last row: closed on public holidays, naming the next one the centre would have opened on."""
    today = now.astimezone(NZ_TIME).date()
    open_weekdays = {row.weekday for row in hours}
    coming = public_holidays(today, today + datetime.timedelta(days=SEARCH_DAYS_LIMIT))
    upcoming = ((day, name) for day, name in coming.items() if day.weekday() in open_weekdays)
    day, name = next(upcoming, (None, ""))
    if day is None:
        return ("Public holidays", "Closed on public holidays.")
    if day == today:
        return ("Public holidays", f"Closed on public holidays. Today is {name}.")
    when = format_day(datetime.datetime.combine(day, datetime.time(12), tzinfo=NZ_TIME), now)
    on = "" if when.startswith("tomorrow") else "on "
    return ("Public holidays", f"Closed on public holidays. The next is {name}, {on}{when}.")


def extra_closed_days(now: datetime.datetime) -> list[str]:
    """Staff's coming extra closed days, as the contact page lists them: "Tuesday 29 December (the Christmas break)"."""
    today = now.astimezone(NZ_TIME).date()
    listed = []
    for extra in ClosedDay.objects.filter(day__gte=today)[:10]:
        when = format_day(datetime.datetime.combine(extra.day, datetime.time(12), tzinfo=NZ_TIME), now)
        listed.append(f"{when} ({extra.reason})" if extra.reason else when)
    return listed


def contact_page_context(now: datetime.datetime, page_url: str) -> dict[str, object]:
    """Everything the contact page shows at `now`: a few small queries; the public holidays are worked out."""
    details = ContactDetails.objects.first()
    hours = list(OpeningHours.objects.all())
    today = now.astimezone(NZ_TIME).date()
    closed = closed_days_between(today, today + datetime.timedelta(days=SEARCH_DAYS_LIMIT))
    periods = opening_periods(hours, closures_after(now), closed, today, SEARCH_DAYS_LIMIT)
    return {
        "details": details,
        "contact_name": details.name if details else CONTACT_CENTRE_NAME,
        "phone_href": "tel:" + re.sub(r"[^0-9+]", "", details.phone) if details else "",
        "weekly_hours": [*weekly_hours(hours), holidays_row(now, hours)],
        "extra_closed_days": extra_closed_days(now),
        "status": status_at(now, periods, closed),
        "schema": json_ld_script(contact_schema(details, hours, page_url)),
    }
