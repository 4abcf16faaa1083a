"""A real HTTP server on 127.0.0.1 for the link checker, answering each outcome the checker must tell apart."""

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

SLOW_SECONDS = 1.0  # longer than the checker's timeout in these tests
CHECK_TIMEOUT = 0.3


@dataclass
class Seen:
    method: str
    path: str
    user_agent: str
    started: float
    ended: float = 0.0


@dataclass
class LinkServer:
    port: int
    requests: list[Seen] = field(default_factory=list)
    busy: int = 0
    most_at_once: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"


def _handler(server: LinkServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
            pass

        def do_HEAD(self) -> None:
            self._answer(body=False)

        def do_GET(self) -> None:
            self._answer(body=True)

        def _answer(self, body: bool) -> None:
            seen = Seen(self.command, self.path, self.headers.get("User-Agent", ""), time.monotonic())
            with server.lock:
                server.requests.append(seen)
                server.busy += 1
                server.most_at_once = max(server.most_at_once, server.busy)
            try:
                self._respond(body)
            finally:
                seen.ended = time.monotonic()
                with server.lock:
                    server.busy -= 1

        def _respond(self, body: bool) -> None:
            path = self.path.split("?")[0]
            if path == "/slow":
                time.sleep(SLOW_SECONDS)
            if path == "/busy":
                time.sleep(0.05)
            if path == "/no-head" and not body:
                return self._send(405)
            redirects = {
                "/moved": "/ok",
                "/moved-twice": "/moved",
                "/moved-to-missing": "/missing",
                "/to-private": f"http://127.0.0.1:{server.port}/ok",
                "/loop": "/loop",
            }
            if path in redirects:
                return self._send(301, location=redirects[path])
            codes = {"/missing": 404, "/error": 500}
            self._send(codes.get(path, 200 if path in ("/ok", "/slow", "/busy", "/no-head") else 404))

        def _send(self, code: int, location: str = "") -> None:
            self.send_response(code)
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

    return Handler


@pytest.fixture
def link_server(settings: Any) -> Iterator[LinkServer]:
    """The server, with the checker allowed to reach 127.0.0.1, a short timeout and no delay between requests."""
    settings.LINK_CHECK_ALLOW_PRIVATE = True
    settings.LINK_CHECK_TIMEOUT = CHECK_TIMEOUT
    settings.LINK_CHECK_HOST_DELAY = 0
    state = LinkServer(port=0)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.block_on_close = False  # a sleeping handler must not hold up the next test
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
