"""The header's search box, used with the keyboard alone, in the real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from registry.auth.demo import DEMO_PASSWORD
from tests.browser.test_journeys import STAFF_EMAIL, assert_clean_console, sign_in

pytestmark = pytest.mark.browser


def test_staff_search_from_the_header_with_the_keyboard(page: Page, live_server, console_log):
    th = live_server.th
    sign_in(page, STAFF_EMAIL, DEMO_PASSWORD)
    page.goto("/")
    box = page.get_by_role(
        "searchbox",
        name=th("Search organisations, contacts, agreements, proposals, committees and meetings"),
    )
    expect(box).to_be_visible()
    # From the skip link, Tab reaches the box before the language buttons.
    _tab_until(page, "document.activeElement.id === 'header-search'")
    expect(box).to_be_focused()
    page.keyboard.type("ไอโอที")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=%E0%B9%84"))
    organisations = page.locator("section[aria-labelledby=results-organisations]")
    expect(organisations.get_by_role("heading")).to_contain_text(th("Organisations"))
    link = organisations.get_by_role("link", name="สมาคมไทยไอโอที")
    expect(link).to_be_visible()
    # The results' own search box holds the words; Tab moves on to the results.
    expect(page.locator("#search-words")).to_have_value("ไอโอที")
    page.locator("#search-words").focus()
    _tab_until(page, "document.activeElement.textContent.trim() === 'สมาคมไทยไอโอที'")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("สมาคมไทยไอโอที")
    assert_clean_console(console_log)


def _tab_until(page: Page, condition: str, most: int = 40) -> None:
    """Press Tab until the focused element meets a condition (JavaScript), at most ``most``."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate(condition):
            return
    raise AssertionError(f"Tab never reached: {condition}")
