"""Public pages served from Django's cache, never stale.

How it stays right:
- Every cached page is stored under the current content generation (generation.py), which any change to what
  public pages show moves on, so the next request renders afresh.
- A cached page also expires at the next scheduled change (settings.PAGECACHE_NEXT_CHANGE), and the first
  request after it asks the feature to apply it (settings.PAGECACHE_APPLY_DUE), so scheduled pages and drafts
  appear on time without a cron job.
- The parts of a page that differ per request (the site alert) are left as holes, each marked by a placeholder
  in settings.PAGECACHE_FRAGMENTS and filled on the way out by `PerRequestFragmentsMiddleware`. Readers' forms
  carry no per-visitor token, so every anonymous reader gets the same bytes and sets no cookie.
- Only anonymous GETs without cookies other than the alert-dismissal cookie are served from the cache; staff,
  sessions and messages always get a fresh render. A query string bypasses the cache, unless the view
  declared the parameters it reads (decorators.cache_public_page): then it is cached per query, and a hook the
  view declared (on_cached_answer) is called before a copy answers, so the feature can count what it never sees.
"""

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from cachetools import LRUCache
from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_etags
from django.utils.module_loading import import_string

from careers_site import metrics
from careers_site.pagecache.encoding import accepted_encoding, compress, holds_no_secret, is_compressible, set_body
from careers_site.pagecache.generation import (
    OneGenerationPerRequest,
    content_generation,
    generation_get,
    generation_set,
)

# Browsers ask again every time (max-age=0, must-revalidate) and get a 304 while the page, its alert included, is
# unchanged, so an edited alert shows on a reader's next page view; shared caches (a CDN, nginx) may keep a page
# for PUBLIC_CACHE_SECONDS (s-maxage).
PUBLIC_VARY = "Cookie, Accept-Encoding"
PUBLIC_CACHE_CONTROL = f"public, max-age=0, must-revalidate, s-maxage={settings.PUBLIC_CACHE_SECONDS}"
STALE_IF_ERROR_SECONDS = 24 * 60 * 60
# Part of every page key: change it when CachedPage changes (or moves), so a release never unpickles an older shape.
CACHED_PAGE_FORMAT = 5

Handler = Callable[[HttpRequest], HttpResponseBase]


@dataclass
class CachedPage:
    body: bytes
    content_type: str
    expires_at: float
    etag_basis: str  # a hash of the body, worked out once when stored
    last_modified: str
    page_type: str  # the view's URL name, for the hit and miss counts (careers_site.metrics)


def _plain_address(request: HttpRequest) -> str | None:
    """The key of a request with no query string, before any view is known; None if it must not use the cache.

    Not even a CSRF cookie (left from a staff sign-in): Django re-sets a malformed one on the way out, and a
    response that sets a cookie must never be marked public.
    """
    if request.method not in ("GET", "HEAD") or request.META.get("QUERY_STRING"):
        return None
    if not set(request.COOKIES) <= {settings.ALERT_DISMISS_COOKIE}:
        return None
    return request.path


def _query_address(request: HttpRequest, keys: frozenset[str]) -> str | None:
    """The key of a request to a view cached per query: decoded parameters, so two spellings of one query share
    a copy and two queries never do. Any other parameter, or one given twice, bypasses the cache."""
    if request.method not in ("GET", "HEAD") or not set(request.COOKIES) <= {settings.ALERT_DISMISS_COOKIE}:
        return None
    if not set(request.GET) <= keys or any(len(request.GET.getlist(name)) > 1 for name in request.GET):
        return None
    return f"{request.path}?{urlencode(sorted(request.GET.items()))}"


def _page_key(address: str) -> str:
    address_hash = hashlib.sha256(address.encode()).hexdigest()
    return f"page:v{CACHED_PAGE_FORMAT}:{content_generation()}:{address_hash}"


# The current generation's answer of _next_scheduled_change (one entry): it is asked on every request.
_next_change_by_generation: dict[str, float] = {}


def _next_scheduled_change() -> float | None:
    """When public pages next change by themselves (a timestamp), asked of the feature once per generation."""
    generation = content_generation()
    found = _next_change_by_generation.get(generation)
    if found is None or 0 < found <= time.time():
        key = f"schedule:{generation}"
        found = generation_get(key)
        if found is None or 0 < found <= time.time():  # unknown, or that change has happened since
            upcoming = import_string(settings.PAGECACHE_NEXT_CHANGE)()
            found = upcoming.timestamp() if upcoming else 0.0
            generation_set(key, found, timeout=settings.PUBLIC_CACHE_SECONDS * 10)
        _next_change_by_generation.clear()
        _next_change_by_generation[generation] = found
    return found or None


