"""Helpers for the proposal tests: proposals made and moved through the services, signed
letters, committees with a scheduled meeting, and readers of what was saved."""

from __future__ import annotations

from datetime import date, time
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from registry.agreements.demo import simple_pdf
from registry.audit.models import AuditEvent
from registry.auth.models import User
from registry.committees.models import Committee
from registry.db import db
from registry.meetings import services as meetings
from registry.proposals import services
from registry.proposals.models import Category, Endorsement, Proposal, ProposalStatus

# The committee helpers (make_committee, appoint) and agreements (make_agreement) serve here too.
from tests.agreements.conftest import make_agreement, staff_user, two_organisations  # noqa: F401
from tests.committees.conftest import appoint, make_committee  # noqa: F401

#: A valid one-page PDF, as a letter or attachment.
PDF = simple_pdf(["Letter of support"])

#: The way to each status from submitted, as (status, reason) steps a staff member takes.
PATH = {
    ProposalStatus.SUBMITTED: [],
    ProposalStatus.SCREENING: ["screening"],
    ProposalStatus.RECOMMENDED: ["screening", "on_agenda", "recommended"],
    ProposalStatus.FORWARDED: ["screening", "on_agenda", "recommended", "forwarded"],
    ProposalStatus.IN_IMPLEMENTATION: ["screening", "on_agenda", "recommended",
                                       "in_implementation"],
    ProposalStatus.COMPLETED: ["screening", "on_agenda", "recommended", "in_implementation",
                               "completed"],
    ProposalStatus.REJECTED: ["rejected"],
    ProposalStatus.WITHDRAWN: ["withdrawn"],
}  # fmt: skip


@pytest.fixture(autouse=True)
def english_by_default(app, monkeypatch):
    """Messages are checked in English (Thai is the default language)."""
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "en")


@pytest.fixture
def category(app):
    """The id of a seeded category by its code (ai, iot, embedded, maker, software ...)."""

    def find(code: str = "ai") -> int:
        with app.app_context():
            return db.session.scalar(sa.select(Category.id).where(Category.code == code))

    return find


@pytest.fixture
def staff(make_user):
    """A staff member's id, to act in service calls."""
    return make_user("staff")


@pytest.fixture
def details(category):
    """A complete proposal's content, with overrides."""

    def make(**overrides) -> dict:
        return {
            "kind": "draft_project",
            "title": "ระบบแจ้งเตือนน้ำท่วมด้วยเซนเซอร์ไอโอที",
            "summary": "ติดตั้งเซนเซอร์วัดระดับน้ำและแจ้งเตือนประชาชนผ่านแอปพลิเคชัน",
            "problem": "หน่วยงานท้องถิ่นไม่ทราบระดับน้ำแบบทันเวลา",
            "approach": "เซนเซอร์ LoRaWAN และแดชบอร์ดกลาง",
            "requested_support": "งบประมาณ 2 ล้านบาท และข้อมูลจากกรมชลประทาน",
            "category_id": category("iot"),
            "contact_id": None,
        } | overrides

    return make


@pytest.fixture
def submit(app, staff, details):
    """Submit a proposal for an organisation (by a staff member unless ``by`` names a user)
    and take it to ``status``; returns its id."""

    def do(organisation_id: int, status=ProposalStatus.SUBMITTED, by: int | None = None,
           **overrides) -> int:  # fmt: skip
        with app.app_context():
            actor = db.session.get(User, by or staff)
            proposal = services.submit_proposal(
                actor=actor, organisation_id=organisation_id, **details(**overrides)
            )
            move(proposal, ProposalStatus(status), db.session.get(User, staff))
            return proposal.id

    return do


def move(proposal: Proposal, status: ProposalStatus, actor) -> None:
    """Take a proposal to a status the way staff would (straight to on_agenda is allowed
    here: the agenda tests put proposals on real meetings)."""
    for step in PATH[status]:
        target = ProposalStatus(step)
        if target is ProposalStatus.ON_AGENDA:
            services._lock(proposal)
            services._set_status(proposal, actor, target, "ทดสอบ", "changed status")
            db.session.commit()
        elif target is ProposalStatus.WITHDRAWN:
            services.withdraw_proposal(proposal, actor, reason="ทดสอบ")
        else:
            services.change_status(
                proposal, actor, to=target, reason="ทดสอบ", forwarded_to="คณะกรรมการดิจิทัล"
            )


