"""Record versions, the core: every save raises a record's version; a save from a form read
at an older version is refused with who changed which field, and nothing of it is written;
a save overtaken between the check and its UPDATE is refused in the same way."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import DateField, SelectChoice, SelectField, StringField

from registry import audit, versions
from registry.audit.models import AuditEvent
from registry.auth.models import Role, User
from registry.db import db
from registry.forms import VersionedForm
from registry.organisations.models import Organisation, OrganisationKind
from tests.conftest import add_account, sign_in_client
from tests.forms import page_form


@pytest.fixture
def organisation(app, make_organisation):
    """A versioned record (an organisation), at version 1."""
    return make_organisation("สมาคมรุ่นทดสอบ", notes="เดิม")


@pytest.fixture
def editor(make_user):
    """Another staff member, who saves first."""
    return make_user(Role.STAFF, full_name="นางสาวแก้ก่อน ใจเร็ว")


def _save(organisation, actor_id: int | None, version: int | None, **values) -> None:
    """Save ``values`` on the organisation (an id, or the record as read) the way every
    service does."""
    record = (
        organisation
        if isinstance(organisation, Organisation)
        else db.session.get(Organisation, organisation)
    )
    actor = db.session.get(User, actor_id) if actor_id else None
    with versions.saving(record, version):
        with audit.change(record, actor, "updated"):
            for key, value in values.items():
                setattr(record, key, value)
        db.session.commit()


def _events(organisation_id: int) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(
                AuditEvent.record_type == "organisations", AuditEvent.record_id == organisation_id
            )
            .order_by(AuditEvent.id)
        )
    )


# --- the version ---------------------------------------------------------------------------


def test_every_save_raises_the_version_and_its_audit_event_says_from_which_to_which(
    app, organisation, editor
):
    with app.app_context():
        assert db.session.get(Organisation, organisation).lock_version == 1
        _save(organisation, editor, 1, notes="หนึ่ง")
        _save(organisation, editor, 2, notes="สอง")
        assert db.session.get(Organisation, organisation).lock_version == 3
        changes = [event.changes for event in _events(organisation)][-2:]
    assert changes == [
        {"notes": ["เดิม", "หนึ่ง"], "lock_version": [1, 2]},
        {"notes": ["หนึ่ง", "สอง"], "lock_version": [2, 3]},
    ]


def test_a_save_that_changes_nothing_keeps_the_version(app, organisation, editor):
    with app.app_context():
        _save(organisation, editor, 1, notes="เดิม")
        assert db.session.get(Organisation, organisation).lock_version == 1


def test_a_new_record_starts_at_version_one(app, db_session):
    with app.app_context():
        record = Organisation(name_th="สมาคมใหม่รุ่นหนึ่ง", kind=OrganisationKind.ASSOCIATION)
        with audit.change(record, None, "created"):
            pass
        db.session.commit()
        assert record.lock_version == 1


# --- the check --------------------------------------------------------------------------------


def test_a_save_from_an_older_version_is_refused_with_who_changed_which_field(
    app, organisation, editor
):
    with app.app_context():
        _save(organisation, editor, 1, notes="ของคนแรก", phone="02 111 1111")
        before = len(_events(organisation))
        with pytest.raises(versions.ConflictError) as refused:
            _save(organisation, None, 1, notes="ของคนที่สอง")
        record = db.session.get(Organisation, organisation)
        assert (record.notes, record.lock_version) == ("ของคนแรก", 2)
        assert len(_events(organisation)) == before
    [change] = refused.value.changes
    assert change.who == "นางสาวแก้ก่อน ใจเร็ว"
    assert change.action == "แก้ไข"
    assert {(f.name, f.old, f.new) for f in change.fields} == {
        ("notes", "เดิม", "ของคนแรก"),
        ("phone", None, "02 111 1111"),
    }
    assert "lock_version" not in {f.name for f in change.fields}
    assert refused.value.more == 0


def test_only_the_saves_after_the_forms_version_are_listed_oldest_first(
    app, organisation, editor
):
    with app.app_context():
        for version, note in enumerate(("ก", "ข", "ค"), start=1):
            _save(organisation, editor, version, notes=note)
        with pytest.raises(versions.ConflictError) as refused:
            _save(organisation, editor, 2, notes="ง")
    assert [change.fields[0].new for change in refused.value.changes] == ["ข", "ค"]


def test_a_long_run_of_saves_lists_the_latest_and_counts_the_rest(app, organisation, editor):
    with app.app_context():
        for version in range(1, versions.MOST_CHANGES + 4):
            _save(organisation, editor, version, notes=f"ครั้งที่ {version}")
        with pytest.raises(versions.ConflictError) as refused:
            _save(organisation, editor, 1, notes="เก่า")
    assert len(refused.value.changes) == versions.MOST_CHANGES
    assert refused.value.more == 3
    assert refused.value.changes[-1].fields[0].new == f"ครั้งที่ {versions.MOST_CHANGES + 3}"


@pytest.mark.parametrize("version", [0, -1, 99])
def test_a_version_the_record_is_not_at_is_refused_and_nothing_is_written(
    app, organisation, version
):
    with app.app_context():
        with pytest.raises(versions.ConflictError):
            _save(organisation, None, version, notes="ปลอม")
        assert db.session.get(Organisation, organisation).notes == "เดิม"


def test_a_missing_version_is_refused_without_inventing_changes(app, organisation, editor):
    with app.app_context():
        _save(organisation, editor, 1, notes="จริง")
        with pytest.raises(versions.ConflictError) as refused:
            _save(organisation, None, -1, notes="ปลอม")
    assert refused.value.changes == []
    assert "ไม่ได้ระบุว่าเปิดจากระเบียนฉบับใด" in str(refused.value)


def test_no_version_means_no_form_and_nothing_is_checked(app, organisation, editor):
    with app.app_context():
        _save(organisation, editor, 1, notes="หนึ่ง")
        _save(organisation, None, None, notes="จากการนำเข้า")
        assert db.session.get(Organisation, organisation).notes == "จากการนำเข้า"


def test_the_system_as_author_is_named_as_such(app, organisation):
    with app.app_context():
        _save(organisation, None, None, notes="จากคำสั่ง")
        with pytest.raises(versions.ConflictError) as refused:
            _save(organisation, None, 1, notes="เก่า")
    assert refused.value.changes[0].who == "ระบบ (การนำเข้าไฟล์หรือคำสั่งผู้ดูแลระบบ)"


# --- a save overtaken between the check and its UPDATE -----------------------------------------


def test_a_save_overtaken_after_the_check_is_refused_and_nothing_of_it_is_written(
    app, organisation, editor
):
    with app.app_context():
        # This request read the record at version 1 (and holds it as it read it) ...
        db.session().expire_on_commit = False
        mine = db.session.get(Organisation, organisation)
        db.session.commit()
        # ... another request saves it meanwhile, after this one's check ...
        with app.app_context():
            _save(organisation, editor, 1, notes="ของอีกคน")
        before = len(_events(organisation))
        # ... so its UPDATE finds no row at version 1.
        with pytest.raises(versions.ConflictError) as refused:
            _save(mine, None, 1, notes="ของฉัน")
        assert db.session.get(Organisation, organisation).notes == "ของอีกคน"
        assert len(_events(organisation)) == before
    [change] = refused.value.changes
    assert (change.who, change.fields[0].new) == ("นางสาวแก้ก่อน ใจเร็ว", "ของอีกคน")


@pytest.mark.postgresql
def test_two_saves_at_the_same_moment_one_is_refused_on_postgresql(make_app):
    """Two requests read version 1; one saves and commits while the other is between its
    check and its UPDATE: PostgreSQL finds no row at version 1 for the second."""
    app = make_app()
    with app.app_context():
        record = Organisation(name_th="สมาคมแข่งกันบันทึก", kind=OrganisationKind.ASSOCIATION)
        with audit.change(record, None, "created"):
            pass
        db.session.commit()
        record_id = record.id

    first_read = threading.Event()
    second_saved = threading.Event()
    outcome: list[str] = []

    def first() -> None:
        with app.app_context():
            mine = db.session.get(Organisation, record_id)
            versions.check_version(mine, 1)
            first_read.set()
            second_saved.wait(timeout=10)
            try:
                with versions.saving(mine, 1):
                    with audit.change(mine, None, "updated"):
                        mine.notes = "ที่หนึ่ง"
                    db.session.commit()
                outcome.append("saved")
            except versions.ConflictError as error:
                outcome.append(f"refused: {error.changes[0].fields[0].new}")
            finally:
                db.session.remove()

    def second() -> None:
        first_read.wait(timeout=10)
        with app.app_context():
            _save(record_id, None, 1, notes="ที่สอง")
            db.session.remove()
        second_saved.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcome == ["refused: ที่สอง"]
    with app.app_context():
        assert db.session.get(Organisation, record_id).notes == "ที่สอง"


def test_an_overtaken_save_outside_any_form_answers_409_not_500(make_app):
    from sqlalchemy.orm.exc import StaleDataError

    from registry.auth.permissions import public

    app = make_app()

    @app.get("/overtaken")
    @public
    def overtaken():
        raise StaleDataError("UPDATE statement on table 'users' expected to update 1 row(s)")

    with app.test_client() as client:
        response = client.get("/overtaken")
    assert response.status_code == 409
    assert "มีผู้อื่นบันทึกระเบียนนี้ในเวลาเดียวกัน" in response.get_data(as_text=True)


# --- the form piece -----------------------------------------------------------------------------


class _Form(VersionedForm, FlaskForm):
    name_en = StringField("ชื่อภาษาอังกฤษ")
    kind = SelectField(
        "ประเภท", choices=[SelectChoice("association", "สมาคม"), SelectChoice("company", "บริษัท")]
    )
    since = DateField("วันที่")


@pytest.mark.parametrize(
    ("sent", "version"),
    [
        ({"lock_version": "3"}, 3),
        ({"lock_version": " 3 "}, 3),
        ({"lock_version": "0"}, 0),
        ({}, -1),
        ({"lock_version": ""}, -1),
        ({"lock_version": "abc"}, -1),
        ({"lock_version": "-1"}, -1),
        ({"lock_version": "1.5"}, -1),
        ({"lock_version": "9" * 12}, -1),
        ({"lock_version": "๓"}, -1),
    ],
)
def test_the_version_a_form_was_read_at_missing_or_garbled_counts_as_outdated(
    app, sent, version
):
    with app.test_request_context(method="POST", data=sent):
        form = _Form(formdata=MultiDict(sent | {"name_en": "x"}), meta={"csrf": False})
        assert form.submitted_version() == version


def test_a_missing_version_is_not_taken_from_the_record_the_form_was_filled_from(app):
    class Record:
        lock_version = 7
        name_en = "x"

    with app.test_request_context(method="POST", data={"name_en": "y"}):
        form = _Form(formdata=MultiDict({"name_en": "y"}), obj=Record(), meta={"csrf": False})
        assert form.submitted_version() == -1


def test_the_refusal_is_shown_with_the_pages_labels_and_the_readers_calendar(app):
    from datetime import datetime

    error = versions.ConflictError(
        [
            versions.Change(
                who="นางสาวแก้ก่อน",
                at=datetime(2026, 1, 5, 3, 0),
                action="แก้ไข",
                fields=(
                    versions.FieldChange("name_en", "Old", "New"),
                    versions.FieldChange("kind", "association", "company"),
                    versions.FieldChange("since", None, "2026-01-05"),
                    versions.FieldChange("status", "active", "inactive"),
                    versions.FieldChange("active", True, False),
                    versions.FieldChange("province_code", "x" * 400, None),
                ),
            )
        ]
    )

    class Record:
        lock_version = 4

    with app.test_request_context(method="POST"):
        form = _Form(formdata=MultiDict({"lock_version": "1"}), meta={"csrf": False})
        form.refuse_as_outdated(error, Record())
        [shown] = form.conflict_changes
        assert form.lock_version.data == "4"
    assert shown.fields[:5] == (
        ("ชื่อภาษาอังกฤษ", "Old", "New"),
        ("ประเภท", "สมาคม", "บริษัท"),
        ("วันที่", "—", "5 มกราคม 2569"),
        ("สถานะ", "active", "inactive"),
        ("ใช้งานอยู่", "ใช่", "ไม่ใช่"),
    )
    label, old, new = shown.fields[5]
    assert (label, new) == ("Province code", "—")
    assert old.endswith("…") and len(old) == 301


# --- where the log is read ---------------------------------------------------------------------


def test_the_audit_log_keeps_the_version_but_does_not_show_it(app, client, organisation, editor):
    with app.app_context():
        _save(organisation, editor, 1, notes="หมายเหตุใหม่")
        assert _events(organisation)[-1].changes["lock_version"] == [1, 2]
    add_account(app, "auditor-versions@example.go.th", Role.ADMIN)
    sign_in_client(client, "auditor-versions@example.go.th")
    with client.get(f"/admin/audit/?record_type=organisations&record_id={organisation}") as page:
        html = page.get_data(as_text=True)
    assert "หมายเหตุใหม่" in html
    assert "<dt>บันทึกเพิ่มเติม</dt>" in html  # the field by its label on the form ("Notes")
    assert "lock_version" not in html


def test_page_form_reads_what_a_browser_sends():
    html = """<form method="post"><input type="hidden" name="lock_version" value="3">
    <input name="a" value="x"><input type="checkbox" name="b" value="y">
    <input type="checkbox" name="c" value="z" checked><select name="d"><option value="1">1
    </option><option value="2" selected>2</option></select><textarea name="e">
บรรทัด</textarea><button type="submit" name="go">ไป</button></form>"""
    assert page_form(html) == {"lock_version": "3", "a": "x", "c": "z", "d": "2", "e": "บรรทัด"}
