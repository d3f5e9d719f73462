"""Office concurrency against the real app served over HTTP (``tests.live``): writes wait their
turn and none of them meets the "database unavailable" page; a request that loses a race
with another is run again where that is safe, and only there (``registry.transactions``).

Every test runs on the suite's database: the SQLite pass and the PostgreSQL pass
(``TEST_DATABASE_URL``). Tests about one engine's behaviour are marked ``postgresql`` or
skipped on the other. Outcomes are asserted, never timings.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import flash, redirect, request
from flask_babel import force_locale
from flask_babel import gettext as translate

from registry import audit, mail, transactions
from registry.audit.models import AuditEvent
from registry.auth.models import Role, User
from registry.auth.permissions import public
from registry.db import db
from registry.extensions import csrf
from registry.organisations.models import Organisation, OrganisationKind, OrganisationStatus
from registry.proposals import services as proposals
from registry.proposals.models import Category, Endorsement, Proposal
from tests import live
from tests.conftest import PASSWORD, add_account, sign_in_client
from tests.live import Site, at_once, site_for

ON_POSTGRESQL = (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql")
#: SQLite's write lock: run on the SQLite pass only (deselected on PostgreSQL, see conftest).
sqlite_only = pytest.mark.sqlite

# The served app's fixtures (``tests.live``).
live_app, live_site = live.live_app, live.live_site

#: Rounds of two staff members saving at the same moment.
ROUNDS = 16
#: Representatives endorsing one proposal at the same moment.
ENDORSERS = 20


# --- records ----------------------------------------------------------------------------------


def _organisations(site: Site, count: int) -> list[int]:
    """``count`` active partner associations, each created with its audit event."""

    def create():
        made = []
        for _ in range(count):
            n = len(made) + 1
            organisation = Organisation(
                name_th=f"สมาคมพร้อมกัน {n} {os.urandom(3).hex()}",
                name_en=f"Concurrent Association {n}",
                kind=OrganisationKind.ASSOCIATION,
                status=OrganisationStatus.ACTIVE,
            )
            with audit.change(organisation, None, "created"):
                pass
            made.append(organisation)
        db.session.commit()
        return [organisation.id for organisation in made]

    return site.read(create)


def _proposal(site: Site, organisation_id: int) -> int:
    """A submitted proposal of ``organisation_id``, as a staff member submits it."""
    site.person(Role.STAFF)  # the account that submits it

    def submit():
        staff = db.session.scalars(sa.select(User).where(User.role == Role.STAFF)).first()
        category = db.session.scalars(sa.select(Category.id).where(Category.active)).first()
        proposal = proposals.submit_proposal(
            actor=staff,
            organisation_id=organisation_id,
            kind="draft_project",
            title="ระบบแจ้งเตือนน้ำท่วมด้วยเซนเซอร์ไอโอที",
            summary="ติดตั้งเซนเซอร์วัดระดับน้ำและแจ้งเตือนประชาชน",
            category_id=category,
        )
        return proposal.id

    return site.read(submit)


def _events(site: Site, record_type: str, record_id: int, action: str) -> int:
    return site.read(
        lambda: db.session.scalar(
            sa.select(sa.func.count()).where(
                AuditEvent.record_type == record_type,
                AuditEvent.record_id == record_id,
                AuditEvent.action == action,
            )
        )
    )


def _no_server_error(answers) -> None:
    """Every request answered, none with a 5xx (the count of those that did, if any)."""
    for answer in answers:
        assert not isinstance(answer, BaseException), answer
    failed = [answer for answer in answers if answer.status >= 500]
    assert not failed, (
        f"{len(failed)} of {len(answers)} answered 5xx "
        f"({sorted({a.status for a in failed})}): {failed[0].body[:400]}"
    )


# --- ordinary office concurrency --------------------------------------------------------------


def test_two_staff_saving_two_organisations_at_the_same_moment_are_both_saved(live_site):
    """Two staff members, each on their own organisation, press Save together, again and
    again: every save is acknowledged with its redirect, none meets an error page, and every
    change is there with its audit event."""
    first, second = _organisations(live_site, 2)
    anna, boon = live_site.person(Role.STAFF), live_site.person(Role.STAFF)
    answers = []
    for round_ in range(1, ROUNDS + 1):
        pages = [
            (anna, anna.form(f"/organisations/{first}/edit"), first),
            (boon, boon.form(f"/organisations/{second}/edit"), second),
        ]
        answers += at_once(
            [
                lambda who=who, form=form, record=record, round_=round_: who.post(
                    form.action,
                    form.with_changes({"address": f"รอบที่ {round_} ของ {record}"}),
                    files=form.files,
                    multipart=form.multipart,
                )
                for who, form, record in pages
            ]
        )
    _no_server_error(answers)
    expected = [f"/organisations/{first}", f"/organisations/{second}"] * ROUNDS
    assert [a.location for a in answers] == expected, [(a.status, a.body[:300]) for a in answers]
    assert all(a.redirected for a in answers)

    def addresses():
        return [db.session.get(Organisation, i).address for i in (first, second)]

    assert live_site.read(addresses) == [
        f"รอบที่ {ROUNDS} ของ {first}",
        f"รอบที่ {ROUNDS} ของ {second}",
    ]
    for record in (first, second):
        assert _events(live_site, "organisations", record, "updated") == ROUNDS


def test_twenty_representatives_endorsing_one_proposal_together_are_all_recorded(live_site):
    """Twenty associations' representatives endorse the same proposal at the same moment:
    twenty acknowledgements, twenty endorsements with their audit events, and the count the
    proposal shows is twenty."""
    submitter, *endorsing = _organisations(live_site, ENDORSERS + 1)
    proposal_id = _proposal(live_site, submitter)
    representatives = [live_site.person(Role.REPRESENTATIVE, org) for org in endorsing]
    path = f"/proposals/{proposal_id}/endorse"
    forms = [person.form(path) for person in representatives]
    answers = at_once(
        [
            lambda person=person, form=form, n=n: person.post(
                form.action,
                form.with_changes({"statement": f"สมาคมที่ {n} สนับสนุนข้อเสนอนี้"}),
                files=form.files,
                multipart=form.multipart,
            )
            for n, (person, form) in enumerate(zip(representatives, forms, strict=True), 1)
        ]
    )
    _no_server_error(answers)
    assert all(a.redirected for a in answers), [(a.status, a.body[:300]) for a in answers]

    def recorded():
        endorsers = db.session.scalars(
            sa.select(Endorsement.organisation_id).where(
                Endorsement.proposal_id == proposal_id, Endorsement.withdrawn_at.is_(None)
            )
        ).all()
        return sorted(endorsers), db.session.get(Proposal, proposal_id).endorsement_count

    assert live_site.read(recorded) == (sorted(endorsing), ENDORSERS)
    events = live_site.read(
        lambda: db.session.scalar(
            sa.select(sa.func.count()).where(
                AuditEvent.action == "endorsed",
                AuditEvent.record_type == "proposal_endorsements",
            )
        )
    )
    assert events == ENDORSERS


def test_two_administrators_opening_the_same_account_at_once_get_one_account_and_a_clear_answer(
    live_site,
):
    """Two administrators open an account for the same email at the same moment, several
    times: each time one account is opened, and the other administrator is told at the form
    that the account exists (on PostgreSQL the unique index settles the race, and the
    second attempt says why), never an error page."""
    first, second = live_site.person(Role.ADMIN), live_site.person(Role.ADMIN)
    with live_site.app.test_request_context(), force_locale("th"):
        exists = translate("An account with this email already exists.")
    for round_ in range(6):
        email = f"same-{round_}@example.go.th"
        changes = {
            "email": email,
            "full_name": "ผู้ใช้ซ้ำ",
            "role": "staff",
            "password": PASSWORD,
        }
        forms = [(who, who.form("/admin/users/new")) for who in (first, second)]
        answers = at_once(
            [
                lambda who=who, form=form, changes=changes: who.post(
                    form.action, form.with_changes(changes)
                )
                for who, form in forms
            ]
        )
        _no_server_error(answers)
        assert sorted(a.status for a in answers) == [302, 422], [a.status for a in answers]
        refused = next(a for a in answers if a.status == 422)
        assert exists in refused.body
        accounts = live_site.read(
            lambda email=email: db.session.scalar(
                sa.select(sa.func.count()).where(User.email == email)
            )
        )
        assert accounts == 1


# --- a request that loses a race --------------------------------------------------------------


def _lose_a_race(app, organisation_id: int) -> None:
    """Have another connection change the organisation first, then change it here. SQLite:
    this request's transaction has read before the other one wrote, so its write is refused
    at once ("database is locked"); PostgreSQL: the other one holds the row ("lock not
    available")."""
    url = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    row = {"id": organisation_id}
    if url.get_backend_name() == "sqlite":
        db.session.execute(sa.text("SELECT notes FROM organisations WHERE id = :id"), row)
        other = sqlite3.connect(url.database, timeout=1)
        try:
            other.execute("UPDATE organisations SET phone = '02-000-0000' WHERE id = :id", row)
            other.commit()
        finally:
            other.close()
        db.session.execute(sa.text("UPDATE organisations SET notes = notes WHERE id = :id"), row)
        return
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as other:
            other.execute(sa.text("SELECT id FROM organisations WHERE id = :id FOR UPDATE"), row)
            db.session.execute(
                sa.text("SELECT id FROM organisations WHERE id = :id FOR UPDATE NOWAIT"), row
            )
    finally:
        engine.dispose()


#: An account's email that is taken (``_break_a_unique_rule``).
TAKEN = "taken@example.go.th"


def _break_a_unique_rule() -> None:
    """Save an account under an email another account has, as a create that lost its race
    with another one does."""
    db.session.add(User(email=TAKEN, full_name="ซ้ำ", role=Role.STAFF, password_hash="x"))
    db.session.flush()


def _add_test_view(app, path: str, view, methods: list[str]) -> None:
    """A view of the test's own on the app, run through the retry as the app's views are;
    sent to without a form token (the views' effects are what is under test)."""
    csrf.exempt(view)
    app.add_url_rule(path, "test_" + view.__name__, view, methods=methods)
    transactions.wrap_views(app)


#: A one-time message the racing page shows.
SAVED = "บันทึกการทดสอบแล้ว"

#: How the racing page is asked for: on SQLite a GET (a page that writes undeclared, whose
#: transaction begins without the write lock: a POST's begins with it, and cannot lose);
#: on PostgreSQL a POST, as a save is sent.
RACING_METHOD = "POST" if ON_POSTGRESQL else "GET"


def _racing_site(app, organisation_id: int, runs: list, *, loses=lambda attempt: attempt == 1,
                 before_losing=None, serialisable=False, lose=None):  # fmt: skip
    """A page (GET and POST /test/race) that shows a one-time message, reads the
    organisation, does ``before_losing()``, loses a race while ``loses(attempt)`` (by
    ``lose()``, else ``_lose_a_race``), then saves its notes (audited) and redirects to the
    sign-in page. ``runs`` gets, per attempt, the size of the uploaded "letter" as the
    attempt read it."""

    @public
    def race():
        """A save that meets another one."""
        attempt = len(runs) + 1
        letter = request.files.get("letter")
        runs.append(len(letter.read()) if letter else None)
        flash(SAVED, "success")
        if serialisable:
            db.session.execute(sa.text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        organisation = db.session.get(Organisation, organisation_id)
        if before_losing is not None:
            before_losing()
        if loses(attempt):
            lose() if lose else _lose_a_race(app, organisation_id)
        with audit.change(organisation, None, "updated"):
            organisation.notes = f"attempt {attempt}"
        db.session.commit()
        return redirect("/sign-in")

    _add_test_view(app, "/test/race", race, ["GET", "POST"])
    return site_for(app)


def _race(site: Site, visitor=None):
    visitor = visitor or site.visitor()
    return visitor.get("/test/race") if RACING_METHOD == "GET" else visitor.post("/test/race", [])


def _notes(site: Site, organisation_id: int) -> str | None:
    return site.read(lambda: db.session.get(Organisation, organisation_id).notes)


@pytest.fixture
def organisation(live_app) -> int:
    """An organisation on the app not yet served."""
    return _organisations(Site(live_app, ""), 1)[0]


def test_a_request_that_loses_a_race_is_run_again_and_shows_its_message_once(
    live_app, organisation
):
    """The first attempt meets another connection's write; the request is run again in a
    fresh transaction, the second attempt saves, and the one-time message it left is shown
    once, not once per attempt."""
    runs: list = []
    with _racing_site(live_app, organisation, runs) as site:
        visitor = site.visitor()
        answer = _race(site, visitor)
        assert answer.status == 302 and answer.location == "/sign-in", answer.body[:800]
        assert visitor.get("/sign-in").body.count(SAVED) == 1
        assert len(runs) == 2
        assert _notes(site, organisation) == "attempt 2"
        assert _events(site, "organisations", organisation, "updated") == 1


def test_a_create_that_lost_a_unique_race_is_run_again_with_its_uploaded_file_whole(
    live_app, organisation
):
    """A save with a file whose first attempt broke a unique rule (another create came
    first) is run again; the next attempt reads the file from its start, not the empty rest
    the failed attempt left, and saves."""
    runs: list = []
    add_account(live_app, TAKEN)
    letter = b"%PDF-1.4 " + os.urandom(4096)
    with _racing_site(live_app, organisation, runs, lose=_break_a_unique_rule) as site:
        answer = site.visitor().post("/test/race", [], files=[("letter", "letter.pdf", letter)])
        assert answer.status == 302, answer.body[:800]
        assert _notes(site, organisation) == "attempt 2"
    assert runs == [len(letter), len(letter)]


def test_a_request_that_sent_mail_is_not_run_again(live_app, organisation):
    """Mail cannot be taken back: a request that lost its race after sending some answers
    "database unavailable", once, with one message sent and nothing saved."""
    runs: list = []
    folder = Path(live_app.config["MAIL_FOLDER"])

    def send():
        mail.send(["someone@example.or.th"], "ทดสอบ", "ข้อความทดสอบ")

    with _racing_site(live_app, organisation, runs, before_losing=send) as site:
        answer = _race(site)
        assert answer.status == 503
        assert "Traceback" not in answer.body
        assert len(runs) == 1
        assert len(list(folder.glob("*.eml"))) == 1
        assert _notes(site, organisation) is None


def test_a_request_that_already_committed_is_not_run_again(live_app, organisation):
    """A request that committed part of its work before losing the race is not run again
    (that would repeat the part): it answers "database unavailable", the part stays."""
    runs: list = []

    def commit_first():
        audit.record_event(None, "first part", record_type="organisations",
                           record_id=organisation)  # fmt: skip
        db.session.commit()

    with _racing_site(live_app, organisation, runs, before_losing=commit_first) as site:
        answer = _race(site)
        assert answer.status == 503
        assert len(runs) == 1
        assert _events(site, "organisations", organisation, "first part") == 1
        assert _notes(site, organisation) is None


@pytest.mark.postgresql
def test_a_race_lost_every_time_ends_after_a_few_attempts_with_the_unavailable_page(
    live_app, organisation
):
    """PostgreSQL: a request that loses every attempt is run a bounded number of times, then
    answers "database unavailable" with nothing saved."""
    runs: list = []
    with _racing_site(live_app, organisation, runs, loses=lambda _attempt: True) as site:
        answer = site.visitor().post("/test/race", [])
        assert answer.status == 503
        assert len(runs) == transactions.ATTEMPTS
        assert _notes(site, organisation) is None


@pytest.mark.postgresql
def test_a_serialization_failure_is_run_again(live_app, organisation):
    """PostgreSQL, repeatable read: another transaction changes the row this one read before
    it writes it ("could not serialize access", 40001); the request is run again and saves."""
    runs: list = []
    url = live_app.config["SQLALCHEMY_DATABASE_URI"]

    def change_elsewhere():
        if len(runs) > 1:
            return
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        try:
            with engine.begin() as other:
                other.execute(
                    sa.text("UPDATE organisations SET phone = '02-111-1111' WHERE id = :id"),
                    {"id": organisation},
                )
        finally:
            engine.dispose()

    with _racing_site(
        live_app, organisation, runs, loses=lambda _attempt: False,
        before_losing=change_elsewhere, serialisable=True,
    ) as site:  # fmt: skip
        answer = site.visitor().post("/test/race", [])
        assert answer.status == 302, answer.body[:800]
        assert len(runs) == 2
        assert _notes(site, organisation) == "attempt 2"


# --- which transactions wait their turn (SQLite) ------------------------------------------------


@sqlite_only
def test_reading_pages_answer_while_another_connection_holds_the_write_lock(make_app):
    """Readers never wait in WAL mode: while another connection writes, the lists answer at
    once; a save waits its turn, and answers "database unavailable" only once that turn did
    not come within the busy timeout."""
    app = make_app(SQLITE_BUSY_TIMEOUT_MS=300)
    with site_for(app) as site:
        visitor = site.person(Role.STAFF)
        holder = sqlite3.connect(sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database)
        holder.isolation_level = None
        holder.execute("BEGIN IMMEDIATE")
        try:
            for path in ("/organisations/", "/proposals/", "/"):
                assert visitor.get(path).status == 200, path
            assert visitor.post("/language", [("locale", "en")]).status == 503
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert visitor.post("/language", [("locale", "en")]).status == 302


@sqlite_only
def test_writing_requests_and_commands_take_the_write_lock_first_and_reading_pages_do_not(
    make_app, statements
):
    """SQLite: BEGIN IMMEDIATE for a POST, for a GET that writes (an export, which is
    logged) and for a command that writes; a plain BEGIN for a page that reads, a backup
    and a script's reads."""
    app = make_app()
    add_account(app, "lock@example.go.th")
    client = sign_in_client(app.test_client(), "lock@example.go.th")

    def begins(send) -> list[str]:
        with statements() as seen:
            send()
        return [s for s in seen if s.startswith("BEGIN")]

    assert set(begins(lambda: client.get("/organisations/"))) == {"BEGIN"}
    assert set(begins(lambda: client.get("/organisations/export.csv"))) == {"BEGIN IMMEDIATE"}
    posted = begins(lambda: client.post("/language", data={"locale": "en"}))
    assert set(posted) == {"BEGIN IMMEDIATE"}

    def command(*args: str):
        def invoke():
            result = app.test_cli_runner().invoke(args=list(args), input=f"{PASSWORD}\n")
            assert result.exit_code == 0, result.output

        return invoke

    created = begins(command("registry", "create-user", "cli@example.go.th", "--role", "staff"))
    assert set(created) == {"BEGIN IMMEDIATE"}
    # A backup reads every table in one transaction without keeping the saves waiting.
    assert "BEGIN IMMEDIATE" not in begins(command("registry", "backup"))

    def script():
        with app.app_context():
            db.session.scalar(sa.select(sa.func.count(Organisation.id)))
            db.session.remove()

    assert set(begins(script)) == {"BEGIN"}


# --- the declarations ---------------------------------------------------------------------------


def test_every_view_runs_through_the_retry(app):
    """A view left out would meet a lost race with the error page."""
    left_out = [name for name, view in app.view_functions.items()
                if not transactions.is_retrying(view)]  # fmt: skip
    assert left_out == []


def test_the_writing_get_pages_named_are_get_routes_of_the_app(app):
    """A renamed endpoint must not leave its page reading without the write lock."""
    gets = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    assert gets >= transactions.WRITING_GET_ENDPOINTS


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (sqlite3.OperationalError("database is locked"), "sqlite busy"),
        (sqlite3.OperationalError("no such table: x"), None),
    ],
)
def test_sqlite_errors_are_told_apart(error, reason):
    """A locked database is a race another attempt may win; a missing table is not."""
    wrapped = sa.exc.OperationalError("UPDATE x", {}, error)
    assert transactions.transient_reason(wrapped) == reason


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("SerializationFailure", "40001"),
        ("DeadlockDetected", "40P01"),
        ("LockNotAvailable", "55P03"),
        ("ConnectionTimeout", None),
        ("UndefinedTable", None),
    ],
)
def test_postgresql_errors_are_told_apart(name, reason):
    """Serialization failures, deadlocks and locks not available are races; a database that
    is gone or a bad statement is not."""
    import psycopg

    error = getattr(psycopg.errors, name, None) or getattr(psycopg, name)
    wrapped = sa.exc.OperationalError("UPDATE x", {}, error("test"))
    assert transactions.transient_reason(wrapped) == reason


