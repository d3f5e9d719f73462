"""The words shown for the accounts' roles."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .models import Role

ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.STAFF: _l("DGTi staff"),
    Role.SECRETARY: _l("Committee secretary"),
    Role.REPRESENTATIVE: _l("Association representative"),
}
