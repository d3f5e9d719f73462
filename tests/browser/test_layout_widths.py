"""Every main page at a phone's width (390 px) and two desktop widths (1280 and 1440 px), for
each role: the page never scrolls sideways, the main menu is on one line or behind its menu
button, and no menu item's text is split over two lines. Lists on a phone are cards, the
menu button works with the keyboard and without script, and no page asks for a file that is
not there (the favicon). A screenshot of each page is kept in ``test-artifacts/layout/``.

The pages are the ones each role's own menu links to (read from the page, so a new menu
entry is checked as soon as it exists), plus a record's page, the search results and, for
anyone, the sign-in and document-verification pages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from registry.auth.demo import DEMO_PASSWORD

from .conftest import ARTIFACTS

pytestmark = pytest.mark.browser

WIDTHS = (390, 1280, 1440)
#: Below this width the menu is behind its button (Bootstrap's "lg" breakpoint, base.html).
MENU_BUTTON_BELOW = 992
ACCOUNTS = {
    "admin": "admin@dgti.example",
    "staff": "staff@dgti.example",
    "secretary": "secretary@dgti.example",
    "representative": "rep.tma@dgti.example",
}
#: Pages besides the menu's, by role: a record's page and the search results.
EXTRA_PAGES = {
    "admin": ["/search?q=สมาคม"],
    "staff": [
        "/search?q=สมาคม", "first:/organisations/", "first:/agreements/", "first:/proposals/"
    ],
    "secretary": ["first:/meetings/", "first:/committees/"],
    "representative": ["/search?q=สมาคม", "first:/proposals/"],
}
SHOTS = ARTIFACTS / "layout"

#: What the page's layout is, measured in the browser.
MEASURE = """() => {
  const visible = e => e.offsetParent !== null && e.getBoundingClientRect().width > 0;
  const lines = e => {
    const range = document.createRange();
    range.selectNodeContents(e);
    return new Set([...range.getClientRects()].filter(r => r.width > 0)
                                            .map(r => Math.round(r.top))).size;
  };
  const items = [...document.querySelectorAll('.main-menu > .nav-item > .nav-link')];
  const button = document.querySelector('.site-nav .navbar-toggler');
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    menuButton: !!button && visible(button),
    items: items.filter(visible).map(e => ({
      text: e.textContent.trim(), top: Math.round(e.getBoundingClientRect().top),
      lines: lines(e)})),
  };
}"""


@pytest.fixture(scope="module")
def contexts(browser: Browser, live_server) -> Iterator[dict]:
    """One signed-in browser context per role (and one anonymous), kept for the module."""
    made: dict[str, BrowserContext] = {}

    def context_for(role: str) -> BrowserContext:
        if role not in made:
            context = browser.new_context(
                base_url=live_server.url, locale="th-TH", viewport={"width": 1280, "height": 900}
            )
            context.set_default_timeout(15_000)
            if role != "anonymous":
                page = context.new_page()
                page.goto("/sign-in")
                form = page.locator("main form[method=post]")
                form.locator("input[name=email]").fill(ACCOUNTS[role])
                form.locator("input[name=password]").fill(DEMO_PASSWORD)
                form.locator("button[type=submit]").click()
                expect(page.get_by_test_id("user-menu")).to_be_visible()
                page.close()
            made[role] = context
        return made[role]

    yield context_for
    for context in made.values():
        context.close()


def _pages_of(page: Page, role: str) -> list[str]:
    """The paths of the role's menu (main items and the administration menu), and its extras."""
    if role == "anonymous":
        return ["/sign-in", "/verify/unknown-token"]
    page.goto("/")
    links = page.eval_on_selector_all(
        ".main-menu a.nav-link, .main-menu a.dropdown-item", "as => as.map(a => a.href)"
    )
    paths = [urlparse(link).path for link in links]
    for extra in EXTRA_PAGES[role]:
        if extra.startswith("first:"):
            page.goto(extra.removeprefix("first:"))
            first = page.locator(f"main a[href^='{extra.removeprefix('first:')}']").filter(
                has_text=re.compile(r"\S")
            )
            hrefs = [h for h in first.evaluate_all("as => as.map(a => a.getAttribute('href'))")
                     if re.search(r"/\d+$", h)]
            if hrefs:
                paths.append(hrefs[0])
        else:
            paths.append(extra)
    return list(dict.fromkeys(paths))


