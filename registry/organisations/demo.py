"""Demo organisations, drawn from the DGA news releases the product grew from."""

from __future__ import annotations

import sqlalchemy as sa

from .. import audit
from ..db import db
from .models import Organisation, OrganisationKind, OrganisationStatus

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


def seed() -> dict[str, Organisation]:
    """Create the demo organisations that are missing; return them all by acronym."""
    existing = {o.acronym: o for o in db.session.scalars(sa.select(Organisation))}
    for acronym, name_th, name_en, kind, status in ORGANISATIONS:
        if acronym in existing:
            continue
        org = Organisation(
            acronym=acronym, name_th=name_th, name_en=name_en, kind=kind, status=status
        )
        with audit.change(org, None, "created (demo data)"):
            pass
        existing[acronym] = org
    db.session.commit()
    return existing
