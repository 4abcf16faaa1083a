"""The advice page, with the CSS and JavaScript it loads, stays within 15 KB compressed."""

import gzip
import re

import pytest
from django.conf import settings
from django.test import Client

from microcredentials.models import AdvicePage

BUDGET_BYTES = 15 * 1024


def served_size(asset: str) -> int:
    """Bytes whitenoise sends: the .gz file collectstatic wrote, or the file itself when compressing did not pay."""
    original = settings.STATIC_ROOT / asset
    gzipped = original.with_name(original.name + ".gz")
    return (gzipped if gzipped.exists() else original).stat().st_size


@pytest.mark.django_db
def test_advice_page_and_its_assets_are_under_15_kb_compressed(client: Client, shipped_content: AdvicePage) -> None:
    html = client.get("/plan-your-career/micro-credentials/").content
    assets = re.findall(rb'(?:href|src)="/static/([^"]+)"', html)
    assert assets, "the page should reference its stylesheet and script"
    total = len(gzip.compress(html))
    for asset in assets:
        total += served_size(asset.decode())
    assert total <= BUDGET_BYTES, f"{total} bytes compressed"


@pytest.mark.django_db
def test_pages_load_no_third_party_resources_or_fonts(client: Client, shipped_content: AdvicePage) -> None:
    html = client.get("/plan-your-career/micro-credentials/").content.decode()
    external_loads = re.findall(r'(?:src|href)="(https?://[^"]+)"[^>]*(?:rel="stylesheet"|defer)', html)
    assert external_loads == []
    assert "@font-face" not in (settings.STATIC_ROOT / "css" / "site.css").read_text()
    assert re.search(r"<script(?![^>]*\bdefer\b)[^>]*\bsrc=", html) is None, "scripts must not block rendering"
