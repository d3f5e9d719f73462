"""Meetings for the tests of the printed agenda and minutes and of the invitations: a joint
committee with six seats (made through the committee services) and meetings, agenda items,
attendance and resolutions written straight into the models, so these tests do not depend
on how the meeting services get there.

Plain functions, not fixtures: the test modules wrap them in their own fixtures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from registry import audit
from registry.committees import services as committees
from registry.committees.models import Committee
from registry.db import db
from registry.meetings.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    AttendanceKind,
    Meeting,
    MeetingStatus,
    Outcome,
)
from registry.organisations.models import OrganisationKind

COMMITTEE_TH = "คณะกรรมการร่วมด้านนวัตกรรมดิจิทัลภาครัฐ"
COMMITTEE_EN = "Joint Committee on Government Digital Innovation"
ESTABLISHED = date(2024, 1, 1)
VENUE = "ห้องประชุม 1 ชั้น 17 อาคารเอ็กซิม"

#: Who sits on the committee: key -> (role, title, first name, last name, position, email).
PEOPLE = {
    "chair": ("chair", "นาย", "ประธาน", "ใจดี", "ผู้อำนวยการ", "chair@example.go.th"),
    "vice": ("vice_chair", "นาง", "รองประธาน", "มีสุข", "นายกสมาคม", "vice@example.or.th"),
    "absent": ("member", "นาย", "ขาดประชุม", "ติดภารกิจ", "อุปนายกสมาคม", "absent@example.or.th"),
    "substituted": ("member", "นาย", "ตัวจริง", "กรรมการ", "นายกสมาคม", "real@example.or.th"),
    "no_email": ("member", "นาย", "ไร้อีเมล", "ทดสอบ", "กรรมการสมาคม", None),
    "secretary": (
        "secretary",
        "นางสาว",
        "เลขา",
        "นุการ",
        "ผู้อำนวยการศูนย์",
        "secretary@example.go.th",
    ),
}
ABSENCE_REASON = "ติดราชการต่างประเทศ"
SUBSTITUTE = ("นางสาวผู้แทน ทดแทน", "ผู้จัดการฝ่ายนวัตกรรม")
GUEST = ("นายแขก รับเชิญ", "ที่ปรึกษาโครงการ", "บริษัท ตัวอย่าง จำกัด")
MINUTE_TAKER = ("นางสาวจด รายงาน", "นักวิเคราะห์นโยบายและแผน")
REVIEWER = ("นางสาวตรวจ ทาน", "ผู้อำนวยการฝ่ายเลขานุการ")


@dataclass
class CommitteeIds:
    """The committee and its seats (ids), and its people's contact ids."""

    id: int
    seats: dict[str, int] = field(default_factory=dict)
    contacts: dict[str, int] = field(default_factory=dict)


def build_committee(app, make_organisation, make_contact) -> CommitteeIds:
    """A joint committee with a chair, a vice chair, three members and a secretary."""
    own = make_organisation(
        "สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน)",
        name_en="Digital Government Development Agency",
        kind=OrganisationKind.OWN_AGENCY,
    )
    partner = make_organisation(
        "สมาคมปัญญาประดิษฐ์ประเทศไทย", name_en="Artificial Intelligence Association of Thailand"
    )
    with app.app_context():
        committee_id = committees.create_committee(
            actor=None,
            kind="joint_committee",
            name_th=COMMITTEE_TH,
            name_en=COMMITTEE_EN,
            established_on=ESTABLISHED,
        ).id
    made = CommitteeIds(committee_id)
    for key, (role, title, first, last, position, email) in PEOPLE.items():
        organisation = own if key in ("chair", "secretary") else partner
        contact_id = make_contact(
            organisation,
            title=title,
            first_name=first,
            last_name=last,
            position=position,
            email=email,
        )
        with app.app_context():
            committee = db.session.get(Committee, committee_id)
            seat = committees.appoint(
                committee, actor=None, contact_id=contact_id, role=role, term_start=ESTABLISHED
            )
            made.seats[key] = seat.id
            made.contacts[key] = contact_id
    return made


