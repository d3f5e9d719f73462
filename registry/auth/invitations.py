"""Representative invitations: staff invite a contact by email; the link in the mail works
once, expires, and lets the person choose a password and act for their organisation.

Only the SHA-256 of the secret in the link is stored, so a copy of the database opens
no account. Sending a new invitation to a contact withdraws the ones still open.

They live with the accounts they open (accounts build on organisations and their contacts).
"""

from __future__ import annotations

import hashlib
import secrets
import smtplib
from collections.abc import Iterable
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, get_template_attribute, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from .. import audit, mail, submissions
from ..db import db, utcnow
from ..organisations import timeline
from ..organisations.models import Contact, Invitation, Organisation
from ..rules import RuleError
from . import services as accounts
from .models import Role, User

#: How long a link works when INVITATION_DAYS is not configured.
DEFAULT_DAYS = 7

#: The languages of the invitation mail, in the order they appear.
MAIL_LANGUAGES = ("th", "en")


class InvitationError(RuleError):
    """An invitation the rules refuse to send, withdraw or accept.

    ``status`` is the HTTP status a page answers with when the refusal ends the visit
    (404 for a link that matches nothing, 410 for one that no longer works).
    """

    def __init__(self, message: str, field: str | None = None, status: int = 422):
        super().__init__(message, field)
        self.status = status


def token_hash(token: str) -> str:
    """The SHA-256 (hex) of a link's secret, as stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def invitation_days() -> int:
    """How many days a new link works (INVITATION_DAYS, default 7)."""
    return int(current_app.config.get("INVITATION_DAYS", DEFAULT_DAYS))


def is_open(invitation: Invitation, now=None) -> bool:
    """Whether the link still works: not used, not withdrawn, not expired."""
    now = now or utcnow()
    return (
        invitation.accepted_at is None
        and invitation.revoked_at is None
        and invitation.expires_at > now
    )


# --- inviting ------------------------------------------------------------------------


def _account_conflict(
    email: str, organisation_id: int, known: dict[str, User] | None = None
) -> str | None:
    """Why an existing account with this email cannot become this organisation's
    representative, or None when there is no account or it is one already. ``known``: the
    accounts already read, by email (see ``refusals``)."""
    if known is None:
        user = accounts.find_user_by_email(email)
    else:
        user = known.get(accounts.normalise_email(email))
    if user is None:
        return None
    if user.role is Role.REPRESENTATIVE and user.organisation_id == organisation_id:
        return None
    return _(
        "An account with this email address already exists for another role or "
        "organisation, so it cannot be used to represent this organisation. "
        "Please contact DGTi staff."
    )


def refusal(contact: Contact, known: dict[str, User] | None = None) -> str | None:
    """Why this contact cannot be invited now, or None when they can."""
    if contact.erased:
        return _("This person's data has been erased; they cannot be invited.")
    if not contact.active:
        return _("This person is a former contact; make them current before inviting them.")
    if not contact.organisation.active:
        return _("This organisation is inactive; reactivate it before inviting representatives.")
    if not contact.email:
        return _("This person has no email address; add one before inviting them.")
    return _account_conflict(contact.email, contact.organisation_id, known)


def refusals(contacts: list[Contact]) -> list[tuple[Contact, str | None]]:
    """Each contact with why they cannot be invited now (None when they can): the accounts
    with their email addresses are read in one query, however many people there are."""
    emails = {accounts.normalise_email(contact.email) for contact in contacts if contact.email}
    known = {}
    if emails:
        known = {
            user.email: user
            for user in db.session.scalars(sa.select(User).where(User.email.in_(emails)))
        }
    return [(contact, refusal(contact, known)) for contact in contacts]


def send_invitation(contact: Contact, actor, submission: str | None = None) -> Invitation:
    """Invite a contact to represent their organisation: a new single-use link by email.

    Open invitations to the same person are withdrawn (the newest link replaces them).
    The mail goes first: when it cannot be sent, nothing is kept. ``submission``: the
    button's one-time token; pressed twice, one mail goes and the second press raises
    ``submissions.AlreadySaved``.
    """
    with submissions.once(submission, actor) as claim:
        reason = refusal(contact)
        if reason:
            raise InvitationError(reason)
        token = secrets.token_urlsafe(32)
        now = utcnow()
        invitation = Invitation(
            contact_id=contact.id,
            email=accounts.normalise_email(contact.email),
            token_hash=token_hash(token),
            expires_at=now + timedelta(days=invitation_days()),
            invited_by_id=getattr(actor, "id", None),
        )
        try:
            _mail_invitation(contact, invitation, token)
        except (OSError, smtplib.SMTPException):
            current_app.logger.exception("invitation mail to contact %s failed", contact.id)
            raise InvitationError(
                _(
                    "The invitation email could not be sent, so no invitation was made. "
                    "Try again later."
                )
            ) from None
        for older in open_invitations(contact_ids=[contact.id]):
            with audit.change(older, actor, "revoked invitation"):
                older.revoked_at = now
        with audit.change(invitation, actor, "invited"):
            pass
        claim.made(invitation)
    db.session.commit()
    return invitation


def _render_bilingual(template: str, subject: str, **values) -> str:
    """A mail template with one part per language: its ``message`` macro is rendered in
    each language in turn, then the template puts the parts together."""
    message = get_template_attribute(template, "message")
    parts = []
    for lang in MAIL_LANGUAGES:
        with force_locale(lang):
            parts.append(message(lang=lang, **values))
    return render_template(template, parts=parts, subject=subject).strip() + "\n"


def invitation_link(token: str) -> str:
    """The absolute address of a link, under PUBLIC_BASE_URL: never the host a request came
    by, which the mail would carry to its reader."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return base + url_for("organisations.accept_invitation", token=token)


