# ruff: noqa: F811 (the letter fixtures are imported from tests/letters/conftest.py)
"""One record per intent: a create form submitted twice creates one record, and the second
answer leads to the first result (``registry.submissions``).

The forms of every domain are proved in ``tests/<domain>/test_double_submit.py``; here the
mechanism itself, on the organisation form: the token each showing of the form gets, the
token kept when the form comes back with errors, a token never answered for another user,
malformed tokens, a refused create that keeps no token, the token row written in the same
commit as the record's audit event, two submissions at the same moment, and the purge.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from registry import audit, submissions
from registry.audit.models import AuditEvent
from registry.audit.services import UnauditedWrite
from registry.auth.models import Role, User
from registry.db import db, utcnow
from registry.organisations import services as organisations
from registry.organisations.models import Organisation, OrganisationKind
from registry.submissions import FormSubmission
from tests.conftest import (
    add_account,
    audit_actions,
    form_token,
    form_tokens,
    sign_in_client,
    submit_twice,
)
from tests.letters.conftest import agreement_id, mailbox  # noqa: F401 (fixtures)

NEW = "/organisations/new"
FORM = {"name_th": "สมาคมส่งซ้ำ", "kind": "association", "status": "prospect"}


def named(app, name_th: str) -> list[int]:
    """The ids of the organisations registered under a Thai name."""
    with app.app_context():
        return list(
            db.session.scalars(sa.select(Organisation.id).where(Organisation.name_th == name_th))
        )


def created_events(app, organisation_id: int) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(AuditEvent.action).where(
                    AuditEvent.record_type == "organisations",
                    AuditEvent.record_id == organisation_id,
                )
            )
        )


def rows(app, token: str) -> list[FormSubmission]:
    with app.app_context():
        found = list(
            db.session.scalars(sa.select(FormSubmission).where(FormSubmission.token == token))
        )
        for row in found:
            db.session.expunge(row)
        return found


@pytest.fixture
def staff(sign_in):
    return sign_in(Role.STAFF)


# --- the token on the page ----------------------------------------------------------------


def test_each_showing_of_a_create_form_carries_a_fresh_token(client, staff):
    first, second = form_token(client, NEW), form_token(client, NEW)
    assert first != second
    assert submissions.is_token(first) and submissions.is_token(second)


def test_the_token_is_kept_when_the_form_comes_back_with_errors(app, client, staff):
    token = form_token(client, NEW)
    response = client.post(NEW, data=FORM | {"name_th": "", "submission": token})
    assert response.status_code == 422
    assert form_tokens(response.get_data(as_text=True)) == [token]
    assert rows(app, token) == []


def test_an_edit_form_carries_no_creation_token(client, staff, make_organisation):
    organisation_id = make_organisation()
    page = client.get(f"/organisations/{organisation_id}/edit").get_data(as_text=True)
    assert form_tokens(page) == []


# --- the second submission -----------------------------------------------------------------


def test_a_form_sent_twice_creates_one_record_and_the_second_answer_leads_to_the_first(
    app, client, staff
):
    token = form_token(client, NEW)
    first = client.post(NEW, data=FORM | {"submission": token})
    assert first.status_code == 302
    [organisation_id] = named(app, FORM["name_th"])
    assert first.headers["Location"] == f"/organisations/{organisation_id}"

    second = client.post(NEW, data=FORM | {"submission": token})
    assert second.status_code == 302
    assert second.headers["Location"] == f"/organisations/{organisation_id}"
    assert named(app, FORM["name_th"]) == [organisation_id]
    assert created_events(app, organisation_id) == ["created"]
    [row] = rows(app, token)
    assert (row.user_id, row.record_type, row.record_id) == (
        staff,
        "organisations",
        organisation_id,
    )
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "รายการนี้บันทึกไว้แล้ว" in page


def test_the_second_answer_says_so_in_english_too(app, client, staff):
    client.post("/language", data={"locale": "en", "next": "/"})
    token = form_token(client, NEW)
    client.post(NEW, data=FORM | {"submission": token})
    second = client.post(NEW, data=FORM | {"submission": token}, follow_redirects=True)
    assert second.status_code == 200
    assert "This was already saved." in second.get_data(as_text=True)
    assert len(named(app, FORM["name_th"])) == 1


def test_a_form_sent_without_a_token_still_creates(app, client, staff):
    assert client.post(NEW, data=FORM).status_code == 302
    assert client.post(NEW, data=FORM | {"name_th": "สมาคมไม่มีโทเคน"}).status_code == 302
    assert len(named(app, FORM["name_th"])) == 1
    assert len(named(app, "สมาคมไม่มีโทเคน")) == 1


def test_an_empty_token_counts_as_none(app, client, staff):
    assert client.post(NEW, data=FORM | {"submission": ""}).status_code == 302
    assert len(named(app, FORM["name_th"])) == 1


@pytest.mark.parametrize(
    "token",
    [
        "short",
        "x" * 31,
        "x" * 33,
        "y" * 5000,
        "a" * 31 + "!",
        "a" * 31 + " ",
        "' OR 1=1 --" + "a" * 21,
        "ก" * 32,
        "a" * 31 + "\x00",
    ],
)
def test_a_malformed_token_is_refused_with_400_and_nothing_is_saved(app, client, staff, token):
    response = client.post(NEW, data=FORM | {"submission": token})
    assert response.status_code == 400
    assert named(app, FORM["name_th"]) == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(FormSubmission.id))) == 0


def test_a_token_is_never_answered_for_another_user(app, client, staff, make_user):
    token = form_token(client, NEW)
    assert client.post(NEW, data=FORM | {"submission": token}).status_code == 302
    [organisation_id] = named(app, FORM["name_th"])

    other = app.test_client()
    with app.app_context():
        email = db.session.get(User, make_user(Role.STAFF)).email
    sign_in_client(other, email)
    response = other.post(NEW, data=FORM | {"name_th": "สมาคมของอีกคน", "submission": token})
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert named(app, "สมาคมของอีกคน") == []
    [row] = rows(app, token)
    assert (row.user_id, row.record_id) == (staff, organisation_id)


def test_a_refused_create_keeps_no_token_and_the_corrected_form_creates(app, client, staff):
    token = form_token(client, NEW)
    refused = client.post(NEW, data=FORM | {"status": "inactive", "submission": token})
    assert refused.status_code == 422  # the service refuses an inactive new organisation
    assert rows(app, token) == []
    assert named(app, FORM["name_th"]) == []

    corrected = client.post(NEW, data=FORM | {"submission": token})
    assert corrected.status_code == 302
    [organisation_id] = named(app, FORM["name_th"])
    again = client.post(NEW, data=FORM | {"submission": token})
    assert again.headers["Location"] == f"/organisations/{organisation_id}"
    assert named(app, FORM["name_th"]) == [organisation_id]


def test_a_duplicate_refused_by_the_rules_keeps_no_token(app, client, staff, make_organisation):
    make_organisation(FORM["name_th"])
    token = form_token(client, NEW)
    refused = client.post(NEW, data=FORM | {"submission": token})
    assert refused.status_code == 422
    assert rows(app, token) == []
    renamed = client.post(NEW, data=FORM | {"name_th": "สมาคมชื่อใหม่", "submission": token})
    assert renamed.status_code == 302
    assert len(named(app, "สมาคมชื่อใหม่")) == 1


# --- the service side ----------------------------------------------------------------------


def _actor(app, make_user) -> User:
    user = db.session.get(User, make_user(Role.STAFF))
    return user


def test_the_token_row_is_saved_only_with_an_audit_event(app, db_session, make_user):
    with app.app_context():
        actor = _actor(app, make_user)
        with pytest.raises(UnauditedWrite, match="FormSubmission"):
            with submissions.once(submissions.new_token(), actor) as claim:
                claim.made(record_type="organisations", record_id=1)
            db.session.commit()
        db.session.rollback()


def test_the_token_row_is_committed_with_the_records_audit_event(app, db_session, make_user):
    token = submissions.new_token()
    with app.app_context():
        actor = _actor(app, make_user)
        organisation = organisations.create_organisation(
            actor=actor, submission=token, name_th="สมาคมบริการ", kind="association"
        )
        organisation_id = organisation.id
    [row] = rows(app, token)
    assert (row.record_type, row.record_id) == ("organisations", organisation_id)
    assert created_events(app, organisation_id) == ["created"]


def test_the_service_answers_a_second_call_with_the_first_record(app, db_session, make_user):
    token = submissions.new_token()
    with app.app_context():
        actor = _actor(app, make_user)
        first = organisations.create_organisation(
            actor=actor, submission=token, name_th="สมาคมเรียกซ้ำ", kind="association"
        )
        with pytest.raises(submissions.AlreadySaved) as saved:
            organisations.create_organisation(
                actor=actor, submission=token, name_th="สมาคมเรียกซ้ำ", kind="association"
            )
        assert saved.value.submission.record_id == first.id
        db.session.rollback()
    assert len(named(app, "สมาคมเรียกซ้ำ")) == 1


def test_a_create_without_an_account_keeps_no_token(app, db_session):
    """The command line creates as no one: there is no one to answer a second time for."""
    token = submissions.new_token()
    with app.app_context():
        organisation = organisations.create_organisation(
            actor=None, submission=token, name_th="สมาคมจากคำสั่ง", kind="association"
        )
        assert organisation.id
    assert rows(app, token) == []


def test_a_claim_that_names_no_record_is_a_programming_error(app, db_session, make_user):
    token = submissions.new_token()
    with app.app_context():
        actor = _actor(app, make_user)
        with pytest.raises(RuntimeError, match="naming its record"), submissions.once(token, actor):
            organisation = Organisation(name_th="สมาคมไม่บอก", kind=OrganisationKind.ASSOCIATION)
            with audit.change(organisation, actor, "created"):
                pass
        db.session.commit()  # the savepoint was rolled back: nothing to commit
    assert rows(app, token) == []
    assert named(app, "สมาคมไม่บอก") == []


def test_submissions_older_than_a_week_are_purged_by_the_next_create(app, db_session, make_user):
    old, recent = submissions.new_token(), submissions.new_token()
    with app.app_context():
        actor = _actor(app, make_user)
        now = utcnow()
        db.session.add_all(
            [
                FormSubmission(token=old, user_id=actor.id, record_type="x", record_id=1,
                               created_at=now - submissions.KEPT_FOR - timedelta(minutes=1)),
                FormSubmission(token=recent, user_id=actor.id, record_type="x", record_id=2,
                               created_at=now - submissions.KEPT_FOR + timedelta(hours=1)),
            ]
        )  # fmt: skip
        audit.record_event(actor, "created (test)", record_type="form_submissions")
        db.session.commit()
        organisations.create_organisation(
            actor=actor, submission=submissions.new_token(), name_th="สมาคมล้าง", kind="association"
        )
    assert rows(app, old) == []
    assert len(rows(app, recent)) == 1


# --- two submissions at the same moment ------------------------------------------------------


def test_two_submissions_at_the_same_moment_create_one_record(make_app):
    """Each submission runs as a POST request does. The first holds its transaction open
    after claiming the token; the second, sent meanwhile, waits (PostgreSQL: on the unique
    index; SQLite: for the write lock a POST takes when it begins) and is answered with the
    first record once the first has committed."""
    app = make_app()
    add_account(app, "first@example.go.th")
    token = submissions.new_token()
    ready, claimed = threading.Event(), threading.Event()
    outcome: dict = {}
    held = 0.6

    def posting():
        return app.test_request_context("/organisations/new", method="POST")

    def staff_member() -> User:
        user = db.session.scalar(sa.select(User).where(User.email == "first@example.go.th"))
        db.session.commit()  # the lookup's transaction ends: the create starts afresh
        return user

    def first() -> None:
        with posting():
            actor = staff_member()
            ready.wait(10)
            with submissions.once(token, actor) as claim:
                organisation = Organisation(
                    name_th="สมาคมพร้อมกัน", kind=OrganisationKind.ASSOCIATION
                )
                with audit.change(organisation, actor, "created"):
                    pass
                claim.made(organisation)
                outcome["claimed_at"] = time.monotonic()
                claimed.set()
                time.sleep(held)
            db.session.commit()
            outcome["first"] = organisation.id
            db.session.remove()

    def second() -> None:
        with posting():
            actor = staff_member()
            ready.set()
            claimed.wait(10)
            try:
                organisations.create_organisation(
                    actor=actor, submission=token, name_th="สมาคมพร้อมกัน", kind="association"
                )
                outcome["second"] = "created"
            except submissions.AlreadySaved as saved:
                outcome["second"] = saved.submission.record_id
            except Exception as error:  # noqa: BLE001 (reported by the assertion below)
                outcome["second"] = repr(error)
            outcome["answered_at"] = time.monotonic()
            db.session.remove()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert outcome["second"] == outcome["first"], outcome
    assert outcome["answered_at"] - outcome["claimed_at"] >= held * 0.9, outcome
    assert len(named(app, "สมาคมพร้อมกัน")) == 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(FormSubmission.id))) == 1


# --- every create form -------------------------------------------------------------------------

#: The forms (and buttons) that create a record or send mail, by endpoint.
CREATE_FORMS = {
    "organisations.new",
    "organisations.contact_new",
    "organisations.invite",
    "organisations.import_file",
    "agreements.new",
    "agreements.renew",
    "agreements.amend",
    "agreements.upload_scan",
    "agreements.sign_electronically",
    "agreements.upload_signed",
    "meetings.sign_minutes",
    "agreements.upload_review",
    "letters.send_agreement",
    "letters.issue_meeting_letter",
    "committees.new",
    "committees.appoint",
    "meetings.new",
    "meetings.item_new",
    "meetings.guest_add",
    "meetings.action_new",
    "meetings.amendment_new",
    "meetings.send_invitations",
    "proposals.new",
    "proposals.attachment_new",
    "proposals.endorse",
    "proposals.endorsement_record",
    "proposals.agenda",
    "proposals.annex",
    "proposals.category_new",
    "auth.new_user",
    "api_tokens.new",
}


def _answered_once(app) -> set[str]:
    return {
        endpoint
        for endpoint, view in app.view_functions.items()
        if getattr(view, "submitted_once", False)
    }


def test_every_create_form_answers_a_second_submission_with_the_first(app):
    assert _answered_once(app) == CREATE_FORMS
    named_like_a_create = {
        endpoint
        for endpoint in app.view_functions
        if endpoint.rsplit(".", 1)[-1].startswith(("new", "add", "create", "invite", "issue"))
        or endpoint.endswith(("_new", "_add"))
    }
    assert named_like_a_create <= CREATE_FORMS


def test_every_create_form_refuses_a_malformed_token_with_400(app, client, sign_in):
    """Before it reads anything else: as an administrator (who may use every form), with
    ids that exist or not, the answer is 400 and nothing is written."""
    sign_in(Role.ADMIN)
    with app.app_context():
        events_before = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint in CREATE_FORMS]
    assert {rule.endpoint for rule in rules} == CREATE_FORMS
    for rule in rules:
        url = rule.build({name: 1 for name in rule.arguments}, append_unknown=False)[1]
        for token in ("x" * 10, "<script>" + "a" * 24, "ก" * 32):
            with client.post(url, data={"submission": token, "name_th": "x"}) as response:
                assert response.status_code == 400, (rule.endpoint, token, response.status_code)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == events_before
        assert db.session.scalar(sa.select(sa.func.count(FormSubmission.id))) == 0


def test_a_cover_letter_sent_twice_is_issued_numbered_and_mailed_once(
    app, client, sign_in, agreement_id, mailbox
):
    from registry.letters.models import Letter
    from tests.conftest import form_fields

    sign_in(Role.STAFF)
    url = f"/letters/agreement/{agreement_id}/send"
    fields = form_fields(client, url, having="submission")
    fields["recipient"] = "นายกสมาคมปัญญาประดิษฐ์ประเทศไทย"
    first, second = submit_twice(
        client, url, {k: v for k, v in fields.items() if k != "submission"}
    )
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Letter.id))) == 1
    assert len(mailbox()) == 1


def test_a_reviewed_draft_sent_twice_is_filed_once(app, client, sign_in, agreement_id):
    import io

    from registry.agreements.reviews import AgreementReview
    from tests.agreements.test_word import download

    sign_in(Role.STAFF)
    word = download(client, agreement_id)
    url = f"/agreements/{agreement_id}/reviews/new"
    first, second = submit_twice(
        client, url, lambda: {"file": (io.BytesIO(word), "ร่างที่ตรวจแก้.docx")}
    )
    assert first.status_code == second.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(AgreementReview.id))) == 1
    assert audit_actions(app, "agreement_reviews") == ["filed reviewed draft"]
