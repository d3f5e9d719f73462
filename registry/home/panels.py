"""Each role's home page put together: the panels (``queries``) and the pictures drawn from
them (``registry.charts.pictures``), as the template's context."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import pgettext
from markupsafe import Markup

from .. import cache
from ..agreements.labels import STATE_LABELS
from ..agreements.labels import STATUS_LABELS as AGREEMENT_STATUS_LABELS
from ..agreements.models import AgreementState, AgreementStatus
from ..audit.labels import action_label, record_label
from ..auth.models import User
from ..charts import pictures
from ..committees.labels import ROLE_LABELS as COMMITTEE_ROLE_LABELS
from ..committees.services import today
from ..i18n import (
    current_language,
    format_date,
    format_time,
    thai_digits,
    thai_numerals_enabled,
)
from ..meetings.labels import ATTENDANCE_LABELS
from ..meetings.models import AttendanceKind
from ..meetings.panels import formatted
from ..meetings.queries import attendance_counts
from ..organisations.labels import KIND_LABELS as ORGANISATION_KIND_LABELS
from ..proposals.labels import STATUS_COLOURS as PROPOSAL_STATUS_COLOURS
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
    """Staff and admins: figures, what waits for them, what changed, and the pictures; the
    lists' lines formatted here for the reader, each label translated once for the page."""
    reader = _Reader()
    links = addresses()
    kept = cache.remembered("home.staff", (reader.lang, reader.digits), _staff_figures)
    reads_log = bool(user.can("audit.read"))
    return {
        **kept,
        "links": links,
        "reads_log": reads_log,
        "expiring": _expiring(queries.expiring_agreements(), reader, links),
        "in_review": _in_review(queries.agreements_in_review(), reader, links),
        "meetings": formatted(queries.upcoming_meetings(user)),
        "to_screen": _to_screen(queries.proposals_to_screen(), reader, links),
        "activity": _activity(queries.recent_activity(user), reader, links, reads_log),
    }


class _Reader:
    """The reader's language and digits, looked up once for the page, and the short date
    and time in them."""

    __slots__ = ("lang", "digits")

    def __init__(self):
        self.lang = current_language()
        self.digits = thai_numerals_enabled()

    def date(self, value) -> str:
        """A short date ("17 ส.ค. 2563"), as the ``date('short')`` filter writes it."""
        return format_date(value, "short", self.lang, self.digits)

    def datetime(self, value) -> str:
        """A short date and time, as the ``datetime`` filter writes it."""
        return f"{self.date(value)} {format_time(value, self.lang, self.digits)}"

    def number(self, value: int) -> str:
        """A count, as the ``number`` filter writes it."""
        text = f"{value:,}"
        return thai_digits(text) if self.lang == "th" and self.digits else text


#: The ``app.extensions`` key of the home pages' fixed addresses, per script root.
_ADDRESSES = "registry_home_addresses"


def addresses() -> dict[str, str]:
    """The addresses the home pages link to that take no value of the reader's, and the
    record pages' addresses but for the id: built once per script root and kept with the
    app (the same for every request)."""
    kept = current_app.extensions.setdefault(_ADDRESSES, {})
    found = kept.get(request.script_root)
    if found is None:
        found = kept[request.script_root] = _addresses()
    return found


def _addresses() -> dict[str, str]:
    def page(endpoint: str, name: str) -> str:
        return url_for(endpoint, **{name: 0})[:-1]

    found = {
        "in_review": url_for("agreements.index", status="in_review"),
        "submitted": url_for("proposals.index", status="submitted"),
        "submitted_oldest": url_for("proposals.index", status="submitted", sort="oldest"),
        "expiring": url_for("agreements.expiring"),
        "meetings": url_for("meetings.index"),
        "audit": url_for("audit.index"),
        "committees": url_for("committees.index"),
        "agreement": page("agreements.show", "agreement_id"),
        "proposal": page("proposals.show", "proposal_id"),
        "meeting": page("meetings.show", "meeting_id"),
        "committee": page("committees.show", "committee_id"),
        "my_agreements": url_for("agreements.mine"),
        "my_agreement": page("agreements.mine_show", "agreement_id"),
        "my_committees": url_for("committees.mine"),
        "my_committee": page("committees.mine_show", "committee_id"),
        "my_meeting": page("meetings.mine_show", "meeting_id"),
        "new_proposal": url_for("proposals.new"),
    }
    found.update(
        {
            f"record:{kind}": page(endpoint, name)
            for kind, (endpoint, name) in queries.RECORD_PAGES.items()
        }
    )
    return found


