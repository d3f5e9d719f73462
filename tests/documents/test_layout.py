"""The signature pages as offices sign them, read back from the real PDFs.

An MOU (two and three parties, with witnesses; Thai, English and bilingual) and the minutes
of a meeting are printed through the application, stored, and read back with poppler:
``pdftotext`` (no ``-layout``) for what a page says, ``pdftotext -bbox`` for where each
word is, and ``pdftoppm`` for the ink on the page. The closing words and every signature
block are on one page; "(ลงชื่อ) ......" is one unbroken line; the name in brackets is a
line of its own, then the position, then the organisation, each wrapping only between its
phrases; the columns are of equal width, two to a row, symmetric about the middle of the
text, a block alone in its row centred; the minutes' note of certification stands below the
signatures, with space above it.

Set LAYOUT_PNG_DIR to a folder to keep the signature pages as PNG images to look at.

Text is compared as pdftotext reads Thai (tests.documents.conftest.comparable: no spaces,
sara am as sara aa, no tone marks) and without the marks above and below a letter, which
pdftotext sometimes places after the next letter.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from registry.agreements import printing as agreement_printing
from registry.agreements import services as agreements
from registry.agreements.models import Agreement
from registry.db import db
from registry.documents.services import file_path
from registry.meetings import printing as meeting_printing
from registry.meetings.models import Meeting, MeetingStatus
from registry.organisations.models import OrganisationKind
from tests.agreements.conftest import content_for
from tests.documents.conftest import comparable
from tests.meetings.conftest_documents import (
    MINUTE_TAKER,
    REVIEWER,
    build_agenda,
    build_committee,
    build_minutes,
    commit,
)

# --- the page, in points (A4: 595.28 x 841.89; margins 3 cm left, 2 cm right) --------------

CM = 72 / 2.54
PAGE_WIDTH = 595.28
LEFT, RIGHT = 3 * CM, PAGE_WIDTH - 2 * CM
#: The middle of the text column, and the width of one signature column (half of it).
MIDDLE = (LEFT + RIGHT) / 2
COLUMN = (RIGHT - LEFT) / 2
#: Where the body of a page is: below the page number, above the footer.
BODY_TOP, BODY_BOTTOM = 2.5 * CM - 2, 841.89 - 3.3 * CM + 2
#: How far (points) a centre may be from where it should be.
TOLERANCE = 2.0
#: A gap wider than this between two words of a line separates two columns.
COLUMN_GAP = 10.0

#: The parties: organisation (Thai, English), signatory and position in Thai and English.
PARTIES = [
    (
        ("สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน)", "Digital Government Development Agency"),
        ("นายสมชาย ใจดี", "รองผู้อำนวยการ ฝ่ายยุทธศาสตร์และนโยบาย ศูนย์นวัตกรรมดิจิทัล"),
        ("Mr Somchai Jaidee", "Deputy Director, Strategy and Policy, Digital Innovation Centre"),
        OrganisationKind.OWN_AGENCY,
    ),
    (
        ("สมาคมปัญญาประดิษฐ์ประเทศไทย", "Artificial Intelligence Association of Thailand"),
        ("นางสาวศิริพร วงศ์สวัสดิ์", "นายกสมาคม"),
        ("Ms Siriporn Wongsawat", "President"),
        OrganisationKind.ASSOCIATION,
    ),
    (
        ("สภาอุตสาหกรรมแห่งประเทศไทย", "The Federation of Thai Industries"),
        ("ดร.ประเสริฐ มั่นคง", "ประธานสภาอุตสาหกรรม แห่งประเทศไทย"),
        ("Dr Prasert Mankong", "Chairman"),
        OrganisationKind.ASSOCIATION,
    ),
]
#: The witnesses: name and position (printed as typed, in every language).
WITNESSES = [
    ("นางสาวพยาน หนึ่ง", "ผู้อำนวยการฝ่าย"),
    ("นายพยาน สอง", "ผู้จัดการโครงการความร่วมมือ"),
    ("นายพยาน สาม", "เลขานุการสมาคม"),
]

#: What a document part writes, by its language: the line to sign on (a witness's ends with
#: the word for witness) and a piece of the closing formula.
SIGN_LINE = {
    "th": re.compile(r"^\(ลงชื่อ\) \.{20,}( พยาน)?$"),
    "en": re.compile(r"^\(Signed\) \.{20,}( Witness)?$"),
}
SIGN_WORD = {"th": "(ลงชื่อ)", "en": "(Signed)"}
CLOSING = {
    "th": "ทำขึ้นเป็น 2 ฉบับ มีข้อความถูกต้องตรงกัน",
    "en": "is made in 2 originals with identical text",
}

#: The marks written above or below a Thai letter.
_MARKS = dict.fromkeys([0x0E31, *range(0x0E34, 0x0E3B), *range(0x0E47, 0x0E4F)])
#: Phrases longer than this are not kept on one line (documents/_signatures.html).
PHRASE = 26


def letters(text: str) -> str:
    """Text as compared with pdftotext's: no spaces, tone marks or marks above and below."""
    return comparable(text).translate(_MARKS)


