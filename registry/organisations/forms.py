"""The organisation profile form, its validators, and the labels of kinds and statuses."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
    URLField,
)
from wtforms.validators import EqualTo, Length, Optional, ValidationError

from ..dates import BEDateField
from ..formats import (
    PHONE_MESSAGE,
    REGISTRATION_NUMBER_MESSAGE,
    WEBSITE_MESSAGE,
    is_registration_number,
    is_web_address,
    thai_phone_digits,
)
from ..forms import CreateForm, VersionedForm, strip
from ..forms import email as _email
from ..forms import required as _required
from ..i18n import current_language
from ..security import one_line
from .labels import KIND_LABELS, PDPA_BASIS_LABELS, STATUS_LABELS
from .models import OrganisationKind, OrganisationStatus, PdpaBasis
from .provinces import BY_CODE, sorted_provinces

#: The statuses a form may choose; inactive is reached only by deactivating.
FORM_STATUSES = (OrganisationStatus.PROSPECT, OrganisationStatus.ACTIVE)


def thai_phone(_form, field) -> None:
    """Accept a Thai telephone number."""
    if field.data and thai_phone_digits(field.data) is None:
        raise ValidationError(PHONE_MESSAGE)


def web_address(_form, field) -> None:
    """Accept an http or https address with a host name."""
    if field.data and not is_web_address(field.data):
        raise ValidationError(WEBSITE_MESSAGE)


def registration_number(_form, field) -> None:
    """Accept letters, digits, dots, dashes and slashes (``formats.is_registration_number``)."""
    if field.data and not is_registration_number(field.data):
        raise ValidationError(REGISTRATION_NUMBER_MESSAGE)


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

    name_th = StringField(
        _l("Name in Thai"), validators=[_required, _length(300), one_line], filters=[strip]
    )
    name_en = StringField(
        _l("Name in English"), validators=[Optional(), _length(300), one_line], filters=[strip]
    )
    acronym = StringField(
        _l("Acronym"), validators=[Optional(), _length(30), one_line], filters=[strip]
    )
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
        skip = {"status", "csrf_token", "lock_version", "submission"}
        return {name: field.data for name, field in self._fields.items() if name not in skip}

    def chosen_status(self) -> OrganisationStatus | None:
        """The status chosen, when the form offers one."""
        return OrganisationStatus(self.status.data) if "status" in self else None


#: Title prefixes offered as suggestions; any other may be typed (ศ.ดร., พล.ต.อ., ...).
TITLE_PREFIXES = (
    "นาย",
    "นาง",
    "นางสาว",
    "ดร.",
    "ผศ.",
    "ผศ.ดร.",
    "รศ.",
    "รศ.ดร.",
    "ศ.",
    "ศ.ดร.",
    "Mr.",
    "Ms.",
    "Mrs.",
    "Dr.",
)


class ContactForm(FlaskForm):
    """A person at an organisation, with the lawful basis for keeping their data."""

    title = StringField(
        lazy_pgettext("name prefix", "Title"),
        validators=[Optional(), _length(60), one_line],
        filters=[strip],
        render_kw={"list": "title-prefixes"},
    )
    first_name = StringField(
        _l("Given name"), validators=[_required, _length(100), one_line], filters=[strip]
    )
    last_name = StringField(
        _l("Family name"), validators=[Optional(), _length(100), one_line], filters=[strip]
    )
    position = StringField(
        _l("Position"), validators=[Optional(), _length(200), one_line], filters=[strip]
    )
    email = EmailField(_l("Email"), validators=[Optional(), _email, _length(254)], filters=[strip])
    phone = TelField(
        _l("Telephone"), validators=[Optional(), _length(30), thai_phone], filters=[strip]
    )
    pdpa_basis = SelectField(
        _l("Lawful basis (PDPA)"),
        choices=[SelectChoice("", "—")]
        + [SelectChoice(basis.value, label) for basis, label in PDPA_BASIS_LABELS.items()],
        validators=[_required],
        validate_choice=False,
    )
    consent_date = BEDateField(_l("Date of consent"), validators=[Optional()])

    def validate_pdpa_basis(self, field) -> None:
        """Accept one of the lawful bases."""
        if field.data not in {basis.value for basis in PdpaBasis}:
            raise ValidationError(_l("Choose the lawful basis for keeping this person's data."))

    def details(self) -> dict:
        """The contact's fields as the services take them."""
        skip = {"csrf_token", "lock_version", "submission"}
        return {name: field.data for name, field in self._fields.items() if name not in skip}


class NewOrganisationForm(CreateForm, OrganisationForm):
    """A new organisation's profile, with the token that makes a double submit create one."""


class NewContactForm(CreateForm, ContactForm):
    """A new contact, with the token that makes a double submit create one."""


class OrganisationEditForm(VersionedForm, OrganisationForm):
    """An organisation's profile as staff change it: with the version it was read at."""


class ContactEditForm(VersionedForm, ContactForm):
    """A contact's details as they are changed: with the version they were read at."""


# --- representatives


class RepresentativeProfileForm(VersionedForm, OrganisationForm):
    """The profile as a representative keeps it: names, acronym, province and contact details.

    Kind, status, registration number and staff notes stay with DGTi staff.
    """

    kind = None
    status = None
    registration_number = None
    notes = None


class AcceptInvitationForm(FlaskForm):
    """The password a representative chooses when accepting an invitation."""

    password = PasswordField(_l("Password"), validators=[_required, _length(200)])
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[_required, EqualTo("password", message=_l("The passwords do not match."))],
    )
