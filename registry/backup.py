"""Backup and restore: a consistent copy of every table and every stored file, in one archive.

The archive is a .tar.gz holding ``data.json`` (every row of every table, read in one
transaction), ``files/`` (everything under STORAGE_DIR) and ``manifest.json`` (format,
schema revision, time, row counts, stored-file count). Beside it, ``<archive>.sha256``
holds the archive's own SHA-256 in ``sha256sum`` form, since an archive cannot hold its own
fingerprint. It restores onto either database engine at the same schema revision.

A restore checks everything before it touches anything: the sidecar checksum when there is
one, the gzip and tar structure (the whole archive is read once, every member, the gzip CRC
included), no unexpected or unsafe member, the manifest, the data (every table this
database has, every value readable as its column's type), the schema revision, and every
stored file a record names present with its recorded size and SHA-256. Only then are the
rows replaced, in one transaction, and the stored files swapped in by renaming a folder
prepared beside STORAGE_DIR: a refusal or a failure leaves the database and the files as
they were. Every refusal is a ``BackupError`` whose message says in one sentence, in the
current language, what is wrong.
"""

from __future__ import annotations

import base64
import contextlib
import enum
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import stat
import tarfile
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path, PurePosixPath

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from .audit.models import AuditEvent
from .db import db, utcnow

#: The format this version writes; the formats it reads (1 had no stored-file count).
FORMAT_VERSION = 2
READABLE_FORMATS = (1, 2)
MANIFEST = "manifest.json"
DATA = "data.json"
FILES = "files"
#: The sidecar's name ending: ``registry-....tar.gz.sha256``.
SIDECAR_SUFFIX = ".sha256"
#: The columns that name a file under STORAGE_DIR, with the columns of its SHA-256 and size.
STORED_FILES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "document_versions": (("storage_path", "sha256", "size"),),
    "agreements": (("scan_path", "scan_sha256", "scan_size"),),
    "proposal_attachments": (("path", "sha256", "size"),),
    "proposal_endorsements": (("letter_path", "letter_sha256", "letter_size"),),
    "signed_copies": (("storage_path", "sha256", "size"),),
    "agreement_reviews": (("storage_path", "sha256", "size"),),
}
_CHUNK = 1024 * 1024
_SIDECAR_LINE = re.compile(r"([0-9a-fA-F]{64}) [ *]?(.*)")


class BackupError(RuntimeError):
    """A backup that cannot be made or restored; the message says why, in one sentence."""


@dataclass(frozen=True)
class FileProblem:
    """A stored file a record names that is missing or does not match the record."""

    table: str
    record_id: object
    path: str
    #: "missing" or "damaged".
    problem: str

    def as_dict(self) -> dict:
        """The problem as the manifest keeps it."""
        return {"table": self.table, "id": self.record_id, "path": self.path,
                "problem": self.problem}  # fmt: skip


@dataclass
class Checked:
    """What the checks of an archive found: its manifest, its rows (decoded), its stored
    files (path: SHA-256 and size), its own SHA-256, and what to tell the operator."""

    manifest: dict
    rows: dict[str, list[dict]] = field(default_factory=dict)
    files: dict[str, tuple[str, int]] = field(default_factory=dict)
    sha256: str = ""
    #: Whether a sidecar checksum file was there and matched.
    sidecar: bool = False
    #: Stored files already missing or damaged when the backup was made (restored as they
    #: were backed up, and reported).
    known_problems: list[FileProblem] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        """Rows in every table together."""
        return sum(len(rows) for rows in self.rows.values())


# --- values ---------------------------------------------------------------------------------


def _encode(value):
    if value is None:
        return None
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


def _decode(column: sa.Column, value):
    """A value from data.json as its column holds it; ValueError or TypeError when it is not
    one (a damaged or edited archive)."""
    if value is None:
        return None
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        return value
    if isinstance(column.type, sa.Enum) and column.type.enum_class is not None:
        return column.type.enum_class(value)
    if python_type is object or python_type is dict or python_type is list:  # JSON
        return value
    if python_type is bool:
        if not isinstance(value, bool):
            raise TypeError(value)
        return value
    if python_type is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(value)
        return value
    if python_type is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(value)
        return value
    if not isinstance(value, str):
        raise TypeError(value)
    if python_type is datetime:
        return datetime.fromisoformat(value)
    if python_type is date:
        return date.fromisoformat(value)
    if python_type is time:
        return time.fromisoformat(value)
    if python_type is bytes:
        return base64.b64decode(value, validate=True)
    return value


