"""Generated official documents: every PDF the registry produces, kept as a numbered version."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import db, utcnow


def new_public_token() -> str:
    """A random, unguessable token for the public verification page (43 characters)."""
    return secrets.token_urlsafe(32)


class DocumentVersion(db.Model):
    """One stored PDF of a record (an agreement, a meeting's minutes, ...) in one variant.

    Versions are numbered 1, 2, 3 per record (across its variants); a variant is
    the language and form of the file ("th", "en", "bilingual", "pdfa-th", ...).
    ``content_hash`` identifies the input the PDF was rendered from, so an
    unchanged record is served from storage instead of being rendered again.
    """

    __tablename__ = "document_versions"
    __table_args__ = (
        sa.UniqueConstraint(
            "record_type", "record_id", "version", name="uq_document_versions_record_version"
        ),
        sa.Index("ix_document_versions_record", "record_type", "record_id", "variant"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The kind of record the document is of: the record's table, e.g. "agreements", "meetings".
    record_type: Mapped[str] = mapped_column(sa.String(40))
    #: The record's id in that table.
    record_id: Mapped[int] = mapped_column()
    #: 1, 2, 3, ... per record.
    version: Mapped[int] = mapped_column()
    #: Language and form of the file: "th", "en", "bilingual", "pdfa-th", ...
    variant: Mapped[str] = mapped_column(sa.String(20))
    #: The reference number printed on the document, as it was printed.
    reference: Mapped[str | None] = mapped_column(sa.String(60))
    #: Whether the document was produced as final (no draft mark) rather than as a draft.
    final: Mapped[bool] = mapped_column(default=False)
    #: SHA-256 (hex) of the canonical input the PDF was rendered from.
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    #: SHA-256 (hex) of the PDF file.
    sha256: Mapped[str] = mapped_column(sa.String(64))
    #: Size of the PDF file in bytes.
    size: Mapped[int] = mapped_column()
    #: Where the file is, relative to STORAGE_DIR.
    storage_path: Mapped[str] = mapped_column(sa.String(300), unique=True)
    #: The token in the public verification link printed as a QR code on every page.
    public_token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_public_token)
    #: Who had the document produced (none when produced by the system or the user was removed).
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: When the document was produced (UTC).
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    created_by = relationship("User", foreign_keys=[created_by_id])

    def __str__(self) -> str:
        return f"{self.reference or self.record_type} v{self.version} ({self.variant})"


class SignedCopy(db.Model):
    """A printed version with electronic signatures (PAdES) added to it, kept as signed.

    The printed bytes are the start of the file; each signature is an incremental update
    after them. Signing in the registry or accepting a file signed elsewhere adds a copy;
    each extends the one before it, so the newest holds every signature.
    """

    __tablename__ = "signed_copies"
    __table_args__ = (
        sa.UniqueConstraint("version_id", "sequence", name="uq_signed_copies_version_sequence"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The printed version the signatures are on.
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("document_versions.id", ondelete="CASCADE")
    )
    #: 1, 2, 3, ... per printed version: each copy extends the one before.
    sequence: Mapped[int] = mapped_column()
    #: Where the last signature was made: "registry" (the agency's key) or "upload".
    source: Mapped[str] = mapped_column(sa.String(20))
    #: SHA-256 (hex) of the signed file.
    sha256: Mapped[str] = mapped_column(sa.String(64))
    #: Size of the signed file in bytes.
    size: Mapped[int] = mapped_column()
    #: Where the file is, relative to STORAGE_DIR.
    storage_path: Mapped[str] = mapped_column(sa.String(300), unique=True)
    #: The signatures found valid when the copy was accepted, in signing order (see
    #: ``signing.SignatureReport.as_json``).
    signatures: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: Who signed or uploaded it (none when the user was removed).
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: When it was accepted (UTC).
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    version = relationship("DocumentVersion", foreign_keys=[version_id])
    created_by = relationship("User", foreign_keys=[created_by_id])

    def __str__(self) -> str:
        return f"{self.version} signed #{self.sequence}"
