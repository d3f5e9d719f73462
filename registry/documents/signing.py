"""Electronic signatures on printed documents (PAdES, with pyHanko), and the check of files
signed elsewhere.

A stored printing (``DocumentVersion``) is never changed: each signature is an incremental
update appended to its bytes, kept as a ``SignedCopy``; the next signature extends the
newest copy, so every earlier one stays valid. Signing in the registry uses the agency's
certificate and key from a PKCS#12 file named by the environment (``SIGNING_PKCS12_PATH``
and ``SIGNING_PKCS12_PASSPHRASE``), read at each signing and never stored; PKCS#11 tokens
are not supported yet. With ``SIGNING_TSA_URL`` each signature carries an RFC 3161
timestamp (PAdES B-T), otherwise it is PAdES B-B.

Where a signature goes: every signature block of a document carries an HTML id
``signature-<role>-<n>`` (``templates/documents/_signatures.html``), which WeasyPrint writes
into the PDF as a named destination (page and top-left corner). The block's field is placed
there, so it follows the page as laid out rather than a fixed rectangle that a longer party
name or a page break would move; a printing made before the blocks carried ids gets its
signature in an invisible field (still listed by every reader).

A file signed elsewhere is accepted only if its first bytes are exactly the registry's
printed version (or the newest signed copy of it), everything after them is signatures
(and their validation data), and every signature is intact, covers the printed version,
chains to a trusted CA (``SIGNING_TRUST_ROOTS``, and the agency's own chain), and was made
while its certificate was valid.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from markupsafe import escape

from .. import audit, submissions
from ..auth.permissions import role_has
from ..db import db
from ..i18n import BANGKOK, format_datetime
from .models import DocumentVersion, SignedCopy
from .rendering import _font_configuration, _font_urls, restricted_fetcher
from .services import DocumentError, _store, file_intact, file_path

log = logging.getLogger(__name__)

#: The permission that lets a user sign with the agency's certificate.
PERMISSION = "documents.sign"

#: The audit actions of this module.
SIGNED = "signed document"
ACCEPTED = "accepted signed document"

#: The named destinations (HTML ids) of signature blocks begin with this.
ANCHOR_PREFIX = "signature-"

#: A signature block is half the text column wide (A4, margins 3 cm and 2 cm): 8 cm.
BLOCK_WIDTH = 8 / 2.54 * 72
#: The empty space at the top of every signature block, above its line to sign on, in points
#: (``.sign-space`` in templates/documents/base.html: 1.45 cm).
SPACE_HEIGHT = 1.45 / 2.54 * 72
#: The visible signature's size, in points: it fits inside the block's empty space.
STAMP_WIDTH = 200.0
STAMP_HEIGHT = 37.0
#: The gap kept between the visible signature and the top of its block's empty space.
_STAMP_GAP = (SPACE_HEIGHT - STAMP_HEIGHT) / 2

#: The room kept in a signature for the signer's CMS data (certificates, timestamp).
_SIGNATURE_BYTES = 16384


@cache
def outside_event_loop(call, *args, **kwargs):
    """``call(*args, **kwargs)`` for pyHanko's synchronous functions, which start an event
    loop of their own (``asyncio.run``): run in a thread of its own when this thread already
    runs a loop (an asynchronous server, a browser driver), where they would fail."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call, *args, **kwargs).result()


def load_pyhanko() -> None:
    """Import pyHanko once, quietly: at import it touches cryptography's DSA names, which
    warn as deprecated (the registry never uses DSA). Called before any use of pyHanko."""
    from cryptography.utils import CryptographyDeprecationWarning

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=CryptographyDeprecationWarning)
        import pyhanko.sign  # noqa: F401
        import pyhanko.sign.validation  # noqa: F401
        import pyhanko_certvalidator  # noqa: F401


class SigningError(DocumentError):
    """A signature that cannot be made, or a signed file that is refused."""


