"""Letters signed with the agency's certificate (PAdES, through the documents' signing): a
letter issued by someone who may sign, with the certificate configured, is signed in its
signatory's space before it is mailed; poppler's pdfsig reads the signature as valid over
the whole document. Without the certificate the letter goes unsigned and can be signed from
the register later."""

from __future__ import annotations

import subprocess

import sqlalchemy as sa

from registry.config import PROJECT_ROOT
from registry.db import db
from registry.documents.models import SignedCopy
from registry.letters.models import Letter
from tests.conftest import form_token
from tests.documents import test_signing
from tests.letters.conftest import pdf_text, plain

#: Where the signed letter's pages are written as images.
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "letters"

# The throwaway certificate authority and the app configured to sign with it.
authority, configured = test_signing.authority, test_signing.configured


def pdfsig(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdfsig", "-nocert", str(path)], capture_output=True, text=True, timeout=60
    ).stdout


def the_letter(app) -> Letter:
    with app.app_context():
        letter = db.session.scalars(sa.select(Letter)).one()
        db.session.expunge_all()
        return letter


def signed_copies(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(SignedCopy))


def test_a_letter_is_signed_before_it_is_mailed(
    app,
    client,
    sign_in,
    meeting_id,
    mailbox,
    configured,
    tmp_path,
):
    sign_in("staff")
    token = form_token(client, f"/meetings/{meeting_id}")
    response = client.post(f"/letters/meeting/{meeting_id}/issue", data={"submission": token})
    assert response.status_code == 302
    letter = the_letter(app)
    assert signed_copies(app) == 1

    mailed = next(mailbox()[0].iter_attachments()).get_content()
    report = pdfsig(mailed, tmp_path)
    assert "Signature Field Name: signature-agency-1" in report
    assert "Signature is Valid" in report
    assert "Total document signed" in report
    assert plain(f"ที่ {letter.number}") in plain(pdf_text(mailed))
    # The signed pages as images, to look at: test-artifacts/letters/signed-letter-*.png
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (tmp_path / "signed.pdf").write_bytes(mailed)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            str(tmp_path / "signed.pdf"),
            str(ARTIFACTS / "signed-letter"),
        ],
        check=True,
    )
    with client.get(f"/letters/{letter.id}/pdf") as served:  # the register serves it signed
        assert served.data == mailed


def test_without_the_certificate_the_letter_goes_unsigned_and_is_signed_later(
    app,
    client,
    sign_in,
    meeting_id,
    mailbox,
    authority,
    monkeypatch,
    tmp_path,
):
    sign_in("staff")
    token = form_token(client, f"/meetings/{meeting_id}")
    assert (
        client.post(f"/letters/meeting/{meeting_id}/issue", data={"submission": token}).status_code
        == 302
    )
    letter = the_letter(app)
    assert signed_copies(app) == 0
    assert "Signature Field Name" not in pdfsig(
        next(mailbox()[0].iter_attachments()).get_content(), tmp_path
    )

    refused = client.post(f"/letters/{letter.id}/sign")
    assert refused.status_code == 409
    assert "ยังไม่ได้ตั้งค่า" in refused.get_data(as_text=True) or "not set up" in refused.get_data(
        as_text=True
    )
    assert signed_copies(app) == 0

    from tests.documents.ca import PASSPHRASE

    monkeypatch.setitem(app.config, "SIGNING_PKCS12_PATH", str(authority.agency.pkcs12_path))
    monkeypatch.setitem(app.config, "SIGNING_PKCS12_PASSPHRASE", PASSPHRASE)
    monkeypatch.setitem(app.config, "SIGNING_TRUST_ROOTS", str(authority.root_pem))
    assert client.post(f"/letters/{letter.id}/sign").status_code == 302
    assert signed_copies(app) == 1
    with client.get(f"/letters/{letter.id}/pdf") as served:
        assert "Signature is Valid" in pdfsig(served.data, tmp_path)
    again = client.post(f"/letters/{letter.id}/sign")
    assert again.status_code == 409  # signed already
    assert signed_copies(app) == 1


def test_only_a_signer_signs_letters(app, client, sign_in, meeting_id, configured):
    sign_in("staff")
    token = form_token(client, f"/meetings/{meeting_id}")
    client.post(f"/letters/meeting/{meeting_id}/issue", data={"submission": token})
    letter = the_letter(app)
    client.post("/sign-out")
    sign_in("secretary")
    assert client.post(f"/letters/{letter.id}/sign").status_code == 403
