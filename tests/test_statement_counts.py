"""No N+1 anywhere: a page's SQL statement count does not grow with the rows it shows.

Each page in ``PAGES`` is built with a few rows of what it shows (``SMALL``), requested and
its SQL statements counted; then more of the same rows are added (up to ``LARGE``, still
within one page of a list) and it is counted again. The counts must be equal. Every row
added brings its own related records (its own organisation, contact, user, category ...),
so a lazy load per row shows: the identity map would hide it if all rows shared one.

Each size is requested twice and every request is counted: the first ("cold") renders and
stores what the page keeps (documents, kept results), the second ("warm") reads them back;
each must be the same at both sizes. Before the first count the page is requested once
so that what a process loads once (settings, labels) does not count.

Adding a page is one line in ``PAGES``: a name, its endpoint, the role that sees the most,
a scenario (``setup`` once, then ``grow`` by k rows) and the query string. A form on one
record that lists none of the rows added is still measured as the record grows
(``one_record``). ``test_every_get_route_is_covered`` fails when a GET route is neither
measured here nor excluded, with its reason, in ``EXCLUDED``; the JSON API, the open data
files and the health check count their own statements in their tests.

Run on PostgreSQL too: ``TEST_DATABASE_URL=... pytest tests/test_statement_counts.py``.
"""

from __future__ import annotations

import itertools
import re
import subprocess
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from registry import audit
from registry.agreements import services as agreements
from registry.agreements.demo import simple_pdf
from registry.agreements.models import Agreement, AgreementParty, Amendment, Witness
from registry.api import services as api_tokens
from registry.auth.models import User
from registry.committees import services as committees
from registry.committees.models import Committee
from registry.committees.queries import sitting_members
from registry.db import db
from registry.documents.models import DocumentVersion
from registry.i18n import be_year
from registry.letters.models import Letter, LetterKind
from registry.letters.services import today as letters_today
from registry.meetings import services as meetings
from registry.meetings.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    AttendanceKind,
    Meeting,
    MeetingStatus,
    MinutesAmendment,
)
from registry.organisations.models import Organisation, OrganisationKind, OrganisationStatus
from registry.proposals import services as proposals
from registry.proposals.models import AgreementAnnex, Category, Proposal, ProposalStatus

#: Rows of what the page shows, first and then: both within one page of every list.
SMALL, LARGE = 2, 6
#: The day the test committees start and the day their meetings are held.
START, DAY = date(2024, 1, 1), date(2025, 3, 10)
PDF = simple_pdf(["N+1"])

_serial = itertools.count(1)


# --- building rows -------------------------------------------------------------------------


