"""Representative invitations: staff invite a contact by email, the link works once and
expires, and the person chooses a password and lands on My association.

Mail is written to a folder of .eml files (no MAIL_SERVER in tests); each test reads its own.
"""

from __future__ import annotations

import email
import hashlib
import re
import threading
from datetime import timedelta
from email import policy

import pytest
import sqlalchemy as sa

from registry.audit.models import AuditEvent
from registry.auth import invitations
from registry.auth import services as accounts
from registry.auth.models import Role, User
from registry.db import db, utcnow
from registry.organisations.models import (
    Contact,
    Invitation,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    PdpaBasis,
)
from tests.conftest import PASSWORD

NEW_PASSWORD = "ดอกไม้บาน-2568"
LINK = re.compile(r"http://localhost/invitations/([A-Za-z0-9_-]+)")


@pytest.fixture
def outbox(app, tmp_path, monkeypatch):
    """The messages sent during the test, oldest first."""
    folder = tmp_path / "outbox"
    monkeypatch.setitem(app.config, "MAIL_FOLDER", str(folder))

    def messages() -> list[email.message.EmailMessage]:
        files = sorted(folder.glob("*.eml"), key=lambda path: path.stat().st_mtime_ns)
        return [
            email.message_from_bytes(path.read_bytes(), policy=policy.default) for path in files
        ]

    return messages


@pytest.fixture
def staff(sign_in):
    """The client signed in as staff; returns the staff member's id."""
    return sign_in("staff")


@pytest.fixture
def association(make_organisation):
    return make_organisation(
        "สมาคมปัญญาประดิษฐ์ทดสอบ", name_en="Test AI Association", status=OrganisationStatus.ACTIVE
    )


@pytest.fixture
def person(make_contact, association):
    return make_contact(
        association, title="ดร.", first_name="ปัญญา", last_name="ประดิษฐ์", email="panya@aiat.example"
    )


def invite(client, contact_id: int):
    return client.post(f"/organisations/contacts/{contact_id}/invite")


def token_of(message) -> str:
    """The secret in the link of an invitation mail."""
    return LINK.search(message.get_body(("plain",)).get_content()).group(1)


def invitation_rows(app, contact_id: int) -> list[Invitation]:
    with app.app_context():
        rows = list(
            db.session.scalars(
                sa.select(Invitation).where(Invitation.contact_id == contact_id).order_by("id")
            )
        )
        for row in rows:
            db.session.expunge(row)
        return rows


def events(app, record_type: str, record_id: int) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(AuditEvent.action)
                .where(AuditEvent.record_type == record_type, AuditEvent.record_id == record_id)
                .order_by(AuditEvent.id)
            )
        )


def user_by_email(app, address: str) -> User | None:
    with app.app_context():
        user = accounts.find_user_by_email(address)
        if user is not None:
            db.session.expunge(user)
        return user


def change_invitation(app, invitation_id: int, **values) -> None:
    """Move an invitation's state directly in the database (time passing, for instance)."""
    with app.app_context():
        db.session.execute(
            sa.update(Invitation).where(Invitation.id == invitation_id).values(**values)
        )
        db.session.commit()


def sent_invitation(client, outbox, contact_id: int) -> str:
    """Invite the contact (the client is staff) and return the link's secret."""
    assert invite(client, contact_id).status_code == 302
    return token_of(outbox()[-1])


