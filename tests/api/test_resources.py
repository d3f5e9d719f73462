"""Each resource, list and record, read through the API with the same rules as the pages:
staff read everything, a secretary their committees, a representative their association's
records (anything else is absent from lists and 404 by id)."""

from __future__ import annotations

import pytest


def _ids(body) -> list[int]:
    return [item["id"] for item in body["items"]]


# --- organisations -------------------------------------------------------------------------------


def test_staff_list_and_read_organisations_with_both_names(api, world):
    status, body = api("staff", "/api/v1/organisations")
    assert status == 200
    assert {world.a, world.b, world.dga} <= set(_ids(body))
    status, record = api("staff", f"/api/v1/organisations/{world.a}")
    assert status == 200
    assert record["name_th"] == "สมาคมปัญญาประดิษฐ์ทดสอบ"
    assert record["name_en"] == "Test AI Association"
    assert record["province"] == {"code": "10", "name_th": "กรุงเทพมหานคร", "name_en": "Bangkok"}
    assert record["url"].endswith(f"/api/v1/organisations/{world.a}")
    assert record["created_at"].endswith("+00:00")
    assert "contacts" not in record and "notes" not in record


def test_organisation_filters_mirror_the_list_page(api, world):
    def found(**params):
        status, body = api("staff", "/api/v1/organisations", **params)
        assert status == 200
        return set(_ids(body))

    assert found(q="ปัญญาประดิษฐ์") == {world.a}
    assert found(q="ไอโอที", status="all") == {world.b}
    assert found(q="iot") == {world.b}  # case-insensitive, English name
    assert found(q="สมร") == {world.b}  # a person's name finds the organisation
    assert world.b in found(kind="federation") and world.a not in found(kind="federation")
    assert found(province="50") == {world.b}
    assert world.a in found(status="active") and world.b not in found(status="active")


def test_a_representative_sees_only_their_own_organisation(api, world):
    status, body = api("representative", "/api/v1/organisations", organisation_id=world.a)
    assert (status, _ids(body)) == (200, [world.a])
    assert (
        api("representative", f"/api/v1/organisations/{world.a}", organisation_id=world.a)[0] == 200
    )
    status, body = api(
        "representative", f"/api/v1/organisations/{world.b}", organisation_id=world.a
    )
    assert status == 404
    assert body["error"]["code"] == "not_found"


# --- agreements ----------------------------------------------------------------------------------


def test_staff_read_agreements_with_parties_and_state(api, world):
    status, body = api("staff", "/api/v1/agreements")
    assert status == 200
    assert {world.signed_a, world.draft_a, world.signed_b} <= set(_ids(body))
    status, record = api("staff", f"/api/v1/agreements/{world.signed_b}")
    assert status == 200
    assert record["status"] == "signed" and record["state"] == "expiring"
    assert record["title_en"] == "Test cooperation 3"
    assert [p["organisation"]["id"] for p in record["parties"]] == [world.dga, world.b]
    assert record["parties"][0]["signatory_name"] == "นายลงนาม 1"
    assert len(record["effective_until"]) == 10  # YYYY-MM-DD


def test_agreement_filters(api, world):
    def found(**params):
        status, body = api("staff", "/api/v1/agreements", **params)
        assert status == 200, body
        return set(_ids(body))

    assert found(organisation=world.b) == {world.signed_b}
    assert found(status="draft") >= {world.draft_a} and world.signed_a not in found(status="draft")
    assert found(status="expiring") == {world.signed_b}
    assert found(status="active") >= {world.signed_a, world.signed_b}
    assert found(q="API-002") == {world.draft_a}
    assert found(kind="MOA") == set()


def test_a_representative_reads_only_their_approved_agreements(api, world):
    status, body = api("representative", "/api/v1/agreements", organisation_id=world.a)
    assert (status, _ids(body)) == (200, [world.signed_a])
    for hidden in (world.draft_a, world.signed_b):
        assert (
            api("representative", f"/api/v1/agreements/{hidden}", organisation_id=world.a)[0] == 404
        )
    assert (
        api("representative", f"/api/v1/agreements/{world.signed_a}", organisation_id=world.a)[0]
        == 200
    )


def test_a_secretary_has_no_agreements(api, world):
    assert api("secretary", "/api/v1/agreements")[0] == 403
    assert api("secretary", f"/api/v1/agreements/{world.signed_a}")[0] == 403


# --- committees ----------------------------------------------------------------------------------


def test_staff_read_committees_with_sitting_members(api, world):
    status, body = api("staff", "/api/v1/committees")
    assert status == 200
    listed = {item["id"]: item for item in body["items"]}
    assert listed[world.joint]["sitting_members"] == 1
    assert listed[world.group]["parent_id"] == world.joint
    status, body = api("staff", "/api/v1/committees", kind="working_group")
    assert world.group in _ids(body) and world.joint not in _ids(body)
    status, record = api("staff", f"/api/v1/committees/{world.joint}")
    assert status == 200
    assert record["name_en"] == "Test joint committee"
    assert [(m["role"], m["organisation"]["id"]) for m in record["members"]] == [
        ("member", world.a)
    ]
    assert record["members"][0]["name"] == "นางสาวปัญญา ทดสอบ"


