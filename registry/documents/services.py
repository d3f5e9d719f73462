"""Producing, storing and serving official documents as numbered, verifiable versions.

The packages that own records (agreements, meetings) decide what a document
says and who may have it; this one renders it once per distinct content, keeps
every version with its SHA-256, serves it from storage while the content is
unchanged, and answers the public verification page through the describers
the owning packages register.
"""

from __future__ import annotations

import enum
import hashlib
import json
import logging
import os
import re
import secrets
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa
from flask import Response, current_app, has_request_context, send_file, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError, OperationalError

from .. import audit, cache
from ..db import db
from ..i18n import BANGKOK
from ..rules import RuleError
from .models import DocumentVersion, new_public_token
from .rendering import FORM_REVISION, PDFA_STANDARD, Stamp

log = logging.getLogger(__name__)

#: Record types and variants are short lower-case names: they become folder and file names.
_RECORD_TYPE = re.compile(r"[a-z][a-z0-9_]{0,39}")
_VARIANT = re.compile(r"[a-z][a-z0-9-]{0,19}")

#: What a public token looks like (secrets.token_urlsafe).
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")

#: How many times publish() tries again when another request took the same version number.
_ATTEMPTS = 4

#: The audit action of a printing: the one write that leaves what is remembered standing.
GENERATED = "generated document"

#: A render callable: given the stamp (reference, version, verification URL, final, PDF/A),
#: it returns the PDF bytes; usually ``lambda stamp: render_pdf(template, context, stamp=stamp)``.
Renderer = Callable[[Stamp], bytes]


class DocumentError(RuleError):
    """A document cannot be produced or served."""


class DocumentUnavailable(DocumentError):
    """The stored file of a version is missing or no longer matches its SHA-256."""

    def __init__(self, version: DocumentVersion):
        super().__init__(
            _("The stored file of this document is missing or damaged; produce it again.")
        )
        self.version = version


# --- Canonical content and its hash ------------------------------------------------------


def _plain(value):
    """JSON for the values records hold: dates, times, enums, decimals, sets."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    raise TypeError(f"cannot hash a {type(value).__name__} in document content")


def canonical_json(content) -> str:
    """The content as canonical JSON: sorted keys, no spaces, NFC text."""
    text = json.dumps(
        content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_plain
    )
    return unicodedata.normalize("NFC", text)


def content_hash(content, *, reference: str | None = None, final: bool = False) -> str:
    """SHA-256 of what a document is rendered from (with the layout revision)."""
    wrapped = {"form": FORM_REVISION, "reference": reference, "final": final, "content": content}
    return hashlib.sha256(canonical_json(wrapped).encode()).hexdigest()


# --- Reading versions --------------------------------------------------------------------


def versions_of(record_type: str, record_id: int) -> list[DocumentVersion]:
    """Every stored version of a record, newest first."""
    return list(
        db.session.scalars(
            sa.select(DocumentVersion)
            .where(
                DocumentVersion.record_type == record_type,
                DocumentVersion.record_id == record_id,
            )
            .order_by(DocumentVersion.version.desc())
        )
    )


def latest(record_type: str, record_id: int, variant: str | None = None) -> DocumentVersion | None:
    """The newest version of a record (of one variant, when given)."""
    query = sa.select(DocumentVersion).where(
        DocumentVersion.record_type == record_type, DocumentVersion.record_id == record_id
    )
    if variant is not None:
        query = query.where(DocumentVersion.variant == variant)
    return db.session.scalars(query.order_by(DocumentVersion.version.desc()).limit(1)).first()


def by_token(token: str) -> DocumentVersion | None:
    """The version a public verification token belongs to."""
    if not _TOKEN.fullmatch(token or ""):
        return None  # also keeps NUL and the like away from the database
    return db.session.scalars(
        sa.select(DocumentVersion).where(DocumentVersion.public_token == token)
    ).first()


def _superseding(version: DocumentVersion):
    """The later versions that supersede ``version``: of the same variant (a reprint), or
    rendered from different content (the record changed since)."""
    return sa.select(DocumentVersion).where(
        DocumentVersion.record_type == version.record_type,
        DocumentVersion.record_id == version.record_id,
        DocumentVersion.version > version.version,
        sa.or_(
            DocumentVersion.variant == version.variant,
            DocumentVersion.content_hash != version.content_hash,
        ),
    )


def is_current(version: DocumentVersion) -> bool:
    """Whether no later version supersedes this one.

    A later version supersedes it if it is of the same variant (a reprint) or was
    rendered from different content (the record changed since).
    """
    later = db.session.scalars(_superseding(version).with_only_columns(DocumentVersion.id).limit(1))
    return later.first() is None


def superseded_by(version: DocumentVersion) -> DocumentVersion | None:
    """The version that replaces ``version`` (None while it is current): the newest later
    version of the same variant, or else the newest later one made from other content."""
    same_variant = sa.case((DocumentVersion.variant == version.variant, 1), else_=0)
    query = _superseding(version).order_by(same_variant.desc(), DocumentVersion.version.desc())
    return db.session.scalars(query.limit(1)).first()


def storage_root() -> Path:
    """The folder documents are stored under (outside the static folder)."""
    return Path(current_app.config["STORAGE_DIR"]) / "documents"


def file_path(version: DocumentVersion) -> Path:
    """Where the version's file is on disk."""
    return Path(current_app.config["STORAGE_DIR"]) / version.storage_path


