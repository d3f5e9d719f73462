"""The published files: each resource in CSV and JSON with the dictionary's fields, codes the
dictionary explains, ISO dates, only published agreements, caching, and bad names."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from registry.agreements import services as agreement_services
from registry.agreements.models import AgreementStatus
from registry.committees.models import Committee, Membership
from registry.committees.services import end_membership
from registry.db import db
from registry.opendata import dictionary, services
from registry.organisations.models import OrganisationKind, OrganisationStatus
from registry.proposals.models import ProposalStatus
from tests.opendata.conftest import get

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _csv_rows(body: bytes) -> list[dict]:
    assert body.startswith("\ufeff".encode()), "CSV starts with a byte-order mark for Excel"
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


@pytest.fixture
def world(make_organisation, make_agreement, make_committee, appoint, make_contact, submit):
    """A little of everything: a signed and a terminated agreement, a committee with seats,
    a proposal."""
    own = make_organisation(
        "สำนักงานทดสอบข้อมูลเปิด", kind=OrganisationKind.OWN_AGENCY, province="10",
        website="https://www.example.go.th", status=OrganisationStatus.ACTIVE,
    )  # fmt: skip
    partner = make_organisation("สมาคมทดสอบข้อมูลเปิด", province="20", website="javascript:x")
    signed = make_agreement(
        AgreementStatus.SIGNED, organisation_ids=[own, partner],
        title_th="ความร่วมมือที่ลงนามแล้ว", effective_until=date(2099, 12, 31),
    )  # fmt: skip
    terminated = make_agreement(AgreementStatus.TERMINATED, title_th="ความร่วมมือที่ยุติแล้ว")
    committee = make_committee(name_th="คณะกรรมการร่วมข้อมูลเปิด", mandate="ให้คำแนะนำ")
    appoint(committee, make_contact(own), "chair")
    appoint(committee, make_contact(own), "secretary")
    appoint(committee, make_contact(partner), "member")
    proposal = submit(partner, ProposalStatus.SCREENING, title="ข้อเสนอข้อมูลเปิด")
    return {
        "own": own,
        "partner": partner,
        "signed": signed,
        "terminated": terminated,
        "committee": committee,
        "proposal": proposal,
    }


@pytest.mark.parametrize("resource", dictionary.RESOURCES, ids=lambda r: r.name)
def test_csv_and_json_carry_the_dictionary_fields(client, world, resource):
    status, headers, body = get(client, f"{resource.name}.csv")
    assert status == 200
    assert headers["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="{resource.name}.csv"' in headers["Content-Disposition"]
    rows = _csv_rows(body)
    assert rows, "the world has a record of every resource"
    assert list(rows[0]) == resource.field_names

    status, headers, body = get(client, f"{resource.name}.json")
    assert status == 200 and headers["Content-Type"] == "application/json"
    document = json.loads(body)
    assert document["resource"] == resource.name
    assert document["as_of"] == agreement_services.today().isoformat()
    assert document["count"] == len(document["records"]) == len(rows)
    for record in document["records"]:
        assert list(record) == resource.field_names
    # The same records in both formats (CSV writes an empty cell where JSON has null).
    for record, row in zip(document["records"], rows, strict=True):
        assert {k: "" if v is None else str(v) for k, v in record.items()} == row


@pytest.mark.parametrize("resource", dictionary.RESOURCES, ids=lambda r: r.name)
def test_values_are_codes_the_dictionary_explains_and_dates_are_iso(records, world, resource):
    found = records(resource.name)
    for f in resource.fields:
        values = [record[f.name] for record in found]
        if f.required:
            assert None not in values, f.name
        codes = {code.code for code in f.codes()}
        if codes:
            assert set(values) - {None} <= codes, f.name
        if f.type == dictionary.DATE:
            assert all(ISO_DATE.fullmatch(v) for v in values if v is not None), f.name
        if f.type == dictionary.INTEGER:
            assert all(isinstance(v, int) for v in values if v is not None), f.name


def test_organisations_publish_no_address_email_or_phone_and_only_web_links(records, world):
    by_id = {record["id"]: record for record in records("organisations")}
    own, partner = by_id[world["own"]], by_id[world["partner"]]
    assert own["kind"] == "own_agency" and own["status"] == "active"
    assert (own["province_code"], own["province_name_th"], own["province_name_en"]) == (
        "10", "กรุงเทพมหานคร", "Bangkok",
    )  # fmt: skip
    assert own["website"] == "https://www.example.go.th"
    assert partner["website"] is None  # not an http(s) address: not published
    assert not {"address", "email", "phone", "notes"} & set(own)


def test_agreements_with_their_parties_state_and_periods(app, records, world):
    agreements = {record["id"]: record for record in records("agreements")}
    signed, terminated = agreements[world["signed"]], agreements[world["terminated"]]
    today = agreement_services.today()
    assert signed["status"] == "signed" and signed["state"] == "active"
    assert signed["signed_on"] == (today - timedelta(days=10)).isoformat()
    assert signed["effective_from"] == signed["signed_on"]  # none set: the day of signing
    assert signed["effective_until"] == "2099-12-31"
    assert signed["title_th"] == "ความร่วมมือที่ลงนามแล้ว"
    assert terminated["status"] == terminated["state"] == "terminated"
    assert terminated["terminated_on"] == today.isoformat()
    parties = [p for p in records("agreement-parties") if p["agreement_id"] == world["signed"]]
    assert [(p["position"], p["organisation_id"]) for p in parties] == [
        (1, world["own"]),
        (2, world["partner"]),
    ]
    assert parties[0]["organisation_name_th"] == "สำนักงานทดสอบข้อมูลเปิด"
    assert parties[0]["agreement_reference"] == signed["reference"]


def test_the_state_follows_the_dates(make_agreement, records):
    today = agreement_services.today()
    expiring = make_agreement(
        AgreementStatus.SIGNED, signed_on=today - timedelta(days=300),
        effective_until=today + timedelta(days=30),
    )  # fmt: skip
    expired = make_agreement(
        AgreementStatus.SIGNED, signed_on=today - timedelta(days=300),
        effective_until=today - timedelta(days=1),
    )  # fmt: skip
    pending = make_agreement(
        AgreementStatus.SIGNED, signed_on=today - timedelta(days=3),
        effective_from=today + timedelta(days=5),
    )  # fmt: skip
    states = {record["id"]: record["state"] for record in records("agreements")}
    assert (states[expiring], states[expired], states[pending]) == (
        "expiring", "expired", "pending",
    )  # fmt: skip


def test_drafts_and_unsigned_agreements_are_not_published(
    client, make_agreement, every_file, records
):
    hidden = {
        AgreementStatus.DRAFT: "ร่างลับยังไม่เผยแพร่หนึ่ง",
        AgreementStatus.IN_REVIEW: "ร่างลับระหว่างตรวจทานสอง",
        AgreementStatus.APPROVED: "ร่างลับอนุมัติแล้วสาม",
    }
    hidden_ids = {
        make_agreement(status, title_th=title, title_en=f"Hidden {status.value}")
        for status, title in hidden.items()
    }
    shown = make_agreement(AgreementStatus.SIGNED, title_th="ฉบับลงนามที่เผยแพร่ได้")
    published = {record["id"] for record in records("agreements")}
    assert shown in published and not hidden_ids & published
    party_agreements = {record["agreement_id"] for record in records("agreement-parties")}
    assert shown in party_agreements and not hidden_ids & party_agreements
    text = "\n".join(every_file().values())
    with client.get("/open-data") as page:
        text += page.get_data(as_text=True)
    for title in hidden.values():
        assert title not in text
    assert "Hidden " not in text


def test_a_renewal_names_its_predecessor_only_when_that_is_published(app, make_agreement, records):
    old = make_agreement(AgreementStatus.SIGNED, title_th="ฉบับเดิม")
    draft_old = make_agreement(AgreementStatus.DRAFT, title_th="ฉบับเดิมที่เป็นร่าง")
    renewal = make_agreement(AgreementStatus.SIGNED, title_th="ฉบับต่ออายุ")
    orphan = make_agreement(AgreementStatus.SIGNED, title_th="ฉบับต่ออายุจากร่าง")
    with app.app_context():
        from registry.agreements.models import Agreement

        # Set directly: the renewal service makes a draft, and this is about the export.
        db.session.execute(
            sa.update(Agreement).where(Agreement.id == renewal).values(predecessor_id=old)
        )
        db.session.execute(
            sa.update(Agreement).where(Agreement.id == orphan).values(predecessor_id=draft_old)
        )
        db.session.commit()
    predecessors = {record["id"]: record["predecessor_id"] for record in records("agreements")}
    assert predecessors[renewal] == old
    assert predecessors[orphan] is None


def test_committees_and_the_organisations_sitting_today(
    app, records, world, make_committee, make_contact, appoint
):
    committees = {record["id"]: record for record in records("committees")}
    joint = committees[world["committee"]]
    assert joint["kind"] == "joint_committee" and joint["mandate"] == "ให้คำแนะนำ"
    assert joint["established_on"] == "2024-01-01" and joint["dissolved_on"] is None
    sub = make_committee(kind="subcommittee", parent_id=world["committee"], name_th="อนุทดสอบ")
    assert {r["id"]: r for r in records("committees")}[sub]["parent_id"] == world["committee"]

    seats = {
        (row["committee_id"], row["organisation_id"]): row["seats"]
        for row in records("committee-organisations")
    }
    assert seats[(world["committee"], world["own"])] == 2
    assert seats[(world["committee"], world["partner"])] == 1
    # A seat that has ended no longer counts.
    with app.app_context():
        seat = db.session.scalar(
            sa.select(Membership).where(
                Membership.committee_id == world["committee"],
                Membership.organisation_id == world["partner"],
            )
        )
        end_membership(seat, None, ended_on=agreement_services.today(), reason="ลาออก")
        assert db.session.get(Committee, world["committee"]) is not None
    pairs = {(r["committee_id"], r["organisation_id"]) for r in records("committee-organisations")}
    assert (world["committee"], world["partner"]) not in pairs
    assert (world["committee"], world["own"]) in pairs


def test_proposals_with_category_submitter_and_endorsements(records, world, endorse, make_user):
    representative = make_user("representative", organisation_id=world["own"])
    endorse(world["proposal"], representative)
    proposal = {record["id"]: record for record in records("proposals")}[world["proposal"]]
    assert proposal["title"] == "ข้อเสนอข้อมูลเปิด"
    assert (proposal["kind"], proposal["status"]) == ("draft_project", "screening")
    assert proposal["category_code"] == "iot" and proposal["category_name_th"]
    assert proposal["organisation_id"] == world["partner"]
    assert proposal["submitted_on"] == agreement_services.today().isoformat()
    assert proposal["endorsement_count"] == 1
    assert not {"summary", "problem", "approach", "contact_id"} & set(proposal)


def test_the_dictionary_describes_every_field_in_thai_and_english(client):
    status, _headers, body = get(client, "data-dictionary.json")
    assert status == 200
    document = json.loads(body)
    assert [r["name"] for r in document["resources"]] == [r.name for r in dictionary.RESOURCES]
    assert any("ISO 8601" in c["en"] and "ISO 8601" in c["th"] for c in document["conventions"])
    for resource, described in zip(dictionary.RESOURCES, document["resources"], strict=True):
        assert [f["name"] for f in described["fields"]] == resource.field_names
        for f in described["fields"]:
            assert f["type"] in {"integer", "string", "date"}
            assert re.search("[\u0e00-\u0e7f]", f["description"]["th"]), f["name"]
            assert f["description"]["en"].isascii(), f["name"]
    agreement_fields = {f["name"]: f for f in document["resources"][1]["fields"]}
    states = {v["code"]: v["label"] for v in agreement_fields["state"]["values"]}
    assert set(states) == {"pending", "active", "expiring", "expired", "terminating", "terminated"}
    assert states["active"]["en"] == "In force"
    assert re.search("[\u0e00-\u0e7f]", states["active"]["th"])
    assert [v["code"] for v in agreement_fields["status"]["values"]] == ["signed", "terminated"]

    status, _headers, body = get(client, "data-dictionary.csv")
    rows = _csv_rows(body)
    assert len(rows) == sum(len(r.fields) for r in dictionary.RESOURCES)
    kind = next(r for r in rows if (r["resource"], r["field"]) == ("organisations", "kind"))
    assert "association = " in kind["values"] and "Association" in kind["values"]
    assert kind["required"] == "yes"


def test_the_catalogue_record_lists_every_file_with_its_licence(client, world):
    status, _headers, body = get(client, "catalogue.json")
    assert status == 200
    record = json.loads(body)
    assert record["@type"] == "dcat:Dataset"
    assert record["title"]["th"] and record["title"]["en"] == "DGTi Partner Registry"
    assert record["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert record["license_id"] == "CC-BY-4.0"
    assert record["accrualPeriodicity"] == "http://purl.org/cld/freq/daily"
    assert record["publisher"]["name"]["en"].startswith("Digital Government Development Agency")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", record["modified"])
    assert record["landingPage"] == "http://localhost/open-data"
    names = [d["identifier"] for d in record["distribution"]]
    assert sorted(names) == sorted(set(services.FILES) - {"catalogue.json"})
    for distribution in record["distribution"]:
        url = distribution["downloadURL"]
        assert url == "http://localhost/open-data/" + distribution["identifier"]
        assert distribution["format"] in {"CSV", "JSON"}
        assert get(client, distribution["identifier"])[0] == 200


def test_the_catalogue_uses_the_public_address_when_configured(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://registry.example.go.th")
    record = json.loads(get(client, "catalogue.json")[2])
    assert record["distribution"][0]["downloadURL"].startswith(
        "https://registry.example.go.th/open-data/"
    )


def test_files_carry_an_etag_and_answer_not_modified(client, world):
    status, headers, _body = get(client, "organisations.csv")
    assert status == 200 and headers["ETag"]
    assert "public" in headers["Cache-Control"] and "max-age" in headers["Cache-Control"]
    assert headers["Access-Control-Allow-Origin"] == "*"
    with client.get(
        "/open-data/organisations.csv", headers={"If-None-Match": headers["ETag"]}
    ) as again:
        assert again.status_code == 304 and again.get_data() == b""


def test_a_change_changes_the_etag(client, world, make_organisation):
    _status, first, _body = get(client, "organisations.json")
    make_organisation("สมาคมเพิ่มใหม่หลังดาวน์โหลด")
    _status, second, body = get(client, "organisations.json")
    assert first["ETag"] != second["ETag"]
    assert "สมาคมเพิ่มใหม่หลังดาวน์โหลด" in body.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/open-data/unknown.csv",
        "/open-data/organisations.xml",
        "/open-data/organisations.xlsx",
        "/open-data/organisations",
        "/open-data/ORGANISATIONS.CSV",
        "/open-data/organisations.csv.json",
        "/open-data/catalogue.csv",
        "/open-data/" + "a" * 5000 + ".csv",
        "/open-data/%00.csv",
        "/open-data/..%2F..%2Fetc%2Fpasswd",
        "/open-data/organisations.csv/extra",
    ],
)
def test_unknown_files_answer_not_found(client, path):
    with client.get(path) as response:
        assert response.status_code == 404


def test_only_reading_is_allowed(client):
    with client.post("/open-data/organisations.csv") as response:
        assert response.status_code == 405


def _statements(client, name: str) -> int:
    """How many SQL statements serving one file takes."""
    counted = []

    def record(*_args):
        counted.append(1)

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", record)
    try:
        assert get(client, name)[0] == 200
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", record)
    return len(counted)


def test_statements_do_not_grow_with_the_rows(
    client, make_organisation, make_agreement, make_committee, make_contact, appoint, submit
):
    def add_rows(n: int) -> None:
        for _ in range(n):
            organisation = make_organisation()
            make_agreement(AgreementStatus.SIGNED)
            committee = make_committee()
            appoint(committee, make_contact(organisation), "member")
            submit(organisation)

    add_rows(1)
    few = {name: _statements(client, name) for name in services.FILES}
    add_rows(4)
    many = {name: _statements(client, name) for name in services.FILES}
    assert many == few
    # The dictionary reads only the fingerprint of the data; each resource file (and the
    # catalogue, for its modified date) one query more.
    base = few["data-dictionary.csv"]
    assert {count - base for count in few.values()} == {0, 1}


def test_a_file_is_made_again_only_when_the_data_changes(
    client, world, make_user, endorse, make_organisation
):
    made = _statements(client, "proposals.json")
    again = _statements(client, "proposals.json")
    assert again == made - 1  # kept: only the fingerprint is read
    _status, before, _body = get(client, "proposals.json")
    # An endorsement changes the count but not the proposal's own updated_at.
    endorse(world["proposal"], make_user("representative", organisation_id=world["own"]))
    _status, after, body = get(client, "proposals.json")
    assert before["ETag"] != after["ETag"]
    assert json.loads(body)["records"][0]["endorsement_count"] == 1
    _status, first, _body = get(client, "organisations.csv")
    make_organisation("สมาคมที่เพิ่มหลังเก็บแฟ้มไว้")
    _status, second, body = get(client, "organisations.csv")
    assert first["ETag"] != second["ETag"]
    assert "สมาคมที่เพิ่มหลังเก็บแฟ้มไว้" in body.decode("utf-8-sig")
