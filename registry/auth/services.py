"""Accounts: passwords, sign-in with throttling, the sessions signed in, and the
administrator's changes to users."""

from __future__ import annotations

import contextlib
import hashlib
import secrets
import threading
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state, manager_of_class, set_committed_value

from .. import audit, cache, mail, submissions, versions
from ..audit.labels import without_internal
from ..audit.models import AuditEvent
from ..audit.services import REDACTED, snapshot
from ..db import db, utcnow
from ..organisations.models import ERASED_NAME, Contact, Invitation, Organisation
from ..organisations.services import personal_data_eraser, personal_data_source
from ..rules import RuleError
from .models import LoginAttempt, Role, User, UserSession


class AccountError(RuleError):
    """A change to an account that the rules do not allow."""


@dataclass
class SignInResult:
    """What a sign-in try came to: the user, or the reason it was refused."""

    user: User | None = None
    error: str | None = None
    status: int = 200
    #: The key of the session opened, for the cookie.
    session_key: str | None = None


#: One password hashed or checked at a time in a process: each takes the hasher's working
#: memory while it runs (64 MiB with Argon2's default parameters), and sign-ins answered at
#: once by a server worker's threads would otherwise add theirs up (four: 256 MiB).
_hashing = threading.Lock()


def _hasher() -> PasswordHasher:
    if current_app.config.get("PASSWORD_HASH_FAST"):
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()


def hash_password(password: str) -> str:
    """An Argon2id hash of the password."""
    with _hashing:
        return _hasher().hash(password)


def verify_password(user: User | None, password: str) -> bool:
    """Whether the password is the user's; takes as long when there is no such user."""
    return password_matches(user.password_hash if user is not None else None, password)


def password_matches(stored_hash: str | None, password: str) -> bool:
    """Whether the password matches a stored hash; takes as long when there is none."""
    hasher = _hasher()
    if not stored_hash:
        dummy = _dummy_hash()
        with _hashing, contextlib.suppress(VerificationError):
            hasher.verify(dummy, password)
        return False
    try:
        with _hashing:
            hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    return True


_DUMMY: dict[bool, str] = {}


def _dummy_hash() -> str:
    fast = bool(current_app.config.get("PASSWORD_HASH_FAST"))
    if fast not in _DUMMY:
        _DUMMY[fast] = hash_password("no such account")
    return _DUMMY[fast]


