"""Demo meetings of the demo joint committee (committees/demo.py): two held meetings with
attendance (a member absent with the reason, one represented by a substitute, a guest),
resolutions and action items, the first certified at the second; and the next meeting,
scheduled a few weeks ahead with its agenda filled from the earlier ones.

Everything goes through the services, so each record has its audit events. The dates
follow today's date, so the held meetings are always in the past and the next one ahead.
"""

from __future__ import annotations

from datetime import date, time, timedelta

import sqlalchemy as sa

from ..committees.demo import JOINT_NAME
from ..committees.models import Committee, MemberRole, Membership
from ..committees.queries import sitting_members
from ..db import db
from ..organisations.models import name_key
from . import services
from .models import AgendaItem, Meeting

VENUE = "ห้องประชุม 1 ชั้น 17 อาคารสำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน)"
ONLINE_LINK = "https://meet.dga.example/joint-committee"

#: (acronym of the organisation whose seat is absent, the reason) at the first meeting.
ABSENT = ("TIoT", "ติดภารกิจเดินทางไปต่างประเทศ")
#: The seat represented by a substitute at the first meeting: (acronym, name, position).
SUBSTITUTE = ("ATSI", "นายสมศักดิ์ ซอฟต์แวร์ไทย", "อุปนายกสมาคมอุตสาหกรรมซอฟต์แวร์ไทย")
#: A guest of the first meeting: (name, position, organisation) — a made-up person.
GUEST = (
    "ผู้ช่วยศาสตราจารย์ ดร.วิชัย ทะเลงาม",
    "ผู้อำนวยการสำนักคอมพิวเตอร์",
    "มหาวิทยาลัยเกษตรศาสตร์ วิทยาเขตศรีราชา",
)


def _weekday(day: date) -> date:
    """The day itself, or the Friday before when it falls on a weekend."""
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _seat(seats: list[Membership], acronym: str) -> Membership | None:
    return next((seat for seat in seats if seat.organisation.acronym == acronym), None)


def _attendance(meeting: Meeting, absent=None, substitute=None) -> None:
    seats = sitting_members(meeting.committee, meeting.held_on)
    lines = []
    for seat in seats:
        line = {"membership_id": seat.id, "kind": "present"}
        if absent and seat is _seat(seats, absent[0]):
            line = line | {"kind": "absent", "absence_reason": absent[1]}
        elif substitute and seat is _seat(seats, substitute[0]):
            line = line | {"kind": "substitute", "name": substitute[1], "position": substitute[2]}
        lines.append(line)
    services.record_attendance(meeting, actor=None, lines=lines)


def _minute_takers(meeting: Meeting, opened: time, closed: time) -> None:
    """The assistant secretary takes the minutes and the secretary reviews them."""
    seats = sitting_members(meeting.committee, meeting.held_on)
    by_role = {seat.role: seat for seat in seats}
    taker = by_role.get(MemberRole.ASSISTANT_SECRETARY) or by_role.get(MemberRole.SECRETARY)
    reviewer = by_role.get(MemberRole.SECRETARY)
    services.update_minutes(
        meeting,
        actor=None,
        opened_at=opened,
        closed_at=closed,
        minute_taker_name=taker.contact.full_name if taker else None,
        minute_taker_position=taker.title_th if taker else None,
        reviewer_name=reviewer.contact.full_name if reviewer else None,
        reviewer_position=reviewer.title_th if reviewer else None,
    )


def _item(meeting: Meeting, section: int, title: str, body: str | None = None) -> AgendaItem:
    return services.add_item(meeting, actor=None, section=section, title=title, body=body)


def _resolve(item: AgendaItem, text: str, outcome: str, **votes) -> None:
    services.record_resolution(item, actor=None, resolution=text, outcome=outcome, **votes)


