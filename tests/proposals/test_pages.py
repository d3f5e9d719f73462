"""The proposal pages: submitting, the proposal as each reader sees it, endorsing through the
form (and tampering with it), the status form, files, the agenda and annex pages, categories."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa

from registry.auth.models import User
from registry.db import db
from registry.meetings.models import AgendaItem
from registry.organisations.models import OrganisationKind
from registry.proposals.models import (
    AgreementAnnex,
    Attachment,
    Category,
    Endorsement,
    Proposal,
    ProposalStatus,
)
from tests.conftest import read_version

from .conftest import PDF

S = ProposalStatus


@pytest.fixture
def association(make_organisation):
    return make_organisation("สมาคมปัญญาประดิษฐ์ทดสอบ", acronym="AIX")


@pytest.fixture
def agency(make_organisation):
    return make_organisation("กรมส่งเสริมการทดสอบ", kind=OrganisationKind.GOVERNMENT_AGENCY)


def body(response) -> str:
    with response:
        return response.get_data(as_text=True)


def form_data(details, **overrides) -> dict:
    return {k: ("" if v is None else v) for k, v in details(**overrides).items()}


# --- submitting -------------------------------------------------------------------------------


def test_staff_submit_for_an_agency_through_the_form(client, sign_in, agency, details, count):
    sign_in("staff")
    page = body(client.get("/proposals/new"))
    assert 'name="organisation_id"' in page
    response = client.post(
        "/proposals/new",
        data=form_data(details, organisation_id=agency, kind="problem_statement"),
    )
    with response:
        assert response.status_code == 302
        assert re.search(r"/proposals/\d+$", response.headers["Location"])
    assert count(Proposal) == 1


def test_a_bad_form_answers_422_with_the_message_at_the_field(
    client, sign_in, agency, details, count
):
    sign_in("staff")
    data = form_data(details, organisation_id=agency, kind="problem_statement", problem="")
    response = client.post("/proposals/new", data=data)
    assert response.status_code == 422
    page = body(response)
    assert 'id="problem-error"' in page and "Describe the problem" in page
    data = form_data(details, organisation_id="abc", title="")
    response = client.post("/proposals/new", data=data)
    assert response.status_code == 422
    assert 'id="title-error"' in body(response)
    assert count(Proposal) == 0


def test_a_representative_submits_for_their_own_association_whatever_the_form_says(
    app, client, sign_in, association, make_organisation, details
):
    sign_in("representative", organisation_id=association)
    page = body(client.get("/proposals/new"))
    assert 'name="organisation_id"' not in page
    other = make_organisation("สมาคมที่ไม่ใช่ของตน")
    response = client.post("/proposals/new", data=form_data(details, organisation_id=other))
    assert response.status_code == 302
    response.close()
    with app.app_context():
        (proposal,) = db.session.scalars(sa.select(Proposal)).all()
        assert proposal.organisation_id == association


def test_the_association_edits_while_submitted_then_is_sent_back(
    client, sign_in, submit, association, details, call, staff, read
):
    rep = sign_in("representative", organisation_id=association)
    proposal = submit(association, by=rep)
    url = f"/proposals/{proposal}/edit"
    response = client.post(url, data=form_data(details, title="ใหม่") | read_version(client, url))
    assert response.status_code == 302
    response.close()
    from registry.proposals import services

    opened = read_version(client, url)
    call(services.change_status, proposal, staff, to="screening", reason="คัดกรอง")
    response = client.get(url)
    assert response.status_code == 302
    response.close()
    # The form opened before screening began is refused, saying so; nothing changed.
    response = client.post(url, data=form_data(details, title="x") | opened)
    assert response.status_code == 409
    assert "In screening" in body(response)
    assert read(proposal).title == "ใหม่"


def test_another_association_gets_not_found_on_edit_and_withdraw(
    client, sign_in, submit, association, make_organisation
):
    proposal = submit(association)
    sign_in("representative", organisation_id=make_organisation())
    for url in (f"/proposals/{proposal}/edit", f"/proposals/{proposal}/withdraw",
                f"/proposals/{proposal}/attachments/new"):  # fmt: skip
        with client.get(url) as response:
            assert response.status_code == 404, url


# --- what each reader sees --------------------------------------------------------------------


@pytest.fixture
def full_proposal(app, submit, association, make_contact, call, staff):
    """A screened proposal of ``association`` with a contact, a private and a public file."""
    contact = make_contact(association, email="somchai@aix.example", first_name="สมชาย")
    proposal = submit(association, contact_id=contact, status=S.SCREENING)
    from registry.proposals import services

    call(services.add_attachment, proposal, staff, data=PDF, filename="private.pdf", public=False)
    call(services.add_attachment, proposal, staff, data=PDF, filename="public.pdf", public=True)
    with app.app_context():
        files = {a.filename: a.id for a in db.session.scalars(sa.select(Attachment))}
    return proposal, files


def test_another_association_reads_the_public_part_only(
    client, sign_in, full_proposal, make_organisation
):
    proposal, files = full_proposal
    sign_in("representative", organisation_id=make_organisation())
    page = body(client.get(f"/proposals/{proposal}"))
    assert "ระบบแจ้งเตือนน้ำท่วม" in page and "หน่วยงานท้องถิ่นไม่ทราบระดับน้ำ" in page
    assert "somchai@aix.example" not in page and "สมชาย" not in page
    assert "งบประมาณ 2 ล้านบาท" not in page
    assert "public.pdf" in page and "private.pdf" not in page
    assert 'id="history"' not in page
    with client.get(f"/proposals/{proposal}/attachments/{files['private.pdf']}") as response:
        assert response.status_code == 404
    with client.get(f"/proposals/{proposal}/attachments/{files['public.pdf']}") as response:
        assert response.status_code == 200
        assert response.data == PDF
        assert response.headers["Cache-Control"] == "private, no-store"


def test_the_submitting_association_and_secretaries_read_it_all(
    client, sign_in, full_proposal, association
):
    proposal, files = full_proposal
    sign_in("representative", organisation_id=association)
    page = body(client.get(f"/proposals/{proposal}"))
    assert "somchai@aix.example" in page and "งบประมาณ 2 ล้านบาท" in page
    assert "private.pdf" in page and 'id="history"' in page
    with client.get(f"/proposals/{proposal}/attachments/{files['private.pdf']}") as response:
        assert response.status_code == 200
    client.post("/sign-out").close()
    sign_in("secretary")
    page = body(client.get(f"/proposals/{proposal}"))
    assert "somchai@aix.example" in page and "private.pdf" in page


def test_an_attachment_of_another_proposal_is_not_found(client, sign_in, full_proposal, submit,
                                                         make_organisation):  # fmt: skip
    proposal, files = full_proposal
    other = submit(make_organisation())
    sign_in("staff")
    with client.get(f"/proposals/{other}/attachments/{files['public.pdf']}") as response:
        assert response.status_code == 404
    with client.get(f"/proposals/{proposal}/attachments/{files['public.pdf']}") as response:
        assert response.status_code == 200


def test_a_missing_proposal_is_not_found(client, sign_in):
    sign_in("representative")
    with client.get("/proposals/999999") as response:
        assert response.status_code == 404


# --- endorsing through the pages --------------------------------------------------------------


@pytest.fixture
def screened(submit, agency):
    return submit(agency, kind="problem_statement", status=S.SCREENING)


def test_a_representative_endorses_through_the_form(
    app, client, sign_in, screened, association, read
):
    sign_in("representative", organisation_id=association)
    page = body(client.get(f"/proposals/{screened}/endorse"))
    assert f'value="{association}"' in page
    response = client.post(
        f"/proposals/{screened}/endorse",
        data={"organisation_id": str(association), "statement": "สมาคมพร้อมสนับสนุน",
              "letter": (io.BytesIO(PDF), "หนังสือ.pdf")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert response.status_code == 302
    response.close()
    state = read(screened)
    assert state.count == 1 and state.endorsements[0].letter_path
    page = body(client.get(f"/proposals/{screened}"))
    assert "สมาคมปัญญาประดิษฐ์ทดสอบ" in page and "สมาคมพร้อมสนับสนุน" in page
    assert "Endorsed by 1 organisations" in page
    endorsement = state.endorsements[0].id
    with client.get(f"/proposals/{screened}/endorsements/{endorsement}/letter") as response:
        assert response.status_code == 200 and response.data == PDF


def test_tampering_with_the_organisation_field_is_not_found_and_saves_nothing(
    client, sign_in, screened, association, make_organisation, read
):
    sign_in("representative", organisation_id=association)
    other = make_organisation("สมาคมอื่นที่ถูกอ้าง")
    for value in (str(other), "", "abc", "99999999999"):
        response = client.post(
            f"/proposals/{screened}/endorse",
            data={"organisation_id": value, "statement": "แอบอ้าง"},
        )
        assert response.status_code == 404, value
        response.close()
    assert read(screened).endorsements == []


def test_a_second_endorsement_through_the_form_is_refused_with_a_message(
    client, sign_in, screened, association, endorse, make_user, read
):
    endorse(screened, make_user("representative", organisation_id=association))
    sign_in("representative", organisation_id=association)
    response = client.post(
        f"/proposals/{screened}/endorse",
        data={"organisation_id": str(association), "statement": "อีกครั้ง"},
    )
    assert response.status_code == 422
    assert "has already endorsed this proposal" in body(response)
    assert read(screened).count == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"MZ\x90\x00 not a pdf", "not a PDF document"), (PDF, "larger than")],
)
def test_a_bad_letter_is_refused_at_the_field(
    client, sign_in, screened, association, read, monkeypatch, content, message
):
    from registry.proposals import services

    if message == "larger than":
        monkeypatch.setattr(services, "MAX_FILE_BYTES", 100)
    sign_in("representative", organisation_id=association)
    response = client.post(
        f"/proposals/{screened}/endorse",
        data={"organisation_id": str(association), "statement": "สนับสนุน",
              "letter": (io.BytesIO(content), "letter.pdf")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert response.status_code == 422
    page = body(response)
    assert 'id="letter-error"' in page and message in page
    assert read(screened).endorsements == []


def test_endorsing_a_closed_proposal_is_refused(client, sign_in, submit, agency, association):
    rejected = submit(agency, status=S.REJECTED)
    sign_in("representative", organisation_id=association)
    with client.get(f"/proposals/{rejected}/endorse") as response:
        assert response.status_code == 302
    response = client.post(
        f"/proposals/{rejected}/endorse",
        data={"organisation_id": str(association), "statement": "สนับสนุน"},
    )
    assert response.status_code == 422
    assert "can no longer be endorsed" in body(response)


def test_a_letter_is_read_only_by_staff_secretaries_and_its_association(
    client, sign_in, screened, association, endorse, make_user, make_organisation
):
    endorsement = endorse(
        screened, make_user("representative", organisation_id=association), letter=PDF,
        letter_filename="letter.pdf",
    )  # fmt: skip
    url = f"/proposals/{screened}/endorsements/{endorsement}/letter"
    sign_in("representative", organisation_id=make_organisation())
    with client.get(url) as response:
        assert response.status_code == 404
    assert "letter.pdf" not in body(client.get(f"/proposals/{screened}"))
    client.post("/sign-out").close()
    sign_in("secretary")
    with client.get(url) as response:
        assert response.status_code == 200


def test_staff_record_a_paper_endorsement_and_the_page_marks_it(
    client, sign_in, screened, association, read
):
    sign_in("staff")
    page = body(client.get(f"/proposals/{screened}/endorsements/record"))
    assert "สมาคมปัญญาประดิษฐ์ทดสอบ" in page
    response = client.post(
        f"/proposals/{screened}/endorsements/record",
        data={"organisation_id": str(association), "statement": "ตามหนังสือที่ สปท 12/2568",
              "endorsed_on": "2025-06-01"},
    )  # fmt: skip
    assert response.status_code == 302
    response.close()
    assert read(screened).endorsements[0].recorded_by_staff
    assert "Recorded by staff" in body(client.get(f"/proposals/{screened}"))
    response = client.post(
        f"/proposals/{screened}/endorsements/record",
        data={"organisation_id": "", "statement": "x", "endorsed_on": "2025-06-01"},
    )
    assert response.status_code == 422
    assert 'id="organisation_id-error"' in body(response)


def test_the_association_withdraws_its_endorsement_and_it_shows_withdrawn(
    client, sign_in, screened, association, endorse, read
):
    rep = sign_in("representative", organisation_id=association)
    endorsement = endorse(screened, rep)
    response = client.post(
        f"/proposals/{screened}/endorsements/{endorsement}/withdraw",
        data={"withdrawal_reason": "ขอทบทวน"},
    )
    assert response.status_code == 302
    response.close()
    state = read(screened)
    assert state.count == 0 and not state.endorsements[0].active
    page = body(client.get(f"/proposals/{screened}"))
    assert "Withdrawn" in page and "ขอทบทวน" in page
    assert "Endorse on behalf of our association" in page  # it may endorse again


def test_another_association_cannot_withdraw_an_endorsement(
    client, sign_in, screened, association, endorse, make_user, make_organisation, read
):
    endorsement = endorse(screened, make_user("representative", organisation_id=association))
    sign_in("representative", organisation_id=make_organisation())
    response = client.post(f"/proposals/{screened}/endorsements/{endorsement}/withdraw", data={})
    assert response.status_code == 404
    response.close()
    assert read(screened).count == 1


# --- the workflow pages -----------------------------------------------------------------------


def test_the_status_form_refuses_an_impossible_step_and_takes_a_possible_one(
    client, sign_in, screened, read
):
    sign_in("staff")
    page = body(client.get(f"/proposals/{screened}/status"))
    assert 'value="rejected"' in page and 'value="completed"' not in page
    version = read_version(client, f"/proposals/{screened}/status")
    response = client.post(
        f"/proposals/{screened}/status",
        data={"status": "completed", "reason": "ข้ามขั้น"} | version,
    )
    assert response.status_code == 422
    assert "cannot be moved to" in body(response)
    response = client.post(
        f"/proposals/{screened}/status", data={"status": "rejected", "reason": ""} | version
    )
    assert response.status_code == 422
    assert read(screened).status is S.SCREENING
    response = client.post(
        f"/proposals/{screened}/status",
        data={"status": "rejected", "reason": "ไม่อยู่ในขอบเขตของศูนย์"} | version,
    )
    assert response.status_code == 302
    response.close()
    page = body(client.get(f"/proposals/{screened}"))
    assert "ไม่อยู่ในขอบเขตของศูนย์" in page
    assert read(screened).status is S.REJECTED


def test_the_owner_withdraws_through_the_page(client, sign_in, submit, association, read):
    rep = sign_in("representative", organisation_id=association)
    proposal = submit(association, by=rep)
    url = f"/proposals/{proposal}/withdraw"
    version = read_version(client, url)
    with client.post(url, data={"reason": ""} | version) as response:
        assert response.status_code == 422
    with client.post(url, data={"reason": "ยื่นซ้ำ"} | version) as response:
        assert response.status_code == 302
    assert read(proposal).status is S.WITHDRAWN


def test_files_are_uploaded_as_pdfs_only(client, sign_in, submit, association, read):
    rep = sign_in("representative", organisation_id=association)
    proposal = submit(association, by=rep)
    response = client.post(
        f"/proposals/{proposal}/attachments/new",
        data={"file": (io.BytesIO(b"<svg/>"), "drawing.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "not a PDF document" in body(response)
    response = client.post(
        f"/proposals/{proposal}/attachments/new",
        data={"file": (io.BytesIO(PDF), "drawing.pdf"), "public": "y"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    response.close()
    assert read(proposal).attachments[0][:2] == ("drawing.pdf", True)


def test_a_file_is_removed_from_the_page(app, client, sign_in, submit, association, count, call):
    rep = sign_in("representative", organisation_id=association)
    proposal = submit(association, by=rep)
    from registry.proposals import services

    call(services.add_attachment, proposal, rep, data=PDF, filename="x.pdf")
    with app.app_context():
        attachment = db.session.scalar(sa.select(Attachment.id))
    url = f"/proposals/{proposal}/attachments/{attachment}/remove"
    with client.post(url) as response:
        assert response.status_code == 302
    assert count(Attachment) == 0


# --- the agenda and annex pages ---------------------------------------------------------------


def test_staff_place_a_proposal_on_a_meeting_and_see_the_resolution(
    app, client, sign_in, screened, meeting, read
):
    from datetime import date, time

    _committee, meeting_id = meeting(held_on=date(2025, 3, 10))
    sign_in("staff")
    page = body(client.get(f"/proposals/{screened}/agenda"))
    assert f'value="{meeting_id}"' in page
    with client.post(f"/proposals/{screened}/agenda", data={"meeting_id": "x"}) as response:
        assert response.status_code == 422
    response = client.post(
        f"/proposals/{screened}/agenda",
        data={"meeting_id": str(meeting_id), "title": "", "body": "ความเป็นมา"},
    )
    assert response.status_code == 302
    response.close()
    assert read(screened).status is S.ON_AGENDA
    with app.app_context():
        from registry.meetings import services as meetings
        from registry.meetings.models import Meeting

        found = db.session.get(Meeting, meeting_id)
        meetings.mark_held(found, None, opened_at=time(9, 35), closed_at=time(11, 0))
        item = db.session.scalar(sa.select(AgendaItem).where(AgendaItem.proposal_id == screened))
        assert item.title == read(screened).title and item.body == "ความเป็นมา"
        meetings.record_resolution(item, actor=None, resolution="ที่ประชุมมีมติเห็นชอบในหลักการ",
                                   outcome="approved", quorum_note="ทดสอบ")  # fmt: skip
        label = found.number_label
    page = body(client.get(f"/proposals/{screened}"))
    assert "ที่ประชุมมีมติเห็นชอบในหลักการ" in page
    assert f"Meeting {label}" in page and "10 March 2025" in page


def test_the_owner_sees_the_resolution_only_once_the_minutes_are_certified(
    app, client, sign_in, submit, association, meeting, call, staff
):
    from datetime import date

    from registry.meetings.models import Meeting
    from registry.proposals import services

    proposal = submit(association, status=S.SCREENING)
    _committee, meeting_id = meeting(held_on=date(2025, 3, 10))
    with app.app_context():
        services.place_on_agenda(
            db.session.get(Proposal, proposal), db.session.get(User, staff),
            meeting=db.session.get(Meeting, meeting_id),
        )  # fmt: skip
        db.session.execute(
            sa.update(AgendaItem).where(AgendaItem.proposal_id == proposal)
            .values(resolution="มติลับก่อนรับรอง")
        )  # fmt: skip
        db.session.commit()
    sign_in("representative", organisation_id=association)
    assert "มติลับก่อนรับรอง" not in body(client.get(f"/proposals/{proposal}"))


def test_staff_annex_from_the_proposal_and_the_agreement_page_lists_it(
    client, sign_in, screened, make_agreement, count
):
    draft = make_agreement()
    sign_in("staff")
    page = body(client.get(f"/proposals/{screened}/annex"))
    assert f'value="{draft}"' in page
    with client.post(f"/proposals/{screened}/annex", data={"agreement_id": "-3"}) as response:
        assert response.status_code == 422
    with client.post(f"/proposals/{screened}/annex", data={"agreement_id": str(draft)}) as r:
        assert r.status_code == 302
    assert count(AgreementAnnex) == 1
    page = body(client.get(f"/agreements/{draft}"))
    assert "Annexed proposals" in page and f'href="/proposals/{screened}"' in page
    with client.post(f"/proposals/{screened}/annex/{draft}/remove") as response:
        assert response.status_code == 302
    assert count(AgreementAnnex) == 0


# --- categories -------------------------------------------------------------------------------


def test_staff_add_a_category_and_a_duplicate_is_refused(client, sign_in, count):
    sign_in("staff")
    assert "ปัญญาประดิษฐ์" in body(client.get("/proposals/categories"))
    with client.post("/proposals/categories/new", data={"name_th": "เกษตรดิจิทัล",
                                                        "active": "y"}) as response:  # fmt: skip
        assert response.status_code == 302
    response = client.post("/proposals/categories/new", data={"name_th": "เกษตรดิจิทัล"})
    assert response.status_code == 422
    assert "already exists" in body(response)
    assert count(Category) == 8


# --- the organisation page --------------------------------------------------------------------


def test_the_organisation_timeline_shows_its_proposals_and_endorsements(
    client, sign_in, screened, association, endorse, make_user, submit
):
    endorse(screened, make_user("representative", organisation_id=association))
    submit(association, title="ข้อเสนอของสมาคมเอง")
    sign_in("staff")
    page = body(client.get(f"/organisations/{association}"))
    assert "Proposal endorsed" in page and "Proposal submitted" in page
    assert "ข้อเสนอของสมาคมเอง" in page


def test_endorsements_recorded_count_rows(count):
    assert count(Endorsement) == 0
