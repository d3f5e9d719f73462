"""Two people on the same record, and one form sent twice, at the same moment, against the
real app served over HTTP (``tests.live``), on the suite's database (the SQLite pass, and
the PostgreSQL pass under ``TEST_DATABASE_URL``).

- Two editors open the same record's edit form (same version) and press Save together:
  exactly one save is acknowledged, the other is refused (409) with the conflict panel
  naming the first one's change; the record holds exactly the acknowledged change, its
  version went up by one, with one audit event (``registry.versions``).
- A create form's one-time token sent twice at the same moment (a double click): one
  record, one audit event, and both answers lead to it (``registry.submissions``).

Every form is read from its page as a browser reads it (``Visitor.form``). Outcomes are
asserted, never timings: which of two requests wins is the server's business.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa

from registry.agreements.models import Agreement
from registry.audit.models import AuditEvent
from registry.auth.models import Role, User
from registry.committees import services as committees
from registry.committees.models import Committee, Membership
from registry.db import db
from registry.meetings import services as meetings
from registry.meetings.models import ActionItem, AgendaItem, Attendance, AttendanceKind, Meeting
from registry.organisations import services as organisations
from registry.organisations.models import (
    Contact,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
)
from registry.proposals import services as proposals
from registry.proposals.models import Category, Endorsement, Proposal
from tests import live
from tests.conftest import PASSWORD
from tests.live import Answer, Form, Site, Visitor, at_once

# The served app's fixtures (``tests.live``).
live_app, live_site = live.live_app, live.live_site

#: Rounds of two editors saving the same record at the same moment.
EDIT_ROUNDS = 6
#: Rounds of one create form sent twice at the same moment.
CREATE_ROUNDS = 3

#: The first words of the conflict panel's heading, in Thai (the default language).
CONFLICT_HEADING = "มีผู้แก้ไขระเบียนนี้ระหว่างที่ท่านเปิดแบบฟอร์มอยู่"


# --- records, made as the application makes them ------------------------------------------------


def _organisation(site: Site, kind=OrganisationKind.ASSOCIATION) -> int:
    """An active organisation of ``kind``, registered through the service."""

    def create():
        organisation = organisations.create_organisation(
            actor=None,
            status=OrganisationStatus.ACTIVE,
            name_th=f"สมาคมแก้พร้อมกัน {os.urandom(3).hex()}",
            name_en=f"Concurrent Records {os.urandom(3).hex()}",
            kind=kind,
        )
        return organisation.id

    return site.read(create)


def _contact(site: Site, organisation_id: int) -> int:
    """A contact at ``organisation_id``, added through the service."""

    def create():
        contact = organisations.add_contact(
            db.session.get(Organisation, organisation_id),
            actor=None,
            title="นางสาว",
            first_name=f"พร้อมใจ{os.urandom(2).hex()}",
            last_name="ทันกัน",
            email=f"contact-{os.urandom(3).hex()}@example.or.th",
            pdpa_basis="legitimate_interest",
        )
        return contact.id

    return site.read(create)


def _committee(site: Site, seats: int = 0) -> tuple[int, list[int]]:
    """A joint committee set up in 2024, with a chair and ``seats - 2`` members and a
    secretary when ``seats`` is given; its id and its seats."""
    organisation_id = _organisation(site)
    contacts = [_contact(site, organisation_id) for _ in range(seats)]

    def create():
        committee = committees.create_committee(
            actor=None,
            kind="joint_committee",
            name_th=f"คณะกรรมการร่วมพร้อมกัน {os.urandom(3).hex()}",
            established_on=date(2024, 1, 1),
        )
        roles = ["chair"] + ["member"] * (seats - 2) + ["secretary"] if seats else []
        made = [
            committees.appoint(
                committee, actor=None, contact_id=contact, role=role, term_start=date(2024, 1, 1)
            ).id
            for contact, role in zip(contacts, roles, strict=True)
        ]
        return committee.id, made

    return site.read(create)


def _meeting(site: Site, committee_id: int, held_on: date) -> int:
    """A meeting of the committee scheduled through the service."""

    def create():
        meeting = meetings.schedule_meeting(
            db.session.get(Committee, committee_id),
            actor=None,
            held_on=held_on,
            starts_at=time(13, 30),
            ends_at=time(16, 0),
            venue="ห้องประชุม 1",
        )
        return meeting.id

    return site.read(create)


def _item(site: Site, meeting_id: int) -> int:
    """An item in section 4 of the meeting's agenda, added through the service."""

    def create():
        item = meetings.add_item(
            db.session.get(Meeting, meeting_id),
            actor=None,
            section="4",
            title="ข้อเสนอระบบแจ้งเตือนน้ำท่วม",
            body="ความเป็นมา",
        )
        return item.id

    return site.read(create)


