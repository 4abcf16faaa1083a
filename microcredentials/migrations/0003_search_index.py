"""The search index: a GIN index over the stored vector on PostgreSQL, an FTS5 table on SQLite.

Both are filled from the pages already in the database; afterwards microcredentials.search keeps them up to date.
Neither appears in the model state, so each database only gets the part it understands.
The FTS5 table keeps diacritics (remove_diacritics 0) because PostgreSQL's 'english' configuration does too:
both find "wānanga" for "wānanga" and neither for "wananga", so tests mean the same on both.
"""

from django.db import migrations

GIN_INDEX = "microcredentials_advicepage_search_gin"
FTS_TABLE = "microcredentials_search_fts"

POSTGRES_FORWARD = [
    f"CREATE INDEX IF NOT EXISTS {GIN_INDEX} ON microcredentials_advicepage USING gin (search_vector)",
    "UPDATE microcredentials_advicepage SET search_vector ="
    " setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A')"
    " || setweight(to_tsvector('english'::regconfig, COALESCE(summary, '')), 'B')"
    " || setweight(to_tsvector('english'::regconfig, COALESCE(body, '')), 'C')",
]
POSTGRES_BACKWARD = [f"DROP INDEX IF EXISTS {GIN_INDEX}"]
SQLITE_FORWARD = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "page_id UNINDEXED, title, summary, body, tokenize='porter unicode61 remove_diacritics 0')",
    f"INSERT INTO {FTS_TABLE} (page_id, title, summary, body)"
    " SELECT id, title, summary, body FROM microcredentials_advicepage",
]
SQLITE_BACKWARD = [f"DROP TABLE IF EXISTS {FTS_TABLE}"]


def run_for_vendor(postgres: list[str], sqlite: list[str]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
        statements = {"postgresql": postgres, "sqlite": sqlite}.get(schema_editor.connection.vendor, [])
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("microcredentials", "0002_contact_defaults_and_groups")]

    operations = [
        migrations.RunPython(
            run_for_vendor(POSTGRES_FORWARD, SQLITE_FORWARD),
            run_for_vendor(POSTGRES_BACKWARD, SQLITE_BACKWARD),
        ),
    ]
