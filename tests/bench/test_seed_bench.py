"""`python -m bench.seed`: consistent, reproducible data that scales with --scale, the
bench accounts, and the refusals (bad scale, a database that is not empty)."""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench.dataset import agreements, organisations
from bench.dataset import seed as bench
from registry.agreements.models import Agreement, AgreementParty, AgreementStatus
from registry.auth.models import Role, User
from registry.committees.models import Committee, MemberRole, Membership
from registry.committees.queries import sitting_condition
from registry.db import SQLITE_SEARCH_TABLES, db
from registry.meetings.models import ActionItem, AgendaItem, Attendance, Meeting
from registry.organisations.models import Organisation
from registry.organisations.models import refresh_search_text as refresh_organisations
from registry.proposals.models import Endorsement, Proposal
from registry.proposals.models import refresh_search_text as refresh_proposals
from tests.bench.conftest import seed_bench

TODAY = date(2026, 11, 21)
SCALE = "0.002"


@pytest.fixture(scope="module")
def seeded(fresh_app):
    """An app whose database bench.seed filled at a tiny scale (dates relative to today)."""
    app = fresh_app()
    result = seed_bench(app, "--scale", SCALE, "--seed", "7")
    assert result.exit_code == 0, result.output
    return app, result.output


def _all(app, statement):
    with app.app_context():
        return db.session.execute(statement).all()


def _one(app, statement):
    with app.app_context():
        return db.session.scalar(statement)


def _dump(app) -> dict[str, list[tuple]]:
    """Every row of the tables bench.seed fills (not the accounts: their hashes are salted)."""
    rows = {}
    with app.app_context():
        for table in db.metadata.sorted_tables:
            if table.name in ("users", "audit_events", "login_attempts", "proposal_categories"):
                continue
            order = [column for column in table.primary_key.columns]
            rows[table.name] = db.session.execute(sa.select(table).order_by(*order)).all()
    return rows


def test_prints_progress_counts_and_the_bench_sign_ins(seeded):
    _app, output = seeded
    planned = bench.counts(float(SCALE))
    assert re.search(r"proposal_endorsements\s+" + f"{planned['endorsements']:,}", output)
    assert "Loaded in" in output and "bench-password-2569" in output
    for email, _name, _role in bench.ACCOUNTS:
        assert email in output


def test_every_count_is_as_planned(seeded):
    app, _ = seeded
    planned = bench.counts(float(SCALE))
    models = {
        "organisations": Organisation,
        "agreements": Agreement,
        "committees": Committee,
        "meetings": Meeting,
        "proposals": Proposal,
        "endorsements": Endorsement,
    }
    for name, model in models.items():
        assert _one(app, sa.select(sa.func.count()).select_from(model)) == planned[name], name


def test_every_foreign_key_points_at_a_row(seeded):
    app, _ = seeded
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for key in table.foreign_keys:
                parent = key.column.table.alias()
                dangling = db.session.scalar(
                    sa.select(sa.func.count())
                    .select_from(table.outerjoin(parent, parent.c[key.column.name] == key.parent))
                    .where(key.parent.is_not(None), parent.c[key.column.name].is_(None))
                )
                assert dangling == 0, f"{table.name}.{key.parent.name}"
        filled = db.session.scalar(sa.select(sa.func.count()).select_from(AgendaItem))
        assert filled > 0


def test_committees_have_one_chair_at_a_time_and_their_secretaries(seeded):
    app, _ = seeded
    with app.app_context():
        for committee in db.session.scalars(sa.select(Committee)):
            seats = committee.memberships
            chairs = [s for s in seats if s.role is MemberRole.CHAIR]
            for first in chairs:
                for second in chairs:
                    if first is not second:
                        assert not first.overlaps(second.term_start, second.last_day)
            if committee.active:
                day = bench.thai_today()
                sitting = [s for s in seats if s.sitting_on(day)]
                assert [s.role for s in sitting].count(MemberRole.CHAIR) == 1
                assert MemberRole.SECRETARY in {s.role for s in sitting}
            people = [s.contact_id for s in seats]
            for contact_id in set(people):
                mine = [s for s in seats if s.contact_id == contact_id]
                assert len(mine) == 1 or all(
                    not a.overlaps(b.term_start, b.last_day)
                    for a in mine
                    for b in mine
                    if a is not b
                )
        ended = db.session.scalar(
            sa.select(sa.func.count()).where(Membership.ended_on.is_not(None))
        )
        assert ended > 0


