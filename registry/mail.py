"""Outgoing mail: SMTP when a server is configured, otherwise a folder of .eml files.

Every header is built here, from values that may hold what people typed (an organisation's
name in a subject): line breaks and other control characters in them read as one space,
so no value can end a header or start another; an address that is not one clean address
is refused (``AddressError``) rather than sent.
"""

from __future__ import annotations

import smtplib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app

from . import transactions
from .security import is_control


class AddressError(ValueError):
    """A recipient or sender that is not one well-formed email address."""


def header_text(value: str) -> str:
    """A value as it may stand in a header: control characters and line breaks read as a
    space, runs of spaces as one (the email package then encodes Thai as RFC 2047 words)."""
    return " ".join("".join(" " if is_control(c) else c for c in str(value)).split())


def _address(value: str) -> str:
    """One bare address, checked: no control character, no space, one @, a domain."""
    text = value.strip()
    if not text or any(is_control(c) or c.isspace() for c in text):
        raise AddressError(f"not an email address: {value!r}")
    try:
        return str(Address(addr_spec=text))
    except (HeaderParseError, IndexError, ValueError) as error:
        raise AddressError(f"not an email address: {value!r}") from error


def _sender(value: str) -> str:
    """The configured sender, "Name <address>": the name made a header's text, quoted or
    encoded as needed, the address checked."""
    text = value.strip()
    name, address = "", text
    if text.endswith(">") and "<" in text:
        name, _lt, address = text[:-1].rpartition("<")
        name = header_text(name).strip('"').strip()
    address = _address(address)
    if not name:
        return address
    username, _at, domain = address.rpartition("@")
    return str(Address(display_name=name, username=username, domain=domain))


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message."""

    filename: str
    content: bytes
    mimetype: str = "application/octet-stream"


def build_message(
    to: Iterable[str],
    subject: str,
    body: str,
    html: str | None = None,
    attachments: Iterable[Attachment] = (),
) -> EmailMessage:
    """An RFC 5322 message from the configured sender, UTF-8 throughout; the subject made
    one line (``header_text``), the addresses checked (``AddressError``)."""
    message = EmailMessage()
    message["From"] = _sender(current_app.config["MAIL_SENDER"])
    message["To"] = ", ".join(_address(address) for address in to)
    message["Subject"] = header_text(subject)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="dgti.registry")
    message.set_content(body)
    if html:
        message.add_alternative(html, subtype="html")
    for item in attachments:
        maintype, _, subtype = item.mimetype.partition("/")
        message.add_attachment(
            item.content,
            maintype=maintype,
            subtype=subtype,
            filename=header_text(item.filename),
            # Text files (a calendar file, a CSV) are written in UTF-8: say so, or a mail
            # program may read Thai as ASCII.
            params={"charset": "utf-8"} if maintype == "text" else None,
        )
    return message


def send(
    to: Iterable[str],
    subject: str,
    body: str,
    html: str | None = None,
    attachments: Iterable[Attachment] = (),
) -> EmailMessage:
    """Send a message now and return it; ``AddressError`` before anything is sent when a
    recipient is not one clean address."""
    recipients = [address.strip() for address in to if address and address.strip()]
    message = build_message(recipients, subject, body, html, attachments)
    config = current_app.config
    if config["MAIL_SERVER"]:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message, to_addrs=recipients)
    else:
        folder = Path(config["MAIL_FOLDER"])
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{uuid.uuid4().hex}.eml").write_bytes(message.as_bytes())
    # Sent mail cannot be taken back: a request that fails after this is not run again.
    transactions.note_outside_effect("mail")
    return message
