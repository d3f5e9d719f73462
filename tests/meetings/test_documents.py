"""The printed minutes (form 11) and agenda of a meeting: headings in the official order read
back with pdftotext, Buddhist-Era dates and "13.30 น." times, substitutes, absences and
resolutions, the English version, the page as an image, stored versions served again
without rendering, and what the public verification page says (nothing personal)."""

from __future__ import annotations

import hashlib
import re
import subprocess
from datetime import date, time

import pytest

from registry.db import db
from registry.documents.models import DocumentVersion
from registry.documents.rendering import Stamp
from registry.documents.services import canonical_json, file_path
from registry.meetings import printing
from registry.meetings import queries as meetings_queries
from registry.meetings.models import (
    SECTION_TITLES_TH,
    ActionItem,
    AgendaItem,
    AgendaSection,
    Meeting,
    MeetingStatus,
    MinutesAmendment,
)
from tests.documents.conftest import (
    comparable,
    dark_fraction,
    pdf_page_images,
    pdf_pages_text,
    pink_pixels,
)
from tests.meetings.conftest_documents import (
    ABSENCE_REASON,
    COMMITTEE_EN,
    COMMITTEE_TH,
    GUEST,
    MINUTE_TAKER,
    REVIEWER,
    SUBSTITUTE,
    VENUE,
    build_agenda,
    build_committee,
    build_minutes,
    commit,
)

#: The day of the scheduled meeting whose agenda is printed.
AGENDA_DAY = date(2026, 5, 19)


@pytest.fixture
def committee(app, db_session, make_organisation, make_contact):
    return build_committee(app, make_organisation, make_contact)


@pytest.fixture
def minutes(app, committee):
    return build_minutes(app, committee)


@pytest.fixture
def agenda_meeting(app, minutes):
    return build_agenda(app, minutes, AGENDA_DAY)


def publish(app, meeting_id: int, kind: str, lang: str = "th") -> tuple[DocumentVersion, bytes]:
    """Publish the agenda or minutes; the version (detached) and the stored PDF."""
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        function = printing.publish_minutes if kind == "minutes" else printing.publish_agenda
        version = function(meeting, lang, None)
        pdf = file_path(version).read_bytes()
        db.session.expunge(version)
        return version, pdf


def text_of(pdf: bytes) -> str:
    return "\n".join(pdf_pages_text(pdf))


#: The vowels and marks written above or below a Thai letter, which pdftotext sometimes
#: places after the next letter ("ที่ประชุม" read as "ทป ี่ระชุม").
_MARKS = dict.fromkeys([0x0E31, *range(0x0E34, 0x0E3B), *range(0x0E47, 0x0E4F)])


def _letters(text: str) -> str:
    """The text as compared: no spaces, no marks above or below (see tests.agreements)."""
    return comparable(text).translate(_MARKS)


def assert_in_order(text: str, expected: list[str]) -> None:
    """Each expected piece appears after the one before (spacing and marks ignored)."""
    letters = _letters(text)
    position = 0
    for piece in expected:
        found = letters.find(_letters(piece), position)
        assert found >= 0, f"{piece!r} is missing or out of order"
        position = found + len(_letters(piece))


def has(text: str, piece: str) -> bool:
    """Whether the piece appears (spacing and marks ignored)."""
    return _letters(piece) in _letters(text)


def _folder(path):
    path.mkdir()
    return path


def change(app, function) -> None:
    """Change records in an app context and commit with an audit event."""
    with app.app_context():
        function()
        commit()


# --- the minutes ---------------------------------------------------------------------------