def _held(site: Site, meeting_id: int, seats: list[int]) -> None:
    """Every seat present, and the meeting marked held."""

    def hold():
        meeting = db.session.get(Meeting, meeting_id)
        lines = [{"membership_id": seat, "kind": "present"} for seat in seats]
        meetings.record_attendance(meeting, actor=None, lines=lines)
        meetings.mark_held(meeting, None, opened_at=time(13, 35), closed_at=time(15, 50))

    site.read(hold)


def _category(site: Site) -> int:
    """A category in use for new proposals."""
    return site.read(
        lambda: db.session.scalars(sa.select(Category.id).where(Category.active)).first()
    )


def _proposal(site: Site, organisation_id: int) -> int:
    """A submitted proposal of ``organisation_id``, submitted through the service."""
    category = _category(site)

    def submit():
        staff = db.session.scalars(sa.select(User).where(User.role == Role.STAFF)).first()
        proposal = proposals.submit_proposal(
            actor=staff,
            organisation_id=organisation_id,
            kind="draft_project",
            title="ระบบแจ้งเตือนน้ำท่วมด้วยเซนเซอร์ไอโอที",
            summary="ติดตั้งเซนเซอร์วัดระดับน้ำและแจ้งเตือนประชาชน",
            category_id=category,
        )
        return proposal.id

    return site.read(submit)


# --- reading back -------------------------------------------------------------------------------


def _events(site: Site, record_type: str, record_id: int | None = None, action: str = "") -> int:
    """How many audit events of ``action`` a record (or a kind of record) has."""
    which = [AuditEvent.record_type == record_type, AuditEvent.action == action]
    if record_id is not None:
        which.append(AuditEvent.record_id == record_id)
    return site.read(lambda: db.session.scalar(sa.select(sa.func.count()).where(*which)))


def _ids(site: Site, model, *where) -> list[int]:
    """The ids of the records of ``model`` that match ``where``, oldest first."""
    return site.read(
        lambda: list(db.session.scalars(sa.select(model.id).where(*where).order_by(model.id)))
    )


def _answered(answers: list) -> list[Answer]:
    """Every request answered, none with a 5xx."""
    for answer in answers:
        assert not isinstance(answer, BaseException), answer
    failed = [answer for answer in answers if answer.status >= 500]
    assert not failed, [(a.status, a.body[:400]) for a in failed]
    return answers


def _send(visitor: Visitor, form: Form, changes: dict[str, str]) -> Callable[[], Answer]:
    """Sending ``form`` as read, with ``changes``, as a call to run later."""
    return lambda: visitor.post(
        form.action, form.with_changes(changes), files=form.files, multipart=form.multipart
    )


def _told(answers: list[Answer]) -> list[tuple[int, str]]:
    """What each answer said, for a failing test's message: its status, and the messages at
    its form's fields (or the start of its page)."""
    told = []
    for answer in answers:
        errors = re.findall(r'<div class="invalid-feedback" id="([^"]+)">([^<]*)<', answer.body)
        told.append((answer.status, str(errors) if errors else answer.body[:800]))
    return told


