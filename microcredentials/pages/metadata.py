"""What search engines and link previews read: canonical addresses and schema.org JSON-LD."""

import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from microcredentials.models import AdvicePage

# The escapes of Django's json_script: no "<", ">" or "&" can end the script element or start markup.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def absolute_url(path: str) -> str:
    return settings.SITE_URL + path


def json_ld_script(data: dict[str, Any]) -> SafeString:
    """A <script type="application/ld+json"> element, escaped the way Django's json_script filter escapes."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


def breadcrumb_list(crumbs: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": number, "name": crumb["title"], "item": absolute_url(crumb["url"])}
            for number, crumb in enumerate(crumbs, start=1)
        ],
    }


def article(page: AdvicePage, language: str = "en-NZ") -> dict[str, Any]:
    url = absolute_url(page.get_absolute_url())
    data: dict[str, Any] = {
        "@type": "Article",
        "headline": page.title,
        "description": page.summary,
        "url": url,
        "mainEntityOfPage": url,
        "inLanguage": language,
        "dateModified": page.updated_on.isoformat(),
        "publisher": {"@type": "Organization", "name": settings.SITE_NAME, "url": absolute_url(reverse("home"))},
    }
    # Only a scheduled publication time is a known publication date; when the row was created is not.
    if page.publish_at is not None:
        data["datePublished"] = timezone.localtime(page.publish_at).isoformat()
    return data


def page_structured_data(page: AdvicePage, crumbs: list[dict[str, str]], language: str = "en-NZ") -> SafeString:
    graph = [article(page, language), breadcrumb_list(crumbs)]
    return json_ld_script({"@context": "https://schema.org", "@graph": graph})
