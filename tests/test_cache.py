"""Results kept between requests (``registry.cache``): kept while nothing is written, made
again after any write, after ``KEEP_SECONDS`` and beyond the store's size; and the staff
home's figures, which use it, follow a change at once."""

from __future__ import annotations

import re
from contextlib import nullcontext

import pytest
import sqlalchemy as sa

from bench.dataset import seed as seed_module
from registry import audit, cache
from registry.audit.models import AuditEvent
from registry.auth import services as accounts
from registry.auth.models import Role, User
from registry.db import db, read_outside_transaction
from registry.organisations.models import Organisation, OrganisationStatus
from tests.api.helpers import bearer, issue_token
from tests.bench.conftest import fresh_app, seed_bench  # noqa: F401 (the fixture)
from tests.conftest import PASSWORD, add_account, close_server_connections, sign_in_client


def test_the_store_drops_the_least_recently_used_beyond_its_size():
    store = cache.Store(size=2)
    store.put("a", 1)
    store.put("b", 2)
    assert store.get("a") == 1  # "b" is now the least recently used
    store.put("c", 3)
    assert (store.get("a"), store.get("b"), store.get("c")) == (1, None, 3)
    assert len(store) == 2


def test_the_store_forgets_what_is_older_than_its_keeping_time():
    store = cache.Store(keep_seconds=0)
    store.put("a", 1)
    assert store.get("a") is None
    assert len(store) == 0


def test_a_result_is_kept_until_something_is_written(app, db_session):
    made = []

    def build():
        made.append(1)
        return len(made)

    with app.test_request_context():
        assert cache.remembered("figures", ("th",), build) == 1
        assert cache.remembered("figures", ("th",), build) == 1
        assert cache.remembered("figures", ("en",), build) == 2  # another key, another result
    with app.test_request_context():
        assert cache.remembered("figures", ("th",), build) == 1  # a new request, no write
        audit.record_event(None, "updated (test)", record_type="organisations")
        db.session.commit()
    with app.test_request_context():
        assert cache.remembered("figures", ("th",), build) == 3
    assert len(made) == 3


def test_the_version_is_read_once_per_request(app, db_session):
    with app.test_request_context():
        first = cache.data_version()
        audit.record_event(None, "updated (test)", record_type="organisations")
        db.session.commit()
        # the database's part is read once per request; this process's own writes count
        assert cache.data_version()[1:] == first[1:]
        assert cache.data_version()[0] > first[0]
    with app.test_request_context():
        assert cache.data_version()[1] > first[1]


def _active_partners(client) -> int:
    with client.get("/") as response:
        assert response.status_code == 200
        html = response.get_data(as_text=True)
    found = re.search(r'mb-0">([\d,]+)</span>\s*<span class="d-block">Active partners', html)
    assert found, "the staff home shows no count of active partners"
    return int(found.group(1).replace(",", ""))


@pytest.fixture
def english(app, monkeypatch):
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "en")


def test_the_staff_home_counts_a_new_partner_at_once(
    app, client, sign_in, make_organisation, english
):
    sign_in("staff")
    before = _active_partners(client)
    assert _active_partners(client) == before  # served from what was kept
    make_organisation(status=OrganisationStatus.ACTIVE)
    assert _active_partners(client) == before + 1


def test_a_restored_database_never_meets_a_result_kept_for_other_data(app, db_session, monkeypatch):
    """A restore brings back older events; the next one takes an id given before. Its time
    differs, so a result kept under that id is not served for the restored data."""
    with app.test_request_context():
        audit.record_event(None, "updated (test)", record_type="organisations")
        db.session.commit()
        before = cache.data_version()
        cache.remembered("figures", (), lambda: "before the restore")
    with app.app_context():
        db.session.execute(db.delete(AuditEvent).where(AuditEvent.id == before[1]))
        event = audit.record_event(None, "restored (test)", record_type="organisations")
        event.id = before[1]  # as after a restore: the id given before is given again
        db.session.commit()
    monkeypatch.setattr(cache, "_writes", before[0])  # as in another process: no write seen
    with app.test_request_context():
        after = cache.data_version()
        assert after[:2] == before[:2] and after != before
        assert cache.remembered("figures", (), lambda: "after the restore") == "after the restore"