def _mail_invitation(contact: Contact, invitation: Invitation, token: str) -> None:
    """Mail the link, in Thai then English, with its expiry (Buddhist Era in Thai)."""
    organisation = contact.organisation
    subjects = []
    for lang in MAIL_LANGUAGES:
        with force_locale(lang):
            subjects.append(
                _(
                    "Invitation to represent %(organisation)s in the DGTi Partner Registry",
                    organisation=organisation.display_name(lang),
                )
            )
    values = {
        "name": contact.full_name,
        "organisation": organisation,
        "url": invitation_link(token),
        "expires_at": invitation.expires_at,
    }
    subject = " / ".join(subjects)
    mail.send(
        [invitation.email],
        subject,
        _render_bilingual("mail/invitation.txt", subject, **values),
        html=_render_bilingual("mail/invitation.html", subject, **values),
    )


def revoke_invitation(invitation: Invitation, actor) -> None:
    """Withdraw an invitation whose link has not been used; the link stops working."""
    if invitation.accepted_at is not None:
        raise InvitationError(_("This invitation has already been accepted."))
    if invitation.revoked_at is not None:
        raise InvitationError(_("This invitation has already been withdrawn."))
    with audit.change(invitation, actor, "revoked invitation"):
        invitation.revoked_at = utcnow()
    db.session.commit()


# --- what staff see ----------------------------------------------------------------------


