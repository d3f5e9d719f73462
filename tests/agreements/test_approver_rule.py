"""The four-eyes rule, a setting an administrator turns on or off (off by default): when on,
whoever wrote an MOU draft, changed it or sent it for review cannot approve it (no button,
and the approval refused with a clear message, nothing saved); someone else can. When off,
a one-person centre approves its own drafts as before."""

from __future__ import annotations

import sqlalchemy as sa

from registry.agreements import services
from registry.agreements.models import Agreement, AgreementStatus
from registry.audit.models import AuditEvent
from registry.auth.models import Role, User
from registry.db import db
from registry.settings import services as settings
from registry.settings.models import Setting
from tests.conftest import sign_in_client

from .conftest import content_for

REFUSAL = "จึงอนุมัติเองไม่ได้"


def _draft_in_review(app, author_id: int, organisation_ids) -> int:
    with app.app_context():
        author = db.session.get(User, author_id)
        agreement = services.create_agreement(content_for(list(organisation_ids)), actor=author)
        services.submit_for_review(agreement, author)
        return agreement.id


def _rule(app, on: bool) -> None:
    with app.app_context():
        settings.set_setting("separate_approver", on, None)


def _approvals(app, agreement_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(sa.func.count(AuditEvent.id)).where(
                AuditEvent.record_type == "agreements",
                AuditEvent.record_id == agreement_id,
                AuditEvent.action == "approved",
            )
        )


def _email(app, user_id: int) -> str:
    with app.app_context():
        return db.session.get(User, user_id).email


def test_the_rule_is_off_by_default_and_an_author_may_approve(
    app, make_user, two_organisations, get_agreement
):
    author = make_user("staff")
    agreement_id = _draft_in_review(app, author, two_organisations)
    with app.app_context():
        assert settings.get_setting("separate_approver") is False
        services.approve(db.session.get(Agreement, agreement_id), db.session.get(User, author))
    assert get_agreement(agreement_id).status is AgreementStatus.APPROVED


def test_with_the_rule_on_the_author_cannot_approve_and_another_can(
    app, client, make_user, two_organisations, get_agreement
):
    author, other = make_user("staff"), make_user("staff")
    agreement_id = _draft_in_review(app, author, two_organisations)
    _rule(app, True)
    sign_in_client(client, _email(app, author))
    client.post("/language", data={"locale": "th"}).close()
    with client.get(f"/agreements/{agreement_id}") as response:
        assert f"/agreements/{agreement_id}/approve" not in response.get_data(as_text=True)
    with client.post(f"/agreements/{agreement_id}/approve", follow_redirects=True) as response:
        page = response.get_data(as_text=True)
    assert REFUSAL in page and "alert-danger" in page
    assert get_agreement(agreement_id).status is AgreementStatus.IN_REVIEW
    assert _approvals(app, agreement_id) == 0
    client.post("/sign-out").close()
    sign_in_client(client, _email(app, other))
    with client.get(f"/agreements/{agreement_id}") as response:
        assert f"/agreements/{agreement_id}/approve" in response.get_data(as_text=True)
    with client.post(f"/agreements/{agreement_id}/approve") as response:
        assert response.status_code == 302
    assert get_agreement(agreement_id).status is AgreementStatus.APPROVED
    assert _approvals(app, agreement_id) == 1


def test_with_the_rule_on_whoever_changed_or_sent_the_draft_is_an_author(
    app, make_user, two_organisations, get_agreement
):
    writer, editor, sender, approver = (make_user("staff") for _ in range(4))
    _rule(app, True)
    with app.app_context():
        agreement = services.create_agreement(
            content_for(list(two_organisations)), actor=db.session.get(User, writer)
        )
        agreement_id = agreement.id
        services.update_agreement(
            agreement,
            content_for(list(two_organisations), title_th="ความร่วมมือ ฉบับแก้ไข"),
            actor=db.session.get(User, editor),
            lock_version=agreement.lock_version,
        )
        services.submit_for_review(agreement, db.session.get(User, sender))
        for author in (writer, editor, sender):
            user = db.session.get(User, author)
            assert "approve" not in services.allowed_transitions(agreement, user)
            try:
                services.approve(agreement, user)
            except services.TransitionError:
                db.session.rollback()
            else:  # pragma: no cover - the assertion below says what went wrong
                raise AssertionError("an author approved the draft")
        services.approve(db.session.get(Agreement, agreement_id), db.session.get(User, approver))
    assert get_agreement(agreement_id).status is AgreementStatus.APPROVED
    assert _approvals(app, agreement_id) == 1


def test_an_administrator_turns_the_rule_on_in_the_settings(app, client, sign_in):
    sign_in(Role.ADMIN)
    with client.get("/admin/settings/") as response:
        page = response.get_data(as_text=True)
    assert 'name="approvals-separate_approver"' in page
    assert 'id="approvals-lock_version"' in page and page.count('id="lock_version"') == 1
    # A form read before someone else saved the setting is refused, nothing saved.
    _rule(app, False)
    stale = {"approvals-separate_approver": "y", "approvals-lock_version": "0"}
    with client.post("/admin/settings/approvals", data=stale) as response:
        assert response.status_code == 409
    with app.app_context():
        assert settings.get_setting("separate_approver") is False
        version = db.session.get(Setting, "separate_approver").lock_version
    fresh = stale | {"approvals-lock_version": str(version)}
    with client.post("/admin/settings/approvals", data=fresh) as response:
        assert response.status_code == 302
    with app.app_context():
        assert settings.get_setting("separate_approver") is True
        event = db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.record_type == "settings", AuditEvent.action == "changed setting")
            .order_by(AuditEvent.id.desc())
        ).first()
        assert event.record_label == "separate_approver"
        assert event.changes["value"] == [False, True]
    # Staff may not change it.
    client.post("/sign-out").close()
    sign_in(Role.STAFF)
    with client.post("/admin/settings/approvals", data=fresh) as response:
        assert response.status_code in (403, 404)