def test_meetings_are_numbered_per_committee_and_year_and_certified_in_turn(seeded):
    app, _ = seeded
    rows = _all(
        app,
        sa.select(Meeting.committee_id, Meeting.year_be, Meeting.number, Meeting.held_on).order_by(
            Meeting.held_on, Meeting.id
        ),
    )
    numbers: dict[tuple, list[int]] = {}
    for committee_id, year, number, held_on in rows:
        assert held_on.year + 543 == year
        numbers.setdefault((committee_id, year), []).append(number)
    for key, seen in numbers.items():
        assert seen == list(range(1, len(seen) + 1)), key
    with app.app_context():
        certified = db.session.scalars(
            sa.select(Meeting).where(Meeting.status == "minutes_certified")
        ).all()
        assert certified
        for meeting in certified:
            later = meeting.certified_at_meeting
            assert later is not None and later.held_on > meeting.held_on and later.was_held
            assert meeting.certified_on == later.held_on
            assert any(item.certifies_meeting_id == meeting.id for item in later.items)
        sections = set(db.session.scalars(sa.select(AgendaItem.section).distinct()))
        assert {1, 2, 4} <= sections
        # Attendance only at meetings held, from seats sitting on the day.
        for line in db.session.scalars(sa.select(Attendance)):
            assert line.meeting.was_held
            if line.membership is not None:
                assert line.membership.committee_id == line.meeting.committee_id
                assert line.membership.sitting_on(line.meeting.held_on)


def test_one_endorsement_per_organisation_and_the_counts_match(seeded):
    app, _ = seeded
    twice = _all(
        app,
        sa.select(Endorsement.proposal_id, Endorsement.organisation_id)
        .group_by(Endorsement.proposal_id, Endorsement.organisation_id)
        .having(sa.func.count() > 1),
    )
    assert twice == []
    own = _one(
        app,
        sa.select(sa.func.count())
        .select_from(Endorsement)
        .join(Proposal, Proposal.id == Endorsement.proposal_id)
        .where(Proposal.organisation_id == Endorsement.organisation_id),
    )
    assert own == 0
    in_force = (
        sa.select(sa.func.count())
        .where(Endorsement.proposal_id == Proposal.id, Endorsement.withdrawn_at.is_(None))
        .scalar_subquery()
    )
    wrong = _one(app, sa.select(sa.func.count()).where(Proposal.endorsement_count != in_force))
    assert wrong == 0


def test_search_text_and_sqlite_search_indexes_are_complete(seeded):
    app, _ = seeded
    with app.app_context():
        connection = db.session.connection()
        before = connection.execute(
            sa.select(Organisation.id, Organisation.search_text).order_by(Organisation.id)
        ).all()
        proposals_before = connection.execute(
            sa.select(Proposal.id, Proposal.search_text).order_by(Proposal.id)
        ).all()
        refresh_organisations(connection, [row.id for row in before])
        refresh_proposals(connection, [row.id for row in proposals_before])
        after = connection.execute(
            sa.select(Organisation.id, Organisation.search_text).order_by(Organisation.id)
        ).all()
        proposals_after = connection.execute(
            sa.select(Proposal.id, Proposal.search_text).order_by(Proposal.id)
        ).all()
        db.session.rollback()
        assert before == after and proposals_before == proposals_after
        if connection.dialect.name == "sqlite":
            for index in SQLITE_SEARCH_TABLES:  # raises if the index and its table differ
                db.session.execute(
                    sa.text(f"INSERT INTO {index}({index}, rank) VALUES ('integrity-check', 1)")  # noqa: S608
                )
            db.session.rollback()


def _signed_in(app, email):
    client = app.test_client()
    with client.post("/sign-in", data={"email": email, "password": bench.BENCH_PASSWORD}) as r:
        assert r.status_code == 302, r.get_data(as_text=True)[:300]
    return client


def test_the_bench_accounts_sign_in_and_search_finds_generated_thai_names(seeded):
    app, _ = seeded
    for email, _name, _role in bench.ACCOUNTS:
        _signed_in(app, email)
    with app.app_context():
        name = db.session.scalar(
            sa.select(Organisation.name_th)
            .where(Organisation.name_th.like("สมาคม%"), Organisation.status != "inactive")
            .order_by(Organisation.id.desc())
            .limit(1)
        )
        title = db.session.scalar(sa.select(Proposal.title).order_by(Proposal.id.desc()).limit(1))
    staff = _signed_in(app, "bench.staff@dgti.example")
    with staff.get("/organisations/", query_string={"q": name[5:15]}) as response:
        assert response.status_code == 200
        assert name in response.get_data(as_text=True)
    with staff.get("/proposals/", query_string={"q": title[-12:]}) as response:
        assert response.status_code == 200
        assert title in response.get_data(as_text=True)


def test_the_bench_accounts_have_work_to_see(seeded):
    app, _ = seeded
    with app.app_context():
        users = {u.role: u for u in db.session.scalars(sa.select(User))}
        assert set(users) == set(Role)
        rep = users[Role.REPRESENTATIVE]
        home = rep.organisation_id
        assert rep.organisation.kind.value == "association"
        assert rep.organisation.status.value == "active"
        count = lambda q: db.session.scalar(sa.select(sa.func.count()).select_from(q.subquery()))  # noqa: E731
        assert count(sa.select(AgreementParty.id).where(AgreementParty.organisation_id == home))
        assert count(sa.select(Proposal.id).where(Proposal.organisation_id == home))
        assert count(sa.select(Endorsement.id).where(Endorsement.organisation_id == home))
        day = bench.thai_today()
        seats = sa.select(Membership.id).where(
            Membership.organisation_id == home, sitting_condition(day)
        )
        assert count(seats)
        secretary = users[Role.SECRETARY]
        runs = (
            sa.select(Membership.committee_id)
            .distinct()
            .where(
                Membership.user_id == secretary.id,
                Membership.role == MemberRole.SECRETARY,
                sitting_condition(day),
            )
        )
        assert count(runs) >= 2


