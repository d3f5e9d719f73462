"""Staff find an association and keep its contacts; a representative keeps their own only."""

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


def _contact_id(live_server, acronym: str) -> int:
    with live_server.app.app_context():
        contact_id = db.session.scalar(
            sa.select(Contact.id).join(Organisation).where(Organisation.acronym == acronym)
        )
        db.session.remove()
        return contact_id


def test_staff_find_an_association_and_add_a_contact(page: Page, live_server, console_log):
    th = live_server.th
    sign_in(page, STAFF_EMAIL, DEMO_PASSWORD)
    page.goto("/organisations/")
    # Search as you type: the results follow the letters without pressing Enter.
    page.locator("main input[name=q]").press_sequentially("ไอโอ", delay=50)
    results = page.locator("#organisation-results table tbody tr")
    expect(results).to_have_count(1)
    expect(page).to_have_url(re.compile(r"q=%E0%B9%84"))
    results.get_by_role("link", name="สมาคมไทยไอโอที").click()
    expect(page.locator("h1")).to_have_text("สมาคมไทยไอโอที")

    page.locator("a[href$='/contacts/new']").click()
    page.locator("input[name=title]").fill("นางสาว")
    page.locator("input[name=first_name]").fill("ทดลอง")
    page.locator("input[name=last_name]").fill("เชื่อมต่อ")
    page.locator("input[name=email]").fill("not-an-email")
    page.locator("select[name=pdpa_basis]").select_option("consent")
    page.locator("input[name=consent_date]").fill("2026-01-15")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#email-error")).to_contain_text(
        th("Enter a valid email address, for example name@example.go.th.")
    )
    page.locator("input[name=email]").fill("todlong@thaiiot.example")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text(th("The contact has been added."))
    expect(page.locator("h1")).to_have_text("นางสาวทดลอง เชื่อมต่อ")
    # The consent date reads in the Buddhist Era.
    expect(page.locator("main")).to_contain_text("2569")

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("form[action$='/deactivate'] button").click()
    expect(page.locator(".alert-success")).to_contain_text(
        th("The person is now a former contact.")
    )
    page.locator(".breadcrumb a").first.click()
    contacts = page.locator("section[aria-labelledby=contacts-heading]")
    expect(contacts).to_contain_text("นางสาวทดลอง เชื่อมต่อ")
    expect(contacts).to_contain_text(th("Former contact"))
    expect(page.locator("section[aria-labelledby=timeline-heading] li").first).to_contain_text(
        th("Contact %(action)s") % {"action": th("deactivated")}
    )
    assert console_log.script_errors() == []
    assert console_log.csp_violations() == []


def test_a_representative_keeps_their_own_contacts_only(page: Page, live_server):
    th = live_server.th
    other_contact = _contact_id(live_server, "TIoT")
    own_contact = _contact_id(live_server, "AIAT")
    sign_in(page, "rep.aiat@dgti.example", DEMO_PASSWORD)
    page.goto(f"/organisations/contacts/{own_contact}")
    expect(page.locator("h1")).to_have_text(re.compile("ประดิษฐ์ไทย"))
    page.locator(f"a[href$='/contacts/{own_contact}/edit']").click()
    page.locator("input[name=position]").fill("นายกสมาคม (วาระ 2569–2571)")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text(th("The contact has been saved."))
    expect(page.locator("main")).to_contain_text("วาระ 2569–2571")
    # The personal-data actions are for staff only.
    expect(page.locator("form[action$='/erase']")).to_have_count(0)

    response = page.goto(f"/organisations/contacts/{other_contact}")
    assert response is not None and response.status == 404
    expect(page.locator("main")).not_to_contain_text("เชื่อมโยง")