class World:
    """Makes records, each with its own related records, inside an app context each time."""

    def __init__(self, app, make_organisation, make_contact, make_user):
        self.app = app
        self.organisation = make_organisation
        self.contact = make_contact
        self.user = make_user

    def run(self, fn: Callable, *args, **kwargs):
        """Call fn inside an app context with a new member of staff as first argument: each
        record made has its own author (the identity map would hide a load per row of one
        shared author)."""
        staff_id = self.user("staff")
        with self.app.app_context():
            return fn(db.session.get(User, staff_id), *args, **kwargs)

    def add(self, *records) -> list[int]:
        """Save records as they are, with the audit event every write needs."""
        with self.app.app_context():
            for record in records:
                db.session.add(record)
            db.session.flush()
            for record in records:
                audit.record_event(None, "created (test)", record)
            db.session.commit()
            return [getattr(record, "id", None) for record in records]

    # organisations and people

    def partner(self) -> int:
        """A new, active association."""
        return self.organisation(status=OrganisationStatus.ACTIVE)

    def person(self, organisation_id: int | None = None) -> int:
        """A contact at a new organisation (or the one given)."""
        return self.contact(organisation_id or self.partner())

    # agreements

    def agreement(self, parties: int = 2, signed: bool = False) -> int:
        """A draft (or signed) agreement between DGA's side and new partners."""
        ids = [self.organisation(kind=OrganisationKind.OWN_AGENCY)]
        ids += [self.partner() for _ in range(parties - 1)]
        content = {
            "kind": "MOU",
            "language": "th",
            "title_th": f"ความร่วมมือด้านนวัตกรรมดิจิทัล {next(_serial)}",
            "title_en": "Cooperation on digital innovation",
            "signing_place": "สำนักงานพัฒนารัฐบาลดิจิทัล",
            "objectives_th": "เพื่อร่วมกันพัฒนานวัตกรรมดิจิทัลสำหรับบริการภาครัฐ",
            "clauses_th": "ร่วมกันพัฒนาบริการ\n- แลกเปลี่ยนข้อมูล",
            "copies": 2,
            "notice_days": 30,
            "responsible_id": None,
            "parties": [
                {
                    "organisation_id": ident,
                    "short_name_th": f"ฝ่ายที่ {index + 1}",
                    "signatory_name": f"นายทดสอบ ลงนาม{index + 1}",
                    "signatory_position": "ผู้อำนวยการ",
                }
                for index, ident in enumerate(ids)
            ],
            "witnesses": [],
        }

        def make(staff):
            agreement = agreements.create_agreement(content, actor=staff)
            if signed:
                agreements.submit_for_review(agreement, staff)
                agreements.approve(agreement, staff)
                agreements.sign(
                    agreement,
                    staff,
                    signed_on=agreements.today() - timedelta(days=10),
                    signing_place="กรุงเทพมหานคร",
                    scan=None,
                    scan_filename=None,
                )
            return agreement.id

        return self.run(make)

    def agreement_rows(self, agreement_id: int, k: int) -> None:
        """k more parties (each with a witness), amendments, stored PDF versions and annexed
        proposals of an agreement."""
        with self.app.app_context():
            agreement = db.session.get(Agreement, agreement_id)
            parties = len(agreement.parties)
            versions = db.session.scalar(
                sa.select(sa.func.count(DocumentVersion.id)).where(
                    DocumentVersion.record_type == "agreements",
                    DocumentVersion.record_id == agreement_id,
                )
            )
            amendments = len(agreement.amendments)
        records = []
        for n in range(k):
            user = self.user("staff")
            party = AgreementParty(
                agreement_id=agreement_id,
                organisation_id=self.partner(),
                position=parties + n + 1,
                short_name_th=f"ฝ่ายที่ {parties + n + 1}",
                signatory_name="นายทดสอบ ลงนาม",
            )
            records.append(party)
            records.append(
                Witness(agreement_id=agreement_id, position=parties + n + 1,
                        name="นางพยาน ทดสอบ", party=party)
            )  # fmt: skip
            records.append(
                AgreementAnnex(agreement_id=agreement_id, proposal_id=self.proposal(),
                               created_by_id=user)
            )  # fmt: skip
            records.append(
                Amendment(
                    agreement_id=agreement_id,
                    number=amendments + n + 1,
                    made_on=DAY,
                    text="แก้ไขข้อ 2",
                    created_by_id=user,
                )
            )
            records.append(document_version("agreements", agreement_id, versions + n + 1, user))
        self.add(*records)

    # committees and meetings

    def committee(self, **fields) -> int:
        """A new joint committee."""
        details = {
            "kind": "joint_committee",
            "name_th": f"คณะกรรมการทดสอบ {next(_serial)}",
            "established_on": START,
        } | fields
        with self.app.app_context():
            return committees.create_committee(actor=None, **details).id

    def seat(self, committee_id: int, role: str = "member", contact_id=None, **fields) -> int:
        """A seat for a new person at a new organisation (or the contact given)."""
        contact_id = contact_id or self.person()
        with self.app.app_context():
            committee = db.session.get(Committee, committee_id)
            return committees.appoint(
                committee,
                actor=None,
                contact_id=contact_id,
                role=role,
                term_start=fields.pop("term_start", START),
                **fields,
            ).id

    def committee_rows(self, committee_id: int, k: int) -> None:
        """k more sitting (some with an account), past and future seats and subcommittees of a
        committee."""
        for _ in range(k):
            self.seat(committee_id)
            self.seat(committee_id, "assistant_secretary", user_id=self.user("secretary"))
            self.seat(committee_id, term_start=START, term_end=START + timedelta(days=30))
            self.seat(committee_id, term_start=date.today() + timedelta(days=400))
            self.committee(kind="subcommittee", parent_id=committee_id)

    def meeting(self, committee_id: int, held_on: date = DAY) -> int:
        """A scheduled meeting of a committee."""
        with self.app.app_context():
            return meetings.schedule_meeting(
                db.session.get(Committee, committee_id),
                actor=None,
                held_on=held_on,
                starts_at=time(9, 30),
                ends_at=time(12, 0),
                venue="ห้องประชุม 1",
            ).id

    def meeting_rows(self, meeting_id: int, k: int) -> None:
        """k more seats with attendance, guests, agenda items (each with a proposal and an
        action item) on a meeting."""
        with self.app.app_context():
            committee_id = db.session.get(Meeting, meeting_id).committee_id
        seats = [self.seat(committee_id) for _ in range(k)]
        kinds = itertools.cycle([AttendanceKind.PRESENT, AttendanceKind.ABSENT,
                                 AttendanceKind.SUBSTITUTE])  # fmt: skip
        records = []
        for seat in seats:
            kind = next(kinds)
            records.append(
                Attendance(
                    meeting_id=meeting_id,
                    membership_id=seat,
                    kind=kind,
                    absence_reason="ติดราชการ" if kind is AttendanceKind.ABSENT else None,
                    name="นายแทน ทดสอบ" if kind is AttendanceKind.SUBSTITUTE else None,
                    position="ผู้อำนวยการกอง" if kind is AttendanceKind.SUBSTITUTE else None,
                )
            )
            records.append(
                Attendance(meeting_id=meeting_id, kind=AttendanceKind.GUEST, name="นางแขก ทดสอบ")
            )
            records.append(
                MinutesAmendment(meeting_id=meeting_id, number=next(_serial),
                                 text="แก้ไขรายงานการประชุม", created_by_id=self.user("staff"))
            )  # fmt: skip
        self.add(*records)
        earlier_items = []
        for _ in range(k):  # items of earlier meetings that this one follows up (section 3)
            earlier = self.meeting(
                committee_id, held_on=START + timedelta(days=next(_serial) % 300)
            )
            with self.app.app_context():
                earlier_items.append(
                    meetings.add_item(
                        db.session.get(Meeting, earlier), actor=None, section=4, title="ติดตาม"
                    ).id
                )
        with self.app.app_context():
            meeting = db.session.get(Meeting, meeting_id)
            for earlier_item in earlier_items:
                follow = AgendaItem(
                    meeting=meeting,
                    section=3,
                    position=100 + earlier_item,
                    title="เรื่องสืบเนื่อง",
                    follows_item_id=earlier_item,
                )
                with audit.change(follow, None, "created (test)"):
                    pass
            db.session.commit()
            for n in range(k):
                proposal_id = self.proposal()
                item = meetings.add_item(meeting, actor=None, section=4, title=f"เรื่องเพื่อพิจารณา {n}")
                item.proposal_id = proposal_id
                db.session.add(
                    ActionItem(agenda_item=item, text="จัดทำรายงาน", owner="ฝ่ายเลขานุการ",
                               due_on=DAY + timedelta(days=30))
                )  # fmt: skip
                audit.record_event(None, "created (test)", item)
                db.session.commit()

    # proposals

    def category(self) -> int:
        """A new category."""
        n = next(_serial)
        return self.add(Category(code=f"c{n}", name_th=f"หมวดทดสอบ {n}", name_en=f"Test {n}"))[0]

    def proposal(self, organisation_id: int | None = None, **fields) -> int:
        """A proposal submitted by staff for a new organisation, in a new category."""
        organisation_id = organisation_id or self.partner()
        details = {
            "kind": "draft_project",
            "title": f"ระบบแจ้งเตือนน้ำท่วม {next(_serial)}",
            "summary": "ติดตั้งเซนเซอร์วัดระดับน้ำ",
            "problem": "หน่วยงานท้องถิ่นไม่ทราบระดับน้ำแบบทันเวลา",
            "approach": "เซนเซอร์ LoRaWAN",
            "requested_support": "งบประมาณ",
            "category_id": self.category(),
            "contact_id": None,
        } | fields
        return self.run(
            lambda staff: (
                proposals.submit_proposal(
                    actor=staff, organisation_id=organisation_id, **details
                ).id
            )
        )

    def endorse(self, proposal_id: int, organisation_id: int | None = None) -> int:
        """An endorsement recorded by staff for a new organisation, with a letter."""
        organisation_id = organisation_id or self.partner()

        def do(staff):
            return proposals.endorse(
                db.session.get(Proposal, proposal_id),
                staff,
                organisation_id=organisation_id,
                statement="สมาคมสนับสนุนข้อเสนอนี้",
                letter=PDF,
                letter_filename="letter.pdf",
            ).id

        return self.run(do)

    def proposal_rows(self, proposal_id: int, k: int) -> None:
        """k more endorsements, attachments, timeline entries, agenda items and agreement
        annexes of a proposal."""
        with self.app.app_context():
            status = db.session.get(Proposal, proposal_id).status
        for _ in range(k):
            self.endorse(proposal_id)
            self.run(
                lambda staff: proposals.add_attachment(
                    db.session.get(Proposal, proposal_id),
                    self_user(self.user("staff")),
                    data=PDF,
                    filename="annex.pdf",
                    public=True,
                )
            )
            agreement_id = self.agreement()
            self.run(
                lambda staff, agreement_id=agreement_id: proposals.annex_to_agreement(
                    db.session.get(Proposal, proposal_id),
                    staff,
                    agreement=db.session.get(Agreement, agreement_id),
                )
            )
            committee_id = self.committee()
            self.seat(committee_id, "chair")
            meeting_id = self.meeting(committee_id, held_on=date.today() + timedelta(days=30))
            self.run(
                lambda staff, meeting_id=meeting_id: proposals.place_on_agenda(
                    db.session.get(Proposal, proposal_id),
                    self_user(self.user("staff")),
                    meeting=db.session.get(Meeting, meeting_id),
                )
            )
            # Back and forth between screening and on the agenda: one timeline entry each.
            status = (
                ProposalStatus.SCREENING
                if status is not ProposalStatus.SCREENING
                else ProposalStatus.ON_AGENDA
            )
            self.run(
                lambda staff, status=status: (
                    proposals._set_status(
                        db.session.get(Proposal, proposal_id),
                        self_user(self.user("staff")),
                        status,
                        "ทดสอบ",
                        "changed status",
                    )
                    or db.session.commit()
                )
            )