def accept(client, token: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    return client.post(
        f"/invitations/{token}",
        data={"password": password, "confirm": password if confirm is None else confirm},
    )


# --- inviting ----------------------------------------------------------------------------


def test_staff_invite_a_contact_who_gets_a_bilingual_mail_with_a_single_use_link(
    app, client, staff, person, association, outbox
):
    response = invite(client, person)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/organisations/{association}/representatives"

    (message,) = outbox()
    assert message["To"] == "panya@aiat.example"
    assert "สมาคมปัญญาประดิษฐ์ทดสอบ" in message["Subject"]
    assert "Test AI Association" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    thai, english = text.split("-" * 60)
    assert "เรียน ดร.ปัญญา ประดิษฐ์" in thai
    assert "Dear ดร.ปัญญา ประดิษฐ์," in english
    token = token_of(message)
    assert f"http://localhost/invitations/{token}" in thai
    assert f"http://localhost/invitations/{token}" in english

    (invitation,) = invitation_rows(app, person)
    assert invitation.email == "panya@aiat.example"
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in (invitation.token_hash, invitation.email)
    assert invitation.invited_by_id == staff
    assert invitation.accepted_at is None and invitation.revoked_at is None
    expected = utcnow() + timedelta(days=7)
    assert abs(invitation.expires_at - expected) < timedelta(minutes=1)

    # The expiry: Buddhist Era and Thai month in Thai, Common Era in English.
    from registry.i18n import ENGLISH_MONTHS, THAI_MONTHS, to_local

    local = to_local(invitation.expires_at)
    assert f"หมดอายุในวันที่ {local.day} {THAI_MONTHS[local.month - 1]} พ.ศ. {local.year + 543}" in thai
    assert f"{local:%H}.{local:%M} น." in thai
    assert f"{local.day} {ENGLISH_MONTHS[local.month - 1]} {local.year}" in english
    # Each part speaks its own language only.
    assert not re.search(r"\b(?:Dear|link|invite)\b", thai)
    assert not re.search(r"[\u0e00-\u0e7f]{4,}", english.replace("ดร.ปัญญา ประดิษฐ์", ""))

    html = message.get_body(("html",)).get_content()
    assert f'href="http://localhost/invitations/{token}"' in html
    assert '<div lang="th">' in html and '<div lang="en">' in html

    assert events(app, "invitations", invitation.id) == ["invited"]


def test_the_link_lifetime_follows_the_configuration(
    app, client, staff, person, outbox, monkeypatch
):
    monkeypatch.setitem(app.config, "INVITATION_DAYS", 2)
    invite(client, person)
    (invitation,) = invitation_rows(app, person)
    assert abs(invitation.expires_at - (utcnow() + timedelta(days=2))) < timedelta(minutes=1)


def test_the_link_uses_the_public_address_when_one_is_configured(
    app, client, staff, person, outbox, monkeypatch
):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://registry.example.go.th")
    invite(client, person)
    (message,) = outbox()
    text = message.get_body(("plain",)).get_content()
    assert re.search(r"https://registry\.example\.go\.th/invitations/[\w-]{43}\n", text)
    assert "localhost" not in text


def test_a_new_invitation_replaces_the_open_one(app, client, staff, person, outbox):
    first = sent_invitation(client, outbox, person)
    second = sent_invitation(client, outbox, person)
    assert first != second
    old, new = invitation_rows(app, person)
    assert old.revoked_at is not None and new.revoked_at is None
    assert events(app, "invitations", old.id) == ["invited", "revoked invitation"]

    with client.get(f"/invitations/{first}") as response:
        assert response.status_code == 410
        assert "ถูกยกเลิก" in response.get_data(as_text=True)
    with client.get(f"/invitations/{second}") as response:
        assert response.status_code == 200


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": None}, "ไม่มีอีเมล"),
        ({"active": False}, "ผู้ติดต่อเดิม"),
        ({"erased_at": utcnow(), "first_name": "—", "email": None}, "ถูกลบ"),
    ],
    ids=["no email", "former contact", "erased"],
)
def test_some_contacts_cannot_be_invited(
    app, client, staff, make_contact, association, outbox, fields, message
):
    contact_id = make_contact(association, **fields)
    response = invite(client, contact_id)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "alert-danger" in page and message in page
    assert invitation_rows(app, contact_id) == []
    assert outbox() == []


def test_a_contact_of_an_inactive_organisation_cannot_be_invited(
    app, client, staff, make_organisation, make_contact, outbox
):
    organisation = make_organisation(status=OrganisationStatus.INACTIVE)
    contact_id = make_contact(organisation)
    response = invite(client, contact_id)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "ไม่ได้ใช้งาน" in page and "alert-danger" in page
    assert invitation_rows(app, contact_id) == []
    assert outbox() == []


