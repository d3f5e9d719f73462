"""Backup and restore: a consistent copy of every table and every stored file, in one archive.

The archive is a .tar.gz holding ``manifest.json`` (schema revision, time, row
counts), ``data.json`` (every row of every table, read in one transaction) and
``files/`` (the stored documents). It restores onto either database engine at
the same schema revision.
"""

from __future__ import annotations

import base64
import enum
import io
import json
import shutil
import tarfile
import tempfile
from datetime import date, datetime, time
from pathlib import Path

import sqlalchemy as sa
from alembic.migration import MigrationContext
from flask import current_app

from .db import db, utcnow

FORMAT_VERSION = 1


class BackupError(RuntimeError):
    """A backup that cannot be made or restored; the message says why."""


def _encode(column: sa.Column, value):
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
    if value is None:
        return None
    python_type = None
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        return value
    if python_type is datetime:
        return datetime.fromisoformat(value)
    if python_type is date:
        return date.fromisoformat(value)
    if python_type is time:
        return time.fromisoformat(value)
    if python_type is bytes:
        return base64.b64decode(value)
    if isinstance(column.type, sa.Enum) and column.type.enum_class is not None:
        return column.type.enum_class(value)
    return value


def _revision(connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _tables() -> list[sa.Table]:
    return list(db.metadata.sorted_tables)


def make_backup(target: Path | None = None) -> Path:
    """Write an archive of the database and the stored files; return its path."""
    folder = Path(current_app.config["BACKUP_DIR"])
    target = target or folder / f"registry-{utcnow():%Y%m%d-%H%M%S}.tar.gz"
    target.parent.mkdir(parents=True, exist_ok=True)
    engine = db.engine
    options = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
    with engine.connect().execution_options(**options) as connection, connection.begin():
        revision = _revision(connection)
        data = {
            table.name: [
                {col.name: _encode(col, row._mapping[col.name]) for col in table.columns}
                for row in connection.execute(sa.select(table))
            ]
            for table in _tables()
        }
    manifest = {
        "format": FORMAT_VERSION,
        "revision": revision,
        "made_at": utcnow().isoformat(),
        "database": engine.dialect.name,
        "rows": {name: len(rows) for name, rows in data.items()},
    }
    storage = Path(current_app.config["STORAGE_DIR"])
    with tarfile.open(target, "w:gz") as archive:
        for name, payload in (("manifest.json", manifest), ("data.json", data)):
            raw = json.dumps(payload, ensure_ascii=False).encode()
            info = tarfile.TarInfo(name)
            info.size = len(raw)
            archive.addfile(info, io.BytesIO(raw))
        if storage.is_dir():
            archive.add(storage, arcname="files")
    return target


def read_manifest(source: Path) -> dict:
    """The manifest of an archive, checked to be one of ours."""
    try:
        with tarfile.open(source, "r:gz") as archive:
            manifest = json.load(archive.extractfile("manifest.json"))
    except (OSError, KeyError, tarfile.TarError, json.JSONDecodeError, TypeError) as error:
        raise BackupError(f"{source} is not a registry backup: {error}") from error
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"{source} has an unknown backup format.")
    return manifest


def restore_backup(source: Path) -> dict:
    """Replace every row and every stored file with the archive's; return its manifest."""
    manifest = read_manifest(source)
    with tempfile.TemporaryDirectory() as scratch, tarfile.open(source, "r:gz") as archive:
        archive.extractall(scratch, filter="data")
        data = json.loads((Path(scratch) / "data.json").read_text())
        with db.engine.begin() as connection:
            current = _revision(connection)
            if current != manifest["revision"]:
                raise BackupError(
                    f"The backup is at schema revision {manifest['revision']} but the database "
                    f"is at {current}. Bring the database to the same revision first."
                )
            for table in reversed(_tables()):
                _empty(connection, table)
            for table in _tables():
                rows = [
                    {col.name: _decode(col, row.get(col.name)) for col in table.columns}
                    for row in data.get(table.name, [])
                ]
                if rows:
                    connection.execute(table.insert(), _referred_first(table, rows))
            if connection.dialect.name == "postgresql":
                _reset_sequences(connection)
        _replace_files(Path(scratch) / "files")
    return manifest


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


def _replace_files(extracted: Path) -> None:
    storage = Path(current_app.config["STORAGE_DIR"])
    if storage.exists():
        shutil.rmtree(storage)
    if extracted.is_dir():
        shutil.copytree(extracted, storage)
    else:
        storage.mkdir(parents=True, exist_ok=True)
