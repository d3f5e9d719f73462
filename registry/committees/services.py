"""The rules for committees and their seats: create, edit, dissolve; appoint and end.

Every change is audited and committed here. Committees are dissolved, never deleted;
seats are ended, never deleted. The rules that span dates (one sitting chair, one sitting
seat per person) are checked inside the transaction that writes, after locking the
committee row, so two appointments made at the same moment cannot both pass.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _

from .. import audit, submissions, versions
from ..auth.models import Role, User
from ..db import db
from ..i18n import format_date
from ..organisations.models import Contact, Organisation, name_key
from ..rules import RuleError, clean_text, plausible_date
from .models import (
    NEEDS_PARENT,
    SECRETARIAT,
    Committee,
    CommitteeKind,
    MemberRole,
    Membership,
    QuorumRule,
)

BANGKOK = ZoneInfo("Asia/Bangkok")

#: The fields a form may set on a committee (dissolution has its own action).
COMMITTEE_FIELDS = (
    "kind",
    "parent_id",
    "name_th",
    "name_en",
    "mandate",
    "order_number",
    "order_date",
    "established_on",
    "quorum_rule",
    "quorum_number",
)


class CommitteeError(RuleError):
    """A change to a committee or a seat that the rules refuse."""


def today() -> date:
    """Today's date in Thailand."""
    return datetime.now(BANGKOK).date()


def lock_committee(committee: Committee) -> None:
    """Hold the committee row until the commit, so the rules of its seats and of its meetings
    are checked one change at a time."""
    if committee.id is not None:
        db.session.execute(
            sa.select(Committee.id).where(Committee.id == committee.id).with_for_update()
        )


# --- committees ----------------------------------------------------------------------------


def committee_values(details: dict, committee: Committee | None = None) -> dict:
    """A committee's fields normalised and checked; raises CommitteeError at the first fault."""
    values = {key: clean_text(details.get(key)) for key in COMMITTEE_FIELDS}
    if not values["name_th"]:
        raise CommitteeError(_("Enter the committee's name in Thai."), "name_th")
    same = db.session.scalar(
        sa.select(Committee).where(Committee.name_key == name_key(values["name_th"]))
    )
    if same is not None and same is not committee:
        raise CommitteeError(
            _("A committee with this name already exists."), "name_th", existing_id=same.id
        )
    try:
        values["kind"] = CommitteeKind(values["kind"]) if values["kind"] else None
    except ValueError:
        values["kind"] = None
    if values["kind"] is None:
        raise CommitteeError(_("Choose what kind of committee this is."), "kind")
    values["parent_id"] = _parent_id(values, committee)
    for field in ("order_date", "established_on"):
        plausible_date(values[field], field, CommitteeError)
    if values["established_on"] is None:
        raise CommitteeError(_("Enter the day the committee was established."), "established_on")
    if committee is not None:
        earliest = db.session.scalar(
            sa.select(sa.func.min(Membership.term_start)).where(
                Membership.committee_id == committee.id
            )
        )
        if earliest is not None and values["established_on"] > earliest:
            raise CommitteeError(
                _("A member's term starts before this day; the committee must exist by then."),
                "established_on",
            )
    _quorum(values)
    return values


def _parent_id(values: dict, committee: Committee | None) -> int | None:
    parent_id = values["parent_id"]
    if values["kind"] not in NEEDS_PARENT:
        if parent_id:
            raise CommitteeError(
                _("A joint committee does not sit under another committee."), "parent_id"
            )
        return None
    if not parent_id:
        raise CommitteeError(_("Choose the committee this one reports to."), "parent_id")
    parent = db.session.get(Committee, int(parent_id))
    if parent is None:
        raise CommitteeError(_("Choose the committee this one reports to."), "parent_id")
    if committee is not None and (parent is committee or committee in parent.ancestors()):
        raise CommitteeError(
            _("A committee cannot report to itself or to one of its own subcommittees."),
            "parent_id",
        )
    if not parent.active and (committee is None or committee.parent_id != parent.id):
        raise CommitteeError(_("That committee has been dissolved."), "parent_id")
    return parent.id