@pytest.mark.parametrize("owner", ["staff", "admin", "other organisation"])
def test_an_address_that_already_has_another_kind_of_account_is_refused(
    app, client, staff, make_user, make_contact, association, outbox, owner
):
    if owner == "other organisation":
        make_user(Role.REPRESENTATIVE, email="taken@example.or.th")
    else:
        make_user(Role(owner), email="taken@example.or.th")
    contact_id = make_contact(association, email="taken@example.or.th")
    response = invite(client, contact_id)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "alert-danger" in page and "มีบัญชีผู้ใช้" in page
    assert invitation_rows(app, contact_id) == []
    assert outbox() == []


def test_nothing_is_kept_when_the_mail_cannot_be_sent(
    app, client, staff, person, monkeypatch, outbox
):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", 9)  # discard: nothing listens
    response = invite(client, person)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "alert-danger" in page and "ส่งอีเมล" in page
    assert invitation_rows(app, person) == []


def test_inviting_an_unknown_contact_is_a_404(client, staff):
    assert invite(client, 987654).status_code == 404


def test_the_representatives_page_lists_accounts_invitations_and_whom_to_invite(
    app, client, staff, make_user, make_contact, association, person, outbox
):
    make_user(
        Role.REPRESENTATIVE,
        organisation_id=association,
        full_name="นายตัวแทน เดิม",
        email="panya@aiat.example",
    )
    no_email = make_contact(association, first_name="ไร้อีเมล", email=None)
    invite(client, person)
    with client.get(f"/organisations/{association}/representatives") as response:
        page = response.get_data(as_text=True)
    assert response.status_code == 200
    accounts_table = page.split('data-testid="representative-accounts"')[1].split("</table>")[0]
    assert "นายตัวแทน เดิม" in accounts_table
    pending = page.split('data-testid="pending-invitations"')[1].split("</table>")[0]
    assert "panya@aiat.example" in pending
    (invitation,) = invitation_rows(app, person)
    assert f"/organisations/invitations/{invitation.id}/revoke" in pending
    contacts = page.split('data-testid="invitable-contacts"')[1].split("</table>")[0]
    assert f"/organisations/contacts/{person}/invite" in contacts  # a new invitation
    assert "เป็นผู้แทนอยู่แล้ว" in contacts  # the person has an account already
    assert f"/organisations/contacts/{no_email}/invite" not in contacts
    assert "ไร้อีเมล" in contacts


def test_the_organisation_page_links_to_its_representatives(app, client, staff, association):
    with client.get(f"/organisations/{association}") as response:
        assert f'href="/organisations/{association}/representatives"' in response.get_data(
            as_text=True
        )


def test_staff_withdraw_an_invitation_and_its_link_stops_working(
    app, client, staff, person, association, outbox
):
    token = sent_invitation(client, outbox, person)
    (invitation,) = invitation_rows(app, person)
    response = client.post(f"/organisations/invitations/{invitation.id}/revoke")
    assert response.headers["Location"] == f"/organisations/{association}/representatives"
    (invitation,) = invitation_rows(app, person)
    assert invitation.revoked_at is not None
    assert events(app, "invitations", invitation.id) == ["invited", "revoked invitation"]
    with client.get(f"/invitations/{token}") as page:
        assert page.status_code == 410

    # Withdrawing it again is refused with a message, and changes nothing.
    response = client.post(f"/organisations/invitations/{invitation.id}/revoke")
    assert "alert-danger" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert events(app, "invitations", invitation.id) == ["invited", "revoked invitation"]


