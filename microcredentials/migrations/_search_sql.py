"""Shared by the search-index migrations (the migration loader skips modules whose names start with "_")."""

from collections.abc import Callable
from typing import Any


def run_for_vendor(postgres: list[str], sqlite: list[str]) -> Callable[[Any, Any], None]:
    """A RunPython function that executes the statements for the database in use, and nothing elsewhere."""

    def run(apps: Any, schema_editor: Any) -> None:
        statements = {"postgresql": postgres, "sqlite": sqlite}.get(schema_editor.connection.vendor, [])
        for statement in statements:
            schema_editor.execute(statement)

    return run
