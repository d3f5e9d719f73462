"""The rules of proposals, called through the services: submitting, editing, the workflow,
withdrawal, endorsements and their count, attachments, categories and the search text."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from registry.auth.models import User
from registry.db import db
from registry.organisations.models import Organisation, OrganisationKind
from registry.proposals import services
from registry.proposals.models import (
    Attachment,
    Endorsement,
    Proposal,
    ProposalStatus,
    StatusChange,
)
from registry.uploads import stored_path

from .conftest import PDF

S = ProposalStatus


@pytest.fixture
def agency(make_organisation):
    return make_organisation("กรมทดสอบนวัตกรรม", kind=OrganisationKind.GOVERNMENT_AGENCY)


@pytest.fixture
def association(make_organisation):
    return make_organisation("สมาคมไทยไอโอทีทดสอบ", acronym="TIOTX")


@pytest.fixture
def rep(make_user, association):
    """A representative of ``association``."""
    return make_user("representative", organisation_id=association)


@pytest.fixture
def other_rep(make_user, make_organisation):
    """A representative of another association."""
    return make_user("representative", organisation_id=make_organisation("สมาคมอื่น"))


# --- submitting and editing -------------------------------------------------------------------


def test_staff_submit_an_agencys_problem_statement_with_its_history_and_audit(
    submit, agency, read, events
):
    proposal = submit(agency, kind="problem_statement")
    state = read(proposal)
    assert state.status is S.SUBMITTED
    assert state.history == [(None, S.SUBMITTED, None)]
    assert [action for action, _ in events("proposals", proposal)] == ["submitted proposal"]
    assert "กรมทดสอบนวัตกรรม" in state.search_text and "เซนเซอร์" in state.search_text


def test_a_representative_submits_for_their_own_association_only(
    submit, association, rep, other_rep, count
):
    submit(association, by=rep)
    with pytest.raises(services.NotYours):
        submit(association, by=other_rep)
    assert count(Proposal) == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "  "}, "title"),
        ({"summary": ""}, "summary"),
        ({"kind": "poem"}, "kind"),
        ({"kind": "problem_statement", "problem": ""}, "problem"),
        ({"category_id": 999_999}, "category_id"),
        ({"category_id": None}, "category_id"),
        ({"title": "ก" * 301}, "title"),
    ],
)
def test_bad_content_is_refused_at_its_field_and_nothing_saved(
    submit, association, overrides, field, count
):
    with pytest.raises(services.ProposalError) as refused:
        submit(association, **overrides)
    assert refused.value.field == field
    assert count(Proposal) == 0
    assert count(StatusChange) == 0


def test_the_contact_must_be_a_current_person_of_the_submitting_organisation(
    submit, association, make_contact, count
):
    stranger = make_contact()
    with pytest.raises(services.ProposalError) as refused:
        submit(association, contact_id=stranger)
    assert refused.value.field == "contact_id"
    left = make_contact(association, active=False)
    with pytest.raises(services.ProposalError):
        submit(association, contact_id=left)
    ours = make_contact(association)
    submit(association, contact_id=ours)
    assert count(Proposal) == 1


def test_an_inactive_category_is_refused_for_new_proposals(
    app, submit, association, category, staff
):
    with app.app_context():
        from registry.proposals.models import Category

        maker = db.session.get(Category, category("maker"))
        services.save_category(
            maker, db.session.get(User, staff), name_th=maker.name_th, active=False
        )
    with pytest.raises(services.ProposalError, match="no longer in use"):
        submit(association, category_id=category("maker"))


def test_the_association_edits_only_while_submitted_and_staff_while_open(
    submit, call, association, rep, staff, details, read
):
    proposal = submit(association, by=rep)

    def update(user, **fields):
        return call(
            lambda p, actor: services.update_proposal(p, actor=actor, **details(**fields)),
            proposal,
            user,
        )

    update(rep, title="ระบบแจ้งเตือนน้ำท่วม ฉบับปรับปรุง")
    assert read(proposal).title == "ระบบแจ้งเตือนน้ำท่วม ฉบับปรับปรุง"
    call(services.change_status, proposal, staff, to="screening", reason="เริ่มคัดกรอง")
    with pytest.raises(services.ProposalError, match="only while it is submitted"):
        update(rep, title="แก้ไขหลังคัดกรอง")
    update(staff, title="แก้ไขโดยเจ้าหน้าที่")
    assert read(proposal).title == "แก้ไขโดยเจ้าหน้าที่"
    assert "แก้ไขโดยเจ้าหน้าที่" in read(proposal).search_text


def test_another_association_cannot_edit(submit, call, association, rep, other_rep, details):
    proposal = submit(association, by=rep)
    with pytest.raises(services.NotYours):
        call(
            lambda p, actor: services.update_proposal(p, actor=actor, **details(title="x")),
            proposal,
            other_rep,
        )


# --- the workflow -----------------------------------------------------------------------------


def test_the_whole_way_to_completion_leaves_a_history_line_and_event_per_step(
    submit, association, read, events
):
    proposal = submit(association, status=S.COMPLETED)
    state = read(proposal)
    assert state.status is S.COMPLETED
    assert [to for _from, to, _reason in state.history] == [
        S.SUBMITTED, S.SCREENING, S.ON_AGENDA, S.RECOMMENDED, S.IN_IMPLEMENTATION, S.COMPLETED
    ]  # fmt: skip
    changes = [c for a, c in events("proposals", proposal) if a == "changed status"]
    assert changes[-1]["status"] == ["in_implementation", "completed"]
    assert changes[-1]["reason"] == [None, "ทดสอบ"]


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (S.SUBMITTED, S.COMPLETED),
        (S.SUBMITTED, S.RECOMMENDED),
        (S.SCREENING, S.SUBMITTED),
        (S.COMPLETED, S.SCREENING),
        (S.REJECTED, S.SCREENING),
        (S.WITHDRAWN, S.SUBMITTED),
        (S.IN_IMPLEMENTATION, S.WITHDRAWN),
        (S.SCREENING, S.ON_AGENDA),
    ],
)
def test_impossible_transitions_are_refused_and_nothing_is_saved(
    submit, call, association, staff, read, events, start, target
):
    proposal = submit(association, status=start)
    before = read(proposal)
    logged = len(events("proposals", proposal))
    with pytest.raises(services.ProposalError) as refused:
        call(services.change_status, proposal, staff, to=target, reason="ลองดู")
    assert refused.value.field == "status"
    after = read(proposal)
    assert after.status is start
    assert after.history == before.history
    assert len(events("proposals", proposal)) == logged


def test_a_status_change_needs_a_reason_and_forwarding_names_the_body(
    submit, call, association, staff, read
):
    proposal = submit(association, status=S.RECOMMENDED)
    with pytest.raises(services.ProposalError) as refused:
        call(services.change_status, proposal, staff, to="forwarded", reason="  ")
    assert refused.value.field == "reason"
    with pytest.raises(services.ProposalError) as refused:
        call(services.change_status, proposal, staff, to="forwarded", reason="ส่งต่อ")
    assert refused.value.field == "forwarded_to"
    call(services.change_status, proposal, staff, to="forwarded", reason="ส่งต่อ",
         forwarded_to="คณะกรรมการพัฒนารัฐบาลดิจิทัล")  # fmt: skip
    state = read(proposal)
    assert state.status is S.FORWARDED
    assert state.forwarded_to == "คณะกรรมการพัฒนารัฐบาลดิจิทัล"
    assert state.history[-1] == (S.RECOMMENDED, S.FORWARDED, "ส่งต่อ")


def test_only_staff_change_the_status(submit, call, association, rep):
    proposal = submit(association, by=rep)
    with pytest.raises(services.NotYours):
        call(services.change_status, proposal, rep, to="screening", reason="ขอเอง")


def test_the_association_withdraws_its_proposal_with_a_reason(
    submit, call, association, rep, other_rep, read
):
    proposal = submit(association, by=rep, status=S.SCREENING)
    with pytest.raises(services.NotYours):
        call(services.withdraw_proposal, proposal, other_rep, reason="ไม่ใช่ของเรา")
    with pytest.raises(services.ProposalError) as refused:
        call(services.withdraw_proposal, proposal, rep, reason="")
    assert refused.value.field == "reason"
    call(services.withdraw_proposal, proposal, rep, reason="สมาคมจะปรับปรุงข้อเสนอใหม่")
    assert read(proposal).status is S.WITHDRAWN
    with pytest.raises(services.ProposalError):
        call(services.withdraw_proposal, proposal, rep, reason="อีกครั้ง")


def test_a_proposal_in_implementation_cannot_be_withdrawn(submit, call, association, rep):
    proposal = submit(association, by=rep, status=S.IN_IMPLEMENTATION)
    assert call(lambda p, actor: services.may_withdraw(actor, p), proposal, rep) is False
    with pytest.raises(services.ProposalError, match="cannot be moved to"):
        call(services.withdraw_proposal, proposal, rep, reason="ขอถอน")


# --- endorsements -----------------------------------------------------------------------------


@pytest.fixture
def proposal(submit, agency):
    return submit(agency, kind="problem_statement", status=S.SCREENING)


def test_a_representative_endorses_for_their_association_and_the_count_follows(
    proposal, endorse, rep, association, read, events
):
    endorsement = endorse(proposal, rep, letter=PDF, letter_filename="จดหมาย.pdf")
    state = read(proposal)
    assert state.count == 1
    (only,) = state.endorsements
    assert (only.organisation_id, only.active, only.recorded_by_staff) == (association, True, False)
    assert only.letter_path.startswith("proposals/letters/")
    assert [a for a, _ in events("proposal_endorsements", endorsement)] == ["endorsed"]


def test_the_letter_is_stored_as_a_pdf(app, proposal, endorse, rep, read):
    endorse(proposal, rep, letter=PDF, letter_filename="../../จดหมาย.pdf")
    (only,) = read(proposal).endorsements
    with app.app_context():
        path = stored_path(only.letter_path)
        assert path is not None and path.read_bytes() == PDF
        assert only.letter_path.startswith("proposals/letters/")


def test_a_second_endorsement_from_the_same_organisation_is_refused(
    proposal, endorse, rep, make_user, association, read
):
    first = endorse(proposal, rep)
    colleague = make_user("representative", organisation_id=association)
    with pytest.raises(services.EndorsementError) as refused:
        endorse(proposal, colleague)
    assert refused.value.field == "organisation_id"
    assert refused.value.existing_id == first
    assert read(proposal).count == 1
    assert len(read(proposal).endorsements) == 1


def test_the_database_refuses_a_second_endorsement_in_force_too(app, proposal, endorse, rep):
    endorse(proposal, rep)
    with app.app_context():
        existing = db.session.scalar(sa.select(Endorsement))
        db.session.add(
            Endorsement(
                proposal_id=existing.proposal_id,
                organisation_id=existing.organisation_id,
                statement="ซ้ำ",
                endorsed_on=existing.endorsed_on,
            )
        )
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_a_race_lost_at_the_unique_index_is_refused_with_a_message(
    app, proposal, endorse, rep, read, monkeypatch
):
    endorse(proposal, rep)
    # The other request's check ran before this one's endorsement existed.
    monkeypatch.setattr(services, "active_endorsement", lambda *_args: None)
    with pytest.raises(services.EndorsementError, match="already endorsed"):
        endorse(proposal, rep)
    assert read(proposal).count == 1


def test_a_representative_cannot_endorse_for_another_association(
    proposal, endorse, rep, make_organisation, read
):
    with pytest.raises(services.NotYours):
        endorse(proposal, rep, organisation_id=make_organisation("สมาคมที่ไม่ใช่ของตน"))
    assert read(proposal).endorsements == []


def test_an_organisation_does_not_endorse_its_own_proposal(submit, endorse, association, rep):
    ours = submit(association, by=rep)
    with pytest.raises(services.EndorsementError, match="own proposal"):
        endorse(ours, rep)


@pytest.mark.parametrize("status", [S.WITHDRAWN, S.REJECTED, S.COMPLETED])
def test_a_closed_proposal_cannot_be_endorsed(submit, agency, endorse, rep, read, status):
    closed = submit(agency, status=status)
    with pytest.raises(services.EndorsementError, match="can no longer be endorsed"):
        endorse(closed, rep)
    assert read(closed).count == 0


@pytest.mark.parametrize(
    "letter",
    [b"not a pdf at all", b"%PDF-1.4\nbut then nothing that a reader could open", b"GIF89a"],
)
def test_a_letter_that_is_not_a_pdf_is_refused_and_nothing_is_saved(
    app, proposal, endorse, rep, read, letter
):
    with app.app_context():
        from registry.uploads import storage_root

        files = storage_root() / "proposals"
        before = set(files.rglob("*.pdf"))
    with pytest.raises(services.EndorsementError) as refused:
        endorse(proposal, rep, letter=letter, letter_filename="letter.pdf")
    assert refused.value.field == "letter"
    assert read(proposal).endorsements == []
    assert set(files.rglob("*.pdf")) == before


def test_a_letter_over_the_size_limit_is_refused(proposal, endorse, rep, read, monkeypatch):
    monkeypatch.setattr(services, "MAX_FILE_BYTES", len(PDF) - 1)
    with pytest.raises(services.EndorsementError, match="larger than"):
        endorse(proposal, rep, letter=PDF, letter_filename="letter.pdf")
    assert read(proposal).endorsements == []


def test_withdrawal_keeps_the_endorsement_and_allows_endorsing_again(
    proposal, endorse, call, rep, read, events
):
    first = endorse(proposal, rep)

    def withdraw():
        return call(
            lambda p, actor: services.withdraw_endorsement(
                db.session.get(Endorsement, first), actor, reason=None
            ),
            proposal,
            rep,
        )

    withdraw()
    with pytest.raises(services.EndorsementError, match="already been withdrawn"):
        withdraw()
    state = read(proposal)
    assert state.count == 0
    assert state.endorsements[0].active is False
    assert [a for a, _ in events("proposal_endorsements", first)] == [
        "endorsed",
        "withdrew endorsement",
    ]
    second = endorse(proposal, rep, statement="สนับสนุนอีกครั้งหลังปรับปรุง")
    state = read(proposal)
    assert state.count == 1
    assert [(e.id, e.active) for e in state.endorsements] == [(first, False), (second, True)]


def test_only_the_endorsing_association_or_staff_withdraw_it(
    proposal, endorse, call, rep, other_rep, staff, read
):
    endorsement = endorse(proposal, rep)

    def withdraw(user, reason=None):
        return call(
            lambda p, actor: services.withdraw_endorsement(
                db.session.get(Endorsement, endorsement), actor, reason=reason
            ),
            proposal,
            user,
        )

    with pytest.raises(services.NotYours):
        withdraw(other_rep)
    withdraw(staff, reason="สมาคมแจ้งถอนเป็นหนังสือ")
    state = read(proposal)
    assert state.count == 0
    assert state.endorsements[0].withdrawal_reason == "สมาคมแจ้งถอนเป็นหนังสือ"


def test_staff_record_an_endorsement_received_on_paper(
    proposal, endorse, staff, make_organisation, read
):
    sender = make_organisation("สภาอุตสาหกรรมทดสอบ")
    day = services.today() - timedelta(days=5)
    endorse(proposal, staff, organisation_id=sender, endorsed_on=day, letter=PDF,
            letter_filename="หนังสือสนับสนุน.pdf")  # fmt: skip
    (only,) = read(proposal).endorsements
    assert (only.organisation_id, only.recorded_by_staff, only.endorsed_on) == (sender, True, day)
    with pytest.raises(services.EndorsementError) as refused:
        endorse(proposal, staff, organisation_id=make_organisation(),
                endorsed_on=services.today() + timedelta(days=1))  # fmt: skip
    assert refused.value.field == "endorsed_on"
    with pytest.raises(services.EndorsementError) as refused:
        endorse(proposal, staff, organisation_id=None)
    assert refused.value.field == "organisation_id"


def test_recount_repairs_a_count_that_drifted(app, proposal, endorse, rep, read):
    endorse(proposal, rep)
    with app.app_context():
        db.session.execute(
            sa.update(Proposal.__table__)
            .where(Proposal.__table__.c.id == proposal)
            .values(endorsement_count=7)
        )
        assert services.recount() == 1
        assert services.recount() == 0
        db.session.commit()
    assert read(proposal).count == 1


# --- attachments ------------------------------------------------------------------------------


def test_attachments_are_pdfs_added_while_the_proposal_may_change(
    app, submit, call, association, rep, staff, read, count
):
    proposal = submit(association, by=rep)
    call(services.add_attachment, proposal, rep, data=PDF, filename="แบบร่าง.pdf", public=True)
    with pytest.raises(services.ProposalError) as refused:
        call(services.add_attachment, proposal, rep, data=b"<html>", filename="x.pdf")
    assert refused.value.field == "file"
    with pytest.raises(services.ProposalError):
        call(services.add_attachment, proposal, rep, data=b"", filename=None)
    assert read(proposal).attachments[0][:2] == ("แบบร่าง.pdf", True)
    call(services.change_status, proposal, staff, to="screening", reason="คัดกรอง")
    with pytest.raises(services.ProposalError, match="only while"):
        call(services.add_attachment, proposal, rep, data=PDF, filename="late.pdf")
    call(services.add_attachment, proposal, staff, data=PDF, filename="staff.pdf")
    assert count(Attachment) == 2
    with app.app_context():
        path = db.session.scalar(
            sa.select(Attachment.path).where(Attachment.filename == "staff.pdf")
        )
        services.remove_attachment(
            db.session.scalar(sa.select(Attachment).where(Attachment.path == path)),
            db.session.get(User, staff),
        )
        assert stored_path(path) is None
    assert count(Attachment) == 1


# --- categories and the search text -----------------------------------------------------------


def test_categories_are_added_renamed_and_never_duplicated(app, staff, count):
    from registry.proposals.models import Category

    seeded = count(Category)
    assert seeded == 7
    with app.app_context():
        actor = db.session.get(User, staff)
        added = services.save_category(None, actor, name_th="เกษตรดิจิทัล", name_en="Agritech")
        with pytest.raises(services.ProposalError) as refused:
            services.save_category(None, actor, name_th="  ปัญญาประดิษฐ์ ")
        assert refused.value.field == "name_th"
        db.session.rollback()
        services.save_category(added, actor, name_th="เกษตรอัจฉริยะ", name_en="Smart farming")
    assert count(Category) == seeded + 1


def test_renaming_the_organisation_updates_its_proposals_search_text(
    app, submit, association, staff, read
):
    proposal = submit(association)
    with app.app_context():
        organisation = db.session.get(Organisation, association)
        from registry import audit

        with audit.change(organisation, None, "updated"):
            organisation.name_th = "สมาคมอินเทอร์เน็ตของสรรพสิ่งแห่งประเทศไทย"
        db.session.commit()
    assert "สมาคมอินเทอร์เน็ตของสรรพสิ่งแห่งประเทศไทย" in read(proposal).search_text


def test_an_access_request_lists_the_proposals_naming_the_person(
    app, submit, association, make_contact, staff
):
    from registry.organisations import services as organisations
    from registry.organisations.models import Contact

    person = make_contact(association)
    proposal = submit(association, contact_id=person)
    with app.app_context():
        data = organisations.personal_data(
            db.session.get(Contact, person), db.session.get(User, staff)
        )
    assert [row["proposal"] for row in data["proposals_as_contact"]] == [proposal]
