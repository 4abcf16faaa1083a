"""The PostgreSQL backup and restore procedure (docs/backups.md), run for real on a throwaway cluster."""

import os

import pytest

from scripts import pg_cluster
from scripts.backup_restore_check import Snapshot, check, differences


@pytest.mark.slow
def test_pg_dump_and_pg_restore_reproduce_every_row_and_page() -> None:
    if not pg_cluster.available():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL 15 binaries are needed in CI ({pg_cluster.PG_BIN})")
        pytest.skip(f"no PostgreSQL 15 binaries in {pg_cluster.PG_BIN}")
    before, problems = check()
    assert problems == []
    assert before.row_counts["microcredentials_topic"] >= 1
    assert before.row_counts["microcredentials_advicepage"] == len(before.pages) >= 1
    assert before.row_counts["microcredentials_pagefeedback"] == 2
    assert before.row_counts["microcredentials_sitealert"] >= 1
    assert before.row_counts["auth_user"] == 1
    assert before.row_counts["django_migrations"] > 10
    assert before.sequences["microcredentials_pagefeedback_id_seq"] == 2


def test_the_comparison_reports_a_lost_row_a_rewound_sequence_and_a_changed_page() -> None:
    page = ("plan-your-career", "micro-credentials", "published", "body-md5", "html-md5", "summary-md5", "2026-11-28")
    before = Snapshot(row_counts={"feedback": 2, "topic": 1}, sequences={"feedback_id_seq": 2}, pages=[page])
    after = Snapshot(
        row_counts={"feedback": 1, "topic": 1},
        sequences={"feedback_id_seq": None},
        pages=[(*page[:3], "other", *page[4:])],
    )
    assert differences(before, before) == []
    assert differences(before, after) == [
        "table feedback: 2 rows before, 1 after",
        "sequence feedback_id_seq: 2 before, None after",
        "advice pages differ: 1 before, 1 after, or their text",
    ]
