"""Printed links come from configuration, never from the request: the public address
(PUBLIC_BASE_URL) is required in production, a Host the site does not serve gets 400
(TRUSTED_HOSTS), and a document stored while a request came by another host still leads
to the configured address, in its text and in its QR code."""

from __future__ import annotations

import io
import subprocess

import pytest
import sqlalchemy as sa
from PIL import Image
from pypdf import PdfReader

from registry import create_app
from registry.agreements import services as agreements
from registry.audit import record_event
from registry.auth.models import LoginAttempt, Role, User
from registry.config import DEVELOPMENT_BASE_URL, ConfigurationError
from registry.db import db
from registry.documents.models import DocumentVersion
from registry.documents.rendering import qr_png
from registry.documents.services import file_path
from registry.organisations.models import Organisation, OrganisationKind
from tests.agreements.conftest import content_for
from tests.conftest import PASSWORD, add_account, sign_in_client

PUBLIC = "https://registry.example.go.th"
PRODUCTION = {"REGISTRY_ENV": "production", "SECRET_KEY": "a-long-random-production-key-2568"}


# --- the configuration ---------------------------------------------------------------------


def test_production_refuses_to_start_without_a_public_address(monkeypatch):
    monkeypatch.setenv("REGISTRY_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-key")
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    with pytest.raises(ConfigurationError, match="PUBLIC_BASE_URL"):
        create_app()


@pytest.mark.parametrize("value", ["registry.example.go.th", "ftp://registry.example", "https://"])
def test_a_public_address_that_is_no_web_address_is_refused(monkeypatch, value):
    monkeypatch.setenv("PUBLIC_BASE_URL", value)
    with pytest.raises(ConfigurationError, match="PUBLIC_BASE_URL"):
        create_app()


def test_production_serves_only_the_host_of_its_public_address(monkeypatch, tmp_path):
    monkeypatch.setenv("REGISTRY_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-key")
    monkeypatch.setenv("PUBLIC_BASE_URL", PUBLIC + "/")
    monkeypatch.delenv("TRUSTED_HOSTS", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite3'}")
    app = create_app()
    assert app.config["PUBLIC_BASE_URL"] == PUBLIC
    assert app.config["TRUSTED_HOSTS"] == ["registry.example.go.th"]
    with app.app_context():
        db.engine.dispose()


def test_trusted_hosts_are_read_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("TRUSTED_HOSTS", " registry.example.go.th, .dga.or.th ,")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'd.sqlite3'}")
    app = create_app()
    assert app.config["TRUSTED_HOSTS"] == ["registry.example.go.th", ".dga.or.th"]
    with app.app_context():
        db.engine.dispose()


def test_development_prints_to_its_own_address_and_serves_the_local_hosts(monkeypatch, tmp_path):
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    monkeypatch.delenv("TRUSTED_HOSTS", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'd.sqlite3'}")
    app = create_app()
    assert app.config["PUBLIC_BASE_URL"] == DEVELOPMENT_BASE_URL
    assert app.config["TRUSTED_HOSTS"] == ["localhost", "127.0.0.1"]
    monkeypatch.setenv("PUBLIC_BASE_URL", "http://registry.test:8080")
    app = create_app()
    assert app.config["TRUSTED_HOSTS"] == ["localhost", "127.0.0.1", "registry.test"]
    with app.app_context():
        db.engine.dispose()


# --- requests under a host the site does not serve -----------------------------------------


@pytest.fixture
def production_app(make_app):
    """An app with production settings, on its own database, behind one proxy."""
    app = make_app(**PRODUCTION, PUBLIC_BASE_URL=PUBLIC, PROXY_FIX_HOPS=1)
    add_account(app, "staff@example.go.th")
    return app


@pytest.mark.parametrize(
    "path", ["/sign-in", "/", "/organisations/", "/verify/abc", "/api/v1/organisations",
             "/static/app.css", "/no/such/page"],
)  # fmt: skip
def test_a_forged_host_gets_400_in_production(production_app, path):
    client = production_app.test_client()
    with client.get(path, headers={"Host": "evil.example"}) as response:
        assert response.status_code == 400
        assert response.mimetype == "text/plain"
        assert "evil.example" not in response.get_data(as_text=True)
    with client.get(path, headers={"Host": "registry.example.go.th"}) as response:
        assert response.status_code in (200, 302, 401, 404)


