"""Importing organisations and their contacts from a CSV or XLSX file.

The file is read (``reading``) and every row checked (``checking``) first, with the same
rules as the forms (``services.organisation_values`` and ``services.contact_values``);
duplicates within the file and against the register are problems of their row. A file
with any problem imports nothing and gets a row-by-row report. A clean file is written
(``writing``) in one transaction: one audit event per record and one "imported" event for
the file, then a single commit. The columns a file may have are in ``columns``, the
template to download in ``template``, the page's upload form in ``form``.

One row is one organisation, optionally with one contact. Rows that repeat an
organisation's Thai name add further contacts to it; such a row must repeat the
organisation's other columns exactly or leave them empty.

Shared by the web page (``views.import_file``) and ``flask registry import``; both use the
names below.
"""

from __future__ import annotations

from .checking import (
    REPORT_LIMIT,
    ImportReport,
    Problem,
    Progress,
    _Checker,
    check_table,
    describe,
    parse_date,
)
from .columns import BY_KEY, COLUMNS, Column, column_choices
from .form import ImportForm
from .reading import EXTENSIONS, ImportRefused, Table, max_bytes, max_rows, read_file
from .template import template_csv, template_headers, template_xlsx
from .writing import import_file

__all__ = [
    "BY_KEY",
    "COLUMNS",
    "EXTENSIONS",
    "REPORT_LIMIT",
    "Column",
    "ImportForm",
    "ImportRefused",
    "ImportReport",
    "Problem",
    "Progress",
    "Table",
    "_Checker",
    "check_table",
    "column_choices",
    "describe",
    "import_file",
    "max_bytes",
    "max_rows",
    "parse_date",
    "read_file",
    "template_csv",
    "template_headers",
    "template_xlsx",
]
