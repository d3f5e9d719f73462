"""Thai line breaking in printed documents: lines break between words, never inside a word, a
person's name, a date, a meeting number or an acronym; the registry's own names (from the
database) are words too. Checked on the HTML as WeasyPrint will break it, and on real PDFs
read back with pdftotext, in a narrow and a wide column."""

from __future__ import annotations

import html
import re
import subprocess
import time
from datetime import date, datetime
from datetime import time as dt_time

import pytest
from weasyprint.text.line_break import get_log_attrs

from registry import audit, cache
from registry.db import db
from registry.documents import line_breaking
from registry.documents.line_breaking import GLUE, keep_words_together, segment, vocabulary
from registry.documents.rendering import Stamp, render_pdf
from registry.organisations.models import Contact
from registry.organisations.provinces import PROVINCES
from tests.committees.conftest import make_committee  # noqa: F401 (a fixture)
from tests.conftest import run_in_fresh_interpreter
from tests.documents.conftest import dark_fraction, pdf_page_images, pdf_pages_text

THAI_LETTER = re.compile("[\u0e01-\u0e3a\u0e40-\u0e4e]")
_MARKUP = re.compile(r"(<[^>]*>)")


# --- WeasyPrint's view of the HTML ----------------------------------------------------------


def breakable(markup: str) -> tuple[str, set[int]]:
    """The text of ``markup`` (tags, zero-width spaces and glue out, no-break spaces as spaces) and
    the positions in it where WeasyPrint may break a line: where Pango allows one inside each
    run of text outside the no-wrap spans, and between two runs where Pango allows one
    between the last letter of the first and the first letter of the next (as WeasyPrint
    decides at the edge of an inline box)."""
    runs: list[tuple[str, bool]] = []  # (text, no-wrap)
    depth = 0
    for part in _MARKUP.split(markup):
        if part.startswith("<"):
            if depth and part.startswith("<span"):
                depth += 1
            elif depth and part.startswith("</span"):
                depth -= 1
            elif re.match(r'<span class="nobr"', part):
                depth = 1
        elif part:
            runs.append((html.unescape(part), depth > 0))
    text, breaks = "", set()
    raw_positions: list[int] = []  # position in ``text`` of each character of the runs
    flat = ""
    for run, nowrap in runs:
        if flat and run:
            pair = flat[-1] + run[0]
            if get_log_attrs(pair, "th")[1].is_line_break:
                breaks.add(len(flat))
        if not nowrap:
            attrs = get_log_attrs(run, "th")
            breaks.update(len(flat) + i for i in range(1, len(run)) if attrs[i].is_line_break)
        flat += run
    for char in flat:
        raw_positions.append(len(text))
        if char not in ("\u200b", GLUE):
            text += " " if char == "\u00a0" else char
    raw_positions.append(len(text))
    return text, {raw_positions[i] for i in breaks if 0 < raw_positions[i] < len(text)}


def assert_whole(markup: str, *units: str) -> None:
    """Each of ``units`` is in the text of ``markup`` and no line can break inside it."""
    text, breaks = breakable(markup)
    for unit in units:
        start = text.find(unit)
        assert start >= 0, f"{unit!r} not in {text!r}"
        while start >= 0:
            inside = sorted(b - start for b in breaks if start < b < start + len(unit))
            assert not inside, f"{unit!r} may break at {inside} in {markup!r}"
            start = text.find(unit, start + 1)


def protected(text: str) -> str:
    """The HTML of a paragraph of ``text`` (escaped, as Jinja writes it) made safe."""
    return keep_words_together(f"<p>{html.escape(text)}</p>")


