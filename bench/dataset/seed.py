"""``python -m bench.seed``: fill an empty database with a large, reproducible register.

Scale 1 is 10,000 organisations, 50,000 contacts, 5,000 agreements, 200 committees with
their seats, 5,000 meetings with agendas and attendance, 50,000 proposals and 500,000
endorsements, and the four bench accounts. Rows are made in Python from random generators
seeded with ``seed`` (one per domain) and written with Core ``executemany`` inserts in
batches, with their ids given, so the same scale, seed and day give the same rows. Dates
are relative to ``today`` (by default today in Thailand), so agreements expire and action
items fall overdue on the day the data is made.

Core inserts pass by the session's hooks, so what those would write is written here: each
organisation's and proposal's search text (with the rows; SQLite's FTS tables are filled
by their triggers and checked at the end), and each proposal's endorsement count. One
audit event per table says what was loaded.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from registry import audit
from registry.agreements.models import Agreement, AgreementParty, Amendment, Clause, Witness
from registry.auth import services as accounts
from registry.auth.models import Role, User
from registry.committees.models import Committee, Membership
from registry.committees.services import today as thai_today
from registry.db import SQLITE_SEARCH_TABLES, db
from registry.meetings.models import ActionItem, AgendaItem, Attendance, Meeting
from registry.organisations.models import Contact, Organisation
from registry.proposals.models import (
    AgreementAnnex,
    Category,
    Endorsement,
    Proposal,
    ProposalStatus,
    StatusChange,
)
from registry.rules import RuleError

from . import agreements, committees, meetings, organisations, proposals

#: Rows per table at scale 1.
SCALE_ONE = {
    "organisations": 10_000,
    "contacts": 50_000,
    "agreements": 5_000,
    "committees": 200,
    "meetings": 5_000,
    "proposals": 50_000,
    "endorsements": 500_000,
}
#: The fewest rows of each, whatever the scale (so a tiny scale still has every shape).
MINIMUM = {
    "organisations": 10,
    "contacts": 50,
    "agreements": 5,
    "committees": 2,
    "meetings": 4,
    "proposals": 10,
    "endorsements": 20,
}
#: The scales the command accepts.
MIN_SCALE, MAX_SCALE = 0.001, 10.0
DEFAULT_SEED = 2569

BENCH_PASSWORD = "bench-password-2569"  # noqa: S105 (benchmark data, printed on purpose)
#: (email, name, role); the representative acts for the busy association.
ACCOUNTS = [
    ("bench.admin@dgti.example", "นายทดสอบ ผู้ดูแลระบบ", Role.ADMIN),
    ("bench.staff@dgti.example", "นางสาวทดสอบ เจ้าหน้าที่", Role.STAFF),
    ("bench.secretary@dgti.example", "นายทดสอบ เลขานุการ", Role.SECRETARY),
    ("bench.rep@dgti.example", "ดร.ทดสอบ ผู้แทนสมาคม", Role.REPRESENTATIVE),
]

#: The tables that must be empty before seeding.
_MUST_BE_EMPTY = (Organisation, User, Committee, Agreement, Proposal, Meeting)


class BenchDataError(RuleError):
    """The benchmark data cannot be loaded (bad scale, database not empty or not migrated)."""


def counts(scale: float) -> dict[str, int]:
    """How many rows of each kind a scale makes."""
    if not (isinstance(scale, int | float) and math.isfinite(scale)):
        raise BenchDataError(f"The scale must be a number, not {scale!r}.", "scale")
    if not MIN_SCALE <= scale <= MAX_SCALE:
        raise BenchDataError(
            f"The scale must be between {MIN_SCALE:g} and {MAX_SCALE:g} (1 = "
            f"{SCALE_ONE['organisations']:,} organisations); {scale:g} is not.",
            "scale",
        )
    made = {name: max(MINIMUM[name], round(base * scale)) for name, base in SCALE_ONE.items()}
    # Every proposal can be endorsed at most by every other partner.
    made["endorsements"] = min(
        made["endorsements"], made["proposals"] * (made["organisations"] // 2)
    )
    return made


def check_empty() -> None:
    """Refuse a database that is not migrated or already holds registry records."""
    inspector = sa.inspect(db.session.connection())
    missing = [m.__tablename__ for m in _MUST_BE_EMPTY if not inspector.has_table(m.__tablename__)]
    if missing:
        raise BenchDataError(
            "The database is not migrated (no table "
            + ", ".join(missing)
            + "): run `flask db upgrade` first."
        )
    held = {
        model.__tablename__: n
        for model in _MUST_BE_EMPTY
        if (n := db.session.scalar(sa.select(sa.func.count()).select_from(model)))
    }
    if held:
        listed = ", ".join(f"{n:,} {table}" for table, n in held.items())
        raise BenchDataError(
            f"The database already holds records ({listed}). bench.seed fills an empty, "
            "migrated database only: name a new one with --database-url."
        )


class _Clock:
    """Prints each step with its row count and time, and the total at the end."""

    def __init__(self, echo: Callable[[str], None]):
        self.echo = echo
        self.started = self.last = time.perf_counter()
        self.cpu_started = self.cpu_last = time.process_time()

    def step(self, what: str, rows: int | None = None) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        count = f"{rows:>9,} rows" if rows is not None else " " * 14
        self.echo(
            f"  {what:<34}{count}  {now - self.last:6.1f} s  (CPU {cpu - self.cpu_last:5.1f} s)"
        )
        self.last, self.cpu_last = now, cpu

    @property
    def elapsed(self) -> float:
        """Wall-clock seconds since the start."""
        return time.perf_counter() - self.started

    @property
    def cpu(self) -> float:
        """CPU seconds of this process since the start (SQLite's work included)."""
        return time.process_time() - self.cpu_started


def _insert(connection: sa.Connection, table: sa.Table, rows: Iterable[dict]) -> int:
    """Insert rows in batches of 20,000 (one executemany each; COPY on PostgreSQL, where an
    executemany sends a statement per row); the number inserted."""
    rows = list(rows)
    if rows and connection.dialect.name == "postgresql":
        _copy(connection, table, rows)
        return len(rows)
    for start in range(0, len(rows), 20_000):
        connection.execute(sa.insert(table), rows[start : start + 20_000])
    return len(rows)


def _copy(connection: sa.Connection, table: sa.Table, rows: list[dict]) -> None:
    """PostgreSQL: the rows through COPY, in the connection's transaction (psycopg adapts the
    values; the enum columns are given as their stored strings already)."""
    columns = list(rows[0])
    names = ", ".join(f'"{column}"' for column in columns)
    statement = f'COPY "{table.name}" ({names}) FROM STDIN'
    with connection.connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([row[column] for column in columns])


def _rng(seed: int, domain: str) -> random.Random:
    return random.Random(f"{seed}/{domain}")  # noqa: S311 (made-up data, reproducible)


def seed_bench(
    scale: float,
    seed: int = DEFAULT_SEED,
    today: date | None = None,
    echo: Callable[[str], None] = print,
) -> dict:
    """Load the benchmark data into the (empty, migrated) database; the row counts per table
    and the seconds it took."""
    planned = counts(scale)
    check_empty()
    today = today or thai_today()
    now = datetime.combine(today, datetime.min.time()) + timedelta(hours=3)
    clock = _Clock(echo)
    echo(f"bench.seed: scale {scale:g}, seed {seed}, today {today.isoformat()}")

    register = organisations.build(
        planned["organisations"], planned["contacts"], _rng(seed, "organisations"), now
    )
    clock.step("made organisations and contacts")
    connection = db.session.connection()
    clock.step("organisations", _insert(connection, Organisation.__table__, register.organisations))
    clock.step("contacts", _insert(connection, Contact.__table__, register.contacts))

    users = {}
    for email, name, role in ACCOUNTS:
        users[role] = accounts.create_user(
            email=email,
            full_name=name,
            role=role,
            password=BENCH_PASSWORD,
            organisation_id=register.busy_id if role is Role.REPRESENTATIVE else None,
            must_change_password=False,
            actor=None,
        ).id  # (commits: the organisations and contacts with it)
    clock.step("bench accounts", len(users))
    staff_id, rep_id = users[Role.STAFF], users[Role.REPRESENTATIVE]

    connection = db.session.connection()
    made = agreements.build(
        planned["agreements"], register, _rng(seed, "agreements"), today, staff_id=staff_id
    )
    clock.step("agreements", _insert(connection, Agreement.__table__, made.agreements))
    clock.step("agreement_parties", _insert(connection, AgreementParty.__table__, made.parties))
    clock.step("agreement_clauses", _insert(connection, Clause.__table__, made.clauses))
    clock.step("agreement_witnesses", _insert(connection, Witness.__table__, made.witnesses))
    clock.step("agreement_amendments", _insert(connection, Amendment.__table__, made.amendments))

    seats = committees.build(
        planned["committees"],
        register,
        _rng(seed, "committees"),
        today,
        secretary_id=users[Role.SECRETARY],
    )
    clock.step("committees", _insert(connection, Committee.__table__, seats.committees))
    clock.step(
        "committee_memberships", _insert(connection, Membership.__table__, seats.memberships)
    )

    categories = sorted(connection.scalars(sa.select(Category.__table__.c.id)))
    made_proposals = proposals.build(
        planned["proposals"],
        register,
        categories,
        _rng(seed, "proposals"),
        now,
        staff_id=staff_id,
        rep_id=rep_id,
    )

    def endorsements():
        return proposals.endorsement_rows(
            made_proposals,
            register,
            planned["endorsements"],
            _rng(seed, "endorsements"),
            now,
            rep_id=rep_id,
        )

    # The counts first (a dry pass of the same generator), so the proposals go in with them.
    in_force: dict[int, int] = dict.fromkeys(range(1, len(made_proposals.proposals) + 1), 0)
    for batch in endorsements():
        for row in batch:
            in_force[row["proposal_id"]] += row["withdrawn_at"] is None
    for row in made_proposals.proposals:
        row["endorsement_count"] = in_force[row["id"]]
    clock.step("counted endorsements")
    clock.step("proposals", _insert(connection, Proposal.__table__, made_proposals.proposals))
    clock.step(
        "proposal_status_changes",
        _insert(connection, StatusChange.__table__, made_proposals.history),
    )
    endorsed = sum(_insert(connection, Endorsement.__table__, batch) for batch in endorsements())
    clock.step("proposal_endorsements", endorsed)
    annexes = _annexes(made_proposals, made, _rng(seed, "annexes"), staff_id)
    clock.step("agreement_annexes", _insert(connection, AgreementAnnex.__table__, annexes))

    titles = {row["id"]: row["title"] for row in made_proposals.proposals}
    held = meetings.build(
        planned["meetings"],
        seats,
        register,
        made_proposals.tabled,
        titles,
        _rng(seed, "meetings"),
        today,
    )
    clock.step("meetings", _insert(connection, Meeting.__table__, held.meetings))
    table = Meeting.__table__
    if held.certified_at:
        connection.execute(
            table.update()
            .where(table.c.id == sa.bindparam("key"))
            .values(certified_at_meeting_id=sa.bindparam("at"), updated_at=table.c.updated_at),
            held.certified_at,
        )
    clock.step("meetings.certified_at_meeting_id", len(held.certified_at))
    clock.step("agenda_items", _insert(connection, AgendaItem.__table__, held.items))
    clock.step("action_items", _insert(connection, ActionItem.__table__, held.actions))
    clock.step("meeting_attendance", _insert(connection, Attendance.__table__, held.attendance))

    if connection.dialect.name == "postgresql":
        _advance_sequences(connection)
    for name in (
        "organisations",
        "contacts",
        "agreements",
        "committees",
        "committee_memberships",
        "meetings",
        "proposals",
        "proposal_endorsements",
    ):
        audit.record_event(
            None,
            "created (demo data)",
            record_type=name,
            label=f"bench.seed: scale {scale:g}, seed {seed}",
        )
    db.session.commit()
    clock.step("commit")
    _finish_indexes()
    clock.step("search indexes checked, statistics")
    rows = table_counts()
    return {
        "rows": rows,
        "seconds": clock.elapsed,
        "cpu_seconds": clock.cpu,
        "busy_organisation_id": register.busy_id,
        "secretary_committees": seats.busy,
    }


def _annexes(made_proposals, made_agreements, rng: random.Random, staff_id) -> list[dict]:
    """Some proposals under way or done, annexed to a signed agreement of their submitter."""
    rows = []
    for row in made_proposals.proposals:
        if row["status"] not in (ProposalStatus.IN_IMPLEMENTATION, ProposalStatus.COMPLETED):
            continue
        signed = made_agreements.signed_by_partner.get(row["organisation_id"])
        if signed and rng.random() < 0.3:
            rows.append(
                {
                    "agreement_id": rng.choice(signed),
                    "proposal_id": row["id"],
                    "created_by_id": staff_id,
                    "created_at": row["updated_at"],
                }
            )
    return rows


_NUMBERED = (
    Organisation,
    Contact,
    Agreement,
    AgreementParty,
    Clause,
    Witness,
    Amendment,
    Committee,
    Membership,
    Proposal,
    StatusChange,
    Endorsement,
    Meeting,
    AgendaItem,
    ActionItem,
    Attendance,
)


def _advance_sequences(connection: sa.Connection) -> None:
    """PostgreSQL: move each id sequence past the ids given, so the app's inserts go on."""
    for model in _NUMBERED:
        name = model.__tablename__  # (a model's table name, not input)
        advance = (
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608
            f"(SELECT coalesce(max(id), 0) + 1 FROM {name}), false)"
        )
        connection.exec_driver_sql(advance)


def _finish_indexes() -> None:
    """SQLite: check the FTS tables against their tables (rebuild them should one differ).
    PostgreSQL: VACUUM ANALYZE, as autovacuum would soon, so plans fit the new data."""
    engine = db.engine
    if engine.dialect.name == "sqlite":
        with engine.begin() as connection:
            for index in SQLITE_SEARCH_TABLES:  # (our table names, not input)
                check = f"INSERT INTO {index}({index}, rank) VALUES ('integrity-check', 1)"  # noqa: S608
                try:
                    connection.exec_driver_sql(check)
                except sa.exc.DatabaseError:
                    rebuild = f"INSERT INTO {index}({index}) VALUES ('rebuild')"  # noqa: S608
                    connection.exec_driver_sql(rebuild)
    elif engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")


def table_counts() -> dict[str, int]:
    """Rows per table the benchmark data fills."""
    tables = [model.__table__ for model in _NUMBERED] + [AgreementAnnex.__table__, User.__table__]
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in tables
    }
