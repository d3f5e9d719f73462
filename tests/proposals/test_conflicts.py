"""No silent overwrite of a proposal or a category: a proposal's content (staff's form and its
association's), its status, its withdrawal and a category saved from a form opened before
someone else's save are refused (409) with who changed what, keep what was typed, and write
nothing."""

from __future__ import annotations

import pytest

from registry.auth.models import User
from registry.db import db
from registry.proposals import services
from registry.proposals.models import Category, Proposal, ProposalStatus
from tests.conftest import BAD_VERSIONS, assert_refused_as_outdated, form_fields, with_version

S = ProposalStatus


@pytest.fixture
def association(make_organisation):
    return make_organisation("สมาคมข้อเสนอแก้พร้อมกัน", acronym="CNF")


@pytest.fixture
def first_editor(make_user):
    """The colleague who saves first."""
    return make_user("staff", full_name="Khun First Editor")


def _update(app, proposal_id: int, actor_id: int, details, **changes) -> None:
    """Someone else saves the proposal's content from a current form."""
    with app.app_context():
        proposal = db.session.get(Proposal, proposal_id)
        values = details(**changes)
        services.update_proposal(
            proposal,
            actor=db.session.get(User, actor_id),
            lock_version=proposal.lock_version,
            **values,
        )


# --- the content ---------------------------------------------------------------------------------


def test_content_saved_from_an_outdated_form_is_refused_with_who_changed_what(
    app, client, sign_in, submit, association, details, first_editor, read, events
):
    proposal = submit(association)
    sign_in("staff")
    url = f"/proposals/{proposal}/edit"
    opened = form_fields(client, url)
    _update(app, proposal, first_editor, details, title="ระบบเตือนภัยน้ำท่วม รุ่นที่สอง")
    before = events("proposals", proposal)

    response = client.post(url, data=opened | {"approach": "ดาวเทียมและโดรน"})

    again = assert_refused_as_outdated(
        response,
        who="Khun First Editor",
        shows={"Title": "ระบบเตือนภัยน้ำท่วม รุ่นที่สอง"},
        kept={"approach": "ดาวเทียมและโดรน", "title": details()["title"]},
    )
    saved = read(proposal)
    assert saved.title == "ระบบเตือนภัยน้ำท่วม รุ่นที่สอง"
    assert events("proposals", proposal) == before
    assert client.post(url, data=again).status_code == 302
    assert read(proposal).title == details()["title"]


def test_the_association_editing_after_screening_began_sees_who_moved_it(
    app, client, sign_in, submit, association, staff, call, read
):
    rep = sign_in("representative", organisation_id=association)
    proposal = submit(association, by=rep)
    url = f"/proposals/{proposal}/edit"
    opened = form_fields(client, url)
    call(services.change_status, proposal, staff, to="screening", reason="เริ่มคัดกรอง")

    response = client.post(url, data=opened | {"title": "ชื่อใหม่ของสมาคม"})

    assert_refused_as_outdated(
        response,
        who=None,
        shows={"Status": "In screening", "Reason": "เริ่มคัดกรอง"},
        kept={"title": "ชื่อใหม่ของสมาคม"},
    )
    assert read(proposal).title != "ชื่อใหม่ของสมาคม"


@pytest.mark.parametrize("version", BAD_VERSIONS)
def test_content_without_a_good_version_saves_nothing(
    client, sign_in, submit, association, read, events, version
):
    proposal = submit(association)
    sign_in("staff")
    url = f"/proposals/{proposal}/edit"
    before = events("proposals", proposal)
    data = with_version(form_fields(client, url), version) | {"title": "ไม่ควรบันทึก"}
    assert client.post(url, data=data).status_code == 409
    assert read(proposal).title != "ไม่ควรบันทึก"
    assert events("proposals", proposal) == before


# --- the status and the withdrawal --------------------------------------------------------------


