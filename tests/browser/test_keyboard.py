"""Journey 2: a keyboard-only reader skips to the content and can reach, and see, every control."""

import pytest
from playwright.sync_api import Page, expect

from microcredentials.models import SiteAlert
from tests.browser.helpers import Site

pytestmark = pytest.mark.browser

# What a reader can Tab to. Each is numbered in document order before the first Tab.
FOCUSABLE = "a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex='-1'])"
NUMBER_AND_RECORD_UNFOCUSED_STYLES = """selector => {
    const elements = [...document.querySelectorAll(selector)].filter(el => el.getClientRects().length > 0);
    window.unfocusedStyles = elements.map((el, index) => {
        el.dataset.focusOrder = String(index);
        const style = getComputedStyle(el);
        const outline = `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`;
        return { outline, shadow: style.boxShadow };
    });
    return elements.length;
}"""
FOCUSED_ELEMENT = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return {
        order: el.dataset.focusOrder === undefined ? null : Number(el.dataset.focusOrder),
        name: `${el.tagName} "${el.textContent.trim().slice(0, 40)}"`,
        focusVisible: el.matches(":focus-visible"),
        outline: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`,
        outlineWidth: style.outlineStyle === "none" ? 0 : parseFloat(style.outlineWidth),
        shadow: style.boxShadow,
        unfocused: window.unfocusedStyles[el.dataset.focusOrder] || null,
        inView: box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth,
    };
}"""


def test_first_tab_reaches_the_skip_link_and_enter_moves_focus_to_the_main_content(page: Page, site: Site) -> None:
    page.goto(site.advice_path)
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()  # hidden off-screen until it has focus

    page.keyboard.press("Enter")
    expect(page.locator("main#main-content")).to_be_focused()
    # The next Tab continues inside the main content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


def test_every_control_on_the_advice_page_is_reached_in_order_with_a_visible_focus_indicator(
    page: Page, site: Site, live_closure: SiteAlert
) -> None:
    page.goto(site.advice_path)
    count = page.evaluate(NUMBER_AND_RECORD_UNFOCUSED_STYLES, FOCUSABLE)
    assert count > 15, "the page, its alert, contents list and footer have many links"

    visited = []
    for _ in range(count):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_ELEMENT)
        visited.append(focused["order"])
        name = focused["name"]
        assert focused["focusVisible"], f"{name} matches :focus-visible"
        assert focused["inView"], f"{name} is scrolled into view when focused"
        changed = focused["unfocused"] != {"outline": focused["outline"], "shadow": focused["shadow"]}
        assert changed, f"{name} looks different when focused"
        assert focused["outlineWidth"] >= 2 or focused["shadow"] != "none", f"{name} has a focus outline or ring"
    assert visited == list(range(count)), "Tab visits every control once, in the order they appear"