def add_meeting(committee_id: int, number: int, held_on: date, **fields) -> Meeting:
    """A meeting row (inside an app context; the caller commits)."""
    meeting = Meeting(
        committee_id=committee_id,
        year_be=held_on.year + 543,
        number=number,
        held_on=held_on,
        starts_at=fields.pop("starts_at", time(13, 30)),
        ends_at=fields.pop("ends_at", time(16, 30)),
        venue=fields.pop("venue", VENUE),
        status=fields.pop("status", MeetingStatus.SCHEDULED),
        **fields,
    )
    db.session.add(meeting)
    db.session.flush()
    return meeting


def add_item(meeting: Meeting, section: int, position: int, title: str, **fields) -> AgendaItem:
    """An agenda item (inside an app context; the caller commits)."""
    actions = fields.pop("actions", [])
    item = AgendaItem(
        meeting_id=meeting.id, section=section, position=position, title=title, **fields
    )
    db.session.add(item)
    db.session.flush()
    for text, owner, due_on, done_on in actions:
        db.session.add(
            ActionItem(
                agenda_item_id=item.id, text=text, owner=owner, due_on=due_on, done_on=done_on
            )
        )
    db.session.flush()
    return item


def commit() -> None:
    """Commit the rows written, with the audit event every write needs."""
    audit.record_event(None, "created (test)", record_type="meetings")
    db.session.commit()


@dataclass
class Minutes:
    """The meetings of the minutes scenario (ids)."""

    committee: CommitteeIds
    first: int
    second: int
    item_4_1: int


