"""A proposal put to a meeting's agenda (section 4) and annexed to an agreement."""

from __future__ import annotations

from datetime import date, time

import pytest
import sqlalchemy as sa

from registry.agreements.models import Agreement, AgreementStatus
from registry.auth.models import User
from registry.db import db
from registry.meetings import services as meetings
from registry.meetings.models import AgendaItem, AgendaSection, Meeting
from registry.proposals import services
from registry.proposals.models import AgreementAnnex, ProposalStatus

S = ProposalStatus


@pytest.fixture
def proposal(submit, make_organisation):
    return submit(make_organisation("สมาคมเสนอโครงการ"), status=S.SCREENING)


@pytest.fixture
def place(app):
    """Place a proposal on a meeting's agenda as a user; returns (section, position, title)."""

    def do(proposal_id: int, meeting_id: int, user_id: int | None, **fields):
        with app.app_context():
            from registry.proposals.models import Proposal

            try:
                item = services.place_on_agenda(
                    db.session.get(Proposal, proposal_id),
                    db.session.get(User, user_id) if user_id else None,
                    meeting=db.session.get(Meeting, meeting_id),
                    **fields,
                )
            except Exception:
                db.session.rollback()
                raise
            return item.section, item.position, item.title, item.proposal_id

    return do


def test_staff_place_a_screened_proposal_at_the_end_of_section_4(
    app, proposal, meeting, place, staff, read, events
):
    _committee, meeting_id = meeting()
    with app.app_context():
        existing = meetings.add_item(
            db.session.get(Meeting, meeting_id), actor=None, section=4, title="เรื่องอื่นก่อน"
        )
        assert existing.position == 1
    section, position, title, linked = place(proposal, meeting_id, staff)
    assert (section, position, linked) == (int(AgendaSection.FOR_CONSIDERATION), 2, proposal)
    assert title == read(proposal).title
    state = read(proposal)
    assert state.status is S.ON_AGENDA
    assert state.history[-1][:2] == (S.SCREENING, S.ON_AGENDA)
    assert "4.2" in state.history[-1][2]
    assert "placed on agenda" in [a for a, _ in events("proposals", proposal)]


def test_a_committee_secretary_places_it_on_their_committees_meetings_only(
    proposal, meeting, place, make_user, read
):
    secretary = make_user("secretary")
    _committee, ours = meeting(secretary=secretary)
    _other, theirs = meeting()
    with pytest.raises(services.NotYours):
        place(proposal, theirs, secretary)
    assert read(proposal).status is S.SCREENING
    place(proposal, ours, secretary, title="พิจารณาข้อเสนอโครงการระบบแจ้งเตือนน้ำท่วม")
    assert read(proposal).status is S.ON_AGENDA


def test_a_representative_cannot_place_proposals(proposal, meeting, place, make_user):
    _committee, meeting_id = meeting()
    with pytest.raises(services.NotYours):
        place(proposal, meeting_id, make_user("representative"))


def test_a_proposal_not_yet_screened_or_closed_is_refused_and_nothing_saved(
    submit, make_organisation, meeting, place, staff, count
):
    _committee, meeting_id = meeting()
    organisation = make_organisation()
    for status, message in ((S.SUBMITTED, "screening"), (S.REJECTED, "cannot be put")):
        waiting = submit(organisation, status=status)
        with pytest.raises(services.ProposalError, match=message) as refused:
            place(waiting, meeting_id, staff)
        assert refused.value.field == "meeting_id"
    assert count(AgendaItem) == 0


def test_only_a_scheduled_meeting_takes_it_and_only_once(
    app, proposal, meeting, place, staff, count
):
    _committee, meeting_id = meeting()
    place(proposal, meeting_id, staff)
    with pytest.raises(services.ProposalError, match="already on the agenda"):
        place(proposal, meeting_id, staff)
    with app.app_context():
        meetings.cancel_meeting(db.session.get(Meeting, meeting_id), None, reason="เลื่อน")
    _c, later = meeting(held_on=date(2030, 4, 10))
    with app.app_context():
        meetings.cancel_meeting(db.session.get(Meeting, later), None, reason="งด")
    with pytest.raises(services.ProposalError, match="still scheduled"):
        place(proposal, later, staff)
    with pytest.raises(services.ProposalError, match="Choose the meeting"):
        place(proposal, 999_999, staff)
    assert count(AgendaItem) == 1