# --- Words ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("สมาคมเมกเกอร์ไทย", ["สมาคม", "เมกเกอร์", "ไทย"]),
        ("มหาวิทยาลัยเกษตรศาสตร์ วิทยาเขตศรีราชา", ["วิทยาเขต", "ศรีราชา"]),
        ("หน่วยงานภาคตะวันออก", ["หน่วยงาน", "ภาคตะวันออก"]),
        ("ผลกระทบต่อข้อเสนอ", ["ผลกระทบ", "ข้อเสนอ"]),
        ("โครงการพัฒนาระบบ", ["โครงการ", "พัฒนา"]),
        ("มีข้อความถูกต้องตรงกัน", ["ข้อความ", "ถูกต้อง"]),
        ("สมาคมไทยไอโอทีและสตาร์ทอัพ", ["ไอโอที", "สตาร์ทอัพ"]),
    ],
)
def test_the_dictionary_knows_the_office_words(text, words):
    found = segment(text)
    assert "".join(found) == text
    for word in words:
        assert word in found


def test_a_long_name_is_cut_into_its_own_words():
    words = segment("สมาคมปัญญาประดิษฐ์ประเทศไทย")
    assert words == ["สมาคม", "ปัญญาประดิษฐ์", "ประเทศไทย"]
    assert all(line_breaking.width(w) <= line_breaking.MAX_UNIT for w in words)


def test_a_word_the_dictionary_lacks_stays_one_word():
    # Transliterations it lacks: newmm cuts them into pieces (ฟ|ลักซ์), joined again.
    assert "ฟลักซ์" in segment("ระบบฟลักซ์ของสมาคม")
    assert "ลูปิกซ์" in segment("ไฮเปอร์ลูปิกซ์และสมาคม")


@pytest.mark.parametrize("word", ["ปัญญาประดิษฐ์", "ศรีราชา", "หน่วยงาน", "เมกเกอร์", "ผลกระทบ"])
def test_a_word_pango_would_split_is_glued_and_others_are_left_alone(word):
    assert line_breaking.breaks_inside(word)  # Pango alone would split it
    markup = protected(f"การใช้{word}ของสมาคม")
    glued = re.search(f"[{GLUE}{word}]+", markup.split("\u200b")[2]).group()
    assert glued.replace(GLUE, "") == word
    assert GLUE in glued
    assert "\u200bของ\u200b" in markup  # a word Pango keeps whole is left as it is
    assert_whole(markup, word)


def test_lines_may_still_break_between_the_words():
    markup = protected("การใช้ปัญญาประดิษฐ์ของสมาคม")
    text, breaks = breakable(markup)
    assert text == "การใช้ปัญญาประดิษฐ์ของสมาคม"
    assert text.index("ปัญญา") in breaks  # before the wrapped word
    assert text.index("ของ") in breaks  # after it


# --- Units never broken -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("โดย นางสาวศิริพร วงศ์ประเสริฐ นายกสมาคม", "นางสาวศิริพร วงศ์ประเสริฐ"),
        ("ผู้แทนนางสาวศิริพรรายงาน", "นางสาวศิริพร"),
        ("ประธาน ผศ.ดร.ธนากร ศรีสวัสดิ์ กล่าวเปิด", "ผศ.ดร.ธนากร ศรีสวัสดิ์"),
        ("ผู้ตรวจ รองศาสตราจารย์ ดร.ปัญญา เมธาวีกุลวัฒนาชัย", "ดร.ปัญญา"),
        ("ผู้ตรวจ รองศาสตราจารย์ ดร.ปัญญา เมธาวีกุลวัฒนาชัย", "เมธาวีกุลวัฒนาชัย"),
        ("เมื่อวันที่ 17 สิงหาคม พ.ศ. 2563 ณ ห้องประชุม", "17 สิงหาคม พ.ศ. 2563"),
        ("ภายในวันที่ 1 ม.ค. 2569 และ", "1 ม.ค. 2569"),
        ("ลงวันที่ ๑๗ สิงหาคม ๒๕๖๘", "๑๗ สิงหาคม ๒๕๖๘"),
        ("ระเบียบ พ.ศ. 2526 และที่แก้ไขเพิ่มเติม", "พ.ศ. 2526"),
        ("การประชุมครั้งที่ 2/2569 ของคณะกรรมการ", "ครั้งที่ 2/2569"),
        ("รับรองรายงานการประชุม 2/2569 โดยไม่มีการแก้ไข", "2/2569"),
        ("เริ่มประชุมเวลา 10.00 น. ณ ห้องประชุม", "10.00 น."),
        ("(ลงชื่อ) ........................", "(ลงชื่อ)"),
        ("ประสานกับ ส.อ.ท. และ สพร. ต่อไป", "ส.อ.ท."),
        ("ประสานกับ ส.อ.ท. และ สพร. ต่อไป", "สพร."),
        ("ตามบันทึกเลขที่ MOU-2568/001 ลงนามแล้ว", "MOU-2568/001"),
        ("signed on 17 August 2025 in Bangkok", "17 August 2025"),
        ("in the presence of Dr. Somchai Jaidee", "Dr. Somchai Jaidee"),
        ("ความร่วมมือด้านต่าง ๆ ระหว่างกัน", "ต่าง ๆ"),
    ],
)
def test_units_are_never_broken(text, unit):
    markup = protected(text)
    assert breakable(markup)[0] == text
    assert_whole(markup, unit)


