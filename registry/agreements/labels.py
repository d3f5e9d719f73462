"""The words shown for an agreement's kinds, statuses, states and languages, and for the
list's filters: shared by forms, pages, exports, search and open data."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .models import AgreementKind, AgreementLanguage, AgreementState, AgreementStatus

KIND_LABELS = {
    AgreementKind.MOU: _l("Memorandum of understanding (MOU)"),
    AgreementKind.MOA: _l("Memorandum of agreement (MOA)"),
}

STATUS_LABELS = {
    AgreementStatus.DRAFT: _l("Draft"),
    AgreementStatus.IN_REVIEW: _l("In review"),
    AgreementStatus.APPROVED: _l("Approved for signing"),
    AgreementStatus.SIGNED: _l("Signed"),
    AgreementStatus.TERMINATED: _l("Terminated"),
}

STATE_LABELS = {
    AgreementState.NOT_SIGNED: _l("Not signed yet"),
    AgreementState.PENDING: _l("Signed, not yet in force"),
    AgreementState.ACTIVE: _l("In force"),
    AgreementState.EXPIRING: _l("Expiring soon"),
    AgreementState.EXPIRED: _l("Expired"),
    AgreementState.TERMINATING: _l("Terminating"),
    AgreementState.TERMINATED: _l("Terminated"),
}

LANGUAGE_LABELS = {
    AgreementLanguage.TH: _l("Thai"),
    AgreementLanguage.EN: _l("English"),
    AgreementLanguage.BOTH: _l("Thai and English"),
}

#: The filter values of the list beyond the statuses, with their labels.
DERIVED_FILTER_LABELS = {
    "active": _l("In force"),
    "expiring": _l("Expiring within 90 days"),
    "expired": _l("Expired"),
    "terminating": _l("Terminating (notice given)"),
}