def _panel(body: str) -> str:
    """The conflict panel of a refused save's page (fails the test when there is none)."""
    assert 'id="conflict"' in body, body[:1500]
    start = body.index('id="conflict"')
    return body[start : body.index("</div>", start)]


# --- two editors on the same record -------------------------------------------------------------


@dataclass
class Editors:
    """Two people on one record: who edits at which page, the field each changes (the form's
    field is the model's attribute), and how to read the record back."""

    model: type
    record_type: str
    record_id: int
    field: str
    pages: list[tuple[Visitor, str]]
    #: The audit action of a save made from the edit form.
    action: str = "updated"


def _two_staff_on_an_organisation(site: Site) -> Editors:
    organisation_id = _organisation(site)
    page = f"/organisations/{organisation_id}/edit"
    people = [site.person(Role.STAFF), site.person(Role.STAFF)]
    return Editors(
        Organisation, "organisations", organisation_id, "address", [(p, page) for p in people]
    )


def _representative_and_staff_on_an_organisation(site: Site) -> Editors:
    organisation_id = _organisation(site)
    representative = site.person(Role.REPRESENTATIVE, organisation_id)
    staff = site.person(Role.STAFF)
    pages = [
        (representative, "/organisations/mine/edit"),
        (staff, f"/organisations/{organisation_id}/edit"),
    ]
    return Editors(Organisation, "organisations", organisation_id, "address", pages)


def _two_staff_on_a_contact(site: Site) -> Editors:
    contact_id = _contact(site, _organisation(site))
    page = f"/organisations/contacts/{contact_id}/edit"
    people = [site.person(Role.STAFF), site.person(Role.STAFF)]
    return Editors(Contact, "contacts", contact_id, "position", [(p, page) for p in people])


def _representative_and_staff_on_a_proposal(site: Site) -> Editors:
    organisation_id = _organisation(site)
    staff = site.person(Role.STAFF)
    proposal_id = _proposal(site, organisation_id)
    representative = site.person(Role.REPRESENTATIVE, organisation_id)
    page = f"/proposals/{proposal_id}/edit"
    return Editors(
        Proposal, "proposals", proposal_id, "summary", [(representative, page), (staff, page)]
    )


def _two_staff_on_a_meeting(site: Site) -> Editors:
    committee_id, _seats = _committee(site)
    meeting_id = _meeting(site, committee_id, date.today() + timedelta(days=30))
    page = f"/meetings/{meeting_id}/edit"
    people = [site.person(Role.STAFF), site.person(Role.STAFF)]
    return Editors(Meeting, "meetings", meeting_id, "venue", [(p, page) for p in people])


def _two_staff_on_an_agenda_item(site: Site) -> Editors:
    committee_id, _seats = _committee(site)
    meeting_id = _meeting(site, committee_id, date.today() + timedelta(days=30))
    item_id = _item(site, meeting_id)
    page = f"/meetings/{meeting_id}/agenda/{item_id}/edit"
    people = [site.person(Role.STAFF), site.person(Role.STAFF)]
    return Editors(AgendaItem, "agenda_items", item_id, "title", [(p, page) for p in people])


def _two_staff_on_a_committee(site: Site) -> Editors:
    committee_id, _seats = _committee(site)
    page = f"/committees/{committee_id}/edit"
    people = [site.person(Role.STAFF), site.person(Role.STAFF)]
    return Editors(Committee, "committees", committee_id, "mandate", [(p, page) for p in people])


