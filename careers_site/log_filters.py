"""Logging filters, kept apart from the app so the logging set-up can import them before apps load."""

import logging


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