@dataclass(frozen=True, slots=True)
class AgreementLine:
    """An agreement of a staff panel: its page, reference, Thai title and the date shown."""

    href: str
    reference: str
    title_th: str
    when: str


@dataclass(frozen=True, slots=True)
class ExpiringBand:
    """One band of the agreements ending soon (within 30, 60 or 90 days), ready to print."""

    days: int
    heading: str
    #: The badge's colour (Bootstrap's text-bg-*).
    colour: str
    count: int
    count_text: str
    agreements: list[AgreementLine]
    #: "and N more agreements", when the band holds more than it lists.
    more: str | None


_BAND_COLOURS = {30: "danger", 60: "warning", 90: "secondary"}


def _expiring(expiring: queries.Expiring, reader: _Reader, links: dict) -> list[ExpiringBand]:
    page = links["agreement"]
    bands = []
    for days, count in expiring.counts.items():
        soonest = expiring.soonest[days]
        more = count - len(soonest)
        bands.append(
            ExpiringBand(
                days,
                _("Ending within %(days)s days", days=reader.number(days)),
                _BAND_COLOURS[days],
                count,
                reader.number(count),
                [
                    AgreementLine(
                        f"{page}{a.id}", a.reference, a.title_th, reader.date(a.effective_until)
                    )
                    for a in soonest
                ],
                _("and %(count)s more agreements", count=reader.number(more)) if more > 0 else None,
            )
        )
    return bands


def _in_review(rows, reader: _Reader, links: dict) -> list[AgreementLine]:
    page = links["agreement"]
    sent = _("Sent for review %(when)s")
    return [
        AgreementLine(
            f"{page}{row.id}",
            row.reference,
            row.title_th,
            sent % {"when": reader.date(row.updated_at)},
        )
        for row in rows
    ]


@dataclass(frozen=True, slots=True)
class ScreenLine:
    """A proposal waiting for screening as its panel shows it."""

    href: str
    title: str
    organisation: str
    when: str


def _to_screen(proposals, reader: _Reader, links: dict) -> list[ScreenLine]:
    page = links["proposal"]
    return [
        ScreenLine(f"{page}{p.id}", p.title, p.organisation, reader.date(p.created_at))
        for p in proposals
    ]


@dataclass(frozen=True, slots=True)
class ActivityLine:
    """One line of recent activity, ready to print, with the page of its record (when it
    has one)."""

    at: str
    actor: str
    action: str
    record_type: str
    record_label: str | None
    href: str | None


def _activity(events, reader: _Reader, links: dict, reads_log: bool) -> list[ActivityLine]:
    actions: dict[str, str] = {}
    record_types: dict[str | None, str] = {}
    lines = []
    for event in events:
        kind = event.record_type
        href = None
        page = links.get(f"record:{kind}")
        if page is not None and event.record_id is not None:
            href = f"{page}{event.record_id}"
        elif reads_log and kind:
            href = url_for("audit.index", record_type=kind, record_id=event.record_id or "")
        action = actions.get(event.action)
        if action is None:
            action = actions[event.action] = action_label(event.action)
        shown_kind = record_types.get(kind)
        if shown_kind is None:
            shown_kind = record_types[kind] = record_label(kind)
        lines.append(
            ActivityLine(
                reader.datetime(event.at),
                event.actor_label,
                action,
                shown_kind,
                event.record_label,
                href,
            )
        )
    return lines


