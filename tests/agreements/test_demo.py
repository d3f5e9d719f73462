"""The demo data: agreements in every state with the seeded associations."""

from __future__ import annotations

import sqlalchemy as sa

from registry.agreements import services
from registry.agreements.models import Agreement, AgreementState, AgreementStatus
from registry.db import db

S = AgreementStatus


def test_seed_demo_shows_the_whole_lifecycle(app, runner):
    result = runner.invoke(args=["registry", "seed-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        agreements = db.session.scalars(sa.select(Agreement)).all()
        statuses = {a.status for a in agreements}
        assert statuses == set(S)
        today = services.today()
        states = {a.state(today) for a in agreements}
        assert AgreementState.EXPIRING in states and AgreementState.ACTIVE in states
        expiring = [a for a in agreements if a.state(today) is AgreementState.EXPIRING]
        assert any(a.days_left(today) <= 60 for a in expiring)
        renewed = [a for a in agreements if a.predecessor_id is not None]
        assert len(renewed) == 1 and renewed[0].status is S.SIGNED
        with_scan = [a for a in agreements if a.has_scan]
        assert with_scan and all(services.scan_file(a) for a in with_scan)
        assert all(services.looks_like_pdf(services.scan_file(a).read_bytes()) for a in with_scan)
        # The demo representative (AIAT) has an agreement to read.
        aiat = [a for a in agreements if any(p.organisation.acronym == "AIAT" for p in a.parties)]
        assert aiat and aiat[0].status is S.APPROVED
    again = runner.invoke(args=["registry", "seed-demo"])
    assert again.exit_code == 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Agreement.id))) == len(agreements)