# --- reading a page back -------------------------------------------------------------------


@dataclass
class Segment:
    """Words on one line of the page, close enough together to be one column's line."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))


def page_text(pdf: Path, page: int) -> str:
    """What pdftotext (reading order, no layout) reads on one page."""
    command = ["pdftotext", "-enc", "UTF-8", "-f", str(page), "-l", str(page), str(pdf), "-"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def segments(pdf: Path, page: int) -> list[Segment]:
    """The body's lines of one page, each split where a gap separates two columns; the
    page number, the footer and the large letters of the draft mark left out."""
    command = ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    words = [
        (float(x0), float(y0), float(x1), float(y1), html.unescape(text))
        for x0, y0, x1, y1, text in _WORD.findall(out)
    ]
    words = [w for w in words if w[3] - w[1] < 30 and w[1] >= BODY_TOP and w[3] <= BODY_BOTTOM]
    lines: list[list[tuple]] = []
    for word in sorted(words, key=lambda w: (w[1], w[0])):
        if lines and abs(lines[-1][0][1] - word[1]) < 3:
            lines[-1].append(word)
        else:
            lines.append([word])
    found = []
    for line in lines:
        line.sort(key=lambda w: w[0])
        run = [line[0]]
        for word in line[1:]:
            if word[0] - run[-1][2] > COLUMN_GAP:
                found.append(_segment(run))
                run = []
            run.append(word)
        found.append(_segment(run))
    return found


def _segment(words: list[tuple]) -> Segment:
    return Segment(
        min(w[0] for w in words),
        min(w[1] for w in words),
        max(w[2] for w in words),
        max(w[3] for w in words),
        " ".join(w[4] for w in words),
    )


def pages_signed_on(pdf: Path, lang: str) -> list[int]:
    """The pages on which a line to sign on in that language is printed."""
    word = SIGN_WORD[lang]
    return [p for p in range(1, page_count(pdf) + 1) if word in page_text(pdf, p)]


@dataclass
class Block:
    """One signature block as read back: its lines, top to bottom."""

    lines: list[Segment]

    @property
    def centre(self) -> float:
        return self.lines[0].centre


def signature_rows(pdf: Path, page: int, lang: str) -> list[list[Block]]:
    """The rows of signature blocks of a page, top to bottom, each block left to right with
    its lines: those centred on its line to sign on, down to the next row."""
    found = segments(pdf, page)
    starts = [s for s in found if s.text.startswith(SIGN_WORD[lang])]
    rows: list[list[Segment]] = []
    for start in sorted(starts, key=lambda s: (s.y0, s.x0)):
        if rows and abs(rows[-1][0].y0 - start.y0) < 3:
            rows[-1].append(start)
        else:
            rows.append([start])
    blocks = []
    for index, row in enumerate(rows):
        bottom = rows[index + 1][0].y0 if index + 1 < len(rows) else BODY_BOTTOM
        blocks.append(
            [
                Block(
                    sorted(
                        (
                            s
                            for s in found
                            if start.y0 - 1 <= s.y0 < bottom - 1
                            and abs(s.centre - start.centre) <= TOLERANCE
                        ),
                        key=lambda s: s.y0,
                    )
                )
                for start in sorted(row, key=lambda s: s.x0)
            ]
        )
    return blocks


# --- what a block must hold ----------------------------------------------------------------


def _units(text: str) -> list[str]:
    """The pieces a line may end between: each phrase of the text, or, for a phrase too long
    to be kept on one line, each of its letters."""
    units = []
    for phrase in text.split():
        units.extend(letters(phrase) if len(phrase) > PHRASE else [letters(phrase)])
    return [unit for unit in units if unit]


def assert_whole_phrases(lines: list[Segment], texts: list[str]) -> None:
    """The lines hold the texts in order, each text starting on a line of its own and every
    line ending between two phrases (never inside one short enough to fit)."""
    remaining = [letters(line.text) for line in lines]
    for text in texts:
        units = _units(text)
        while units:
            assert remaining, f"{text!r} is cut short"
            line, taken = remaining.pop(0), ""
            while units and len(taken) < len(line):
                taken += units.pop(0)
            assert taken == line, f"a line of {text!r} ends inside a phrase: {line!r}"
    assert not remaining, f"lines left over: {remaining}"


def assert_block(block: Block, lang: str, name: str, details: list[str]) -> None:
    """A block reads: the line to sign on (one line), "(name)" on its own line, then each of
    ``details`` from a line of its own, wrapping only between phrases."""
    sign, *rest = block.lines
    assert SIGN_LINE[lang].match(sign.text), f"the line to sign on is broken: {sign.text!r}"
    assert rest, "nothing under the line to sign on"
    assert letters(rest[0].text) == letters(f"({name})"), rest[0].text
    assert_whole_phrases(rest[1:], details)
    for line in block.lines:
        assert abs(line.centre - block.centre) <= TOLERANCE, f"{line.text!r} is off centre"
        # Within its own column (half the text's width): never into the next block.
        half = COLUMN / 2 + 1
        assert abs(line.x0 - block.centre) <= half, f"{line.text!r} leaves its column"
        assert abs(line.x1 - block.centre) <= half, f"{line.text!r} leaves its column"


def assert_columns(rows: list[list[Block]], sizes: list[int]) -> None:
    """Rows of two blocks of equal columns symmetric about the middle of the text; a block
    alone in its row in the middle."""
    assert [len(row) for row in rows] == sizes
    for row in rows:
        centres = [block.centre for block in row]
        assert abs(sum(centres) / len(centres) - MIDDLE) <= TOLERANCE, centres
        if len(row) == 2:
            assert abs((centres[1] - centres[0]) - COLUMN) <= TOLERANCE, centres


def row_sizes(count: int) -> list[int]:
    """Two blocks to a row, the last alone when the count is odd."""
    return [2] * (count // 2) + [1] * (count % 2)


def keep_image(pdf: Path, page: int, name: str) -> Path:
    """The page as a PNG at 70 dpi (kept in LAYOUT_PNG_DIR when set, to look at)."""
    stem = pdf.with_name(f"{name}-page")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-f", str(page), "-l", str(page), "-singlefile"]
        + [str(pdf), str(stem)],
        check=True,
    )
    image = stem.with_suffix(".png")
    folder = os.environ.get("LAYOUT_PNG_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(image, Path(folder) / image.name)
    return image


def ink_centres(image_path: Path, top: float, bottom: float) -> list[float]:
    """The centres (points) of the runs of dark ink in a band of the page, left to right:
    the draft mark's pale colour is not ink."""
    from PIL import Image

    with Image.open(image_path) as image:
        grey = image.convert("L")
    scale = grey.width / PAGE_WIDTH
    band = range(int(top * scale), int(bottom * scale) + 1)
    dark = [any(grey.getpixel((x, y)) < 100 for y in band) for x in range(grey.width)]
    runs, start, gap = [], None, 0
    for x, inked in enumerate([*dark, False]):
        if inked:
            start, gap = (x if start is None else start), 0
            end = x
        elif start is not None:
            gap += 1
            if gap > COLUMN_GAP * scale or x == len(dark):
                runs.append((start + end) / 2 / scale)
                start = None
    return runs