def test_an_accepted_invitation_cannot_be_withdrawn(app, client, staff, person, outbox):
    token = sent_invitation(client, outbox, person)
    staff_client = client
    accept(client.application.test_client(), token)
    (invitation,) = invitation_rows(app, person)
    response = staff_client.post(f"/organisations/invitations/{invitation.id}/revoke")
    assert "alert-danger" in staff_client.get(response.headers["Location"]).get_data(as_text=True)
    (invitation,) = invitation_rows(app, person)
    assert invitation.revoked_at is None and invitation.accepted_at is not None


# --- accepting ---------------------------------------------------------------------------


@pytest.fixture
def token(app, client, staff, person, outbox):
    """The secret of a fresh invitation to ``person``; the client is signed out again."""
    secret = sent_invitation(client, outbox, person)
    client.post("/sign-out")
    return secret


def test_the_link_shows_whom_it_invites_and_asks_for_a_password(client, token):
    with client.get(f"/invitations/{token}") as response:
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
    details = page.split('data-testid="invitation-details"')[1].split("</dl>")[0]
    assert "สมาคมปัญญาประดิษฐ์ทดสอบ" in details
    assert "ดร.ปัญญา ประดิษฐ์" in details
    assert "panya@aiat.example" in details
    assert 'name="password"' in page and 'name="confirm"' in page
    assert 'name="email"' not in page  # the address is not for the visitor to choose


def test_accepting_opens_a_representative_account_and_lands_on_my_association(
    app, client, token, person, association
):
    response = accept(client, token)
    assert response.status_code == 302
    assert response.headers["Location"] == "/organisations/mine"

    user = user_by_email(app, "panya@aiat.example")
    assert user.role is Role.REPRESENTATIVE
    assert user.organisation_id == association
    assert user.full_name == "ดร.ปัญญา ประดิษฐ์"
    assert user.active and not user.must_change_password
    with app.app_context():
        assert accounts.verify_password(db.session.get(User, user.id), NEW_PASSWORD)

    (invitation,) = invitation_rows(app, person)
    assert invitation.accepted_at is not None
    assert invitation.user_id == user.id
    assert events(app, "users", user.id) == ["created"]
    assert events(app, "invitations", invitation.id) == ["invited", "accepted invitation"]

    # Signed in as the new representative.
    with client.get("/organisations/mine") as page:
        assert page.status_code == 200
        assert "สมาคมปัญญาประดิษฐ์ทดสอบ" in page.get_data(as_text=True)


def test_the_link_works_once(app, client, token):
    assert accept(client, token).status_code == 302
    other = client.application.test_client()
    with other.get(f"/invitations/{token}") as response:
        assert response.status_code == 410
        page = response.get_data(as_text=True)
        assert 'name="password"' not in page
        assert "ถูกใช้ไปแล้ว" in page
    with accept(other, token, "another-password-2568") as response:
        assert response.status_code == 410
    with app.app_context():
        count = db.session.scalar(
            sa.select(sa.func.count(User.id)).where(User.email == "panya@aiat.example")
        )
    assert count == 1
    with app.app_context():  # the first password holds, the second was never set
        user = accounts.find_user_by_email("panya@aiat.example")
        assert accounts.verify_password(user, NEW_PASSWORD)
        assert not accounts.verify_password(user, "another-password-2568")


@pytest.mark.parametrize(
    ("password", "confirm", "field", "message"),
    [
        ("short", None, "password", "อย่างน้อย"),
        ("1234567890123", None, "password", "เดาได้ง่าย"),
        ("aaaaaaaaaaaa", None, "password", "เดาได้ง่าย"),
        ("", None, "password", "กรุณากรอก"),
        (NEW_PASSWORD, "something-else-2568", "confirm", "ไม่ตรงกัน"),
    ],
    ids=["too short", "digits only", "one character", "empty", "confirmation differs"],
)
def test_a_bad_password_is_refused_at_its_field_and_nothing_is_saved(
    app, client, token, person, password, confirm, field, message
):
    with accept(client, token, password, confirm) as response:
        assert response.status_code == 422
        page = response.get_data(as_text=True)
    error = re.search(rf'id="{field}-error">([^<]*)<', page)
    assert error and message in error.group(1), page[-3000:]
    assert user_by_email(app, "panya@aiat.example") is None
    (invitation,) = invitation_rows(app, person)
    assert invitation.accepted_at is None
    with client.get(f"/invitations/{token}") as again:
        assert again.status_code == 200


