"""Reading and changing the administrator's settings."""

from __future__ import annotations

from .. import audit, versions
from ..db import db
from .models import Setting

#: Every setting the application knows, with its default.
DEFAULTS: dict[str, object] = {
    # Write numbers in dates and documents with Thai digits (๐–๙).
    "thai_numerals": False,
    # Refuse the approval of an MOU draft by its author (four eyes). Off by default: turned
    # on, an office where one person writes and approves could no longer approve anything.
    "separate_approver": False,
    # What official letters print about the agency (registry.letters.config.Particulars).
    "letters": {},
    # The emblem printed at the top of letters (registry.letters.config.Emblem), or none.
    "letter_emblem": None,
}


def get_setting(key: str):
    """The value of a setting, or its default when never set."""
    row = db.session.get(Setting, key)
    return DEFAULTS[key] if row is None else row.value


def setting_row(key: str) -> Setting | None:
    """A setting's stored row (None: never set), whose version the settings form carries."""
    return db.session.get(Setting, key)


def set_setting(key: str, value, actor, lock_version: int | None = None) -> None:
    """Change a setting, recording the change. ``lock_version``: the version of the setting
    the form was read at (0: it had never been set); a save from an older one is refused."""
    if key not in DEFAULTS:
        raise KeyError(key)
    stored = db.session.get(Setting, key)
    if stored is None and lock_version not in (None, 0):
        raise versions.ConflictError(known=False)
    with versions.saving(stored, lock_version):
        row = stored or Setting(key=key, value=DEFAULTS[key])
        if row.value == value and row in db.session:
            return
        with audit.change(row, actor, "changed setting"):
            row.value = value
        db.session.commit()