def _sha256_of(path: Path) -> str | None:
    try:
        with path.open("rb") as stream:
            return hashlib.file_digest(stream, "sha256").hexdigest()
    except OSError:
        return None


def file_intact(version: DocumentVersion) -> bool:
    """Whether the stored file exists and its SHA-256 is the recorded one."""
    path = file_path(version)
    try:
        if path.stat().st_size != version.size:
            return False
    except OSError:
        return False
    return _sha256_of(path) == version.sha256


def verify_url(token: str) -> str:
    """The public verification address for a token, under PUBLIC_BASE_URL: never the host a
    request came by, since the address is printed and stored for every later reader."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    if has_request_context():
        path = url_for("documents.verify", token=token)
    else:
        with current_app.test_request_context():
            path = url_for("documents.verify", token=token)
    return base + path


def pdf_standard_for(variant: str) -> str | None:
    """The PDF/A profile for archival variants ("pdfa", "pdfa-th", ...), else None."""
    return PDFA_STANDARD if variant == "pdfa" or variant.startswith("pdfa-") else None


# --- Producing a version -----------------------------------------------------------------


def _store(record_type: str, record_id: int, number: int, variant: str, pdf: bytes) -> str:
    """Write the file atomically (a temporary file renamed into place); its relative path."""
    folder = storage_root() / record_type / str(record_id)
    folder.mkdir(parents=True, exist_ok=True)
    # The random part keeps two requests racing for the same number from sharing a file.
    name = f"v{number}-{variant}-{secrets.token_hex(4)}.pdf"
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".pdf")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(pdf)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, folder / name)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return (folder / name).relative_to(Path(current_app.config["STORAGE_DIR"])).as_posix()


def _next_number(record_type: str, record_id: int) -> int:
    highest = db.session.scalar(
        sa.select(sa.func.max(DocumentVersion.version)).where(
            DocumentVersion.record_type == record_type, DocumentVersion.record_id == record_id
        )
    )
    return (highest or 0) + 1


def _check_names(record_type: str, variant: str) -> None:
    if not _RECORD_TYPE.fullmatch(record_type or ""):
        raise ValueError(f"record type must be a short lower-case name: {record_type!r}")
    if not _VARIANT.fullmatch(variant or ""):
        raise ValueError(f"variant must be a short lower-case name: {variant!r}")


@dataclass
class _Published:
    version: DocumentVersion
    rendered: bool


def publish(
    record_type: str,
    record_id: int,
    *,
    variant: str,
    content,
    render: Renderer,
    actor,
    reference: str | None = None,
    final: bool = False,
    label: str | None = None,
) -> DocumentVersion:
    """The stored version of a record's document for this content, rendering it only if needed.

    ``content`` is the canonical input (JSON-able: the record's data as printed, the
    same for every variant); an unchanged record whose newest version of ``variant``
    was rendered from the same content, and whose file is intact, is answered from
    storage without calling ``render``. Otherwise ``render(stamp)`` makes the PDF,
    which is stored as the next version number and audited "generated document".
    Variants named "pdfa" or "pdfa-..." are produced as PDF/A. Commits; call it with
    no unsaved changes in the session.
    """
    return _publish(
        record_type, record_id, variant, content, render, actor, reference, final, label
    ).version


def unchanged_or(
    record_type: str, record_id: int, variant: str, publish_now: Callable[[], DocumentVersion]
) -> DocumentVersion:
    """The version served for this record and variant the last time, while nothing but
    printings has been written since (``cache.remembered_past``); otherwise
    ``publish_now()``'s, which is remembered.

    Asking again for an unchanged document then reads neither the record nor its parts to
    know that the stored version is still the one. The caller checks access first, as
    always; a stored file found missing or damaged is produced again, as ``publish`` does,
    and the version produced is the one remembered from then on.
    Printing documents (this one included) does not end what is remembered; any other
    write does."""
    key = (record_type, record_id, variant)
    published: list[DocumentVersion] = []  # held, so the session need not read it again

    def publish_and_hold() -> int:
        published.append(publish_now())
        return published[0].id

    for _attempt in range(2):
        version_id = cache.remembered_past(
            "document version", key, publish_and_hold, kind="documents", action=GENERATED
        )
        if published:
            return published[0]
        version = db.session.get(DocumentVersion, version_id)
        if version is not None and _answers(version, key) and file_intact(version):
            return version
        # Missing or damaged: publish, and remember that version instead of this one.
        cache.forget_past("document version", key, kind="documents")
    return publish_now()


def _answers(version: DocumentVersion, key: tuple) -> bool:
    return (version.record_type, version.record_id, version.variant) == key


def _publish(
    record_type, record_id, variant, content, render, actor, reference, final, label
) -> _Published:
    with cache.writing("documents"):
        return _publish_once(
            record_type, record_id, variant, content, render, actor, reference, final, label
        )


def _publish_once(
    record_type, record_id, variant, content, render, actor, reference, final, label
) -> _Published:
    _check_names(record_type, variant)
    digest = content_hash(content, reference=reference, final=final)
    damaged: DocumentVersion | None = None
    for _attempt in range(_ATTEMPTS):
        newest = latest(record_type, record_id, variant)
        if newest is not None and newest.content_hash == digest:
            if file_intact(newest):
                return _Published(newest, rendered=False)
            damaged = newest
            log.error(
                "stored document %s (%s) is missing or damaged; producing it again",
                newest.storage_path,
                newest.sha256,
            )
        number = _next_number(record_type, record_id)
        token = new_public_token()
        stamp = Stamp(
            reference=reference,
            version=number,
            verify_url=verify_url(token),
            final=final,
            pdf_standard=pdf_standard_for(variant),
            produced_on=datetime.now(BANGKOK).date(),
        )
        pdf = render(stamp)
        if not isinstance(pdf, bytes) or not pdf.startswith(b"%PDF-"):
            raise TypeError("the render callable must return the PDF as bytes")
        path = _store(record_type, record_id, number, variant, pdf)
        version = DocumentVersion(
            record_type=record_type,
            record_id=record_id,
            version=number,
            variant=variant,
            reference=reference,
            final=final,
            content_hash=digest,
            sha256=hashlib.sha256(pdf).hexdigest(),
            size=len(pdf),
            storage_path=path,
            public_token=token,
            created_by_id=getattr(actor, "id", None),
        )
        try:
            db.session.add(version)
            db.session.flush()
        except (IntegrityError, OperationalError):
            # Another request stored this number first (or holds the lock): start again.
            db.session.rollback()
            (Path(current_app.config["STORAGE_DIR"]) / path).unlink(missing_ok=True)
            continue
        changes = {
            "version": [None, number],
            "variant": [None, variant],
            "final": [None, final],
            "sha256": [None, version.sha256],
        }
        if damaged is not None:
            changes["replaces_damaged_version"] = [None, damaged.version]
        audit.record_event(
            actor,
            GENERATED,
            record_type=record_type,
            record_id=record_id,
            label=(label or reference or f"{record_type} {record_id}")[:300],
            changes=changes,
        )
        db.session.commit()
        return _Published(version, rendered=True)
    raise DocumentError(_("The document is being produced by someone else; try again."))


# --- Serving a version -------------------------------------------------------------------

#: What a file name may not hold: control characters, path separators and the characters
#: Windows refuses; each run becomes one hyphen.
_UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
#: What an ASCII fallback name keeps; any other run becomes one hyphen.
_NOT_PLAIN_ASCII = re.compile(r"[^A-Za-z0-9._()+-]+")
#: The longest file name sent, in UTF-8 bytes: most file systems take 255 per name, and a
#: Thai letter takes three.
MAX_NAME_BYTES = 250
#: How each variant is written at the end of a file name, before the extension.
_VARIANT_IN_NAME = {"th": "th", "en": "en", "bilingual": "th-en"}


@dataclass(frozen=True)
class DownloadName:
    """The name a download is saved under, and the same in plain ASCII for clients that do
    not read RFC 5987's ``filename*`` (sent as ``filename``)."""

    #: The name, in the document's language (Thai letters included).
    name: str
    #: The ASCII fallback: the name's English wording, letters outside ASCII left out.
    ascii: str