def _check_page(page: Page, path: str, width: int, shot: str) -> list[str]:
    """What is wrong with the page's layout at this width (nothing: an empty list)."""
    missing: list[str] = []

    def note(response) -> None:
        if response.status == 404:
            missing.append(response.url)

    page.on("response", note)
    try:
        response = page.goto(path)
        assert response is not None and response.status < 500, (path, response.status)
        page.wait_for_load_state("load")
    finally:
        page.remove_listener("response", note)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{shot}.png"), full_page=False)
    layout = page.evaluate(MEASURE)
    faults = []
    if layout["scrollWidth"] > layout["innerWidth"]:
        faults.append(f"scrolls sideways: {layout['scrollWidth']} > {layout['innerWidth']}")
    items = layout["items"]
    if width < MENU_BUTTON_BELOW:
        if not layout["menuButton"] or items:
            faults.append("the menu is not behind its button")
    elif items:
        if layout["menuButton"]:
            faults.append("a menu button beside the full menu")
        if len({item["top"] for item in items}) != 1:
            faults.append(f"the menu wraps: {[(i['text'], i['top']) for i in items]}")
    split = [item["text"] for item in items if item["lines"] != 1]
    if split:
        faults.append(f"menu items split over lines: {split}")
    unexpected = [url for url in missing if "/verify/" not in url]
    if unexpected:
        faults.append(f"not found: {unexpected}")
    return [f"{path}: {fault}" for fault in faults]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("role", ["admin", "staff", "secretary", "representative", "anonymous"])
def test_every_main_page_fits_the_width_with_the_menu_on_one_line(contexts, role, width):
    context = contexts(role)
    page = context.new_page()
    try:
        page.set_viewport_size({"width": 1280, "height": 900})
        paths = _pages_of(page, role)
        assert len(paths) >= (2 if role == "anonymous" else 3)
        page.set_viewport_size({"width": width, "height": 900})
        faults = []
        for n, path in enumerate(paths):
            name = re.sub(r"[^\w]+", "-", path).strip("-") or "home"
            faults += _check_page(page, path, width, f"{role}-{width}-{n:02d}-{name}")
    finally:
        page.close()
    assert faults == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_english_menu_of_an_administrator_fits_too(browser: Browser, live_server, width):
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    try:
        page.goto("/sign-in")
        if width < MENU_BUTTON_BELOW:
            page.get_by_test_id("menu-button").click()
        page.locator("nav form[action$='/language'] button[value=en]").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        form = page.locator("main form[method=post]")
        form.locator("input[name=email]").fill(ACCOUNTS["admin"])
        form.locator("input[name=password]").fill(DEMO_PASSWORD)
        form.locator("button[type=submit]").click()
        expect(page.get_by_test_id("user-menu")).to_be_attached()
        page.wait_for_load_state("load")  # the menu's script bound before its button is used
        if page.locator("html").get_attribute("lang") != "en":  # the account's saved language
            if width < MENU_BUTTON_BELOW:
                button = page.get_by_test_id("menu-button")
                button.click()
                expect(button).to_have_attribute("aria-expanded", "true")
            with page.expect_navigation():
                page.locator("nav form[action$='/language'] button[value=en]").click()
            expect(page.locator("html")).to_have_attribute("lang", "en")
        faults = _check_page(page, "/organisations/", width, f"admin-en-{width}-organisations")
    finally:
        live_server.reset_language(ACCOUNTS["admin"])
        context.close()
    assert faults == []


