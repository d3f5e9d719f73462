"""The roles a user may hold and the named permissions each grants (the account model and the
enforcement of access both read them)."""

from __future__ import annotations

import enum

from ..access import ANY_OF


class Role(enum.StrEnum):
    """What a user is in the registry; the permissions follow from it."""

    ADMIN = "admin"
    STAFF = "staff"
    SECRETARY = "secretary"
    REPRESENTATIVE = "representative"


ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.ADMIN: frozenset({"users.manage", "audit.read", "settings.manage", "api.tokens"}),
    Role.STAFF: frozenset(
        {
            "organisations.view",
            "organisations.edit",
            "organisations.import",
            "organisations.export",
            "contacts.edit",
            "contacts.personal_data",
            "representatives.invite",
            "agreements.view",
            "agreements.edit",
            "agreements.approve",
            # Signing with the agency's certificate (PAdES); administrators hold it as well.
            "documents.sign",
            "committees.view",
            "committees.manage",
            "proposals.view",
            "proposals.manage",
            "proposals.schedule",
            "letters.view",
        }
    ),
    # A secretary's permission reaches only the committees where they hold a secretary seat.
    Role.SECRETARY: frozenset({"committees.own", "proposals.view", "proposals.schedule"}),
    # A representative's permissions reach only their own organisation (checked per record).
    Role.REPRESENTATIVE: frozenset(
        {
            "own_organisation.edit",
            "contacts.edit",
            "agreements.own",
            "committees.member",
            "proposals.own",
        }
    ),
}


def role_has(role: Role, permission: str) -> bool:
    """Whether a role grants a permission (or one of "a | b"); admins hold every permission."""
    if ANY_OF in permission:
        return any(role_has(role, name) for name in permission.split(ANY_OF))
    return role is Role.ADMIN or permission in ROLE_PERMISSIONS.get(role, frozenset())
