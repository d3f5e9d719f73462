"""The rules for keeping the register of organisations: create, update, deactivate, reactivate.

Every change is audited; organisations are never deleted, only made inactive,
because agreements, committees and history refer to them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from flask_babel import gettext as _

from .. import audit, formats, submissions, versions
from ..audit.labels import visible_changes, without_internal
from ..audit.models import AuditEvent
from ..audit.services import REDACTED, snapshot
from ..db import db, utcnow
from ..i18n import to_local
from ..rules import RuleError
from .models import (
    ERASED_NAME,
    Contact,
    Invitation,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    PdpaBasis,
    name_key,
)
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


def _check(values: dict, organisation: Organisation | None, against_register: bool = True) -> None:
    """Refuse a profile the register cannot hold; the first problem found is raised.

    ``against_register=False`` skips the duplicate lookups (the import does them in bulk).
    """
    own_id = organisation.id if organisation is not None else None
    if not values["name_th"]:
        raise OrganisationError(_("Enter the organisation's name in Thai."), "name_th")
    if values["kind"] is None:
        raise OrganisationError(_("Choose what kind of organisation this is."), "kind")
    same_name = find_by_name(values["name_th"]) if against_register else None
    if same_name is not None and same_name.id != own_id:
        raise OrganisationError(
            _("An organisation with this name is already registered."),
            "name_th",
            existing_id=same_name.id,
        )
    if values["province"] and values["province"] not in BY_CODE:
        raise OrganisationError(_("Choose one of the 77 provinces."), "province")
    _check_formats(values, OrganisationError)
    number = values["registration_number"]
    if number and against_register:
        same_number = db.session.scalar(
            sa.select(Organisation).where(Organisation.registration_number == number)
        )
        if same_number is not None and same_number.id != own_id:
            raise OrganisationError(
                _("Another organisation already has this registration number."),
                "registration_number",
                existing_id=same_number.id,
            )


def _check_formats(values: dict, error: type[RuleError]) -> None:
    """Refuse an email, phone, website or registration number that is not well formed."""
    checks = (
        ("email", formats.is_email, formats.EMAIL_MESSAGE),
        ("phone", lambda text: formats.thai_phone_digits(text) is not None, formats.PHONE_MESSAGE),
        ("website", formats.is_web_address, formats.WEBSITE_MESSAGE),
        ("registration_number", formats.is_registration_number,
         formats.REGISTRATION_NUMBER_MESSAGE),
    )  # fmt: skip
    for field, is_valid, message in checks:
        if values.get(field) and not is_valid(values[field]):
            raise error(str(message), field)


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


def organisation_values(
    details: dict, organisation: Organisation | None = None, *, against_register: bool = True
) -> dict:
    """An organisation's profile fields normalised and checked, without writing anything.

    Raises OrganisationError naming the first field at fault (duplicates carry the
    existing record's id); the import uses this to check every row before writing.
    """
    values = _normalised(details)
    _check(values, organisation, against_register)
    return values


def create_organisation(
    *,
    actor,
    status: OrganisationStatus = OrganisationStatus.PROSPECT,
    submission: str | None = None,
    **details,
) -> Organisation:
    """Register a new organisation, as a prospect unless told otherwise. ``submission``: the
    form's one-time token; the same form sent again raises ``submissions.AlreadySaved``."""
    with _unique_rules_kept():
        with submissions.once(submission, actor) as claim:
            values = organisation_values(details)
            if status is OrganisationStatus.INACTIVE:
                raise OrganisationError(
                    _("A new organisation cannot start as inactive."), "status"
                )
            organisation = Organisation(status=status, **values)
            with audit.change(organisation, actor, "created"):
                pass
            claim.made(organisation)
        db.session.commit()
    return organisation


def update_organisation(
    organisation: Organisation,
    *,
    actor,
    status: OrganisationStatus | None = None,
    lock_version: int | None = None,
    **details,
) -> None:
    """Change an organisation's profile, and move it between prospect and active.

    Fields not given keep their values. ``lock_version``: the version the form was read at;
    a save from an older one is refused (``versions.ConflictError``).
    """
    with versions.saving(organisation, lock_version):
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


# --- contacts ------------------------------------------------------------------------

#: The fields a form may set on a contact.
CONTACT_FIELDS = (
    "title",
    "first_name",
    "last_name",
    "position",
    "email",
    "phone",
    "pdpa_basis",
    "consent_date",
)


class ContactError(RuleError):
    """A change to a contact that the rules refuse."""


def contact_values(details: dict) -> dict:
    """A contact's fields normalised and checked, without touching the database.

    Raises ContactError naming the field at fault; the import uses this to check
    every row before anything is written.
    """
    values = {key: _clean(details.get(key)) for key in CONTACT_FIELDS}
    for key in ("title", "first_name", "last_name", "position"):
        if values[key]:
            values[key] = " ".join(values[key].split())
    if values["email"]:
        values["email"] = values["email"].lower()
    if not values["first_name"]:
        raise ContactError(_("Enter the person's given name."), "first_name")
    _check_formats(values, ContactError)
    basis = values["pdpa_basis"]
    try:
        values["pdpa_basis"] = PdpaBasis(basis) if basis else None
    except ValueError:
        values["pdpa_basis"] = None
    if values["pdpa_basis"] is None:
        raise ContactError(
            _("Choose the lawful basis for keeping this person's data."), "pdpa_basis"
        )
    consent = values["consent_date"]
    if values["pdpa_basis"] is PdpaBasis.CONSENT:
        if consent is None:
            raise ContactError(_("Enter the date the person gave consent."), "consent_date")
        if consent > to_local(utcnow()).date():
            raise ContactError(_("The consent date cannot be in the future."), "consent_date")
    else:
        values["consent_date"] = None
    return values


def _check_contact_place(organisation: Organisation) -> None:
    if not organisation.active:
        raise ContactError(
            _("This organisation is inactive; reactivate it before adding contacts.")
        )


def add_contact(
    organisation: Organisation, *, actor, submission: str | None = None, **details
) -> Contact:
    """Add a person to an organisation's contacts. ``submission``: the form's one-time
    token; the same form sent again raises ``submissions.AlreadySaved``."""
    with submissions.once(submission, actor) as claim:
        values = contact_values(details)
        _check_contact_place(organisation)
        contact = Contact(organisation=organisation, **values)
        with audit.change(contact, actor, "created"):
            pass
        claim.made(contact)
    db.session.commit()
    return contact


def _editable(contact: Contact) -> None:
    if contact.erased:
        raise ContactError(_("This person's data has been erased; it can no longer be changed."))


def update_contact(contact: Contact, *, actor, lock_version: int | None = None, **details) -> None:
    """Change a contact's details; fields not given keep their values. ``lock_version``: the
    version the form was read at; a save from an older one is refused."""
    _editable(contact)
    with versions.saving(contact, lock_version):
        current = {key: getattr(contact, key) for key in CONTACT_FIELDS}
        values = contact_values(current | details)
        with audit.change(contact, actor, "updated"):
            for key, value in values.items():
                setattr(contact, key, value)
        db.session.commit()


def deactivate_contact(contact: Contact, actor) -> None:
    """Record that the person is no longer a contact at the organisation (kept for history)."""
    _editable(contact)
    if not contact.active:
        raise ContactError(_("This person is already a former contact."))
    with audit.change(contact, actor, "deactivated"):
        contact.active = False
    db.session.commit()


def reactivate_contact(contact: Contact, actor) -> None:
    """Make a former contact current again."""
    _editable(contact)
    if contact.active:
        raise ContactError(_("This person is already a current contact."))
    _check_contact_place(contact.organisation)
    with audit.change(contact, actor, "reactivated"):
        contact.active = True
    db.session.commit()


# --- personal data (PDPA) ----------------------------------------------------------------

#: Where else a contact's personal data is held. Each capability that keeps data about a
#: contact (committee seats, the sign-in accounts made for the person, for example) registers
#: a function here: it takes the contact and returns ``(section name, list of plain dicts)``
#: for the access-request export.
PERSONAL_DATA_SOURCES: list[Callable[[Contact], tuple[str, list[dict]]]] = []
#: Where else a contact's personal data is erased: each capability that keeps it elsewhere
#: (the accounts package, for the person's sign-in accounts) registers a function that takes
#: the contact, before its fields are emptied, and erases what it holds, in the same
#: transaction.
PERSONAL_DATA_ERASERS: list[Callable[[Contact], None]] = []


def personal_data_source(function: Callable) -> Callable:
    """Register another place that holds a contact's personal data (a decorator)."""
    if function not in PERSONAL_DATA_SOURCES:
        PERSONAL_DATA_SOURCES.append(function)
    return function


def personal_data_eraser(function: Callable) -> Callable:
    """Register another place that erases a contact's personal data (a decorator)."""
    if function not in PERSONAL_DATA_ERASERS:
        PERSONAL_DATA_ERASERS.append(function)
    return function


def _audit_trail(record_type: str, record_ids: list[int]) -> sa.Select:
    return (
        sa.select(AuditEvent)
        .where(AuditEvent.record_type == record_type, AuditEvent.record_id.in_(record_ids))
        .order_by(AuditEvent.id)
    )


def personal_data(contact: Contact, actor) -> dict:
    """Everything the registry holds about a person, for an access request (PDPA section 30).

    The request itself is audited, and committed.
    """
    data = {
        # (without the internal columns: the version, the sorting and search keys)
        "contact": without_internal(snapshot(contact)),
        "organisation": {"id": contact.organisation.id, "name_th": contact.organisation.name_th},
        "invitations": [
            {
                key: value
                for key, value in without_internal(snapshot(invitation)).items()
                if key != "token_hash"
            }
            for invitation in db.session.scalars(
                sa.select(Invitation).where(Invitation.contact_id == contact.id)
            )
        ],
        "history": [
            {
                "at": event.at.isoformat(),
                "action": event.action,
                "by": event.actor_label,
                "changes": visible_changes(event.changes),
            }
            for event in db.session.scalars(_audit_trail("contacts", [contact.id]))
        ],  # fmt: skip
    }
    for source in PERSONAL_DATA_SOURCES:
        section, rows = source(contact)
        data[section] = rows
    audit.record_event(actor, "exported personal data", contact)
    db.session.commit()
    return data


def erase_contact(contact: Contact, actor) -> None:
    """Erase a person on request (PDPA section 33): anonymise, keep the organisation's history.

    The contact record stays (agreements and minutes may refer to it) with every personal
    field emptied; past audit entries about the person keep what happened and when but
    lose the values; open invitations are withdrawn; an account made for the person is
    closed and anonymised.
    """
    if contact.erased:
        raise ContactError(_("This person's data has already been erased."))
    now = utcnow()
    for erase in PERSONAL_DATA_ERASERS:
        erase(contact)
    for event in db.session.scalars(_audit_trail("contacts", [contact.id])):
        event.changes = {field: [REDACTED, REDACTED] for field in event.changes}
        event.record_label = ERASED_NAME
    for invitation in db.session.scalars(
        sa.select(Invitation).where(Invitation.contact_id == contact.id)
    ):
        invitation.email = ""
        if invitation.accepted_at is None and invitation.revoked_at is None:
            invitation.revoked_at = now
    contact.title = contact.last_name = contact.position = None
    contact.email = contact.phone = contact.consent_date = None
    contact.first_name = ERASED_NAME
    contact.active = False
    contact.erased_at = now
    audit.record_event(actor, "erased personal data", contact, label=ERASED_NAME)
    db.session.commit()
