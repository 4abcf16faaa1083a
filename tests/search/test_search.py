"""Search: finding and ranking live pages on SQLite and PostgreSQL, snippets, awkward queries, pagination."""

import datetime
import importlib
import io
import re
import threading
from collections.abc import Callable

import pytest
import time_machine
from django.core.management import call_command
from django.core.paginator import Paginator
from django.db import connection
from django.test import Client
from django.utils import timezone

from microcredentials.models import AdvicePage
from microcredentials.search.query import (
    FTS_TABLE,
    MAX_QUERY_LENGTH,
    RESULTS_PER_PAGE,
    clean_query,
    find_results,
    snippet_html,
)

MakePage = Callable[..., AdvicePage]


def result_titles(html: str) -> list[str]:
    return re.findall(r'<h2 class="search-results__title"><a href="[^"]+">([^<]+)</a>', html)


def found_titles(text: str) -> list[str]:
    return [result.title for result in find_results(clean_query(text))]


def found_urls(text: str) -> list[str]:
    return [result.url for result in find_results(clean_query(text))]


@pytest.mark.django_db
def test_search_finds_the_shipped_page_by_a_stemmed_word(client: Client, shipped_content: AdvicePage) -> None:
    # "providers" is in the body as "provider"; both databases stem the word.
    response = client.get("/search/", {"q": "providers"})
    assert response.status_code == 200
    assert result_titles(response.content.decode()) == ["Micro-credentials"]


@pytest.mark.django_db
def test_the_search_page_s_examples_find_the_shipped_page(client: Client, shipped_content: AdvicePage) -> None:
    examples = re.findall(r"‘([^’]+)’", client.get("/search/").content.decode())
    assert examples == ["student loan", "digital badge"]
    for example in [*examples, "micro-credentials", "microcredential"]:
        assert found_titles(example) == ["Micro-credentials"], example


@pytest.mark.django_db
def test_title_match_ranks_above_body_match(client: Client, make_page: MakePage) -> None:
    make_page(slug="body", title="Starting out", body="## Options\n\nAn apprenticeship is one way in.\n")
    make_page(slug="title", title="Apprenticeship basics", body="## Options\n\nLearn while you earn.\n")
    make_page(slug="neither", title="Interviews", body="## Tips\n\nPrepare answers.\n")
    html = client.get("/search/", {"q": "apprenticeship"}).content.decode()
    assert result_titles(html) == ["Apprenticeship basics", "Starting out"]


@pytest.mark.django_db
def test_summary_match_ranks_above_body_match(make_page: MakePage) -> None:
    make_page(slug="body", title="One", summary="About work.", body="Volunteering helps.\n")
    make_page(slug="summary", title="Two", summary="Volunteering and you.", body="Other things.\n")
    assert found_titles("volunteering") == ["Two", "One"]


@pytest.mark.django_db
def test_only_live_pages_are_found(make_page: MakePage) -> None:
    make_page(slug="live", title="Live kaimahi page")
    make_page(slug="draft", title="Draft kaimahi page", status=AdvicePage.Status.DRAFT)
    make_page(slug="later", title="Later kaimahi page", publish_at=timezone.now() + datetime.timedelta(days=1))
    assert found_titles("kaimahi") == ["Live kaimahi page"]


@pytest.mark.django_db
def test_search_finds_exactly_the_pages_that_live_shows(make_page: MakePage) -> None:
    # The search queries repeat the condition of AdvicePage.objects.live() in SQL: the two must agree.
    now = timezone.now()
    hour = datetime.timedelta(hours=1)
    draft = AdvicePage.Status.DRAFT
    make_page(slug="published", title="Kaupapa one")
    make_page(slug="went-live", title="Kaupapa two", publish_at=now - hour)
    make_page(slug="scheduled", title="Kaupapa three", publish_at=now + hour)
    make_page(slug="draft", title="Kaupapa four", status=draft)
    make_page(slug="draft-went-live", title="Kaupapa five", status=draft, publish_at=now - hour)
    with time_machine.travel(now, tick=False):
        make_page(slug="live-this-instant", title="Kaupapa six", publish_at=now)
        live = {page.get_absolute_url() for page in AdvicePage.objects.live().select_related("topic")}
        assert live == {"/find-a-job/published/", "/find-a-job/went-live/", "/find-a-job/live-this-instant/"}
        assert set(found_urls("kaupapa")) == live