def test_units_are_never_broken_in_a_long_paragraph():
    text = (
        "ที่ประชุมคณะกรรมการร่วมครั้งที่ 2/2569 เมื่อวันที่ 17 สิงหาคม พ.ศ. 2568 เวลา 13.30 น."
        " มีมติให้นางสาวศิริพร วงศ์ประเสริฐ ประสานสมาคมเมกเกอร์ไทยและ ส.อ.ท. (ลงชื่อ)"
    )
    assert_whole(
        protected(text),
        "ครั้งที่ 2/2569",
        "17 สิงหาคม พ.ศ. 2568",
        "13.30 น.",
        "นางสาวศิริพร วงศ์ประเสริฐ",
        "เมกเกอร์",
        "ส.อ.ท.",
        "(ลงชื่อ)",
    )


def test_a_title_that_starts_an_ordinary_word_is_not_a_name():
    # Taken for names, นายก... and นาง... would keep the whole run after them on one line.
    text = "นายกสมาคมเป็นประธาน นางฟ้าของเด็ก"
    markup = protected(text)
    _text, breaks = breakable(markup)
    assert {text.index("เป็น"), text.index("ของ")} <= breaks


def test_a_name_too_wide_for_one_unit_keeps_title_and_first_name_and_surname_each_whole():
    text = "ผู้ช่วยศาสตราจารย์ ดร.ศิริพรรณ เกียรติวงศ์ประเสริฐยิ่งยง ผู้ประสานงาน"
    markup = protected(text)
    assert_whole(markup, "ดร.ศิริพรรณ", "เกียรติวงศ์ประเสริฐยิ่งยง")
    _text, breaks = breakable(markup)
    assert text.index("เกียรติ") - 1 in breaks or text.index("เกียรติ") in breaks


def test_spaces_inside_a_unit_are_no_break_spaces_and_the_text_is_unchanged():
    markup = protected("วันที่ 17 สิงหาคม พ.ศ. 2563")
    assert "17\u00a0สิงหาคม\u00a0พ.ศ.\u00a02563" in markup.replace(GLUE, "")
    assert breakable(markup)[0] == "วันที่ 17 สิงหาคม พ.ศ. 2563"


def test_markup_is_left_as_it_is():
    markup = (
        '<body><p title="ปัญญาประดิษฐ์" class="indent">ปัญญาประดิษฐ์ <strong>ข้อ 1</strong></p>'
        "<style>p::after { content: 'ปัญญาประดิษฐ์'; }</style>"
        '<p><span class="nobr">ปัญญาประดิษฐ์ของสมาคม</span></p></body>'
    )
    out = keep_words_together(markup)
    assert '<p title="ปัญญาประดิษฐ์" class="indent">' in out
    assert "<style>p::after { content: 'ปัญญาประดิษฐ์'; }</style>" in out
    assert '<p><span class="nobr">ปัญญาประดิษฐ์ของสมาคม</span></p>' in out  # already whole
    assert f"ปัญญา{GLUE}ประ" in out
    assert "<strong>ข้อ 1</strong>" in out


