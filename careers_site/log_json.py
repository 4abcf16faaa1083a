"""One JSON object per log line (DJANGO_LOG_FORMAT=json), for Django's, gunicorn's and the site's own loggers.

Each line has timestamp, level, logger and message, and where known the request's id, path, status and duration
(careers_site.log_filters.RequestContext adds them to records made while a request is answered). Gunicorn's
access lines carry them in the record's arguments: the path and status gunicorn saw, and the X-Request-ID the
site answered with. Nothing else a record carries is written (Django's request object, for one), so no form data,
cookie or address ends up in the logs by accident.
"""

import logging
from datetime import UTC, datetime
from typing import Any

from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

REQUEST_FIELDS = ("request_id", "path", "status", "duration_ms")


class JsonFormatter(BaseJsonFormatter):
    """Writes only the fields below: none of the extras a record may carry."""

    def add_fields(self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]) -> None:
        log_data["timestamp"] = datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds")
        log_data["level"] = record.levelname
        log_data["logger"] = record.name
        log_data["message"] = record.message
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            _add_access_fields(log_data, record.args)
        else:
            for field in REQUEST_FIELDS:
                value = getattr(record, field, None)
                if value is not None:
                    log_data[field] = value
        # The traceback as the filters left it (log_filters.RedactEmailAddresses), else as format() made it.
        traceback = record.exc_text or message_dict.get("exc_info")
        if traceback:
            log_data["exc_info"] = traceback
        if message_dict.get("stack_info"):
            log_data["stack_info"] = message_dict["stack_info"]


def _add_access_fields(log_data: dict[str, Any], atoms: Any) -> None:
    """Gunicorn's access atoms: U the path, s the status, M the milliseconds, and the response's X-Request-ID."""
    request_id = atoms["{x-request-id}o"]
    if request_id and request_id != "-":
        log_data["request_id"] = request_id
    log_data["path"] = atoms["U"]
    log_data["status"] = int(atoms["s"]) if str(atoms["s"]).isdigit() else atoms["s"]
    log_data["duration_ms"] = int(atoms["M"])
    log_data["method"] = atoms["m"]
