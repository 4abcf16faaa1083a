"""Search ignores macrons and other accents: "wananga" finds "wānanga", and "Māori" finds "Maori".

Readers often type te reo Māori words without macrons (many keyboards make them awkward), so both databases
now fold accents away, in the pages and in the query alike:
- PostgreSQL: a text search configuration, `english_unaccent`, that runs the `unaccent` dictionary before
  English stemming. `unaccent` is a trusted extension, so the database's owner may create it.
- SQLite: the FTS5 table is rebuilt with `remove_diacritics 2`.
Highlighting still marks the words as written on the page, macrons and all.
"""

from django.db import migrations

from microcredentials.migrations._search_sql import run_for_vendor

FTS_TABLE = "microcredentials_search_fts"
CONFIG = "english_unaccent"


def weighted_vector(config: str) -> str:
    return (
        "UPDATE microcredentials_advicepage SET search_vector ="
        f" setweight(to_tsvector('{config}'::regconfig, COALESCE(title, '')), 'A')"
        f" || setweight(to_tsvector('{config}'::regconfig, COALESCE(summary, '')), 'B')"
        f" || setweight(to_tsvector('{config}'::regconfig, COALESCE(body, '')), 'C')"
    )


def fts_table(remove_diacritics: int) -> list[str]:
    return [
        f"DROP TABLE IF EXISTS {FTS_TABLE}",
        f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(page_id UNINDEXED, title, summary, body,"
        f" tokenize='porter unicode61 remove_diacritics {remove_diacritics}')",
        f"INSERT INTO {FTS_TABLE} (page_id, title, summary, body)"
        " SELECT id, title, summary, body FROM microcredentials_advicepage",
    ]


POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}",
    f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = english)",
    f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem",
    weighted_vector(CONFIG),
]
POSTGRES_BACKWARD = [weighted_vector("english"), f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}"]


class Migration(migrations.Migration):
    dependencies = [("microcredentials", "0004_page_public_history")]

    operations = [
        migrations.RunPython(
            run_for_vendor(POSTGRES_FORWARD, fts_table(remove_diacritics=2)),
            run_for_vendor(POSTGRES_BACKWARD, fts_table(remove_diacritics=0)),
        ),
    ]