@pytest.mark.django_db
def test_all_words_must_match(make_page: MakePage) -> None:
    make_page(slug="a", title="Write a CV", body="Keep your CV short.\n")
    make_page(slug="b", title="Cover letters", summary="Letters.", body="Keep it short.\n")
    assert found_titles("short CV") == ["Write a CV"]


@pytest.mark.django_db
def test_edited_and_deleted_pages_leave_the_index(make_page: MakePage) -> None:
    page = make_page(title="Whakapapa and work")
    assert found_titles("whakapapa")
    page.title = "Family and work"
    page.save()
    assert not found_titles("whakapapa")
    assert found_titles("family")
    page.delete()
    assert not found_titles("family")


@pytest.mark.django_db
def test_snippet_highlights_the_words_and_escapes_everything_else(make_page: MakePage) -> None:
    make_page(summary="Tips & tricks.", body='Ask about <script>alert("x")</script> an apprenticeship today.\n')
    [result] = find_results(clean_query("apprenticeship"))
    assert "<mark>apprenticeship</mark>" in result.snippet
    assert "<script" not in result.snippet
    assert re.sub(r"</?mark>", "", result.snippet).count("<") == 0


@pytest.mark.django_db
def test_title_only_match_shows_the_summary_as_snippet(make_page: MakePage) -> None:
    make_page(title="Kōrero at work", summary="Talking with colleagues.", body="Be clear.\n")
    [result] = find_results(clean_query("kōrero"))
    assert result.snippet.startswith("Talking with colleagues.")


def test_snippet_html_turns_only_the_marks_into_markup() -> None:
    raw = "<b>\ue000CV\ue001</b> & [the \ue000CV\ue001 guide](/find-a-job/) **now** \ue000stray"
    assert snippet_html(raw) == "&lt;b&gt;<mark>CV</mark>&lt;/b&gt; &amp; the <mark>CV</mark> guide now stray"


@pytest.mark.parametrize(
    ("raw", "text", "was_cut"),
    [
        ("  CV \t tips\n", "CV tips", False),
        ("CV\x00tips\x07", "CV tips", False),
        ("x" * 500, "x" * MAX_QUERY_LENGTH, True),
        ("wa\u0304nanga", "w\u0101nanga", False),  # decomposed macron made into one character
    ],
)
def test_clean_query(raw: str, text: str, was_cut: bool) -> None:
    query = clean_query(raw)
    assert (query.text, query.was_cut) == (text, was_cut)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("", "Type a word or two about what you want to find"),
        ("   ", "Type a word or two about what you want to find"),
        ("?!*&", "did not include any letters or numbers"),
        ('"" -- () ___', "did not include any letters or numbers"),
        ("\x00\x00", "Type a word or two about what you want to find"),
        ("微证书", "No pages matched ‘微证书’"),
        ("Привет мир", "No pages matched ‘Привет мир’"),
        ('"unclosed AND OR NOT (* NEAR', "No pages matched"),
        ("a" * 5000, "longer than 200 characters"),
    ],
)
def test_awkward_queries_get_a_normal_page_with_a_message(
    client: Client, shipped_content: AdvicePage, q: str, message: str
) -> None:
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    assert message in response.content.decode()


@pytest.mark.django_db
def test_nul_inside_a_word_still_searches(client: Client, shipped_content: AdvicePage) -> None:
    response = client.get("/search/?q=micro%00credentials")
    assert response.status_code == 200
    assert result_titles(response.content.decode()) == ["Micro-credentials"]


@pytest.mark.django_db
def test_macrons_and_te_reo_words_are_found(client: Client, shipped_content: AdvicePage) -> None:
    html = client.get("/search/", {"q": "wānanga"}).content.decode()
    assert result_titles(html) == ["Micro-credentials"]
    assert "<mark>wānanga</mark>" in html


@pytest.mark.django_db
def test_a_search_without_macrons_finds_and_highlights_the_word_with_them(
    client: Client, shipped_content: AdvicePage
) -> None:
    html = client.get("/search/", {"q": "wananga"}).content.decode()
    assert result_titles(html) == ["Micro-credentials"]
    assert "<mark>wānanga</mark>" in html  # highlighted as the page writes it