@pytest.mark.parametrize(
    "editors",
    [
        _two_staff_on_an_organisation,
        _representative_and_staff_on_an_organisation,
        _two_staff_on_a_contact,
        _representative_and_staff_on_a_proposal,
        _two_staff_on_a_meeting,
        _two_staff_on_an_agenda_item,
        _two_staff_on_a_committee,
    ],
    ids=lambda make: make.__name__.removeprefix("_"),
)
def test_two_editors_saving_one_record_at_the_same_moment_keep_one_change_and_refuse_the_other(
    live_site, editors
):
    """Both open the edit form, both press Save together, round after round: one save is
    acknowledged (its redirect), the other is refused (409) with the conflict panel naming
    the first one's change; the record holds exactly the acknowledged change, its version
    went up by one, with one audit event for the save."""
    race = editors(live_site)

    def state():
        record = db.session.get(race.model, race.record_id)
        return getattr(record, race.field), record.lock_version

    _value, version = live_site.read(state)
    saves = _events(live_site, race.record_type, race.record_id, race.action)
    for round_ in range(1, EDIT_ROUNDS + 1):
        forms = [(who, who.form(page)) for who, page in race.pages]
        assert {form.fields.count(("lock_version", str(version))) for _who, form in forms} == {1}
        values = [f"รอบที่ {round_} ของผู้แก้คนที่ {n}" for n in (1, 2)]
        answers = _answered(
            at_once(
                [
                    _send(who, form, {race.field: value})
                    for (who, form), value in zip(forms, values, strict=True)
                ]
            )
        )
        statuses = sorted(answer.status for answer in answers)
        assert statuses in ([302, 409], [303, 409]), _told(answers)
        won = next(n for n, answer in enumerate(answers) if answer.redirected)
        lost = 1 - won
        panel = _panel(answers[lost].body)
        assert CONFLICT_HEADING in panel, panel
        assert race.pages[won][0].full_name in panel, panel
        assert f"<strong>{values[won]}</strong>" in panel, panel
        assert values[lost] not in panel, panel

        assert live_site.read(state) == (values[won], version + 1)
        assert _events(live_site, race.record_type, race.record_id, race.action) == saves + 1
        version, saves = version + 1, saves + 1


# --- one create form sent twice -----------------------------------------------------------------


def _double_submit(
    visitor: Visitor, page: str, changes: dict[str, str], action: str | None = None
) -> list[Answer]:
    """Open the page once (one one-time token) and send its form twice at the same moment,
    as a double click does; both answers, each a redirect."""
    form = visitor.form(page, action)
    assert any(name == "submission" and value for name, value in form.fields), form.fields
    answers = _answered(at_once([_send(visitor, form, changes), _send(visitor, form, changes)]))
    assert all(answer.redirected for answer in answers), _told(answers)
    return answers


def _created_once(
    site: Site,
    answers: list[Answer],
    model,
    where,
    record_type: str,
    action: str,
    location: Callable[[int], str | set[str]],
) -> int:
    """One record matches ``where``, with one audit event of ``action``; both answers lead
    to ``location(record id)`` (or each to one of the places it names). The record's id."""
    found = _ids(site, model, where)
    assert len(found) == 1, found
    [record] = found
    places = location(record)
    if isinstance(places, str):
        assert [answer.location for answer in answers] == [places] * 2
    else:
        assert {answer.location for answer in answers} <= places, answers
    assert _events(site, record_type, record, action) == 1
    return record


def test_an_organisation_form_sent_twice_at_once_registers_one_organisation(live_site):
    """Staff's new-organisation form, double-clicked: one organisation, both answers on its page."""
    staff = live_site.person(Role.STAFF)
    for round_ in range(CREATE_ROUNDS):
        name = f"สมาคมคลิกสองครั้งพร้อมกัน {round_}"
        answers = _double_submit(
            staff, "/organisations/new", {"name_th": name, "kind": "association"}
        )
        _created_once(
            live_site, answers, Organisation, Organisation.name_th == name,
            "organisations", "created", lambda i: f"/organisations/{i}",
        )  # fmt: skip


def test_a_contact_form_sent_twice_at_once_adds_one_contact(live_site):
    """The new-contact form, double-clicked: one contact, both answers on its page."""
    organisation_id = _organisation(live_site)
    staff = live_site.person(Role.STAFF)
    for round_ in range(CREATE_ROUNDS):
        name = f"ส่งซ้ำ{round_}"
        changes = {"first_name": "สมใจ", "last_name": name, "pdpa_basis": "legitimate_interest"}
        answers = _double_submit(staff, f"/organisations/{organisation_id}/contacts/new", changes)
        _created_once(
            live_site, answers, Contact,
            sa.and_(Contact.organisation_id == organisation_id, Contact.last_name == name),
            "contacts", "created", lambda i: f"/organisations/contacts/{i}",
        )  # fmt: skip


