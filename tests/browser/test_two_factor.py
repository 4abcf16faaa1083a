"""Two-factor sign-in in Chromium: a passkey made and used with Chromium's virtual authenticator (CDP), and an
authenticator app whose codes the test works out from the key the page shows."""

import base64
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django_otp.oath import TOTP
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import Page, expect

from tests.browser.helpers import STAFF_PASSWORD, Site, axe_violations, watch_for_errors

pytestmark = pytest.mark.browser


def give_password(page: Page, site: Site, user: User) -> None:
    page.goto(site.url + "/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(user.get_username())
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def add_virtual_authenticator(page: Page) -> None:
    """A platform authenticator that says yes at once (fingerprint and all), as Chromium's DevTools offer."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
        "automaticPresenceSimulation": True,
    }
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})


def test_a_first_sign_in_adds_a_passkey_and_the_next_sign_in_uses_it(
    page: Page, site: Site, make_staff: Callable[[str, str], User]
) -> None:
    errors = watch_for_errors(page)
    add_virtual_authenticator(page)
    user = make_staff("pania", "Content editors")

    give_password(page, site, user)
    expect(page.get_by_role("heading", name="Set up two-step sign-in")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Add a passkey").click()
    page.wait_for_url("**/admin/two-step/recovery-codes/**")
    expect(page.locator(".two-step__codes li")).to_have_count(10)
    assert axe_violations(page) == []
    page.get_by_role("link", name="I have kept them: continue").click()
    page.wait_for_url("**/admin/")
    assert WebAuthnCredential.objects.filter(user=user, confirmed=True).count() == 1

    page.get_by_role("button", name="Log out").click()
    give_password(page, site, user)
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Use my passkey").click()
    page.wait_for_url("**/admin/")
    expect(page.get_by_role("link", name="Advice pages")).to_be_visible()
    assert errors == []


def test_an_authenticator_app_is_added_with_the_keyboard_alone(
    page: Page, site: Site, make_staff: Callable[[str, str], User]
) -> None:
    errors = watch_for_errors(page)
    user = make_staff("cora", "Contact centre")
    give_password(page, site, user)
    page.get_by_role("link", name="Use an authenticator app").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    assert axe_violations(page) == []

    key = base64.b32decode(page.locator(".two-step__key").inner_text().replace(" ", ""))
    page.get_by_label("Code from the app").focus()
    page.keyboard.type(str(TOTP(key).token()).zfill(6))
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/two-step/recovery-codes/**")
    page.get_by_role("link", name="I have kept them: continue").click()
    page.wait_for_url("**/admin/")
    expect(page.get_by_role("link", name="Site alerts")).to_be_visible()
    assert errors == []
