"""Logging filters, kept apart from the app so the logging set-up can import them before apps load."""

import logging
import re
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


EMAIL_ADDRESS = re.compile(r"[\w.+%-]+(?:@|%40)[\w-]+(?:\.[\w-]+)+")
ACCESS_TEXT_ATOMS = ("r", "U", "q", "f", "a")


class RedactEmailAddresses(logging.Filter):
    """Keep email addresses out of the logs: a mail server's refusal, for one, names the recipients.

    Only lines with an "@" in them are rewritten, so the rest cost one substring test.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, dict):  # gunicorn's access line: its request line, query, referrer, user agent
            for atom in ACCESS_TEXT_ATOMS:
                text = record.args.get(atom)
                if isinstance(text, str) and ("@" in text or "%40" in text):
                    dict.__setitem__(record.args, atom, EMAIL_ADDRESS.sub("[email address]", text))
            return True
        message = record.getMessage()
        if "@" in message or "%40" in message:
            record.msg, record.args = EMAIL_ADDRESS.sub("[email address]", message), None
        if record.exc_info and not record.exc_text:  # formatters write exc_text, made once per record
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and "@" in record.exc_text:
            record.exc_text = EMAIL_ADDRESS.sub("[email address]", record.exc_text)
        return True
