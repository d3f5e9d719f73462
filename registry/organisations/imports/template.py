"""The import template to download: the columns with one example row, as CSV or XLSX."""

from __future__ import annotations

import codecs
import csv
import io

from flask_babel import force_locale

from ...i18n import current_language
from ..labels import KIND_LABELS, PDPA_BASIS_LABELS, STATUS_LABELS
from ..models import (
    OrganisationKind,
    OrganisationStatus,
    PdpaBasis,
)
from .columns import COLUMNS


def _example_row(lang: str) -> dict:
    with force_locale(lang):
        return {
            "name_th": "สมาคมตัวอย่างการนำเข้าข้อมูล",
            "name_en": "Example Import Association",
            "acronym": "EIA",
            "kind": str(KIND_LABELS[OrganisationKind.ASSOCIATION]),
            "status": str(STATUS_LABELS[OrganisationStatus.PROSPECT]),
            "registration_number": "1234/2566",
            "province": "ชลบุรี" if lang == "th" else "Chon Buri",
            "address": "99 ถนนสุขุมวิท อำเภอศรีราชา จังหวัดชลบุรี 20110",
            "website": "https://www.example.or.th",
            "email": "info@example.or.th",
            "phone": "038 123 456",
            "notes": "",
            "contact_title": "นาย",
            "contact_first_name": "สมชาย",
            "contact_last_name": "ใจดี",
            "contact_position": "นายกสมาคม",
            "contact_email": "somchai@example.or.th",
            "contact_phone": "081 234 5678",
            "contact_pdpa_basis": str(PDPA_BASIS_LABELS[PdpaBasis.CONSENT]),
            "contact_consent_date": "01/10/2569" if lang == "th" else "2026-10-01",
        }


def template_headers(lang: str | None = None) -> list[str]:
    """The column names of the template: Thai headers for Thai readers, keys otherwise."""
    lang = lang or current_language()
    return [column.thai if lang == "th" else column.key for column in COLUMNS]


def template_csv(lang: str | None = None) -> bytes:
    """A CSV template (UTF-8 with a byte-order mark, so Excel shows Thai) with one example."""
    lang = lang or current_language()
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(template_headers(lang))
    example = _example_row(lang)
    writer.writerow([example[column.key] for column in COLUMNS])
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


def template_xlsx(lang: str | None = None) -> bytes:
    """An XLSX template with the column names, one example row, and text-formatted numbers."""
    # openpyxl is loaded by the first template asked for, not by every server process.
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    lang = lang or current_language()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "organisations"
    sheet.append(template_headers(lang))
    example = _example_row(lang)
    sheet.append([example[column.key] for column in COLUMNS])
    text_columns = {"registration_number", "phone", "contact_phone", "contact_consent_date"}
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet[f"{letter}1"].font = Font(bold=True)
        sheet.column_dimensions[letter].width = 24
        if column.key in text_columns:
            sheet.column_dimensions[letter].number_format = "@"
            sheet[f"{letter}2"].number_format = "@"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
