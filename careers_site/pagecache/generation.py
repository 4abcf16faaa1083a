"""The content generation: one number that names the current state of everything public pages show.

Saving or deleting any model a feature registered (see `invalidate_on_change`) bumps it, so every cached page
and fragment stored under the old number is simply never asked for again. With Redis the generation is shared
by every app server; with the local-memory cache it lives in a stamp file's mtime, which every worker process
on the machine sees.
"""

import functools
import hashlib
import os
import tempfile
import time
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from cachetools import LRUCache
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

GENERATION_KEY = "content-generation"


@functools.cache
def _stamp_file() -> Path:
    project = hashlib.sha256(str(settings.BASE_DIR).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"careers-site-{project}.stamp"


def _uses_local_memory() -> bool:
    return settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")


# The generation as this request first read it. With Redis each read is a round trip, and a cached page's
# key and its alert would each read it. A change made during the request (a staff save) forgets it.
_generation_this_request: ContextVar[dict[str, str] | None] = ContextVar("generation_this_request", default=None)


class OneGenerationPerRequest:
    """`with OneGenerationPerRequest():` around a request. A class, not @contextmanager: it runs on every
    request, and a generator-based context manager costs three times as much."""

    def __enter__(self) -> None:
        self.token = _generation_this_request.set({})

    def __exit__(self, *exc_info: object) -> None:
        _generation_this_request.reset(self.token)


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


def invalidate_on_change(*models: type[Model]) -> None:
    """Public pages show these models: saving or deleting one (or changing a many-to-many through one) bumps the
    generation. Each feature calls this from its AppConfig.ready(), so the page cache knows no feature."""
    for model in models:
        name = model._meta.label_lower
        post_save.connect(_on_content_change, sender=model, dispatch_uid=f"pagecache-save-{name}")
        post_delete.connect(_on_content_change, sender=model, dispatch_uid=f"pagecache-delete-{name}")
        m2m_changed.connect(_on_content_change, sender=model, dispatch_uid=f"pagecache-m2m-{name}")


# Values under keys that include the generation: such a value never goes stale, so this process may keep
# what it read, least recently used first out.
# What this process has already read from the shared cache under keys that include the content generation,
# so it can skip the cache round trip.
_seen_in_process: LRUCache[str, Any] = LRUCache(maxsize=256)


def generation_get(key: str) -> Any:
    value = _seen_in_process.get(key)
    if value is None:
        value = cache.get(key)
        if value is not None:
            _seen_in_process[key] = value
    return value


def generation_set(key: str, value: Any, timeout: float | None) -> None:
    cache.set(key, value, timeout=timeout)
    _seen_in_process[key] = value