@pytest.mark.django_db
def test_a_search_with_macrons_finds_a_page_written_without_them(make_page: MakePage) -> None:
    make_page(slug="plain", title="Maori trades training", body="Courses for rangatahi.\n")
    make_page(slug="other", title="Interviews", body="Prepare answers.\n")
    assert found_urls("Māori") == ["/find-a-job/plain/"]
    assert found_urls("rangatahi trades") == ["/find-a-job/plain/"]


@pytest.mark.django_db
def test_non_latin_words_find_pages(make_page: MakePage) -> None:
    make_page(slug="zh", title="微证书 guide", body="Short courses.\n")
    make_page(slug="ru", title="Other", summary="Советы по работе.", body="Advice.\n")
    assert found_urls("微证书") == ["/find-a-job/zh/"]
    assert found_urls("советы") == ["/find-a-job/ru/"]


@pytest.mark.django_db
def test_common_words_alone_do_not_break_search(client: Client, shipped_content: AdvicePage) -> None:
    # PostgreSQL drops English stop words, leaving an empty query; that is a normal "no results" page.
    assert client.get("/search/", {"q": "the and of"}).status_code == 200


@pytest.mark.django_db
def test_results_page_has_unique_title_noindex_and_escapes_the_query(
    client: Client, shipped_content: AdvicePage
) -> None:
    html = client.get("/search/", {"q": "<img src=x> NZQA"}).content.decode()
    assert "<title>Search results for ‘&lt;img src=x&gt; NZQA’ | Careers advice</title>" in html
    assert '<meta name="robots" content="noindex">' in html
    assert "<img src=x>" not in html
    assert html.count("<h1>") == 1


@pytest.mark.django_db
def test_results_are_paginated_ten_a_page_and_bad_page_numbers_are_safe(client: Client, make_page: MakePage) -> None:
    for number in range(12):
        make_page(slug=f"page-{number}", title=f"Rangatahi guide {number:02}", order=number)
    first = client.get("/search/", {"q": "rangatahi"}).content.decode()
    assert len(result_titles(first)) == 10
    assert "12 pages found" in first
    assert "Page 1 of 2" in first
    assert 'href="?q=rangatahi&amp;page=2" rel="next"' in first
    second = client.get("/search/", {"q": "rangatahi", "page": "2"}).content.decode()
    assert len(result_titles(second)) == 2
    assert "(page 2) | Careers advice</title>" in second
    for bad, expected in [("abc", 10), ("0", 2), ("-3", 2), ("99999999999999999999", 2), ("1.5", 10), ("9" * 5000, 10)]:
        response = client.get("/search/", {"q": "rangatahi", "page": bad})
        assert response.status_code == 200
        assert len(result_titles(response.content.decode())) == expected


@pytest.mark.django_db
def test_pages_of_results_are_numbered_and_counted_as_django_paginator_would(make_page: MakePage) -> None:
    # The search counts and pages its results in its one query: each answer must match Paginator.get_page's.
    for number in range(23):
        body = "Mahi and whānau.\n" if number < 20 else "Mahi.\n"
        make_page(slug=f"page-{number}", title=f"Kaimahi guide {number:02}", body=body)
    asked_for = [None, "", "1", "2", "3", "4", "0", "-1", "-3", "1.5", "abc", " 2 ", "99999999999999999999", "9" * 5000]
    for text, count in [("mahi", 23), ("whanau", 20), ("zebrafish", 0)]:
        for asked in asked_for:
            expected = Paginator(range(count), RESULTS_PER_PAGE).get_page(asked)
            found = find_results(clean_query(text), asked)
            assert (found.number, found.paginator.count, found.paginator.num_pages) == (
                expected.number,
                expected.paginator.count,
                expected.paginator.num_pages,
            ), (text, asked)
            assert (len(found), found.start_index(), found.has_next()) == (
                len(expected),
                expected.start_index(),
                expected.has_next(),
            ), (text, asked)


@pytest.mark.django_db
def test_equally_ranked_results_keep_one_order_across_pages(make_page: MakePage) -> None:
    # Every page has the same rank for "mahi": the order falls back to the page order, so that reading page 1
    # and then page 2 shows each result once.
    for number in range(23):
        make_page(slug=f"page-{number}", title=f"Kaimahi guide {number:02}", body="Mahi.\n", order=22 - number)
    titles = [result.title for page in ("1", "2", "3") for result in find_results(clean_query("mahi"), page)]
    assert titles == [f"Kaimahi guide {number:02}" for number in reversed(range(23))]


