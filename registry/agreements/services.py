"""The rules of agreements: drafting and editing (with optimistic locking), the lifecycle
transitions, renewal, amendments after signing, and the signed scan.

Every change is checked by permission and state, audited, and committed here; a
refusal raises ``AgreementError`` (a ``RuleError``) naming the form field, and
leaves nothing half-saved.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from .. import audit, submissions, uploads, versions
from ..audit.models import AuditEvent
from ..audit.services import diff as audit_diff
from ..audit.services import snapshot as audit_snapshot
from ..auth.models import Role, User
from ..db import db, utcnow
from ..i18n import BANGKOK, be_year, format_date
from ..organisations.models import Organisation
from ..rules import RuleError
from ..settings.services import get_setting
from .labels import STATUS_LABELS
from .models import (
    Agreement,
    AgreementKind,
    AgreementLanguage,
    AgreementParty,
    AgreementStatus,
    Amendment,
    Clause,
    Witness,
)

S = AgreementStatus

#: The reference pattern used when AGREEMENT_REFERENCE_PATTERN is not configured.
#: Placeholders: {kind} (MOU/MOA), {year} (Buddhist Era), {number} (running number per year).
DEFAULT_REFERENCE_PATTERN = "{kind}-{year}/{number:03d}"

#: The fewest parties an agreement has.
MIN_PARTIES = 2

#: Which transition leads from which statuses to which, and the permission it needs.
TRANSITIONS: dict[str, tuple[frozenset[AgreementStatus], AgreementStatus, str]] = {
    "submit": (frozenset({S.DRAFT}), S.IN_REVIEW, "agreements.edit"),
    "approve": (frozenset({S.IN_REVIEW}), S.APPROVED, "agreements.approve"),
    "return_to_draft": (frozenset({S.IN_REVIEW, S.APPROVED}), S.DRAFT, "agreements.edit"),
    "sign": (frozenset({S.APPROVED}), S.SIGNED, "agreements.edit"),
    "terminate": (frozenset({S.SIGNED}), S.TERMINATED, "agreements.approve"),
    "renew": (frozenset({S.SIGNED}), S.SIGNED, "agreements.edit"),
}

#: The audit action of each transition.
ACTIONS = {
    "submit": "submitted for review",
    "approve": "approved",
    "return_to_draft": "returned to draft",
    "sign": "signed",
    "terminate": "terminated",
    "renew": "renewed",
}

#: The content fields compared when two people edit the same draft, with their labels.
CONTENT_LABELS = {
    "kind": _l("Kind"),
    "title_th": _l("Title in Thai"),
    "title_en": _l("Title in English"),
    "language": _l("Language"),
    "signing_place": _l("Place of signing"),
    "signed_on": _l("Date of signing"),
    "effective_from": _l("In force from"),
    "effective_until": _l("In force until"),
    "objectives_th": _l("Objectives in Thai"),
    "objectives_en": _l("Objectives in English"),
    "clauses_th": _l("Scope of cooperation in Thai"),
    "clauses_en": _l("Scope of cooperation in English"),
    "copies": _l("Number of originals"),
    "notice_days": _l("Days of notice to terminate"),
    "responsible_id": _l("Responsible staff member"),
    "parties": _l("Parties"),
    "witnesses": _l("Witnesses"),
}

#: The fields of a party as the services take them.
PARTY_FIELDS = (
    "organisation_id",
    "short_name_th",
    "short_name_en",
    "signatory_name",
    "signatory_position",
    "signatory_name_en",
    "signatory_position_en",
    "responsibilities_th",
    "responsibilities_en",
)

#: The simple fields of an agreement's content (parties, clauses and witnesses aside).
SIMPLE_FIELDS = (
    "kind",
    "title_th",
    "title_en",
    "language",
    "signing_place",
    "signed_on",
    "effective_from",
    "effective_until",
    "objectives_th",
    "objectives_en",
    "copies",
    "notice_days",
    "responsible_id",
)

#: The first bytes of every PDF file.
PDF_MAGIC = uploads.PDF_MAGIC


class AgreementError(RuleError):
    """A change to an agreement that the rules refuse."""


class TransitionError(AgreementError):
    """A lifecycle step that the agreement's status or the user's permissions do not allow."""


class ConflictError(versions.ConflictError, AgreementError):
    """The draft was saved by someone else since the form was opened: the same refusal as
    every record's (``versions.ConflictError``, with who saved what since), and the content
    fields that differ from the fingerprint the form was opened with (``changed``)."""

    def __init__(self, changed: list[str], since: versions.ConflictError | None = None):
        versions.ConflictError.__init__(
            self, since.changes if since else [], more=since.more if since else 0
        )
        self.changed = changed
        names = ", ".join(str(CONTENT_LABELS.get(name, name)) for name in changed)
        if names:
            message = _(
                "Someone else saved this agreement after you opened it. Changed since then: "
                "%(fields)s. Check their changes below, then save again.",
                fields=names,
            )
        else:
            message = _(
                "Someone else saved this agreement after you opened it. "
                "Check the agreement below, then save again."
            )
        self.args = (message,)


def today() -> date:
    """Today's date in Thailand."""
    return datetime.now(BANGKOK).date()


