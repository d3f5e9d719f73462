"""Deny by default: every endpoint declares who may use it, and each role gets exactly that."""

from __future__ import annotations

import pytest

from registry.auth.permissions import TOKEN, access_rule

ANONYMOUS = "anonymous"
SIGNED_IN_ROLES = ("representative", "secretary", "staff", "admin")
EVERYONE = {ANONYMOUS, *SIGNED_IN_ROLES}

#: Who may use each endpoint. A new endpoint must be added here, or the suite fails.
EXPECTED = {
    "static": EVERYONE,
    "auth.sign_in": EVERYONE,
    "home.set_language": EVERYONE,
    "home.favicon": EVERYONE,
    "home.index": set(SIGNED_IN_ROLES),
    "home.statistics": {"staff", "admin"},
    "auth.sign_out": set(SIGNED_IN_ROLES),
    "auth.change_password": set(SIGNED_IN_ROLES),
    "auth.users": {"admin"},
    "auth.new_user": {"admin"},
    "auth.edit_user": {"admin"},
    "auth.deactivate_user": {"admin"},
    "auth.reactivate_user": {"admin"},
    "auth.reset_password": {"admin"},
    "audit.index": {"admin"},
    "settings.edit": {"admin"},
    "settings.approvals": {"admin"},
    "organisations.index": {"staff", "admin"},
    "organisations.show": {"staff", "admin"},
    "organisations.new": {"staff", "admin"},
    "organisations.edit": {"staff", "admin"},
    "organisations.deactivate": {"staff", "admin"},
    "organisations.reactivate": {"staff", "admin"},
    "organisations.export_csv": {"staff", "admin"},
    "organisations.export_xlsx": {"staff", "admin"},
    "organisations.import_file": {"staff", "admin"},
    "organisations.import_template_csv": {"staff", "admin"},
    "organisations.import_template_xlsx": {"staff", "admin"},
    "organisations.contact": {"representative", "staff", "admin"},
    "organisations.contact_new": {"representative", "staff", "admin"},
    "organisations.contact_edit": {"representative", "staff", "admin"},
    "organisations.contact_deactivate": {"representative", "staff", "admin"},
    "organisations.contact_reactivate": {"representative", "staff", "admin"},
    "organisations.contact_personal_data": {"staff", "admin"},
    "organisations.contact_erase": {"staff", "admin"},
    "organisations.representatives": {"staff", "admin"},
    "organisations.invite": {"staff", "admin"},
    "organisations.revoke_invitation": {"staff", "admin"},
    "organisations.accept_invitation": EVERYONE,
    "organisations.mine": {"representative", "admin"},
    "organisations.mine_edit": {"representative", "admin"},
    "documents.verify": EVERYONE,
    "opendata.index": EVERYONE,
    "opendata.download": EVERYONE,
    "health.ok": EVERYONE,
    "agreements.index": {"staff", "admin"},
    "agreements.export_list": {"staff", "admin"},
    "agreements.expiring": {"staff", "admin"},
    "agreements.show": {"staff", "admin"},
    "agreements.new": {"staff", "admin"},
    "agreements.edit": {"staff", "admin"},
    "agreements.submit": {"staff", "admin"},
    "agreements.approve": {"staff", "admin"},
    "agreements.return_to_draft": {"staff", "admin"},
    "agreements.renew": {"staff", "admin"},
    "agreements.sign": {"staff", "admin"},
    "agreements.terminate": {"staff", "admin"},
    "agreements.amend": {"staff", "admin"},
    "agreements.upload_scan": {"staff", "admin"},
    "agreements.scan": {"staff", "admin"},
    "agreements.mine": {"representative", "admin"},
    "agreements.mine_show": {"representative", "admin"},
    "agreements.mine_scan": {"representative", "admin"},
    "agreements.pdf": {"staff", "admin"},
    "agreements.document_version": {"staff", "admin"},
    "agreements.mine_pdf": {"representative", "admin"},
    "agreements.signatures": {"staff", "admin"},
    "agreements.sign_electronically": {"staff", "admin"},
    "agreements.upload_signed": {"staff", "admin"},
    "agreements.signed_copy": {"staff", "admin"},
    "meetings.minutes_signatures": {"staff", "admin"},
    "meetings.sign_minutes": {"staff", "admin"},
    "meetings.signed_minutes": {"staff", "admin"},
    "committees.index": {"secretary", "staff", "admin"},
    "committees.show": {"secretary", "staff", "admin"},
    "committees.new": {"staff", "admin"},
    "committees.edit": {"staff", "admin"},
    "committees.dissolve": {"staff", "admin"},
    "committees.appoint": {"secretary", "staff", "admin"},
    "committees.end_membership": {"secretary", "staff", "admin"},
    "committees.mine": {"representative", "admin"},
    "committees.mine_show": {"representative", "admin"},
    "meetings.index": {"representative", "secretary", "staff", "admin"},
    "meetings.show": {"secretary", "staff", "admin"},
    "meetings.new": {"secretary", "staff", "admin"},
    "meetings.edit": {"secretary", "staff", "admin"},
    "meetings.cancel": {"secretary", "staff", "admin"},
    "meetings.item_new": {"secretary", "staff", "admin"},
    "meetings.item_edit": {"secretary", "staff", "admin"},
    "meetings.item_move": {"secretary", "staff", "admin"},
    "meetings.item_delete": {"secretary", "staff", "admin"},
    "meetings.refresh_agenda": {"secretary", "staff", "admin"},
    "meetings.attendance": {"secretary", "staff", "admin"},
    "meetings.guest_add": {"secretary", "staff", "admin"},
    "meetings.guest_remove": {"secretary", "staff", "admin"},
    "meetings.mark_held": {"secretary", "staff", "admin"},
    "meetings.minutes": {"secretary", "staff", "admin"},
    "meetings.mark_drafted": {"secretary", "staff", "admin"},
    "meetings.resolution": {"secretary", "staff", "admin"},
    "meetings.certify": {"secretary", "staff", "admin"},
    "meetings.action_new": {"secretary", "staff", "admin"},
    "meetings.action_delete": {"secretary", "staff", "admin"},
    "meetings.action_done": {"secretary", "staff", "admin"},
    "meetings.amendment_new": {"secretary", "staff", "admin"},
    "meetings.mine_show": {"representative", "admin"},
    "meetings.agenda_pdf": {"secretary", "staff", "admin"},
    "meetings.minutes_pdf": {"secretary", "staff", "admin"},
    "meetings.document_version": {"secretary", "staff", "admin"},
    "meetings.ics": {"secretary", "staff", "admin"},
    "meetings.send_invitations": {"secretary", "staff", "admin"},
    "meetings.mine_minutes_pdf": {"representative", "admin"},
    "letters.index": {"staff", "admin"},
    "letters.export_csv": {"staff", "admin"},
    "letters.pdf": {"representative", "secretary", "staff", "admin"},
    "letters.sign": {"staff", "admin"},
    "letters.particulars": {"admin"},
    "letters.upload_emblem": {"admin"},
    "letters.emblem_image": {"admin"},
    "letters.remove_emblem": {"admin"},
    "letters.sample": {"admin"},
    "letters.meeting_preview": {"secretary", "staff", "admin"},
    "letters.issue_meeting_letter": {"secretary", "staff", "admin"},
    "letters.send_agreement": {"staff", "admin"},
    "letters.agreement_preview": {"staff", "admin"},
    "agreements.draft_docx": {"staff", "admin"},
    "agreements.upload_review": {"staff", "admin"},
    "agreements.review_file": {"staff", "admin"},
    "agreements.mine_review_file": {"representative", "admin"},
    "search.index": set(SIGNED_IN_ROLES),
    "proposals.index": {"representative", "secretary", "staff", "admin"},
    "proposals.export_csv": {"staff", "admin"},
    "proposals.export_xlsx": {"staff", "admin"},
    "proposals.show": {"representative", "secretary", "staff", "admin"},
    "proposals.new": {"representative", "staff", "admin"},
    "proposals.edit": {"representative", "staff", "admin"},
    "proposals.status": {"staff", "admin"},
    "proposals.withdraw": {"representative", "staff", "admin"},
    "proposals.attachment_new": {"representative", "staff", "admin"},
    "proposals.attachment": {"representative", "secretary", "staff", "admin"},
    "proposals.attachment_remove": {"representative", "staff", "admin"},
    "proposals.endorse": {"representative", "admin"},
    "proposals.endorsement_record": {"staff", "admin"},
    "proposals.endorsement_withdraw": {"representative", "staff", "admin"},
    "proposals.endorsement_letter": {"representative", "secretary", "staff", "admin"},
    "proposals.agenda": {"secretary", "staff", "admin"},
    "proposals.annex": {"staff", "admin"},
    "proposals.annex_remove": {"staff", "admin"},
    "proposals.categories": {"staff", "admin"},
    "proposals.category_new": {"staff", "admin"},
    "proposals.category_edit": {"staff", "admin"},
    "api_tokens.index": {"admin"},
    "api_tokens.new": {"admin"},
    "api_tokens.revoke": {"admin"},
    "api.openapi_description": EVERYONE,
    # The JSON API: the roles whose *token* opens it (a session never does).
    "api.organisations": {"representative", "staff", "admin"},
    "api.organisation": {"representative", "staff", "admin"},
    "api.agreements": {"representative", "staff", "admin"},
    "api.agreement": {"representative", "staff", "admin"},
    "api.committees": set(SIGNED_IN_ROLES),
    "api.committee": set(SIGNED_IN_ROLES),
    "api.meetings": set(SIGNED_IN_ROLES),
    "api.meeting": set(SIGNED_IN_ROLES),
    "api.proposals": set(SIGNED_IN_ROLES),
    "api.proposal": set(SIGNED_IN_ROLES),
}


