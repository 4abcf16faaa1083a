"""Helpers for the alert and contact tests: New Zealand times and alerts built from them."""

import datetime

from microcredentials.lib.nztime import NZ_TIME
from microcredentials.models import SiteAlert

EMAIL = "help@careers.example.govt.nz"


def nz(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime.datetime:
    """A moment given as New Zealand wall-clock time."""
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=NZ_TIME)


def closure(closes_at: datetime.datetime, reopens_at: datetime.datetime, **fields: object) -> SiteAlert:
    """An unsaved closure alert (enough for wording); save it for display tests."""
    values: dict[str, object] = {
        "kind": SiteAlert.Kind.CLOSURE,
        "closes_at": closes_at,
        "reopens_at": reopens_at,
        "show_from": closes_at - datetime.timedelta(days=3),
    }
    values.update(fields)
    return SiteAlert(**values)


def general(message: str, show_from: datetime.datetime, **fields: object) -> SiteAlert:
    return SiteAlert.objects.create(kind=SiteAlert.Kind.GENERAL, message=message, show_from=show_from, **fields)


def two_closures_on_29_november_2026() -> tuple[SiteAlert, SiteAlert]:
    """The tester's case, on Sunday 29 November 2026: a closure under way since 9.00am, and one announced
    later (a newer show_from) that closes at 11.00pm that night. Saved."""
    under_way = closure(nz(2026, 11, 29, 9), nz(2026, 11, 30, 8, 30), show_from=nz(2026, 11, 27, 9))
    tonight = closure(nz(2026, 11, 29, 23), nz(2026, 12, 18, 8, 30), show_from=nz(2026, 11, 28, 9))
    under_way.save()
    tonight.save()
    return under_way, tonight
