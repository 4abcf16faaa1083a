"""The staff screens pass axe's WCAG 2.2 AA checks, reflow at 320 px, and show every list column at 1,280 px."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Page

from microcredentials.models import AdvicePage, LinkCheck, PageDraft
from tests.browser.helpers import Site, axe_violations, log_in, scrolls_sideways

pytestmark = pytest.mark.browser


def editor_screens(site: Site) -> dict[str, str]:
    page_admin = f"/admin/microcredentials/advicepage/{site.page.pk}"
    return {
        "dashboard": "/admin/",
        "page list": "/admin/microcredentials/advicepage/",
        "page change form": f"{page_admin}/change/",
        "page history": f"{page_admin}/history/",
        "staff preview": f"{page_admin}/preview/",
        "unpublish confirmation": f"{page_admin}/unpublish/",
        "link report": "/admin/microcredentials/linkcheck/",
        "ignored link form": "/admin/microcredentials/ignoredlink/add/",
        "scheduled jobs": "/admin/microcredentials/scheduledjob/",
    }


def add_link_checks(page: AdvicePage) -> None:
    """A broken and a redirected link, so the page's Content health section shows its table and buttons."""
    old = "https://www.example.govt.nz/a/very/long/address/that/must/wrap/on/a/narrow/screen/old-page"
    LinkCheck.objects.create(page=page, url=old, status="redirected", status_code=200, final_url=old + "-new",
                             checked_at=timezone.now())  # fmt: skip
    LinkCheck.objects.create(page=page, url=old + "-gone", status="broken", status_code=404, error="HTTP 404",
                             checked_at=timezone.now())  # fmt: skip


# The alert screens have their own axe test (test_alert_admin_form.py); these are the contact centre's others.
CONTACT_CENTRE_SCREENS = {
    "closed days and coming holidays": "/admin/microcredentials/closedday/",
    "add closed day form": "/admin/microcredentials/closedday/add/",
    "opening hours": "/admin/microcredentials/openinghours/",
}


def test_editor_screens_have_no_axe_violations(page: Page, site: Site, make_staff: Callable[[str, str], User]) -> None:
    editor = make_staff("erin", "Content editors")
    PageDraft.objects.create(
        page=site.page, title=site.page.title, summary="A summary.", body="## Next", saved_by=editor
    )
    add_link_checks(site.page)
    log_in(page, editor)
    for name, path in editor_screens(site).items():
        page.goto(site.url + path)
        assert axe_violations(page) == [], name


def test_contact_centre_screens_have_no_axe_violations(
    page: Page, site: Site, make_staff: Callable[[str, str], User]
) -> None:
    log_in(page, make_staff("cora", "Contact centre"))
    for name, path in CONTACT_CENTRE_SCREENS.items():
        page.goto(site.url + path)
        assert axe_violations(page) == [], name


def test_editor_screens_reflow_at_320_px(page: Page, site: Site, make_staff: Callable[[str, str], User]) -> None:
    add_link_checks(site.page)
    log_in(page, make_staff("erin", "Content editors"))
    page.set_viewport_size({"width": 320, "height": 800})
    for name in ("dashboard", "page change form", "unpublish confirmation"):
        page.goto(site.url + editor_screens(site)[name])
        assert not scrolls_sideways(page), name


def test_no_page_list_column_is_cut_off_at_1280_px(
    page: Page, site: Site, make_staff: Callable[[str, str], User]
) -> None:
    log_in(page, make_staff("erin", "Content editors"))
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(site.url + "/admin/microcredentials/advicepage/")
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('#result_list th, #result_list td')]
            .filter((cell) => cell.scrollWidth > cell.clientWidth + 1)
            .map((cell) => cell.className)"""
    )
    assert overflowing == []
    assert not scrolls_sideways(page)
