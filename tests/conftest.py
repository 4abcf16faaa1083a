"""Shared fixtures: the shipped content loaded into the test database, and staff users."""

import io
import os
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from careers_site.pagecache import generation, middleware
from careers_site.pagecache.generation import bump_content_generation
from microcredentials.contact_centre import alerts
from microcredentials.models import AdvicePage, Topic
from microcredentials.search import insights
from tests.services import smtp_inbox
from tests.signing_in import sign_in


@pytest.fixture
def shipped_content(db: None) -> AdvicePage:
    """The content/ folder as `make run` loads it; returns the micro-credentials page."""
    # A browser test's flush empties the content-type table, but Django keeps its cache of content types:
    # load_content records revisions, which would then name content types that no longer exist.
    ContentType.objects.clear_cache()
    call_command("load_content", stdout=io.StringIO())
    return AdvicePage.objects.select_related("topic").get(slug="micro-credentials")


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[list[EmailMessage]]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that the site sends through; yields the messages it receives."""
    with smtp_inbox() as (port, received):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        yield received


# The worker closes its database connection between tasks (close_old_connections), as a long-running process must.
# Inside a test's own transaction that would end it on PostgreSQL, so the tests that run the worker commit for real.
WORKER_DB = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_worker() -> None:
    """Run the real background worker (`manage.py db_worker`) over the test database until the queue has nothing due."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", stdout=io.StringIO())


@pytest.fixture
def admin_client(client: Client, admin_user: User) -> Client:
    """pytest-django's admin_client, signed in with both steps (a password alone counts as signed out)."""
    return sign_in(client, admin_user)


@pytest.fixture
def topic(db: None) -> Topic:
    return Topic.objects.create(title="Find a job", slug="find-a-job", summary="Looking for work.", order=2)


@pytest.fixture
def make_page(topic: Topic) -> Callable[..., AdvicePage]:
    def make(**fields: object) -> AdvicePage:
        values: dict[str, object] = {
            "topic": topic,
            "title": "Write a CV",
            "slug": "write-a-cv",
            "summary": "How to write a CV.",
            "body": "## Start here\n\nKeep it short.\n",
            "status": AdvicePage.Status.PUBLISHED,
        }
        values.update(fields)
        return AdvicePage.objects.create(**values)

    return make


@pytest.fixture
def staff_user(db: None) -> User:
    return User.objects.create_user("editor", password="a-long-test-password", is_staff=True)


@pytest.fixture(scope="session", autouse=True)
def collected_static() -> None:
    """Tests run with production settings, whose hashed static files need collectstatic first."""
    call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    """Each test starts with an empty cache: database rollbacks between tests send no signals.

    The per-process memos go too: a rolled-back test's rows must not be read back from them by the next test.
    """
    for alias in settings.CACHES:
        caches[alias].clear()
    memos = (generation._seen_in_process, middleware._filled_pages, middleware._filled_searches)
    for memo in (*memos, middleware._next_change_by_generation, middleware._allowed_hosts_seen):
        memo.clear()
    alerts._region_this_second.clear()
    bump_content_generation()


@pytest.fixture(autouse=True)
def search_counts_written_at_once(settings: Any) -> Iterator[None]:
    """Tests read a search's count straight after the request, so it is written in the request; the tests in
    tests/search/test_insights.py that set a wait cover batching. A test's unwritten counts go with it."""
    settings.SEARCH_COUNT_WRITE_SECONDS = 0
    yield
    with insights._pending_lock:  # no timer may write them into a later test's database
        insights._pending.clear()
        if insights._write_timer is not None:
            insights._write_timer.cancel()
            insights._write_timer = None


# Hypothesis: a bounded run by default so the suite stays quick; HYPOTHESIS_PROFILE=thorough digs deeper.
# Examples share the function's fixtures (read-only content), hence the suppressed health check.
hypothesis_settings.register_profile(
    "site", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
hypothesis_settings.register_profile(
    "thorough", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "site"))
