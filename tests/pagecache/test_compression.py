"""Public pages go out compressed, made once per process; nothing that could hold a secret is compressed."""

import gzip

import brotli
import pytest
from django.test import Client

from careers_site.pagecache.encoding import accepted_encoding
from microcredentials.models import AdvicePage
from tests.editing.helpers import CONTENT_EDITORS, login, make_user

ADVICE_URL = "/plan-your-career/micro-credentials/"
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("header", "chosen"),
    [
        ("gzip, deflate, br", "br"),
        ("br;q=0, gzip", "gzip"),
        ("gzip;q=0.5", "gzip"),
        ("identity", None),
        ("", None),
        ("*", "br"),
        ("br;q=nonsense, gzip", "gzip"),
    ],
)
def test_the_encoding_is_chosen_from_accept_encoding(header: str, chosen: str | None) -> None:
    assert accepted_encoding(header) == chosen


def test_a_cached_page_is_sent_in_each_encoding_with_its_own_etag(client: Client, shipped_content: AdvicePage) -> None:
    plain = client.get(ADVICE_URL)
    brotli_page = client.get(ADVICE_URL, headers={"Accept-Encoding": "br, gzip"})
    gzip_page = client.get(ADVICE_URL, headers={"Accept-Encoding": "gzip"})

    assert "Content-Encoding" not in plain
    assert brotli_page["Content-Encoding"] == "br"
    assert gzip_page["Content-Encoding"] == "gzip"
    assert brotli.decompress(brotli_page.content) == plain.content
    assert gzip.decompress(gzip_page.content) == plain.content
    assert int(brotli_page["Content-Length"]) == len(brotli_page.content) < len(plain.content) / 2
    assert len({plain["ETag"], brotli_page["ETag"], gzip_page["ETag"]}) == 3
    for response in (plain, brotli_page, gzip_page):
        assert "Accept-Encoding" in response["Vary"]


def test_revalidating_a_compressed_page_gets_a_304(client: Client, shipped_content: AdvicePage) -> None:
    first = client.get(ADVICE_URL, headers={"Accept-Encoding": "br"})
    again = client.get(ADVICE_URL, headers={"Accept-Encoding": "br", "If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    other_encoding = client.get(ADVICE_URL, headers={"Accept-Encoding": "gzip", "If-None-Match": first["ETag"]})
    assert other_encoding.status_code == 200


def test_pages_for_signed_in_staff_are_not_compressed(client: Client, shipped_content: AdvicePage) -> None:
    login(client, make_user("aroha", CONTENT_EDITORS))
    for path in (ADVICE_URL, "/admin/microcredentials/advicepage/"):
        response = client.get(path, headers={"Accept-Encoding": "br, gzip"})
        assert response.status_code == 200
        assert "Content-Encoding" not in response, path  # a CSRF token or session data must not be guessable


def test_an_uncached_page_for_an_anonymous_reader_is_compressed(client: Client, shipped_content: AdvicePage) -> None:
    response = client.get("/no-such-page/", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 404
    assert response["Content-Encoding"] == "gzip"
    assert b"<h1" in gzip.decompress(response.content)
