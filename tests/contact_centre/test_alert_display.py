"""Which alert is live, and how it shows on every public page, error pages included."""

import datetime
from collections.abc import Callable

import pytest
import time_machine
from django.db import OperationalError, ProgrammingError, connection
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from microcredentials.contact_centre.alerts import (
    DISMISSED_COOKIE,
    alert_status,
    dismissal_key,
    live_alert,
    live_alerts,
)
from microcredentials.models import AdvicePage, SiteAlert
from tests.contact_centre.helpers import EMAIL, closure, general, nz, two_closures_on_29_november_2026

ADVICE_URL = "/plan-your-career/micro-credentials/"
FRIDAY_MORNING = nz(2023, 11, 10, 9)
REGION = '<section class="site-alert site-alert--'


@pytest.fixture
def weekend_closure(db: None) -> SiteAlert:
    """Friday 10 November 2023 3.00pm to Monday 13 November 8.30am, shown from Wednesday 9.00am."""
    alert = closure(nz(2023, 11, 10, 15), nz(2023, 11, 13, 8, 30), contact_email=EMAIL, show_from=nz(2023, 11, 8, 9))
    alert.save()
    return alert


def page_at(client: Client, url: str, moment: datetime.datetime) -> str:
    with time_machine.travel(moment, tick=False):
        return client.get(url).content.decode()


# --- Selection -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_no_alert_is_live_when_there_are_none() -> None:
    assert live_alert(FRIDAY_MORNING) is None


def test_a_future_alert_is_not_live_until_its_show_from(weekend_closure: SiteAlert) -> None:
    assert live_alert(nz(2023, 11, 8, 8, 59, 59)) is None
    assert live_alert(nz(2023, 11, 8, 9)) == weekend_closure
    assert alert_status(weekend_closure, nz(2023, 11, 8, 8)) == "Scheduled"


def test_an_expired_alert_is_not_live(db: None) -> None:
    notice = general("Planned maintenance", nz(2023, 11, 1), show_until=nz(2023, 11, 5))
    assert live_alert(nz(2023, 11, 4, 23, 59)) == notice
    assert live_alert(nz(2023, 11, 5)) is None
    assert alert_status(notice, nz(2023, 11, 5)) == "Expired"


def test_a_closure_without_show_until_ends_when_the_centre_reopens(weekend_closure: SiteAlert) -> None:
    assert weekend_closure.show_until is None
    assert live_alert(nz(2023, 11, 13, 8, 29, 59)) == weekend_closure
    assert alert_status(weekend_closure, nz(2023, 11, 13, 8, 29, 59)) == "Live"
    assert live_alert(nz(2023, 11, 13, 8, 30)) is None
    assert alert_status(weekend_closure, nz(2023, 11, 13, 8, 30)) == "Expired"


def test_a_warning_beats_a_newer_information_alert(weekend_closure: SiteAlert) -> None:
    warning = general("Scam warning", nz(2023, 11, 1), level=SiteAlert.Level.WARNING)
    assert live_alert(FRIDAY_MORNING) == warning
    assert weekend_closure.show_from > warning.show_from


def test_at_the_same_level_the_most_recently_started_wins(weekend_closure: SiteAlert) -> None:
    general("Older notice", nz(2023, 11, 1))
    newer = general("Newer notice", nz(2023, 11, 9))
    assert live_alert(FRIDAY_MORNING) == newer


@pytest.fixture
def two_closures(db: None) -> tuple[SiteAlert, SiteAlert]:
    return two_closures_on_29_november_2026()


def test_a_closure_under_way_beats_a_newer_one_not_yet_begun(
    client: Client, two_closures: tuple[SiteAlert, SiteAlert]
) -> None:
    under_way, tonight = two_closures
    assert live_alert(nz(2026, 11, 29, 10)) == under_way
    html = page_at(client, "/", nz(2026, 11, 29, 10))
    assert "The Customer Contact Group is now closed until 8.30am tomorrow, Monday 30 November." in html
    assert "11.00pm" not in html
    # Once both are under way, the newest shows again.
    assert live_alert(nz(2026, 11, 29, 23)) == tonight
    assert "is now closed until 8.30am Friday 18 December." in page_at(client, "/", nz(2026, 11, 29, 23))


