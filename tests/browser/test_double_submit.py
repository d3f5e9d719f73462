"""In a real browser, against the served app (CSRF on, the real session cookie): a create
form sent twice at the same moment, and a double click on its button, add one record and
both answers lead to it."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from registry.auth.demo import DEMO_PASSWORD
from registry.db import db
from registry.organisations.models import Contact, Organisation

from .test_journeys import STAFF_EMAIL, sign_in

pytestmark = pytest.mark.browser

#: Sends the page's create form twice at once, as two tabs or a double click would, and
#: answers where each submission ended (after its redirect) and with which status.
SEND_TWICE = """async () => {
  const form = document.querySelector("main form[method=post]");
  const data = new FormData(form);
  const send = () => fetch(form.action, {method: "POST", body: data, credentials: "same-origin"});
  const answers = await Promise.all([send(), send()]);
  return answers.map((answer) => [answer.status, new URL(answer.url).pathname]);
}"""


def _organisation_id(live_server, name_th: str) -> int:
    with live_server.app.app_context():
        found = db.session.scalar(sa.select(Organisation.id).where(Organisation.name_th == name_th))
        db.session.remove()
        return found


def _contacts_named(live_server, first_name: str) -> list[int]:
    with live_server.app.app_context():
        found = list(
            db.session.scalars(sa.select(Contact.id).where(Contact.first_name == first_name))
        )
        db.session.remove()
        return found


def _fill_contact(page: Page, first_name: str) -> None:
    page.locator("input[name=first_name]").fill(first_name)
    page.locator("input[name=last_name]").fill("ส่งซ้ำ")
    page.locator("select[name=pdpa_basis]").select_option("legitimate_interest")


def test_a_form_sent_twice_at_the_same_moment_adds_one_contact(page: Page, live_server):
    organisation = _organisation_id(live_server, "สมาคมไทยไอโอที")
    sign_in(page, STAFF_EMAIL, DEMO_PASSWORD)
    page.goto(f"/organisations/{organisation}/contacts/new")
    _fill_contact(page, "พร้อมกัน")
    answers = page.evaluate(SEND_TWICE)
    [contact] = _contacts_named(live_server, "พร้อมกัน")
    assert answers == [[200, f"/organisations/contacts/{contact}"]] * 2


def test_a_double_click_on_save_adds_one_contact(page: Page, live_server):
    organisation = _organisation_id(live_server, "สมาคมไทยไอโอที")
    sign_in(page, STAFF_EMAIL, DEMO_PASSWORD)
    page.goto(f"/organisations/{organisation}/contacts/new")
    _fill_contact(page, "ดับเบิลคลิก")
    page.locator("main form button[type=submit]").dblclick()
    expect(page).to_have_url(re.compile(r"/organisations/contacts/\d+$"))
    expect(page.locator("h1")).to_contain_text("ดับเบิลคลิก ส่งซ้ำ")
    [contact] = _contacts_named(live_server, "ดับเบิลคลิก")
    assert page.url.endswith(f"/organisations/contacts/{contact}")
