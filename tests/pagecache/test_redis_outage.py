"""Redis is a cache, not a single point of failure: with it stopped mid-run, pages, search and feedback keep
working straight from the database, /readyz says the cache is degraded, and the site recovers by itself."""

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client, override_settings

from careers_site import redis_cache
from careers_site.pagecache.generation import bump_content_generation
from microcredentials.models import AdvicePage, PageFeedback
from scripts.redis_server import RedisServer

ADVICE_URL = "/plan-your-career/micro-credentials/"
pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@contextmanager
def redis_cache_at(server: RedisServer) -> Iterator[None]:
    backend = {
        "BACKEND": "careers_site.redis_cache.ResilientRedisCache",
        "LOCATION": server.url,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
    with override_settings(CACHES={**settings.CACHES, "default": backend}):
        redis_cache.breaker._open_until = 0.0
        try:
            yield
        finally:
            redis_cache.breaker._open_until = 0.0


@pytest.fixture
def redis_process() -> Iterator[RedisServer]:
    with RedisServer() as server:
        yield server


def test_the_site_keeps_working_through_a_redis_outage_and_recovers(
    client: Client, shipped_content: AdvicePage, redis_process: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    with redis_cache_at(redis_process):
        bump_content_generation()
        assert client.get(ADVICE_URL).status_code == 200
        assert client.get(ADVICE_URL).status_code == 200  # now from Redis
        assert json.loads(client.get("/readyz").content)["cache"] == "ok"

        redis_process.stop()
        with caplog.at_level(logging.ERROR, logger="careers_site.http.outage"):
            page = client.get(ADVICE_URL)
            search = client.get("/search/?q=credits")
            feedback = client.post(f"/feedback/{shipped_content.pk}/", {"useful": "yes"})
            ready = client.get("/readyz")
        assert page.status_code == 200 and "Micro-credentials" in page.content.decode()
        assert search.status_code == 200 and "Micro-credentials" in search.content.decode()
        assert feedback.status_code == 303
        assert PageFeedback.objects.filter(page=shipped_content).count() == 1
        assert ready.status_code == 200
        assert json.loads(ready.content) == {"database": "ok", "cache": "degraded"}
        outage_lines = [record for record in caplog.records if "Redis unavailable" in record.getMessage()]
        assert len(outage_lines) == 1  # once a minute per process, not once per request

        redis_process.start()
        redis_cache.breaker._open_until = 0.0  # as a few seconds passing would
        with caplog.at_level(logging.WARNING, logger="careers_site.http.outage"):
            assert client.get(ADVICE_URL).status_code == 200
        assert any("Redis available again" in record.getMessage() for record in caplog.records)
        cache.set("after-outage", "stored")
        assert cache.get("after-outage") == "stored"
        assert json.loads(client.get("/readyz").content)["cache"] == "ok"
