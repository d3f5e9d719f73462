"""The printed documents' structure, as a screen reader meets it in the tagged PDF.

Each document kind (an agreement in Thai, English and both; the minutes and the agenda of a
meeting in Thai and English) is printed through the application and its structure tree read
back with pypdf: the text of every structure element is the text of the marked content it
owns on the page. The title is an H1, the sections H2, an agenda item H3; the attendance
lists of the minutes are lists (L, one LI a line); a value a user typed in the other
language than its part's is marked with its /Lang (Thai names in English minutes).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date

import pytest
from pypdf import PdfReader

from registry.agreements import printing as agreement_printing
from registry.agreements.models import Agreement
from registry.db import db
from registry.documents.rendering import Stamp
from registry.meetings import printing as meeting_printing
from registry.meetings.models import Meeting
from tests.agreements.conftest import make_agreement, staff_user, two_organisations  # noqa: F401
from tests.meetings.conftest_documents import (
    ABSENCE_REASON,
    COMMITTEE_EN,
    GUEST,
    VENUE,
    build_agenda,
    build_committee,
    build_minutes,
)

PRODUCED = date(2026, 4, 20)
THAI = re.compile("[\u0e01-\u0e5b]")


@dataclass
class Element:
    """One structure element: its type (H1, P, LI ...), its own /Lang, the language it is
    read in (its own or its nearest ancestor's), its text and its children."""

    kind: str
    lang: str | None
    reads_as: str | None
    text: str = ""
    children: list[Element] = field(default_factory=list)

    def walk(self):
        """This element and every element under it, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()


def flat(text: str) -> str:
    """Text without white space (pypdf puts line ends where lines wrap)."""
    return "".join(text.split())


def _marked_texts(reader: PdfReader) -> dict[tuple[int, int], str]:
    """The text of each marked-content sequence, by (page index, MCID)."""
    texts: dict[tuple[int, int], list[str]] = {}
    for index, page in enumerate(reader.pages):
        stack: list[int | None] = []

        def before(operator, operands, cm, tm, stack=stack):
            if operator == b"BDC":
                properties = operands[1]
                stack.append(properties.get("/MCID") if hasattr(properties, "get") else None)
            elif operator == b"BMC":
                stack.append(None)
            elif operator == b"EMC" and stack:
                stack.pop()

        def text(value, cm, tm, font, size, stack=stack, index=index):
            mcid = next((m for m in reversed(stack) if m is not None), None)
            if mcid is not None:
                texts.setdefault((index, int(mcid)), []).append(value)

        page.extract_text(visitor_operand_before=before, visitor_text=text)
    return {key: "".join(parts) for key, parts in texts.items()}


def structure(pdf: bytes) -> tuple[str, Element]:
    """The document's /Lang and its structure tree (the /Document element)."""
    reader = PdfReader(io.BytesIO(pdf))
    catalog = reader.trailer["/Root"]
    pages = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)}
    marked = _marked_texts(reader)
    document_lang = str(catalog["/Lang"])

    def build(node, inherited: str, page: int | None) -> Element:
        lang = node.get("/Lang")
        lang = str(lang) if lang is not None else None
        if "/Pg" in node:
            page = pages[node.raw_get("/Pg").idnum]
        element = Element(str(node["/S"])[1:], lang, lang or inherited)
        kids = node.get("/K")
        kids = [] if kids is None else kids if isinstance(kids, list) else [kids]
        for kid in kids:
            if isinstance(kid, int):
                element.text += marked.get((page, kid), "")
                continue
            kid = kid.get_object()
            if kid.get("/Type") == "/MCR":
                kid_page = pages[kid.raw_get("/Pg").idnum] if "/Pg" in kid else page
                element.text += marked.get((kid_page, int(kid["/MCID"])), "")
            elif "/S" in kid:
                child = build(kid, element.reads_as, page)
                element.children.append(child)
                element.text += child.text
        return element

    root = catalog["/StructTreeRoot"]["/K"]
    root = (root[0] if isinstance(root, list) else root).get_object()
    return document_lang, build(root, document_lang, None)


def of_kind(tree: Element, kind: str) -> list[Element]:
    """The elements of one type, in reading order."""
    return [element for element in tree.walk() if element.kind == kind]