def test_an_agreement_draft_sent_twice_at_once_is_drafted_once_and_numbers_stay_consecutive(
    live_site,
):
    """The new-draft form, double-clicked: one draft per round, and the reference numbers
    the drafts took follow each other (the second submission took none)."""
    own = _organisation(live_site, OrganisationKind.OWN_AGENCY)
    partner = _organisation(live_site)
    staff = live_site.person(Role.STAFF)
    for round_ in range(CREATE_ROUNDS):
        title = f"ความร่วมมือด้านนวัตกรรม ฉบับที่ {round_}"
        changes = {
            "kind": "MOU",
            "language": "th",
            "title_th": title,
            "signing_place": "สพร.",
            "effective_from": "2026-01-01",
            "effective_until": "2028-12-31",
            "objectives_th": "เพื่อพัฒนาบริการภาครัฐ",
            "clauses_th": "ข้อหนึ่ง\n- ย่อยหนึ่ง",
            "copies": "2",
            "notice_days": "30",
            "parties-0-organisation_id": str(own),
            "parties-0-short_name_th": "สพร.",
            "parties-0-signatory_name": "ดร.ผู้ลงนาม หนึ่ง",
            "parties-0-signatory_position": "ผู้อำนวยการ",
            "parties-1-organisation_id": str(partner),
            "parties-1-short_name_th": "สมาคม",
            "parties-1-signatory_name": "นายผู้ลงนาม สอง",
            "parties-1-signatory_position": "นายกสมาคม",
        }
        answers = _double_submit(staff, "/agreements/new", changes)
        _created_once(
            live_site, answers, Agreement, Agreement.title_th == title,
            "agreements", "created", lambda i: f"/agreements/{i}",
        )  # fmt: skip
    numbers = live_site.read(
        lambda: list(
            db.session.scalars(sa.select(Agreement.reference_number).order_by(Agreement.id))
        )
    )
    assert numbers == list(range(numbers[0], numbers[0] + CREATE_ROUNDS)), numbers


def test_a_committee_form_sent_twice_at_once_sets_up_one_committee(live_site):
    """The new-committee form, double-clicked: one committee, both answers on its page."""
    staff = live_site.person(Role.STAFF)
    for round_ in range(CREATE_ROUNDS):
        name = f"คณะทำงานคลิกสองครั้ง {round_}"
        changes = {
            "kind": "joint_committee",
            "name_th": name,
            "established_on": "2024-01-01",
            "quorum_rule": "more_than_half",
        }
        answers = _double_submit(staff, "/committees/new", changes)
        _created_once(
            live_site, answers, Committee, Committee.name_th == name,
            "committees", "created", lambda i: f"/committees/{i}",
        )  # fmt: skip


def test_a_seat_form_sent_twice_at_once_gives_one_seat(live_site):
    """The appointment form, double-clicked: one seat, both answers on the committee's page."""
    committee_id, _seats = _committee(live_site)
    organisation_id = _organisation(live_site)
    staff = live_site.person(Role.STAFF)
    for _round in range(CREATE_ROUNDS):
        person = _contact(live_site, organisation_id)
        changes = {"contact_id": str(person), "role": "member", "term_start": "2024-02-01"}
        answers = _double_submit(staff, f"/committees/{committee_id}/appoint", changes)
        _created_once(
            live_site, answers, Membership,
            sa.and_(Membership.committee_id == committee_id, Membership.contact_id == person),
            "committee_memberships", "appointed", lambda _i: f"/committees/{committee_id}",
        )  # fmt: skip