def test_a_closure_under_way_beats_a_newer_notice_of_its_level(
    client: Client, two_closures: tuple[SiteAlert, SiteAlert]
) -> None:
    general("Our website has a new look.", nz(2026, 11, 29, 9, 30))
    assert "is now closed until 8.30am tomorrow" in page_at(client, "/", nz(2026, 11, 29, 10))


def test_a_warning_and_a_closure_are_both_shown_closure_first(
    client: Client, two_closures: tuple[SiteAlert, SiteAlert]
) -> None:
    # A "phone lines are down" warning no longer hides that the centre is closed: readers see both.
    general("Beware of scam calls.", nz(2026, 11, 1), level=SiteAlert.Level.WARNING)
    html = page_at(client, "/", nz(2026, 11, 29, 10))
    assert html.count(REGION) == 2
    closure_at = html.index("is now closed until 8.30am tomorrow, Monday 30 November.")
    assert closure_at < html.index("Beware of scam calls.")
    assert html.count("Hide this message") == 2
    assert 'aria-labelledby="site-alert-label"' in html and 'aria-labelledby="site-alert-label-2"' in html
    assert "11.00pm" not in html  # still one closure: the one under way


def test_each_of_the_two_can_be_hidden_on_its_own(client: Client, two_closures: tuple[SiteAlert, SiteAlert]) -> None:
    warning = general("Beware of scam calls.", nz(2026, 11, 1), level=SiteAlert.Level.WARNING)
    under_way, tonight = two_closures
    client.cookies[DISMISSED_COOKIE] = dismissal_key(warning)
    html = page_at(client, "/", nz(2026, 11, 29, 10))
    assert "Beware of scam calls." not in html
    assert "is now closed until 8.30am tomorrow" in html
    client.cookies[DISMISSED_COOKIE] = dismissal_key(under_way)
    html = page_at(client, "/", nz(2026, 11, 29, 10))
    assert "Beware of scam calls." in html
    assert "will be closed from 11.00pm today" in html  # the next closure takes the hidden one's place


def test_never_more_than_one_closure_and_one_notice(client: Client, two_closures: tuple[SiteAlert, SiteAlert]) -> None:
    general("Older notice", nz(2026, 11, 1))
    general("Newer notice", nz(2026, 11, 2))
    alerts = live_alerts(nz(2026, 11, 29, 10))
    assert [alert.pk for alert in alerts][0] == two_closures[0].pk
    assert len(alerts) == 2
    assert page_at(client, "/", nz(2026, 11, 29, 10)).count(REGION) == 2


