"""`flask registry backup` and `restore`: a restore checks the whole archive before it touches
anything, refuses a broken one in one sentence in the operator's language (no traceback, a
non-zero exit status, the database and the stored files as they were), and `--check` only
reports. Runs on the suite's engine (SQLite, or PostgreSQL through TEST_DATABASE_URL)."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from registry import backup
from registry.agreements.models import Agreement
from registry.audit.models import AuditEvent
from registry.auth.models import User
from registry.db import db
from tests.conftest import PASSWORD, _admin_execute, _server_url, build_app, dispose

ENGLISH = {"LANG": "en_US.UTF-8", "LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None}
NO_LANGUAGE = {"LANG": "C.UTF-8", "LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None}
LATE_USER = "late@example.go.th"


# --- helpers ---------------------------------------------------------------------------------


def _dump(app) -> dict:
    """Every row of every table, as comparable text."""
    with app.app_context():
        db.session.remove()
        return {
            table.name: sorted(
                tuple(str(v) for v in row) for row in db.session.execute(sa.select(table))
            )
            for table in db.metadata.sorted_tables
        }


def _files(app) -> dict[str, str]:
    """Every stored file, by its path under STORAGE_DIR, with its SHA-256."""
    storage = Path(app.config["STORAGE_DIR"])
    return {
        path.relative_to(storage).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(storage.rglob("*"))
        if path.is_file()
    }


def _state(app) -> tuple:
    return _dump(app), _files(app)


def _cli(app, *args, env=ENGLISH, input=None):
    return app.test_cli_runner().invoke(args=["registry", *args], env=env, input=input)


def _members(archive: Path) -> list[tuple[tarfile.TarInfo, bytes | None]]:
    with tarfile.open(archive) as source:
        return [
            (member, source.extractfile(member).read() if member.isfile() else None)
            for member in source.getmembers()
        ]


def _pack(target: Path, members: list[tuple[tarfile.TarInfo, bytes | None]]) -> Path:
    with tarfile.open(target, "w:gz") as archive:
        for member, data in members:
            if data is not None:
                member.size = len(data)
            archive.addfile(member, io.BytesIO(data) if data is not None else None)
    return target


def _json_member(members, name: str) -> dict:
    return json.loads(next(data for member, data in members if member.name == name))


def _replace_json(members, name: str, payload: dict) -> list:
    raw = json.dumps(payload).encode()
    return [(m, raw if m.name == name else d) for m, d in members]


def _info(name: str, kind=tarfile.REGTYPE, **fields) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    for key, value in fields.items():
        setattr(info, key, value)
    return info


def _stored_scan(members) -> str:
    """The archive name of a stored file that a record names (an agreement's signed scan)."""
    data = _json_member(members, "data.json")
    path = next(row["scan_path"] for row in data["agreements"] if row["scan_path"])
    return f"files/{path}"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A registry with the demo data and a stored document, its backup, and then changes
    made after the backup (an account, a stored file), so that a restore that touched
    anything would show."""
    admin_url = _server_url()
    url = None
    if admin_url:
        name = f"registry_backup_{uuid.uuid4().hex[:10]}"
        _admin_execute(admin_url, f'CREATE DATABASE "{name}"')
        url = sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    folder = tmp_path_factory.mktemp("backup-site")
    app = build_app(folder / "app", url)
    assert _cli(app, "seed-demo").exit_code == 0
    document = Path(app.config["STORAGE_DIR"]) / "documents" / "agreements" / "1" / "v1-th.pdf"
    document.parent.mkdir(parents=True)
    document.write_bytes(b"%PDF-1.7 stored document")
    archive = folder / "good.tar.gz"
    result = _cli(app, "backup", str(archive))
    assert result.exit_code == 0, result.output
    at_backup = _state(app)
    result = _cli(app, "create-user", LATE_USER, "--role", "staff", input=f"{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    late_file = Path(app.config["STORAGE_DIR"]) / "documents" / "late.pdf"
    late_file.write_bytes(b"%PDF-1.7 made after the backup")
    yield SimpleNamespace(app=app, archive=archive, folder=folder, at_backup=at_backup)
    dispose(app)
    if url:
        _admin_execute(admin_url, f'DROP DATABASE IF EXISTS "{sa.make_url(url).database}" '
                                  "WITH (FORCE)")  # fmt: skip


# --- making a backup -------------------------------------------------------------------------


def test_backup_records_its_sha256_beside_it_and_its_file_count_in_the_manifest(site):
    sidecar = Path(f"{site.archive}.sha256")
    digest = hashlib.sha256(site.archive.read_bytes()).hexdigest()
    assert sidecar.read_text() == f"{digest}  {site.archive.name}\n"
    members = _members(site.archive)
    manifest = _json_member(members, "manifest.json")
    stored = [m for m, _d in members if m.name.startswith("files/")]
    assert manifest["files"] == len(stored) == len(site.at_backup[1]) > 5
    assert manifest["format"] == backup.FORMAT_VERSION and manifest["unverified_files"] == []
    counts = {name: len(rows) for name, rows in site.at_backup[0].items()}
    counts["audit_events"] -= 1  # the backup's own event comes after it
    assert manifest["rows"] == counts


def test_backup_prints_the_sha256_and_logs_it(make_app, tmp_path):
    app = make_app()
    target = tmp_path / "nightly.tar.gz"
    result = _cli(app, "backup", str(target))
    assert result.exit_code == 0, result.output
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    assert digest in result.output and "nightly.tar.gz.sha256" in result.output
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "made backup"))
        assert event.changes == {"archive_sha256": [None, digest]}


def test_backup_that_cannot_be_written_says_so_without_a_traceback(make_app, tmp_path):
    app = make_app()
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the backup folder should be")
    result = _cli(app, "backup", str(blocker / "b.tar.gz"))
    assert result.exit_code == 1
    assert "could not be written" in result.output and "Traceback" not in result.output
    assert not list(tmp_path.glob("**/*.partial"))


# --- checks that refuse ----------------------------------------------------------------------


def _crc_error(good: Path, target: Path) -> Path:
    damaged = bytearray(good.read_bytes())
    damaged[-6] ^= 0xFF  # inside the gzip trailer's CRC-32
    target.write_bytes(bytes(damaged))
    return target


def _edit_manifest(**changes):
    def build(good: Path, target: Path) -> Path:
        members = _members(good)
        manifest = _json_member(members, "manifest.json") | changes
        return _pack(target, _replace_json(members, "manifest.json", manifest))

    return build


def _edit_data(edit):
    """An archive whose data.json was edited, with the manifest's row counts kept true."""

    def build(good: Path, target: Path) -> Path:
        members = _members(good)
        data = _json_member(members, "data.json")
        edit(data)
        manifest = _json_member(members, "manifest.json")
        manifest["rows"] = {name: len(rows) for name, rows in data.items()}
        members = _replace_json(members, "data.json", data)
        return _pack(target, _replace_json(members, "manifest.json", manifest))

    return build


def _without_files(good: Path, target: Path) -> Path:
    members = [(m, d) for m, d in _members(good) if not m.name.startswith("files")]
    manifest = _json_member(members, "manifest.json") | {"files": 0}
    return _pack(target, _replace_json(members, "manifest.json", manifest))


def _damaged_stored_file(good: Path, target: Path) -> Path:
    members = _members(good)
    scan = _stored_scan(members)
    return _pack(target, [(m, d.replace(b"%PDF", b"%PDx") if m.name == scan else d)
                          for m, d in members])  # fmt: skip


def _with_member(info: tarfile.TarInfo, data: bytes | None = b"x"):
    def build(good: Path, target: Path) -> Path:
        return _pack(target, [*_members(good), (info, data)])

    return build


def _without(name: str):
    def build(good: Path, target: Path) -> Path:
        return _pack(target, [(m, d) for m, d in _members(good) if m.name != name])

    return build


def _bytes(content: bytes):
    def build(_good: Path, target: Path) -> Path:
        target.write_bytes(content)
        return target

    return build


def _truncated(good: Path, target: Path) -> Path:
    target.write_bytes(good.read_bytes()[: good.stat().st_size * 2 // 3])
    return target


def _sidecar_mismatch(good: Path, target: Path) -> Path:
    target.write_bytes(good.read_bytes())
    Path(f"{target}.sha256").write_text(f"{'0' * 64}  {target.name}\n")
    return target


def _sidecar_garbage(good: Path, target: Path) -> Path:
    target.write_bytes(good.read_bytes())
    Path(f"{target}.sha256").write_text("checked by hand, looked fine\n")
    return target


def _set_value(table: str, column: str, value):
    def edit(data):
        data[table][0][column] = value

    return edit


BROKEN = {
    "missing file": (lambda good, target: target, "does not exist"),
    "not gzip": (_bytes(b"PK\x03\x04 a zip, not a backup"), "not a gzip-compressed file"),
    "empty file": (_bytes(b""), "not a gzip-compressed file"),
    "gzip of text": (_bytes(gzip.compress(b"hello " * 300)), "not a tar archive"),
    "truncated": (_truncated, "ends too early"),
    "CRC error": (_crc_error, "fails the CRC check"),
    "sidecar mismatch": (_sidecar_mismatch, "does not match its checksum file"),
    "sidecar not a checksum": (_sidecar_garbage, "is not a SHA-256 checksum"),
    "no manifest": (_without("manifest.json"), "has no manifest.json"),
    "manifest not JSON": (
        lambda good, target: _pack(target, [(m, b"{" if m.name == "manifest.json" else d)
                                            for m, d in _members(good)]),  # fmt: skip
        "manifest.json cannot be read",
    ),
    "unknown format": (_edit_manifest(format=99), "another version of the registry"),
    "no data": (_without("data.json"), "has no data.json"),
    "wrong revision": (_edit_manifest(revision="0001_foundation"), "schema revision"),
    "no stored files": (_without_files, "lacks the stored file"),
    "damaged stored file": (_damaged_stored_file, "does not match the SHA-256"),
    "file count": (_edit_manifest(files=999), "stored files but the manifest records 999"),
    "row count": (_edit_manifest(rows={"users": 1}), "rows but the manifest records"),
    "unknown table": (_edit_data(lambda d: d.update(intruders=[])), "does not have"),
    "missing table": (_edit_data(lambda d: d.pop("meetings")), "missing from its data"),
    "unknown column": (_edit_data(_set_value("users", "shoe_size", 42)), "row of table users"),
    "bad date": (_edit_data(_set_value("users", "created_at", "yesterday")), "created_at"),
    "text for a number": (_edit_data(_set_value("organisations", "id", "seven")), "column id"),
    "symbolic link": (
        _with_member(_info("files/documents/passwd", tarfile.SYMTYPE, linkname="/etc/passwd"),
                     None),  # fmt: skip
        "unsafe entry",
    ),
    "hard link": (
        _with_member(_info("files/documents/hard", tarfile.LNKTYPE, linkname="data.json"), None),
        "unsafe entry",
    ),
    "path out of its folder": (_with_member(_info("files/../../escaped.txt")), "unsafe entry"),
    "absolute path": (_with_member(_info("/etc/cron.d/registry")), "unsafe entry"),
    "device": (_with_member(_info("files/null", tarfile.CHRTYPE), None), "unsafe entry"),
    "unexpected member": (_with_member(_info("notes.txt")), "never holds: notes.txt"),
    "repeated member": (_with_member(_info("data.json"), b"{}"), "twice"),
}


def _leftovers(app) -> list[Path]:
    return list(Path(app.config["STORAGE_DIR"]).parent.glob(".restore-*"))


@pytest.mark.parametrize("mode", ["restore", "check"])
@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_backup_is_refused_in_one_sentence_and_changes_nothing(site, case, mode):
    build, reason = BROKEN[case]
    target = build(site.archive, site.folder / f"{case.replace(' ', '-')}-{mode}.tar.gz")
    before = _state(site.app)
    option = ["--yes"] if mode == "restore" else ["--check"]
    result = _cli(site.app, "restore", str(target), *option)
    assert result.exit_code == 1, result.output
    assert reason in result.output
    assert "Traceback" not in result.output and "Error" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert _state(site.app) == before
    assert not _leftovers(site.app)


def test_the_refusal_is_in_thai_unless_the_environment_asks_for_english(site, tmp_path):
    target = _without("manifest.json")(site.archive, tmp_path / "no-manifest.tar.gz")
    for env in (NO_LANGUAGE, {**ENGLISH, "LANG": "th_TH.UTF-8"}, {**ENGLISH, "LANG": None}):
        result = _cli(site.app, "restore", str(target), "--yes", env=env)
        assert result.exit_code == 1
        assert "ไม่มี manifest.json" in result.output, result.output
    result = _cli(site.app, "restore", str(target), "--yes", env={**NO_LANGUAGE,
                                                                  "LANGUAGE": "en"})  # fmt: skip
    assert "has no manifest.json" in result.output


def test_data_the_database_refuses_is_rolled_back_with_the_files(site, tmp_path):
    def repeat_a_user(data):
        data["users"].append(dict(data["users"][0]))

    target = _edit_data(repeat_a_user)(site.archive, tmp_path / "repeated-key.tar.gz")
    assert _cli(site.app, "restore", str(target), "--check").exit_code == 0
    before = _state(site.app)
    result = _cli(site.app, "restore", str(target), "--yes")
    assert result.exit_code == 1
    assert "could not be written to the database" in result.output
    assert "nothing has been changed" in result.output and "Traceback" not in result.output
    assert _state(site.app) == before
    assert not _leftovers(site.app)


@pytest.mark.parametrize("answer", ["n\n", ""])
def test_declining_the_confirmation_restores_nothing(site, answer):
    before = _state(site.app)
    result = _cli(site.app, "restore", str(site.archive), input=answer)
    assert result.exit_code == 1
    assert "Nothing has been restored" in result.output and "Aborted" not in result.output
    assert _state(site.app) == before
    assert not _leftovers(site.app)


# --- checks that pass ------------------------------------------------------------------------


def test_check_reports_a_sound_backup_and_changes_nothing(site):
    before = _state(site.app)
    result = _cli(site.app, "restore", "--check", str(site.archive))
    assert result.exit_code == 0, result.output
    digest = hashlib.sha256(site.archive.read_bytes()).hexdigest()
    assert digest in result.output and "passed every check" in result.output
    assert f"{len(site.at_backup[1])} stored files" in result.output
    assert "no checksum file" not in result.output
    assert _state(site.app) == before


def test_check_passes_a_backup_without_sidecar_and_says_there_is_none(site, tmp_path):
    copy = tmp_path / "copied.tar.gz"
    copy.write_bytes(site.archive.read_bytes())
    result = _cli(site.app, "restore", "--check", str(copy))
    assert result.exit_code == 0, result.output
    assert "no checksum file copied.tar.gz.sha256" in result.output


def test_check_reads_a_backup_of_the_first_format(site, tmp_path):
    members = _members(site.archive)
    manifest = _json_member(members, "manifest.json")
    for key in ("files", "file_bytes", "unverified_files"):
        manifest.pop(key)
    old = _pack(tmp_path / "old.tar.gz",
                _replace_json(members, "manifest.json", manifest | {"format": 1}))  # fmt: skip
    result = _cli(site.app, "restore", "--check", str(old))
    assert result.exit_code == 0, result.output


def _without_late_changes(state: tuple) -> tuple:
    """The dump without the audit events of making and restoring backups."""
    dump, files = state
    dump = dict(dump)
    dump["audit_events"] = [
        row for row in dump["audit_events"] if not {"made backup", "restored backup"} & set(row)
    ]
    return dump, files


def test_restore_brings_back_every_row_and_file_and_logs_the_archive(make_app, tmp_path):
    app = make_app()
    assert _cli(app, "seed-demo").exit_code == 0
    archive = tmp_path / "full.tar.gz"
    assert _cli(app, "backup", str(archive)).exit_code == 0
    at_backup = _state(app)
    _cli(app, "create-user", LATE_USER, "--role", "staff", input=f"{PASSWORD}\n")
    storage = Path(app.config["STORAGE_DIR"])
    (storage / "documents").mkdir(exist_ok=True)
    (storage / "documents" / "late.pdf").write_bytes(b"%PDF-1.7 late")
    a_scan = next(storage.glob("agreements/**/*.pdf"))
    a_scan.write_bytes(b"%PDF-1.7 overwritten")

    result = _cli(app, "restore", str(archive), "--yes")
    assert result.exit_code == 0, result.output
    assert "Restored." in result.output
    assert _without_late_changes(_state(app)) == _without_late_changes(at_backup)
    assert not _leftovers(app)
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    with app.app_context():
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "restored backup")
        )
        assert event.changes["archive_sha256"] == [None, digest]
        assert db.session.scalar(sa.select(User).where(User.email == LATE_USER)) is None
    result = _cli(app, "create-user", "after@example.go.th", "--role", "staff",
                  input=f"{PASSWORD}\n")  # fmt: skip
    assert result.exit_code == 0, result.output  # ids go on after the restored rows


def test_a_file_already_missing_at_backup_is_reported_not_fatal(make_app, tmp_path):
    app = make_app()
    assert _cli(app, "seed-demo").exit_code == 0
    with app.app_context():
        scans = sa.select(Agreement.scan_path).where(Agreement.scan_path.is_not(None))
        scan = db.session.scalars(scans).first()
    (Path(app.config["STORAGE_DIR"]) / scan).unlink()
    archive = tmp_path / "with-a-gap.tar.gz"
    result = _cli(app, "backup", str(archive))
    assert result.exit_code == 0, result.output
    assert f"Warning: the stored file {scan}" in result.output
    assert "already missing" in result.output
    manifest = _json_member(_members(archive), "manifest.json")
    assert [(p["path"], p["problem"]) for p in manifest["unverified_files"]] == [(scan, "missing")]

    result = _cli(app, "restore", "--check", str(archive))
    assert result.exit_code == 0, result.output
    assert "already missing" in result.output
    result = _cli(app, "restore", "--yes", str(archive))
    assert result.exit_code == 0, result.output


def test_every_column_that_names_a_stored_file_is_checked(app):
    """A new table that keeps files under STORAGE_DIR must be declared in STORED_FILES, or
    a restore would not check its files."""
    declared = {(table, path) for table, columns in backup.STORED_FILES.items()
                for path, _sha, _size in columns}  # fmt: skip
    with app.app_context():
        found = {(table.name, column.name) for table in db.metadata.sorted_tables
                 for column in table.columns if column.name.endswith("path")}  # fmt: skip
        columns = {table.name: set(table.columns.keys()) for table in db.metadata.sorted_tables}
    assert found == declared
    for table, entries in backup.STORED_FILES.items():
        for entry in entries:
            assert set(entry) <= columns[table]


def test_swapping_the_stored_files_twice_puts_them_back(tmp_path):
    storage, staging = tmp_path / "files", tmp_path / "staging"
    (storage / "a").mkdir(parents=True)
    (storage / "a" / "old.pdf").write_bytes(b"old")
    (staging / "files").mkdir(parents=True)
    (staging / "files" / "new.pdf").write_bytes(b"new")
    backup._swap(storage, staging)
    assert (storage / "new.pdf").read_bytes() == b"new" and not (storage / "a").exists()
    backup._swap(storage, staging)
    assert (storage / "a" / "old.pdf").read_bytes() == b"old"
    assert not (storage / "new.pdf").exists()