def test_a_write_seen_only_through_its_audit_event_moves_the_version(app, db_session, monkeypatch):
    """Another worker's write reaches this one only through the audit event it left."""
    made = []
    with app.test_request_context():
        cache.remembered("figures", (), lambda: made.append(1) or len(made))
        writes = cache._writes
        audit.record_event(None, "updated (test)", record_type="organisations")
        db.session.commit()
    monkeypatch.setattr(cache, "_writes", writes)  # as if another process had written
    with app.test_request_context():
        assert cache.remembered("figures", (), lambda: made.append(1) or len(made)) == 2


def _sent_on(engine) -> tuple[list, object]:
    """Record each statement ``engine`` sends, with the driver's connection it goes on and
    whether it runs in a transaction there: ``(sent, stop)``."""
    sent: list[tuple[str, object, bool]] = []
    pg = engine.dialect.name == "postgresql"

    def record(connection, _cursor, statement, *_args):
        driver = connection.connection.dbapi_connection
        in_transaction = not driver.autocommit if pg else driver.in_transaction
        sent.append((statement, driver, in_transaction))

    sa.event.listen(engine, "before_cursor_execute", record)
    return sent, lambda: sa.event.remove(engine, "before_cursor_execute", record)


def test_the_version_is_read_outside_any_transaction_before_the_session_begins(make_app):
    """A request's first question (the version, when signing in its reader) goes alone on a
    connection of its own: no BEGIN, no ROLLBACK. PostgreSQL proves it: outside a transaction
    a statement's time is its transaction's time."""
    app = make_app()
    with app.app_context():
        audit.record_event(None, "updated (test)", record_type="organisations")
        db.session.commit()
        engine = db.engine
        pg = engine.dialect.name == "postgresql"
        sent, stop = _sent_on(engine)
        try:
            with app.test_request_context():
                version = cache.data_version()
        finally:
            stop()
        assert [(statement, inside) for statement, _, inside in sent] == [
            (cache._NEWEST_EVENT, False)
        ]
        newest = db.session.scalar(sa.select(sa.func.max(AuditEvent.id)))
        assert newest and version[1] == newest
        assert version[2:] == tuple(db.session.execute(sa.text(cache._NEWEST_EVENT)).one())[1:]
        if pg:
            alone = "SELECT now() = statement_timestamp()"
            assert read_outside_transaction(alone)[0] is True
            assert db.session.execute(sa.text(alone)).scalar_one() is False  # the probe works
        db.session.remove()


def test_the_version_is_read_in_the_sessions_transaction_once_it_began(make_app):
    """On SQLite a transaction reads one snapshot: the version must come from the same one as
    the rest of the request, or a page made from older data could be kept as the newer."""
    app = make_app()
    with app.test_request_context():
        engine = db.engine
        db.session.execute(sa.text("SELECT 1"))  # the session has begun
        sent, stop = _sent_on(engine)
        try:
            cache.data_version()
        finally:
            stop()
        session_connection = db.session.connection().connection.dbapi_connection
        versions = [
            (on, inside) for statement, on, inside in sent if statement == cache._NEWEST_EVENT
        ]
        assert versions == [(session_connection, True)]


@pytest.mark.postgresql
def test_a_page_is_served_after_the_server_closed_the_pools_connections(make_app):
    """A restart closes the idle connections; the version read takes a sound one."""
    app = make_app()
    add_account(app, "restart@example.go.th")
    client = sign_in_client(app.test_client(), "restart@example.go.th")
    first, _ = _page(client, "/organisations/")
    assert close_server_connections(app) >= 1
    again, _ = _page(client, "/organisations/")
    assert _without_tokens(again) == _without_tokens(first)


