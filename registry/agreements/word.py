"""The agreement's draft as an editable Word file (.docx, python-docx), for a partner's
lawyers to mark up: the same structure, headings, wording and clause numbering as the PDF
(``templates/documents/agreement.html``), written from the same translated messages.

Sarabun 16 pt is the document's font for every script: the run fonts name it for Latin
(``w:ascii``/``w:hAnsi``), complex scripts (``w:cs``, which Word uses for Thai) and East
Asian text (``w:eastAsia``); the size is set for complex scripts too (``w:szCs``), and the
text is tagged Thai (``w:lang w:bidi="th-TH"``) so Word breaks and checks it as Thai.
A4, margins 3 cm left and 2 cm right as the PDF's. Headings use Word's heading styles,
restyled to Sarabun, so the navigation pane shows the outline.
"""

from __future__ import annotations

import io
from functools import cache
from types import SimpleNamespace

from flask_babel import force_locale
from flask_babel import gettext as _

from ..i18n import format_date, thai_digits, thai_numerals_enabled
from .models import Agreement

#: The font of every paragraph (the government standard).
FONT = "Sarabun"
#: The media type of a .docx file.
MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@cache
def _docx() -> SimpleNamespace:
    """python-docx's parts used here and the lengths made with them: loaded by the first
    Word file made, not by every server process (the library holds some 3 MB)."""
    from docx import Document
    from docx.enum.section import WD_SECTION
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    return SimpleNamespace(
        Document=Document,
        WD_SECTION=WD_SECTION,
        WD_ALIGN_PARAGRAPH=WD_ALIGN_PARAGRAPH,
        OxmlElement=OxmlElement,
        qn=qn,
        Cm=Cm,
        Pt=Pt,
        RGBColor=RGBColor,
        # every paragraph's size (the government standard), the title's (the PDF's 21 pt)
        SIZE=Pt(16),
        TITLE_SIZE=Pt(21),
        # the first-line indent of body paragraphs, and the clauses' and sub-clauses'
        INDENT=Cm(2.5),
        SUB_INDENT=Cm(3.5),
    )


# --- fonts and languages -------------------------------------------------------------------


def _set_fonts(r_pr, lang: str) -> None:
    """Sarabun for every script, 16 pt for complex scripts too, and the language tags."""
    fonts = r_pr.find(_docx().qn("w:rFonts"))
    if fonts is None:
        fonts = _docx().OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(_docx().qn(attribute), FONT)
    size_cs = r_pr.find(_docx().qn("w:szCs"))
    if size_cs is None:
        size_cs = _docx().OxmlElement("w:szCs")
        r_pr.append(size_cs)
    size_cs.set(_docx().qn("w:val"), str(int(_docx().SIZE.pt * 2)))
    language = r_pr.find(_docx().qn("w:lang"))
    if language is None:
        language = _docx().OxmlElement("w:lang")
        r_pr.append(language)
    language.set(_docx().qn("w:val"), "en-GB" if lang == "en" else "th-TH")
    language.set(_docx().qn("w:bidi"), "th-TH")
    language.set(_docx().qn("w:eastAsia"), "th-TH")


def _style_fonts(style, lang: str, size=None, bold: bool | None = None) -> None:
    size = size or _docx().SIZE
    style.font.name = FONT
    style.font.size = size
    if bold is not None:
        style.font.bold = bold
    style.font.color.rgb = _docx().RGBColor(0, 0, 0)
    _set_fonts(style.element.get_or_add_rPr(), lang)
    size_cs = style.element.get_or_add_rPr().find(_docx().qn("w:szCs"))
    size_cs.set(_docx().qn("w:val"), str(int(size.pt * 2)))


