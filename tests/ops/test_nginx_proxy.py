"""The shipped nginx config, run for real in front of gunicorn: public pages are kept for a second, a new alert
shows within 2 seconds, a reader who hid an alert keeps it hidden, and nothing personal is ever kept."""

import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from scripts.nginx_proxy import nginx_proxy, rendered_site_config
from scripts.site_server import ROOT, manage
from tests.services import gunicorn_server, production_env

pytestmark = pytest.mark.slow
ADVICE = "/plan-your-career/micro-credentials/"
POST_ALERT = """
import datetime
from django.utils import timezone
from microcredentials.models import SiteAlert
SiteAlert.objects.create(
    kind=SiteAlert.Kind.GENERAL,
    message="Phone lines are down this morning.",
    show_from=timezone.now() - datetime.timedelta(seconds=5),
)
"""


def get(url: str, **headers: str) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    workdir = tmp_path_factory.mktemp("proxy")
    # Each worker writes the searches it counted a second after the first (the shipped wait is 10 seconds).
    env = production_env(DATABASE_URL=f"sqlite:///{workdir / 'proxy.sqlite3'}", DJANGO_SEARCH_COUNT_WRITE_SECONDS="1")
    manage(env, "migrate", "--no-input")
    manage(env, "load_content")
    manage(env, "collectstatic", "--no-input")
    with gunicorn_server(env) as app, nginx_proxy(int(app.rsplit(":", 1)[1]), ROOT / "staticfiles") as proxy:
        yield proxy, env


def test_the_shipped_config_differs_only_in_ports_and_paths(tmp_path: Path) -> None:
    text = rendered_site_config(9001, 9002, tmp_path / "cache", tmp_path / "static")
    assert "server 127.0.0.1:9001;" in text and "listen 127.0.0.1:9002;" in text
    shipped = (ROOT / "deploy" / "nginx.conf").read_text()
    assert text.count("\n") == shipped.count("\n")


def test_public_pages_are_kept_for_a_second_and_static_files_served_by_nginx(site: tuple[str, dict[str, str]]) -> None:
    proxy, _env = site
    get(proxy + ADVICE)
    status, headers, body = get(proxy + ADVICE)
    assert status == 200 and "Micro-credentials" in body
    assert headers["X-Cache-Status"] in ("HIT", "UPDATING", "STALE")
    css = next(part.split('"')[0] for part in body.split('href="')[1:] if part.startswith("/static/css/site."))
    status, headers, _css = get(proxy + css, **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert "immutable" in headers["Cache-Control"]
    assert "X-Cache-Status" not in headers  # answered from the files, not the app


def test_a_new_alert_shows_within_two_seconds_and_a_hidden_one_stays_hidden(site: tuple[str, dict[str, str]]) -> None:
    proxy, env = site
    get(proxy + ADVICE)  # a cached copy without the alert
    manage(env, "shell", "--no-imports", "-c", POST_ALERT)
    posted = time.monotonic()
    while "Phone lines are down" not in get(proxy + ADVICE)[2]:
        assert time.monotonic() - posted < 2, "the new alert did not show within 2 seconds"
        time.sleep(0.1)
    body = get(proxy + ADVICE)[2]
    key = body.split('name="key" value="', 1)[1].split('"', 1)[0]
    status, headers, hidden = get(proxy + ADVICE, Cookie=f"hidden_alerts={key}")
    assert status == 200 and "Phone lines are down" not in hidden
    assert headers["X-Cache-Status"] == "BYPASS"


def test_staff_pages_and_responses_that_set_cookies_are_never_kept(site: tuple[str, dict[str, str]]) -> None:
    proxy, _env = site
    for _ in range(2):
        status, headers, _body = get(proxy + "/admin/login/")
    assert status == 200
    assert "X-Cache-Status" not in headers  # the admin's location has no cache at all
    _status, headers, _body = get(proxy + ADVICE, Cookie="sessionid=abc")
    assert headers["X-Cache-Status"] == "BYPASS"


def test_every_search_reaches_the_app_so_each_is_counted(site: tuple[str, dict[str, str]]) -> None:
    proxy, env = site
    for _ in range(3):
        status, headers, _body = get(proxy + "/search/?q=nginx+counted")
        assert status == 200
        assert headers.get("X-Cache-Status") is None  # never kept by nginx; the app caches it and counts it
    assert searches_counted(env, "nginx counted", expected=3) == 3


def searches_counted(env: dict[str, str], query: str, expected: int) -> int:
    """The count written for `query`, waiting up to 10 seconds for the workers' batches to reach `expected`."""
    code = (
        "from microcredentials.models import SearchCount as S; "
        f"print(sum(S.objects.filter(query={query!r}).values_list('count', flat=True)))"
    )
    deadline = time.monotonic() + 10
    while True:
        count = int(manage(env, "shell", "-c", code).split()[-1])  # after the shell's own note on what it imported
        if count >= expected or time.monotonic() > deadline:
            return count
        time.sleep(0.5)


def test_each_request_gets_its_own_id_through_the_cache_and_metrics_are_not_public(
    site: tuple[str, dict[str, str]],
) -> None:
    proxy, _env = site
    answers = [get(proxy + ADVICE) for _ in range(3)]
    assert answers[-1][1]["X-Cache-Status"] in ("HIT", "UPDATING", "STALE")
    ids = {headers["X-Request-ID"] for _status, headers, _body in answers}
    assert len(ids) == 3
    assert get(proxy + ADVICE, **{"X-Request-ID": "lb-id-7"})[1]["X-Request-ID"] == "lb-id-7"
    assert get(proxy + "/metrics")[0] == 404


def test_each_reader_gets_a_copy_in_an_encoding_they_accept(site: tuple[str, dict[str, str]]) -> None:
    proxy, _env = site
    asked = [("gzip, deflate, br", "br"), ("br;q=0, gzip", "gzip"), ("", None), ("gzip", "gzip"), ("*", "br")]
    for _round in range(2):  # the second time round, each answer comes from nginx's copy
        for accept_encoding, expected in asked:
            status, headers, _body = get(proxy + ADVICE, **{"Accept-Encoding": accept_encoding})
            assert status == 200
            assert headers.get("Content-Encoding") == expected, accept_encoding
    assert headers["X-Cache-Status"] in ("HIT", "UPDATING", "STALE")
