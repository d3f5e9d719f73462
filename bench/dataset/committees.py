"""Committees and their seats for the benchmark: joint committees, subcommittees under them
and working groups, each with one sitting chair, vice chairs, members from the partner
organisations, a secretary (and often an assistant secretary) from DGA, and history: chairs
and members replaced part-way (ended, never deleted), terms run out, a few groups dissolved."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from registry.committees.models import CommitteeKind, MemberRole, QuorumRule
from registry.meetings.models import BE_OFFSET
from registry.organisations.models import name_key

from .organisations import Register
from .text import END_REASONS, OPENINGS, SUBJECTS, TOPICS, TOPICS_EN, word

#: How many committees the bench secretary runs (the busiest ones).
BUSY_COMMITTEES = 5

MANDATE = """\
1. ให้คำปรึกษาและข้อเสนอแนะแก่ศูนย์เทคโนโลยีและนวัตกรรมดิจิทัลภาครัฐ (DGTi) ด้าน{topic}
2. ระดมความเห็นและแสวงหาเทคโนโลยีที่เหมาะสมเพื่อแก้ปัญหาที่หน่วยงานภาครัฐเสนอ
3. จัดทำข้อเสนอแนะหรือร่างโครงการเสนอต่อคณะกรรมการที่เกี่ยวข้อง"""


@dataclass
class Committees:
    """The rows made for the committee tables, and the facts the meetings use."""

    committees: list[dict] = field(default_factory=list)
    memberships: list[dict] = field(default_factory=list)
    #: Relative weight of each committee's meeting load, by id.
    weights: dict[int, float] = field(default_factory=dict)
    #: The committees the bench secretary runs.
    busy: list[int] = field(default_factory=list)
    #: Seats by committee id.
    seats: dict[int, list[dict]] = field(default_factory=dict)


def _name(kind: CommitteeKind, rng: random.Random, taken: set[str]) -> tuple[str, str]:
    """A distinct Thai name and an English name for a committee."""
    while True:
        topic = rng.randrange(len(TOPICS))
        made_up = word(rng, 1, 2)
        if kind is CommitteeKind.JOINT:
            th = f"คณะกรรมการร่วมศูนย์เทคโนโลยีและนวัตกรรมดิจิทัลภาครัฐ ด้าน{TOPICS[topic]}{made_up}"
            en = f"Joint Committee of the DGTi Centres on {TOPICS_EN[topic]}"
        elif kind is CommitteeKind.SUBCOMMITTEE:
            th = f"คณะอนุกรรมการ{rng.choice(OPENINGS)}{rng.choice(SUBJECTS)}{made_up}"
            en = f"Subcommittee on {TOPICS_EN[topic]}"
        else:
            th = f"คณะทำงานพิจารณาโจทย์ด้าน{TOPICS[topic]}{made_up}"
            en = f"Working Group on {TOPICS_EN[topic]} Problem Statements"
        if name_key(th) not in taken:
            taken.add(name_key(th))
            return th, en


def _committee_rows(count: int, rng: random.Random, today: date) -> list[dict]:
    joints = max(1, round(count / 25))
    subs = round((count - joints) * 0.3)
    rows: list[dict] = []
    taken: set[str] = set()
    for ident in range(1, count + 1):
        kind = (
            CommitteeKind.JOINT
            if ident <= joints
            else CommitteeKind.SUBCOMMITTEE
            if ident <= joints + subs
            else CommitteeKind.WORKING_GROUP
        )
        if kind is CommitteeKind.JOINT:
            parent = None
            established = today - timedelta(days=rng.randint(3 * 365, 6 * 365))
        else:
            parents = rows[:joints] if kind is CommitteeKind.SUBCOMMITTEE else rows
            parent = rng.choice(parents)
            established = min(
                today - timedelta(days=90),
                parent["established_on"] + timedelta(days=rng.randint(30, 500)),
            )
        th, en = _name(kind, rng, taken)
        quorum = rng.choice(
            [QuorumRule.MORE_THAN_HALF] * 6 + [QuorumRule.TWO_THIRDS, QuorumRule.FIXED]
        )
        dissolved = None
        if kind is CommitteeKind.WORKING_GROUP and rng.random() < 0.05:
            day = established + timedelta(days=rng.randint(365, 730))
            dissolved = day if day <= today - timedelta(days=30) else None
        order_date = established - timedelta(days=rng.randint(1, 10))
        created = datetime.combine(order_date, datetime.min.time()) + timedelta(hours=3)
        rows.append(
            {
                "id": ident,
                "kind": kind.value,
                "parent_id": parent["id"] if parent else None,
                "name_th": th,
                "name_en": en,
                "name_key": name_key(th),
                "mandate": MANDATE.format(topic=TOPICS[ident % len(TOPICS)]),
                "order_number": f"{ident}/{order_date.year + BE_OFFSET}",
                "order_date": order_date,
                "established_on": established,
                "quorum_rule": quorum.value,
                "quorum_number": rng.randint(3, 5) if quorum is QuorumRule.FIXED else None,
                "dissolved_on": dissolved,
                "dissolution_reason": "ดำเนินการตามภารกิจที่ได้รับมอบหมายแล้วเสร็จ" if dissolved else None,
                "created_at": created,
                "updated_at": created,
            }
        )
    return rows


def build(
    count: int,
    register: Register,
    rng: random.Random,
    today: date,
    *,
    secretary_id: int | None,
) -> Committees:
    """Numbered committees and seats. The bench secretary's person holds the secretary seat
    of the busiest committees, linked to the bench secretary account; the busy association
    sits on a dozen committees."""
    made = Committees(committees=_committee_rows(count, rng, today))
    for row in made.committees:
        weight = rng.paretovariate(2.0) * (2 if row["kind"] == CommitteeKind.JOINT.value else 1)
        made.weights[row["id"]] = weight
    active = [row["id"] for row in made.committees if row["dissolved_on"] is None]
    made.busy = sorted(active, key=lambda ident: -made.weights[ident])[:BUSY_COMMITTEES]
    busy_sits = set(rng.sample(active, min(len(active), 12))) | set(made.busy[:2])

    staff = register.people[register.dga_id]
    bench_secretary_person = staff[0]
    partners = [
        ident
        for organisation_id in register.partner_ids
        for ident in register.people.get(organisation_id, ())
    ]
    busy_people = register.people.get(register.busy_id, [])
    for row in made.committees:
        ident = row["id"]
        start, end = row["established_on"], row["dissolved_on"]
        seats: list[dict] = []
        size = rng.randint(4, 12) + (6 if ident in made.busy else 0)
        people = rng.sample(partners, min(len(partners), size + 8))
        if ident in busy_sits and busy_people:
            people = [p for p in people if p not in busy_people]
            people.insert(2, rng.choice(busy_people))
        officers = [p for p in rng.sample(staff, min(len(staff), 4)) if p != bench_secretary_person]
        secretary = bench_secretary_person if ident in made.busy else officers.pop()
        joint = row["kind"] == CommitteeKind.JOINT.value
        chair = officers.pop() if joint and officers else people.pop(0)
        plan = [(MemberRole.CHAIR, chair)]
        plan += [
            (MemberRole.VICE_CHAIR, people.pop(0))
            for _ in range(rng.randint(0, 2))
            if len(people) > 1
        ]
        plan += [(MemberRole.MEMBER, people.pop(0)) for _ in range(size) if len(people) > 1]
        plan.append((MemberRole.SECRETARY, secretary))
        if officers and rng.random() < 0.7:
            plan.append((MemberRole.ASSISTANT_SECRETARY, officers.pop()))
        order = f"คำสั่งสำนักงานพัฒนารัฐบาลดิจิทัล ที่ {row['order_number']}"
        for role, contact_id in plan:
            linked = (
                secretary_id
                if role is MemberRole.SECRETARY and contact_id == bench_secretary_person
                else None
            )
            seat = _seat(ident, contact_id, role, start, register, order, linked)
            seats.append(seat)
            span = ((end or today) - start).days
            replaced = role in (MemberRole.CHAIR, MemberRole.MEMBER) and rng.random() < (
                0.4 if role is MemberRole.CHAIR else 0.15
            )
            if replaced and span > 240:
                change = start + timedelta(days=rng.randint(120, span - 60))
                seat["ended_on"] = change
                seat["end_reason"] = rng.choice(END_REASONS)
                successor = people.pop(0) if len(people) > 1 else None
                if successor is not None:
                    seats.append(_seat(ident, successor, role, change, register, order, None))
            elif role is MemberRole.MEMBER and rng.random() < 0.05 and span > 800:
                seat["term_end"] = start + timedelta(days=730)  # a term that ran out
        if end is not None:
            for seat in seats:
                if seat["ended_on"] is None and seat["term_end"] is None:
                    seat["term_end"] = end
        made.seats[ident] = seats
        made.memberships.extend(seats)
    for number, seat in enumerate(made.memberships, 1):
        seat["id"] = number
    return made


def _seat(committee_id, contact_id, role, start, register, order, user_id) -> dict:
    created = datetime.combine(start, datetime.min.time()) + timedelta(hours=3)
    return {
        "committee_id": committee_id,
        "contact_id": contact_id,
        "role": role.value,
        "organisation_id": register.contact(contact_id)["organisation_id"],
        "term_start": start,
        "term_end": None,
        "appointed_by": order,
        "ended_on": None,
        "end_reason": None,
        "user_id": user_id,
        "created_at": created,
        "updated_at": created,
    }


def last_day(seat: dict) -> date | None:
    """The last day a seat is held (as ``Membership.last_day``)."""
    ends = [seat["term_end"]]
    if seat["ended_on"] is not None:
        ends.append(seat["ended_on"] - timedelta(days=1))
    ends = [day for day in ends if day is not None]
    return min(ends) if ends else None


def sitting(seats: list[dict], day: date) -> list[dict]:
    """The seats held on a day (as ``Membership.sitting_on``)."""
    found = []
    for seat in seats:
        last = last_day(seat)
        if seat["term_start"] <= day and (last is None or day <= last):
            found.append(seat)
    return found