def build_minutes(app, committee: CommitteeIds) -> Minutes:
    """Meeting 1/2569 (held 20 January 2026, its minutes certified at the next) and meeting
    2/2569 (17 March 2026, 13.30-16.05, minutes drafted) with attendance of every kind and
    items in four of the five sections."""
    with app.app_context():
        first = add_meeting(
            committee.id,
            1,
            date(2026, 1, 20),
            status=MeetingStatus.MINUTES_DRAFTED,
            opened_at=time(9, 30),
            closed_at=time(12, 0),
        )
        smart_city = add_item(
            first,
            4,
            1,
            "ข้อเสนอโครงการเมืองอัจฉริยะ",
            resolution="ที่ประชุมเห็นชอบในหลักการ",
            outcome=Outcome.APPROVED,
            actions=[
                ("จัดทำรายละเอียดโครงการ", "สมาคมไอโอทีไทย", date(2026, 3, 1), None),
                ("ส่งรายชื่อผู้ประสานงาน", "ฝ่ายเลขานุการ", date(2026, 2, 1), date(2026, 2, 20)),
            ],
        )
        second = add_meeting(
            committee.id,
            2,
            date(2026, 3, 17),
            status=MeetingStatus.MINUTES_DRAFTED,
            opened_at=time(13, 30),
            closed_at=time(16, 5),
            minute_taker_name=MINUTE_TAKER[0],
            minute_taker_position=MINUTE_TAKER[1],
            reviewer_name=REVIEWER[0],
            reviewer_position=REVIEWER[1],
        )
        first.status = MeetingStatus.MINUTES_CERTIFIED
        first.certified_at_meeting_id = second.id
        first.certified_on = second.held_on
        add_item(
            second,
            1,
            1,
            "การเปิดศูนย์ DGTi แห่งใหม่",
            body="ประธานแจ้งว่าศูนย์ DGTi แห่งใหม่เปิดให้บริการแล้ว\nณ มหาวิทยาลัยเกษตรศาสตร์ วิทยาเขตศรีราชา",
            resolution="ที่ประชุมรับทราบ",
            outcome=Outcome.NOTED,
        )
        add_item(
            second,
            2,
            1,
            "รับรองรายงานการประชุม ครั้งที่ 1/2569 เมื่อวันที่ 20 มกราคม พ.ศ. 2569",
            certifies_meeting_id=first.id,
            resolution="ที่ประชุมรับรองรายงานการประชุม ครั้งที่ 1/2569 โดยไม่มีการแก้ไข",
            outcome=Outcome.APPROVED,
        )
        add_item(
            second,
            3,
            1,
            "ติดตามผลการดำเนินงานตามมติที่ประชุม ครั้งที่ 1/2569 วาระที่ 4.1 เรื่อง ข้อเสนอโครงการเมืองอัจฉริยะ",
            follows_item_id=smart_city.id,
            body="สมาคมไอโอทีไทยรายงานความคืบหน้าการจัดทำรายละเอียดโครงการ",
            resolution="ที่ประชุมรับทราบความคืบหน้า",
            outcome=Outcome.NOTED,
        )
        plan = add_item(
            second,
            4,
            1,
            "ร่างแผนงานความร่วมมือ ปี 2569",
            body="ฝ่ายเลขานุการเสนอร่างแผนงานความร่วมมือ\nเพื่อให้ที่ประชุมพิจารณา",
            resolution="ที่ประชุมเห็นชอบร่างแผนงาน โดยให้ปรับกรอบเวลาให้สอดคล้องกับงบประมาณ",
            outcome=Outcome.APPROVED_WITH_CHANGES,
            votes_for=7,
            votes_against=1,
            votes_abstain=1,
            actions=[("ปรับปรุงแผนงานตามข้อเสนอของที่ประชุม", "ฝ่ายเลขานุการ", date(2026, 4, 30), None)],
        )
        add_item(second, 4, 2, "ข้อเสนอการจัดงานประกวดนวัตกรรม", outcome=Outcome.DEFERRED)
        for key, kind in (
            ("chair", AttendanceKind.PRESENT),
            ("vice", AttendanceKind.PRESENT),
            ("absent", AttendanceKind.ABSENT),
            ("substituted", AttendanceKind.SUBSTITUTE),
            ("no_email", AttendanceKind.PRESENT),
            ("secretary", AttendanceKind.PRESENT),
        ):
            line = Attendance(meeting_id=second.id, membership_id=committee.seats[key], kind=kind)
            if kind is AttendanceKind.ABSENT:
                line.absence_reason = ABSENCE_REASON
            if kind is AttendanceKind.SUBSTITUTE:
                line.name, line.position = SUBSTITUTE
            db.session.add(line)
        db.session.add(
            Attendance(
                meeting_id=second.id,
                kind=AttendanceKind.GUEST,
                name=GUEST[0],
                position=GUEST[1],
                organisation_name=GUEST[2],
            )
        )
        commit()
        return Minutes(committee, first.id, second.id, plan.id)


def build_agenda(
    app, minutes: Minutes, held_on: date, *, number: int = 3, electronic: bool = True
) -> int:
    """Meeting n (scheduled): section 2 certifies meeting 2/2569, section 3 follows up its
    item 4.1, section 4 has an item whose title needs escaping in a calendar; its id."""
    with app.app_context():
        second = db.session.get(Meeting, minutes.second)
        plan = db.session.get(AgendaItem, minutes.item_4_1)
        meeting = add_meeting(
            minutes.committee.id,
            number,
            held_on,
            electronic=electronic,
            online_link="https://meet.example.go.th/j/2569-3?pwd=abc" if electronic else None,
        )
        add_item(
            meeting,
            2,
            1,
            "รับรองรายงานการประชุม ครั้งที่ 2/2569 เมื่อวันที่ 17 มีนาคม พ.ศ. 2569",
            certifies_meeting_id=second.id,
        )
        add_item(
            meeting,
            3,
            1,
            f"ติดตามผลการดำเนินงานตามมติที่ประชุม ครั้งที่ 2/2569 วาระที่ 4.1 เรื่อง {plan.title}",
            follows_item_id=plan.id,
        )
        add_item(
            meeting,
            4,
            1,
            "ข้อเสนอโครงการ, ระยะที่ 2; งบประมาณ",
            body="สมาคมเสนอโครงการระยะที่ 2\nพร้อมประมาณการงบประมาณ",
        )
        commit()
        return meeting.id
