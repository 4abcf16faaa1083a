"""Email alerts in a real browser: signing up with the keyboard alone, the error, and the confirm and unsubscribe
pages, each checked by axe."""

import pytest
from playwright.sync_api import Page, expect

from microcredentials.models import Subscription
from tests.browser.helpers import Site, axe_violations

pytestmark = pytest.mark.browser


def test_a_reader_signs_up_with_the_keyboard_alone(page: Page, site: Site) -> None:
    page.goto(site.advice_path)
    box = page.get_by_label("Email address")
    box.focus()
    page.keyboard.type("reader@example.org")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert axe_violations(page) == []
    assert Subscription.objects.get().email == "reader@example.org"


def test_a_mistyped_address_is_explained_next_to_the_box(page: Page, site: Site) -> None:
    page.goto(site.advice_path)
    page.get_by_label("Email address").fill("reader.example.org")
    page.get_by_role("button", name="Get emails").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter an email address in the right format")
    expect(page.get_by_label("Email address")).to_have_value("reader.example.org")
    assert axe_violations(page) == []


def test_the_confirm_and_unsubscribe_pages(page: Page, site: Site) -> None:
    page.goto(site.advice_path)
    page.get_by_label("Email address").fill("reader@example.org")
    page.get_by_role("button", name="Get emails").click()
    token = Subscription.objects.get().token

    page.goto(f"/follow/confirm/{token}/")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are signed up")

    page.goto(f"/follow/unsubscribe/{token}/")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are unsubscribed")
    assert axe_violations(page) == []
    assert not Subscription.objects.exists()
