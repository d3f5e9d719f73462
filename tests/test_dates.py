"""Dates and times typed as offices write them: dd/mm/yyyy in the Buddhist Era on Thai pages
(Thai digits, two-digit years and ISO dates too), the Common Era on English pages, 24-hour
times as 13.30 or 13:30. The stored value is a plain date or time; what cannot be read is
answered at its field in the reader's language (422) and nothing is saved. File names of
exports are dated in the reader's era."""

# The fixtures imported from other folders are used by name as arguments.
# ruff: noqa: F811

from __future__ import annotations

import importlib
import pkgutil
import re
from datetime import date, datetime, time
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from wtforms import DateField, DateTimeField, DateTimeLocalField, TimeField

import registry
from registry.agreements.models import Agreement, AgreementStatus
from registry.audit.models import AuditEvent
from registry.auth.models import Role
from registry.config import PROJECT_ROOT
from registry.dates import (
    DateInputError,
    file_date,
    format_date_input,
    format_time_input,
    parse_date,
    parse_time,
)
from registry.db import db
from registry.i18n import BANGKOK
from registry.meetings.models import Meeting
from registry.organisations.models import OrganisationKind

# The meeting and committee helpers serve these tests too.
from tests.committees.conftest import appoint, make_committee  # noqa: F401
from tests.meetings.conftest import board, count  # noqa: F401

CHRISTMAS = date(2026, 12, 28)


@pytest.fixture
def thai(app):
    """A Thai request (the default language)."""
    with app.test_request_context():
        yield


@pytest.fixture
def english(app):
    """An English request."""
    with app.test_request_context(), force_locale("en"):
        yield


# --- reading what is typed --------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["28/12/2569", "28/12/69", "๒๘/๑๒/๒๕๖๙", "28.12.2569", "28-12-2569", " 28 / 12 / 2569 ",
     "2026-12-28"],
)  # fmt: skip
def test_a_thai_page_reads_buddhist_era_dates_and_iso_ones(thai, typed):
    assert parse_date(typed) == CHRISTMAS


def test_the_29th_of_february_is_read_in_a_leap_year(thai):
    assert parse_date("29/02/2567") == date(2024, 2, 29)
    assert parse_date("1/2/2569") == date(2026, 2, 1)


def test_nothing_typed_is_no_date(thai):
    assert parse_date("   ") is None
    assert parse_time("") is None


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31/04/2569", "เดือนเมษายน 2569 มี 30 วัน"),
        ("29/02/2569", "เดือนกุมภาพันธ์ 2569 มี 28 วัน"),
        ("00/01/2569", "กรุณากรอกวันที่ตั้งแต่ 1 ถึง 31"),
        ("32/01/2569", "กรุณากรอกวันที่ตั้งแต่ 1 ถึง 31"),
        ("28/13/2569", "กรุณากรอกเดือนตั้งแต่ 1 ถึง 12"),
        ("28/12/2026", "ปี 2026 น่าจะเป็นปี ค.ศ. กรุณากรอกปี พ.ศ. เช่น 2569"),
        ("28/12/3000", "กรุณากรอกปี พ.ศ. ตั้งแต่ 2493 ถึง 2743"),
        ("28/12/1000", "กรุณากรอกปี พ.ศ. ตั้งแต่ 2493 ถึง 2743"),
        ("2569-12-28", "ใช้ปี ค.ศ. กรุณากรอก 28/12/2569"),
        ("2563-13-45", "กรุณากรอกเดือนตั้งแต่ 1 ถึง 12"),
        ("0000-01-01", "กรุณากรอกปี พ.ศ. ตั้งแต่ 2493 ถึง 2743"),
        ("9999-02-28", "กรุณากรอกปี พ.ศ. ตั้งแต่ 2493 ถึง 2743"),
        ("พรุ่งนี้", "วัน/เดือน/ปี เช่น 28/12/2569"),
        ("28122569", "วัน/เดือน/ปี"),
        ("28/12", "วัน/เดือน/ปี"),
    ],
)
def test_a_date_that_cannot_be_is_refused_with_what_is_wrong_in_thai(thai, typed, message):
    with pytest.raises(DateInputError) as refused:
        parse_date(typed)
    assert message in str(refused.value)


