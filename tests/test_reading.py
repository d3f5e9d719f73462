"""Rows of columns read on the request's connection (``registry.db.read``): the same rows and
types as through the session, and a change not yet sent is seen, as the session would see it."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from registry.db import db, read
from registry.organisations.models import Contact, Organisation, OrganisationKind, PdpaBasis


def _columns(organisation_id: int) -> sa.Select:
    return sa.select(
        Organisation.id, Organisation.name_th, Organisation.kind, Organisation.created_at
    ).where(Organisation.id == sa.bindparam("organisation_id"))


def test_read_answers_the_rows_and_python_types_the_session_answers(app, make_organisation):
    organisation_id = make_organisation("สมาคมอ่านแถว", kind=OrganisationKind.UNIVERSITY)
    with app.test_request_context("/"):
        through_session = db.session.execute(
            _columns(organisation_id), {"organisation_id": organisation_id}
        ).one()
        through_read = read(_columns(organisation_id), {"organisation_id": organisation_id}).one()
        db.session.rollback()
    assert through_read == through_session
    assert through_read.kind is OrganisationKind.UNIVERSITY
    assert through_read.name_th == "สมาคมอ่านแถว"
    assert type(through_read.created_at) is type(through_session.created_at)


def test_read_sees_a_change_the_transaction_has_not_sent_yet(app, make_organisation):
    organisation_id = make_organisation("สมาคมก่อนแก้")
    with app.test_request_context("/"):
        db.session.get(Organisation, organisation_id).name_th = "สมาคมหลังแก้"
        db.session.add(
            Contact(
                organisation_id=organisation_id,
                first_name="สมหญิง",
                pdpa_basis=PdpaBasis.CONSENT,
                consent_date=date(2026, 1, 5),
            )
        )
        name = read(
            sa.select(Organisation.name_th).where(Organisation.id == organisation_id)
        ).scalar_one()
        contacts = read(
            sa.select(Contact.first_name).where(Contact.organisation_id == organisation_id)
        ).scalars().all()
        db.session.rollback()
    assert name == "สมาคมหลังแก้"
    assert contacts == ["สมหญิง"]


def test_with_autoflush_off_read_does_not_send_pending_changes(app, make_organisation):
    organisation_id = make_organisation("สมาคมไม่ส่ง")
    with app.test_request_context("/"), db.session.no_autoflush:
        db.session.get(Organisation, organisation_id).name_th = "ยังไม่ส่ง"
        name = read(
            sa.select(Organisation.name_th).where(Organisation.id == organisation_id)
        ).scalar_one()
        db.session.rollback()
    assert name == "สมาคมไม่ส่ง"