def test_a_deferred_proposal_goes_to_a_later_meeting_and_stays_on_the_agenda(
    proposal, meeting, place, staff, read, events
):
    _committee, first = meeting()
    _c, second = meeting(held_on=date(2030, 5, 1))
    place(proposal, first, staff)
    history = read(proposal).history
    place(proposal, second, staff)
    assert read(proposal).status is S.ON_AGENDA
    assert read(proposal).history == history  # no status change, but the event is logged
    assert [a for a, _ in events("proposals", proposal)].count("placed on agenda") == 2


def test_the_resolution_on_the_item_is_the_proposals(app, proposal, meeting, place, staff):
    _committee, meeting_id = meeting(held_on=date(2025, 3, 10))
    place(proposal, meeting_id, staff)
    with app.app_context():
        found = db.session.get(Meeting, meeting_id)
        meetings.mark_held(found, None, opened_at=time(9, 35), closed_at=time(11, 50))
        item = db.session.scalar(sa.select(AgendaItem).where(AgendaItem.proposal_id == proposal))
        meetings.record_resolution(
            item,
            actor=None,
            resolution="ที่ประชุมเห็นชอบ ให้เสนอต่อคณะกรรมการ",
            outcome="approved",
            quorum_note="ทดสอบโดยไม่บันทึกผู้เข้าประชุม",
        )
        from registry.proposals import queries
        from registry.proposals.models import Proposal

        (listed,) = queries.agenda_items(db.session.get(Proposal, proposal).id)
        assert listed.resolution.startswith("ที่ประชุมเห็นชอบ")
        assert f"{listed.meeting_number}/{listed.meeting_year}" == found.number_label
        assert (listed.section, listed.position) == (item.section, item.position)
        assert listed.committee_name == found.committee.name_th


# --- annexes ----------------------------------------------------------------------------------


@pytest.fixture
def annex(app):
    def do(proposal_id: int, agreement_id: int | None, user_id: int):
        with app.app_context():
            from registry.proposals.models import Proposal

            try:
                services.annex_to_agreement(
                    db.session.get(Proposal, proposal_id),
                    db.session.get(User, user_id),
                    agreement=db.session.get(Agreement, agreement_id) if agreement_id else None,
                )
            except Exception:
                db.session.rollback()
                raise

    return do


def test_a_proposal_is_annexed_to_an_agreement_not_yet_signed(
    app, proposal, annex, make_agreement, staff, count, events
):
    draft = make_agreement()
    annex(proposal, draft, staff)
    assert count(AgreementAnnex) == 1
    assert "annexed to agreement" in [a for a, _ in events("proposals", proposal)]
    with pytest.raises(services.ProposalError, match="already annexed"):
        annex(proposal, draft, staff)
    signed = make_agreement(AgreementStatus.SIGNED)
    with pytest.raises(services.ProposalError, match="signed or terminated") as refused:
        annex(proposal, signed, staff)
    assert refused.value.field == "agreement_id"
    with pytest.raises(services.ProposalError, match="Choose the agreement"):
        annex(proposal, None, staff)
    assert count(AgreementAnnex) == 1


def test_representatives_do_not_annex_and_rejected_proposals_are_not_annexed(
    submit, make_organisation, annex, make_agreement, make_user
):
    draft = make_agreement()
    rejected = submit(make_organisation(), status=S.REJECTED)
    with pytest.raises(services.ProposalError, match="rejected or withdrawn"):
        annex(rejected, draft, make_user("staff"))
    with pytest.raises(services.NotYours):
        annex(rejected, draft, make_user("representative"))


def test_an_annex_is_removed_only_before_signing(
    app, proposal, annex, make_agreement, staff, count
):
    draft = make_agreement()
    annex(proposal, draft, staff)
    with app.app_context():
        record = db.session.get(AgreementAnnex, (draft, proposal))
        services.remove_annex(record, db.session.get(User, staff))
    assert count(AgreementAnnex) == 0
    approved = make_agreement(AgreementStatus.APPROVED)
    annex(proposal, approved, staff)
    with app.app_context():
        from registry.agreements import services as agreements

        user = db.session.get(User, staff)
        agreements.sign(
            db.session.get(Agreement, approved), user, signed_on=agreements.today(),
            signing_place="กรุงเทพมหานคร",
        )  # fmt: skip
        with pytest.raises(services.ProposalError, match="stay as they were"):
            services.remove_annex(db.session.get(AgreementAnnex, (approved, proposal)), user)
    assert count(AgreementAnnex) == 1