def test_the_minutes_print_the_headings_of_form_11_in_order(app, minutes):
    version, pdf = publish(app, minutes.second, "minutes")
    text = text_of(pdf)
    assert_in_order(
        text,
        [
            f"รายงานการประชุม{COMMITTEE_TH}",
            "ครั้งที่ 2/2569",
            "เมื่อวันที่ 17 มีนาคม พ.ศ. 2569",
            f"ณ {VENUE}",
            "ผู้มาประชุม",
            "1. นายประธาน ใจดี",
            "ประธานกรรมการ",
            "ผู้อำนวยการ สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน)",
            "2. นางรองประธาน มีสุข",
            "รองประธานกรรมการ",
            f"3. {SUBSTITUTE[0]} {SUBSTITUTE[1]} มาประชุมแทน นายตัวจริง กรรมการ",
            "5. นางสาวเลขา นุการ",
            "กรรมการและเลขานุการ",
            "ผู้ไม่มาประชุม",
            "1. นายขาดประชุม ติดภารกิจ",
            ABSENCE_REASON,
            "ผู้เข้าร่วมประชุม",
            f"1. {GUEST[0]}",
            f"{GUEST[1]} {GUEST[2]}",
            "เริ่มประชุมเวลา 13.30 น.",
            "ระเบียบวาระที่ 1 เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ",
            "1.1 การเปิดศูนย์ DGTi แห่งใหม่",
            "ประธานแจ้งว่าศูนย์ DGTi แห่งใหม่เปิดให้บริการแล้ว",
            "มติที่ประชุม",
            "ที่ประชุมรับทราบ",
            "ระเบียบวาระที่ 2 เรื่องรับรองรายงานการประชุม",
            "2.1 รับรองรายงานการประชุม ครั้งที่ 1/2569 เมื่อวันที่ 20 มกราคม พ.ศ. 2569",
            "ฝ่ายเลขานุการได้จัดส่งรายงานการประชุม ครั้งที่ 1/2569 เมื่อวันที่ 20 มกราคม พ.ศ. 2569",
            "มติที่ประชุม",
            "ที่ประชุมรับรองรายงานการประชุม ครั้งที่ 1/2569 โดยไม่มีการแก้ไข",
            "ระเบียบวาระที่ 3 เรื่องสืบเนื่อง",
            "3.1 ติดตามผลการดำเนินงานตามมติที่ประชุม ครั้งที่ 1/2569 วาระที่ 4.1",
            "จัดทำรายละเอียดโครงการ (ผู้รับผิดชอบ: สมาคมไอโอทีไทย",
            "มติที่ประชุม",
            "ระเบียบวาระที่ 4 เรื่องเพื่อพิจารณา",
            "4.1 ร่างแผนงานความร่วมมือ ปี 2569",
            "มติที่ประชุม",
            "ที่ประชุมเห็นชอบร่างแผนงาน โดยให้ปรับกรอบเวลาให้สอดคล้องกับงบประมาณ",
            "ผลการลงคะแนน เห็นด้วย 7 เสียง ไม่เห็นด้วย 1 เสียง งดออกเสียง 1 เสียง",
            "ปรับปรุงแผนงานตามข้อเสนอของที่ประชุม (ผู้รับผิดชอบ: ฝ่ายเลขานุการ "
            "กำหนดแล้วเสร็จภายในวันที่ 30 เมษายน 2569)",
            "4.2 ข้อเสนอการจัดงานประกวดนวัตกรรม",
            "มติที่ประชุม",
            "ที่ประชุมมีมติให้เลื่อนการพิจารณา",
            "ระเบียบวาระที่ 5 เรื่องอื่น ๆ",
            "- ไม่มี",  # pdftotext joins a line ending in "-" to the next
            "เลิกประชุมเวลา 16.05 น.",
            "(ลงชื่อ)",
            f"({MINUTE_TAKER[0]})",
            MINUTE_TAKER[1],
            "ผู้จดรายงานการประชุม",
            "(ลงชื่อ)",
            f"({REVIEWER[0]})",
            REVIEWER[1],
            "ผู้ตรวจรายงานการประชุม",
        ],
    )
    # The five section titles are the official ones, in order.
    assert_in_order(text, [SECTION_TITLES_TH[section] for section in AgendaSection])
    # เริ่ม/เลิกประชุม, never เปิด/ปิดประชุม; an action done before the meeting is not followed up.
    assert not has(text, "เปิดประชุม") and not has(text, "ปิดประชุม")
    assert not has(text, "ส่งรายชื่อผู้ประสานงาน")
    # The meeting's number on every page; a draft until certified; a stored, checked file.
    for page in pdf_pages_text(pdf):
        assert has(page, "ครั้งที่ 2/2569")
    assert version.reference == "ครั้งที่ 2/2569"
    assert version.final is False
    assert version.record_type == printing.MINUTES_RECORD_TYPE
    assert version.variant == "th"
    assert version.sha256 == hashlib.sha256(pdf).hexdigest()


