"""A small registry to read through the API, and clients that carry tokens."""

from __future__ import annotations

from datetime import date, time, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from registry import audit
from registry.agreements.models import Agreement, AgreementParty, AgreementStatus
from registry.agreements.services import today
from registry.committees.models import Committee, CommitteeKind, MemberRole, Membership
from registry.db import db
from registry.meetings.models import AgendaItem, Meeting, MeetingStatus, Outcome
from registry.organisations.models import OrganisationKind, OrganisationStatus
from registry.proposals.models import (
    Category,
    Endorsement,
    Proposal,
    ProposalKind,
    ProposalStatus,
)
from tests.api.helpers import bearer, issue_token

TODAY = today()


@pytest.fixture(autouse=True)
def english_by_default(app, monkeypatch):
    """Messages are checked in English (Thai is the default language)."""
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "en")


def _agreement(n: int, status: AgreementStatus, parties: list[int], **fields) -> Agreement:
    agreement = Agreement(
        reference=f"API-{n:03d}",
        reference_year=2569,
        reference_number=n,
        title_th=f"ความร่วมมือทดสอบ {n}",
        title_en=f"Test cooperation {n}",
        status=status,
        parties=[
            AgreementParty(
                organisation_id=org,
                position=i + 1,
                short_name_th=f"ฝ่าย{i + 1}",
                signatory_name=f"นายลงนาม {i + 1}",
            )
            for i, org in enumerate(parties)
        ],
        **fields,
    )
    db.session.add(agreement)
    return agreement


@pytest.fixture
def world(app, make_organisation, make_contact, make_user):
    """Two associations (A, whose representative holds a token, and B), DGA; agreements of
    both, a committee where A sits and one where it does not, a meeting of each, and a
    proposal from each. Returns the ids."""
    dga = make_organisation(
        "สำนักงานพัฒนารัฐบาลดิจิทัล",
        kind=OrganisationKind.OWN_AGENCY,
        acronym="DGA",
        status=OrganisationStatus.ACTIVE,
    )
    a = make_organisation(
        "สมาคมปัญญาประดิษฐ์ทดสอบ",
        name_en="Test AI Association",
        acronym="TAI",
        province="10",
        status=OrganisationStatus.ACTIVE,
    )
    b = make_organisation(
        "สมาคมไอโอทีทดสอบ",
        name_en="Test IoT Association",
        acronym="TIOT",
        province="50",
        kind=OrganisationKind.FEDERATION,
    )
    a_person = make_contact(a, first_name="ปัญญา", last_name="ทดสอบ")
    b_person = make_contact(b, first_name="สมร", last_name="ไอโอที")
    secretary = make_user("secretary")
    with app.app_context():
        signed_a = _agreement(
            1,
            AgreementStatus.SIGNED,
            [dga, a],
            signed_on=TODAY - timedelta(30),
            effective_until=TODAY + timedelta(400),
        )
        draft_a = _agreement(2, AgreementStatus.DRAFT, [dga, a])
        signed_b = _agreement(
            3,
            AgreementStatus.SIGNED,
            [dga, b],
            signed_on=TODAY - timedelta(30),
            effective_until=TODAY + timedelta(30),
        )
        joint = Committee(
            kind=CommitteeKind.JOINT,
            name_th="คณะกรรมการร่วมทดสอบ",
            name_en="Test joint committee",
            established_on=date(2024, 1, 1),
        )
        group = Committee(
            kind=CommitteeKind.WORKING_GROUP,
            name_th="คณะทำงานทดสอบ",
            parent=joint,
            established_on=date(2024, 1, 1),
        )
        db.session.add_all([joint, group])
        db.session.flush()
        db.session.add_all(
            [
                Membership(
                    committee_id=joint.id,
                    contact_id=a_person,
                    role=MemberRole.MEMBER,
                    organisation_id=a,
                    term_start=date(2024, 1, 1),
                ),
                Membership(
                    committee_id=group.id,
                    contact_id=b_person,
                    role=MemberRole.SECRETARY,
                    organisation_id=b,
                    term_start=date(2024, 1, 1),
                    user_id=secretary,
                ),
            ]
        )
        certified = Meeting(
            committee_id=joint.id,
            year_be=2569,
            number=1,
            held_on=TODAY - timedelta(60),
            starts_at=time(13, 30),
            status=MeetingStatus.MINUTES_CERTIFIED,
        )
        drafted = Meeting(
            committee_id=joint.id,
            year_be=2569,
            number=2,
            held_on=TODAY - timedelta(10),
            starts_at=time(9, 30),
            status=MeetingStatus.MINUTES_DRAFTED,
        )
        group_meeting = Meeting(
            committee_id=group.id,
            year_be=2569,
            number=1,
            held_on=TODAY + timedelta(10),
            starts_at=time(10, 0),
        )
        db.session.add_all([certified, drafted, group_meeting])
        db.session.flush()
        for meeting in (certified, drafted):
            db.session.add(
                AgendaItem(
                    meeting_id=meeting.id,
                    section=4,
                    position=1,
                    title="เรื่องเพื่อพิจารณา",
                    resolution="ที่ประชุมเห็นชอบ",
                    outcome=Outcome.APPROVED,
                )
            )
        category = db.session.scalar(sa.select(Category).where(Category.code == "ai"))
        from_a = Proposal(
            kind=ProposalKind.DRAFT_PROJECT,
            title="ระบบแชตบอตภาษาไทย",
            summary="สรุปย่อ",
            requested_support="งบประมาณสองล้านบาท",
            organisation_id=a,
            category_id=category.id,
            status=ProposalStatus.SCREENING,
            endorsement_count=1,
        )
        from_b = Proposal(
            kind=ProposalKind.RECOMMENDATION,
            title="เซนเซอร์น้ำท่วม",
            summary="สรุป",
            requested_support="อุปกรณ์ห้าสิบชุด",
            organisation_id=b,
            category_id=category.id,
        )
        db.session.add_all([from_a, from_b])
        db.session.flush()
        db.session.add(
            Endorsement(
                proposal_id=from_a.id, organisation_id=b, statement="สนับสนุนเต็มที่", endorsed_on=TODAY
            )
        )
        audit.record_event(None, "created (test)", record_type="agreements")
        db.session.commit()
        ids = SimpleNamespace(
            dga=dga,
            a=a,
            b=b,
            secretary=secretary,
            signed_a=signed_a.id,
            draft_a=draft_a.id,
            signed_b=signed_b.id,
            joint=joint.id,
            group=group.id,
            certified=certified.id,
            drafted=drafted.id,
            group_meeting=group_meeting.id,
            from_a=from_a.id,
            from_b=from_b.id,
            category=category.id,
        )
    return ids


@pytest.fixture
def api(app, client, make_user):
    """A GET through the API with a new token of a role: api(role, url, **params) ->
    (status, JSON body). ``organisation_id=`` sets a representative's association."""
    secrets: dict = {}

    def get(role: str, url: str, organisation_id: int | None = None, **params):
        key = (role, organisation_id)
        if key not in secrets:
            fields = {"organisation_id": organisation_id} if organisation_id else {}
            secrets[key] = issue_token(app, make_user(role, **fields))
        with client.get(url, query_string=params, headers=bearer(secrets[key])) as response:
            assert response.headers["Cache-Control"] == "no-store"
            assert response.mimetype == "application/json"
            return response.status_code, response.get_json()

    return get
