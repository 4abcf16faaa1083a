"""Dates and times in templates the one way the admin writes them: "5 Dec 2026, 4.10pm" and "5 Dec 2026"."""

import datetime

from django import template

from microcredentials.lib.nztime import format_when, short_date

register = template.Library()


@register.filter
def nz_when(moment: datetime.datetime | None) -> str:
    return format_when(moment) if moment else ""


@register.filter
def nz_date(day: datetime.date | None) -> str:
    return short_date(day) if day else ""
