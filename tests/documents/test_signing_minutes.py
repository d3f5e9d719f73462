# ruff: noqa: F811 (the signing and meeting fixtures are imported)
"""Certified minutes signed electronically in their signature blocks (the minute taker's,
the reviewer's) with the agency's certificate, through the meeting's pages."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from registry.auth.models import Role
from registry.db import db
from registry.documents.models import DocumentVersion
from registry.meetings import services
from registry.meetings.models import Meeting
from tests.committees.conftest import appoint, make_committee  # noqa: F401
from tests.conftest import form_token
from tests.documents.test_signing import (  # noqa: F401 (fixtures)
    _counts,
    _pdfsig,
    authority,
    configured,
    text_under_signatures,
)
from tests.meetings.conftest import (  # noqa: F401
    DAY,
    board,
    call,  # noqa: F401
    hold,
    schedule,
)


def _certified(app, board, schedule, hold) -> int:
    """A meeting whose minutes the next meeting certified; its id."""
    ours = board()
    first = schedule(ours.committee, DAY)
    hold(first, ours.seats, drafted=True)
    second = schedule(ours.committee, date(2025, 4, 10))
    hold(second, ours.seats)
    with app.app_context():
        item = next(i for i in db.session.get(Meeting, second).items if i.certifies_meeting_id)
        services.certify_minutes(item, actor=None)
    return first


def _minutes_version(app, client, meeting_id) -> DocumentVersion:
    with client.get(f"/meetings/{meeting_id}/minutes.pdf?variant=th") as response:
        assert response.status_code == 200
    with app.app_context():
        version = db.session.scalars(
            sa.select(DocumentVersion).where(
                DocumentVersion.record_type == "meeting_minutes",
                DocumentVersion.record_id == meeting_id,
            )
        ).one()
        db.session.expunge(version)
        return version


def test_certified_minutes_are_signed_in_both_blocks_and_pdfsig_reads_both(
    app, client, configured, sign_in, board, schedule, hold, tmp_path
):
    meeting_id = _certified(app, board, schedule, hold)
    sign_in(Role.STAFF)
    version = _minutes_version(app, client, meeting_id)
    assert version.final
    base = f"/meetings/{meeting_id}/minutes/{version.id}"
    with client.get(f"/meetings/{meeting_id}") as response:
        assert f"{base}/signatures" in response.get_data(as_text=True)
    for block in ("signature-1", "signature-2"):
        token = form_token(client, f"{base}/sign")
        with client.post(f"{base}/sign", data={"field": block, "submission": token}) as answer:
            assert answer.status_code == 302, answer.get_data(as_text=True)[:300]
    with client.get(f"{base}/signed") as response:
        signed = response.data
    report = _pdfsig(signed, tmp_path)
    assert report.count("Signature is Valid") == 2
    assert "Total document signed" in report.split("Signature #2")[1]
    assert text_under_signatures(signed) == []  # both boxes clear of the text around them
    page = client.get(f"{base}/signatures").get_data(as_text=True)
    assert page.count('data-testid="signature"') == 2


def test_draft_minutes_and_the_agenda_are_not_signed(
    app, client, configured, sign_in, board, schedule, hold
):
    ours = board()
    meeting_id = schedule(ours.committee, DAY)
    hold(meeting_id, ours.seats, drafted=True)
    sign_in(Role.STAFF)
    draft = _minutes_version(app, client, meeting_id)
    assert not draft.final
    with client.get(f"/meetings/{meeting_id}/agenda.pdf?variant=th") as response:
        assert response.status_code == 200
    with app.app_context():
        agenda = db.session.scalars(
            sa.select(DocumentVersion).where(DocumentVersion.record_type == "meeting_agendas",
                                             DocumentVersion.record_id == meeting_id)
        ).one()  # fmt: skip
    before = _counts(app)
    for version_id in (draft.id, agenda.id):
        with client.get(f"/meetings/{meeting_id}/minutes/{version_id}/sign") as response:
            assert response.status_code == 404
    assert _counts(app) == before


def test_a_secretary_may_not_sign_with_the_agency_certificate(
    app, client, configured, sign_in, board, schedule, hold
):
    meeting_id = _certified(app, board, schedule, hold)
    sign_in(Role.STAFF)
    version = _minutes_version(app, client, meeting_id)
    client.post("/sign-out")
    sign_in(Role.SECRETARY)
    with client.get(f"/meetings/{meeting_id}/minutes/{version.id}/sign") as response:
        assert response.status_code == 403
