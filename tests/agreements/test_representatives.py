"""A representative reads their own association's agreements (once approved for signing) and
downloads their files; nothing else: another organisation's agreement is not found."""

from __future__ import annotations

import pytest

from registry.agreements.models import AgreementStatus

S = AgreementStatus


@pytest.fixture
def setting(make_organisation, make_agreement):
    """An association with agreements in several states, and another association's."""
    own = make_organisation()
    ours, other = make_organisation(), make_organisation()
    ids = {
        "draft": make_agreement(organisation_ids=[own, ours], title_th="ร่างของเรา"),
        "review": make_agreement(S.IN_REVIEW, organisation_ids=[own, ours], title_th="ทบทวนของเรา"),
        "approved": make_agreement(S.APPROVED, organisation_ids=[own, ours], title_th="อนุมัติของเรา"),
        "signed": make_agreement(
            S.SIGNED, organisation_ids=[own, ours], title_th="ลงนามของเรา", scan=True
        ),
        "theirs": make_agreement(
            S.SIGNED, organisation_ids=[own, other], title_th="ของสมาคมอื่น", scan=True
        ),
    }
    return ours, ids


def test_a_representative_lists_their_agreements_once_approved(client, sign_in, setting):
    ours, _ids = setting
    sign_in("representative", organisation_id=ours)
    with client.get("/agreements/mine") as response:
        html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "อนุมัติของเรา" in html and "ลงนามของเรา" in html
    assert "ร่างของเรา" not in html and "ทบทวนของเรา" not in html
    assert "ของสมาคมอื่น" not in html


def test_a_representative_reads_and_downloads_their_own(client, sign_in, setting):
    ours, ids = setting
    sign_in("representative", organisation_id=ours)
    with client.get(f"/agreements/mine/{ids['signed']}") as response:
        assert response.status_code == 200
        assert "ลงนามของเรา" in response.get_data(as_text=True)
    with client.get(f"/agreements/mine/{ids['signed']}/scan") as response:
        assert response.status_code == 200
        assert response.data.startswith(b"%PDF-")


@pytest.mark.parametrize("which", ["draft", "review", "theirs"])
def test_anything_else_is_not_found(client, sign_in, setting, which):
    ours, ids = setting
    sign_in("representative", organisation_id=ours)
    for url in (f"/agreements/mine/{ids[which]}", f"/agreements/mine/{ids[which]}/scan"):
        with client.get(url) as response:
            assert response.status_code == 404
            assert "ของสมาคมอื่น" not in response.get_data(as_text=True)


def test_the_staff_pages_are_closed_to_representatives(client, sign_in, setting):
    ours, ids = setting
    sign_in("representative", organisation_id=ours)
    for url in ("/agreements/", "/agreements/expiring", "/agreements/export?format=csv"):
        with client.get(url) as response:
            assert response.status_code == 403, url
    # A record asked for by its id on a staff page is not found, even one's own.
    for url in (
        f"/agreements/{ids['signed']}",
        f"/agreements/{ids['signed']}/scan",
        f"/agreements/{ids['signed']}/pdf",
    ):
        with client.get(url) as response:
            assert response.status_code == 404, url
    with client.post(f"/agreements/{ids['approved']}/return") as response:
        assert response.status_code == 404
