"""The registry used with the keyboard alone: no mouse click anywhere in these journeys.

A "skip to content" link is the first tab stop; every tab stop shows a visible focus ring;
one signs in by typing and Enter, reaches the main menu and a list with Tab, searches and
filters with the keyboard, opens a record with Enter, works the Bootstrap dropdown menus
with the arrow keys and Escape, and is never trapped: Tab leads out of every page.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from registry.auth.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

STAFF_EMAIL = "staff@dgti.example"
ADMIN_EMAIL = "admin@dgti.example"

#: What the focused element is, and how its focus is drawn.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) { return null; }
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(),
    href: el.getAttribute("href"),
    type: el.getAttribute("type"),
    name: el.getAttribute("name"),
    id: el.id,
    testid: el.getAttribute("data-testid"),
    classes: el.className && el.className.baseVal === undefined ? el.className : "",
    text: (el.innerText || el.value || "").trim(),
    expanded: el.getAttribute("aria-expanded"),
    focusVisible: el.matches(":focus-visible"),
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth) || 0,
    boxShadow: style.boxShadow,
    width: box.width,
    height: box.height,
    inMain: !!el.closest("main"),
    inNav: !!el.closest("nav"),
    inFooter: !!el.closest("footer"),
  };
}"""

#: How many tab stops the page has: shown, enabled, tabindex >= 0, one per radio group.
TABBABLE = """() => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
    + '[tabindex]';
  const radioGroups = new Set();
  return [...document.querySelectorAll(selector)].filter(el => {
    if (el.disabled || el.tabIndex < 0) { return false; }
    if (el.type === "radio") {  // one tab stop per group of radio buttons
      if (radioGroups.has(el.name)) { return false; }
      radioGroups.add(el.name);
    }
    // Not rendered: display none, visibility hidden, or inside a closed <details>.
    return el.checkVisibility({contentVisibilityAuto: true, visibilityProperty: true})
      && el.getClientRects().length > 0;
  }).length;
}"""


def focused(page: Page) -> dict | None:
    return page.evaluate(FOCUSED)


def describe(element: dict | None) -> str:
    if element is None:
        return "nothing (the page itself)"
    return f"<{element['tag']} href={element['href']} id={element['id']}> {element['text'][:40]!r}"


def assert_focus_visible(element: dict | None) -> None:
    """The focused control shows a ring: an outline of at least 2px (form fields may use
    Bootstrap's border and shadow instead, which are drawn on a white page)."""
    assert element is not None
    assert element["focusVisible"], f"{describe(element)} does not match :focus-visible"
    drawn = element["outlineStyle"] != "none" and element["outlineWidth"] >= 2
    if element["tag"] in ("input", "select", "textarea") and element["inMain"]:
        drawn = drawn or element["boxShadow"] not in ("", "none")
    assert drawn, f"no visible focus on {describe(element)}: {element}"
    assert element["width"] > 0 and element["height"] > 0, f"{describe(element)} is not shown"


def tab_to(page: Page, wanted, limit: int = 60, key: str = "Tab") -> dict:
    """Press Tab until the focused element satisfies ``wanted``; every stop on the way must
    show its focus. Fails after ``limit`` presses."""
    seen = []
    for _ in range(limit):
        page.keyboard.press(key)
        element = focused(page)
        if element is not None:
            assert_focus_visible(element)
        seen.append(describe(element))
        if element is not None and wanted(element):
            return element
    raise AssertionError(
        f"not reached with {key} in {limit} presses; went through:\n" + "\n".join(seen)
    )