@pytest.mark.django_db
def test_search_box_is_in_the_header_of_every_page(client: Client, shipped_content: AdvicePage) -> None:
    for url in ["/", "/plan-your-career/", "/plan-your-career/micro-credentials/", "/tools/study-time/", "/nope/"]:
        html = client.get(url).content.decode()
        assert '<form class="search-form" role="search" aria-label="Site" method="get" action="/search/">' in html
        assert '<label class="visually-hidden" for="site-search">Search this site</label>' in html
        assert '<input type="search" id="site-search" name="q"' in html


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_postgres_stores_a_weighted_vector_with_a_gin_index(make_page: MakePage) -> None:
    page = make_page(title="Careers", summary="Advice", body="Guidance")
    vector = AdvicePage.objects.values_list("search_vector", flat=True).get(pk=page.pk)
    assert vector == "'advic':2B 'career':1A 'guidanc':3C"
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'microcredentials_advicepage_search_gin'")
        [(definition,)] = cursor.fetchall()
    assert "USING gin (search_vector)" in definition


postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
SECTIONED_BODY = "## Pay\n\nWages and salary rates vary.\n\n## Training\n\nApprenticeship options are listed here.\n"


@pytest.mark.django_db
@postgres_only  # SQLite's FTS5 snippet is a window of words around the match, wherever it falls
def test_a_snippet_comes_from_the_section_that_has_the_words(make_page: MakePage) -> None:
    make_page(summary="How to plan.", body=SECTIONED_BODY)
    [result] = find_results(clean_query("apprenticeship"))
    # From the whole page, the snippet ran on from the section before ("… rates vary. Training …").
    assert result.snippet == "Training <mark>Apprenticeship</mark> options are listed here"


@pytest.mark.django_db
@postgres_only
def test_words_in_different_sections_get_a_snippet_from_the_whole_page(make_page: MakePage) -> None:
    make_page(summary="How to plan.", body=SECTIONED_BODY)
    [result] = find_results(clean_query("salary apprenticeship"))  # no one passage has both
    assert "<mark>salary</mark>" in result.snippet
    assert "<mark>Apprenticeship</mark>" in result.snippet


