"""Public pages served from Django's cache, never stale.

How it stays right:
- Every cached page is stored under the current *content generation*. Saving or
  deleting anything a public page shows bumps the generation (signals below), so
  the next request renders afresh. With Redis the generation is shared by every
  app server; with the local-memory cache it lives in a stamp file's mtime, which
  every worker process on the machine sees.
- A cached page also expires at the next scheduled change (a page's publish_at),
  so scheduled pages appear on time without a cron job.
- The one part of a page that differs per request, the site alert, is left as a
  hole, filled on the way out by `PerRequestFragmentsMiddleware` (from its own
  short-lived cache, reworded each minute, hidden per visitor's cookie). Readers'
  forms carry no per-visitor token (see security.refuse_cross_origin_posts), so
  every anonymous reader gets the same bytes and sets no cookie.
- Only anonymous GETs without cookies other than the alert-dismissal cookie are
  served from the cache; staff, sessions and messages always get a
  fresh render. A query string bypasses the cache, except on the paths in
  QUERY_KEYED_PATHS, which are cached per query (in the "search" cache).
"""

import functools
import hashlib
import os
import tempfile
import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_etags

ALERT_MARKER = "<!--site-alert-hole-->"
ALERT_HOLE = ALERT_MARKER.encode()
PUBLIC_CACHE_CONTROL = f"public, max-age={settings.PUBLIC_CACHE_SECONDS}"
GENERATION_KEY = "content-generation"
STALE_IF_ERROR_SECONDS = 24 * 60 * 60
# Pages that depend on their query string, with the parameters they read: readers make the same
# searches again and again, so these are cached per query, in their own bounded cache ("search" in
# settings.CACHES). A copy lasts no longer than a browser may keep it and does not stand in during an
# outage. Any other parameter, or one given twice, bypasses the cache, so it cannot be used to fill it.
QUERY_KEYED_PATHS = {"/search/": frozenset({"q", "page"})}
# Part of every page key: change it when CachedPage changes, so a release never unpickles an older shape.
CACHED_PAGE_FORMAT = 3

# --- the content generation -------------------------------------------------


