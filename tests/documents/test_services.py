"""Stored document versions: rendered once per content, numbered, checked, served."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from registry.audit.models import AuditEvent
from registry.auth.models import User
from registry.db import db
from registry.documents import services
from registry.documents.models import DocumentVersion
from registry.documents.rendering import PDFA_STANDARD, Stamp, render_pdf
from tests.documents.conftest import pdf_pages_text

_record_ids = iter(range(10_000, 1_000_000))


class Renderer:
    """A stand-in renderer that records every stamp it is called with."""

    def __init__(self):
        self.stamps: list[Stamp] = []

    def __call__(self, stamp: Stamp) -> bytes:
        self.stamps.append(stamp)
        return (
            b"%PDF-1.7\n% stand-in\n"
            + repr(sorted(stamp.__dict__.items(), key=str)).encode()
            + b"\n%%EOF\n"
        )

    @property
    def calls(self) -> int:
        return len(self.stamps)


@pytest.fixture
def record_id(db_session):
    return next(_record_ids)


@pytest.fixture
def publish(app, db_session):
    """Publish inside an app context; returns the version's id (records are read afresh)."""

    def do(record_id, content, render, variant="th", actor_id=None, **options) -> int:
        with app.app_context():
            actor = db.session.get(User, actor_id) if actor_id else None
            version = services.publish(
                "samples",
                record_id,
                variant=variant,
                content=content,
                render=render,
                actor=actor,
                **options,
            )
            return version.id

    return do


def _version(app, version_id) -> DocumentVersion:
    with app.app_context():
        version = db.session.get(DocumentVersion, version_id)
        db.session.expunge(version)
        return version


def test_the_first_publish_renders_stores_and_audits(app, publish, record_id, make_user):
    user_id = make_user("staff")
    render = Renderer()
    version_id = publish(
        record_id, {"title": "ทดสอบ"}, render, actor_id=user_id, reference="MOU-2568/001"
    )
    version = _version(app, version_id)
    assert render.calls == 1
    assert (version.version, version.variant, version.reference) == (1, "th", "MOU-2568/001")
    assert version.created_by_id == user_id
    stamp = render.stamps[0]
    assert stamp.version == 1 and stamp.reference == "MOU-2568/001" and not stamp.final
    assert stamp.verify_url.endswith(f"/verify/{version.public_token}")
    assert stamp.pdf_standard is None
    with app.app_context():
        path = services.file_path(version)
        root = Path(app.config["STORAGE_DIR"]).resolve()
        assert path.resolve().is_relative_to(root / "documents" / "samples" / str(record_id))
        assert not path.resolve().is_relative_to(Path(app.static_folder).resolve())
        data = path.read_bytes()
        assert hashlib.sha256(data).hexdigest() == version.sha256
        assert len(data) == version.size
        assert path.name.startswith("v1-th-") and path.suffix == ".pdf"
        assert not list(path.parent.glob(".tmp-*"))
        event = db.session.scalars(
            sa.select(AuditEvent).where(
                AuditEvent.action == "generated document",
                AuditEvent.record_type == "samples",
                AuditEvent.record_id == record_id,
            )
        ).one()
        assert event.actor_id == user_id
        assert event.changes["version"] == [None, 1]
        assert event.changes["sha256"] == [None, version.sha256]


def test_an_unchanged_record_is_served_from_storage_without_rendering(app, publish, record_id):
    render = Renderer()
    first = publish(record_id, {"title": "ก", "day": date(2025, 1, 2)}, render)
    again = publish(record_id, {"day": date(2025, 1, 2), "title": "ก"}, render)  # key order
    assert again == first
    assert render.calls == 1
    with app.app_context():
        assert len(services.versions_of("samples", record_id)) == 1
        assert (
            db.session.scalar(
                sa.select(sa.func.count(AuditEvent.id)).where(
                    AuditEvent.record_type == "samples", AuditEvent.record_id == record_id
                )
            )
            == 1
        )


def test_changed_content_makes_the_next_version_and_supersedes_the_first(app, publish, record_id):
    render = Renderer()
    first = publish(record_id, {"title": "ก"}, render)
    second = publish(record_id, {"title": "ข"}, render)
    assert render.calls == 2
    assert second != first
    with app.app_context():
        old, new = db.session.get(DocumentVersion, first), db.session.get(DocumentVersion, second)
        assert new.version == 2
        assert old.public_token != new.public_token
        assert not services.is_current(old)
        assert services.is_current(new)
        assert services.latest("samples", record_id).id == second