def test_an_english_page_reads_common_era_dates(english):
    assert parse_date("28/12/2026") == CHRISTMAS
    assert parse_date("28/12/26") == CHRISTMAS
    assert parse_date("2026-12-28") == CHRISTMAS
    with pytest.raises(DateInputError, match="2569 looks like a Buddhist-Era year.*2026"):
        parse_date("28/12/2569")
    with pytest.raises(DateInputError, match="February 2026 has 28 days"):
        parse_date("29/02/2026")


@pytest.mark.parametrize(
    ("typed", "read"),
    [("13.30", time(13, 30)), ("13:30", time(13, 30)), ("๑๓.๓๐", time(13, 30)),
     ("9.05", time(9, 5)), ("13.30 น.", time(13, 30)), ("00.00", time(0, 0)),
     ("23:59:30", time(23, 59, 30))],
)  # fmt: skip
def test_times_are_read_the_thai_way_and_with_a_colon(thai, typed, read):
    assert parse_time(typed) == read


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("25.00", "กรุณากรอกชั่วโมงตั้งแต่ 00 ถึง 23"),
        ("24.00", "กรุณากรอกชั่วโมงตั้งแต่ 00 ถึง 23"),
        ("13.60", "กรุณากรอกนาทีตั้งแต่ 00 ถึง 59"),
        ("บ่ายโมง", "ชั่วโมง.นาที เช่น 13.30"),
        ("1330", "ชั่วโมง.นาที"),
    ],
)
def test_a_time_that_cannot_be_is_refused_with_what_is_wrong(thai, typed, message):
    with pytest.raises(DateInputError) as refused:
        parse_time(typed)
    assert message in str(refused.value)


def test_inputs_show_values_in_the_page_era_and_files_are_dated_in_it(app):
    with app.test_request_context():
        assert format_date_input(CHRISTMAS) == "28/12/2569"
        assert format_time_input(time(9, 5)) == "09.05"
        assert file_date(CHRISTMAS) == "2569-12-28"
        with force_locale("en"):
            assert format_date_input(CHRISTMAS) == "28/12/2026"
            assert format_time_input(time(9, 5)) == "09:05"
            assert file_date(CHRISTMAS) == "2026-12-28"


# --- every form ------------------------------------------------------------------------------


def _form_modules():
    for info in pkgutil.walk_packages(registry.__path__, "registry."):
        if info.name.endswith(".forms") or info.name == "registry.forms":
            yield importlib.import_module(info.name)


def test_no_form_uses_the_browser_date_or_time_picker():
    native = (DateField, TimeField, DateTimeField, DateTimeLocalField)
    found = []
    for module in _form_modules():
        for name, value in vars(module).items():
            unbound = getattr(value, "field_class", None)
            if isinstance(unbound, type) and issubclass(unbound, native):
                found.append(f"{module.__name__}.{name}")
            for field_name, field in vars(value).items() if isinstance(value, type) else ():
                kind = getattr(field, "field_class", None)
                if isinstance(kind, type) and issubclass(kind, native):
                    found.append(f"{module.__name__}.{value.__name__}.{field_name}")
    assert found == []
    templates = Path(PROJECT_ROOT, "templates").rglob("*.html")
    pickers = re.compile(r'type="(date|time|datetime-local|month|week)"')
    assert [str(path) for path in templates if pickers.search(path.read_text())] == []


# --- the meeting form, in Thai ------------------------------------------------------------------

MEETING = {"ends_at": "16.00", "venue": "ห้องประชุม 1", "online_link": ""}


def _meeting_audit(app, meeting_id: int) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(AuditEvent.action).where(
                    AuditEvent.record_type == "meetings", AuditEvent.record_id == meeting_id
                )
            )
        )


