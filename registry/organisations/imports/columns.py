"""The columns of an import file: their keys, Thai headers and labels, and the spellings
of headers and chosen values the import accepts."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..labels import KIND_LABELS, PDPA_BASIS_LABELS, STATUS_LABELS
from ..models import (
    Contact,
    Organisation,
    OrganisationStatus,
)
from ..provinces import PROVINCES


@dataclass(frozen=True)
class Column:
    """One column a file may have: its key (the English header), its Thai header, its label."""

    key: str
    thai: str
    label: object
    #: What the column takes; for chosen values the template lists the choices after it.
    help: object = None
    required: bool = False

    @property
    def contact(self) -> bool:
        """Whether the column belongs to the row's contact rather than its organisation."""
        return self.key.startswith("contact_")

    @property
    def field(self) -> str:
        """The service field the column fills."""
        return self.key.removeprefix("contact_")


_PHONE_HELP = _l("A Thai telephone number, for example 02 123 4567 or 081 234 5678.")

COLUMNS: tuple[Column, ...] = (
    Column(
        "name_th",
        "ชื่อภาษาไทย",
        _l("Name in Thai"),
        _l("Rows with the same Thai name add more contacts to one organisation."),
        required=True,
    ),
    Column("name_en", "ชื่อภาษาอังกฤษ", _l("Name in English")),
    Column("acronym", "ชื่อย่อ", _l("Acronym")),
    Column("kind", "ประเภท", _l("Kind"), _l("One of:"), required=True),
    Column("status", "สถานะ", _l("Status"), _l("One of (prospect when empty):")),
    Column(
        "registration_number",
        "เลขทะเบียน",
        _l("Registration number"),
        _l(
            "Letters, digits, dots (.), dashes (-) and slashes (/), without spaces, for example "
            "ชบ.123/2565."
        ),
    ),
    Column(
        "province",
        "จังหวัด",
        _l("Province"),
        _l("The Thai or English name, or the two-digit code, for example ชลบุรี, Chon Buri or 20."),
    ),
    Column("address", "ที่อยู่", _l("Address")),
    Column("website", "เว็บไซต์", _l("Website"), _l("Starting with https:// or http://.")),
    Column("email", "อีเมล", _l("Email")),
    Column("phone", "โทรศัพท์", _l("Telephone"), _PHONE_HELP),
    Column("notes", "หมายเหตุ", _l("Notes")),
    Column(
        "contact_title", "คำนำหน้าชื่อผู้ติดต่อ", _l("Contact: title"), _l("For example นาย, นางสาว, ดร.")
    ),
    Column(
        "contact_first_name",
        "ชื่อผู้ติดต่อ",
        _l("Contact: given name"),
        _l("Needed when the row has a contact; leave every contact column empty for none."),
    ),
    Column("contact_last_name", "นามสกุลผู้ติดต่อ", _l("Contact: family name")),
    Column("contact_position", "ตำแหน่งผู้ติดต่อ", _l("Contact: position")),
    Column("contact_email", "อีเมลผู้ติดต่อ", _l("Contact: email")),
    Column("contact_phone", "โทรศัพท์ผู้ติดต่อ", _l("Contact: telephone"), _PHONE_HELP),
    Column(
        "contact_pdpa_basis",
        "ฐานทางกฎหมายผู้ติดต่อ",
        _l("Contact: lawful basis (PDPA)"),
        _l("Needed when the row has a contact. One of:"),
    ),
    Column(
        "contact_consent_date",
        "วันที่ให้ความยินยอม",
        _l("Contact: date of consent"),
        _l("Needed when the basis is consent: 2026-11-21 or 21/11/2569 (Buddhist year)."),
    ),
)
BY_KEY = {column.key: column for column in COLUMNS}


def column_choices() -> dict[str, list]:
    """The labels a column chosen from a list accepts (its value in English works too)."""
    return {
        "kind": list(KIND_LABELS.values()),
        "status": [
            STATUS_LABELS[OrganisationStatus.PROSPECT],
            STATUS_LABELS[OrganisationStatus.ACTIVE],
        ],
        "contact_pdpa_basis": list(PDPA_BASIS_LABELS.values()),
    }


ORGANISATION_COLUMNS = tuple(c for c in COLUMNS if not c.contact)
CONTACT_COLUMNS = tuple(c for c in COLUMNS if c.contact)

#: Columns read as they are written; the others are chosen from lists or are dates.
_CHOSEN = {"kind", "status", "province", "contact_pdpa_basis", "contact_consent_date"}

#: Longest text each column may hold (the database's limits, and the forms' for long text).
MAX_LENGTHS = {
    **{
        c.key: (Contact if c.contact else Organisation).__table__.c[c.field].type.length
        for c in COLUMNS
        if c.key not in _CHOSEN
    },
    "address": 1000,
    "notes": 5000,
}

#: Characters no one means to put in a cell: C0 controls other than tab and line breaks.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def fold(text: str) -> str:
    """Text as compared loosely: NFKC, case-folded, without spaces, _ - * . and brackets."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\s_\-*.()]+", "", text)


def _labels_in(labels: dict, value) -> set[str]:
    """The label of one value in Thai and in English."""
    found = set()
    for lang in ("th", "en"):
        with force_locale(lang):
            found.add(str(labels[value]))
    return found


def aliases(labels: dict) -> dict[str, str]:
    """Folded spelling -> value, for an enum given by its value or its Thai or English label."""
    table = {}
    for value in labels:
        for spelling in {value.value, *_labels_in(labels, value)}:
            table[fold(spelling)] = value.value
    return table


def header_aliases() -> dict[str, str]:
    """Folded header -> column key: the key, the Thai header, the label in Thai or English."""
    table = {}
    for column in COLUMNS:
        table[fold(column.key)] = column.key
        table[fold(column.thai)] = column.key
    for column in COLUMNS:
        for lang in ("en", "th"):
            with force_locale(lang):
                table.setdefault(fold(str(column.label)), column.key)
    return table


def province_aliases() -> dict[str, str]:
    table = {}
    for province in PROVINCES:
        for spelling in (province.code, f"TH-{province.code}", province.name_th, province.name_en):
            table[fold(spelling)] = province.code
        table[fold("จังหวัด" + province.name_th)] = province.code
    for spelling in ("กรุงเทพฯ", "กรุงเทพ", "กทม", "Bangkok Metropolis", "Krung Thep Maha Nakhon"):
        table[fold(spelling)] = "10"
    return table
