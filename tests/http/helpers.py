"""A database outage inside a test: every query fails as it would with the server unreachable."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import OperationalError, connection


@contextmanager
def database_down() -> Iterator[None]:
    def refuse(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    with connection.execute_wrapper(refuse):
        yield
