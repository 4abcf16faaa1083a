"""/metrics: who may read it, and that its numbers move when the things they count happen.

Every number is read back from the real endpoint and parsed as Prometheus parses it.
"""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from careers_site.http import outage
from microcredentials.feedback.answers import HONEYPOT_FIELD, RATE_LIMIT
from microcredentials.lib.mail import queue_email
from microcredentials.models import AdvicePage, SiteAlert
from tests.http.helpers import database_down

OUTSIDER = "203.0.113.7"


def scrape() -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample on /metrics, by (name, sorted labels)."""
    response = Client().get(reverse("metrics"), REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(name: str, **labels: str) -> float:
    return scrape().get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.mark.django_db
def test_metrics_are_served_to_the_loopback_and_refused_elsewhere_with_the_ordinary_404() -> None:
    for address in ("127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"):
        response = Client(REMOTE_ADDR=address).get(reverse("metrics"))
        assert response.status_code == 200, address
        assert response["Content-Type"].startswith("text/plain")
        assert response["Cache-Control"] == "no-store"
        assert b"careers_http_request_duration_seconds_bucket" in response.content
    refused = Client(REMOTE_ADDR=OUTSIDER).get(reverse("metrics"))
    assert refused.status_code == 404
    assert b"careers_" not in refused.content
    assert "<h1>" in refused.content.decode()  # the site's own 404 page


@pytest.mark.django_db
@override_settings(METRICS_ALLOWED_CIDRS=["10.0.0.0/8"])
def test_the_allowed_networks_come_from_the_setting() -> None:
    assert Client(REMOTE_ADDR="10.20.30.40").get(reverse("metrics")).status_code == 200
    assert Client(REMOTE_ADDR="127.0.0.1").get(reverse("metrics")).status_code == 404
    assert Client(REMOTE_ADDR="11.0.0.1").get(reverse("metrics")).status_code == 404


@pytest.mark.django_db
@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_reader_behind_the_proxy_on_the_loopback_is_not_taken_for_the_proxy() -> None:
    """nginx on the same host connects from 127.0.0.1; the reader it names in X-Forwarded-For is the client."""
    proxied = Client(REMOTE_ADDR="127.0.0.1").get(reverse("metrics"), HTTP_X_FORWARDED_FOR=OUTSIDER)
    assert proxied.status_code == 404
    assert Client(REMOTE_ADDR="127.0.0.1").get(reverse("metrics")).status_code == 200


@pytest.mark.django_db
@override_settings(METRICS_TOKEN="a-long-scrape-token")
def test_the_bearer_token_lets_a_scraper_in_from_anywhere() -> None:
    client = Client(REMOTE_ADDR=OUTSIDER)
    assert client.get(reverse("metrics"), HTTP_AUTHORIZATION="Bearer a-long-scrape-token").status_code == 200
    for wrong in ("Bearer a-long-scrape-toke", "Bearer ", "a-long-scrape-token", "Basic a-long-scrape-token", ""):
        assert client.get(reverse("metrics"), HTTP_AUTHORIZATION=wrong).status_code == 404, wrong
    assert client.get(reverse("metrics")).status_code == 404


@pytest.mark.django_db
def test_without_a_token_set_no_authorization_header_opens_the_endpoint() -> None:
    client = Client(REMOTE_ADDR=OUTSIDER)
    for header in ("Bearer ", "Bearer", "Bearer None"):
        assert client.get(reverse("metrics"), HTTP_AUTHORIZATION=header).status_code == 404


@pytest.mark.django_db
def test_metrics_are_never_kept_by_the_page_cache() -> None:
    before = value("careers_page_cache_misses_total", page_type="metrics")
    first, second = Client(REMOTE_ADDR="127.0.0.1"), Client(REMOTE_ADDR="127.0.0.1")
    one = first.get(reverse("metrics")).content
    two = second.get(reverse("metrics")).content
    assert one != two  # the second scrape counts the first request
    assert value("careers_page_cache_hits_total", page_type="metrics") == 0
    assert value("careers_page_cache_misses_total", page_type="metrics") == before


def test_a_cache_hit_and_a_miss_are_counted_by_page_type(shipped_content: AdvicePage) -> None:
    url = shipped_content.get_absolute_url()
    hits, misses = (value(f"careers_page_cache_{kind}_total", page_type="advice_page") for kind in ("hits", "misses"))
    assert Client().get(url).status_code == 200
    assert value("careers_page_cache_misses_total", page_type="advice_page") == misses + 1
    assert value("careers_page_cache_hits_total", page_type="advice_page") == hits
    assert Client().get(url).status_code == 200
    assert Client().get(url).status_code == 200
    assert value("careers_page_cache_hits_total", page_type="advice_page") == hits + 2
    assert value("careers_page_cache_misses_total", page_type="advice_page") == misses + 1


def test_the_alert_fragment_fill_is_counted_on_cached_pages(shipped_content: AdvicePage) -> None:
    SiteAlert.objects.create(kind=SiteAlert.Kind.GENERAL, message="Phones are busy today.", show_from=timezone.now())
    before = value("careers_fragment_fills_total", fragment="site-alert")
    for _ in range(3):
        assert "Phones are busy today." in Client().get(shipped_content.get_absolute_url()).content.decode()
    assert value("careers_fragment_fills_total", fragment="site-alert") == before + 3


def test_searches_and_searches_that_find_nothing_are_counted(shipped_content: AdvicePage) -> None:
    searches, empty = value("careers_searches_total"), value("careers_searches_without_results_total")
    assert "micro-credential" in Client().get(reverse("search"), {"q": "micro-credentials"}).content.decode().lower()
    assert value("careers_searches_total") == searches + 1
    assert value("careers_searches_without_results_total") == empty
    Client().get(reverse("search"), {"q": "zqxwvy"})
    assert value("careers_searches_total") == searches + 2
    assert value("careers_searches_without_results_total") == empty + 1


def test_feedback_is_counted_by_outcome(shipped_content: AdvicePage) -> None:
    url = reverse("page_feedback", args=[shipped_content.pk])
    outcomes = ("accepted", "refused", "rate_limited")
    before = {outcome: value("careers_feedback_total", outcome=outcome) for outcome in outcomes}
    client = Client(REMOTE_ADDR="198.51.100.20")
    assert client.post(url, {"useful": "yes", HONEYPOT_FIELD: "spam"}).status_code == 400
    assert value("careers_feedback_total", outcome="refused") == before["refused"] + 1
    for _ in range(RATE_LIMIT):
        assert client.post(url, {"useful": "yes"}).status_code == 303
    assert client.post(url, {"useful": "yes"}).status_code == 429
    assert value("careers_feedback_total", outcome="accepted") == before["accepted"] + RATE_LIMIT
    assert value("careers_feedback_total", outcome="rate_limited") == before["rate_limited"] + 1


@pytest.fixture
def fresh_outage_report() -> Iterator[None]:
    """The process's database outage report, closed again afterwards so no other test sees it open."""
    yield
    outage.report.reconnected()