# --- reading the content -----------------------------------------------------------------


_SUB_MARK = re.compile(r"^\s*(?:[-–•*]|\d+\.\d+\.?|\(\d+\))\s*")
_TOP_MARK = re.compile(r"^\s*(?:ข้อ\s*)?\d+\.?\s+|^\s*(?:ข้อ\s*)\d+\.?\s*")


def parse_clauses(text: str | None) -> list[tuple[str, list[str]]]:
    """Clauses typed one per line; a line starting with a dash (or 1.1, or indented) is a
    sub-clause of the clause above. Numbers typed at the start are dropped: the document
    numbers the clauses itself."""
    clauses: list[tuple[str, list[str]]] = []
    for raw in (text or "").splitlines():
        if not raw.strip():
            continue
        sub = raw[:1].isspace() or bool(_SUB_MARK.match(raw))
        if sub:
            line = _SUB_MARK.sub("", raw, count=1).strip()
            if not clauses:
                raise AgreementError(
                    _("The first line must be a clause, not a sub-clause (no dash before it)."),
                    "clauses_th",
                )
            if line:
                clauses[-1][1].append(line)
        else:
            line = _TOP_MARK.sub("", raw, count=1).strip()
            if line:
                clauses.append((line, []))
    return clauses


def clauses_text(agreement: Agreement, lang: str = "th") -> str:
    """The clauses as they are typed in the form: one per line, sub-clauses after a dash."""
    lines = []
    for top, subs in agreement.clause_tree:
        text = top.text_th if lang == "th" else top.text_en
        if lang == "en" and not text:
            return ""
        lines.append(text)
        lines.extend(f"- {(sub.text_th if lang == 'th' else sub.text_en) or ''}" for sub in subs)
    return "\n".join(lines)


def content_of(agreement: Agreement) -> dict:
    """The agreement's editable content: what a form shows, a save compares, a renewal copies."""
    content = {name: getattr(agreement, name) for name in SIMPLE_FIELDS}
    content["clauses_th"] = clauses_text(agreement, "th")
    content["clauses_en"] = clauses_text(agreement, "en")
    content["parties"] = [
        {name: getattr(party, name) for name in PARTY_FIELDS} for party in agreement.parties
    ]
    content["witnesses"] = [
        {
            "name": witness.name,
            "witness_position": witness.witness_position,
            "organisation_id": witness.party.organisation_id if witness.party else None,
        }
        for witness in agreement.witnesses
    ]
    return content


def fingerprint(content: dict) -> dict[str, str]:
    """A short hash of each content field, carried by the edit form to tell what changed."""
    return {
        name: hashlib.sha256(
            json.dumps(content.get(name), sort_keys=True, ensure_ascii=False, default=str).encode()
        ).hexdigest()[:12]
        for name in CONTENT_LABELS
    }


def changed_since(agreement: Agreement, base: dict[str, str] | None) -> list[str]:
    """The content fields that differ now from the fingerprint a form was opened with."""
    if not base:
        return []
    current = fingerprint(content_of(agreement))
    return [name for name in CONTENT_LABELS if base.get(name) != current[name]]


