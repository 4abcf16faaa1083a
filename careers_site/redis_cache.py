"""Redis as a cache, never a single point of failure.

Django's RedisCache raises when Redis cannot be reached, so every page would answer 500. This backend answers
as an empty cache instead: a read misses, a write is dropped. Pages, search and feedback then work uncached,
straight from the database. After a failure it leaves Redis alone for a few seconds, so an outage costs no
connection attempt per request; redis-py reconnects by itself once Redis is back, without a restart. The
outage is logged once a minute per process, as a database outage is (careers_site.http.outage).
"""

import functools
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from careers_site.http.outage import OutageReport

REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)
RETRY_AFTER_SECONDS = 5.0
report = OutageReport("Redis")

Method = TypeVar("Method", bound=Callable[..., Any])


class _Breaker:
    """Open for RETRY_AFTER_SECONDS after a failure: calls in that time skip Redis at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open_until = 0.0

    def is_open(self) -> bool:
        return time.monotonic() < self._open_until

    def trip(self) -> None:
        with self._lock:
            self._open_until = time.monotonic() + RETRY_AFTER_SECONDS


breaker = _Breaker()


def _or(default: Callable[..., Any]) -> Callable[[Method], Method]:
    """Run the client method; if Redis cannot be reached, report it and answer `default(*args)` instead."""

    def decorate(method: Method) -> Method:
        @functools.wraps(method)
        def wrapper(self: "ResilientRedisCacheClient", *args: Any, **kwargs: Any) -> Any:
            if breaker.is_open():
                return default(*args, **kwargs)
            try:
                result = method(self, *args, **kwargs)
            except REDIS_DOWN as error:
                breaker.trip()
                report.failed(f"cache {method.__name__}", error)
                return default(*args, **kwargs)
            if report.is_open:
                report.reconnected()
            return result

        return wrapper  # type: ignore[return-value]

    return decorate


def _nothing(*args: Any, **kwargs: Any) -> None:
    return None


def _false(*args: Any, **kwargs: Any) -> bool:
    return False


def _no_keys(*args: Any, **kwargs: Any) -> dict[str, Any]:
    return {}


def _default(key: Any, default: Any = None, *args: Any, **kwargs: Any) -> Any:
    return default


def _keys(*args: Any, **kwargs: Any) -> list[Any]:
    return []


def _zero(*args: Any, **kwargs: Any) -> int:
    """A counter Redis cannot give: callers that count (rate limits) keep their own fallback for this."""
    return 0


class ResilientRedisCacheClient(RedisCacheClient):
    add = _or(_false)(RedisCacheClient.add)
    get = _or(_default)(RedisCacheClient.get)
    set = _or(_nothing)(RedisCacheClient.set)
    touch = _or(_false)(RedisCacheClient.touch)
    delete = _or(_false)(RedisCacheClient.delete)
    get_many = _or(_no_keys)(RedisCacheClient.get_many)
    has_key = _or(_false)(RedisCacheClient.has_key)
    incr = _or(_zero)(RedisCacheClient.incr)
    set_many = _or(_keys)(RedisCacheClient.set_many)
    delete_many = _or(_nothing)(RedisCacheClient.delete_many)
    clear = _or(_false)(RedisCacheClient.clear)


class ResilientRedisCache(RedisCache):
    """settings.CACHES' backend when REDIS_URL is set."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ResilientRedisCacheClient

    def is_reachable(self) -> bool:
        """For /readyz: one quick PING, past the breaker."""
        try:
            return bool(self._cache.get_client(write=False).ping())  # type: ignore[attr-defined]
        except REDIS_DOWN:
            return False
