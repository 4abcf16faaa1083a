"""What readers get while the database is unreachable: a friendly 503, never a traceback.

Cached pages keep being served (the page cache needs no database); anything that
needs the database answers 503 with Retry-After until it is back. Persistent
connections are health-checked (CONN_HEALTH_CHECKS), so the site recovers by
itself when the database returns.
"""

import logging
import threading
import time
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30
# What a lost or refused database connection raises (psycopg's errors, as Django wraps them).
DATABASE_DOWN = (OperationalError, InterfaceError)
REPORT_EVERY_SECONDS = 60


class OutageReport:
    """Log an outage once a minute per process, with a count, rather than once per refused request.

    Under load an outage refuses thousands of requests a second; a line for each would bury
    everything else in the log. (Django's own line for each 503 is dropped in settings.LOGGING.)
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last_report = 0.0
        self._unreported = 0

    def refused(self, what: str, error: Exception) -> None:
        with self._lock:
            self._unreported += 1
            now = time.time()
            if now - self._last_report < REPORT_EVERY_SECONDS:
                return
            count, self._unreported, self._last_report = self._unreported, 0, now
        logger.warning(
            "Database unavailable: %d request(s) answered 503 since the last report, latest %s: %s", count, what, error
        )


report = OutageReport()


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_DOWN):
            return None
        report.refused(request.path, exception)
        return service_unavailable(request)


def service_unavailable(request: HttpRequest) -> HttpResponse:
    html = render_to_string("503.html", request=request)
    return retry_later(HttpResponse(html, status=503))


def retry_later(response: HttpResponse) -> HttpResponse:
    """Mark a 503 as temporary: clients may try again after Retry-After, and nothing may keep it."""
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