def _new_document(lang: str):
    document = _docx().Document()
    section = document.sections[0]
    section.page_height, section.page_width = _docx().Cm(29.7), _docx().Cm(21.0)
    section.left_margin, section.right_margin = _docx().Cm(3), _docx().Cm(2)
    section.top_margin, section.bottom_margin = _docx().Cm(2.5), _docx().Cm(2.5)
    styles = document.styles
    _style_fonts(styles["Normal"], lang)
    styles["Normal"].paragraph_format.space_after = _docx().Pt(0)
    styles["Normal"].paragraph_format.line_spacing = 1.0
    _style_fonts(styles["Title"], lang, _docx().TITLE_SIZE, bold=True)
    _style_fonts(styles["Heading 1"], lang, _docx().SIZE, bold=True)
    for name in ("Title", "Heading 1"):
        styles[name].paragraph_format.space_before = _docx().Pt(6)
        styles[name].paragraph_format.space_after = _docx().Pt(3)
    # The document's default run properties: what a partner types in later is Sarabun too.
    defaults = document.styles.element.find(_docx().qn("w:docDefaults"))
    if defaults is not None:
        r_pr = defaults.find(_docx().qn("w:rPrDefault") + "/" + _docx().qn("w:rPr"))
        if r_pr is not None:
            _set_fonts(r_pr, lang)
    return document


# --- writing paragraphs ----------------------------------------------------------------------


class _Writer:
    """Paragraphs in the document's language, with its digits."""

    def __init__(self, document, lang: str):
        self.document = document
        self.lang = lang
        self.thai_digits = lang == "th" and thai_numerals_enabled()

    def n(self, value) -> str:
        return thai_digits(str(value)) if self.thai_digits else str(value)

    def paragraph(
        self, text: str, *, align=None, indent=None, first_line=None, bold=False, style=None
    ):
        paragraph = self.document.add_paragraph(style=style)
        run = paragraph.add_run(text)
        run.bold = bold or None
        _set_fonts(run._element.get_or_add_rPr(), self.lang)
        if align is not None:
            paragraph.alignment = align
        if indent is not None:
            paragraph.paragraph_format.left_indent = indent
        if first_line is not None:
            paragraph.paragraph_format.first_line_indent = first_line
        return paragraph

    def heading(self, text: str, *, center: bool = False):
        paragraph = self.paragraph(text, style="Heading 1", bold=True)
        if center:
            paragraph.alignment = _docx().WD_ALIGN_PARAGRAPH.CENTER
        return paragraph

    def body(self, text: str):
        return self.paragraph(
            text, first_line=_docx().INDENT, align=_docx().WD_ALIGN_PARAGRAPH.THAI_JUSTIFY
        )


def _day(value, lang: str) -> str:
    if value:
        return format_date(
            value,
            "formal" if lang == "th" else "long",
            lang,
            use_thai_digits=lang == "th" and thai_numerals_enabled(),
        )
    return _("the .... day of .................... ........")