def _first_meeting(joint: Committee, day: date) -> tuple[Meeting, AgendaItem]:
    meeting = services.schedule_meeting(
        joint, actor=None, held_on=day, starts_at=time(13, 30), ends_at=time(16, 0), venue=VENUE
    )
    news = _item(
        meeting,
        1,
        "การเปิดศูนย์เทคโนโลยีและนวัตกรรมดิจิทัลภาครัฐ ณ มหาวิทยาลัยเกษตรศาสตร์ วิทยาเขตศรีราชา",
        "ประธานแจ้งให้ที่ประชุมทราบถึงการเปิดศูนย์ DGTi แห่งแรกร่วมกับมหาวิทยาลัยเกษตรศาสตร์ "
        "วิทยาเขตศรีราชา เพื่อเป็นพื้นที่ทดลองและพัฒนานวัตกรรมดิจิทัลสำหรับหน่วยงานภาครัฐ",
    )
    problems = _item(
        meeting,
        4,
        "แนวทางการรวบรวมโจทย์ปัญหาจากหน่วยงานภาครัฐ",
        "ฝ่ายเลขานุการเสนอแนวทางการรับโจทย์ปัญหาการให้บริการจากหน่วยงานภาครัฐ "
        "เพื่อให้สมาคมพันธมิตรร่วมเสนอเทคโนโลยีที่เหมาะสม",
    )
    hackathon = _item(
        meeting,
        4,
        "แผนการจัดกิจกรรมแข่งขันพัฒนานวัตกรรม (Hackathon) ร่วมกับสมาคมพันธมิตร",
        "สมาคมไทยเมกเกอร์และสมาคมไทยไอโอทีเสนอให้จัดกิจกรรมร่วมกันปีละ 1 ครั้ง",
    )
    other = _item(meeting, 5, "กำหนดการประชุมครั้งต่อไป")
    _attendance(meeting, absent=ABSENT, substitute=SUBSTITUTE)
    services.add_guest(meeting, actor=None, name=GUEST[0], position=GUEST[1],
                       organisation_name=GUEST[2])  # fmt: skip
    services.mark_held(meeting, None, opened_at=time(13, 35), closed_at=time(15, 40))
    _minute_takers(meeting, time(13, 35), time(15, 40))
    _resolve(news, "ที่ประชุมรับทราบ", "noted")
    _resolve(
        problems,
        "ที่ประชุมเห็นชอบแนวทางการรวบรวมโจทย์ปัญหาตามที่ฝ่ายเลขานุการเสนอ และมอบหมายให้ดำเนินการตามที่เห็นสมควร",
        "approved",
    )
    _resolve(
        hackathon,
        "ที่ประชุมเห็นชอบในหลักการ โดยให้ปรับกรอบระยะเวลาการจัดกิจกรรมเป็นไตรมาสที่ 2 ของปีงบประมาณ",
        "approved_with_changes",
        votes_for=6,
        votes_against=0,
        votes_abstain=1,
    )
    _resolve(other, "ที่ประชุมรับทราบ และให้ฝ่ายเลขานุการแจ้งกำหนดการประชุมครั้งต่อไปให้ทราบ", "noted")
    form = services.add_action(
        problems,
        actor=None,
        text="จัดทำแบบฟอร์มรับโจทย์ปัญหาจากหน่วยงานภาครัฐ",
        owner="ฝ่ายเลขานุการ",
        due_on=day + timedelta(days=21),
    )
    services.add_action(
        problems,
        actor=None,
        text="เสนอรายชื่อผู้เชี่ยวชาญร่วมพิจารณาโจทย์ปัญหา สมาคมละไม่เกิน 2 คน",
        owner="สมาคมพันธมิตรทุกแห่ง",
        due_on=day + timedelta(days=60),
    )
    services.add_action(
        hackathon,
        actor=None,
        text="จัดทำร่างแผนการจัดกิจกรรมและประมาณการค่าใช้จ่าย",
        owner="สมาคมไทยเมกเกอร์ ร่วมกับสมาคมไทยไอโอที",
        due_on=day + timedelta(days=45),
    )
    services.mark_minutes_drafted(meeting, None)
    services.mark_action_done(form, None, done_on=day + timedelta(days=14))
    return meeting, problems


def _second_meeting(joint: Committee, day: date) -> Meeting:
    meeting = services.schedule_meeting(
        joint,
        actor=None,
        held_on=day,
        starts_at=time(9, 30),
        ends_at=time(12, 0),
        venue=VENUE,
        electronic=True,
        online_link=ONLINE_LINK,
    )
    proposals = _item(
        meeting,
        4,
        "โจทย์ปัญหาจากหน่วยงานภาครัฐ ชุดที่ 1",
        "ฝ่ายเลขานุการรวบรวมโจทย์ปัญหาจากหน่วยงานภาครัฐได้ 12 เรื่อง เสนอที่ประชุมพิจารณาคัดเลือก",
    )
    _attendance(meeting, absent=("FTI", "ติดราชการ"))
    services.mark_held(meeting, None, opened_at=time(9, 30), closed_at=time(11, 45))
    _minute_takers(meeting, time(9, 30), time(11, 45))
    for item in meeting.items:
        if item.certifies_meeting_id:
            services.certify_minutes(
                item,
                actor=None,
                changes="วาระที่ 4.2 แก้ไขคำว่า “ไตรมาสที่ 2” เป็น “ไตรมาสที่ 3”",
            )
        elif item.follows_item_id:
            _resolve(item, "ที่ประชุมรับทราบความคืบหน้า", "noted")
    _resolve(
        proposals,
        "ที่ประชุมคัดเลือกโจทย์ปัญหา 3 เรื่อง และมอบหมายคณะทำงานพิจารณาโจทย์ฯ ศึกษารายละเอียด",
        "approved",
    )
    services.add_action(
        proposals,
        actor=None,
        text="ศึกษาแนวทางแก้ปัญหาของโจทย์ที่คัดเลือก และรายงานต่อที่ประชุม",
        owner="คณะทำงานพิจารณาโจทย์และข้อเสนอโครงการนวัตกรรมดิจิทัลภาครัฐ",
        due_on=day + timedelta(days=45),
    )
    services.mark_minutes_drafted(meeting, None)
    return meeting


def seed() -> list[Meeting]:
    """Add the demo meetings to the demo joint committee, unless it has meetings already (or
    does not exist); return those made."""
    joint = db.session.scalar(
        sa.select(Committee).where(Committee.name_key == name_key(JOINT_NAME))
    )
    if joint is None or not joint.active:
        return []
    if db.session.scalar(sa.select(Meeting.id).where(Meeting.committee_id == joint.id).limit(1)):
        return []
    today = services.today()
    first, _problems = _first_meeting(joint, _weekday(today - timedelta(days=70)))
    second = _second_meeting(joint, _weekday(today - timedelta(days=35)))
    upcoming_day = today + timedelta(days=21)
    while upcoming_day.weekday() >= 5:
        upcoming_day += timedelta(days=1)
    upcoming = services.schedule_meeting(
        joint,
        actor=None,
        held_on=upcoming_day,
        starts_at=time(13, 30),
        ends_at=time(16, 0),
        venue=VENUE,
        electronic=True,
        online_link=ONLINE_LINK,
    )
    _item(upcoming, 1, "ความร่วมมือกับสภาอุตสาหกรรมแห่งประเทศไทยในการขยายศูนย์ DGTi")
    _item(upcoming, 4, "ร่างข้อเสนอแนะโครงการนำร่องจากโจทย์ปัญหาชุดที่ 1")
    return [first, second, upcoming]