def self_user(user_id: int) -> User:
    """An account, in the current app context."""
    return db.session.get(User, user_id)


def document_version(record_type: str, record_id: int, version: int, user_id: int):
    """A stored PDF version (its file is not needed by the pages that list versions)."""
    n = next(_serial)
    return DocumentVersion(
        record_type=record_type,
        record_id=record_id,
        version=version,
        variant="th",
        reference=f"REF-{n}",
        content_hash=f"{n:064d}",
        sha256=f"{n:064d}",
        size=1000,
        storage_path=f"test/{record_type}-{record_id}-{n}.pdf",
        created_by_id=user_id,
    )


# --- the pages ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """A page to measure: who reads it, where it is, and how to add k rows of what it shows.

    ``setup(world)`` returns a namespace (its ``url`` and, for a representative, the
    ``organisation`` they act for); ``grow(world, ctx, k)`` adds k rows of what the page
    shows.
    """

    name: str
    endpoint: str
    role: str
    setup: Callable[[World], SimpleNamespace]
    grow: Callable[[World, SimpleNamespace, int], None]
    params: dict = field(default_factory=dict)
    #: False for a form on one record that does not list the rows added: its count must
    #: still not depend on them.
    shows_rows: bool = True


def one_record(*args, **kwargs) -> Page:
    """A form on one record that does not list the rows added (see ``Page.shows_rows``)."""
    return Page(*args, **kwargs, shows_rows=False)


def _ns(**values) -> SimpleNamespace:
    return SimpleNamespace(**values)


# Scenarios: setup, grow.


def organisations_list(url="/organisations/"):
    """Organisations, each with contacts, in the list (and the export)."""

    def setup(w):
        return _ns(url=url)

    def grow(w, ctx, k):
        for _ in range(k):
            organisation = w.organisation(
                f"สมาคมค้นหา {next(_serial)}", status=OrganisationStatus.ACTIVE
            )
            w.person(organisation)
            w.person(organisation)

    return setup, grow


def organisation_page():
    """One organisation: contacts, agreements, seats, proposals, endorsements, accounts."""

    def setup(w):
        organisation = w.partner()
        return _ns(url=f"/organisations/{organisation}", organisation=organisation)

    def grow(w, ctx, k):
        for _ in range(k):
            with w.app.app_context():  # a change to the register, by its own author
                organisation = db.session.get(Organisation, ctx.organisation)
                with audit.change(organisation, self_user(w.user("staff")), "updated"):
                    organisation.website = f"https://example{next(_serial)}.or.th"
                db.session.commit()
            contact = w.person(ctx.organisation)
            w.user("representative", organisation_id=ctx.organisation)
            committee = w.committee()
            w.seat(committee, contact_id=contact)
            proposal = w.proposal(ctx.organisation)
            w.endorse(w.proposal(), ctx.organisation)
            w.endorse(proposal)
            agreement = w.agreement()
            w.add(
                AgreementParty(
                    agreement_id=agreement,
                    organisation_id=ctx.organisation,
                    position=9,
                    short_name_th="สมาคม",
                )
            )

    return setup, grow


def personal_data():
    """What the registry holds about a person: their seats and the proposals they are the
    contact for."""

    def setup(w):
        organisation = w.partner()
        contact = w.person(organisation)
        return _ns(url=f"/organisations/contacts/{contact}/personal-data.json", contact=contact,
                   organisation=organisation)  # fmt: skip

    def grow(w, ctx, k):
        for _ in range(k):
            w.seat(w.committee(), contact_id=ctx.contact)
            w.proposal(ctx.organisation, contact_id=ctx.contact)

    return setup, grow


def representatives_page():
    """An organisation's representative accounts, invitations and people."""

    def setup(w):
        organisation = w.partner()
        return _ns(url=f"/organisations/{organisation}/representatives",
                   organisation=organisation)  # fmt: skip

    def grow(w, ctx, k):
        from registry.auth import invitations

        for _ in range(k):
            w.user("representative", organisation_id=ctx.organisation)
            contact = w.person(ctx.organisation)
            inviter = w.user("staff")
            with w.app.test_request_context():
                from registry.organisations.models import Contact

                invitations.send_invitation(db.session.get(Contact, contact), self_user(inviter))

    return setup, grow


