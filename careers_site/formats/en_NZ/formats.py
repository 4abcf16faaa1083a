"""How staff may type dates in forms (Django has no en_NZ locale, and its "en" would read 09/12/2026 as
12 September). Year-month-day comes first: the admin's calendar writes dates that way. Everything else
falls back to Django's "en" formats."""

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
