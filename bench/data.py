"""A large, reproducible register for the benchmark: organisations and contacts with Thai names.

Names mix real words (สมาคม, ไทย, ปัญญาประดิษฐ์, ไอโอที, ซอฟต์แวร์, ดิจิทัล, ...) with
random syllables built the way Thai syllables are written (leading vowels before the
consonant, marks above and below it), so substring search meets the same text shapes
as in the real register. Rows go in with Core ``executemany`` inserts, in one
transaction: 10,000 organisations and 50,000 contacts take a few seconds.
"""

from __future__ import annotations

import random
import string
from datetime import datetime, timedelta

import sqlalchemy as sa

from registry.organisations.models import (
    Contact,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    PdpaBasis,
    name_key,
    refresh_search_text,
)
from registry.organisations.provinces import PROVINCES

_CONSONANTS = "กขคงจฉชซญดตถทธนบปผพฟภมยรลวศษสหอฮ"
#: Vowel forms around a consonant C; those in _OPEN take no final consonant.
_VOWELS = ("Cา", "Cิ", "Cี", "Cุ", "Cู", "เC", "แC", "โC", "Cอ", "Cั", "Cื", "Cึ", "ไC", "Cำ", "เCา")
_OPEN = {"ไC", "Cำ", "เCา"}
_FINALS = ("", "", "น", "ม", "ง", "ก", "ด", "บ", "ย", "ว", "ร", "ล", "ต์", "ส์")
_TONES = ("", "", "", "่", "้")

#: Real words of the register's field, so that searches for them find many names.
TOPICS = (
    "ปัญญาประดิษฐ์", "ไอโอที", "ซอฟต์แวร์", "ดิจิทัล", "นวัตกรรม", "เทคโนโลยี", "ข้อมูล",
    "สมองกลฝังตัว", "เมกเกอร์", "สตาร์ทอัพ", "ความปลอดภัยไซเบอร์", "อิเล็กทรอนิกส์",
    "โทรคมนาคม", "เกม", "แอนิเมชัน", "คลาวด์", "บล็อกเชน", "หุ่นยนต์", "อุตสาหกรรม",
    "การค้า", "ผู้ประกอบการ", "วิสาหกิจ", "เกษตร", "การแพทย์", "พลังงาน", "ร่วมลงทุน",
)  # fmt: skip
TOPICS_EN = (
    "Artificial Intelligence", "IoT", "Software", "Digital", "Innovation", "Technology", "Data",
    "Embedded Systems", "Maker", "Startup", "Cybersecurity", "Electronics",
    "Telecommunications", "Game", "Animation", "Cloud", "Blockchain", "Robotics", "Industry",
    "Trade", "Entrepreneurs", "Enterprise", "Agritech", "Medical", "Energy", "Venture Capital",
)  # fmt: skip
TITLES = ("นาย",) * 7 + ("นาง",) * 3 + ("นางสาว",) * 5 + ("ดร.",) * 3 + ("ผศ.ดร.", "รศ.ดร.")
FIRST_NAMES = (
    "สมชาย", "สมศักดิ์", "วิชัย", "สุนทร", "ประเสริฐ", "กมล", "ชัยวัฒน์", "ธนากร", "ปิยะ",
    "สุภาพร", "วิไลวรรณ", "กนกวรรณ", "ศิริพร", "พรทิพย์", "อรุณี", "นภา", "ณัฐพล", "ธีรศักดิ์",
    "จิราพร", "ปัณณวัฒน์", "อภิชาติ", "สุรเชษฐ์", "วรวุฒิ", "พิมพ์ชนก", "ศุภชัย", "กิตติพงษ์",
)  # fmt: skip
LAST_PARTS = ("ใจดี", "รักไทย", "ศรีสุข", "วงศ์", "สวัสดิ์", "แสงทอง", "บุญมา", "ทองดี", "มั่นคง")
POSITIONS = (
    "นายกสมาคม", "อุปนายก", "เลขาธิการ", "เหรัญญิก", "กรรมการ", "ผู้จัดการ",
    "ผู้อำนวยการ", "ประธานกรรมการบริหาร", "นักวิชาการคอมพิวเตอร์", "ผู้ประสานงาน",
)  # fmt: skip

#: How often each kind and status occurs.
_KINDS = (
    [OrganisationKind.ASSOCIATION] * 12
    + [OrganisationKind.COMPANY] * 4
    + [OrganisationKind.FEDERATION, OrganisationKind.UNIVERSITY, OrganisationKind.UNIVERSITY]
    + [OrganisationKind.GOVERNMENT_AGENCY] * 2
)
_STATUSES = [OrganisationStatus.ACTIVE] * 5 + [OrganisationStatus.PROSPECT] * 3
_STATUSES += [OrganisationStatus.INACTIVE] * 2
#: Bangkok is where most partners are.
_PROVINCE_CODES = ["10"] * 40 + [p.code for p in PROVINCES]


def syllable(rng: random.Random) -> str:
    """One written Thai syllable, e.g. เกา, ปิ่น, สำ."""
    vowel = rng.choice(_VOWELS)
    text = vowel.replace("C", rng.choice(_CONSONANTS) + rng.choice(_TONES), 1)
    if vowel == "Cั":
        return text + rng.choice(_FINALS[2:])
    return text if vowel in _OPEN else text + rng.choice(_FINALS)


def word(rng: random.Random, low: int = 1, high: int = 3) -> str:
    """A made-up Thai word of a few syllables."""
    return "".join(syllable(rng) for _ in range(rng.randint(low, high)))


