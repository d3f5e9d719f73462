"""The text layer of every printed document: what pypdf, pdfminer.six and poppler's pdftotext
read back is exactly the Thai (and English) text that was laid out, in a test corpus and in
every real document (agreements in each language and status, their PDF/A copies, minutes,
agendas); archival copies claim PDF/A-2u and keep its promise (every glyph shown maps to
Unicode); documents are tagged with their structure and the language of each part; the page
looks the same as without the text layer; and the patch refuses a WeasyPrint it was not
written for."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import textwrap
import unicodedata
from datetime import date
from pathlib import Path

import pytest
import tinyhtml5
from PIL import Image, ImageChops
from pypdf import PdfReader
from pypdf.generic import ContentStream

from registry.agreements import printing as agreement_printing
from registry.agreements.models import Agreement, AgreementStatus
from registry.db import db
from registry.documents import rendering, text_layer
from registry.documents.rendering import PDFA_STANDARD, Stamp, render_pdf
from registry.meetings import printing as meeting_printing
from registry.meetings.models import Meeting
from tests.agreements.conftest import make_agreement, staff_user, two_organisations  # noqa: F401
from tests.conftest import run_in_fresh_interpreter
from tests.meetings.conftest_documents import build_agenda, build_committee, build_minutes

PROJECT = Path(__file__).resolve().parents[2]
VERIFY = "https://registry.example.go.th/verify/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
PRODUCED = date(2026, 3, 17)

# --- The corpus -----------------------------------------------------------------------------

#: Thai that WeasyPrint's own text layer got wrong (sara am drawn as two glyphs, one shared
#: with sara aa; tone marks over sara am), every tone mark and every vowel written above or
#: below a letter (on letters with and without ascenders and descenders), ฤ ฦ ๆ ฯ, Thai
#: digits, and English.
CORPUS = (
    "สำนักงานพัฒนารัฐบาลดิจิทัล ผู้อำนวยการ ดำเนินการ น้ำ กำหนด",
    "ทำ จำนวน คำสั่ง ค่ำ ต่ำ ซ้ำ ช้ำ น้ำท่วม กล้ำ อำนาจหน้าที่ ตำแหน่ง ประจำ สำคัญ",
    "ก่า ก้า ก๊า ก๋า ป่า ป้า ป๊า ป๋า ฝ่า ฟ้า ฬ่า",
    "กิ กี กึ กื กุ กู กั ก็ ก์ กํ กฺ ปิ ปี ปึ ปื ปุ ปู ปั ฎุ ฏู ญู ฐุ ฤๅ",
    "กิ่ กี้ กึ๊ กื๋ กุ่ กู้ กั่ ปิ่น ปี้ ปึ๊ง ปื๋อ ปุ่ม ปู่ ฟั่น ญี่ปุ่น ฐูม ฎุก",
    "เก แก โก ใก ไก กะ กา เกาะ เกือบ แก้ว โต๊ะ ไม้ ใคร่ เปลี่ยน เดี๋ยว เขื่อน",
    "ฤดู ฤๅษี ฦๅ ฦ ทั้งนี้ๆ ต่างๆ กรุงเทพฯ ฯลฯ",
    "๐๑๒๓๔๕๖๗๘๙ พ.ศ. ๒๕๖๙ เวลา ๑๐.๓๐ น.",
    "Digital Government Development Agency (DGA) 2026, ทดสอบ mixed ภาษาไทย and English.",
    "ปัญญาประดิษฐ์ ทรัพย์สินทางปัญญา วัตถุประสงค์ ผู้ประกอบการ สิ่งแวดล้อม ศักดิ์ศรี",
)

#: A page of the corpus, each line in regular weight then in bold, with no page furniture
#: (the fonts are the ones every document uses), so that what is read back is the corpus.
CORPUS_TEMPLATE = """<!DOCTYPE html><html lang="th"><head><meta charset="utf-8">
<title>corpus</title><style>
@font-face { font-family: S; src: url("{{ doc.fonts.regular }}"); }
@font-face { font-family: S; font-weight: bold; src: url("{{ doc.fonts.bold }}"); }
@page { size: A4; margin: 2cm; }
html { font-family: S; font-size: 16pt; line-height: 1.5; }
p { margin: 0 0 0.3em 0; }
</style></head><body>
{% for line in lines %}<p>{{ line }}</p><p><b>{{ line }}</b></p>{% endfor %}
</body></html>"""


def normalised(text: str) -> str:
    """Text as compared: NFC, without whitespace, format characters (zero-width spaces and
    joiners, the marks the renderer adds to allow or forbid line breaks, bidi controls) or
    hyphen-minus (pdftotext joins a line that ends in one to the next and drops it)."""
    text = unicodedata.normalize("NFC", text).replace("-", "")
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Cf")


def pages_pypdf(pdf: bytes) -> list[str]:
    """The text of each page, as pypdf reads it."""
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def pages_pdfminer(pdf: bytes) -> list[str]:
    """The text of each page, as pdfminer.six reads it, its text boxes taken from the top of
    the page down (its default order reads the indented first lines of two paragraphs
    before their other lines)."""
    from pdfminer.high_level import extract_text
    from pdfminer.layout import LAParams

    count = len(PdfReader(io.BytesIO(pdf)).pages)
    text = extract_text(io.BytesIO(pdf), laparams=LAParams(boxes_flow=None))
    return text.split("\f")[:count]


def pages_pdftotext(pdf: bytes) -> list[str]:
    """The text of each page, as poppler's pdftotext reads it (reading order, no layout:
    -layout sorts Thai marks by their position)."""
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    pages = result.stdout.decode("utf-8").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


EXTRACTORS = {"pypdf": pages_pypdf, "pdfminer": pages_pdfminer, "pdftotext": pages_pdftotext}


def first_difference(read: str, expected: str) -> str:
    """Where two texts part, with some context, for a readable failure."""
    index = next(
        (i for i, (a, b) in enumerate(zip(read, expected, strict=False)) if a != b),
        min(len(read), len(expected)),
    )
    around = slice(max(index - 20, 0), index + 20)
    return f"at {index}: read {read[around]!r}, laid out {expected[around]!r}"


@pytest.fixture(scope="module")
def corpus_pdf(app) -> bytes:
    """The corpus, printed once through the app's renderer."""
    with app.app_context():
        return render_pdf(app.jinja_env.from_string(CORPUS_TEMPLATE), {"lines": CORPUS})