def test_going_back_to_old_content_makes_a_new_version(app, publish, record_id):
    render = Renderer()
    publish(record_id, {"title": "ก"}, render)
    publish(record_id, {"title": "ข"}, render)
    third = publish(record_id, {"title": "ก"}, render)
    assert render.calls == 3
    assert _version(app, third).version == 3


def test_final_and_reference_are_part_of_the_content(app, publish, record_id):
    render = Renderer()
    draft = publish(record_id, {"title": "ก"}, render, reference="A-1")
    final = publish(record_id, {"title": "ก"}, render, reference="A-1", final=True)
    assert draft != final
    assert render.stamps[-1].final is True
    assert _version(app, final).final is True


def test_variants_share_the_numbering_and_stay_current_together(app, publish, record_id):
    render = Renderer()
    thai = publish(record_id, {"title": "ก"}, render, variant="th")
    english = publish(record_id, {"title": "ก"}, render, variant="en")
    archive = publish(record_id, {"title": "ก"}, render, variant="pdfa-th")
    assert [_version(app, v).version for v in (thai, english, archive)] == [1, 2, 3]
    assert render.stamps[-1].pdf_standard == PDFA_STANDARD
    with app.app_context():
        versions = [db.session.get(DocumentVersion, v) for v in (thai, english, archive)]
        assert all(services.is_current(v) for v in versions)
    # The record changes and only the Thai version is printed again: every older one is stale.
    newer = publish(record_id, {"title": "ข"}, render, variant="th")
    with app.app_context():
        versions = [db.session.get(DocumentVersion, v) for v in (thai, english, archive)]
        assert not any(services.is_current(v) for v in versions)
        assert services.is_current(db.session.get(DocumentVersion, newer))


def test_a_tampered_file_is_never_served_and_is_produced_again(app, publish, record_id):
    render = Renderer()
    first = publish(record_id, {"title": "ก"}, render)
    version = _version(app, first)
    with app.app_context():
        path = services.file_path(version)
        path.write_bytes(path.read_bytes().replace(b"stand-in", b"forged!!"))
        assert not services.file_intact(version)
        with app.test_request_context(), pytest.raises(services.DocumentUnavailable):
            services.send_version(db.session.get(DocumentVersion, first))
    again = publish(record_id, {"title": "ก"}, render)
    assert again != first
    assert render.calls == 2
    with app.app_context():
        replacement = db.session.get(DocumentVersion, again)
        assert replacement.version == 2
        assert services.file_intact(replacement)
        event = db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.record_type == "samples", AuditEvent.record_id == record_id)
            .order_by(AuditEvent.id.desc())
            .limit(1)
        ).one()
        assert event.changes["replaces_damaged_version"] == [None, 1]
        # The damaged version keeps its recorded fingerprint: the record of what was issued.
        assert db.session.get(DocumentVersion, first).sha256 == version.sha256


def test_a_missing_file_is_produced_again(app, publish, record_id):
    render = Renderer()
    first = publish(record_id, {"title": "ก"}, render)
    with app.app_context():
        services.file_path(_version(app, first)).unlink()
    assert publish(record_id, {"title": "ก"}, render) != first
    assert render.calls == 2


def test_a_version_number_taken_meanwhile_is_retried(app, publish, record_id, monkeypatch):
    render = Renderer()
    publish(record_id, {"title": "ก"}, render)
    real = services._next_number
    answers = iter([1])  # the first attempt collides with the stored version 1

    def racing(record_type, rid):
        return next(answers, None) or real(record_type, rid)

    monkeypatch.setattr(services, "_next_number", racing)
    second = publish(record_id, {"title": "ข"}, render)
    assert render.calls == 3
    assert _version(app, second).version == 2
    with app.app_context():
        folder = services.storage_root() / "samples" / str(record_id)
        stored = {
            v.storage_path.rsplit("/", 1)[1] for v in services.versions_of("samples", record_id)
        }
        assert {p.name for p in folder.iterdir()} == stored  # the loser's file is gone


def test_the_render_callable_must_return_a_pdf(app, publish, record_id):
    with pytest.raises(TypeError):
        publish(record_id, {"title": "ก"}, lambda stamp: "<html>")
    with pytest.raises(TypeError):
        publish(record_id, {"title": "ก"}, lambda stamp: b"GIF89a")
    with app.app_context():
        assert services.versions_of("samples", record_id) == []


