"""Every answer carries an X-Request-ID: the load balancer's when it is safe, a new one otherwise; cached pages
get one per request, never in their body, and the 500 page quotes it."""

import logging
import re

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path, reverse

from careers_site.log_filters import RequestContext
from microcredentials.models import AdvicePage

NEW_ID = re.compile(r"[0-9a-f]{32}")


def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a fault in a view, for the test")


urlpatterns = [path("fail-for-test/", fail), path("", include("careers_site.urls"))]
handler500 = "careers_site.http.errors.server_error"


def test_a_safe_incoming_id_is_kept(shipped_content: AdvicePage) -> None:
    response = Client().get(reverse("contact"), HTTP_X_REQUEST_ID="abc-123")
    assert response["X-Request-ID"] == "abc-123"


@pytest.mark.parametrize(
    "sent", ["", "abc 123", "abc\tdef", "x" * 201, "<script>", "id;drop", "ümlaut", "a/b", "Root=1-67a"]
)
def test_an_unsafe_or_missing_incoming_id_is_replaced_with_a_new_one(shipped_content: AdvicePage, sent: str) -> None:
    response = Client().get(reverse("contact"), HTTP_X_REQUEST_ID=sent)
    assert NEW_ID.fullmatch(response["X-Request-ID"]), response["X-Request-ID"]


def test_the_longest_safe_id_is_kept(shipped_content: AdvicePage) -> None:
    longest = "A1._-" * 40
    assert Client().get(reverse("home"), HTTP_X_REQUEST_ID=longest)["X-Request-ID"] == longest


def test_cached_pages_get_their_own_id_each_time_and_never_in_the_body(shipped_content: AdvicePage) -> None:
    url = shipped_content.get_absolute_url()
    answers = [Client().get(url) for _ in range(3)]
    ids = [answer["X-Request-ID"] for answer in answers]
    assert len(set(ids)) == 3 and all(NEW_ID.fullmatch(request_id) for request_id in ids)
    assert answers[0].content == answers[1].content == answers[2].content  # the 2nd and 3rd came from the cache
    assert all(request_id.encode() not in answer.content for request_id in ids for answer in answers)
    kept = Client().get(url, HTTP_X_REQUEST_ID="lb-given-1")
    assert kept["X-Request-ID"] == "lb-given-1" and b"lb-given-1" not in kept.content


def test_refusals_and_not_found_answers_carry_an_id_too(shipped_content: AdvicePage) -> None:
    assert NEW_ID.fullmatch(Client().get("/no-such-topic/no-such-page/")["X-Request-ID"])
    assert NEW_ID.fullmatch(Client(REMOTE_ADDR="203.0.113.9").get(reverse("metrics"))["X-Request-ID"])
    assert NEW_ID.fullmatch(Client().get(reverse("healthz"))["X-Request-ID"])


@pytest.mark.urls(__name__)
def test_the_500_page_quotes_the_request_id(shipped_content: AdvicePage) -> None:
    response = Client(raise_request_exception=False).get("/fail-for-test/", HTTP_X_REQUEST_ID="quote-me-42")
    assert response.status_code == 500
    assert response["X-Request-ID"] == "quote-me-42"
    body = response.content.decode()
    assert "please quote this reference" in body and '<code class="request-id">quote-me-42</code>' in body
    assert "no-store" in response["Cache-Control"]


def test_log_lines_made_while_a_request_is_answered_carry_its_id_path_and_status(shipped_content: AdvicePage) -> None:
    """The console handler's filter, on Django's own "Not Found" line (logged after the middleware returned)."""
    seen: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record)

    handler = Keep()
    handler.addFilter(RequestContext())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        Client().get("/no-such-topic/", HTTP_X_REQUEST_ID="trace-404")
    finally:
        logger.removeHandler(handler)
    [record] = [record for record in seen if record.getMessage().startswith("Not Found")]
    assert (record.request_id, record.path, record.status) == ("trace-404", "/no-such-topic/", 404)  # type: ignore[attr-defined]
    assert record.duration_ms is not None  # type: ignore[attr-defined]
