"""The rules of proposals: submitting and editing, the status workflow (one audited call per
step, with a reason), attachments, endorsements (one in force per organisation, withdrawn
never deleted), placing a proposal on a meeting's agenda, annexing it to an agreement, and
the categories.

Every change is checked by permission and state, audited and committed here; a refusal
raises ``ProposalError`` (a ``RuleError``) naming the form field, before anything is written,
and leaves nothing half-saved. Steps that depend on the proposal's status lock its row first,
so two people acting at the same moment are taken one after the other.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from .. import audit, submissions, uploads, versions
from ..agreements.models import Agreement, AgreementStatus
from ..audit.services import diff, snapshot
from ..auth.models import Role
from ..committees.queries import secretary_committee_ids
from ..committees.services import today
from ..db import db, utcnow
from ..i18n import format_date
from ..meetings import services as meeting_services
from ..meetings.models import AgendaItem, AgendaSection, Meeting, MeetingStatus
from ..organisations.models import Contact, Organisation, name_key
from ..rules import RuleError
from .labels import STATUS_LABELS
from .models import (
    AgreementAnnex,
    Attachment,
    Category,
    Endorsement,
    Proposal,
    ProposalKind,
    ProposalStatus,
    StatusChange,
)

S = ProposalStatus

#: Where a proposal may go from each status. On the agenda is reached only by placing the
#: proposal on a meeting's agenda (``place_on_agenda``); withdrawn also by its association.
TRANSITIONS: dict[ProposalStatus, frozenset[ProposalStatus]] = {
    S.SUBMITTED: frozenset({S.SCREENING, S.REJECTED, S.WITHDRAWN}),
    S.SCREENING: frozenset({S.ON_AGENDA, S.REJECTED, S.WITHDRAWN}),
    S.ON_AGENDA: frozenset({S.RECOMMENDED, S.SCREENING, S.REJECTED, S.WITHDRAWN}),
    S.RECOMMENDED: frozenset({S.FORWARDED, S.IN_IMPLEMENTATION, S.REJECTED, S.WITHDRAWN}),
    S.FORWARDED: frozenset({S.IN_IMPLEMENTATION, S.REJECTED, S.WITHDRAWN}),
    S.IN_IMPLEMENTATION: frozenset({S.COMPLETED}),
    S.COMPLETED: frozenset(),
    S.REJECTED: frozenset(),
    S.WITHDRAWN: frozenset(),
}

#: The workflow's order, for showing the steps.
ORDER = (
    S.SUBMITTED,
    S.SCREENING,
    S.ON_AGENDA,
    S.RECOMMENDED,
    S.FORWARDED,
    S.IN_IMPLEMENTATION,
    S.COMPLETED,
)

#: The longest text each field takes.
LIMITS = {
    "title": 300,
    "summary": 5000,
    "problem": 20000,
    "approach": 20000,
    "requested_support": 5000,
    "reason": 5000,
    "forwarded_to": 300,
    "statement": 5000,
    "withdrawal_reason": 5000,
    "agenda_title": 500,
    "agenda_body": 20000,
    "name_th": 200,
    "name_en": 200,
}

#: The fields of a proposal that its form sets.
FIELDS = (
    "kind",
    "title",
    "summary",
    "problem",
    "approach",
    "requested_support",
    "category_id",
    "contact_id",
)

#: The largest attachment or letter, in bytes (never more than the app's upload limit).
MAX_FILE_BYTES = 10 * 1024 * 1024


class ProposalError(RuleError):
    """A change to a proposal that the rules refuse."""


class EndorsementError(ProposalError):
    """An endorsement, or its withdrawal, that the rules refuse."""


class NotYours(ProposalError):
    """A representative acting for an organisation that is not theirs (the page answers 404)."""


# --- who may do what -----------------------------------------------------------------------


def manages(user) -> bool:
    """Whether the user manages every proposal (staff and admins)."""
    return user is not None and user.can("proposals.manage")


def represents(user, organisation_id: int | None) -> bool:
    """Whether the user is a representative acting for this organisation."""
    return (
        user is not None
        and user.role is Role.REPRESENTATIVE
        and user.can("proposals.own")
        and user.organisation_id is not None
        and user.organisation_id == organisation_id
    )


def owns(user, proposal: Proposal) -> bool:
    """Whether the user represents the proposal's submitting organisation."""
    return represents(user, proposal.organisation_id)