def _name_part(text: str, unsafe: re.Pattern) -> str:
    text = unsafe.sub("-", unicodedata.normalize("NFC", str(text)))
    text = re.sub(r"[\s-]+", "-", text)
    return text.strip(" .-")


def _shorter(part: str) -> str:
    """The part without its last word: up to its last hyphen, else up to the last place
    where Pango (libthai, for Thai) would break a line, else without its last letter."""
    if "-" in part:
        return part.rsplit("-", 1)[0]
    from weasyprint.text.line_break import get_log_attrs  # Pango's, as the PDFs break lines

    attrs = get_log_attrs(part, "th")
    last = max((i for i in range(1, len(part)) if attrs[i].is_line_break), default=0)
    return part[:last] if last else part[:-1]


def _joined(parts: list[str], extension: str) -> str:
    """The parts joined by hyphens, the longest shortened a word at a time until the name
    fits MAX_NAME_BYTES."""
    suffix = f".{extension}" if extension else ""

    def size() -> int:
        return len(("-".join(parts) + suffix).encode())

    while size() > MAX_NAME_BYTES and parts:
        longest = max(range(len(parts)), key=lambda i: len(parts[i].encode()))
        parts[longest] = _shorter(parts[longest]).strip(" .-")
        parts = [kept for kept in parts if kept]
    return ("-".join(parts) or "document") + suffix


