"""What search engines and link previews read: canonical links, meta tags, JSON-LD, sitemap.xml, robots.txt."""

import datetime
import json
import re
import xml.etree.ElementTree as ET
import zoneinfo
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone
from django.utils.http import parse_http_date

from microcredentials.models import AdvicePage, Topic
from microcredentials.pages.metadata import json_ld_script

PAGE_URL = "/plan-your-career/micro-credentials/"
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def json_ld(html: str) -> Any:
    [text] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(text)


@pytest.mark.django_db
def test_advice_page_has_canonical_description_and_social_tags(client: Client, shipped_content: AdvicePage) -> None:
    html = client.get(PAGE_URL).content.decode()
    canonical = f"{settings.SITE_URL}{PAGE_URL}"
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert '<meta name="description" content="Micro-credentials are short, focused courses' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="Micro-credentials">' in html
    assert f'<meta property="og:url" content="{canonical}">' in html
    assert '<meta property="og:description" content="Micro-credentials are short' in html
    assert '<meta property="article:modified_time" content="2026-11-28">' in html
    assert '<meta name="twitter:card" content="summary">' in html
    assert '<meta name="twitter:title" content="Micro-credentials">' in html


@pytest.mark.django_db
def test_json_ld_describes_the_article_and_breadcrumbs(client: Client, shipped_content: AdvicePage) -> None:
    data = json_ld(client.get(PAGE_URL).content.decode())
    assert data["@context"] == "https://schema.org"
    article, breadcrumbs = data["@graph"]
    assert article["@type"] == "Article"
    assert article["headline"] == "Micro-credentials"
    assert article["dateModified"] == "2026-11-28"
    assert "datePublished" not in article  # no known publication date for a page published at once
    assert article["publisher"] == {"@type": "Organization", "name": "Careers advice", "url": f"{settings.SITE_URL}/"}
    assert article["mainEntityOfPage"] == f"{settings.SITE_URL}{PAGE_URL}"
    assert breadcrumbs["@type"] == "BreadcrumbList"
    assert [(item["position"], item["name"], item["item"]) for item in breadcrumbs["itemListElement"]] == [
        (1, "Home", f"{settings.SITE_URL}/"),
        (2, "Plan your career", f"{settings.SITE_URL}/plan-your-career/"),
        (3, "Micro-credentials", f"{settings.SITE_URL}{PAGE_URL}"),
    ]


@pytest.mark.django_db
def test_json_ld_gives_a_scheduled_publication_date_in_new_zealand_time(
    client: Client, make_page: Callable[..., AdvicePage]
) -> None:
    make_page(
        publish_at=datetime.datetime(2025, 1, 31, 20, 0, tzinfo=datetime.UTC), updated_on=datetime.date(2025, 2, 3)
    )
    article = json_ld(client.get("/find-a-job/write-a-cv/").content.decode())["@graph"][0]
    assert article["datePublished"] == "2025-02-01T09:00:00+13:00"
    assert article["dateModified"] == "2025-02-03"


@pytest.mark.django_db
def test_json_ld_cannot_be_broken_out_of(client: Client, make_page: Callable[..., AdvicePage]) -> None:
    title = "</script><script>alert(1)</script> & <!-- Māori"
    make_page(title=title)
    html = client.get("/find-a-job/write-a-cv/").content.decode()
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert script and "<" not in script.group(1) and ">" not in script.group(1) and "&" not in script.group(1)
    assert json.loads(script.group(1))["@graph"][0]["headline"] == title


def test_json_ld_script_escapes_like_json_script() -> None:
    assert json_ld_script({"a": "<b>&</b>"}) == (
        '<script type="application/ld+json">{"a": "\\u003Cb\\u003E\\u0026\\u003C/b\\u003E"}</script>'
    )


@pytest.mark.django_db
def test_home_and_topic_have_canonical_links(client: Client, shipped_content: AdvicePage) -> None:
    assert f'<link rel="canonical" href="{settings.SITE_URL}/">' in client.get("/").content.decode()
    topic_html = client.get("/plan-your-career/").content.decode()
    assert f'<link rel="canonical" href="{settings.SITE_URL}/plan-your-career/">' in topic_html