@pytest.mark.parametrize("extractor", sorted(EXTRACTORS))
def test_the_thai_corpus_reads_back_exactly_as_laid_out(corpus_pdf, extractor):
    read = normalised("".join(EXTRACTORS[extractor](corpus_pdf)))
    expected = normalised("".join(line + line for line in CORPUS))
    assert read == expected, first_difference(read, expected)


@pytest.mark.parametrize("extractor", sorted(EXTRACTORS))
def test_sara_am_and_sara_aa_each_keep_their_own_text(corpus_pdf, extractor):
    read = normalised("".join(EXTRACTORS[extractor](corpus_pdf)))
    for word in ("สำนักงาน", "ผู้อำนวยการ", "ดำเนินการ", "น้ำ", "กำหนด", "ก่า", "ป้า"):
        assert read.count(word) >= 2, word  # regular and bold
    for corrupted in ("สานักงาน", "สำนักงำน", "ผู้อานวยการ", "ดาเนิน", "กาหนด", "ก่ำ", "ป้ำ"):
        assert corrupted not in read, corrupted


#: What a user may type into a record that prints: characters no installed font has (drawn
#: as a box), a ligature, right-to-left scripts (pypdf reorders the text that follows those,
#: hence a paragraph of their own), around Thai.
MIXED = ("สำนักงาน ผู้อำนวยการ น้ำ 漢字 😀 finance ดำเนินการ", "مرحبا بالعالم שלום עולם")

#: A line too long for its box, cut with an ellipsis.
CUT = "กำหนดน้ำ" * 20

MIXED_TEMPLATE = """{% extends "documents/base.html" %}{% block content %}
{% for line in mixed %}<p>{{ line }}</p>{% endfor %}
<div style="width: 5cm; overflow: hidden; white-space: nowrap; text-overflow: ellipsis">
{{- cut -}}
</div>
{% endblock %}"""