def _staff_figures() -> dict:
    """The counts, figures and pictures of the whole registry: the same for every staff
    member, and the costliest part of the page (they count every record), so kept until the
    next write (``registry.cache``). The figures and pictures are kept rendered
    (``home/_staff_figures.html``, ``home/_staff_pictures.html``): in the reader's language
    and digits, which are in the key."""
    counts = queries.counts()
    timeline, more = queries.agreements_timeline()
    charts = _staff_charts(counts, timeline, more)
    pictures_html = render_template("home/_staff_pictures.html", charts=charts)
    figures_html = render_template("home/_staff_figures.html", counts=counts)
    in_review = counts.agreements.get("in_review", 0)
    submitted = counts.proposals.get("submitted", 0)
    number = _Reader().number
    return {
        "counts": counts,
        "in_review_total": in_review,
        "all_in_review": _("All %(count)s in review", count=number(in_review)),
        "submitted_total": submitted,
        "all_submitted": _("All %(count)s waiting", count=number(submitted)),
        "figures": Markup(figures_html),  # noqa: S704 (an autoescaped template's output)
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
    """A secretary: their committees, the next meetings, minutes to certify, overdue actions;
    the lines formatted here for the reader, each label translated once for the page."""
    on = today()
    reader = _Reader()
    links = addresses()
    meeting = links["meeting"]
    committee = links["committee"]
    held = pgettext("short date", "Held on %(date)s")
    due = _("%(owner)s · due %(date)s · meeting %(number)s, %(committee)s")
    return {
        "links": links,
        "committees": [
            (f"{committee}{row.id}", row.name_th) for row in queries.secretary_committees(user, on)
        ],
        "meetings": formatted(queries.upcoming_meetings(user, on)),
        "to_certify": [
            (f"{meeting}{row.id}", row, held % {"date": row.held_on})
            for row in formatted(queries.minutes_to_certify(user, on))
        ],
        "overdue": [
            (
                f"{meeting}{row.meeting_id}#item-{row.agenda_item_id}",
                row.text,
                due
                % {
                    "owner": row.owner,
                    "date": reader.date(row.due_on),
                    "number": f"{row.number}/{row.year_be}",
                    "committee": row.committee_name,
                },
            )
            for row in queries.overdue_actions(user, on)
        ],
    }


@dataclass(frozen=True, slots=True)
class ProposalLine:
    """One of the association's proposals as its panel shows it."""

    href: str
    title: str
    #: The status badge's colour (Bootstrap's text-bg-*) and label.
    colour: str
    status: str
    #: The day it was submitted and how many endorse it.
    detail: str


def representative(user: User) -> dict:
    """A representative: their association's agreements (with a timeline), proposals,
    endorsements, committee seats and the next meetings of those committees; the lines
    formatted here for the reader, each label translated once for the page."""
    agreements = queries.own_agreements(user)
    own = queries.own_proposals(user)
    proposal_total, endorsement_total = own.proposal_total, own.endorsement_total
    on = today()
    reader = _Reader()
    links = addresses()
    signed = [a for a in agreements if a.status is not AgreementStatus.APPROVED]
    proposal = links["proposal"]
    statuses: dict = {}
    endorsed_by = _("%(count)s endorsements")
    proposals = []
    for row in own.latest:
        status = statuses.get(row.status)
        if status is None:
            status = statuses[row.status] = (
                PROPOSAL_STATUS_COLOURS[row.status],
                str(PROPOSAL_STATUS_LABELS[row.status]),
            )
        count = endorsed_by % {"count": reader.number(row.endorsement_count)}
        proposals.append(
            ProposalLine(
                f"{proposal}{row.id}",
                row.title,
                *status,
                f"{reader.date(row.created_at)} · {count}",
            )
        )
    endorsed_on = _("Endorsed on %(date)s")
    seat_page = links["my_committee"]
    roles: dict = {}
    seats = []
    for seat in queries.own_seats(user, on):
        role = roles.get(seat.role)
        if role is None:
            role = roles[seat.role] = str(COMMITTEE_ROLE_LABELS[seat.role])
        seats.append(
            (f"{seat_page}{seat.committee_id}", seat.committee_name, f"{seat.person} · {role}")
        )
    endorsements = [
        (
            f"{proposal}{row.proposal_id}",
            row.title,
            endorsed_on % {"date": reader.date(row.endorsed_on)},
        )
        for row in queries.own_endorsements(user)
    ]
    organisation = user.organisation_id
    return {
        "links": links,
        "agreements": agreements,
        # drawn only where the page shows it: beside the list of agreements
        "timeline": pictures.agreement_timeline(
            signed, on, TIMELINE_STATE_LABELS, endpoint="agreements.mine_show"
        )
        if agreements
        else None,
        "own_proposals": url_for("proposals.index", organisation=organisation),
        "own_endorsements": url_for("proposals.index", endorsed_by=organisation),
        "proposals": proposals,
        "all_proposals": _("All %(count)s proposals", count=reader.number(proposal_total))
        if proposal_total > len(proposals)
        else None,
        "endorsements": endorsements,
        "all_endorsements": _("All %(count)s endorsements", count=reader.number(endorsement_total))
        if endorsement_total > len(endorsements)
        else None,
        "seats": seats,
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
