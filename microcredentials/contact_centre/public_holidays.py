"""The days the contact centre is closed all day: New Zealand's public holidays and staff's extra closed days.

Public holidays come from the `holidays` package, which knows Mondayisation (a holiday on a weekend observed on
the Monday) and Matariki. The regional anniversary day is added for settings.CONTACT_CENTRE_REGION (a region code
such as WGN); without it only the national holidays count.
"""

import datetime
import functools
import re

import holidays
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from microcredentials.models import ClosedDay

OBSERVED = re.compile(r"\s*\(observed\)\s*$")


@functools.cache
def _holidays_in(year: int, region: str) -> dict[datetime.date, str]:
    """The year's holidays by date, named as readers know them: "Boxing Day", not "Boxing Day (observed)"."""
    try:
        found = holidays.country_holidays("NZ", subdiv=region or None, years=year)
    except NotImplementedError as error:
        choices = ", ".join(code for code in holidays.NZ.subdivisions if len(code) == 3)
        raise ImproperlyConfigured(
            f"CONTACT_CENTRE_REGION must be one of {choices}, or unset; {region!r} is not a New Zealand region."
        ) from error
    return {day: OBSERVED.sub("", name) for day, name in found.items()}


def public_holidays(first: datetime.date, last: datetime.date) -> dict[datetime.date, str]:
    """New Zealand's public holidays from `first` to `last` (both included), with their names."""
    region = settings.CONTACT_CENTRE_REGION
    found: dict[datetime.date, str] = {}
    for year in range(first.year, last.year + 1):
        found.update((day, name) for day, name in _holidays_in(year, region).items() if first <= day <= last)
    return dict(sorted(found.items()))


def closed_days(first: datetime.date, last: datetime.date) -> dict[datetime.date, str]:
    """Public holidays and staff's extra closed days from `first` to `last`: each day with why it is closed.

    The reason is a holiday's name, or what staff typed for an extra closed day (which may be empty).
    A public holiday keeps its own name even if staff also listed the day.
    """
    days = public_holidays(first, last)
    for extra in ClosedDay.objects.filter(day__range=(first, last)):
        days.setdefault(extra.day, extra.reason.strip())
    return dict(sorted(days.items()))