def test_the_minutes_in_english(app, minutes):
    version, pdf = publish(app, minutes.second, "minutes", "en")
    text = " ".join(text_of(pdf).split())
    assert_in_order(
        text,
        [
            f"Minutes of the meeting of {COMMITTEE_EN}",
            "Meeting No. 2/2569",
            "Held on 17 March 2026",
            f"at {VENUE}",
            "Present",
            "1. นายประธาน ใจดี",
            "Chair",
            "Digital Government Development Agency",
            f"{SUBSTITUTE[0]}, {SUBSTITUTE[1]}, attending for นายตัวจริง กรรมการ",
            "Member and secretary",
            "Absent",
            ABSENCE_REASON,
            "In attendance",
            GUEST[0],
            "Meeting opened at 13:30",
            "Agenda item 1: Matters reported by the chair",
            "Resolution",
            "Agenda item 2: Certification of the minutes",
            "The secretariat circulated the minutes of meeting No. 1/2569 held on 20 January 2026",
            "Agenda item 3: Matters arising",
            "Agenda item 4: Matters for consideration",
            "Votes: 7 in favour, 1 against, 1 abstaining.",
            "responsible: ฝ่ายเลขานุการ; due 30 April 2026",
            "The meeting deferred the matter.",
            "Agenda item 5: Other matters",
            "Meeting closed at 16:05",
            "(Signed)",
            "Minutes taken by",
            "(Signed)",
            "Minutes reviewed by",
        ],
    )
    assert "Ref. No." in text
    assert version.variant == "en" and version.reference == "ครั้งที่ 2/2569"


