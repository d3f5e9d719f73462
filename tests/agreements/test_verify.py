"""The public verification page of an agreement's PDF: a printing reads as current only while
the agreement is as it was printed; an edit, a later printing or the signing supersedes it,
and the page says by which printing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from registry.agreements import printing, services
from registry.agreements.models import Agreement, AgreementStatus
from registry.auth.models import User
from registry.db import db
from registry.documents import services as documents
from tests.agreements.conftest import content_for


@pytest.fixture(autouse=True)
def stand_in_renderer(monkeypatch):
    """Render a tiny stand-in PDF: these tests are about versions, not about the page."""
    calls = []

    def render(agreement, lang, stamp):
        calls.append((agreement.id, lang, stamp.version))
        return b"%PDF-1.7\n% stand-in " + repr(stamp).encode() + b"\n%%EOF\n"

    monkeypatch.setattr(printing, "render", render)
    return calls


@pytest.fixture
def publish(app, staff_user):
    """Produce (or reuse) the agreement's PDF in a variant: its public token and version."""

    def do(agreement_id: int, variant: str = "th") -> tuple[str, int]:
        with app.app_context():
            agreement = db.session.get(Agreement, agreement_id)
            version = printing.publish(agreement, variant, db.session.get(User, staff_user))
            return version.public_token, version.version

    return do


@pytest.fixture
def edit(app, staff_user, two_organisations):
    """Change the draft's title (a new content)."""

    def do(agreement_id: int, title: str) -> None:
        with app.app_context():
            agreement = db.session.get(Agreement, agreement_id)
            services.update_agreement(
                agreement,
                content_for(list(two_organisations), title_th=title),
                actor=db.session.get(User, staff_user),
                lock_version=agreement.lock_version,
            )

    return do


def verify(client, token: str) -> str:
    with client.get(f"/verify/{token}") as response:
        assert response.status_code == 200
        return response.get_data(as_text=True)


def test_the_describer_hashes_the_content_as_publish_does(app, make_agreement, publish):
    agreement_id = make_agreement()
    token, _number = publish(agreement_id)
    with app.app_context():
        version = documents.by_token(token)
        described = printing.describe(agreement_id)
        assert described["content_hash"] == version.content_hash
        info = documents.describe(version)
    assert info["current"] is True
    assert info["superseded_by"] is None and info["record_changed"] is False
    assert info["sha256_prefix"] == version.sha256[:16]


def test_an_edit_supersedes_the_printing_until_it_is_printed_again(
    client, make_agreement, publish, edit, stand_in_renderer
):
    agreement_id = make_agreement()
    first, number = publish(agreement_id)
    assert number == 1
    page = verify(client, first)
    assert 'data-testid="verify-current"' in page

    edit(agreement_id, "ความร่วมมือที่แก้ไขแล้ว")
    page = verify(client, first)
    assert 'data-testid="verify-superseded"' in page
    assert 'data-testid="verify-record-changed"' in page
    assert "verify-superseded-by" not in page  # nobody has printed the new text yet
    assert len(stand_in_renderer) == 1  # verifying renders nothing

    second, number = publish(agreement_id)
    assert number == 2
    page = verify(client, first)
    assert 'data-testid="verify-superseded-by">It was replaced by printing 2 (Thai, Draft)' in page
    assert "verify-record-changed" not in page
    page = verify(client, second)
    assert 'data-testid="verify-current"' in page


def test_the_signing_supersedes_the_draft(
    app, client, make_agreement, publish, staff_user, two_organisations
):
    agreement_id = make_agreement(AgreementStatus.APPROVED)
    draft, _number = publish(agreement_id)
    with app.app_context():
        services.sign(
            db.session.get(Agreement, agreement_id),
            db.session.get(User, staff_user),
            signed_on=services.today() - timedelta(days=1),
            signing_place="กรุงเทพมหานคร",
        )
    page = verify(client, draft)
    assert 'data-testid="verify-record-changed"' in page
    final, number = publish(agreement_id)
    page = verify(client, draft)
    assert f"It was replaced by printing {number} (Thai, Final)" in page
    page = verify(client, final)
    assert 'data-testid="verify-current"' in page
    assert "Signed and in force" in page


def test_a_printing_in_another_language_of_the_same_text_stays_current(
    client, make_agreement, publish
):
    agreement_id = make_agreement(language="both")
    thai, _ = publish(agreement_id, "th")
    english, _ = publish(agreement_id, "en")
    assert 'data-testid="verify-current"' in verify(client, thai)
    assert 'data-testid="verify-current"' in verify(client, english)
