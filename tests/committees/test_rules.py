"""The committee and seat rules, through the services: every refusal names its field and
saves nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from registry.audit.models import AuditEvent
from registry.auth.models import Role
from registry.committees import queries, services
from registry.committees.models import Committee, Membership, QuorumRule
from registry.db import db
from registry.organisations.models import Contact

from .conftest import START


def _committee(committee_id: int) -> Committee:
    return db.session.get(Committee, committee_id)


def _refused(app, call, field: str, text: str | None = None) -> str:
    with app.app_context():
        with pytest.raises(services.CommitteeError) as caught:
            call()
        db.session.rollback()
    assert caught.value.field == field, (caught.value.field, str(caught.value))
    if text:
        assert text in str(caught.value)
    return str(caught.value)


# --- committees -------------------------------------------------------------------------------


def test_a_committee_is_created_with_its_details_and_audited(app, make_committee):
    committee_id = make_committee(
        name_th="  คณะกรรมการร่วม   ทดสอบ ",
        name_en="Joint Committee",
        mandate="1. ให้คำปรึกษา\n2. จัดทำข้อเสนอแนะ",
        order_number="1/2567",
        order_date=date(2023, 12, 20),
    )
    with app.app_context():
        committee = _committee(committee_id)
        assert committee.name_th == "คณะกรรมการร่วม ทดสอบ"
        assert committee.mandate == "1. ให้คำปรึกษา\n2. จัดทำข้อเสนอแนะ"
        assert committee.quorum_rule is QuorumRule.MORE_THAN_HALF
        assert committee.active
        event = db.session.scalar(
            sa.select(AuditEvent).where(
                AuditEvent.record_type == "committees", AuditEvent.record_id == committee_id
            )
        )
        assert event.action == "created"
        assert event.changes["order_number"] == [None, "1/2567"]


def test_the_thai_name_is_unique_ignoring_spacing_case_and_invisible_marks(app, make_committee):
    first = make_committee(name_th="คณะกรรมการร่วม DGTi")
    with app.app_context():
        with pytest.raises(services.CommitteeError) as caught:
            services.create_committee(
                actor=None,
                kind="joint_committee",
                name_th="คณะกรรมการร่วม\u200b  dgti",
                established_on=START,
            )
        assert caught.value.field == "name_th"
        assert caught.value.existing_id == first
        assert db.session.scalar(sa.select(sa.func.count(Committee.id))) == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name_th": "  "}, "name_th"),
        ({"kind": "council"}, "kind"),
        ({"kind": ""}, "kind"),
        ({"established_on": None}, "established_on"),
        ({"established_on": date(2567, 1, 1)}, "established_on"),
        ({"order_date": date(1066, 10, 14)}, "order_date"),
        ({"kind": "subcommittee"}, "parent_id"),
        ({"kind": "working_group", "parent_id": 999_999}, "parent_id"),
        ({"quorum_rule": "unanimous"}, "quorum_rule"),
        ({"quorum_rule": "fixed_number"}, "quorum_number"),
        ({"quorum_rule": "fixed_number", "quorum_number": 0}, "quorum_number"),
    ],
)
def test_bad_committee_details_are_refused_at_their_field(app, db_session, fields, field):
    details = {"kind": "joint_committee", "name_th": "คณะกรรมการ", "established_on": START}
    _refused(app, lambda: services.create_committee(actor=None, **(details | fields)), field)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Committee.id))) == 0


def test_a_joint_committee_reports_to_no_one(app, make_committee):
    parent = make_committee()
    _refused(
        app,
        lambda: services.create_committee(
            actor=None, kind="joint_committee", name_th="อีกคณะ", parent_id=parent,
            established_on=START,
        ),
        "parent_id",
    )  # fmt: skip


def test_parents_cannot_make_a_cycle(app, make_committee):
    top = make_committee()
    middle = make_committee(kind="subcommittee", parent_id=top)
    bottom = make_committee(kind="working_group", parent_id=middle)
    with app.app_context():
        assert [c.id for c in _committee(bottom).ancestors()] == [middle, top]
    for new_parent in (bottom, middle):
        _refused(
            app,
            lambda p=new_parent: services.update_committee(
                _committee(middle), actor=None, parent_id=p
            ),
            "parent_id",
            "ภายใต้ตนเอง",
        )
    with app.app_context():
        assert _committee(middle).parent_id == top
        # The form does not offer them either.
        offered = {ident for ident, _name in queries.parent_choices(_committee(middle))}
        assert offered == {top}


def test_a_dissolved_committee_cannot_take_new_subcommittees(app, make_committee):
    parent = make_committee()
    with app.app_context():
        services.dissolve_committee(
            _committee(parent), None, dissolved_on=START + timedelta(days=10), reason="ครบวาระ"
        )
    _refused(
        app,
        lambda: services.create_committee(
            actor=None, kind="subcommittee", name_th="อนุ", parent_id=parent,
            established_on=START,
        ),
        "parent_id",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("rule", "number", "sitting", "needed"),
    [
        ("more_than_half", None, 10, 6),
        ("more_than_half", None, 9, 5),
        ("two_thirds", None, 9, 6),
        ("two_thirds", None, 10, 7),
        ("fixed_number", 3, 10, 3),
    ],
)
def test_the_quorum_follows_the_rule(app, make_committee, rule, number, sitting, needed):
    committee_id = make_committee(quorum_rule=rule, quorum_number=number)
    with app.app_context():
        assert _committee(committee_id).quorum_needed(sitting) == needed


def test_the_quorum_number_is_dropped_when_the_rule_is_not_a_number(app, make_committee):
    committee_id = make_committee(quorum_rule="two_thirds", quorum_number=4)
    with app.app_context():
        assert _committee(committee_id).quorum_number is None


# --- seats ------------------------------------------------------------------------------------


def test_a_seat_defaults_to_the_persons_organisation_and_is_audited(
    app, make_committee, make_contact, appoint
):
    committee_id = make_committee()
    contact_id = make_contact()
    seat_id = appoint(committee_id, contact_id, "chair", appointed_by="คำสั่งที่ 1/2567")
    with app.app_context():
        seat = db.session.get(Membership, seat_id)
        contact = db.session.get(Contact, contact_id)
        assert seat.organisation_id == contact.organisation_id
        assert seat.appointed_by == "คำสั่งที่ 1/2567"
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.record_type == "committee_memberships")
        )
        assert (event.action, event.record_id) == ("appointed", seat_id)
        # The audit label names the seat, not the person (it outlives an erasure).
        assert contact.first_name not in event.record_label
        assert "ประธานกรรมการ" in event.record_label


def test_a_person_may_represent_another_organisation(
    app, make_committee, make_contact, make_organisation, appoint
):
    other = make_organisation()
    seat_id = appoint(make_committee(), make_contact(), organisation_id=other)
    with app.app_context():
        assert db.session.get(Membership, seat_id).organisation_id == other


def test_a_second_sitting_chair_is_refused(app, make_committee, make_contact, appoint, count_seats):
    committee_id = make_committee()
    appoint(committee_id, make_contact(), "chair")
    second = make_contact()
    before = count_seats()
    with app.app_context():
        call = lambda: services.appoint(  # noqa: E731
            _committee(committee_id), actor=None, contact_id=second, role="chair",
            term_start=START + timedelta(days=200),
        )  # fmt: skip
    _refused(app, call, "role", "มีประธาน")
    assert count_seats() == before


def test_a_chair_whose_term_overlaps_a_future_chair_is_refused(
    app, make_committee, make_contact, appoint
):
    committee_id = make_committee()
    appoint(committee_id, make_contact(), "chair", term_start=date(2025, 1, 1))
    other = make_contact()
    _refused(
        app,
        lambda: services.appoint(
            _committee(committee_id), actor=None, contact_id=other, role="chair",
            term_start=START, term_end=date(2025, 1, 1),
        ),
        "role",
    )  # fmt: skip
    # Ending the day before the next chair starts is fine.
    appoint(committee_id, other, "chair", term_start=START, term_end=date(2024, 12, 31))


def test_a_new_chair_may_start_the_day_the_old_one_ended(
    app, make_committee, make_contact, appoint
):
    committee_id = make_committee()
    old = appoint(committee_id, make_contact(), "chair")
    with app.app_context():
        services.end_membership(
            db.session.get(Membership, old), None, ended_on=date(2024, 6, 1), reason="ลาออก"
        )
    new = appoint(committee_id, make_contact(), "chair", term_start=date(2024, 6, 1))
    with app.app_context():
        committee = _committee(committee_id)
        assert [s.id for s in queries.sitting_members(committee, date(2024, 5, 31))] == [old]
        assert [s.id for s in queries.sitting_members(committee, date(2024, 6, 1))] == [new]


def test_a_person_holds_one_sitting_seat_per_committee(
    app, make_committee, make_contact, appoint, count_seats
):
    committee_id = make_committee()
    contact_id = make_contact()
    appoint(committee_id, contact_id, "member")
    before = count_seats()
    _refused(
        app,
        lambda: services.appoint(
            _committee(committee_id), actor=None, contact_id=contact_id, role="vice_chair",
            term_start=START + timedelta(days=30),
        ),
        "contact_id",
        "ดำรงตำแหน่งในคณะกรรมการนี้อยู่แล้ว",
    )  # fmt: skip
    assert count_seats() == before
    # ...but may sit on another committee at the same time.
    appoint(make_committee(), contact_id, "member")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"term_start": None}, "term_start"),
        ({"term_start": date(2023, 12, 31)}, "term_start"),
        ({"term_end": date(2023, 12, 31)}, "term_end"),
        ({"term_end": START - timedelta(days=1), "term_start": START}, "term_end"),
        ({"term_start": date(2567, 1, 1)}, "term_start"),
        ({"role": "president"}, "role"),
        ({"organisation_id": 999_999}, "organisation_id"),
        ({"contact_id": 999_999}, "contact_id"),
        ({"contact_id": None}, "contact_id"),
    ],
)
def test_bad_appointments_are_refused_at_their_field(
    app, make_committee, make_contact, count_seats, fields, field
):
    committee_id = make_committee()
    details = {"contact_id": make_contact(), "role": "member", "term_start": START} | fields
    _refused(
        app,
        lambda: services.appoint(_committee(committee_id), actor=None, **details),
        field,
    )
    assert count_seats() == 0


def test_a_term_cannot_start_before_the_committee_was_established(
    app, make_committee, make_contact
):
    committee_id = make_committee(established_on=date(2024, 3, 1))
    contact_id = make_contact()
    message = _refused(
        app,
        lambda: services.appoint(
            _committee(committee_id), actor=None, contact_id=contact_id, role="member",
            term_start=date(2024, 2, 29),
        ),
        "term_start",
    )  # fmt: skip
    assert "วันที่จัดตั้ง" in message and "2567" in message  # the day, in the Buddhist Era


def test_erased_and_former_contacts_cannot_be_appointed(
    app, make_committee, make_contact, count_seats
):
    from registry.organisations import services as organisations

    committee_id = make_committee()
    erased, former = make_contact(), make_contact()
    with app.app_context():
        organisations.erase_contact(db.session.get(Contact, erased), None)
        organisations.deactivate_contact(db.session.get(Contact, former), None)
    for contact_id, text in ((erased, "ถูกลบ"), (former, "ผู้ติดต่อเดิม")):
        _refused(
            app,
            lambda c=contact_id: services.appoint(
                _committee(committee_id), actor=None, contact_id=c, role="member",
                term_start=START,
            ),
            "contact_id",
            text,
        )  # fmt: skip
    assert count_seats() == 0
    with app.app_context():
        offered = {ident for _org, people in queries.contact_choices() for ident, _ in people}
        assert erased not in offered and former not in offered


def test_only_a_secretary_account_on_a_secretarial_seat_runs_the_committee(
    app, make_committee, make_contact, make_user, appoint, count_seats
):
    committee_id = make_committee()
    secretary = make_user(Role.SECRETARY)
    staff = make_user(Role.STAFF)
    cases = [("member", secretary), ("secretary", staff), ("secretary", 999_999)]
    for role, user_id in cases:
        contact_id = make_contact()
        _refused(
            app,
            lambda r=role, u=user_id, c=contact_id: services.appoint(
                _committee(committee_id), actor=None, contact_id=c, role=r, term_start=START,
                user_id=u,
            ),
            "user_id",
        )  # fmt: skip
    assert count_seats() == 0
    seat_id = appoint(committee_id, make_contact(), "assistant_secretary", user_id=secretary)
    with app.app_context():
        assert db.session.get(Membership, seat_id).user_id == secretary


def test_a_dissolved_committee_takes_no_appointments(app, make_committee, make_contact):
    committee_id = make_committee()
    contact_id = make_contact()
    with app.app_context():
        services.dissolve_committee(
            _committee(committee_id), None, dissolved_on=date(2024, 5, 1), reason="ครบวาระ"
        )
        with pytest.raises(services.CommitteeError, match="ถูกยุบแล้ว"):
            services.appoint(
                _committee(committee_id), actor=None, contact_id=contact_id, role="member",
                term_start=date(2024, 2, 1),
            )  # fmt: skip


# --- sitting on a day -------------------------------------------------------------------------


def test_who_sits_on_a_day_follows_the_dates(app, make_committee, make_contact, appoint):
    committee_id = make_committee()
    always = appoint(committee_id, make_contact(), "member")
    term = appoint(committee_id, make_contact(), "member", term_end=date(2024, 6, 30))
    later = appoint(committee_id, make_contact(), "chair", term_start=date(2024, 7, 1))
    ended = appoint(committee_id, make_contact(), "secretary")
    with app.app_context():
        services.end_membership(
            db.session.get(Membership, ended), None, ended_on=date(2024, 3, 1), reason="ย้าย"
        )
        committee = _committee(committee_id)

        def sitting(day):
            return [seat.id for seat in queries.sitting_members(committee, day)]

        assert sitting(date(2023, 12, 31)) == []
        assert sitting(date(2024, 2, 29)) == [always, term, ended]
        assert sitting(date(2024, 3, 1)) == [always, term]  # the day it ended: no longer held
        assert sitting(date(2024, 6, 30)) == [always, term]  # the last day of the term: held
        assert sitting(date(2024, 7, 1)) == [later, always]  # chair first
        # The Python rule and the SQL rule agree.
        for day in (date(2024, 3, 1), date(2024, 6, 30), date(2024, 7, 1)):
            in_python = [s.id for s in committee.memberships if s.sitting_on(day)]
            assert sorted(in_python) == sorted(sitting(day))
        assert queries.sitting_counts(date(2024, 7, 1)) == {committee_id: 2}


# --- ending seats and dissolving ----------------------------------------------------------------


def test_ending_a_seat_keeps_it_with_the_day_and_reason(app, make_committee, make_contact, appoint):
    committee_id = make_committee()
    seat_id = appoint(committee_id, make_contact())
    with app.app_context():
        seat = db.session.get(Membership, seat_id)
        services.end_membership(seat, None, ended_on=date(2024, 4, 1), reason="  ลาออก ")
        seat = db.session.get(Membership, seat_id)
        assert (seat.ended_on, seat.end_reason) == (date(2024, 4, 1), "ลาออก")
        past = queries.past_members(_committee(committee_id), date(2024, 5, 1))
        assert [s.id for s in past] == [seat_id]
        assert db.session.scalar(
            sa.select(AuditEvent.action).where(
                AuditEvent.record_type == "committee_memberships", AuditEvent.action == "ended"
            )
        )


@pytest.mark.parametrize(
    ("ended_on", "reason", "field"),
    [
        (date(2023, 12, 31), "ลาออก", "ended_on"),
        (None, "ลาออก", "ended_on"),
        (date(2024, 3, 1), "  ", "reason"),
        (date(2567, 3, 1), "ลาออก", "ended_on"),
    ],
)
def test_bad_endings_are_refused(
    app, make_committee, make_contact, appoint, ended_on, reason, field
):
    seat_id = appoint(make_committee(), make_contact())
    _refused(
        app,
        lambda: services.end_membership(
            db.session.get(Membership, seat_id), None, ended_on=ended_on, reason=reason
        ),
        field,
    )
    with app.app_context():
        assert db.session.get(Membership, seat_id).ended_on is None


def test_a_seat_ends_once(app, make_committee, make_contact, appoint):
    seat_id = appoint(make_committee(), make_contact())
    with app.app_context():
        services.end_membership(
            db.session.get(Membership, seat_id), None, ended_on=START, reason="แต่งตั้งผิด"
        )
        with pytest.raises(services.CommitteeError, match="สิ้นสุดแล้ว"):
            services.end_membership(
                db.session.get(Membership, seat_id), None, ended_on=START, reason="อีกครั้ง"
            )


def test_dissolving_ends_the_seats_still_held_and_keeps_everything(
    app, make_committee, make_contact, appoint
):
    committee_id = make_committee()
    sitting = appoint(committee_id, make_contact(), "chair")
    over = appoint(committee_id, make_contact(), term_end=date(2024, 2, 1))
    with app.app_context():
        services.dissolve_committee(
            _committee(committee_id), None, dissolved_on=date(2024, 9, 1), reason="ครบวาระ"
        )
        committee = _committee(committee_id)
        assert not committee.active and committee.dissolution_reason == "ครบวาระ"
        assert db.session.get(Membership, sitting).ended_on == date(2024, 9, 1)
        assert db.session.get(Membership, over).ended_on is None
        assert queries.sitting_members(committee, date(2024, 9, 1)) == []
        with pytest.raises(services.CommitteeError, match="ถูกยุบแล้ว"):
            services.dissolve_committee(committee, None, dissolved_on=date(2024, 9, 2), reason="x")
        with pytest.raises(services.CommitteeError, match="ไม่สามารถแก้ไข"):
            services.update_committee(committee, actor=None, name_en="Renamed")


def test_bad_dissolutions_are_refused(app, make_committee):
    parent = make_committee()
    make_committee(kind="working_group", parent_id=parent)
    cases = [
        (date(2023, 12, 1), "ครบวาระ", "dissolved_on"),
        (None, "ครบวาระ", "dissolved_on"),
        (date(2024, 9, 1), " ", "reason"),
        (date(2024, 9, 1), "ครบวาระ", "dissolved_on"),  # an active working group below
    ]
    for day, reason, field in cases:
        _refused(
            app,
            lambda d=day, r=reason: services.dissolve_committee(
                _committee(parent), None, dissolved_on=d, reason=r
            ),
            field,
        )
    with app.app_context():
        assert _committee(parent).active


def test_the_establishment_day_cannot_move_after_a_members_term_start(
    app, make_committee, make_contact, appoint
):
    committee_id = make_committee()
    appoint(committee_id, make_contact(), term_start=date(2024, 2, 1))
    _refused(
        app,
        lambda: services.update_committee(
            _committee(committee_id), actor=None, established_on=date(2024, 3, 1)
        ),
        "established_on",
    )
    with app.app_context():
        assert _committee(committee_id).established_on == START
