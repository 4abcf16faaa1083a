"""Every request gets an id: returned in X-Request-ID, on each of its log lines, and quoted on the 500 page.

The load balancer's (or nginx's) X-Request-ID is kept when it looks like an id, so one id follows a request
through every layer; anything else (too long, or with characters a log reader or header could trip over) is
replaced with a new one. This middleware is the first, so the header is set on every answer, cached pages
included; the id is never part of a cached body. It also times the request for careers_site.metrics.
"""

import os
import re
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from careers_site import metrics
from careers_site.log_filters import RequestLogContext, current_request

HEADER = "X-Request-ID"
SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,200}")


def request_id_from(header: str | None) -> str:
    """The incoming id if it is safe to repeat, else a new one."""
    if header and SAFE_ID.fullmatch(header):
        return header
    return os.urandom(16).hex()  # as random as uuid4().hex, and a quarter of its cost (under 1 µs)


def current_request_id() -> str | None:
    """The id of the request this thread is answering, if any."""
    context = current_request.get()
    return context.request_id if context else None


def request_id_middleware(get_response: Callable[[HttpRequest], HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    def middleware(request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        context = RequestLogContext(request_id_from(request.META.get("HTTP_X_REQUEST_ID")), request.path)
        current_request.set(context)
        response = get_response(request)
        seconds = time.perf_counter() - started
        context.status = response.status_code
        context.duration_ms = round(seconds * 1000, 1)
        response[HEADER] = context.request_id
        metrics.request_done(response.status_code, seconds)
        return response

    return middleware
