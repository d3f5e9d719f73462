"""The file an import checked, kept for a while so "Check only" then "Import" does not need it
chosen again.

The file is written under STORAGE_DIR/kept-imports, named by the account and the file's
SHA-256; the user's session (signed by the server) remembers which file, its name and when
it expires. The browser only sends back the fingerprint it was shown, and a kept file is
used only when that fingerprint, the session's record, the account and the bytes on disk
(hashed again) all agree: a client never names a path. Files expire after ``KEEP_MINUTES``
and are removed when the import is done, when another file is kept, or by the next keep
after they expire.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, session

#: How long a checked file is kept for the import.
KEEP_MINUTES = 30
#: Where in the session the kept file is recorded.
SESSION_KEY = "kept_import"
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class KeptFile:
    """A checked file waiting to be imported: its bytes, name and fingerprint."""

    data: bytes
    filename: str
    sha256: str
    expires_at: float


def _folder() -> Path:
    return Path(current_app.config["STORAGE_DIR"]) / "kept-imports"


def _path(user_id: int, sha256: str) -> Path:
    if not _SHA256.fullmatch(sha256):
        raise ValueError("not a SHA-256 fingerprint")
    return _folder() / f"{int(user_id)}-{sha256}"


def keep(data: bytes, filename: str, user_id: int) -> KeptFile:
    """Keep a checked file for the user's import step, in place of any file kept before."""
    forget(user_id)
    _remove_expired()
    sha256 = hashlib.sha256(data).hexdigest()
    path = _path(user_id, sha256)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    partial.write_bytes(data)
    partial.replace(path)
    expires_at = time.time() + KEEP_MINUTES * 60
    session[SESSION_KEY] = {
        "sha256": sha256, "filename": filename[:200], "user": user_id, "expires": expires_at
    }
    return KeptFile(data, filename, sha256, expires_at)


def kept(user_id: int, sha256: str | None = None) -> KeptFile | None:
    """The file this user's session kept (the one with this fingerprint, when given), or None
    when there is none, it has expired or its bytes are not the ones checked."""
    record = session.get(SESSION_KEY)
    if not isinstance(record, dict) or record.get("user") != user_id:
        return None
    if sha256 is not None and record.get("sha256") != sha256:
        return None
    if float(record.get("expires", 0)) < time.time():
        forget(user_id)
        return None
    try:
        path = _path(user_id, str(record.get("sha256", "")))
        data = path.read_bytes()
    except (ValueError, OSError):
        session.pop(SESSION_KEY, None)
        return None
    if hashlib.sha256(data).hexdigest() != record["sha256"]:
        forget(user_id)
        return None
    return KeptFile(data, str(record.get("filename", "")), record["sha256"], record["expires"])


def forget(user_id: int) -> None:
    """Drop the user's kept file, from the session and from the disk."""
    record = session.pop(SESSION_KEY, None)
    if isinstance(record, dict) and record.get("user") == user_id:
        with contextlib.suppress(ValueError):
            _path(user_id, str(record.get("sha256", ""))).unlink(missing_ok=True)


def _remove_expired() -> None:
    """Remove every kept file older than the keeping time (whoever's session kept it)."""
    folder = _folder()
    if not folder.is_dir():
        return
    oldest = time.time() - KEEP_MINUTES * 60
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < oldest:
                path.unlink(missing_ok=True)
        except OSError:
            continue
