#!/usr/bin/env python3
"""Prove the PostgreSQL backup and restore procedure in docs/backups.md on a throwaway cluster.

1. Start a throwaway PostgreSQL 15 cluster (scripts/pg_cluster.py) and create a database.
2. Migrate it and load the shipped content, plus a staff account, feedback and an alert,
   with this project's own manage.py, as production would.
3. Back it up with `pg_dump --format=custom`, restore that into a new database with
   `pg_restore --no-owner --exit-on-error`, exactly as docs/backups.md says.
4. Compare the two databases: every table's row count, every sequence's position, and
   every advice page's body and rendered HTML (by checksum); and check that the restored
   database needs no migrations.

Prints what it compared and exits 0 when everything matches, 1 otherwise.
Usage: .venv/bin/python scripts/backup_restore_check.py
"""

import os
import secrets
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from scripts.pg_cluster import Cluster, throwaway_cluster  # noqa: E402

SAMPLE_DATA = """
import datetime
from django.contrib.auth.models import User
from django.utils import timezone
from microcredentials.models import AdvicePage, PageFeedback, SiteAlert
page = AdvicePage.objects.get(slug="micro-credentials")
User.objects.create_user("backup-check", password="a-long-check-password", is_staff=True)
PageFeedback.objects.create(page=page, useful=True, comment="Ka pai, kei te pai tēnei whārangi.")
PageFeedback.objects.create(page=page, useful=False)
now = timezone.now()
SiteAlert.objects.create(kind="general", message="Backup check notice.", show_from=now,
                         show_until=now + datetime.timedelta(days=1))
"""
PAGES_SQL = (
    "SELECT t.slug, p.slug, p.status, md5(p.body), md5(p.body_html), md5(p.summary), p.updated_on::text "
    "FROM microcredentials_advicepage p JOIN microcredentials_topic t ON t.id = p.topic_id ORDER BY 1, 2"
)


@dataclass
class Snapshot:
    row_counts: dict[str, int] = field(default_factory=dict)
    sequences: dict[str, int | None] = field(default_factory=dict)
    pages: list[tuple[object, ...]] = field(default_factory=list)


def snapshot(url: str) -> Snapshot:
    """Everything the comparison looks at, read from one database."""
    result = Snapshot()
    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
        for (table,) in cursor.fetchall():
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            result.row_counts[table] = int(cursor.fetchone()[0])  # type: ignore[index]
        cursor.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1")
        result.sequences = dict(cursor.fetchall())
        cursor.execute(PAGES_SQL)
        result.pages = [tuple(row) for row in cursor.fetchall()]
    return result


def differences(before: Snapshot, after: Snapshot) -> list[str]:
    """What the restored database lacks or has changed, in words; empty when they match."""
    problems = []
    for table in sorted(set(before.row_counts) | set(after.row_counts)):
        if before.row_counts.get(table) != after.row_counts.get(table):
            problems.append(
                f"table {table}: {before.row_counts.get(table)} rows before, {after.row_counts.get(table)} after"
            )
    for name in sorted(set(before.sequences) | set(after.sequences)):
        if before.sequences.get(name) != after.sequences.get(name):
            problems.append(f"sequence {name}: {before.sequences.get(name)} before, {after.sequences.get(name)} after")
    if before.pages != after.pages:
        problems.append(f"advice pages differ: {len(before.pages)} before, {len(after.pages)} after, or their text")
    return problems


def manage(url: str, *args: str) -> str:
    env = os.environ | {"DATABASE_URL": url, "DJANGO_DEBUG": "0"}
    env.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def back_up_and_restore(cluster: Cluster, source: str, target: str, dump: Path) -> None:
    """The procedure in docs/backups.md, step for step."""
    cluster.run("pg_dump", "--format=custom", "--no-owner", f"--file={dump}", source)
    cluster.run("createdb", target)
    cluster.run("pg_restore", "--no-owner", "--exit-on-error", f"--dbname={target}", str(dump))


def check() -> tuple[Snapshot, list[str]]:
    """Run the whole check; returns the source's snapshot and the differences found."""
    with throwaway_cluster() as cluster, tempfile.TemporaryDirectory() as folder:
        source = cluster.createdb("careers")
        manage(source, "migrate", "--no-input")
        manage(source, "load_content")
        manage(source, "shell", "-c", SAMPLE_DATA)
        before = snapshot(source)
        back_up_and_restore(cluster, "careers", "careers_restored", Path(folder) / "careers.dump")
        restored = cluster.url("careers_restored")
        problems = differences(before, snapshot(restored))
        try:
            manage(restored, "migrate", "--check")
        except RuntimeError as error:
            problems.append(f"the restored database needs migrations: {error}")
        return before, problems


def main() -> int:
    before, problems = check()
    rows = sum(before.row_counts.values())
    print(f"Compared {len(before.row_counts)} tables ({rows} rows), {len(before.sequences)} sequences, "
          f"{len(before.pages)} advice pages.")  # fmt: skip
    for problem in problems:
        print(f"MISMATCH: {problem}")
    print("Backup and restore check: " + ("FAILED" if problems else "passed, the restored database matches"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
