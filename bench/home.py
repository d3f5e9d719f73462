"""Benchmark of the home page of each role (staff, admin, secretary, representative) and of
the committee page with its attendance picture, on a large register.

Builds a throwaway database with the migrations (SQLite in a temporary folder, or a new
database on the PostgreSQL server named by ``--database-url`` / ``BENCH_DATABASE_URL``,
dropped afterwards) and fills it with Core inserts: organisations and contacts
(bench/data.py), proposals and endorsements (bench/proposals.py), then agreements with their
parties, committees with seats, meetings with attendance, agenda and action items, and a long
audit log (here). Signs each role in with the Flask test client and times ``/``: median and
95th percentile over N runs, in milliseconds, with the SQL statements each request ran and
the CPU time of this process. Then it adds more records of every kind and checks that each
home page runs the same number of statements.

    .venv/bin/python -m bench.home [--runs 30] [--proposals 50000] [--endorsements 500000]
    BENCH_DATABASE_URL=postgresql://user@host:port/postgres .venv/bin/python -m bench.home

Exit status: 1 when a request failed or a statement count grew with the data. The timings
are printed against the 100 ms target, not asserted: a busy machine gives higher figures.
"""

from __future__ import annotations

import argparse
import math
import platform
import random
import sqlite3
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

import sqlalchemy as sa