def _body(w: _Writer, agreement: Agreement) -> None:
    """The agreement in one language, as the PDF's ``body`` macro writes it."""
    lang = w.lang
    en = lang == "en"
    parties = agreement.parties
    document = (
        _("Memorandum of Understanding")
        if agreement.kind.value == "MOU"
        else _("Memorandum of Agreement")
    )
    everyone = _("both parties") if len(parties) == 2 else _("all parties")
    title = (agreement.title_en or agreement.title_th) if en else agreement.title_th
    center = _docx().WD_ALIGN_PARAGRAPH.CENTER

    w.paragraph(document, style="Title", align=center, bold=True)
    w.paragraph(_("on %(title)s", title=title), align=center, bold=True)
    w.paragraph(_("between"), align=center)
    for index, party in enumerate(parties):
        if index:
            w.paragraph(_("and"), align=center)
        w.paragraph(party.organisation.display_name(lang), align=center)
    w.paragraph("-" * 14, align=center)

    w.body(
        _(
            "This %(document)s is made at %(place)s on %(date)s between:",
            document=document,
            place=agreement.signing_place or "....................................",
            date=_day(agreement.signed_on, lang),
        )
    )
    for index, party in enumerate(parties):
        short = (party.short_name_en or party.short_name_th) if en else party.short_name_th
        name = (party.signatory_name_en or party.signatory_name) if en else party.signatory_name
        position = (
            (party.signatory_position_en or party.signatory_position)
            if en
            else party.signatory_position
        )
        if index:
            w.paragraph(_("and"), align=center)
        last = index == len(parties) - 1
        w.paragraph(
            _(
                "%(organisation)s, represented by %(name)s, %(position)s, hereinafter "
                "referred to as %(short)s,",
                organisation=party.organisation.display_name(lang),
                name=name or "..............................",
                position=position or "..............................",
                short=f"“{short}”",
            )
            + " "
            + (_("of the other part.") if last else _("of the one part;")),
            first_line=_docx().INDENT,
        )
    w.body(
        _(
            "Whereas %(everyone)s wish to work together, they have agreed to make this "
            "%(document)s on the following terms:",
            everyone=everyone,
            document=document,
        )
    )

    w.heading(_("Purpose"), center=True)
    objectives = agreement.objectives_en if en else agreement.objectives_th
    for line in (objectives or "").splitlines():
        if line.strip():
            w.body(line.strip())

    w.heading(_("Scope of cooperation"), center=True)
    w.body(
        _(
            "Within the purpose of this %(document)s, %(everyone)s will cooperate as follows:",
            document=document,
            everyone=everyone,
        )
    )
    clauses = agreement.clause_tree
    for outer, (top, subs) in enumerate(clauses, 1):
        text = top.text_en if en and top.text_en else top.text_th
        w.paragraph(f"{_('Clause %(n)s', n=w.n(outer))} {text}", first_line=_docx().INDENT)
        for inner, sub in enumerate(subs, 1):
            text = sub.text_en if en and sub.text_en else sub.text_th
            w.paragraph(f"{w.n(outer)}.{w.n(inner)} {text}", first_line=_docx().SUB_INDENT)

    number = len(clauses) + 1
    w.heading(_("Clause %(n)s Responsibilities", n=w.n(number)))
    for index, party in enumerate(parties, 1):
        short = f"“{(party.short_name_en or party.short_name_th) if en else party.short_name_th}”"
        items = (
            party.responsibility_items_en
            if en and party.responsibility_items_en
            else party.responsibility_items_th
        )
        lead = (
            _("%(short)s shall:", short=short)
            if items
            else _(
                "%(short)s shall carry out its part of the cooperation set out above.",
                short=short,
            )
        )
        w.paragraph(f"{w.n(number)}.{w.n(index)} {lead}", first_line=_docx().SUB_INDENT)
        for item_number, item in enumerate(items, 1):
            w.paragraph(
                f"({w.n(item_number)}) {item}", indent=_docx().Cm(3.5), first_line=_docx().Cm(-0.9)
            )

    number += 1
    w.heading(_("Clause %(n)s Duration", n=w.n(number)))
    start = (
        _day(agreement.effective_from, lang)
        if agreement.effective_from
        else _("the date of signing")
    )
    if agreement.effective_until:
        w.body(
            _(
                "This %(document)s shall be in force from %(start)s until %(end)s.",
                document=document,
                start=start,
                end=_day(agreement.effective_until, lang),
            )
        )
    else:
        w.body(
            _(
                "This %(document)s shall be in force from %(start)s until it is terminated "
                "under Clause %(n)s.",
                document=document,
                start=start,
                n=w.n(number + 1),
            )
        )

    number += 1
    w.heading(_("Clause %(n)s Amendment and termination", n=w.n(number)))
    w.body(
        _(
            "This %(document)s may be amended only in writing, signed by the authorised "
            "representatives of %(everyone)s.",
            document=document,
            everyone=everyone,
        )
    )
    w.body(
        _(
            "Any party may terminate this %(document)s before its expiry by giving the other "
            "parties written notice of not less than %(days)s days. Termination shall not "
            "affect activities already carried out or in progress, unless the parties agree "
            "otherwise.",
            document=document,
            days=w.n(agreement.notice_days),
        )
    )

    number += 1
    w.heading(
        _("Clause %(n)s Confidentiality, personal data and intellectual property", n=w.n(number))
    )
    w.body(
        _(
            "Each party shall keep confidential the information it receives from the others "
            "under this %(document)s and shall collect, use or disclose personal data only as "
            "needed for its purpose, in accordance with the Personal Data Protection Act B.E. "
            "2562 (2019).",
            document=document,
        )
    )
    w.body(
        _(
            "Intellectual property that a party owns before this %(document)s remains its own. "
            "The rights in intellectual property arising from the joint work shall be agreed in "
            "writing case by case.",
            document=document,
        )
    )

    number += 1
    w.heading(_("Clause %(n)s Financial arrangements", n=w.n(number)))
    w.body(
        _(
            "Each party shall bear its own costs of the work under this %(document)s, unless "
            "agreed otherwise in writing.",
            document=document,
        )
    )

    if agreement.kind.value == "MOU":
        number += 1
        w.heading(_("Clause %(n)s Nature of this memorandum", n=w.n(number)))
        w.body(
            _(
                "This Memorandum of Understanding expresses the intention of the parties to "
                "cooperate and creates no legal obligation between them."
            )
        )

    w.body(
        _(
            "This %(document)s is made in %(copies)s originals with identical text. The "
            "parties, having read and understood it in full, have signed it and affixed their "
            "seals (if any) before witnesses, and each party keeps one original.",
            document=document,
            copies=w.n(agreement.copies),
        )
    )
    _signatures(w, agreement, en)


