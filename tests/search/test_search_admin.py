"""The editors' search admin: the two reports, who may read them, and the synonym and recommended-result forms."""

import datetime
import re
from collections.abc import Callable

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from microcredentials.models import AdvicePage, BestBet, SearchCount, Synonym
from tests.editing.helpers import CONTENT_EDITORS, login, make_user

ADMIN = f"/{settings.ADMIN_PATH}microcredentials/"
TOP = f"{ADMIN}searchcount/"
NOTHING = f"{ADMIN}searchcount/nothing-found/"
REVIEWERS = "Reviewers"
TODAY = datetime.date(2025, 3, 5)
MakePage = Callable[..., AdvicePage]


def rows(page_html: str) -> list[tuple[str, ...]]:
    """Each body row of the report's table: the search, then its other cells."""
    body = page_html.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in page_html else ""
    found = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.DOTALL):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.DOTALL)
        found.append(tuple(re.sub(r"<[^>]+>", "", cell).strip() for cell in cells))
    return found


@pytest.fixture
def searches(db: None) -> None:
    def made(query: str, days_ago: int, count: int, found: int | None) -> None:
        day = TODAY - datetime.timedelta(days=days_ago)
        SearchCount.objects.create(query=query, day=day, count=count, result_count=found)

    made("student loan", 0, 5, 2)
    made("student loan", 20, 10, 1)
    made("zebrafish", 1, 3, 0)
    made("<b>bold</b>", 2, 1, 0)
    made("careers", 60, 50, 4)
    made("cached only", 3, 2, None)


@pytest.fixture
def editor_client(client: Client, db: None) -> Client:
    return login(client, make_user("aroha", CONTENT_EDITORS))


@pytest.mark.django_db
@time_machine.travel("2025-03-05 01:00:00+00:00", tick=False)
def test_top_searches_over_each_period(editor_client: Client, searches: None) -> None:
    week = editor_client.get(TOP, {"days": "7"})
    assert week.status_code == 200
    week_html = week.content.decode()
    assert "<caption>Top searches over the last 7 days, the most made first</caption>" in week_html
    assert rows(week_html) == [
        ("student loan", "5", "2"),
        ("zebrafish", "3", "None"),
        ("cached only", "2", "Not known yet"),
        ("&lt;b&gt;bold&lt;/b&gt;", "1", "None"),
    ]
    assert rows(editor_client.get(TOP).content.decode())[0] == ("student loan", "15", "2")  # 30 days by default
    assert rows(editor_client.get(TOP, {"days": "90"}).content.decode())[0] == ("careers", "50", "4")
    assert '<th scope="col">Times searched</th>' in week_html
    assert 'href="/search/?q=student%20loan"' in week_html


@pytest.mark.django_db
@time_machine.travel("2025-03-05 01:00:00+00:00", tick=False)
def test_searches_that_found_nothing(editor_client: Client, searches: None) -> None:
    page = editor_client.get(NOTHING, {"days": "30"}).content.decode()
    assert rows(page) == [("zebrafish", "3"), ("&lt;b&gt;bold&lt;/b&gt;", "1")]
    assert "add a <a" in page  # points the editor at synonyms and recommended results
    assert "<b>bold</b>" not in page


@pytest.mark.django_db
@time_machine.travel("2025-03-05 01:00:00+00:00", tick=False)
def test_a_period_not_offered_gets_a_400_with_a_message(editor_client: Client, searches: None) -> None:
    for days in ["5", "", "abc", "9" * 40]:
        response = editor_client.get(TOP, {"days": days})
        assert response.status_code == 400, days
        assert "Choose one of the periods listed." in response.content.decode()
    assert editor_client.get(NOTHING, {"days": "-1"}).status_code == 400
    nul = editor_client.get(TOP, {"days": "30\x00"})  # refused by every admin page (StaffAdminSite.admin_view)
    assert nul.status_code == 400
    assert "Sorry, we could not understand that request" in nul.content.decode()