def test_a_meeting_form_sent_twice_at_once_schedules_one_meeting_and_numbers_stay_consecutive(
    live_site,
):
    """The new-meeting form, double-clicked round after round: one meeting per round,
    numbered 1/2568, 2/2568, ... with no number taken by a second submission."""
    committee_id, _seats = _committee(live_site)
    staff = live_site.person(Role.STAFF)
    for round_ in range(CREATE_ROUNDS):
        day = date(2025, 3, 10) + timedelta(days=7 * round_)
        changes = {
            "held_on": day.isoformat(),
            "starts_at": "13:30",
            "ends_at": "16:00",
            "venue": "ห้องประชุม 1",
        }
        answers = _double_submit(staff, f"/meetings/committee/{committee_id}/new", changes)
        _created_once(
            live_site, answers, Meeting,
            sa.and_(Meeting.committee_id == committee_id, Meeting.held_on == day),
            "meetings", "scheduled", lambda i: f"/meetings/{i}",
        )  # fmt: skip

    def numbers():
        found = db.session.scalars(
            sa.select(Meeting).where(Meeting.committee_id == committee_id).order_by(Meeting.id)
        )
        return [meeting.number_label for meeting in found]

    assert live_site.read(numbers) == [f"{n}/2568" for n in range(1, CREATE_ROUNDS + 1)]


def test_an_agenda_item_form_sent_twice_at_once_adds_one_item(live_site):
    """The new-item form, double-clicked: one item per round, in consecutive places."""
    committee_id, _seats = _committee(live_site)
    meeting_id = _meeting(live_site, committee_id, date.today() + timedelta(days=30))
    staff = live_site.person(Role.STAFF)
    for round_ in range(CREATE_ROUNDS):
        title = f"เรื่องที่คลิกสองครั้ง {round_}"
        changes = {"section": "4", "title": title}
        answers = _double_submit(staff, f"/meetings/{meeting_id}/agenda/new", changes)
        _created_once(
            live_site, answers, AgendaItem, AgendaItem.title == title,
            "agenda_items", "created", lambda _i: f"/meetings/{meeting_id}",
        )  # fmt: skip
    positions = live_site.read(
        lambda: list(
            db.session.scalars(
                sa.select(AgendaItem.position)
                .where(AgendaItem.meeting_id == meeting_id, AgendaItem.section == 4)
                .order_by(AgendaItem.position)
            )
        )
    )
    assert positions == list(range(1, CREATE_ROUNDS + 1))


def test_a_guest_form_sent_twice_at_once_adds_one_guest(live_site):
    """The guest form on the attendance page, double-clicked: one guest, both answers back
    on the attendance page."""
    committee_id, _seats = _committee(live_site)
    meeting_id = _meeting(live_site, committee_id, date.today() + timedelta(days=30))
    staff = live_site.person(Role.STAFF)
    page = f"/meetings/{meeting_id}/attendance"
    for round_ in range(CREATE_ROUNDS):
        name = f"นายแขก ส่งซ้ำ{round_}"
        changes = {"name": name, "position": "ที่ปรึกษา"}
        answers = _double_submit(staff, page, changes, f"/meetings/{meeting_id}/guests")
        _created_once(
            live_site, answers, Attendance,
            sa.and_(Attendance.meeting_id == meeting_id, Attendance.kind == AttendanceKind.GUEST,
                    Attendance.name == name),
            "meeting_attendance", "created", lambda _i: page,
        )  # fmt: skip


def test_an_action_item_form_sent_twice_at_once_records_one_action(live_site):
    """The action-item form of a held meeting's item, double-clicked: one action item."""
    committee_id, seats = _committee(live_site, seats=3)
    meeting_id = _meeting(live_site, committee_id, date.today() - timedelta(days=1))
    item_id = _item(live_site, meeting_id)
    _held(live_site, meeting_id, seats)
    staff = live_site.person(Role.STAFF)
    for round_ in range(CREATE_ROUNDS):
        text = f"จัดทำรายงานผลการศึกษา ครั้งที่ {round_}"
        changes = {"text": text, "owner": "ฝ่ายเลขานุการ"}
        answers = _double_submit(
            staff, f"/meetings/{meeting_id}/agenda/{item_id}/actions/new", changes
        )
        _created_once(
            live_site, answers, ActionItem,
            sa.and_(ActionItem.agenda_item_id == item_id, ActionItem.text == text),
            "action_items", "created", lambda _i: f"/meetings/{meeting_id}",
        )  # fmt: skip