# --- checking the content ----------------------------------------------------------------


def _clean(value):
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _normalised(content: dict) -> dict:
    values = {name: _clean(content.get(name)) for name in SIMPLE_FIELDS}
    values["kind"] = AgreementKind(values["kind"] or AgreementKind.MOU)
    values["language"] = AgreementLanguage(values["language"] or AgreementLanguage.TH)
    values["copies"] = values["copies"] if values["copies"] is not None else 2
    values["notice_days"] = values["notice_days"] if values["notice_days"] is not None else 30
    values["clauses_th"] = parse_clauses(content.get("clauses_th"))
    try:
        values["clauses_en"] = parse_clauses(content.get("clauses_en"))
    except AgreementError as error:
        raise AgreementError(str(error), "clauses_en") from None
    values["parties"] = [
        {name: _clean(row.get(name)) for name in PARTY_FIELDS}
        for row in content.get("parties") or []
        if row.get("organisation_id")
    ]
    values["witnesses"] = [
        {
            "name": _clean(row.get("name")),
            "witness_position": _clean(row.get("witness_position")),
            "organisation_id": row.get("organisation_id") or None,
        }
        for row in content.get("witnesses") or []
        if _clean(row.get("name"))
    ]
    return values


def _check(values: dict) -> None:
    """Refuse content the register cannot hold; the first problem is raised at its field."""
    if not values["title_th"]:
        raise AgreementError(_("Enter the title in Thai."), "title_th")
    needs_english = values["language"] is not AgreementLanguage.TH
    if needs_english and not values["title_en"]:
        raise AgreementError(_("An agreement in English needs its title in English."), "title_en")
    start, end = values["effective_from"] or values["signed_on"], values["effective_until"]
    if start and end and end < start:
        raise AgreementError(
            _("The agreement cannot end before it starts (%(start)s).", start=format_date(start)),
            "effective_until",
        )
    if values["copies"] < 1 or values["copies"] > 20:
        raise AgreementError(_("Enter a number of originals from 1 to 20."), "copies")
    if values["notice_days"] < 0 or values["notice_days"] > 3650:
        raise AgreementError(_("Enter a number of days from 0 to 3650."), "notice_days")
    _check_parties(values["parties"])
    english = values["clauses_en"]
    if english and [len(s) for _t, s in english] != [len(s) for _t, s in values["clauses_th"]]:
        raise AgreementError(
            _(
                "The English clauses must follow the Thai ones: the same number of clauses, "
                "each with the same number of sub-clauses."
            ),
            "clauses_en",
        )
    party_orgs = {row["organisation_id"] for row in values["parties"]}
    for index, row in enumerate(values["witnesses"]):
        if row["organisation_id"] and row["organisation_id"] not in party_orgs:
            raise AgreementError(
                _("A witness can sign only for one of the parties."),
                f"witnesses-{index}-organisation_id",
            )
    if values["responsible_id"] is not None:
        user = db.session.get(User, values["responsible_id"])
        if user is None or user.role not in (Role.STAFF, Role.ADMIN) or not user.active:
            raise AgreementError(_("Choose an active staff member."), "responsible_id")


def _check_parties(parties: list[dict]) -> None:
    seen: set[int] = set()
    for index, row in enumerate(parties):
        organisation = db.session.get(Organisation, row["organisation_id"])
        if organisation is None:
            raise AgreementError(
                _("Choose an organisation from the list."), f"parties-{index}-organisation_id"
            )
        if row["organisation_id"] in seen:
            raise AgreementError(
                _("%(name)s is listed twice: each party appears once.", name=organisation.name_th),
                f"parties-{index}-organisation_id",
            )
        seen.add(row["organisation_id"])
        if not row["short_name_th"]:
            raise AgreementError(
                _("Enter the short name the text calls this party by."),
                f"parties-{index}-short_name_th",
            )
    if len(parties) < MIN_PARTIES:
        raise AgreementError(_("An agreement has at least two parties."), "parties")