def my_association():
    """The representative's own association: its people, agreements, seats, proposals."""

    def setup(w):
        organisation = w.partner()
        return _ns(url="/organisations/mine", organisation=organisation)

    def grow(w, ctx, k):
        organisation_page()[1](w, ctx, k)

    return setup, grow


def agreements_list(url="/agreements/", signed=False):
    """Agreements, each between new organisations, with a responsible member of staff."""

    def setup(w):
        return _ns(url=url)

    def grow(w, ctx, k):
        for _ in range(k):
            ident = w.agreement(parties=3, signed=signed)
            with w.app.app_context():
                db.session.get(Agreement, ident).responsible_id = w.user("staff")
                audit.record_event(None, "changed (test)", record_type="agreements")
                db.session.commit()

    return setup, grow


def expiring_agreements():
    """Agreements in force that end soon, in each band."""

    def setup(w):
        return _ns(url="/agreements/expiring")

    def grow(w, ctx, k):
        for n in range(k):
            ident = w.agreement(parties=3, signed=True)
            with w.app.app_context():
                agreement = db.session.get(Agreement, ident)
                agreement.effective_until = agreements.today() + timedelta(days=10 + 30 * (n % 3))
                audit.record_event(None, "changed (test)", agreement)
                db.session.commit()

    return setup, grow


def agreement_page(signed=False, mine=False, path="", prefix=None):
    """One agreement: parties, witnesses, amendments, stored PDF versions (``prefix`` puts
    the agreement under another address: its cover letter)."""

    def setup(w):
        ident = w.agreement(signed=signed)
        with w.app.app_context():
            organisation = db.session.get(Agreement, ident).parties[1].organisation_id
        url = f"{prefix or ('/agreements/mine/' if mine else '/agreements/')}{ident}"
        return _ns(url=url + path, agreement=ident, organisation=organisation)

    def grow(w, ctx, k):
        w.agreement_rows(ctx.agreement, k)

    return setup, grow


def approved_agreement(path: str):
    """A form on an approved agreement (signing it) with many parties."""

    def setup(w):
        ident = w.agreement()
        w.run(lambda staff: agreements.submit_for_review(db.session.get(Agreement, ident), staff))
        w.run(lambda staff: agreements.approve(db.session.get(Agreement, ident), staff))
        return _ns(url=f"/agreements/{ident}{path}", agreement=ident)

    def grow(w, ctx, k):
        w.agreement_rows(ctx.agreement, k)

    return setup, grow


def choices(url: str, make: Callable[[World], object]):
    """A form whose choices list rows: each grow adds k of them."""

    def setup(w):
        return _ns(url=url)

    def grow(w, ctx, k):
        for _ in range(k):
            make(w)

    return setup, grow


def proposal_form(path: str, role: str = "admin"):
    """A form on one proposal (its choices: meetings, agreements, organisations, people)."""

    def setup(w):
        organisation = w.partner()
        proposal = w.proposal(organisation)
        w.run(
            lambda staff: proposals.change_status(
                db.session.get(Proposal, proposal), staff, to="screening", reason="ทดสอบ"
            )
        )
        endorsement = w.endorse(proposal)
        url = f"/proposals/{proposal}{path.format(endorsement=endorsement)}"
        return _ns(url=url, proposal=proposal, organisation=w.partner(),
                   submitter=organisation)  # fmt: skip

    def grow(w, ctx, k):
        for _ in range(k):
            w.partner()
            w.person(ctx.submitter)
            committee = w.committee()
            w.seat(committee, "chair")
            w.meeting(committee, held_on=date.today() + timedelta(days=30))
            w.agreement()
            w.endorse(ctx.proposal)

    return setup, grow


def committee_form(path: str):
    """A form on one committee (its choices: parents, people, organisations, accounts)."""

    def setup(w):
        committee = w.committee()
        seat = w.seat(committee)
        return _ns(url=f"/committees/{committee}{path.format(seat=seat)}", committee=committee)

    def grow(w, ctx, k):
        w.committee_rows(ctx.committee, k)
        for _ in range(k):
            w.user("secretary")

    return setup, grow


def my_agreements():
    """The representative's association's agreements."""

    def setup(w):
        return _ns(url="/agreements/mine", organisation=w.partner())

    def grow(w, ctx, k):
        for _ in range(k):
            ident = w.agreement(signed=True)
            w.add(
                AgreementParty(
                    agreement_id=ident,
                    organisation_id=ctx.organisation,
                    position=9,
                    short_name_th="สมาคม",
                )
            )

    return setup, grow


def committees_list(mine=False):
    """Committees, each with its parent and sitting members."""

    def setup(w):
        return _ns(url="/committees/ours" if mine else "/committees/",
                   organisation=w.partner())  # fmt: skip

    def grow(w, ctx, k):
        for _ in range(k):
            parent = w.committee()
            committee = w.committee(kind="subcommittee", parent_id=parent)
            w.seat(committee, "chair")
            w.seat(committee, contact_id=w.person(ctx.organisation))
            w.seat(parent, contact_id=w.person(ctx.organisation))

    return setup, grow


def committee_page(mine=False):
    """One committee: sitting, past and future members, subcommittees."""

    def setup(w):
        organisation = w.partner()
        committee = w.committee()
        w.seat(committee, contact_id=w.person(organisation))
        url = f"/committees/ours/{committee}" if mine else f"/committees/{committee}"
        return _ns(url=url, committee=committee, organisation=organisation)

    def grow(w, ctx, k):
        w.committee_rows(ctx.committee, k)

    return setup, grow


def meetings_list():
    """Meetings, each of its own committee."""

    def setup(w):
        return _ns(url="/meetings/")

    def grow(w, ctx, k):
        for _ in range(k):
            committee = w.committee()
            w.seat(committee, "chair")
            w.meeting(committee)

    return setup, grow


