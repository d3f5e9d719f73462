"""The agreement as an official document: what it prints, in which languages, rendered from
``templates/documents/agreement.html`` through the documents package, which stores every
version and serves an unchanged one from storage."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import pgettext
from markupsafe import Markup

from ..db import db
from ..documents import rendering
from ..documents import services as documents
from ..documents.models import DocumentVersion
from ..i18n import thai_numerals_enabled
from .models import Agreement, AgreementLanguage, AgreementState, AgreementStatus
from .services import today

#: The record type under which the documents package keeps agreement PDFs.
RECORD_TYPE = "agreements"
#: Raised whenever templates/documents/agreement.html changes what it prints.
TEMPLATE_REVISION = 4
#: The template.
TEMPLATE = "documents/agreement.html"
#: The agreement's own rules on top of the page of every official document.
STYLES = Markup(
    """
.agreement .heading { font-weight: bold; margin-top: 0.5em; break-after: avoid; }
.agreement .party { text-indent: 2.5cm; margin: 0 0 0.2em 0; }
.agreement .conjunction { text-align: center; margin: 0.1em 0; }
.agreement .duty { margin: 0 0 0.15em 0; padding-left: 3.5cm; text-indent: -0.9cm; }
.agreement .blank { letter-spacing: 0.05em; }
.agreement .part-break { break-before: page; }
"""
)

#: The document languages each agreement language offers.
LANGUAGES = {
    AgreementLanguage.TH: ("th",),
    AgreementLanguage.EN: ("en",),
    AgreementLanguage.BOTH: ("th", "en", "bilingual"),
}


def variants_for(agreement: Agreement, archival: bool = True) -> list[str]:
    """The variants that may be produced: each language, and its PDF/A copy for the archive."""
    languages = list(LANGUAGES[agreement.language])
    return languages + ([f"pdfa-{lang}" for lang in languages] if archival else [])


def is_final(agreement: Agreement) -> bool:
    """An approved text (the one to be signed, on paper or electronically), a signed and a
    since terminated agreement print without the draft mark."""
    return agreement.status in (
        AgreementStatus.APPROVED,
        AgreementStatus.SIGNED,
        AgreementStatus.TERMINATED,
    )


def content(agreement: Agreement) -> dict:
    """Everything the document prints, as plain data: a change to any of it is a new version."""
    return {
        "template": TEMPLATE_REVISION,
        "thai_digits": thai_numerals_enabled(),
        "kind": agreement.kind.value,
        "language": agreement.language.value,
        "title_th": agreement.title_th,
        "title_en": agreement.title_en,
        "signing_place": agreement.signing_place,
        "signed_on": agreement.signed_on,
        "effective_from": agreement.effective_from,
        "effective_until": agreement.effective_until,
        "objectives_th": agreement.objectives_th,
        "objectives_en": agreement.objectives_en,
        "copies": agreement.copies,
        "notice_days": agreement.notice_days,
        "parties": [
            {
                "name_th": party.organisation.name_th,
                "name_en": party.organisation.name_en,
                "short_name_th": party.short_name_th,
                "short_name_en": party.short_name_en,
                "signatory_name": party.signatory_name,
                "signatory_position": party.signatory_position,
                "signatory_name_en": party.signatory_name_en,
                "signatory_position_en": party.signatory_position_en,
                "responsibilities_th": party.responsibility_items_th,
                "responsibilities_en": party.responsibility_items_en,
            }
            for party in agreement.parties
        ],
        "clauses": [
            [top.text_th, top.text_en, [[sub.text_th, sub.text_en] for sub in subs]]
            for top, subs in agreement.clause_tree
        ],
        "witnesses": [[w.name, w.witness_position] for w in agreement.witnesses],
    }


def english(message: str, **values) -> Markup:
    """The English wording of a bilingual document (the message id itself), with its values
    escaped unless they are markup already (a name kept on one line, say)."""
    text = Markup.escape(message)
    return text % values if values else text


def render(agreement: Agreement, lang: str, stamp: rendering.Stamp) -> bytes:
    """The agreement's PDF in one language ("th", "en" or "bilingual")."""
    title = agreement.title_en if lang == "en" and agreement.title_en else agreement.title_th
    return rendering.render_pdf(
        TEMPLATE,
        {
            "agreement": agreement,
            "parties": agreement.parties,
            "witnesses": agreement.witnesses,
            "clauses": agreement.clause_tree,
            "styles": STYLES,
            "english": english,
        },
        stamp=stamp,
        lang=lang,
        title=f"{agreement.reference} {title}",
    )


