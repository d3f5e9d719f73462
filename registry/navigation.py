"""The main navigation, by role: each entry names the permission that shows it."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .access import SIGNED_IN


@dataclass(frozen=True)
class NavItem:
    """One link in the main menu."""

    endpoint: str
    label: object
    permission: str
    group: str = "main"
    #: Shown only to users who act for an organisation (representatives).
    for_organisation: bool = False


#: Capabilities add their entries here.
NAV_ITEMS: list[NavItem] = [
    NavItem("home.index", _l("Home"), SIGNED_IN),
    NavItem("organisations.index", _l("Organisations"), "organisations.view"),
    NavItem(
        "organisations.mine", _l("My association"), "own_organisation.edit", for_organisation=True
    ),
    NavItem("agreements.index", _l("Agreements"), "agreements.view"),
    NavItem("agreements.mine", _l("Our agreements"), "agreements.own", for_organisation=True),
    NavItem("committees.index", _l("Committees"), "committees.view | committees.own"),
    NavItem("committees.mine", _l("Our committees"), "committees.member", for_organisation=True),
    NavItem(
        "meetings.index", _l("Meetings"), "committees.view | committees.own | committees.member"
    ),
    NavItem("proposals.index", _l("Proposals"), "proposals.view | proposals.own"),
    NavItem("letters.index", _l("Outgoing letters"), "letters.view"),
    NavItem("auth.users", _l("Users"), "users.manage", "admin"),
    NavItem("audit.index", _l("Audit log"), "audit.read", "admin"),
    NavItem("settings.edit", _l("Settings"), "settings.manage", "admin"),
    NavItem("api_tokens.index", _l("API tokens"), "api.tokens", "admin"),
]


def visible_items(group: str) -> list[NavItem]:
    """The entries of a menu group that the signed-in user may open."""
    if not current_user.is_authenticated:
        return []
    return [
        item
        for item in NAV_ITEMS
        if item.group == group
        and (item.permission == SIGNED_IN or current_user.can(item.permission))
        and (not item.for_organisation or current_user.organisation_id is not None)
    ]