def may_edit(user, proposal: Proposal) -> bool:
    """Staff change any proposal not closed; its association only while it is submitted."""
    if manages(user):
        return not proposal.closed
    return owns(user, proposal) and proposal.editable


def may_withdraw(user, proposal: Proposal) -> bool:
    """Staff, or the proposal's association, may withdraw it while the workflow allows."""
    allowed = S.WITHDRAWN in TRANSITIONS[proposal.status]
    return allowed and (manages(user) or owns(user, proposal))


def may_schedule(user, meeting: Meeting) -> bool:
    """Staff place proposals on any meeting's agenda; a secretary on their committees'."""
    if user is None or not user.can("proposals.schedule"):
        return False
    if user.can("committees.manage"):
        return True
    return meeting.committee_id in set(db.session.scalars(secretary_committee_ids(user)))


def may_withdraw_endorsement(user, endorsement: Endorsement) -> bool:
    """Staff, or the endorsing organisation's representative, while the proposal is open."""
    if not endorsement.active or endorsement.proposal.closed:
        return False
    return manages(user) or represents(user, endorsement.organisation_id)


# --- helpers ---------------------------------------------------------------------------------


def _clean(value):
    """Text without stray spaces (single-line text also without doubled ones); None if empty."""
    if isinstance(value, str):
        value = " ".join(value.split()) if "\n" not in value else value.strip()
        return value or None
    return value


def _text(value, field: str, *, required: str | None = None) -> str | None:
    value = _clean(value)
    if not value:
        if required:
            raise ProposalError(required, field)
        return None
    limit = LIMITS[field]
    if len(value) > limit:
        raise ProposalError(_("At most %(max)d characters.", max=limit), field)
    return value


