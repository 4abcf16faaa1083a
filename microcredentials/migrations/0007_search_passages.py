"""Passages for search snippets on PostgreSQL: each page's summary, and its body cut before each heading.

ts_headline reads every word of the text it is given, so a snippet made from the whole page cost more than the
rest of the search together, and grew with the page. Each passage keeps its own search vector, so a search makes
its snippet from the first passage that has all the words (microcredentials.search). SQLite's FTS5 snippets need
no such table. Like the other search structures, the table is not in the model state; it has no foreign key,
because microcredentials.search replaces a page's passages whenever it indexes the page.
"""

from django.db import migrations

from microcredentials.migrations._search_sql import run_for_vendor

TABLE = "microcredentials_search_passage"

POSTGRES_FORWARD = [
    f"CREATE TABLE IF NOT EXISTS {TABLE} ("
    "page_id bigint NOT NULL, position integer NOT NULL, text text NOT NULL, vector tsvector NOT NULL,"
    " PRIMARY KEY (page_id, position))",
    # The same split as microcredentials.search.REFRESH_PASSAGES, for every page already there.
    f"INSERT INTO {TABLE} (page_id, position, text, vector)"
    " SELECT page.id, part.position, part.text, to_tsvector('english_unaccent'::regconfig, part.text)"
    " FROM microcredentials_advicepage page CROSS JOIN LATERAL ("
    "  SELECT 0::bigint, page.summary UNION ALL"
    "  SELECT section.position, section.text"
    "  FROM regexp_split_to_table(page.body, E'\\\\n\\\\s*\\\\n(?=#)') WITH ORDINALITY AS section(text, position)"
    " ) AS part(position, text)"
    " WHERE part.text ~ '[[:alnum:]]'",
]
POSTGRES_BACKWARD = [f"DROP TABLE IF EXISTS {TABLE}"]


class Migration(migrations.Migration):
    dependencies = [("microcredentials", "0006_topic_on_home_page")]

    operations = [migrations.RunPython(run_for_vendor(POSTGRES_FORWARD, []), run_for_vendor(POSTGRES_BACKWARD, []))]