def missing_parts(agreement: Agreement) -> list[str]:
    """What a draft still lacks before it can go to review, in the reader's language."""
    missing = []
    if len(agreement.parties) < MIN_PARTIES:
        missing.append(_("at least two parties"))
    if any(not (p.signatory_name and p.signatory_position) for p in agreement.parties):
        missing.append(_("each party's signatory and position"))
    if not agreement.objectives_th:
        missing.append(_("objectives"))
    if not agreement.clauses:
        missing.append(_("scope of cooperation"))
    if agreement.language is not AgreementLanguage.TH:
        if not agreement.objectives_en:
            missing.append(_("objectives in English"))
        if agreement.clauses and not all(c.text_en for c in agreement.clauses):
            missing.append(_("scope of cooperation in English"))
        if any(not (p.short_name_en and p.signatory_position_en) for p in agreement.parties):
            missing.append(_("each party's short name and signatory's position in English"))
    return missing


# --- writing the content -----------------------------------------------------------------


def _apply(agreement: Agreement, values: dict) -> None:
    """Put checked values on the agreement, replacing its parties, clauses and witnesses."""
    for name in SIMPLE_FIELDS:
        setattr(agreement, name, values[name])
    agreement.updated_at = utcnow()  # every save raises the lock version
    if agreement.id is not None:
        agreement.witnesses.clear()
        agreement.clauses.clear()
        agreement.parties.clear()
        db.session.flush()  # old rows go before new ones reuse their unique keys
    parties = {}
    for position, row in enumerate(values["parties"], 1):
        party = AgreementParty(position=position, **row)
        agreement.parties.append(party)
        parties[row["organisation_id"]] = party
    english = values["clauses_en"]
    for position, (text, subs) in enumerate(values["clauses_th"], 1):
        text_en, subs_en = english[position - 1] if english else (None, [])
        top = Clause(position=position, text_th=text, text_en=text_en)
        agreement.clauses.append(top)
        for sub_position, sub_text in enumerate(subs, 1):
            sub_en = subs_en[sub_position - 1] if subs_en else None
            agreement.clauses.append(
                Clause(position=sub_position, text_th=sub_text, text_en=sub_en, parent=top)
            )
    for position, row in enumerate(values["witnesses"], 1):
        agreement.witnesses.append(
            Witness(
                position=position,
                name=row["name"],
                witness_position=row["witness_position"],
                party=parties.get(row["organisation_id"]),
            )
        )


@contextmanager
def _change(agreement: Agreement, actor, action: str, new: bool = False) -> Iterator[None]:
    """Audit what the block does to the agreement, its content included."""
    before = {} if new else audit_snapshot(agreement) | _listed(agreement)
    yield
    db.session.flush()
    changes = audit_diff(agreement, before, audit_snapshot(agreement) | _listed(agreement))
    audit.record_event(actor, action, agreement, changes)


def _listed(agreement: Agreement) -> dict:
    content = content_of(agreement)
    return {
        "clauses_th": content["clauses_th"],
        "clauses_en": content["clauses_en"],
        "parties": "; ".join(
            f"{p.organisation.name_th} ({p.short_name_th}): {p.signatory_name or ''}"
            for p in agreement.parties
        ),
        "witnesses": "; ".join(w.name for w in agreement.witnesses),
    }


def _require(actor, permission: str) -> None:
    if actor is not None and not actor.can(permission):
        raise TransitionError(_("You are not allowed to do this."))


def reference_for(kind: AgreementKind, year: int, number: int) -> str:
    """The reference number made from the configured pattern."""
    pattern = current_app.config.get("AGREEMENT_REFERENCE_PATTERN") or DEFAULT_REFERENCE_PATTERN
    return pattern.format(kind=kind.value, year=year, number=number)[:60]


def _next_number(year: int) -> int:
    highest = db.session.scalar(
        sa.select(sa.func.max(Agreement.reference_number)).where(Agreement.reference_year == year)
    )
    return (highest or 0) + 1