def test_dates_spread_over_the_states_the_pages_show(seeded):
    app, _ = seeded
    with app.app_context():
        day = bench.thai_today()
        statuses = set(db.session.scalars(sa.select(Agreement.status).distinct()))
        assert "signed" in {s.value for s in statuses} and len(statuses) >= 3
        meeting_statuses = {
            s.value for s in db.session.scalars(sa.select(Meeting.status).distinct())
        }
        assert {"minutes_certified", "scheduled"} <= meeting_statuses
        overdue = db.session.scalar(
            sa.select(sa.func.count()).where(ActionItem.due_on < day, ActionItem.done_on.is_(None))
        )
        assert overdue > 0


def test_agreements_spread_over_active_expiring_expired_open_ended_and_renewed(seeded):
    """At scale 0.1 (500 agreements) every state the agreement pages show is there."""
    app, _ = seeded
    register = organisations.build(1000, 5000, random.Random(1), datetime(2026, 11, 21, 3))
    with app.app_context():  # (the reference pattern is a setting)
        made = agreements.build(500, register, random.Random(2), TODAY, staff_id=None)
    signed = [row for row in made.agreements if row["status"] == "signed"]
    ends = [row["effective_until"] for row in signed]
    assert any(end and TODAY <= end <= TODAY + timedelta(days=90) for end in ends)
    assert any(end and end > TODAY + timedelta(days=90) for end in ends)
    assert any(end and end < TODAY for end in ends)
    assert None in ends
    assert any(row["predecessor_id"] for row in made.agreements)
    assert {row["status"] for row in made.agreements} == {s.value for s in AgreementStatus}


def test_same_seed_same_rows_other_seed_other_rows_and_counts_scale(fresh_app):
    first, second, other, double = fresh_app(), fresh_app(), fresh_app(), fresh_app()
    for app, arguments in (
        (first, ["--seed", "11"]),
        (second, ["--seed", "11"]),
        (other, ["--seed", "12"]),
        (double, ["--seed", "11", "--scale", "0.004"]),
    ):
        scale = [] if "--scale" in arguments else ["--scale", SCALE]
        result = seed_bench(app, *scale, *arguments, "--today", TODAY.isoformat())
        assert result.exit_code == 0, result.output
    rows = _dump(first)
    assert rows == _dump(second)
    assert rows["organisations"] != _dump(other)["organisations"]
    larger = _dump(double)
    for table in ("organisations", "contacts", "proposals", "proposal_endorsements"):
        assert len(larger[table]) == 2 * len(rows[table]), table


@pytest.mark.parametrize("value", ["0", "-1", "abc", "nan", "inf", "0.0001", "11", ""])
def test_bad_scales_are_refused_with_status_2_and_nothing_written(fresh_app, value):
    app = fresh_app()
    result = seed_bench(app, "--scale", value)
    assert result.exit_code == 2, result.output
    assert "--scale" in result.output
    assert _one(app, sa.select(sa.func.count()).select_from(Organisation)) == 0


def test_a_database_with_records_is_refused(seeded):
    app, _ = seeded
    before = _one(app, sa.select(sa.func.count()).select_from(Organisation))
    result = seed_bench(app, "--scale", SCALE)
    assert result.exit_code == 1
    assert "already holds records" in result.output and "organisations" in result.output
    assert _one(app, sa.select(sa.func.count()).select_from(Organisation)) == before


def test_the_module_command_fills_the_database_its_address_names(tmp_path):
    """``python -m bench.seed --database-url ...`` from the project root, as the Makefile and
    the load bench run it: a migrated SQLite file gets the register and the bench accounts."""
    url = f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    environment = {**os.environ, "DATABASE_URL": url, "REGISTRY_ENV": "development"}
    root = Path(__file__).resolve().parents[2]
    migrate = [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"]
    subprocess.run(migrate, cwd=root, env=environment, check=True, capture_output=True)
    del environment["DATABASE_URL"]  # the option alone names the database
    finished = subprocess.run(
        [sys.executable, "-m", "bench.seed", "--scale", SCALE, "--database-url", url],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert "bench.rep@dgti.example" in finished.stdout
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            count = connection.execute(sa.text("SELECT count(*) FROM organisations")).scalar()
    finally:
        engine.dispose()
    assert count == bench.counts(float(SCALE))["organisations"]


def test_seeded_organisations_pass_the_rules_of_their_edit_form(seeded):
    """The register can be edited as it is: each registration number is one the form takes
    (the load trace saves organisations' forms unchanged but for their notes)."""
    from registry.formats import is_registration_number

    app, _ = seeded
    numbers = [n for (n,) in _all(app, sa.select(Organisation.registration_number)) if n]
    assert numbers
    assert [n for n in numbers if not is_registration_number(n)] == []