def meeting_page(path="", mine=False, held=False, certified=False, prefix=None):
    """One meeting: seats and attendance, guests, agenda items with proposals and actions.
    ``path`` may name the setup's records: {item} (an item of section 4), {action} (its action
    item), {certify} (the item certifying the previous meeting's minutes); ``prefix`` puts the
    meeting under another address (its invitation letter)."""

    def setup(w):
        organisation = w.partner()
        committee = w.committee()
        w.seat(committee, "chair", contact_id=w.person(organisation))
        w.seat(committee, "secretary")
        earlier = w.meeting(committee, held_on=DAY - timedelta(days=60))
        with w.app.app_context():
            earlier = db.session.get(Meeting, earlier)
            seats = sitting_members(earlier.committee, earlier.held_on)
            lines = [{"membership_id": seat.id, "kind": "present"} for seat in seats]
            meetings.record_attendance(earlier, actor=None, lines=lines)
            meetings.mark_held(earlier, None, opened_at=time(9, 35), closed_at=time(11, 50))
            meetings.mark_minutes_drafted(earlier, None)
        meeting = w.meeting(committee)
        with w.app.app_context():
            record = db.session.get(Meeting, meeting)
            item = meetings.add_item(record, actor=None, section=4, title="เรื่องเพื่อพิจารณา")
            action = ActionItem(agenda_item=item, text="จัดทำรายงาน", owner="ฝ่ายเลขานุการ")
            audit.record_event(None, "created (test)", record_type="action_items")
            db.session.add(action)
            db.session.commit()
            certify = next(i.id for i in record.items if i.certifies_meeting_id)
            if held:
                meetings.mark_held(record, None, opened_at=time(9, 35), closed_at=time(11, 50))
            ids = {"item": item.id, "action": action.id, "certify": certify}
        start = prefix or ("/meetings/ours/" if mine else "/meetings/")
        url = f"{start}{meeting}{path.format(**ids)}"
        return _ns(url=url, meeting=meeting, organisation=organisation, committee=committee)

    def grow(w, ctx, k):
        # A representative reads the meeting once its minutes are certified.
        if mine or certified:
            _set_status(w, ctx.meeting, MeetingStatus.SCHEDULED)
        w.meeting_rows(ctx.meeting, k)
        if mine or certified:
            _set_status(w, ctx.meeting, MeetingStatus.MINUTES_CERTIFIED)

    return setup, grow


def new_meeting():
    """Scheduling a meeting of a committee with many members."""

    def setup(w):
        committee = w.committee()
        return _ns(url=f"/meetings/committee/{committee}/new", committee=committee)

    def grow(w, ctx, k):
        w.committee_rows(ctx.committee, k)

    return setup, grow


def _set_status(w, meeting_id: int, status: MeetingStatus) -> None:
    with w.app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        with audit.change(meeting, None, "changed (test)"):
            meeting.status = status
        db.session.commit()


def proposals_list(url="/proposals/"):
    """Proposals, each from its own organisation in its own category, with endorsements."""

    def setup(w):
        return _ns(url=url)

    def grow(w, ctx, k):
        for _ in range(k):
            proposal = w.proposal()
            w.endorse(proposal)

    return setup, grow


def proposal_page():
    """One proposal: endorsements, attachments, timeline, agenda items, annexes."""

    def setup(w):
        proposal = w.proposal()
        w.run(
            lambda staff: proposals.change_status(
                db.session.get(Proposal, proposal), staff, to="screening", reason="ทดสอบ"
            )
        )
        return _ns(url=f"/proposals/{proposal}", proposal=proposal)

    def grow(w, ctx, k):
        w.proposal_rows(ctx.proposal, k)

    return setup, grow


def search_page():
    """The search everywhere: organisations, people, agreements, proposals, committees."""

    def setup(w):
        return _ns(url="/search")

    def grow(w, ctx, k):
        for _ in range(k):
            n = next(_serial)
            organisation = w.organisation(f"สมาคมค้นหา {n}", status=OrganisationStatus.ACTIVE)
            w.contact(organisation, first_name=f"ค้นหา{n}")
            w.proposal(title=f"ระบบค้นหา {n}")
            w.committee(name_th=f"คณะกรรมการค้นหา {n}")
            agreement = w.agreement()
            with w.app.app_context():
                record = db.session.get(Agreement, agreement)
                with audit.change(record, None, "changed (test)"):
                    record.title_th = f"ความร่วมมือค้นหา {n}"
                db.session.commit()

    return setup, grow


def home_page(url="/"):
    """The starting page: agreements in review and ending, meetings, proposals to screen,
    endorsements, actions overdue, recent activity; for a representative their own."""

    def setup(w):
        organisation = w.partner()
        committee = w.committee()
        w.seat(committee, "chair")

        def secretary_seat(user_id):  # for a secretary: the committee's secretary seat
            w.seat(committee, "secretary", user_id=user_id)

        return _ns(url=url, organisation=organisation, committee=committee,
                   signed_in=secretary_seat)  # fmt: skip

    def grow(w, ctx, k):
        soon = date.today() + timedelta(days=20)
        for _ in range(k):
            signed = w.agreement(signed=True)
            in_review = w.agreement()
            w.run(
                lambda staff, ident=in_review: agreements.submit_for_review(
                    db.session.get(Agreement, ident), staff
                )
            )
            with w.app.app_context():
                record = db.session.get(Agreement, signed)
                with audit.change(record, None, "changed (test)"):
                    record.effective_until = soon
                db.session.commit()
            w.add(
                AgreementParty(agreement_id=signed, organisation_id=ctx.organisation,
                               position=9, short_name_th="สมาคม")
            )  # fmt: skip
            proposal = w.proposal(ctx.organisation)
            w.endorse(proposal)
            w.endorse(w.proposal(), ctx.organisation)
            committee = w.committee()
            w.seat(committee, "chair")
            w.seat(committee, contact_id=w.person(ctx.organisation))
            w.meeting(committee, held_on=date.today() + timedelta(days=7))
            w.meeting(ctx.committee, held_on=date.today() + timedelta(days=next(_serial)))
            meeting = w.meeting(ctx.committee, held_on=DAY - timedelta(days=next(_serial) % 300))
            with w.app.app_context():
                item = meetings.add_item(
                    db.session.get(Meeting, meeting), actor=None, section=4, title="ติดตามงาน"
                )
                db.session.add(
                    ActionItem(agenda_item=item, text="รายงานผล", owner="สมาคม",
                               due_on=DAY)
                )  # fmt: skip
                audit.record_event(None, "created (test)", item)
                db.session.commit()

    return setup, grow


