"""What readers get while the database is unreachable: a friendly 503, never a traceback.

Cached pages keep being served (the page cache needs no database); anything that
needs the database answers 503 with Retry-After until it is back. Persistent
connections are health-checked (CONN_HEALTH_CHECKS), so the site recovers by
itself when the database returns.
"""

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30
# What a lost or refused database connection raises (psycopg's errors, as Django wraps them).
DATABASE_DOWN = (OperationalError, InterfaceError)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_DOWN):
            return None
        logger.warning("Database unavailable for %s: %s", request.path, exception)
        return service_unavailable(request)


def service_unavailable(request: HttpRequest) -> HttpResponse:
    html = render_to_string("503.html", request=request)
    return retry_later(HttpResponse(html, status=503))


def retry_later(response: HttpResponse) -> HttpResponse:
    """Mark a 503 as temporary: clients may try again after Retry-After, and nothing may keep it."""
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