def test_live_alerts_cost_a_few_queries_per_content_change(
    weekend_closure: SiteAlert, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    # Staff's alerts, and the schedule (closures, opening hours, extra closed days) for the holiday notices:
    # worked out once per content change and New Zealand day, not per request.
    general("Another", nz(2023, 11, 1))
    with django_assert_num_queries(4):
        assert live_alert(FRIDAY_MORNING) == weekend_closure
    with django_assert_num_queries(0):
        assert live_alert(FRIDAY_MORNING) == weekend_closure
    weekend_closure.level = SiteAlert.Level.WARNING
    weekend_closure.save()
    with django_assert_num_queries(4):
        assert live_alert(FRIDAY_MORNING).level == SiteAlert.Level.WARNING  # type: ignore[union-attr]


# --- Display on pages ------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", ADVICE_URL, "/contact/", "/no-such-topic/", "/plan-your-career/nothing/"])
def test_closure_shows_on_public_pages_and_the_404_page(
    client: Client, shipped_content: AdvicePage, weekend_closure: SiteAlert, url: str
) -> None:
    html = page_at(client, url, FRIDAY_MORNING)
    assert (
        "The Customer Contact Group will be closed from 3.00pm today, Friday 10 November, "
        "reopening 8.30am Monday 13 November."
    ) in html
    assert f'<a href="mailto:{EMAIL}">{EMAIL}</a>' in html
    assert html.count(REGION) == 1


def test_region_has_a_name_an_icon_and_a_text_label(client: Client, weekend_closure: SiteAlert) -> None:
    html = page_at(client, "/", FRIDAY_MORNING)
    assert '<section class="site-alert site-alert--information" aria-labelledby="site-alert-label"' in html
    assert '<h2 class="site-alert__label" id="site-alert-label">Information</h2>' in html
    assert '<svg class="site-alert__icon" aria-hidden="true" focusable="false"' in html
    assert '<a href="/contact/">Contact details and opening hours</a>' in html
    assert '<button type="submit" class="button--secondary">Hide this message</button>' in html
    # The alert comes before the header, after the skip link.
    assert html.index("skip-link") < html.index(REGION) < html.index('<header class="site-header">')


def test_warning_is_labelled_warning(client: Client, db: None) -> None:
    general("Beware of scam calls.", nz(2023, 11, 1), level=SiteAlert.Level.WARNING)
    html = page_at(client, "/", FRIDAY_MORNING)
    assert 'class="site-alert site-alert--warning"' in html
    assert 'id="site-alert-label">Warning</h2>' in html
    assert "Contact details and opening hours" not in html  # only closures link to the contact page


def test_no_region_when_nothing_is_live(client: Client, db: None) -> None:
    assert REGION not in page_at(client, "/", FRIDAY_MORNING)


# --- Never stale -----------------------------------------------------------------------------


def test_alert_appears_at_show_from_and_goes_at_show_until(client: Client, db: None) -> None:
    general("Website maintenance tonight.", nz(2023, 11, 10, 9), show_until=nz(2023, 11, 10, 17))
    assert REGION not in page_at(client, "/", nz(2023, 11, 10, 8, 59, 59))
    assert "Website maintenance tonight." in page_at(client, "/", nz(2023, 11, 10, 9))
    assert "Website maintenance tonight." in page_at(client, "/", nz(2023, 11, 10, 16, 59, 59))
    assert REGION not in page_at(client, "/", nz(2023, 11, 10, 17))


def test_alert_comes_and_goes_in_the_very_second_it_is_scheduled_to(client: Client, db: None) -> None:
    # Which alert is live is decided once a second (not once a minute), and reused for the rest of that second.
    starts, ends = nz(2023, 11, 10, 9, 0, 30), nz(2023, 11, 10, 16, 59, 30)
    general("Website maintenance tonight.", starts, show_until=ends)
    just_before = datetime.timedelta(milliseconds=-1)
    for _ in range(2):  # the second time, from what the first worked out
        assert REGION not in page_at(client, "/", starts + just_before)
        assert "Website maintenance tonight." in page_at(client, "/", starts)
        assert "Website maintenance tonight." in page_at(client, "/", ends + just_before)
        assert REGION not in page_at(client, "/", ends)


def test_a_closure_that_begins_mid_minute_takes_over_in_that_very_second(client: Client, db: None) -> None:
    # Beginning makes a closure more urgent than a newer one not yet begun: that, too, must show on time.
    begins = nz(2026, 11, 29, 9, 0, 30)
    closure(begins, nz(2026, 11, 30, 8, 30), show_from=nz(2026, 11, 27, 9)).save()
    closure(nz(2026, 11, 29, 23), nz(2026, 12, 18, 8, 30), show_from=nz(2026, 11, 28, 9)).save()
    just_before = begins - datetime.timedelta(milliseconds=1)
    for _ in range(2):  # the second time, from what the first worked out
        assert "will be closed from 11.00pm today" in page_at(client, "/", just_before)
        assert "is now closed until 8.30am tomorrow, Monday 30 November." in page_at(client, "/", begins)


def test_the_shown_closure_says_now_closed_in_the_second_it_begins(client: Client, db: None) -> None:
    # Its wording is kept for a minute, but not across the moment it begins.
    begins = nz(2026, 11, 29, 15, 0, 30)
    closure(begins, nz(2026, 11, 30, 8, 30)).save()
    assert "will be closed from 3.00pm today" in page_at(client, "/", begins - datetime.timedelta(seconds=20))
    assert "is now closed until 8.30am tomorrow" in page_at(client, "/", begins)


def test_an_edit_and_a_hidden_alert_show_within_the_same_second(client: Client, db: None) -> None:
    # The region worked out for a second is kept for that second only as long as nothing it depends on changes.
    notice = general("Website maintenance tonight.", nz(2023, 11, 10, 9))
    with time_machine.travel(nz(2023, 11, 10, 12), tick=False):
        assert "Website maintenance tonight." in client.get("/").content.decode()
        notice.message = "Website maintenance tomorrow."
        notice.save()
        assert "Website maintenance tomorrow." in client.get("/").content.decode()
        client.cookies[DISMISSED_COOKIE] = dismissal_key(notice)
        assert REGION not in client.get("/").content.decode()


def test_wording_changes_at_new_zealand_midnight_and_closing_time(client: Client, weekend_closure: SiteAlert) -> None:
    thursday_night = page_at(client, "/", nz(2023, 11, 9, 23, 59, 59))
    assert "will be closed from 3.00pm tomorrow, Friday 10 November" in thursday_night
    friday = page_at(client, "/", nz(2023, 11, 10, 0, 0, 0))
    assert "will be closed from 3.00pm today, Friday 10 November" in friday
    assert "is now closed until 8.30am Monday 13 November." in page_at(client, "/", nz(2023, 11, 10, 15))
    assert "until 8.30am tomorrow, Monday 13 November." in page_at(client, "/", nz(2023, 11, 12, 9))
    assert REGION not in page_at(client, "/", nz(2023, 11, 13, 8, 30))


# --- Sanitising ------------------------------------------------------------------------------


def test_general_text_keeps_only_links(client: Client, db: None) -> None:
    general(
        'Read <a href="https://www.govt.nz/" onclick="steal()">the news</a><script>alert(1)</script> '
        '<b onmouseover="x()">now</b> <a href="javascript:alert(2)">here</a> & <img src=x onerror="y()">.',
        nz(2023, 11, 1),
    )
    html = page_at(client, "/", FRIDAY_MORNING)
    assert (
        '<p class="site-alert__text">Read <a href="https://www.govt.nz/">the news</a> now <a>here</a> &amp; .</p>'
        in (html)
    )
    for inert in ["<script>alert", "onclick", "onmouseover", "javascript:", "onerror", "<b ", "<img"]:
        assert inert not in html


def test_closure_extra_text_is_sanitised_too(client: Client, db: None) -> None:
    closure(
        nz(2023, 11, 10, 15),
        nz(2023, 11, 13, 8, 30),
        extra_text='Urgent? <a href="/contact/" onclick="x()">Call us</a>',
    ).save()
    html = page_at(client, "/", FRIDAY_MORNING)
    assert '<p class="site-alert__text">Urgent? <a href="/contact/">Call us</a></p>' in html


# --- Error pages -----------------------------------------------------------------------------


def _fail_queries_on(table: str, error: type[Exception] = ProgrammingError) -> Callable[..., object]:
    def wrapper(execute: Callable[..., object], sql: str, params: object, many: bool, context: object) -> object:
        if table in sql:
            raise error(f"{table} is unavailable (test)")
        return execute(sql, params, many, context)

    return wrapper


@pytest.fixture
def server_error_client() -> Client:
    return Client(raise_request_exception=False)


def test_alert_shows_on_the_500_page(server_error_client: Client, weekend_closure: SiteAlert) -> None:
    with connection.execute_wrapper(_fail_queries_on("microcredentials_advicepage")):
        with time_machine.travel(FRIDAY_MORNING, tick=False):
            response = server_error_client.get("/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Sorry, something went wrong</h1>" in html
    assert "will be closed from 3.00pm today, Friday 10 November" in html


def test_error_page_still_renders_when_the_database_is_down(
    server_error_client: Client, weekend_closure: SiteAlert
) -> None:
    with connection.execute_wrapper(_fail_queries_on("", OperationalError)):
        with time_machine.travel(FRIDAY_MORNING, tick=False):
            response = server_error_client.get("/")
    html = response.content.decode()
    assert response.status_code == 503
    assert "<h1>Sorry, this page is not available right now</h1>" in html
    assert REGION not in html


def test_alert_shows_on_the_403_page(weekend_closure: SiteAlert) -> None:
    with time_machine.travel(FRIDAY_MORNING, tick=False):
        response = Client().post(
            "/alerts/dismiss/", {"key": "1-abc", "next": "/"}, headers={"origin": "https://elsewhere.example"}
        )
    html = response.content.decode()
    assert response.status_code == 403
    assert "will be closed from 3.00pm today, Friday 10 November" in html
    assert "no-store" in response["Cache-Control"]  # every CSRF refusal (errors.csrf_failure) is kept by no one