def test_the_phone_menu_opens_from_its_button_by_keyboard(contexts):
    page = contexts("staff").new_page()
    try:
        page.set_viewport_size({"width": 390, "height": 800})
        page.goto("/organisations/")
        button = page.get_by_test_id("menu-button")
        expect(button).to_have_attribute("aria-expanded", "false")
        expect(page.locator(".main-menu")).to_be_hidden()
        button.focus()
        page.keyboard.press("Enter")
        expect(button).to_have_attribute("aria-expanded", "true")
        expect(page.locator("#nav")).to_have_class(re.compile(r"(^| )show( |$)"))  # opened
        items = page.locator(".main-menu > .nav-item > .nav-link")
        expect(items.first).to_be_visible()
        layout = page.evaluate(MEASURE)
        assert len(layout["items"]) >= 5
        assert all(item["lines"] == 1 for item in layout["items"])
        # One item a line, in the menu's order.
        tops = [item["top"] for item in layout["items"]]
        assert tops == sorted(tops) and len(set(tops)) == len(tops)
        page.screenshot(path=str(SHOTS / "staff-390-menu-open.png"))
        page.keyboard.press("Tab")
        expect(items.first).to_be_focused()
        button.focus()
        page.keyboard.press("Enter")
        expect(button).to_have_attribute("aria-expanded", "false")
        expect(page.locator(".main-menu")).to_be_hidden()
    finally:
        page.close()


def test_without_script_the_phone_menu_is_open_and_usable(browser: Browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 390, "height": 800}
    )
    page = context.new_page()
    try:
        page.goto("/sign-in")
        form = page.locator("main form[method=post]")
        form.locator("input[name=email]").fill(ACCOUNTS["staff"])
        form.locator("input[name=password]").fill(DEMO_PASSWORD)
        form.locator("button[type=submit]").click()
        page.wait_for_load_state("load")
        expect(page.get_by_test_id("menu-button")).to_be_hidden()
        expect(page.locator(".main-menu a[href='/organisations/']")).to_be_visible()
        page.locator(".main-menu a[href='/organisations/']").click()
        expect(page).to_have_url(re.compile(r"/organisations/$"))
        page.wait_for_load_state("load")
        page.evaluate("document.fonts.ready.then(() => true)")  # measured in the page's own font
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    finally:
        context.close()


@pytest.mark.parametrize(
    "path", ["/organisations/", "/agreements/", "/proposals/", "/meetings/", "/committees/"]
)
def test_lists_on_a_phone_are_cards_with_labelled_cells(contexts, path):
    page = contexts("staff").new_page()
    try:
        page.set_viewport_size({"width": 390, "height": 800})
        page.goto(path)
        table = page.locator("main table.table-cards").first
        expect(table).to_be_visible()
        card = table.locator("tbody tr").first
        cells = card.locator("td")
        first = cells.first.bounding_box()
        # The title cell takes the card's width, so a title is not one word a line.
        assert first is not None and first["width"] > 300
        labels = cells.evaluate_all("cs => cs.slice(1).map(c => c.dataset.label || '')")
        heads = table.locator("thead th").evaluate_all("hs => hs.map(h => h.textContent.trim())")
        assert labels and labels == heads[1 : len(labels) + 1]
        label_shown = cells.nth(1).evaluate("c => getComputedStyle(c, '::before').content")
        assert heads[1] in label_shown
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    finally:
        page.close()


def test_at_a_desktop_width_lists_stay_tables(contexts):
    page = contexts("staff").new_page()
    try:
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto("/organisations/")
        expect(page.locator("main table.table-cards thead")).to_be_visible()
        display = page.locator("main table.table-cards tbody tr").first.evaluate(
            "r => getComputedStyle(r).display"
        )
        assert display == "table-row"
    finally:
        page.close()


def test_every_page_shows_the_favicon(contexts):
    page = contexts("anonymous").new_page()
    try:
        page.goto("/sign-in")
        hrefs = page.eval_on_selector_all("link[rel~=icon]", "ls => ls.map(l => l.href)")
        assert any(h.endswith(".svg") for h in hrefs) and any(h.endswith(".png") for h in hrefs)
        for href in hrefs:
            response = page.request.get(href)
            assert response.status == 200 and response.headers["content-type"].startswith("image/")
    finally:
        page.close()