@pytest.mark.django_db
def test_the_period_filter_works_without_javascript(editor_client: Client) -> None:
    page = editor_client.get(TOP).content.decode()
    form = re.search(r'<form method="get" class="search-report-period">.*?</form>', page, re.DOTALL)
    assert form is not None
    assert '<select name="days"' in form[0] and '<button type="submit"' in form[0]
    assert '<option value="30" selected>' in form[0]


@pytest.mark.django_db
@pytest.mark.parametrize("group", [CONTENT_EDITORS, REVIEWERS])
def test_editors_and_reviewers_read_both_reports(client: Client, group: str) -> None:
    login(client, make_user("reader", group))
    assert client.get(TOP).status_code == 200
    assert client.get(NOTHING).status_code == 200
    assert client.get(f"{ADMIN}synonym/").status_code == 200
    assert client.get(f"{ADMIN}bestbet/").status_code == 200


@pytest.mark.django_db
def test_other_staff_and_the_public_cannot_read_the_reports(client: Client) -> None:
    assert client.get(TOP).status_code == 302  # to the sign-in page
    login(client, make_user("someone", "Contact centre"))
    assert client.get(TOP).status_code == 403
    assert client.get(NOTHING).status_code == 403


@pytest.mark.django_db
def test_nobody_edits_the_counts(editor_client: Client, searches: None) -> None:
    row = SearchCount.objects.first()
    assert row is not None
    assert editor_client.get(f"{ADMIN}searchcount/add/").status_code == 403
    assert editor_client.post(f"{ADMIN}searchcount/{row.pk}/delete/", {"post": "yes"}).status_code == 403


@pytest.mark.django_db
def test_reviewers_read_but_do_not_change_synonyms(client: Client) -> None:
    login(client, make_user("rewi", REVIEWERS))
    assert client.get(f"{ADMIN}synonym/add/").status_code == 403


# --- the forms --------------------------------------------------------------


@pytest.mark.django_db
def test_an_editor_adds_a_synonym_tidied_as_searches_are(editor_client: Client) -> None:
    response = editor_client.post(
        f"{ADMIN}synonym/add/", {"term": "  Short\tCOURSE\x07 ", "search_for": "Micro-Credential"}
    )
    assert response.status_code == 302
    synonym = Synonym.objects.get()
    assert (synonym.term, synonym.search_for) == ("short course", "micro-credential")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("term", "search_for", "message"),
    [
        ("?!", "micro-credential", "Write the term as a word or two"),
        ("short course", "   ", "This field is required."),
        ("Short course", "short  COURSE", "Search for different words from the term itself."),
        ("x" * 300, "y", "Ensure this value has at most 100 characters"),
    ],
)
def test_a_synonym_that_cannot_work_is_refused_with_a_message(
    editor_client: Client, term: str, search_for: str, message: str
) -> None:
    response = editor_client.post(f"{ADMIN}synonym/add/", {"term": term, "search_for": search_for})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Synonym.objects.exists()


@pytest.mark.django_db
def test_only_published_pages_can_be_recommended(editor_client: Client, make_page: MakePage) -> None:
    live = make_page(title="Write a CV", slug="write-a-cv")
    draft = make_page(title="Secret plans", slug="secret", status=AdvicePage.Status.DRAFT)
    form = editor_client.get(f"{ADMIN}bestbet/add/").content.decode()
    assert "Write a CV" in form and "Secret plans" not in form
    refused = editor_client.post(f"{ADMIN}bestbet/add/", {"query": "plans", "page": draft.pk, "order": 0})
    assert "Select a valid choice" in refused.content.decode()
    added = editor_client.post(f"{ADMIN}bestbet/add/", {"query": "  CV Help ", "page": live.pk, "order": 1})
    assert added.status_code == 302
    assert BestBet.objects.get().query == "cv help"