def test_a_meeting_typed_in_the_buddhist_era_is_stored_and_shown_in_it(
    app, client, sign_in, board, count
):
    sign_in(Role.STAFF)
    committee = board().committee
    url = f"/meetings/committee/{committee}/new"
    html = client.get(url).get_data(as_text=True)
    held_on = re.search(r"<input[^>]*name=\"held_on\"[^>]*>", html).group(0)
    assert 'type="text"' in held_on and 'inputmode="numeric"' in held_on
    assert 'autocomplete="off"' in held_on and 'aria-describedby="held_on-hint"' in held_on
    assert 'id="held_on-hint">วว/ดด/ปปปป (พ.ศ.) เช่น 28/12/2569<' in html
    assert 'id="starts_at-hint">ชช.นน (24 ชั่วโมง) เช่น 13.30<' in html

    data = MEETING | {"held_on": "๒๘/๑๒/๒๕๖๙", "starts_at": "13.30"}
    with client.post(url, data=data) as response:
        assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
        page = response.headers["Location"]
    with app.app_context():
        meeting = db.session.scalars(sa.select(Meeting)).one()
        assert (meeting.held_on, meeting.starts_at) == (CHRISTMAS, time(13, 30))
        meeting_id = meeting.id
    assert _meeting_audit(app, meeting_id)  # the write left its audit event
    assert "28 ธันวาคม 2569" in client.get(page).get_data(as_text=True)
    edit = client.get(f"/meetings/{meeting_id}/edit").get_data(as_text=True)
    assert 'value="28/12/2569"' in edit and 'value="13.30"' in edit


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("held_on", "31/04/2569", "เดือนเมษายน 2569 มี 30 วัน"),
        ("held_on", "00/01/2569", "วันที่ตั้งแต่ 1 ถึง 31"),
        ("held_on", "29/02/2569", "เดือนกุมภาพันธ์ 2569 มี 28 วัน"),
        ("held_on", "28/12/2026", "น่าจะเป็นปี ค.ศ."),
        ("held_on", "28/12/2800", "ปี พ.ศ. ตั้งแต่ 2493 ถึง 2743"),
        ("held_on", "สัปดาห์หน้า", "วัน/เดือน/ปี"),
        ("starts_at", "25.00", "ชั่วโมงตั้งแต่ 00 ถึง 23"),
        ("starts_at", "13.60", "นาทีตั้งแต่ 00 ถึง 59"),
        ("starts_at", "xx", "ชั่วโมง.นาที"),
        ("ends_at", "24.30", "ชั่วโมงตั้งแต่ 00 ถึง 23"),
    ],
)
def test_a_meeting_date_or_time_that_cannot_be_is_refused_at_its_field_in_thai(
    app, client, sign_in, board, count, field, typed, message
):
    sign_in(Role.STAFF)
    committee = board().committee
    data = MEETING | {"held_on": "28/12/2569", "starts_at": "13.30"} | {field: typed}
    with client.post(f"/meetings/committee/{committee}/new", data=data) as response:
        html = response.get_data(as_text=True)
    assert response.status_code == 422
    error = html.split(f'id="{field}-error">', 1)[1].split("</div>", 1)[0]
    assert message in error
    assert f'value="{typed}"' in html  # what was typed is shown again, to be corrected
    tag = re.search(rf"<input[^>]*name=\"{field}\"[^>]*>", html).group(0)
    assert f'aria-describedby="{field}-hint {field}-error"' in tag
    assert "กรุณากรอกข้อมูลในช่องนี้" not in error  # not "required" for what was typed
    assert count(Meeting) == 0


def test_an_english_page_takes_the_common_era_and_refuses_a_buddhist_year(
    app, client, sign_in, board, count
):
    sign_in(Role.STAFF)
    client.post("/language", data={"locale": "en"}).close()
    committee = board().committee
    url = f"/meetings/committee/{committee}/new"
    assert 'id="held_on-hint">dd/mm/yyyy, for example 28/12/2026<' in client.get(url).get_data(
        as_text=True
    )
    data = MEETING | {"held_on": "28/12/2569", "starts_at": "13:30", "ends_at": "16:00"}
    with client.post(url, data=data) as response:
        assert response.status_code == 422
        assert "2569 looks like a Buddhist-Era year" in response.get_data(as_text=True)
    assert count(Meeting) == 0
    with client.post(url, data=data | {"held_on": "28/12/2026"}) as response:
        assert response.status_code == 302
    with app.app_context():
        assert db.session.scalars(sa.select(Meeting.held_on)).one() == CHRISTMAS


