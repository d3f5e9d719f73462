"""Uploaded PDF files every domain keeps (signed scans, attachments, letters): the checks
that a file is a PDF within the size limit, and where it is stored under STORAGE_DIR.

A service checks and writes the file first, then saves its record; when the record is
refused or the commit fails, it removes the file again (``remove``)::

    stored = uploads.store_pdf(data, filename, "proposals/attachments", error=ProposalError,
                               field="file", missing=_("Choose the PDF file to upload."))
    try:
        ... record stored.path, stored.sha256, stored.size, stored.filename ...
        db.session.commit()
    except Exception:
        db.session.rollback()
        uploads.remove(stored.path)
        raise
"""

from __future__ import annotations

import hashlib
import re
import uuid
from pathlib import Path
from typing import NamedTuple

from flask import current_app
from flask_babel import gettext as _

from .rules import RuleError

#: The first bytes of every PDF file.
PDF_MAGIC = b"%PDF-"
#: The upload limit when the app sets none (MAX_CONTENT_LENGTH, from MAX_UPLOAD_MB).
DEFAULT_LIMIT = 20 * 1024 * 1024
#: Folders files are kept in: lower-case words joined by / (no "..", no absolute paths).
_FOLDER = re.compile(r"[a-z][a-z0-9_]*(/[a-z][a-z0-9_]*)*")


class StoredFile(NamedTuple):
    """A file written under STORAGE_DIR: where (relative), its fingerprint, size and name."""

    path: str
    sha256: str
    size: int
    filename: str


def limit() -> int:
    """The largest upload accepted, in bytes (the app's MAX_CONTENT_LENGTH)."""
    return int(current_app.config.get("MAX_CONTENT_LENGTH") or DEFAULT_LIMIT)


def looks_like_pdf(data: bytes) -> bool:
    """Whether the bytes are a PDF file: the %PDF- header, an end-of-file mark, and a
    cross-reference offset that points inside the file at a table or stream."""
    if not data.startswith(PDF_MAGIC) or not re.match(rb"%PDF-\d\.\d", data[:8]):
        return False
    tail = data[-2048:]
    if b"%%EOF" not in tail:
        return False
    match = re.search(rb"startxref\s+(\d+)\s+%%EOF", tail)
    if not match:
        return False
    offset = int(match.group(1))
    if offset <= 0 or offset >= len(data):
        return False
    target = data[offset : offset + 40]
    return target.startswith(b"xref") or bool(re.match(rb"\d+\s+\d+\s+obj", target))


def check_pdf(
    data: bytes,
    *,
    error: type[RuleError] = RuleError,
    field: str | None = None,
    missing: str | None = None,
    max_bytes: int | None = None,
) -> None:
    """Refuse (raise ``error`` at ``field``) an empty file, one over the size limit
    (``max_bytes``, at most the app's limit) or one that is not a PDF."""
    if not data:
        raise error(missing or _("Choose the PDF file to upload."), field)
    most = min(max_bytes or limit(), limit())
    if len(data) > most:
        raise error(
            _("The file is larger than %(mb)d MB.", mb=max(most // (1024 * 1024), 1)), field
        )
    if not looks_like_pdf(data):
        raise error(_("The file is not a PDF document."), field)


def storage_root() -> Path:
    """Where stored files live (STORAGE_DIR)."""
    return Path(current_app.config["STORAGE_DIR"])


def store_pdf(
    data: bytes,
    filename: str | None,
    folder: str,
    *,
    error: type[RuleError] = RuleError,
    field: str | None = None,
    missing: str | None = None,
    max_bytes: int | None = None,
) -> StoredFile:
    """Check an uploaded PDF (see ``check_pdf``) and write it under STORAGE_DIR/folder with
    a random name; return where it is and its facts. The name the user gave is kept only
    as a label (its last part, at most 200 characters)."""
    if not _FOLDER.fullmatch(folder):
        raise ValueError(f"bad storage folder: {folder!r}")
    check_pdf(data, error=error, field=field, missing=missing, max_bytes=max_bytes)
    relative = f"{folder}/{uuid.uuid4().hex}.pdf"
    path = storage_root() / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    name = Path((filename or "").replace("\\", "/")).name[:200] or "document.pdf"
    return StoredFile(relative, hashlib.sha256(data).hexdigest(), len(data), name)


def remove(relative: str | None) -> None:
    """Delete a stored file (nothing happens when it is already gone)."""
    if relative:
        (storage_root() / relative).unlink(missing_ok=True)


def stored_path(relative: str | None) -> Path | None:
    """The stored file's path, when it is there."""
    if not relative:
        return None
    path = storage_root() / relative
    return path if path.is_file() else None
