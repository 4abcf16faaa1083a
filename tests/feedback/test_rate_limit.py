"""The feedback rate limit holds: no flood of made-up paths pushes its counts out of a cache, and every worker
(each a process of its own) shares one count, on SQLite and PostgreSQL alike, with no Redis.

Counts are rows in the database (microcredentials/feedback/ratelimit.py), made by `migrate`.
"""

import datetime
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache, caches
from django.test import Client
from django.utils import timezone

from microcredentials.feedback.answers import RATE_LIMIT, RATE_WINDOW_SECONDS
from microcredentials.feedback.ratelimit import count_attempt
from microcredentials.models import AdvicePage, PageFeedback, RateLimitCount, SiteAlert
from tests.services import postgres_available, postgres_server, production_env

LOCMEM_MAX_ENTRIES = 300  # Django's default for the local-memory cache, which the tests use


def post_feedback(client: Client, page: AdvicePage, address: str = "203.0.113.50") -> int:
    return client.post(f"/feedback/{page.pk}/", {"useful": "yes"}, REMOTE_ADDR=address).status_code


def use_up_the_limit(client: Client, page: AdvicePage) -> None:
    answers = [post_feedback(client, page) for _ in range(RATE_LIMIT + 1)]
    assert answers == [303] * RATE_LIMIT + [429]


def default_cache_capacity() -> int:
    return int(getattr(caches["default"], "_max_entries", LOCMEM_MAX_ENTRIES))


@pytest.mark.django_db
def test_a_flood_of_made_up_paths_while_an_alert_is_live_cannot_reset_the_limit(
    client: Client, shipped_content: AdvicePage
) -> None:
    """As the review found it: with an alert live, each new path stores an alert fragment in the default cache,
    and a flood of them used to evict the counts, so 20 more answers went through after 700 made-up paths."""
    SiteAlert.objects.create(kind=SiteAlert.Kind.GENERAL, message="Phones are busy today.", show_from=timezone.now())
    use_up_the_limit(client, shipped_content)
    cache.set("canary", "stored before the flood")
    for n in range(default_cache_capacity() + 400):
        response = client.get(f"/plan-your-career/made-up-{n}/", REMOTE_ADDR="198.51.100.99")
        assert response.status_code == 404
    assert "Phones are busy today." in response.content.decode()
    assert cache.get("canary") is None, "the flood filled the default cache and pushed older entries out"
    assert post_feedback(client, shipped_content) == 429
    assert PageFeedback.objects.count() == RATE_LIMIT


@pytest.mark.django_db
def test_filling_or_clearing_every_cache_cannot_reset_the_limit(client: Client, shipped_content: AdvicePage) -> None:
    use_up_the_limit(client, shipped_content)
    for alias in settings.CACHES:
        caches[alias].set_many({f"filler-{n}": n for n in range(3 * default_cache_capacity())})
        caches[alias].clear()
    assert post_feedback(client, shipped_content) == 429


@pytest.mark.django_db
def test_each_client_has_its_own_count_and_a_new_window_starts_afresh(
    client: Client, shipped_content: AdvicePage
) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        use_up_the_limit(client, shipped_content)
        assert post_feedback(client, shipped_content, address="192.0.2.7") == 303
        traveller.shift(datetime.timedelta(seconds=RATE_WINDOW_SECONDS - 1))
        assert post_feedback(client, shipped_content) == 429
        traveller.shift(datetime.timedelta(seconds=2))
        assert post_feedback(client, shipped_content) == 303
    # Starting that window removed the other client's ended one: only counts in a live window are kept.
    assert RateLimitCount.objects.count() == 1


@pytest.mark.django_db
def test_count_attempt_counts_each_key_within_its_window() -> None:
    start = timezone.now()
    assert [count_attempt("a", 60, now=start) for _ in range(3)] == [1, 2, 3]
    assert count_attempt("b", 60, now=start) == 1
    assert count_attempt("a", 60, now=start + datetime.timedelta(seconds=59)) == 4
    assert count_attempt("a", 60, now=start + datetime.timedelta(seconds=60)) == 1
    assert count_attempt("a", 60, now=start + datetime.timedelta(seconds=61)) == 2
    row = RateLimitCount.objects.get(key="a")
    assert row.window_ends == start + datetime.timedelta(seconds=120)


# Separate processes, as gunicorn's workers are: each counts feedback from one client through the view's own
# check (answers.is_rate_limited) and prints how many of its attempts were refused.
ATTEMPTS = """
from django.test import RequestFactory
from microcredentials.feedback.answers import is_rate_limited
request = RequestFactory().post("/feedback/1/", REMOTE_ADDR="198.51.100.9")
print(sum(is_rate_limited(request) for _ in range({attempts})))
"""


def database_urls() -> Iterator[object]:
    yield pytest.param("sqlite", id="sqlite")
    yield pytest.param(
        "postgresql",
        id="postgresql",
        marks=[
            pytest.mark.slow,
            pytest.mark.skipif(not postgres_available(), reason="PostgreSQL 15 server programs are not installed"),
        ],
    )


@pytest.fixture(params=list(database_urls()))
def migrated_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """A database of its own, made by `manage.py migrate` alone (as `make run` and CI make theirs); no Redis."""
    if request.param == "sqlite":
        env = production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'workers.sqlite3'}")
        manage("migrate", "--no-input", env=env)
        yield env
        return
    with postgres_server() as url:
        env = production_env(DATABASE_URL=url)
        manage("migrate", "--no-input", env=env)
        yield env


def manage(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    process = start(*args, env=env)
    out, err = process.communicate(timeout=180)
    assert process.returncode == 0, err
    return process


def start(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def refused_in_workers(env: dict[str, str], *attempts: int) -> list[int]:
    """Run one process per number in `attempts`, all at once; how many attempts each had refused."""
    workers = [start("shell", "-c", ATTEMPTS.format(attempts=n), env=env) for n in attempts]
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=180)
        assert worker.returncode == 0, err
        results.append(int(out.strip().splitlines()[-1]))
    return results


def test_workers_in_separate_processes_share_one_count(migrated_database: dict[str, str]) -> None:
    env = migrated_database | {"REDIS_URL": ""}
    assert refused_in_workers(env, RATE_LIMIT) == [0]
    # Another process (another worker) carries on from the same count: its first attempt is already one too many.
    assert refused_in_workers(env, 1) == [1]


def test_workers_counting_at_the_same_moment_lose_no_count(migrated_database: dict[str, str]) -> None:
    """Two workers at once, 40 attempts each: exactly RATE_LIMIT are let through between them, however they
    interleave, because each attempt is counted in one atomic statement."""
    env = migrated_database | {"REDIS_URL": ""}
    assert sum(refused_in_workers(env, 40, 40)) == 80 - RATE_LIMIT
