"""The `flask registry` commands: accounts, demo data, backup and restore."""

from __future__ import annotations

import tarfile
from pathlib import Path

import sqlalchemy as sa

from registry.audit.models import AuditEvent
from registry.auth.demo import ACCOUNTS, DEMO_PASSWORD
from registry.auth.models import Role, User
from registry.db import db
from registry.organisations.demo import ORGANISATIONS
from registry.organisations.models import Organisation
from tests.conftest import PASSWORD, sign_in_client

#: The operator's environment asking for English (the commands speak Thai otherwise).
ENGLISH = {"LANG": "en_US.UTF-8", "LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None}


def _user(app, email):
    with app.app_context():
        return db.session.scalar(sa.select(User).where(User.email == email))


def test_create_user_reads_the_password_from_standard_input(app, runner):
    result = runner.invoke(
        args=[
            "registry",
            "create-user",
            "New@Example.go.th",
            "--role",
            "staff",
            "--name",
            "นายใหม่",
        ],
        input=f"{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    user = _user(app, "new@example.go.th")
    assert user.role is Role.STAFF and user.full_name == "นายใหม่"
    sign_in_client(app.test_client(), "new@example.go.th")


def test_create_representative_names_the_organisation_by_acronym(app, runner, make_organisation):
    organisation_id = make_organisation(acronym="TIoT-X")
    result = runner.invoke(
        args=["registry", "create-user", "rep@example.go.th", "--role", "representative",
              "--organisation", "TIoT-X"],
        input=f"{PASSWORD}\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert _user(app, "rep@example.go.th").organisation_id == organisation_id


def test_create_user_refuses_bad_input_with_a_reason(app, runner, make_user):
    cases = [
        (["x@example.go.th", "--role", "emperor"], PASSWORD, "emperor"),
        (["x@example.go.th", "--role", "staff"], "short", "10"),
        (["x@example.go.th", "--role", "representative"], PASSWORD, "องค์กร"),
        (["x@example.go.th", "--role", "representative", "--organisation", "NOPE"], PASSWORD,
         "NOPE"),
    ]  # fmt: skip
    for args, password, reason in cases:
        result = runner.invoke(args=["registry", "create-user", *args], input=f"{password}\n")
        assert result.exit_code != 0
        assert reason in result.output
    assert _user(app, "x@example.go.th") is None


def test_seed_demo_loads_the_background_organisations_and_an_account_per_role(app, runner):
    result = runner.invoke(args=["registry", "seed-demo"])
    assert result.exit_code == 0, result.output
    for email, _name, role, _org in ACCOUNTS:
        assert email in result.output
        assert _user(app, email).role is role
    with app.app_context():
        names = set(db.session.scalars(sa.select(Organisation.name_th)))
    assert {"สมาคมปัญญาประดิษฐ์ประเทศไทย", "สมาคมไทยไอโอที", "สภาอุตสาหกรรมแห่งประเทศไทย"} <= names
    assert len(names) >= len(ORGANISATIONS)
    sign_in_client(app.test_client(), "rep.aiat@dgti.example", DEMO_PASSWORD)
    again = runner.invoke(args=["registry", "seed-demo", "--if-empty"])
    assert "not loaded" in again.output


def _dump(app) -> dict:
    with app.app_context():
        return {
            table.name: sorted(
                tuple(str(v) for v in row) for row in db.session.execute(sa.select(table))
            )
            for table in db.metadata.sorted_tables
        }


def test_backup_and_restore_round_trip_data_and_files(make_app, tmp_path):
    app = make_app()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["registry", "seed-demo"]).exit_code == 0
    stored = Path(app.config["STORAGE_DIR"]) / "documents" / "mou-draft.pdf"
    stored.parent.mkdir(parents=True)
    stored.write_bytes(b"%PDF-1.7 stored document")
    archive = tmp_path / "registry.tar.gz"
    result = runner.invoke(args=["registry", "backup", str(archive)])
    assert result.exit_code == 0, result.output
    before = _dump(app)

    runner.invoke(args=["registry", "create-user", "late@example.go.th", "--role", "staff"],
                  input=f"{PASSWORD}\n")  # fmt: skip
    stored.unlink()
    result = runner.invoke(args=["registry", "restore", str(archive)], input="n\n")
    assert result.exit_code != 0 and _user(app, "late@example.go.th") is not None

    result = runner.invoke(args=["registry", "restore", str(archive), "--yes"])
    assert result.exit_code == 0, result.output
    after = _dump(app)
    for dump in (before, after):  # the log of the backup and restore themselves comes after
        dump["audit_events"] = [
            row for row in dump["audit_events"] if not {"made backup", "restored backup"} & set(row)
        ]
    assert after == before
    assert stored.read_bytes() == b"%PDF-1.7 stored document"
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).where(AuditEvent.action == "restored backup")
            )
            == 1
        )
    # ids continue after the restored rows
    result = runner.invoke(args=["registry", "create-user", "after@example.go.th", "--role",
                                 "staff"], input=f"{PASSWORD}\n")  # fmt: skip
    assert result.exit_code == 0, result.output


def test_restore_refuses_a_file_that_is_not_a_backup(app, runner, tmp_path):
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(b"not an archive")
    result = runner.invoke(args=["registry", "restore", str(bogus), "--yes"], env=ENGLISH)
    assert result.exit_code != 0
    assert "not a registry backup" in result.output


def test_restore_refuses_a_backup_from_another_schema_revision(make_app, tmp_path):
    app = make_app()
    runner = app.test_cli_runner()
    archive = tmp_path / "b.tar.gz"
    assert runner.invoke(args=["registry", "backup", str(archive)]).exit_code == 0
    import io
    import json

    altered = tmp_path / "altered.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(altered, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read() if member.isfile() else None
            if member.name == "manifest.json":
                manifest = json.loads(data)
                manifest["revision"] = "9999_future"
                data = json.dumps(manifest).encode()
                member.size = len(data)
            target.addfile(member, io.BytesIO(data) if data is not None else None)
    result = runner.invoke(args=["registry", "restore", str(altered), "--yes"], env=ENGLISH)
    assert result.exit_code != 0
    assert "revision" in result.output