from bench import data
from bench import proposals as proposal_data
from bench.run import (
    StatementCounter,
    _load,
    build,
    database_options,
    on_each_database,
)
from registry.agreements.models import Agreement, AgreementParty
from registry.audit.models import AuditEvent
from registry.auth import services as accounts
from registry.auth.models import Role
from registry.committees.models import Committee, Membership
from registry.db import db
from registry.meetings.models import ActionItem, AgendaItem, Attendance, Meeting
from registry.organisations.models import (
    Contact,
    Organisation,
    OrganisationKind,
    name_key,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: The promise of issue 7: each home page answers within this many milliseconds.
TARGET_MS = 100
PASSWORD = "bench-password-2569"  # noqa: S105 (a throwaway database)
EMAILS = {
    "staff": "bench.staff@dgti.example",
    "admin": "bench.admin@dgti.example",
    "secretary": "bench.secretary@dgti.example",
    "representative": "bench.rep@dgti.example",
}
#: The day the data is made around (the seeders of bench/ use the same one).
TODAY = date(2026, 11, 21)

_STATUSES = (["signed"] * 12 + ["draft"] * 3 + ["in_review"] * 2 + ["approved"] * 2
             + ["terminated"] * 1)  # fmt: skip


def seed_agreements(connection, count: int, rng: random.Random, rep_org: int) -> None:
    """Agreements between DGA and one or two partners, over 2018–2031, in every status; the
    representative's association is party to a dozen of them."""
    organisations = Organisation.__table__
    own = connection.execute(
        sa.insert(organisations).values(
            name_th="สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน) สำหรับทดสอบ",
            name_key=name_key("สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน) สำหรับทดสอบ"),
            acronym="DGA-B",
            kind=OrganisationKind.OWN_AGENCY.value,
            status="active",
            search_text="",
            created_at=datetime(2020, 1, 1),
            updated_at=datetime(2020, 1, 1),
        )  # fmt: skip
    ).inserted_primary_key[0]
    partners = list(connection.scalars(sa.select(organisations.c.id).where(
        organisations.c.id != own)))  # fmt: skip
    rows, numbers = [], {}
    for index in range(count):
        status = rng.choice(_STATUSES)
        start = date(2018, 1, 1) + timedelta(days=rng.randint(0, 365 * 8))
        until = None if rng.random() < 0.15 else start + timedelta(days=365 * rng.randint(1, 5))
        year = start.year + 543
        numbers[year] = numbers.get(year, 0) + 1
        rows.append({
            "id": index + 1, "kind": "MOU", "reference": f"MOU-{year}/{numbers[year]:04d}",
            "reference_year": year, "reference_number": numbers[year],
            "title_th": f"ความร่วมมือด้าน{rng.choice(data.TOPICS)} {data.word(rng, 1, 2)}",
            "signed_on": start if status in ("signed", "terminated") else None,
            "effective_from": start, "effective_until": until, "status": status,
            "terminated_on": (start + timedelta(days=200)) if status == "terminated" else None,
            "copies": 2, "notice_days": 30, "language": "th", "lock_version": 1,
            "created_at": datetime.combine(start, clock(9)),
            "updated_at": datetime.combine(start, clock(9)),
        })  # fmt: skip
    connection.execute(sa.insert(Agreement.__table__), rows)
    parties = []
    for row in rows:
        chosen = rng.sample(partners, rng.choice((1, 1, 1, 2)))
        if row["id"] % (count // 12 or 1) == 0:
            chosen = [rep_org]
        for position, organisation in enumerate([own, *dict.fromkeys(chosen)], 1):
            parties.append({"agreement_id": row["id"], "organisation_id": organisation,
                            "position": position, "short_name_th": "สพร." if position == 1
                            else "สมาคม"})  # fmt: skip
    connection.execute(sa.insert(AgreementParty.__table__), parties)


def seed_committees(connection, committees: int, meetings: int, rng: random.Random,
                    secretary_id: int, rep_org: int) -> None:  # fmt: skip
    """Committees of twelve seats, the secretary account on the first five, the
    representative's association on ten; ``meetings`` per committee, most held (with
    attendance, agenda and action items), the last few still to come."""
    contacts = connection.execute(
        sa.select(Contact.__table__.c.id, Contact.__table__.c.organisation_id).limit(20_000)
    ).all()
    rep_contacts = [row.id for row in connection.execute(
        sa.select(Contact.__table__.c.id).where(Contact.__table__.c.organisation_id == rep_org)
    )] or [contacts[0].id]  # fmt: skip

    def last(table) -> int:
        return connection.scalar(sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0)))

    seat_id, meeting_id = last(Membership.__table__), last(Meeting.__table__)
    item_id, first = last(AgendaItem.__table__), last(Committee.__table__)
    for number in range(1, committees + 1):
        name = f"คณะทำงานด้าน{rng.choice(data.TOPICS)} ชุดที่ {first + number}"
        committee_id = connection.execute(sa.insert(Committee.__table__).values(
            kind="joint_committee" if first + number == 1 else "working_group",
            parent_id=None if first + number == 1 else 1, name_th=name, name_key=name_key(name),
            established_on=date(2020, 1, 1), quorum_rule="more_than_half",
            created_at=datetime(2020, 1, 1), updated_at=datetime(2020, 1, 1),
        )).inserted_primary_key[0]  # fmt: skip
        seats = []
        roles = ["chair", "vice_chair"] + ["member"] * 9 + ["secretary"]
        for position, role in enumerate(roles):
            contact = rng.choice(contacts)
            organisation = contact.organisation_id
            if position == 2 and number <= 10:
                contact, organisation = None, rep_org
            seat_id += 1
            seats.append({
                "id": seat_id, "committee_id": committee_id,
                "contact_id": contact.id if contact else rng.choice(rep_contacts),
                "role": role, "organisation_id": organisation, "term_start": date(2020, 1, 1),
                "user_id": secretary_id if role == "secretary" and number <= 5 else None,
                "created_at": datetime(2020, 1, 1), "updated_at": datetime(2020, 1, 1),
            })  # fmt: skip
        connection.execute(sa.insert(Membership.__table__), seats)
        meeting_rows, attendance, items, actions = [], [], [], []
        numbers: dict[int, int] = {}
        for index in range(meetings):
            held_on = TODAY + timedelta(days=30 * (index - meetings + 3) + number % 20)
            upcoming = held_on >= TODAY
            if upcoming:
                status = "scheduled"
            elif index < meetings - 5:
                status = "minutes_certified"
            else:
                status = rng.choice(["held", "minutes_drafted"])
            year = held_on.year + 543
            numbers[year] = numbers.get(year, 0) + 1
            meeting_id += 1
            meeting_rows.append({
                "id": meeting_id, "committee_id": committee_id, "year_be": year,
                "number": numbers[year], "held_on": held_on, "starts_at": clock(9, 30),
                "ends_at": clock(12), "venue": "ห้องประชุม 1", "electronic": False,
                "status": status, "created_at": datetime(2020, 1, 1),
                "updated_at": datetime(2020, 1, 1),
            })  # fmt: skip
            if upcoming:
                continue
            for seat in seats:
                kind = rng.choice(["present"] * 7 + ["absent", "substitute"])
                attendance.append({"meeting_id": meeting_id, "membership_id": seat["id"],
                                   "kind": kind, "absence_reason": "ติดราชการ"
                                   if kind == "absent" else None,
                                   "name": "ผู้แทน" if kind == "substitute" else None})  # fmt: skip
            for position in (1, 2, 3):
                item_id += 1
                items.append({"id": item_id, "meeting_id": meeting_id, "section": 4,
                              "position": position,
                              "title": f"เรื่องเพื่อพิจารณา {position}"})  # fmt: skip
                due = held_on + timedelta(days=rng.randint(10, 60))
                actions.append({"agenda_item_id": item_id, "text": "จัดทำรายงานเสนอที่ประชุม",
                                "owner": "ฝ่ายเลขานุการ", "due_on": due,
                                "done_on": due if rng.random() < 0.8 and due < TODAY
                                else None})  # fmt: skip
        connection.execute(sa.insert(Meeting.__table__), meeting_rows)
        for table, rows in ((Attendance, attendance), (AgendaItem, items), (ActionItem, actions)):
            if rows:
                connection.execute(sa.insert(table.__table__), rows)