def test_unchanged_minutes_are_served_from_storage_without_rendering(app, minutes, monkeypatch):
    calls = []
    real = printing.render_minutes

    def counting(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(printing, "render_minutes", counting)
    first, pdf = publish(app, minutes.second, "minutes")
    again, same = publish(app, minutes.second, "minutes")
    assert calls == ["th"]
    assert again.id == first.id and same == pdf
    assert len(first.sha256) == 64 and first.sha256 == hashlib.sha256(pdf).hexdigest()

    # The English version is another rendering; the Thai one stays current.
    publish(app, minutes.second, "minutes", "en")
    assert calls == ["th", "en"]

    # A changed resolution is a new version, rendered once.
    def reword():
        db.session.get(AgendaItem, minutes.item_4_1).resolution = "ที่ประชุมเห็นชอบตามที่เสนอ"

    change(app, reword)
    newer, changed = publish(app, minutes.second, "minutes")
    assert calls == ["th", "en", "th"]
    assert newer.version == 3 and newer.id != first.id
    assert has(text_of(changed), "ที่ประชุมเห็นชอบตามที่เสนอ")
    with app.app_context():
        meeting = db.session.get(Meeting, minutes.second)
        assert [v.version for v in printing.versions(meeting)] == [3, 2, 1]
    # the meeting page reads the same list, agenda and minutes together, in one statement
    publish(app, minutes.second, "agenda")
    with app.app_context():
        meeting = db.session.get(Meeting, minutes.second)
        listed = printing.versions(meeting)
        assert [v.record_type for v in listed].count(printing.AGENDA_RECORD_TYPE) == 1
        shown = meetings_queries.document_versions(meeting)
        columns = ("id", "record_type", "version", "variant", "final", "created_at")
        assert [tuple(getattr(row, c) for c in columns) for row in shown] == [
            tuple(getattr(version, c) for c in columns) for version in listed
        ]


def _certify_second(app, minutes, agenda_meeting) -> None:
    """Meeting 3 is held and certifies the minutes of meeting 2 with amendments."""

    def certify():
        third = db.session.get(Meeting, agenda_meeting)
        third.status = MeetingStatus.HELD
        second = db.session.get(Meeting, minutes.second)
        second.status = MeetingStatus.MINUTES_CERTIFIED
        second.certified_at_meeting_id = third.id
        second.certified_on = third.held_on
        second.certification_changes = "แก้ไขชื่อผู้รับผิดชอบในวาระที่ 4.1"

    change(app, certify)


def test_certified_minutes_print_without_the_draft_mark_and_corrections_in_an_annex(
    app, minutes, agenda_meeting, make_user, tmp_path
):
    draft, draft_pdf = publish(app, minutes.second, "minutes")
    assert all(
        pink_pixels(page) > 500 for page in pdf_page_images(draft_pdf, _folder(tmp_path / "d"))
    )

    _certify_second(app, minutes, agenda_meeting)
    final, final_pdf = publish(app, minutes.second, "minutes")
    assert final.final is True and final.version == draft.version + 1
    assert all(
        pink_pixels(page) == 0 for page in pdf_page_images(final_pdf, _folder(tmp_path / "f"))
    )
    text = text_of(final_pdf)
    assert has(
        text,
        "รายงานการประชุมนี้ได้รับการรับรองโดยมีการแก้ไข ในการประชุมครั้งที่ 3/2569 เมื่อวันที่ 19 พฤษภาคม พ.ศ. 2569",
    )
    assert not has(text, "ภาคผนวก")

    staff = make_user("staff", full_name="นางสาวแก้ไข ถูกต้อง")

    def correct():
        db.session.add(
            MinutesAmendment(
                meeting_id=minutes.second,
                number=1,
                text="แก้ไขคะแนนเสียงในวาระที่ 4.1 เป็นเห็นด้วย 8 เสียง",
                created_by_id=staff,
            )
        )

    change(app, correct)
    amended, amended_pdf = publish(app, minutes.second, "minutes")
    assert amended.final is True and amended.version == final.version + 1
    annex = pdf_pages_text(amended_pdf)[-1]
    assert_in_order(
        annex,
        [
            "ภาคผนวก บันทึกการแก้ไขรายงานการประชุมภายหลังการรับรอง",
            "การแก้ไขครั้งที่ 1 บันทึกเมื่อวันที่",
            "โดย นางสาวแก้ไข ถูกต้อง",
            "แก้ไขคะแนนเสียงในวาระที่ 4.1 เป็นเห็นด้วย 8 เสียง",
        ],
    )


def test_the_page_is_a4_with_the_official_margins_and_type_sizes(app, minutes, tmp_path):
    _version, pdf = publish(app, minutes.second, "minutes")
    path = tmp_path / "minutes.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert re.search(r"Page size:\s+595\.\d* x 841\.\d* pts \(A4\)", info.stdout)
    images = pdf_page_images(pdf, tmp_path)
    assert len(images) >= 2
    for image in images:
        # Nothing in the 3 cm left margin or the 2 cm right margin (21 cm wide page).
        assert dark_fraction(image, (0.0, 0.0, 2.8 / 21, 1.0)) == 0
        assert dark_fraction(image, (19.2 / 21, 0.0, 1.0, 1.0)) == 0
    # Text fills the column between them (the last page may hold only the signatures).
    for image in images[:-1]:
        assert dark_fraction(image, (3 / 21, 0.1, 19 / 21, 0.8)) > 0.01
    # The title is centred on the text column (3 cm to 19 cm: its middle is at 11 cm).
    first = images[0].convert("L")
    width, height = first.size
    top, bottom = int(2.5 / 29.7 * height), int(3.4 / 29.7 * height)
    columns = [
        x for x in range(width) if any(first.getpixel((x, y)) < 100 for y in range(top, bottom))
    ]
    assert columns, "no title at the top of the first page"
    middle = (columns[0] + columns[-1]) / 2 / width
    assert abs(middle - 11 / 21) < 0.02
    # Body 16 pt, title 20-22 pt: the heights of the words' boxes are in that proportion.
    boxes = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    heights = {
        word: float(y2) - float(y1)
        for y1, y2, word in re.findall(
            r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]+)<', boxes
        )
    }
    body = heights["ใจดี"]
    title = heights[next(word for word in heights if word.startswith("รายงานการประชุม"))]
    assert 20 / 16 - 0.05 <= title / body <= 22 / 16 + 0.05


