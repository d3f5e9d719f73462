"""Demo proposals, drawn from what the DGA news releases say the joint committee is for:
problems that government agencies raise, draft projects and recommendations from the partner
associations, endorsed by other associations. One of every kind and status; one problem
statement is tied to the item of a held demo meeting (registry/meetings/demo.py) that
resolved on it, and a draft project is put to the next scheduled meeting's agenda.

Everything goes through the services, acting as the demo staff member, secretary and the
associations' representatives (rep.<acronym>@dgti.example), so every record has its audit
events. Nothing is added when proposals exist already.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from .. import audit
from ..agreements.demo import simple_pdf
from ..auth.models import User
from ..committees.demo import JOINT_NAME, SECRETARY_EMAIL
from ..committees.models import Committee
from ..db import db
from ..meetings.models import AgendaItem, Meeting, MeetingStatus
from ..organisations import services as organisations
from ..organisations.models import Organisation, OrganisationKind, OrganisationStatus, name_key
from . import services
from .models import Category, Proposal, ProposalStatus

S = ProposalStatus
STAFF_EMAIL = "staff@dgti.example"

#: Government agencies that raise problems (added when missing): (acronym, Thai, English).
AGENCIES = [
    ("RID", "กรมชลประทาน", "Royal Irrigation Department"),
    ("CBR-AGRI", "สำนักงานเกษตรจังหวัดชลบุรี", "Chon Buri Provincial Agricultural Office"),
]

#: The held demo meeting's item that took up the government agencies' problems.
PROBLEMS_ITEM = "โจทย์ปัญหาจากหน่วยงานภาครัฐ ชุดที่ 1"

#: (submitter acronym, kind, category code, title, summary, problem, approach, support,
#:  status, endorsing acronyms, withdrawn endorsing acronyms)
PROPOSALS = [
    ("RID", "problem_statement", "iot",
     "ระบบเตือนภัยน้ำท่วมล่วงหน้าสำหรับชุมชนลุ่มน้ำ",
     "กรมชลประทานต้องการระบบแจ้งระดับน้ำและเตือนภัยล่วงหน้าให้ชุมชนริมลำน้ำทราบได้ทันเวลา",
     "สถานีวัดระดับน้ำมีน้อยและรายงานผลเป็นรายชั่วโมง ชุมชนท้ายน้ำได้รับแจ้งเตือนช้า "
     "ทำให้ขนย้ายทรัพย์สินไม่ทัน",
     "ขอให้สมาคมพันธมิตรเสนอเทคโนโลยีเซนเซอร์ราคาประหยัดและช่องทางแจ้งเตือนผ่านโทรศัพท์มือถือ",
     "ข้อมูลระดับน้ำย้อนหลัง 10 ปี และพื้นที่นำร่อง 3 ลุ่มน้ำ",
     S.RECOMMENDED, ["TIoT", "TESA", "AIAT"], []),
    ("CBR-AGRI", "problem_statement", "ai",
     "การพยากรณ์ผลผลิตและโรคพืชจากภาพถ่ายทางอากาศ",
     "เกษตรกรในจังหวัดชลบุรีต้องการทราบความเสี่ยงโรคพืชและผลผลิตล่วงหน้าเพื่อวางแผนการเพาะปลูก",
     "เจ้าหน้าที่สำรวจแปลงเพาะปลูกได้ไม่ทั่วถึง ข้อมูลโรคพืชมาถึงช้ากว่าการระบาด",
     "ใช้ภาพจากอากาศยานไร้คนขับร่วมกับแบบจำลองปัญญาประดิษฐ์จำแนกโรคพืช",
     "ภาพถ่ายแปลงตัวอย่าง และเจ้าหน้าที่ประสานงานในพื้นที่",
     S.SCREENING, ["AIAT", "TMA"], []),
    ("TIoT", "draft_project", "iot",
     "แพลตฟอร์มเซนเซอร์วัดคุณภาพอากาศในโรงเรียน",
     "ติดตั้งเซนเซอร์วัดฝุ่น PM2.5 ในโรงเรียนนำร่อง 50 แห่ง และเปิดข้อมูลให้หน่วยงานท้องถิ่นใช้",
     "โรงเรียนไม่มีข้อมูลคุณภาพอากาศของตนเอง ตัดสินใจงดกิจกรรมกลางแจ้งไม่ได้ทันเวลา",
     "เซนเซอร์ไอโอทีผลิตในประเทศ เชื่อมต่อผ่านเครือข่าย LoRaWAN และแดชบอร์ดกลาง",
     "งบประมาณค่าอุปกรณ์ 1.5 ล้านบาท และพื้นที่ทดสอบในศูนย์ DGTi",
     S.ON_AGENDA, ["TESA", "TMA"], []),
    ("TMA", "draft_project", "maker",
     "พื้นที่เมกเกอร์สำหรับเยาวชนในศูนย์ DGTi",
     "จัดพื้นที่และเครื่องมือต้นแบบให้เยาวชนและผู้ประกอบการรายใหม่ทดลองสร้างนวัตกรรมสำหรับภาครัฐ",
     "เยาวชนที่มีแนวคิดนวัตกรรมขาดเครื่องมือและพี่เลี้ยงในการสร้างต้นแบบ",
     "เครื่องพิมพ์สามมิติ เครื่องตัดเลเซอร์ และกิจกรรมพี่เลี้ยงจากสมาชิกสมาคม",
     "พื้นที่ 80 ตารางเมตร และค่าวัสดุสิ้นเปลืองปีละ 300,000 บาท",
     S.SUBMITTED, ["TESA"], []),
    ("ATSI", "recommendation", "software",
     "แนวทางการจัดซื้อจัดจ้างซอฟต์แวร์ภาครัฐแบบเปิด",
     "เสนอแนวทางให้หน่วยงานภาครัฐจัดหาซอฟต์แวร์ที่ใช้มาตรฐานเปิด เพื่อลดการผูกขาดและเพิ่มโอกาสผู้ประกอบการไทย",
     "ข้อกำหนดการจัดซื้อมักระบุผลิตภัณฑ์เฉพาะ ผู้ประกอบการซอฟต์แวร์ไทยเข้าแข่งขันได้ยาก",
     "แม่แบบข้อกำหนดขอบเขตงาน (TOR) ที่ใช้มาตรฐานเปิด และคู่มือประเมินข้อเสนอ",
     None,
     S.FORWARDED, ["AIAT", "TTSA", "TVCA", "FTI"], []),
    ("AIAT", "draft_project", "ai",
     "แชตบอตภาษาไทยตอบคำถามการใช้บริการภาครัฐ",
     "พัฒนาแชตบอตภาษาไทยที่ตอบคำถามประชาชนเรื่องขั้นตอนและเอกสารการขอรับบริการของหน่วยงานภาครัฐ",
     "ศูนย์บริการรับสายคำถามซ้ำ ๆ จำนวนมาก ประชาชนรอสายนาน",
     "แบบจำลองภาษาไทยที่ปรับจูนด้วยคู่มือบริการ และส่งต่อเจ้าหน้าที่เมื่อตอบไม่ได้",
     "ชุดข้อมูลคำถามที่พบบ่อยจากหน่วยงานนำร่อง 5 แห่ง",
     S.IN_IMPLEMENTATION, ["ATSI", "TIoT", "TMA"], ["TMA"]),
    ("TTSA", "recommendation", "venture",
     "มาตรการส่งเสริมสตาร์ทอัพด้านเทคโนโลยีภาครัฐ (GovTech)",
     "เสนอให้ศูนย์ DGTi เปิดรับสตาร์ทอัพทดลองบริการกับหน่วยงานภาครัฐในระยะเวลาจำกัด (sandbox)",
     "สตาร์ทอัพไม่มีช่องทางทดลองบริการกับหน่วยงานภาครัฐก่อนการจัดซื้อจริง",
     "โครงการทดลองบริการ 6 เดือน พร้อมเกณฑ์ประเมินผลร่วมกัน",
     None,
     S.COMPLETED, ["TVCA"], []),
    ("TESA", "draft_project", "embedded",
     "ชุดพัฒนาระบบสมองกลฝังตัวสำหรับสถานศึกษา",
     "จัดทำชุดทดลองระบบสมองกลฝังตัวสำหรับวิทยาลัยเทคนิค พร้อมหลักสูตรอบรมครู",
     "สถานศึกษาขาดอุปกรณ์ทดลองที่ทันสมัย",
     "บอร์ดพัฒนาที่ออกแบบในประเทศ และหลักสูตรอบรม 3 วัน",
     "งบประมาณ 4 ล้านบาท",
     S.REJECTED, [], []),
    ("FTI", "recommendation", "other",
     "ศูนย์ทดสอบมาตรฐานอุปกรณ์ไอโอทีสำหรับอุตสาหกรรม",
     "เสนอให้จัดตั้งศูนย์ทดสอบความปลอดภัยและมาตรฐานอุปกรณ์ไอโอทีที่ใช้ในโรงงาน",
     "ผู้ผลิตต้องส่งอุปกรณ์ไปทดสอบต่างประเทศ เสียค่าใช้จ่ายและเวลา",
     "ความร่วมมือระหว่างศูนย์ DGTi สภาอุตสาหกรรม และมหาวิทยาลัย",
     None,
     S.WITHDRAWN, ["TIoT"], []),
]  # fmt: skip

#: The reason staff give for each step, by the status it leads to.
REASONS = {
    S.SCREENING: "ฝ่ายเลขานุการรับเรื่องและเริ่มคัดกรองข้อเสนอ",
    S.RECOMMENDED: "ที่ประชุมคณะกรรมการร่วมเห็นชอบ ให้จัดทำข้อเสนอแนะเสนอหน่วยงานที่เกี่ยวข้อง",
    S.FORWARDED: "ส่งข้อเสนอแนะตามมติที่ประชุมคณะกรรมการร่วม",
    S.IN_IMPLEMENTATION: "หน่วยงานนำร่องตอบรับและเริ่มดำเนินโครงการ",
    S.COMPLETED: "ดำเนินโครงการทดลองครบกำหนดและส่งรายงานผลแล้ว",
    S.REJECTED: "ซ้ำซ้อนกับโครงการของกระทรวงศึกษาธิการที่ดำเนินการอยู่แล้ว",
    S.WITHDRAWN: "สภาอุตสาหกรรมจะเสนอเรื่องนี้ผ่านคณะกรรมการอื่นที่เกี่ยวข้องโดยตรง",
}
FORWARDED_TO = "คณะกรรมการพัฒนารัฐบาลดิจิทัล"


def _user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email))


def _agencies(staff: User, organisations_by_acronym: dict[str, Organisation]) -> None:
    for acronym, name_th, name_en in AGENCIES:
        if acronym in organisations_by_acronym:
            continue
        existing = db.session.scalar(
            sa.select(Organisation).where(Organisation.name_key == name_key(name_th))
        )
        organisations_by_acronym[acronym] = existing or organisations.create_organisation(
            actor=staff,
            status=OrganisationStatus.ACTIVE,
            name_th=name_th,
            name_en=name_en,
            acronym=acronym,
            kind=OrganisationKind.GOVERNMENT_AGENCY,
        )


def _problems_item() -> AgendaItem | None:
    """The held demo meeting's item on the agencies' problems, if it is there and free."""
    return db.session.scalar(
        sa.select(AgendaItem)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .join(Committee, Committee.id == Meeting.committee_id)
        .where(
            Committee.name_key == name_key(JOINT_NAME),
            AgendaItem.title == PROBLEMS_ITEM,
            AgendaItem.proposal_id.is_(None),
            Meeting.status.in_([MeetingStatus.HELD, MeetingStatus.MINUTES_DRAFTED]),
        )
    )


def _next_meeting() -> Meeting | None:
    return db.session.scalar(
        sa.select(Meeting)
        .join(Committee, Committee.id == Meeting.committee_id)
        .where(
            Committee.name_key == name_key(JOINT_NAME),
            Meeting.status == MeetingStatus.SCHEDULED,
        )
        .order_by(Meeting.held_on)
        .limit(1)
    )


#: Why a proposal decided before the register held the meetings was on an agenda.
EARLIER_MEETING = "เสนอที่ประชุมคณะกรรมการร่วมก่อนเริ่มบันทึกการประชุมในระบบทะเบียน"


def _to_agenda(proposal: Proposal, target: ProposalStatus, staff: User,
               secretary: User | None) -> None:  # fmt: skip
    """Put the proposal on an agenda: the problem statement on the held meeting's item that
    resolved on it, the one waiting for the committee on the next scheduled meeting, the
    others (decided earlier) with a note."""
    item = _problems_item() if proposal.kind.value == "problem_statement" else None
    meeting = _next_meeting() if target is S.ON_AGENDA else None
    if item is not None:
        with audit.change(item, staff, "updated (demo data)"):
            item.proposal_id = proposal.id
        reason = f"เสนอที่ประชุมครั้งที่ {item.meeting.number_label} ระเบียบวาระที่ {item.number_label}"
    elif meeting is not None:
        actor = secretary if secretary and services.may_schedule(secretary, meeting) else staff
        services.place_on_agenda(proposal, actor, meeting=meeting)
        return
    else:
        reason = EARLIER_MEETING
    services._set_status(proposal, staff, S.ON_AGENDA, reason, "placed on agenda")
    db.session.commit()


def _move(proposal: Proposal, target: ProposalStatus, staff: User, owner: User | None,
          secretary: User | None) -> None:  # fmt: skip
    """Take the proposal along the workflow to ``target``, one audited step at a time."""
    if target is S.SUBMITTED:
        return
    if target is S.WITHDRAWN:
        services.withdraw_proposal(proposal, owner or staff, reason=REASONS[S.WITHDRAWN])
        return
    services.change_status(proposal, staff, to=S.SCREENING, reason=REASONS[S.SCREENING])
    if target is S.REJECTED:
        services.change_status(proposal, staff, to=S.REJECTED, reason=REASONS[S.REJECTED])
        return
    if target is S.SCREENING:
        return
    _to_agenda(proposal, target, staff, secretary)
    for step in (S.RECOMMENDED, S.FORWARDED, S.IN_IMPLEMENTATION, S.COMPLETED):
        if proposal.status is target:
            return
        if step is S.FORWARDED and target in (S.IN_IMPLEMENTATION, S.COMPLETED):
            continue
        services.change_status(
            proposal, staff, to=step, reason=REASONS[step], forwarded_to=FORWARDED_TO
        )


def seed(organisations_by_acronym: dict[str, Organisation]) -> list[Proposal]:
    """Add the demo proposals and endorsements (nothing when any proposal exists, or the
    demo staff account is missing); return those made."""
    if db.session.scalar(sa.select(Proposal.id).limit(1)) is not None:
        return []
    staff = _user(STAFF_EMAIL)
    if staff is None:
        return []
    secretary = _user(SECRETARY_EMAIL)
    organisations_by_acronym = dict(organisations_by_acronym)
    _agencies(staff, organisations_by_acronym)
    categories = {c.code: c.id for c in db.session.scalars(sa.select(Category))}
    made = []
    for index, row in enumerate(PROPOSALS):
        (acronym, kind, category, title, summary, problem, approach, support, status,
         endorsers, withdrawn) = row  # fmt: skip
        organisation = organisations_by_acronym[acronym]
        owner = _user(f"rep.{acronym.lower()}@dgti.example")
        contact = next((c for c in organisation.contacts if c.active and not c.erased), None)
        proposal = services.submit_proposal(
            actor=owner or staff,
            organisation_id=organisation.id,
            kind=kind,
            title=title,
            summary=summary,
            problem=problem,
            approach=approach,
            requested_support=support,
            category_id=categories[category],
            contact_id=contact.id if contact else None,
        )
        if index in (0, 2):
            services.add_attachment(
                proposal, owner or staff,
                data=simple_pdf(["DGTi demo", "Proposal annex"]),
                filename="รายละเอียดข้อเสนอ.pdf", public=index == 0,
            )  # fmt: skip
        for position, endorser in enumerate(endorsers):
            rep = _user(f"rep.{endorser.lower()}@dgti.example")
            letter = simple_pdf(["Letter of support", endorser]) if position == 0 else None
            endorsement = services.endorse(
                proposal,
                rep or staff,
                organisation_id=organisations_by_acronym[endorser].id,
                statement=f"{organisations_by_acronym[endorser].name_th} สนับสนุนข้อเสนอนี้ "
                "และพร้อมส่งผู้เชี่ยวชาญร่วมดำเนินการ",
                letter=letter,
                letter_filename="หนังสือสนับสนุน.pdf" if letter else None,
                endorsed_on=services.today() - timedelta(days=3) if rep is None else None,
            )
            if endorser in withdrawn:
                services.withdraw_endorsement(
                    endorsement, rep or staff, reason="สมาคมขอทบทวนการสนับสนุนหลังปรับขอบเขตโครงการ"
                )
        _move(proposal, status, staff, owner, secretary)
        made.append(proposal)
    # A university without a representative endorses on paper, recorded by staff.
    university = organisations_by_acronym.get("KU-SRC")
    if university is not None and len(made) > 2:
        services.endorse(
            made[2],
            staff,
            organisation_id=university.id,
            statement="มหาวิทยาลัยยินดีเป็นพื้นที่ทดสอบเซนเซอร์ในโรงเรียนสาธิต",
            letter=simple_pdf(["Kasetsart University Sriracha", "Letter of support"]),
            letter_filename="หนังสือมหาวิทยาลัย.pdf",
            endorsed_on=services.today() - timedelta(days=10),
        )
    return made
