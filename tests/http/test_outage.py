"""With the database unreachable: cached pages still serve, the rest get a friendly 503."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.db.backends.signals import connection_created
from django.test import Client, RequestFactory
from django.utils import timezone

from careers_site.http import outage
from microcredentials.contact_centre.alerts import site_alert_html
from microcredentials.feedback.answers import UNAVAILABLE
from microcredentials.models import AdvicePage, PageFeedback
from tests.contact_centre.helpers import general
from tests.http.helpers import database_down

ADVICE_URL = "/plan-your-career/micro-credentials/"
pytestmark = pytest.mark.django_db


def test_cached_pages_keep_being_served(client: Client, shipped_content: AdvicePage) -> None:
    client.get(ADVICE_URL)
    with database_down():
        response = client.get(ADVICE_URL)
    assert response.status_code == 200
    assert "<h1>Micro-credentials</h1>" in response.content.decode()


def test_cached_pages_keep_the_site_alert_while_the_database_is_down(
    client: Client, shipped_content: AdvicePage
) -> None:
    general("Our phone lines are busy today.", show_from=timezone.now() - datetime.timedelta(hours=1))
    client.get(ADVICE_URL)
    with database_down():
        response = client.get(ADVICE_URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Our phone lines are busy today." in html
    assert next(iter(settings.PAGECACHE_FRAGMENTS)) not in html  # the hole was filled


def test_uncached_pages_get_a_friendly_503_with_retry_after(client: Client, shipped_content: AdvicePage) -> None:
    with database_down():
        response = client.get("/plan-your-career/")
    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Sorry, this page is not available right now" in html
    assert "Traceback" not in html and "OperationalError" not in html
    assert "public" not in response["Cache-Control"]


def test_readyz_is_503_and_healthz_200(client: Client) -> None:
    with database_down():
        assert client.get("/readyz").status_code == 503
        assert client.get("/healthz").status_code == 200


def test_the_site_recovers_when_the_database_returns(client: Client, shipped_content: AdvicePage) -> None:
    with database_down():
        assert client.get("/plan-your-career/").status_code == 503
    assert client.get("/plan-your-career/").status_code == 200


def test_feedback_during_an_outage_says_it_was_not_sent(client: Client, shipped_content: AdvicePage) -> None:
    url = f"/feedback/{shipped_content.pk}/"
    with database_down():
        as_json = client.post(url, {"useful": "yes"}, headers={"Accept": "application/json"})
        as_form = client.post(url, {"useful": "no", "comment": "The fees are missing."})
    assert as_json.status_code == as_form.status_code == 503
    assert as_json.json() == {"message": UNAVAILABLE}
    page = as_form.content.decode()
    assert "<h1>Your feedback was not sent</h1>" in page and UNAVAILABLE in page
    for response in (as_json, as_form):
        assert response["Retry-After"] == "30"
        assert "no-store" in response["Cache-Control"]
        assert "Thank you" not in response.content.decode()
    assert PageFeedback.objects.count() == 0


def test_an_expired_cached_page_stands_in_while_the_database_is_down(
    client: Client, shipped_content: AdvicePage
) -> None:
    client.get(ADVICE_URL)
    with time_machine.travel(datetime.timedelta(hours=2)), database_down():
        response = client.get(ADVICE_URL)
    assert response.status_code == 200
    assert "<h1>Micro-credentials</h1>" in response.content.decode()
    assert client.get(ADVICE_URL).status_code == 200  # and a fresh render once it is back


def test_an_outage_is_logged_as_an_error_once_a_minute_with_a_count_and_its_end_once(
    client: Client, shipped_content: AdvicePage, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [1000.0]
    monkeypatch.setattr(outage, "report", outage.OutageReport(clock=lambda: clock[0]))  # no outage seen yet
    client.get("/")  # caches the site-wide alert list, so each refused request is one failure
    with database_down():
        for _ in range(4):
            assert client.get("/plan-your-career/").status_code == 503
        assert client.post(f"/feedback/{shipped_content.pk}/", {"useful": "yes"}).status_code == 503
        clock[0] += 61
        assert client.get("/plan-your-career/").status_code == 503
        assert client.get("/plan-your-career/").status_code == 503  # counted, not logged yet
    connection_created.send(sender=type(connection), connection=connection)  # Django reconnects
    connection_created.send(sender=type(connection), connection=connection)  # an ordinary new connection
    reports = [(record.levelname, record.getMessage()) for record in caplog.records if record.name == outage.__name__]
    assert reports == [
        (
            "ERROR",
            "Database unavailable: 1 failure(s) since the last report; latest: /plan-your-career/"
            " answered 503 (connection to server at 127.0.0.1 failed: Connection refused)",
        ),
        (
            "ERROR",
            "Database unavailable: 5 failure(s) since the last report; latest: /plan-your-career/"
            " answered 503 (connection to server at 127.0.0.1 failed: Connection refused)",
        ),
        ("WARNING", "Database available again: 1 more failure(s) since the last report"),
    ]
    assert [record for record in caplog.records if record.name == "django.request"] == []  # one line per 503


def test_a_site_alert_left_out_in_an_outage_is_counted_with_the_rest(
    rf: RequestFactory, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [0.0]
    monkeypatch.setattr(outage, "report", outage.OutageReport(clock=lambda: clock[0]))
    with database_down():
        # Different pages, so each is worked out (the region is kept per page and second).
        assert [site_alert_html(rf.get(path)) for path in ("/contact/", "/", "/search/")] == ["", "", ""]
        clock[0] = 61.0
        assert site_alert_html(rf.get("/sitemap.xml")) == ""
    refused = "(connection to server at 127.0.0.1 failed: Connection refused)"
    report = "Database unavailable: {} failure(s) since the last report; latest: site alert left out of {} " + refused
    assert [(record.levelname, record.getMessage()) for record in caplog.records] == [
        ("ERROR", report.format(1, "/contact/")),
        ("ERROR", report.format(3, "/sitemap.xml")),  # the two pages between, and this one
    ]