@pytest.mark.parametrize(
    "token_text", ["not-a-real-token", "x" * 43, "ก" * 10], ids=["short", "43", "thai"]
)
def test_an_unknown_link_is_a_404_with_a_clear_page(client, token_text):
    with client.get(f"/invitations/{token_text}") as response:
        assert response.status_code == 404
        page = response.get_data(as_text=True)
    assert 'data-testid="invitation-refused"' in page
    assert "ไม่ถูกต้อง" in page
    with accept(client, token_text) as response:
        assert response.status_code == 404


def test_an_overlong_link_is_a_404(client):
    with client.get("/invitations/" + "x" * 500) as response:
        assert response.status_code == 404


def test_an_expired_link_is_refused(app, client, token, person):
    (invitation,) = invitation_rows(app, person)
    change_invitation(app, invitation.id, expires_at=utcnow() - timedelta(seconds=1))
    with client.get(f"/invitations/{token}") as response:
        assert response.status_code == 410
        assert "หมดอายุ" in response.get_data(as_text=True)
    with accept(client, token) as response:
        assert response.status_code == 410
    assert user_by_email(app, "panya@aiat.example") is None


def test_the_link_of_a_person_erased_since_no_longer_works(app, client, token, person):
    with app.app_context():
        contact = db.session.get(Contact, person)
        from registry.organisations import services

        services.erase_contact(contact, None)
    with client.get(f"/invitations/{token}") as response:
        assert response.status_code == 410
    assert user_by_email(app, "panya@aiat.example") is None


def test_the_link_stops_working_when_the_organisation_is_deactivated(
    app, client, token, association
):
    with app.app_context():
        from registry.organisations import services

        services.deactivate_organisation(db.session.get(Organisation, association), None)
    with accept(client, token) as response:
        assert response.status_code == 410
    assert user_by_email(app, "panya@aiat.example") is None


def test_an_existing_representative_of_the_organisation_gets_the_password_and_is_reactivated(
    app, client, staff, make_user, person, association, outbox
):
    user_id = make_user(
        Role.REPRESENTATIVE, email="panya@aiat.example", organisation_id=association
    )
    with app.app_context():
        accounts.deactivate_user(db.session.get(User, user_id), None)
        version = db.session.get(User, user_id).session_version
    token = sent_invitation(client, outbox, person)
    client.post("/sign-out")
    assert accept(client, token).headers["Location"] == "/organisations/mine"
    user = user_by_email(app, "panya@aiat.example")
    assert user.id == user_id
    assert user.active
    assert user.session_version > version  # sessions opened with the old password end
    with app.app_context():
        assert accounts.verify_password(db.session.get(User, user_id), NEW_PASSWORD)
        assert not accounts.verify_password(db.session.get(User, user_id), PASSWORD)
    assert events(app, "users", user_id)[-1] == "accepted invitation"


@pytest.mark.parametrize("owner", ["staff", "admin", "other organisation"])
def test_an_account_that_must_not_be_taken_over_is_refused_and_left_alone(
    app, client, token, make_user, owner
):
    # The account appears after the invitation was sent.
    if owner == "other organisation":
        user_id = make_user(Role.REPRESENTATIVE, email="panya@aiat.example")
    else:
        user_id = make_user(Role(owner), email="panya@aiat.example")
    before = user_by_email(app, "panya@aiat.example")
    with client.get(f"/invitations/{token}") as response:
        assert response.status_code == 409
        page = response.get_data(as_text=True)
    assert 'name="password"' not in page
    assert "ติดต่อเจ้าหน้าที่" in page
    with accept(client, token) as response:
        assert response.status_code == 409
    after = user_by_email(app, "panya@aiat.example")
    assert (after.role, after.organisation_id, after.password_hash) == (
        before.role,
        before.organisation_id,
        before.password_hash,
    )
    with app.app_context():
        assert accounts.verify_password(db.session.get(User, user_id), PASSWORD)
    with client.get("/organisations/mine") as response:
        assert response.status_code == 302  # not signed in as anyone