def latin(rng: random.Random, low: int = 4, high: int = 9) -> str:
    """A made-up Latin-letter word, capitalised."""
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(low, high)))


def organisation_names(kind: OrganisationKind, rng: random.Random) -> tuple[str, str, str]:
    """A Thai name, an English name and an acronym for an organisation of this kind."""
    topic = rng.randrange(len(TOPICS))
    th_topic, en_topic = TOPICS[topic], TOPICS_EN[topic]
    made_up = word(rng, 1, 3)
    made_up_en = latin(rng).capitalize()
    if kind is OrganisationKind.COMPANY:
        th = f"บริษัท {made_up}{th_topic} จำกัด"
        en = f"{made_up_en} {en_topic} Co., Ltd."
    elif kind is OrganisationKind.UNIVERSITY:
        th = f"มหาวิทยาลัย{made_up} วิทยาเขต{rng.choice(PROVINCES).name_th}"
        en = f"{made_up_en} University"
    elif kind is OrganisationKind.GOVERNMENT_AGENCY:
        th = f"สำนักงาน{th_topic}{made_up}"
        en = f"Office of {en_topic} {made_up_en}"
    elif kind is OrganisationKind.FEDERATION:
        th = f"สภา{th_topic}{made_up}แห่งประเทศไทย"
        en = f"{en_topic} {made_up_en} Council of Thailand"
    else:
        th = rng.choice(
            (
                f"สมาคม{th_topic}{made_up}ไทย",
                f"สมาคมไทย{th_topic}{made_up}",
                f"สมาคม{made_up}{th_topic}ประเทศไทย",
                f"สมาคมการค้า{th_topic}{made_up}",
                f"สมาคม{made_up}{th_topic}แห่งประเทศไทย",
            )
        )
        en = f"Thai {en_topic} {made_up_en} Association"
    acronym = "".join(w[0] for w in en.replace(",", "").split() if w[0].isalpha()).upper()
    return th, en, acronym[:10] + rng.choice(string.ascii_uppercase)


def organisation_rows(count: int, rng: random.Random, now: datetime) -> list[dict]:
    """Rows for the organisations table, every Thai name distinct."""
    rows, keys = [], set()
    while len(rows) < count:
        kind = rng.choice(_KINDS)
        th, en, acronym = organisation_names(kind, rng)
        key = name_key(th)
        if key in keys:
            continue
        keys.add(key)
        n = len(rows) + 1
        created = now - timedelta(days=rng.uniform(30, 3 * 365))
        rows.append(
            {
                "name_th": th,
                "name_en": en,
                "acronym": acronym,
                "kind": kind.value,
                "status": rng.choice(_STATUSES).value,
                "name_key": key,
                "registration_number": f"ท.{n:05d}/25{rng.randint(40, 68)}"
                if rng.random() < 0.7
                else None,
                "province": rng.choice(_PROVINCE_CODES),
                "address": f"{rng.randint(1, 999)}/{rng.randint(1, 99)} ถนน{word(rng, 2, 3)}",
                "website": f"https://www.{latin(rng).lower()}.or.th"
                if rng.random() < 0.6
                else None,
                "email": f"info{n}@{latin(rng).lower()}.example",
                "phone": f"02 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
                "notes": None,
                "created_at": created,
                "updated_at": created + timedelta(days=rng.uniform(0, 29)),
            }
        )
    return rows


def contact_rows(
    count: int, organisation_ids: list[int], rng: random.Random, now: datetime, start: int = 0
) -> list[dict]:
    """Rows for the contacts table, spread unevenly over the organisations.

    About one in ten has left (inactive) and one in a hundred has been erased.
    """
    rows = []
    for n in range(start + 1, start + count + 1):
        erased = rng.random() < 0.01
        first = rng.choice(FIRST_NAMES) if rng.random() < 0.5 else word(rng, 2, 3)
        last = word(rng, 1, 2) + (rng.choice(LAST_PARTS) if rng.random() < 0.5 else word(rng, 1))
        created = now - timedelta(days=rng.uniform(1, 3 * 365))
        rows.append(
            {
                "organisation_id": rng.choice(organisation_ids),
                "title": None if erased else rng.choice(TITLES),
                "first_name": "—" if erased else first,
                "last_name": None if erased else last,
                "position": None if erased else rng.choice(POSITIONS),
                "email": None if erased else f"person{n}@{latin(rng).lower()}.example",
                "phone": None
                if erased
                else f"08{rng.randint(1, 9)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
                "pdpa_basis": rng.choice(list(PdpaBasis)).value,
                "consent_date": None,
                "active": rng.random() >= 0.1,
                "erased_at": now if erased else None,
                "created_at": created,
                "updated_at": created,
            }
        )
    return rows


def seed(connection: sa.Connection, organisations: int, contacts: int, seed: int = 2569) -> None:
    """Insert the organisations and contacts (Core inserts, the caller's transaction)."""
    rng = random.Random(seed)  # noqa: S311 (made-up data, reproducible)
    now = datetime(2026, 11, 21, 3, 0, 0)
    connection.execute(
        sa.insert(Organisation.__table__), organisation_rows(organisations, rng, now)
    )
    ids = list(connection.scalars(sa.select(Organisation.id).order_by(Organisation.id)))
    batch = 10_000
    for start in range(0, contacts, batch):
        size = min(batch, contacts - start)
        connection.execute(sa.insert(Contact.__table__), contact_rows(size, ids, rng, now, start))
    # Core inserts pass by the session's hooks: write the search text as a flush would.
    refresh_search_text(connection, ids)
