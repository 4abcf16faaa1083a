"""Search insight: how often each search is made, and which find nothing, for the editors' reports.

One row per normalised query per New Zealand day, with a count and the number of pages the search last found.
Nothing about the reader is kept. Each search is counted by one statement (an upsert, atomic on SQLite 3.24+
and PostgreSQL alike), whether the view answers it or the page cache does (count_cached_search, which the view
declares to the cache). A failed write is logged and forgotten: counting must never fail a search.
"""

import datetime
import logging

from django.db import DatabaseError, connections, router
from django.db.models import OuterRef, QuerySet, Subquery, Sum
from django.http import HttpRequest
from django.utils import timezone

from microcredentials.models import SearchCount
from microcredentials.search.query import clean_query
from microcredentials.search.tuning import normalised

logger = logging.getLogger(__name__)

REPORT_PERIODS = (7, 30, 90)  # days an editor can choose between
REPORT_ROWS = 100

UPSERT = """
INSERT INTO {table} ({query}, {day}, {count}, {results}) VALUES (%s, %s, 1, %s)
ON CONFLICT ({query}, {day}) DO UPDATE SET
    {count} = {table}.{count} + 1,
    {results} = coalesce(excluded.{results}, {table}.{results})
"""


def is_counted(request: HttpRequest) -> bool:
    """A reader's new search: a GET of the first page of results (the later pages repeat the same search)."""
    return request.method == "GET" and request.GET.get("page", "1") == "1"


def count_search(query: str, result_count: int | None, day: datetime.date | None = None) -> None:
    """Count one search for this normalised query today; `result_count` is None when the search did not run."""
    if not query:
        return
    connection = connections[router.db_for_write(SearchCount)]
    quote = connection.ops.quote_name
    sql = UPSERT.format(
        table=quote(SearchCount._meta.db_table),
        query=quote("query"),
        day=quote("day"),
        count=quote("count"),
        results=quote("result_count"),
    )
    stored_day = connection.ops.adapt_datefield_value(day or timezone.localdate())
    # Requests run in autocommit, so a failed count ends only itself: it never aborts a transaction around it.
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, [query, stored_day, result_count])
    except DatabaseError:
        logger.warning("Could not count a search", exc_info=True)


def count_cached_search(request: HttpRequest) -> None:
    """Called by the page cache just before it answers a search from its copy, so cached searches count too."""
    query = clean_query(request.GET.get("q", ""))
    if query.has_words and is_counted(request):
        count_search(normalised(query), None)


def _since(days: int, today: datetime.date | None = None) -> datetime.date:
    return (today or timezone.localdate()) - datetime.timedelta(days=days - 1)


def top_searches(days: int, today: datetime.date | None = None) -> QuerySet[SearchCount, dict[str, object]]:
    """The most made searches over the last `days` days (today included), with the pages each last found."""
    latest = SearchCount.objects.filter(query=OuterRef("query"), result_count__isnull=False).order_by("-day")
    return (
        SearchCount.objects.filter(day__gte=_since(days, today))
        .values("query")
        .annotate(searches=Sum("count"), found=Subquery(latest.values("result_count")[:1]))
        .order_by("-searches", "query")[:REPORT_ROWS]
    )


def searches_finding_nothing(days: int, today: datetime.date | None = None) -> QuerySet[SearchCount, dict[str, object]]:
    """Searches that found no page over the last `days` days, the most made first."""
    return (
        SearchCount.objects.filter(day__gte=_since(days, today), result_count=0)
        .values("query")
        .annotate(searches=Sum("count"))
        .order_by("-searches", "query")[:REPORT_ROWS]
    )
