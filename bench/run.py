"""Benchmark of the organisation list, search and export on a large register.

Builds a throwaway database with the migrations (SQLite in a temporary folder, or a
new database on the PostgreSQL server named by ``--database-url`` /
``BENCH_DATABASE_URL``, dropped afterwards), fills it with 10,000 organisations and
50,000 contacts (bench/data.py), signs a staff member in with the Flask test client
and times each request: median and 95th percentile over N runs, in milliseconds,
with the SQL statements each request ran. Then it checks that the number of SQL
statements does not depend on the page size (10, 25, 100 rows).

    .venv/bin/python -m bench.run [--runs 30] [--organisations 10000] [--contacts 50000]
    BENCH_DATABASE_URL=postgresql://user@host:port/postgres .venv/bin/python -m bench.run

Exit status: 1 when a request failed or the statement count grew with the page size.
"""

from __future__ import annotations

import argparse
import io
import math
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr
from pathlib import Path

import flask_migrate
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from bench import data
from registry import create_app
from registry.auth import services as accounts
from registry.auth.models import Role
from registry.config import database_url
from registry.db import db
from registry.organisations import queries, views

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: The promise of issue 3: the list and search answer within this many milliseconds.
TARGET_MS = 50
STAFF_EMAIL = "bench.staff@dgti.example"
STAFF_PASSWORD = "bench-password-2569"  # noqa: S105 (a throwaway database)

#: (what, query string, held to the target?)
SCENARIOS: list[tuple[str, dict, bool]] = [
    ("list, first page", {}, True),
    ("list, all statuses", {"status": "all"}, True),
    ("list, page 200", {"status": "all", "page": "200"}, True),
    ("list, recently changed first", {"sort": "changed"}, True),
    ("search Thai, 1 character: ม", {"q": "ม"}, True),
    ("search Thai, 2 characters: ไอ", {"q": "ไอ"}, True),
    ("search Thai, 5 characters: สมาคม", {"q": "สมาคม"}, True),
    ("search Thai, 12 characters: สมาคมไทยไอโอ", {"q": "สมาคมไทยไอโอ"}, True),
    ("search Thai, word inside names: ไอโอที", {"q": "ไอโอที"}, True),
    ("search Thai, nothing matches", {"q": "ฌฌฌไม่มีชื่อนี้"}, True),
    ("search English: robotics", {"q": "robotics"}, True),
    ("search acronym: TIA", {"q": "TIA"}, True),
    ("search contact first name: สมชาย", {"q": "สมชาย"}, True),
    ("search contact title and name", {"q": "<contact>"}, True),
    ("filters: university, active, Bangkok", {"kind": "university", "status": "active",
                                               "province": "10"}, True),
    ("filters + search: association, ไทย", {"kind": "association", "q": "ไทย"}, True),
]  # fmt: skip

#: Indexes not (yet) in the migrations, that ``--proposed-indexes`` adds to compare (none
#: at present: the search index on SQLite came with migration 0009).
PROPOSED_INDEXES = {
    "postgresql": [],
    "sqlite": [],
}

EXPORTS: list[tuple[str, str, dict]] = [
    ("export CSV, all current", "/organisations/export.csv", {}),
    ("export CSV, search ไอโอที", "/organisations/export.csv", {"q": "ไอโอที"}),
    ("export XLSX, all current", "/organisations/export.xlsx", {}),
]


