"""The web pages keep Thai words whole where a line could break: the menu's items, the
table heads and the brand (Chromium's own dictionary splits หน้า|หลัก, คณะ|กรรมการ). The
page is the real organisations list, rendered by the app and shown in the suite's Chromium
at widths where the menu used to wrap inside its words."""

from __future__ import annotations

from pathlib import Path

import pytest

from registry.auth.models import Role

# --- The web pages ---------------------------------------------------------------------------

STATIC = Path(__file__).resolve().parents[2] / "registry" / "static"
SITE = "http://registry.test"


def _lines_of(page, selector: str) -> dict[str, int]:
    """How many lines the text of each element the selector finds is laid out on."""
    return page.evaluate(
        """(selector) => Object.fromEntries([...document.querySelectorAll(selector)].map(e => {
            const range = document.createRange();
            range.selectNodeContents(e);
            const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
            return [e.textContent.trim(), tops.size];
        }))""",
        selector,
    )


@pytest.mark.browser
@pytest.mark.parametrize("width", [1000, 1200])
def test_the_menu_and_the_table_heads_never_split_a_thai_word(
    browser, client, sign_in, make_organisation, width
):

    sign_in(Role.ADMIN)
    make_organisation(name_th="สมาคมเมกเกอร์ไทย")
    with client.get("/organisations/") as response:
        assert response.status_code == 200
        listing = response.get_data(as_text=True)

    def serve(route):
        path = route.request.url.removeprefix(SITE).split("?")[0]
        if path.startswith("/static/") and (STATIC / path.removeprefix("/static/")).is_file():
            route.fulfill(path=STATIC / path.removeprefix("/static/"))
        elif path == "/organisations/":
            route.fulfill(body=listing, content_type="text/html; charset=utf-8")
        else:
            route.abort()

    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.route(f"{SITE}/**", serve)
        page.goto(f"{SITE}/organisations/")
        menu = _lines_of(page, ".navbar .nav-link")
        heads = _lines_of(page, "thead th")
        brand = _lines_of(page, ".navbar-brand .text-nowrap")
    finally:
        page.close()
    assert {"หน้าหลัก", "บันทึกข้อตกลง", "คณะกรรมการ", "การประชุม"} <= set(menu)
    assert {label: lines for label, lines in menu.items() if lines != 1} == {}
    assert len(heads) >= 4
    assert {label: lines for label, lines in heads.items() if lines != 1} == {}
    assert brand and set(brand.values()) == {1}
