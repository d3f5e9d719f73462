"""The list of agreements as a spreadsheet (CSV or XLSX, through ``registry.tabular``), with
the columns staff report on."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Response
from flask_babel import gettext as _

from .. import tabular
from ..dates import file_date
from ..i18n import current_language
from .labels import STATE_LABELS, STATUS_LABELS
from .models import Agreement
from .services import today


def columns() -> list[tabular.Column]:
    """The columns, headers in the reader's language; dates as real dates."""
    lang, on = current_language(), today()
    return [
        tabular.Column(_("Reference"), lambda a: a.reference),
        tabular.Column(_("Kind"), lambda a: a.kind.value),
        tabular.Column(_("Title in Thai"), lambda a: a.title_th),
        tabular.Column(_("Title in English"), lambda a: a.title_en),
        tabular.Column(
            _("Parties"),
            lambda a: "; ".join(p.organisation.display_name(lang) for p in a.parties),
        ),
        tabular.Column(_("Status"), lambda a: str(STATUS_LABELS[a.status_on(on)])),
        tabular.Column(_("State"), lambda a: str(STATE_LABELS[a.state(on)])),
        tabular.Column(_("Date of signing"), lambda a: a.signed_on),
        tabular.Column(_("In force from"), lambda a: a.starts_on),
        tabular.Column(_("In force until"), lambda a: a.effective_until),
        tabular.Column(_("Terminated on"), lambda a: a.terminated_on),
        tabular.Column(
            _("Responsible staff member"),
            lambda a: a.responsible.full_name if a.responsible else None,
        ),
    ]


def download(agreements: Sequence[Agreement], file_format: str) -> Response:
    """The list as a file to download."""
    data = tabular.write(file_format, columns(), agreements, _("Agreements"))
    return tabular.download(data, file_format, f"agreements-{file_date(today())}.{file_format}")
