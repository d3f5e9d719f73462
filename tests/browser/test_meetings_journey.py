"""The committee secretary runs a meeting in the browser: schedules it, adds an item to the
agenda, downloads the agenda, records who came, marks it held, records the resolution and
downloads the draft minutes; a representative of a member association sees the meeting but
not the draft."""

from __future__ import annotations

import subprocess
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from registry.auth.demo import DEMO_PASSWORD
from registry.committees.demo import JOINT_NAME, SECRETARY_EMAIL
from registry.committees.models import Committee
from registry.db import db
from registry.i18n import BANGKOK
from registry.meetings.models import Meeting
from tests.documents.conftest import comparable

from .test_journeys import sign_in

pytestmark = pytest.mark.browser

#: The first PDF the live server renders loads WeasyPrint and the fonts: allow for it.
DOWNLOAD_TIMEOUT_MS = 60_000


def _download(page: Page, link) -> Path:
    with page.expect_download(timeout=DOWNLOAD_TIMEOUT_MS) as download_info:
        link.click(timeout=DOWNLOAD_TIMEOUT_MS)
    download = download_info.value
    assert download.failure() is None
    return Path(download.path())


def _text(path: Path) -> str:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, timeout=60
    )
    return result.stdout.decode("utf-8")


def _joint_committee(live_server) -> int:
    with live_server.app.app_context():
        committee_id = db.session.scalar(
            sa.select(Committee.id).where(Committee.name_th == JOINT_NAME)
        )
        db.session.remove()
    return committee_id


def test_the_secretary_runs_a_meeting_and_prints_its_minutes(page: Page, live_server, console_log):
    th = live_server.th
    committee_id = _joint_committee(live_server)
    today = datetime.now(BANGKOK).date()
    sign_in(page, SECRETARY_EMAIL, DEMO_PASSWORD)

    # Schedule: a bad time first (ends before it starts), then a good one.
    page.goto(f"/meetings/committee/{committee_id}/new")
    page.locator("input[name=held_on]").fill(today.isoformat())
    page.locator("input[name=starts_at]").fill("13:30")
    page.locator("input[name=ends_at]").fill("12:00")
    page.locator("input[name=venue]").fill("ห้องประชุมศูนย์ DGTi ชั้น 17")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".is-invalid").first).to_be_visible()
    page.locator("input[name=ends_at]").fill("16:00")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    meeting_id = int(page.url.rstrip("/").rsplit("/", 1)[-1])
    with live_server.app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        number = meeting.number_label
        db.session.remove()
    expect(page.locator("h1")).to_contain_text(number)

    # An item for consideration.
    page.goto(f"/meetings/{meeting_id}/agenda/new")
    page.locator("select[name=section]").select_option("4")
    page.locator("input[name=title]").fill("ข้อเสนอโครงการระบบนัดหมายออนไลน์")
    page.locator("textarea[name=body]").fill("สมาคมเสนอให้ที่ประชุมพิจารณา")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("ข้อเสนอโครงการระบบนัดหมายออนไลน์")

    agenda = _text(_download(page, page.locator("a[href*='/agenda.pdf'][href$='variant=th']")))
    agenda = comparable(agenda)
    for words in ("ระเบียบวาระการประชุม", f"ครั้งที่ {number}", "ข้อเสนอโครงการระบบนัดหมายออนไลน์"):
        assert comparable(words) in agenda, words

    # Everyone present; held at 13.35-15.50.
    page.goto(f"/meetings/{meeting_id}/attendance")
    for select in page.locator("select[name$='-kind']").all():
        select.select_option("present")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("main")).to_contain_text(th("Quorum reached"))

    page.goto(f"/meetings/{meeting_id}/held")
    page.locator("input[name=opened_at]").fill("13:35")
    page.locator("input[name=closed_at]").fill("15:50")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()

    # The resolution on the item.
    page.locator("a[href*='/resolution']").last.click()
    expect(page.locator("textarea[name=resolution]")).to_be_visible()
    page.locator("textarea[name=resolution]").fill("ที่ประชุมเห็นชอบในหลักการ")
    page.locator("select[name=outcome]").select_option("approved")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("ที่ประชุมเห็นชอบในหลักการ")

    minutes = _text(_download(page, page.locator("a[href*='/minutes.pdf'][href$='variant=th']")))
    minutes = comparable(minutes)
    # (The exact headings, in order, are checked in tests/meetings/test_documents.py; here
    # what the secretary typed. pdftotext may move a tone mark of เริ่ม to the next line.)
    for words in ("รายงานการประชุม", "ประชุมเวลา 13.35 น.", "เลิกประชุมเวลา 15.50 น.",
                  "ข้อเสนอโครงการระบบนัดหมายออนไลน์", "ที่ประชุมเห็นชอบในหลักการ"):  # fmt: skip
        assert comparable(words) in minutes, words
    assert console_log.script_errors() == []
    assert console_log.csp_violations() == []

    # A representative of a member association: the meeting yes, the draft minutes no.
    page.context.clear_cookies()
    sign_in(page, "rep.aiat@dgti.example", DEMO_PASSWORD)
    page.goto(f"/meetings/ours/{meeting_id}")
    expect(page.locator("h1")).to_contain_text(number)
    expect(page.locator("main")).not_to_contain_text("ที่ประชุมเห็นชอบในหลักการ")
    response = page.request.get(f"/meetings/ours/{meeting_id}/minutes.pdf")
    assert response.status == 404
    response = page.request.get(f"/meetings/{meeting_id}")
    assert response.status == 404