@pytest.mark.parametrize(
    ("record_type", "variant"),
    [("Samples", "th"), ("samples/..", "th"), ("", "th"), ("samples", "../th"), ("samples", "")],
)
def test_record_types_and_variants_are_short_safe_names(app, db_session, record_type, variant):
    with app.app_context(), pytest.raises(ValueError):
        services.publish(record_type, 1, variant=variant, content={}, render=Renderer(), actor=None)


def test_content_that_cannot_be_hashed_is_refused(app, publish, record_id):
    with pytest.raises(TypeError):
        publish(record_id, {"x": object()}, Renderer())


def test_the_content_hash_is_canonical():
    assert services.content_hash({"a": 1, "b": "สำนัก"}) == services.content_hash(
        {"b": "สำนัก", "a": 1}
    )
    decomposed = "ส\u0e4d\u0e32นัก"  # sara am typed as nikhahit + sara aa
    assert services.content_hash({"b": "สำนัก"}) != services.content_hash({"b": "สนัก"})
    assert services.canonical_json({"b": decomposed}) == '{"b":"ส\u0e4d\u0e32นัก"}'
    assert services.content_hash({"a": 1}) != services.content_hash({"a": 1}, final=True)
    assert services.content_hash({"a": 1}) != services.content_hash({"a": 1}, reference="R")


def test_the_verification_url_uses_the_public_address(app, db_session, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://registry.dgti.go.th")
    with app.app_context():
        assert services.verify_url("abc") == "https://registry.dgti.go.th/verify/abc"
        # Never the host a request came by: the address is printed for every later reader.
        with app.test_request_context(base_url="http://127.0.0.1:8000/"):
            assert services.verify_url("abc") == "https://registry.dgti.go.th/verify/abc"


def test_send_version_answers_the_pdf_with_a_thai_safe_name(app, publish, record_id):
    render = Renderer()
    version_id = publish(record_id, {"title": "ก"}, render, reference="MOU-2568/001")
    with app.app_context(), app.test_request_context():
        version = db.session.get(DocumentVersion, version_id)
        response = services.send_version(version, filename="บันทึกข้อตกลง MOU-2568/001")
        response.direct_passthrough = False
        try:
            assert response.mimetype == "application/pdf"
            disposition = response.headers["Content-Disposition"]
            assert disposition.startswith("attachment;")
            assert "filename*=UTF-8''" in disposition
            assert "%E0%B8%9A" in disposition  # บ, percent-encoded UTF-8
            assert "/" not in disposition.split("filename*=")[1]
            assert response.headers["ETag"].strip('"') == version.sha256
            assert "private" in response.headers["Cache-Control"]
            assert hashlib.sha256(response.get_data()).hexdigest() == version.sha256
        finally:
            response.close()
        assert services.download_name(version) == "MOU-2568-001-v1-th.pdf"
        assert services.download_name(version, '../../etc/"x"') == "etc-x-v1-th.pdf"


def test_a_real_document_through_publish(app, publish, record_id, sample_template):
    """End to end: the stamp publish() makes is printed on the stored PDF."""

    def render(stamp):
        context = {"when": "วันที่ 1 มกราคม พ.ศ. 2569", "paragraphs": ["ข้อความ"], "typed": ""}
        return render_pdf(sample_template, context, stamp=stamp)

    version = _version(app, publish(record_id, {"t": 1}, render, reference="MOU-2569/010"))
    with app.app_context():
        text = "".join(pdf_pages_text(services.file_path(version).read_bytes()).pop(0).split())
    assert "MOU-2569/010" in text
    assert f"/verify/{version.public_token}" in text


def test_two_requests_racing_for_the_same_number_both_get_a_version(make_app):
    """Two requests print different content of one record at the same moment."""
    import threading

    app = make_app()
    barrier = threading.Barrier(2, timeout=30)
    results: dict[str, int] = {}
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        first_call = [True]

        def render(stamp: Stamp) -> bytes:
            if first_call[0]:
                first_call[0] = False
                barrier.wait()  # both have chosen the same number before either stores it
            return Renderer()(stamp)

        try:
            with app.app_context():
                version = services.publish(
                    "samples", 7, variant="th", content={"who": name}, render=render, actor=None
                )
                results[name] = version.version
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(results.values()) == [1, 2]
    with app.app_context():
        stored = services.versions_of("samples", 7)
        assert [v.version for v in stored] == [2, 1]
        assert all(services.file_intact(v) for v in stored)
        folder = services.storage_root() / "samples" / "7"
        assert len(list(folder.iterdir())) == 2