def test_a_span_edge_beside_punctuation_adds_no_break():
    # "(" must not end a line, nor ")" start one, when the name inside is wrapped.
    markup = protected("(นางสาวศิริพร วงศ์ประเสริฐ)")
    text, breaks = breakable(markup)
    assert 1 not in breaks
    assert len(text) - 1 not in breaks


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "<script>alert('x')</script> & \"quoted\" 'single'",
        "นาย",
        "ดร.",
        "ๆๆๆ ฯลฯ",
        "\u0e48\u0e49\u0e4a",  # tone marks with no letter
        "ก" * 3000,
        "ปัญญาประดิษฐ์" * 400,  # 5,200 letters, no space
        "สมาคม🇹🇭ไทย\u200bดิจิทัล\ufeff",
        "นาย" + "ศิริพร" * 50 + " " + "ใจดี" * 50,
        "1/2/3/4/2569 ครั้งที่ ครั้งที่ 99999999999/25699999 พ.ศ. พ.ศ.",
        "\u0e01\u0e31\u0e49\u0e0a" * 200,
    ],
)
def test_whatever_a_user_typed_prints_as_typed(typed):
    started = time.perf_counter()
    markup = protected(typed)
    assert time.perf_counter() - started < 5
    text, _breaks = breakable(markup)
    assert text == typed.replace("\u200b", "").replace("\u00a0", " ")
    # No markup is added; what the user typed stays escaped text.
    assert markup.count("<") == 2  # <p>, </p>
    assert "<script>" not in markup


# --- The registry's vocabulary ----------------------------------------------------------------


def test_every_province_is_one_word_of_the_dictionary():
    lexicon = line_breaking.base_lexicon()
    for province in PROVINCES:
        assert province.name_th in lexicon
        assert segment(province.name_th, lexicon) == [province.name_th]


def test_names_from_the_database_are_words(app, db_session, make_organisation, make_contact):
    organisation = make_organisation(name_th="สมาคมควอนตัมฟลักซ์ไทย", acronym="สคฟท")
    make_contact(
        organisation,
        title="นางสาว",
        first_name="ณัฐฐาวีร์",
        last_name="ฟ้าประทานพรกุล",
        position="ผู้อำนวยการฝ่ายยุทธศาสตร์",
    )
    with app.app_context():
        known = vocabulary()
        assert {"สมาคมควอนตัมฟลักซ์ไทย", "สคฟท", "ณัฐฐาวีร์", "ฟ้าประทานพรกุล"} <= known.words
        assert ("ณัฐฐาวีร์", "ฟ้าประทานพรกุล") in known.names
        # Written without a title, the person the registry knows is still one unit.
        markup = protected("ประสานงานกับณัฐฐาวีร์ ฟ้าประทานพรกุล แห่งสมาคมควอนตัมฟลักซ์ไทย")
        assert_whole(markup, "ณัฐฐาวีร์ ฟ้าประทานพรกุล", "สมาคมควอนตัมฟลักซ์ไทย")
        assert "สมาคมควอนตัมฟลักซ์ไทย" in segment("แห่งสมาคมควอนตัมฟลักซ์ไทยและ")
    # Outside the application, the same text has no such words.
    assert "สมาคมควอนตัมฟลักซ์ไทย" not in segment("แห่งสมาคมควอนตัมฟลักซ์ไทยและ")