class _Remembering:
    """A result kept with ``remembered_past`` on an app of its own (the writes are committed):
    ``ask()`` answers how many times it has been built so far."""

    def __init__(self, app):
        self.app, self.built = app, 0

    def _build(self) -> int:
        self.built += 1
        return self.built

    def ask(self, during_build=None) -> int:
        def build():
            if during_build:
                during_build()
            return self._build()

        with self.app.test_request_context():
            cache.remembered_past(
                "printing", ("minutes", 7), build, kind="documents", action="generated document"
            )
        return self.built

    def event(self, action: str, *, elsewhere: bool = False, monkeypatch=None) -> None:
        """An audit event committed here (as a printing when ``action`` is one), or by another
        process: one this process's write count does not see."""
        writes = cache._writes
        printing = action == "generated document" and not elsewhere
        kind = cache.writing("documents") if printing else nullcontext()
        with self.app.app_context(), kind, db.engine.begin() as connection:
            connection.execute(
                sa.insert(AuditEvent).values(
                    actor_label="t", action=action, record_type="x", changes={}
                )
            )
        if elsewhere:
            monkeypatch.setattr(cache, "_writes", writes)


def test_a_result_remembered_past_printings_outlives_them_here_and_elsewhere(make_app, monkeypatch):
    kept = _Remembering(make_app())
    assert kept.ask() == 1
    kept.event("generated document")  # a printing in this process
    assert kept.ask() == 1
    kept.event("generated document", elsewhere=True, monkeypatch=monkeypatch)
    assert kept.ask() == 1


def test_a_result_remembered_past_printings_ends_with_any_other_write(make_app, monkeypatch):
    kept = _Remembering(make_app())
    assert kept.ask() == 1
    kept.event("updated")  # here
    assert kept.ask() == 2
    kept.event("updated", elsewhere=True, monkeypatch=monkeypatch)  # seen by its audit event
    assert kept.ask() == 3
    kept.event("generated document", elsewhere=True, monkeypatch=monkeypatch)
    kept.event("updated", elsewhere=True, monkeypatch=monkeypatch)  # among printings
    kept.event("generated document", elsewhere=True, monkeypatch=monkeypatch)
    assert kept.ask() == 4


def test_a_write_here_without_an_audit_event_ends_a_result_remembered_past_printings(make_app):
    app = make_app()
    kept = _Remembering(app)
    assert kept.ask() == 1
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(sa.update(AuditEvent).values(record_label="changed"))
    assert kept.ask() == 2


def test_a_write_made_while_the_result_was_built_ends_it(make_app, monkeypatch):
    """Someone's change committed while the result was being made (a document rendered from
    the data before it): the next request makes it again, printing or not in between."""
    kept = _Remembering(make_app())
    assert (
        kept.ask(
            during_build=lambda: kept.event("updated", elsewhere=True, monkeypatch=monkeypatch)
        )
        == 1
    )
    kept.event("generated document")
    assert kept.ask() == 2


# --- whole pages kept -------------------------------------------------------------------------


def _without_tokens(html: str) -> str:
    """The page without its form tokens and one-time submission tokens (new on every
    answer)."""
    html = re.sub(r'name="csrf_token" value="[^"]*"', "", html)
    return re.sub(r'name="submission" type="hidden" value="[^"]*"', "", html)


def _page(client, url: str, statements=None) -> tuple[str, int]:
    """The page's HTML and the statements it sent."""
    if statements is None:
        with client.get(url) as response:
            assert response.status_code == 200
            return response.get_data(as_text=True), -1
    with statements() as seen, client.get(url) as response:
        assert response.status_code == 200
        return response.get_data(as_text=True), len(seen)