def test_other_scripts_missing_characters_and_ellipses_read_back_as_printed(app):
    with app.app_context():
        pdf = render_pdf(
            app.jinja_env.from_string(MIXED_TEMPLATE),
            {"mixed": MIXED, "cut": CUT},
            stamp=Stamp(final=True, produced_on=PRODUCED),
        )
    for name, extract in EXTRACTORS.items():
        text = normalised("".join(extract(pdf)))
        for word in ("สำนักงาน", "ผู้อำนวยการ", "น้ำ", "ดำเนินการ", "finance", "漢字"):
            assert word in text, (name, word)
        # The line cut short reads as what shows: the start of its text, then "…".
        shown = re.search(r"(?:กำหนดน้ำ)+(?:ก|กำ|กำห|กำหน|กำหนด|กำหนดน้)?…", text)
        assert shown and len(shown.group()) < len(CUT), name
    # The characters no font has are glyphs of the font's own: it keeps the identity
    # encoding (with an encoding of its own, pypdf and pdfminer read none of its text).
    for font in _fonts(pdf).values():
        assert font["font"]["/Encoding"] == "/Identity-H"


# --- Archival copies: PDF/A-2u -------------------------------------------------------------


def _to_unicode(stream) -> dict[int, str]:
    """A ToUnicode CMap's single-code entries (bfchar, and bfrange as WeasyPrint never
    writes it but a reader would take it)."""
    data = stream.get_data().decode("latin-1")
    entries: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for code, value in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>", block):
            entries[int(code, 16)] = bytes.fromhex(value).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for low, high, value in re.findall(
            r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>", block
        ):
            first = bytes.fromhex(value).decode("utf-16-be")
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                entries[code] = first[:-1] + chr(ord(first[-1]) + offset)
    return entries


def _widths(descendant) -> dict[int, float]:
    """The /W array of a CIDFont: glyph id -> width (thousandths of an em)."""
    widths: dict[int, float] = {}
    items = list(descendant.get("/W", []))
    index = 0
    while index < len(items):
        start = int(items[index])
        following = items[index + 1]
        if isinstance(following, list) or hasattr(following, "__iter__"):
            for offset, width in enumerate(following):
                widths[start + offset] = float(width)
            index += 2
        else:
            for code in range(start, int(following) + 1):
                widths[code] = float(items[index + 2])
            index += 3
    return widths