def file_name(*parts: str | None, extension: str = "pdf") -> str:
    """A file name of ``parts`` joined by hyphens (empty ones left out): NFC, spaces and
    slashes as hyphens, no control characters nor any a file system refuses, at most
    MAX_NAME_BYTES long, e.g. ``file_name("ครั้งที่", "2/2569")`` is "ครั้งที่-2-2569.pdf"."""
    cleaned = [_name_part(part, _UNSAFE_IN_NAME) for part in parts if part]
    return _joined([part for part in cleaned if part], extension)


def ascii_file_name(*parts: str | None, extension: str = "pdf") -> str:
    """file_name() in plain ASCII: accents dropped from Latin letters, any other letter
    (Thai) left out, parts left empty dropped; the fallback name for old clients."""
    cleaned = []
    for part in parts:
        if not part:
            continue
        decomposed = unicodedata.normalize("NFKD", str(part))
        latin = "".join(c for c in decomposed if not unicodedata.combining(c))
        cleaned.append(_name_part(latin, _NOT_PLAIN_ASCII))
    return _joined([part for part in cleaned if part], extension)


def download_names(
    words: Callable[[], list], lang: str = "th", *, extension: str = "pdf"
) -> DownloadName:
    """A download's name in the document's language (``lang``: "en" or else Thai) and its
    ASCII fallback in English: ``words()`` gives the parts of the name and is called once
    in each language, so what it translates (``pgettext("file name", ...)``) comes out in
    that language."""
    with force_locale("en" if lang == "en" else "th"):
        name = file_name(*words(), extension=extension)
    with force_locale("en"):
        fallback = ascii_file_name(*words(), extension=extension)
    return DownloadName(name, fallback)


