"""The import page while a file is checked or imported, in the real browser: the buttons are
disabled and an (indeterminate) progress bar says what is happening, until the answer comes;
the checked file is then imported without being chosen again."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import Page, expect

from registry.auth.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def _csv(name: str) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(["name_th", "kind"])
    writer.writerow([name, "สมาคม"])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def _sign_in_as_staff(page: Page) -> None:
    page.goto("/sign-in")
    form = page.locator("main form[method=post]")
    form.locator("input[name=email]").fill("staff@dgti.example")
    form.locator("input[name=password]").fill(DEMO_PASSWORD)
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("user-menu")).to_be_visible()


def test_while_importing_the_buttons_are_disabled_and_progress_shows(page: Page):
    _sign_in_as_staff(page)
    page.goto("/organisations/import")
    page.locator("input[name=file]").set_input_files(
        {"name": "one.csv", "mimeType": "text/csv", "buffer": _csv("สมาคมรอความคืบหน้า")}
    )
    # What the page shows once sent, read at that moment (after the page's own handler) and
    # kept in the tab's storage, since the page is replaced when the answer comes.
    page.evaluate(RECORD_STATE)
    page.locator("input[name=submit], button[name=submit]").click()
    expect(page).to_have_url(re.compile(r"/organisations/\?sort=changed$"))
    state = page.evaluate("JSON.parse(sessionStorage.getItem('import-state'))")
    assert state["shown"] and state["bar"] and state["busy"] == "true"
    assert "กำลังนำเข้า… อย่าปิดหน้านี้" in state["text"]
    assert state["disabled"] and all(state["disabled"])
    assert state["pressed"] == ["submit"]  # the pressed button is still sent
    assert state["second_refused"]  # sending again while busy sends nothing
    expect(page.locator("main")).to_contain_text("สมาคมรอความคืบหน้า")


RECORD_STATE = """() => {
  let done = false;
  document.addEventListener('submit', (event) => {
    if (done) { return; }
    done = true;
    const form = event.target;
    const region = form.querySelector('[data-testid=import-progress]');
    const again = new Event('submit', {cancelable: true, bubbles: true});
    form.dispatchEvent(again);
    sessionStorage.setItem('import-state', JSON.stringify({
      shown: !region.hidden && region.getBoundingClientRect().height > 0,
      text: region.textContent.trim(),
      bar: !!region.querySelector('[role=progressbar]'),
      disabled: [...form.querySelectorAll('[type=submit]')].map(b => b.disabled),
      busy: form.getAttribute('aria-busy'),
      pressed: [...form.querySelectorAll('[data-busy-pressed]')].map(e => e.name),
      second_refused: again.defaultPrevented,
    }));
  });
}"""


def test_check_only_then_import_without_choosing_the_file_again(page: Page):
    _sign_in_as_staff(page)
    page.goto("/organisations/import")
    page.locator("input[name=file]").set_input_files(
        {"name": "two.csv", "mimeType": "text/csv", "buffer": _csv("สมาคมตรวจแล้วนำเข้า")}
    )
    page.locator("input[name=check], button[name=check]").click()
    expect(page.get_by_test_id("import-checked")).to_be_visible()
    expect(page.get_by_test_id("kept-file")).to_contain_text("two.csv")
    page.locator("input[name=submit], button[name=submit]").click()
    expect(page).to_have_url(re.compile(r"/organisations/\?sort=changed$"))
    expect(page.locator("main")).to_contain_text("สมาคมตรวจแล้วนำเข้า")
