"""Reading and changing the administrator's settings."""

from __future__ import annotations

from .. import audit
from ..db import db
from .models import Setting

#: Every setting the application knows, with its default.
DEFAULTS: dict[str, object] = {
    # Write numbers in dates and documents with Thai digits (๐–๙).
    "thai_numerals": False,
}


def get_setting(key: str):
    """The value of a setting, or its default when never set."""
    row = db.session.get(Setting, key)
    return DEFAULTS[key] if row is None else row.value


def set_setting(key: str, value, actor) -> None:
    """Change a setting, recording the change."""
    if key not in DEFAULTS:
        raise KeyError(key)
    row = db.session.get(Setting, key) or Setting(key=key, value=DEFAULTS[key])
    if row.value == value and row in db.session:
        return
    with audit.change(row, actor, "changed setting"):
        row.value = value
    db.session.commit()
