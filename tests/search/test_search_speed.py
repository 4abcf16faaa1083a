"""Search speed: a search no one has made before (so the page cache cannot answer it) is one query, plus one
small write that counts it (the first page of results only)."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from microcredentials.models import AdvicePage

MakePage = Callable[..., AdvicePage]


@pytest.mark.django_db
def test_an_uncached_search_is_one_query_whatever_page_it_asks_for(
    client: Client, make_page: MakePage, django_assert_num_queries: DjangoAssertNumQueries, settings: Any
) -> None:
    settings.SEARCH_COUNT_WRITE_SECONDS = 10  # as shipped: counts wait in memory and go in a batch
    for number in range(12):
        make_page(slug=f"page-{number}", title=f"Rangatahi guide {number:02}")
    client.get("/")  # the site-wide lookups, cached from then on, so only the search itself is uncached
    client.get("/search/", {"q": "warm up"})  # synonyms and recommended results: read once per generation
    client.get("/search/", {"q": "zebrafihs"})  # and the words for "Did you mean", once a search finds nothing
    for params in ({}, {"page": "2"}, {"page": "99"}, {"page": "0"}, {"page": "abc"}):
        with django_assert_num_queries(1):  # the results, their count and their snippets
            response = client.get("/search/", {"q": "rangatahi", **params})
        assert response.status_code == 200
        assert "12 pages found" in response.content.decode()
    with django_assert_num_queries(1):
        nothing = client.get("/search/", {"q": "zebrafish"})
    assert "No pages matched" in nothing.content.decode()