def test_a_proposal_form_sent_twice_at_once_submits_one_proposal(live_site):
    """Staff's new-proposal form, double-clicked: one proposal, both answers on its page."""
    organisation_id = _organisation(live_site, OrganisationKind.GOVERNMENT_AGENCY)
    category = _category(live_site)
    staff = live_site.person(Role.STAFF)
    for round_ in range(CREATE_ROUNDS):
        title = f"ข้อเสนอที่คลิกสองครั้ง {round_}"
        changes = {
            "organisation_id": str(organisation_id),
            "kind": "problem_statement",
            "title": title,
            "summary": "แจ้งเตือนระดับน้ำให้หน่วยงานท้องถิ่น",
            "problem": "หน่วยงานท้องถิ่นไม่ทราบระดับน้ำแบบทันเวลา",
            "category_id": str(category),
        }
        answers = _double_submit(staff, "/proposals/new", changes)
        _created_once(
            live_site, answers, Proposal, Proposal.title == title,
            "proposals", "submitted proposal", lambda i: f"/proposals/{i}",
        )  # fmt: skip


def test_a_category_form_sent_twice_at_once_adds_one_category(live_site):
    """The new-category form, double-clicked: one category (the second is not refused as a
    duplicate name), both answers on the list of categories."""
    staff = live_site.person(Role.STAFF)
    for round_ in range(CREATE_ROUNDS):
        name = f"เกษตรอัจฉริยะ {round_}"
        changes = {"name_th": name, "name_en": f"Smart farming {round_}", "active": "y"}
        answers = _double_submit(staff, "/proposals/categories/new", changes)
        _created_once(
            live_site, answers, Category, Category.name_th == name,
            "proposal_categories", "created", lambda _i: "/proposals/categories",
        )  # fmt: skip


def test_an_endorsement_sent_twice_at_once_is_recorded_once_and_counted_once(live_site):
    """A representative's endorsement, double-clicked: one endorsement (the second is not
    refused as "already endorsed"), and the proposal counts one."""
    submitter = _organisation(live_site)
    live_site.person(Role.STAFF)  # the account that submits the proposals
    for round_ in range(CREATE_ROUNDS):
        proposal_id = _proposal(live_site, submitter)
        association = _organisation(live_site)
        representative = live_site.person(Role.REPRESENTATIVE, association)
        changes = {"organisation_id": str(association), "statement": f"สนับสนุน {round_}"}
        page = f"/proposals/{proposal_id}"
        answers = _double_submit(representative, f"{page}/endorse", changes)
        _created_once(
            live_site, answers, Endorsement, Endorsement.proposal_id == proposal_id,
            "proposal_endorsements", "endorsed", lambda _i, page=page: page,
        )  # fmt: skip
        count = live_site.read(
            lambda proposal_id=proposal_id: db.session.get(Proposal, proposal_id).endorsement_count
        )
        assert count == 1


def test_a_new_account_form_sent_twice_at_once_opens_one_account(live_site):
    """The administrator's new-account form, double-clicked: one account (the second is not
    refused as "email taken")."""
    admin = live_site.person(Role.ADMIN)
    for round_ in range(CREATE_ROUNDS):
        email = f"double-{round_}@example.go.th"
        changes = {
            "email": email,
            "full_name": f"นางสาวมาลี ส่งซ้ำ{round_}",
            "role": "staff",
            "password": PASSWORD,
        }
        answers = _double_submit(admin, "/admin/users/new", changes)
        # Both answers lead to the list of accounts, where a new account's answer goes.
        _created_once(
            live_site, answers, User, User.email == email,
            "users", "created", lambda _i: "/admin/users",
        )  # fmt: skip
