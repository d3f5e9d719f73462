"""The words shown for organisations' kinds and statuses and contacts' PDPA bases."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .models import OrganisationKind, OrganisationStatus, PdpaBasis

KIND_LABELS = {
    OrganisationKind.ASSOCIATION: _l("Association"),
    OrganisationKind.FEDERATION: _l("Federation or council"),
    OrganisationKind.COMPANY: _l("Company"),
    OrganisationKind.UNIVERSITY: _l("University"),
    OrganisationKind.GOVERNMENT_AGENCY: _l("Government agency"),
    OrganisationKind.OWN_AGENCY: _l("DGA"),
    OrganisationKind.OWN_CENTRE: _l("DGTi centre"),
}

STATUS_LABELS = {
    OrganisationStatus.PROSPECT: _l("Prospect"),
    OrganisationStatus.ACTIVE: _l("Active partner"),
    OrganisationStatus.INACTIVE: _l("Inactive"),
}

PDPA_BASIS_LABELS = {
    PdpaBasis.CONSENT: _l("Consent of the person"),
    PdpaBasis.CONTRACT: _l("Performance of a contract"),
    PdpaBasis.LEGITIMATE_INTEREST: _l("Legitimate interest"),
    PdpaBasis.PUBLIC_TASK: _l("Public task of the agency"),
    PdpaBasis.LEGAL_OBLIGATION: _l("Legal obligation"),
}