def main(argv: list[str] | None = None) -> int:
    """Parse the options, run the benchmark on each database asked for, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="timed runs per page (default 30)")
    parser.add_argument("--export-runs", type=int, default=5, help="timed runs per export")
    parser.add_argument("--organisations", type=int, default=10_000)
    parser.add_argument("--contacts", type=int, default=50_000)
    database_options(parser, keep=False)
    parser.add_argument(
        "--proposed-indexes",
        action="store_true",
        help="first add the indexes proposed for the search (PROPOSED_INDEXES), to compare",
    )
    return on_each_database(parser.parse_args(argv), run)


def database_options(parser: argparse.ArgumentParser, *, keep: bool = True) -> None:
    """The options by which every benchmark chooses its databases: SQLite (in a temporary
    folder, or kept in ``--keep``), and a PostgreSQL server named by ``--database-url`` or
    ``BENCH_DATABASE_URL`` (``make bench BENCH_PG=1`` starts a throwaway one)."""
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL") or None,
        help="a PostgreSQL server to run on as well (a database is created there and dropped)",
    )
    parser.add_argument("--no-sqlite", action="store_true", help="only the --database-url run")
    if keep:
        parser.add_argument(
            "--keep",
            type=Path,
            help="build the SQLite database in this folder and keep it; when it is there "
            "already, measure it again without rebuilding (for trying changes to the code)",
        )


def on_each_database(options, run) -> int:
    """``run(folder, url or None, options)`` on each database the options ask for; the exit
    status: 1 when any run reported a failure."""
    failures = 0
    keep = getattr(options, "keep", None)
    if keep and not options.no_sqlite:
        keep.mkdir(parents=True, exist_ok=True)
        failures += run(keep, None, options)
    elif not options.no_sqlite:
        with tempfile.TemporaryDirectory(prefix="registry-bench-") as folder:
            failures += run(Path(folder), None, options)
    if options.database_url:
        with (
            tempfile.TemporaryDirectory(prefix="registry-bench-") as folder,
            postgres_database(options.database_url) as url,
        ):
            failures += run(Path(folder), url, options)
    return 1 if failures else 0


@contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the server, dropped when done."""
    url = sa.make_url(database_url(server_url, PROJECT_ROOT / "instance"))
    name = f"registry_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def build(folder: Path, url: str | None):
    """The app on a new database whose schema the migrations build."""
    app = create_app(
        {
            "REGISTRY_ENV": "benchmark",
            "SECRET_KEY": uuid.uuid4().hex,
            "SQLALCHEMY_DATABASE_URI": url or f"sqlite:///{folder / 'bench.sqlite3'}",
            "PASSWORD_HASH_FAST": True,
            "WTF_CSRF_ENABLED": False,
            "MAIL_FOLDER": str(folder / "mail"),
            "STORAGE_DIR": str(folder / "files"),
            "BACKUP_DIR": str(folder / "backups"),
        }
    )
    log = io.StringIO()
    try:
        with app.app_context(), redirect_stderr(log):  # Alembic's progress lines
            flask_migrate.upgrade()
    except Exception:
        print(log.getvalue(), file=sys.stderr)
        raise
    return app


def run(folder: Path, url: str | None, options) -> int:
    """Build, fill and measure one database; returns the number of failures."""
    started = time.perf_counter()
    app = build(folder, url)
    built = time.perf_counter()
    with app.app_context():
        engine = db.engine
        with engine.begin() as connection:
            data.seed(connection, options.organisations, options.contacts)
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(sa.text("VACUUM ANALYZE"))  # what autovacuum does soon after a load
        if options.proposed_indexes:
            with engine.begin() as connection:
                for statement in PROPOSED_INDEXES[engine.dialect.name]:
                    connection.execute(sa.text(statement))
                connection.execute(sa.text("ANALYZE"))
        seeded = time.perf_counter()
        accounts.create_user(
            email=STAFF_EMAIL,
            full_name="ผู้ทดสอบความเร็ว",
            role=Role.STAFF,
            password=STAFF_PASSWORD,
            actor=None,
            must_change_password=False,
        )
        name = engine.dialect.name
        version = (
            sqlite3.sqlite_version
            if name == "sqlite"
            else db.session.scalar(sa.text("SHOW server_version"))
        )
        sample = _sample_contact_name()
        db.session.remove()

    print()
    print(f"== {name} {version} · Python {platform.python_version()} · "
          f"{options.organisations:,} organisations, {options.contacts:,} contacts"
          + (" · WITH the proposed indexes" if options.proposed_indexes else ""))  # fmt: skip
    print(f"   schema {built - started:.1f} s, data {seeded - built:.1f} s; "
          f"{options.runs} runs per page, {options.export_runs} per export; "
          f"target {TARGET_MS} ms (median and p95); load average {_load()}")  # fmt: skip

    client = app.test_client()
    with client.post("/sign-in", data={"email": STAFF_EMAIL, "password": STAFF_PASSWORD}) as r:
        if r.status_code != 302:
            print(f"sign-in failed: {r.status_code}")
            return 1
    counter = StatementCounter(app)
    failures = 0
    rows = []
    for label, params, held in SCENARIOS:
        if "<contact>" in params.values():
            params = {k: (sample if v == "<contact>" else v) for k, v in params.items()}
            label = f"{label}: {sample}"
        result = measure(client, counter, "/organisations/", params, options.runs)
        result["found"] = _count(app, params)
        result["held"] = held
        rows.append((label, result))
    for label, path, params in EXPORTS:
        result = measure(client, counter, path, params, options.export_runs)
        result["found"] = _count(app, params)
        result["held"] = False
        rows.append((label, result))
    failures += print_table(rows)
    print(f"load average at the end: {_load()} (a busy machine gives higher figures)")
    failures += print_statement_counts(client, counter)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return failures


