"""Public pages come from the cache, cost no queries when cached, and are never stale."""

import datetime
from collections.abc import Callable

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from microcredentials.models import AdvicePage

ADVICE_URL = "/plan-your-career/micro-credentials/"
PUBLIC_URLS = ["/", "/plan-your-career/", ADVICE_URL]

pytestmark = pytest.mark.django_db


def test_uncached_advice_page_costs_at_most_two_queries_and_cached_none(
    client: Client, shipped_content: AdvicePage, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client.get("/")  # warms the site-wide schedule lookup, leaving the advice page itself uncached
    with django_assert_max_num_queries(2):
        assert client.get(ADVICE_URL).status_code == 200
    with django_assert_max_num_queries(0):
        response = client.get(ADVICE_URL)
    assert response.status_code == 200
    assert "Micro-credentials" in response.content.decode()


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_pages_are_public_for_a_minute_and_vary_on_cookie(
    client: Client, shipped_content: AdvicePage, url: str
) -> None:
    for _ in range(2):  # fresh render, then from the cache
        response = client.get(url)
        assert response["Cache-Control"] == "public, max-age=60"
        assert "Cookie" in response["Vary"]
        assert response["ETag"] and response["Last-Modified"]


def test_a_repeated_request_with_the_etag_gets_304(client: Client, shipped_content: AdvicePage) -> None:
    first = client.get(ADVICE_URL)
    second = client.get(ADVICE_URL, headers={"if-none-match": first["ETag"]})
    assert second.status_code == 304
    assert second.content == b""
    assert second["ETag"] == first["ETag"]


def test_a_stale_etag_gets_the_page(client: Client, shipped_content: AdvicePage) -> None:
    first = client.get(ADVICE_URL)
    shipped_content.title = "Micro-credentials explained"
    shipped_content.save()
    second = client.get(ADVICE_URL, headers={"if-none-match": first["ETag"]})
    assert second.status_code == 200
    assert "Micro-credentials explained" in second.content.decode()


def test_editing_a_page_shows_at_once(client: Client, shipped_content: AdvicePage) -> None:
    assert "Micro-credentials" in client.get(ADVICE_URL).content.decode()
    shipped_content.summary = "A brand new summary for readers."
    shipped_content.save()
    for url in PUBLIC_URLS:
        assert "A brand new summary for readers." in client.get(url).content.decode()


def test_unpublishing_and_deleting_remove_the_page_at_once(client: Client, shipped_content: AdvicePage) -> None:
    assert client.get(ADVICE_URL).status_code == 200
    shipped_content.status = AdvicePage.Status.DRAFT
    shipped_content.save()
    assert client.get(ADVICE_URL).status_code == 404
    assert "Micro-credentials" not in client.get("/").content.decode()
    shipped_content.status = AdvicePage.Status.PUBLISHED
    shipped_content.save()
    assert client.get(ADVICE_URL).status_code == 200
    shipped_content.delete()
    assert client.get(ADVICE_URL).status_code == 404


def test_renaming_a_topic_updates_cached_pages(client: Client, shipped_content: AdvicePage) -> None:
    client.get(ADVICE_URL)
    topic = shipped_content.topic
    topic.title = "Plan your next move"
    topic.save()
    assert "Plan your next move" in client.get(ADVICE_URL).content.decode()


def test_a_scheduled_page_appears_when_its_time_comes(
    client: Client, make_page: Callable[..., AdvicePage], shipped_content: AdvicePage
) -> None:
    go_live = timezone.now() + datetime.timedelta(minutes=30)
    make_page(slug="scheduled", title="Scheduled advice", publish_at=go_live)
    with time_machine.travel(go_live - datetime.timedelta(minutes=1), tick=False):
        assert "Scheduled advice" not in client.get("/").content.decode()
        assert client.get("/find-a-job/scheduled/").status_code == 404
    with time_machine.travel(go_live + datetime.timedelta(seconds=1), tick=False):
        assert "Scheduled advice" in client.get("/").content.decode()
        assert client.get("/find-a-job/scheduled/").status_code == 200


def test_staff_always_get_a_fresh_private_page(client: Client, shipped_content: AdvicePage, staff_user: User) -> None:
    client.get(ADVICE_URL)
    AdvicePage.objects.filter(pk=shipped_content.pk).update(title="Changed behind the cache's back")
    client.force_login(staff_user)
    response = client.get(ADVICE_URL)
    assert "Changed behind the cache&#x27;s back" in response.content.decode()
    assert "public" not in response.get("Cache-Control", "")


def test_query_strings_are_not_served_from_the_cache(client: Client, shipped_content: AdvicePage) -> None:
    client.get(ADVICE_URL)
    AdvicePage.objects.filter(pk=shipped_content.pk).update(title="Changed behind the cache")
    assert "Changed behind the cache" in client.get(ADVICE_URL + "?utm_source=x").content.decode()
    assert "public" not in client.get(ADVICE_URL + "?utm_source=x").get("Cache-Control", "")


def test_admin_is_never_publicly_cacheable(client: Client, staff_user: User) -> None:
    response = client.get("/admin/login/")
    assert "public" not in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"] or "private" in response["Cache-Control"]
