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
from typing import Any

from django.db import InterfaceError, OperationalError
from django.db.backends.signals import connection_created
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.loader import render_to_string

from careers_site import metrics

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30
# What a lost or refused database connection raises (psycopg's errors, as Django wraps them).
DATABASE_DOWN = (OperationalError, InterfaceError)
REPORT_EVERY_SECONDS = 60


class OutageReport:
    """Log an outage as an error once a minute per process, with a count, and its end once.

    Under load an outage causes thousands of failures a second (pages answered 503, feedback not
    saved, cached pages served without the site alert); a line for each would bury everything
    else. (Django's own line for each 503 is dropped in settings.LOGGING.) The end is seen when
    Django next opens a database connection (the `connection_created` signal, connected in
    apps.py): during an outage none can be opened.
    """

    def __init__(self, service: str = "Database", clock: Callable[[], float] = time.monotonic) -> None:
        self._service = service
        self._clock = clock
        self._lock = threading.Lock()
        self._last_report: float | None = None  # by the clock; None while no outage is open
        self._unreported = 0
        self._counted_until = 0.0  # by the clock: outage time up to here is in careers_site.metrics

    def failed(self, what: str, error: Exception) -> None:
        with self._lock:
            self._unreported += 1
            now = self._clock()
            open_seconds = now - self._counted_until if self._last_report is not None else 0.0
            self._counted_until = now
            quiet = self._last_report is not None and now - self._last_report < REPORT_EVERY_SECONDS
            if not quiet:
                count, self._unreported, self._last_report = self._unreported, 0, now
        metrics.outage_failure(self._service.lower(), open_seconds)
        if quiet:
            return
        logger.error(
            "%s unavailable: %d failure(s) since the last report; latest: %s (%s)", self._service, count, what, error
        )

    @property
    def is_open(self) -> bool:
        """Whether an outage has been reported and not yet seen to end."""
        return self._last_report is not None

    def reconnected(self) -> None:
        with self._lock:
            if self._last_report is None:
                return  # no outage open: an ordinary new connection
            count, self._unreported, self._last_report = self._unreported, 0, None
            open_seconds = self._clock() - self._counted_until
        metrics.outage_ended(self._service.lower(), open_seconds)
        logger.warning("%s available again: %d more failure(s) since the last report", self._service, count)


report = OutageReport()


def database_reconnected(**signal_arguments: Any) -> None:
    """Receives `connection_created` (connected by the middleware below): a new connection ends an open outage."""
    report.reconnected()


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        # The end of a database outage shows as the next new connection.
        connection_created.connect(database_reconnected, dispatch_uid="outage-reconnected")

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_DOWN):
            return None
        report.failed(f"{request.path} answered 503", exception)
        return service_unavailable(request)


def service_unavailable(request: HttpRequest) -> HttpResponse:
    html = render_to_string("503.html", request=request)
    return retry_later(HttpResponse(html, status=503))


def retry_later(response: HttpResponse) -> HttpResponse:
    """Mark a 503 as temporary: clients may try again after Retry-After, and nothing may keep it."""
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
