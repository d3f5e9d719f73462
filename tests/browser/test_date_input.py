"""The secretary types a meeting's date and times with the keyboard, the Thai way: the day,
month and Buddhist-Era year as digits (the "/" comes by itself), the time as 13.30; the page
reads the date back in words as soon as it is whole, the server stores it and shows it in
the Buddhist Era. A day that cannot be is marked on leaving the input and refused, in Thai,
when the form is sent."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from registry.auth.demo import DEMO_PASSWORD
from registry.committees.demo import JOINT_NAME, SECRETARY_EMAIL
from registry.committees.models import Committee
from registry.db import db
from registry.i18n import BANGKOK, THAI_MONTHS
from registry.meetings.models import Meeting

from .test_journeys import sign_in

pytestmark = pytest.mark.browser


def _joint_committee(live_server) -> int:
    with live_server.app.app_context():
        committee_id = db.session.scalar(
            sa.select(Committee.id).where(Committee.name_th == JOINT_NAME)
        )
        db.session.remove()
    return committee_id


def test_the_secretary_types_a_buddhist_era_date_and_a_thai_time(
    page: Page, live_server, console_log
):
    committee_id = _joint_committee(live_server)
    day = datetime.now(BANGKOK).date() + timedelta(days=47)
    be_year = day.year + 543
    sign_in(page, SECRETARY_EMAIL, DEMO_PASSWORD)
    page.goto(f"/meetings/committee/{committee_id}/new")

    held_on = page.locator("input[name=held_on]")
    expect(held_on).to_have_attribute("inputmode", "numeric")
    expect(page.locator("#held_on-hint")).to_contain_text("วว/ดด/ปปปป (พ.ศ.)")

    # An impossible day first: marked when the input is left, refused in Thai when sent.
    held_on.click()
    page.keyboard.type(f"3104{be_year}")
    expect(held_on).to_have_value(f"31/04/{be_year}")
    page.keyboard.press("Tab")
    expect(held_on).to_have_class(re.compile(r"\bdate-doubtful\b"))
    page.locator("input[name=starts_at]").click()
    page.keyboard.type("13.30")  # the "." typed after the one put in is not doubled
    expect(page.locator("input[name=starts_at]")).to_have_value("13.30")
    page.locator("input[name=ends_at]").click()
    page.keyboard.type("1600")
    expect(page.locator("input[name=ends_at]")).to_have_value("16.00")
    page.locator("input[name=venue]").fill("ห้องประชุมศูนย์ DGTi ชั้น 17")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#held_on-error")).to_contain_text(f"เดือนเมษายน {be_year} มี 30 วัน")
    expect(held_on).to_have_value(f"31/04/{be_year}")  # kept, to be corrected

    # The right day, typed with the keyboard: read back in words on leaving the input.
    held_on.fill("")
    held_on.click()
    page.keyboard.type(f"{day:%d%m}{be_year}")
    expect(held_on).to_have_value(f"{day:%d/%m}/{be_year}")
    expect(page.locator("#held_on-error")).to_be_hidden()  # it was about the other day
    # Read back in words as soon as it is whole (not on leaving: nothing moves under the
    # pointer on its way to the button).
    reading = page.locator("#held_on-hint .date-reading")
    expect(reading).to_contain_text(f"{day.day} {THAI_MONTHS[day.month - 1]}")
    expect(reading).to_contain_text(str(be_year))
    page.keyboard.press("Tab")
    expect(held_on).not_to_have_class(re.compile(r"\bdate-doubtful\b"))
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()

    meeting_id = int(page.url.rstrip("/").rsplit("/", 1)[-1])
    with live_server.app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        stored = (meeting.held_on, meeting.starts_at.strftime("%H:%M"))
        db.session.remove()
    assert stored == (day, "13:30")
    main = page.locator("main")
    expect(main).to_contain_text(f"{day.day} {THAI_MONTHS[day.month - 1]} {be_year}")
    expect(main).to_contain_text("13.30")
    assert console_log.script_errors() == []
    assert console_log.csp_violations() == []