def _quorum(values: dict) -> None:
    try:
        values["quorum_rule"] = QuorumRule(values["quorum_rule"] or QuorumRule.MORE_THAN_HALF)
    except ValueError:
        raise CommitteeError(_("Choose how the quorum is counted."), "quorum_rule") from None
    if values["quorum_rule"] is QuorumRule.FIXED:
        number = values["quorum_number"]
        if not isinstance(number, int) or not 1 <= number <= 999:
            raise CommitteeError(
                _("Enter how many members make a quorum (1 or more)."), "quorum_number"
            )
    else:
        values["quorum_number"] = None


def create_committee(*, actor, submission: str | None = None, **details) -> Committee:
    """Set up a committee. ``submission``: the form's one-time token; the same form sent
    again raises ``submissions.AlreadySaved``."""
    with submissions.once(submission, actor) as claim:
        values = committee_values(details)
        committee = Committee(**values)
        with audit.change(committee, actor, "created"):
            pass
        claim.made(committee)
    db.session.commit()
    return committee


def update_committee(
    committee: Committee, *, actor, lock_version: int | None = None, **details
) -> None:
    """Change a committee's details; fields not given keep their values. ``lock_version``:
    the version the form was read at; a save from an older one is refused."""
    with versions.saving(committee, lock_version):
        if not committee.active:
            raise CommitteeError(
                _("This committee has been dissolved; it can no longer be changed.")
            )
        current = {key: getattr(committee, key) for key in COMMITTEE_FIELDS}
        values = committee_values(current | details, committee)
        lock_committee(committee)
        with audit.change(committee, actor, "updated"):
            for key, value in values.items():
                setattr(committee, key, value)
        db.session.commit()


def dissolve_committee(
    committee: Committee,
    actor,
    *,
    dissolved_on: date,
    reason: str,
    lock_version: int | None = None,
) -> None:
    """Dissolve a committee: the seats still held end that day; the record and history stay.
    ``lock_version``: the version the form was read at; one older is refused."""
    reason = clean_text(reason)
    with versions.saving(committee, lock_version):
        if not committee.active:
            raise CommitteeError(_("This committee has already been dissolved."))
        _dissolve(committee, actor, dissolved_on, reason)


def _dissolve(committee: Committee, actor, dissolved_on: date, reason: str | None) -> None:
    plausible_date(dissolved_on, "dissolved_on", CommitteeError)
    if dissolved_on is None:
        raise CommitteeError(_("Enter the day the committee was dissolved."), "dissolved_on")
    if dissolved_on < committee.established_on:
        raise CommitteeError(
            _("The committee cannot be dissolved before it was established."), "dissolved_on"
        )
    if not reason:
        raise CommitteeError(_("Say why the committee was dissolved."), "reason")
    if any(child.active for child in committee.children):
        raise CommitteeError(
            _("Dissolve its subcommittees and working groups first."), "dissolved_on"
        )
    lock_committee(committee)
    for seat in committee.memberships:
        if seat.ended_on is not None and seat.ended_on <= dissolved_on:
            continue
        if seat.term_end is not None and seat.term_end < dissolved_on:
            continue
        with audit.change(seat, actor, "ended"):
            seat.ended_on = max(dissolved_on, seat.term_start)
            seat.end_reason = _("The committee was dissolved.")
    with audit.change(committee, actor, "dissolved"):
        committee.dissolved_on = dissolved_on
        committee.dissolution_reason = reason
    db.session.commit()


# --- seats ----------------------------------------------------------------------------------


def _checked_account(user_id, role: MemberRole) -> int | None:
    if not user_id:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.role is not Role.SECRETARY:
        raise CommitteeError(_("Choose an active secretary account."), "user_id")
    if role not in SECRETARIAT:
        raise CommitteeError(
            _("Only a secretary or assistant secretary seat can have an account that runs the "
              "committee."),
            "user_id",
        )  # fmt: skip
    return user.id