def test_free_text_names_positions_and_places_are_words(
    app, db_session, make_committee  # noqa: F811 (the fixture imported above)
):
    from registry.committees.models import Committee
    from registry.meetings import services as meetings
    from registry.meetings.models import Attendance, AttendanceKind

    committee_id = make_committee(name_th="คณะทำงานด้านโรโบติกส์และหุ่นยนต์")
    with app.app_context():
        meeting = meetings.schedule_meeting(
            db.session.get(Committee, committee_id),
            actor=None,
            held_on=date(2025, 3, 10),
            starts_at=dt_time(13, 30),
            venue="ห้องประชุมอาคารบางกอกสกายทาวเวอร์",
        )
        meeting.minute_taker_name = "นายกฤษฎาภิวัฒน์ ทองประเสริฐกุล"
        db.session.add(
            Attendance(
                meeting=meeting,
                kind=AttendanceKind.GUEST,
                name="ว่าที่ร้อยตรีภานุวัฒน์ สิริมงคลชัยยา",
                position="ผู้เชี่ยวชาญด้านโรโบติกส์",
                organisation_name="สมาคมหุ่นยนต์ไทยแลนด์",
            )
        )
        audit.record_event(None, "updated (test)", record_type="meetings")
        db.session.commit()
        known = vocabulary()
    assert {
        "ห้องประชุมอาคารบางกอกสกายทาวเวอร์",
        "กฤษฎาภิวัฒน์",
        "ทองประเสริฐกุล",
        "ภานุวัฒน์",
        "ผู้เชี่ยวชาญด้านโรโบติกส์",
        "สมาคมหุ่นยนต์ไทยแลนด์",
        "คณะทำงานด้านโรโบติกส์และหุ่นยนต์",
    } <= known.words
    assert ("กฤษฎาภิวัฒน์", "ทองประเสริฐกุล") in known.names
    assert ("ภานุวัฒน์", "สิริมงคลชัยยา") in known.names  # the title left out


def test_an_erased_person_is_not_in_the_vocabulary(app, db_session, make_contact):
    make_contact(first_name="อรรถวิทย์ลบแล้ว", last_name="นามสมมติ", erased_at=datetime(2025, 1, 1))
    with app.app_context():
        assert "อรรถวิทย์ลบแล้ว" not in vocabulary().words


def test_the_vocabulary_is_kept_until_a_name_is_written(app, db_session, make_contact):
    with app.app_context():
        first = vocabulary()
        assert vocabulary() is first  # kept
        with cache.writing("documents"):
            audit.record_event(None, "generated document", record_type="document_versions")
            db.session.commit()
        audit.record_event(None, "signed in", record_type="users")
        db.session.commit()
        assert vocabulary() is first  # printing, signing in: no name changed
    make_contact(first_name="ปวริศรานันท์", last_name="ใหม่เอี่ยม")
    with app.app_context():
        again = vocabulary()
        assert again is not first
        assert "ปวริศรานันท์" in again.words
        assert vocabulary() is again
        assert line_breaking.current_lexicon() is line_breaking.current_lexicon()


def test_the_vocabulary_is_read_again_after_its_longest_keep(app, db_session, monkeypatch):
    with app.app_context():
        first = vocabulary()
        monkeypatch.setattr(line_breaking, "VOCABULARY_MAX_AGE", 0)
        assert vocabulary() is not first


def test_a_contact_renamed_is_in_the_vocabulary_at_once(app, db_session, make_contact):
    contact_id = make_contact(first_name="ชื่อเดิมสมมติ", last_name="สกุลเดิม")
    with app.app_context():
        assert "ชื่อเดิมสมมติ" in vocabulary().words
        contact = db.session.get(Contact, contact_id)
        with audit.change(contact, None, "updated (test)"):
            contact.first_name = "ชื่อใหม่ภัทรนันท์"
        db.session.commit()
        words = vocabulary().words
    assert "ชื่อใหม่ภัทรนันท์" in words
    assert "ชื่อเดิมสมมติ" not in words


def test_segmenting_downloads_nothing(tmp_path):
    data = tmp_path / "pythainlp-data"
    script = f"""
import os, socket
os.environ["PYTHAINLP_DATA_DIR"] = {str(data)!r}
def refuse(*args, **kwargs):
    raise RuntimeError("network used")
socket.socket.connect = refuse
socket.create_connection = refuse
from registry.documents.line_breaking import keep_words_together, segment
assert segment("สมาคมเมกเกอร์ไทย") == ["สมาคม", "เมกเกอร์", "ไทย"]
keep_words_together("<p>นางสาวศิริพร วงศ์ประเสริฐ 17 สิงหาคม พ.ศ. 2568</p>")
print("ok")
"""
    assert run_in_fresh_interpreter(script, tmp_path).stdout.strip() == "ok"
    assert not data.exists() or not any(data.iterdir())


# --- Real PDFs, read back -------------------------------------------------------------------

