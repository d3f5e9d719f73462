"""The organisation profile form, its validators, and the labels of kinds and statuses."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    SelectChoice,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
    URLField,
)
from wtforms.validators import Length, Optional, ValidationError

from ..forms import email as _email
from ..forms import required as _required
from ..forms import strip
from ..i18n import current_language
from .models import OrganisationKind, OrganisationStatus
from .provinces import BY_CODE, sorted_provinces

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

#: The statuses a form may choose; inactive is reached only by deactivating.
FORM_STATUSES = (OrganisationStatus.PROSPECT, OrganisationStatus.ACTIVE)

_PHONE_CHARACTERS = re.compile(r"\+?[0-9][0-9 -]*")
_REGISTRATION_NUMBER = re.compile(r"[0-9A-Za-z\u0e00-\u0e7f/-]+")


def thai_phone_digits(value: str) -> str | None:
    """The national digits of a Thai phone number (+66 becomes 0), or None if it is not one.

    Digits, spaces and dashes only, with an optional leading +66; landlines have
    9 digits (02 123 4567), mobiles 10 (081 234 5678).
    """
    text = value.strip()
    if not _PHONE_CHARACTERS.fullmatch(text):
        return None
    digits = re.sub(r"[ -]", "", text)
    if digits.startswith("+"):
        if not digits.startswith("+66"):
            return None
        digits = "0" + digits[3:]
    return digits if re.fullmatch(r"0[1-9][0-9]{7,8}", digits) else None


def thai_phone(_form, field) -> None:
    """Accept a Thai telephone number."""
    if field.data and thai_phone_digits(field.data) is None:
        raise ValidationError(
            _l("Enter a Thai telephone number, for example 02 123 4567 or 081 234 5678.")
        )


def web_address(_form, field) -> None:
    """Accept an http or https address with a host name."""
    if not field.data:
        return
    try:
        parts = urlsplit(field.data)
        host = parts.hostname
        parts.port  # noqa: B018 (raises on a malformed port)
    except ValueError:
        host = None
    if parts.scheme.lower() not in {"http", "https"} or not host or re.search(r"\s", field.data):
        raise ValidationError(
            _l(
                "Enter a web address starting with https:// or http://, "
                "for example https://www.example.or.th."
            )
        )


def registration_number(_form, field) -> None:
    """Accept letters, digits, dashes and slashes."""
    if field.data and not _REGISTRATION_NUMBER.fullmatch(field.data):
        raise ValidationError(
            _l("Use only letters, digits, dashes (-) and slashes (/), without spaces.")
        )


def _length(limit: int) -> Length:
    return Length(max=limit, message=_l("At most %(max)d characters."))


def _province_choices() -> list[SelectChoice]:
    lang = current_language()
    return [SelectChoice("", "—")] + [
        SelectChoice(p.code, p.name(lang)) for p in sorted_provinces(lang)
    ]


def one_of_the_provinces(_form, field) -> None:
    """Accept a province code from the fixed list."""
    if field.data and field.data not in BY_CODE:
        raise ValidationError(_l("Choose one of the 77 provinces."))


class OrganisationForm(FlaskForm):
    """An organisation's profile as staff edit it."""

    name_th = StringField(_l("Name in Thai"), validators=[_required, _length(300)], filters=[strip])
    name_en = StringField(
        _l("Name in English"), validators=[Optional(), _length(300)], filters=[strip]
    )
    acronym = StringField(_l("Acronym"), validators=[Optional(), _length(30)], filters=[strip])
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()],
        validators=[_required],
        validate_choice=False,
    )
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice(status.value, STATUS_LABELS[status]) for status in FORM_STATUSES],
        validators=[_required],
        validate_choice=False,
    )
    registration_number = StringField(
        _l("Registration number"),
        validators=[Optional(), _length(30), registration_number],
        filters=[strip],
    )
    province = SelectField(_l("Province"), validators=[one_of_the_provinces], validate_choice=False)
    address = TextAreaField(_l("Address"), validators=[Optional(), _length(1000)], filters=[strip])
    website = URLField(
        _l("Website"), validators=[Optional(), _length(300), web_address], filters=[strip]
    )
    email = EmailField(_l("Email"), validators=[Optional(), _email, _length(254)], filters=[strip])
    phone = TelField(
        _l("Telephone"), validators=[Optional(), _length(30), thai_phone], filters=[strip]
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), _length(5000)], filters=[strip])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.province.choices = _province_choices()

    def validate_kind(self, field) -> None:
        """Accept one of the kinds."""
        if field.data not in {kind.value for kind in OrganisationKind}:
            raise ValidationError(_l("Choose what kind of organisation this is."))

    def validate_status(self, field) -> None:
        """Accept prospect or active."""
        if field.data not in {status.value for status in FORM_STATUSES}:
            raise ValidationError(_l("Choose prospect or active partner."))

    def details(self) -> dict:
        """The profile fields as the services take them."""
        skip = {"status", "csrf_token"}
        return {name: field.data for name, field in self._fields.items() if name not in skip}

    def chosen_status(self) -> OrganisationStatus | None:
        """The status chosen, when the form offers one."""
        return OrganisationStatus(self.status.data) if "status" in self else None