def test_a_list_shows_a_new_record_at_once_and_costs_no_more_when_asked_again(
    app, client, sign_in, make_organisation, statements
):
    sign_in("staff")
    make_organisation("สมาคมหน้าที่เก็บไว้")
    first, fresh = _page(client, "/organisations/", statements)
    again, sent_again = _page(client, "/organisations/", statements)
    assert _without_tokens(again) == _without_tokens(first)
    assert sent_again <= fresh  # built again, from what its parts keep (the reader, say)
    make_organisation("สมาคมที่เพิ่งเพิ่ม")
    after, sent = _page(client, "/organisations/", statements)
    assert "สมาคมที่เพิ่งเพิ่ม" in after and "สมาคมที่เพิ่งเพิ่ม" not in first
    assert sent == fresh


def test_a_write_in_this_process_without_an_audit_event_is_seen_at_once(
    app, client, sign_in, make_organisation
):
    """A script's or a fixture's change, with no audit event, is seen at once (what the page
    keeps of the organisation, its timeline, is made again)."""
    sign_in("staff")
    organisation_id = make_organisation("สมาคมชื่อเดิม")
    assert "สมาคมชื่อเดิม" in _page(client, f"/organisations/{organisation_id}")[0]
    with app.app_context():
        db.session.execute(
            sa.update(Organisation)
            .where(Organisation.id == organisation_id)
            .values(name_th="สมาคมชื่อใหม่")
        )
        db.session.commit()
    html = _page(client, f"/organisations/{organisation_id}")[0]
    assert "สมาคมชื่อใหม่" in html and "สมาคมชื่อเดิม" not in html


def test_each_representative_home_shows_their_own_association(
    app, make_organisation, make_user, db_session
):
    """Two representatives of two associations: each home shows their own association only,
    however often it is asked for."""
    clients = {}
    for name in ("สมาคมผู้แทนหนึ่ง", "สมาคมผู้แทนสอง"):
        user_id = make_user("representative", organisation_id=make_organisation(name))
        with app.app_context():
            email = db.session.get(User, user_id).email
        clients[name] = sign_in_client(app.test_client(), email)
    for _round in range(2):
        for name, reader in clients.items():
            html = _page(reader, "/")[0]
            other = next(n for n in clients if n != name)
            assert name in html and other not in html


def test_a_page_follows_the_readers_language(app, client, sign_in):
    sign_in("staff")
    assert 'lang="th"' in _page(client, "/proposals/")[0]
    client.post("/language", data={"locale": "en", "next": "/proposals/"}).close()
    assert 'lang="en"' in _page(client, "/proposals/")[0]
    client.post("/language", data={"locale": "th", "next": "/proposals/"}).close()
    assert 'lang="th"' in _page(client, "/proposals/")[0]


def test_a_message_shown_once_is_shown_once(app, client, sign_in, make_organisation, english):
    sign_in("staff")
    organisation_id = make_organisation()
    url = f"/organisations/{organisation_id}"
    _page(client, url)  # asked before the change
    with client.post(f"{url}/deactivate") as response:
        assert response.status_code == 302
    shown = _page(client, url)[0]
    assert 'role="alert"' in shown
    assert 'role="alert"' not in _page(client, url)[0]  # the message was for once
    assert 'role="alert"' not in _page(client, url)[0]


# --- API answers ----------------------------------------------------------------------------


def _answer(client, url: str, secret: str | None, statements=None, **options):
    """The API's answer: status, JSON body, Cache-Control header and statements sent."""
    headers = bearer(secret) if secret else {}
    if statements is None:
        with client.get(url, headers=headers, **options) as response:
            return response.status_code, response.get_json(), response.headers, -1
    with statements() as seen, client.get(url, headers=headers, **options) as response:
        return response.status_code, response.get_json(), response.headers, len(seen)


