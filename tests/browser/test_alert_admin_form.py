"""The site alert form in a real browser: it fits the kind, says New Zealand time without Django's "behind server
time" note, previews the wording as staff type (and without JavaScript), asks before an alert goes live, and
passes axe on the list, the add and change forms and the preview."""

import datetime
import re
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from microcredentials.lib.nztime import NZ_TIME
from microcredentials.models import SiteAlert
from tests.browser.helpers import Site, axe_violations, log_in, watch_for_errors

pytestmark = pytest.mark.browser

ADD_URL = "/admin/microcredentials/sitealert/add/"
LIST_URL = "/admin/microcredentials/sitealert/"


def days_ahead(days: int, hour: int) -> datetime.datetime:
    """A New Zealand time `days` from today (the site's and the browser's clocks are real here)."""
    day = timezone.localdate(timezone=NZ_TIME) + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=NZ_TIME)


def fill_closure(page: Page, closes: datetime.datetime, reopens: datetime.datetime, shows: datetime.datetime) -> None:
    for name, moment in (("closes_at", closes), ("reopens_at", reopens), ("show_from", shows)):
        page.locator(f"#id_{name}_0").fill(f"{moment:%Y-%m-%d}")
        page.locator(f"#id_{name}_1").fill(f"{moment:%H:%M}")


@pytest.fixture
def staff(make_staff: Callable[[str, str], User]) -> User:
    return make_staff("cora", "Contact centre")


def test_only_the_chosen_kinds_fields_show(page: Page, site: Site, staff: User) -> None:
    errors = watch_for_errors(page)
    log_in(page, staff)
    page.goto(ADD_URL)
    closure_part = page.locator("fieldset.alert-kind-closure")
    notice_part = page.locator("fieldset.alert-kind-general")
    expect(closure_part).to_be_visible()
    expect(notice_part).to_be_hidden()
    page.get_by_label("Kind").select_option("general")
    expect(closure_part).to_be_hidden()
    expect(notice_part).to_be_visible()
    expect(page.get_by_label("Message")).to_be_visible()
    assert errors == []


def test_without_javascript_both_kinds_show_grouped_and_labelled(
    new_context: CreateContextCallback, site: Site, staff: User
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, staff)
    page.goto(ADD_URL)
    expect(page.get_by_role("heading", name="Contact centre closure")).to_be_visible()
    expect(page.get_by_role("heading", name="General notice")).to_be_visible()
    expect(
        page.get_by_role("group", name="Contact centre closure").get_by_label("Closes at (New Zealand time): date")
    ).to_be_visible()
    expect(page.get_by_role("group", name="General notice").get_by_label("Message")).to_be_visible()


def test_no_behind_server_time_note_in_a_browser_elsewhere(browser: Browser, site: Site, staff: User) -> None:
    # Thirteen or eighteen hours behind New Zealand, as Django's note would say.
    page = browser.new_context(base_url=site.url, timezone_id="America/New_York", locale="en-US").new_page()
    log_in(page, staff)
    for path in (ADD_URL, "/admin/microcredentials/closedday/add/"):
        page.goto(path)
        page.wait_for_load_state("load")
        expect(page.get_by_text(re.compile("New Zealand (time|date)")).first).to_be_visible()
        expect(page.locator(".datetimeshortcuts").first).to_be_visible()  # the calendar script has run
        expect(page.locator("text=/server time/ >> visible=true")).to_have_count(0)
    page.goto(ADD_URL)
    page.wait_for_load_state("load")
    expect(page.locator(".datetimeshortcuts").first).to_be_visible()
    expect(page.locator(".timezonewarning")).to_have_count(0)  # the alert form's script takes the note away


def test_the_preview_follows_as_staff_type_and_saves_nothing(page: Page, site: Site, staff: User) -> None:
    errors = watch_for_errors(page)
    log_in(page, staff)
    page.goto(ADD_URL)
    preview = page.locator("[data-alert-preview]")
    expect(preview).to_contain_text("Fill in the form to see how the alert will read.")
    closes, reopens = days_ahead(3, 15), days_ahead(3, 16)
    fill_closure(page, closes, reopens, days_ahead(1, 9))
    expect(preview).to_contain_text("Not shown yet.")
    expect(preview).to_contain_text(
        re.compile(
            r"when it starts showing\s+Information\s+The Customer Contact Group will be closed from 3\.00pm to 4\.00pm"
        )
    )
    expect(preview).to_contain_text("when it stops showing")
    page.locator("#id_show_from_0").fill(f"{days_ahead(0, 0):%Y-%m-%d}")
    page.locator("#id_show_from_1").fill("00:00")
    expect(preview).to_contain_text("This shows on every page now.")
    assert SiteAlert.objects.count() == 0
    assert errors == []


def test_without_javascript_preview_then_confirm_then_save(
    new_context: CreateContextCallback, site: Site, staff: User
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, staff)
    page.goto(ADD_URL)
    fill_closure(page, days_ahead(3, 15), days_ahead(3, 16), days_ahead(-1, 9))  # shows at once
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("[data-alert-preview]")
    expect(preview).to_contain_text("This shows on every page now.")
    expect(preview).to_contain_text("The Customer Contact Group will be closed from 3.00pm to 4.00pm")
    assert SiteAlert.objects.count() == 0
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".errorlist")).to_contain_text("This shows on every page now.")
    assert SiteAlert.objects.count() == 0
    page.get_by_label("This shows on every page now").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    assert SiteAlert.objects.count() == 1


def test_alert_screens_have_no_axe_violations(page: Page, site: Site, staff: User) -> None:
    alert = SiteAlert.objects.create(
        kind=SiteAlert.Kind.CLOSURE,
        closes_at=days_ahead(3, 15),
        reopens_at=days_ahead(4, 8),
        contact_email="help@careers.example.govt.nz",
        show_from=days_ahead(1, 9),
    )
    log_in(page, staff)
    screens = {
        "alert list": LIST_URL,
        "add alert form": ADD_URL,
        "change alert form": f"/admin/microcredentials/sitealert/{alert.pk}/change/",
        "closed days": "/admin/microcredentials/closedday/",
    }
    for name, path in screens.items():
        page.goto(path)
        page.wait_for_load_state("load")
        assert axe_violations(page) == [], name
    # The preview, as the script shows it while staff type, and as the Preview button shows it.
    page.goto(ADD_URL)
    fill_closure(page, days_ahead(3, 15), days_ahead(3, 16), days_ahead(1, 9))
    expect(page.locator("[data-alert-preview]")).to_contain_text("when it starts showing")
    assert axe_violations(page) == [], "typed preview"
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("[data-alert-preview]")).to_contain_text("when it starts showing")
    assert axe_violations(page) == [], "preview"
    # The confirmation step.
    page.locator("#id_show_from_0").fill(f"{days_ahead(-1, 9):%Y-%m-%d}")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_label("This shows on every page now")).to_be_visible()
    assert axe_violations(page) == [], "confirmation"