# --- the agreement -------------------------------------------------------------------------


@pytest.fixture
def make_mou(app, make_organisation):
    """An MOU in Thai and English between the first ``count`` PARTIES, with as many
    witnesses (a draft); its id."""

    def make(count: int) -> int:
        ids = [
            make_organisation(th, name_en=en, kind=kind)
            for (th, en), _sign, _sign_en, kind in PARTIES[:count]
        ]
        content = content_for(ids, language="both")
        for party, (_names, (name, position), (name_en, position_en), _kind) in zip(
            content["parties"], PARTIES, strict=False
        ):
            party |= {
                "signatory_name": name,
                "signatory_position": position,
                "signatory_name_en": name_en,
                "signatory_position_en": position_en,
            }
        content["witnesses"] = [
            {"name": name, "witness_position": position, "organisation_id": None}
            for name, position in WITNESSES[:count]
        ]
        with app.app_context():
            return agreements.create_agreement(content, actor=None).id

    return make


def print_mou(app, agreement_id: int, variant: str, folder: Path) -> Path:
    """The stored PDF of the agreement in a variant, copied into ``folder``."""
    with app.app_context():
        record = db.session.get(Agreement, agreement_id)
        version = agreement_printing.publish(record, variant, None)
        target = folder / f"mou-{agreement_id}-{variant}.pdf"
        target.write_bytes(file_path(version).read_bytes())
    return target