def test_an_api_answer_shows_a_write_at_once_and_is_never_stored_by_the_client(
    app, client, make_organisation, make_user, statements
):
    make_organisation("สมาคมเอพีไอเดิม")
    secret = issue_token(app, make_user("staff"))
    status, first, headers, fresh = _answer(client, "/api/v1/organisations", secret, statements)
    assert status == 200 and headers["Cache-Control"] == "no-store"
    status, again, headers, _sent = _answer(client, "/api/v1/organisations", secret, statements)
    assert status == 200 and again == first and headers["Cache-Control"] == "no-store"
    make_organisation("สมาคมเอพีไอใหม่")
    _status, after, _headers, sent = _answer(client, "/api/v1/organisations", secret, statements)
    names = {item["name_th"] for item in after["items"]}
    assert "สมาคมเอพีไอใหม่" in names and after["total"] == first["total"] + 1
    assert sent == fresh


def test_an_api_answer_asked_again_still_asks_for_a_valid_token(
    app, client, make_organisation, make_user
):
    make_organisation("สมาคมเอพีไอ")
    secret = issue_token(app, make_user("staff"))
    assert _answer(client, "/api/v1/organisations", secret)[0] == 200
    assert _answer(client, "/api/v1/organisations", None)[0] == 401
    assert _answer(client, "/api/v1/organisations", "dgti_" + "x" * 43)[0] == 401


def test_each_token_reader_has_their_own_answer(app, client, make_organisation, make_user):
    """Two representatives' tokens: each sees only their own association, however often."""
    secrets = {}
    for name in ("สมาคมโทเคนหนึ่ง", "สมาคมโทเคนสอง"):
        user_id = make_user("representative", organisation_id=make_organisation(name))
        secrets[name] = issue_token(app, user_id)
    for _round in range(2):
        for name, secret in secrets.items():
            _status, body, _headers, _sent = _answer(client, "/api/v1/organisations", secret)
            assert [item["name_th"] for item in body["items"]] == [name]


def test_an_api_answer_links_pages_on_the_host_it_was_asked_on(
    app, client, make_organisation, make_user, monkeypatch
):
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["registry.example", "mirror.example"])
    make_organisation("สมาคมหน้าหนึ่ง")
    make_organisation("สมาคมหน้าสอง")
    secret = issue_token(app, make_user("staff"))
    url = "/api/v1/organisations?per_page=1"
    for host in ("registry.example", "mirror.example", "registry.example"):
        body = _answer(client, url, secret, base_url=f"https://{host}")[1]
        assert body["next"].startswith(f"https://{host}/api/v1/organisations")


def test_a_token_revoked_or_an_account_deactivated_is_refused_at_once(
    app, client, make_organisation, make_user
):
    from registry.api import services as api_tokens
    from registry.api.models import ApiToken

    make_organisation("สมาคมเอพีไอ")
    revoked_user, deactivated_user = make_user("staff"), make_user("staff")
    revoked, deactivated = issue_token(app, revoked_user), issue_token(app, deactivated_user)
    for secret in (revoked, deactivated):
        for _round in range(2):  # the second reads the token's account kept from the first
            assert _answer(client, "/api/v1/organisations", secret)[0] == 200
    with app.app_context():
        token = db.session.scalars(
            sa.select(ApiToken).where(ApiToken.user_id == revoked_user)
        ).one()
        api_tokens.revoke_token(token, actor=None)
        accounts.deactivate_user(db.session.get(User, deactivated_user), actor=None)
    assert _answer(client, "/api/v1/organisations", revoked)[0] == 401
    assert _answer(client, "/api/v1/organisations", deactivated)[0] == 401


def test_an_account_deactivated_in_another_process_is_signed_out_at_its_next_request(
    app, make_user, get_user, monkeypatch
):
    """The signed-in account is kept between requests; a deactivation made by another worker
    (seen here only through its audit event) still signs it out at once."""
    user_id = make_user("staff")
    reader = sign_in_client(app.test_client(), get_user(user_id).email)
    for _round in range(2):  # the second request reads the kept account
        with reader.get("/") as response:
            assert response.status_code == 200
    writes = cache._writes
    with app.app_context():
        accounts.deactivate_user(db.session.get(User, user_id), actor=None)
    monkeypatch.setattr(cache, "_writes", writes)  # as if another process had written
    with reader.get("/") as response:
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


