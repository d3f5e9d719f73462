"""The main navigation, by role: each entry names the permission that shows it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from .access import SIGNED_IN
from .i18n import current_language, script_root


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


@dataclass(frozen=True)
class MenuEntry:
    """A menu link as a page shows it: its label in the reader's language and its address."""

    endpoint: str
    label: str
    href: str


#: The ``app.extensions`` key of the menus built so far (see ``visible_items``): each is the
#: same for every request of a language and a script root.
_KEPT = "registry_navigation"


def _kept() -> dict:
    kept = current_app.extensions.get(_KEPT)
    if kept is None:
        kept = current_app.extensions[_KEPT] = {}
    return kept


def visible_items(group: str) -> tuple[MenuEntry, ...]:
    """The entries of a menu group that the signed-in user may open, with their labels and
    addresses. Which entries a user sees follows from their role, whether the account is
    active and whether it acts for an organisation (``User.can``); so the entries are made
    once per such kind of reader, language and script root, and kept for the life of the
    process (each request asks for them twice: the main menu and the administration)."""
    user = current_user._get_current_object()
    if not user.is_authenticated:
        return ()
    key = (group, user.role, user.active, user.organisation_id is not None)
    key += (current_language(), script_root())
    kept = _kept()
    entries = kept.get(key)
    if entries is None:
        entries = kept[key] = tuple(
            MenuEntry(item.endpoint, str(item.label), url_for(item.endpoint))
            for item in NAV_ITEMS
            if item.group == group
            and (item.permission == SIGNED_IN or user.can(item.permission))
            and (not item.for_organisation or user.organisation_id is not None)
        )
    return entries


def address_book(app) -> Callable[..., str]:
    """The app's ``fixed_url(endpoint, filename=None)`` for templates: the address of a page
    that takes no values, or of a static file (``filename``), as ``url_for`` builds it, built
    once per script root and kept with the app: the header and footer show the same dozen
    and more of them on every page."""
    kept: dict[tuple, str] = {}

    def fixed_url(endpoint: str, filename: str | None = None) -> str:
        key = (endpoint, filename, script_root())
        href = kept.get(key)
        if href is None:
            values = {} if filename is None else {"filename": filename}
            href = kept[key] = url_for(endpoint, **values)
        return href

    return fixed_url


def frame_parts(app) -> Callable[[str], Markup]:
    """The app's ``frame_part(name)`` for the base template: a partial template of the page
    frame that shows nothing but fixed words and addresses (the stylesheets and scripts, the
    brand and the menu button, the footer), rendered once per language and script root and
    kept with the app, as the address book keeps addresses: every page shows them. A partial
    changed on disk (templates reloaded while developing) is rendered again."""
    kept: dict[tuple, Markup] = {}

    def frame_part(name: str) -> Markup:
        template = app.jinja_env.get_template(name)
        key = (template, current_language(), script_root())
        html = kept.get(key)
        if html is None:
            html = kept[key] = Markup(template.render())  # noqa: S704 (a template, escaped)
        return html

    return frame_part