@dataclass(frozen=True)
class SignatureReport:
    """What the registry found about one signature, as shown and stored."""

    #: The signature field's name ("signature-party-1", ...).
    field: str
    #: The signer's name, from the certificate (common name, else the whole subject).
    signer: str
    #: The signer's organisation, from the certificate, if it says.
    organisation: str | None
    #: Who issued the certificate (its common name).
    issuer: str
    #: SHA-256 (hex) of the signer's certificate.
    certificate_sha256: str
    #: When it was signed (UTC, ISO 8601): the timestamp's time if there is one, else the
    #: time the signer's software wrote.
    signed_at: str | None
    #: Whether an RFC 3161 timestamp vouches for the time (PAdES B-T).
    timestamped: bool
    #: "entire file" (nothing after it) or "entire revision" (signatures added after it).
    coverage: str
    #: Whether the signature is intact, valid and trusted.
    valid: bool
    #: Whether it was made with the agency's own certificate.
    agency: bool

    def as_json(self) -> dict:
        """The report as stored with the signed copy."""
        return asdict(self)


# --- Keys and trust -----------------------------------------------------------------------


def _now() -> datetime:
    return datetime.now(UTC)


def load_pkcs12(data: bytes, passphrase: str | bytes | None):
    """A pyHanko signer from PKCS#12 bytes; SigningError (nothing else) if the passphrase is
    wrong or the certificate is not valid today."""
    load_pyhanko()
    from cryptography.hazmat.primitives.serialization import pkcs12
    from pyhanko.sign import signers

    secret = passphrase.encode() if isinstance(passphrase, str) else passphrase
    try:
        _key, certificate, _others = pkcs12.load_key_and_certificates(data, secret or None)
    except ValueError:
        raise SigningError(
            _(
                "The agency's signing certificate could not be opened: the passphrase is wrong "
                "or the file is not a PKCS#12 file. Ask the administrator to check "
                "SIGNING_PKCS12_PASSPHRASE."
            )
        ) from None
    if certificate is None or _key is None:
        raise SigningError(_("The agency's signing file holds no certificate and key."))
    now = _now()
    if certificate.not_valid_after_utc < now:
        raise SigningError(
            _(
                "The agency's signing certificate expired on %(date)s; ask the administrator "
                "to install a new one.",
                date=format_datetime(certificate.not_valid_after_utc),
            )
        )
    if certificate.not_valid_before_utc > now:
        raise SigningError(
            _(
                "The agency's signing certificate is valid only from %(date)s.",
                date=format_datetime(certificate.not_valid_before_utc),
            )
        )
    return signers.SimpleSigner.load_pkcs12_data(data, other_certs=[], passphrase=secret or None)


def agency_signer():
    """The agency's signer, read now from SIGNING_PKCS12_PATH with its passphrase (never kept)."""
    path = current_app.config.get("SIGNING_PKCS12_PATH")
    if not path:
        raise SigningError(
            _(
                "Electronic signing is not set up: the administrator has not configured the "
                "agency's signing certificate."
            )
        )
    try:
        data = Path(path).read_bytes()
    except OSError:
        log.error("signing certificate %s cannot be read", path)
        raise SigningError(
            _("The agency's signing certificate file cannot be read; ask the administrator.")
        ) from None
    return load_pkcs12(data, current_app.config.get("SIGNING_PKCS12_PASSPHRASE"))


def _agency_certificates() -> list:
    """The agency's certificate and the chain in its PKCS#12 file, when it can be read."""
    try:
        signer = agency_signer()
    except SigningError:
        return []
    return [signer.signing_cert, *signer.cert_registry]


def trust_roots(agency: list | None = None) -> list:
    """The certificates a signature may chain to: SIGNING_TRUST_ROOTS (PEM or DER), and the
    self-signed ones of the agency's own chain (``agency``: that chain, when read already)."""
    load_pyhanko()
    from asn1crypto import pem, x509

    roots = []
    path = current_app.config.get("SIGNING_TRUST_ROOTS")
    if path:
        try:
            data = Path(path).read_bytes()
        except OSError:
            log.error("trust roots %s cannot be read", path)
            data = b""
        if pem.detect(data):
            roots += [x509.Certificate.load(der) for _t, _h, der in pem.unarmor(data, True)]
        elif data:
            roots.append(x509.Certificate.load(data))
    for certificate in _agency_certificates() if agency is None else agency:
        if certificate.self_signed != "no":
            roots.append(certificate)
    return roots