def letters_register(url="/letters/"):
    """Issued letters of this year, each by its own member of staff, to its own
    organisation, with its stored PDF (the register and its export)."""

    def setup(w):
        return _ns(url=url)

    def grow(w, ctx, k):
        year = be_year(letters_today().year)
        for _ in range(k):
            n = next(_serial)
            user = w.user("staff")
            agreement = w.agreement()
            (version,) = w.add(document_version("letters", n, 1, user))
            w.add(
                Letter(
                    kind=LetterKind.AGREEMENT_COVER,
                    record_type="agreements",
                    record_id=agreement,
                    organisation_id=w.partner(),
                    prefix="ทด 0101/",
                    year=year,
                    sequence=100000 + n,
                    issued_on=letters_today(),
                    recipient=f"นายกสมาคมทดสอบ {n}",
                    subject=f"ขอส่งร่างบันทึกข้อตกลงความร่วมมือ {n}",
                    emails=1,
                    document_version_id=version,
                    issued_by_id=user,
                )
            )

    return setup, grow


def categories_page():
    """The proposal categories."""

    def setup(w):
        return _ns(url="/proposals/categories")

    def grow(w, ctx, k):
        for _ in range(k):
            w.category()

    return setup, grow


def audit_log():
    """Audit events, each by its own account (filtered to this test's events)."""

    def setup(w):
        return _ns(url="/admin/audit/?record_type=statement_counts")

    def grow(w, ctx, k):
        users = [w.user("staff") for _ in range(k)]
        with w.app.app_context():
            for user in users:
                audit.record_event(
                    self_user(user), "created (test)", record_type="statement_counts",
                    record_id=user,
                )  # fmt: skip
            db.session.commit()

    return setup, grow


def users_admin():
    """Accounts, representatives each of their own organisation."""

    def setup(w):
        return _ns(url="/admin/users")

    def grow(w, ctx, k):
        for _ in range(k):
            w.user("representative")
            w.user("secretary")

    return setup, grow


def api_tokens_page():
    """API tokens, each for its own account and issued by its own administrator."""

    def setup(w):
        return _ns(url="/admin/api-tokens/")

    def grow(w, ctx, k):
        for _ in range(k):
            user, issuer = w.user("representative"), w.user("admin")
            with w.app.app_context():
                api_tokens.issue_token(self_user(user), "ระบบทดสอบ", None, self_user(issuer))

    return setup, grow