@pytest.fixture
def call(app):
    """Run a service on a proposal fetched afresh, as a user: call(fn, proposal_id, user_id,
    *args, **kwargs)."""

    def do(fn, proposal_id: int, user_id: int | None, *args, **kwargs):
        with app.app_context():
            proposal = db.session.get(Proposal, proposal_id)
            actor = db.session.get(User, user_id) if user_id else None
            try:
                return fn(proposal, actor, *args, **kwargs)
            except Exception:
                db.session.rollback()
                raise

    return do


@pytest.fixture
def endorse(app, call):
    """A representative (or staff) endorses; returns the endorsement's id."""

    def do(proposal_id: int, user_id: int, organisation_id: int | None = None, **fields) -> int:
        with app.app_context():
            if organisation_id is None:
                organisation_id = db.session.get(User, user_id).organisation_id
        fields.setdefault("statement", "สมาคมสนับสนุนข้อเสนอนี้")
        return call(
            lambda proposal, actor: (
                services.endorse(proposal, actor, organisation_id=organisation_id, **fields).id
            ),
            proposal_id,
            user_id,
        )

    return do


@pytest.fixture
def read(app):
    """Read a proposal's state afresh: status, count, endorsements and history."""

    def do(proposal_id: int) -> SimpleNamespace:
        with app.app_context():
            proposal = db.session.get(Proposal, proposal_id)
            endorsements = db.session.scalars(
                sa.select(Endorsement)
                .where(Endorsement.proposal_id == proposal_id)
                .order_by(Endorsement.id)
            ).all()
            return SimpleNamespace(
                status=proposal.status,
                count=proposal.endorsement_count,
                title=proposal.title,
                search_text=proposal.search_text,
                forwarded_to=proposal.forwarded_to,
                endorsements=[
                    SimpleNamespace(
                        id=e.id,
                        organisation_id=e.organisation_id,
                        active=e.active,
                        recorded_by_staff=e.recorded_by_staff,
                        letter_path=e.letter_path,
                        endorsed_on=e.endorsed_on,
                        withdrawal_reason=e.withdrawal_reason,
                    )
                    for e in endorsements
                ],
                history=[(h.from_status, h.to_status, h.reason) for h in proposal.history],
                attachments=[(a.filename, a.public, a.path) for a in proposal.attachments],
            )

    return do


@pytest.fixture
def events(app):
    """The audit actions recorded on a record, oldest first."""

    def do(record_type: str, record_id: int) -> list[tuple[str, dict]]:
        with app.app_context():
            rows = db.session.scalars(
                sa.select(AuditEvent)
                .where(AuditEvent.record_type == record_type, AuditEvent.record_id == record_id)
                .order_by(AuditEvent.id)
            )
            return [(event.action, event.changes) for event in rows]

    return do


@pytest.fixture
def count(app):
    """How many rows a model has (to show that a refusal saved nothing)."""

    def do(model) -> int:
        with app.app_context():
            return db.session.scalar(sa.select(sa.func.count()).select_from(model))

    return do


@pytest.fixture
def meeting(app, make_committee, appoint, make_contact):  # noqa: F811
    """A committee with a scheduled meeting: returns (committee id, meeting id); the
    secretary seat is linked to ``secretary`` (a user id) when given."""

    def build(secretary: int | None = None, held_on: date = date(2030, 3, 10)) -> tuple:
        committee = make_committee()
        appoint(committee, make_contact(), "chair")
        appoint(committee, make_contact(), "secretary", user_id=secretary)
        with app.app_context():
            scheduled = meetings.schedule_meeting(
                db.session.get(Committee, committee),
                actor=None,
                held_on=held_on,
                starts_at=time(9, 30),
                ends_at=time(12, 0),
                venue="ห้องประชุม DGTi",
            )
            return committee, scheduled.id

    return build