def validation_context(roots=None):
    """The validation context signatures are checked with: the trust roots, no network
    (revocation is checked only from what a signature carries)."""
    load_pyhanko()
    from pyhanko_certvalidator import ValidationContext

    return ValidationContext(
        trust_roots=roots if roots is not None else trust_roots(),
        allow_fetching=False,
        revocation_mode="soft-fail",
    )


def timestamper():
    """The RFC 3161 timestamp authority of SIGNING_TSA_URL (PAdES B-T), or None (B-B)."""
    load_pyhanko()
    url = current_app.config.get("SIGNING_TSA_URL")
    if not url:
        return None
    from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper

    return RequestsHTTPTimeStamper(url, timeout=10)


def may_sign(user) -> bool:
    """Whether the user may sign with the agency's certificate."""
    role = getattr(user, "role", None)
    return role is not None and getattr(user, "is_authenticated", False) and role_has(
        role, PERMISSION
    )


# --- Where the signature blocks are ---------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """A signature block of a printed document: its field name, page and top-left corner."""

    name: str
    page: int
    left: float
    top: float

    def box(self) -> tuple[int, int, int, int]:
        """The visible signature's rectangle: centred in the empty space the block keeps above
        its line to sign on (the block's top-left is the named destination), so it touches
        neither the text above the block nor "(Signed)" below, nor the next block."""
        x1 = self.left + (BLOCK_WIDTH - STAMP_WIDTH) / 2
        y2 = self.top - _STAMP_GAP
        return (round(x1), round(y2 - STAMP_HEIGHT), round(x1 + STAMP_WIDTH), round(y2))


def _name_tree(node, found: dict) -> None:
    node = node.get_object()
    names = node.get("/Names")
    if names is not None:
        for i in range(0, len(names) - 1, 2):
            found[str(names[i])] = names[i + 1]
    for kid in node.get("/Kids", ()):
        _name_tree(kid, found)


def signature_blocks(pdf: bytes) -> list[Block]:
    """The signature blocks the document's named destinations mark, in document order."""
    load_pyhanko()
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    try:
        tree = reader.root["/Names"]["/Dests"]
    except KeyError:
        return []
    found: dict = {}
    _name_tree(tree, found)
    pages = {(ref.idnum, ref.generation): index for index, ref in enumerate(_page_refs(reader))}
    blocks = []
    for name, destination in found.items():
        if not name.startswith(ANCHOR_PREFIX):
            continue
        destination = destination.get_object()
        if isinstance(destination, dict) or hasattr(destination, "keys"):
            destination = destination["/D"]
        page_ref = destination.raw_get(0) if hasattr(destination, "raw_get") else destination[0]
        page = pages.get((page_ref.idnum, page_ref.generation))
        if page is None:
            continue
        blocks.append(Block(name, page, float(destination[2]), float(destination[3])))
    return sorted(blocks, key=lambda b: (b.page, -b.top, b.left))


def _page_refs(reader):
    """The indirect references of the pages, in order."""
    from pyhanko.pdf_utils import generic

    def walk(ref):
        node = ref.get_object()
        if node.get("/Type") == "/Pages":
            for kid in node["/Kids"]:
                yield from walk(kid)
        else:
            yield ref

    root = reader.root.raw_get("/Pages")
    assert isinstance(root, generic.IndirectObject)
    yield from walk(root)


# --- The visible signature --------------------------------------------------------------------


