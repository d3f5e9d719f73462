"""Benchmark of the proposal list (by endorsements, by date, search, filters) and the
proposal page, on 50,000 proposals with 500,000 endorsements.

Builds a throwaway database with the migrations (SQLite in a temporary folder, or a new
database on the PostgreSQL server named by ``--database-url`` / ``BENCH_DATABASE_URL``,
dropped afterwards), fills it with organisations and contacts (bench/data.py) and the
proposals, their first status line and their endorsements (the generators of
bench/dataset/proposals.py; Core inserts, one transaction;
a few proposals have thousands of endorsers, most a handful), signs a staff member and a
representative in with the Flask test client and times each request: median and 95th
percentile over N runs, in milliseconds, with the SQL statements each request ran. Then it
checks that the list's statement count does not depend on the page size.

    .venv/bin/python -m bench.proposals [--runs 30] [--proposals 50000] [--endorsements 500000]
    BENCH_DATABASE_URL=postgresql://user@host:port/postgres .venv/bin/python -m bench.proposals

Exit status: 1 when a request failed or the statement count grew with the page size.
"""

from __future__ import annotations

import argparse
import platform
import sqlite3
import statistics
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from bench import data
from bench.dataset.proposals import (
    HOT_ENDORSERS,
    seed,
)
from bench.run import (
    TARGET_MS,
    StatementCounter,
    _load,
    build,
    database_options,
    measure,
    on_each_database,
    print_table,
)
from registry.auth import services as accounts
from registry.auth.models import Role
from registry.db import db
from registry.proposals import views
from registry.proposals.models import (
    Endorsement,
    Proposal,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent

STAFF_EMAIL = "bench.staff@dgti.example"
REP_EMAIL = "bench.rep@dgti.example"
PASSWORD = "bench-password-2569"  # noqa: S105 (a throwaway database)


def _busiest(app) -> dict[str, int]:
    """Ids the scenarios use: the proposal with most endorsers, a typical one, an organisation
    that endorses much and one that submits much."""
    with app.app_context():
        top = db.session.scalar(
            sa.select(Proposal.id).order_by(Proposal.endorsement_count.desc()).limit(1)
        )
        typical = db.session.scalar(
            sa.select(Proposal.id).where(Proposal.endorsement_count.between(8, 12)).limit(1)
        )
        endorser = db.session.execute(
            sa.select(Endorsement.organisation_id, sa.func.count())
            .group_by(Endorsement.organisation_id)
            .order_by(sa.func.count().desc())
            .limit(1)
        ).first()[0]
        submitter = db.session.execute(
            sa.select(Proposal.organisation_id, sa.func.count())
            .group_by(Proposal.organisation_id)
            .order_by(sa.func.count().desc())
            .limit(1)
        ).first()[0]
        db.session.remove()
    return {"top": top, "typical": typical, "endorser": endorser, "submitter": submitter}


def scenarios(ids: dict[str, int]) -> list[tuple[str, str, dict, bool]]:
    """(what, path, query string, held to the target?)"""
    return [
        ("list by endorsements, first page", "/proposals/", {"sort": "endorsements"}, True),
        ("list by endorsements, page 200", "/proposals/", {"sort": "endorsements", "page": "200"},
         True),
        ("list by date (newest), first page", "/proposals/", {}, True),
        ("list by date (oldest), page 500", "/proposals/", {"sort": "oldest", "page": "500"}, True),
        ("search Thai: น้ำท่วม", "/proposals/", {"q": "น้ำท่วม"}, True),
        ("search Thai, by endorsements: ปัญญาประดิษฐ์", "/proposals/",
         {"q": "ปัญญาประดิษฐ์", "sort": "endorsements"}, True),
        ("search Thai, 2 characters: ไอ", "/proposals/", {"q": "ไอ"}, True),
        ("search, nothing matches", "/proposals/", {"q": "ฌฌฌไม่มีคำนี้"}, True),
        ("search organisation name: สมาคม", "/proposals/", {"q": "สมาคม"}, True),
        ("filter status: screening", "/proposals/", {"status": "screening"}, True),
        ("filter under way, by endorsements", "/proposals/",
         {"status": "open", "sort": "endorsements"}, True),
        ("filter kind + category", "/proposals/", {"kind": "draft_project", "category": "2"},
         True),
        ("filter submitted by an organisation", "/proposals/",
         {"organisation": str(ids["submitter"])}, True),
        ("filter endorsed by an organisation, by endorsements", "/proposals/",
         {"endorsed_by": str(ids["endorser"]), "sort": "endorsements"}, True),
        ("filters + search", "/proposals/",
         {"q": "ระบบ", "status": "open", "kind": "problem_statement"}, True),
        (f"proposal page, {HOT_ENDORSERS:,} endorsers (first 100 shown)",
         f"/proposals/{ids['top']}", {}, True),
        ("proposal page, ~10 endorsers", f"/proposals/{ids['typical']}", {}, True),
        (f"proposal page, all {HOT_ENDORSERS:,} endorsers", f"/proposals/{ids['top']}",
         {"endorsements": "all"}, False),
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Parse the options, run the benchmark on each database asked for, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="timed runs per page (default 30)")
    parser.add_argument("--proposals", type=int, default=50_000)
    parser.add_argument("--endorsements", type=int, default=500_000)
    parser.add_argument("--organisations", type=int, default=10_000)
    parser.add_argument("--contacts", type=int, default=10_000)
    database_options(parser)
    return on_each_database(parser.parse_args(argv), run)


def run(folder: Path, url: str | None, options) -> int:
    """Build, fill and measure one database; returns the number of failures."""
    started = time.perf_counter()
    app = build(folder, url)
    built = time.perf_counter()
    with app.app_context():
        engine = db.engine
        kept = db.session.scalar(sa.select(Proposal.id).limit(1)) is not None
        db.session.remove()
        if not kept:
            with engine.begin() as connection:
                data.seed(connection, options.organisations, options.contacts)
                seed(connection, options.proposals, options.endorsements)
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(sa.text("VACUUM ANALYZE"))
        seeded = time.perf_counter()
        for email, role in ((STAFF_EMAIL, Role.STAFF), (REP_EMAIL, Role.REPRESENTATIVE)):
            if kept:
                break
            accounts.create_user(
                email=email,
                full_name="ผู้ทดสอบความเร็ว",
                role=role,
                password=PASSWORD,
                organisation_id=1 if role is Role.REPRESENTATIVE else None,
                actor=None,
                must_change_password=False,
            )
        name = engine.dialect.name
        version = (
            sqlite3.sqlite_version
            if name == "sqlite"
            else db.session.scalar(sa.text("SHOW server_version"))
        )
        endorsements = db.session.scalar(sa.select(sa.func.count(Endorsement.id)))
        options.proposals = db.session.scalar(sa.select(sa.func.count(Proposal.id)))
        db.session.remove()
    ids = _busiest(app)

    print()
    print(f"== {name} {version} · Python {platform.python_version()} · "
          f"{options.proposals:,} proposals, {endorsements:,} endorsements, "
          f"{options.organisations:,} organisations")  # fmt: skip
    print(f"   schema {built - started:.1f} s, data {seeded - built:.1f} s; "
          f"{options.runs} runs per page; target {TARGET_MS} ms (median and p95); "
          f"load average {_load()}")  # fmt: skip

    counter = StatementCounter(app)
    failures = 0
    rows = []
    cpu: dict[str, float] = {}
    for role_email, label_suffix in ((STAFF_EMAIL, ""), (REP_EMAIL, " (representative)")):
        client = app.test_client()
        with client.post("/sign-in", data={"email": role_email, "password": PASSWORD}) as r:
            if r.status_code != 302:
                print(f"sign-in failed: {r.status_code}")
                return 1
        chosen = scenarios(ids)
        if label_suffix:  # the representative: the two pages the issue names
            chosen = [chosen[0], chosen[15]]
        for label, path, params, held in chosen:
            result = measure(client, counter, path, params, options.runs)
            result["found"] = _found(app, params) if path == "/proposals/" else 1
            result["held"] = held
            rows.append((label + label_suffix, result))
            cpu[label + label_suffix] = _cpu(client, path, params, max(5, options.runs // 3))
        if not label_suffix:
            failures += _statement_counts(client, counter)
    failures += print_table(rows)
    print(f"load average at the end: {_load()} (a busy machine gives higher figures)")
    print()
    print("CPU time of this process per request (median), which other work on the machine does")
    print("not inflate as it does the wall-clock figures above"
          + (" (the app's share only: PostgreSQL works in its own processes):"
             if name == "postgresql" else " (the app and SQLite):"))  # fmt: skip
    width = max(len(label) for label in cpu)
    for label, ms in cpu.items():
        print(f"  {label:<{width}}  {ms:6.1f} ms")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return failures


def _cpu(client, path: str, params: dict, runs: int) -> float:
    """The median CPU time (this process: the app and SQLite) of a request, in ms."""
    times = []
    for _ in range(runs):
        started = time.process_time()
        with client.get(path, query_string=params) as response:
            response.get_data()
        times.append((time.process_time() - started) * 1000)
    return statistics.median(times)


def _found(app, params: dict) -> int:
    """How many proposals the list's filters find."""
    from werkzeug.datastructures import MultiDict

    from registry.proposals import queries

    with app.app_context():
        query = queries.search(queries.Filters.from_args(MultiDict(params)))
        total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
        db.session.remove()
        return total


def _statement_counts(client, counter: StatementCounter) -> int:
    """SQL statements per list request for page sizes 10, 25 and 100; they must be equal."""
    cases = [
        ("by endorsements", {"sort": "endorsements"}),
        ("search น้ำท่วม", {"q": "น้ำท่วม"}),
        ("under way", {"status": "open"}),
    ]
    sizes = (10, 25, 100)
    lines, failures = [], 0
    saved = views.PER_PAGE
    try:
        for label, params in cases:
            counts = []
            for size in sizes:
                views.PER_PAGE = size
                status, statements = counter.during(client, "/proposals/", params)
                counts.append(statements if status == 200 else f"HTTP {status}")
            same = len(set(counts)) == 1 and all(isinstance(c, int) for c in counts)
            failures += 0 if same else 1
            verdict = "equal" if same else "DIFFERENT: grows with the page size"
            lines.append(f"  {label:<16} {' / '.join(map(str, counts))}  {verdict}")
    finally:
        views.PER_PAGE = saved
    print()
    print(f"SQL statements per list request by page size {'/'.join(map(str, sizes))}:")
    print("\n".join(lines))
    return failures


if __name__ == "__main__":
    sys.exit(main())
