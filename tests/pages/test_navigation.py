"""Ways on from an advice page: related pages, previous/next in the topic, print, and the query budget."""

import datetime
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from microcredentials.models import AdvicePage, Topic
from microcredentials.pages.navigation import page_navigation

MakePage = Callable[..., AdvicePage]


@pytest.fixture
def topic_pages(make_page: MakePage) -> list[AdvicePage]:
    return [
        make_page(slug="first", title="First steps", order=1),
        make_page(slug="second", title="Second steps", order=2),
        make_page(slug="draft", title="Unfinished", order=3, status=AdvicePage.Status.DRAFT),
        make_page(slug="third", title="Third steps", order=4),
    ]


@pytest.mark.django_db
def test_previous_and_next_follow_the_topic_order_and_skip_hidden_pages(topic_pages: list[AdvicePage]) -> None:
    first, second, draft, third = topic_pages
    assert (page_navigation(first).previous, page_navigation(first).next) == (None, second)
    assert (page_navigation(second).previous, page_navigation(second).next) == (first, third)
    assert (page_navigation(third).previous, page_navigation(third).next) == (second, None)
    # A draft being previewed still sits in its place.
    assert (page_navigation(draft).previous, page_navigation(draft).next) == (second, third)


@pytest.mark.django_db
def test_pages_with_the_same_order_fall_back_to_title(make_page: MakePage) -> None:
    b = make_page(slug="b", title="B page")
    a = make_page(slug="a", title="A page")
    assert page_navigation(a).next == b
    assert page_navigation(b).previous == a


@pytest.mark.django_db
def test_related_pages_are_the_editors_live_choices_from_any_topic(
    topic_pages: list[AdvicePage], make_page: MakePage
) -> None:
    first, second, draft, third = topic_pages
    other_topic = Topic.objects.create(title="Study", slug="study", order=1)
    elsewhere = make_page(topic=other_topic, slug="elsewhere", title="Study options")
    later = make_page(topic=other_topic, slug="later", title="Later", publish_at=timezone.now() + datetime.timedelta(1))
    first.related_pages.set([elsewhere, third, draft, later])
    assert page_navigation(first).related == [elsewhere, third]
    assert page_navigation(second).related == []  # the link is one-way
    assert page_navigation(elsewhere).related == []


@pytest.mark.django_db
def test_navigation_costs_one_query(
    topic_pages: list[AdvicePage], django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    first = topic_pages[0]
    first.related_pages.set([topic_pages[3]])
    with django_assert_num_queries(1):
        navigation = page_navigation(first)
        urls = [page.get_absolute_url() for page in [*navigation.related, navigation.next] if page]
    assert urls == ["/find-a-job/third/", "/find-a-job/second/"]


@pytest.mark.django_db
def test_advice_page_view_uses_two_queries(
    client: Client, topic_pages: list[AdvicePage], django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    topic_pages[1].related_pages.set([topic_pages[0]])
    client.get("/")  # loads the site-wide alert list and schedule, shared by every page until the next change
    # One for the page and its topic, one for related and previous/next.
    with django_assert_num_queries(2):
        response = client.get("/find-a-job/second/")
    assert response.status_code == 200


@pytest.mark.django_db
def test_page_shows_pager_and_related_links(client: Client, topic_pages: list[AdvicePage]) -> None:
    topic_pages[1].related_pages.set([topic_pages[3]])
    html = client.get("/find-a-job/second/").content.decode()
    assert '<nav class="pager" aria-label="Pages in this topic">' in html
    assert re.search(
        r'<a href="/find-a-job/first/" rel="prev"><span class="pager__label">Previous.*?First steps</a>', html
    )
    assert re.search(r'<a href="/find-a-job/third/" rel="next"><span class="pager__label">Next.*?Third steps</a>', html)
    assert '<h2 id="related-heading">Related advice</h2>' in html
    assert '<li><a href="/find-a-job/third/">Third steps</a></li>' in html
    assert "Unfinished" not in html


@pytest.mark.django_db
def test_breadcrumbs_lead_home_and_to_the_topic(client: Client, shipped_content: AdvicePage) -> None:
    html = client.get("/plan-your-career/micro-credentials/").content.decode()
    crumbs = re.search(r'<nav class="breadcrumbs" aria-label="Breadcrumb">(.*?)</nav>', html, re.S)
    assert crumbs
    assert re.findall(r"<li>(.*?)</li>", crumbs.group(1)) == [
        '<a href="/">Home</a>',
        '<a href="/plan-your-career/">Plan your career</a>',
        '<span aria-current="page">Micro-credentials</span>',
    ]


@pytest.mark.django_db
def test_print_button_needs_javascript_and_guidance_shows_without_it(
    client: Client, shipped_content: AdvicePage
) -> None:
    html = client.get("/plan-your-career/micro-credentials/").content.decode()
    assert '<button type="button" class="button--secondary" data-print-button hidden>Print this page</button>' in html
    assert "To print this page, use your browser’s Print option" in html
    assert re.search(r'<script src="/static/js/print\.[0-9a-f]+\.js" defer></script>', html)
    assert '<p class="print-only">Printed from http' in html
    assert re.search(r'<link rel="stylesheet" href="/static/css/print\.[0-9a-f]+\.css" media="print">', html)


def test_print_stylesheet_hides_the_furniture_and_shows_link_addresses() -> None:
    css = open("static/css/print.css", encoding="utf-8").read()
    hidden = css.split("{ display: none !important; }")[0]
    for selector in [".site-header", ".search-form", ".feedback", ".site-alert", ".page-actions", ".breadcrumbs"]:
        assert selector in hidden
    assert '.advice a[href^="http"]::after' in css
    assert 'content: " (" attr(href) ")"' in css
