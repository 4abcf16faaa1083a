"""The search index: a GIN index over the stored vector on PostgreSQL, an FTS5 table on SQLite.

Both are filled from the pages already in the database; afterwards microcredentials.search keeps them up to date.
Neither appears in the model state, so each database only gets the part it understands.
Both kept diacritics at first; migration 0005 folds them away on both.
"""

from django.db import migrations

from microcredentials.migrations._search_sql import run_for_vendor

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


class Migration(migrations.Migration):
    dependencies = [("microcredentials", "0002_contact_defaults_and_groups")]

    operations = [
        migrations.RunPython(
            run_for_vendor(POSTGRES_FORWARD, SQLITE_FORWARD),
            run_for_vendor(POSTGRES_BACKWARD, SQLITE_BACKWARD),
        ),
    ]
