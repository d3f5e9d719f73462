# ruff: noqa: F811 (the signing fixtures are imported from test_signing)
"""An agreement signed electronically through its pages: the approved text printed final, the
agency's signature, the partner's counter-signed upload, and the agreement recorded as signed
from the verified signatures; refusals shown at the form's field, with nothing changed."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from registry.agreements import services
from registry.agreements.models import Agreement, AgreementStatus
from registry.auth.models import Role, User
from registry.db import db
from registry.documents.models import DocumentVersion, SignedCopy
from tests.agreements.conftest import content_for
from tests.conftest import form_token, submit_twice
from tests.documents.test_signing import (  # noqa: F401 (fixtures)
    _counts,
    _partner_signs,
    authority,
    configured,
    signature_rects,
    text_under_signatures,
)


@pytest.fixture
def approved(app, make_user, make_organisation):
    """An approved agreement (or a draft) whose text gives the place and a day of signing."""
    from registry.organisations.models import OrganisationKind

    def make(signed_on_days: int = -1, approve: bool = True, language: str = "th") -> int:
        own = make_organisation(kind=OrganisationKind.OWN_AGENCY)
        partner = make_organisation()
        creator = make_user(Role.STAFF)
        with app.app_context():
            user = db.session.get(User, creator)
            day = services.today() + timedelta(days=signed_on_days)
            agreement = services.create_agreement(
                content_for([own, partner], signed_on=day, language=language), actor=user
            )
            if approve:
                services.submit_for_review(agreement, user)
                services.approve(agreement, user)
            return agreement.id

    return make


def _print(client, app, agreement_id, variant="th") -> DocumentVersion:
    with client.get(f"/agreements/{agreement_id}/pdf?variant={variant}") as response:
        assert response.status_code == 200
    with app.app_context():
        version = db.session.scalars(
            sa.select(DocumentVersion)
            .where(
                DocumentVersion.record_type == "agreements",
                DocumentVersion.record_id == agreement_id,
                DocumentVersion.variant == variant,
            )
            .order_by(DocumentVersion.version.desc())
        ).first()
        db.session.expunge(version)
        return version


def _status(app, agreement_id):
    with app.app_context():
        return db.session.get(Agreement, agreement_id).status


def test_agency_signs_partner_uploads_and_the_agreement_is_signed(
    app, client, configured, approved, sign_in
):
    agreement_id = approved()
    sign_in("staff")
    version = _print(client, app, agreement_id)
    assert version.final  # the approved text prints without the draft mark
    base = f"/agreements/{agreement_id}/documents/{version.id}"
    page = client.get(f"{base}/signatures").get_data(as_text=True)
    assert "signature-parties-1" in client.get(f"{base}/sign").get_data(as_text=True)
    assert f"{base}/sign" in page
    first, second = submit_twice(
        client, f"{base}/sign", {"field": "signature-parties-1"}
    )
    assert first.status_code == 302 and second.status_code == 302  # signed once
    with app.app_context():
        assert db.session.scalar(
            sa.select(sa.func.count()).where(SignedCopy.version_id == version.id)
        ) == 1
    assert _status(app, agreement_id) is AgreementStatus.APPROVED
    with client.get(f"{base}/signed") as response:
        agency_signed = response.data
    uploaded = _partner_signs(configured, agency_signed, "signature-parties-2")
    token = form_token(client, f"{base}/signed/upload")
    response = client.post(
        f"{base}/signed/upload",
        data={"file": (io.BytesIO(uploaded), "signed.pdf"), "submission": token},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert _status(app, agreement_id) is AgreementStatus.SIGNED
    with client.get(f"{base}/signed") as response:
        assert response.data == uploaded
    page = client.get(f"{base}/signatures").get_data(as_text=True)
    assert page.count('data-testid="signature"') == 2
    # The signed printing is still the current one on the public page.
    verify = client.get(f"/verify/{version.public_token}").get_data(as_text=True)
    assert 'data-testid="verify-current"' in verify
    assert verify.count('data-testid="verify-signature-valid"') == 2


@pytest.mark.parametrize("variant", ["th", "en", "bilingual"])
def test_the_agency_signature_touches_no_text_of_the_agreement(
    app, client, configured, approved, sign_in, variant
):
    agreement_id = approved(language="th" if variant == "th" else "both")
    sign_in("staff")
    version = _print(client, app, agreement_id, variant)
    base = f"/agreements/{agreement_id}/documents/{version.id}"
    token = form_token(client, f"{base}/sign")
    with client.post(
        f"{base}/sign", data={"field": "signature-parties-1", "submission": token}
    ) as response:
        assert response.status_code == 302
    with client.get(f"{base}/signed") as response:
        signed = response.data
    # Every block has its field from the first signature: parties' and witnesses' alike.
    assert {"signature-parties-1", "signature-parties-2"} <= set(signature_rects(signed))
    assert text_under_signatures(signed) == []


def test_a_tampered_upload_is_refused_at_the_field_and_nothing_changes(
    app, client, configured, approved, sign_in
):
    agreement_id = approved()
    sign_in("staff")
    version = _print(client, app, agreement_id)
    base = f"/agreements/{agreement_id}/documents/{version.id}"
    with app.app_context():
        from registry.documents import services as documents

        original = documents.file_path(db.session.get(DocumentVersion, version.id)).read_bytes()
    signed = _partner_signs(configured, original, "signature-parties-2")
    at = len(original) // 3
    tampered = signed[:at] + bytes([signed[at] ^ 0x01]) + signed[at + 1 :]
    before = _counts(app)
    token = form_token(client, f"{base}/signed/upload")
    response = client.post(
        f"{base}/signed/upload",
        data={"file": (io.BytesIO(tampered), "signed.pdf"), "submission": token},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "ไม่ตรงกับฉบับพิมพ์ครั้งที่" in response.get_data(as_text=True)
    assert _counts(app) == before
    assert _status(app, agreement_id) is AgreementStatus.APPROVED


def test_an_empty_upload_and_an_unknown_block_are_refused(
    app, client, configured, approved, sign_in
):
    agreement_id = approved()
    sign_in("staff")
    version = _print(client, app, agreement_id)
    base = f"/agreements/{agreement_id}/documents/{version.id}"
    before = _counts(app)
    token = form_token(client, f"{base}/signed/upload")
    response = client.post(f"{base}/signed/upload", data={"submission": token})
    assert response.status_code == 422
    assert "เลือกแฟ้ม PDF" in response.get_data(as_text=True)
    token = form_token(client, f"{base}/sign")
    response = client.post(f"{base}/sign", data={"field": "signature-x", "submission": token})
    assert response.status_code == 422
    assert _counts(app) == before


def test_signing_waits_for_the_day_of_signing_printed_in_the_text(
    app, client, configured, approved, sign_in
):
    agreement_id = approved(signed_on_days=5)
    sign_in("staff")
    version = _print(client, app, agreement_id)
    base = f"/agreements/{agreement_id}/documents/{version.id}"
    before = _counts(app)
    token = form_token(client, f"{base}/sign")
    response = client.post(
        f"{base}/sign", data={"field": "signature-parties-1", "submission": token}
    )
    assert response.status_code == 422
    assert "ยังมาไม่ถึง" in response.get_data(as_text=True)
    assert _counts(app) == before


def test_a_draft_printing_has_no_signing_pages(app, client, configured, approved, sign_in):
    agreement_id = approved(approve=False)
    sign_in("staff")
    version = _print(client, app, agreement_id)
    assert not version.final
    base = f"/agreements/{agreement_id}/documents/{version.id}"
    for url in ("/signatures", "/sign", "/signed/upload", "/signed"):
        with client.get(base + url) as response:
            assert response.status_code == 404, url


def test_only_holders_of_the_signing_permission_may_open_the_signing_form(
    app, client, configured, approved, sign_in
):
    agreement_id = approved()
    sign_in("staff")
    version = _print(client, app, agreement_id)
    client.post("/sign-out")
    sign_in("secretary")
    base = f"/agreements/{agreement_id}/documents/{version.id}"
    assert client.get(f"{base}/sign").status_code == 403
    assert client.get(f"{base}/signed/upload").status_code == 403
