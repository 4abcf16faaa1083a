"""Conventions the test suite keeps so that its tests do not depend on the order they run in."""

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
TRANSACTIONAL = re.compile(r"django_db\((?=[^)]*transaction=True)[^)]*\)")


def test_every_transactional_test_restores_the_migrated_rows() -> None:
    """A transactional test empties the database when it ends. Without serialized_rollback, Django then makes the
    content types and permissions again with new ids, and the next test that restores the migrated rows (the staff
    groups) fails on them."""
    missing = [
        f"{path.relative_to(TESTS)}: {mark}"
        for path in TESTS.rglob("*.py")
        for mark in TRANSACTIONAL.findall(path.read_text(encoding="utf-8"))
        if "serialized_rollback=True" not in mark
    ]
    assert missing == []