def _appearance_pdf(lines: list[str]) -> bytes:
    """A small PDF page (STAMP_WIDTH x STAMP_HEIGHT) with the signature's words in Sarabun,
    made by WeasyPrint, which shapes Thai (pyHanko's own text stamps cannot)."""
    from weasyprint import HTML

    fonts = _font_urls()
    body = "".join(f"<p>{escape(line)}</p>" for line in lines)
    html = f"""<html><head><style>
@font-face {{ font-family: Sarabun; src: url("{fonts.get("regular", "")}"); }}
@font-face {{ font-family: Sarabun; font-weight: bold; src: url("{fonts.get("bold", "")}"); }}
@page {{ size: {STAMP_WIDTH}pt {STAMP_HEIGHT}pt; margin: 0; }}
body {{ margin: 0; padding: 1.5pt 4pt; font-family: Sarabun; font-size: 7.2pt; line-height: 1.12;
  color: #0b3d91; border: 0.8pt solid #0b3d91; border-radius: 3pt;
  height: {STAMP_HEIGHT - 1}pt; box-sizing: border-box; overflow: hidden; }}
p {{ margin: 0; white-space: nowrap; overflow: hidden; }}
p:first-child {{ font-weight: bold; }}
</style></head><body>{body}</body></html>"""
    document = HTML(string=html, url_fetcher=restricted_fetcher())
    return document.write_pdf(font_config=_font_configuration())


def _stamp_style(lines: list[str]):
    """The visible signature: the appearance page drawn as the field's background."""
    load_pyhanko()
    from pyhanko.pdf_utils import content
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.stamp import StaticStampStyle

    data = _appearance_pdf(lines)

    class _ImportedBytes(content.ImportedPdfPage):
        def render(self) -> bytes:
            import binascii
            import uuid

            from pyhanko.pdf_utils.layout import BoxConstraints

            xobject = self._ensure_writer.import_page_as_xobject(
                PdfFileReader(io.BytesIO(data)), page_ix=0
            )
            name = b"/Import" + binascii.hexlify(uuid.uuid4().bytes)
            self.resources.xobject[name.decode("ascii")] = xobject
            x1, y1, x2, y2 = xobject.get_object()["/BBox"]
            self.box = BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
            return name + b" Do"

    from pyhanko.pdf_utils import layout

    return StaticStampStyle(
        background=_ImportedBytes("(in memory)"),
        border_width=0,
        background_opacity=1.0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(0),
        ),
    )


# --- Reading signed copies ----------------------------------------------------------------


def signed_copies(version: DocumentVersion) -> list[SignedCopy]:
    """Every signed copy of a printed version, oldest first."""
    return list(
        db.session.scalars(
            sa.select(SignedCopy)
            .where(SignedCopy.version_id == version.id)
            .order_by(SignedCopy.sequence)
        )
    )


def newest_copy(version: DocumentVersion) -> SignedCopy | None:
    """The signed copy holding every signature made so far on the version, if any."""
    return db.session.scalars(
        sa.select(SignedCopy)
        .where(SignedCopy.version_id == version.id)
        .order_by(SignedCopy.sequence.desc())
        .limit(1)
    ).first()


def copy_path(copy: SignedCopy) -> Path:
    """Where a signed copy's file is on disk."""
    return Path(current_app.config["STORAGE_DIR"]) / copy.storage_path


def copy_bytes(copy: SignedCopy) -> bytes:
    """The signed copy's file, checked against its SHA-256 (SigningError if damaged)."""
    try:
        data = copy_path(copy).read_bytes()
    except OSError:
        data = b""
    if hashlib.sha256(data).hexdigest() != copy.sha256:
        raise SigningError(_("The stored signed file is missing or damaged."))
    return data


def _printed_bytes(version: DocumentVersion) -> bytes:
    if not file_intact(version):
        raise SigningError(
            _("The stored file of this document is missing or damaged; produce it again.")
        )
    return file_path(version).read_bytes()


# --- Checking signatures --------------------------------------------------------------------


def _name_of(name) -> str:
    native = name.native
    return native.get("common_name") or name.human_friendly