def test_a_database_outage_shows_as_open_with_its_failures_counted(
    shipped_content: AdvicePage, fresh_outage_report: None
) -> None:
    failures = value("careers_outage_failures_total", service="database")
    with database_down():
        assert Client().get(reverse("contact")).status_code == 503
    assert value("careers_outage_open", service="database") == 1
    # The page and its alert fragment each found the database down.
    assert value("careers_outage_failures_total", service="database") >= failures + 1
    outage.report.reconnected()
    assert value("careers_outage_open", service="database") == 0


@pytest.mark.django_db
def test_the_task_queue_depth_and_the_oldest_due_tasks_age_are_read_when_scraped() -> None:
    assert value("careers_task_queue_depth") == 0
    assert value("careers_task_queue_oldest_age_seconds") == 0
    queue_email("Subject one", "Body", ["someone@example.com"], {})
    queue_email("Subject two", "Body", ["someone@example.com"], {})
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(pk=DBTaskResult.objects.order_by("enqueued_at").first().pk).update(  # type: ignore[union-attr]
        enqueued_at=timezone.now() - timedelta(minutes=10)
    )
    assert value("careers_task_queue_depth") == 2
    assert 595 < value("careers_task_queue_oldest_age_seconds") < 700


@pytest.mark.django_db
def test_a_scraper_may_address_the_app_server_by_its_own_address() -> None:
    """Answered before the Host header is checked, as /healthz is: the scraper uses each server's address."""
    response = Client(REMOTE_ADDR="127.0.0.1").get(reverse("metrics"), HTTP_HOST="10.1.2.3:8000")
    assert response.status_code == 200 and b"careers_http_responses_total" in response.content
    assert Client(REMOTE_ADDR=OUTSIDER).get(reverse("metrics"), HTTP_HOST="10.1.2.3:8000").status_code == 400


@pytest.mark.django_db
def test_outage_seconds_add_up_from_the_first_failure_to_the_reconnection() -> None:
    now = [100.0]
    report = outage.OutageReport("Testservice", clock=lambda: now[0])
    report.failed("a request", OSError("refused"))
    now[0] = 105.0
    report.failed("another request", OSError("refused"))
    assert value("careers_outage_open", service="testservice") == 1
    assert value("careers_outage_seconds", service="testservice") == 5
    now[0] = 112.5
    report.reconnected()
    assert value("careers_outage_open", service="testservice") == 0
    assert value("careers_outage_seconds", service="testservice") == 12.5
    assert value("careers_outage_failures_total", service="testservice") == 2
