"""The site's own Prometheus metrics, in one place; it imports no feature, and features call its functions.

Under gunicorn every worker writes its numbers to files in PROMETHEUS_MULTIPROC_DIR (gunicorn.conf.py sets it up)
and /metrics adds them up (careers_site/http/metrics_endpoint.py); without it (runserver, tests, the worker) the
numbers are this process's own. Labels are fixed small sets, and labelled children used on every request are
looked up once, so counting costs one `.inc()`.

Everything is named `careers_…`; docs/operations.md says what each means and deploy/alerts.yml uses them.
"""

import time
from collections.abc import Callable, Iterator
from datetime import datetime

from prometheus_client import Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

# --- requests (careers_site/http/request_id.py) ---------------------------------------------------------------

# Buckets around the site's budgets: a cached page takes about a millisecond, an uncached one tens.
REQUEST_SECONDS = Histogram(
    "careers_http_request_duration_seconds",
    "Time to answer a request, in the app (from the first middleware to the last).",
    buckets=(0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
RESPONSES = Counter("careers_http_responses", "Responses sent, by status class (2xx, 3xx, 4xx, 5xx).", ["status"])
# Indexed by status // 100, so a request looks nothing up by name.
_RESPONSES_BY_CLASS = tuple(RESPONSES.labels(f"{n}xx") for n in range(6))


def request_done(status: int, seconds: float) -> None:
    REQUEST_SECONDS.observe(seconds)
    _RESPONSES_BY_CLASS[min(status // 100, 5)].inc()


# --- the page cache (careers_site/pagecache/middleware.py) ---------------------------------------------------

PAGE_CACHE_HITS = Counter("careers_page_cache_hits", "Public pages answered from the page cache.", ["page_type"])
PAGE_CACHE_MISSES = Counter(
    "careers_page_cache_misses", "Cacheable requests rendered afresh (not in the page cache).", ["page_type"]
)
_hit_counters: dict[str, Counter] = {}
_miss_counters: dict[str, Counter] = {}


def page_cache_hit(page_type: str) -> None:
    counter = _hit_counters.get(page_type)
    if counter is None:
        counter = _hit_counters[page_type] = PAGE_CACHE_HITS.labels(page_type)
    counter.inc()


def page_cache_miss(page_type: str) -> None:
    counter = _miss_counters.get(page_type)
    if counter is None:
        counter = _miss_counters[page_type] = PAGE_CACHE_MISSES.labels(page_type)
    counter.inc()


FRAGMENT_FILLS = Counter(
    "careers_fragment_fills", "Per-request fragments (the site alert) filled into a page.", ["fragment"]
)


def counted_fill(name: str, fill: Callable[..., str]) -> Callable[..., str]:
    """`fill`, counting each call under `name` (the fragment's child is looked up once, here)."""
    counter = FRAGMENT_FILLS.labels(name)

    def counted(*args: object) -> str:
        counter.inc()
        return fill(*args)

    return counted


# --- search and feedback -------------------------------------------------------------------------------------

SEARCHES = Counter("careers_searches", "Searches run (a repeat served from the page cache is a page cache hit).")
SEARCHES_EMPTY = Counter("careers_searches_without_results", "Searches run that found nothing.")


def search_done(result_count: int) -> None:
    SEARCHES.inc()
    if not result_count:
        SEARCHES_EMPTY.inc()


FEEDBACK = Counter(
    "careers_feedback",
    "Page feedback posts, by outcome: accepted, refused (invalid, bot, no such page), rate_limited, unavailable.",
    ["outcome"],
)


def feedback_answered(status: int) -> None:
    """Called with the status the feedback endpoint answered."""
    if status < 400:
        outcome = "accepted"
    elif status == 429:
        outcome = "rate_limited"
    elif status == 503:
        outcome = "unavailable"
    else:
        outcome = "refused"
    FEEDBACK.labels(outcome).inc()


# --- outages (careers_site/http/outage.py) -------------------------------------------------------------------

# "livemax": 1 while any running worker is in an open outage; a dead worker's value is dropped.
OUTAGE_OPEN = Gauge(
    "careers_outage_open", "1 while a worker finds the service down.", ["service"], multiprocess_mode="livemax"
)
# "max": seconds of outage as seen by the worker that saw most of it (summing would count each second per worker).
OUTAGE_SECONDS = Gauge(
    "careers_outage_seconds",
    "Seconds the service has been seen down since start-up.",
    ["service"],
    multiprocess_mode="max",
)
OUTAGE_FAILURES = Counter(
    "careers_outage_failures", "Requests or calls that failed because the service was down.", ["service"]
)


def outage_failure(service: str, open_seconds: float) -> None:
    """One failure while `service` is down; `open_seconds` more of outage since the last call."""
    OUTAGE_FAILURES.labels(service).inc()
    OUTAGE_OPEN.labels(service).set(1)
    OUTAGE_SECONDS.labels(service).inc(open_seconds)


def outage_ended(service: str, open_seconds: float) -> None:
    OUTAGE_OPEN.labels(service).set(0)
    OUTAGE_SECONDS.labels(service).inc(open_seconds)


# --- the background-task queue, read when scraped ------------------------------------------------------------


class TaskQueueCollector(Collector):
    """Tasks waiting in django_tasks_db's table: how many, and how long the oldest due one has waited.

    Read from the database at scrape time (two small queries on an indexed status), so every app server and
    worker reports the same shared queue; if the database cannot be read, these are left out of the scrape.
    """

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from django.db import DatabaseError  # imported when scraped: this module loads before Django is set up

        try:
            waiting, oldest = _queue_state()
        except DatabaseError:
            return
        yield GaugeMetricFamily("careers_task_queue_depth", "Background tasks waiting to run (status READY).", waiting)
        age = max(time.time() - oldest.timestamp(), 0.0) if oldest else 0.0
        yield GaugeMetricFamily(
            "careers_task_queue_oldest_age_seconds", "How long the oldest task that is due has been waiting.", age
        )


def _queue_state() -> tuple[int, datetime | None]:
    from django.db.models import Min
    from django.db.models.functions import Greatest
    from django.utils import timezone
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult, get_date_max

    ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    waiting = ready.count()
    if not waiting:
        return 0, None
    # A task is due from when it was queued, or from its run_after if it has one (the table's "none" is the
    # latest date) that is later and has passed.
    undated = ready.filter(run_after=get_date_max()).aggregate(since=Min("enqueued_at"))["since"]
    dated = ready.filter(run_after__lte=timezone.now()).aggregate(since=Min(Greatest("enqueued_at", "run_after")))
    candidates = [when for when in (undated, dated["since"]) if when is not None]
    return waiting, min(candidates) if candidates else None


TASK_QUEUE = TaskQueueCollector()
