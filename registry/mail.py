"""Outgoing mail: SMTP when a server is configured, otherwise a folder of .eml files."""

from __future__ import annotations

import smtplib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app

from . import transactions


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
    """An RFC 5322 message from the configured sender, UTF-8 throughout."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = ", ".join(to)
    message["Subject"] = subject
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
            filename=item.filename,
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
    """Send a message now and return it."""
    recipients = [address for address in to if address]
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
