"""Error reporting: with SENTRY_DSN set, a view's error reaches Sentry (a real local HTTP server standing in for it)
without cookies, session, CSRF token, credentials or form data; without it, sentry_sdk is never even loaded.

Each run is a process of its own, so the SDK's global set-up never leaks into other tests.
"""

import gzip
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import brotli
import pytest

from scripts.site_server import ROOT, manage, production_env

SECRETS = {
    "session cookie": "secret-session-value-1",
    "CSRF cookie": "secret-csrf-cookie-2",
    "CSRF form field": "secret-csrf-field-3",
    "form text": "secret-form-text-4",
    "authorization header": "secret-bearer-5",
    "CSRF header": "secret-csrf-header-6",
}

# A view that fails, added to the site's URLs, and one request to it through the site's real WSGI application
# (as gunicorn calls it) carrying every secret above.
SCRIPT = f"""
import io, sys, urllib.parse, wsgiref.util
from django.core.wsgi import get_wsgi_application
application = get_wsgi_application()
from django.urls import clear_url_caches, path
from careers_site import urls

from django.views.decorators.csrf import csrf_exempt

@csrf_exempt  # the CSRF values are sent to see that they are not reported, not to pass the check
def fail(request):
    request.POST  # read the form, as a view would
    raise RuntimeError("a fault in a view, for the test")

urls.urlpatterns.insert(0, path("fail-for-test/", fail))
clear_url_caches()
body = urllib.parse.urlencode(
    {{"comment": {SECRETS["form text"]!r}, "csrfmiddlewaretoken": {SECRETS["CSRF form field"]!r}}}
).encode()
environ = {{}}
wsgiref.util.setup_testing_defaults(environ)
environ.update({{
    "REQUEST_METHOD": "POST",
    "PATH_INFO": "/fail-for-test/",
    "CONTENT_TYPE": "application/x-www-form-urlencoded",
    "CONTENT_LENGTH": str(len(body)),
    "wsgi.input": io.BytesIO(body),
    "HTTP_COOKIE": "sessionid={SECRETS["session cookie"]}; csrftoken={SECRETS["CSRF cookie"]}",
    "HTTP_AUTHORIZATION": "Bearer {SECRETS["authorization header"]}",
    "HTTP_X_CSRFTOKEN": {SECRETS["CSRF header"]!r},
}})
statuses = []
b"".join(application(environ, lambda status, headers, *rest: statuses.append(status)))
assert statuses[0].startswith("500"), statuses
if "sentry_sdk" in sys.modules:
    import sentry_sdk
    sentry_sdk.flush(timeout=10)
    print("sentry active:", sentry_sdk.get_client().is_active())
else:
    print("sentry not loaded")
"""


class Envelopes(BaseHTTPRequestHandler):
    received: list[tuple[str, bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            body = brotli.decompress(body)
        self.received.append((self.path, body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def sentry_server() -> Iterator[tuple[int, list[tuple[str, bytes]]]]:
    received: list[tuple[str, bytes]] = []
    handler = type("Recorder", (Envelopes,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], received
    finally:
        server.shutdown()
        server.server_close()


def run_failing_request(tmp_path: Path, **env: str) -> str:
    site = production_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}",
        DJANGO_SETTINGS_MODULE="careers_site.settings",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
    )
    site.update(env)
    manage(site, "migrate", "--no-input")
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=site, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def items(envelope: bytes) -> list[dict[str, object]]:
    """The JSON payloads of an envelope (a header line, then an item header and payload per item)."""
    lines = envelope.split(b"\n")[1:]
    return [json.loads(payload) for payload in lines[1::2] if payload.strip()]


@pytest.mark.slow
def test_a_failing_view_reaches_sentry_without_cookies_credentials_or_form_data(
    tmp_path: Path, sentry_server: tuple[int, list[tuple[str, bytes]]]
) -> None:
    port, received = sentry_server
    output = run_failing_request(
        tmp_path,
        SENTRY_DSN=f"http://publickey@127.0.0.1:{port}/42",
        SENTRY_TRACES_SAMPLE_RATE="1.0",
        APP_RELEASE="careers@test-release",
    )
    assert "sentry active: True" in output
    assert received and all(path == "/api/42/envelope/" for path, _ in received)
    payloads = [payload for _, envelope in received for payload in items(envelope)]
    [error] = [payload for payload in payloads if payload.get("exception")]
    assert "a fault in a view, for the test" in json.dumps(error["exception"])
    assert error["release"] == "careers@test-release"
    request = error["request"]
    assert isinstance(request, dict) and request["url"].endswith("/fail-for-test/")
    assert "cookies" not in request and "data" not in request
    assert request["headers"].get("Authorization") in (None, "[removed]")
    everything = b"".join(envelope for _, envelope in received)  # the error and the request's trace alike
    for what, secret in SECRETS.items():
        assert secret.encode() not in everything, f"the {what} was sent to Sentry"
    assert b"sessionid" not in everything and b"csrftoken" not in everything


@pytest.mark.slow
def test_without_a_dsn_sentry_is_never_loaded_and_nothing_is_sent(
    tmp_path: Path, sentry_server: tuple[int, list[tuple[str, bytes]]]
) -> None:
    port, received = sentry_server
    output = run_failing_request(tmp_path, SENTRY_DSN="")
    assert "sentry not loaded" in output
    assert received == []


def test_the_test_process_itself_runs_without_sentry() -> None:
    assert "sentry_sdk" not in sys.modules or not __import__("sentry_sdk").get_client().is_active()
