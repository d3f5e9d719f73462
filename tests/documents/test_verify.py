"""The public verification page the QR code leads to."""

from __future__ import annotations

import pytest

from registry.auth.models import User
from registry.db import db
from registry.documents import services
from tests.documents.test_services import Renderer

_ids = iter(range(2_000_000, 3_000_000))


@pytest.fixture
def describers():
    """Register describers for the test record types, and forget them afterwards."""
    saved = dict(services._DESCRIBERS)
    yield services.register_describer
    services._DESCRIBERS.clear()
    services._DESCRIBERS.update(saved)


def _publish(app, content, record_type="samples", record_id=None, actor_id=None, **options):
    with app.app_context():
        actor = db.session.get(User, actor_id) if actor_id else None
        version = services.publish(
            record_type,
            record_id or 1,
            variant=options.pop("variant", "th"),
            content=content,
            render=Renderer(),
            actor=actor,
            **options,
        )
        return version.public_token, version.sha256


def test_anyone_can_verify_a_document_without_signing_in(app, client, make_user, describers):
    record_id = next(_ids)
    staff = make_user("staff", full_name="นางสาวผู้จัดทำ เอกสารลับ")
    describers(
        "samples",
        lambda rid: (
            {
                "kind": "บันทึกข้อตกลงความร่วมมือ",
                "title": "ความร่วมมือด้านนวัตกรรมดิจิทัล",
                "status": "ลงนามแล้ว",
                "in_force": True,
            }
            if rid == record_id
            else None
        ),
    )
    token, sha = _publish(
        app, {"a": 1}, record_id=record_id, actor_id=staff, reference="MOU-2568/001"
    )
    with client.get(f"/verify/{token}") as response:
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert response.headers["Cache-Control"] == "no-store"
        assert "noindex" in response.headers["X-Robots-Tag"]
    assert "MOU-2568/001" in page
    assert "บันทึกข้อตกลงความร่วมมือ" in page
    assert "ความร่วมมือด้านนวัตกรรมดิจิทัล" in page
    assert "ลงนามแล้ว" in page
    assert sha in page
    assert 'data-testid="verify-current"' in page
    assert 'data-testid="verify-in-force">ใช่<' in page
    # Who produced it is not for the public.
    assert "ผู้จัดทำ" not in page
    assert "@example.go.th" not in page


def test_a_superseded_version_says_so(app, client):
    record_id = next(_ids)
    old, _ = _publish(app, {"a": 1}, record_id=record_id)
    new, _ = _publish(app, {"a": 2}, record_id=record_id)
    with client.get(f"/verify/{old}") as response:
        assert 'data-testid="verify-superseded"' in response.get_data(as_text=True)
    with client.get(f"/verify/{new}") as response:
        page = response.get_data(as_text=True)
        assert 'data-testid="verify-current"' in page
        assert 'data-testid="verify-version">2<' in page


def test_without_a_describer_the_page_still_says_what_it_can(app, client):
    token, _ = _publish(app, {"a": 1}, record_type="unregistered", record_id=next(_ids))
    with client.get(f"/verify/{token}") as response:
        assert response.status_code == 200
        page = response.get_data(as_text=True)
    assert 'data-testid="verify-kind">เอกสารทางราชการ<' in page
    assert "verify-in-force" not in page


def test_a_failing_describer_does_not_break_the_page(app, client, describers):
    def broken(record_id):
        raise RuntimeError("boom")

    describers("brokenkind", broken)
    token, _ = _publish(app, {"a": 1}, record_type="brokenkind", record_id=next(_ids))
    with client.get(f"/verify/{token}") as response:
        assert response.status_code == 200


def test_a_record_that_is_gone_is_said_to_be_gone(app, client, describers):
    describers("samples", lambda record_id: None)
    token, _ = _publish(app, {"a": 1}, record_id=next(_ids))
    with client.get(f"/verify/{token}") as response:
        assert "ไม่มีข้อมูลต้นเรื่องของเอกสารนี้ในระบบแล้ว" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "token",
    ["unknown-token", "x" * 65, "x" * 500, "%00", "..%2F..%2Fetc", "' OR 1=1 --"],
)
def test_an_unknown_token_is_not_found(client, token):
    with client.get(f"/verify/{token}") as response:
        assert response.status_code == 404


def test_the_page_follows_the_readers_language(app, client):
    token, _ = _publish(app, {"a": 1}, record_id=next(_ids), variant="pdfa-en")
    client.post("/language", data={"locale": "en", "next": f"/verify/{token}"})
    with client.get(f"/verify/{token}") as response:
        page = response.get_data(as_text=True)
    assert "Document verification" in page
    assert "English, PDF/A for archiving" in page


def test_a_document_printed_before_the_record_changed_reads_as_superseded(app, client, describers):
    record_id = next(_ids)
    now = {"content": {"a": 1}}
    describers(
        "samples",
        lambda rid: {
            "kind": "เอกสารทดสอบ",
            "content_hash": services.content_hash(now["content"], reference="R-1"),
        },
    )
    token, _ = _publish(app, {"a": 1}, record_id=record_id, reference="R-1")
    with client.get(f"/verify/{token}") as response:
        assert 'data-testid="verify-current"' in response.get_data(as_text=True)
    now["content"] = {"a": 2}  # the record is edited; nobody prints it again
    with client.get(f"/verify/{token}") as response:
        assert 'data-testid="verify-superseded"' in response.get_data(as_text=True)


def test_a_superseded_version_names_the_printing_that_replaced_it(app, client):
    record_id = next(_ids)
    old, _ = _publish(app, {"a": 1}, record_id=record_id)
    _publish(app, {"a": 2}, record_id=record_id, variant="en")
    with client.get(f"/verify/{old}") as response:
        page = response.get_data(as_text=True)
    assert 'data-testid="verify-superseded-by">ถูกแทนที่ด้วยฉบับพิมพ์ครั้งที่ 2 (ภาษาอังกฤษ' in page
    # A later printing in the reader's variant is the one to name, even if not the newest.
    _publish(app, {"a": 2}, record_id=record_id)
    _publish(app, {"a": 2}, record_id=record_id, variant="pdfa-th")
    with app.app_context():
        info = services.describe(services.by_token(old))
    assert info["superseded_by"]["version"] == 3
    assert info["superseded_by"]["variant"] == "ภาษาไทย"
    assert info["record_changed"] is False


def test_the_current_version_shows_the_start_of_its_fingerprint(app, client):
    token, sha = _publish(app, {"a": 1}, record_id=next(_ids))
    with client.get(f"/verify/{token}") as response:
        page = response.get_data(as_text=True)
    assert f"{sha[:16]}" in page.split('data-testid="verify-current-printing"')[1].split("<")[0]
    assert sha in page


def test_a_record_changed_after_its_newest_printing_says_so(app, client, describers):
    record_id = next(_ids)
    now = {"content": {"a": 2}}
    describers(
        "samples",
        lambda rid: {"content_hash": services.content_hash(now["content"], reference="R-2")},
    )
    old, _ = _publish(app, {"a": 1}, record_id=record_id, reference="R-2")
    new, _ = _publish(app, {"a": 2}, record_id=record_id, reference="R-2")
    with client.get(f"/verify/{old}") as response:
        page = response.get_data(as_text=True)
    assert "verify-superseded-by" in page and "verify-record-changed" not in page
    now["content"] = {"a": 3}
    for token in (old, new):
        with client.get(f"/verify/{token}") as response:
            page = response.get_data(as_text=True)
        assert 'data-testid="verify-record-changed"' in page
    assert "verify-superseded-by" not in page  # the newest printing has no successor
