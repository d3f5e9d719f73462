"""Demo committees, drawn from the DGA news release of 17 August 2563: the joint committee of
government agencies and innovation entrepreneurs that the DGTi centres set up, with members
from the seeded associations, and one working group under it."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from .. import audit
from ..auth.models import User
from ..db import db
from ..organisations.models import Contact, Organisation, PdpaBasis, name_key
from . import services
from .models import Committee, CommitteeKind, MemberRole

#: The DGA staff who sit on the demo committees (made-up people). The second is the
#: committee secretary, whose email is the demo secretary's sign-in.
#: (title, given name, family name, position, email)
DGA_STAFF = [
    ("ดร.", "สุรชัย", "นวัตกรรมรัฐ", "ผู้อำนวยการศูนย์นวัตกรรมดิจิทัล", "surachai@dga.example"),
    ("นาย", "ธนากร", "เลขานุการ", "นักวิเคราะห์นวัตกรรมดิจิทัล", "thanakorn@dga.example"),
    ("นางสาว", "ปิยะนุช", "ประสานงาน", "เจ้าหน้าที่ศูนย์นวัตกรรมดิจิทัล", "piyanuch@dga.example"),
]  # fmt: skip

#: The demo secretary account (registry/auth/demo.py), linked to the secretary seats.
SECRETARY_EMAIL = "secretary@dgti.example"

JOINT_NAME = "คณะกรรมการร่วมศูนย์เทคโนโลยีและนวัตกรรมดิจิทัลภาครัฐ"
WORKING_GROUP_NAME = "คณะทำงานพิจารณาโจทย์และข้อเสนอโครงการนวัตกรรมดิจิทัลภาครัฐ"

JOINT_MANDATE = """\
1. ให้คำปรึกษาและข้อเสนอแนะสำหรับแผนดำเนินการของศูนย์เทคโนโลยีและนวัตกรรมดิจิทัลภาครัฐ (DGTi)
2. ระดมความเห็นและแสวงหาเทคโนโลยีที่เหมาะสมเพื่อแก้ปัญหาที่หน่วยงานภาครัฐเสนอ
3. จัดทำข้อเสนอแนะหรือร่างโครงการเสนอต่อคณะกรรมการอื่นที่เกี่ยวข้อง
4. แต่งตั้งคณะอนุกรรมการหรือคณะทำงานเพื่อปฏิบัติงานตามที่ได้รับมอบหมาย"""

WORKING_GROUP_MANDATE = """\
1. รวบรวมและคัดกรองโจทย์ปัญหาการให้บริการของหน่วยงานภาครัฐ
2. พิจารณาข้อเสนอโครงการจากสมาคมพันธมิตร และเสนอความเห็นต่อคณะกรรมการร่วม"""

#: (organisation acronym, index of the contact in its list, seat, term start, ended on, reason)
JOINT_SEATS = [
    ("DGA", 0, MemberRole.CHAIR, date(2020, 9, 1), None, None),
    ("AIAT", 0, MemberRole.VICE_CHAIR, date(2020, 9, 1), None, None),
    ("TMA", 0, MemberRole.MEMBER, date(2020, 9, 1), None, None),
    ("TESA", 0, MemberRole.MEMBER, date(2020, 9, 1), date(2022, 10, 1),
     "ลาออกจากตำแหน่งนายกสมาคม"),
    ("TESA", 1, MemberRole.MEMBER, date(2022, 10, 1), None, None),
    ("TIoT", 0, MemberRole.MEMBER, date(2020, 9, 1), None, None),
    ("ATSI", 0, MemberRole.MEMBER, date(2020, 9, 1), None, None),
    ("FTI", 0, MemberRole.MEMBER, date(2020, 9, 1), None, None),
    ("DGA", 1, MemberRole.SECRETARY, date(2020, 9, 1), None, None),
    ("DGA", 2, MemberRole.ASSISTANT_SECRETARY, date(2020, 9, 1), None, None),
]  # fmt: skip

WORKING_GROUP_SEATS = [
    ("AIAT", 1, MemberRole.CHAIR, date(2021, 1, 15), None, None),
    ("TMA", 1, MemberRole.MEMBER, date(2021, 1, 15), None, None),
    ("TIoT", 1, MemberRole.MEMBER, date(2021, 1, 15), None, None),
    ("ATSI", 1, MemberRole.MEMBER, date(2021, 1, 15), None, None),
    ("DGA", 1, MemberRole.SECRETARY, date(2021, 1, 15), None, None),
]


def _dga_contacts(dga: Organisation) -> list[Contact]:
    """DGA's staff among its contacts, added (audited) when missing."""
    by_email = {contact.email: contact for contact in dga.contacts}
    for title, first, last, position, email in DGA_STAFF:
        if email in by_email:
            continue
        contact = Contact(
            organisation=dga,
            title=title,
            first_name=first,
            last_name=last,
            position=position,
            email=email,
            pdpa_basis=PdpaBasis.PUBLIC_TASK,
        )
        with audit.change(contact, None, "created (demo data)"):
            pass
        by_email[email] = contact
    db.session.commit()
    return [by_email[row[4]] for row in DGA_STAFF]


def _people(organisations: dict[str, Organisation]) -> dict[str, list[Contact]]:
    people = {acronym: list(org.contacts) for acronym, org in organisations.items()}
    people["DGA"] = _dga_contacts(organisations["DGA"])
    return people


def _seat(committee, people, row, order: str, secretary: User | None) -> None:
    acronym, index, role, start, ended_on, reason = row
    contacts = people.get(acronym) or []
    if index >= len(contacts) or contacts[index].erased or not contacts[index].active:
        return
    linked = secretary.id if secretary is not None and role is MemberRole.SECRETARY else None
    seat = services.appoint(
        committee,
        actor=None,
        contact_id=contacts[index].id,
        role=role,
        term_start=start,
        appointed_by=order,
        user_id=linked,
    )
    if ended_on is not None:
        services.end_membership(seat, None, ended_on=ended_on, reason=reason)


def seed(organisations: dict[str, Organisation]) -> list[Committee]:
    """Create the demo committees, unless the joint committee exists; return those made."""
    if db.session.scalar(sa.select(Committee.id).where(Committee.name_key == name_key(JOINT_NAME))):
        return []
    people = _people(organisations)
    secretary = db.session.scalar(sa.select(User).where(User.email == SECRETARY_EMAIL))
    joint = services.create_committee(
        actor=None,
        kind=CommitteeKind.JOINT,
        name_th=JOINT_NAME,
        name_en="Joint Committee of the Government Digital Technology and Innovation Centres",
        mandate=JOINT_MANDATE,
        order_number="1/2563",
        order_date=date(2020, 8, 28),
        established_on=date(2020, 9, 1),
    )
    for row in JOINT_SEATS:
        _seat(joint, people, row, "คำสั่งสำนักงานพัฒนารัฐบาลดิจิทัล ที่ 1/2563", secretary)
    group = services.create_committee(
        actor=None,
        kind=CommitteeKind.WORKING_GROUP,
        parent_id=joint.id,
        name_th=WORKING_GROUP_NAME,
        name_en="Working Group on Government Problem Statements and Project Proposals",
        mandate=WORKING_GROUP_MANDATE,
        order_number="1/2564",
        order_date=date(2021, 1, 12),
        established_on=date(2021, 1, 15),
        quorum_rule="fixed_number",
        quorum_number=3,
    )
    for row in WORKING_GROUP_SEATS:
        _seat(group, people, row, "คำสั่งคณะกรรมการร่วม ที่ 1/2564", secretary)
    return [joint, group]
