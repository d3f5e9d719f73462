"""The API's query parameters, checked strictly.

The list pages drop a filter value that means nothing; the API refuses it instead (400, naming
the parameter), since a program that sends a wrong filter should learn so rather than receive
everything. Each collection's parameters are declared once here: the check and the OpenAPI
description are both made from the declaration.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from ..formats import (
    REGISTRATION_NUMBER_MAX,
    REGISTRATION_NUMBER_MESSAGE,
    is_registration_number,
)

#: Records per page unless asked otherwise, and the most a page may hold.
PER_PAGE = 25
MAX_PER_PAGE = 100
#: The highest page number accepted (beyond it a request is refused, not slowly answered).
MAX_PAGE = 100_000
#: The longest value of a text parameter.
MAX_TEXT = 100
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: What a text parameter may not hold: control characters other than tab and line breaks
#: (the OpenAPI description's ``pattern`` says the same).
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Param:
    """One query parameter: its name, type, allowed values and meaning."""

    name: str
    #: "enum", "integer", "date", "text" or "registration" (a registration number).
    type: str
    description: str
    values: tuple[str, ...] = ()
    default: str | None = None
    minimum: int = 1
    maximum: int = 2_147_483_647
    #: The name the domain's list filter reads it under, when it differs.
    target: str | None = None


class BadParameter(ValueError):
    """A query parameter the API refuses: the message names it."""

    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name


PAGING = (
    Param("page", "integer", "The page, from 1.", default="1", maximum=MAX_PAGE),
    Param(
        "per_page",
        "integer",
        f"Records per page, at most {MAX_PER_PAGE}.",
        default=str(PER_PAGE),
        maximum=MAX_PER_PAGE,
    ),
)


def _one(args, name: str) -> str:
    values = args.getlist(name)
    if len(values) > 1:
        raise BadParameter(name, _("Parameter %(name)s is given more than once.", name=name))
    return values[0]


def _check(param: Param, value: str) -> str:
    name = param.name
    if param.type == "enum":
        if value not in param.values:
            raise BadParameter(
                name,
                _(
                    "Parameter %(name)s must be one of: %(values)s.",
                    name=name,
                    values=", ".join(param.values),
                ),
            )
    elif param.type == "integer":
        if not (value.isascii() and value.isdigit()) or len(value) > 10:
            raise BadParameter(name, _("Parameter %(name)s must be a whole number.", name=name))
        if not param.minimum <= int(value) <= param.maximum:
            raise BadParameter(
                name,
                _(
                    "Parameter %(name)s must be from %(low)d to %(high)d.",
                    name=name,
                    low=param.minimum,
                    high=param.maximum,
                ),
            )
        value = str(int(value))
    elif param.type == "registration":
        if len(value) > REGISTRATION_NUMBER_MAX or not is_registration_number(value):
            raise BadParameter(
                name,
                _(
                    "Parameter %(name)s must be a registration number: %(rule)s",
                    name=name,
                    rule=REGISTRATION_NUMBER_MESSAGE,
                ),
            )
    elif param.type == "date":
        try:
            if not _DATE.fullmatch(value):
                raise ValueError(value)
            date.fromisoformat(value)
        except ValueError:
            raise BadParameter(
                name,
                _("Parameter %(name)s must be a date written YYYY-MM-DD (Gregorian).", name=name),
            ) from None
    else:
        if CONTROL.search(value):
            raise BadParameter(
                name, _("Parameter %(name)s must not contain control characters.", name=name)
            )
        if len(value) > MAX_TEXT:  # as sent, as the description's maxLength counts
            raise BadParameter(
                name,
                _(
                    "Parameter %(name)s can be at most %(n)d characters long.",
                    name=name,
                    n=MAX_TEXT,
                ),
            )
        value = " ".join(value.split())
    return value


def read_args(params: tuple[Param, ...], args) -> dict[str, str]:
    """The query string checked against the declared parameters: {name: value} of those
    given. Raises ``BadParameter`` for an unknown parameter, a repeated one or a value it
    does not accept, an empty one included (``?status=``: a filter is given or left out);
    an empty or blank text (``?q=``) searches for nothing, as if left out. Values are
    checked as sent, as the OpenAPI description says: no spaces are trimmed first."""
    known = {param.name: param for param in params}
    for name in args:
        if name not in known:
            raise BadParameter(
                name[:40],
                _(
                    "Unknown parameter %(name)s. Accepted: %(names)s.",
                    name=name[:40],
                    names=", ".join(known),
                ),
            )
    values = {}
    for name, param in known.items():
        if name not in args:
            continue
        value = _check(param, _one(args, name))
        if value:
            values[name] = value
    return values


def domain_args(params: tuple[Param, ...], values: dict[str, str]) -> dict[str, str]:
    """The checked values under the names the domain's list filter reads."""
    targets = {param.name: param.target or param.name for param in params}
    return {targets[name]: value for name, value in values.items() if name in targets}
