"""Public pages come from the cache, cost no queries when cached, and are never stale."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
import redis
import time_machine
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from careers_site.pagecache import middleware as pagecache_middleware
from careers_site.pagecache.generation import (
    GENERATION_KEY,
    OneGenerationPerRequest,
    _read_generation,
    bump_content_generation,
    content_generation,
)
from microcredentials.feedback.answers import RATE_LIMIT
from microcredentials.models import AdvicePage, ContactDetails
from tests.contact_centre.helpers import closure, general, nz
from tests.http.helpers import database_down
from tests.services import redis_server
from tests.signing_in import sign_in

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
        assert response["Cache-Control"] == "public, max-age=0, must-revalidate, s-maxage=60"
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
    sign_in(client, staff_user)
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


def test_every_anonymous_reader_gets_the_same_page_and_no_cookie(shipped_content: AdvicePage) -> None:
    """A shared cache (a CDN) may keep a public page only if it is the same for everyone and sets nothing."""
    general("The site will be down for maintenance tonight.", show_from=timezone.now() - datetime.timedelta(hours=1))
    first, second = Client().get(ADVICE_URL), Client().get(ADVICE_URL)  # a fresh render, then the cached copy
    for response in (first, second):
        assert not response.cookies
        assert "Set-Cookie" not in response.headers
        assert "csrfmiddlewaretoken" not in response.content.decode()
    assert 'action="/alerts/dismiss/"' in first.content.decode()  # the forms are there, without a token
    assert "/feedback/" in first.content.decode()
    assert first.content == second.content
    assert first["ETag"] == second["ETag"]


def test_a_new_alert_shows_at_once_on_a_cached_page(client: Client, shipped_content: AdvicePage) -> None:
    assert "site-alert" not in client.get(ADVICE_URL).content.decode()
    general("Our phone lines are down today.", show_from=timezone.now() - datetime.timedelta(minutes=1))
    assert "Our phone lines are down today." in client.get(ADVICE_URL).content.decode()


@pytest.mark.parametrize("path", [ADVICE_URL, "/search/?q=credits"])
def test_a_cached_page_is_refused_to_a_host_the_site_does_not_serve(
    client: Client, shipped_content: AdvicePage, path: str
) -> None:
    assert client.get(path).status_code == 200  # now in the cache
    assert client.get(path, HTTP_HOST="attacker.example").status_code == 400
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", ["/no-such-page/", "/search/?q=credits&unknown=1"])
def test_pages_rendered_for_one_request_say_their_length_after_the_alert_is_filled_in(
    client: Client, shipped_content: AdvicePage, path: str
) -> None:
    general("Our phone lines are down today.", show_from=timezone.now() - datetime.timedelta(minutes=1))
    response = client.get(path)
    assert "Our phone lines are down today." in response.content.decode()
    assert int(response["Content-Length"]) == len(response.content)


def test_alert_wording_moves_from_today_to_the_weekday_at_nz_midnight(
    client: Client, shipped_content: AdvicePage
) -> None:
    closes, reopens = nz(2023, 9, 22, 15), nz(2023, 9, 25, 8, 30)
    closure(closes, reopens, show_from=nz(2023, 9, 20, 9)).save()
    with time_machine.travel(nz(2023, 9, 21, 23, 59), tick=False):
        assert "3.00pm tomorrow, Friday 22 September" in client.get(ADVICE_URL).content.decode()
    with time_machine.travel(nz(2023, 9, 22, 0, 0, 30), tick=False):
        assert "3.00pm today, Friday 22 September" in client.get(ADVICE_URL).content.decode()
    with time_machine.travel(nz(2023, 9, 22, 15, 0, 30), tick=False):
        assert "is now closed until 8.30am Monday 25 September" in client.get(ADVICE_URL).content.decode()
    with time_machine.travel(nz(2023, 9, 25, 8, 31), tick=False):
        assert "site-alert" not in client.get(ADVICE_URL).content.decode()


def test_editing_contact_details_shows_at_once_on_the_cached_contact_page(client: Client) -> None:
    assert client.get("/contact/").status_code == 200  # now cached
    details = ContactDetails.objects.get()
    details.phone = "0800 999 000"
    details.save()
    assert "0800 999 000" in client.get("/contact/").content.decode()


# --- searches, cached per query -----------------------------------------------------------------


def test_a_repeated_search_costs_no_queries_and_is_public_for_a_minute(
    client: Client, shipped_content: AdvicePage, django_assert_num_queries: DjangoAssertNumQueries, settings: Any
) -> None:
    settings.SEARCH_COUNT_WRITE_SECONDS = 10  # as shipped: counted in memory, written later in a batch
    first = client.get("/search/?q=credits")
    with django_assert_num_queries(0):
        second = client.get("/search/?q=credits")
    assert second.content == first.content
    assert "Micro-credentials" in second.content.decode()
    assert second["Cache-Control"] == "public, max-age=0, must-revalidate, s-maxage=60"
    assert second["ETag"]


def test_each_search_is_cached_under_its_own_query(client: Client, shipped_content: AdvicePage) -> None:
    assert "Micro-credentials" in client.get("/search/?q=credits").content.decode()
    nothing = client.get("/search/?q=zebrafish").content.decode()
    assert "Micro-credentials" not in nothing
    assert "zebrafish" in nothing


def test_a_cached_search_finds_an_edited_page_at_once(client: Client, shipped_content: AdvicePage) -> None:
    assert "Micro-credentials" not in client.get("/search/?q=zebrafish").content.decode()
    shipped_content.summary = "Short courses, even in zebrafish care."
    shipped_content.save()
    assert "Micro-credentials" in client.get("/search/?q=zebrafish").content.decode()


def test_a_scheduled_page_turns_up_in_a_cached_search_on_time(
    client: Client, make_page: Callable[..., AdvicePage]
) -> None:
    go_live = timezone.now() + datetime.timedelta(minutes=30)
    make_page(slug="scheduled", title="Zebrafish care courses", publish_at=go_live)
    with time_machine.travel(go_live - datetime.timedelta(seconds=10), tick=False):
        assert "Zebrafish care courses" not in client.get("/search/?q=zebrafish").content.decode()
    with time_machine.travel(go_live + datetime.timedelta(seconds=1), tick=False):
        assert "Zebrafish care courses" in client.get("/search/?q=zebrafish").content.decode()


def test_a_cached_search_does_not_outlive_its_minute_even_in_an_outage(
    client: Client, shipped_content: AdvicePage
) -> None:
    # Copies per query are not kept to stand in during an outage: endless made-up queries must not pile up.
    client.get("/search/?q=credits")
    with time_machine.travel(datetime.timedelta(minutes=2)), database_down():
        assert client.get("/search/?q=credits").status_code == 503


@pytest.mark.slow
def test_with_redis_the_generation_never_expires_and_never_goes_back() -> None:
    redis_backend = {"BACKEND": "django.core.cache.backends.redis.RedisCache"}
    with redis_server() as url, override_settings(CACHES={"default": redis_backend | {"LOCATION": url}}):
        first = int(content_generation())
        assert redis.Redis.from_url(url).ttl(cache.make_key(GENERATION_KEY)) == -1  # -1: no expiry
        bump_content_generation()
        bumped = int(content_generation())
        assert bumped > first
        cache.delete(GENERATION_KEY)  # as if Redis had evicted it
        assert int(content_generation()) > bumped


def test_a_bump_during_a_request_is_read_by_the_rest_of_it() -> None:
    with OneGenerationPerRequest():
        before = content_generation()
        bump_content_generation()
        after = content_generation()
        assert after != before
        assert after == _read_generation()  # the generation every other request now reads


def test_a_malformed_csrf_cookie_gets_a_fresh_page_that_no_shared_cache_may_keep(
    shipped_content: AdvicePage,
) -> None:
    """Django replaces a malformed CSRF cookie on the way out; a response that sets a cookie is never public."""
    Client().get(ADVICE_URL)  # the page is in the cache
    response = Client(headers={"cookie": "csrftoken=bad"}).get(ADVICE_URL)
    assert response.status_code == 200
    assert "csrftoken" in response.cookies
    assert "public" not in response.get("Cache-Control", "")


def redis_commands(server: redis.Redis) -> int:
    """Commands the server has run so far, not counting the INFO calls that ask."""
    stats = server.info("commandstats")
    return sum(int(stat["calls"]) for name, stat in stats.items() if name != "cmdstat_info")


@pytest.mark.slow
def test_with_redis_a_cached_page_with_an_alert_costs_one_round_trip(shipped_content: AdvicePage) -> None:
    """The generation is read once per request (page key and alert alike); the rest is kept in the process."""
    redis_backend = {"BACKEND": "django.core.cache.backends.redis.RedisCache"}
    with redis_server() as url, override_settings(CACHES={"default": redis_backend | {"LOCATION": url}}):
        general("Phones are busy today.", show_from=timezone.now() - datetime.timedelta(hours=1))
        reader, server = Client(), redis.Redis.from_url(url)
        assert "Phones are busy today." in reader.get(ADVICE_URL).content.decode()  # stores the page and alert
        before = redis_commands(server)
        for _ in range(5):
            assert "Phones are busy today." in reader.get(ADVICE_URL).content.decode()
        assert redis_commands(server) - before == 5


def test_a_flood_of_made_up_searches_cannot_push_out_the_feedback_rate_limit(
    client: Client, shipped_content: AdvicePage
) -> None:
    feedback_url = f"/feedback/{shipped_content.pk}/"
    answers = [client.post(feedback_url, {"useful": "yes"}).status_code for _ in range(RATE_LIMIT + 1)]
    assert answers[-1] == 429
    for n in range(600):  # twice what the default cache holds
        client.get("/search/", {"q": f"zz{n}"})
    assert client.post(feedback_url, {"useful": "yes"}).status_code == 429


def test_two_spellings_of_different_searches_never_share_a_cached_copy(
    client: Client, shipped_content: AdvicePage
) -> None:
    # The UTF-8 bytes of "wānanga", sent unencoded, read as "wānanga"; percent-encoded as if they were
    # Latin-1 characters they read as something else. Raw query strings would give both one key.
    assert "Micro-credentials" not in client.get("/search/?q=w%C3%84%C2%81nanga").content.decode()
    raw = client.get("/search/", QUERY_STRING="q=w\xc4\x81nanga")
    assert "<mark>wānanga</mark>" in raw.content.decode()
    # An "&" inside the words is part of the query, not a second parameter.
    assert "Micro-credentials" in client.get("/search/", {"q": "credits", "page": "1"}).content.decode()
    assert "Micro-credentials" not in client.get("/search/", {"q": "credits&page=1"}).content.decode()


@pytest.mark.parametrize("query", ["q=credits&utm_source=x", "q=credits&q=fees"])
def test_other_or_repeated_search_parameters_bypass_the_cache(
    client: Client,
    shipped_content: AdvicePage,
    django_assert_num_queries: DjangoAssertNumQueries,
    query: str,
    settings: Any,
) -> None:
    settings.SEARCH_COUNT_WRITE_SECONDS = 10  # as shipped: the search's count waits in memory
    client.get(f"/search/?{query}")
    # Found afresh (results, count and snippets in one query), not from a copy.
    with django_assert_num_queries(1):
        response = client.get(f"/search/?{query}")
    assert "public" not in response.get("Cache-Control", "")


def test_pages_cached_in_an_older_format_are_never_served(
    client: Client, shipped_content: AdvicePage, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = shipped_content.get_absolute_url()
    assert client.get(url).status_code == 200  # cached in today's format
    keys_before = set(cache._cache.keys())  # type: ignore[attr-defined]  # the local-memory cache's own store
    monkeypatch.setattr(pagecache_middleware, "CACHED_PAGE_FORMAT", pagecache_middleware.CACHED_PAGE_FORMAT + 1)
    assert client.get(url).status_code == 200
    new_keys = set(cache._cache.keys()) - keys_before  # type: ignore[attr-defined]
    assert any(f"page:v{pagecache_middleware.CACHED_PAGE_FORMAT}:" in key for key in new_keys)  # stored afresh
