"""The advice page, with the CSS and JavaScript it loads, stays within 15 KB as sent."""

import re

import pytest
from django.conf import settings
from django.test import Client

from microcredentials.models import AdvicePage

BUDGET_BYTES = 15 * 1024


@pytest.mark.django_db
def test_advice_page_and_its_assets_are_under_15_kb_on_the_wire(client: Client, shipped_content: AdvicePage) -> None:
    """Bytes as sent to a browser that accepts brotli and gzip: the page, its stylesheet and its scripts."""
    accepts = {"Accept-Encoding": "br, gzip"}
    page = client.get("/plan-your-career/micro-credentials/", headers=accepts)
    assert page["Content-Encoding"] == "br"
    html = client.get("/plan-your-career/micro-credentials/").content
    assets = re.findall(rb'(?:href|src)="(/static/[^"]+)"', html)
    assert assets, "the page should reference its stylesheet and script"
    total = len(page.content)
    for asset in assets:
        response = client.get(asset.decode(), headers=accepts)
        assert response.status_code == 200
        total += len(b"".join(response.streaming_content) if response.streaming else response.content)  # type: ignore[attr-defined]
    assert total <= BUDGET_BYTES, f"{total} bytes on the wire"


@pytest.mark.django_db
def test_pages_load_no_third_party_resources_or_fonts(client: Client, shipped_content: AdvicePage) -> None:
    html = client.get("/plan-your-career/micro-credentials/").content.decode()
    external_loads = re.findall(r'(?:src|href)="(https?://[^"]+)"[^>]*(?:rel="stylesheet"|defer)', html)
    assert external_loads == []
    assert "@font-face" not in (settings.STATIC_ROOT / "css" / "site.css").read_text()
    assert re.search(r"<script(?![^>]*\bdefer\b)[^>]*\bsrc=", html) is None, "scripts must not block rendering"
