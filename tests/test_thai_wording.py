"""Thai pages (the default language) say what is meant where one English word has two Thai
meanings: a document's title is ชื่อเรื่อง (a name prefix is คำนำหน้าชื่อ), a withdraw button
says what it withdraws, the agenda's sections are in Thai, a date is spaced from its words."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta

from registry.auth.models import User
from registry.db import db
from registry.i18n import BANGKOK
from registry.proposals import services as proposals
from registry.proposals.models import Proposal
from tests.agreements.conftest import make_agreement, staff_user, two_organisations  # noqa: F401
from tests.committees.conftest import appoint, make_committee  # noqa: F401
from tests.conftest import sign_in_client
from tests.meetings.conftest import board, call, hold, schedule  # noqa: F401
from tests.proposals.conftest import category, details, staff, submit  # noqa: F401

NAME_PREFIX = "คำนำหน้าชื่อ"
DOCUMENT_TITLE = "ชื่อเรื่อง"


def _get(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def _label(body: str, field: str) -> str:
    """The text of a form field's label."""
    match = re.search(rf'<label[^>]*for="{field}"[^>]*>(.*?)</label>', body, re.S)
    assert match, field
    return " ".join(match.group(1).split())


def _headers(body: str) -> list[str]:
    """The column heads of the page's first table."""
    head = body[body.index("<thead") : body.index("</thead>")]
    cells = re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)
    return [" ".join(re.sub("<[^>]+>", "", cell).split()) for cell in cells]


def test_the_agreements_list_heads_its_title_column_as_a_documents_title(
    client, sign_in, make_agreement  # noqa: F811
):
    make_agreement()
    sign_in("staff")
    headers = _headers(_get(client, "/agreements/"))
    assert DOCUMENT_TITLE in headers and NAME_PREFIX not in headers


def test_a_contacts_title_stays_a_name_prefix(client, sign_in, make_organisation):
    sign_in("staff")
    body = _get(client, f"/organisations/{make_organisation()}/contacts/new")
    assert _label(body, "title") == NAME_PREFIX


def test_the_agenda_item_form_says_title_and_lists_the_sections_in_thai(
    client, sign_in, board, schedule  # noqa: F811
):
    sign_in("staff")
    meeting = schedule(board().committee, held_on=date.today() + timedelta(days=20))
    body = _get(client, f"/meetings/{meeting}/agenda/new")
    assert _label(body, "title") == DOCUMENT_TITLE
    section = body[body.index('id="section"') : body.index("</select>", body.index('id="section"'))]
    options = [" ".join(o.split()) for o in re.findall(r"<option[^>]*>(.*?)</option>", section)]
    assert "2. เรื่องรับรองรายงานการประชุม" in options, options
    assert not any("Certification" in o or "consideration" in o for o in options), options


def test_the_representatives_new_proposal_form_says_title(client, sign_in):
    sign_in("representative")
    assert _label(_get(client, "/proposals/new"), "title") == DOCUMENT_TITLE


def test_the_proposals_csv_heads_its_columns_by_meaning(
    client, sign_in, make_organisation, submit  # noqa: F811
):
    submit(make_organisation())
    sign_in("staff")
    response = client.get("/proposals/export.csv")
    assert response.status_code == 200
    header = next(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert header[0] == "เลขที่" and DOCUMENT_TITLE in header and NAME_PREFIX not in header


def test_the_endorsement_withdraw_button_withdraws_the_endorsement(
    app, client, make_user, make_organisation, submit, get_user  # noqa: F811
):
    representative = make_user("representative")
    proposal = submit(make_organisation())
    with app.app_context():
        user = db.session.get(User, representative)
        endorsement = proposals.endorse(
            db.session.get(Proposal, proposal),
            user,
            organisation_id=user.organisation_id,
            statement="สมาคมสนับสนุนข้อเสนอนี้",
        ).id
    sign_in_client(client, get_user(representative).email)
    body = _get(client, f"/proposals/{proposal}/endorsements/{endorsement}/withdraw")
    buttons = [" ".join(b.split()) for b in re.findall(r"<button[^>]*>(.*?)</button>", body, re.S)]
    assert "ถอนการสนับสนุน" in buttons and "ยกเลิกคำเชิญ" not in body, buttons


def test_the_proposal_withdraw_button_withdraws_the_proposal(
    client, make_user, make_organisation, submit, get_user  # noqa: F811
):
    representative = make_user("representative")
    organisation = get_user(representative).organisation_id
    proposal = submit(organisation, by=representative)
    sign_in_client(client, get_user(representative).email)
    body = _get(client, f"/proposals/{proposal}/withdraw")
    assert ">ถอนข้อเสนอ</button>" in body and "ยกเลิกคำเชิญ" not in body


def test_the_secretarys_home_spaces_the_day_a_meeting_was_held(
    client, make_user, board, schedule, hold, get_user  # noqa: F811
):
    secretary = make_user("secretary")
    committee = board(secretary_user=secretary)
    day = datetime.now(BANGKOK).date() - timedelta(days=30)
    meeting = schedule(committee.committee, held_on=day)
    hold(meeting, committee.seats)
    sign_in_client(client, get_user(secretary).email)
    body = _get(client, "/")
    assert re.search(r"ประชุมเมื่อ \d+ \S+ \d{4}", body), "no spaced date"
    assert not re.search(r"เมื่อ\d", body)