# --- the agenda ----------------------------------------------------------------------------


def test_the_agenda_lists_the_five_sections_with_what_to_certify_and_follow_up(
    app, minutes, agenda_meeting, tmp_path
):
    def another_action():  # done before the meeting: not followed up again
        db.session.add(
            ActionItem(
                agenda_item_id=minutes.item_4_1,
                text="ส่งร่างแผนงานให้สมาชิก",
                owner="ฝ่ายเลขานุการ",
                due_on=date(2026, 4, 1),
                done_on=date(2026, 4, 2),
            )
        )

    change(app, another_action)
    version, pdf = publish(app, agenda_meeting, "agenda")
    text = text_of(pdf)
    assert_in_order(
        text,
        [
            f"ระเบียบวาระการประชุม{COMMITTEE_TH}",
            "ครั้งที่ 3/2569",
            "วันที่ 19 พฤษภาคม พ.ศ. 2569",
            "เวลา 13.30 น. ถึง 16.30 น.",
            f"ณ {VENUE} และผ่านสื่ออิเล็กทรอนิกส์",
            "เข้าร่วมประชุมผ่านสื่ออิเล็กทรอนิกส์ได้ที่",
            "https://meet.example.go.th/j/2569-3?pwd=abc",
            "ระเบียบวาระที่ 1 เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ",
            "- ไม่มี",  # pdftotext joins a line ending in "-" to the next
            "ระเบียบวาระที่ 2 เรื่องรับรองรายงานการประชุม",
            "2.1 รับรองรายงานการประชุม ครั้งที่ 2/2569 เมื่อวันที่ 17 มีนาคม พ.ศ. 2569",
            "ระเบียบวาระที่ 3 เรื่องสืบเนื่อง",
            "3.1 ติดตามผลการดำเนินงานตามมติที่ประชุม ครั้งที่ 2/2569 วาระที่ 4.1",
            "เรื่องที่ยังอยู่ระหว่างดำเนินการ ณ วันประชุม",
            "(1) ปรับปรุงแผนงานตามข้อเสนอของที่ประชุม (ผู้รับผิดชอบ: ฝ่ายเลขานุการ "
            "กำหนดแล้วเสร็จภายในวันที่ 30 เมษายน 2569)",
            "ระเบียบวาระที่ 4 เรื่องเพื่อพิจารณา",
            "4.1 ข้อเสนอโครงการ, ระยะที่ 2; งบประมาณ",
            "สมาคมเสนอโครงการระยะที่ 2",
            "ระเบียบวาระที่ 5 เรื่องอื่น ๆ",
            "- ไม่มี",  # pdftotext joins a line ending in "-" to the next
        ],
    )
    assert not has(text, "ส่งร่างแผนงานให้สมาชิก")
    # Nothing resolved yet: "มติที่ประชุม" only in the follow-up's title.
    assert _letters(text).count(_letters("มติที่ประชุม")) == 1
    # Issued as it stands: no draft mark, the meeting's number on every page.
    assert version.final is True and version.record_type == printing.AGENDA_RECORD_TYPE
    assert all(pink_pixels(page) == 0 for page in pdf_page_images(pdf, tmp_path))
    for page in pdf_pages_text(pdf):
        assert has(page, "ครั้งที่ 3/2569")

    _english, english_pdf = publish(app, agenda_meeting, "agenda", "en")
    assert_in_order(
        " ".join(text_of(english_pdf).split()),
        [
            f"Agenda of the meeting of {COMMITTEE_EN}",
            "Meeting No. 3/2569",
            "19 May 2026",
            "from 13:30 to 16:30",
            f"at {VENUE} and by electronic means",
            "Join online:",
            "Agenda item 1: Matters reported by the chair",
            "Agenda item 3: Matters arising",
            "Action items still open at the meeting:",
            "(responsible: ฝ่ายเลขานุการ; due 30 April 2026)",
            "Agenda item 5: Other matters",
        ],
    )