def version_names(version: DocumentVersion, words: Callable[[], list]) -> DownloadName:
    """download_names() for a stored version: ``words()`` (what the document is), then the
    printing ("v3") and the language and form ("th", "en", "th-en"; "-pdfa" for an archival
    copy), so every variant and every version of a record is saved under its own name.
    English words for an English document, Thai ones otherwise."""
    archival = pdf_standard_for(version.variant) is not None
    language = version.variant.removeprefix("pdfa").lstrip("-") or "th"

    def all_words() -> list:
        suffix = _VARIANT_IN_NAME.get(language, language) + ("-pdfa" if archival else "")
        return [*words(), f"v{version.version}", suffix]

    return download_names(all_words, language)


def download_name(version: DocumentVersion, stem: str | None = None) -> str:
    """A plain file name for a version: the reference (or the given stem), the printing and
    the variant, e.g. "MOU-2568-001-v1-th.pdf"; the owning packages name their documents
    better (``version_names``)."""
    stem = stem or version.reference or f"{version.record_type}-{version.record_id}"
    return file_name(stem[:120], f"v{version.version}", version.variant)


def content_disposition(name: str | DownloadName, *, as_attachment: bool = True) -> str:
    """The Content-Disposition of a download (RFC 6266): ``filename`` in plain ASCII and, when
    the name is not plain ASCII, ``filename*=UTF-8''...`` (RFC 5987) with the name itself,
    which browsers prefer; so a Thai name survives and old clients still get a name. A plain
    string is taken as the name, its fallback made by ``ascii_file_name``."""
    if not isinstance(name, DownloadName):
        stem, dot, extension = str(name).rpartition(".")
        fallback = ascii_file_name(stem, extension=extension) if dot else ascii_file_name(name)
        name = DownloadName(str(name), fallback)
    full = _UNSAFE_IN_NAME.sub("-", unicodedata.normalize("NFC", name.name)).strip() or "document"
    fallback = _NOT_PLAIN_ASCII.sub("-", name.ascii).strip(".-") or "document"
    value = f'{"attachment" if as_attachment else "inline"}; filename="{fallback}"'
    if full != fallback:
        value += f"; filename*=UTF-8''{quote(full, safe='!#$&+^`|~')}"
    return value


def send_version(
    version: DocumentVersion,
    *,
    filename: str | DownloadName | None = None,
    as_attachment: bool = True,
) -> Response:
    """The version's PDF as a response; the caller decides who may have it.

    The file is checked against its SHA-256 first (DocumentUnavailable if it does not
    match). ``filename`` is the whole name (a DownloadName, from ``version_names``), or a
    stem to which the printing, the variant and ".pdf" are added (``download_name``). The
    name is sent both as ASCII and as UTF-8 (``content_disposition``), so Thai names survive.
    """
    if not file_intact(version):
        raise DocumentUnavailable(version)
    name = filename if isinstance(filename, DownloadName) else download_name(version, filename)
    response = send_file(
        file_path(version),
        mimetype="application/pdf",
        as_attachment=as_attachment,
        download_name="document.pdf",  # the header is written below
        etag=version.sha256,
        conditional=True,
        max_age=0,
    )
    response.headers["Content-Disposition"] = content_disposition(name, as_attachment=as_attachment)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


