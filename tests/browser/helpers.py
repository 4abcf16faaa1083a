"""Helpers for the browser tests: logging in, accessibility checks and layout measurements."""

from dataclasses import dataclass
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.auth.models import User
from playwright.sync_api import ConsoleMessage, Locator, Page

from microcredentials.models import AdvicePage
from microcredentials.staff.two_factor import new_recovery_codes

SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"  # for people to review; git-ignored
STAFF_PASSWORD = "a-long-browser-test-password"
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
_axe = Axe()


@dataclass(frozen=True)
class Site:
    """The live server and the shipped micro-credentials page on it."""

    url: str
    page: AdvicePage

    @property
    def advice_path(self) -> str:
        return self.page.get_absolute_url()

    @property
    def topic_path(self) -> str:
        return self.page.topic.get_absolute_url()


def log_in(page: Page, user: User) -> None:
    """Log in through the admin's own login form and the second step (a recovery code), as a person would."""
    code = new_recovery_codes(user)[0]
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(user.get_username())
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("textbox", name="Code").fill(code)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/admin/")


def watch_for_errors(page: Page) -> list[str]:
    """From now on, collect the page's script errors and console errors (Content Security Policy violations are these).

    "Failed to load resource" lines are left out: they are error statuses, which the tests check themselves.
    """
    errors: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    page.on("console", note)
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    return errors


def axe_violations(page: Page) -> list[str]:
    """axe-core's WCAG 2.0, 2.1 and 2.2 level A and AA violations on the page, one readable line each."""
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA_TAGS}})
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(str(node["target"]) for node in violation["nodes"])
        for violation in results.response["violations"]
    ]


def scrolls_sideways(page: Page) -> bool:
    """Whether the page is wider than the window (WCAG 1.4.10 reflow fails at 320 CSS pixels)."""
    return bool(page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth"))


def live_preview(page: Page) -> Locator:
    """The editor's live preview: the body's container inside the preview frame (admin-editor.js)."""
    return page.frame_locator(".live-preview-frame").locator("main")
