"""Search over live advice pages: PostgreSQL full-text search, with an SQLite FTS5 fallback.

Both ignore macrons and other accents, so "wananga" finds "wānanga" (migration 0005).

PostgreSQL: each page keeps a stored search vector (title weight A, summary B, body C, English stemming),
refreshed after every save by `index_page` below and indexed with GIN (migration 0003). Results are ranked
with ts_rank. Each gets a highlighted snippet from ts_headline, made from the page's first passage (its summary,
or a section of its body) that has all the words (migration 0007), or from the whole page if none has.

SQLite (development and tests): an FTS5 table mirrors the same three columns with the Porter stemmer, kept in
step by the same signal handlers, so simple words find the same pages; bm25 ranks title over summary over body.

A search is one raw SQL query on either database (see `find_results`). Both queries repeat the condition of
`AdvicePage.objects.live()`, so drafts and scheduled pages are never found (tests/search/test_search.py checks
that the two agree).
Queryset `.update()` calls bypass the index: save the page, or run `manage.py rebuild_search_index`.
"""

import functools
import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import psycopg
from django.contrib.postgres.search import SearchVector
from django.core.paginator import Page, Paginator
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models.expressions import CombinedExpression
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from psycopg.types.numeric import Int8

from microcredentials.lib.text import CONTROL_CHARACTERS
from microcredentials.models import AdvicePage

MAX_QUERY_LENGTH = 200
RESULTS_PER_PAGE = 10
SEARCH_CONFIG = "english_unaccent"  # English stemming, macrons and accents ignored (migration 0005)
FTS_TABLE = "microcredentials_search_fts"
PASSAGES_TABLE = "microcredentials_search_passage"
SECTION_BREAK = r"\n\s*\n(?=#)"  # a blank line before a heading: the body's passages are its sections
INDEXED_FIELDS = {"title", "summary", "body"}

# Private-use characters mark the highlighted words in raw snippets: they never occur in real text, so the
# snippet can be escaped as a whole and only these marks turned into <mark> elements afterwards.
MARK_START = "\ue000"
MARK_END = "\ue001"
MARKED_WORDS = re.compile(f"{MARK_START}([^{MARK_START}{MARK_END}]*){MARK_END}")
HEADLINE_OPTIONS = (
    f"StartSel='{MARK_START}', StopSel='{MARK_END}', MaxWords=20, MinWords=10, MaxFragments=2, FragmentDelimiter=' … '"
)
LAST_PAGE = 2**62  # a page index past any real end, that still fits a 64-bit integer

WORD = re.compile(r"[^\W_]+")  # a run of letters or digits, in any script
# Markdown that reads badly in a snippet: link targets, emphasis, brackets, table rules, and heading, quote and
# list marks at the start of a line.
MARKDOWN_LINK_TARGET = re.compile(r"\]\([^)\s]*\)?")
MARKDOWN_SYMBOLS = re.compile(r"[*`|\[\]]|:?-{3,}:?|^\s*(?:#+|>|[-+]|\d+\.)\s", re.MULTILINE)


@dataclass(frozen=True)
class CleanedQuery:
    text: str
    was_cut: bool = False

    @functools.cached_property  # asked by the view, the search and the template, several times a request
    def has_words(self) -> bool:
        """Whether there is anything to search for: at least one letter or digit, in any script."""
        return bool(WORD.search(self.text))


@dataclass(frozen=True)
class SearchResult:
    title: str
    url: str
    topic_title: str
    snippet: SafeString


def clean_query(raw: str) -> CleanedQuery:
    """Drop control characters (including NUL), tidy the spaces and cut the query at MAX_QUERY_LENGTH."""
    text = unicodedata.normalize("NFC", raw)
    text = " ".join(CONTROL_CHARACTERS.sub(" ", text).split())
    if len(text) <= MAX_QUERY_LENGTH:
        return CleanedQuery(text)
    return CleanedQuery(text[:MAX_QUERY_LENGTH].rstrip(), was_cut=True)


