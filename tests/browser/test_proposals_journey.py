"""An association submits a draft project in the browser, another association endorses it
(once: a second try is turned away), and staff find it in the list by a word inside its
Thai title and see the endorsement."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from registry.auth.demo import DEMO_PASSWORD
from registry.db import db
from registry.proposals.models import Proposal

from .test_journeys import STAFF_EMAIL, sign_in

pytestmark = pytest.mark.browser


def _switch_user(page: Page, email: str) -> None:
    page.context.clear_cookies()
    sign_in(page, email, DEMO_PASSWORD)


def test_a_draft_project_is_submitted_endorsed_and_found(page: Page, live_server, console_log):
    th = live_server.th
    marker = uuid.uuid4().hex[:6].upper()
    title = f"โครงการระบบแจ้งเหตุน้ำท่วมอัจฉริยะ {marker}"

    # The Thai AI Association submits a draft project; a missing summary is refused first.
    _switch_user(page, "rep.aiat@dgti.example")
    page.goto("/proposals/new")
    page.locator("select[name=kind]").select_option("draft_project")
    page.locator("input[name=title]").fill(title)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#summary-error")).to_be_visible()
    page.locator("textarea[name=summary]").fill("ใช้เซนเซอร์และปัญญาประดิษฐ์แจ้งเตือนน้ำท่วมล่วงหน้า")
    page.locator("select[name=category_id]").select_option(index=1)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text(th("The proposal has been submitted."))
    expect(page.locator("h1")).to_contain_text(title)
    with live_server.app.app_context():
        proposal_id = db.session.scalar(sa.select(Proposal.id).where(Proposal.title == title))
        db.session.remove()

    # The Thai IoT Association endorses it, once.
    _switch_user(page, "rep.tiot@dgti.example")
    page.goto(f"/proposals/{proposal_id}/endorse")
    page.locator("textarea[name=statement]").fill("สมาคมไทยไอโอทีสนับสนุนโครงการนี้")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text(
        th("Your association's endorsement has been recorded.")
    )
    expect(page.locator("main")).to_contain_text("สมาคมไทยไอโอทีสนับสนุนโครงการนี้")
    page.goto(f"/proposals/{proposal_id}/endorse")
    expect(page.locator(".alert-info")).to_contain_text(
        th("Your association has already endorsed this proposal.")
    )

    # Staff find it by a word inside the Thai title and see one endorsement.
    _switch_user(page, STAFF_EMAIL)
    page.goto("/proposals/")
    page.locator("main input[name=q]").fill("น้ำท่วมอัจฉริยะ " + marker)
    page.locator("main input[name=q]").press("Enter")
    row = page.locator("main table tbody tr").filter(has_text=marker)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("1")
    row.get_by_role("link", name=title).click()
    expect(page.locator("main")).to_contain_text("สมาคมไทยไอโอที")
    assert console_log.script_errors() == []
    assert console_log.csp_violations() == []
