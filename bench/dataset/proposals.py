"""Proposals, their status history and endorsements for the benchmark: bulk rows.

A few proposals have thousands of endorsers (the proposal page's worst case), the rest a
handful each (a Pareto spread, about ten on average). ``seed`` is the entry point the
benchmark scripts in bench/ use; ``build`` makes numbered rows for ``bench.seed``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa

from registry.organisations.models import Organisation
from registry.proposals.models import (
    Category,
    Endorsement,
    Proposal,
    ProposalKind,
    ProposalStatus,
    StatusChange,
    search_text_of,
)

from .organisations import Register
from .text import OPENINGS, SUBJECTS, TOPICS, word

S = ProposalStatus

#: How the statuses are spread (most proposals are under way or closed long ago).
STATUSES = (
    [S.SUBMITTED] * 3
    + [S.SCREENING] * 3
    + [S.ON_AGENDA] * 2
    + [S.RECOMMENDED] * 2
    + [S.FORWARDED, S.IN_IMPLEMENTATION] * 2
    + [S.COMPLETED] * 3
    + [S.REJECTED] * 2
    + [S.WITHDRAWN]
)
KINDS = [ProposalKind.PROBLEM_STATEMENT, ProposalKind.DRAFT_PROJECT] * 2 + [
    ProposalKind.RECOMMENDATION
]
#: Proposals with thousands of endorsers (the proposal page's worst case), and how many.
HOT_PROPOSALS, HOT_ENDORSERS = 5, 2_000
#: The body a forwarded proposal went to.
FORWARDED_TO = "คณะกรรมการพัฒนารัฐบาลดิจิทัล"
STATEMENT = "สมาคมสนับสนุนข้อเสนอนี้และพร้อมส่งผู้เชี่ยวชาญร่วมดำเนินการ"

#: The way each final status is reached (every step one of services.TRANSITIONS).
_FORWARD = (
    S.SUBMITTED,
    S.SCREENING,
    S.ON_AGENDA,
    S.RECOMMENDED,
    S.FORWARDED,
    S.IN_IMPLEMENTATION,
    S.COMPLETED,
)
PATHS = {status: _FORWARD[: _FORWARD.index(status) + 1] for status in _FORWARD}
PATHS[S.IN_IMPLEMENTATION] = (
    S.SUBMITTED,
    S.SCREENING,
    S.ON_AGENDA,
    S.RECOMMENDED,
    S.IN_IMPLEMENTATION,
)
PATHS[S.COMPLETED] = PATHS[S.IN_IMPLEMENTATION] + (S.COMPLETED,)
PATHS[S.REJECTED] = (S.SUBMITTED, S.SCREENING, S.ON_AGENDA, S.REJECTED)
PATHS[S.WITHDRAWN] = (S.SUBMITTED, S.SCREENING, S.WITHDRAWN)
_REASONS = {
    S.SCREENING: "รับไว้พิจารณาคัดกรอง",
    S.ON_AGENDA: "บรรจุเป็นระเบียบวาระเพื่อพิจารณา",
    S.RECOMMENDED: "คณะกรรมการมีมติเห็นชอบข้อเสนอ",
    S.FORWARDED: "ส่งต่อคณะกรรมการพัฒนารัฐบาลดิจิทัล",
    S.IN_IMPLEMENTATION: "เริ่มดำเนินโครงการ",
    S.COMPLETED: "ดำเนินโครงการแล้วเสร็จ",
    S.REJECTED: "ไม่สอดคล้องกับขอบเขตการดำเนินงานของศูนย์ DGTi",
    S.WITHDRAWN: "ผู้เสนอขอถอนข้อเสนอ",
}


def proposal_rows(
    count: int,
    organisation_ids: list[int],
    categories: list[int],
    names: dict[int, tuple],
    rng: random.Random,
    now: datetime,
) -> list[dict]:
    """Rows for the proposals table, with their search text written as the app writes it."""
    rows = []
    for _ in range(count):
        organisation = rng.choice(organisation_ids)
        topic = rng.choice(TOPICS)
        title = f"{rng.choice(OPENINGS)}{rng.choice(SUBJECTS)}ด้วย{topic} {word(rng, 1, 2)}"
        summary = (
            f"ข้อเสนอให้ใช้{topic}แก้ปัญหา{rng.choice(SUBJECTS)}ของหน่วยงานภาครัฐ "
            f"นำร่องในพื้นที่{word(rng, 2, 3)} ระยะเวลา {rng.randint(6, 36)} เดือน"
        )
        created = now - timedelta(days=rng.uniform(0, 5 * 365))
        status = rng.choice(STATUSES)
        rows.append(
            {
                "kind": rng.choice(KINDS).value,
                "title": title[:300],
                "summary": summary,
                "problem": f"ปัญหา{rng.choice(SUBJECTS)} {word(rng, 3, 6)}",
                "approach": f"ใช้{topic}และ{rng.choice(TOPICS)}",
                "requested_support": None,
                "organisation_id": organisation,
                "contact_id": None,
                "category_id": rng.choice(categories),
                "status": status.value,
                "forwarded_to": FORWARDED_TO if status is S.FORWARDED else None,
                "submitted_by_id": None,
                "endorsement_count": 0,
                "search_text": search_text_of(title[:300], summary, *names[organisation]),
                "created_at": created,
                "updated_at": created,
            }
        )
    return rows


def endorsement_counts(
    proposal_ids: list[int], organisations: int, endorsements: int, rng: random.Random
) -> dict[int, int]:
    """How many organisations endorse each proposal: a few hot ones with thousands, the rest
    a Pareto spread; the total is as asked (as far as there are organisations to endorse)."""
    per_proposal: dict[int, int] = {}
    hot = proposal_ids[:: max(1, len(proposal_ids) // HOT_PROPOSALS)][:HOT_PROPOSALS]
    budget = endorsements
    for ident in hot:
        per_proposal[ident] = max(0, min(HOT_ENDORSERS, organisations - 2, budget))
        budget -= per_proposal[ident]
    others = [ident for ident in proposal_ids if ident not in per_proposal]
    weights = [rng.paretovariate(1.6) for _ in others]
    scale = budget / sum(weights) if weights else 0
    most = max(0, min(organisations - 2, 1_000))
    for ident, weight in zip(others, weights, strict=True):
        per_proposal[ident] = min(int(weight * scale), most)
    # What rounding down and the cap left over, one more each, so the total is as asked.
    short = endorsements - sum(per_proposal.values())
    order = rng.sample(others, len(others))
    while short > 0 and any(per_proposal[ident] < most for ident in order):
        for ident in order:
            if short > 0 and per_proposal[ident] < most:
                per_proposal[ident] += 1
                short -= 1
    return per_proposal


def seed(connection: sa.Connection, proposals: int, endorsements: int, seed: int = 2569) -> None:
    """Insert the proposals, a status line each and the endorsements (the caller's
    transaction); the endorsement counts are written to match. Used by bench/proposals.py."""
    rng = random.Random(seed)  # noqa: S311 (made-up data, reproducible)
    now = datetime(2026, 11, 21, 3, 0, 0)
    organisations = Organisation.__table__
    names = {
        row.id: (row.name_th, row.name_en, row.acronym)
        for row in connection.execute(
            sa.select(
                organisations.c.id,
                organisations.c.name_th,
                organisations.c.name_en,
                organisations.c.acronym,
            )
        )
    }
    organisation_ids = sorted(names)
    categories = list(connection.scalars(sa.select(Category.__table__.c.id)))
    batch = 10_000
    for start in range(0, proposals, batch):
        rows = proposal_rows(
            min(batch, proposals - start), organisation_ids, categories, names, rng, now
        )
        connection.execute(sa.insert(Proposal.__table__), rows)
    table = Proposal.__table__
    facts = connection.execute(
        sa.select(table.c.id, table.c.organisation_id, table.c.created_at, table.c.status).order_by(
            table.c.id
        )
    ).all()
    history = [
        {
            "proposal_id": f.id,
            "from_status": None,
            "to_status": "submitted",
            "reason": None,
            "actor_id": None,
            "at": f.created_at,
        }
        for f in facts
    ]
    for start in range(0, len(history), batch):
        connection.execute(sa.insert(StatusChange.__table__), history[start : start + batch])

    per_proposal = endorsement_counts(
        [fact.id for fact in facts], len(organisation_ids), endorsements, rng
    )
    owner = {fact.id: fact.organisation_id for fact in facts}
    created = {fact.id: fact.created_at for fact in facts}
    rows, counts = [], {}
    for ident, wanted in per_proposal.items():
        chosen = [o for o in rng.sample(organisation_ids, wanted + 1) if o != owner[ident]]
        active = 0
        for organisation in chosen[:wanted]:
            withdrawn = rng.random() < 0.05
            at = created[ident] + timedelta(days=rng.uniform(0, 60))
            rows.append(_endorsement(ident, organisation, at, withdrawn, rng.random() < 0.1))
            active += 0 if withdrawn else 1
        counts[ident] = active
        if len(rows) >= batch:
            connection.execute(sa.insert(Endorsement.__table__), rows)
            rows = []
    if rows:
        connection.execute(sa.insert(Endorsement.__table__), rows)
    connection.execute(
        table.update()
        .where(table.c.id == sa.bindparam("key"))
        .values(endorsement_count=sa.bindparam("n"), updated_at=table.c.updated_at),
        [{"key": ident, "n": n} for ident, n in counts.items() if n],
    )


def _endorsement(proposal_id, organisation_id, at, withdrawn, by_staff, by=None) -> dict:
    return {
        "proposal_id": proposal_id,
        "organisation_id": organisation_id,
        "statement": STATEMENT,
        "endorsed_on": at.date(),
        "endorsed_by_id": by,
        "recorded_by_staff": by_staff,
        "letter_path": None,
        "letter_sha256": None,
        "letter_size": None,
        "letter_filename": None,
        "created_at": at,
        "withdrawn_at": at + timedelta(days=30) if withdrawn else None,
        "withdrawn_by_id": None,
        "withdrawal_reason": "สมาคมขอถอนการสนับสนุน" if withdrawn else None,
    }


# --- bench.seed: numbered rows -------------------------------------------------------------


@dataclass
class Proposals:
    """The proposals made for bench.seed, and the facts the meetings use."""

    proposals: list[dict]
    history: list[dict]
    #: Ids of proposals that went before a committee (on the agenda or further).
    tabled: list[int] = field(default_factory=list)


def build(
    count: int,
    register: Register,
    categories: list[int],
    rng: random.Random,
    now: datetime,
    *,
    staff_id: int | None,
    rep_id: int | None,
) -> Proposals:
    """Numbered proposals (about one in two hundred from the busy association, submitted by
    the bench representative), each with its contact person and its way through the
    statuses, one status line per step."""
    names = {
        row["id"]: (row["name_th"], row["name_en"], row["acronym"])
        for row in register.organisations
    }
    submitters = register.partner_ids
    rows = proposal_rows(count, submitters, categories, names, rng, now)
    history: list[dict] = []
    tabled = []
    for ident, row in enumerate(rows, 1):
        row["id"] = ident
        if rng.random() < 0.005:
            row["organisation_id"] = register.busy_id
            row["search_text"] = search_text_of(
                row["title"], row["summary"], *names[register.busy_id]
            )
        people = register.people.get(row["organisation_id"])
        if people and rng.random() < 0.8:
            row["contact_id"] = rng.choice(people)
        if row["organisation_id"] == register.busy_id:
            row["submitted_by_id"] = rep_id
        at = row["created_at"]
        path = PATHS[ProposalStatus(row["status"])]
        before = None
        for step in path:
            if before is not None:
                at = min(now, at + timedelta(days=rng.uniform(3, 60)))
            history.append(
                {
                    "proposal_id": ident,
                    "from_status": before,
                    "to_status": step.value,
                    "reason": _REASONS.get(step),
                    "actor_id": row["submitted_by_id"] if before is None else staff_id,
                    "at": at,
                }
            )
            before = step.value
        row["updated_at"] = at
        if S.ON_AGENDA in path:
            tabled.append(ident)
    return Proposals(rows, history, tabled)


def endorsement_rows(
    proposals: Proposals,
    register: Register,
    endorsements: int,
    rng: random.Random,
    now: datetime,
    *,
    rep_id: int | None,
):
    """The endorsements, in batches of rows (a generator: 500,000 rows need not sit in memory
    at once). The busy association endorses about one proposal in thirty. The proposals'
    ``endorsement_count`` is written afterwards, from the rows (see seed.py)."""
    endorsers = register.partner_ids
    rows_by_id = {row["id"]: row for row in proposals.proposals}
    per_proposal = endorsement_counts(list(rows_by_id), len(endorsers) + 1, endorsements, rng)
    batch: list[dict] = []
    busy = register.busy_id
    for ident, wanted in per_proposal.items():
        proposal = rows_by_id[ident]
        owner = proposal["organisation_id"]
        chosen = [o for o in rng.sample(endorsers, min(len(endorsers), wanted + 1)) if o != owner]
        chosen = chosen[:wanted]
        if chosen and owner != busy and busy not in chosen and rng.random() < 0.03:
            chosen[0] = busy
        for organisation in chosen:
            withdrawn = rng.random() < 0.05
            at = min(now, proposal["created_at"] + timedelta(days=rng.uniform(0, 60)))
            by_staff = rng.random() < 0.1
            by = rep_id if organisation == busy and not by_staff else None
            batch.append(_endorsement(ident, organisation, at, withdrawn, by_staff, by))
            if withdrawn:
                batch[-1]["withdrawn_at"] = min(now, batch[-1]["withdrawn_at"])
                batch[-1]["withdrawn_by_id"] = by
        if len(batch) >= 20_000:
            yield batch
            batch = []
    if batch:
        yield batch