def create_agreement(
    content: dict,
    *,
    actor,
    predecessor: Agreement | None = None,
    numbered_on: date | None = None,
    submission: str | None = None,
) -> Agreement:
    """Draft a new agreement, numbered from the reference pattern in the Buddhist year of
    today (or of ``numbered_on``, for records of past agreements).

    The running number is the year's highest plus one; when another user takes the same
    number at the same moment, the unique constraint refuses one save, which is retried.
    ``submission``: the form's one-time token, claimed before the number is taken; the same
    form sent again raises ``submissions.AlreadySaved`` (and takes no number).
    """
    _require(actor, "agreements.edit")
    values = _normalised(content)
    _check(values)
    if values["responsible_id"] is None and getattr(actor, "id", None):
        values["responsible_id"] = actor.id
    predecessor_id = predecessor.id if predecessor is not None else None
    year = be_year((numbered_on or today()).year)
    for _attempt in range(5):
        try:
            with submissions.once(submission, actor) as claim:
                agreement = Agreement(
                    status=S.DRAFT, kind=values["kind"], predecessor_id=predecessor_id
                )
                number = _next_number(year)
                agreement.reference_year, agreement.reference_number = year, number
                agreement.reference = reference_for(agreement.kind, year, number)
                with _change(agreement, actor, "created", new=True):
                    _apply(agreement, values)
                    db.session.add(agreement)
                claim.made(agreement)
            db.session.commit()
        except sa.exc.IntegrityError:
            db.session.rollback()
            continue
        except Exception:
            db.session.rollback()
            raise
        return agreement
    raise AgreementError(_("The reference number could not be assigned; please try again."))


def update_agreement(
    agreement: Agreement,
    content: dict,
    *,
    actor,
    lock_version: int,
    base: dict[str, str] | None = None,
) -> None:
    """Save a draft's content, refusing a save made from a form older than the last save."""
    _require(actor, "agreements.edit")
    if not agreement.editable:
        raise AgreementError(
            _(
                "Only a draft can be edited. Return it to draft first; "
                "after signing, record an amendment instead."
            )
        )
    if lock_version != agreement.lock_version:
        raise ConflictError(
            changed_since(agreement, base), versions.conflict(agreement, lock_version)
        )
    values = _normalised(content)
    _check(values)
    try:
        with _change(agreement, actor, "updated"):
            _apply(agreement, values)
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        db.session.refresh(agreement)
        raise ConflictError(
            changed_since(agreement, base), versions.conflict(agreement, lock_version)
        ) from None
    except Exception:
        db.session.rollback()
        raise


# --- the lifecycle -----------------------------------------------------------------------


def allowed_transitions(agreement: Agreement, user, renewed: bool | None = None) -> list[str]:
    """The lifecycle steps the user may take now, for the buttons on the page. ``renewed``:
    whether an agreement renews this one, when the caller has read it (else it is read)."""
    return [
        name
        for name, (sources, _target, permission) in TRANSITIONS.items()
        if agreement.status in sources
        and (user is None or user.can(permission))
        and not (
            name == "renew"
            and (successor_of(agreement) is not None if renewed is None else renewed)
        )
        and not (name == "approve" and own_draft(agreement, user))
    ]


#: The audit actions that make someone an author of a draft: writing it, changing its
#: content, or sending it for review.
AUTHOR_ACTIONS = ("created", "updated", ACTIONS["submit"])


def authors(agreement: Agreement) -> set[int]:
    """The accounts that wrote the draft: created it, changed its content or sent it for
    review (from the audit log, so drafts written before the rule was turned on count)."""
    return set(
        db.session.scalars(
            sa.select(AuditEvent.actor_id).where(
                AuditEvent.record_type == Agreement.__tablename__,
                AuditEvent.record_id == agreement.id,
                AuditEvent.action.in_(AUTHOR_ACTIONS),
                AuditEvent.actor_id.is_not(None),
            )
        )
    )


def own_draft(agreement: Agreement, user) -> bool:
    """Whether the rule that a draft's approver differs from its author (a setting) keeps
    this user from approving it: they wrote it, changed it or sent it for review."""
    user_id = getattr(user, "id", None)
    if user_id is None or not get_setting("separate_approver"):
        return False
    return user_id in authors(agreement)


