from django.conf import settings
from django.http import HttpRequest

from microcredentials.pages.footer import footer_links


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "footer_links": footer_links(),
    }