def _apply_due_changes() -> None:
    """A scheduled moment has passed: let the feature apply what it waits for (a scheduled draft goes live)
    before this request is answered. Applying it moves the generation on, so no cached copy outlives it."""
    try:
        due = _next_scheduled_change()
        if due is not None and due <= time.time():
            import_string(settings.PAGECACHE_APPLY_DUE)()
    except DatabaseError:  # the outage middleware and stale copies answer for the database; nothing to apply now
        return


class PageCacheMiddleware:
    """Serve anonymous readers' public pages from the cache, storing fresh renders."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method in ("GET", "HEAD"):
            _apply_due_changes()
        address = _plain_address(request)
        if address is None:  # perhaps a view cached per query: process_view looks
            response = self.get_response(request)
            per_query_key = getattr(request, "page_cache_key", None)
            if per_query_key and not getattr(response, "from_page_cache", False):
                self._keep(request, per_query_key, response, per_query=True)
            return response
        key = _page_key(address)
        entry: CachedPage | None = generation_get(key)
        if entry is not None and entry.expires_at > time.time():
            _check_host(request)
            metrics.page_cache_hit(entry.page_type)
            return _response_from(entry, keep_filled=True)
        response = self.get_response(request)
        if response.status_code == 503 and entry is not None:
            # The database is unreachable (see careers_site.http.outage): a page a little out of date beats an error.
            metrics.page_cache_hit(entry.page_type)
            return _response_from(entry, keep_filled=True)
        self._keep(request, key, response, per_query=False)
        return response

    def process_view(self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any) -> Any:
        keys = getattr(view, "page_cache_query_keys", None)
        if not keys or not request.META.get("QUERY_STRING"):
            return None
        address = _query_address(request, keys)
        if address is None:
            return None
        request.page_cache_key = key = _page_key(address)  # type: ignore[attr-defined]
        entry: CachedPage | None = caches["search"].get(key)
        if entry is not None and entry.expires_at > time.time():
            metrics.page_cache_hit(entry.page_type)  # the Host was checked by CommonMiddleware, which runs first
            on_cached_answer = getattr(view, "page_cache_on_cached_answer", None)
            if on_cached_answer is not None:  # the view's feature sees the request it will not get (decorators.py)
                on_cached_answer(request)
            response = _response_from(entry, keep_filled=False)
            response.from_page_cache = True  # type: ignore[attr-defined]
            return response
        return None

    def _keep(self, request: HttpRequest, key: str, response: HttpResponseBase, per_query: bool) -> None:
        """A cacheable page rendered afresh: store it (and count the miss)."""
        if getattr(response, "cache_public", False) and response.status_code == 200 and not response.cookies:
            page_type = _page_type(request)
            metrics.page_cache_miss(page_type)
            _mark_public(response, _store(key, response, time.time(), per_query, page_type), keep_filled=not per_query)


# The Host headers (with X-Forwarded-Host and the server name, which Django may read instead) already found in
# ALLOWED_HOSTS: a site is asked for under a handful of names, and Django's check costs ~4 µs a request.
_allowed_hosts_seen: set[tuple[str | None, ...]] = set()
HOST_HEADER_FIELDS = ("HTTP_X_FORWARDED_HOST", "HTTP_HOST", "SERVER_NAME", "SERVER_PORT")


def _check_host(request: HttpRequest) -> None:
    """A Host not in ALLOWED_HOSTS gets its 400 (DisallowedHost), as CommonMiddleware below would give it."""
    seen = tuple(request.META.get(field) for field in HOST_HEADER_FIELDS)
    if seen not in _allowed_hosts_seen:
        request.get_host()
        if len(_allowed_hosts_seen) < 16:
            _allowed_hosts_seen.add(seen)


def _page_type(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return (match.url_name if match else None) or "other"


def _store(key: str, response: HttpResponseBase, now: float, per_query: bool, page_type: str) -> CachedPage:
    """A copy of a query lasts no longer than a browser may keep it and does not stand in during an outage."""
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
        page_type=page_type,
    )
    if per_query:
        caches["search"].set(key, entry, timeout=lifetime)
    else:  # kept past its freshness, so it can stand in while the database is down
        generation_set(key, entry, timeout=lifetime + STALE_IF_ERROR_SECONDS)
    return entry


def _response_from(entry: CachedPage, keep_filled: bool) -> HttpResponse:
    response = HttpResponse(entry.body, content_type=entry.content_type)
    _mark_public(response, entry, keep_filled)
    return response


def _mark_public(response: HttpResponseBase, entry: CachedPage, keep_filled: bool) -> None:
    response["Cache-Control"] = PUBLIC_CACHE_CONTROL
    if response.has_header("Vary"):
        patch_vary_headers(response, ["Cookie", "Accept-Encoding"])
    else:  # a copy from the cache has none yet: set it at once (patch_vary_headers, twice a request, cost ~10 µs)
        response["Vary"] = PUBLIC_VARY
    response["Last-Modified"] = entry.last_modified
    response.etag_basis = entry.etag_basis  # type: ignore[attr-defined]
    # Pages cached per query are too many and too varied to keep filled in this process.
    response.keep_filled = keep_filled  # type: ignore[attr-defined]


# --- filling the holes ------------------------------------------------------


class PerRequestFragmentsMiddleware:
    """Fill each fragment's hole in every HTML response; answer 304 where the page is unchanged."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        # (placeholder, the function that fills it for a request), as settings.PAGECACHE_FRAGMENTS names them.
        self.fragments = [
            (placeholder.encode(), metrics.counted_fill(_fragment_name(placeholder), import_string(path)))
            for placeholder, path in settings.PAGECACHE_FRAGMENTS.items()
        ]

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        with OneGenerationPerRequest():
            return self._fill(request, self.get_response(request))

    def _fill(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if getattr(response, "streaming", False) or not response.get("Content-Type", "").startswith("text/html"):
            return _compressed_if_safe(request, response)
        body: bytes = response.content  # type: ignore[attr-defined]
        fills = tuple((hole, fill(request) if hole in body else "") for hole, fill in self.fragments)
        basis = getattr(response, "etag_basis", None)
        if not basis:  # not a public page: rendered for this request only
            response.content = filled = _fill(body, fills)  # type: ignore[attr-defined]
            if response.has_header("Content-Length"):  # set by CommonMiddleware (below) before the hole was filled
                response["Content-Length"] = str(len(filled))
            return _compressed_if_safe(request, response)
        encoding = accepted_encoding(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        memo = _filled_pages if getattr(response, "keep_filled", False) else _filled_searches
        body, etag = _filled_page(memo, body, basis, fills, encoding)
        if request.method in ("GET", "HEAD"):
            if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
            if if_none_match and etag in parse_etags(if_none_match):
                return _not_modified(response, etag)
            response["ETag"] = etag
        set_body(response, body, encoding)
        return response


def _fragment_name(placeholder: str) -> str:
    """ "site-alert" for "<!--site-alert-hole-->": the fragment's label in the fill count."""
    return placeholder.removeprefix("<!--").removesuffix("-->").removesuffix("-hole")


Fills = tuple[tuple[bytes, str], ...]
Filled = tuple[bytes, str]


def _fill(body: bytes, fills: Fills) -> bytes:
    for hole, html in fills:
        body = body.replace(hole, html.encode())
    return body


def _fill_page(body: bytes, basis: str, fills: Fills, encoding: str | None) -> Filled:
    """The page as sent (filled, then compressed), and its ETag: one per body and per encoding."""
    digest = hashlib.sha256("|".join([basis, *(html for _, html in fills)]).encode()).hexdigest()[:32]
    filled = _fill(body, fills)
    if encoding is None:
        return filled, f'"{digest}"'
    return compress(filled, encoding), f'"{digest}-{encoding}"'


# Public pages as sent, with their ETags, by (the body's hash, the fills, the encoding): the same for request
# after request, so filling, hashing and compressing happen once per process, not per request. Pages cached per
# query (searches) keep their own, so a flood of made-up queries cannot push the pages out.
_filled_pages: LRUCache[tuple[str, Fills, str | None], Filled] = LRUCache(maxsize=128)
_filled_searches: LRUCache[tuple[str, Fills, str | None], Filled] = LRUCache(maxsize=64)


def _filled_page(
    memo: LRUCache[tuple[str, Fills, str | None], Filled], body: bytes, basis: str, fills: Fills, encoding: str | None
) -> Filled:
    filled = memo.get((basis, fills, encoding))
    if filled is None:
        filled = memo[(basis, fills, encoding)] = _fill_page(body, basis, fills, encoding)
    return filled


def _compressed_if_safe(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    encoding = accepted_encoding(request.META.get("HTTP_ACCEPT_ENCODING", ""))
    if encoding and is_compressible(response) and holds_no_secret(request, response):
        body = compress(response.content, encoding)  # type: ignore[attr-defined]
        if response.has_header("ETag"):  # a different body needs a different validator
            response["ETag"] = response["ETag"].rstrip('"') + f'-{encoding}"'
        set_body(response, body, encoding)
    return response


def _not_modified(response: HttpResponseBase, etag: str) -> HttpResponseNotModified:
    not_modified = HttpResponseNotModified()
    for header in ("Cache-Control", "Last-Modified", "Vary"):
        if header in response:
            not_modified[header] = response[header]
    not_modified["ETag"] = etag
    return not_modified