def _transition(agreement: Agreement, actor, name: str) -> AgreementStatus:
    sources, target, permission = TRANSITIONS[name]
    _require(actor, permission)
    if agreement.status not in sources:
        raise TransitionError(
            _(
                "This cannot be done while the agreement's status is “%(status)s”.",
                status=str(STATUS_LABELS[agreement.status]),
            )
        )
    return target


def _move(agreement: Agreement, actor, name: str, **fields) -> None:
    target = _transition(agreement, actor, name)
    try:
        with _change(agreement, actor, ACTIONS[name]):
            agreement.status = target
            for key, value in fields.items():
                setattr(agreement, key, value)
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise TransitionError(
            _("Someone else changed this agreement a moment ago; please look again.")
        ) from None


def submit_for_review(agreement: Agreement, actor) -> None:
    """Send a complete draft for review."""
    _transition(agreement, actor, "submit")
    missing = missing_parts(agreement)
    if missing:
        raise TransitionError(_("Complete these parts first: %(parts)s.", parts=", ".join(missing)))
    _move(agreement, actor, "submit")


def approve(agreement: Agreement, actor) -> None:
    """Approve the reviewed text for signing; refused to its author while the setting asks
    for a different approver (four eyes)."""
    _transition(agreement, actor, "approve")
    if own_draft(agreement, actor):
        raise TransitionError(
            _("You wrote or changed this draft, or sent it for review; another staff member "
              "approves it (the four-eyes rule in the settings).")
        )  # fmt: skip
    _move(agreement, actor, "approve")


def return_to_draft(agreement: Agreement, actor) -> None:
    """Send the text back to draft for changes."""
    _move(agreement, actor, "return_to_draft")


def sign(
    agreement: Agreement,
    actor,
    *,
    signed_on: date | None,
    signing_place: str | None = None,
    scan: bytes | None = None,
    scan_filename: str | None = None,
) -> None:
    """Record the signing: the day (not in the future), the place, and the scan if at hand."""
    _transition(agreement, actor, "sign")
    place = _clean(signing_place) or agreement.signing_place
    if signed_on is None:
        raise AgreementError(_("Enter the date of signing."), "signed_on")
    if signed_on > today():
        raise AgreementError(_("The date of signing cannot be in the future."), "signed_on")
    if agreement.effective_until and agreement.effective_until < signed_on:
        raise AgreementError(_("The agreement would end before the date of signing."), "signed_on")
    if not place:
        raise AgreementError(_("Enter the place of signing."), "signing_place")
    fields = {"signed_on": signed_on, "signing_place": place}
    stored = _store_scan(scan, scan_filename) if scan else None
    if stored:
        fields |= _scan_fields(actor, stored)
    try:
        _move(agreement, actor, "sign", **fields)
    except Exception:
        db.session.rollback()
        if stored:
            _remove_file(stored[0])
        raise


def terminate(
    agreement: Agreement,
    actor,
    *,
    terminated_on: date | None,
    reason: str | None,
    notice_on: date | None = None,
) -> None:
    """Record the early termination of a signed agreement when the notice is given: the day
    of the notice (``notice_on``, today when not given; never ahead) and the day the
    termination takes effect, which may lie ahead. Until that day the agreement shows as
    terminating and stays in force (``Agreement.state``); from it, as terminated."""
    _transition(agreement, actor, "terminate")
    reason = _clean(reason)
    notice_on = notice_on or today()
    if notice_on > today():
        raise AgreementError(_("The notice cannot be dated in the future."), "notice_on")
    if agreement.signed_on and notice_on < agreement.signed_on:
        raise AgreementError(
            _("The notice cannot be dated before the date of signing (%(day)s).",
              day=format_date(agreement.signed_on)),
            "notice_on",
        )  # fmt: skip
    if terminated_on is None:
        raise AgreementError(_("Enter the day the termination takes effect."), "terminated_on")
    start = agreement.starts_on
    if start is not None and terminated_on < start:
        raise AgreementError(
            _("The termination cannot take effect before the agreement starts (%(day)s).",
              day=format_date(start)),
            "terminated_on",
        )  # fmt: skip
    if terminated_on < notice_on:
        raise AgreementError(
            _("The termination cannot take effect before the notice was given (%(day)s).",
              day=format_date(notice_on)),
            "terminated_on",
        )  # fmt: skip
    if agreement.effective_until is not None and terminated_on > agreement.effective_until:
        raise AgreementError(
            _("The agreement ends on %(day)s anyway; a termination takes effect on or before "
              "that day.", day=format_date(agreement.effective_until)),
            "terminated_on",
        )  # fmt: skip
    if not reason:
        raise AgreementError(_("Give the reason for the termination."), "reason")
    _move(
        agreement,
        actor,
        "terminate",
        terminated_on=terminated_on,
        termination_notice_on=notice_on,
        termination_reason=reason,
    )


