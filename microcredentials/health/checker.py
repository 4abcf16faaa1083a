"""Checking one external address: HEAD, then GET if HEAD fails; each redirect followed by hand and checked in
turn; a short timeout; one request at a time to each host, a little apart; an honest User-Agent.

Plain functions over addresses: they touch no database, so `check_urls` can run them in threads.
"""

import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import certifi
import urllib3
from django.conf import settings
from urllib3.exceptions import HTTPError, TimeoutError

from microcredentials.health.addresses import RefusedAddress, resolve

MAX_REDIRECTS = 5
REDIRECT_CODES = {301, 302, 303, 307, 308}
THREADS = 4  # hosts checked at once; each host still gets one request at a time


@dataclass(frozen=True)
class LinkResult:
    status: str  # "ok", "redirected" or "broken", as LinkCheck.Status
    status_code: int | None = None
    final_url: str = ""
    error: str = ""


@dataclass(frozen=True)
class CheckPolicy:
    timeout: float
    host_delay: float
    allow_private: bool
    user_agent: str
    # Hosts allowed to be private even so: only tests use it, to prove a redirect to a private address is refused.
    private_hosts: frozenset[str] = frozenset()

    def allows_private(self, host: str) -> bool:
        return self.allow_private or host in self.private_hosts


def policy_from_settings() -> CheckPolicy:
    return CheckPolicy(
        timeout=settings.LINK_CHECK_TIMEOUT,
        host_delay=settings.LINK_CHECK_HOST_DELAY,
        allow_private=settings.LINK_CHECK_ALLOW_PRIVATE,
        user_agent=user_agent(),
    )


def user_agent() -> str:
    return f"CareersAdviceLinkChecker/1.0 (+{settings.SITE_URL}/)"


class HostLimiter:
    """One request at a time to each host, at least `delay` seconds apart (shared by every thread)."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._last: dict[str, float] = {}

    def wait_turn(self, host: str, delay: float) -> threading.Lock:
        """Take the host's lock, once `delay` has passed since its last request; the caller releases it."""
        with self._guard:
            lock = self._locks.setdefault(host, threading.Lock())
        lock.acquire()
        wait = self._last.get(host, -delay) + delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        return lock

    def done(self, host: str, lock: threading.Lock) -> None:
        self._last[host] = time.monotonic()
        lock.release()


LIMITER = HostLimiter()


def check_urls(urls: Iterable[str], policy: CheckPolicy | None = None) -> dict[str, LinkResult]:
    """Check each address once, several hosts at a time."""
    policy = policy or policy_from_settings()
    unique = sorted(set(urls))
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return dict(zip(unique, pool.map(lambda url: check_url(url, policy), unique), strict=True))


def check_url(url: str, policy: CheckPolicy | None = None) -> LinkResult:
    """Follow `url` through its redirects to an answer: OK, redirected (with the final address) or broken."""
    policy = policy or policy_from_settings()
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        code, location, problem = _request_either_way(current, policy)
        if problem:
            return LinkResult("broken", code, final_url="" if current == url else current, error=problem)
        assert code is not None
        if code in REDIRECT_CODES and location:
            current = urljoin(current, location)
            continue
        if code >= 400:
            return LinkResult("broken", code, final_url="" if current == url else current, error=f"HTTP {code}")
        if current != url:
            return LinkResult("redirected", code, final_url=current)
        return LinkResult("ok", code)
    return LinkResult("broken", None, final_url=current, error=f"More than {MAX_REDIRECTS} redirects")


def _request_either_way(url: str, policy: CheckPolicy) -> tuple[int | None, str, str]:
    """HEAD, and GET when HEAD is refused or fails: (status code, Location, problem)."""
    code, location, problem = _request("HEAD", url, policy)
    if problem.startswith("Not checked") or (code is not None and code < 400 and not problem):
        return code, location, problem
    return _request("GET", url, policy)


def _request(method: str, url: str, policy: CheckPolicy) -> tuple[int | None, str, str]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None, "", "Not checked: only http and https addresses are checked"
    try:
        host = parts.hostname.encode("idna").decode("ascii")
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except (UnicodeError, ValueError):
        return None, "", "The address is not valid"
    lock = LIMITER.wait_turn(host, policy.host_delay)
    try:
        address = resolve(host, port, policy.allows_private(host))
        return _send(method, parts.scheme, host, address, port, _target(url), policy)
    except RefusedAddress as refused:
        return None, "", f"Not checked: {refused}"
    except OSError:
        return None, "", "The site's name was not found"
    finally:
        LIMITER.done(host, lock)


def _target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _send(
    method: str, scheme: str, host: str, address: str, port: int, target: str, policy: CheckPolicy
) -> tuple[int | None, str, str]:
    """One request to the checked `address`, naming `host` in the Host header and (for TLS) in SNI and the
    certificate check."""
    timeout = urllib3.Timeout(connect=policy.timeout, read=policy.timeout)
    default_port = 443 if scheme == "https" else 80
    named = f"[{host}]" if ":" in host else host  # an IPv6 address is bracketed in the Host header
    headers = {
        "Host": named if port == default_port else f"{named}:{port}",
        "User-Agent": policy.user_agent,
        "Accept": "text/html,*/*;q=0.5",
    }
    pool: urllib3.HTTPConnectionPool
    if scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            address, port, timeout=timeout, retries=False, maxsize=1, server_hostname=host, assert_hostname=host,
            cert_reqs="CERT_REQUIRED", ca_certs=certifi.where(),
        )  # fmt: skip
    else:
        pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False, maxsize=1)
    try:
        response = pool.urlopen(
            method,
            target,
            headers=headers,
            redirect=False,
            retries=False,
            preload_content=False,
            assert_same_host=False,
        )
        response.release_conn()
        return response.status, response.headers.get("Location", ""), ""
    except TimeoutError:
        return None, "", f"No answer within {policy.timeout:g} seconds"
    except (HTTPError, OSError) as error:
        return None, "", _describe(error)
    finally:
        pool.close()


def _describe(error: Exception) -> str:
    text = str(error).lower()
    if "certificate" in text or "ssl" in text:
        return "The site's security certificate is not valid"
    return "Could not connect to the site"
