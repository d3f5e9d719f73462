"""Checks of the formats people type: email addresses, Thai telephone numbers, web
addresses and registration numbers. Plain functions, shared by the form validators
and by the import, which checks rows without a form."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

EMAIL_MESSAGE = _l("Enter a valid email address, for example name@example.go.th.")
PHONE_MESSAGE = _l("Enter a Thai telephone number, for example 02 123 4567 or 081 234 5678.")
WEBSITE_MESSAGE = _l(
    "Enter a web address starting with https:// or http://, for example https://www.example.or.th."
)
REGISTRATION_NUMBER_MESSAGE = _l(
    "Use only Thai or Latin letters, digits, dots (.), dashes (-) and slashes (/), without "
    "spaces, starting with a letter or digit; for example ชบ.123/2565."
)

_PHONE_CHARACTERS = re.compile(r"\+?[0-9][0-9 -]*")
#: A registration number: Thai or Latin letters and digits (Thai digits too), with dots,
#: dashes and slashes between them ("ชบ.123/2565", "2560-0123/1"); no spaces, so one number
#: is always written one way and found again.
REGISTRATION_NUMBER_PATTERN = "^[0-9A-Za-z\u0e01-\u0e59][0-9A-Za-z\u0e01-\u0e59./-]*$"
_REGISTRATION_NUMBER = re.compile(REGISTRATION_NUMBER_PATTERN)


#: Control characters (NUL among them, which no database takes in a query) read as spaces.
_CONTROLS = str.maketrans({code: " " for code in [*range(0x20), *range(0x7F, 0xA0)]})


def query_text(text: str | None, limit: int) -> str:
    """Words typed into a search or filter box: control characters read as spaces, spaces
    collapsed, at most ``limit`` characters."""
    return " ".join((text or "").translate(_CONTROLS).split())[:limit]


def is_email(text: str) -> bool:
    """Whether the text is a well-formed email address (no lookup of the domain)."""
    try:
        validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


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


def is_web_address(text: str) -> bool:
    """Whether the text is an http or https address with a host name and no spaces."""
    try:
        parts = urlsplit(text)
        host = parts.hostname
        parts.port  # noqa: B018 (raises on a malformed port)
    except ValueError:
        return False
    return parts.scheme.lower() in {"http", "https"} and bool(host) and not re.search(r"\s", text)


#: The longest registration number (the column's length).
REGISTRATION_NUMBER_MAX = 30


def is_registration_number(text: str) -> bool:
    """Whether the text is letters, digits, dots, dashes and slashes only, starting with a
    letter or digit."""
    return bool(_REGISTRATION_NUMBER.fullmatch(text))
