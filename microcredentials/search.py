"""Search over live advice pages: PostgreSQL full-text search, with an SQLite FTS5 fallback.

Both ignore macrons and other accents, so "wananga" finds "wānanga" (migration 0005).

PostgreSQL: each page keeps a stored search vector (title weight A, summary B, body C, English stemming),
refreshed after every save by `index_page` below and indexed with GIN (migration 0003). Results are ranked
with ts_rank and get a highlighted snippet from ts_headline.

SQLite (development and tests): an FTS5 table mirrors the same three columns with the Porter stemmer, kept in
step by the same signal handlers, so simple words find the same pages; bm25 ranks title over summary over body.

Both paths go through `AdvicePage.objects.live()`, so drafts and scheduled pages are never found.
Queryset `.update()` calls bypass the index: save the page (or run `load_content`) to refresh it.
"""

import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection, connections
from django.db.models import F, QuerySet, TextField, Value
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Concat
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.safestring import SafeString, mark_safe

from microcredentials.models import AdvicePage, AdvicePageQuerySet

MAX_QUERY_LENGTH = 200
RESULTS_PER_PAGE = 10
SEARCH_CONFIG = "english_unaccent"  # English stemming, macrons and accents ignored (migration 0005)
FTS_TABLE = "microcredentials_search_fts"
INDEXED_FIELDS = {"title", "summary", "body"}

# Private-use characters mark the highlighted words in raw snippets: they never occur in real text, so the
# snippet can be escaped as a whole and only these marks turned into <mark> elements afterwards.
MARK_START = "\ue000"
MARK_END = "\ue001"
MARKED_WORDS = re.compile(f"{MARK_START}([^{MARK_START}{MARK_END}]*){MARK_END}")

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
WORD = re.compile(r"[^\W_]+")  # a run of letters or digits, in any script
# Markdown that reads badly in a snippet: link targets, emphasis, brackets, table rules, and heading, quote and
# list marks at the start of a line.
MARKDOWN_LINK_TARGET = re.compile(r"\]\([^)\s]*\)?")
MARKDOWN_SYMBOLS = re.compile(r"[*`|\[\]]|:?-{3,}:?|^\s*(?:#+|>|[-+]|\d+\.)\s", re.MULTILINE)


@dataclass(frozen=True)
class CleanedQuery:
    text: str
    was_cut: bool = False

    @property
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


def find_pages(query: CleanedQuery) -> QuerySet[AdvicePage] | list[AdvicePage]:
    """Live pages matching the query, best first; each has a raw `headline` for `snippet_html`."""
    if not query.has_words:
        return []
    if connection.vendor == "postgresql":
        return _postgres_matches(query.text)
    return _sqlite_matches(query.text)


def to_results(pages: Iterable[AdvicePage]) -> list[SearchResult]:
    return [
        SearchResult(
            title=page.title,
            url=page.get_absolute_url(),
            topic_title=page.topic.title,
            snippet=snippet_html(getattr(page, "headline", "")),
        )
        for page in pages
    ]


def snippet_html(raw: str) -> SafeString:
    """Escape a raw snippet completely, then turn only the highlight marks into <mark> elements."""
    text = MARKDOWN_SYMBOLS.sub(" ", MARKDOWN_LINK_TARGET.sub("", raw))
    escaped = html.escape(" ".join(text.split()), quote=False)
    marked = MARKED_WORDS.sub(r"<mark>\1</mark>", escaped)
    return mark_safe(marked.replace(MARK_START, "").replace(MARK_END, ""))


def _live_pages() -> AdvicePageQuerySet:
    return AdvicePage.objects.live().select_related("topic").only("title", "slug", "topic__title", "topic__slug")


def _postgres_matches(text: str) -> QuerySet[AdvicePage]:
    query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    # The summary comes first, so a match there makes the snippet and a title-only match shows the summary.
    document = Concat("summary", Value("\n\n"), "body", output_field=TextField())
    headline = SearchHeadline(
        document,
        query,
        config=SEARCH_CONFIG,
        start_sel=MARK_START,
        stop_sel=MARK_END,
        max_words=20,
        min_words=10,
        max_fragments=2,
        fragment_delimiter=" … ",
    )
    return (
        _live_pages()
        .filter(search_vector=query)
        .annotate(rank=SearchRank(F("search_vector"), query), headline=headline)
        .order_by("-rank", "topic__order", "order", "title")
    )


def _sqlite_matches(text: str) -> list[AdvicePage]:
    # Each word quoted, so FTS5 syntax in the query is just text; quoted words are ANDed together.
    # bm25 weights follow the columns: page_id (not searched), title, summary, body.
    match = " ".join(f'"{word}"' for word in WORD.findall(text))
    sql = (
        f"SELECT page_id, snippet({FTS_TABLE}, 2, %s, %s, ' … ', 20), snippet({FTS_TABLE}, 3, %s, %s, ' … ', 20) "
        f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s ORDER BY bm25({FTS_TABLE}, 0.0, 10.0, 5.0, 1.0)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [MARK_START, MARK_END, MARK_START, MARK_END, match])
        rows = cursor.fetchall()
    position = {page_id: index for index, (page_id, _summary, _body) in enumerate(rows)}
    # Like the PostgreSQL snippet: from the summary unless only the body has the words.
    headlines = {
        page_id: body if MARK_START in body and MARK_START not in summary else summary
        for page_id, summary, body in rows
    }
    pages = sorted(_live_pages().filter(pk__in=position), key=lambda page: position[page.pk])
    for page in pages:
        page.headline = headlines[page.pk]  # type: ignore[attr-defined]
    return pages


def search_vector() -> CombinedExpression:
    return (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
        + SearchVector("body", weight="C", config=SEARCH_CONFIG)
    )


@receiver(post_save, sender=AdvicePage, dispatch_uid="search_index_page")
def index_page(
    sender: type[AdvicePage], instance: AdvicePage, using: str, update_fields: Any = None, **kwargs: Any
) -> None:
    """Refresh the page's entry in the search index after every save that could change its text."""
    if update_fields is not None and not INDEXED_FIELDS & set(update_fields):
        return
    vendor = connections[using].vendor
    if vendor == "postgresql":
        AdvicePage.objects.using(using).filter(pk=instance.pk).update(search_vector=search_vector())
    elif vendor == "sqlite":
        with connections[using].cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE page_id = %s", [instance.pk])
            cursor.execute(
                f"INSERT INTO {FTS_TABLE} (page_id, title, summary, body) VALUES (%s, %s, %s, %s)",
                [instance.pk, instance.title, instance.summary, instance.body],
            )


@receiver(post_delete, sender=AdvicePage, dispatch_uid="search_unindex_page")
def unindex_page(sender: type[AdvicePage], instance: AdvicePage, using: str, **kwargs: Any) -> None:
    if connections[using].vendor == "sqlite":
        with connections[using].cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE page_id = %s", [instance.pk])