def test_a_forged_forwarded_host_gets_400_behind_the_proxy(production_app):
    client = production_app.test_client()
    forged = {"Host": "registry.example.go.th", "X-Forwarded-Host": "evil.example"}
    with client.get("/sign-in", headers=forged) as response:
        assert response.status_code == 400
    served = {"Host": "10.0.0.5:8000", "X-Forwarded-Host": "registry.example.go.th"}
    with client.get("/sign-in", headers=served) as response:
        assert response.status_code == 200


def test_a_sign_in_under_a_forged_host_does_nothing(production_app):
    client = production_app.test_client()
    data = {"email": "staff@example.go.th", "password": PASSWORD}
    with client.post("/sign-in", data=data, headers={"Host": "evil.example"}) as response:
        assert response.status_code == 400
        assert "Set-Cookie" not in response.headers
    with production_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(LoginAttempt.id))) == 0


def test_the_refusal_says_why_in_thai(production_app):
    with production_app.test_client().get("/", headers={"Host": "evil.example"}) as response:
        assert response.get_data(as_text=True).strip() == ("เว็บไซต์นี้ไม่ให้บริการที่ที่อยู่ (Host) ดังกล่าว")


# --- stored documents -------------------------------------------------------------------------


def _agreement(app) -> int:
    """A draft agreement between DGA and a partner, made by a member of staff."""
    with app.app_context():
        own = Organisation(name_th="สำนักงานพัฒนารัฐบาลดิจิทัล", kind=OrganisationKind.OWN_AGENCY)
        partner = Organisation(name_th="สมาคมทดสอบโฮสต์", kind=OrganisationKind.ASSOCIATION)
        db.session.add_all([own, partner])
        db.session.flush()
        record_event(None, "created (test)", record_type="organisations")
        db.session.commit()
        staff = db.session.scalar(sa.select(User).where(User.role == Role.STAFF))
        agreement = agreements.create_agreement(content_for([own.id, partner.id]), actor=staff)
        return agreement.id


def _pdf_text(data: bytes) -> str:
    command = ["pdftotext", "-enc", "UTF-8", "-", "-"]
    return subprocess.run(command, input=data, capture_output=True, check=True).stdout.decode()


def _qr_images(data: bytes) -> list[bytes]:
    """The black-and-white pixels of the square images in a PDF (its QR code)."""
    found = []
    for page in PdfReader(io.BytesIO(data)).pages:
        for image in page.images:
            with Image.open(io.BytesIO(image.data)) as picture:
                if picture.width == picture.height:
                    found.append(picture.convert("1").tobytes())
    return found


def _qr_of(url: str) -> bytes:
    with Image.open(io.BytesIO(qr_png(url))) as picture:
        return picture.convert("1").tobytes()


def test_a_document_printed_under_another_host_leads_to_the_configured_address(make_app):
    """Development without PUBLIC_BASE_URL: the stored PDF's link and QR code lead to the
    development address, whatever host the request that printed it came by; a host the
    site does not serve prints nothing at all."""
    app = make_app(REGISTRY_ENV="development", PUBLIC_BASE_URL="")
    assert app.config["PUBLIC_BASE_URL"] == DEVELOPMENT_BASE_URL
    add_account(app, "staff@example.go.th")
    agreement_id = _agreement(app)
    client = sign_in_client(app.test_client(), "staff@example.go.th")
    url = f"/agreements/{agreement_id}/pdf?variant=th"

    with client.get(url, headers={"Host": "evil.example"}) as response:
        assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(DocumentVersion.id))) == 0

    with client.get(url, headers={"Host": "localhost:8123"}) as response:  # served, not printed
        assert response.status_code == 200
        printed = response.get_data()
    with app.app_context():
        version = db.session.scalars(sa.select(DocumentVersion)).one()
        stored = file_path(version).read_bytes()
        expected = f"{DEVELOPMENT_BASE_URL}/verify/{version.public_token}"
    assert stored == printed
    text = "".join(_pdf_text(stored).split())
    assert expected in text
    assert "localhost" not in text and "8123" not in text
    qr_codes = _qr_images(stored)
    assert _qr_of(expected) in qr_codes
    assert _qr_of(f"http://localhost:8123/verify/{version.public_token}") not in qr_codes
    with client.get(url) as response:  # a later reader gets the same stored file
        assert response.get_data() == stored
