"""The rules for keeping the register of organisations: create, update, deactivate, reactivate.

Every change is audited; organisations are never deleted, only made inactive,
because agreements, committees and history refer to them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from flask_babel import gettext as _

from .. import audit
from ..db import db
from ..rules import RuleError
from .models import Organisation, OrganisationKind, OrganisationStatus, name_key
from .provinces import BY_CODE

#: The fields a form may set on an organisation (status has its own rules).
PROFILE_FIELDS = (
    "name_th",
    "name_en",
    "acronym",
    "kind",
    "registration_number",
    "province",
    "address",
    "website",
    "email",
    "phone",
    "notes",
)


class OrganisationError(RuleError):
    """A change to an organisation that the rules refuse."""


def _clean(value):
    """Text trimmed, and empty text stored as nothing."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _normalised(details: dict) -> dict:
    values = {key: _clean(details.get(key)) for key in PROFILE_FIELDS}
    if values["name_th"]:
        values["name_th"] = " ".join(values["name_th"].split())
    if values["registration_number"]:
        values["registration_number"] = values["registration_number"].upper()
    if values["email"]:
        values["email"] = values["email"].lower()
    values["kind"] = OrganisationKind(values["kind"]) if values["kind"] else None
    return values


def find_by_name(name: str) -> Organisation | None:
    """The organisation whose Thai name matches, ignoring case, spacing and invisible marks."""
    return db.session.scalar(sa.select(Organisation).where(Organisation.name_key == name_key(name)))


def _check(values: dict, organisation: Organisation | None) -> None:
    """Refuse a profile the register cannot hold; the first problem found is raised."""
    own_id = organisation.id if organisation is not None else None
    if not values["name_th"]:
        raise OrganisationError(_("Enter the organisation's name in Thai."), "name_th")
    if values["kind"] is None:
        raise OrganisationError(_("Choose what kind of organisation this is."), "kind")
    same_name = find_by_name(values["name_th"])
    if same_name is not None and same_name.id != own_id:
        raise OrganisationError(
            _("An organisation with this name is already registered."),
            "name_th",
            existing_id=same_name.id,
        )
    if values["province"] and values["province"] not in BY_CODE:
        raise OrganisationError(_("Choose one of the 77 provinces."), "province")
    number = values["registration_number"]
    if number:
        same_number = db.session.scalar(
            sa.select(Organisation).where(Organisation.registration_number == number)
        )
        if same_number is not None and same_number.id != own_id:
            raise OrganisationError(
                _("Another organisation already has this registration number."),
                "registration_number",
                existing_id=same_number.id,
            )


@contextmanager
def _unique_rules_kept() -> Iterator[None]:
    """Turn a duplicate that another user saved at the same moment into a refusal, not a crash."""
    try:
        yield
    except sa.exc.IntegrityError:
        db.session.rollback()
        raise OrganisationError(
            _(
                "Another organisation with this name or registration number was saved a moment "
                "ago. Please check the list of organisations and try again."
            )
        ) from None


def create_organisation(
    *, actor, status: OrganisationStatus = OrganisationStatus.PROSPECT, **details
) -> Organisation:
    """Register a new organisation, as a prospect unless told otherwise."""
    values = _normalised(details)
    _check(values, None)
    if status is OrganisationStatus.INACTIVE:
        raise OrganisationError(_("A new organisation cannot start as inactive."), "status")
    organisation = Organisation(status=status, **values)
    with _unique_rules_kept():
        with audit.change(organisation, actor, "created"):
            pass
        db.session.commit()
    return organisation


def update_organisation(
    organisation: Organisation, *, actor, status: OrganisationStatus | None = None, **details
) -> None:
    """Change an organisation's profile, and move it between prospect and active.

    Fields not given keep their values.
    """
    current = {key: getattr(organisation, key) for key in PROFILE_FIELDS}
    values = _normalised(current | details)
    _check(values, organisation)
    changes_status = status is not None and status is not organisation.status
    if changes_status and (not organisation.active or status is OrganisationStatus.INACTIVE):
        raise OrganisationError(
            _("Use the deactivate and reactivate buttons to change this status."), "status"
        )
    with _unique_rules_kept():
        with audit.change(organisation, actor, "updated"):
            for key, value in values.items():
                setattr(organisation, key, value)
            if status is not None:
                organisation.status = status
        db.session.commit()


def deactivate_organisation(organisation: Organisation, actor) -> None:
    """Mark an organisation inactive; it and its history stay in the register."""
    if not organisation.active:
        raise OrganisationError(_("This organisation is already inactive."))
    with audit.change(organisation, actor, "deactivated"):
        organisation.status = OrganisationStatus.INACTIVE
    db.session.commit()


def reactivate_organisation(organisation: Organisation, actor) -> None:
    """Bring an inactive organisation back as an active partner."""
    if organisation.active:
        raise OrganisationError(_("This organisation is not inactive."))
    with audit.change(organisation, actor, "reactivated"):
        organisation.status = OrganisationStatus.ACTIVE
    db.session.commit()