def find_results(
    query: CleanedQuery, page_number: str | None = None, leave_out: Iterable[int] = ()
) -> Page[SearchResult]:
    """One page of the live pages matching the query, best first; its paginator counts all of them.

    The page number is read as Paginator.get_page reads it: anything but a whole number is the first page, and one
    below 1 or past the end is the last page. Pages whose ids are in `leave_out` (the recommended results, shown
    apart) are neither shown nor counted.
    """
    rows = _matching_rows(query.text, _page_index(page_number), leave_out) if query.has_words else []
    results = [
        SearchResult(
            title=title,
            url=page_url(topic_slug, slug),
            topic_title=topic_title,
            snippet=snippet_html(headline),
        )
        for _place, _total, title, slug, topic_title, topic_slug, headline in rows
    ]
    place, total = rows[0][:2] if rows else (1, 0)
    # The query has counted the matches already: the paginator only needs a list of that length.
    paginator: Paginator[Any] = Paginator(range(total), RESULTS_PER_PAGE)
    return Page(results, (place - 1) // RESULTS_PER_PAGE + 1, paginator)


@functools.lru_cache(maxsize=1024)  # a URL is fixed by its two slugs, and reversing one took a tenth of a result
def page_url(topic_slug: str, page_slug: str) -> str:
    return reverse("advice_page", kwargs={"topic_slug": topic_slug, "page_slug": page_slug})


def snippet_html(raw: str) -> SafeString:
    """Escape a raw snippet completely, then turn only the highlight marks into <mark> elements."""
    text = MARKDOWN_SYMBOLS.sub(" ", MARKDOWN_LINK_TARGET.sub("", raw))
    escaped = html.escape(" ".join(text.split()), quote=False)
    marked = MARKED_WORDS.sub(r"<mark>\1</mark>", escaped)
    return mark_safe(marked.replace(MARK_START, "").replace(MARK_END, ""))


def _page_index(page_number: str | None) -> int:
    """The zero-based page wanted; LAST_PAGE (or any index past the end) means the last page."""
    try:
        number = int(page_number or 1)
    except ValueError:
        return 0
    return min(number - 1, LAST_PAGE) if number >= 1 else LAST_PAGE


# Raw SQL, one query per search: the ORM took longer to compile its query than PostgreSQL took to run it, and
# count(*) OVER () replaces the Paginator's separate COUNT query. The outer query keeps only the page wanted (the
# last one if the index is past the end), so snippets are made only for the results shown. Equal ranks fall back
# to the topic and page order, then the title and id, so each result shows on one page only. Both queries keep
# the condition of AdvicePage.objects.live() and answer with the same columns. The pages to leave out (recommended
# results, shown apart) are one comma-separated text parameter, so the statement is the same whatever their number.
# A snippet comes from the first passage with all the words; only when none has them (a match in the title, or
# words in different sections) is the whole page read, as ts_headline's cost grows with the text it is given.
# The columns are cast to text because the statement is prepared (see _planned_once_cursor): PostgreSQL refuses
# a prepared statement whose result types a migration has changed since ("cached plan must not change result
# type"), and a kept connection would fail every search until it closed.
POSTGRES_SEARCH = f"""
WITH matches AS (
    SELECT page.id, page.title, page.slug, topic.title AS topic_title, topic.slug AS topic_slug, query,
        row_number() OVER (
            ORDER BY ts_rank(page.search_vector, query) DESC, topic."order", page."order", page.title, page.id
        ) AS place,
        count(*) OVER () AS total
    FROM microcredentials_advicepage page
    JOIN microcredentials_topic topic ON topic.id = page.topic_id
    CROSS JOIN websearch_to_tsquery(%(config)s::regconfig, %(text)s) query
    WHERE page.search_vector @@ query
        AND page.status = %(published)s AND (page.publish_at IS NULL OR page.publish_at <= %(now)s)
        AND NOT page.id = ANY(string_to_array(%(leave_out)s::text, ',')::bigint[])
)
SELECT place, total, title::text, slug::text, topic_title::text, topic_slug::text,
    ts_headline(%(config)s::regconfig, coalesce(
        (SELECT passage.text FROM {PASSAGES_TABLE} passage
            WHERE passage.page_id = matches.id AND passage.vector @@ matches.query
            ORDER BY passage.position LIMIT 1),
        (SELECT page.summary || %(blank_line)s || page.body FROM microcredentials_advicepage page
            WHERE page.id = matches.id)
    ), query, %(headline_options)s)
FROM matches
WHERE (place - 1) / %(per_page)s = least(%(page_index)s, (total - 1) / %(per_page)s)
ORDER BY place
"""

# A page's passages: its summary (position 0), then its body cut before each heading.
REFRESH_PASSAGES = f"""
INSERT INTO {PASSAGES_TABLE} (page_id, position, text, vector)
SELECT page.id, part.position, part.text, to_tsvector(%(config)s::regconfig, part.text)
FROM microcredentials_advicepage page CROSS JOIN LATERAL (
    SELECT 0::bigint, page.summary
    UNION ALL
    SELECT section.position, section.text
    FROM regexp_split_to_table(page.body, %(section_break)s) WITH ORDINALITY AS section(text, position)
) AS part(position, text)
WHERE page.id = %(page_id)s AND part.text ~ '[[:alnum:]]'
"""

# Each bm25 weight follows a column: page_id (not searched), title, summary, body. FTS5 allows bm25 and snippet
# only in a query of the FTS table itself, hence "found". The snippet comes from the summary unless only the body
# has the words, as ts_headline's does with the summary first.
SQLITE_SEARCH = f"""
WITH found AS (
    SELECT page_id, bm25({FTS_TABLE}, 0.0, 10.0, 5.0, 1.0) AS score,
        snippet({FTS_TABLE}, 2, %(mark_start)s, %(mark_end)s, ' … ', 20) AS summary_snippet,
        snippet({FTS_TABLE}, 3, %(mark_start)s, %(mark_end)s, ' … ', 20) AS body_snippet
    FROM {FTS_TABLE}
    WHERE {FTS_TABLE} MATCH %(match)s
),
matches AS (
    SELECT page.title, page.slug, topic.title AS topic_title, topic.slug AS topic_slug, summary_snippet, body_snippet,
        row_number() OVER (ORDER BY found.score, topic."order", page."order", page.title, page.id) AS place,
        count(*) OVER () AS total
    FROM found
    JOIN microcredentials_advicepage page ON page.id = found.page_id
    JOIN microcredentials_topic topic ON topic.id = page.topic_id
    WHERE page.status = %(published)s AND (page.publish_at IS NULL OR page.publish_at <= %(now)s)
        AND instr(',' || %(leave_out)s || ',', ',' || page.id || ',') = 0
)
SELECT place, total, title, slug, topic_title, topic_slug,
    CASE WHEN instr(body_snippet, %(mark_start)s) AND NOT instr(summary_snippet, %(mark_start)s)
        THEN body_snippet ELSE summary_snippet END
FROM matches
WHERE (place - 1) / %(per_page)s = min(%(page_index)s, (total - 1) / %(per_page)s)
ORDER BY place
"""


def _matching_rows(text: str, page_index: int, leave_out: Iterable[int]) -> list[tuple[Any, ...]]:
    """(place, total, title, slug, topic_title, topic_slug, raw headline) for each result on the page wanted."""
    params: dict[str, Any] = {
        "leave_out": ",".join(str(int(page_id)) for page_id in leave_out),  # one text parameter, whatever the count
        "published": AdvicePage.Status.PUBLISHED.value,
        "now": connection.ops.adapt_datetimefield_value(timezone.now()),
        "per_page": RESULTS_PER_PAGE,
        "page_index": page_index,
    }
    if connection.vendor == "postgresql":
        sql, open_cursor = POSTGRES_SEARCH, _planned_once_cursor
        params.update(
            page_index=Int8(page_index),  # always bigint: psycopg picks smallint or integer for smaller numbers,
            # and each set of types would be a prepared statement of its own
            text=text,
            config=SEARCH_CONFIG,
            blank_line="\n\n",  # the summary comes first: a title-only match shows the summary
            headline_options=HEADLINE_OPTIONS,
        )
    else:
        sql, open_cursor = SQLITE_SEARCH, connection.cursor
        # Each word quoted, so FTS5 syntax in the query is just text; quoted words are ANDed together.
        params.update(
            match=" ".join(f'"{word}"' for word in WORD.findall(text)), mark_start=MARK_START, mark_end=MARK_END
        )
    with open_cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _planned_once_cursor() -> CursorWrapper:
    """A cursor that sends its parameters apart from the SQL, so PostgreSQL can keep the search's plan.

    Planning the search took PostgreSQL longer than running it. Django's own cursors write the parameters into
    the SQL, so every search looked new; this cursor's statements are prepared once per connection instead
    (settings: prepare_threshold, which Django's own cursors ignore). Wrapped as Django wraps its cursors, so
    errors, the health check and query logging work as for any other query.
    """
    connection.validate_thread_sharing()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    cursor: Any = psycopg.Cursor(connection.connection)  # django-stubs type this argument as already wrapped
    return connection.make_debug_cursor(cursor) if connection.queries_logged else connection.make_cursor(cursor)


def search_vector() -> CombinedExpression:
    return (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
        + SearchVector("body", weight="C", config=SEARCH_CONFIG)
    )


def index_page(
    sender: type[AdvicePage], instance: AdvicePage, using: str, update_fields: Any = None, **kwargs: Any
) -> None:
    """Refresh the page's entry in the search index after every save that could change its text."""
    if update_fields is not None and not INDEXED_FIELDS & set(update_fields):
        return
    vendor = connections[using].vendor
    if vendor == "postgresql":
        AdvicePage.objects.using(using).filter(pk=instance.pk).update(search_vector=search_vector())
        with connections[using].cursor() as cursor:
            cursor.execute(f"DELETE FROM {PASSAGES_TABLE} WHERE page_id = %s", [instance.pk])
            cursor.execute(
                REFRESH_PASSAGES, {"page_id": instance.pk, "config": SEARCH_CONFIG, "section_break": SECTION_BREAK}
            )
    elif vendor == "sqlite":
        with connections[using].cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE page_id = %s", [instance.pk])
            cursor.execute(
                f"INSERT INTO {FTS_TABLE} (page_id, title, summary, body) VALUES (%s, %s, %s, %s)",
                [instance.pk, instance.title, instance.summary, instance.body],
            )


def rebuild_index(using: str = DEFAULT_DB_ALIAS) -> int:
    """Index every page afresh, and drop entries for pages that are gone; answers how many pages were indexed.

    For text that changed without a save (a queryset .update(), raw SQL), or pages edited by an older release
    while this one's migrations were already in place.
    """
    table = _entries_table(using)
    with transaction.atomic(using=using):
        if table:
            with connections[using].cursor() as cursor:
                cursor.execute(f"DELETE FROM {table} WHERE page_id NOT IN (SELECT id FROM microcredentials_advicepage)")
        pages = list(AdvicePage.objects.using(using).only("pk", "title", "summary", "body"))
        for page in pages:
            index_page(AdvicePage, page, using=using)
    return len(pages)


def unindex_page(sender: type[AdvicePage], instance: AdvicePage, using: str, **kwargs: Any) -> None:
    table = _entries_table(using)
    if table:
        with connections[using].cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE page_id = %s", [instance.pk])


def _entries_table(using: str) -> str | None:
    """The table of per-page search entries outside the model state that a page's deletion must clear."""
    return {"postgresql": PASSAGES_TABLE, "sqlite": FTS_TABLE}.get(connections[using].vendor)