def _check(data: bytes, printed: bytes, roots, agency: list | None = None) -> list[SignatureReport]:
    """Validate every signature of ``data`` as a signed copy of ``printed``; the reports, or
    SigningError saying what is wrong."""
    load_pyhanko()
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    if data[: len(printed)] != printed:
        raise SigningError(_("The file is not a signed copy of this printing."), "file")
    try:
        printed_revisions = PdfFileReader(io.BytesIO(printed), strict=False).xrefs.total_revisions
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = list(reader.embedded_regular_signatures)
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError):
        raise SigningError(_("The file cannot be read as a signed PDF."), "file") from None
    if not signatures:
        raise SigningError(_("The file carries no electronic signature."), "file")
    context = validation_context(roots)
    agency = {c.sha256 for c in (_agency_certificates() if agency is None else agency)[:1]}
    reports = []
    for number, embedded in enumerate(signatures, start=1):
        if embedded.signed_revision < printed_revisions or embedded.byte_range[0] != 0:
            raise SigningError(
                _("Signature %(number)s does not cover the printed document.", number=number),
                "file",
            )
        try:
            status = outside_event_loop(validate_pdf_signature, embedded, context)
        except Exception:  # a malformed signature is a refusal, never a 500
            log.info("signature %s could not be validated", number, exc_info=True)
            raise SigningError(
                _("Signature %(number)s cannot be read.", number=number), "file"
            ) from None
        if not (status.intact and status.valid):
            raise SigningError(
                _(
                    "Signature %(number)s does not match the file: the document was changed "
                    "after it was signed.",
                    number=number,
                ),
                "file",
            )
        last = number == len(signatures)
        allowed = ModificationLevel.LTA_UPDATES if last else ModificationLevel.FORM_FILLING
        if status.modification_level is None or status.modification_level > allowed:
            raise SigningError(
                _(
                    "The document was changed after signature %(number)s: only further "
                    "signatures may follow one.",
                    number=number,
                ),
                "file",
            )
        certificate = status.signing_cert
        when = _signing_time(status)
        validity = certificate["tbs_certificate"]["validity"]
        start, end = validity["not_before"].native, validity["not_after"].native
        if when is not None and not (start <= when <= end):
            raise SigningError(
                _(
                    "Signature %(number)s was made with a certificate that had expired or was "
                    "not yet valid (valid %(start)s to %(end)s).",
                    number=number,
                    start=format_datetime(start),
                    end=format_datetime(end),
                ),
                "file",
            )
        if not status.trusted or status.revoked:
            raise SigningError(
                _(
                    "Signature %(number)s (%(signer)s) is not from a trusted certificate "
                    "authority.",
                    number=number,
                    signer=_name_of(certificate.subject),
                ),
                "file",
            )
        coverage = (
            "entire file"
            if status.coverage == SignatureCoverageLevel.ENTIRE_FILE
            else "entire revision"
        )
        subject = certificate.subject.native
        reports.append(
            SignatureReport(
                field=embedded.field_name,
                signer=_name_of(certificate.subject),
                organisation=subject.get("organization_name"),
                issuer=_name_of(certificate.issuer),
                certificate_sha256=certificate.sha256.hex(),
                signed_at=when.astimezone(UTC).isoformat() if when else None,
                timestamped=status.timestamp_validity is not None,
                coverage=coverage,
                valid=bool(status.bottom_line),
                agency=certificate.sha256 in agency,
            )
        )
    return reports


def _signing_time(status) -> datetime | None:
    if status.timestamp_validity is not None:
        return status.timestamp_validity.timestamp
    return status.signer_reported_dt


def check_signed_file(version: DocumentVersion, data: bytes) -> list[SignatureReport]:
    """Validate a file presented as a signed copy of ``version`` (nothing stored)."""
    return _check(data, _printed_bytes(version), trust_roots())


# --- Signing ----------------------------------------------------------------------------------