def keyboard_sign_in(page: Page, email: str) -> None:
    """From the top of the sign-in page: Tab to the form, type, Enter."""
    page.goto("/sign-in")
    tab_to(page, lambda e: e["name"] == "email", limit=10)
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "password"
    page.keyboard.type(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def assert_no_keyboard_trap(page: Page) -> None:
    """From the top of a freshly loaded page, Tab goes through every tab stop and out of the
    page, and Shift+Tab comes back."""
    total = page.evaluate(TABBABLE)
    stops = []
    for _ in range(total + 5):
        page.keyboard.press("Tab")
        element = focused(page)
        if element is None:
            break
        stops.append(describe(element))
    else:
        raise AssertionError("Tab never left the page:\n" + "\n".join(stops[-10:]))
    assert len(stops) == total, f"Tab reached {len(stops)} of {total} stops:\n" + "\n".join(stops)
    last = stops[-1]
    # And back: Shift+Tab from outside the page returns to the last stop.
    page.keyboard.press("Shift+Tab")
    assert describe(focused(page)) == last


def test_skip_link_is_the_first_tab_stop_and_focus_is_visible(page: Page, live_server):
    th = live_server.th
    page.goto("/sign-in")
    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip is not None and skip["href"] == "#main"
    assert skip["text"] == th("Skip to content")
    assert_focus_visible(skip)
    skip_link = page.locator("a[href='#main']")
    expect(skip_link).to_be_visible()
    box = skip_link.bounding_box()
    assert box is not None and box["width"] > 20 and box["height"] > 10

    # Enter moves to the content: the next Tab is the first field of the form, not the menu.
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    page.keyboard.press("Tab")
    first = focused(page)
    assert first is not None and first["inMain"], describe(first)
    assert first["name"] == "email"
    assert_focus_visible(first)
    # Unfocused, the skip link is out of sight.
    expect(skip_link).not_to_be_in_viewport()


def test_staff_work_with_the_keyboard_alone(page: Page, live_server, console_log):
    th = live_server.th
    keyboard_sign_in(page, STAFF_EMAIL)
    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_test_id("user-menu")).to_be_visible()

    # The main menu, with Tab: its links are after the skip link and the brand.
    page.keyboard.press("Tab")
    assert focused(page)["href"] == "#main"
    menu_link = tab_to(page, lambda e: e["inNav"] and (e["href"] or "").endswith("/organisations/"))
    assert "nav-link" in menu_link["classes"]
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + "/organisations/")

    # Search with the keyboard: type in the box, Enter sends the form.
    tab_to(page, lambda e: e["inMain"] and e["type"] == "search")
    page.keyboard.type("สมาคม")
    with page.expect_navigation(url=re.compile(r"/organisations/\?.*q=")):
        page.keyboard.press("Enter")
    expect(page.locator("main input[type=search]")).to_have_value("สมาคม")

    # Filter with a select: arrow keys choose, Enter in the form sends it.
    kind = tab_to(page, lambda e: e["tag"] == "select" and e["name"] == "status")
    assert kind["inMain"]
    page.keyboard.press("ArrowDown")
    chosen = page.locator("main select[name=status]").input_value()
    assert chosen != "current"
    page.keyboard.press("Shift+Tab")  # back to the search box, where Enter submits
    tab_to(page, lambda e: e["type"] == "search", key="Shift+Tab", limit=10)
    with page.expect_navigation(url=re.compile(rf"status={chosen}")):
        page.keyboard.press("Enter")
    expect(page.locator("main select[name=status]")).to_have_value(chosen)

    # Open a record of the list with Enter.
    record = tab_to(
        page, lambda e: e["inMain"] and re.fullmatch(r"/organisations/\d+", e["href"] or "")
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + record["href"])
    expect(page.locator("main h1")).to_contain_text(record["text"].split("\n")[0][:10])

    # The user menu (a Bootstrap dropdown): Enter opens it, arrow keys move, Escape closes.
    toggle = tab_to(page, lambda e: e["testid"] == "user-menu", key="Shift+Tab", limit=80)
    assert toggle["expanded"] == "false"
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("user-menu")).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    item = focused(page)
    assert item is not None and "dropdown-item" in item["classes"], describe(item)
    assert_focus_visible(item)
    assert item["href"] == "/account/password"
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("user-menu")).to_have_attribute("aria-expanded", "false")
    assert focused(page)["testid"] == "user-menu"

    # Sign out from the menu: Enter, ArrowDown to the last item, Enter.
    page.keyboard.press("Enter")
    sign_out = None
    for _ in range(5):
        page.keyboard.press("ArrowDown")
        element = focused(page)
        if element and element["tag"] == "button" and element["text"] == th("Sign out"):
            sign_out = element
            break
    assert sign_out is not None, "the sign-out button is not reached with the arrow keys"
    assert_focus_visible(sign_out)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_test_id("user-menu")).to_have_count(0)
    assert console_log.script_errors() == []


def test_admin_menu_opens_with_the_keyboard(page: Page, live_server):
    keyboard_sign_in(page, ADMIN_EMAIL)
    expect(page.get_by_test_id("user-menu")).to_be_visible()
    page.keyboard.press("Tab")
    toggle = tab_to(page, lambda e: e["inNav"] and "dropdown-toggle" in e["classes"])
    assert toggle["testid"] != "user-menu"  # the Administration menu comes first
    page.keyboard.press("Space")
    expect(page.locator("nav .dropdown-menu.show")).to_have_count(1)
    page.keyboard.press("ArrowDown")
    first = focused(page)
    assert first is not None and "dropdown-item" in first["classes"]
    assert_focus_visible(first)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + first["href"])


@pytest.mark.parametrize(
    "path", ["/sign-in", "/", "/organisations/", "/proposals/new", "/meetings/"]
)
def test_no_keyboard_trap(page: Page, live_server, path):
    if path != "/sign-in":
        keyboard_sign_in(page, STAFF_EMAIL)
    page.goto(path)
    assert_no_keyboard_trap(page)
