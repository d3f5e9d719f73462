"""Demo agreements, drawn from the DGA news releases the product grew from: the DGTi centre
with Kasetsart University Sriracha (signed 2563, renewed), and MOUs with the associations
DGA met on 13 August 2563, in every state of the lifecycle."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from ..auth.models import User
from ..db import db
from ..organisations.models import Organisation
from . import services
from .models import Agreement


def simple_pdf(lines: list[str]) -> bytes:
    """A small, valid one-page PDF showing some lines of ASCII text (a stand-in scan)."""
    text = "\n".join(
        f"BT /F1 14 Tf 72 {770 - 22 * i} Td ({_pdf_escape(line)}) Tj ET"
        for i, line in enumerate(lines)
    ).encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _pdf_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


#: DGA's signatory in 2563, as the news release names him.
DGA_SIGNATORY = {
    "short_name_th": "สพร.",
    "short_name_en": "DGA",
    "signatory_name": "ดร.สุพจน์ เธียรวุฒิ",
    "signatory_position": "ผู้อำนวยการสำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน)",
    "signatory_name_en": "Dr. Supot Tiarawut",
    "signatory_position_en": "Director, Digital Government Development Agency",
    "responsibilities_th": "ประสานงานและอำนวยความสะดวกในการดำเนินงานของศูนย์ DGTi\n"
    "รวบรวมโจทย์ปัญหาและความต้องการจากหน่วยงานของรัฐ\n"
    "สนับสนุนข้อมูลและผู้เชี่ยวชาญตามความเหมาะสม",
    "responsibilities_en": "Coordinate and facilitate the work of the DGTi centre\n"
    "Gather the problems and needs of government agencies\n"
    "Provide information and experts as appropriate",
}

OBJECTIVES_TH = (
    "เพื่อร่วมกันสร้างสรรค์ พัฒนา และต่อยอดนวัตกรรมดิจิทัลสำหรับภาครัฐผ่านศูนย์เทคโนโลยีและ"
    "นวัตกรรมดิจิทัลภาครัฐ (DGTi) ผลักดันให้ผู้ประกอบการนวัตกรรมในประเทศเข้ามามีส่วนร่วมสร้างสรรค์"
    "บริการดิจิทัลของภาครัฐ เพื่อให้การบริการประชาชนมีประสิทธิภาพ โปร่งใส และตรวจสอบได้"
)
OBJECTIVES_EN = (
    "To create, develop and extend digital innovation for government through the Digital "
    "Government Technology and Innovation centre (DGTi), and to bring the country's innovative "
    "entrepreneurs into building the government's digital services, so that public services "
    "are efficient, transparent and accountable."
)
CLAUSES_TH = """ร่วมกันรวบรวมปัญหาและอุปสรรคในการให้บริการภาครัฐ ทั้งในส่วนกลางและส่วนท้องถิ่น เพื่อเป็นโจทย์ในการพัฒนาบริการภาครัฐด้วยนวัตกรรมดิจิทัล
- แลกเปลี่ยนข้อมูลและองค์ความรู้ด้านเทคโนโลยีดิจิทัลและนวัตกรรมที่เกี่ยวข้อง
- ร่วมกันระดมความเห็นและแสวงหาเทคโนโลยีที่เหมาะสมเพื่อแก้ปัญหาที่หน่วยงานของรัฐเสนอ
ส่งเสริมและผลักดันผู้ประกอบการนวัตกรรมในประเทศให้เข้ามามีส่วนร่วมสร้างสรรค์บริการดิจิทัลของภาครัฐ
- ร่วมกันจัดกิจกรรม การประชุม และการฝึกอบรมเพื่อพัฒนาศักยภาพของบุคลากร
ร่วมเป็นผู้แทนในคณะกรรมการร่วมระหว่างหน่วยงานภาครัฐที่เกี่ยวข้องและผู้แทนผู้ประกอบการนวัตกรรม เพื่อให้คำปรึกษาและข้อเสนอแนะ ตลอดจนจัดทำข้อเสนอแนะหรือร่างโครงการ"""  # noqa: E501
CLAUSES_EN = """Gather the problems and obstacles of public services, central and local, as challenges for developing government services with digital innovation
- Share information and knowledge of the relevant digital technology and innovation
- Brainstorm together and seek suitable technology for the problems that government agencies raise
Promote and bring the country's innovative entrepreneurs into building the government's digital services
- Hold joint activities, meetings and training to develop people's capabilities
Take part in the joint committee of the government agencies concerned and representatives of innovative entrepreneurs, to advise and to draft recommendations or project proposals"""  # noqa: E501
PARTNER_DUTIES_TH = (
    "ประชาสัมพันธ์และเชิญชวนสมาชิกเข้าร่วมกิจกรรมของศูนย์ DGTi\n"
    "เสนอเทคโนโลยีและนวัตกรรมที่เหมาะสมต่อโจทย์ของภาครัฐ\n"
    "ส่งผู้แทนร่วมเป็นกรรมการในคณะกรรมการร่วม"
)
PARTNER_DUTIES_EN = (
    "Publicise the DGTi centre's activities and invite members to take part\n"
    "Propose suitable technology and innovation for the government's challenges\n"
    "Appoint a representative to the joint committee"
)

#: The demo agreements: (partner acronym, short name th/en, demo signatory, position th/en,
#: title th/en, what happens to it). Signatories of the partners are made-up names
#: (surname ตัวอย่าง, "example"): the news releases name none.
AGREEMENTS = [
    ("KU-SRC", "มหาวิทยาลัย", "the University", "รองศาสตราจารย์สมชาย ตัวอย่าง",
     "รองอธิการบดีวิทยาเขตศรีราชา", "Vice President, Sriracha Campus",
     "การจัดตั้งศูนย์เทคโนโลยีและนวัตกรรมดิจิทัลภาครัฐ (DGTi) ณ มหาวิทยาลัยเกษตรศาสตร์ วิทยาเขตศรีราชา",
     "Establishing the DGTi Centre at Kasetsart University, Sriracha Campus", "renewed"),
    ("TMA", "สมาคม", "the Association", "นายเมธา ตัวอย่าง", "นายกสมาคมเมกเกอร์แห่งประเทศไทย",
     "President, Thai Maker Association",
     "ความร่วมมือด้านเทคโนโลยีดิจิทัลและนวัตกรรมภาครัฐ", "Cooperation on Government Digital "
     "Technology and Innovation", "expiring"),
    ("AIAT", "สมาคม", "the Association", "ดร.ปัญญา ตัวอย่าง", "นายกสมาคมปัญญาประดิษฐ์ประเทศไทย",
     "President, Artificial Intelligence Association of Thailand",
     "ความร่วมมือด้านปัญญาประดิษฐ์เพื่อบริการภาครัฐ", "Cooperation on Artificial Intelligence "
     "for Public Services", "approved"),
    ("TESA", "สมาคม", "the Association", "นายวิศวะ ตัวอย่าง", "นายกสมาคมสมองกลฝังตัวไทย",
     "President, Thai Embedded Systems Association",
     "ความร่วมมือด้านระบบสมองกลฝังตัวเพื่อบริการภาครัฐ", "Cooperation on Embedded Systems "
     "for Public Services", "draft"),
    ("TIoT", "สมาคม", "the Association", "นางสาวอรุณี ตัวอย่าง", "นายกสมาคมไทยไอโอที",
     "President, Thai IoT Association",
     "ความร่วมมือด้านอินเทอร์เน็ตของสรรพสิ่งเพื่อบริการภาครัฐ", "Cooperation on the Internet "
     "of Things for Public Services", "in_review"),
    ("ATSI", "สมาคม", "the Association", "นายประเสริฐ ตัวอย่าง",
     "นายกสมาคมการค้าส่งเสริมการส่งออกอุตสาหกรรมซอฟต์แวร์ไทย",
     "President, Association of Thai Software Industry",
     "ความร่วมมือด้านซอฟต์แวร์เพื่อบริการภาครัฐ", "Cooperation on Software for Public Services",
     "signed"),
    ("TTSA", "สมาคม", "the Association", "นายก้าวหน้า ตัวอย่าง",
     "นายกสมาคมการค้าเพื่อส่งเสริมผู้ประกอบการเทคโนโลยีรายใหม่",
     "President, Thai Tech Startup Trade Association",
     "ความร่วมมือด้านผู้ประกอบการเทคโนโลยีรายใหม่กับภาครัฐ", "Cooperation between Tech "
     "Startups and Government", "terminated"),
]  # fmt: skip


def _content(organisations, acronym, short_th, short_en, name, position_th, position_en,
             title_th, title_en, responsible_id) -> dict:  # fmt: skip
    partner = organisations[acronym]
    return {
        "kind": "MOU",
        "language": "both",
        "title_th": title_th,
        "title_en": title_en,
        "signing_place": "สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน) กรุงเทพมหานคร",
        "objectives_th": OBJECTIVES_TH,
        "objectives_en": OBJECTIVES_EN,
        "clauses_th": CLAUSES_TH,
        "clauses_en": CLAUSES_EN,
        "copies": 2,
        "notice_days": 60,
        "responsible_id": responsible_id,
        "parties": [
            {"organisation_id": organisations["DGA"].id, **DGA_SIGNATORY},
            {
                "organisation_id": partner.id,
                "short_name_th": short_th,
                "short_name_en": short_en,
                "signatory_name": name,
                "signatory_position": position_th,
                "signatory_name_en": None,
                "signatory_position_en": position_en,
                "responsibilities_th": PARTNER_DUTIES_TH,
                "responsibilities_en": PARTNER_DUTIES_EN,
            },
        ],
        "witnesses": [
            {
                "name": "นายวิทยา ตัวอย่าง",
                "witness_position": "ผู้อำนวยการศูนย์นวัตกรรมดิจิทัล",
                "organisation_id": organisations["DGA"].id,
            },
            {
                "name": "นางสาวกมลา ตัวอย่าง",
                "witness_position": "อุปนายก" if short_th == "สมาคม" else "ผู้ช่วยอธิการบดี",
                "organisation_id": partner.id,
            },
        ],
    }


def _to_signed(agreement: Agreement, signed_on: date, scan: bool = False) -> None:
    services.submit_for_review(agreement, None)
    services.approve(agreement, None)
    services.sign(
        agreement,
        None,
        signed_on=signed_on,
        scan=simple_pdf(
            ["DGA - signed copy (demo scan)", agreement.reference, signed_on.isoformat()]
        )
        if scan
        else None,
        scan_filename=f"{agreement.reference.replace('/', '-')}-signed.pdf" if scan else None,
    )


def seed(organisations: dict[str, Organisation]) -> list[Agreement]:
    """Create the demo agreements, unless there are agreements already; return those made."""
    if db.session.scalar(sa.select(sa.func.count(Agreement.id))):
        return []
    staff = db.session.scalar(sa.select(User).where(User.email == "staff@dgti.example"))
    responsible_id = staff.id if staff is not None else None
    today = services.today()
    made = []
    for row in AGREEMENTS:
        *fields, fate = row
        content = _content(organisations, *fields, responsible_id)
        if fate == "renewed":
            content |= {
                "effective_from": date(2020, 7, 22),
                "effective_until": date(2023, 7, 21),
                "signing_place": "มหาวิทยาลัยเกษตรศาสตร์ วิทยาเขตศรีราชา จังหวัดชลบุรี",
            }
        elif fate == "expiring":
            until = today + timedelta(days=45)
            content |= {"effective_from": until.replace(year=until.year - 3) + timedelta(days=1),
                        "effective_until": until}  # fmt: skip
        elif fate in ("signed", "terminated"):
            content |= {"effective_from": date(2024, 3, 1), "effective_until": date(2027, 2, 28)}
        agreement = services.create_agreement(
            content, actor=None, numbered_on=content.get("effective_from")
        )
        made.append(agreement)
        if fate == "in_review":
            services.submit_for_review(agreement, None)
        elif fate == "approved":
            services.submit_for_review(agreement, None)
            services.approve(agreement, None)
        elif fate in ("expiring", "signed", "terminated"):
            _to_signed(agreement, agreement.effective_from, scan=fate == "signed")
            if fate == "terminated":
                services.terminate(
                    agreement,
                    None,
                    terminated_on=date(2025, 6, 30),
                    notice_on=date(2025, 5, 1),
                    reason="สมาคมแจ้งขอยุติความร่วมมือเป็นหนังสือล่วงหน้า 60 วัน "
                    "เนื่องจากปรับโครงสร้างการดำเนินงาน",
                )
        elif fate == "renewed":
            _to_signed(agreement, date(2020, 7, 22), scan=True)
            renewal = services.renew(agreement, None, numbered_on=date(2023, 6, 1))
            renewed = services.content_of(renewal) | {"effective_until": date(2028, 7, 21)}
            services.update_agreement(
                renewal, renewed, actor=None, lock_version=renewal.lock_version
            )
            _to_signed(renewal, date(2023, 7, 20), scan=True)
            made.append(renewal)
    return made
