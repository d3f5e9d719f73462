"""Demo organisations, drawn from the DGA news releases the product grew from."""

from __future__ import annotations

import sqlalchemy as sa

from .. import audit
from ..db import db
from .models import Organisation, OrganisationKind, OrganisationStatus
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
    db.session.commit()
    return existing
