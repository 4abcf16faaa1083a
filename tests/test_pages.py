"""The public pages: home, topic, advice page, 404, and who may see drafts."""

import datetime
from collections.abc import Callable

import pytest
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
    assert 'Updated <time datetime="2023-08-29">29 Aug 2023</time>' in html
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
