from django.conf import settings
from django.http import HttpRequest

from microcredentials.caching import CSRF_MARKER
from microcredentials.footer import footer_links


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "footer_links": footer_links(),
        # A hole that PerRequestFragmentsMiddleware fills with this visitor's token, so pages can be cached.
        "csrf_token": CSRF_MARKER,
    }
