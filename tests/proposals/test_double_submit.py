"""The proposal forms that create, each sent twice with the same token (a double click, a
browser retry): one proposal, file, endorsement (a representative's or one recorded by
staff), agenda item, annex, category; one audit event, and the second answer leads to the
first result."""

from __future__ import annotations

import io
from datetime import date

import pytest
import sqlalchemy as sa

from registry.db import db
from registry.meetings.models import AgendaItem
from registry.organisations.models import OrganisationKind
from registry.proposals.models import (
    AgreementAnnex,
    Attachment,
    Category,
    Endorsement,
    Proposal,
    ProposalStatus,
)
from tests.conftest import audit_actions, submit_twice

from .conftest import PDF

S = ProposalStatus


@pytest.fixture
def association(make_organisation):
    return make_organisation("สมาคมส่งซ้ำทดสอบ", acronym="DBL")


@pytest.fixture
def agency(make_organisation):
    return make_organisation("กรมทดสอบการส่งซ้ำ", kind=OrganisationKind.GOVERNMENT_AGENCY)


@pytest.fixture
def screened(submit, agency):
    return submit(agency, kind="problem_statement", status=S.SCREENING)


def ids(app, model, *conditions) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(sa.select(model.id).where(*conditions).order_by(model.id)))


def form_data(details, **overrides) -> dict:
    return {k: ("" if v is None else v) for k, v in details(**overrides).items()}


def test_a_new_proposal_sent_twice_is_submitted_once(app, client, sign_in, agency, details):
    sign_in("staff")
    data = form_data(details, organisation_id=agency, title="ข้อเสนอที่คลิกสองครั้ง")
    first, second = submit_twice(client, "/proposals/new", data)
    [proposal] = ids(app, Proposal, Proposal.title == "ข้อเสนอที่คลิกสองครั้ง")
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"] == f"/proposals/{proposal}"
    assert audit_actions(app, "proposals", proposal) == ["submitted proposal"]


def test_a_representatives_proposal_sent_twice_is_submitted_once(
    app, client, sign_in, association, details
):
    sign_in("representative", organisation_id=association)
    data = form_data(details, title="ข้อเสนอของสมาคม")  # no organisation: their own
    first, second = submit_twice(client, "/proposals/new", data)
    assert first.status_code == second.status_code == 302
    assert len(ids(app, Proposal, Proposal.organisation_id == association)) == 1


def test_a_file_sent_twice_is_filed_once(app, client, sign_in, screened):
    sign_in("staff")

    def data():
        return {"file": (io.BytesIO(PDF), "แผนงาน.pdf"), "public": "y"}

    first, second = submit_twice(client, f"/proposals/{screened}/attachments/new", data)
    [attachment] = ids(app, Attachment, Attachment.proposal_id == screened)
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == f"/proposals/{screened}#attachments"
    assert audit_actions(app, "proposal_attachments", attachment) == ["added attachment"]


def test_an_endorsement_sent_twice_leads_to_the_first_not_to_a_refusal(
    app, client, sign_in, screened, association
):
    sign_in("representative", organisation_id=association)

    def data():
        return {
            "organisation_id": str(association),
            "statement": "สมาคมสนับสนุน",
            "letter": (io.BytesIO(PDF), "หนังสือ.pdf"),
        }

    first, second = submit_twice(client, f"/proposals/{screened}/endorse", data)
    [endorsement] = ids(app, Endorsement, Endorsement.proposal_id == screened)
    assert first.status_code == second.status_code == 302  # not 422 "already endorsed"
    assert second.headers["Location"] == f"/proposals/{screened}#endorsements"
    assert audit_actions(app, "proposal_endorsements", endorsement) == ["endorsed"]
    with app.app_context():
        assert db.session.get(Proposal, screened).endorsement_count == 1


def test_an_endorsement_recorded_by_staff_twice_is_recorded_once(
    app, client, sign_in, screened, association
):
    sign_in("staff")
    data = {
        "organisation_id": str(association),
        "statement": "หนังสือสนับสนุนฉบับกระดาษ",
        "endorsed_on": date.today().isoformat(),
    }
    url = f"/proposals/{screened}/endorsements/record"
    first, second = submit_twice(client, url, data)
    [endorsement] = ids(app, Endorsement, Endorsement.proposal_id == screened)
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == f"/proposals/{screened}#endorsements"
    assert audit_actions(app, "proposal_endorsements", endorsement) == ["recorded endorsement"]


def test_placing_on_an_agenda_twice_adds_one_item(app, client, sign_in, screened, meeting):
    _committee, meeting_id = meeting(held_on=date(2030, 3, 10))
    sign_in("staff")
    data = {"meeting_id": str(meeting_id), "title": "", "body": "ความเป็นมา"}
    first, second = submit_twice(client, f"/proposals/{screened}/agenda", data)
    [item] = ids(app, AgendaItem, AgendaItem.proposal_id == screened)
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == f"/proposals/{screened}#meetings"
    assert audit_actions(app, "agenda_items", item) == ["created"]
    assert audit_actions(app, "proposals", screened).count("placed on agenda") == 1


def test_annexing_twice_annexes_once(app, client, sign_in, screened, make_agreement):
    draft = make_agreement()
    sign_in("staff")
    first, second = submit_twice(
        client, f"/proposals/{screened}/annex", {"agreement_id": str(draft)}
    )
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == f"/proposals/{screened}#annexes"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AgreementAnnex)) == 1
    assert audit_actions(app, "proposals", screened).count("annexed to agreement") == 1


def test_a_new_category_sent_twice_is_added_once(app, client, sign_in):
    sign_in("staff")
    data = {"name_th": "เกษตรอัจฉริยะ", "name_en": "Smart farming", "active": "y"}
    first, second = submit_twice(client, "/proposals/categories/new", data)
    [category] = ids(app, Category, Category.name_th == "เกษตรอัจฉริยะ")
    assert first.status_code == second.status_code == 302  # not 422 "already exists"
    assert second.headers["Location"] == first.headers["Location"] == "/proposals/categories"
    assert audit_actions(app, "proposal_categories", category) == ["created"]
