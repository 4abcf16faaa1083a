"""Real-browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

- The live server listens on http://localhost, which Chromium treats as a secure context, so the
  production settings' Secure session and CSRF cookies work over plain HTTP without weakening them.
- Static files are served by whitenoise from STATIC_ROOT, as in production (see `live_server`).
- Each test runs with `serialized_rollback`: the live server needs a transactional database, which is
  emptied after every test, so Django restores the rows the data migrations made (the staff groups and
  their permissions, the contact details and opening hours) before each test.
- Chromium missing: the tests skip with a message, unless REQUIRE_BROWSER_TESTS=1 (CI), when they fail.
"""

import datetime
import io
import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any
from wsgiref.types import StartResponse, WSGIEnvironment

import pytest
from django.contrib.auth.models import Group, User
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.servers.basehttp import WSGIServer
from django.db import connections
from django.http import HttpResponseBase
from django.utils import timezone
from playwright.sync_api import Playwright
from pytest_django.live_server_helper import LiveServer

from microcredentials.lib.nztime import NZ_TIME
from microcredentials.models import AdvicePage, SiteAlert
from tests.browser.helpers import STAFF_PASSWORD, Site

# Playwright's sync API runs an event loop in this thread, and Django's ORM refuses to run while one is
# running unless told it is safe (it is: nothing here is async). Read at each query, so setting it here,
# before any test touches the database, is enough.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    # No network here: without these Chromium keeps trying (and failing) to reach Google's services.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
]


def browser_tests_required() -> bool:
    return os.environ.get("REQUIRE_BROWSER_TESTS", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Launch Debian's Chromium (`playwright install` cannot download here, and must not be needed)."""
    executable = shutil.which("chromium")
    if executable is None:
        message = "Chromium is not installed (apt-get install chromium), so the browser tests cannot run."
        if browser_tests_required():
            pytest.fail(f"{message} REQUIRE_BROWSER_TESTS is set, so this is a failure.", pytrace=False)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def _serialized_db_contents(django_db_setup: None) -> dict[str, str]:
    """The test database as the migrations left it, serialized by pytest-django for `serialized_rollback`.

    It must be read before Playwright starts. Django keeps connections in asgiref's thread-critical Local,
    which hands out other connection objects once an event loop runs in the thread (Playwright's sync API
    runs one), and only the objects made before then hold these contents.
    """
    attribute = "_test_serialized_contents"
    contents = {conn.alias: getattr(conn, attribute) for conn in connections.all() if hasattr(conn, attribute)}
    assert contents, "pytest-django did not serialize the test database: the browser tests need serialized_rollback"
    return contents


@pytest.fixture(scope="session")
def playwright(_serialized_db_contents: dict[str, str], playwright: Playwright) -> Playwright:
    """Playwright, started after the database contents were read, which are handed to the new connections."""
    for alias, contents in _serialized_db_contents.items():
        setattr(connections[alias], "_test_serialized_contents", contents)  # noqa: B010
    return playwright


class _StaticAndMediaLeftToTheSite(WSGIHandler):
    """The live server's static-files wrapper, made to pass every request, /static/ and /media/ too, to the site."""

    def __init__(self, media_handler: WSGIHandler) -> None:
        # Django's live server hands over the site wrapped in its own media handler; unwrapped, uploads are
        # served by the site's view, as in production. No super().__init__(): the site already has its middleware.
        self.application = media_handler.application  # type: ignore[attr-defined]

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> HttpResponseBase:
        return self.application(environ, start_response)


class _OneRequestAtATime(WSGIServer):
    """Django's development server without threads; the live-server thread has already taken over the tests'
    database connections, which ThreadedWSGIServer would do for each request's thread."""

    def __init__(self, *args: Any, connections_override: object = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


@pytest.fixture(scope="session")
def live_server(collected_static: None, playwright: Playwright) -> Iterator[LiveServer]:
    """pytest-django's live server on localhost, with /static/ left to whitenoise and /media/ to the site's own
    view, as in production.

    pytest-django wraps the site in staticfiles' StaticFilesHandler, which looks files up with the finders
    and so 404s every hashed name (css/site.3f2a….css) that the production storage puts in the pages.
    Without that wrapper the request reaches WhiteNoiseMiddleware, which serves STATIC_ROOT. Whitenoise
    reads STATIC_ROOT when the server's handler is built, so collectstatic must have run first.
    Started after Playwright, so that with in-memory SQLite the server shares the tests' connection. It answers
    one request at a time: the browser fetches a page and its preview or images at once, and two server threads
    on that one SQLite connection broke each other's transactions ("cannot start a transaction within a
    transaction", a session lost, and a 400 page in CI).
    """
    server = LiveServer("localhost", start=False)
    server.thread.static_handler = _StaticAndMediaLeftToTheSite
    server.thread.server_class = _OneRequestAtATime  # type: ignore[attr-defined]
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def base_url(live_server: LiveServer) -> str:
    """Pages are opened with paths: page.goto("/contact/")."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_context_args,
        "locale": "en-NZ",
        "timezone_id": "Pacific/Auckland",
    }


@pytest.fixture(autouse=True)
def site(live_server: LiveServer, django_db_serialized_rollback: None) -> Site:
    """The live server with the shipped content/ loaded, as `make run` serves it."""
    call_command("load_content", stdout=io.StringIO())
    return Site(live_server.url, AdvicePage.objects.select_related("topic").get(slug="micro-credentials"))


@pytest.fixture
def make_staff() -> Callable[[str, str], User]:
    """A staff user in one of the groups the data migration makes ("Contact centre", "Content editors")."""

    def make(username: str, group_name: str) -> User:
        user = User.objects.create_user(username, password=STAFF_PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name=group_name))
        return user

    return make


@pytest.fixture
def live_closure() -> SiteAlert:
    """A contact-centre closure notice showing now: closed from 3.00pm the day after tomorrow to 8.30am the next day."""
    day = timezone.localdate(timezone=NZ_TIME) + datetime.timedelta(days=2)
    closes = datetime.datetime.combine(day, datetime.time(15), tzinfo=NZ_TIME)
    return SiteAlert.objects.create(
        kind=SiteAlert.Kind.CLOSURE,
        closes_at=closes,
        reopens_at=datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(8, 30), tzinfo=NZ_TIME),
        contact_email="help@careers.example.govt.nz",
        show_from=timezone.now() - datetime.timedelta(hours=1),
    )