@pytest.mark.django_db
def test_sitemap_lists_exactly_the_live_pages_the_topics_and_the_tools(
    client: Client, shipped_content: AdvicePage, make_page: Callable[..., AdvicePage]
) -> None:
    make_page(slug="live", updated_on=datetime.date(2024, 5, 6))
    make_page(slug="draft", status=AdvicePage.Status.DRAFT)
    make_page(slug="scheduled", publish_at=timezone.now() + datetime.timedelta(hours=2))
    Topic.objects.create(title="Empty topic", slug="empty", order=9)
    response = client.get("/sitemap.xml", HTTP_HOST="localhost")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    root = ET.fromstring(response.content)
    entries = {
        url.findtext("s:loc", namespaces=SITEMAP_NS): url.findtext("s:lastmod", namespaces=SITEMAP_NS)
        for url in root.findall("s:url", SITEMAP_NS)
    }
    site = settings.SITE_URL  # whatever host the request came in on
    footer_pages = {
        page.get_absolute_url(): page.updated_on.isoformat()
        for page in AdvicePage.objects.filter(topic__slug="about-this-site").select_related("topic")
    }
    assert len(footer_pages) == 3  # privacy, accessibility, copyright and re-use
    assert entries == {
        f"{site}/": "2026-11-28",
        f"{site}/plan-your-career/": "2026-11-28",
        f"{site}/find-a-job/": "2024-05-06",
        f"{site}/empty/": None,
        f"{site}{PAGE_URL}": "2026-11-28",
        f"{site}/find-a-job/live/": "2024-05-06",
        # Reached from the footer, so not on the home page, nor in its date.
        f"{site}/about-this-site/": max(footer_pages.values()),
        **{f"{site}{url}": updated_on for url, updated_on in footer_pages.items()},
        f"{site}/contact/": None,
        f"{site}/tools/study-time/": None,
    }
    live_pages = {f"{site}{page.get_absolute_url()}" for page in AdvicePage.objects.live().select_related("topic")}
    assert {loc for loc in entries if loc and loc.count("/") == 5} - {f"{site}/tools/study-time/"} == live_pages


@pytest.mark.django_db
def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out(client: Client) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().splitlines() == [
        "User-agent: *",
        f"Disallow: /{settings.ADMIN_PATH}",
        "Disallow: /search/",
        "Disallow: /feedback/",
        "",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("reader", ["client", "admin_client"])  # staff get a fresh sitemap, not the cached one
def test_sitemap_is_never_dated_in_the_future(
    request: pytest.FixtureRequest, make_page: Callable[..., AdvicePage], reader: str
) -> None:
    # 9.00am on 6 May in New Zealand is still 5 May in UTC: a page updated "today" was not updated in UTC's future.
    morning_in_nz = datetime.datetime(2024, 5, 6, 9, tzinfo=zoneinfo.ZoneInfo("Pacific/Auckland"))
    with time_machine.travel(morning_in_nz, tick=False):
        make_page(slug="updated-today", updated_on=datetime.date(2024, 5, 6))
        response = request.getfixturevalue(reader).get("/sitemap.xml")
    assert "<lastmod>2024-05-06</lastmod>" in response.content.decode()
    if "Last-Modified" in response:  # the page cache's, for readers; none for staff
        assert parse_http_date(response["Last-Modified"]) <= morning_in_nz.timestamp()
    assert reader == "admin_client" or "Last-Modified" in response


@pytest.mark.django_db  # every reader request first checks whether a scheduled change is due
def test_favicon_ico_leads_to_the_site_s_icon(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 302  # not 301: browsers would keep an old hashed name for good
    assert re.fullmatch(r"/static/img/favicon\.[0-9a-f]{12}\.svg", response["Location"])
    assert client.get(response["Location"]).status_code == 200