def _load() -> str:
    try:
        return ", ".join(f"{n:.2f}" for n in os.getloadavg())
    except OSError:
        return "unknown"


def _sample_contact_name() -> str:
    """A real contact's title, first and last name as written, e.g. ดร.สมชาย ใจดี."""
    from registry.organisations.models import Contact

    contact = db.session.scalar(
        sa.select(Contact)
        .where(Contact.erased_at.is_(None), Contact.title.is_not(None))
        .order_by(Contact.id)
        .offset(4321 % max(1, db.session.scalar(sa.select(sa.func.count(Contact.id)))))
        .limit(1)
    )
    return contact.full_name if contact else "สมชาย"


def _count(app, params: dict) -> int:
    """How many organisations the filters find (what the list and the export show)."""
    with app.app_context():
        query = queries.search(queries.Filters.from_args(MultiDict(params)))
        total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
        db.session.remove()
        return total


class StatementCounter:
    """Counts the SQL statements the app sends (sqlalchemy ``before_cursor_execute``)."""

    def __init__(self, app):
        self.count = 0
        with app.app_context():
            sa.event.listen(db.engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args) -> None:
        self.count += 1

    def during(self, client, path: str, params: dict) -> tuple[int, int]:
        """The status code and statement count of one request."""
        self.count = 0
        with client.get(path, query_string=params) as response:
            response.get_data()
            return response.status_code, self.count


def measure(client, counter: StatementCounter, path: str, params: dict, runs: int) -> dict:
    """Time one request ``runs`` times after a warm-up run."""
    status, statements = counter.during(client, path, params)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        with client.get(path, query_string=params) as response:
            size = len(response.get_data())
            status = response.status_code if response.status_code != 200 else status
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "status": status,
        "statements": statements,
        "median": statistics.median(timings),
        "p95": timings[max(0, math.ceil(0.95 * len(timings)) - 1)],
        "bytes": size,
    }


def print_table(rows: list[tuple[str, dict]]) -> int:
    """Print one line per request; returns the number of failed requests."""
    width = max(len(label) for label, _ in rows)
    header = f"{'request':<{width}}  {'median ms':>9}  {'p95 ms':>7}  {'SQL':>3}  "
    header += f"{'found':>6}  {'bytes':>9}  verdict"
    print()
    print(header)
    print("-" * len(header))
    failures = 0
    for label, r in rows:
        if r["status"] != 200:
            verdict = f"FAILED (HTTP {r['status']})"
            failures += 1
        elif not r["held"]:
            verdict = ""
        elif r["p95"] <= TARGET_MS:
            verdict = "ok"
        elif r["median"] <= TARGET_MS:
            verdict = f"median ok, p95 over {TARGET_MS} ms"
        else:
            verdict = f"OVER {TARGET_MS} ms"
        print(
            f"{label:<{width}}  {r['median']:>9.1f}  {r['p95']:>7.1f}  {r['statements']:>3}  "
            f"{r['found']:>6,}  {r['bytes']:>9,}  {verdict}"
        )
    return failures


def print_statement_counts(client, counter: StatementCounter) -> int:
    """SQL statements per list request for page sizes 10, 25 and 100; they must be equal."""
    cases = [
        ("list", {"status": "all"}),
        ("search ไทย", {"q": "ไทย", "status": "all"}),
        ("search สมชาย", {"q": "สมชาย", "status": "all"}),
    ]
    sizes = (10, 25, 100)
    print()
    print(f"SQL statements per request by page size {'/'.join(map(str, sizes))}:")
    saved, failures = views.PER_PAGE, 0
    try:
        for label, params in cases:
            counts = []
            for size in sizes:
                views.PER_PAGE = size
                status, statements = counter.during(client, "/organisations/", params)
                counts.append(statements if status == 200 else f"HTTP {status}")
            same = len(set(counts)) == 1 and all(isinstance(c, int) for c in counts)
            failures += 0 if same else 1
            verdict = "equal" if same else "DIFFERENT: grows with the page size"
            print(f"  {label:<14} {' / '.join(map(str, counts))}  {verdict}")
    finally:
        views.PER_PAGE = saved
    return failures


if __name__ == "__main__":
    sys.exit(main())