def check_password_rules(password: str) -> None:
    """Refuse a password that is too short or too plain."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise AccountError(
            _("The password must be at least %(n)d characters long.", n=minimum), "password"
        )
    if password.isdigit() or len(set(password)) < 4:
        raise AccountError(
            _("The password is too easy to guess. Choose a less simple one."), "password"
        )


def normalise_email(email: str) -> str:
    """Email addresses are compared in lower case without surrounding spaces."""
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    """The account with this email, if any."""
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


#: How SQLAlchemy makes a ``User`` as a load does (see ``signed_in_user``).
_USERS = manager_of_class(User)


def signed_in_user(user_id: int, session_key: str | None = None) -> User | None:
    """The account a session names, as it stands now, when that session is still open
    (``session_key``, the key its cookie holds); None when either has gone. A bearer
    token's account (the API) has no session: it is asked for without a key.

    The account's columns, the names of the organisation it acts for and the session's being
    open are read in one statement, kept until the next write (``cache.remembered``: ending a
    session writes an audit event), and the account is attached to this request's session
    without a query: once kept, knowing the reader asks the database only for the version
    of the data. The password hash is not kept; it, and a representative's organisation,
    load when asked for (the header shows the organisation's name from what was kept, see
    ``User.organisation_name``)."""
    key_hash = None if session_key is None else session_key_hash(session_key)
    kept = cache.remembered(
        "signed-in account", (user_id, key_hash), lambda: _account_columns(user_id, key_hash)
    )
    if kept is None:
        return None
    columns, organisation_names = kept
    # Made from its stored values as a load makes an object (its state's values set at once:
    # no constructor, validators or change history), then attached as it is; merged only
    # when this session already holds the account.
    account = _USERS.new_instance()
    instance_state(account).dict.update(columns)
    account.kept_organisation_names = organisation_names
    make_transient_to_detached(account)
    session = db.session()
    if sa.inspect(account).key in session.identity_map:
        return session.merge(account, load=False)
    session.add(account)
    return account


def _account_columns(user_id: int, key_hash: str | None) -> tuple[dict, tuple] | None:
    """The account's columns (all but the password hash) and the Thai and English names of
    its organisation (None, None without one), or None."""
    kept = [c for c in User.__table__.columns if c.key != "password_hash"]
    query = (
        sa.select(*kept, Organisation.name_th, Organisation.name_en)
        .select_from(User)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(User.id == user_id)
    )
    if key_hash is not None:
        query = query.where(
            sa.exists().where(
                UserSession.key_hash == key_hash,
                UserSession.user_id == User.id,
                UserSession.ended_at.is_(None),
            )
        )
    row = db.session.execute(query).one_or_none()
    if row is None:
        return None
    *values, name_th, name_en = row
    return dict(zip((c.key for c in kept), values, strict=True)), (name_th, name_en)


# --- sessions ----------------------------------------------------------------------


#: How long the rows of ended or long-unused sessions are kept (pruned at the next sign-in).
SESSIONS_KEPT_FOR = timedelta(days=30)


def session_key_hash(key: str) -> str:
    """The stored form of a session key: its SHA-256, so the table alone opens nothing."""
    return hashlib.sha256(key.encode()).hexdigest()


def open_session(user: User, address: str | None = None) -> str:
    """Add a new open session for the user to the transaction; its key, for the cookie.
    The caller commits it with the audit event of the sign-in. The user's own rows that
    ended, or went unused, ``SESSIONS_KEPT_FOR`` ago are removed on the way."""
    now = utcnow()
    cutoff = now - max(SESSIONS_KEPT_FOR, current_app.permanent_session_lifetime)
    db.session.execute(
        sa.delete(UserSession).where(
            UserSession.user_id == user.id,
            sa.or_(UserSession.ended_at < cutoff, UserSession.last_seen_at < cutoff),
        )
    )
    key = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(
            key_hash=session_key_hash(key),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            address=(address or None) and address[:45],
        )
    )
    return key


def start_session(user: User, address: str | None = None) -> str:
    """Open a session for a user who has just proved who they are another way and been
    audited for it (an invitation accepted); commits. The key, for the cookie."""
    key = open_session(user, address)
    db.session.commit()
    return key


def end_session(session_key: str | None) -> None:
    """End the one session with this key (signing out), in the caller's transaction."""
    if not session_key:
        return
    db.session.execute(
        sa.update(UserSession)
        .where(
            UserSession.key_hash == session_key_hash(session_key), UserSession.ended_at.is_(None)
        )
        .values(ended_at=utcnow())
    )


def end_sessions(user: User, keep: str | None = None) -> None:
    """End every open session of the user but the one with key ``keep``, in the caller's
    transaction (a password change keeps the session it was made in)."""
    condition = [UserSession.user_id == user.id, UserSession.ended_at.is_(None)]
    if keep:
        condition.append(UserSession.key_hash != session_key_hash(keep))
    db.session.execute(sa.update(UserSession).where(*condition).values(ended_at=utcnow()))


def note_session_seen(session_key: str) -> None:
    """Note that a session is in use now (called about once a minute per session, when its
    cookie is renewed). Nothing kept between requests depends on it, so the write does not
    move the data version (``cache.unversioned``); a database that is busy skips it."""
    try:
        with cache.unversioned():
            db.session.execute(
                sa.update(UserSession)
                .where(
                    UserSession.key_hash == session_key_hash(session_key),
                    UserSession.ended_at.is_(None),
                )
                .values(last_seen_at=utcnow())
            )
            db.session.commit()
    except sa.exc.SQLAlchemyError as error:
        db.session.rollback()
        current_app.logger.warning("session not noted as seen: %s", error)


# --- sign-in -----------------------------------------------------------------------


def _recent_failures(column, value: str, since) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(LoginAttempt.id)).where(
            column == value, LoginAttempt.at >= since, LoginAttempt.succeeded.is_(False)
        )
    )


def is_throttled(email: str, address: str) -> bool:
    """Whether too many recent failures for this account or this address block a new try."""
    config = current_app.config
    window_start = utcnow() - timedelta(minutes=config["LOGIN_LOCK_MINUTES"])
    last_success = db.session.scalar(
        sa.select(sa.func.max(LoginAttempt.at)).where(
            LoginAttempt.email == email, LoginAttempt.succeeded.is_(True)
        )
    )
    since_account = max(window_start, last_success) if last_success else window_start
    return (
        _recent_failures(LoginAttempt.email, email, since_account)
        >= config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
        or _recent_failures(LoginAttempt.address, address, window_start)
        >= config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    )


