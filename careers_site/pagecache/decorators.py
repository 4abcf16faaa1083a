"""How a view says its responses may be cached for anonymous readers. The middleware reads what it declares,
as CsrfViewMiddleware reads csrf_exempt, so the page cache keeps no list of paths or features."""

import functools
from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse


def cache_public_page(
    view: Callable[..., HttpResponse] | None = None,
    *,
    to_the_minute: bool = False,
    query_keys: Iterable[str] = (),
    on_cached_answer: Callable[[HttpRequest], None] | None = None,
) -> Any:
    """Mark a view's successful responses as safe to cache for anonymous readers.

    `to_the_minute=True` is for pages whose wording depends on the clock (the contact page's "Open now"): their
    cached copy ends at the next minute boundary.

    `query_keys` names the query parameters the view reads (search's `q` and `page`). Readers repeat the same
    queries, so each is cached on its own, in the bounded "search" cache. Without it, any query string
    bypasses the cache, so made-up parameters cannot fill it.

    `on_cached_answer` is called with the request just before the cache answers it from a copy kept per query, so
    the view's feature still sees requests that never reach the view (search counts its searches). It must be
    quick and must not raise.
    """
    if view is None:
        return functools.partial(
            cache_public_page, to_the_minute=to_the_minute, query_keys=query_keys, on_cached_answer=on_cached_answer
        )

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response.cache_public = True  # type: ignore[attr-defined]
        response.cache_to_the_minute = to_the_minute  # type: ignore[attr-defined]
        return response

    wrapped.page_cache_query_keys = frozenset(query_keys)  # type: ignore[attr-defined]
    wrapped.page_cache_on_cached_answer = on_cached_answer  # type: ignore[attr-defined]
    return wrapped