def check_signing_page(pdf: Path, page: int, lang: str, count: int) -> list[list[Block]]:
    """Everything the signing page of an MOU part in ``lang`` must show, as it must show it."""
    text = page_text(pdf, page)
    assert letters(CLOSING[lang]) in letters(text), "the closing formula is not on this page"
    # "(ลงชื่อ)" whole, once per block: never "(ลง" at a line's end and "ชื่อ)" on the next.
    assert text.count(SIGN_WORD[lang]) == 2 * count
    rows = signature_rows(pdf, page, lang)
    assert_columns(rows, row_sizes(count) * 2)
    blocks = [block for row in rows for block in row]
    en = lang == "en"
    for block, ((org_th, org_en), (name, position), (name_en, position_en), _kind) in zip(
        blocks[:count], PARTIES, strict=False
    ):
        if en:
            assert_block(block, lang, name_en, [position_en, org_en])
        else:
            assert_block(block, lang, name, [position, org_th])
    for block, (name, position) in zip(blocks[count:], WITNESSES, strict=False):
        assert_block(block, lang, name, [position])
    # The witnesses sign below every party.
    assert min(b.lines[0].y0 for b in blocks[count:]) > max(b.lines[-1].y1 for b in blocks[:count])
    return rows


@pytest.mark.parametrize("count", [2, 3])
@pytest.mark.parametrize("variant", ["th", "en", "bilingual"])
def test_the_mou_signing_page_holds_the_closing_and_every_block_in_equal_columns(
    app, db_session, make_mou, tmp_path, count, variant
):
    pdf = print_mou(app, make_mou(count), variant, tmp_path)
    parts = ["th", "en"] if variant == "bilingual" else [variant]
    for lang in parts:
        pages = pages_signed_on(pdf, lang)
        assert len(pages) == 1, f"the {lang} signature blocks are spread over pages {pages}"
        rows = check_signing_page(pdf, pages[0], lang, count)
        # The ink on the rendered page agrees: the sign lines of each row sit symmetric about
        # the middle of the text, a block alone in the middle.
        image = keep_image(pdf, pages[0], f"mou{count}-{variant}-{lang}")
        for row in rows:
            line = row[0].lines[0]
            centres = ink_centres(image, line.y0 + 2, line.y1 - 2)
            assert len(centres) == len(row), centres
            assert abs(sum(centres) / len(centres) - MIDDLE) <= 3, centres
    if variant == "bilingual":
        assert pages_signed_on(pdf, "th")[0] < pages_signed_on(pdf, "en")[0]
    # The last page is the signing page (of the English part, in a bilingual document).
    assert pages_signed_on(pdf, parts[-1]) == [page_count(pdf)]


def test_a_long_closing_pushes_the_closing_formula_onto_the_signing_page(
    app, db_session, make_mou, tmp_path
):
    """When the signature blocks do not fit under the last clause, the closing formula
    moves with them: no signing page without the words the parties sign under."""
    agreement_id = make_mou(3)
    with app.app_context():
        record = db.session.get(Agreement, agreement_id)
        content = agreements.content_of(record)
        # Objectives long enough that the text runs on near the foot of a page.
        content["objectives_th"] = "\n".join(
            f"เพื่อส่งเสริมความร่วมมือด้านนวัตกรรมดิจิทัลระหว่างหน่วยงานภาครัฐและภาคเอกชน ข้อที่ {n}"
            for n in range(1, 9)
        )
        agreements.update_agreement(record, content, actor=None, lock_version=record.lock_version)
    pdf = print_mou(app, agreement_id, "th", tmp_path)
    [page] = pages_signed_on(pdf, "th")
    check_signing_page(pdf, page, "th", 3)
    before = page_text(pdf, page - 1)
    assert letters(CLOSING["th"]) not in letters(before)
    keep_image(pdf, page, "mou3-long-th")


# --- the minutes ---------------------------------------------------------------------------

