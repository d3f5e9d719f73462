"""A small registry to search: two associations (the representative's and another), DGA,
their people, agreements, a proposal, two committees and their meetings, every record made
through the services. Every name holds the word ค้นหา, so one query finds them all."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from registry.agreements.models import AgreementStatus
from registry.auth.models import User
from registry.db import db
from registry.organisations import services as organisations
from registry.organisations.models import Contact, OrganisationKind, OrganisationStatus
from tests.agreements.conftest import make_agreement, staff_user, two_organisations  # noqa: F401
from tests.committees.conftest import appoint, make_committee  # noqa: F401

# The other packages' factories serve here too.
from tests.conftest import sign_in_client
from tests.meetings.conftest import schedule  # noqa: F401
from tests.proposals.conftest import category, details, staff, submit  # noqa: F401

#: The word every record of the world holds.
WORD = "ค้นหา"


@pytest.fixture(autouse=True)
def english_by_default(app, monkeypatch):
    """Messages are checked in English (Thai is the default language)."""
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "en")


@pytest.fixture
def sign_in_as(app, client):
    """Sign the client in as an existing account."""

    def do(user_id: int) -> None:
        with app.app_context():
            email = db.session.get(User, user_id).email
        sign_in_client(client, email)

    return do


@pytest.fixture
def world(
    app,
    make_organisation,
    make_contact,
    make_user,
    make_agreement,  # noqa: F811
    submit,  # noqa: F811
    make_committee,  # noqa: F811
    appoint,  # noqa: F811
    schedule,  # noqa: F811
):
    """The records, by name; ``rep`` and ``secretary`` are account ids."""
    dga = make_organisation(
        "สำนักงานพัฒนารัฐบาลดิจิทัลค้นหา", acronym="DGAX", kind=OrganisationKind.OWN_AGENCY
    )
    ours = make_organisation(
        "สมาคมไทยไอโอทีค้นหา",
        name_en="Thai IoT Search Association",
        acronym="TIOTX",
        status=OrganisationStatus.ACTIVE,
    )
    theirs = make_organisation(
        "สมาคมปัญญาประดิษฐ์ค้นหาประเทศไทย", name_en="AI Search Association", acronym="AIATX"
    )
    closed = make_organisation(
        "สมาคมเลิกกิจการค้นหา", acronym="OLDX", status=OrganisationStatus.INACTIVE
    )
    our_person = make_contact(
        ours,
        title="นางสาว",
        first_name="ศิริพรค้นหา",
        last_name="ใจดี",
        position="นายกสมาคม",
        email="siriporn@tiotx.example",
    )
    their_person = make_contact(
        theirs,
        title="ดร.",
        first_name="สมชายค้นหา",
        last_name="รักไทย",
        position="เลขาธิการสมาคม",
        email="somchai@aiatx.example",
    )
    erased = make_contact(theirs, first_name="ลบแล้วค้นหา", email="erased@aiatx.example")
    with app.app_context():
        organisations.erase_contact(db.session.get(Contact, erased), actor=None)
        db.session.commit()
    rep = make_user("representative", organisation_id=ours)
    secretary = make_user("secretary")
    our_approved = make_agreement(
        AgreementStatus.APPROVED, [dga, ours], title_th="ความร่วมมือค้นหาด้านไอโอทีและการนำข้อมูลไปใช้"
    )
    our_draft = make_agreement(
        AgreementStatus.DRAFT, [dga, ours], title_th="ร่างความร่วมมือค้นหาด้านไอโอที"
    )
    their_signed = make_agreement(
        AgreementStatus.SIGNED,
        [dga, theirs],
        title_th="ความร่วมมือค้นหาด้านปัญญาประดิษฐ์",
        title_en="Search Cooperation on AI",
    )
    proposal = submit(theirs, title="ระบบค้นหาข้อมูลน้ำท่วม")
    our_committee = make_committee(
        name_th="คณะกรรมการร่วมค้นหา", name_en="Joint Search Committee", order_number="7/2567"
    )
    appoint(our_committee, our_person, "member", organisation_id=ours)
    appoint(our_committee, their_person, "secretary", user_id=secretary)
    other_committee = make_committee(name_th="คณะทำงานค้นหาอื่น")
    appoint(other_committee, their_person, "member")
    our_meeting = schedule(our_committee, held_on=date(2025, 3, 10), venue="ห้องประชุมค้นหา 1")
    other_meeting = schedule(other_committee, held_on=date(2025, 4, 2), venue="ห้องประชุมค้นหา 2")
    return SimpleNamespace(
        dga=dga,
        ours=ours,
        theirs=theirs,
        closed=closed,
        our_person=our_person,
        their_person=their_person,
        erased=erased,
        rep=rep,
        secretary=secretary,
        our_approved=our_approved,
        our_draft=our_draft,
        their_signed=their_signed,
        proposal=proposal,
        our_committee=our_committee,
        other_committee=other_committee,
        our_meeting=our_meeting,
        other_meeting=other_meeting,
    )