# --- no reader is ever served what was kept for another ------------------------------------


@pytest.fixture(scope="module")
def register(fresh_app):  # noqa: F811 (the fixture imported above)
    """A small bench register (every kind of record) on an app of its own, with two
    representatives of two associations, staff, and the records each page shows."""
    app = fresh_app()
    result = seed_bench(app, "--scale", "0.002", "--seed", "3")
    assert result.exit_code == 0, result.output
    with app.app_context():
        one = lambda sql: db.session.scalar(sa.text(sql))  # noqa: E731
        other = one("SELECT o.id FROM organisations o WHERE o.kind = 'association' AND NOT "
                    "EXISTS (SELECT 1 FROM users u WHERE u.organisation_id = o.id) "
                    "ORDER BY o.id LIMIT 1")  # fmt: skip
        accounts.create_user(email="rep.b@dgti.example", full_name="ผู้แทนสมาคมบี",
                             role=Role.REPRESENTATIVE, password=PASSWORD, actor=None,
                             organisation_id=other, must_change_password=False)  # fmt: skip
        db.session.commit()
        records = {
            "organisation": one("SELECT min(id) FROM organisations"),
            "agreement": one("SELECT min(id) FROM agreements"),
            "committee": one("SELECT min(committee_id) FROM committee_memberships"),
            "meeting": one("SELECT min(meeting_id) FROM agenda_items"),
            "proposal": one("SELECT max(id) FROM proposals"),
        }
        db.session.remove()
    readers = {
        name: sign_in_client(app.test_client(), email, seed_module.BENCH_PASSWORD)
        for name, email in (("staff", "bench.staff@dgti.example"),
                            ("representative A", "bench.rep@dgti.example"))
    }  # fmt: skip
    readers["representative B"] = sign_in_client(app.test_client(), "rep.b@dgti.example")
    return app, readers, records


def _pages(records: dict) -> list[str]:
    return [
        "/", "/organisations/", "/organisations/mine", f"/organisations/{records['organisation']}",
        "/agreements/", "/agreements/mine", f"/agreements/{records['agreement']}",
        "/committees/", "/committees/ours", f"/committees/{records['committee']}",
        "/meetings/", "/meetings/?page=2", f"/meetings/{records['meeting']}",
        "/proposals/", "/proposals/?sort=endorsements", f"/proposals/{records['proposal']}",
        "/search?q=%E0%B8%AA%E0%B8%A1%E0%B8%B2%E0%B8%84%E0%B8%A1",  # สมาคม
    ]  # fmt: skip


def _answer_of(reader, url: str) -> tuple[int, str]:
    with reader.get(url) as response:
        return response.status_code, _without_tokens(response.get_data(as_text=True))


@pytest.mark.parametrize(
    ("first", "second"),
    [("representative A", "representative B"), ("staff", "representative A"),
     ("representative A", "staff")],
)  # fmt: skip
def test_no_reader_is_served_what_was_kept_for_another(register, first, second):
    """Two readers ask for every kind of page in turn; the second is always answered as if
    nothing were kept (the store emptied, the page built for them alone), and a page that
    differs between them (their homes, their association) differs."""
    app, readers, records = register
    compared, differing = [], []
    for url in _pages(records):
        cache.forget(app)
        first_status, first_page = _answer_of(readers[first], url)
        served = _answer_of(readers[second], url)  # after the first reader's results were kept
        cache.forget(app)
        fresh = _answer_of(readers[second], url)
        assert served == fresh, f"{second} was served something else at {url}"
        if first_status == fresh[0] == 200:
            compared.append(url)
            if first_page != fresh[1]:
                differing.append(url)
    assert len(compared) >= (5 if "staff" in (first, second) else 4), compared
    assert "/" in differing, "each reader's home is their own"