#: The note of certification, the closing time and the roles under the signatures.
MINUTES = {
    "th": {
        "closed": "เลิกประชุมเวลา 16.05 น.",
        "note": "รายงานการประชุมนี้ได้รับการรับรองในการประชุมครั้งที่ 3/2569 เมื่อวันที่ 19 พฤษภาคม พ.ศ. 2569",
        "roles": ("ผู้จดรายงานการประชุม", "ผู้ตรวจรายงานการประชุม"),
    },
    "en": {
        "closed": "Meeting closed at 16:05",
        "note": "These minutes were certified at meeting No. 3/2569 held on 19 May 2026.",
        "roles": ("Minutes taken by", "Minutes reviewed by"),
    },
}


@pytest.fixture
def meetings(app, db_session, make_organisation, make_contact):
    """Meeting 2/2569 (minutes drafted, taken and reviewed by named people) and meeting
    3/2569 at which they are to be certified (ids)."""
    minutes = build_minutes(app, build_committee(app, make_organisation, make_contact))
    return minutes.second, build_agenda(app, minutes, date(2026, 5, 19))


def _certify(app, second: int, third: int) -> None:
    with app.app_context():
        meeting = db.session.get(Meeting, second)
        db.session.get(Meeting, third).status = MeetingStatus.HELD
        meeting.status = MeetingStatus.MINUTES_CERTIFIED
        meeting.certified_at_meeting_id = third
        meeting.certified_on = date(2026, 5, 19)
        commit()


def print_minutes(app, meeting_id: int, lang: str, folder: Path) -> Path:
    """The stored minutes of a meeting in a language, copied into ``folder``."""
    with app.app_context():
        version = meeting_printing.publish_minutes(db.session.get(Meeting, meeting_id), lang, None)
        target = folder / f"minutes-{meeting_id}-{lang}-v{version.version}.pdf"
        target.write_bytes(file_path(version).read_bytes())
    return target


def check_minutes_signatures(pdf: Path, lang: str) -> tuple[int, list[Block]]:
    """The page with the closing time and the two signatures as equal blocks; that page and
    the blocks."""
    words = MINUTES[lang]
    [page] = pages_signed_on(pdf, lang)
    text = page_text(pdf, page)
    assert letters(words["closed"]) in letters(text)
    assert text.count(SIGN_WORD[lang]) == 2
    rows = signature_rows(pdf, page, lang)
    assert_columns(rows, [2])
    taker, reviewer = rows[0]
    assert_block(taker, lang, MINUTE_TAKER[0], [MINUTE_TAKER[1], words["roles"][0]])
    assert_block(reviewer, lang, REVIEWER[0], [REVIEWER[1], words["roles"][1]])
    return page, [taker, reviewer]


@pytest.mark.parametrize("lang", ["th", "en"])
def test_certified_minutes_sign_in_equal_blocks_with_the_note_below_them(
    app, meetings, tmp_path, lang
):
    second, third = meetings
    _certify(app, second, third)
    pdf = print_minutes(app, second, lang, tmp_path)
    page, blocks = check_minutes_signatures(pdf, lang)
    note = MINUTES[lang]["note"]
    found = segments(pdf, page)
    note_lines = [s for s in found if s.y0 > max(b.lines[-1].y1 for b in blocks)]
    assert letters(" ".join(s.text for s in note_lines)) == letters(note)
    # Its own block: below the signatures with space above it, across the text column
    # (not in one of the signature columns), the meeting's number never split.
    bottom = max(line.y1 for block in blocks for line in block.lines)
    assert note_lines[0].y0 - bottom >= 20, "the note is crammed under the signatures"
    assert note_lines[0].x0 > LEFT + 2 * CM  # the first line indented as a paragraph
    assert min(s.x0 for s in note_lines) < LEFT + 3
    assert any("3/2569" in s.text for s in note_lines)
    image = keep_image(pdf, page, f"minutes-{lang}")
    row = blocks[0].lines[0]
    centres = ink_centres(image, row.y0 + 2, row.y1 - 2)
    assert len(centres) == 2 and abs(sum(centres) / 2 - MIDDLE) <= 3, centres


def test_draft_minutes_keep_the_closing_time_with_the_signatures_and_print_no_note(
    app, meetings, tmp_path
):
    second, _third = meetings
    pdf = print_minutes(app, second, "th", tmp_path)
    page, blocks = check_minutes_signatures(pdf, "th")
    assert "รับรอง" not in page_text(pdf, page)
    keep_image(pdf, page, "minutes-draft-th")