def appoint(
    committee: Committee, *, actor, submission: str | None = None, **details
) -> Membership:
    """Give a person a seat on a committee for a term (the fields of ``_appointed``).
    ``submission``: the form's one-time token; the same form sent again raises
    ``submissions.AlreadySaved``."""
    with submissions.once(submission, actor) as claim:
        seat = _appointed(committee, actor=actor, **details)
        claim.made(seat)
    db.session.commit()
    return seat


def _appointed(
    committee: Committee,
    *,
    actor,
    contact_id,
    role,
    term_start: date | None,
    term_end: date | None = None,
    organisation_id=None,
    appointed_by: str | None = None,
    user_id=None,
) -> Membership:
    """The seat, checked against the rules and audited, not yet committed."""
    if not committee.active:
        raise CommitteeError(_("This committee has been dissolved; no one can be appointed."))
    contact = db.session.get(Contact, int(contact_id)) if contact_id else None
    if contact is None:
        raise CommitteeError(_("Choose the person to appoint."), "contact_id")
    if contact.erased:
        raise CommitteeError(
            _("This person's data has been erased; they cannot be appointed."), "contact_id"
        )
    if not contact.active:
        raise CommitteeError(
            _("This person is a former contact; make them current before appointing them."),
            "contact_id",
        )
    try:
        role = MemberRole(role)
    except ValueError:
        raise CommitteeError(_("Choose the seat the person holds."), "role") from None
    organisation = (
        db.session.get(Organisation, int(organisation_id))
        if organisation_id
        else contact.organisation
    )
    if organisation is None:
        raise CommitteeError(_("Choose the organisation the person represents."), "organisation_id")
    plausible_date(term_start, "term_start", CommitteeError)
    plausible_date(term_end, "term_end", CommitteeError)
    if term_start is None:
        raise CommitteeError(_("Enter the first day of the term."), "term_start")
    if term_start < committee.established_on:
        raise CommitteeError(
            _("The term cannot start before the committee was established (%(day)s).",
              day=format_date(committee.established_on)),
            "term_start",
        )  # fmt: skip
    if term_end is not None and term_end < term_start:
        raise CommitteeError(_("The term cannot end before it starts."), "term_end")
    account = _checked_account(user_id, role)
    lock_committee(committee)
    _check_overlaps(committee, contact.id, role, term_start, term_end)
    seat = Membership(
        committee=committee,
        contact=contact,
        role=role,
        organisation=organisation,
        term_start=term_start,
        term_end=term_end,
        appointed_by=clean_text(appointed_by),
        user_id=account,
    )
    with audit.change(seat, actor, "appointed"):
        pass
    return seat


def _check_overlaps(
    committee: Committee, contact_id: int, role: MemberRole, start: date, last: date | None
) -> None:
    """Refuse a second seat for the person, or a second chair, on any day of the new term."""
    seats = db.session.scalars(
        sa.select(Membership).where(Membership.committee_id == committee.id)
    ).all()
    for seat in seats:
        if not seat.overlaps(start, last):
            continue
        if seat.contact_id == contact_id:
            raise CommitteeError(
                _("This person already holds a seat on the committee during this term."),
                "contact_id",
            )
        if role is MemberRole.CHAIR and seat.role is MemberRole.CHAIR:
            raise CommitteeError(
                _("The committee already has a chair during this term; end that seat first."),
                "role",
            )


def end_membership(
    seat: Membership,
    actor,
    *,
    ended_on: date | None,
    reason: str,
    lock_version: int | None = None,
) -> None:
    """End a seat early; it stays in the committee's history. ``lock_version``: the version
    the form was read at; one older is refused."""
    reason = clean_text(reason)
    with versions.saving(seat, lock_version):
        if seat.ended:
            raise CommitteeError(_("This seat has already ended."))
        plausible_date(ended_on, "ended_on", CommitteeError)
        if ended_on is None:
            raise CommitteeError(_("Enter the day the seat ended."), "ended_on")
        if ended_on < seat.term_start:
            raise CommitteeError(_("The seat cannot end before its term started."), "ended_on")
        if not reason:
            raise CommitteeError(_("Say why the seat ended."), "reason")
        lock_committee(seat.committee)
        with audit.change(seat, actor, "ended"):
            seat.ended_on = ended_on
            seat.end_reason = reason
        db.session.commit()
