"""How staff may type dates in forms (Django has no en_NZ locale, and its "en" would read 09/12/2026 as
12 September). Year-month-day comes first: the admin's calendar writes dates that way. Everything else
falls back to Django's "en" formats."""

# How dates read wherever Django formats them (the admin's date fields and filters): "5 Dec 2026". Date and
# time columns use microcredentials.lib.nztime.format_when ("5 Dec 2026, 4.10pm"), which no format string can
# write: Django's "a" gives "p.m.".
DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-12-09
    "%d/%m/%Y",  # 09/12/2026, as New Zealanders write it
    "%d/%m/%y",  # 09/12/26
    "%d %b %Y",  # 9 Dec 2026
    "%d %B %Y",  # 9 December 2026
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%y %H:%M",
]
