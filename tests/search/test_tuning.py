"""What editors tune search with: synonyms, recommended results and "Did you mean" suggestions."""

import datetime
import html
import re
from collections.abc import Callable

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from microcredentials.models import AdvicePage, BestBet, Synonym
from microcredentials.search.tuning import current_tuning
from tests.search.test_search import result_titles

MakePage = Callable[..., AdvicePage]


def recommended_titles(page_html: str) -> list[str]:
    return re.findall(r'<h3 class="search-results__recommended-title"><a href="[^"]+">([^<]+)</a>', page_html)


def search(client: Client, query: str) -> str:
    response = client.get(reverse("search"), {"q": query})
    assert response.status_code == 200
    return response.content.decode()


# --- synonyms ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_synonym_searches_for_the_site_s_own_words(client: Client, shipped_content: AdvicePage) -> None:
    assert result_titles(search(client, "mini diploma")) == []
    Synonym.objects.create(term="mini diploma", search_for="micro-credential")
    page = search(client, "Mini Diploma")
    assert result_titles(page) == ["Micro-credentials"]
    assert "We searched for ‘micro-credential’" in page
    assert "found for ‘Mini Diploma’" in page


@pytest.mark.django_db
def test_a_synonym_replaces_whole_words_only(shipped_content: AdvicePage) -> None:
    Synonym.objects.create(term="cv", search_for="curriculum vitae")
    tuning = current_tuning()
    assert tuning.with_synonyms("my cv template") == "my curriculum vitae template"
    assert tuning.with_synonyms("cvs and cvx") == "cvs and cvx"


@pytest.mark.django_db
def test_a_synonym_edit_shows_at_once_on_a_cached_search_page(client: Client, shipped_content: AdvicePage) -> None:
    assert result_titles(search(client, "mini diploma")) == []
    assert client.get(reverse("search"), {"q": "mini diploma"})["Cache-Control"].startswith("public")  # cached
    synonym = Synonym.objects.create(term="mini diploma", search_for="digital badge")
    assert result_titles(search(client, "mini diploma")) == ["Micro-credentials"]
    synonym.search_for = "zebrafish"
    synonym.save()
    assert result_titles(search(client, "mini diploma")) == []
    Synonym.objects.all().delete()
    assert "We searched for" not in search(client, "mini diploma")


# --- recommended results ----------------------------------------------------


@pytest.fixture
def loans_page(make_page: MakePage) -> AdvicePage:
    return make_page(title="Student loans explained", slug="student-loans", summary="Borrowing for study.")


@pytest.mark.django_db
def test_a_recommended_result_comes_first_and_is_not_repeated(
    client: Client, shipped_content: AdvicePage, loans_page: AdvicePage
) -> None:
    before = search(client, "student loan")
    assert result_titles(before) == ["Student loans explained", "Micro-credentials"]
    BestBet.objects.create(query="student loan", page=shipped_content)
    page = search(client, "Student Loan")
    assert recommended_titles(page) == ["Micro-credentials"]
    assert result_titles(page) == ["Student loans explained"]  # not again among the ordinary results
    assert '<h2 id="search-recommended-heading">Recommended</h2>' in page
    assert page.index("Recommended") < page.index("Student loans explained")
    assert "1 more page found" in page


@pytest.mark.django_db
def test_recommended_results_follow_the_editors_order(
    client: Client, shipped_content: AdvicePage, loans_page: AdvicePage
) -> None:
    BestBet.objects.create(query="paying for study", page=shipped_content, order=2)
    BestBet.objects.create(query="paying for study", page=loans_page, order=1)
    page = search(client, "paying for study")
    assert recommended_titles(page) == ["Student loans explained", "Micro-credentials"]
    assert result_titles(page) == []
    assert "No other pages matched ‘paying for study’" in page


@pytest.mark.django_db
def test_a_recommended_page_shows_only_while_it_is_live(
    client: Client, shipped_content: AdvicePage, loans_page: AdvicePage
) -> None:
    BestBet.objects.create(query="borrowing", page=loans_page)
    loans_page.publish_at = timezone.now() + datetime.timedelta(days=1)
    loans_page.save()
    assert recommended_titles(search(client, "borrowing")) == []
    with time_machine.travel(loans_page.publish_at + datetime.timedelta(minutes=1)):
        assert recommended_titles(search(client, "borrowing")) == ["Student loans explained"]
    loans_page.status = AdvicePage.Status.DRAFT
    loans_page.publish_at = None
    loans_page.save()
    assert recommended_titles(search(client, "borrowing")) == []


# --- "Did you mean" ---------------------------------------------------------


@pytest.mark.django_db
def test_a_search_that_finds_nothing_suggests_a_spelling_from_the_pages(
    client: Client, shipped_content: AdvicePage
) -> None:
    page = search(client, "studnet loan")
    assert "No pages matched" in page
    link = re.search(r'Did you mean <a href="([^"]+)">([^<]+)</a>\?', page)
    assert link is not None
    assert link.group(2) == "student loan"
    assert html.unescape(link.group(1)) == f"{reverse('search')}?q=student%20loan"
    assert result_titles(client.get(html.unescape(link.group(1))).content.decode()) == ["Micro-credentials"]


@pytest.mark.django_db
def test_no_suggestion_when_pages_are_found_or_no_word_is_close(client: Client, shipped_content: AdvicePage) -> None:
    assert "Did you mean" not in search(client, "student loan")
    assert "Did you mean" not in search(client, "zzqxv")
    assert "Did you mean" not in search(client, "ā" * 200)


@pytest.mark.django_db
def test_suggestions_use_only_live_pages_words(make_page: MakePage) -> None:
    make_page(title="Whakapapa", slug="whakapapa")
    make_page(title="Kaitiakitanga", slug="secret", status=AdvicePage.Status.DRAFT)
    tuning = current_tuning()
    assert tuning.suggestion("whakapapaa") == "whakapapa"
    assert tuning.suggestion("kaitiakitanga") is None  # only in a draft: readers could not find it
