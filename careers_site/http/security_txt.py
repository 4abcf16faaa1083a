"""`/.well-known/security.txt` (RFC 9116): whom to tell about a vulnerability in the site.

The contact comes from DJANGO_SECURITY_CONTACT (an email address, or a mailto: or https: URI); by default it is
security@ the site's own domain, the mailbox RFC 2142 names for this. The file says it expires SECURITY_TXT_DAYS
after the day it is served, so it never goes stale while the site runs (RFC 9116 asks for less than a year).
"""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from careers_site.http.security import read_only

SECURITY_TXT_DAYS = 180
# The file changes once a day (its expiry date), so anyone may keep it for an hour.
SECURITY_TXT_CACHE_CONTROL = "public, max-age=3600"


def security_contact(value: str, site_url: str) -> str:
    """DJANGO_SECURITY_CONTACT as a URI: an email address gains `mailto:`; unset, security@ the site's domain."""
    value = value.strip()
    if not value:
        return f"mailto:security@{urlsplit(site_url).hostname or 'localhost'}"
    if value.startswith(("mailto:", "https://")):
        return value
    return f"mailto:{value}"


def security_txt_lines(now: datetime.datetime) -> list[str]:
    """The fields, in RFC 9116's words. Expires is midnight UTC, SECURITY_TXT_DAYS days after `now`'s day."""
    today = now.astimezone(datetime.UTC).date()
    expires = today + datetime.timedelta(days=SECURITY_TXT_DAYS)
    return [
        f"Contact: {security_contact(settings.SECURITY_CONTACT, settings.SITE_URL)}",
        f"Expires: {expires.isoformat()}T00:00:00Z",
        "Preferred-Languages: en",
        f"Canonical: {settings.SITE_URL}{reverse('security_txt')}",
    ]


@read_only
def security_txt(request: HttpRequest) -> HttpResponse:
    body = "\n".join(security_txt_lines(timezone.now())) + "\n"
    response = HttpResponse(body, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = SECURITY_TXT_CACHE_CONTROL
    return response
