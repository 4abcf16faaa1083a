"""What a log line may hold: no email addresses (a mail server's refusal names its recipients), and in JSON the
fixed fields only, never the extras a record carries (Django's request object, for one)."""

import io
import json
import logging
from collections.abc import Iterator

import pytest

from careers_site.log_filters import RedactEmailAddresses, RequestContext, RequestLogContext, current_request
from careers_site.log_json import JsonFormatter


@pytest.fixture
def json_log() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger writing through the site's console handler set-up in JSON mode."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContext())
    handler.addFilter(RedactEmailAddresses())
    logger = logging.getLogger("tests.log_lines")
    logger.addHandler(handler)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)
    logger.propagate = True
    current_request.set(None)


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_email_addresses_are_left_out_of_messages_and_tracebacks(json_log: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = json_log
    logger.warning("The mail server refused %s", "aroha.smith+news@example.govt.nz")
    try:
        raise ValueError("recipients refused: {'tama@example.com': (550, b'no such user')}")
    except ValueError:
        logger.exception("A task failed")
    text = stream.getvalue()
    assert "example.govt.nz" not in text and "tama@" not in text and "aroha" not in text
    first, second = lines(stream)
    assert first["message"] == "The mail server refused [email address]"
    assert "ValueError: recipients refused: {'[email address]'" in str(second["exc_info"])


def test_a_json_line_has_the_fixed_fields_and_the_requests_but_no_extras(
    json_log: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = json_log
    current_request.set(RequestLogContext("abc-123", "/contact/", status=200, duration_ms=4.2))
    logger.warning("Something to note", extra={"request": object(), "comment": "a reader's words"})
    [line] = lines(stream)
    assert line.pop("timestamp")
    assert line == {
        "level": "WARNING",
        "logger": "tests.log_lines",
        "message": "Something to note",
        "request_id": "abc-123",
        "path": "/contact/",
        "status": 200,
        "duration_ms": 4.2,
    }


def test_a_gunicorn_access_line_keeps_its_fields_and_loses_addresses_in_the_query() -> None:
    atoms = {
        "r": "GET /search/?q=me%40example.com HTTP/1.1",
        "U": "/search/",
        "q": "q=me%40example.com",
        "s": "200",
        "M": 3,
        "m": "GET",
        "{x-request-id}o": "abc-123",
    }
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, '"%(r)s" %(s)s', (), None)
    record.args = atoms
    assert RedactEmailAddresses().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == '"GET /search/?q=[email address] HTTP/1.1" 200'
    assert (line["request_id"], line["path"], line["status"], line["duration_ms"]) == ("abc-123", "/search/", 200, 3)
