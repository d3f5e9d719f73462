"""The meeting invitation letter: issued from the meeting page with the next number of the
register, printed in the official layout (read back with pdftotext), mailed to every sitting
member with the agenda and the calendar file; refused, taking no number, for a cancelled
meeting; a preview takes no number."""

from __future__ import annotations

import sqlalchemy as sa

from registry import submissions
from registry.db import db
from registry.i18n import be_year
from registry.letters import services
from registry.letters.models import Letter, LetterKind
from registry.meetings.models import Meeting, MeetingStatus
from tests.conftest import audit_actions, form_token
from tests.letters.conftest import pdf_text, plain
from tests.meetings.conftest_documents import COMMITTEE_TH, VENUE


def letters(app) -> list[Letter]:
    with app.app_context():
        found = db.session.scalars(sa.select(Letter).order_by(Letter.id)).all()
        db.session.expunge_all()
        return list(found)


def issue(client, meeting_id: int):
    page = f"/meetings/{meeting_id}"
    return client.post(
        f"/letters/meeting/{meeting_id}/issue", data={"submission": form_token(client, page)}
    )


def test_issuing_the_invitation_letter_numbers_it_and_mails_it_with_the_agenda(
    app, client, sign_in, meeting_id, mailbox
):
    sign_in("staff")
    response = issue(client, meeting_id)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]

    [letter] = letters(app)
    year = be_year(services.today().year)
    assert (letter.kind, letter.prefix, letter.year, letter.sequence) == (
        LetterKind.MEETING_INVITATION,
        "ดศ 0101/",
        year,
        1,
    )
    assert letter.number == "ดศ 0101/1"
    assert letter.emails == 5  # six seats, one without an email address

    messages = mailbox()
    assert len(messages) == 5
    names = [part.get_filename() for part in messages[0].iter_attachments()]
    assert names[0].endswith(".pdf") and "0101" in names[0]
    assert any(name.endswith(".ics") for name in names)
    assert len([name for name in names if name.endswith(".pdf")]) == 2  # the letter, the agenda
    attached = next(messages[0].iter_attachments()).get_content()

    with app.app_context():
        stored = db.session.get(Letter, letter.id).document
        assert stored is not None and stored.final and stored.reference == "ดศ 0101/1"
        from registry.documents.services import file_path

        pdf = file_path(stored).read_bytes()
    assert attached == pdf  # the letter mailed is the one in the register

    text = plain(pdf_text(pdf))
    assert plain("ที่ ดศ 0101/1") in text
    assert plain(f"พ.ศ. {year}") not in text.split("เรื่อง")[0]  # the letter's date: d month yyyy
    assert str(year) in text.split("เรื่อง")[0]
    assert plain(f"เรื่อง ขอเชิญประชุม{COMMITTEE_TH} ครั้งที่ 3/") in text
    assert plain("เรียน ผู้มีรายชื่อตามบัญชีแนบท้าย") in text
    assert plain("สิ่งที่ส่งมาด้วย ระเบียบวาระการประชุม") in text
    assert plain(VENUE) in text
    assert plain("ขอแสดงความนับถือ") in text
    assert plain("ศูนย์นวัตกรรมและเทคโนโลยีรัฐบาลดิจิทัล (DGTi)") in text
    assert plain("โทร. 0 2612 6000") in text
    assert plain("บัญชีรายชื่อผู้รับหนังสือ") in text
    assert plain("นายประธานใจดี") in text  # the distribution list

    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert "ที่ ดศ 0101/1" in page  # listed on the meeting page, with its PDF
    assert f"/letters/{letter.id}/pdf" in page

    with app.app_context():
        token = db.session.get(Letter, letter.id).document.public_token
    verified = client.get(f"/verify/{token}").get_data(as_text=True)
    assert "หนังสือราชการ" in verified and "ดศ 0101/1" in verified

    assert audit_actions(app, "letters", letter.id) == [
        "issued letter",
        "generated document",
        "filed letter",
        "mailed letter",
    ]


def test_the_next_letter_takes_the_next_number_and_a_new_prefix_starts_again(
    app, client, sign_in, meeting_id, make_user
):
    sign_in("staff")
    assert issue(client, meeting_id).status_code == 302
    assert issue(client, meeting_id).status_code == 302
    with app.app_context():
        from registry.auth.models import User
        from registry.letters import config

        admin = db.session.get(User, make_user("admin"))
        config.save_particulars(
            config.Particulars(prefix="ดศ 0202/"),
            admin,
            config.particulars_row().lock_version if config.particulars_row() else 0,
        )
    assert issue(client, meeting_id).status_code == 302
    assert [letter.number for letter in letters(app)] == ["ดศ 0101/1", "ดศ 0101/2", "ดศ 0202/1"]


def test_a_cancelled_meeting_gets_no_letter_and_takes_no_number(
    app, client, sign_in, meeting_id, mailbox
):
    with app.app_context():
        db.session.get(Meeting, meeting_id).status = MeetingStatus.CANCELLED
        from registry import audit

        audit.record_event(None, "cancelled (test)", record_type="meetings")
        db.session.commit()
    sign_in("staff")
    response = client.post(
        f"/letters/meeting/{meeting_id}/issue", data={"submission": submissions.new_token()}
    )
    assert response.status_code == 409
    assert "ยกเลิก" in response.get_data(as_text=True)
    assert letters(app) == []
    assert mailbox() == []
    with app.app_context():
        assert services.next_sequence("ดศ 0101/", be_year(services.today().year)) == 1


def test_the_preview_prints_the_letter_without_a_number_and_takes_none(
    app, client, sign_in, meeting_id
):
    sign_in("staff")
    response = client.get(f"/letters/meeting/{meeting_id}/preview.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = plain(pdf_text(response.data))
    assert plain("ที่ ดศ 0101/..........") in text
    assert plain("ขอเชิญประชุม") in text
    assert letters(app) == []


def test_pressing_the_button_twice_issues_one_letter(app, client, sign_in, meeting_id, mailbox):
    sign_in("staff")
    token = form_token(client, f"/meetings/{meeting_id}")
    first = client.post(f"/letters/meeting/{meeting_id}/issue", data={"submission": token})
    second = client.post(f"/letters/meeting/{meeting_id}/issue", data={"submission": token})
    assert first.status_code == second.status_code == 302
    assert len(letters(app)) == 1
    assert len(mailbox()) == 5


def test_a_representative_cannot_issue_or_preview_meeting_letters(client, sign_in, meeting_id):
    sign_in("representative")
    assert client.get(f"/letters/meeting/{meeting_id}/preview.pdf").status_code in (403, 404)
    assert client.post(f"/letters/meeting/{meeting_id}/issue").status_code in (400, 403, 404)
