"""Outgoing mail through a real SMTP server (aiosmtpd on loopback), and the folder backend."""

from __future__ import annotations

import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller

from registry import mail


class _Inbox:
    def __init__(self):
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        message = email.message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(app, monkeypatch):
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", controller.port)
    yield inbox
    controller.stop()


def test_thai_mail_with_an_attachment_reaches_the_smtp_server(app, smtp_server):
    with app.app_context():
        mail.send(
            ["rep@example.go.th"],
            "เชิญประชุมคณะกรรมการร่วม ครั้งที่ 1/2569",
            "ขอเชิญประชุมในวันที่ 17 สิงหาคม 2569",
            attachments=[mail.Attachment("invite.ics", b"BEGIN:VCALENDAR", "text/calendar")],
        )
    ((recipients, message),) = smtp_server.messages
    assert recipients == ["rep@example.go.th"]
    assert message["Subject"] == "เชิญประชุมคณะกรรมการร่วม ครั้งที่ 1/2569"
    assert "17 สิงหาคม 2569" in message.get_body(("plain",)).get_content()
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_content() == "BEGIN:VCALENDAR"


def test_password_reset_notice_goes_out_by_smtp(app, client, sign_in, make_user, smtp_server):
    target = make_user("staff")
    sign_in("admin")
    client.post(f"/admin/users/{target}/reset-password", data={"new_password": "temporary-2568-y"})
    ((recipients, message),) = smtp_server.messages
    assert recipients[0].startswith("staff")
    assert "temporary-2568-y" not in message.get_body().get_content()


def test_without_a_server_messages_are_written_to_the_mail_folder(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_FOLDER", str(tmp_path))
    with app.app_context():
        mail.send(["a@example.go.th"], "ทดสอบ", "เนื้อหา")
    (written,) = tmp_path.glob("*.eml")
    message = email.message_from_bytes(written.read_bytes(), policy=policy.default)
    assert message["Subject"] == "ทดสอบ"


# --- values that reach the headers ------------------------------------------------------------


def _headers_are_well_formed(message) -> None:
    """Every header parses without defects and holds no line break once unfolded."""
    assert not message.defects
    for name, value in message.items():
        assert not getattr(value, "defects", ()), (name, value.defects)
        assert "\r" not in str(value) and "\n" not in str(value), (name, value)


def test_a_line_break_in_a_subject_is_sent_as_one_line_and_adds_no_header(app, smtp_server):
    with app.app_context():
        mail.send(["rep@example.go.th"], "Invitation\r\nBcc: evil@example.com\x00\u2028 ok", "x")
    ((recipients, message),) = smtp_server.messages
    assert recipients == ["rep@example.go.th"]
    assert message["Subject"] == "Invitation Bcc: evil@example.com ok"
    assert message["Bcc"] is None
    _headers_are_well_formed(message)


@pytest.mark.parametrize(
    "address", ["rep@example.go.th\r\nBcc: evil@example.com", "rep @example.go.th", "no-at-sign"]
)
def test_an_address_that_is_not_one_clean_address_is_refused_before_sending(
    app, smtp_server, address
):
    with app.app_context(), pytest.raises(mail.AddressError):
        mail.send([address], "ทดสอบ", "เนื้อหา")
    assert smtp_server.messages == []


def test_a_sender_name_with_a_line_break_stays_in_the_from_header(app, smtp_server, monkeypatch):
    monkeypatch.setitem(
        app.config, "MAIL_SENDER", "ศูนย์ DGTi\nBcc: evil@example.com <no-reply@dgti.example>"
    )
    with app.app_context():
        mail.send(["rep@example.go.th"], "ทดสอบ", "เนื้อหา")
    ((recipients, message),) = smtp_server.messages
    assert recipients == ["rep@example.go.th"]
    assert message["From"].addresses[0].addr_spec == "no-reply@dgti.example"
    assert message["From"].addresses[0].display_name == "ศูนย์ DGTi Bcc: evil@example.com"
    assert message["Bcc"] is None
    _headers_are_well_formed(message)


def test_inviting_for_an_organisation_whose_english_name_has_a_line_break_sends_a_sound_mail(
    app, client, sign_in, make_organisation, make_contact, smtp_server
):
    """The name came in some other way than the form (which refuses it): the invitation is
    still sent, to the invitee alone, with a one-line subject."""
    from registry.organisations.models import OrganisationStatus

    association = make_organisation(
        "สมาคมขึ้นบรรทัด",
        name_en="Thai AI\r\nBcc: evil@example.com",
        status=OrganisationStatus.ACTIVE,
    )
    person = make_contact(association, email="panya@aiat.example")
    sign_in("staff")
    with client.post(f"/organisations/contacts/{person}/invite") as response:
        assert response.status_code == 302
    ((recipients, message),) = smtp_server.messages
    assert recipients == ["panya@aiat.example"]
    assert message["Bcc"] is None
    assert "Thai AI Bcc: evil@example.com" in message["Subject"]
    _headers_are_well_formed(message)