def _store_copy(version, data, source, reports, actor, action, submission=None) -> SignedCopy:
    previous = newest_copy(version)
    sequence = (previous.sequence if previous else 0) + 1
    path = _store(version.record_type, version.record_id, version.version, "signed", data)
    copy = SignedCopy(
        version_id=version.id,
        sequence=sequence,
        source=source,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        storage_path=path,
        signatures=[report.as_json() for report in reports],
        created_by_id=getattr(actor, "id", None),
    )
    try:
        with submissions.once(submission, actor) as claim:
            db.session.add(copy)
            db.session.flush()
            claim.made(copy)
            audit.record_event(
                actor,
                action,
                record_type=version.record_type,
                record_id=version.record_id,
                label=str(version)[:300],
                changes={
                    "printing": [None, version.version],
                    "signed_copy": [None, sequence],
                    "sha256": [None, copy.sha256],
                    "signers": [None, [f"{r.signer} ({r.field})" for r in reports]],
                },
            )
        db.session.commit()
    except Exception:
        db.session.rollback()
        (Path(current_app.config["STORAGE_DIR"]) / path).unlink(missing_ok=True)
        raise
    return copy


def _current_bytes(version: DocumentVersion) -> tuple[bytes, SignedCopy | None]:
    copy = newest_copy(version)
    return (copy_bytes(copy), copy) if copy else (_printed_bytes(version), None)


def sign_document_version(
    version: DocumentVersion,
    field: str,
    actor,
    *,
    signer=None,
    person: str | None = None,
    submission: str | None = None,
) -> SignedCopy:
    """Sign a final printing in its signature block ``field`` with the agency's certificate
    (or ``signer``, a pyHanko signer): a new signed copy extending the newest one, audited.

    The reason names the document's reference, printing and SHA-256; the appearance shows
    ``person`` (else the certificate's name) and the time in Bangkok. B-T when a timestamp
    authority is configured. Refuses (SigningError, nothing stored) a draft, a field that is
    not one of the document's blocks or is signed already, and a key that cannot be used.
    ``submission``: the form's one-time token (the same form sent again signs once).
    """
    load_pyhanko()
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    if not may_sign(actor):
        raise SigningError(_("You may not sign with the agency's certificate."))
    if not version.final:
        raise SigningError(_("Only a final printing can be signed; a draft cannot."))
    printed = _printed_bytes(version)
    base, _previous = _current_bytes(version)
    blocks = {block.name: block for block in signature_blocks(printed)}
    if blocks and field not in blocks:
        raise SigningError(_("This document has no such signature block."), "field")
    signed_fields = _signed_fields(base)
    if field in signed_fields:
        raise SigningError(_("This signature block is signed already."), "field")
    key = signer or agency_signer()
    name = person or _name_of(key.signing_cert.subject)
    now = datetime.now(BANGKOK)
    reason = _(
        "Signed %(reference)s, printing %(number)s; SHA-256 of the printing %(sha256)s",
        reference=version.reference or version.record_type,
        number=version.version,
        sha256=version.sha256,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(base), strict=False)
    existing = {f[0] for f in fields.enumerate_sig_fields(writer)}
    for block in blocks.values():  # every block gets its field at the first signing
        if block.name not in existing:
            fields.append_signature_field(
                writer,
                fields.SigFieldSpec(block.name, on_page=block.page, box=block.box()),
            )
    if not blocks and field not in existing:
        fields.append_signature_field(writer, fields.SigFieldSpec(field))  # invisible
    metadata = signers.PdfSignatureMetadata(
        field_name=field,
        reason=reason,
        name=name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        signer_key_usage={"non_repudiation"},
    )
    style = (
        _stamp_style(
            [
                _("Signed electronically"),
                name,
                format_datetime(now),
                _("Printing %(number)s, SHA-256 %(prefix)s", number=version.version,
                  prefix=version.sha256[:16]),
            ]
        )
        if blocks
        else None
    )
    output = io.BytesIO()
    try:
        signer = signers.PdfSigner(metadata, key, timestamper=timestamper(), stamp_style=style)
        outside_event_loop(
            signer.sign_pdf, writer, output=output, bytes_reserved=_SIGNATURE_BYTES
        )
    except SigningError:
        raise
    except Exception as error:
        log.exception("signing %s failed", version)
        raise SigningError(
            _("The document could not be signed: %(reason)s", reason=type(error).__name__)
        ) from None
    data = output.getvalue()
    chain = [key.signing_cert, *key.cert_registry]
    reports = _check(data, printed, trust_roots(chain), chain)
    return _store_copy(version, data, "registry", reports, actor, SIGNED, submission)


