"""The public pages: home, topic, advice page, 404, and who may see drafts."""

import datetime
import re
from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from microcredentials.models import AdvicePage

ADVICE_URL = "/plan-your-career/micro-credentials/"


@pytest.mark.django_db
def test_advice_page_shows_title_summary_updated_date_and_contents(client: Client, shipped_content: AdvicePage) -> None:
    response = client.get(ADVICE_URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Micro-credentials</h1>" in html
    assert 'Updated <time datetime="2026-11-28">28 Nov 2026</time>' in html
    assert 'aria-labelledby="contents-heading"' in html
    assert '<a href="#how-long-a-micro-credential-takes">How long a micro-credential takes</a>' in html


@pytest.mark.django_db
def test_draft_and_future_pages_are_404_for_the_public(client: Client, make_page: Callable[..., AdvicePage]) -> None:
    make_page(slug="draft", status=AdvicePage.Status.DRAFT)
    make_page(slug="future", publish_at=timezone.now() + datetime.timedelta(hours=1))
    assert client.get("/find-a-job/draft/").status_code == 404
    assert client.get("/find-a-job/future/").status_code == 404
    assert client.get("/find-a-job/").content.decode().count("Write a CV") == 0


@pytest.mark.django_db
def test_unknown_page_gets_the_site_404(client: Client, shipped_content: AdvicePage) -> None:
    response = client.get("/plan-your-career/no-such-page/")
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", ADVICE_URL, "/search/?q=credits", "/no-such-page/"])
def test_every_page_footer_links_to_the_privacy_accessibility_and_copyright_statements(
    client: Client, shipped_content: AdvicePage, url: str
) -> None:
    footer = client.get(url).content.decode().split('<footer class="site-footer">')[1]
    links = re.findall(r'<a href="(/about-this-site/[^"]+)">([^<]+)</a>', footer)
    assert links == [
        ("/about-this-site/privacy/", "Privacy"),
        ("/about-this-site/accessibility/", "Accessibility"),
        ("/about-this-site/copyright/", "Copyright and re-use"),
    ]
    for href, title in links:
        statement = client.get(href)
        assert statement.status_code == 200
        assert f"<h1>{title}</h1>" in statement.content.decode()


@pytest.mark.django_db
def test_the_statements_are_not_listed_on_the_home_page_but_on_their_topic_page(
    client: Client, shipped_content: AdvicePage
) -> None:
    main = client.get("/").content.decode().split("<main")[1].split("</main>")[0]
    assert "Micro-credentials" in main
    assert "About this site" not in main and "/about-this-site/" not in main
    topic_page = client.get("/about-this-site/").content.decode()
    assert '<a href="/about-this-site/privacy/">Privacy</a>' in topic_page


@pytest.mark.django_db
def test_the_privacy_statement_names_the_cookies_as_the_live_site_sets_them(
    client: Client, shipped_content: object
) -> None:
    """Over HTTPS the staff cookies carry the __Host- prefix (careers_site/settings.py's COOKIE_PREFIX)."""
    html = client.get("/about-this-site/privacy/").content.decode()
    staff_cookies = [
        f"__Host-{name.removeprefix('__Host-')}" for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)
    ]
    for name in (*staff_cookies, settings.ALERT_DISMISS_COOKIE):
        assert f"<code>{name}</code>" in html, name
