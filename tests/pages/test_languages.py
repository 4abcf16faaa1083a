"""A page and its te reo Māori version: one link makes both, each page points to the other once it is live."""

import datetime
import json
import re
from collections.abc import Callable

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from microcredentials.models import AdvicePage
from tests.editing.helpers import CONTENT_EDITORS, change_url, form_data, login, make_user

MakePage = Callable[..., AdvicePage]
ENGLISH_URL = "/find-a-job/write-a-cv/"
MAORI_URL = "/find-a-job/tuhia-he-cv/"


@pytest.fixture
def pair(make_page: MakePage) -> tuple[AdvicePage, AdvicePage]:
    maori = make_page(title="Tuhia he CV", slug="tuhia-he-cv", body="## Tīmata\n\nKia poto.\n")
    english = make_page(te_reo_version=maori)
    return english, maori


def html_of(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def alternates(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html)


def in_language(html: str) -> str:
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)[1])  # type: ignore[index]
    return str(data["@graph"][0]["inLanguage"])


@pytest.mark.django_db
def test_both_pages_link_to_each_other_in_head_and_body(client: Client, pair: tuple[AdvicePage, AdvicePage]) -> None:
    both = [("en", f"{settings.SITE_URL}{ENGLISH_URL}"), ("mi", f"{settings.SITE_URL}{MAORI_URL}")]
    english = html_of(client, ENGLISH_URL)
    assert english.startswith('<!doctype html>\n<html lang="en-NZ">')
    assert alternates(english) == both
    assert (
        f'<p class="language-link"><a href="{MAORI_URL}" hreflang="mi"><span lang="mi">Pānui i te reo Māori</span>'
        " / Read in te reo Māori</a></p>"
    ) in english
    assert in_language(english) == "en-NZ" and 'content="en_NZ"' in english

    maori = html_of(client, MAORI_URL)
    assert maori.startswith('<!doctype html>\n<html lang="mi">')
    assert sorted(alternates(maori)) == both
    assert (
        f'<p class="language-link"><a href="{ENGLISH_URL}" hreflang="en"><span lang="en-NZ">Read in English</span>'
        "</a></p>"
    ) in maori
    assert in_language(maori) == "mi" and 'content="mi_NZ"' in maori
    # The site's own words around the page stay English.
    for english_part in ('<header class="site-header" lang="en-NZ">', '<footer class="site-footer" lang="en-NZ">',
                         '<p class="updated" lang="en-NZ">Updated'):  # fmt: skip
        assert english_part in maori and english_part not in english


@pytest.mark.django_db
@pytest.mark.parametrize("which", ["english", "maori"])
@pytest.mark.parametrize("how", ["draft", "scheduled"])
def test_a_version_that_is_not_live_is_not_linked(
    client: Client, pair: tuple[AdvicePage, AdvicePage], which: str, how: str
) -> None:
    english, maori = pair
    hidden, shown, shown_url = (english, maori, MAORI_URL) if which == "english" else (maori, english, ENGLISH_URL)
    if how == "draft":
        hidden.status = AdvicePage.Status.DRAFT
    else:
        hidden.publish_at = timezone.now() + datetime.timedelta(days=1)
    hidden.save()
    html = html_of(client, shown_url)
    assert alternates(html) == []
    assert "language-link" not in html and hidden.get_absolute_url() not in html
    # The Māori page is still in te reo Māori, whether or not its English version is live.
    assert html.startswith('<!doctype html>\n<html lang="mi">') == (shown == maori)


@pytest.mark.django_db
def test_naming_or_removing_the_version_changes_cached_pages(client: Client, make_page: MakePage) -> None:
    maori = make_page(title="Tuhia he CV", slug="tuhia-he-cv")
    english = make_page()
    assert "language-link" not in html_of(client, ENGLISH_URL)
    assert html_of(client, MAORI_URL).startswith('<!doctype html>\n<html lang="en-NZ">')  # both now cached

    english.te_reo_version = maori
    english.save()
    assert "language-link" in html_of(client, ENGLISH_URL)
    assert html_of(client, MAORI_URL).startswith('<!doctype html>\n<html lang="mi">')

    english.te_reo_version = None
    english.save()
    assert "language-link" not in html_of(client, ENGLISH_URL)
    assert "language-link" not in html_of(client, MAORI_URL)


@pytest.mark.django_db
def test_the_other_version_costs_no_extra_query(client: Client, make_page: MakePage) -> None:
    maori = make_page(title="Tuhia he CV", slug="tuhia-he-cv")
    make_page(title="Job interviews", slug="job-interviews")

    def page_queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            html_of(client, url)
        return sum("microcredentials_advicepage" in query["sql"] for query in captured.captured_queries)

    english = make_page()
    alone = {url: page_queries(url) for url in (MAORI_URL, ENGLISH_URL)}
    english.te_reo_version = maori
    english.save()
    # Each page, with its other version joined in.
    assert {url: page_queries(url) for url in (MAORI_URL, ENGLISH_URL)} == alone


@pytest.mark.django_db
def test_editors_name_the_version_in_the_admin_and_bad_choices_are_refused(
    client: Client, pair: tuple[AdvicePage, AdvicePage], make_page: MakePage
) -> None:
    english, maori = pair
    other = make_page(title="Job interviews", slug="job-interviews")
    editor = login(client, make_user("editor", CONTENT_EDITORS))

    form = editor.get(change_url(other)).content.decode()
    choices = re.search(r'<select name="te_reo_version".*?</select>', form, re.DOTALL)[0]  # type: ignore[index]
    assert "Tuhia he CV" in choices and "Job interviews" not in choices and "Write a CV" not in choices

    refusals = {
        other: (english, "Select a valid choice"),  # an English page that has its own te reo version
        maori: (other, "This page is itself the te reo Māori version of another page"),
    }
    for page, (choice, message) in refusals.items():
        response = editor.post(change_url(page), form_data(page, te_reo_version=choice.pk))
        assert response.status_code == 200 and message in response.content.decode()
    response = editor.post(change_url(other), form_data(other, te_reo_version=maori.pk))
    assert "Another page already names that page as its te reo Māori version." in response.content.decode()

    english.te_reo_version = None
    english.save()
    response = editor.post(change_url(other), form_data(other, te_reo_version=maori.pk))
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.te_reo_version == maori
    assert "language-link" in html_of(client, "/find-a-job/job-interviews/")