def _signed_fields(pdf: bytes) -> set[str]:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields

    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    return {name for name, value, _ref in fields.enumerate_sig_fields(reader) if value is not None}


def accept_signed_file(
    version: DocumentVersion, data: bytes, actor, submission: str | None = None
) -> SignedCopy:
    """Keep a file signed elsewhere as the next signed copy of ``version``, once every
    signature in it checks out and it adds a signature to the newest copy; SigningError
    (with a message for the upload field, nothing stored) otherwise."""
    load_pyhanko()
    if not data or not data.startswith(b"%PDF-"):
        raise SigningError(_("Choose the signed PDF file to upload."), "file")
    printed = _printed_bytes(version)
    if data[: len(printed)] != printed:
        raise SigningError(_other_version_message(version, data), "file")
    base, previous = _current_bytes(version)
    if previous is not None and data[: len(base)] != base:
        raise SigningError(
            _(
                "The file was signed over an earlier copy: download the current signed copy "
                "(with %(count)s signature(s)) and sign that.",
                count=len(previous.signatures),
            ),
            "file",
        )
    if len(data) <= len(base):
        raise SigningError(_("The file carries no new signature."), "file")
    agency = _agency_certificates()
    reports = _check(data, printed, trust_roots(agency), agency)
    return _store_copy(version, data, "upload", reports, actor, ACCEPTED, submission)


def _other_version_message(version: DocumentVersion, data: bytes) -> str:
    """Why a file is not a copy of this printing: it is another printing's, or changed."""
    others = db.session.scalars(
        sa.select(DocumentVersion).where(
            DocumentVersion.record_type == version.record_type,
            DocumentVersion.record_id == version.record_id,
            DocumentVersion.id != version.id,
        )
    )
    for other in others:
        if (
            other.size <= len(data)
            and file_intact(other)
            and data[: other.size] == file_path(other).read_bytes()
        ):
            return _(
                "The file was signed over printing %(other)s, not printing %(number)s: "
                "sign the current printing.",
                other=other.version,
                number=version.version,
            )
    return _(
        "The file is not exactly the registry's printing %(number)s: it was changed before or "
        "after it was signed.",
        number=version.version,
    )


def signatures_of(version: DocumentVersion) -> list[dict]:
    """The signatures on the newest signed copy of a printing, as stored (for display)."""
    copy = newest_copy(version)
    return list(copy.signatures) if copy else []


def shown_signatures(version: DocumentVersion) -> list[dict]:
    """The signatures on the newest signed copy of a printing, for the public verification
    page: signer, organisation, time (a datetime), whether valid and timestamped, and
    whether anything was added to the file after it (only later signatures may be)."""
    shown = []
    for stored in signatures_of(version):
        when = stored.get("signed_at")
        shown.append(
            {
                **stored,
                "signed_at": datetime.fromisoformat(when) if when else None,
                "unchanged_since": stored.get("coverage") == "entire file",
            }
        )
    return shown


def signed_fields(version: DocumentVersion) -> set[str]:
    """The signature blocks of a printing that hold a valid signature (newest signed copy)."""
    return {stored["field"] for stored in signatures_of(version) if stored.get("valid")}


def blocks_of(version: DocumentVersion) -> list[Block]:
    """The signature blocks of a printing, in document order (none for an old printing)."""
    return signature_blocks(_printed_bytes(version))
