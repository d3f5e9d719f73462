"""Demo organisations, drawn from the DGA news releases the product grew from."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from .. import audit
from ..db import db
from .models import Contact, Organisation, OrganisationKind, OrganisationStatus, PdpaBasis
from .provinces import BANGKOK

#: The province code of Chon Buri, home of Kasetsart University Sriracha and its DGTi centre.
CHON_BURI = "20"

K = OrganisationKind
S = OrganisationStatus

#: (acronym, Thai name, English name, kind, status)
ORGANISATIONS = [
    ("DGA", "สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน)",
     "Digital Government Development Agency (Public Organization)", K.OWN_AGENCY, S.ACTIVE),
    ("DGTi-KUSRC", "ศูนย์เทคโนโลยีและนวัตกรรมดิจิทัลภาครัฐ มหาวิทยาลัยเกษตรศาสตร์ วิทยาเขตศรีราชา",
     "DGTi Centre, Kasetsart University Sriracha Campus", K.OWN_CENTRE, S.ACTIVE),
    ("KU-SRC", "มหาวิทยาลัยเกษตรศาสตร์ วิทยาเขตศรีราชา",
     "Kasetsart University, Sriracha Campus", K.UNIVERSITY, S.ACTIVE),
    ("TMA", "สมาคมเมกเกอร์แห่งประเทศไทย", "Thai Maker Association", K.ASSOCIATION, S.ACTIVE),
    ("AIAT", "สมาคมปัญญาประดิษฐ์ประเทศไทย", "Artificial Intelligence Association of Thailand",
     K.ASSOCIATION, S.ACTIVE),
    ("TESA", "สมาคมสมองกลฝังตัวไทย", "Thai Embedded Systems Association", K.ASSOCIATION, S.ACTIVE),
    ("TIoT", "สมาคมไทยไอโอที", "Thai IoT Association", K.ASSOCIATION, S.ACTIVE),
    ("TTSA", "สมาคมการค้าเพื่อส่งเสริมผู้ประกอบการเทคโนโลยีรายใหม่",
     "Thai Tech Startup Trade Association", K.ASSOCIATION, S.PROSPECT),
    ("TVCA", "สมาคมบริษัทร่วมลงทุนไทย", "Thai Venture Capital Association", K.ASSOCIATION,
     S.PROSPECT),
    ("ATSI", "สมาคมการค้าส่งเสริมการส่งออกอุตสาหกรรมซอฟต์แวร์ไทย",
     "Association of Thai Software Industry", K.ASSOCIATION, S.ACTIVE),
    ("FTI", "สภาอุตสาหกรรมแห่งประเทศไทย", "The Federation of Thai Industries", K.FEDERATION,
     S.ACTIVE),
]  # fmt: skip


#: Where each demo organisation is, and how to reach it: (province code, website, email).
#: Websites are the organisations' own where they are well known; emails are made up,
#: under the reserved .example domain. No registration numbers: none is invented.
PROFILES = {
    "DGA": (BANGKOK, "https://www.dga.or.th", "contact@dga.example"),
    "DGTi-KUSRC": (CHON_BURI, None, "dgti.sriracha@dga.example"),
    "KU-SRC": (CHON_BURI, "https://www.src.ku.ac.th", "info@src.ku.example"),
    "TMA": (BANGKOK, None, "info@thaimaker.example"),
    "AIAT": (BANGKOK, "https://www.aiat.or.th", "info@aiat.example"),
    "TESA": (BANGKOK, "https://www.tesa.or.th", "info@tesa.example"),
    "TIoT": (BANGKOK, None, "info@thaiiot.example"),
    "TTSA": (BANGKOK, None, "info@thaitechstartup.example"),
    "TVCA": (BANGKOK, "https://www.thaivca.or.th", "info@thaivca.example"),
    "ATSI": (BANGKOK, "https://www.atsi.or.th", "info@atsi.example"),
    "FTI": (BANGKOK, "https://www.fti.or.th", "info@fti.example"),
}


#: The people of each association named in the background documents (made-up names and
#: addresses: no real person's data). The first is the association's representative, who
#: gets a demo account with the same email (see registry/auth/demo.py).
#: (title, given name, family name, position, email, phone, lawful basis)
CONTACTS = {
    "TMA": [
        ("นาย", "วิชัย", "ช่างประดิษฐ์", "นายกสมาคม", "rep.tma@dgti.example", "081 100 2001",
         PdpaBasis.LEGITIMATE_INTEREST),
        ("นางสาว", "อรุณี", "สร้างสรรค์", "ผู้ประสานงานสมาคม", "arunee@thaimaker.example",
         "02 100 2002", PdpaBasis.CONSENT),
    ],
    "AIAT": [
        ("ดร.", "ปัญญา", "ประดิษฐ์ไทย", "นายกสมาคม", "rep.aiat@dgti.example", "081 100 3001",
         PdpaBasis.LEGITIMATE_INTEREST),
        ("นาย", "กฤษดา", "เรียนรู้", "เลขาธิการสมาคม", "kritsada@aiat.example", "02 100 3002",
         PdpaBasis.CONSENT),
    ],
    "TESA": [
        ("นาย", "สมพงษ์", "ฝังตัวดี", "นายกสมาคม", "rep.tesa@dgti.example", "081 100 4001",
         PdpaBasis.LEGITIMATE_INTEREST),
        ("นางสาว", "กมลชนก", "วงจรไทย", "ผู้จัดการสมาคม", "kamonchanok@tesa.example",
         "02 100 4002", PdpaBasis.CONTRACT),
    ],
    "TIoT": [
        ("นาย", "อนุชา", "เชื่อมโยง", "นายกสมาคม", "rep.tiot@dgti.example", "081 100 5001",
         PdpaBasis.LEGITIMATE_INTEREST),
        ("นาง", "พรทิพย์", "ส่งสัญญาณ", "เลขานุการสมาคม", "pornthip@thaiiot.example",
         "02 100 5002", PdpaBasis.CONSENT),
    ],
    "TTSA": [
        ("นาย", "ธีรพงษ์", "เริ่มต้นใหม่", "นายกสมาคม", "rep.ttsa@dgti.example", "081 100 6001",
         PdpaBasis.LEGITIMATE_INTEREST),
    ],
    "TVCA": [
        ("นางสาว", "ศศิธร", "ลงทุนดี", "นายกสมาคม", "rep.tvca@dgti.example", "081 100 7001",
         PdpaBasis.LEGITIMATE_INTEREST),
    ],
    "ATSI": [
        ("นาย", "ประเสริฐ", "ซอฟต์แวร์ดี", "นายกสมาคม", "rep.atsi@dgti.example", "081 100 8001",
         PdpaBasis.LEGITIMATE_INTEREST),
        ("นางสาว", "จิราพร", "ส่งออกไทย", "ผู้อำนวยการสมาคม", "jiraporn@atsi.example",
         "02 100 8002", PdpaBasis.CONTRACT),
    ],
    "FTI": [
        ("นาย", "วีระ", "อุตสาหกิจ", "รองประธานสภาอุตสาหกรรม", "rep.fti@dgti.example",
         "081 100 9001", PdpaBasis.LEGITIMATE_INTEREST),
        ("ผศ.ดร.", "วรรณา", "ดิจิทัลไทย", "ผู้อำนวยการฝ่ายดิจิทัล", "wanna@fti.example",
         "02 100 9002", PdpaBasis.CONSENT),
    ],
}  # fmt: skip

#: The day the demo contacts who gave consent gave it (the meeting of 13 August 2020).
CONSENT_DAY = date(2020, 8, 13)


def seed() -> dict[str, Organisation]:
    """Create the demo organisations that are missing, and fill in a profile left blank;
    return them all by acronym."""
    existing = {o.acronym: o for o in db.session.scalars(sa.select(Organisation))}
    for acronym, name_th, name_en, kind, status in ORGANISATIONS:
        province, website, email = PROFILES[acronym]
        org = existing.get(acronym)
        if org is None:
            org = Organisation(
                acronym=acronym,
                name_th=name_th,
                name_en=name_en,
                kind=kind,
                status=status,
                province=province,
                website=website,
                email=email,
            )
            with audit.change(org, None, "created (demo data)"):
                pass
            existing[acronym] = org
        elif not (org.province or org.website or org.email):
            with audit.change(org, None, "updated (demo data)"):
                org.province, org.website, org.email = province, website, email
    _seed_contacts(existing)
    db.session.commit()
    return existing


def _seed_contacts(organisations: dict[str, Organisation]) -> None:
    """Give each named association its people, unless it already has contacts."""
    for acronym, people in CONTACTS.items():
        organisation = organisations[acronym]
        if organisation.id is not None and organisation.contacts:
            continue
        for title, first, last, position, email, phone, basis in people:
            contact = Contact(
                organisation=organisation,
                title=title,
                first_name=first,
                last_name=last,
                position=position,
                email=email,
                phone=phone,
                pdpa_basis=basis,
                consent_date=CONSENT_DAY if basis is PdpaBasis.CONSENT else None,
            )
            with audit.change(contact, None, "created (demo data)"):
                pass


def representatives() -> list[tuple[str, str, str]]:
    """The demo representative of each association: (email, full name, acronym)."""
    return [
        (people[0][4], f"{people[0][0]}{people[0][1]} {people[0][2]}", acronym)
        for acronym, people in CONTACTS.items()
    ]