def test_a_step_from_an_outdated_status_form_is_refused(
    app, client, sign_in, submit, association, details, first_editor, read, events
):
    proposal = submit(association, status=S.SCREENING)
    sign_in("staff")
    url = f"/proposals/{proposal}/status"
    opened = form_fields(client, url)
    _update(app, proposal, first_editor, details, summary="สรุปที่แก้ไขแล้ว")
    before = events("proposals", proposal)

    response = client.post(url, data=opened | {"status": "rejected", "reason": "นอกขอบเขต"})

    again = assert_refused_as_outdated(
        response,
        who="Khun First Editor",
        shows={"Summary": "สรุปที่แก้ไขแล้ว"},
        kept={"status": "rejected", "reason": "นอกขอบเขต"},
    )
    assert read(proposal).status is S.SCREENING
    assert events("proposals", proposal) == before
    assert client.post(url, data=again).status_code == 302
    assert read(proposal).status is S.REJECTED


@pytest.mark.parametrize("version", BAD_VERSIONS)
def test_a_step_without_a_good_version_is_not_taken(
    client, sign_in, submit, association, read, version
):
    proposal = submit(association, status=S.SCREENING)
    sign_in("staff")
    url = f"/proposals/{proposal}/status"
    data = with_version(form_fields(client, url), version)
    data |= {"status": "rejected", "reason": "นอกขอบเขต"}
    assert client.post(url, data=data).status_code == 409
    assert read(proposal).status is S.SCREENING


def test_a_withdrawal_from_an_outdated_form_shows_the_step_taken_meanwhile(
    client, sign_in, submit, association, staff, call, read, events
):
    rep = sign_in("representative", organisation_id=association)
    proposal = submit(association, by=rep)
    url = f"/proposals/{proposal}/withdraw"
    opened = form_fields(client, url)
    call(services.change_status, proposal, staff, to="rejected", reason="ซ้ำกับข้อเสนอเดิม")
    before = events("proposals", proposal)

    response = client.post(url, data=opened | {"reason": "ไม่ต้องการแล้ว"})

    assert_refused_as_outdated(
        response,
        who=None,
        shows={"Status": "Rejected", "Reason": "ซ้ำกับข้อเสนอเดิม"},
        kept={"reason": "ไม่ต้องการแล้ว"},
    )
    assert read(proposal).status is S.REJECTED
    assert events("proposals", proposal) == before


@pytest.mark.parametrize("version", BAD_VERSIONS)
def test_a_withdrawal_without_a_good_version_is_not_made(
    client, sign_in, submit, association, read, version
):
    rep = sign_in("representative", organisation_id=association)
    proposal = submit(association, by=rep)
    url = f"/proposals/{proposal}/withdraw"
    data = with_version(form_fields(client, url), version) | {"reason": "ไม่ต้องการแล้ว"}
    assert client.post(url, data=data).status_code == 409
    assert read(proposal).status is S.SUBMITTED


# --- categories ----------------------------------------------------------------------------------


def _category(app) -> tuple[int, str]:
    with app.app_context():
        category = db.session.scalars(db.select(Category).order_by(Category.id)).first()
        return category.id, category.name_th


def test_a_category_saved_from_an_outdated_form_is_refused(
    app, client, sign_in, first_editor, fetch, events
):
    category_id, name_th = _category(app)
    sign_in("staff")
    url = f"/proposals/categories/{category_id}/edit"
    opened = form_fields(client, url)
    with app.app_context():
        category = db.session.get(Category, category_id)
        services.save_category(
            category,
            db.session.get(User, first_editor),
            name_th=category.name_th,
            name_en="Renamed first",
            active=True,
            lock_version=category.lock_version,
        )
    before = events("proposal_categories", category_id)

    response = client.post(url, data=opened | {"name_th": name_th + " (ใหม่)"})

    assert_refused_as_outdated(
        response,
        who="Khun First Editor",
        shows={"Name in English": "Renamed first"},
        kept={"name_th": name_th + " (ใหม่)"},
    )
    assert fetch(Category, category_id).name_th == name_th
    assert events("proposal_categories", category_id) == before


@pytest.mark.parametrize("version", BAD_VERSIONS)
def test_a_category_without_a_good_version_saves_nothing(
    app, client, sign_in, fetch, version
):
    category_id, name_th = _category(app)
    sign_in("staff")
    url = f"/proposals/categories/{category_id}/edit"
    data = with_version(form_fields(client, url), version) | {"name_th": "ชื่อปลอม"}
    assert client.post(url, data=data).status_code == 409
    assert fetch(Category, category_id).name_th == name_th