PAGES: list[Page] = [
    Page("organisations list", "organisations.index", "admin", *organisations_list()),
    Page("organisations list, recently changed", "organisations.index",
         "admin", *organisations_list(), {"sort": "changed"}),
    Page("organisations search", "organisations.index", "admin",
         *organisations_list(), {"q": "สมาคมค้นหา"}),
    Page("organisations export CSV", "organisations.export_csv", "admin",
         *organisations_list("/organisations/export.csv")),
    Page("organisations export XLSX", "organisations.export_xlsx", "admin",
         *organisations_list("/organisations/export.xlsx")),
    Page("organisation page", "organisations.show", "admin", *organisation_page()),
    Page("a person's personal data", "organisations.contact_personal_data", "admin",
         *personal_data()),
    Page("representatives of an organisation", "organisations.representatives", "admin",
         *representatives_page()),
    Page("my association", "organisations.mine", "representative", *my_association()),
    Page("agreements list", "agreements.index", "admin", *agreements_list()),
    Page("agreements list, active", "agreements.index",
         "admin", *agreements_list(signed=True), {"status": "active"}),
    Page("agreements export CSV", "agreements.export_list", "admin",
         *agreements_list("/agreements/export"), {"format": "csv"}),
    Page("agreements expiring", "agreements.expiring", "admin", *expiring_agreements()),
    Page("agreement page, draft", "agreements.show", "admin", *agreement_page()),
    Page("agreement page, signed", "agreements.show", "admin", *agreement_page(signed=True)),
    Page("my agreements", "agreements.mine", "representative", *my_agreements()),
    Page("my agreement page", "agreements.mine_show", "representative",
         *agreement_page(signed=True, mine=True)),
    Page("committees list", "committees.index", "admin", *committees_list()),
    Page("our committees", "committees.mine", "representative", *committees_list(mine=True)),
    Page("committee page", "committees.show", "admin", *committee_page()),
    Page("our committee page", "committees.mine_show", "representative",
         *committee_page(mine=True)),
    Page("meetings list", "meetings.index", "admin", *meetings_list()),
    Page("meeting page", "meetings.show", "admin", *meeting_page()),
    Page("meeting attendance form", "meetings.attendance", "admin", *meeting_page("/attendance")),
    Page("our meeting page", "meetings.mine_show", "representative", *meeting_page(mine=True)),
    Page("proposals list", "proposals.index", "admin", *proposals_list()),
    Page("proposals list, by endorsements", "proposals.index",
         "admin", *proposals_list(), {"sort": "endorsements"}),
    Page("proposals list, recently changed", "proposals.index",
         "admin", *proposals_list(), {"sort": "changed"}),
    Page("proposals list, oldest", "proposals.index",
         "admin", *proposals_list(), {"sort": "oldest"}),
    Page("proposals export CSV", "proposals.export_csv", "admin",
         *proposals_list("/proposals/export.csv")),
    Page("proposals export XLSX", "proposals.export_xlsx", "admin",
         *proposals_list("/proposals/export.xlsx")),
    Page("proposal page", "proposals.show", "admin", *proposal_page()),
    Page("proposal categories", "proposals.categories", "admin", *categories_page()),
    Page("audit log", "audit.index", "admin", *audit_log()),
    Page("outgoing-letter register", "letters.index", "admin", *letters_register()),
    Page("outgoing-letter register CSV", "letters.export_csv", "admin",
         *letters_register("/letters/export.csv")),
    Page("users admin", "auth.users", "admin", *users_admin()),
    Page("API tokens", "api_tokens.index", "admin", *api_tokens_page()),
    Page("search everything", "search.index", "admin", *search_page(), {"q": "ค้นหา"}),
    Page("search organisations", "search.index", "admin",
         *search_page(), {"q": "ค้นหา", "kind": "organisations"}),
    Page("search people", "search.index", "admin",
         *search_page(), {"q": "ค้นหา", "kind": "contacts"}),
    Page("search proposals", "search.index", "admin",
         *search_page(), {"q": "ค้นหา", "kind": "proposals"}),
    Page("home, staff", "home.index", "admin", *home_page()),
    Page("home, representative", "home.index", "representative", *home_page()),
    Page("home, secretary", "home.index", "secretary", *home_page()),
    # pictures of totals (SVG): the page does not lengthen with the rows it counts
    one_record("statistics", "home.statistics", "admin", *home_page("/statistics")),
    # documents, rendered (cold) then from storage (warm)
    Page("agreement PDF", "agreements.pdf", "admin", *agreement_page(path="/pdf")),
    Page("agenda PDF", "meetings.agenda_pdf", "admin", *meeting_page("/agenda.pdf")),
    Page("minutes PDF", "meetings.minutes_pdf", "admin", *meeting_page("/minutes.pdf", held=True)),
    Page("agreement Word draft", "agreements.draft_docx", "admin",
         *agreement_page(path="/draft.docx")),
    Page("meeting invitation letter, draft", "letters.meeting_preview", "admin",
         *meeting_page("/preview.pdf", prefix="/letters/meeting/")),
    one_record("agreement cover letter, draft", "letters.agreement_preview", "admin",
               *agreement_page(path="/preview.pdf", prefix="/letters/agreement/")),
    # forms whose choices or rows come from the register
    Page("new agreement form", "agreements.new", "admin",
         *choices("/agreements/new", World.partner)),
    Page("agreement edit form", "agreements.edit", "admin", *agreement_page(path="/edit")),
    one_record("agreement sign form", "agreements.sign", "admin", *approved_agreement("/sign")),
    one_record("agreement terminate form", "agreements.terminate", "admin",
               *agreement_page(signed=True, path="/terminate")),
    one_record("agreement amend form", "agreements.amend", "admin",
               *agreement_page(signed=True, path="/amend")),
    one_record("agreement scan upload form", "agreements.upload_scan", "admin",
               *agreement_page(signed=True, path="/scan/upload")),
    one_record("reviewed draft upload form", "agreements.upload_review", "admin",
               *agreement_page(path="/reviews/new")),
    Page("cover letter form", "letters.send_agreement", "admin",
         *agreement_page(path="/send", prefix="/letters/agreement/")),
    Page("new committee form", "committees.new", "admin",
         *choices("/committees/new", World.committee)),
    one_record("committee edit form", "committees.edit", "admin", *committee_form("/edit")),
    Page("committee appoint form", "committees.appoint", "admin", *committee_form("/appoint")),
    one_record("committee dissolve form", "committees.dissolve", "admin",
               *committee_form("/dissolve")),
    one_record("end a seat form", "committees.end_membership", "admin",
               *committee_form("/members/{seat}/end")),
    one_record("new meeting form", "meetings.new", "admin", *new_meeting()),
    one_record("meeting edit form", "meetings.edit", "admin", *meeting_page("/edit")),
    one_record("meeting cancel form", "meetings.cancel", "admin", *meeting_page("/cancel")),
    one_record("meeting held form", "meetings.mark_held", "admin", *meeting_page("/held")),
    one_record("meeting minutes form", "meetings.minutes", "admin",
               *meeting_page("/minutes", held=True)),
    one_record("new agenda item form", "meetings.item_new", "admin", *meeting_page("/agenda/new")),
    one_record("agenda item edit form", "meetings.item_edit", "admin",
               *meeting_page("/agenda/{item}/edit")),
    one_record("resolution form", "meetings.resolution", "admin",
               *meeting_page("/agenda/{item}/resolution", held=True)),
    one_record("certify minutes form", "meetings.certify", "admin",
               *meeting_page("/agenda/{certify}/certify", held=True)),
    one_record("new action item form", "meetings.action_new", "admin",
               *meeting_page("/agenda/{item}/actions/new", held=True)),
    one_record("action item done form", "meetings.action_done", "admin",
               *meeting_page("/actions/{action}/done", held=True)),
    one_record("minutes amendment form", "meetings.amendment_new", "admin",
               *meeting_page("/amendments/new", certified=True)),
    Page("new proposal form", "proposals.new", "admin", *choices("/proposals/new", World.partner)),
    Page("proposal edit form", "proposals.edit", "admin", *proposal_form("/edit")),
    one_record("proposal status form", "proposals.status", "admin", *proposal_form("/status")),
    one_record("proposal withdraw form", "proposals.withdraw", "admin",
               *proposal_form("/withdraw")),
    one_record("proposal attachment form", "proposals.attachment_new", "admin",
               *proposal_form("/attachments/new")),
    one_record("endorse form", "proposals.endorse", "representative", *proposal_form("/endorse")),
    Page("record endorsement form", "proposals.endorsement_record", "admin",
         *proposal_form("/endorsements/record")),
    one_record("withdraw endorsement form", "proposals.endorsement_withdraw", "admin",
               *proposal_form("/endorsements/{endorsement}/withdraw")),
    Page("put on agenda form", "proposals.agenda", "admin", *proposal_form("/agenda")),
    Page("annex to agreement form", "proposals.annex", "admin", *proposal_form("/annex")),
    Page("new account form", "auth.new_user", "admin", *choices("/admin/users/new", World.partner)),
    Page("new API token form", "api_tokens.new", "admin",
         *choices("/admin/api-tokens/new", lambda w: w.user("representative"))),
]  # fmt: skip


# --- counting ------------------------------------------------------------------------------


def _normalised(statement: str) -> str:
    """A statement with its savepoint name and the values of IN (...) blanked, so that the
    same statement with more ids compares equal in the failure message."""
    statement = re.sub(r"sa_savepoint_\d+", "sa_savepoint_N", statement)
    statement = re.sub(r" IN \([^()]*\)", " IN (...)", statement)
    return " ".join(statement.split())[:300]


