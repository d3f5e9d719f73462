"""Each role's home page put together: the panels (``queries``) and the pictures drawn from
them (``registry.charts.pictures``), as the template's context."""

from __future__ import annotations

from flask import render_template
from markupsafe import Markup

from .. import cache
from ..agreements.labels import STATE_LABELS
from ..agreements.labels import STATUS_LABELS as AGREEMENT_STATUS_LABELS
from ..agreements.models import AgreementState, AgreementStatus
from ..auth.models import User
from ..charts import pictures
from ..committees.services import today
from ..i18n import current_language, thai_numerals_enabled
from ..meetings.labels import ATTENDANCE_LABELS
from ..meetings.models import AttendanceKind
from ..meetings.panels import formatted
from ..meetings.queries import attendance_counts
from ..organisations.labels import KIND_LABELS as ORGANISATION_KIND_LABELS
from ..proposals.labels import STATUS_LABELS as PROPOSAL_STATUS_LABELS
from . import queries

#: The states the staff chart counts agreements in, in lifecycle order.
AGREEMENT_CHART_LABELS = {
    "draft": AGREEMENT_STATUS_LABELS[AgreementStatus.DRAFT],
    "in_review": AGREEMENT_STATUS_LABELS[AgreementStatus.IN_REVIEW],
    "approved": AGREEMENT_STATUS_LABELS[AgreementStatus.APPROVED],
    "pending": STATE_LABELS[AgreementState.PENDING],
    "active": STATE_LABELS[AgreementState.ACTIVE],
    "expiring": STATE_LABELS[AgreementState.EXPIRING],
    "expired": STATE_LABELS[AgreementState.EXPIRED],
    "terminating": STATE_LABELS[AgreementState.TERMINATING],
    "terminated": AGREEMENT_STATUS_LABELS[AgreementStatus.TERMINATED],
}
#: Partner kinds (the DGA/DGTi side is no partner).
PARTNER_KIND_LABELS = {
    kind: label for kind, label in ORGANISATION_KIND_LABELS.items() if kind not in queries.OWN_KINDS
}
#: The states a timeline tells apart, with their labels (keys as ``Agreement.state``).
TIMELINE_STATE_LABELS = {state.value: label for state, label in STATE_LABELS.items()}


def staff(user: User) -> dict:
    """Staff and admins: figures, what waits for them, what changed, and the pictures."""
    return {
        **cache.remembered(
            "home.staff", (current_language(), thai_numerals_enabled()), _staff_figures
        ),
        "expiring": queries.expiring_agreements(),
        "in_review": queries.agreements_in_review(),
        "meetings": formatted(queries.upcoming_meetings(user)),
        "to_screen": queries.proposals_to_screen(),
        "activity": queries.recent_activity(user),
    }


def _staff_figures() -> dict:
    """The counts and pictures of the whole registry: the same for every staff member, and
    the costliest part of the page (they count every record), so kept until the next write
    (``registry.cache``). The pictures are kept rendered (``home/_staff_pictures.html``): in
    the reader's language and digits, which are in the key."""
    counts = queries.counts()
    timeline, more = queries.agreements_timeline()
    charts = _staff_charts(counts, timeline, more)
    pictures_html = render_template("home/_staff_pictures.html", charts=charts)
    return {
        "counts": counts,
        "pictures": Markup(pictures_html),  # noqa: S704 (an autoescaped template's output)
    }


def _staff_charts(counts: queries.Counts, timeline: list, more: int) -> dict:
    """The five pictures of the staff home, from the counted figures."""
    return {
        "timeline": pictures.agreement_timeline(
            timeline, today(), TIMELINE_STATE_LABELS, more=more
        ),
        "agreement_states": pictures.agreements_by_state(counts.agreements, AGREEMENT_CHART_LABELS),
        "partner_kinds": pictures.agreements_by_partner_kind(
            queries.agreements_by_partner_kind(), PARTNER_KIND_LABELS
        ),
        "proposal_states": pictures.proposals_by_status(counts.proposals, PROPOSAL_STATUS_LABELS),
        "categories": pictures.proposals_by_category(
            queries.proposals_by_category(counts.proposals_by_category)
        ),
    }


def statistics() -> dict:
    """The staff statistics page: endorsements given per month over two years."""
    return {"endorsements": pictures.endorsements_per_month(queries.endorsements_per_month())}


def secretary(user: User) -> dict:
    """A secretary: their committees, the next meetings, minutes to certify, overdue actions."""
    on = today()
    return {
        "committees": queries.secretary_committees(user, on),
        "meetings": formatted(queries.upcoming_meetings(user, on)),
        "to_certify": formatted(queries.minutes_to_certify(user, on)),
        "overdue": queries.overdue_actions(user, on),
    }


def representative(user: User) -> dict:
    """A representative: their association's agreements (with a timeline), proposals,
    endorsements, committee seats and the next meetings of those committees."""
    agreements = queries.own_agreements(user)
    proposals = queries.own_proposals(user)
    endorsements = queries.own_endorsements(user)
    proposal_total, endorsement_total = queries.own_totals(user)
    on = today()
    signed = [a for a in agreements if a.status is not AgreementStatus.APPROVED]
    return {
        "agreements": agreements,
        # drawn only where the page shows it: beside the list of agreements
        "timeline": pictures.agreement_timeline(
            signed, on, TIMELINE_STATE_LABELS, endpoint="agreements.mine_show"
        )
        if agreements
        else None,
        "proposals": proposals,
        "proposal_total": proposal_total,
        "endorsements": endorsements,
        "endorsement_total": endorsement_total,
        "seats": queries.own_seats(user, on),
        "meetings": formatted(queries.own_next_meetings(user, on)),
    }


def plain(_user: User) -> dict:
    """An account none of the other pages fits (no role has such an account today): a
    sentence and the menu."""
    return {}


PAGES = {"staff": staff, "secretary": secretary, "representative": representative,
         "plain": plain}  # fmt: skip

#: The three ways a member takes part, in the order the attendance chart stacks them.
ATTENDANCE_SERIES = (AttendanceKind.PRESENT, AttendanceKind.SUBSTITUTE, AttendanceKind.ABSENT)


def committee_attendance(committee) -> pictures.Chart:
    """The attendance picture of a committee's page (two queries when not kept: it counts
    over every meeting held, so it is kept until the next write; it depends only on the
    committee and the reader's language and digits)."""
    return cache.remembered(
        "committees.attendance",
        (committee.id, committee.created_at, current_language(), thai_numerals_enabled()),
        lambda: _committee_attendance(committee),
    )


def _committee_attendance(committee) -> pictures.Chart:
    rows = [
        (seat.contact.full_name, *(counts.get(kind, 0) for kind in ATTENDANCE_SERIES))
        for seat, counts in attendance_counts(committee)
    ]
    return pictures.attendance(rows, [str(ATTENDANCE_LABELS[k]) for k in ATTENDANCE_SERIES])
