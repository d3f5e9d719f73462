"""Reviewed drafts: the Word files (.docx) a partner sends back with their marks on an
agreement's draft, kept beside the agreement as they came (stored and listed, never read
for their text): who filed each, when, the file's name, size and SHA-256.

Only a real Word file is kept: a ZIP archive within the size limit that holds
``[Content_Types].xml`` and ``word/document.xml``; anything else is refused at the form.
"""

from __future__ import annotations

import hashlib
import io
import uuid
import zipfile
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import audit, submissions, uploads
from ..db import db, utcnow
from ..rules import RuleError
from .models import Agreement, AgreementStatus

#: The largest reviewed draft accepted.
MAX_BYTES = 10 * 1024 * 1024
#: The most entries, and the largest unpacked size, of the archive (a ZIP bomb is refused).
MAX_ENTRIES = 2000
MAX_UNPACKED = 200 * 1024 * 1024
#: Where the files are kept under STORAGE_DIR.
FOLDER = "agreements/reviews"
#: The parts every Word document has.
REQUIRED_PARTS = ("[Content_Types].xml", "word/document.xml")


class ReviewError(RuleError):
    """A reviewed draft that is refused."""


class AgreementReview(db.Model):
    """One reviewed draft of an agreement, as the partner sent it back."""

    __tablename__ = "agreement_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The agreement whose draft was reviewed.
    agreement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agreements.id", ondelete="CASCADE"), index=True
    )
    #: The file's name as uploaded (a label only).
    filename: Mapped[str] = mapped_column(sa.String(200))
    #: Where the file is, relative to STORAGE_DIR.
    storage_path: Mapped[str] = mapped_column(sa.String(300), unique=True)
    #: SHA-256 (hex) of the file.
    sha256: Mapped[str] = mapped_column(sa.String(64))
    #: Its size in bytes.
    size: Mapped[int] = mapped_column()
    #: Who filed it.
    uploaded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    #: When it was filed (UTC).
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    agreement: Mapped[Agreement] = relationship()
    uploaded_by = relationship("User")

    def __str__(self) -> str:
        return f"{self.filename} ({self.agreement.reference if self.agreement else ''})"[:300]


def check_docx(data: bytes) -> None:
    """Refuse (ReviewError at "file") an empty file, one over the limit, or one that is not
    a Word document (.docx): the content is read, not the name."""
    if not data:
        raise ReviewError(_("Choose the Word file (.docx) to upload."), "file")
    if len(data) > min(MAX_BYTES, uploads.limit()):
        raise ReviewError(
            _("The file is larger than %(mb)d MB.", mb=MAX_BYTES // (1024 * 1024)), "file"
        )
    not_word = _("The file is not a Word document (.docx).")
    if not data.startswith(b"PK\x03\x04"):
        raise ReviewError(not_word, "file")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            if len(entries) > MAX_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED:
                raise ReviewError(not_word, "file")
            if not all(part in names for part in REQUIRED_PARTS):
                raise ReviewError(not_word, "file")
            with archive.open("word/document.xml") as part:
                head = part.read(512)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError):
        raise ReviewError(not_word, "file") from None
    if b"<" not in head or b"document" not in head:
        raise ReviewError(not_word, "file")


def upload(
    agreement: Agreement, data: bytes, filename: str | None, actor, submission: str | None = None
) -> AgreementReview:
    """File a partner's reviewed draft for the agreement (audited; commits). The file is
    written first and removed again when the record is not saved. Refused for a signed or
    terminated agreement (no longer a draft). Sent twice, it is filed once."""
    if agreement.status in (AgreementStatus.SIGNED, AgreementStatus.TERMINATED):
        raise ReviewError(_("The agreement is signed: its draft is no longer reviewed."), "file")
    check_docx(data)
    relative = f"{FOLDER}/{uuid.uuid4().hex}.docx"
    path = uploads.storage_root() / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    name = Path((filename or "").replace("\\", "/")).name[:200] or "review.docx"
    try:
        with submissions.once(submission, actor) as claim:
            review = AgreementReview(
                agreement_id=agreement.id,
                filename=name,
                storage_path=relative,
                sha256=hashlib.sha256(data).hexdigest(),
                size=len(data),
                uploaded_by_id=getattr(actor, "id", None),
            )
            with audit.change(review, actor, "filed reviewed draft"):
                pass
            claim.made(review)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        uploads.remove(relative)
        raise
    return review


def reviews_of(agreement: Agreement) -> list[AgreementReview]:
    """The agreement's reviewed drafts, newest first."""
    return list(
        db.session.scalars(
            sa.select(AgreementReview)
            .where(AgreementReview.agreement_id == agreement.id)
            .order_by(AgreementReview.uploaded_at.desc(), AgreementReview.id.desc())
        )
    )


def review_or_404(agreement: Agreement, review_id: int) -> AgreementReview:
    """One reviewed draft of this agreement; another agreement's is "not found"."""
    review = db.get_or_404(AgreementReview, review_id)
    if review.agreement_id != agreement.id:
        from flask import abort

        abort(404)
    return review


def stored_file(review: AgreementReview) -> Path | None:
    """The stored file, when it is there and intact."""
    path = uploads.stored_path(review.storage_path)
    if path is None:
        return None
    return path if hashlib.sha256(path.read_bytes()).hexdigest() == review.sha256 else None
