"""Benchmark of the global search box (``/search``) on the benchmark dataset.

Builds a throwaway database with the migrations (SQLite in a temporary folder, or a new
database on the PostgreSQL server named by ``--database-url`` / ``BENCH_DATABASE_URL``,
dropped afterwards) and fills it with 10,000 organisations and 50,000 contacts
(bench/data.py), 50,000 proposals with their endorsements (bench/proposals.py), and the
agreements, committees, seats and meetings seeded here (5,000 / 200 / 2,000 / 5,000; Core
inserts, one transaction). Then it signs a staff member, a committee secretary and an
association's representative in with the Flask test client and times the search for common
words, rare ones, one and two characters, a meeting number and a query that finds nothing:
median and 95th percentile over N runs, in milliseconds, with the SQL statements each
request ran and how many results each group found. The statement count must be the same for
every query of a role (it does not grow with what is found).

    .venv/bin/python -m bench.search [--runs 30] [--keep FOLDER]
    BENCH_DATABASE_URL=postgresql://user@host:port/postgres .venv/bin/python -m bench.search
    make bench BENCH_PG=1                           # with a throwaway PostgreSQL cluster

Exit status: 1 when a request failed or the statement count of a role varied.
Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import platform
import random
import re
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
    measure,
    on_each_database,
)
from registry.agreements.models import (
    Agreement,
    AgreementKind,
    AgreementParty,
    AgreementStatus,
)
from registry.auth import services as accounts
from registry.auth.models import Role, User
from registry.committees.models import (
    Committee,
    CommitteeKind,
    MemberRole,
    Membership,
)
from registry.db import db
from registry.meetings.models import Meeting, MeetingStatus
from registry.organisations.models import (
    Contact,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    name_key,
    refresh_search_text,
)
from registry.proposals.models import Proposal

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: The promise of issue 7: the global search answers within this many milliseconds.
TARGET_MS = 100
PASSWORD = "bench-password-2569"  # noqa: S105 (a throwaway database)
STAFF_EMAIL = "bench.staff@dgti.example"
SECRETARY_EMAIL = "bench.secretary@dgti.example"
REP_EMAIL = "bench.rep@dgti.example"
#: The representative's association, and how many committees the secretary runs.
REP_ORGANISATION = 1
SECRETARY_COMMITTEES = 8

_AGREEMENT_SUBJECTS = (
    "การพัฒนาบุคลากรด้าน", "การแลกเปลี่ยนข้อมูลและองค์ความรู้ด้าน", "การส่งเสริมนวัตกรรม",
    "การยกระดับบริการภาครัฐด้วย", "การวิจัยและพัฒนา", "การจัดตั้งศูนย์ทดสอบ",
)  # fmt: skip
_AGREEMENT_SUBJECTS_EN = (
    "Capacity Building in", "Data and Knowledge Sharing on", "Promoting Innovation in",
    "Better Public Services through", "Research and Development in", "A Testing Centre for",
)  # fmt: skip
_AGREEMENT_STATUSES = (
    [AgreementStatus.SIGNED] * 6 + [AgreementStatus.DRAFT] * 2
    + [AgreementStatus.IN_REVIEW, AgreementStatus.APPROVED, AgreementStatus.TERMINATED]
)  # fmt: skip
_COMMITTEE_PREFIXES = ("คณะอนุกรรมการด้าน", "คณะทำงานด้าน", "คณะอนุกรรมการขับเคลื่อน")
_KIND_EN = {
    CommitteeKind.SUBCOMMITTEE: "Subcommittee",
    CommitteeKind.WORKING_GROUP: "Working Group",
}
_VENUES = (
    "ห้องประชุม 1 ชั้น 17 อาคารบางกอกไทยทาวเวอร์", "ห้องประชุมศูนย์ DGTi ศรีราชา",
    "ห้องประชุมใหญ่ สำนักงานพัฒนารัฐบาลดิจิทัล", "ห้องประชุมสมาคม",
)  # fmt: skip


# --- the data ----------------------------------------------------------------------------


def seed_registry(connection: sa.Connection, options, rng: random.Random) -> None:
    """DGA's own record, the agreements with their parties, the committees, their seats and
    meetings (Core inserts, the caller's transaction)."""
    now = datetime(2026, 11, 21, 3, 0, 0)
    organisations = Organisation.__table__
    dga = connection.execute(
        sa.insert(organisations).returning(organisations.c.id),
        {
            "name_th": "สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน)",
            "name_en": "Digital Government Development Agency (Public Organization)",
            "acronym": "DGA",
            "kind": OrganisationKind.OWN_AGENCY.value,
            "status": OrganisationStatus.ACTIVE.value,
            "name_key": name_key("สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน)"),
            "created_at": now,
            "updated_at": now,
        },
    ).scalar_one()
    refresh_search_text(connection, [dga])
    partner_ids = list(
        connection.scalars(
            sa.select(organisations.c.id).where(
                organisations.c.id != dga, organisations.c.kind != OrganisationKind.OWN_AGENCY
            )
        )
    )
    _seed_agreements(connection, options.agreements, dga, partner_ids, rng, now)
    committee_ids = _seed_committees(connection, options.committees, rng, now)
    _seed_seats(connection, committee_ids, rng, now)
    _seed_meetings(connection, options.meetings, committee_ids, rng, now)


def _seed_agreements(connection, count, dga, partner_ids, rng, now) -> None:
    rows, parties = [], []
    per_year = max(1, count // 10 + 1)
    for n in range(count):
        year = 2560 + n // per_year
        topic = rng.randrange(len(data.TOPICS))
        subject = rng.randrange(len(_AGREEMENT_SUBJECTS))
        kind = AgreementKind.MOU if rng.random() < 0.85 else AgreementKind.MOA
        status = rng.choice(_AGREEMENT_STATUSES)
        start = date(year - 543, 1, 1) + timedelta(days=rng.randrange(365))
        created = datetime.combine(start, clock(9)) - timedelta(days=rng.randrange(60))
        rows.append(
            {
                "id": n + 1,
                "kind": kind.value,
                "reference": f"{kind.value}-{year}/{n % per_year + 1:03d}",
                "reference_year": year,
                "reference_number": n % per_year + 1,
                "title_th": f"{_AGREEMENT_SUBJECTS[subject]}{data.TOPICS[topic]} "
                f"{data.word(rng, 1, 2)}",
                "title_en": f"{_AGREEMENT_SUBJECTS_EN[subject]} {data.TOPICS_EN[topic]}",
                "signing_place": "สำนักงานพัฒนารัฐบาลดิจิทัล",
                "signed_on": start if status in (S_SIGNED, S_TERMINATED) else None,
                "effective_from": start,
                "effective_until": start + timedelta(days=365 * rng.choice((2, 3, 5))),
                "status": status.value,
                "terminated_on": start + timedelta(days=200)
                if status is AgreementStatus.TERMINATED
                else None,
                "created_at": created,
                "updated_at": created,
            }
        )
        # The representative's association is a party to one agreement in fifty.
        partner = REP_ORGANISATION if n % 50 == 0 else rng.choice(partner_ids)
        parties += [
            {"agreement_id": n + 1, "organisation_id": dga, "position": 1,
             "short_name_th": "สพร.", "short_name_en": "DGA"},
            {"agreement_id": n + 1, "organisation_id": partner, "position": 2,
             "short_name_th": "สมาคม", "short_name_en": "the Association"},
        ]  # fmt: skip
    connection.execute(sa.insert(Agreement.__table__), rows)
    connection.execute(sa.insert(AgreementParty.__table__), parties)


S_SIGNED, S_TERMINATED = AgreementStatus.SIGNED, AgreementStatus.TERMINATED


def _seed_committees(connection, count, rng, now) -> list[int]:
    table = Committee.__table__
    joint = connection.execute(
        sa.insert(table).returning(table.c.id),
        {
            "kind": CommitteeKind.JOINT.value,
            "name_th": "คณะกรรมการร่วมภาครัฐและผู้ประกอบการนวัตกรรมดิจิทัล",
            "name_en": "Joint Committee of Government Agencies and Digital Innovators",
            "name_key": name_key("คณะกรรมการร่วมภาครัฐและผู้ประกอบการนวัตกรรมดิจิทัล"),
            "order_number": "1/2563",
            "order_date": date(2020, 8, 17),
            "established_on": date(2020, 8, 17),
            "created_at": now,
            "updated_at": now,
        },
    ).scalar_one()
    rows, keys = [], set()
    while len(rows) < count - 1:
        topic = rng.randrange(len(data.TOPICS))
        prefix = rng.choice(_COMMITTEE_PREFIXES)
        name = f"{prefix}{data.TOPICS[topic]}{data.word(rng, 1, 2)}"
        if name_key(name) in keys:
            continue
        keys.add(name_key(name))
        kind = CommitteeKind.WORKING_GROUP if "ทำงาน" in prefix else CommitteeKind.SUBCOMMITTEE
        established = date(2020, 9, 1) + timedelta(days=rng.randrange(1500))
        rows.append(
            {
                "kind": kind.value,
                "parent_id": joint,
                "name_th": name,
                "name_en": f"{_KIND_EN[kind]} on {data.TOPICS_EN[topic]} "
                f"{data.latin(rng).capitalize()}",
                "name_key": name_key(name),
                "order_number": f"{len(rows) + 2}/{established.year + 543}",
                "order_date": established,
                "established_on": established,
                "dissolved_on": established + timedelta(days=900) if rng.random() < 0.1 else None,
                "dissolution_reason": "ดำเนินการตามภารกิจแล้วเสร็จ",
                "created_at": now,
                "updated_at": now,
            }
        )
    for row in rows:
        if row["dissolved_on"] is None:
            row["dissolution_reason"] = None
    connection.execute(sa.insert(table), rows)
    return list(connection.scalars(sa.select(table.c.id).order_by(table.c.id)))


def _seed_seats(connection, committee_ids, rng, now) -> None:
    """Ten seats a committee; the representative's association sits on a few; the bench
    secretary's account is linked to the secretary seat of a few."""
    contacts = connection.execute(
        sa.select(Contact.__table__.c.id, Contact.__table__.c.organisation_id)
        .where(Contact.__table__.c.erased_at.is_(None))
        .limit(20_000)
    ).all()
    rep_contact = connection.execute(
        sa.select(Contact.__table__.c.id).where(
            Contact.__table__.c.organisation_id == REP_ORGANISATION
        )
    ).scalar()
    rows = []
    for index, committee_id in enumerate(committee_ids):
        roles = [MemberRole.CHAIR, MemberRole.VICE_CHAIR] + [MemberRole.MEMBER] * 7
        roles.append(MemberRole.SECRETARY)
        for role in roles:
            contact = rng.choice(contacts)
            rows.append(
                {
                    "committee_id": committee_id,
                    "contact_id": contact.id,
                    "role": role.value,
                    "organisation_id": contact.organisation_id,
                    "term_start": date(2020, 9, 1),
                    "user_id": None,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        if rep_contact is not None and index % 25 == 3:
            rows[-2].update(contact_id=rep_contact, organisation_id=REP_ORGANISATION)
    connection.execute(sa.insert(Membership.__table__), rows)


def _seed_meetings(connection, count, committee_ids, rng, now) -> None:
    rows, numbers = [], {}
    today = now.date()
    for n in range(count):
        committee_id = committee_ids[n % len(committee_ids)]
        held_on = date(2021, 1, 4) + timedelta(days=rng.randrange(365 * 6))
        year_be = held_on.year + 543
        numbers.setdefault((committee_id, year_be), []).append(n)
        if held_on >= today:
            status = MeetingStatus.SCHEDULED
        else:
            status = MeetingStatus.MINUTES_CERTIFIED if rng.random() < 0.9 else MeetingStatus.HELD
        rows.append(
            {
                "committee_id": committee_id,
                "year_be": year_be,
                "number": 0,
                "held_on": held_on,
                "starts_at": clock(rng.choice((9, 10, 13, 14))),
                "ends_at": None,
                "venue": rng.choice(_VENUES),
                "electronic": rng.random() < 0.4,
                "status": status.value,
                "created_at": now,
                "updated_at": now,
            }
        )
    for indexes in numbers.values():  # ครั้งที่ 1, 2, ... in date order within the year
        for number, index in enumerate(sorted(indexes, key=lambda i: rows[i]["held_on"]), 1):
            rows[index]["number"] = number
    connection.execute(sa.insert(Meeting.__table__), rows)


def link_secretary(connection: sa.Connection, user_id: int) -> None:
    """Link the secretary account to the secretary seats of the first few committees."""
    seats = Membership.__table__
    chosen = sa.select(seats.c.id).where(seats.c.role == MemberRole.SECRETARY.value)
    chosen = chosen.order_by(seats.c.committee_id).limit(SECRETARY_COMMITTEES)
    ids = list(connection.scalars(chosen))
    connection.execute(seats.update().where(seats.c.id.in_(ids)).values(user_id=user_id))


def build_data(app, options) -> None:
    """Fill the database (unless it is filled already) and create the three accounts."""
    with app.app_context():
        engine = db.engine
        filled = db.session.scalar(sa.select(Meeting.id).limit(1)) is not None
        db.session.remove()
        if filled:
            return
        rng = random.Random(2569)  # noqa: S311 (made-up data, reproducible)
        with engine.begin() as connection:
            data.seed(connection, options.organisations, options.contacts)
            proposal_data.seed(connection, options.proposals, options.endorsements)
            seed_registry(connection, options, rng)
        for email, role in (
            (STAFF_EMAIL, Role.STAFF),
            (SECRETARY_EMAIL, Role.SECRETARY),
            (REP_EMAIL, Role.REPRESENTATIVE),
        ):
            accounts.create_user(
                email=email,
                full_name="ผู้ทดสอบความเร็ว",
                role=role,
                password=PASSWORD,
                organisation_id=REP_ORGANISATION if role is Role.REPRESENTATIVE else None,
                actor=None,
                must_change_password=False,
            )
        secretary = db.session.scalar(sa.select(User.id).where(User.email == SECRETARY_EMAIL))
        db.session.commit()
        db.session.remove()
        with engine.begin() as connection:
            link_secretary(connection, secretary)
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(sa.text("VACUUM ANALYZE"))
        else:
            with engine.begin() as connection:
                connection.execute(sa.text("ANALYZE"))
        db.session.remove()


# --- the measurements --------------------------------------------------------------------

#: (what, query, kind of query)
SCENARIOS: list[tuple[str, str, str]] = [
    ("common Thai word: สมาคม", "สมาคม", "common"),
    ("common Thai word: ไทย", "ไทย", "common"),
    ("common word in proposals: ระบบ", "ระบบ", "common"),
    ("Thai word inside names: ปัญญาประดิษฐ์", "ปัญญาประดิษฐ์", "common"),
    ("English word: data", "data", "common"),
    ("contact first name: สมชาย", "สมชาย", "common"),
    ("rare: a contact as written", "<contact>", "rare"),
    ("rare: an agreement reference", "<reference>", "rare"),
    ("meeting number: ครั้งที่ 3/2569", "ครั้งที่ 3/2569", "rare"),
    ("1 character: ม", "ม", "short"),
    ("2 characters: ไอ", "ไอ", "short"),
    ("2 characters found nowhere: ฌฌ", "ฌฌ", "short, no hit"),
    ("nothing matches: ฌฌฌไม่มีคำนี้", "ฌฌฌไม่มีคำนี้", "no hit"),
    ("nothing matches, English: zzqxv", "zzqxv", "no hit"),
]
ROLES = (("staff", STAFF_EMAIL), ("secretary", SECRETARY_EMAIL), ("representative", REP_EMAIL))


def _samples(app) -> dict[str, str]:
    """A real contact's written name and a real agreement reference, for the rare queries."""
    with app.app_context():
        contact = db.session.scalar(
            sa.select(Contact).where(Contact.erased_at.is_(None)).order_by(Contact.id).offset(4321)
        )
        reference = db.session.scalar(
            sa.select(Agreement.reference).order_by(Agreement.id).offset(1234)
        )
        db.session.remove()
    return {"<contact>": contact.full_name, "<reference>": reference}


def _found(html: str) -> str:
    """Each group's count as the page shows it, shortened: 12, 0, or 100+ (more than)."""
    counts = re.findall(r'id="results-\w+">[^<]*<span[^>]*>([^<]+)</span>', html)
    shown = []
    for text in counts:
        number = re.search(r"\d+", text)
        more = "more" in text or "มากกว่า" in text
        shown.append(
            f"{number.group(0)}+" if number and more else number.group(0) if number else "?"
        )
    return " ".join(shown)


def run(folder: Path, url: str | None, options) -> int:
    """Build (or reuse), fill and measure one database; returns the number of failures."""
    started = time.perf_counter()
    app = build(folder, url)
    build_data(app, options)
    built = time.perf_counter()
    samples = _samples(app)
    with app.app_context():
        name = db.engine.dialect.name
        version = (
            sqlite3.sqlite_version
            if name == "sqlite"
            else db.session.scalar(sa.text("SHOW server_version"))
        )
        sizes = {
            label: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for label, model in (
                ("organisations", Organisation), ("contacts", Contact), ("agreements", Agreement),
                ("proposals", Proposal), ("committees", Committee),
                ("meetings", Meeting),
            )
        }  # fmt: skip
        db.session.remove()
    print()
    print(f"== {name} {version} · Python {platform.python_version()} · "
          + ", ".join(f"{n:,} {label}" for label, n in sizes.items()))  # fmt: skip
    print(f"   data ready in {built - started:.1f} s; {options.runs} runs per search; "
          f"target {TARGET_MS} ms (median and p95); load average {_load()}")  # fmt: skip
    counter = StatementCounter(app)
    failures = 0
    for role, email in ROLES:
        client = app.test_client()
        with client.post("/sign-in", data={"email": email, "password": PASSWORD}) as response:
            if response.status_code != 302:
                print(f"sign-in as {role} failed: HTTP {response.status_code}")
                return failures + 1
        print()
        header = (f"{role + ' searches':<44} {'median ms':>9} {'p95 ms':>7} {'CPU ms':>6} "
                  f"{'SQL':>3}  found per kind")  # fmt: skip
        print(header)
        print("-" * len(header))
        statement_counts = set()
        for label, q, _kind in SCENARIOS:
            q = samples.get(q, q)
            if q != _kind and label.startswith("rare: a"):
                label = f"{label}: {q}"
            params = {"q": q}
            result = measure(client, counter, "/search", params, options.runs)
            cpu = _cpu(client, params, max(5, options.runs // 3))
            with client.get("/search", query_string=params) as response:
                found = _found(response.get_data(as_text=True))
            statement_counts.add(result["statements"])
            verdict = ""
            if result["status"] != 200:
                verdict, failures = f"FAILED (HTTP {result['status']})", failures + 1
            elif result["p95"] > TARGET_MS:
                verdict = "median ok, p95 over" if result["median"] <= TARGET_MS else "OVER"
            print(f"{label[:44]:<44} {result['median']:>9.1f} {result['p95']:>7.1f} "
                  f"{cpu:>6.1f} {result['statements']:>3}  {found}  {verdict}")  # fmt: skip
        same = len(statement_counts) == 1
        failures += 0 if same else 1
        print(f"SQL statements per search: {' / '.join(map(str, sorted(statement_counts)))} "
              + ("(the same for every query)" if same else "DIFFERENT: must not vary"))  # fmt: skip
    print(f"load average at the end: {_load()} (a busy machine gives higher wall-clock figures;")
    print("the CPU column is this process alone: the app, and SQLite when it is the database)")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return failures


def _cpu(client, params: dict, runs: int) -> float:
    """The median CPU time of this process (the app, and SQLite) for one search, in ms."""
    times = []
    for _ in range(runs):
        started = time.process_time()
        with client.get("/search", query_string=params) as response:
            response.get_data()
        times.append((time.process_time() - started) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    """Parse the options, run the benchmark on each database asked for, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="timed runs per search (default 30)")
    parser.add_argument("--organisations", type=int, default=10_000)
    parser.add_argument("--contacts", type=int, default=50_000)
    parser.add_argument("--proposals", type=int, default=50_000)
    parser.add_argument("--endorsements", type=int, default=50_000)
    parser.add_argument("--agreements", type=int, default=5_000)
    parser.add_argument("--committees", type=int, default=200)
    parser.add_argument("--meetings", type=int, default=5_000)
    database_options(parser)
    return on_each_database(parser.parse_args(argv), run)


if __name__ == "__main__":
    sys.exit(main())
