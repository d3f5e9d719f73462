"""The words shown for proposals' kinds and statuses, and the colour of each status's badge."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .models import ProposalKind, ProposalStatus

KIND_LABELS = {
    ProposalKind.PROBLEM_STATEMENT: _l("Problem statement from a government agency"),
    ProposalKind.DRAFT_PROJECT: _l("Draft project"),
    ProposalKind.RECOMMENDATION: _l("Recommendation"),
}

STATUS_LABELS = {
    ProposalStatus.SUBMITTED: _l("Submitted"),
    ProposalStatus.SCREENING: _l("In screening"),
    ProposalStatus.ON_AGENDA: _l("On a committee agenda"),
    ProposalStatus.RECOMMENDED: _l("Recommended"),
    ProposalStatus.FORWARDED: _l("Forwarded"),
    ProposalStatus.IN_IMPLEMENTATION: _l("In implementation"),
    ProposalStatus.COMPLETED: _l("Completed"),
    ProposalStatus.REJECTED: _l("Rejected"),
    ProposalStatus.WITHDRAWN: _l("Withdrawn"),
}

#: The Bootstrap colour of each status's badge.
STATUS_COLOURS = {
    ProposalStatus.SUBMITTED: "secondary",
    ProposalStatus.SCREENING: "info",
    ProposalStatus.ON_AGENDA: "primary",
    ProposalStatus.RECOMMENDED: "primary",
    ProposalStatus.FORWARDED: "primary",
    ProposalStatus.IN_IMPLEMENTATION: "warning",
    ProposalStatus.COMPLETED: "success",
    ProposalStatus.REJECTED: "danger",
    ProposalStatus.WITHDRAWN: "dark",
}