def test_every_endpoint_declares_an_access_rule(app):
    missing = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if access_rule(app, rule.endpoint) is None
    ]
    assert missing == []


def test_every_endpoint_is_in_the_access_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints == set(EXPECTED), "update EXPECTED in tests/test_access.py"


def test_an_endpoint_without_a_rule_is_refused_even_to_admins(make_app):
    app = make_app()
    app.add_url_rule("/undeclared", "undeclared", lambda: "secret")
    from registry.auth.models import Role
    from tests.conftest import add_account, sign_in_client

    add_account(app, "root@example.go.th", Role.ADMIN)
    client = sign_in_client(app.test_client(), "root@example.go.th")
    response = client.get("/undeclared")
    assert response.status_code == 403
    assert b"secret" not in response.data


def _cases():
    for endpoint in sorted(EXPECTED):
        if endpoint == "static":
            continue
        for who in (ANONYMOUS, *SIGNED_IN_ROLES):
            yield endpoint, who


@pytest.mark.parametrize(("endpoint", "who"), list(_cases()))
def test_access_matrix(app, client, sign_in, make_user, endpoint, who):
    target = make_user("staff")
    if who != ANONYMOUS:
        sign_in(who)
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        from flask import url_for

        url = url_for(endpoint, **{arg: target for arg in rule.arguments})
    method = "GET" if "GET" in rule.methods else "POST"
    if access_rule(app, endpoint).startswith(TOKEN):
        _check_token_access(app, client, make_user, endpoint, who, url, rule)
        return
    with client.open(url, method=method) as response:  # a file sent is closed after
        response.get_data()
    location = response.headers.get("Location", "")
    if who in EXPECTED[endpoint]:
        assert response.status_code != 403
        assert "/sign-in" not in location or endpoint in {"auth.sign_out"}
        assert response.status_code < 500
    elif who == ANONYMOUS:
        assert response.status_code == 302
        assert "/sign-in" in location
    elif who == "representative" and any(arg.endswith("_id") for arg in rule.arguments):
        # A representative does not learn whether a record they may not reach exists.
        assert response.status_code == 404
    else:
        assert response.status_code == 403


def _check_token_access(app, client, make_user, endpoint, who, url, rule):
    """A JSON API endpoint: the session (signed in above) is refused; a token of the role
    opens it, or answers 403 (404 to a representative asking for a record by id)."""
    from tests.api.helpers import bearer, issue_token

    with client.get(url) as response:
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    if who == ANONYMOUS:
        return
    with client.get(url, headers=bearer(issue_token(app, make_user(who)))) as response:
        if who in EXPECTED[endpoint]:
            assert response.status_code not in (401, 403)
            assert response.status_code < 500
        elif who == "representative" and any(arg.endswith("_id") for arg in rule.arguments):
            assert response.status_code == 404
        else:
            assert response.status_code == 403
        assert response.is_json


def test_static_files_are_public(client):
    with client.get("/static/app.css") as response:
        assert response.status_code == 200
        assert b"line-height" in response.data