def _count(client, url: str, params: dict) -> tuple[int, bytes, list[str]]:
    """One GET: its status, what it shows, and the SQL statements it sent."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(_normalised(statement))

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", record)
    try:
        with client.get(url, query_string=params or None) as response:
            return response.status_code, _shown(response), seen
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", record)


def _shown(response) -> bytes:
    """What the response shows: its text for a PDF (whose file size says little), else it."""
    if response.mimetype != "application/pdf":
        return response.get_data()
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"],
        input=response.get_data(),
        capture_output=True,
        check=True,
    ).stdout


def _grown(small: list[str], large: list[str]) -> str:
    """The statements the larger page ran more often, most repeated first."""
    extra = Counter(large) - Counter(small)
    return "\n".join(f"  +{n}: {statement}" for statement, n in extra.most_common(5))


@pytest.fixture
def world(app, db_session, make_organisation, make_contact, make_user):
    """The record builder, on the test's rolled-back transaction."""
    return World(app, make_organisation, make_contact, make_user)


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_statement_count_does_not_grow_with_rows(page: Page, app, world, client, sign_in):
    """The page sends as many SQL statements with LARGE rows as with SMALL, cold and warm."""
    ctx = page.setup(world)
    fields = {"organisation_id": ctx.organisation} if page.role == "representative" else {}
    user_id = sign_in(page.role, **fields)
    if page.role == "secretary":
        ctx.signed_in(user_id)
    params, url = page.params, ctx.url
    with app.test_request_context():
        endpoint, _values = app.url_map.bind("localhost").match(url.split("?")[0])
    assert endpoint == page.endpoint, f"{page.name}: {url} is {endpoint}"
    client.get(url, query_string=params or None).close()  # what a process loads once

    counts, sizes = {}, {}
    for size, k in (("small", SMALL), ("large", LARGE - SMALL)):
        page.grow(world, ctx, k)
        for request in ("cold", "warm"):
            status, body, statements = _count(client, url, params)
            assert status == 200, f"{page.name}: {url} answered {status}"
            counts[size, request] = statements
        sizes[size] = len(body)
    # The rows added are on the page (else the test proves nothing).
    if page.shows_rows:
        assert sizes["large"] > sizes["small"], f"{page.name}: the page did not grow"
    for request in ("cold", "warm"):
        small, large = counts["small", request], counts["large", request]
        assert len(small) == len(large), (
            f"{page.name} ({request}): {len(small)} SQL statements with {SMALL} rows, "
            f"{len(large)} with {LARGE}\n{_grown(small, large)}"
        )


# --- every GET route is measured or excluded with a reason -----------------------------------


#: GET endpoints not measured above, and why.
EXCLUDED: dict[str, str] = {
    "static": "files from disk, no SQL",
    # no rows: the sign-in and account forms, fixed lists
    "auth.sign_in": "a sign-in form; no rows",
    "auth.change_password": "a password form; no rows",
    "settings.edit": "the settings form: a fixed set of fields",
    "opendata.index": "a fixed list of the open data files (tests/opendata counts the files' "
    "statements)",
    "health.ok": "one trivial query by design (tests/health/test_health.py)",
    "documents.verify": "one document version by its token; no rows",
    "organisations.accept_invitation": "one invitation by its token; no rows",
    "organisations.contact": "one contact's particulars; no rows",
    "organisations.new": "an empty form; its choices are fixed lists (kinds, provinces)",
    "organisations.edit": "one organisation's form; fixed choices",
    "organisations.mine_edit": "one organisation's form; fixed choices",
    "organisations.contact_new": "an empty contact form; fixed choices",
    "organisations.contact_edit": "one contact's form; fixed choices",
    "organisations.import_file": "the upload form; its preview is of the uploaded file, not "
    "of the database",
    "proposals.category_new": "an empty form; no rows",
    "proposals.category_edit": "one category's form; no rows",
    "auth.edit_user": "one account's form; its organisation choices are the same query as "
    "auth.new_user, measured above",
    # files, not pages: one record each, served from storage or generated without listing
    "organisations.import_template_csv": "a fixed file; no SQL",
    "organisations.import_template_xlsx": "a fixed file; no SQL",
    "agreements.scan": "the signed scan of one agreement, from storage",
    "agreements.mine_scan": "the signed scan of one agreement, from storage",
    "agreements.document_version": "one stored PDF version, from storage",
    "agreements.mine_pdf": "the same document code as agreements.pdf (measured), for a "
    "representative",
    "meetings.document_version": "one stored PDF version, from storage",
    "meetings.mine_minutes_pdf": "the same document code as meetings.minutes_pdf (measured), "
    "for a representative",
    "meetings.ics": "one meeting as a calendar file; no rows",
    "proposals.attachment": "one attached file, from storage",
    "proposals.endorsement_letter": "one endorsement letter, from storage",
    "opendata.download": "files built from the register; tests/opendata/test_files.py counts "
    "their statements against the number of rows",
    # the JSON API counts its own statements against the number of rows (tests/api)
    **{
        f"api.{name}": "JSON API: tests/api counts its statements against the number of rows"
        for name in (
            "organisations",
            "organisation",
            "agreements",
            "agreement",
            "committees",
            "committee",
            "meetings",
            "meeting",
            "proposals",
            "proposal",
        )
    },
    "api.openapi_description": "a fixed JSON description; no SQL",
    "home.favicon": "a fixed file, like static; no SQL",
    # the letters' settings: fixed fields and files
    "letters.particulars": "the letters' particulars form: a fixed set of fields",
    "letters.emblem_image": "the uploaded emblem, from storage",
    "letters.sample": "a fixed sample letter with the particulars as set; no rows",
    "letters.pdf": "one issued letter, from storage",
    # reviewed drafts and signed copies: one stored file each
    "agreements.review_file": "one reviewed draft, from storage",
    "agreements.mine_review_file": "one reviewed draft, from storage, for a representative",
    "agreements.signed_copy": "one signed copy of a printing, from storage",
    "meetings.signed_minutes": "one signed copy of the minutes, from storage",
    # electronic signatures: the blocks and signatures are read from one stored PDF's file,
    # not from rows of the register
    "agreements.signatures": "the signatures in one stored printing, read from its file",
    "agreements.sign_electronically": "a form on one stored printing; its choices are the "
    "signature blocks in that file",
    "agreements.upload_signed": "an upload form on one stored printing; no rows",
    "meetings.minutes_signatures": "the signatures in one stored printing of the minutes, "
    "read from its file",
    "meetings.sign_minutes": "a form on one stored printing of the minutes; its choices are "
    "the signature blocks in that file",
}


def test_every_get_route_is_covered(app):
    """Every GET endpoint is measured above or excluded with a reason; nothing is both."""
    measured = {page.endpoint for page in PAGES}
    gets = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    missing = sorted(gets - measured - EXCLUDED.keys())
    assert not missing, f"GET routes neither measured nor excluded: {missing}"
    assert not measured & EXCLUDED.keys(), "measured and excluded"
    assert not (EXCLUDED.keys() - gets), f"excluded but gone: {EXCLUDED.keys() - gets}"
    assert all(reason.strip() for reason in EXCLUDED.values())