def _revision(connection) -> str | None:
    from alembic.migration import MigrationContext  # Alembic: for backups, not for serving

    return MigrationContext.configure(connection).get_current_revision()


def _tables() -> list[sa.Table]:
    return list(db.metadata.sorted_tables)


def _storage() -> Path:
    return Path(current_app.config["STORAGE_DIR"])


def sidecar_path(archive: Path) -> Path:
    """Where the archive's SHA-256 is kept: beside it, ``<archive>.sha256``."""
    return archive.with_name(archive.name + SIDECAR_SUFFIX)


def _file_sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _stored_references(rows: dict[str, list[dict]]):
    """(table, id, path, sha256, size) of every stored file the rows name."""
    for table, columns in STORED_FILES.items():
        for row in rows.get(table, ()):
            for path_column, sha_column, size_column in columns:
                path = row.get(path_column)
                if path:
                    yield table, row.get("id"), path, row.get(sha_column), row.get(size_column)


# --- making a backup ------------------------------------------------------------------------


class _Hashing:
    """A file read through, its SHA-256 and size counted on the way."""

    def __init__(self, stream):
        self.stream = stream
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        """Read, counting what was read."""
        chunk = self.stream.read(size)
        self.digest.update(chunk)
        self.size += len(chunk)
        return chunk


def _stored_files(storage: Path) -> list[tuple[str, Path]]:
    """The regular files under STORAGE_DIR (links and other kinds are not backed up),
    as (archive name, path), in a stable order."""
    found = []
    if not storage.is_dir():
        return found
    for folder, folders, names in os.walk(storage, followlinks=False):
        folders.sort()
        for name in sorted(names):
            path = Path(folder) / name
            try:
                regular = stat.S_ISREG(path.lstat().st_mode)
            except FileNotFoundError:  # removed while the backup was being made
                continue
            if regular:
                found.append((f"{FILES}/{path.relative_to(storage).as_posix()}", path))
    return found