def texts(tree: Element, kind: str) -> list[str]:
    """The texts (without white space) of the elements of one type, in reading order."""
    return [flat(element.text) for element in of_kind(tree, kind)]


def unmarked_thai(tree: Element) -> list[str]:
    """Text with Thai letters in an element read as another language than Thai."""
    return [
        element.text
        for element in tree.walk()
        if not element.children and THAI.search(element.text) and element.reads_as != "th"
    ]


# --- Agreements ------------------------------------------------------------------------------


def _agreement_pdf(app, make_agreement, lang: str) -> bytes:  # noqa: F811
    agreement_id = make_agreement(language="both")
    with app.app_context():
        agreement = db.session.get(Agreement, agreement_id)
        stamp = Stamp(reference=agreement.reference, produced_on=PRODUCED)
        return agreement_printing.render(agreement, lang, stamp)


def test_a_thai_agreement_has_its_title_as_h1_and_its_sections_and_clauses_as_h2(
    app,
    make_agreement,  # noqa: F811
):
    lang, tree = structure(_agreement_pdf(app, make_agreement, "th"))
    assert lang == "th"
    assert texts(tree, "H1") == ["บันทึกข้อตกลงความร่วมมือ"]
    headings = texts(tree, "H2")
    assert headings[:2] == ["วัตถุประสงค์", "ขอบเขตความร่วมมือ"]
    assert any(re.fullmatch(r"ข้อ[0-9๐-๙]+ระยะเวลาความร่วมมือ", h) for h in headings), headings
    assert len(headings) >= 7  # purpose, scope and the five numbered clauses at least
    # The headings are no longer paragraphs.
    assert not set(headings) & set(texts(tree, "P"))
    assert not unmarked_thai(tree)


def test_an_english_agreement_marks_the_thai_values_its_users_typed(
    app,
    make_agreement,  # noqa: F811
):
    lang, tree = structure(_agreement_pdf(app, make_agreement, "en"))
    assert lang == "en"
    assert texts(tree, "H1") == ["MemorandumofUnderstanding"]
    assert texts(tree, "H2")[:2] == ["Purpose", "Scopeofcooperation"]
    # The witness typed a Thai name and position: read as Thai, the rest as English.
    marked = [flat(e.text) for e in tree.walk() if e.lang == "th"]
    assert "(นางสาวพยานหนึ่ง)" in marked
    assert "ผู้อำนวยการฝ่าย" in marked
    assert not unmarked_thai(tree)
    assert all(e.reads_as == "en" for e in tree.walk() if not THAI.search(e.text))


def test_a_bilingual_agreement_reads_its_english_headings_as_english(
    app,
    make_agreement,  # noqa: F811
):
    lang, tree = structure(_agreement_pdf(app, make_agreement, "bilingual"))
    assert lang == "th"
    assert texts(tree, "H1") == ["บันทึกข้อตกลงความร่วมมือ", "MemorandumofUnderstanding"]
    english = {flat(e.text): e.reads_as for e in of_kind(tree, "H2")}
    assert english["Purpose"] == "en"
    assert english["วัตถุประสงค์"] == "th"


def test_a_bilingual_agreement_reads_the_thai_values_of_its_english_half_as_thai(
    app,
    make_agreement,  # noqa: F811
):
    _, tree = structure(_agreement_pdf(app, make_agreement, "bilingual"))
    assert not unmarked_thai(tree)


# --- Meetings ---------------------------------------------------------------------------------


@pytest.fixture
def meetings(app, db_session, make_organisation, make_contact):
    """Meeting 2/2569 with its minutes drafted, and meeting 3/2569 with its agenda (ids)."""
    committee = build_committee(app, make_organisation, make_contact)
    minutes = build_minutes(app, committee)
    return {"minutes": minutes.second, "agenda": build_agenda(app, minutes, date(2026, 5, 19))}


def _meeting_pdf(app, meeting_id: int, kind: str, lang: str, **changes) -> bytes:
    """The minutes or agenda as printed; ``changes`` are set on the meeting for this printing
    only (never saved)."""
    with app.app_context(), db.session.no_autoflush:
        meeting = db.session.get(Meeting, meeting_id)
        for name, value in changes.items():
            setattr(meeting, name, value)
        render = (
            meeting_printing.render_minutes if kind == "minutes" else meeting_printing.render_agenda
        )
        try:
            return render(meeting, lang, Stamp(reference=None, version=1, produced_on=PRODUCED))
        finally:
            db.session.rollback()