def _signatures(w: _Writer, agreement: Agreement, en: bool) -> None:
    """The signature blocks, two to a row in a borderless table, then the witnesses'."""
    blocks = []
    for party in agreement.parties:
        name = (party.signatory_name_en or party.signatory_name) if en else party.signatory_name
        position = (
            (party.signatory_position_en or party.signatory_position)
            if en
            else party.signatory_position
        )
        blocks.append(
            [
                _("(Signed) .............................."),
                f"({name or '..............................'})",
                position or "..............................",
                party.organisation.display_name(w.lang),
            ]
        )
    for witness in agreement.witnesses:
        blocks.append(
            [
                _("(Signed) ........................ Witness"),
                f"({witness.name})",
                *([witness.witness_position] if witness.witness_position else []),
            ]
        )
    if not blocks:
        return
    w.paragraph("")
    rows = (len(blocks) + 1) // 2
    table = w.document.add_table(rows=rows, cols=2)
    for index, lines in enumerate(blocks):
        cell = table.cell(index // 2, index % 2)
        for line_index, line in enumerate(["", *lines]):
            paragraph = cell.paragraphs[0] if line_index == 0 else cell.add_paragraph()
            run = paragraph.add_run(line)
            _set_fonts(run._element.get_or_add_rPr(), w.lang)
            paragraph.alignment = _docx().WD_ALIGN_PARAGRAPH.CENTER


def docx(agreement: Agreement, lang: str = "th") -> bytes:
    """The agreement's draft as a .docx in one language ("th", "en" or "bilingual": the
    Thai text, then the English on a new page), as the PDF prints it."""
    if lang not in ("th", "en", "bilingual"):
        raise ValueError(f"unknown language: {lang!r}")
    parts = ["th", "en"] if lang == "bilingual" else [lang]
    document = _new_document(parts[0])
    for index, part in enumerate(parts):
        if index:
            document.add_section(_docx().WD_SECTION.NEW_PAGE)
        with force_locale(part):
            _body(_Writer(document, part), agreement)
    properties = document.core_properties
    properties.title = f"{agreement.reference} {agreement.title_th}"[:250]
    properties.subject = agreement.reference
    properties.language = "th-TH" if parts[0] == "th" else "en-GB"
    properties.author = "DGTi Partner Registry"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
