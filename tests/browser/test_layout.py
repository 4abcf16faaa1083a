"""Journey 6: every page type reflows at 320 px, and screenshots at phone and desktop widths for people to review."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from microcredentials.models import AdvicePage, SiteAlert
from tests.browser.helpers import SCREENSHOTS, Site, scrolls_sideways

pytestmark = pytest.mark.browser


def public_pages(site: Site) -> dict[str, str]:
    return {
        "home": "/",
        "topic": site.topic_path,
        "advice-page": site.advice_path,
        "search-results": "/search/?q=credits",
        "calculator": "/tools/study-time/?credits=0",
        "contact": "/contact/",
        "privacy": "/about-this-site/privacy/",
        "not-found": "/no-such-page/",
    }


WIDE_TABLE = """## Costs

| Provider name | Micro-credential | Credits | Fees, including GST |
| --- | --- | --- | --- |
| Manukau Institute of Technology | Electric vehicle battery diagnostics | 15 | $1,250 |
"""


def test_no_page_scrolls_sideways_at_320_pixels(page: Page, site: Site, live_closure: SiteAlert) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    table_page = AdvicePage.objects.create(
        topic=site.page.topic,
        title="A wide table",
        slug="wide-table",
        summary="Four columns.",
        body=WIDE_TABLE,
        status=AdvicePage.Status.PUBLISHED,
    )
    pages = public_pages(site) | {"four-column table": table_page.get_absolute_url()}
    for name, path in pages.items():
        page.goto(path)
        expect(page.locator("[data-site-alert]")).to_be_visible()  # the alert takes room too
        assert not scrolls_sideways(page), f"the {name} page ({path}) scrolls sideways at 320 px"


LONG_ADDRESS = "https://www.studylink.govt.nz/products/a-z-products/student-loan/course-costs-micro-credentials.html"


def test_an_alert_with_a_long_address_wraps_at_320_pixels(page: Page, site: Site) -> None:
    SiteAlert.objects.create(
        kind=SiteAlert.Kind.GENERAL,
        level=SiteAlert.Level.WARNING,
        message=f'Course costs have changed: {LONG_ADDRESS}. See <a href="{LONG_ADDRESS}">{LONG_ADDRESS}</a>.',
        show_from=timezone.now() - datetime.timedelta(hours=1),
    )
    page.set_viewport_size({"width": 320, "height": 640})
    for path in ("/", site.advice_path):
        page.goto(path)
        expect(page.locator("[data-site-alert]")).to_contain_text(f"have changed: {LONG_ADDRESS}.")
        expect(page.get_by_role("link", name=LONG_ADDRESS)).to_be_visible()
        assert not scrolls_sideways(page), f"{path} scrolls sideways at 320 px with a long address in the alert"


@pytest.mark.parametrize("width", [375, 1280])
def test_screenshots_for_review(page: Page, site: Site, live_closure: SiteAlert, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    SCREENSHOTS.mkdir(exist_ok=True)
    for name, path in public_pages(site).items():
        if name == "topic":
            continue
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert not scrolls_sideways(page), f"the {name} page scrolls sideways at {width} px"
        target = SCREENSHOTS / f"{name}-{width}.png"
        page.screenshot(path=target, full_page=True)
        assert target.stat().st_size > 5_000