def test_thai_minutes_have_headings_for_the_attendance_the_sections_and_the_items(app, meetings):
    lang, tree = structure(_meeting_pdf(app, meetings["minutes"], "minutes", "th"))
    assert lang == "th"
    (title,) = texts(tree, "H1")
    assert title.startswith("รายงานการประชุม")
    sections = texts(tree, "H2")
    assert sections[:3] == ["ผู้มาประชุม", "ผู้ไม่มาประชุม", "ผู้เข้าร่วมประชุม"]
    agenda = [h for h in sections if h.startswith("ระเบียบวาระที่")]
    assert len(agenda) == 5
    assert agenda[0].startswith("ระเบียบวาระที่1") or agenda[0].startswith("ระเบียบวาระที่๑")
    items = texts(tree, "H3")
    assert any(h.endswith("ข้อเสนอการจัดงานประกวดนวัตกรรม") for h in items), items
    assert not set(items) & set(texts(tree, "P"))


def test_the_attendance_of_the_minutes_is_a_list_a_line_a_person(app, meetings):
    _, tree = structure(_meeting_pdf(app, meetings["minutes"], "minutes", "th"))
    lists = of_kind(tree, "L")
    assert len(lists) == 3  # present, absent, in attendance
    present, absent, guests = ([flat(li.text) for li in of_kind(lst, "LI")] for lst in lists)
    assert len(present) >= 4
    assert present[0].startswith("1.") or present[0].startswith("๑.")
    assert "นายประธานใจดี" in present[0]
    assert len(absent) == 1 and flat(ABSENCE_REASON) in absent[0]
    assert len(guests) == 1 and flat(GUEST[0]) in guests[0]


def test_english_minutes_mark_every_thai_value_as_thai(app, meetings):
    lang, tree = structure(_meeting_pdf(app, meetings["minutes"], "minutes", "en"))
    assert lang == "en"
    (title,) = texts(tree, "H1")
    assert title == flat(f"Minutes of the meeting of {COMMITTEE_EN}")
    assert texts(tree, "H2")[:3] == ["Present:", "Absent:", "Inattendance:"]
    venue = [e for e in tree.walk() if flat(e.text) == flat(VENUE)]
    assert venue and venue[0].lang == "th"
    item = next(h for h in of_kind(tree, "H3") if "ข้อเสนอการจัดงานประกวดนวัตกรรม" in h.text)
    assert item.reads_as == "en"  # the item's number, English
    assert [c.lang for c in item.children if THAI.search(c.text)] == ["th"]  # its title, Thai
    assert not unmarked_thai(tree)
    # What the registry wrote is read as English.
    english = [e for e in tree.walk() if not e.children and e.text.strip()]
    assert all(e.reads_as == "en" for e in english if not THAI.search(e.text))


def test_an_agenda_has_its_sections_as_h2_and_its_items_as_h3(app, meetings):
    lang, tree = structure(_meeting_pdf(app, meetings["agenda"], "agenda", "th"))
    assert lang == "th"
    (title,) = texts(tree, "H1")
    assert title.startswith("ระเบียบวาระการประชุม")
    assert len([h for h in texts(tree, "H2") if h.startswith("ระเบียบวาระที่")]) == 5
    assert any(h.endswith("ข้อเสนอโครงการ,ระยะที่2;งบประมาณ") for h in texts(tree, "H3"))
    assert not unmarked_thai(tree)


def test_an_english_agenda_marks_thai_values_and_a_thai_agenda_marks_english_ones(app, meetings):
    _, tree = structure(_meeting_pdf(app, meetings["agenda"], "agenda", "en"))
    assert not unmarked_thai(tree)
    assert any(e.lang == "th" and flat(e.text) == flat(VENUE) for e in tree.walk())
    # A venue typed in English, in a Thai agenda, is read as English.
    _, tree = structure(
        _meeting_pdf(app, meetings["agenda"], "agenda", "th", venue="Siam Innovation Hall")
    )
    venue = [e for e in tree.walk() if flat(e.text) == "SiamInnovationHall"]
    assert venue and venue[0].lang == "en"
    assert not [e for e in tree.walk() if e.lang == "th"]  # Thai is the document's own
