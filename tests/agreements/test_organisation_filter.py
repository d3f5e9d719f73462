"""The organisations list can show only the partners with an MOU in force."""

from __future__ import annotations

from registry.agreements.models import AgreementStatus


def _names(client, query: str) -> set[str]:
    with client.get(f"/organisations/?status=all&{query}") as page:
        assert page.status_code == 200
        html = page.get_data(as_text=True)
    return {row.split("</a>", 1)[0].rsplit(">", 1)[1] for row in html.split("<tbody>", 1)[1].split(
        "<td><a href=")[1:]}  # fmt: skip


def test_only_partners_of_an_agreement_in_force_are_listed(
    client, sign_in, make_organisation, make_agreement, two_organisations
):
    own, signed_partner = two_organisations
    draft_partner = make_organisation("สมาคมร่างข้อตกลง")
    ended_partner = make_organisation("สมาคมยุติข้อตกลง")
    loner = make_organisation("สมาคมยังไม่มีข้อตกลง")
    make_agreement(AgreementStatus.SIGNED)
    make_agreement(AgreementStatus.DRAFT, organisation_ids=[own, draft_partner])
    make_agreement(AgreementStatus.TERMINATED, organisation_ids=[own, ended_partner])
    sign_in("staff")

    everyone = _names(client, "")
    assert {"สมาคมร่างข้อตกลง", "สมาคมยุติข้อตกลง", "สมาคมยังไม่มีข้อตกลง"} <= everyone
    in_force = _names(client, "mou=active")
    assert "สมาคมร่างข้อตกลง" not in in_force
    assert "สมาคมยุติข้อตกลง" not in in_force
    assert "สมาคมยังไม่มีข้อตกลง" not in in_force
    assert len(in_force) == 2  # DGA's side and the partner who signed
    # An unknown value is ignored rather than refused.
    assert _names(client, "mou=bogus") == everyone
    assert loner  # created, and not listed above


def test_the_export_follows_the_filter(client, sign_in, make_agreement, make_organisation):
    make_agreement(AgreementStatus.SIGNED)
    make_organisation("สมาคมไม่อยู่ในผลลัพธ์")
    sign_in("staff")
    with client.get("/organisations/export.csv?status=all&mou=active") as response:
        text = response.get_data().decode("utf-8-sig")
    assert "สมาคมไม่อยู่ในผลลัพธ์" not in text
    assert len(text.strip().splitlines()) == 3  # the header and two organisations