def _add_bytes(archive: tarfile.TarFile, name: str, raw: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(raw)
    info.mtime = int(utcnow().timestamp())
    info.mode = 0o644
    archive.addfile(info, io.BytesIO(raw))


def make_backup(target: Path | None = None) -> tuple[Path, str, dict]:
    """Write an archive of the database and the stored files, and its sidecar checksum;
    return the archive's path, its SHA-256 and its manifest (whose ``unverified_files``
    lists stored files already missing or damaged, backed up as they were)."""
    folder = Path(current_app.config["BACKUP_DIR"])
    target = Path(target) if target else folder / f"registry-{utcnow():%Y%m%d-%H%M%S}.tar.gz"
    engine = db.engine
    options = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
    with engine.connect().execution_options(**options) as connection, connection.begin():
        revision = _revision(connection)
        data = {
            table.name: [
                {col.name: _encode(row._mapping[col.name]) for col in table.columns}
                for row in connection.execute(sa.select(table))
            ]
            for table in _tables()
        }
    partial = target.with_name(target.name + ".partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        hashes: dict[str, tuple[str, int]] = {}
        with tarfile.open(partial, "w:gz") as archive:
            _add_bytes(archive, DATA, json.dumps(data, ensure_ascii=False).encode())
            for name, path in _stored_files(_storage()):
                try:
                    stream = path.open("rb")
                except FileNotFoundError:  # removed since: a record naming it is reported
                    continue
                with stream:
                    info = archive.gettarinfo(fileobj=stream, arcname=name)
                    reader = _Hashing(stream)
                    archive.addfile(info, reader)
                hashes[name.removeprefix(FILES + "/")] = (reader.digest.hexdigest(), reader.size)
            problems = [
                FileProblem(table, ident, path, "missing" if path not in hashes else "damaged")
                for table, ident, path, sha256, size in _stored_references(data)
                if hashes.get(path) != (sha256, size)
            ]
            manifest = {
                "format": FORMAT_VERSION,
                "revision": revision,
                "made_at": utcnow().isoformat(),
                "database": engine.dialect.name,
                "rows": {name: len(rows) for name, rows in data.items()},
                "files": len(hashes),
                "file_bytes": sum(size for _sha, size in hashes.values()),
                "unverified_files": [problem.as_dict() for problem in problems],
            }
            _add_bytes(archive, MANIFEST, json.dumps(manifest, ensure_ascii=False).encode())
        digest = _file_sha256(partial)
        partial.replace(target)
        sidecar_path(target).write_text(f"{digest}  {target.name}\n", encoding="utf-8")
    except OSError as error:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise BackupError(
            _(
                "The backup could not be written to %(path)s: %(reason)s.",
                path=target,
                reason=error.strerror or error,
            )
        ) from error
    return target, digest, manifest


# --- checking an archive --------------------------------------------------------------------


def _safe_name(name: str) -> bool:
    """Whether a member's name is a plain relative path that stays inside its folder."""
    if not name or "\\" in name or "\x00" in name or name.startswith("/"):
        return False
    return all(part not in ("", ".", "..") for part in name.split("/"))


def _read_sidecar(source: Path) -> str | None:
    """The SHA-256 the sidecar file records, or None when there is no sidecar."""
    sidecar = sidecar_path(source)
    if not sidecar.exists():
        return None
    try:
        line = sidecar.read_text(encoding="utf-8").strip().splitlines()[0]
        match = _SIDECAR_LINE.fullmatch(line.strip())
    except (OSError, UnicodeDecodeError, IndexError):
        match = None
    if match is None:
        raise BackupError(
            _("The checksum file %(sidecar)s is not a SHA-256 checksum.", sidecar=sidecar)
        )
    return match.group(1).lower()


def _open_source(source: Path):
    """The archive opened for reading, or a refusal that says why it cannot be."""
    if not source.exists():
        raise BackupError(_("The file %(path)s does not exist.", path=source))
    if not source.is_file():
        raise BackupError(_("%(path)s is not a file.", path=source))
    try:
        stream = source.open("rb")
    except OSError as error:
        raise BackupError(
            _("The file %(path)s cannot be read: %(reason)s.", path=source,
              reason=error.strerror or error)  # fmt: skip
        ) from error
    if stream.read(2) != b"\x1f\x8b":
        stream.close()
        raise BackupError(
            _("%(path)s is not a registry backup: it is not a gzip-compressed file.", path=source)
        )
    stream.seek(0)
    return stream


def _damage(source: Path, error: BaseException) -> BackupError:
    """The one-sentence refusal for an archive that cannot be read through."""
    text = str(error)
    if isinstance(error, EOFError) or "unexpected end of data" in text:
        return BackupError(
            _(
                "%(path)s is incomplete: the archive ends too early (it was cut off while "
                "being written or copied).",
                path=source,
            )
        )
    if isinstance(error, gzip.BadGzipFile) and "CRC" in text:
        return BackupError(
            _("%(path)s is damaged: its compressed data fails the CRC check.", path=source)
        )
    if isinstance(error, gzip.BadGzipFile | zlib.error):
        return BackupError(
            _("%(path)s is damaged: its compressed data cannot be read.", path=source)
        )
    if isinstance(error, OSError) and error.errno is not None:
        return BackupError(
            _("The file %(path)s cannot be read: %(reason)s.", path=source,
              reason=error.strerror or error)  # fmt: skip
        )
    return BackupError(
        _("%(path)s is not a registry backup: it is not a tar archive.", path=source)
    )


def _read_members(source: Path, staging: Path | None) -> tuple[bytes, bytes, dict]:
    """Read the whole archive once: every member checked for a safe, expected name and
    kind; the manifest and the data kept; each stored file hashed (and written under
    ``staging`` when given). The gzip stream is read to its end, so its CRC is checked."""
    stream = _open_source(source)
    kept: dict[str, bytes] = {}
    files: dict[str, tuple[str, int]] = {}
    try:
        with stream, gzip.GzipFile(fileobj=stream, mode="rb") as unpacked:
            try:
                with tarfile.open(fileobj=unpacked, mode="r|") as archive:
                    seen: set[str] = set()
                    for member in archive:
                        name = _checked_name(source, member, seen)
                        if member.isdir():
                            continue
                        content = archive.extractfile(member)
                        if name in (MANIFEST, DATA):
                            kept[name] = content.read()
                        else:
                            relative = name.removeprefix(FILES + "/")
                            files[relative] = _copy_member(content, staging, relative)
            except tarfile.TarError:
                _drain(unpacked)  # a damaged gzip stream says so, rather than "not a tar"
                raise
            _drain(unpacked)
    except BackupError:
        raise
    except (OSError, EOFError, tarfile.TarError, zlib.error) as error:
        raise _damage(source, error) from error
    if MANIFEST not in kept:
        raise BackupError(
            _("%(path)s is not a registry backup: it has no manifest.json.", path=source)
        )
    if DATA not in kept:
        raise BackupError(_("%(path)s is damaged: it has no data.json.", path=source))
    return kept[MANIFEST], kept[DATA], files


def _checked_name(source: Path, member: tarfile.TarInfo, seen: set[str]) -> str:
    """The member's name, once it is known to be safe, expected and not repeated."""
    name = member.name
    if not _safe_name(name) or not (member.isfile() or member.isdir()):
        raise BackupError(
            _(
                "%(path)s holds an unsafe entry %(name)s (a link, a device, an absolute path "
                "or a path that leads outside its folder).",
                path=source,
                name=name[:200],
            )
        )
    if name in seen:
        raise BackupError(
            _("%(path)s holds the entry %(name)s twice.", path=source, name=name[:200])
        )
    seen.add(name)
    stored = name.startswith(FILES + "/")
    expected = stored or name == FILES if member.isdir() else stored or name in (MANIFEST, DATA)
    if not expected:
        raise BackupError(
            _(
                "%(path)s holds an entry that a registry backup never holds: %(name)s.",
                path=source,
                name=name[:200],
            )
        )
    return name


def _drain(unpacked: gzip.GzipFile) -> None:
    """Read the rest of the gzip stream, so that its CRC and length are checked."""
    while unpacked.read(_CHUNK):
        pass


def _copy_member(member, staging: Path | None, relative: str) -> tuple[str, int]:
    """Hash a stored file's bytes, writing them under ``staging`` when given."""
    reader = _Hashing(member)
    if staging is None:
        while reader.read(_CHUNK):
            pass
    else:
        target = staging / PurePosixPath(relative)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            out = target.open("wb")
        except OSError as error:
            raise _cannot_place(error) from error
        with out:
            while chunk := reader.read(_CHUNK):
                try:
                    out.write(chunk)
                except OSError as error:
                    raise _cannot_place(error) from error
    return reader.digest.hexdigest(), reader.size


def _cannot_place(error: OSError) -> BackupError:
    return BackupError(
        _(
            "The stored files could not be put in place (%(reason)s); nothing has been "
            "changed.",
            reason=error.strerror or error,
        )
    )


def _parse_manifest(source: Path, raw: bytes) -> dict:
    try:
        manifest = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        manifest = None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("rows"), dict):
        raise BackupError(_("%(path)s is damaged: its manifest.json cannot be read.", path=source))
    if manifest.get("format") not in READABLE_FORMATS:
        raise BackupError(
            _(
                "%(path)s was made by another version of the registry (backup format "
                "%(format)s).",
                path=source,
                format=str(manifest.get("format"))[:20],
            )
        )
    return manifest


def _parse_data(source: Path, raw: bytes, manifest: dict) -> dict[str, list[dict]]:
    """The rows of every table, decoded and checked against the tables of this database
    and the counts in the manifest."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict):
        raise BackupError(_("%(path)s is damaged: its data.json cannot be read.", path=source))
    tables = {table.name: table for table in _tables()}
    for name in data:
        if name not in tables:
            raise BackupError(
                _(
                    "%(path)s holds table %(table)s, which this database does not have.",
                    path=source,
                    table=str(name)[:100],
                )
            )
    rows: dict[str, list[dict]] = {}
    for name, table in tables.items():
        if name not in data or not isinstance(data[name], list):
            raise BackupError(
                _("%(path)s is damaged: table %(table)s is missing from its data.",
                  path=source, table=name)  # fmt: skip
            )
        expected = manifest["rows"].get(name)
        if expected != len(data[name]):
            raise BackupError(
                _(
                    "%(path)s is damaged: table %(table)s holds %(found)s rows but the "
                    "manifest records %(expected)s.",
                    path=source,
                    table=name,
                    found=len(data[name]),
                    expected=expected,
                )
            )
        rows[name] = [_decode_row(source, table, row) for row in data[name]]
    return rows


def _decode_row(source: Path, table: sa.Table, row) -> dict:
    columns = table.columns
    if not isinstance(row, dict) or not set(row) <= set(columns.keys()):
        raise BackupError(
            _("%(path)s is damaged: a row of table %(table)s cannot be read.", path=source,
              table=table.name)  # fmt: skip
        )
    decoded = {}
    for column in columns:
        try:
            decoded[column.name] = _decode(column, row.get(column.name))
        except (ValueError, TypeError, LookupError):
            raise BackupError(
                _(
                    "%(path)s is damaged: a value in table %(table)s, column %(column)s, "
                    "cannot be read.",
                    path=source,
                    table=table.name,
                    column=column.name,
                )
            ) from None
    return decoded


def _check_revision(source: Path, manifest: dict, connection) -> None:
    current = _revision(connection)
    if current is None:
        raise BackupError(
            _("The database has no schema yet: run flask db upgrade first, then restore.")
        )
    if manifest.get("revision") != current:
        raise BackupError(
            _(
                "The backup is at schema revision %(backup)s but the database is at "
                "%(database)s: bring the database to revision %(backup)s (flask db upgrade "
                "or downgrade) and restore again.",
                backup=str(manifest.get("revision"))[:40],
                database=current,
            )
        )


def _check_files(source: Path, manifest: dict, checked: Checked) -> None:
    """Every stored file a record names is in the archive with its recorded SHA-256 and
    size, unless the manifest says it was already missing or damaged at backup time."""
    if "files" in manifest and manifest["files"] != len(checked.files):
        raise BackupError(
            _(
                "%(path)s is damaged: it holds %(found)s stored files but the manifest "
                "records %(expected)s.",
                path=source,
                found=len(checked.files),
                expected=manifest["files"],
            )
        )
    known = {
        (item.get("table"), item.get("id"), item.get("path")): item.get("problem")
        for item in manifest.get("unverified_files") or ()
        if isinstance(item, dict)
    }
    for table, ident, path, sha256, size in _stored_references(checked.rows):
        found = checked.files.get(path)
        if found == (sha256, size):
            continue
        problem = "missing" if found is None else "damaged"
        if known.get((table, ident, path)) == problem:
            checked.known_problems.append(FileProblem(table, ident, path, problem))
        elif found is None:
            raise BackupError(
                _(
                    "%(path)s lacks the stored file %(file)s that record %(id)s of "
                    "%(table)s names.",
                    path=source,
                    file=path,
                    id=ident,
                    table=table,
                )
            )
        else:
            raise BackupError(
                _(
                    "The stored file %(file)s in %(path)s does not match the SHA-256 that "
                    "record %(id)s of %(table)s recorded.",
                    path=source,
                    file=path,
                    id=ident,
                    table=table,
                )
            )


def check_backup(source: Path, staging: Path | None = None) -> Checked:
    """Check an archive through and through without changing anything (the stored files
    are written under ``staging`` when given, ready to be put in place); return what was
    found, or raise ``BackupError`` saying what is wrong."""
    source = Path(source)
    recorded = _read_sidecar(source) if source.is_file() else None
    stream = _open_source(source)
    with stream:
        sha256 = hashlib.file_digest(stream, "sha256").hexdigest()
    if recorded is not None and recorded != sha256:
        raise BackupError(
            _(
                "%(path)s does not match its checksum file %(sidecar)s: it was changed or "
                "damaged after the backup was made.",
                path=source,
                sidecar=sidecar_path(source).name,
            )
        )
    raw_manifest, raw_data, files = _read_members(source, staging)
    manifest = _parse_manifest(source, raw_manifest)
    with db.engine.connect() as connection:
        _check_revision(source, manifest, connection)
    checked = Checked(manifest, _parse_data(source, raw_data, manifest), files, sha256,
                      recorded is not None)  # fmt: skip
    _check_files(source, manifest, checked)
    return checked


# --- restoring ------------------------------------------------------------------------------


def restore_backup(
    source: Path, confirm: Callable[[Checked], bool] | None = None
) -> Checked | None:
    """Replace every row and every stored file with the archive's, after every check has
    passed and ``confirm`` (when given) agreed; return what was restored, or None when
    ``confirm`` declined. A refusal or a failure changes nothing."""
    source = Path(source)
    storage = _storage()
    try:
        storage.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=storage.parent))
    except OSError as error:
        raise _cannot_place(error) from error
    try:
        checked = check_backup(source, staging / FILES)
        if confirm is not None and not confirm(checked):
            return None
        (staging / FILES).mkdir(exist_ok=True)
        _replace_everything(source, checked, staging)
        return checked
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _replace_everything(source: Path, checked: Checked, staging: Path) -> None:
    """The rows replaced in one transaction and the stored files swapped in just before it
    commits (and swapped back when it does not)."""
    storage = _storage()
    swapped = False
    with db.engine.connect() as connection:
        transaction = connection.begin()
        try:
            _check_revision(source, checked.manifest, connection)
            for table in reversed(_tables()):
                _empty(connection, table)
            for table in _tables():
                rows = checked.rows.get(table.name)
                if rows:
                    connection.execute(table.insert(), _referred_first(table, rows))
            if connection.dialect.name == "postgresql":
                _reset_sequences(connection)
            connection.execute(
                sa.insert(AuditEvent.__table__).values(
                    at=utcnow(),
                    actor_label="system",
                    action="restored backup",
                    record_type="backup",
                    record_label=str(source)[-300:],
                    changes={
                        "archive_sha256": [None, checked.sha256],
                        "made_at": [None, checked.manifest.get("made_at")],
                    },
                )
            )
            _swap(storage, staging)
            swapped = True
            transaction.commit()
        except BaseException as error:
            if transaction.is_active:
                transaction.rollback()
            if swapped:
                _swap(storage, staging)
            if isinstance(error, sa.exc.SQLAlchemyError):
                raise BackupError(
                    _(
                        "The backup's data could not be written to the database (%(reason)s); "
                        "nothing has been changed.",
                        reason=str(getattr(error, "orig", None) or error).splitlines()[0][:200],
                    )
                ) from error
            if isinstance(error, OSError):
                raise _cannot_place(error) from error
            raise


def _swap(storage: Path, staging: Path) -> None:
    """Exchange STORAGE_DIR and ``staging/files`` by renaming (the same folder, so each
    rename is atomic); doing it twice puts everything back."""
    incoming, parked = staging / FILES, staging / "previous"
    if parked.exists():
        if storage.exists():
            storage.replace(incoming)
        parked.replace(storage)
        return
    if storage.exists():
        storage.replace(parked)
    else:
        parked.mkdir()
    incoming.replace(storage)


def _self_references(table: sa.Table) -> list[tuple[str, str]]:
    """(column, referred column) of each foreign key from a table to itself: a committee's
    parent, the meeting at which a meeting's minutes were certified. Such a row may refer to
    one stored after it, so the rows of these tables are put in order."""
    return [(fk.parent.name, fk.column.name) for fk in table.foreign_keys
            if fk.column.table is table]  # fmt: skip


def _referred_first(table: sa.Table, rows: list[dict]) -> list[dict]:
    """The rows ordered so that each comes after the rows of the same table it refers to."""
    links = _self_references(table)
    if not links:
        return rows
    index = {(target, row[target]): row for _col, target in links for row in rows}
    placed: set[int] = set()
    ordered: list[dict] = []
    for start in rows:
        stack = [start]
        while stack:
            row = stack[-1]
            pending = [
                index[(target, row[column])]
                for column, target in links
                if row[column] is not None
                and (target, row[column]) in index
                and id(index[(target, row[column])]) not in placed
                and index[(target, row[column])] not in stack
            ]
            if pending:
                stack.append(pending[0])
                continue
            stack.pop()
            if id(row) not in placed:
                placed.add(id(row))
                ordered.append(row)
    return ordered


def _empty(connection, table: sa.Table) -> None:
    """Delete every row; rows that others of the same table refer to go last, so that an
    ON DELETE RESTRICT between them is never tripped."""
    if not _self_references(table):
        connection.execute(table.delete())
        return
    key = list(table.primary_key.columns)
    rows = [dict(row._mapping) for row in connection.execute(sa.select(table))]
    for row in reversed(_referred_first(table, rows)):
        connection.execute(table.delete().where(*(col == row[col.name] for col in key)))


def _reset_sequences(connection) -> None:
    for table in _tables():
        for column in table.primary_key.columns:
            if isinstance(column.type, sa.Integer) and column.autoincrement in (True, "auto"):
                top = connection.scalar(sa.select(sa.func.max(column)))
                connection.execute(
                    sa.select(
                        sa.func.setval(
                            sa.func.pg_get_serial_sequence(table.name, column.name),
                            (top or 0) + 1,
                            False,
                        )
                    )
                )