#: Long Thai paragraphs as the registry prints them: clauses, agenda items, resolutions, the
#: names of real associations and people, transliterations, dates and meeting numbers.
CORPUS = [
    "บันทึกข้อตกลงความร่วมมือฉบับนี้ทำขึ้น ณ สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน) เมื่อวันที่"
    " 17 สิงหาคม พ.ศ. 2568 ระหว่างสำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน) โดย นายสุพจน์ เธียรวุฒิ"
    " ผู้อำนวยการสำนักงานพัฒนารัฐบาลดิจิทัล ซึ่งต่อไปในบันทึกข้อตกลงนี้เรียกว่า \"สพร.\" ฝ่ายหนึ่ง"
    " กับสมาคมเมกเกอร์ไทย โดย นางสาวศิริพร วงศ์ประเสริฐ นายกสมาคมเมกเกอร์ไทย"
    " ซึ่งต่อไปในบันทึกข้อตกลงนี้เรียกว่า \"สมาคม\" อีกฝ่ายหนึ่ง",
    "ข้อ 2 ขอบเขตความร่วมมือ ทั้งสองฝ่ายตกลงร่วมกันส่งเสริมการพัฒนานวัตกรรมดิจิทัลภาครัฐ"
    " การแลกเปลี่ยนองค์ความรู้ด้านปัญญาประดิษฐ์ อินเทอร์เน็ตของสรรพสิ่ง ระบบสมองกลฝังตัว"
    " และเทคโนโลยีคลาวด์ร่วมกับสมาคมปัญญาประดิษฐ์ประเทศไทย สมาคมไทยไอโอที สมาคมสมองกลฝังตัวไทย"
    " สมาคมการค้าสตาร์ทอัพไทย สมาคมอุตสาหกรรมซอฟต์แวร์ไทย และสภาอุตสาหกรรมแห่งประเทศไทย"
    " เพื่อยกระดับขีดความสามารถของหน่วยงานภาครัฐและผู้ประกอบการวิสาหกิจเริ่มต้นในภาคตะวันออก",
    "ศูนย์เทคโนโลยีและนวัตกรรมดิจิทัลภาครัฐ ณ มหาวิทยาลัยเกษตรศาสตร์ วิทยาเขตศรีราชา"
    " จังหวัดชลบุรี เปิดให้บริการแก่หน่วยงานภาครัฐในภาคตะวันออก ได้แก่ จังหวัดฉะเชิงเทรา"
    " จังหวัดระยอง จังหวัดจันทบุรี และจังหวัดตราด โดยมีผู้ช่วยศาสตราจารย์ ดร.ศิริพร ใจดีมาก"
    " เป็นผู้ประสานงานกับหน่วยงานในพื้นที่และสมาคมผู้ประกอบการ",
    "ระเบียบวาระที่ 2 เรื่องรับรองรายงานการประชุม คณะกรรมการร่วมระหว่างภาครัฐและผู้ประกอบการ"
    "นวัตกรรม ครั้งที่ 1/2569 เมื่อวันที่ 15 มกราคม พ.ศ. 2569 ฝ่ายเลขานุการได้จัดส่งรายงานการประชุม"
    "ให้กรรมการพิจารณาแล้ว ไม่มีกรรมการขอแก้ไข มติที่ประชุม รับรองรายงานการประชุมครั้งที่ 1/2569"
    " โดยไม่มีการแก้ไข",
    "ระเบียบวาระที่ 4.1 ข้อเสนอโครงการแพลตฟอร์มข้อมูลเปิดภาครัฐ นางสาวศิริพร วงศ์ประเสริฐ"
    " ผู้แทนสมาคมเมกเกอร์ไทย นำเสนอข้อเสนอโครงการพัฒนาแพลตฟอร์มแลกเปลี่ยนข้อมูลระหว่างหน่วยงาน"
    " พร้อมประเมินผลกระทบด้านความปลอดภัยไซเบอร์และการคุ้มครองข้อมูลส่วนบุคคล"
    " ที่ประชุมมีข้อสังเกตว่าควรจัดเวิร์กช็อปและแฮกกาธอนร่วมกับสตาร์ทอัพในพื้นที่ มติที่ประชุม"
    " เห็นชอบในหลักการ และมอบหมายให้ฝ่ายเลขานุการประสานสภาอุตสาหกรรมแห่งประเทศไทย"
    "เพื่อจัดทำข้อเสนอแนะต่อคณะอนุกรรมการภายในวันที่ 1 ม.ค. 2570",
    "เริ่มประชุมเวลา 09.30 น. ประธานกล่าวต้อนรับผู้แทนสมาคมไทยไอโอทีและสมาคมปัญญาประดิษฐ์"
    "ประเทศไทย เลิกประชุมเวลา 12.00 น. ผู้จดรายงานการประชุม นายธนากร ศรีสวัสดิ์วงศ์"
    " เจ้าหน้าที่ศูนย์นวัตกรรมดิจิทัล ผู้ตรวจรายงานการประชุม รองศาสตราจารย์ ดร.ปัญญา เมธาวีกุล",
    "(ลงชื่อ) ............ (นายสุพจน์ เธียรวุฒิ) ผู้อำนวยการสำนักงานพัฒนารัฐบาล"
    "ดิจิทัล (ลงชื่อ) ............ (นางสาวศิริพร วงศ์ประเสริฐ)"
    " นายกสมาคมเมกเกอร์ไทย",
    "บันทึกข้อตกลงนี้ทำขึ้นเป็นสองฉบับ มีข้อความถูกต้องตรงกัน ทั้งสองฝ่ายได้อ่านและเข้าใจข้อความ"
    "โดยละเอียดตลอดแล้ว จึงได้ลงลายมือชื่อพร้อมประทับตรา (ถ้ามี) ไว้เป็นสำคัญต่อหน้าพยาน"
    " ณ วันที่ 17 สิงหาคม พ.ศ. 2568 และให้มีผลใช้บังคับจนถึงวันที่ 16 สิงหาคม พ.ศ. 2571"
    " หรือจนกว่าฝ่ายใดฝ่ายหนึ่งจะบอกเลิกเป็นลายลักษณ์อักษรล่วงหน้าไม่น้อยกว่า 30 วัน",
    "The Parties signed this Memorandum on 17 August 2025 in the presence of Dr. Somchai Jaidee"
    " and Ms. Siriporn Wongprasert as witnesses, under reference MOU-2568/001.",
]