def authenticate(email: str, password: str, address: str) -> SignInResult:
    """Check a sign-in try: throttling, the password, the account's state; record the try."""
    email = normalise_email(email)
    address = address or "unknown"
    if is_throttled(email, address):
        minutes = current_app.config["LOGIN_LOCK_MINUTES"]
        return SignInResult(
            error=_(
                "Too many failed sign-in attempts. Please wait %(minutes)d minutes and try again.",
                minutes=minutes,
            ),
            status=429,
        )
    user = find_user_by_email(email)
    stored_hash = user.password_hash if user is not None else None
    # The password is checked with no transaction open: hashing takes a noticeable moment,
    # and a sign-in is a write, which on SQLite holds the write lock for its whole
    # transaction; colleagues saving at the same moment would wait for the hash.
    db.session.rollback()
    ok = password_matches(stored_hash, password)
    db.session.add(LoginAttempt(email=email, address=address, succeeded=ok))
    if not ok:
        db.session.commit()
        return SignInResult(error=_("The email or password is incorrect."), status=401)
    if not user.active:
        db.session.commit()
        return SignInResult(
            error=_(
                "This account has been deactivated. Please contact the registry administrator."
            ),
            status=403,
        )
    _note_sign_in(user)
    if _hasher().check_needs_rehash(user.password_hash):
        with audit.change(user, user, "password hash renewed"):
            user.password_hash = hash_password(password)
    key = open_session(user, address)
    db.session.commit()
    return SignInResult(user=user, session_key=key)


def _note_sign_in(user: User) -> None:
    """Record when the user signed in, with its audit event. Written beside the account's
    version, not as an edit of the account: an administrator who has the account's form
    open is not told that someone changed it."""
    table = User.__table__
    before, now = user.last_sign_in_at, utcnow()
    db.session.execute(sa.update(table).where(table.c.id == user.id).values(last_sign_in_at=now))
    set_committed_value(user, "last_sign_in_at", now)
    audit.record_event(
        user,
        "signed in",
        user,
        {"last_sign_in_at": [before.isoformat() if before else None, now.isoformat()]},
    )


def record_sign_out(user: User, session_key: str | None = None) -> None:
    """End the session signed out of (this one only: the user's sessions elsewhere stay
    open), with an audit event."""
    end_session(session_key)
    audit.record_event(user, "signed out", user)
    db.session.commit()


# --- the user's own account --------------------------------------------------------


def change_own_password(
    user: User, current: str, new: str, keep_session: str | None = None
) -> None:
    """Set a new password after checking the current one; the user's other sessions end,
    the one with key ``keep_session`` (where the change was made) stays open."""
    if not verify_password(user, current):
        raise AccountError(_("The current password is incorrect."), "current_password")
    check_password_rules(new)
    if verify_password(user, new):
        raise AccountError(_("The new password must differ from the current one."), "new_password")
    with audit.change(user, user, "changed password"):
        user.password_hash = hash_password(new)
        user.must_change_password = False
        user.session_version += 1
    end_sessions(user, keep=keep_session)
    db.session.commit()


def set_language(user: User, locale: str) -> None:
    """Remember the user's language."""
    if user.locale == locale:
        return
    with audit.change(user, user, "changed language"):
        user.locale = locale
    db.session.commit()


# --- the administrator's changes ---------------------------------------------------


def _check_role_and_organisation(role: Role, organisation_id: int | None) -> None:
    if role is Role.REPRESENTATIVE and not organisation_id:
        raise AccountError(_("A representative must belong to an organisation."), "organisation_id")


def create_user(
    *,
    email: str,
    full_name: str,
    role: Role,
    password: str,
    actor,
    organisation_id: int | None = None,
    must_change_password: bool = True,
    submission: str | None = None,
) -> User:
    """Open an account; the email must be new. ``submission``: the form's one-time token;
    the same form sent again raises ``submissions.AlreadySaved``."""
    with submissions.once(submission, actor) as claim:
        email = normalise_email(email)
        if find_user_by_email(email):
            raise AccountError(_("An account with this email already exists."), "email")
        _check_role_and_organisation(role, organisation_id)
        check_password_rules(password)
        user = User(
            email=email,
            full_name=full_name.strip(),
            role=role,
            organisation_id=organisation_id if role is Role.REPRESENTATIVE else None,
            password_hash=hash_password(password),
            must_change_password=must_change_password,
        )
        with audit.change(user, actor, "created"):
            pass
        claim.made(user)
    db.session.commit()
    return user