def _shown_codes(pdf: bytes) -> dict[str, set[int]]:
    """The character codes each font (by its /BaseFont) shows on every page, forms included."""
    reader = PdfReader(io.BytesIO(pdf))
    shown: dict[str, set[int]] = {}

    def walk(contents, resources) -> None:
        fonts = resources.get("/Font", {}) if resources else {}
        fonts = fonts.get_object() if hasattr(fonts, "get_object") else fonts
        current = None
        for operands, operator in ContentStream(contents, reader).operations:
            if operator == b"Tf":
                current = fonts[operands[0]].get_object()
            elif operator in (b"Tj", b"TJ", b"'", b'"'):
                strings = operands[-1] if operator != b"TJ" else operands[0]
                for item in strings if operator == b"TJ" else [strings]:
                    data = getattr(item, "original_bytes", item)
                    if isinstance(data, (bytes, str)) and not isinstance(data, float):
                        data = data if isinstance(data, bytes) else data.encode("latin-1")
                        codes = {
                            int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2)
                        }
                        shown.setdefault(current["/BaseFont"], set()).update(codes)
        for xobject in (resources.get("/XObject", {}) if resources else {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                walk(xobject, xobject.get("/Resources") or resources)

    for page in reader.pages:
        walk(page.get_contents(), page.get("/Resources"))
    return shown


def _fonts(pdf: bytes) -> dict[str, dict]:
    """Every Type 0 font of the file by its /BaseFont: its dictionary, descendant and data."""
    from fontTools.ttLib import TTFont

    reader = PdfReader(io.BytesIO(pdf))
    fonts = {}
    for page in reader.pages:
        for reference in page["/Resources"].get("/Font", {}).values():
            font = reference.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            program = descendant["/FontDescriptor"]["/FontFile2"].get_object().get_data()
            fonts[font["/BaseFont"]] = {
                "font": font,
                "descendant": descendant,
                "program": TTFont(io.BytesIO(program)),
            }
    return fonts


@pytest.fixture(scope="module")
def archival_pdf(app) -> bytes:
    """An archival copy (PDF/A) of the corpus with the page furniture of every document."""
    template = app.jinja_env.from_string(
        """{% extends "documents/base.html" %}{% block content %}
        <h1>บันทึกข้อตกลงความร่วมมือ</h1>
        {% for line in lines %}<p>{{ line }}</p><p><b>{{ line }}</b></p>{% endfor %}
        {% endblock %}"""
    )
    stamp = Stamp(
        reference="MOU-2569/001",
        version=1,
        verify_url=VERIFY,
        final=True,
        pdf_standard=PDFA_STANDARD,
        produced_on=PRODUCED,
    )
    with app.app_context():
        return render_pdf(template, {"lines": CORPUS}, stamp=stamp, title="สำเนาเพื่อการเก็บรักษา")


def test_archival_copies_claim_pdfa_2u(archival_pdf):
    assert PDFA_STANDARD == "pdf/a-2u"
    metadata = PdfReader(io.BytesIO(archival_pdf)).trailer["/Root"]["/Metadata"]
    xmp = metadata.get_object().get_data().decode("utf-8")
    assert re.search(r'pdfaid:part(="|>)2', xmp), xmp
    assert re.search(r'pdfaid:conformance(="|>)U', xmp), xmp


def test_every_glyph_an_archival_copy_shows_maps_to_unicode(archival_pdf):
    """PDF/A-2u (ISO 19005-2, 6.2.11.7.2): each character code shown has a ToUnicode value,
    neither empty nor U+0000, U+FEFF or U+FFFE; and (6.2.11.5) the font program has that
    glyph, with the advance the PDF's /W gives it."""
    shown = _shown_codes(archival_pdf)
    fonts = _fonts(archival_pdf)
    assert shown and set(shown) <= set(fonts)
    for name, codes in shown.items():
        font = fonts[name]
        assert font["font"]["/Encoding"] == "/Identity-H"
        assert font["descendant"]["/CIDToGIDMap"] == "/Identity"
        mapping = _to_unicode(font["font"]["/ToUnicode"].get_object())
        widths = _widths(font["descendant"])
        program = font["program"]
        order = program.getGlyphOrder()
        upem = program["head"].unitsPerEm
        for code in sorted(codes):
            text = mapping.get(code)
            assert text, f"{name}: glyph {code} shown with no text"
            assert not set(text) & {"\u0000", "\ufeff", "\ufffe"}, (name, code, text)
            assert code < len(order), f"{name}: glyph {code} is not in the font"
            advance = program["hmtx"][order[code]][0] * 1000 / upem
            assert abs(widths[code] - advance) <= 1, (name, code, widths[code], advance)


def test_each_glyph_of_an_archival_copy_stands_for_one_text(archival_pdf):
    """Glyphs that look alike but stand for different text (sara aa alone, sara aa drawn for
    sara am) are different glyph ids; each new one is a composite of the font's own glyphs."""
    fonts = _fonts(archival_pdf)
    for name, font in fonts.items():
        mapping = _to_unicode(font["font"]["/ToUnicode"].get_object())
        texts = set(mapping.values())
        assert "า" in texts and any("ำ" in text for text in texts), name
        program = font["program"]
        glyf = program["glyf"]
        order = program.getGlyphOrder()
        count = program["maxp"].numGlyphs
        assert count == len(order)
        for code in mapping:
            glyph = glyf[order[code]]
            if glyph.isComposite():
                assert all(
                    program.getGlyphID(component.glyphName) < count
                    for component in glyph.components
                )


# --- The page looks the same ---------------------------------------------------------------

_RENDER_SCRIPT = """
import sys
from weasyprint import HTML
if sys.argv[3] == "exact":
    from registry.documents import text_layer
    text_layer.install()
HTML(filename=sys.argv[1]).write_pdf(sys.argv[2])
"""


def _page_image(pdf: Path, folder: Path) -> Image.Image:
    """The first page at 600 dpi (cairo), brought down to 75 dpi by averaging: what a reader
    sees, without the rasteriser's rounding of each glyph to its pixel grid."""
    subprocess.run(
        [
            "pdftocairo",
            "-png",
            "-r",
            "600",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            "-gray",
            pdf,
            folder / pdf.stem,
        ],
        check=True,
        timeout=120,
    )
    with Image.open(folder / f"{pdf.stem}.png") as image:
        image = image.convert("L")
        return image.resize((image.width // 8, image.height // 8), Image.BOX)


def test_the_page_looks_the_same_with_the_exact_text_layer(app, tmp_path):
    """The same HTML printed by WeasyPrint alone and with the text layer (each in a fresh
    interpreter): the pages differ by no more than WeasyPrint's own rounding of glyph
    offsets, which the composites do not repeat (a glyph missing or out of place is a dark
    difference of its whole size)."""
    with app.app_context():
        html = rendering.render_html(app.jinja_env.from_string(CORPUS_TEMPLATE), {"lines": CORPUS})
    source = tmp_path / "corpus.html"
    source.write_text(html, encoding="utf-8")
    images = {}
    for mode in ("plain", "exact"):
        target = tmp_path / f"{mode}.pdf"
        subprocess.run(
            [sys.executable, "-c", _RENDER_SCRIPT, str(source), str(target), mode],
            cwd=PROJECT,
            check=True,
            capture_output=True,
            timeout=300,
        )
        images[mode] = _page_image(target, tmp_path)
    difference = ImageChops.difference(images["plain"], images["exact"])
    histogram = difference.histogram()
    ink = sum(images["plain"].point(lambda v: 255 if v < 128 else 0).histogram()[255:])
    assert ink > 2000  # the page has text on it
    assert max(i for i, count in enumerate(histogram) if count) <= 80
    assert sum(histogram[49:]) <= 40


# --- Tagged PDF --------------------------------------------------------------------------------


def _structure(pdf: bytes) -> tuple[str | None, list[tuple[str, str | None]]]:
    """The document's /Lang and its structure elements as (type, /Lang), depth first."""
    reader = PdfReader(io.BytesIO(pdf))
    catalog = reader.trailer["/Root"]
    elements: list[tuple[str, str | None]] = []

    def walk(node) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, dict) or hasattr(node, "keys"):
            if node.get("/Type") == "/StructElem" or "/S" in node:
                lang = node.get("/Lang")
                elements.append((str(node["/S"])[1:], str(lang) if lang is not None else None))
            kids = node.get("/K")
            if kids is not None:
                for kid in kids if isinstance(kids, list) else [kids]:
                    walk(kid)
        elif isinstance(node, list):
            for kid in node:
                walk(kid)

    assert str(catalog["/MarkInfo"]["/Marked"]).lower() == "true"
    walk(catalog["/StructTreeRoot"])
    lang = catalog.get("/Lang")
    return (str(lang) if lang is not None else None), elements


def test_documents_are_tagged_with_headings_tables_and_the_language_of_each_part(app):
    template = app.jinja_env.from_string(
        """{% extends "documents/base.html" %}{% block content %}
        <h1>รายงานการประชุม</h1>
        <h2>ระเบียบวาระที่ 1 เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ</h2>
        <p>ที่ประชุมรับทราบ</p>
        <table><thead><tr><th>ผู้รับผิดชอบ</th><th>กำหนดเสร็จ</th></tr></thead>
        <tbody><tr><td>ฝ่ายเลขานุการ</td><td>30 เมษายน 2569</td></tr></tbody></table>
        <p lang="en">Minutes of the joint committee</p>
        {% endblock %}"""
    )
    with app.app_context():
        pdf = render_pdf(template, {}, stamp=Stamp(final=True, produced_on=PRODUCED))
    lang, elements = _structure(pdf)
    assert lang == "th"
    types = [kind for kind, _ in elements]
    for kind in ("Document", "H1", "H2", "P", "Table", "TR", "TH", "TD"):
        assert kind in types, kind
    assert ("P", "en") in elements  # the English paragraph, marked as English
    assert all(element_lang in (None, "en") for _, element_lang in elements)


# --- Every real document ----------------------------------------------------------------------


#: Phrases each document prints, by its language: they must read back exactly.
PHRASES = {
    "agreement-th": [
        "บันทึกข้อตกลงความร่วมมือ",
        "ความร่วมมือด้านนวัตกรรมดิจิทัลภาครัฐ",
        "ผู้อำนวยการ",
        "ผู้อำนวยการฝ่าย",
        "เพื่อร่วมกันพัฒนานวัตกรรมดิจิทัลสำหรับบริการภาครัฐ",
        "มีข้อความถูกต้องตรงกัน",
        "ลงลายมือชื่อพร้อมประทับตรา (ถ้ามี) ไว้เป็นสำคัญต่อหน้าพยาน",
        "ให้แต่ละฝ่ายรับผิดชอบค่าใช้จ่ายของตนเอง",
        "นางสาวพยาน หนึ่ง",
    ],
    "agreement-en": [
        "Memorandum of Understanding",
        "Cooperation on Government Digital Innovation",
        "To develop digital innovation for government services together.",
        "Director",
        "Mr Test Signer 1",
    ],
    "minutes-th": [
        "รายงานการประชุม",
        "คณะกรรมการร่วมด้านนวัตกรรมดิจิทัลภาครัฐ",
        "ผู้มาประชุม",
        "ผู้ไม่มาประชุม",
        "ผู้เข้าร่วมประชุม",
        "เริ่มประชุมเวลา",
        "เลิกประชุมเวลา",
        "มติที่ประชุม",
        "ผู้อำนวยการ",
        "ติดราชการต่างประเทศ",
        "ประธานแจ้งว่าศูนย์ DGTi แห่งใหม่เปิดให้บริการแล้ว",
        "ที่ประชุมเห็นชอบร่างแผนงาน โดยให้ปรับกรอบเวลาให้สอดคล้องกับงบประมาณ",
        "ติดตามผลการดำเนินงานตามมติที่ประชุม",
    ],
    "minutes-en": [
        "Minutes of the meeting of",
        "Joint Committee on Government Digital Innovation",
        "ที่ประชุมรับทราบความคืบหน้า",  # what the secretary typed stays in Thai
    ],
    "agenda-th": [
        "ระเบียบวาระการประชุม",
        "คณะกรรมการร่วมด้านนวัตกรรมดิจิทัลภาครัฐ",
        "เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ",
        "เรื่องรับรองรายงานการประชุม",
        "ติดตามผลการดำเนินงานตามมติที่ประชุม",
        "สมาคมเสนอโครงการระยะที่ 2",
        "พร้อมประมาณการงบประมาณ",
    ],
    "agenda-en": ["Joint Committee on Government Digital Innovation", "สมาคมเสนอโครงการระยะที่ 2"],
}

#: The agreement's variants: (language, final, archival).
AGREEMENT_VARIANTS = [
    ("th", False, False),
    ("th", True, False),
    ("en", False, False),
    ("en", True, False),
    ("bilingual", False, False),
    ("bilingual", True, False),
    ("th", False, True),
    ("bilingual", True, True),
]

_BLOCKS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "div", "li", "dd", "dt", "section", "body"}
    | {"table", "thead", "tbody", "tr", "td", "th", "ul", "ol"}
)


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def laid_out_pieces(html: str) -> list[str]:
    """The text the document lays out, in pieces that print in one run: each block with no
    block inside, and the loose text and inline elements of the other blocks (a meeting's
    seat titles sit apart, in their own column). The page furniture and the draft mark
    (printed on every page, read back with each) are left out."""
    root = tinyhtml5.parse(html)
    pieces: list[str] = []

    def furniture(element) -> bool:
        classes = (element.get("class") or "").split()
        return "furniture" in classes or "draft-mark" in classes

    def blocks_inside(element) -> bool:
        return any(_local(e.tag) in _BLOCKS for e in element.iter() if e is not element)

    def visit(element) -> None:
        if furniture(element) or _local(element.tag) in ("head", "style", "script"):
            return
        if _local(element.tag) in _BLOCKS and not blocks_inside(element):
            pieces.append("".join(element.itertext()))
            return
        if _local(element.tag) in _BLOCKS:
            pieces.append(element.text or "")
            for child in element:
                if _local(child.tag) in _BLOCKS:
                    visit(child)
                elif not furniture(child):
                    pieces.append("".join(child.itertext()))
                pieces.append(child.tail or "")
            return
        for child in element:
            visit(child)

    visit(root)
    return [piece for piece in (normalised(p) for p in pieces) if piece]


def furniture_of(html: str) -> tuple[list[str], str]:
    """The page furniture's lines (normalised), and the draft mark's characters."""
    root = tinyhtml5.parse(html)
    lines, mark = [], ""
    for element in root.iter():
        classes = (element.get("class") or "").split()
        if "furniture" in classes:
            for child in element.iter():
                if child is not element and _local(child.tag) == "div":
                    lines.append(normalised("".join(child.itertext())))
        if "draft-mark" in classes:
            mark = "".join(element.itertext())
    return [line for line in lines if line], mark


def body_text(pages: list[str], furniture: list[str], mark: str) -> str:
    """What an extractor read, page by page without the furniture, the page number ("- 2 -",
    on a line of its own, or first on the page and joined by pdftotext to the line after
    it, as a word broken by a hyphen) and the lines of the rotated draft mark (some readers
    scatter it over lines of its own), joined into one normalised text."""
    mark_characters = set(mark) - set(" /")
    kept = []
    for number, page in enumerate(pages, start=1):
        digits = f"(?:{number}|{str(number).translate(_THAI_DIGITS)})"
        if number > 1:
            page = re.sub(rf"^\s*-\s*{digits}\s*-?", "", page)
        lines = [
            line
            for line in page.splitlines()
            if not re.fullmatch(rf"\s*-\s*{digits}\s*-\s*", line)
            and not (mark_characters and line.strip() and set(line) - set(" /") <= mark_characters)
        ]
        text = normalised("\n".join(lines))
        for line in sorted(furniture, key=len, reverse=True):
            text = text.replace(line, "")
        kept.append(text)
    return "".join(kept)


_THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


#: Characters the renderer may put into a document's HTML to allow or forbid line breaks.
_BREAK_MARKS = "\u200b\u180e\u2060\ufeff\u00ad"


def check_document(pdf: bytes, html: str, phrases: list[str]) -> None:
    """Every piece of laid-out text and every phrase reads back exactly with each extractor,
    and no phrase reads back with sara am and sara aa swapped."""
    furniture, mark = furniture_of(html)
    pieces = laid_out_pieces(html)
    assert len(pieces) > 10
    for name, extract in EXTRACTORS.items():
        pages = extract(pdf)
        # The marks that allow or forbid a line break are not text: none reads back (a
        # search for a word would miss it).
        assert not set("".join(pages)) & set(_BREAK_MARKS), name
        text = body_text(pages, furniture, mark)
        missing = [piece for piece in pieces if piece not in text]
        assert not missing, f"{name} did not read back: {missing[:5]}"
        for phrase in phrases:
            assert normalised(phrase) in text, f"{name}: {phrase}"
            if "ำ" in phrase:
                assert normalised(phrase.replace("ำ", "า")) not in text, f"{name}: {phrase}"
            elif "า" in phrase:
                assert normalised(phrase.replace("า", "ำ")) not in text, f"{name}: {phrase}"


@pytest.fixture
def record_html(monkeypatch):
    """The HTML each rendering hands WeasyPrint (the real function runs; its result is kept)."""
    kept: list[str] = []
    real = rendering.render_html

    def keeping(*args, **kwargs):
        html = real(*args, **kwargs)
        kept.append(html)
        return html

    monkeypatch.setattr(rendering, "render_html", keeping)
    return kept


@pytest.mark.parametrize(("lang", "final", "archival"), AGREEMENT_VARIANTS)
def test_every_agreement_variant_reads_back_exactly(
    app,
    make_agreement,  # noqa: F811
    record_html,
    lang,
    final,
    archival,  # noqa: F811
):
    status = AgreementStatus.SIGNED if final else AgreementStatus.DRAFT
    agreement_id = make_agreement(status, language="both")
    with app.app_context():
        agreement = db.session.get(Agreement, agreement_id)
        stamp = Stamp(
            reference=agreement.reference,
            version=3,
            verify_url=VERIFY,
            final=final,
            pdf_standard=PDFA_STANDARD if archival else None,
            produced_on=PRODUCED,
        )
        pdf = agreement_printing.render(agreement, lang, stamp)
    phrases = {
        "th": PHRASES["agreement-th"],
        "en": PHRASES["agreement-en"],
        "bilingual": PHRASES["agreement-th"] + PHRASES["agreement-en"],
    }[lang]
    check_document(pdf, record_html[-1], phrases)


@pytest.fixture
def meetings(app, db_session, make_organisation, make_contact):
    """Meeting 2/2569 with its minutes drafted, and meeting 3/2569 with its agenda (ids)."""
    committee = build_committee(app, make_organisation, make_contact)
    minutes = build_minutes(app, committee)
    return {"minutes": minutes.second, "agenda": build_agenda(app, minutes, date(2026, 5, 19))}


@pytest.mark.parametrize(
    ("kind", "lang"), [("minutes", "th"), ("minutes", "en"), ("agenda", "th"), ("agenda", "en")]
)
def test_minutes_and_agendas_read_back_exactly(app, meetings, record_html, kind, lang):
    with app.app_context():
        meeting = db.session.get(Meeting, meetings[kind])
        stamp = Stamp(reference=None, version=1, verify_url=VERIFY, produced_on=PRODUCED)
        render = (
            meeting_printing.render_minutes if kind == "minutes" else meeting_printing.render_agenda
        )
        pdf = render(meeting, lang, stamp)
    check_document(pdf, record_html[-1], PHRASES[f"{kind}-{lang}"])


def test_a_bilingual_agreement_marks_its_english_part_as_english(app, make_agreement):  # noqa: F811
    agreement_id = make_agreement(language="both")
    with app.app_context():
        agreement = db.session.get(Agreement, agreement_id)
        stamp = Stamp(reference=agreement.reference, produced_on=PRODUCED)
        bilingual = agreement_printing.render(agreement, "bilingual", stamp)
        english = agreement_printing.render(agreement, "en", stamp)
    lang, elements = _structure(bilingual)
    assert lang == "th"
    assert "H1" in [kind for kind, _ in elements]
    assert any(element_lang == "en" for _, element_lang in elements)
    lang, elements = _structure(english)
    assert lang == "en"
    # An English document: nothing is marked but the values typed in Thai (names), as Thai.
    assert all(element_lang in (None, "th") for _, element_lang in elements)


# --- The patch and its version ------------------------------------------------------------------


def test_the_text_layer_refuses_a_weasyprint_it_was_not_written_for():
    text_layer.check_version(text_layer.WEASYPRINT_VERSION)
    for other in ("69.0", "70.1", "71.0"):
        with pytest.raises(text_layer.UnsupportedWeasyPrint, match=re.escape(other)):
            text_layer.check_version(other)


def test_installing_under_another_weasyprint_is_refused_and_patches_nothing(tmp_path):
    script = textwrap.dedent(
        """
        import weasyprint
        from weasyprint.draw import text
        original = text.draw_first_line
        weasyprint.__version__ = "71.0"
        from registry.documents import text_layer
        try:
            text_layer.install()
        except text_layer.UnsupportedWeasyPrint as refusal:
            print("refused:", refusal)
        print("patched:", text.draw_first_line is not original, text_layer.installed())
        """
    )
    output = run_in_fresh_interpreter(script, tmp_path).stdout
    assert "refused: registry.documents.text_layer patches WeasyPrint 70.0" in output
    assert "WeasyPrint 71.0 is installed" in output
    assert "patched: False False" in output


def test_installing_twice_patches_once(app, corpus_pdf):
    from weasyprint.draw import text
    from weasyprint.pdf import fonts, tags

    assert text_layer.installed()  # render_pdf installed it
    text_layer.install()
    for patched in (
        text.draw_first_line,
        fonts.Font.clean,
        fonts.Font.get_unused_glyph_id,
        tags._build_box_tree,
    ):
        assert not hasattr(patched.__wrapped__, "__wrapped__")