def test_an_electronic_meeting_without_a_room(app, minutes):
    meeting_id = build_agenda(app, minutes, AGENDA_DAY, number=4)

    def online_only():
        meeting = db.session.get(Meeting, meeting_id)
        meeting.venue = None
        meeting.ends_at = None

    change(app, online_only)
    _version, pdf = publish(app, meeting_id, "agenda")
    text = text_of(pdf)
    assert has(text, "ประชุมผ่านสื่ออิเล็กทรอนิกส์")
    assert has(text, "เวลา 13.30 น.") and not has(text, "ถึง")
    assert not has(text, f"ณ {VENUE}")


# --- refusals ------------------------------------------------------------------------------


def test_minutes_of_a_meeting_not_yet_held_and_the_agenda_of_a_cancelled_one_are_refused(
    app, minutes, agenda_meeting
):
    with app.app_context():
        scheduled = db.session.get(Meeting, agenda_meeting)
        with pytest.raises(printing.MeetingDocumentError, match="จัดพิมพ์รายงานการประชุมได้เมื่อ"):
            printing.publish_minutes(scheduled, "th", None)
        with pytest.raises(ValueError, match="Thai or English"):
            printing.publish_agenda(scheduled, "fr", None)
        scheduled.status = MeetingStatus.CANCELLED
        commit()
        with pytest.raises(printing.MeetingDocumentError, match="ถูกยกเลิก"):
            printing.publish_agenda(scheduled, "th", None)
        assert printing.versions(scheduled) == []


# --- the public verification page ----------------------------------------------------------


def _token(version: DocumentVersion) -> str:
    return version.public_token


def test_the_verification_page_says_which_meeting_and_nothing_personal(
    app, client, minutes, agenda_meeting, monkeypatch
):
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "th")
    agenda, _pdf = publish(app, agenda_meeting, "agenda")
    draft, _pdf = publish(app, minutes.second, "minutes")
    personal = [
        "นายประธาน",
        "ใจดี",
        SUBSTITUTE[0],
        "ตัวจริง",
        "ขาดประชุม",
        ABSENCE_REASON,
        GUEST[0],
        MINUTE_TAKER[0],
        REVIEWER[0],
        "@example",
    ]
    with client.get(f"/verify/{_token(draft)}") as response:
        assert response.status_code == 200
        page = response.get_data(as_text=True)
    assert 'data-testid="verify-kind">รายงานการประชุม<' in page
    assert f"{COMMITTEE_TH} ครั้งที่ 2/2569 วันที่ 17 มีนาคม 2569" in page
    assert "ร่าง ยังไม่ได้รับการรับรอง" in page
    assert 'data-testid="verify-current"' in page
    assert not [word for word in personal if word in page]

    with client.get(f"/verify/{_token(agenda)}") as response:
        page = response.get_data(as_text=True)
    assert 'data-testid="verify-kind">ระเบียบวาระการประชุม<' in page
    assert f"{COMMITTEE_TH} ครั้งที่ 3/2569 วันที่ 19 พฤษภาคม 2569" in page
    assert "อยู่ระหว่างรอการประชุมตามกำหนด" in page
    # Printing the minutes of another meeting, or the English agenda, does not supersede it.
    assert 'data-testid="verify-current"' in page
    publish(app, agenda_meeting, "agenda", "en")
    with client.get(f"/verify/{_token(agenda)}") as response:
        assert 'data-testid="verify-current"' in response.get_data(as_text=True)

    # Minutes changed since they were printed read as superseded, even before a reprint.
    def reword():
        db.session.get(AgendaItem, minutes.item_4_1).resolution = "ที่ประชุมเห็นชอบตามที่เสนอ"

    change(app, reword)
    with client.get(f"/verify/{_token(draft)}") as response:
        assert 'data-testid="verify-superseded"' in response.get_data(as_text=True)

    # Certified: the page says where.
    _certify_second(app, minutes, agenda_meeting)
    final, _pdf = publish(app, minutes.second, "minutes")
    with client.get(f"/verify/{_token(final)}") as response:
        page = response.get_data(as_text=True)
    assert "ที่ประชุมรับรองแล้วในการประชุมครั้งที่ 3/2569 วันที่ 19 พฤษภาคม 2569" in page
    assert 'data-testid="verify-current"' in page
    assert not [word for word in personal if word in page]


