"""Production settings and a real gunicorn process started from them."""

import gc
import gzip
import http.client
import importlib.metadata
import os
import queue
import re
import runpy
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import brotli
import pytest
from django.conf import settings

BASE_DIR = settings.BASE_DIR
ADVICE_URL = "/plan-your-career/micro-credentials/"
START_TIMEOUT = 60  # seconds; generous because several test runs may share two cores


def production_env(**overrides: str) -> dict[str, str]:
    """This process's environment without any site settings, plus production values and `overrides`."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "GUNICORN_")) and name not in {"DATABASE_URL", "REDIS_URL", "PORT"}
    }
    env.update(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="careers.example.govt.nz",
    )
    env.update(overrides)
    return {name: value for name, value in env.items() if value != ""}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_refuse_to_start_without_a_secret_key() -> None:
    result = manage("check", env=production_env(DJANGO_SECRET_KEY=""))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off." in result.stderr


def test_development_settings_start_without_a_secret_key() -> None:
    result = manage("check", env=production_env(DJANGO_SECRET_KEY="", DJANGO_DEBUG="1"))
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("name", ["DJANGO_DEBUG", "DJANGO_SECURE_SSL_REDIRECT"])
def test_a_bad_boolean_is_refused_with_the_variable_named(name: str) -> None:
    result = manage("check", env=production_env(**{name: "perhaps"}))
    assert result.returncode != 0
    assert f"{name} must be one of 1/0/true/false/yes/no, not 'perhaps'." in result.stderr


def test_a_bad_whole_number_is_refused_with_the_variable_named() -> None:
    result = manage("check", env=production_env(DJANGO_CONN_MAX_AGE="ten"))
    assert result.returncode != 0
    assert "DJANGO_CONN_MAX_AGE must be a whole number, not 'ten'." in result.stderr


def test_check_deploy_finds_nothing_under_production_settings() -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(DJANGO_DEBUG="0"))
    assert result.returncode == 0, result.stderr
    # The one silenced check is django-otp-webauthn's "no allowed origins": ours are the request's own
    # (microcredentials/staff/two_factor.py's OwnOriginWebAuthnHelper), a test of which signs in with a passkey.
    assert "System check identified no issues (1 silenced)." in result.stdout
    assert settings.SILENCED_SYSTEM_CHECKS == ["otp_webauthn.E030"]


@dataclass
class Server:
    """A gunicorn process, and the lines it writes as (stream name, line)."""

    process: subprocess.Popen[str]
    port: int
    output: "queue.Queue[tuple[str, str]]" = field(default_factory=queue.Queue)

    def wait_for(self, stream: str, text: str) -> None:
        """Wait (at most START_TIMEOUT seconds) until `stream` has written a line containing `text`."""
        deadline = time.monotonic() + START_TIMEOUT
        seen: list[str] = []
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                name, line = self.output.get(timeout=remaining)
            except queue.Empty:
                break
            seen.append(f"{name}: {line}")
            if name == stream and text in line:
                return
        raise AssertionError(f"gunicorn's {stream} never said {text!r}:\n" + "".join(seen))

    def get(self, path: str, **headers: str) -> tuple[http.client.HTTPResponse, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        connection.close()
        return response, body

    def follow(self, name: str, stream: IO[str]) -> None:
        def read() -> None:
            for line in stream:
                self.output.put((name, line))

        threading.Thread(target=read, daemon=True).start()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def gunicorn_server(tmp_path: Path) -> Iterator[Server]:
    """gunicorn with gunicorn.conf.py and production settings over a migrated, loaded SQLite file."""
    port = _free_port()
    env = production_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        GUNICORN_CMD_ARGS=f"--bind 127.0.0.1:{port}",
        WEB_CONCURRENCY="1",
    )
    for command in (["migrate", "--no-input"], ["load_content"]):
        result = manage(*command, env=env)
        assert result.returncode == 0, result.stderr
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "careers_site.wsgi"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    server = Server(process=process, port=port)
    assert process.stdout is not None and process.stderr is not None
    server.follow("stdout", process.stdout)
    server.follow("stderr", process.stderr)
    try:
        server.wait_for("stderr", "Booting worker")
        yield server
    finally:
        process.terminate()  # SIGTERM to this PID only: gunicorn stops its own workers
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.mark.slow
def test_gunicorn_serves_the_advice_page_and_logs_the_request(gunicorn_server: Server) -> None:
    response, body = gunicorn_server.get(ADVICE_URL)
    assert response.status == 200
    page = body.decode()
    assert "<h1>Micro-credentials</h1>" in page
    assert 'Updated <time datetime="2026-11-28">28 Nov 2026</time>' in page
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    health, _ = gunicorn_server.get("/healthz")
    assert health.status == 200
    gunicorn_server.wait_for("stdout", f'"GET {ADVICE_URL} HTTP/1.1" 200')


@pytest.mark.slow
@pytest.mark.parametrize(("encoding", "decompress"), [("br", brotli.decompress), ("gzip", gzip.decompress)])
def test_gunicorn_serves_hashed_compressed_static_files_for_a_year(
    gunicorn_server: Server, encoding: str, decompress: Callable[[bytes], bytes]
) -> None:
    _, page = gunicorn_server.get(ADVICE_URL)
    match = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page.decode())
    assert match, "the page links the hashed stylesheet"
    response, body = gunicorn_server.get(match.group(1), **{"Accept-Encoding": encoding})
    assert response.status == 200
    assert response.getheader("Content-Encoding") == encoding
    assert response.getheader("Vary") == "Accept-Encoding"
    cache_control = response.getheader("Cache-Control") or ""
    max_age = re.search(r"max-age=(\d+)", cache_control)
    assert max_age and int(max_age.group(1)) >= 365 * 24 * 60 * 60
    assert "immutable" in cache_control
    original = (BASE_DIR / "static" / "css" / "site.css").read_bytes()
    assert decompress(body) == original


@pytest.mark.parametrize(("setting", "threshold"), [("", "0"), ("1", "0"), ("0", "None")])
def test_prepared_statements_can_be_turned_off_for_a_pooler(setting: str, threshold: str) -> None:
    show = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS']['prepare_threshold'])"
    env = production_env(DATABASE_URL="postgres://site@127.0.0.1:5432/careers", DJANGO_DB_PREPARED_STATEMENTS=setting)
    result = manage("shell", "--no-imports", "-c", show, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == threshold


COOKIE_NAMES = """
from django.conf import settings
from django.test import Client
print(settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)
print(settings.SESSION_COOKIE_PATH, settings.CSRF_COOKIE_PATH)
print(settings.SESSION_COOKIE_DOMAIN, settings.CSRF_COOKIE_DOMAIN)
response = Client().get("/{admin}login/", secure=True)
print(response.status_code)
print(response.cookies[settings.CSRF_COOKIE_NAME].OutputString())
"""


def test_production_cookies_carry_the_host_prefix_and_meet_its_rules(tmp_path: Path) -> None:
    """`__Host-`: a browser keeps the cookie only if it is Secure, Path=/ and has no Domain (and came over HTTPS)."""
    env = production_env(DJANGO_ALLOWED_HOSTS="testserver", DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}")
    result = manage("shell", "--no-imports", "-c", COOKIE_NAMES.format(admin=settings.ADMIN_PATH), env=env)
    assert result.returncode == 0, result.stderr
    names, paths, domains, status, csrf_cookie = result.stdout.splitlines()[-5:]
    assert names == "__Host-sessionid __Host-csrftoken"
    assert (paths, domains) == ("/ /", "None None")
    assert status == "200"
    name, *attributes = [part.strip() for part in csrf_cookie.split(";")]
    assert name.startswith("__Host-csrftoken=")
    assert "Secure" in attributes and "Path=/" in attributes
    assert not [attribute for attribute in attributes if attribute.lower().startswith("domain")]


def test_a_production_settings_run_over_plain_http_keeps_the_plain_cookie_names() -> None:
    """Over plain HTTP on 127.0.0.1 (tests, benchmarks), clients that are not browsers read the cookies back."""
    show = "from django.conf import settings; print(settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)"
    result = manage("shell", "--no-imports", "-c", show, env=production_env(DJANGO_SECURE_SSL_REDIRECT="0"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["sessionid", "csrftoken"]


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def test_the_environment_and_the_image_have_current_pip_and_setuptools() -> None:
    """setuptools before 78.1.1 lets a package index write outside its folder (CVE-2025-47273; before 70.0,
    CVE-2024-6345 ran code from one); Python 3.11's venv still starts with setuptools 65. make install and the
    image upgrade both; scripts/dockerfile_steps.sh mirrors the image (tests/ops/test_dockerfile.py)."""
    assert _version(importlib.metadata.version("setuptools")) >= (78, 1, 1)
    assert _version(importlib.metadata.version("pip")) >= (25, 0)
    upgrade = re.compile(r"pip install (?:--quiet )?--upgrade pip setuptools\n")
    assert upgrade.search((BASE_DIR / "Makefile").read_text())
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    in_image = re.search(r"^RUN " + upgrade.pattern, dockerfile, re.MULTILINE)
    assert in_image and in_image.start() < dockerfile.index("COPY . .")


def test_the_shipped_gunicorn_config_hides_the_loaded_app_from_the_garbage_collector_before_each_fork(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Full collections then skip Django's long-lived objects (docs/benchmarks.md has the p99 it saves)."""
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))  # not a fresh folder on /dev/shm, left behind
    config = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    assert gc.get_freeze_count() == 0
    try:
        config["pre_fork"](None, None)
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
