"""Real gunicorn with the shipped gunicorn.conf.py: metrics added up across workers, and JSON log lines."""

import json
import runpy
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from scripts.site_server import ROOT, gunicorn, prepare_site
from tests.services import gunicorn_server, production_env

PAGE = "/plan-your-career/micro-credentials/"


def site_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}", **overrides)
    prepare_site(env, collect_static=False)  # the test session collected them
    return env


def get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def scrape(base: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    status, headers, body = get(base + "/metrics")
    assert status == 200 and headers["Cache-Control"] == "no-store"
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(body.decode())
        for sample in family.samples
    }


def served_ok(base: str) -> float:
    return scrape(base).get(("careers_http_responses_total", (("status", "2xx"),)), 0.0)


@pytest.mark.slow
def test_counts_add_up_across_two_workers_whichever_answered(tmp_path: Path) -> None:
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    (metrics_dir / "counter_999999.db").write_bytes(b"left from the last run")
    requests = 60
    with gunicorn_server(site_env(tmp_path, PROMETHEUS_MULTIPROC_DIR=str(metrics_dir)), workers=2) as base:
        assert not (metrics_dir / "counter_999999.db").exists(), "the folder is emptied at start-up"
        before = served_ok(base)  # the start-up health checks, so far
        with ThreadPoolExecutor(max_workers=6) as pool:
            statuses = list(pool.map(lambda _: get(base + PAGE)[0], range(requests)))
        assert statuses == [200] * requests
        samples = scrape(base)
        # The first scrape was answered (and counted) before this one.
        assert samples[("careers_http_responses_total", (("status", "2xx"),))] == before + 1 + requests
        hits = samples.get(("careers_page_cache_hits_total", (("page_type", "advice_page"),)), 0.0)
        misses = samples.get(("careers_page_cache_misses_total", (("page_type", "advice_page"),)), 0.0)
        assert hits + misses == requests and 1 <= misses <= 2  # at most one render per worker
        writers = {path.name for path in metrics_dir.glob("counter_*.db")}
        assert len(writers) >= 2, f"both workers answered and wrote their numbers: {writers}"
        assert samples[("careers_http_request_duration_seconds_count", ())] == before + 1 + requests


def json_lines(log: Path) -> list[dict[str, Any]]:
    lines = []
    for line in log.read_text().splitlines():
        if line.strip():
            lines.append(json.loads(line))  # every line is one JSON object, or this fails
    return lines


@pytest.mark.slow
def test_with_json_logs_every_line_is_json_and_carries_the_request_id(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    env = site_env(tmp_path, DJANGO_LOG_FORMAT="json")
    with gunicorn(env, workers=1, log=log) as server:
        status, headers, _ = get(server.base + PAGE, **{"X-Request-ID": "abc-123"})
        assert status == 200 and headers["X-Request-ID"] == "abc-123"
        status, headers, _ = get(server.base + "/no-such-topic/", **{"X-Request-ID": "abc-404"})
        assert status == 404 and headers["X-Request-ID"] == "abc-404"
        status, headers, _ = get(server.base + PAGE, **{"X-Request-ID": "not safe\u00a0id"})
        replaced = headers["X-Request-ID"]
        assert status == 200 and len(replaced) == 32 and replaced != "not safe\u00a0id"
    lines = json_lines(log)
    assert all({"timestamp", "level", "logger", "message"} <= set(line) for line in lines)

    def access(request_id: str) -> dict[str, Any]:
        [line] = [
            line for line in lines if line["logger"] == "gunicorn.access" and line.get("request_id") == request_id
        ]
        return line

    assert (access("abc-123")["path"], access("abc-123")["status"]) == (PAGE, 200)
    assert isinstance(access("abc-123")["duration_ms"], int)
    assert (access("abc-404")["path"], access("abc-404")["status"]) == ("/no-such-topic/", 404)
    assert access(replaced)["path"] == PAGE
    [not_found] = [line for line in lines if line["logger"] == "django.request"]
    assert not_found["message"] == "Not Found: /no-such-topic/"
    assert (not_found["request_id"], not_found["path"], not_found["status"]) == ("abc-404", "/no-such-topic/", 404)
    assert "duration_ms" in not_found
    assert any(line["logger"] == "gunicorn.error" for line in lines)  # "Starting gunicorn", "Booting worker"


@pytest.mark.slow
def test_without_json_the_logs_stay_text_and_the_access_line_ends_with_the_id(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    with gunicorn(site_env(tmp_path), workers=1, log=log) as server:
        get(server.base + PAGE, **{"X-Request-ID": "abc-123"})
    [access] = [line for line in log.read_text().splitlines() if PAGE in line and "GET" in line]
    assert access.endswith(" abc-123") and not access.startswith("{")


def test_the_metrics_folder_is_kept_on_a_hup_and_not_shared_after_a_usr2_upgrade(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The config is read again on a HUP (same master) and by the new master of a USR2 upgrade (a new process
    that inherits the environment, and whose folder the old master must not remove as it exits)."""
    config_file = str(ROOT / "gunicorn.conf.py")
    for name in ("PROMETHEUS_MULTIPROC_DIR", "CAREERS_METRICS_DIR_MADE"):
        monkeypatch.setenv(name, "")  # so that whatever the config sets is undone afterwards
        monkeypatch.delenv(name)
    first = runpy.run_path(config_file)
    made = first["_metrics_dir"]
    try:
        assert made.is_dir() and first["_made_metrics_dir"]
        assert runpy.run_path(config_file)["_metrics_dir"] == made  # a HUP: the same folder, still this master's
        monkeypatch.setenv("CAREERS_METRICS_DIR_MADE", f"1:{made}")  # as the new master after USR2 sees it
        upgraded = runpy.run_path(config_file)
        assert upgraded["_metrics_dir"] != made and upgraded["_made_metrics_dir"]
        upgraded["on_exit"](None)
        assert not upgraded["_metrics_dir"].exists() and made.is_dir()
    finally:
        first["on_exit"](None)
    assert not made.exists()
