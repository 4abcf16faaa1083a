"""Search insight: each search counted once per query and day, cached answers included, with nothing personal."""

import datetime
import threading
import time

import pytest
import time_machine
from django.db import connection
from django.test import Client

from microcredentials.models import AdvicePage, SearchCount
from microcredentials.search.insights import count_search, write_pending_counts

# 10.30am on 5 March 2025 in New Zealand (still 4 March in UTC): the day counted is New Zealand's.
MORNING_IN_NZ = "2025-03-04 21:30:00+00:00"


def counts() -> dict[str, tuple[int, int | None]]:
    return {row.query: (row.count, row.result_count) for row in SearchCount.objects.all()}


@pytest.mark.django_db
@time_machine.travel(MORNING_IN_NZ, tick=False)
def test_the_same_search_twice_counts_two_even_when_the_page_cache_answers(
    client: Client, shipped_content: AdvicePage
) -> None:
    first = client.get("/search/", {"q": "Student   LOAN"})
    second = client.get("/search/", {"q": "Student   LOAN"})
    assert first.content == second.content
    assert "public" in second["Cache-Control"]  # the second came from the page cache
    row = SearchCount.objects.get()
    assert (row.query, row.day, row.count, row.result_count) == ("student loan", datetime.date(2025, 3, 5), 2, 1)


@pytest.mark.django_db
@time_machine.travel(MORNING_IN_NZ, tick=False)
def test_spellings_of_one_query_share_a_row(client: Client, shipped_content: AdvicePage) -> None:
    for spelling in ["digital badge", "  Digital\tBadge ", "DIGITAL\x00 badge"]:
        client.get("/search/", {"q": spelling})
    assert counts() == {"digital badge": (3, 1)}


@pytest.mark.django_db
@time_machine.travel(MORNING_IN_NZ, tick=False)
def test_later_pages_empty_queries_and_head_requests_are_not_counted(
    client: Client, shipped_content: AdvicePage
) -> None:
    client.get("/search/")
    client.get("/search/", {"q": "   "})
    client.get("/search/", {"q": "?!"})  # no letters or numbers: nothing was searched
    client.get("/search/", {"q": "provider", "page": "2"})
    client.head("/search/", {"q": "provider"})
    assert counts() == {}
    client.get("/search/", {"q": "provider", "page": "1"})
    assert counts() == {"provider": (1, 1)}


@pytest.mark.django_db
@time_machine.travel(MORNING_IN_NZ, tick=False)
def test_a_search_that_finds_nothing_is_counted_as_such(client: Client, shipped_content: AdvicePage) -> None:
    client.get("/search/", {"q": "zebrafish"})
    assert counts() == {"zebrafish": (1, 0)}


@pytest.mark.django_db
def test_each_day_has_its_own_row(client: Client, shipped_content: AdvicePage) -> None:
    with time_machine.travel(MORNING_IN_NZ, tick=False):
        client.get("/search/", {"q": "provider"})
    with time_machine.travel("2025-03-05 21:30:00+00:00", tick=False):
        client.get("/search/", {"q": "provider"})
    days = sorted(SearchCount.objects.values_list("day", "count"))
    assert days == [(datetime.date(2025, 3, 5), 1), (datetime.date(2025, 3, 6), 1)]


@pytest.mark.django_db
def test_long_queries_are_counted_cut_as_the_search_cuts_them(client: Client, shipped_content: AdvicePage) -> None:
    client.get("/search/", {"q": "Kupu " * 100})
    (query,) = SearchCount.objects.values_list("query", flat=True)
    assert query == ("kupu " * 40).strip()  # 200 characters, less the space the cut left at the end


@pytest.mark.django_db
def test_nothing_about_the_reader_is_stored() -> None:
    fields = {field.name for field in SearchCount._meta.get_fields()}
    assert fields == {"id", "query", "day", "count", "result_count"}


# As requests run: in autocommit, not inside a test's transaction (which PostgreSQL would abort at the failed write).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_count_that_cannot_be_written_never_fails_the_search(
    client: Client, shipped_content: AdvicePage, caplog: pytest.LogCaptureFixture
) -> None:
    with connection.cursor() as cursor:  # as if the table were missing (a release ahead of its migration)
        cursor.execute(f"ALTER TABLE {SearchCount._meta.db_table} RENAME TO search_count_elsewhere")
    try:
        response = client.get("/search/", {"q": "provider"})
        cached = client.get("/search/", {"q": "provider"})
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE search_count_elsewhere RENAME TO {SearchCount._meta.db_table}")
    assert response.status_code == cached.status_code == 200
    assert "Micro-credentials" in response.content.decode()
    assert "Could not count a search" in caplog.text
    write_pending_counts()  # the table is back: the kept searches are written, none lost
    assert counts() == {"provider": (2, 1)}


@pytest.mark.django_db
def test_counting_adds_to_the_existing_row_and_keeps_the_last_known_result_count() -> None:
    day = datetime.date(2025, 3, 5)
    count_search("careers", 4, day=day)
    count_search("careers", None, day=day)  # answered from the page cache: the pages found are not known
    count_search("careers", 3, day=day)
    count_search("careers", None, day=day)
    assert counts() == {"careers": (4, 3)}


@pytest.mark.django_db
def test_with_a_wait_searches_are_added_up_in_memory_and_written_in_one_batch(
    client: Client, shipped_content: AdvicePage, settings: object
) -> None:
    settings.SEARCH_COUNT_WRITE_SECONDS = 3600  # type: ignore[attr-defined]
    for _ in range(3):
        client.get("/search/", {"q": "student loan"})  # the view once, then the page cache twice
    client.get("/search/", {"q": "zebrafish"})
    assert counts() == {}  # nothing written on the request path
    write_pending_counts()
    assert counts() == {"student loan": (3, 1), "zebrafish": (1, 0)}
    write_pending_counts()  # written once: a second write adds nothing
    assert counts() == {"student loan": (3, 1), "zebrafish": (1, 0)}


# The timer writes from its own thread, with its own connection: committed rows, as in production.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_batch_is_written_by_itself_after_the_wait(
    client: Client, shipped_content: AdvicePage, settings: object
) -> None:
    settings.SEARCH_COUNT_WRITE_SECONDS = 1  # type: ignore[attr-defined]
    client.get("/search/", {"q": "fees free"})
    client.get("/search/", {"q": "fees free"})
    assert counts() == {}
    deadline = time.monotonic() + 10
    while not counts() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert counts() == {"fees free": (2, 1)}
    assert [thread for thread in threading.enumerate() if isinstance(thread, threading.Timer)] == []


@pytest.mark.django_db
def test_a_full_tally_leaves_further_queries_uncounted_and_says_so_once(
    settings: object, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    settings.SEARCH_COUNT_WRITE_SECONDS = 3600  # type: ignore[attr-defined]
    monkeypatch.setattr("microcredentials.search.insights.MAX_PENDING", 2)
    for query in ("careers", "fees free", "nursing", "nursing", "careers"):
        count_search(query, None)
    write_pending_counts()
    assert counts() == {"careers": (2, None), "fees free": (1, None)}
    assert [record.getMessage() for record in caplog.records] == [
        "2 searches went uncounted: 2 queries were already waiting to be written"
    ]