def seed_audit(connection, count: int, rng: random.Random) -> None:
    """A long audit log: changes to every kind of record, sign-ins and account changes."""
    kinds = ["organisations", "agreements", "committees", "meetings", "proposals", "users",
             "contacts", "proposal_endorsements", "meeting_attendance"]  # fmt: skip
    start = datetime(2021, 1, 1)
    step = (datetime(2026, 11, 21) - start) / max(count, 1)
    rows = []
    for index in range(count):
        kind = rng.choice(kinds)
        rows.append({"at": start + step * index, "actor_id": None,
                     "actor_label": "staff@dgti.example",
                     "action": "signed in" if kind == "users" else "updated",
                     "record_type": kind, "record_id": rng.randint(1, 1000),
                     "record_label": f"รายการทดสอบ {index}", "changes": {},
                     "address": None})  # fmt: skip
        if len(rows) == 10_000:
            connection.execute(sa.insert(AuditEvent.__table__), rows)
            rows = []
    if rows:
        connection.execute(sa.insert(AuditEvent.__table__), rows)


def main(argv: list[str] | None = None) -> int:
    """Parse the options, run the benchmark on each database asked for, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="timed runs per page (default 30)")
    parser.add_argument("--organisations", type=int, default=10_000)
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--proposals", type=int, default=50_000)
    parser.add_argument("--endorsements", type=int, default=500_000)
    parser.add_argument("--agreements", type=int, default=3_000)
    parser.add_argument("--committees", type=int, default=60)
    parser.add_argument("--meetings", type=int, default=24, help="per committee")
    parser.add_argument("--audit-events", type=int, default=300_000)
    database_options(parser)
    return on_each_database(parser.parse_args(argv), run)


def _accounts(rep_org: int, kept: bool) -> dict[str, int]:
    """The bench accounts, one per role (made unless the database was kept)."""
    ids = {}
    for role, email in EMAILS.items():
        if kept:
            ids[role] = accounts.find_user_by_email(email).id
            continue
        user = accounts.create_user(
            email=email, full_name=f"ผู้ทดสอบ {role}", role=Role(role), password=PASSWORD,
            organisation_id=rep_org if role == "representative" else None, actor=None,
            must_change_password=False,
        )  # fmt: skip
        ids[role] = user.id
    return ids


def run(folder: Path, url: str | None, options) -> int:
    """Build, fill and measure one database; returns the number of failures."""
    started = time.perf_counter()
    app = build(folder, url)
    rng = random.Random(2569)  # noqa: S311 (made-up data, reproducible)
    with app.app_context():
        engine = db.engine
        kept = db.session.scalar(sa.select(Agreement.id).limit(1)) is not None
        db.session.remove()  # no read transaction left open under the writes below
        if not kept:
            with engine.begin() as connection:
                data.seed(connection, options.organisations, options.contacts)
                proposal_data.seed(connection, options.proposals, options.endorsements)
        rep_org = db.session.execute(
            sa.text("SELECT organisation_id FROM proposals GROUP BY organisation_id "
                    "ORDER BY count(*) DESC LIMIT 1")
        ).scalar()  # fmt: skip
        users = _accounts(rep_org, kept)
        db.session.remove()
        if not kept:
            with engine.begin() as connection:
                seed_agreements(connection, options.agreements, rng, rep_org)
                seed_committees(connection, options.committees, options.meetings, rng,
                                users["secretary"], rep_org)  # fmt: skip
                seed_audit(connection, options.audit_events, rng)
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(sa.text("VACUUM ANALYZE"))
        else:
            with engine.begin() as connection:
                connection.execute(sa.text("ANALYZE"))
        name = engine.dialect.name
        version = (sqlite3.sqlite_version if name == "sqlite"
                   else db.session.scalar(sa.text("SHOW server_version")))  # fmt: skip
        db.session.remove()
    seeded = time.perf_counter()
    print()
    print(f"== {name} {version} · Python {platform.python_version()} · "
          f"{options.organisations:,} organisations, {options.proposals:,} proposals, "
          f"{options.endorsements:,} endorsements, {options.agreements:,} agreements, "
          f"{options.committees * options.meetings:,} meetings, "
          f"{options.audit_events:,} audit events")  # fmt: skip
    print(f"   built and filled in {seeded - started:.1f} s; {options.runs} runs per page; "
          f"target {TARGET_MS} ms; load average {_load()}")  # fmt: skip

    counter = StatementCounter(app)
    clients = {}
    for role, email in EMAILS.items():
        client = app.test_client()
        with client.post("/sign-in", data={"email": email, "password": PASSWORD}) as response:
            if response.status_code != 302:
                print(f"sign-in of {role} failed: {response.status_code}")
                return 1
        clients[role] = client
    pages = [(f"home, {role}", clients[role], "/") for role in EMAILS]
    pages.append(("committee page with attendance (staff)", clients["staff"], "/committees/1"))
    pages.append(("statistics page (staff; not held)", clients["staff"], "/statistics"))
    rows = [(label, _measure(client, counter, path, options.runs)) for label, client, path in pages]
    failures = _print(rows)

    # More of every kind of record: the statement count of each home page stays the same.
    before = {label: r["statements"] for label, r in rows}
    with app.app_context(), engine.begin() as connection:
        grow = random.Random(2570)  # noqa: S311
        start = connection.scalar(sa.select(sa.func.max(Agreement.id)))
        _more_agreements(connection, start, 50, grow, rep_org)
        seed_committees(connection, 5, 6, grow, users["secretary"], rep_org)
        seed_audit(connection, 1_000, grow)
    print()
    print("SQL statements per home page before / after adding 50 agreements, 5 committees")
    print("with 30 meetings, and 1,000 audit events:")
    for label, client, path in pages[:4]:
        status, statements = counter.during(client, path, {})
        same = status == 200 and statements == before[label]
        failures += 0 if same else 1
        print(f"  {label:<28} {before[label]:>3} / {statements:<3} "
              f"{'equal' if same else 'DIFFERENT'}")  # fmt: skip
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return failures


def _more_agreements(connection, start: int, count: int, rng: random.Random, rep_org: int):
    own = connection.scalar(sa.select(Organisation.id).where(Organisation.acronym == "DGA-B"))
    rows = []
    for index in range(count):
        ident = start + index + 1
        begin = TODAY - timedelta(days=rng.randint(0, 700))
        rows.append({"id": ident, "kind": "MOU", "reference": f"MOU-B/{ident}",
                     "reference_year": 9999, "reference_number": ident,
                     "title_th": "ความร่วมมือเพิ่มเติม", "status": "signed", "signed_on": begin,
                     "effective_from": begin, "effective_until": begin + timedelta(days=800),
                     "copies": 2, "notice_days": 30, "language": "th",
                     "lock_version": 1})  # fmt: skip
    connection.execute(sa.insert(Agreement.__table__), rows)
    connection.execute(sa.insert(AgreementParty.__table__), [
        {"agreement_id": row["id"], "organisation_id": org, "position": position,
         "short_name_th": "ภาคี"}
        for row in rows for position, org in ((1, own), (2, rep_org))
    ])  # fmt: skip


def _measure(client, counter: StatementCounter, path: str, runs: int) -> dict:
    """Wall-clock and CPU time of a request, ``runs`` times after a warm-up run."""
    status, statements = counter.during(client, path, {})
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        with client.get(path) as response:
            size = len(response.get_data())
            status = response.status_code if response.status_code != 200 else status
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    wall.sort()
    return {"status": status, "statements": statements, "median": statistics.median(wall),
            "p95": wall[max(0, math.ceil(0.95 * len(wall)) - 1)], "cpu": statistics.median(cpu),
            "bytes": size}  # fmt: skip


def _print(rows: list[tuple[str, dict]]) -> int:
    width = max(len(label) for label, _ in rows)
    header = (f"{'request':<{width}}  {'median ms':>9}  {'p95 ms':>7}  {'CPU ms':>6}  {'SQL':>3}  "
              f"{'bytes':>8}  verdict")  # fmt: skip
    print()
    print(header)
    print("-" * len(header))
    failures = 0
    for label, r in rows:
        if r["status"] != 200:
            verdict, failures = f"FAILED (HTTP {r['status']})", failures + 1
        elif "not held" in label:
            verdict = ""
        elif r["p95"] <= TARGET_MS:
            verdict = "ok"
        elif r["median"] <= TARGET_MS:
            verdict = f"median ok, p95 over {TARGET_MS} ms"
        else:
            verdict = f"OVER {TARGET_MS} ms"
        print(f"{label:<{width}}  {r['median']:>9.1f}  {r['p95']:>7.1f}  {r['cpu']:>6.1f}  "
              f"{r['statements']:>3}  {r['bytes']:>8,}  {verdict}")  # fmt: skip
    print(f"load average at the end: {_load()} (a busy machine gives higher figures)")
    return failures


if __name__ == "__main__":
    sys.exit(main())