def test_of_two_tries_with_the_same_link_only_one_wins(app, client, token, person):
    """The second try read the invitation before the first was saved: the database's
    conditional update, not the check in Python, turns it away."""
    with app.app_context():
        stale = invitations.find_by_token(token)  # still open, as this try saw it
        assert accept(client.application.test_client(), token).status_code == 302
        with pytest.raises(invitations.InvitationError) as refused:
            invitations.accept_invitation(stale, "another-password-2568")
        assert refused.value.status == 410
    with app.app_context():
        users = db.session.scalars(sa.select(User).where(User.email == "panya@aiat.example")).all()
        assert len(users) == 1
        assert accounts.verify_password(users[0], NEW_PASSWORD)
    (invitation,) = invitation_rows(app, person)
    assert invitation.user_id == users[0].id


def test_accepting_renews_the_session_and_keeps_the_language(app, client, staff, person, outbox):
    token = sent_invitation(client, outbox, person)
    client.post("/language", data={"locale": "en"})
    with client.get(f"/invitations/{token}") as response:
        assert "You are signed in as" in response.get_data(as_text=True)
    with client.session_transaction() as session:
        before = dict(session)
    accept(client, token)
    with client.session_transaction() as session:
        after = dict(session)
    assert after["_user_id"] != before["_user_id"]
    assert after["locale"] == "en"  # the language chosen is kept
    with client.get("/organisations/") as response:
        assert response.status_code == 403  # no longer the staff member
    with client.get("/organisations/mine") as response:
        assert response.status_code == 200


def test_the_organisation_timeline_shows_the_invitation(app, client, staff, person, association):
    invite(client, person)
    with client.get(f"/organisations/{association}") as response:
        assert "เชิญเป็นผู้แทน" in response.get_data(as_text=True)


# --- a real race, two threads, each with its own connection -----------------------------


def test_two_simultaneous_accepts_open_one_account(make_app):
    app = make_app()
    with app.app_context():
        organisation = Organisation(name_th="สมาคมแข่งเวลา", kind=OrganisationKind.ASSOCIATION)
        contact = Contact(
            organisation=organisation,
            first_name="ทดสอบ",
            email="race@example.or.th",
            pdpa_basis=PdpaBasis.LEGITIMATE_INTEREST,
        )
        token = "race-token-" + "x" * 32
        invitation = Invitation(
            contact=contact,
            email=contact.email,
            token_hash=invitations.token_hash(token),
            expires_at=utcnow() + timedelta(days=1),
        )
        db.session.add_all([organisation, contact, invitation])
        from registry import audit

        audit.record_event(None, "invited", invitation)
        db.session.commit()

    ready = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(password: str) -> None:
        with app.app_context():
            try:
                found = invitations.find_by_token(token)
                ready.wait(timeout=10)
                invitations.accept_invitation(found, password)
                outcomes.append("accepted")
            except invitations.InvitationError as error:
                outcomes.append(f"refused {error.status}")
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=attempt, args=(password,))
        for password in ("first-password-2568", "second-password-2568")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["accepted", "refused 410"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1


def test_the_plain_text_mail_uses_only_messages_the_catalogue_extracts():
    """The catalogue is extracted from the .html templates: every message of the plain
    text invitation must also be in its HTML twin, or it would never be translated."""
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "templates" / "mail"
    message = re.compile(r'_\("((?:[^"\\]|\\.)*)"')
    text = set(message.findall((folder / "invitation.txt").read_text(encoding="utf-8")))
    html = set(message.findall((folder / "invitation.html").read_text(encoding="utf-8")))
    assert len(text) >= 5
    assert text <= html, text - html