#: What must never be split across two lines in the corpus, whatever the column.
CORPUS_UNITS = [
    "นายสุพจน์",
    "นางสาวศิริพร",
    "ดร.ศิริพร",
    "ดร.ปัญญา",
    "นายธนากร",
    "17 สิงหาคม พ.ศ. 2568",
    "15 มกราคม พ.ศ. 2569",
    "16 สิงหาคม พ.ศ. 2571",
    "1 ม.ค. 2570",
    "ครั้งที่ 1/2569",
    "09.30 น.",
    "12.00 น.",
    "(ลงชื่อ)",
    "สพร.",
    "17 August 2025",
    "Dr. Somchai",
    "MOU-2568/001",
    "เมกเกอร์",
    "ศรีราชา",
    "ไอโอที",
    "หน่วยงาน",
    "ภาคตะวันออก",
    "ผลกระทบ",
    "ข้อเสนอ",
]

CORPUS_TEMPLATE = """{% extends "documents/base.html" %}
{% block content %}
<div style="width: {{ width }}">
{% for paragraph in paragraphs %}<p class="indent">{{ paragraph }}</p>{% endfor %}
</div>
{% endblock %}
"""

#: The page number pdftotext puts before the first line of a page ("- 2 -").
PAGE_NUMBER = re.compile(r"^- *[0-9๐-๙]+ *-?")
_DROPPED = str.maketrans("", "", "\u0e48\u0e49\u0e4a\u0e4b\u0e4d\u200b")


def normalised(text: str) -> tuple[str, list[int]]:
    """``text`` as it can be compared with what pdftotext read back (no spaces, no tone marks,
    sara am as sara aa: the text layer is being mended meanwhile, and pdftotext sometimes
    puts a tone mark after the next letter), and where each of its positions went."""
    out, where = [], []
    for char in text:
        where.append(len(out))
        if char.isspace() or not char.translate(_DROPPED):
            continue
        out.append("\u0e32" if char == "\u0e33" else char)
    where.append(len(out))
    return "".join(out), where