# --- What the public verification page says ----------------------------------------------

#: How many hex digits of a file's SHA-256 the verification page shows as its short form.
SHA256_PREFIX = 16

#: Describers registered by the packages that own records: record_type -> callable.
_DESCRIBERS: dict[str, Callable[[int], dict | None]] = {}


def register_describer(record_type: str, describe: Callable[[int], dict | None]) -> None:
    """Let the verification page say what a record's documents are.

    ``describe(record_id)`` runs in the reader's language and returns None (the
    record is gone) or a dict with: ``kind`` (e.g. "บันทึกข้อตกลงความร่วมมือ"),
    optionally ``title``, ``status`` (a label such as "ลงนามแล้ว มีผลใช้บังคับ"),
    ``in_force`` (True/False, or None when it does not apply) and ``content_hash``:
    ``content_hash(content, reference=..., final=...)`` with what publish() would be
    given now, so a document printed before the record last changed reads as
    superseded even if nobody has printed it again. Say only what is printed on
    the document anyway: the page is public.
    """
    _check_names(record_type, "x")
    _DESCRIBERS[record_type] = describe


def describer(record_type: str):
    """Decorator form of register_describer()."""

    def decorate(function):
        register_describer(record_type, function)
        return function

    return decorate


def describe(version: DocumentVersion) -> dict:
    """What the verification page shows about a version (nothing personal).

    Besides what the record's describer says: whether the version is current; if not,
    ``superseded_by`` (the printing that replaces it: number, language and form, when
    produced) and ``record_changed`` (the record was changed after the newest printing,
    so no printing shows it as it is now); and the file's SHA-256 with a short prefix
    (``sha256_prefix``) to compare by eye with what ``sha256sum`` prints.
    """
    details = None
    describe_record = _DESCRIBERS.get(version.record_type)
    if describe_record is not None:
        try:
            details = describe_record(version.record_id)
        except Exception:  # the page must answer even if a describer fails
            log.exception("describer for %s failed", version.record_type)
    details = dict(details or {})
    now_hash = details.get("content_hash")
    later = superseded_by(version)
    newest_hash = later.content_hash if later is not None else version.content_hash
    return {
        "kind": details.get("kind") or _("Official document"),
        "title": details.get("title"),
        "status": details.get("status"),
        "in_force": details.get("in_force"),
        "record_exists": describe_record is None or bool(details),
        "reference": version.reference,
        "version": version.version,
        "variant": variant_label(version.variant),
        "final": version.final,
        "produced_at": version.created_at,
        "sha256": version.sha256,
        "sha256_prefix": version.sha256[:SHA256_PREFIX],
        "current": later is None and now_hash in (None, version.content_hash),
        "superseded_by": None
        if later is None
        else {
            "version": later.version,
            "variant": variant_label(later.variant),
            "final": later.final,
            "produced_at": later.created_at,
        },
        "record_changed": now_hash not in (None, newest_hash),
    }


#: The languages a variant is printed in, as its label names them (translated when shown).
_VARIANT_LANGUAGES = {"th": _l("Thai"), "en": _l("English"), "bilingual": _l("Thai and English")}


def variant_label(variant: str) -> str:
    """The language and form of a variant, in the reader's language (only the words it
    shows are translated)."""
    archival = variant == "pdfa" or variant.startswith("pdfa-")
    language = variant.removeprefix("pdfa").lstrip("-") or "th"
    name = _VARIANT_LANGUAGES.get(language)
    label = str(name) if name is not None else language
    return _("%(language)s, PDF/A for archiving", language=label) if archival else label
