"""Search insight: how often each search is made, and which find nothing, for the editors' reports.

One row per normalised query per New Zealand day, with a count and the number of pages the search last found.
Nothing about the reader is kept. Every search is counted, whether the view answers it or the page cache does
(count_cached_search, which the view declares to the cache).

Counting must cost a search nothing and never fail it. So each process adds its searches up in memory and
writes them in one batch (one upsert per query and day, atomic on SQLite 3.24+ and PostgreSQL alike) at most
settings.SEARCH_COUNT_WRITE_SECONDS after the first of them, from a background thread, and again as the
process exits. A batch that cannot be written is logged and kept for the next one.
"""

import atexit
import datetime
import logging
import threading
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connections, router, transaction
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
INSERT INTO {table} ({query}, {day}, {count}, {results}) VALUES (%s, %s, %s, %s)
ON CONFLICT ({query}, {day}) DO UPDATE SET
    {count} = {table}.{count} + excluded.{count},
    {results} = coalesce(excluded.{results}, {table}.{results})
"""


def is_counted(request: HttpRequest) -> bool:
    """A reader's new search: a GET of the first page of results (the later pages repeat the same search)."""
    return request.method == "GET" and request.GET.get("page", "1") == "1"


@dataclass
class Tally:
    searches: int = 0
    found: int | None = None  # pages the search last found, if it ran (not when the page cache answered)


# Searches counted in this process and not yet written, by (query, day).
Batch = dict[tuple[str, datetime.date], Tally]
_pending: Batch = {}
_pending_lock = threading.Lock()  # threaded workers count from several threads
_write_timer: threading.Timer | None = None
MAX_PENDING = 10_000  # distinct queries held while the database cannot be written; beyond it, searches go uncounted
_uncounted = [0]  # searches left out since the last write, reported by it in one line


def count_search(query: str, result_count: int | None, day: datetime.date | None = None) -> None:
    """Count one search for this normalised query today; `result_count` is None when the search did not run."""
    if not query:
        return
    with _pending_lock:
        _add((query, day or timezone.localdate()), 1, result_count)
        if settings.SEARCH_COUNT_WRITE_SECONDS > 0:
            _start_timer()
            return
    write_pending_counts()  # no wait configured: written at once, in the request


def write_pending_counts() -> None:
    """Write every search counted in this process so far; a batch that fails waits for the next attempt."""
    global _write_timer
    with _pending_lock:
        batch = dict(_pending)
        _pending.clear()
        uncounted, _uncounted[0] = _uncounted[0], 0
        if _write_timer is not None:
            _write_timer.cancel()
            _write_timer = None
    if uncounted:
        logger.warning(
            "%d searches went uncounted: %d queries were already waiting to be written", uncounted, MAX_PENDING
        )
    if not batch:
        return
    try:
        _write(batch)
    except DatabaseError:
        logger.warning("Could not count a search (%d queries wait for the next batch)", len(batch), exc_info=True)
        with _pending_lock:
            for key, tally in batch.items():
                _add(key, tally.searches, tally.found)
            if settings.SEARCH_COUNT_WRITE_SECONDS > 0:
                _start_timer()


def _add(key: tuple[str, datetime.date], searches: int, result_count: int | None) -> None:
    """Add to the tally (the caller holds the lock)."""
    tally = _pending.get(key)
    if tally is None:
        if len(_pending) >= MAX_PENDING:
            _uncounted[0] += searches
            return
        tally = _pending[key] = Tally()
    tally.searches += searches
    if result_count is not None:
        tally.found = result_count


def _start_timer() -> None:
    """Write the tally in SEARCH_COUNT_WRITE_SECONDS, unless a write is already on its way (the lock is held)."""
    global _write_timer
    if _write_timer is None:
        _write_timer = threading.Timer(settings.SEARCH_COUNT_WRITE_SECONDS, _write_from_timer)
        _write_timer.daemon = True  # the exit handler below writes what a timer leaves
        _write_timer.start()


def _write_from_timer() -> None:
    try:
        write_pending_counts()
    finally:
        connections.close_all()  # this thread's own connections: the thread ends here


def _write(batch: Batch) -> None:
    connection = connections[router.db_for_write(SearchCount)]
    quote = connection.ops.quote_name
    sql = UPSERT.format(
        table=quote(SearchCount._meta.db_table),
        query=quote("query"),
        day=quote("day"),
        count=quote("count"),
        results=quote("result_count"),
    )
    rows = [
        (query, connection.ops.adapt_datefield_value(day), tally.searches, tally.found)
        for (query, day), tally in batch.items()
    ]
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:  # one commit for the batch
        cursor.executemany(sql, rows)


atexit.register(write_pending_counts)


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