@functools.cache
def _stamp_file() -> Path:
    project = hashlib.sha256(str(settings.BASE_DIR).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"careers-site-{project}.stamp"


def _uses_local_memory() -> bool:
    return settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")


# The generation as this request first read it. With Redis each read is a round trip, and a cached page's
# key and its alert would each read it. A change made during the request (a staff save) forgets it.
_generation_this_request: ContextVar[dict[str, str] | None] = ContextVar("generation_this_request", default=None)


@contextmanager
def one_generation_per_request() -> Iterator[None]:
    token = _generation_this_request.set({})
    try:
        yield
    finally:
        _generation_this_request.reset(token)


def content_generation() -> str:
    memo = _generation_this_request.get()
    if memo is None:
        return _read_generation()
    if "generation" not in memo:
        memo["generation"] = _read_generation()
    return memo["generation"]


def _read_generation() -> str:
    if _uses_local_memory():
        try:
            return str(os.stat(_stamp_file()).st_mtime_ns)
        except FileNotFoundError:
            return "0"
    # No expiry; and should the key be evicted anyway, it restarts from the clock, never from a number
    # that earlier (and possibly still cached) pages were stored under.
    return str(cache.get_or_set(GENERATION_KEY, time.time_ns, timeout=None))


def _bump() -> None:
    if _uses_local_memory():
        stamp = _stamp_file()
        stamp.touch()
        previous = int(_read_generation())
        now_ns = max(time.time_ns(), previous + 1)
        os.utime(stamp, ns=(now_ns, now_ns))
    else:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # the key was evicted
            cache.set(GENERATION_KEY, time.time_ns(), timeout=None)
    memo = _generation_this_request.get()
    if memo is not None:
        memo.clear()  # the rest of this request reads the new generation


def bump_content_generation() -> None:
    """Invalidate every cached public page: now, and again once the transaction commits.

    The second bump stops a request that read the old rows mid-transaction from
    caching them under the new generation.
    """
    _bump()
    if connection.in_atomic_block:
        transaction.on_commit(_bump)


def _on_content_change(**kwargs: Any) -> None:
    bump_content_generation()


def connect_invalidation_signals() -> None:
    """Anything a public page shows: its change empties the page cache."""
    from microcredentials import models

    shown_on_pages = [
        models.Topic,
        models.AdvicePage,
        models.PageChange,
        models.SiteAlert,
        models.ContactDetails,
        models.OpeningHours,
    ]
    for model in shown_on_pages:
        post_save.connect(_on_content_change, sender=model, dispatch_uid=f"cache-save-{model.__name__}")
        post_delete.connect(_on_content_change, sender=model, dispatch_uid=f"cache-delete-{model.__name__}")
    m2m_changed.connect(
        _on_content_change, sender=models.AdvicePage.related_pages.through, dispatch_uid="cache-related-pages"
    )


# --- values under generation-bearing keys -----------------------------------

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class ProcessMemo(Generic[K, V]):
    """Values this process worked out or read, under keys that name everything they depend on (a content
    generation, a second, a body's hash). A key's value never goes stale: after a change, the old keys are
    simply never asked for again. So the memo keeps no ages; it empties itself when full."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._values: dict[K, V] = {}

    def get(self, key: K) -> V | None:
        return self._values.get(key)

    def keep(self, key: K, value: V) -> V:
        if len(self._values) >= self._limit:
            self._values.clear()
        self._values[key] = value
        return value


# What this process has already read from the shared cache under keys that include the content generation,
# so it can skip the cache round trip.
_seen_in_process: ProcessMemo[str, Any] = ProcessMemo(limit=256)


def generation_get(key: str) -> Any:
    value = _seen_in_process.get(key)
    if value is None:
        value = cache.get(key)
        if value is not None:
            _seen_in_process.keep(key, value)
    return value


def generation_set(key: str, value: Any, timeout: float | None) -> None:
    cache.set(key, value, timeout=timeout)
    _seen_in_process.keep(key, value)


# --- the page cache ---------------------------------------------------------


@dataclass
class CachedPage:
    body: bytes
    content_type: str
    expires_at: float
    etag_basis: str  # a hash of the body, worked out once when stored
    last_modified: str


def cache_public_page(view: Callable[..., HttpResponse] | None = None, *, to_the_minute: bool = False) -> Any:
    """Mark a view's successful responses as safe to cache for anonymous readers.

    `to_the_minute=True` is for pages whose wording depends on the clock (the contact
    page's "Open now"): their cached copy ends at the next minute boundary.
    """
    if view is None:
        return functools.partial(cache_public_page, to_the_minute=to_the_minute)

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response.cache_public = True  # type: ignore[attr-defined]
        response.cache_to_the_minute = to_the_minute  # type: ignore[attr-defined]
        return response

    return wrapped


def _cache_address(request: HttpRequest) -> str | None:
    """What a cached copy of this response is kept under, or None if the request must not use the cache.

    Decoded parameters, not the raw query string: two spellings of one query share a copy, and two
    queries can never share one.
    """
    if request.method not in ("GET", "HEAD"):
        return None
    # Not even a CSRF cookie (left from a staff sign-in): Django re-sets a malformed one on the way out, and a
    # response that sets a cookie must never be marked public.
    if not set(request.COOKIES) <= {settings.ALERT_DISMISS_COOKIE}:
        return None
    names = QUERY_KEYED_PATHS.get(request.path)
    if names is None:
        return None if request.META.get("QUERY_STRING") else request.path
    if not set(request.GET) <= names or any(len(request.GET.getlist(name)) > 1 for name in request.GET):
        return None
    return f"{request.path}?{urlencode(sorted(request.GET.items()))}"


def _page_key(address: str) -> str:
    address_hash = hashlib.sha256(address.encode()).hexdigest()
    return f"page:v{CACHED_PAGE_FORMAT}:{content_generation()}:{address_hash}"


def _next_scheduled_change() -> float | None:
    """When the next scheduled page goes live (as a timestamp), cached per generation."""
    from microcredentials.models import AdvicePage

    key = f"schedule:{content_generation()}"
    found = generation_get(key)
    if found is None or 0 < found <= time.time():  # unknown, or that page has gone live since
        upcoming = (
            AdvicePage.objects.filter(status=AdvicePage.Status.PUBLISHED, publish_at__gt=timezone.now())
            .order_by("publish_at")
            .values_list("publish_at", flat=True)
            .first()
        )
        found = upcoming.timestamp() if upcoming else 0.0
        generation_set(key, found, timeout=settings.PUBLIC_CACHE_SECONDS * 10)
    return found or None


class PageCacheMiddleware:
    """Serve anonymous readers' public pages from the cache, storing fresh renders."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        address = _cache_address(request)
        if address is None:
            return self.get_response(request)
        key = _page_key(address)
        now = time.time()
        per_query = request.path in QUERY_KEYED_PATHS
        entry: CachedPage | None = caches["search"].get(key) if per_query else generation_get(key)
        if entry is not None and entry.expires_at > now:
            return _response_from(entry)
        response = self.get_response(request)
        if response.status_code == 503 and entry is not None:
            # The database is unreachable (see outage.py): a page that is a little out of date beats an error.
            return _response_from(entry)
        if getattr(response, "cache_public", False) and response.status_code == 200 and not response.cookies:
            entry = _store(key, response, now, per_query)
            _mark_public(response, entry)
        return response


def _store(key: str, response: HttpResponseBase, now: float, per_query: bool) -> CachedPage:
    lifetime = settings.PUBLIC_CACHE_SECONDS * (1 if per_query else 10)
    if getattr(response, "cache_to_the_minute", False):
        lifetime = 60 - int(now) % 60
    next_change = _next_scheduled_change()
    if next_change is not None:
        lifetime = min(lifetime, max(int(next_change - now), 1))
    body: bytes = response.content  # type: ignore[attr-defined]
    entry = CachedPage(
        body=body,
        content_type=response["Content-Type"],
        expires_at=now + lifetime,
        etag_basis=hashlib.sha256(body).hexdigest()[:32],
        last_modified=http_date(now),
    )
    if per_query:
        caches["search"].set(key, entry, timeout=lifetime)
    else:  # kept past its freshness, so it can stand in while the database is down
        generation_set(key, entry, timeout=lifetime + STALE_IF_ERROR_SECONDS)
    return entry


def _response_from(entry: CachedPage) -> HttpResponse:
    response = HttpResponse(entry.body, content_type=entry.content_type)
    _mark_public(response, entry)
    return response


def _mark_public(response: HttpResponseBase, entry: CachedPage) -> None:
    response["Cache-Control"] = PUBLIC_CACHE_CONTROL
    patch_vary_headers(response, ["Cookie"])
    response["Last-Modified"] = entry.last_modified
    response.etag_basis = entry.etag_basis  # type: ignore[attr-defined]


# --- filling the holes ------------------------------------------------------


class PerRequestFragmentsMiddleware:
    """Fill the alert hole in every HTML response; answer 304 where the page is unchanged."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        with one_generation_per_request():
            return self._fill(request, self.get_response(request))

    def _fill(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if getattr(response, "streaming", False) or not response.get("Content-Type", "").startswith("text/html"):
            return response
        body: bytes = response.content  # type: ignore[attr-defined]
        alert = _alert_html(request) if ALERT_HOLE in body else ""
        basis = getattr(response, "etag_basis", None)
        if not basis:  # not a public page: rendered for this request only
            response.content = body.replace(ALERT_HOLE, alert.encode())  # type: ignore[attr-defined]
            return response
        searched = request.path in QUERY_KEYED_PATHS  # too many and too varied to keep filled
        body, etag = _fill_page(body, basis, alert) if searched else _filled_page(body, basis, alert)
        if request.method in ("GET", "HEAD"):
            if etag in parse_etags(request.META.get("HTTP_IF_NONE_MATCH", "")):
                return _not_modified(response, etag)
            response["ETag"] = etag
        response.content = body  # type: ignore[attr-defined]
        return response


def _fill_page(body: bytes, basis: str, alert: str) -> tuple[bytes, str]:
    etag = '"' + hashlib.sha256(f"{basis}|{alert}".encode()).hexdigest()[:32] + '"'
    return body.replace(ALERT_HOLE, alert.encode()), etag


# Public pages as filled with an alert, with their ETags, by (the body's hash, the alert's HTML): the same
# for request after request, where filling the hole and hashing again cost about a tenth of a cached page.
_filled_pages: ProcessMemo[tuple[str, str], tuple[bytes, str]] = ProcessMemo(limit=64)


def _filled_page(body: bytes, basis: str, alert: str) -> tuple[bytes, str]:
    filled = _filled_pages.get((basis, alert))
    return filled if filled is not None else _filled_pages.keep((basis, alert), _fill_page(body, basis, alert))


def _alert_html(request: HttpRequest) -> str:
    from microcredentials.alerts import site_alert_html

    return site_alert_html(request)


def _not_modified(response: HttpResponseBase, etag: str) -> HttpResponseNotModified:
    not_modified = HttpResponseNotModified()
    for header in ("Cache-Control", "Last-Modified", "Vary"):
        if header in response:
            not_modified[header] = response[header]
    not_modified["ETag"] = etag
    return not_modified