def allowed_breaks(paragraph: str) -> tuple[str, set[int], list[tuple[int, int]]]:
    """The paragraph normalised, the positions in it where a line may end (the boundaries of
    the dictionary's segmentation of the source, and anywhere beside what is not Thai), and
    where each of the units lies."""
    flat, where = normalised(paragraph)
    allowed: set[int] = set()
    position = 0
    for word in segment(paragraph):
        allowed.add(where[position])
        position += len(word)
    allowed.add(where[position])
    for i in range(len(paragraph)):
        if not THAI_LETTER.match(paragraph[i]):
            allowed.update((where[i], where[i + 1]))
    units = []
    for unit in CORPUS_UNITS:
        start = paragraph.find(unit)
        while start >= 0:
            units.append((where[start], where[start + len(unit)]))
            start = paragraph.find(unit, start + 1)
    return flat, allowed, units


#: The columns the corpus is printed in: narrow (a signature column) and the A4 text column.
NARROW, WIDE = "6.5cm", "16cm"


@pytest.fixture(scope="module")
def corpus_pdfs(app) -> dict[str, bytes]:
    """The corpus printed in each column, as PDF (rendered once for the module)."""
    template = app.jinja_env.from_string(CORPUS_TEMPLATE)
    pdfs = {}
    with app.app_context():
        for width in (NARROW, WIDE):
            pdfs[width] = render_pdf(
                template,
                {"paragraphs": CORPUS, "width": width},
                stamp=Stamp(final=True, produced_on=date(2025, 8, 17)),
            )
    return pdfs


@pytest.mark.parametrize("width", [NARROW, WIDE])
def test_printed_lines_end_only_between_words(corpus_pdfs, width):
    pdf = corpus_pdfs[width]
    corpus_flat = "".join(normalised(p)[0] for p in CORPUS)
    lines = [
        flat
        for page in pdf_pages_text(pdf)
        for line in page.splitlines()
        if (flat := normalised(PAGE_NUMBER.sub("", line))[0]) and flat in corpus_flat
    ]
    assert len(lines) > 20
    text = "".join(lines)
    ends, position = set(), 0
    for line in lines[:-1]:
        position += len(line)
        ends.add(position)
    wrong, checked = [], 0
    for paragraph in CORPUS:
        flat, allowed, units = allowed_breaks(paragraph)
        base = text.find(flat)
        assert base >= 0, f"paragraph not found in the PDF: {paragraph[:40]}"
        inside = sorted(end - base for end in ends if base < end < base + len(flat))
        checked += len(inside)
        for cut in inside:
            if cut not in allowed or any(start < cut < end for start, end in units):
                wrong.append(f"{flat[max(0, cut - 12) : cut]} | {flat[cut : cut + 12]}")
    assert checked > 10  # lines did break inside the paragraphs
    assert wrong == []


def test_the_glue_prints_nothing_reads_back_as_nothing_and_needs_no_other_font(
    corpus_pdfs, tmp_path
):
    pdf = corpus_pdfs[NARROW]
    text = "".join(pdf_pages_text(pdf))
    assert "ปัญญาประดิษฐ์" in text
    assert GLUE not in text
    assert "\u200b" not in text
    path = tmp_path / "corpus.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    assert [line for line in fonts.stdout.splitlines()[2:] if "Sarabun" not in line] == []


def test_nothing_kept_whole_runs_out_of_the_narrow_column(corpus_pdfs, tmp_path):
    images = pdf_page_images(corpus_pdfs[NARROW], tmp_path, dpi=60)
    assert len(images) >= 3
    # Left margin 3 cm + column 6.5 cm = 9.5 cm of the A4 page's 21 cm; give it 0.3 cm.
    right_of_column = 9.8 / 21
    for image in images:
        assert dark_fraction(image, (0.02, 0.12, right_of_column, 0.85)) > 0.01
        assert dark_fraction(image, (right_of_column, 0.12, 0.98, 0.85)) == 0
