"""No personal data in the open data: people with distinctive names, email addresses and
telephone numbers are everywhere in the registry (contacts, signatories, witnesses,
committee members, a proposal's contact, endorsers, staff), and none of it appears in any
published file, in the page, or in what the command writes."""

from __future__ import annotations

import pytest

from registry.agreements.models import AgreementStatus
from registry.opendata import services
from registry.organisations.models import OrganisationKind
from registry.proposals.models import ProposalStatus

#: What must never be published: people's names, addresses and numbers, and the free texts
#: that may hold them.
SECRETS = (
    # organisation contact details (a small association's are often a person's own)
    "ซอยลับเฉพาะบ้านเลขที่ 99/9",
    "org-private@assoc-secret.example",
    "02 999 8888",
    "บันทึกภายในห้ามเผยแพร่",
    # contacts and committee members
    "ประพันธ์ลับ",
    "นามสกุลลับเฉพาะ",
    "prapan.secret@example.or.th",
    "081 777 6655",
    "กรรมการลับชื่อพิเศษ",
    "committee.secret@example.or.th",
    "089 111 2233",
    # signatories and witnesses
    "นายผู้ลงนามลับ",
    "Mr Secret Signatory",
    "ผู้ช่วยลงนามลับตำแหน่ง",
    "นางสาวพยานลับ",
    # free texts of agreements, proposals and endorsements
    "วัตถุประสงค์ที่มีชื่อนายลับ",
    "เหตุผลการยุติที่มีชื่อนายลับ",
    "สรุปข้อเสนอที่มีชื่อนางลับ",
    "ปัญหาที่มีเบอร์ 086 555 4433",
    "คำสนับสนุนจากนายลับพิเศษ",
    # accounts
    "เจ้าหน้าที่ลับชื่อเฉพาะ",
    "staff.secret@example.go.th",
)


@pytest.fixture
def people_everywhere(
    app, make_organisation, make_contact, make_user, make_agreement, make_committee, appoint,
    submit, endorse,
):  # fmt: skip
    """Seed the registry with the secrets in every place a person can be."""
    own = make_organisation(
        "สำนักงานทดสอบบุคคล", kind=OrganisationKind.OWN_AGENCY,
        address="ซอยลับเฉพาะบ้านเลขที่ 99/9 กรุงเทพมหานคร", email="org-private@assoc-secret.example",
        phone="02 999 8888", notes="บันทึกภายในห้ามเผยแพร่",
    )  # fmt: skip
    partner = make_organisation("สมาคมทดสอบบุคคล", phone="081 777 6655")
    contact = make_contact(
        partner, title="นาย", first_name="ประพันธ์ลับ", last_name="นามสกุลลับเฉพาะ",
        email="prapan.secret@example.or.th", phone="081 777 6655", position="นายกสมาคม",
    )  # fmt: skip
    member = make_contact(
        own, first_name="กรรมการลับชื่อพิเศษ", email="committee.secret@example.or.th",
        phone="089 111 2233",
    )  # fmt: skip
    staff = make_user("staff", email="staff.secret@example.go.th",
                      full_name="เจ้าหน้าที่ลับชื่อเฉพาะ")  # fmt: skip
    parties = [
        {
            "organisation_id": organisation_id,
            "short_name_th": short,
            "short_name_en": short,
            "signatory_name": "นายผู้ลงนามลับ",
            "signatory_position": "ผู้ช่วยลงนามลับตำแหน่ง",
            "signatory_name_en": "Mr Secret Signatory",
            "signatory_position_en": "Director",
            "responsibilities_th": "ประสานงาน",
            "responsibilities_en": "Coordinate",
        }
        for organisation_id, short in ((own, "สพร."), (partner, "สมาคม"))
    ]
    witnesses = [{"name": "นางสาวพยานลับ", "witness_position": "พยาน", "organisation_id": None}]
    for status in (AgreementStatus.SIGNED, AgreementStatus.TERMINATED, AgreementStatus.DRAFT):
        make_agreement(
            status, organisation_ids=[own, partner], parties=parties, witnesses=witnesses,
            objectives_th="วัตถุประสงค์ที่มีชื่อนายลับ", responsible_id=staff,
        )  # fmt: skip
    with app.app_context():
        from registry.agreements.models import Agreement
        from registry.db import db

        terminated = db.session.scalars(
            db.select(Agreement).where(Agreement.status == AgreementStatus.TERMINATED)
        ).all()
        for agreement in terminated:
            agreement.termination_reason = "เหตุผลการยุติที่มีชื่อนายลับ"
        from registry import audit

        audit.record_event(None, "created (test)", record_type="agreements")
        db.session.commit()
    committee = make_committee(name_th="คณะกรรมการทดสอบบุคคล")
    appoint(committee, member, "chair", appointed_by="คำสั่งที่ 1/2567")
    appoint(committee, contact, "member")
    proposal = submit(
        partner, ProposalStatus.SCREENING, contact_id=contact,
        summary="สรุปข้อเสนอที่มีชื่อนางลับ", problem="ปัญหาที่มีเบอร์ 086 555 4433",
    )  # fmt: skip
    representative = make_user("representative", organisation_id=own)
    endorse(proposal, representative, statement="คำสนับสนุนจากนายลับพิเศษ")


def _stored(app) -> str:
    """Every text column where the secrets were put, read back from the database."""
    from registry.agreements.models import Agreement, AgreementParty, Witness
    from registry.auth.models import User
    from registry.db import db
    from registry.organisations.models import Contact, Organisation
    from registry.proposals.models import Endorsement, Proposal

    columns = (
        Organisation.address, Organisation.email, Organisation.phone, Organisation.notes,
        Contact.first_name, Contact.last_name, Contact.email, Contact.phone,
        AgreementParty.signatory_name, AgreementParty.signatory_name_en,
        AgreementParty.signatory_position, Witness.name, Agreement.objectives_th,
        Agreement.termination_reason, Proposal.summary, Proposal.problem,
        Endorsement.statement, User.full_name, User.email,
    )  # fmt: skip
    with app.app_context():
        return "\n".join(
            str(value) for column in columns for value in db.session.scalars(db.select(column))
        )


def _assert_clean(name: str, text: str) -> None:
    leaked = [secret for secret in SECRETS if secret in text]
    assert not leaked, f"{name} publishes {leaked}"


def test_no_file_or_page_publishes_personal_data(
    app, client, people_everywhere, every_file, records
):
    stored = _stored(app)
    assert [secret for secret in SECRETS if secret not in stored] == []
    files = every_file()
    # The seeded records are there (the test would prove nothing on empty files) ...
    assert "สมาคมทดสอบบุคคล" in files["organisations.csv"]
    assert "สมาคมทดสอบบุคคล" in files["agreement-parties.json"]
    assert "คณะกรรมการทดสอบบุคคล" in files["committees.csv"]
    assert len(records("committee-organisations")) == 2
    assert records("proposals")[0]["endorsement_count"] == 1
    # ... and nobody in them.
    for name, text in files.items():
        _assert_clean(name, text)
    for language in ("th", "en"):
        client.post("/language", data={"locale": language}).close()
        with client.get("/open-data") as page:
            assert page.status_code == 200
            _assert_clean(f"the page ({language})", page.get_data(as_text=True))


def test_the_command_writes_no_personal_data(runner, people_everywhere, tmp_path):
    result = runner.invoke(args=["registry", "export-open-data", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = sorted(path.name for path in tmp_path.iterdir())
    assert written == sorted(services.FILES)
    for path in tmp_path.iterdir():
        _assert_clean(path.name, path.read_text(encoding="utf-8-sig"))
