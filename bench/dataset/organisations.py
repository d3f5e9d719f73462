"""Organisations and contacts for the benchmark: bulk rows with Thai names.

``organisation_rows`` and ``contact_rows`` make the rows; ``build`` numbers them for
``bench.seed`` (DGA and the DGTi centres first, then the partners, every row with its id
and the organisation's search text already written); ``seed`` is the older entry point the
benchmark scripts in bench/ use (ids from the database, search text written afterwards).
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field
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
    search_key,
)
from registry.organisations.provinces import PROVINCES

from .text import (
    DGA_POSITIONS,
    FIRST_NAMES,
    LAST_PARTS,
    POSITIONS,
    TITLES,
    TOPICS,
    TOPICS_EN,
    latin,
    person,
    word,
)

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

#: The DGA side: the agency itself (id 1 in bench.seed data).
DGA_NAME_TH = "สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน)"
DGA_NAME_EN = "Digital Government Development Agency (Public Organization)"


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


def organisation_rows(
    count: int, rng: random.Random, now: datetime, taken: set[str] | None = None
) -> list[dict]:
    """Rows for the organisations table, every Thai name distinct (and not in ``taken``)."""
    rows, keys = [], set(taken or ())
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


# --- bench.seed: numbered rows -------------------------------------------------------------


@dataclass
class Register:
    """The organisations and contacts made for bench.seed, and the facts later tables use."""

    organisations: list[dict]
    contacts: list[dict]
    #: DGA's own id (1) and the DGTi centres' ids.
    dga_id: int = 1
    centre_ids: list[int] = field(default_factory=list)
    #: The partners (every organisation that is not DGA's side).
    partner_ids: list[int] = field(default_factory=list)
    #: The association the bench representative signs in for.
    busy_id: int = 0
    #: Contacts who can take a seat (active, not erased), by organisation.
    people: dict[int, list[int]] = field(default_factory=dict)

    def organisation(self, ident: int) -> dict:
        """The row of an organisation by id."""
        return self.organisations[ident - 1]

    def contact(self, ident: int) -> dict:
        """The row of a contact by id."""
        return self.contacts[ident - 1]

    def contact_name(self, ident: int) -> str:
        """A contact's name as printed (title joined to the given name)."""
        row = self.contact(ident)
        return f"{row['title'] or ''}{row['first_name']} {row['last_name'] or ''}".strip()


def _own_rows(centres: int, rng: random.Random, now: datetime) -> list[dict]:
    """DGA and the DGTi centres at universities."""
    opened = now - timedelta(days=6 * 365)
    rows = [
        {
            "name_th": DGA_NAME_TH,
            "name_en": DGA_NAME_EN,
            "acronym": "DGA",
            "kind": OrganisationKind.OWN_AGENCY.value,
            "status": OrganisationStatus.ACTIVE.value,
            "registration_number": None,
            "province": "10",
            "address": "108 อาคารบางกอกไทยทาวเวอร์ ชั้น 17 ถนนรางน้ำ แขวงถนนพญาไท เขตราชเทวี",
            "website": "https://www.dga.or.th",
            "email": "contact@dga.or.th",
            "phone": "02 612 6000",
        }
    ]
    for n in range(1, centres + 1):
        province = rng.choice(PROVINCES)
        rows.append(
            {
                "name_th": f"ศูนย์เทคโนโลยีและนวัตกรรมดิจิทัลภาครัฐ แห่งที่ {n} "
                f"มหาวิทยาลัย{word(rng, 2, 3)} วิทยาเขต{province.name_th}",
                "name_en": f"DGTi Centre {n}, {latin(rng).capitalize()} University",
                "acronym": f"DGTi-{n}",
                "kind": OrganisationKind.OWN_CENTRE.value,
                "status": OrganisationStatus.ACTIVE.value,
                "registration_number": None,
                "province": province.code,
                "address": f"{rng.randint(1, 999)} ถนน{word(rng, 2, 3)}",
                "website": None,
                "email": f"dgti{n}@dga.or.th",
                "phone": f"0{rng.randint(32, 77)} {rng.randint(100, 999)} "
                f"{rng.randint(1000, 9999)}",
            }
        )
    for row in rows:
        row |= {"name_key": name_key(row["name_th"]), "notes": None}
        row |= {"created_at": opened, "updated_at": opened}
    return rows


def _dga_staff_rows(count: int, rng: random.Random, now: datetime) -> list[dict]:
    """DGA's own people: they chair committees and hold the secretary seats."""
    rows = []
    for n in range(1, count + 1):
        title, first, last = person(rng)
        created = now - timedelta(days=rng.uniform(365, 5 * 365))
        rows.append(
            {
                "organisation_id": 1,
                "title": title,
                "first_name": first,
                "last_name": last,
                "position": DGA_POSITIONS[n % len(DGA_POSITIONS)],
                "email": f"staff{n}@dga.example",
                "phone": f"02 612 {6000 + n}",
                "pdpa_basis": PdpaBasis.PUBLIC_TASK.value,
                "consent_date": None,
                "active": True,
                "erased_at": None,
                "created_at": created,
                "updated_at": created,
            }
        )
    return rows


def build(organisations: int, contacts: int, rng: random.Random, now: datetime) -> Register:
    """The numbered rows: DGA (id 1), the DGTi centres, then the partners; DGA's staff, then
    the partners' people. One active association gets a dozen people: the busy one the bench
    representative signs in for."""
    centres = max(1, min(5, organisations // 2000))
    own = _own_rows(centres, rng, now)
    partners = organisation_rows(
        organisations - len(own), rng, now, taken={row["name_key"] for row in own}
    )
    rows = own + partners
    for ident, row in enumerate(rows, 1):
        row["id"] = ident
    register = Register(organisations=rows, contacts=[])
    register.centre_ids = [row["id"] for row in own[1:]]
    register.partner_ids = [row["id"] for row in partners]
    register.busy_id = next(
        row["id"]
        for row in partners
        if row["kind"] == OrganisationKind.ASSOCIATION.value
        and row["status"] == OrganisationStatus.ACTIVE.value
    )

    staff = min(max(6, organisations // 100), contacts // 3)
    people = _dga_staff_rows(staff, rng, now)
    people += contact_rows(contacts - staff, register.partner_ids, rng, now, start=staff)
    busy_people = 0
    for ident, row in enumerate(people, 1):
        row["id"] = ident
        if busy_people < 12 and row["organisation_id"] != 1 and row["erased_at"] is None:
            row["organisation_id"] = register.busy_id
            row["active"] = True
            busy_people += 1
        if row["active"] and row["erased_at"] is None:
            register.people.setdefault(row["organisation_id"], []).append(ident)
    register.contacts = people

    names: dict[int, list[str]] = {row["id"]: [] for row in rows}
    for row in people:
        if row["erased_at"] is None:
            name = " ".join(part for part in (row["first_name"], row["last_name"]) if part)
            names[row["organisation_id"]].append(f"{row['title'] or ''}{name}")
    for row in rows:
        parts = [row["name_th"], row["name_en"] or "", row["acronym"] or "", *names[row["id"]]]
        row["search_text"] = "\n".join(search_key(part) for part in parts if part)
    return register