def publish(agreement: Agreement, variant: str, actor) -> DocumentVersion:
    """The stored PDF of the agreement as it stands, produced only when it changed."""
    if variant not in variants_for(agreement):
        raise ValueError(f"variant {variant!r} is not offered for this agreement")
    lang = variant.removeprefix("pdfa-")
    return documents.unchanged_or(
        RECORD_TYPE,
        agreement.id,
        variant,
        lambda: documents.publish(
            RECORD_TYPE,
            agreement.id,
            variant=variant,
            content=content(agreement),
            render=lambda stamp: render(agreement, lang, stamp),
            actor=actor,
            reference=agreement.reference,
            final=is_final(agreement),
            label=str(agreement)[:300],
        ),
    )


def file_name(version: DocumentVersion) -> documents.DownloadName:
    """The name a stored PDF of an agreement is saved under, in the document's language:
    "บันทึกข้อตกลง-MOU-2569-001-ฉบับร่าง-v3-th.pdf" ("agreement-MOU-2569-001-draft-v3-en.pdf"
    for an English one, and as the ASCII fallback), so each variant and printing differs.
    Everything comes from the version: serving a stored one reads nothing else."""

    def words() -> list:
        final = version.final
        status = pgettext("file name", "final") if final else pgettext("file name", "draft")
        return [pgettext("file name", "agreement"), version.reference, status]

    return documents.version_names(version, words)


def scan_file_name(agreement: Agreement) -> documents.DownloadName:
    """The name the signed scan is saved under: "บันทึกข้อตกลง-MOU-2569-001-ฉบับลงนาม.pdf"
    ("agreement-MOU-2569-001-signed-copy.pdf" as the ASCII fallback)."""
    return documents.download_names(
        lambda: [
            pgettext("file name", "agreement"),
            agreement.reference,
            pgettext("file name", "signed copy"),
        ]
    )


def versions(agreement: Agreement) -> list[DocumentVersion]:
    """Every stored PDF of the agreement, newest first."""
    return documents.versions_of(RECORD_TYPE, agreement.id)


#: What the public verification page says of an agreement's state.
def _state_label(agreement: Agreement) -> tuple[str, bool | None]:
    state = agreement.state(today())
    if state is AgreementState.NOT_SIGNED:
        return _("Draft, not signed"), False
    if state is AgreementState.PENDING:
        return _("Signed, not yet in force"), False
    if state in (AgreementState.ACTIVE, AgreementState.EXPIRING):
        return _("Signed and in force"), True
    if state is AgreementState.EXPIRED:
        return _("Signed, its period has ended"), False
    return _("Terminated"), False


@documents.describer(RECORD_TYPE)
def describe(record_id: int) -> dict | None:
    """What the public verification page may say of an agreement: what is printed anyway,
    and the hash of what its document would be rendered from now (so a printing made before
    the agreement was last changed, or signed, reads as superseded)."""
    agreement = db.session.get(Agreement, record_id)
    if agreement is None:
        return None
    status, in_force = _state_label(agreement)
    kind = (
        _("Memorandum of Understanding")
        if agreement.kind.value == "MOU"
        else _("Memorandum of Agreement")
    )
    digest = documents.content_hash(
        content(agreement), reference=agreement.reference, final=is_final(agreement)
    )
    return {
        "kind": kind,
        "title": agreement.title_th,
        "status": status,
        "in_force": in_force,
        "content_hash": digest,
    }
