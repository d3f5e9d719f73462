"""Every write leaves an audit event; the log can be read and filtered by an admin."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from registry import audit
from registry.audit.models import AuditEvent
from registry.audit.services import UnauditedWrite
from registry.auth.models import User
from registry.db import db
from registry.organisations.models import Organisation, OrganisationKind


def test_change_records_actor_fields_before_and_after_and_address(app, client, sign_in):
    admin_id = sign_in("admin")
    client.post("/language", data={"locale": "en"}, environ_base={"REMOTE_ADDR": "203.0.113.7"})
    with app.app_context():
        event = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "changed language")
        ).one()
        assert event.actor_id == admin_id
        assert event.record_type == "users" and event.record_id == admin_id
        # The stored event also keeps the account's version (raised by every save).
        # Signing in is not an edit of the account (its version stays 1).
        assert event.changes == {"locale": [None, "en"], "lock_version": [1, 2]}
        assert event.address == "203.0.113.7"


def test_a_commit_that_writes_without_an_audit_event_is_refused(app, db_session):
    with app.app_context():
        db.session.add(Organisation(name_th="สมาคมไม่มีบันทึก", kind=OrganisationKind.ASSOCIATION))
        with pytest.raises(UnauditedWrite, match="Organisation"):
            db.session.commit()
        db.session.rollback()
        count = db.session.scalar(
            sa.select(sa.func.count()).where(Organisation.name_th == "สมาคมไม่มีบันทึก")
        )
        assert count == 0


def test_a_write_with_its_audit_event_commits(app, db_session):
    with app.app_context():
        organisation = Organisation(name_th="สมาคมมีบันทึก", kind=OrganisationKind.ASSOCIATION)
        with audit.change(organisation, None, "created"):
            pass
        db.session.commit()
        event = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.record_id == organisation.id)
        ).one()
        assert event.actor_label == "system"
        assert event.changes["name_th"] == [None, "สมาคมมีบันทึก"]


def test_audit_page_filters_by_record_and_actor(app, client, sign_in, make_user):
    target = make_user("staff")
    sign_in("admin")
    client.post("/language", data={"locale": "en"})
    client.post(f"/admin/users/{target}/deactivate")
    # (the action's name is also offered in the filter's list of names: look in the table)
    row = "<td>deactivated</td>"
    body = client.get(f"/admin/audit/?record_type=users&record_id={target}").get_data(as_text=True)
    assert row in body
    body = client.get("/admin/audit/?action=no-such-action").get_data(as_text=True)
    assert row not in body
    with app.app_context():
        email = db.session.get(User, target).email
    assert row not in client.get(f"/admin/audit/?actor={email}").get_data(as_text=True)


@pytest.mark.parametrize(
    "query",
    ["record_id=abc", "record_id=-4", "date_from=2563-13-45", "date_to=yesterday"],
)
def test_bad_audit_filters_get_a_message_not_an_error(client, sign_in, query):
    sign_in("admin")
    response = client.get(f"/admin/audit/?{query}")
    assert response.status_code == 422
    assert "is-invalid" in response.get_data(as_text=True)


def test_audit_page_date_filter_uses_bangkok_days(app, client, sign_in):
    sign_in("admin")
    client.post("/language", data={"locale": "en"})
    with app.app_context():
        today = db.session.scalar(sa.select(sa.func.max(AuditEvent.at)))
    from registry.i18n import to_local

    day = to_local(today).date().isoformat()
    body = client.get(f"/admin/audit/?date_from={day}&date_to={day}").get_data(as_text=True)
    assert "<td>signed in</td>" in body
    body = client.get("/admin/audit/?date_to=2001-01-01").get_data(as_text=True)
    assert "<td>signed in</td>" not in body


def test_every_recorded_action_has_a_translated_label():
    from registry.audit.labels import ACTION_LABELS
    from registry.documents import signing
    from tests.audit.recorded_actions import recorded_actions

    recorded, unresolved = recorded_actions()
    assert unresolved == [], "actions whose value the source does not tell"
    # Written as literals, as module constants (also another module's), chosen from a dict,
    # or passed on by a helper's parameter: each way is found.
    assert {"signed in", signing.SIGNED, signing.ACCEPTED, "submitted for review"} <= recorded
    assert recorded <= set(ACTION_LABELS), recorded - set(ACTION_LABELS)


def test_actions_named_by_constants_are_found_wherever_they_are_defined(tmp_path):
    from tests.audit.recorded_actions import recorded_actions

    package = tmp_path / "registry"
    (package / "audit").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "audit" / "__init__.py").write_text("")
    (package / "names.py").write_text('APPROVED = "approved by name"\n')
    (package / "work.py").write_text(
        "from . import audit, names\n"
        "from .names import APPROVED\n"
        'LOCAL = "local constant"\n'
        'ACTIONS = {"a": "from a dict"}\n'
        "def _store(record, actor, action):\n"
        "    audit.record_event(actor, action, record)\n"
        "def work(record, actor, key, flag):\n"
        "    with audit.change(record, actor, LOCAL):\n"
        "        pass\n"
        '    _store(record, actor, names.APPROVED if flag else "literal")\n'
        "    _store(record, actor, APPROVED)\n"
        "    audit.record_event(actor, ACTIONS[key], record)\n"
        "    audit.record_event(actor, key.upper(), record)\n"
    )
    recorded, unresolved = recorded_actions(package)
    assert recorded == {"approved by name", "literal", "local constant", "from a dict"}
    assert len(unresolved) == 1 and "key.upper()" in unresolved[0]


def test_audit_page_shows_actions_in_the_readers_language(client, sign_in, make_user):
    target = make_user("staff")
    sign_in("admin")
    client.post(f"/admin/users/{target}/deactivate")
    body = client.get(f"/admin/audit/?record_id={target}").get_data(as_text=True)
    assert "<td>ระงับการใช้งาน</td>" in body and ">deactivated<" not in body