def update_user(
    user: User,
    *,
    full_name: str,
    email: str,
    role: Role,
    organisation_id,
    actor,
    lock_version: int | None = None,
):
    """Change an account's name, email, role or organisation. ``lock_version``: the version
    the form was read at; a save from an older one is refused."""
    with versions.saving(user, lock_version):
        email = normalise_email(email)
        other = find_user_by_email(email)
        if other is not None and other.id != user.id:
            raise AccountError(_("An account with this email already exists."), "email")
        _check_role_and_organisation(role, organisation_id)
        if user.id == getattr(actor, "id", None) and role is not Role.ADMIN:
            raise AccountError(
                _("You cannot take the administrator role away from yourself."), "role"
            )
        with audit.change(user, actor, "updated"):
            user.full_name = full_name.strip()
            user.email = email
            user.role = role
            user.organisation_id = organisation_id if role is Role.REPRESENTATIVE else None
        db.session.commit()


def deactivate_user(user: User, actor) -> None:
    """Stop an account from signing in, and end its sessions."""
    if user.id == getattr(actor, "id", None):
        raise AccountError(_("You cannot deactivate your own account."))
    if not user.active:
        raise AccountError(_("This account is already deactivated."))
    with audit.change(user, actor, "deactivated"):
        user.active = False
        user.session_version += 1
    end_sessions(user)
    db.session.commit()


def reactivate_user(user: User, actor) -> None:
    """Let a deactivated account sign in again."""
    if user.active:
        raise AccountError(_("This account is already active."))
    with audit.change(user, actor, "reactivated"):
        user.active = True
    db.session.commit()


def reset_password(user: User, new_password: str, actor) -> None:
    """Give an account a temporary password that must be changed at the next sign-in."""
    check_password_rules(new_password)
    with audit.change(user, actor, "reset password"):
        user.password_hash = hash_password(new_password)
        user.must_change_password = True
        user.session_version += 1
    end_sessions(user)
    db.session.commit()
    mail.send(
        [user.email],
        _("Your DGTi Registry password was reset"),
        _(
            "An administrator has reset the password of your account %(email)s. "
            "Ask them for the temporary password; you will choose a new one when you sign in.",
            email=user.email,
        ),
    )


# --- personal data (PDPA): the accounts made for a contact --------------------------------------

#: The address an erased account is given, so the unique email rule still holds.
ERASED_EMAIL = "erased-{id}@erased.invalid"


def contact_accounts(contact: Contact) -> list[User]:
    """The sign-in accounts made for a contact person: by invitation, or with their email at
    their organisation."""
    invited = sa.select(Invitation.user_id).where(
        Invitation.contact_id == contact.id, Invitation.user_id.is_not(None)
    )
    conditions = [User.id.in_(invited)]
    if contact.email:
        conditions.append(
            sa.and_(User.email == contact.email, User.organisation_id == contact.organisation_id)
        )
    return list(db.session.scalars(sa.select(User).where(sa.or_(*conditions))))


@personal_data_source
def accounts_of_contact(contact: Contact) -> tuple[str, list[dict]]:
    """The person's accounts for an access request, without what is never shown (the password
    hash, the session version) or internal columns."""
    return "accounts", [
        {
            key: value
            for key, value in without_internal(snapshot(user)).items()
            if key not in user.__audit_redact__
        }
        for user in contact_accounts(contact)
    ]


@personal_data_eraser
def erase_contact_accounts(contact: Contact) -> None:
    """Close and anonymise every account made for a person whose data is erased."""
    for user in contact_accounts(contact):
        _erase_account(user)


def _erase_account(user: User) -> None:
    """Close an account and remove the person from it and from its traces in the log."""
    old_email = user.email
    new_email = ERASED_EMAIL.format(id=user.id)
    db.session.execute(sa.delete(LoginAttempt).where(LoginAttempt.email == old_email))
    db.session.execute(
        sa.update(AuditEvent).where(AuditEvent.actor_id == user.id).values(actor_label=new_email)
    )
    for event in db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.record_type == "users", AuditEvent.record_id == user.id
        )
    ):
        event.changes = {field: [REDACTED, REDACTED] for field in event.changes}
        event.record_label = ERASED_NAME
    user.email = new_email
    user.full_name = ERASED_NAME
    user.password_hash = None
    user.active = False
    user.session_version += 1
    end_sessions(user)
    audit.record_event(None, "erased personal data", user, label=ERASED_NAME)