def test_unique_violations_are_told_from_other_broken_constraints():
    """Only a unique constraint's race is answered as "saved by someone else meanwhile"."""
    unique = sqlite3.IntegrityError("UNIQUE constraint failed: users.email")
    missing = sqlite3.IntegrityError("NOT NULL constraint failed: users.email")
    assert transactions.is_unique_violation(sa.exc.IntegrityError("INSERT", {}, unique))
    assert not transactions.is_unique_violation(sa.exc.IntegrityError("INSERT", {}, missing))


def test_a_unique_race_the_next_attempt_does_not_settle_is_a_clear_answer_not_a_500(live_app):
    """A create that breaks a unique constraint on every attempt (no service check catches
    it) is tried twice, then answered with the "not saved" page in the user's language,
    with nothing saved; any other broken constraint stays a fault (500)."""
    runs: list = []

    @public
    def duplicate():
        """Open an account under an email that has one."""
        runs.append(request.path)
        _break_a_unique_rule()
        db.session.commit()
        return redirect("/sign-in")

    @public
    def nameless():
        """Open an account without the email every account needs."""
        runs.append(request.path)
        db.session.add(User(email=None, full_name="ไม่มีอีเมล", role=Role.STAFF, password_hash="x"))
        db.session.commit()
        return redirect("/sign-in")

    _add_test_view(live_app, "/test/duplicate", duplicate, ["POST"])
    _add_test_view(live_app, "/test/nameless", nameless, ["POST"])
    add_account(live_app, TAKEN)
    with live_app.test_request_context(), force_locale("th"):
        message = translate(
            "Someone else saved the same details at the same moment, so yours were not saved. "
            "Open the page again to see what is there now."
        )
    with site_for(live_app) as site:
        answer = site.visitor().post("/test/duplicate", [])
        assert answer.status == 409
        assert message in answer.body and "Traceback" not in answer.body
        assert runs == ["/test/duplicate"] * transactions.INTEGRITY_ATTEMPTS
        assert site.visitor().post("/test/nameless", []).status == 500
        count = site.read(lambda: db.session.scalar(sa.select(sa.func.count(User.id))))
        assert count == 1