def test_a_secretary_reads_only_the_committees_they_run(api, app, world, client):
    from tests.api.helpers import bearer, issue_token

    secret = issue_token(app, world.secretary)
    with client.get("/api/v1/committees", headers=bearer(secret)) as response:
        assert _ids(response.get_json()) == [world.group]
    with client.get(f"/api/v1/committees/{world.joint}", headers=bearer(secret)) as response:
        assert response.status_code == 404
    with client.get("/api/v1/meetings", headers=bearer(secret)) as response:
        assert _ids(response.get_json()) == [world.group_meeting]


def test_a_representative_reads_the_committees_where_their_association_sits(api, world):
    status, body = api("representative", "/api/v1/committees", organisation_id=world.a)
    assert (status, _ids(body)) == (200, [world.joint])
    assert (
        api("representative", f"/api/v1/committees/{world.group}", organisation_id=world.a)[0]
        == 404
    )


# --- meetings ------------------------------------------------------------------------------------


def test_staff_read_meetings_with_agenda_and_resolutions(api, world):
    status, body = api("staff", "/api/v1/meetings")
    assert status == 200
    # Upcoming first, then the past ones, latest first.
    assert _ids(body)[:3] == [world.group_meeting, world.drafted, world.certified]
    status, record = api("staff", f"/api/v1/meetings/{world.drafted}")
    assert status == 200
    assert record["number_label"] == "2/2569" and record["starts_at"] == "09:30"
    assert record["committee"]["name_en"] == "Test joint committee"
    assert record["agenda"][0]["resolution"] == "ที่ประชุมเห็นชอบ"


def test_meeting_filters(api, world):
    def found(**params):
        status, body = api("staff", "/api/v1/meetings", **params)
        assert status == 200, body
        return set(_ids(body))

    assert found(committee=world.group) == {world.group_meeting}
    assert found(status="minutes_certified") >= {world.certified}
    assert world.drafted not in found(status="minutes_certified")
    _status, record = api("staff", f"/api/v1/meetings/{world.drafted}")
    held = record["held_on"]
    assert world.drafted in found(**{"from": held, "to": held})
    assert world.certified not in found(**{"from": held})
    assert world.drafted not in found(to="2000-01-01")


def test_a_representative_reads_resolutions_only_once_certified(api, world):
    status, body = api("representative", "/api/v1/meetings", organisation_id=world.a)
    assert set(_ids(body)) == {world.certified, world.drafted}
    status, certified = api(
        "representative", f"/api/v1/meetings/{world.certified}", organisation_id=world.a
    )
    assert certified["agenda"][0]["resolution"] == "ที่ประชุมเห็นชอบ"
    status, drafted = api(
        "representative", f"/api/v1/meetings/{world.drafted}", organisation_id=world.a
    )
    assert status == 200
    assert "resolution" not in drafted["agenda"][0]
    assert (
        api("representative", f"/api/v1/meetings/{world.group_meeting}", organisation_id=world.a)[0]
        == 404
    )


# --- proposals -----------------------------------------------------------------------------------


def test_staff_read_proposals_in_full(api, world):
    status, body = api("staff", "/api/v1/proposals")
    assert status == 200
    assert {world.from_a, world.from_b} <= set(_ids(body))
    status, record = api("staff", f"/api/v1/proposals/{world.from_b}")
    assert record["requested_support"] == "อุปกรณ์ห้าสิบชุด"
    assert record["category"]["code"] == "ai" and record["category"]["name_en"]
    status, record = api("staff", f"/api/v1/proposals/{world.from_a}")
    assert [e["organisation"]["id"] for e in record["endorsements"]] == [world.b]


def test_proposal_filters(api, world):
    def found(**params):
        status, body = api("staff", "/api/v1/proposals", **params)
        assert status == 200, body
        return set(_ids(body))

    assert found(q="แชตบอต") == {world.from_a}
    assert found(organisation=world.b) == {world.from_b}
    assert found(endorsed_by=world.b) == {world.from_a}
    assert found(status="screening") >= {world.from_a}
    assert world.from_b not in found(status="screening")
    assert found(kind="recommendation", organisation=world.b) == {world.from_b}
    assert {world.from_a, world.from_b} <= found(category=world.category, status="open")


def test_a_representative_reads_other_proposals_public_part_only(api, world):
    status, body = api("representative", "/api/v1/proposals", organisation_id=world.a)
    assert {world.from_a, world.from_b} <= set(_ids(body))
    status, own = api(
        "representative", f"/api/v1/proposals/{world.from_a}", organisation_id=world.a
    )
    assert own["requested_support"] == "งบประมาณสองล้านบาท"
    status, other = api(
        "representative", f"/api/v1/proposals/{world.from_b}", organisation_id=world.a
    )
    assert status == 200
    assert other["summary"] == "สรุป"
    assert "requested_support" not in other and "forwarded_to" not in other


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/organisations/2147483647",
        "/api/v1/agreements/2147483647",
        "/api/v1/committees/2147483647",
        "/api/v1/meetings/2147483647",
        "/api/v1/proposals/2147483647",
        "/api/v1/proposals/99999999999999999999",
    ],
)
def test_a_record_that_does_not_exist_is_404_in_json(api, world, url):
    status, body = api("admin", url)
    assert status == 404
    assert body["error"]["code"] == "not_found"
