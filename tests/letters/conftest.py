"""Helpers for the letter tests: a committee with a scheduled meeting, an agreement draft
with a partner, the mail folder, PDFs read back as text and as images, test images."""

from __future__ import annotations

import email
import io
import subprocess
import tempfile
from datetime import timedelta
from email import policy
from pathlib import Path

import pytest

from registry.committees.services import today
from registry.organisations.models import OrganisationKind
from tests.agreements.conftest import (  # noqa: F401 (fixtures used here)
    content_for,
    make_agreement,
    staff_user,
    two_organisations,
)
from tests.meetings.conftest_documents import add_item, add_meeting, build_committee, commit

PARTNER_EMAIL = "office@ai-association.example.or.th"


@pytest.fixture
def committee(app, db_session, make_organisation, make_contact):
    """A joint committee of six seats (five with an email address)."""
    return build_committee(app, make_organisation, make_contact)


@pytest.fixture
def meeting_id(app, committee) -> int:
    """Meeting 3 of the committee, in thirty days, with one agenda item."""
    with app.app_context():
        meeting = add_meeting(committee.id, 3, today() + timedelta(days=30))
        add_item(meeting, 4, 1, "ข้อเสนอโครงการเมืองอัจฉริยะ")
        commit()
        return meeting.id


@pytest.fixture
def agreement_id(app, db_session, make_organisation, make_user) -> int:
    """An MOU draft between the agency and a partner association that has an email."""
    from registry.agreements import services
    from registry.auth.models import User
    from registry.db import db

    own = make_organisation("สำนักงานพัฒนารัฐบาลดิจิทัล", kind=OrganisationKind.OWN_AGENCY)
    partner = make_organisation("สมาคมปัญญาประดิษฐ์ประเทศไทย", email=PARTNER_EMAIL)
    staff = make_user("staff")
    with app.app_context():
        agreement = services.create_agreement(
            content_for([own, partner]), actor=db.session.get(User, staff)
        )
        return agreement.id


@pytest.fixture
def mailbox(app):
    """The messages written to the mail folder since the test began."""
    folder = Path(app.config["MAIL_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    seen = set(folder.iterdir())

    def read() -> list[email.message.EmailMessage]:
        return [
            email.message_from_bytes(path.read_bytes(), policy=policy.default)
            for path in sorted(set(folder.iterdir()) - seen, key=lambda p: p.stat().st_mtime)
        ]

    return read


def pdf_text(pdf: bytes) -> str:
    """The PDF's text as poppler's pdftotext reads it (layout kept)."""
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode("utf-8")


def plain(text: str) -> str:
    """Text without spaces, to compare Thai however the reader spaced it."""
    return "".join(text.split())


def first_page_png(pdf: bytes, dpi: int = 100) -> bytes:
    """The first page as a PNG (poppler's pdftoppm)."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "letter.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                str(dpi),
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(source),
                str(Path(folder) / "page"),
            ],
            check=True,
        )
        return (Path(folder) / "page.png").read_bytes()


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (300, 354), color="#b8860b") -> bytes:
    """A plain image made with Pillow: an emblem stand-in (a filled disc on white)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, "white")
    ImageDraw.Draw(image).ellipse((10, 10, size[0] - 10, size[1] - 10), fill=color)
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return buffer.getvalue()
