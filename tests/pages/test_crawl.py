"""A crawl of the public site as `make run` serves it.

From the home page, the search page and every sitemap address, each page answers 200 with exactly one <h1>
and a <title> no other page has, and every link to this site (fragments included) leads somewhere real."""

import html
import re
import xml.etree.ElementTree as ET
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.test import Client

from microcredentials.models import AdvicePage

MAX_PAGES = 200  # far more than the site has: a bound, not a target
HREF = re.compile(r'<a\s[^>]*href="([^"]*)"')
NOT_PAGES = ("/static/", "/media/", f"/{settings.ADMIN_PATH}")
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
Crawl = tuple[dict[str, str], list[tuple[str, str, str]]]  # pages by path; (from page, to path, fragment) links


def sitemap_paths(client: Client) -> list[str]:
    root = ET.fromstring(client.get("/sitemap.xml").content)
    return [urlsplit(loc.text or "").path for loc in root.iterfind("s:url/s:loc", SITEMAP_NS)]


def links_to_this_site(page_path: str, page_html: str) -> list[tuple[str, str]]:
    """(path, fragment) for every link on the page that stays on this site and is not a file or the admin."""
    links = []
    for href in HREF.findall(page_html):
        target = urlsplit(urljoin(page_path, html.unescape(href)))
        if target.scheme in ("", "http") and target.netloc in ("", "testserver") and target.path:
            if not target.path.startswith(NOT_PAGES):
                links.append((target.path, target.fragment))
    return links


def crawl(client: Client) -> Crawl:
    """Every page reached, by path, and each (from page, to path, fragment) link found on the way."""
    pages: dict[str, str] = {}
    files: set[str] = set()
    links: list[tuple[str, str, str]] = []
    to_visit = ["/", "/search/", *sitemap_paths(client)]  # search is reached by a form, not a link
    while to_visit and len(pages) < MAX_PAGES:
        path = to_visit.pop(0)
        if path in pages or path in files:
            continue
        response = client.get(path)
        assert response.status_code == 200, f"{path} answered {response.status_code}"
        if not response["Content-Type"].startswith("text/html"):  # a feed: it exists, and is not a page
            files.add(path)
            continue
        pages[path] = response.content.decode()
        for target, fragment in links_to_this_site(path, pages[path]):
            links.append((path, target, fragment))
            to_visit.append(target)
    return pages, [(source, target, fragment) for source, target, fragment in links if target not in files]


@pytest.fixture
def crawled(client: Client, shipped_content: AdvicePage) -> Crawl:
    return crawl(client)


def test_the_crawl_reaches_every_kind_of_public_page(crawled: Crawl) -> None:
    pages, _ = crawled
    assert {
        "/",
        "/plan-your-career/",
        "/plan-your-career/micro-credentials/",
        "/search/",
        "/contact/",
        "/tools/study-time/",
        "/about-this-site/privacy/",
        "/about-this-site/accessibility/",
        "/about-this-site/copyright/",
    } <= set(pages)


def test_every_page_has_exactly_one_h1(crawled: Crawl) -> None:
    pages, _ = crawled
    counts = {path: len(re.findall(r"<h1[\s>]", page)) for path, page in pages.items()}
    assert {path: count for path, count in counts.items() if count != 1} == {}


def test_every_page_has_a_title_of_its_own(crawled: Crawl) -> None:
    pages, _ = crawled
    titles = {path: re.findall(r"<title>(.*?)</title>", page, re.S) for path, page in pages.items()}
    repeated = {
        path: title for path, title in titles.items() if len(title) != 1 or list(titles.values()).count(title) > 1
    }
    assert repeated == {}


def test_every_link_and_anchor_leads_somewhere(crawled: Crawl) -> None:
    pages, links = crawled
    broken = [
        f"{source} -> {target}#{fragment}"
        for source, target, fragment in links
        if target not in pages or (fragment and f'id="{fragment}"' not in pages[target])
    ]
    assert broken == []