def passages(page: AdvicePage) -> list[tuple[int, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT position, text FROM microcredentials_search_passage WHERE page_id = %s ORDER BY position",
            [page.pk],
        )
        return cursor.fetchall()


@pytest.mark.django_db
@postgres_only
def test_postgres_keeps_each_pages_passages_in_step_with_every_edit(make_page: MakePage) -> None:
    page = make_page(summary="How to plan.", body="Intro.\n\n" + SECTIONED_BODY)
    assert passages(page) == [
        (0, "How to plan."),
        (1, "Intro."),
        (2, "## Pay\n\nWages and salary rates vary."),
        (3, "## Training\n\nApprenticeship options are listed here.\n"),
    ]
    page.body = "## Only one section\n\nNothing else.\n"
    page.save()
    assert passages(page) == [(0, "How to plan."), (1, "## Only one section\n\nNothing else.\n")]
    page.delete()
    assert passages(page) == []


def prepared_searches() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%%websearch_to_tsquery%%'")
        [(count,)] = cursor.fetchall()
    return count


@pytest.mark.django_db
@postgres_only
def test_postgres_plans_the_search_once_per_connection(client: Client, make_page: MakePage) -> None:
    make_page()
    for query in ["cv", "short", "nothing matches this"]:
        assert client.get("/search/", {"q": query}).status_code == 200
    for page in ["2", "40000", "3000000001"]:  # psycopg would send these as smallint, integer and bigint
        assert client.get("/search/", {"q": "cv", "page": page}).status_code == 200
    assert prepared_searches() == 1  # one statement, prepared at the first search and used by the others


@pytest.mark.django_db
@postgres_only
def test_postgres_search_works_without_prepared_statements(make_page: MakePage) -> None:
    # As with DJANGO_DB_PREPARED_STATEMENTS=0, for a pooler that cannot keep them. (No statement is left over
    # from earlier tests: psycopg deallocates them all when a test's transaction is rolled back.)
    make_page()
    connection.ensure_connection()
    connection.connection.prepare_threshold = None
    try:
        assert found_titles("cv") == ["Write a CV"]
        assert prepared_searches() == 0
    finally:
        connection.close()  # the next test gets a connection made from the settings again


def change_column_from_another_connection(column_type: str) -> None:
    """As a deploy's `migrate` does while the app servers keep their connections."""

    def alter() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER TABLE microcredentials_topic ALTER COLUMN title TYPE {column_type}")
        finally:
            connection.close()

    thread = threading.Thread(target=alter)  # a thread of its own has a connection of its own
    thread.start()
    thread.join()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@postgres_only
def test_a_column_a_migration_changes_does_not_break_the_prepared_search(make_page: MakePage) -> None:
    make_page()
    assert found_titles("cv") == ["Write a CV"]  # prepares the statement on this connection
    change_column_from_another_connection("varchar(200)")
    try:
        # Failed with "cached plan must not change result type" until the connection closed.
        assert found_titles("cv") == ["Write a CV"]
    finally:
        change_column_from_another_connection("varchar(120)")


@pytest.mark.django_db
def test_rebuilding_the_index_catches_up_with_text_changed_without_a_save(make_page: MakePage) -> None:
    page = make_page(body="## Start here\n\nKeep it short.\n")
    AdvicePage.objects.filter(pk=page.pk).update(body="## Start here\n\nMention your apprenticeship.\n")
    assert found_titles("apprenticeship") == []  # the index still has the old text
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert out.getvalue() == "Search index rebuilt for 1 page.\n"
    [result] = find_results(clean_query("apprenticeship"))
    assert "<mark>apprenticeship</mark>" in result.snippet
    assert found_titles("short") == []


ENTRIES_TABLE = "microcredentials_search_passage" if connection.vendor == "postgresql" else FTS_TABLE
ORPHAN_ENTRY = {  # as a flush that empties the pages, but not these tables outside the model state, leaves
    "postgresql": f"INSERT INTO {ENTRIES_TABLE} VALUES (%s, 0, 'Gone', ''::tsvector)",
    "sqlite": f"INSERT INTO {ENTRIES_TABLE} (page_id, title, summary, body) VALUES (%s, 'Gone', '', '')",
}


def pages_with_search_entries() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT page_id FROM {ENTRIES_TABLE} ORDER BY page_id")
        return [int(page_id) for (page_id,) in cursor.fetchall()]


@pytest.mark.django_db
def test_deleting_a_page_removes_its_search_entries(make_page: MakePage) -> None:
    kept, deleted = make_page(), make_page(slug="gone", title="Gone")
    assert pages_with_search_entries() == [kept.pk, deleted.pk]
    deleted.delete()
    assert pages_with_search_entries() == [kept.pk]


@pytest.mark.django_db
def test_rebuilding_the_index_drops_entries_of_pages_that_are_gone(make_page: MakePage) -> None:
    page = make_page()
    with connection.cursor() as cursor:
        cursor.execute(ORPHAN_ENTRY[connection.vendor], [page.pk + 1])
    assert pages_with_search_entries() == [page.pk, page.pk + 1]
    call_command("rebuild_search_index", stdout=io.StringIO())
    assert pages_with_search_entries() == [page.pk]


@pytest.mark.django_db
@postgres_only
def test_the_migration_cuts_passages_as_the_index_does(shipped_content: AdvicePage) -> None:
    migration = importlib.import_module("microcredentials.migrations.0007_search_passages")
    cut_on_save = all_passages()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM microcredentials_search_passage")
        cursor.execute(migration.POSTGRES_FORWARD[1])
    assert len(cut_on_save) > 10
    assert all_passages() == cut_on_save


def all_passages() -> list[tuple[int, int, str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT page_id, position, text, vector::text FROM microcredentials_search_passage ORDER BY 1, 2"
        )
        return cursor.fetchall()


@pytest.mark.django_db
def test_a_moved_page_is_found_at_its_new_address(make_page: MakePage) -> None:
    page = make_page()
    assert found_urls("cv") == ["/find-a-job/write-a-cv/"]
    page.slug = "cv-writing"
    page.save()
    assert found_urls("cv") == ["/find-a-job/cv-writing/"]