def successor_of(agreement: Agreement) -> Agreement | None:
    """The agreement that renews this one, if any."""
    return db.session.scalar(
        sa.select(Agreement).where(Agreement.predecessor_id == agreement.id).limit(1)
    )


def renew(
    agreement: Agreement,
    actor,
    numbered_on: date | None = None,
    submission: str | None = None,
) -> Agreement:
    """Start the renewal: a new draft linked to this agreement, with its content copied and
    its period moved on to follow the old one. ``submission``: the button's one-time token;
    pressed twice, the second press raises ``submissions.AlreadySaved``."""
    _transition(agreement, actor, "renew")
    existing = successor_of(agreement)
    if existing is not None:
        raise TransitionError(
            _("This agreement has already been renewed by %(ref)s.", ref=existing.reference),
            existing_id=existing.id,
        )
    content = content_of(agreement)
    start, end = agreement.starts_on, agreement.effective_until
    if end is not None:
        new_start = end + timedelta(days=1)
        content["effective_from"] = new_start
        content["effective_until"] = new_start + (end - start) if start is not None else None
    else:
        content["effective_from"] = None
        content["effective_until"] = None
    content["signed_on"] = None
    successor = create_agreement(
        content,
        actor=actor,
        predecessor=agreement,
        numbered_on=numbered_on,
        submission=submission,
    )
    audit.record_event(actor, "renewed", agreement, {"renewed_by": [None, successor.reference]})
    db.session.commit()
    return successor


def record_amendment(
    agreement: Agreement,
    actor,
    *,
    made_on: date | None,
    text: str | None,
    submission: str | None = None,
):
    """Record a change agreed after signing; the signed text itself stays as it was.
    ``submission``: the form's one-time token; the same form sent again raises
    ``submissions.AlreadySaved``."""
    with submissions.once(submission, actor) as claim:
        amendment = _record_amendment(agreement, actor, made_on=made_on, text=text)
        claim.made(amendment)
    db.session.commit()
    return amendment


def _record_amendment(agreement: Agreement, actor, *, made_on: date | None, text: str | None):
    """The amendment, numbered and audited, not yet committed."""
    _require(actor, "agreements.edit")
    if agreement.status is not S.SIGNED:
        raise AgreementError(_("Amendments are recorded on signed agreements only."))
    text = _clean(text)
    if made_on is None:
        raise AgreementError(_("Enter the day the amendment was agreed."), "made_on")
    if made_on > today():
        raise AgreementError(_("The day of the amendment cannot be in the future."), "made_on")
    if agreement.signed_on and made_on < agreement.signed_on:
        raise AgreementError(
            _("An amendment cannot be made before the agreement was signed."), "made_on"
        )
    if not text:
        raise AgreementError(_("Describe what was amended."), "text")
    number = len(agreement.amendments) + 1
    amendment = Amendment(
        number=number, made_on=made_on, text=text, created_by_id=getattr(actor, "id", None)
    )
    agreement.amendments.append(amendment)
    agreement.updated_at = utcnow()
    db.session.flush()
    audit.record_event(
        actor,
        "recorded amendment",
        agreement,
        {"amendment": [None, f"{number}: {text[:200]}"], "made_on": [None, made_on.isoformat()]},
    )
    return amendment


# --- the signed scan ---------------------------------------------------------------------


def looks_like_pdf(data: bytes) -> bool:
    """Whether the bytes are a PDF file (the shared check, ``registry.uploads``)."""
    return uploads.looks_like_pdf(data)