def _lock(proposal: Proposal) -> None:
    """Hold the proposal's row until the commit and read it afresh, so a step is checked
    against the status as it is now, not as the page saw it."""
    if proposal.id is not None:
        db.session.execute(
            sa.select(Proposal)
            .where(Proposal.id == proposal.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )


def _count(proposal: Proposal, delta: int) -> None:
    """Add ``delta`` to the proposal's count of endorsements in force, in one statement."""
    table = Proposal.__table__
    db.session.execute(
        table.update()
        .where(table.c.id == proposal.id)
        # updated_at as it was: an endorsement does not change the proposal itself.
        .values(
            endorsement_count=table.c.endorsement_count + delta,
            updated_at=table.c.updated_at,
        )
    )
    db.session.expire(proposal, ["endorsement_count"])


def _status_label(status: ProposalStatus) -> str:
    return str(STATUS_LABELS[status])


# --- submitting and editing ----------------------------------------------------------------


def _category(value, current: Category | None) -> Category:
    try:
        category = db.session.get(Category, int(value)) if value not in (None, "") else None
    except (TypeError, ValueError):
        category = None
    if category is None:
        raise ProposalError(_("Choose the category."), "category_id")
    if not category.active and category is not current:
        raise ProposalError(_("This category is no longer in use; choose another."), "category_id")
    return category


def _contact(value, organisation_id: int, current: Contact | None) -> Contact | None:
    if value in (None, "", 0, "0"):
        return None
    try:
        contact = db.session.get(Contact, int(value))
    except (TypeError, ValueError):
        contact = None
    if contact is None or contact.organisation_id != organisation_id:
        raise ProposalError(_("Choose a person of the submitting organisation."), "contact_id")
    if contact is not current and (contact.erased or not contact.active):
        raise ProposalError(_("This person is no longer a contact; choose another."), "contact_id")
    return contact


def proposal_values(details: dict, organisation_id: int, proposal: Proposal | None = None):
    """A proposal's fields normalised and checked; raises ProposalError at the first fault."""
    try:
        kind = ProposalKind(details.get("kind"))
    except ValueError:
        raise ProposalError(_("Choose the kind of proposal."), "kind") from None
    values = {
        "kind": kind,
        "title": _text(details.get("title"), "title", required=_("Enter the title.")),
        "summary": _text(details.get("summary"), "summary", required=_("Enter a summary.")),
        "problem": _text(details.get("problem"), "problem"),
        "approach": _text(details.get("approach"), "approach"),
        "requested_support": _text(details.get("requested_support"), "requested_support"),
    }
    if kind is ProposalKind.PROBLEM_STATEMENT and not values["problem"]:
        raise ProposalError(_("Describe the problem the agency faces."), "problem")
    values["category"] = _category(
        details.get("category_id"), proposal.category if proposal else None
    )
    values["contact"] = _contact(
        details.get("contact_id"), organisation_id, proposal.contact if proposal else None
    )
    return values


def _organisation(organisation_id, actor) -> Organisation:
    try:
        organisation = db.session.get(Organisation, int(organisation_id))
    except (TypeError, ValueError):
        organisation = None
    if not manages(actor) and (organisation is None or not represents(actor, organisation.id)):
        raise NotYours(_("You may act only on behalf of your own association."), "organisation_id")
    if organisation is None:
        raise ProposalError(_("Choose the submitting organisation."), "organisation_id")
    if not organisation.active:
        raise ProposalError(
            _("%(name)s is inactive; reactivate it first.", name=organisation.name_th),
            "organisation_id",
        )
    return organisation


def submit_proposal(
    *, actor, organisation_id, submission: str | None = None, **details
) -> Proposal:
    """Submit a proposal: staff for any organisation (an agency's problem statement), a
    representative for their own association. It starts as submitted.
    ``submission``: the form's one-time token; the same form sent again raises
    ``submissions.AlreadySaved``."""
    with submissions.once(submission, actor) as claim:
        if not (manages(actor) or (actor is not None and actor.can("proposals.own"))):
            raise NotYours(_("You may not submit proposals."))
        organisation = _organisation(organisation_id, actor)
        values = proposal_values(details, organisation.id)
        proposal = Proposal(
            organisation=organisation,
            status=S.SUBMITTED,
            submitted_by_id=getattr(actor, "id", None),
            **values,
        )
        with audit.change(proposal, actor, "submitted proposal"):
            pass
        db.session.add(
            StatusChange(proposal=proposal, from_status=None, to_status=S.SUBMITTED,
                         actor_id=getattr(actor, "id", None))
        )  # fmt: skip
        claim.made(proposal)
    db.session.commit()
    return proposal


def update_proposal(
    proposal: Proposal, *, actor, organisation_id=None, lock_version: int | None = None, **details
) -> None:
    """Change a proposal's content: staff while it is open (and may move it to another
    organisation), its association only while it is submitted. ``lock_version``: the
    version the form was read at; a save from an older one is refused."""
    if not (manages(actor) or owns(actor, proposal)):
        raise NotYours(_("You may act only on behalf of your own association."))
    _lock(proposal)
    with versions.saving(proposal, lock_version):
        if not may_edit(actor, proposal):
            raise ProposalError(
                _("A proposal can be changed only while it is submitted; it is now %(status)s.",
                  status=_status_label(proposal.status))
            )  # fmt: skip
        organisation = proposal.organisation
        if (
            manages(actor)
            and organisation_id not in (None, "")
            and (str(organisation_id) != str(proposal.organisation_id))
        ):
            organisation = _organisation(organisation_id, actor)
        values = proposal_values(details, organisation.id, proposal)
        with audit.change(proposal, actor, "updated"):
            proposal.organisation = organisation
            for key, value in values.items():
                setattr(proposal, key, value)
        db.session.commit()


# --- the workflow ----------------------------------------------------------------------------


def allowed_targets(proposal: Proposal, actor) -> list[ProposalStatus]:
    """The statuses the user may move the proposal to from the status form, in workflow order
    (on the agenda comes from placing it on an agenda; withdrawing has its own page)."""
    if not manages(actor):
        return []
    targets = TRANSITIONS[proposal.status] - {S.ON_AGENDA}
    return [status for status in ProposalStatus if status in targets]


def _set_status(
    proposal: Proposal, actor, to: ProposalStatus, reason: str | None, action: str, **fields
) -> None:
    """Move the proposal to ``to`` (already checked), with its history line and audit event."""
    before = snapshot(proposal)
    from_status = proposal.status
    proposal.status = to
    for key, value in fields.items():
        setattr(proposal, key, value)
    db.session.add(
        StatusChange(proposal=proposal, from_status=from_status, to_status=to, reason=reason,
                     actor_id=getattr(actor, "id", None))
    )  # fmt: skip
    db.session.flush()
    changes = diff(proposal, before, snapshot(proposal))
    changes["reason"] = [None, reason]
    audit.record_event(actor, action, proposal, changes)


def _check_step(proposal: Proposal, to: ProposalStatus) -> None:
    if to not in TRANSITIONS[proposal.status]:
        raise ProposalError(
            _("A proposal that is %(current)s cannot be moved to %(target)s.",
              current=_status_label(proposal.status), target=_status_label(to)),
            "status",
        )  # fmt: skip


def change_status(
    proposal: Proposal,
    actor,
    *,
    to,
    reason,
    forwarded_to: str | None = None,
    lock_version: int | None = None,
) -> None:
    """Move the proposal one step along the workflow (staff), saying why; forwarding names
    the body it goes to. ``lock_version``: the version the form was read at; a step taken
    from an older one is refused."""
    if not manages(actor):
        raise NotYours(_("Only DGTi staff change the status of a proposal."))
    _lock(proposal)
    with versions.saving(proposal, lock_version):
        try:
            to = ProposalStatus(to)
        except ValueError:
            raise ProposalError(_("Choose the new status."), "status") from None
        reason = _text(reason, "reason", required=_("Say why the status changes."))
        _check_step(proposal, to)
        if to is S.ON_AGENDA:
            raise ProposalError(
                _("A proposal goes on the agenda from “Place on a meeting's agenda”."), "status"
            )
        fields = {}
        if to is S.FORWARDED:
            fields["forwarded_to"] = _text(
                forwarded_to,
                "forwarded_to",
                required=_("Name the body the proposal is forwarded to."),
            )
        _set_status(proposal, actor, to, reason, "changed status", **fields)
        db.session.commit()


def withdraw_proposal(proposal: Proposal, actor, *, reason, lock_version: int | None = None):
    """Withdraw a proposal: its association (or staff on its behalf), while not yet in
    implementation or closed. ``lock_version``: the version the form was read at; a
    withdrawal from an older one is refused."""
    if not (manages(actor) or owns(actor, proposal)):
        raise NotYours(_("You may act only on behalf of your own association."))
    _lock(proposal)
    with versions.saving(proposal, lock_version):
        reason = _text(reason, "reason", required=_("Say why the proposal is withdrawn."))
        _check_step(proposal, S.WITHDRAWN)
        _set_status(proposal, actor, S.WITHDRAWN, reason, "withdrew proposal")
        db.session.commit()


# --- attachments -----------------------------------------------------------------------------


def add_attachment(
    proposal: Proposal,
    actor,
    *,
    data: bytes,
    filename: str | None,
    public: bool = False,
    submission: str | None = None,
) -> Attachment:
    """File a PDF with the proposal (staff while it is open; its association while it is
    submitted). ``public`` lets other associations read it too. ``submission``: the form's
    one-time token; the same form sent again raises ``submissions.AlreadySaved`` and files
    nothing."""
    if not may_edit(actor, proposal):
        if not (manages(actor) or owns(actor, proposal)):
            raise NotYours(_("You may act only on behalf of your own association."))
        raise ProposalError(_("Files can be added only while the proposal may be changed."), "file")
    stored = uploads.store_pdf(
        data, filename, "proposals/attachments", error=ProposalError, field="file",
        max_bytes=MAX_FILE_BYTES,
    )  # fmt: skip
    try:
        with submissions.once(submission, actor) as claim:
            attachment = Attachment(
                proposal=proposal,
                path=stored.path,
                sha256=stored.sha256,
                size=stored.size,
                filename=stored.filename,
                public=bool(public),
                uploaded_by_id=getattr(actor, "id", None),
            )
            with audit.change(attachment, actor, "added attachment"):
                pass
            claim.made(attachment)
        db.session.commit()
    except Exception:
        db.session.rollback()
        uploads.remove(stored.path)
        raise
    return attachment


def remove_attachment(attachment: Attachment, actor) -> None:
    """Take a file off the proposal (whoever may change the proposal); the file is deleted."""
    proposal = attachment.proposal
    if not may_edit(actor, proposal):
        if not (manages(actor) or owns(actor, proposal)):
            raise NotYours(_("You may act only on behalf of your own association."))
        raise ProposalError(_("Files can be removed only while the proposal may be changed."))
    path = attachment.path
    audit.record_event(
        actor,
        "removed attachment",
        attachment,
        {k: [v, None] for k, v in snapshot(attachment).items()},
    )
    db.session.delete(attachment)
    db.session.commit()
    uploads.remove(path)


# --- endorsements ----------------------------------------------------------------------------


def _endorsement_date(value, staff: bool) -> date:
    if not staff or value is None:
        return today()
    if not isinstance(value, date):
        raise EndorsementError(_("Enter a valid date."), "endorsed_on")
    if value > today():
        raise EndorsementError(_("The date cannot be in the future."), "endorsed_on")
    if value.year < 1950:
        raise EndorsementError(_("Enter a valid date."), "endorsed_on")
    return value


def active_endorsement(proposal: Proposal, organisation_id: int) -> Endorsement | None:
    """The organisation's endorsement of the proposal that is in force, if any."""
    return db.session.scalar(
        sa.select(Endorsement).where(
            Endorsement.proposal_id == proposal.id,
            Endorsement.organisation_id == organisation_id,
            Endorsement.withdrawn_at.is_(None),
        )
    )


def endorse(
    proposal: Proposal,
    actor,
    *,
    organisation_id,
    statement,
    letter: bytes | None = None,
    letter_filename: str | None = None,
    endorsed_on: date | None = None,
    submission: str | None = None,
) -> Endorsement:
    """Record an organisation's endorsement of a proposal.

    A representative endorses for their own association only (anything else raises
    ``NotYours``); staff record an endorsement received on paper for any organisation, marked
    as recorded by staff, dated as the letter is. One endorsement in force per organisation
    per proposal (the unique index settles a race); a proposal that is withdrawn, rejected or
    completed, and an organisation's own proposal, cannot be endorsed. ``submission``: the
    form's one-time token; the same form sent again raises ``submissions.AlreadySaved``.
    """
    with submissions.once(submission, actor) as claim:
        staff = manages(actor)
        try:
            organisation_id = int(organisation_id)
        except (TypeError, ValueError):
            organisation_id = None
        if not staff and not represents(actor, organisation_id):
            raise NotYours(
                _("You may act only on behalf of your own association."), "organisation_id"
            )
        organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
        if organisation is None:
            raise EndorsementError(_("Choose the endorsing organisation."), "organisation_id")
        statement = _text(statement, "statement", required=_("Write the statement of support."))
        endorsed_on = _endorsement_date(endorsed_on, staff)
        if letter:
            uploads.check_pdf(
                letter, error=EndorsementError, field="letter", max_bytes=MAX_FILE_BYTES
            )
        _lock(proposal)
        if not proposal.endorsable:
            raise EndorsementError(
                _("This proposal is %(status)s; it can no longer be endorsed.",
                  status=_status_label(proposal.status)),
                "statement",
            )  # fmt: skip
        if organisation.id == proposal.organisation_id:
            raise EndorsementError(
                _("An organisation does not endorse its own proposal."), "organisation_id"
            )
        existing = active_endorsement(proposal, organisation.id)
        if existing is not None:
            raise EndorsementError(
                _("%(name)s has already endorsed this proposal.", name=organisation.name_th),
                "organisation_id",
                existing_id=existing.id,
            )
        stored = None
        if letter:
            stored = uploads.store_pdf(
                letter, letter_filename, "proposals/letters", error=EndorsementError,
                field="letter", max_bytes=MAX_FILE_BYTES,
            )  # fmt: skip
        try:
            endorsement = Endorsement(
                proposal=proposal,
                organisation=organisation,
                statement=statement,
                endorsed_on=endorsed_on,
                endorsed_by_id=getattr(actor, "id", None),
                recorded_by_staff=staff,
            )
            if stored:
                endorsement.letter_path = stored.path
                endorsement.letter_sha256 = stored.sha256
                endorsement.letter_size = stored.size
                endorsement.letter_filename = stored.filename
            with audit.change(endorsement, actor, "recorded endorsement" if staff else "endorsed"):
                pass
            _count(proposal, +1)
            claim.made(endorsement)
            db.session.commit()
        except IntegrityError:
            # Another request recorded the same organisation's endorsement a moment before.
            db.session.rollback()
            uploads.remove(stored.path if stored else None)
            raise EndorsementError(
                _("%(name)s has already endorsed this proposal.", name=organisation.name_th),
                "organisation_id",
            ) from None
        except Exception:
            db.session.rollback()
            uploads.remove(stored.path if stored else None)
            raise
    return endorsement


def withdraw_endorsement(endorsement: Endorsement, actor, *, reason=None) -> None:
    """Withdraw an endorsement (the endorsing organisation's representative, or staff on its
    behalf): it stays in the record, marked withdrawn, and the organisation may endorse again
    while the proposal is open."""
    proposal = endorsement.proposal
    if not (manages(actor) or represents(actor, endorsement.organisation_id)):
        raise NotYours(_("You may act only on behalf of your own association."))
    reason = _text(reason, "withdrawal_reason")
    _lock(proposal)
    if proposal.closed:
        raise EndorsementError(
            _("The proposal is %(status)s; its endorsements stay as they were.",
              status=_status_label(proposal.status))
        )  # fmt: skip
    now = utcnow()
    done = db.session.execute(
        sa.update(Endorsement)
        .where(Endorsement.id == endorsement.id, Endorsement.withdrawn_at.is_(None))
        .values(withdrawn_at=now, withdrawn_by_id=getattr(actor, "id", None),
                withdrawal_reason=reason)
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    if done.rowcount != 1:
        raise EndorsementError(_("This endorsement has already been withdrawn."))
    db.session.expire(endorsement)
    _count(proposal, -1)
    audit.record_event(
        actor,
        "withdrew endorsement",
        endorsement,
        {"withdrawn_at": [None, now.isoformat()], "withdrawal_reason": [None, reason]},
        label=f"{endorsement.organisation.name_th}: {proposal.title}"[:300],
    )
    db.session.commit()


def recount(proposal_ids=None) -> int:
    """Set every (or the given) proposal's endorsement count from its endorsements in force;
    returns how many were wrong. A repair tool: the services keep the counts in step."""
    table = Proposal.__table__
    counted = (
        sa.select(sa.func.count())
        .select_from(Endorsement.__table__)
        .where(
            Endorsement.__table__.c.proposal_id == table.c.id,
            Endorsement.__table__.c.withdrawn_at.is_(None),
        )
        .scalar_subquery()
    )
    query = table.update().where(table.c.endorsement_count != counted)
    if proposal_ids is not None:
        query = query.where(table.c.id.in_(list(proposal_ids)))
    result = db.session.execute(
        query.values(endorsement_count=counted, updated_at=table.c.updated_at)
    )
    return result.rowcount


# --- the committee's agenda --------------------------------------------------------------------


def place_on_agenda(
    proposal: Proposal,
    actor,
    *,
    meeting: Meeting | None,
    title=None,
    body=None,
    submission: str | None = None,
) -> AgendaItem:
    """Put the proposal to a scheduled meeting as an item of section 4 (เรื่องเพื่อพิจารณา),
    at the end of the section; a screened proposal moves to "on the agenda".

    Staff may use any meeting; a committee's secretary their committees' meetings. A
    proposal already on the agenda (deferred, say) may be put to a later meeting too.
    ``submission``: the form's one-time token; the same form sent again raises
    ``submissions.AlreadySaved``.
    """
    with submissions.once(submission, actor) as claim:
        if meeting is None:
            raise ProposalError(_("Choose the meeting."), "meeting_id")
        if not may_schedule(actor, meeting):
            raise NotYours(
                _("You may place items only on the agendas of your committees' meetings."),
                "meeting_id",
            )
        if meeting.status is not MeetingStatus.SCHEDULED:
            raise ProposalError(_("Choose a meeting that is still scheduled."), "meeting_id")
        title = _text(title, "agenda_title") or proposal.title
        body = _text(body, "agenda_body")
        _lock(proposal)
        if proposal.closed:
            raise ProposalError(
                _("This proposal is %(status)s; it cannot be put to a meeting.",
                  status=_status_label(proposal.status)),
                "meeting_id",
            )  # fmt: skip
        if proposal.status is S.SUBMITTED:
            raise ProposalError(
                _("Start the screening before placing the proposal on an agenda."), "meeting_id"
            )
        already = db.session.scalar(
            sa.select(AgendaItem.id).where(
                AgendaItem.meeting_id == meeting.id, AgendaItem.proposal_id == proposal.id
            )
        )
        if already is not None:
            raise ProposalError(
                _("This proposal is already on the agenda of this meeting."), "meeting_id"
            )
        item = meeting_services.new_item(
            meeting,
            actor=actor,
            section=AgendaSection.FOR_CONSIDERATION,
            title=title,
            body=body,
            proposal_id=proposal.id,
        )
        reason = _(
            "Placed on the agenda of meeting %(number)s on %(day)s, item %(item)s.",
            number=meeting.number_label,
            day=format_date(meeting.held_on),
            item=item.number_label,
        )
        if S.ON_AGENDA in TRANSITIONS[proposal.status]:
            _set_status(proposal, actor, S.ON_AGENDA, reason, "placed on agenda")
        else:
            audit.record_event(actor, "placed on agenda", proposal, {"agenda": [None, reason]})
        claim.made(item)
    db.session.commit()
    return item


# --- annexes to agreements -------------------------------------------------------------------

#: An agreement can take annexes until it is signed.
ANNEXABLE = (AgreementStatus.DRAFT, AgreementStatus.IN_REVIEW, AgreementStatus.APPROVED)


def annex_to_agreement(
    proposal: Proposal,
    actor,
    *,
    agreement: Agreement | None,
    submission: str | None = None,
) -> None:
    """Annex the proposal to an agreement that is not yet signed (staff).
    ``submission``: the form's one-time token; the same form sent again raises
    ``submissions.AlreadySaved``."""
    with submissions.once(submission, actor) as claim:
        if not manages(actor):
            raise NotYours(_("Only DGTi staff annex proposals to agreements."))
        if agreement is None:
            raise ProposalError(_("Choose the agreement."), "agreement_id")
        if agreement.status not in ANNEXABLE:
            raise ProposalError(
                _("%(ref)s is signed or terminated; annexes can be added only before signing.",
                  ref=agreement.reference),
                "agreement_id",
            )  # fmt: skip
        if proposal.status in (S.REJECTED, S.WITHDRAWN):
            raise ProposalError(
                _("A rejected or withdrawn proposal cannot be annexed."), "agreement_id"
            )
        if db.session.get(AgreementAnnex, (agreement.id, proposal.id)) is not None:
            raise ProposalError(
                _("The proposal is already annexed to %(ref)s.", ref=agreement.reference),
                "agreement_id",
            )
        db.session.add(
            AgreementAnnex(agreement_id=agreement.id, proposal_id=proposal.id,
                           created_by_id=getattr(actor, "id", None))
        )  # fmt: skip
        db.session.flush()
        audit.record_event(
            actor, "annexed to agreement", proposal, {"agreement": [None, agreement.reference]}
        )
        claim.made(proposal)
    db.session.commit()


def remove_annex(annex: AgreementAnnex, actor) -> None:
    """Take a proposal off an agreement that is not yet signed (staff)."""
    if not manages(actor):
        raise NotYours(_("Only DGTi staff annex proposals to agreements."))
    agreement = annex.agreement
    if agreement.status not in ANNEXABLE:
        raise ProposalError(
            _("%(ref)s is signed or terminated; its annexes stay as they were.",
              ref=agreement.reference)
        )  # fmt: skip
    audit.record_event(
        actor, "removed from agreement", annex.proposal, {"agreement": [agreement.reference, None]}
    )
    db.session.delete(annex)
    db.session.commit()


# --- categories ------------------------------------------------------------------------------


def save_category(
    category: Category | None,
    actor,
    *,
    name_th,
    name_en=None,
    active: bool = True,
    submission: str | None = None,
    lock_version: int | None = None,
) -> Category:
    """Add a category (``category`` None) or change one's names and whether it is in use.
    ``submission``: the form's one-time token; the same new category's form sent again raises
    ``submissions.AlreadySaved``. ``lock_version``: the version a category's form was read
    at; a save from an older one is refused."""
    with versions.saving(category, lock_version), submissions.once(submission, actor) as claim:
        if not manages(actor):
            raise NotYours(_("Only DGTi staff manage the categories."))
        name_th = _text(name_th, "name_th", required=_("Enter the name in Thai."))
        name_en = _text(name_en, "name_en")
        key = name_key(name_th)
        for other in db.session.scalars(sa.select(Category)):
            if other is not category and name_key(other.name_th) == key:
                raise ProposalError(
                    _("A category with this name already exists."), "name_th", existing_id=other.id
                )
        record = category or Category()
        with audit.change(record, actor, "updated" if category else "created"):
            record.name_th, record.name_en, record.active = name_th, name_en, bool(active)
        claim.made(record)
    db.session.commit()
    return record