def open_invitations(
    *, contact_ids: Iterable[int] | None = None, organisation_id: int | None = None
) -> list[Invitation]:
    """Invitations whose link still works, for some contacts or an organisation, newest first."""
    query = (
        sa.select(Invitation)
        .join(Invitation.contact)
        .where(
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
        .order_by(Invitation.id.desc())
    )
    if contact_ids is not None:
        query = query.where(Invitation.contact_id.in_(list(contact_ids)))
    if organisation_id is not None:
        query = query.where(Contact.organisation_id == organisation_id)
    return list(db.session.scalars(query))


def representatives(organisation_id: int) -> list[User]:
    """The organisation's representative accounts, active ones first."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.role == Role.REPRESENTATIVE, User.organisation_id == organisation_id)
            .order_by(User.active.desc(), User.sort_key, User.id)
        )
    )


def user_names(user_ids: Iterable[int | None]) -> dict[int, str]:
    """The names of some accounts, by id (who sent which invitation)."""
    ids = {user_id for user_id in user_ids if user_id}
    if not ids:
        return {}
    rows = db.session.execute(sa.select(User.id, User.full_name).where(User.id.in_(ids)))
    return {row.id: row.full_name for row in rows}


# --- accepting ---------------------------------------------------------------------------


def find_by_token(token: str) -> Invitation:
    """The invitation a link opens, when it still works; otherwise say why not.

    Unknown links answer 404; used, withdrawn and expired ones 410.
    """
    invitation = db.session.scalar(
        sa.select(Invitation).where(Invitation.token_hash == token_hash(token))
    )
    if invitation is None:
        raise InvitationError(
            _(
                "This invitation link is not valid. Check that you opened the whole link "
                "from the email, or ask DGTi staff for a new invitation."
            ),
            status=404,
        )
    _check_still_works(invitation)
    return invitation


def _check_still_works(invitation: Invitation) -> None:
    if invitation.accepted_at is not None:
        raise InvitationError(
            _(
                "This invitation link has already been used. Sign in with your email address "
                "and the password you chose."
            ),
            status=410,
        )
    contact = invitation.contact
    if (
        invitation.revoked_at is not None
        or contact.erased
        or not contact.active
        or not contact.organisation.active
    ):
        raise InvitationError(
            _(
                "This invitation has been withdrawn or replaced by a newer one. Use the link "
                "in the most recent invitation email, or ask DGTi staff."
            ),
            status=410,
        )
    if invitation.expires_at <= utcnow():
        raise InvitationError(
            _("This invitation link has expired. Ask DGTi staff to send you a new invitation."),
            status=410,
        )


def check_account(invitation: Invitation) -> None:
    """Refuse an invitation whose email belongs to an account that must not be taken over
    (staff, an administrator, or another organisation's representative)."""
    reason = _account_conflict(invitation.email, invitation.contact.organisation_id)
    if reason:
        raise InvitationError(reason, status=409)


def accept_invitation(invitation: Invitation, password: str) -> User:
    """Use the link: open (or reopen) the person's representative account with the chosen
    password, and mark the invitation used. Works once, even when two tries race.

    Raises InvitationError when the link no longer works or the email belongs to an
    account that cannot be used; AccountError (field ``password``) for a weak password.
    """
    _check_still_works(invitation)
    check_account(invitation)
    accounts.check_password_rules(password)
    password_hash = accounts.hash_password(password)  # slow: before taking the row
    organisation: Organisation = invitation.contact.organisation
    now = utcnow()
    if not _claim(invitation, now):
        raise InvitationError(
            _(
                "This invitation link has already been used. Sign in with your email address "
                "and the password you chose."
            ),
            status=410,
        )
    user = accounts.find_user_by_email(invitation.email)
    try:
        if user is None:
            user = User(
                email=invitation.email,
                full_name=invitation.contact.full_name,
                role=Role.REPRESENTATIVE,
                organisation_id=organisation.id,
                password_hash=password_hash,
                must_change_password=False,
                last_sign_in_at=now,
            )
            with audit.change(user, user, "created"):
                pass
        else:
            with audit.change(user, user, "accepted invitation"):
                user.password_hash = password_hash
                user.active = True
                user.must_change_password = False
                user.session_version += 1
                user.last_sign_in_at = now
            accounts.end_sessions(user)  # those opened with the old password
        with audit.change(invitation, user, "accepted invitation"):
            invitation.accepted_at = now
            invitation.user_id = user.id
        db.session.commit()
    except sa.exc.IntegrityError:  # the same email was given an account a moment ago
        db.session.rollback()
        raise InvitationError(
            _(
                "An account with this email address was opened a moment ago. "
                "Sign in, or ask DGTi staff for help."
            ),
            status=409,
        ) from None
    return user


def _claim(invitation: Invitation, now) -> bool:
    """Mark the invitation used in the database, only if no one else has: one UPDATE whose
    condition is checked by the database, so of two simultaneous tries exactly one wins."""
    still_open = (
        Invitation.id == invitation.id,
        Invitation.accepted_at.is_(None),
        Invitation.revoked_at.is_(None),
        Invitation.expires_at > now,
    )
    claim = sa.update(Invitation).where(*still_open).values(accepted_at=now)
    options = {"synchronize_session": False}
    try:
        result = db.session.execute(claim, execution_options=options)
    except sa.exc.OperationalError:
        # SQLite will not turn this transaction's earlier reads into a write while another
        # transaction writes; PostgreSQL waits and re-checks by itself. Start afresh with
        # the write, which waits its turn and then sees the other's outcome.
        db.session.rollback()
        result = db.session.execute(claim, execution_options=options)
    return result.rowcount == 1


# --- the organisation's timeline -------------------------------------------------------


#: The organisation's newest invitations with the invited person's name parts: one statement
#: built once, the organisation a bound parameter, only the columns the timeline shows.
_INVITATIONS = (
    sa.select(
        Invitation.created_at,
        Invitation.accepted_at,
        Contact.title,
        Contact.first_name,
        Contact.last_name,
        Contact.erased_at,
    )
    .join(Contact, Contact.id == Invitation.contact_id)
    .where(Contact.organisation_id == sa.bindparam("organisation_id"))
    .order_by(Invitation.id.desc())
    .limit(timeline.LIMIT)
)


@timeline.provider
def invitation_entries(organisation: Organisation) -> Iterable[timeline.Entry]:
    """Invitations sent to the organisation's people, and accepted (one statement of plain
    rows)."""
    rows = db.session.execute(_INVITATIONS, {"organisation_id": organisation.id}).all()
    if not rows:
        return
    page = url_for("organisations.representatives", organisation_id=organisation.id)
    invited, accepted = _("Invited as representative"), _("Invitation accepted")
    full_name = Contact.full_name.fget  # the model's way of writing a name, on the row
    for row in rows:
        name = full_name(row)
        yield timeline.Entry(row.created_at, invited, name, page, "contact")
        if row.accepted_at is not None:
            yield timeline.Entry(row.accepted_at, accepted, name, page, "contact")
