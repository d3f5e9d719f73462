"""`flask registry remind`: mails the responsible staff member and the partner's contacts once
per threshold (90, 60, 30 days before the end); running it twice sends nothing twice."""

from __future__ import annotations

import email
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from registry.agreements import reminders, services
from registry.agreements.models import AgreementStatus, ReminderSent
from registry.audit.models import AuditEvent
from registry.db import db
from registry.organisations.models import OrganisationKind

S = AgreementStatus


@pytest.fixture
def mailbox(app):
    """The messages written to the mail folder since the test began, as (to, subject, body)."""
    folder = Path(app.config["MAIL_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    seen = set(folder.iterdir())

    def read():
        out = []
        for path in sorted(set(folder.iterdir()) - seen):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            out.append((message["To"], str(message["Subject"]), message.get_content()))
        return out

    return read


@pytest.mark.parametrize(
    ("days", "threshold"),
    [(91, None), (90, 90), (61, 90), (60, 60), (31, 60), (30, 30), (0, 30), (-1, None)],
)
def test_the_threshold_is_the_smallest_reached(days, threshold):
    assert reminders.threshold_for(days) == threshold


def test_remind_mails_once_per_threshold(
    app, runner, make_agreement, make_organisation, make_contact, staff_user, get_user, mailbox
):
    own = make_organisation(kind=OrganisationKind.OWN_AGENCY)
    partner = make_organisation()
    make_contact(own, email="dga.person@example.go.th")  # DGA's side: not "the partner"
    make_contact(partner, email="partner.one@example.or.th")
    make_contact(partner, email=None)
    make_contact(partner, email="former@example.or.th", active=False)
    today = services.today()
    agreement_id = make_agreement(
        S.SIGNED,
        organisation_ids=[own, partner],
        signed_on=today - timedelta(days=300),
        effective_until=today + timedelta(days=50),
    )
    make_agreement(  # far from its end: nothing to say
        S.SIGNED, signed_on=today - timedelta(days=10), effective_until=today + timedelta(days=400)
    )
    staff_email = get_user(staff_user).email

    first = runner.invoke(args=["registry", "remind"])
    assert first.exit_code == 0, first.output
    assert "60-day reminder (50 days left)" in first.output
    assert "1 reminder(s) sent." in first.output
    sent = mailbox()
    assert sorted(to for to, _subject, _body in sent) == sorted(
        [staff_email, "partner.one@example.or.th"]
    )
    assert all("50" in subject for _to, subject, _body in sent)
    assert all("DGTi" in body and "The agreement" in body for _to, _s, body in sent)

    second = runner.invoke(args=["registry", "remind"])
    assert "0 reminder(s) sent." in second.output
    assert mailbox() == sent

    # Twenty days on, the 30-day reminder is due once.
    later = (today + timedelta(days=25)).isoformat()
    third = runner.invoke(args=["registry", "remind", "--date", later])
    assert "30-day reminder (25 days left)" in third.output
    assert len(mailbox()) == 4
    with app.app_context():
        thresholds = db.session.scalars(
            sa.select(ReminderSent.threshold).where(ReminderSent.agreement_id == agreement_id)
        ).all()
        assert sorted(thresholds) == [30, 60]
        events = db.session.scalars(
            sa.select(AuditEvent.action).where(
                AuditEvent.record_type == "agreements", AuditEvent.record_id == agreement_id
            )
        ).all()
        assert events.count("sent expiry reminder") == 2


def test_remind_refuses_a_garbled_date(runner):
    result = runner.invoke(args=["registry", "remind", "--date", "tomorrow"])
    assert result.exit_code != 0
