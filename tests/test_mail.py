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