# --- the agreement's dates, in Thai -----------------------------------------------------------


@pytest.fixture
def approved_agreement(app, make_organisation, make_user):
    """An approved agreement between DGA's side and a partner, ready to be signed: its id."""
    from registry.agreements import services
    from registry.auth.models import User
    from tests.agreements.conftest import content_for

    ids = [make_organisation(kind=OrganisationKind.OWN_AGENCY), make_organisation()]
    staff = make_user("staff")
    with app.app_context():
        user = db.session.get(User, staff)
        agreement = services.create_agreement(content_for(ids), actor=user)
        services.submit_for_review(agreement, user)
        services.approve(agreement, user)
        return agreement.id


def _agreement(app, agreement_id: int) -> Agreement:
    with app.app_context():
        agreement = db.session.get(Agreement, agreement_id)
        db.session.expunge(agreement)
        return agreement


def test_a_signing_date_typed_in_the_buddhist_era_is_recorded(
    app, client, sign_in, approved_agreement
):
    sign_in(Role.STAFF)
    url = f"/agreements/{approved_agreement}/sign"
    for typed, message in [("29/02/2568", "เดือนกุมภาพันธ์ 2568 มี 28 วัน"),
                           ("01/06/2025", "น่าจะเป็นปี ค.ศ.")]:  # fmt: skip
        with client.post(url, data={"signed_on": typed, "signing_place": "กรุงเทพฯ"}) as response:
            assert response.status_code == 422
            assert message in response.get_data(as_text=True)
        assert _agreement(app, approved_agreement).status is AgreementStatus.APPROVED
    with client.post(url, data={"signed_on": "01/06/2568", "signing_place": "กรุงเทพฯ"}) as r:
        assert r.status_code == 302
    agreement = _agreement(app, approved_agreement)
    assert (agreement.status, agreement.signed_on) == (AgreementStatus.SIGNED, date(2025, 6, 1))


# --- filters ------------------------------------------------------------------------------------


def test_the_audit_log_filters_by_buddhist_era_dates_and_refuses_impossible_ones(client, sign_in):
    sign_in(Role.ADMIN)
    with client.get("/admin/audit/?date_from=31/04/2569") as response:
        assert response.status_code == 422
        assert "เดือนเมษายน 2569 มี 30 วัน" in response.get_data(as_text=True)
    with client.get("/admin/audit/?date_from=01/04/2569&date_to=๓๐/๐๔/๒๕๖๙") as response:
        assert response.status_code == 200
        assert 'value="01/04/2569"' in response.get_data(as_text=True)


def test_the_agreements_list_reads_its_end_date_filter_in_the_buddhist_era(client, sign_in):
    sign_in(Role.STAFF)
    with client.get("/agreements/?expiring_before=31/12/2569") as response:
        html = response.get_data(as_text=True)
    assert 'value="31/12/2569"' in html
    assert 'id="expiring_before-hint">วว/ดด/ปปปป (พ.ศ.)' in html
    assert "expiring_before=2026-12-31" in html  # the export links carry the ISO date
    with client.get("/agreements/?expiring_before=29/02/2569") as response:
        html = response.get_data(as_text=True)
    # A list drops a filter it cannot read (as for its other filters) and says why.
    assert response.status_code == 200
    assert 'id="expiring_before-error">เดือนกุมภาพันธ์ 2569 มี 28 วัน' in html
    assert 'value="29/02/2569"' in html


# --- file names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "stem"),
    [("/organisations/export.csv", "organisations"),
     ("/proposals/export.csv", "proposals"),
     ("/agreements/export?format=csv", "agreements")],
)  # fmt: skip
def test_exports_are_dated_in_the_era_of_the_page(app, client, sign_in, url, stem):
    sign_in(Role.STAFF)
    today = datetime.now(BANGKOK).date()
    with client.get(url) as response:
        thai_name = response.headers["Content-Disposition"]
    client.post("/language", data={"locale": "en"}).close()
    with client.get(url) as response:
        english_name = response.headers["Content-Disposition"]
    assert f'filename="{stem}-{today.year + 543}-{today:%m-%d}.csv"' in thai_name
    assert f'filename="{stem}-{today:%Y-%m-%d}.csv"' in english_name
