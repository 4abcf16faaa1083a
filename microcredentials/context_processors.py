from django.conf import settings
from django.http import HttpRequest

from microcredentials.caching import CSRF_MARKER


def site(request: HttpRequest) -> dict[str, str]:
    return {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        # A hole that PerRequestFragmentsMiddleware fills with this visitor's token, so pages can be cached.
        "csrf_token": CSRF_MARKER,
    }