def _storage() -> Path:
    return uploads.storage_root()


def _store_scan(data: bytes, filename: str | None) -> tuple[str, str, int, str]:
    """Check an uploaded scan and write it under STORAGE_DIR; return its path and facts."""
    return uploads.store_pdf(
        data,
        filename or "scan.pdf",
        "agreements/scans",
        error=AgreementError,
        field="scan",
        missing=_("Choose the scanned PDF file to upload."),
    )


def _remove_file(relative: str) -> None:
    uploads.remove(relative)


def _scan_fields(actor, stored: tuple[str, str, int, str]) -> dict:
    relative, digest, size, name = stored
    return {
        "scan_path": relative,
        "scan_sha256": digest,
        "scan_size": size,
        "scan_filename": name,
        "scan_uploaded_by_id": getattr(actor, "id", None),
        "scan_uploaded_at": utcnow(),
    }


def _attach_scan(agreement: Agreement, actor, stored: tuple[str, str, int, str]) -> None:
    old = agreement.scan_path
    with _change(agreement, actor, "uploaded signed copy"):
        for key, value in _scan_fields(actor, stored).items():
            setattr(agreement, key, value)
    db.session.commit()
    if old and old != stored[0]:
        _remove_file(old)


def upload_scan(
    agreement: Agreement,
    actor,
    data: bytes,
    filename: str | None,
    submission: str | None = None,
) -> None:
    """File the scanned signed copy (a PDF, within the size limit), replacing an earlier one.
    ``submission``: the form's one-time token; the same form sent again raises
    ``submissions.AlreadySaved`` and files nothing."""
    _require(actor, "agreements.edit")
    if agreement.status not in (S.SIGNED, S.TERMINATED):
        raise AgreementError(_("The signed copy is filed once the agreement is signed."), "scan")
    stored = _store_scan(data, filename)
    try:
        with submissions.once(submission, actor) as claim:
            claim.made(agreement)
            _attach_scan(agreement, actor, stored)
    except Exception:
        db.session.rollback()
        _remove_file(stored[0])
        raise


def scan_file(agreement: Agreement) -> Path | None:
    """Where the signed copy is stored, when it is there."""
    if not agreement.scan_path:
        return None
    path = _storage() / agreement.scan_path
    return path if path.is_file() else None


# --- electronic signatures ---------------------------------------------------------------

#: The name of a party's signature block in the printed agreement (n from 1, party order).
PARTY_BLOCK = "signature-parties-{}"


def party_blocks(agreement: Agreement) -> list[tuple[str, AgreementParty]]:
    """Each party's signature block name with the party, in the order they are printed."""
    return [(PARTY_BLOCK.format(n), party) for n, party in enumerate(agreement.parties, start=1)]


def check_ready_for_electronic_signing(agreement: Agreement) -> None:
    """An agreement is signed electronically as its approved text, with the place and the day
    of signing already in it (they are printed, so they are part of what is signed); a signed
    one may still receive further signatures (witnesses)."""
    if agreement.status is S.SIGNED:
        return
    if agreement.status is not S.APPROVED:
        raise AgreementError(_("Only the approved text of an agreement is signed electronically."))
    if not agreement.signing_place:
        raise AgreementError(
            _("Enter the place of signing in the agreement first: it is printed in the text.")
        )
    if agreement.signed_on is None:
        raise AgreementError(
            _("Enter the date of signing in the agreement first: it is printed in the text.")
        )
    if agreement.signed_on > today():
        raise AgreementError(
            _(
                "The date of signing printed in the agreement, %(day)s, is still to come.",
                day=format_date(agreement.signed_on),
            )
        )


def record_electronic_signing(agreement: Agreement, signed_blocks: set[str], actor) -> bool:
    """Once every party's block holds a verified signature, record the approved agreement as
    signed, on the day and at the place its text gives; whether it is signed now."""
    if agreement.status is not S.APPROVED:
        return False
    if not all(name in signed_blocks for name, _party in party_blocks(agreement)):
        return False
    sign(agreement, actor, signed_on=agreement.signed_on, signing_place=agreement.signing_place)
    return True
