"""One record per intent: a create form submitted twice creates one record.

Every create form carries a one-time token (``registry.forms.SubmissionField``), fresh each
time the empty form is shown and kept when it is shown again with errors. The service that
creates the record claims the token first, in the same transaction as the record and its
audit event (``once``): a row in ``form_submissions`` whose token is unique. A second
submission of the same form then finds the first one's row and is answered with the first
result (``submitted_once`` on the view) instead of creating a second record:

- one after the other (a browser retry, back and submit again): the view finds the row
  before doing anything;
- at the same moment (a double click): on PostgreSQL the second insert of the token waits
  on the unique index until the first transaction ends, then fails and finds the first
  result; on SQLite writes are serialised, so the second sees the first.

A create the rules refuse keeps no token (its savepoint is rolled back), so the corrected
form, sent again with the same token, creates the record. A request without a token still
creates (a client that sends none cannot be helped); a malformed token, or one another
user's submission holds, is refused with 400. Rows are kept for ``KEPT_FOR`` (7 days) and
removed by the creates that follow (``purge``), a few at a time.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import wraps

import sqlalchemy as sa
from flask import abort, flash, has_request_context, redirect, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import Mapped, mapped_column

from .db import db, utcnow

#: The name of the token's field in every create form.
FIELD = "submission"
#: What a token looks like: 32 URL-safe characters (24 random bytes).
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{32}")
#: How long a submission is remembered: a form left open longer creates again.
KEPT_FOR = timedelta(days=7)
#: At most this many expired rows are removed by one create.
PURGED_AT_ONCE = 200


class FormSubmission(db.Model):
    """A create form's token, claimed by the submission that created the record."""

    __tablename__ = "form_submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The form's one-time token; the unique index lets only one submission claim it.
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: Who submitted the form; a token is never answered for anyone else.
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: The table of the record the submission created (or acted on).
    record_type: Mapped[str | None] = mapped_column(sa.String(60))
    #: The id of that record.
    record_id: Mapped[int | None] = mapped_column()
    #: When the form was submitted (UTC); rows older than ``KEPT_FOR`` are purged.
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"<FormSubmission {self.record_type} {self.record_id}>"


class AlreadySaved(Exception):
    """The form was submitted before and that submission created the record."""

    def __init__(self, submission: FormSubmission):
        super().__init__(f"already saved: {submission.record_type} {submission.record_id}")
        self.submission = submission


class TokenRefused(ValueError):
    """A token that is malformed, or that another user's submission holds."""


def new_token() -> str:
    """A fresh one-time token for a create form."""
    return secrets.token_urlsafe(24)


def is_token(value) -> bool:
    """Whether ``value`` is shaped like a token this application gives out."""
    return isinstance(value, str) and TOKEN_PATTERN.fullmatch(value) is not None


def sent_token() -> str | None:
    """The token the request's form sent, as sent (None when it sent none or an empty one)."""
    if not has_request_context():
        return None
    return request.form.get(FIELD) or None


def _checked(token: str | None) -> str | None:
    if token is None or token == "":
        return None
    if not is_token(token):
        raise TokenRefused("malformed form token")
    return token


def _holder(token: str) -> FormSubmission | None:
    return db.session.scalar(sa.select(FormSubmission).where(FormSubmission.token == token))


def earlier(token: str | None, user) -> FormSubmission | None:
    """The earlier submission of this token by ``user``, if one created its record.

    Raises TokenRefused for a malformed token or one that another user's submission holds.
    """
    token = _checked(token)
    if token is None:
        return None
    first = _holder(token)
    if first is None:
        return None
    if first.user_id != getattr(user, "id", None):
        raise TokenRefused("the token belongs to another user's submission")
    return first


class Claim:
    """A claimed token, waiting to be told what the submission created (``made``)."""

    def __init__(self, submission: FormSubmission | None):
        self.submission = submission

    def made(self, record=None, *, record_type: str | None = None, record_id: int | None = None):
        """Name the record the submission created (or acted on): the second submission is
        sent to it. The record is flushed first when it has no id yet."""
        if self.submission is None:
            return
        if record is not None:
            if sa.inspect(record).identity is None:
                db.session.add(record)
                db.session.flush()
            identity = sa.inspect(record).identity
            record_type = record_type or record.__tablename__
            if record_id is None and identity and isinstance(identity[0], int):
                record_id = identity[0]
        self.submission.record_type = record_type
        self.submission.record_id = record_id
        db.session.flush()

    @property
    def named(self) -> bool:
        """Whether the created record has been named (always, for a submission without token)."""
        return self.submission is None or self.submission.record_type is not None


@contextmanager
def once(token: str | None, actor) -> Iterator[Claim]:
    """Claim the form's token, then run the block that creates the record; the caller commits.

    The token row is written (flushed) first, inside a savepoint: a concurrent second
    submission waits on the unique index and then raises AlreadySaved. When the block
    raises (the rules refused), the savepoint is rolled back and the token stays unclaimed.
    The block calls ``claim.made(record)``; it may commit itself (the token is then saved
    with that commit). Without a token, or without an actor to keep it for, the block simply
    runs. Raises TokenRefused for a malformed token or another user's.
    """
    token = _checked(token)
    if token is None or getattr(actor, "id", None) is None:
        yield Claim(None)  # no token, or no one to keep it for (the command line)
        return
    savepoint = db.session.begin_nested()
    submission = FormSubmission(token=token, user_id=actor.id)
    db.session.add(submission)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        savepoint.rollback()
        first = _holder(token)
        if first is None or first.user_id != actor.id:
            raise TokenRefused("the token belongs to another user's submission") from None
        raise AlreadySaved(first) from None
    claim = Claim(submission)
    try:
        purge()
        yield claim
        if not claim.named:
            raise RuntimeError("a create claimed a form token without naming its record")
    except BaseException:
        if savepoint.is_active:
            savepoint.rollback()
        raise
    if savepoint.is_active:
        savepoint.commit()


def purge(now: datetime | None = None, limit: int = PURGED_AT_ONCE) -> int:
    """Remove up to ``limit`` submissions older than ``KEPT_FOR``; how many went.

    Runs inside each create's transaction. On PostgreSQL rows another create is already
    removing are skipped (``SKIP LOCKED``), so two creates never wait on each other here.
    """
    cutoff = (now or utcnow()) - KEPT_FOR
    expired = (
        sa.select(FormSubmission.id)
        .where(FormSubmission.created_at < cutoff)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    result = db.session.execute(
        sa.delete(FormSubmission).where(FormSubmission.id.in_(expired.scalar_subquery())),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount


def submitted_once(target: Callable[..., str], message: str | None = None) -> Callable:
    """Answer a create form's second submission with its first result: a redirect to
    ``target(submission, **view_args)`` and a message ("This was already saved." unless
    ``message`` says more). Whether the first finished earlier or at the same moment
    (the service's ``once`` raises AlreadySaved). A malformed or foreign token: 400."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(**view_args):
            if request.method != "POST":
                return view(**view_args)
            try:
                first = earlier(sent_token(), current_user)
                if first is None:
                    return view(**view_args)
            except TokenRefused:
                db.session.rollback()
                abort(400)
            except AlreadySaved as saved:
                first = saved.submission
            location = target(first, **view_args)
            db.session.rollback()
            flash(str(message) if message else _("This was already saved."), "info")
            return redirect(location)

        wrapped.submitted_once = True  # for the tests that walk the create forms
        return wrapped

    return decorate
