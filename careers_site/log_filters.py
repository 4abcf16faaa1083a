"""Logging filters, kept apart from the app so the logging set-up can import them before apps load."""

import logging
from contextvars import ContextVar
from dataclasses import dataclass


class ClientFaultAsWarning(logging.Filter):
    """Log a malformed request (a bad Host header, an oversized form) as a one-line warning.

    Django logs these at ERROR with a traceback, but they are the client's fault and every
    public site gets a steady stream of them from scanners: as errors they would drown real ones.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.WARNING:
            record.levelno = logging.WARNING
            record.levelname = logging.getLevelName(logging.WARNING)
        record.exc_info = None
        record.exc_text = None
        return True


class OutageReportedByApp(logging.Filter):
    """Drop Django's ERROR line for each 503: those are outage answers, which careers_site.http.outage
    reports itself, once a minute with a count, instead of thousands of times a second."""

    def filter(self, record: logging.LogRecord) -> bool:
        return getattr(record, "status_code", None) != 503


@dataclass(slots=True)
class RequestLogContext:
    """What every log line of a request carries (set by careers_site.http.request_id's middleware)."""

    request_id: str
    path: str
    status: int | None = None
    duration_ms: float | None = None


# The request being answered in this thread; left in place after the response, because Django logs a 4xx or
# 5xx answer (django.request's "Not Found: …") after the last middleware has returned. The next request replaces it.
current_request: ContextVar[RequestLogContext | None] = ContextVar("current_request", default=None)


class RequestContext(logging.Filter):
    """Put the request id, path, status and duration (where known) on every record the handler writes."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = current_request.get()
        if context is not None and not hasattr(record, "request_id"):
            record.request_id = context.request_id
            record.path = context.path
            record.status = getattr(record, "status_code", None) or context.status
            record.duration_ms = context.duration_ms
        return True