def test_the_verification_page_in_english(app, client, minutes, monkeypatch):
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "en")
    draft, _pdf = publish(app, minutes.second, "minutes", "en")
    with client.get(f"/verify/{_token(draft)}") as response:
        page = response.get_data(as_text=True)
    assert 'data-testid="verify-kind">Minutes of the meeting<' in page
    assert f"{COMMITTEE_EN}, meeting No. 2/2569 of 17 March 2026" in page
    assert "Draft, not yet certified" in page
    assert "English" in page


def test_thai_digits_when_the_setting_asks_for_them(app, minutes):
    with app.app_context():
        meeting = db.session.get(Meeting, minutes.second)
        content = printing.minutes_content(meeting) | {"thai_digits": True}
        pdf = printing.render_minutes(meeting, "th", Stamp(reference="ครั้งที่ 2/2569"), content)
    text = text_of(pdf)
    assert has(text, "ครั้งที่ ๒/๒๕๖๙")
    assert has(text, "เมื่อวันที่ ๑๗ มีนาคม พ.ศ. ๒๕๖๙")
    assert has(text, "เริ่มประชุมเวลา ๑๓.๓๐ น.") and has(text, "เลิกประชุมเวลา ๑๖.๐๕ น.")
    assert has(text, "๔.๑ ร่างแผนงานความร่วมมือ")


def test_an_archival_copy_of_the_minutes_is_pdfa(app, minutes, tmp_path):
    with app.app_context():
        meeting = db.session.get(Meeting, minutes.second)
        version = printing.publish_minutes(meeting, "th", None, archival=True)
        assert version.variant == "pdfa-th"
        (tmp_path / "minutes.pdf").write_bytes(file_path(version).read_bytes())
    xmp = subprocess.run(
        ["pdfinfo", "-meta", str(tmp_path / "minutes.pdf")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert 'pdfaid:part="2"' in xmp


def test_minutes_content_is_plain_data_with_every_printed_value(app, minutes):
    with app.app_context():
        meeting = db.session.get(Meeting, minutes.second)
        content = printing.minutes_content(meeting)
        agenda = printing.agenda_content(meeting)
    assert content["opened_at"] == time(13, 30) and content["closed_at"] == time(16, 5)
    assert [p["name"] for p in content["present"]][:2] == ["นายประธาน ใจดี", "นางรองประธาน มีสุข"]
    assert content["absent"][0]["reason"] == ABSENCE_REASON
    assert content["guests"][0]["name"] == GUEST[0]
    assert [len(section["items"]) for section in content["sections"]] == [1, 1, 1, 2, 0]
    assert "resolution" not in agenda["sections"][3]["items"][0]
    # Plain data the documents package hashes as it is (times and dates as ISO text).
    assert '"opened_at":"13:30:00"' in canonical_json(content)
