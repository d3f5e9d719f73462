"""Agreements (MOU / MOA) for the benchmark: the agreements with their parties, clauses,
witnesses and amendments, in every status, with effective periods spread so that some are
active, some expiring within 90 days, some expired, some open-ended, and some renewals."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from registry.agreements.models import AgreementKind, AgreementStatus
from registry.agreements.services import reference_for
from registry.meetings.models import BE_OFFSET
from registry.organisations.models import OrganisationKind

from .organisations import Register
from .text import TOPICS, TOPICS_EN, full_name

A = AgreementStatus
_STATUSES = [A.SIGNED] * 70 + [A.TERMINATED] * 6 + [A.DRAFT] * 10 + [A.IN_REVIEW] * 6
_STATUSES += [A.APPROVED] * 8
#: What a party is called in the text, by the kind of organisation: (Thai, English).
SHORT_NAMES = {
    OrganisationKind.ASSOCIATION: ("สมาคม", "the Association"),
    OrganisationKind.FEDERATION: ("สภา", "the Council"),
    OrganisationKind.COMPANY: ("บริษัท", "the Company"),
    OrganisationKind.UNIVERSITY: ("มหาวิทยาลัย", "the University"),
    OrganisationKind.GOVERNMENT_AGENCY: ("หน่วยงาน", "the Agency"),
    OrganisationKind.OWN_CENTRE: ("ศูนย์", "the Centre"),
}
SIGNATORY_POSITIONS = {
    OrganisationKind.ASSOCIATION: "นายกสมาคม",
    OrganisationKind.FEDERATION: "ประธานสภา",
    OrganisationKind.COMPANY: "กรรมการผู้จัดการ",
    OrganisationKind.UNIVERSITY: "อธิการบดี",
    OrganisationKind.GOVERNMENT_AGENCY: "ผู้อำนวยการ",
    OrganisationKind.OWN_CENTRE: "ผู้อำนวยการศูนย์",
}
DGA_PARTY = {
    "short_name_th": "สพร.",
    "short_name_en": "DGA",
    "signatory_name": "ดร.สุพจน์ เธียรวุฒิ",
    "signatory_position": "ผู้อำนวยการสำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน)",
    "signatory_name_en": "Dr. Supot Tiarawut",
    "signatory_position_en": "Director, Digital Government Development Agency",
    "responsibilities_th": "ประสานงานและอำนวยความสะดวกในการดำเนินงานของศูนย์ DGTi\n"
    "รวบรวมโจทย์ปัญหาและความต้องการจากหน่วยงานของรัฐ",
    "responsibilities_en": "Coordinate and facilitate the work of the DGTi centre\n"
    "Gather the problems and needs of government agencies",
}
PARTNER_DUTIES_TH = (
    "ประชาสัมพันธ์และเชิญชวนสมาชิกเข้าร่วมกิจกรรมของศูนย์ DGTi\n"
    "เสนอเทคโนโลยีและนวัตกรรมที่เหมาะสมต่อโจทย์ของภาครัฐ\n"
    "ส่งผู้แทนร่วมเป็นกรรมการในคณะกรรมการร่วม"
)
#: (Thai, English) numbered clauses and their sub-clauses.
CLAUSES = (
    (
        "ร่วมกันรวบรวมปัญหาและอุปสรรคในการให้บริการภาครัฐ เพื่อเป็นโจทย์ในการพัฒนาบริการภาครัฐด้วยนวัตกรรมดิจิทัล",
        "Gather the problems of public services as challenges for digital innovation",
    ),
    (
        "แลกเปลี่ยนข้อมูลและองค์ความรู้ด้านเทคโนโลยีดิจิทัลและนวัตกรรมที่เกี่ยวข้อง",
        "Share information and knowledge of digital technology and innovation",
    ),
    (
        "ส่งเสริมผู้ประกอบการนวัตกรรมในประเทศให้มีส่วนร่วมสร้างสรรค์บริการดิจิทัลของภาครัฐ",
        "Bring the country's innovative entrepreneurs into building government digital services",
    ),
    (
        "ร่วมกันจัดกิจกรรม การประชุม และการฝึกอบรมเพื่อพัฒนาศักยภาพของบุคลากร",
        "Hold joint activities, meetings and training to develop people's capabilities",
    ),
    (
        "ร่วมเป็นผู้แทนในคณะกรรมการร่วมเพื่อให้คำปรึกษาและจัดทำข้อเสนอแนะหรือร่างโครงการ",
        "Take part in the joint committee to advise and draft recommendations or projects",
    ),
    (
        "ร่วมกันพัฒนาต้นแบบบริการดิจิทัลและทดสอบในหน่วยงานนำร่อง",
        "Develop prototypes of digital services and pilot them in agencies",
    ),
)
SIGNING_PLACES = (
    "สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน) กรุงเทพมหานคร",
    "ศูนย์ราชการเฉลิมพระเกียรติ ๘๐ พรรษา กรุงเทพมหานคร",
    "ศูนย์เทคโนโลยีและนวัตกรรมดิจิทัลภาครัฐ มหาวิทยาลัยเกษตรศาสตร์ วิทยาเขตศรีราชา",
)
TERMINATION_REASONS = (
    "คู่สัญญาตกลงยกเลิกบันทึกข้อตกลงเป็นลายลักษณ์อักษร",
    "สมาคมยุติการดำเนินกิจการ",
    "ไม่มีกิจกรรมร่วมกันตามบันทึกข้อตกลงเกินหนึ่งปี",
)


@dataclass
class Agreements:
    """The rows made for the agreement tables."""

    agreements: list[dict] = field(default_factory=list)
    parties: list[dict] = field(default_factory=list)
    clauses: list[dict] = field(default_factory=list)
    witnesses: list[dict] = field(default_factory=list)
    amendments: list[dict] = field(default_factory=list)
    #: Signed (or terminated) agreements by partner organisation, for the annexes.
    signed_by_partner: dict[int, list[int]] = field(default_factory=dict)


def _dates(status: A, rng: random.Random, today: date) -> dict:
    """Signing day, effective period and termination, by status, relative to today."""
    if status not in (A.SIGNED, A.TERMINATED):
        created = today - timedelta(days=rng.randint(1, 300))
        planned = created + timedelta(days=rng.randint(30, 120)) if rng.random() < 0.5 else None
        return {
            "created": created,
            "signed_on": planned,
            "effective_from": None,
            "effective_until": None,
            "terminated_on": None,
        }
    roll = rng.random()
    if roll < 0.06:  # expiring: ends within the next 90 days
        until = today + timedelta(days=rng.randint(0, 89))
        signed = until - timedelta(days=rng.choice((2, 3, 5)) * 365)
    elif roll < 0.16:  # open-ended
        signed, until = today - timedelta(days=rng.randint(30, 6 * 365)), None
    else:
        signed = today - timedelta(days=rng.randint(10, 7 * 365))
        until = signed + timedelta(days=rng.choice((2, 3, 3, 5)) * 365)
    start = signed + timedelta(days=rng.choice((0, 0, 0, 15, 30)))
    terminated = None
    if status is A.TERMINATED:
        last = min(today, until) if until else today
        terminated = start + timedelta(days=rng.randint(0, max(0, (last - start).days)))
    return {
        "created": signed - timedelta(days=rng.randint(20, 120)),
        "signed_on": signed,
        "effective_from": start if start != signed else None,
        "effective_until": until,
        "terminated_on": terminated,
    }


def build(
    count: int,
    register: Register,
    rng: random.Random,
    today: date,
    *,
    staff_id: int | None,
) -> Agreements:
    """Numbered agreements between DGA and one partner (one in ten with a second partner or
    a DGTi centre); every five-hundredth with the busy association. Reference numbers run
    per Buddhist year in the order the agreements were drafted."""
    drafts = []
    for n in range(count):
        status = rng.choice(_STATUSES)
        partner = register.busy_id if n % 500 == 7 else rng.choice(register.partner_ids)
        drafts.append((_dates(status, rng, today), status, partner))
    drafts.sort(key=lambda draft: draft[0]["created"])
    made = Agreements()
    numbers: dict[int, int] = {}
    renewable: dict[int, int] = {}
    for ident, (when, status, partner) in enumerate(drafts, 1):
        kind = AgreementKind.MOA if rng.random() < 0.15 else AgreementKind.MOU
        year = when["created"].year + BE_OFFSET
        numbers[year] = numbers.get(year, 0) + 1
        topic = rng.randrange(len(TOPICS))
        signed = status in (A.SIGNED, A.TERMINATED)
        predecessor = None
        if signed and partner in renewable and rng.random() < 0.5:
            predecessor = renewable.pop(partner)
        created = datetime.combine(when["created"], datetime.min.time()) + timedelta(hours=3)
        made.agreements.append(
            {
                "id": ident,
                "kind": kind.value,
                "reference": reference_for(kind, year, numbers[year]),
                "reference_year": year,
                "reference_number": numbers[year],
                "title_th": f"ความร่วมมือด้าน{TOPICS[topic]}เพื่อบริการภาครัฐ",
                "title_en": f"Cooperation on {TOPICS_EN[topic]} for Public Services",
                "signing_place": rng.choice(SIGNING_PLACES),
                "signed_on": when["signed_on"],
                "effective_from": when["effective_from"],
                "effective_until": when["effective_until"],
                "objectives_th": "เพื่อร่วมกันพัฒนาและต่อยอดนวัตกรรมดิจิทัลสำหรับภาครัฐ"
                f"ด้าน{TOPICS[topic]} ผ่านศูนย์เทคโนโลยีและนวัตกรรมดิจิทัลภาครัฐ (DGTi)",
                "objectives_en": f"To develop digital innovation in {TOPICS_EN[topic]} for "
                "government through the DGTi centres",
                "copies": rng.choice((2, 2, 2, 3)),
                "language": rng.choice(("th", "th", "both")),
                "notice_days": rng.choice((30, 60, 90)),
                "predecessor_id": predecessor,
                "status": status.value,
                "terminated_on": when["terminated_on"],
                "termination_reason": rng.choice(TERMINATION_REASONS)
                if when["terminated_on"]
                else None,
                "responsible_id": staff_id,
                "lock_version": 1,
                "scan_path": None,
                "scan_filename": None,
                "scan_sha256": None,
                "scan_size": None,
                "scan_uploaded_by_id": None,
                "scan_uploaded_at": None,
                "created_at": created,
                "updated_at": created + timedelta(days=rng.randint(0, 20)),
            }
        )
        if status is A.SIGNED:
            renewable[partner] = ident
        if signed:
            made.signed_by_partner.setdefault(partner, []).append(ident)
        _add_parts(made, ident, status, partner, register, rng, when, staff_id, today)
    return made


def _add_parts(made, ident, status, partner, register, rng, when, staff_id, today) -> None:
    """The parties, clauses, witnesses and amendments of one agreement."""
    others = [partner]
    if rng.random() < 0.1:
        extra = rng.choice(register.centre_ids + register.partner_ids)
        if extra != partner:
            others.append(extra)
    parties = [{"organisation_id": register.dga_id, **DGA_PARTY}]
    for organisation_id in others:
        kind = OrganisationKind(register.organisation(organisation_id)["kind"])
        short_th, short_en = SHORT_NAMES.get(kind, ("หน่วยงาน", "the Agency"))
        people = register.people.get(organisation_id)
        parties.append(
            {
                "organisation_id": organisation_id,
                "short_name_th": short_th,
                "short_name_en": short_en,
                "signatory_name": register.contact_name(rng.choice(people))
                if people
                else full_name(rng),
                "signatory_position": SIGNATORY_POSITIONS.get(kind, "ผู้อำนวยการ"),
                "signatory_name_en": None,
                "signatory_position_en": None,
                "responsibilities_th": PARTNER_DUTIES_TH,
                "responsibilities_en": None,
            }
        )
    first_party = len(made.parties) + 1
    for position, party in enumerate(parties, 1):
        made.parties.append(
            {"id": len(made.parties) + 1, "agreement_id": ident, "position": position, **party}
        )
    for position, (text_th, text_en) in enumerate(rng.sample(CLAUSES, rng.randint(2, 4)), 1):
        top = len(made.clauses) + 1
        made.clauses.append(
            {
                "id": top,
                "agreement_id": ident,
                "parent_id": None,
                "position": position,
                "text_th": text_th,
                "text_en": text_en,
            }
        )
        for sub, (sub_th, sub_en) in enumerate(rng.sample(CLAUSES, rng.randint(0, 2)), 1):
            made.clauses.append(
                {
                    "id": len(made.clauses) + 1,
                    "agreement_id": ident,
                    "parent_id": top,
                    "position": sub,
                    "text_th": sub_th,
                    "text_en": sub_en,
                }
            )
    if status in (A.APPROVED, A.SIGNED, A.TERMINATED):
        for position, party_id in enumerate((first_party, first_party + 1), 1):
            made.witnesses.append(
                {
                    "id": len(made.witnesses) + 1,
                    "agreement_id": ident,
                    "party_id": party_id,
                    "position": position,
                    "name": full_name(rng),
                    "witness_position": "ผู้อำนวยการศูนย์นวัตกรรมดิจิทัล" if position == 1 else "อุปนายก",
                }
            )
    if status is A.SIGNED and rng.random() < 0.03:
        made_on = min(today, when["signed_on"] + timedelta(days=rng.randint(30, 300)))
        made.amendments.append(
            {
                "id": len(made.amendments) + 1,
                "agreement_id": ident,
                "number": 1,
                "made_on": made_on,
                "text": "แก้ไขผู้ประสานงานของคู่สัญญาตามหนังสือแจ้งเปลี่ยนแปลง",
                "created_by_id": staff_id,
                "created_at": datetime.combine(made_on, datetime.min.time()) + timedelta(hours=4),
            }
        )
