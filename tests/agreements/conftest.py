"""Helpers for the agreement tests: content to draft from, agreements in any status, users."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from registry.agreements import services
from registry.agreements.demo import simple_pdf
from registry.agreements.models import Agreement, AgreementStatus
from registry.audit.models import AuditEvent
from registry.auth.models import User
from registry.db import db
from registry.organisations.models import OrganisationKind


def content_for(organisation_ids: list[int], **overrides) -> dict:
    """A complete draft's content between the given organisations."""
    names = ["สพร.", "สมาคม", "มหาวิทยาลัย", "สภา"]
    content = {
        "kind": "MOU",
        "language": "th",
        "title_th": "ความร่วมมือด้านนวัตกรรมดิจิทัลภาครัฐ",
        "title_en": "Cooperation on Government Digital Innovation",
        "signing_place": "สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน)",
        "signed_on": None,
        "effective_from": None,
        "effective_until": None,
        "objectives_th": "เพื่อร่วมกันพัฒนานวัตกรรมดิจิทัลสำหรับบริการภาครัฐ",
        "objectives_en": "To develop digital innovation for government services together.",
        "clauses_th": "ร่วมกันพัฒนาบริการ\n- แลกเปลี่ยนข้อมูล\n- จัดกิจกรรมร่วมกัน\nส่งเสริมผู้ประกอบการ",
        "clauses_en": "Develop services together\n- Share information\n- Hold joint events\n"
        "Promote entrepreneurs",
        "copies": 2,
        "notice_days": 30,
        "responsible_id": None,
        "parties": [
            {
                "organisation_id": organisation_id,
                "short_name_th": names[index],
                "short_name_en": ["DGA", "the Association", "the University", "FTI"][index],
                "signatory_name": f"นายทดสอบ ลงนาม{index + 1}",
                "signatory_position": "ผู้อำนวยการ" if index == 0 else "นายกสมาคม",
                "signatory_name_en": f"Mr Test Signer {index + 1}",
                "signatory_position_en": "Director" if index == 0 else "President",
                "responsibilities_th": "ประสานงาน\nสนับสนุนวิทยากร",
                "responsibilities_en": "Coordinate\nProvide speakers",
            }
            for index, organisation_id in enumerate(organisation_ids)
        ],
        "witnesses": [
            {"name": "นางสาวพยาน หนึ่ง", "witness_position": "ผู้อำนวยการฝ่าย", "organisation_id": None}
        ],
    }
    content.update(overrides)
    return content


@pytest.fixture
def two_organisations(make_organisation):
    """DGA's side and a partner association: their ids."""
    own = make_organisation(kind=OrganisationKind.OWN_AGENCY)
    partner = make_organisation()
    return own, partner


@pytest.fixture
def staff_user(make_user, get_user):
    """A staff member (detached), to act in service calls."""
    return make_user("staff")


@pytest.fixture
def actor(app):
    """Load a user inside the current app context."""
    return lambda user_id: db.session.get(User, user_id)


@pytest.fixture
def make_agreement(app, two_organisations, staff_user):
    """Create an agreement between DGA's side and a partner, taken to the status asked for;
    returns its id."""

    def factory(
        status: AgreementStatus = AgreementStatus.DRAFT,
        organisation_ids: list[int] | None = None,
        signed_on: date | None = None,
        scan: bool = False,
        **overrides,
    ) -> int:
        ids = organisation_ids or list(two_organisations)
        with app.app_context():
            user = db.session.get(User, staff_user)
            agreement = services.create_agreement(content_for(ids, **overrides), actor=user)
            if status is not AgreementStatus.DRAFT:
                services.submit_for_review(agreement, user)
            if status in (
                AgreementStatus.APPROVED,
                AgreementStatus.SIGNED,
                AgreementStatus.TERMINATED,
            ):
                services.approve(agreement, user)
            if status in (AgreementStatus.SIGNED, AgreementStatus.TERMINATED):
                services.sign(
                    agreement,
                    user,
                    signed_on=signed_on or services.today() - timedelta(days=10),
                    signing_place="กรุงเทพมหานคร",
                    scan=simple_pdf(["signed"]) if scan else None,
                    scan_filename="signed.pdf" if scan else None,
                )
            if status is AgreementStatus.TERMINATED:
                services.terminate(
                    agreement, user, terminated_on=services.today(), reason="ยุติโดยความตกลง"
                )
            return agreement.id

    return factory


@pytest.fixture
def get_agreement(fetch):
    """Read an agreement afresh (detached: only its columns)."""
    return lambda agreement_id: fetch(Agreement, agreement_id)


@pytest.fixture
def count_agreements(app):
    """How many agreements there are."""

    def count() -> int:
        with app.app_context():
            return db.session.scalar(sa.select(sa.func.count(Agreement.id)))

    return count


@pytest.fixture
def agreement_events(app):
    """The audit actions recorded on one agreement, oldest first."""

    def events(agreement_id: int) -> list[tuple[str, dict]]:
        with app.app_context():
            rows = db.session.scalars(
                sa.select(AuditEvent)
                .where(AuditEvent.record_type == "agreements", AuditEvent.record_id == agreement_id)
                .order_by(AuditEvent.id)
            )
            return [(event.action, event.changes) for event in rows]

    return events


@pytest.fixture
def sign_in_en(client, sign_in):
    """Sign in as a new user of a role, reading in English (messages are checked in English)."""

    def do(role="staff", **fields) -> int:
        user_id = sign_in(role, **fields)
        client.post("/language", data={"locale": "en"}).close()
        return user_id

    return do


@pytest.fixture(autouse=True)
def english_by_default(app, monkeypatch):
    """Messages are checked in English: the default language is Thai, so make it English here
    (a test that wants Thai signs in a user whose language is Thai)."""
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "en")
