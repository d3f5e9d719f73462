"""The proposal page lists its endorsements a page at a time (a proposal may have thousands):
those in force first, newest first; the rest are reached page by page, and any page value a
user sends answers a normal page."""

from __future__ import annotations

import re
from datetime import date

import pytest

from registry.auth.models import User
from registry.db import db
from registry.proposals import services
from registry.proposals.models import Endorsement, Proposal, ProposalStatus
from registry.proposals.queries import ENDORSEMENTS_PER_PAGE as PER_PAGE

EXTRA = 3


@pytest.fixture
def endorsed(app, submit, make_organisation, make_user):
    """A proposal in screening with a page and three endorsements recorded by staff, the
    oldest of which is withdrawn; returns (proposal id, endorsement ids oldest first, the
    withdrawn one's organisation name)."""
    proposal_id = submit(make_organisation(), status=ProposalStatus.SCREENING)
    staff = make_user("staff")
    names = [f"สมาคมรับรอง{n:02d}" for n in range(PER_PAGE + EXTRA)]
    with app.app_context():
        actor = db.session.get(User, staff)
        ids = []
        for n, name in enumerate(names):
            endorsement = services.endorse(
                db.session.get(Proposal, proposal_id),
                actor,
                organisation_id=make_organisation(name),
                statement="สนับสนุน",
                endorsed_on=date(2025, 1, 1 + n),  # one a day: "newest first" is a real order
            )
            ids.append(endorsement.id)
        services.withdraw_endorsement(db.session.get(Endorsement, ids[0]), actor, reason="ทบทวน")
    return proposal_id, ids, names


def _shown(html: str) -> list[str]:
    section = html.split('id="endorsements"', 1)[1].split("</section>", 1)[0]
    return re.findall(r"<strong>([^<]+)</strong>", section)


def test_the_first_page_lists_the_newest_in_force_and_page_two_the_rest(client, sign_in, endorsed):
    proposal_id, _ids, names = endorsed
    sign_in("staff")
    with client.get(f"/proposals/{proposal_id}") as first:
        html = first.get_data(as_text=True)
    assert _shown(html) == names[::-1][:PER_PAGE]
    assert f'href="/proposals/{proposal_id}?page=2#endorsements"' in html
    assert f"{PER_PAGE + EXTRA} endorsements in all, withdrawn ones included." in html
    assert f"Endorsed by {PER_PAGE + EXTRA - 1} organisations" in html
    with client.get(f"/proposals/{proposal_id}?page=2") as second:
        rest = second.get_data(as_text=True)
    # the rest in force, newest first, then the withdrawn one
    assert _shown(rest) == names[EXTRA - 1 : 0 : -1] + [names[0]]
    assert "Withdrawn" in rest and "ทบทวน" in rest
    assert f'href="/proposals/{proposal_id}?page=1#endorsements"' in rest


@pytest.mark.parametrize(
    ("page", "first"),
    [("abc", True), ("0", True), ("-1", True), ("", True), ("3", False),
     ("99999999999999999999", False)],
)  # fmt: skip
def test_bad_or_far_page_values_answer_a_normal_page(client, sign_in, endorsed, page, first):
    proposal_id, _ids, _names = endorsed
    sign_in("staff")
    with client.get(f"/proposals/{proposal_id}", query_string={"page": page}) as response:
        html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert (len(_shown(html)) == PER_PAGE) is first
    if not first:
        assert _shown(html) == [] and "No more endorsements." in html


def test_the_old_show_all_link_answers_the_first_page(client, sign_in, endorsed):
    proposal_id, _ids, _names = endorsed
    sign_in("staff")
    with client.get(f"/proposals/{proposal_id}?endorsements=all") as response:
        assert response.status_code == 200
        assert len(_shown(response.get_data(as_text=True))) == PER_PAGE


def test_a_representative_pages_through_the_endorsements_too(client, sign_in, endorsed):
    proposal_id, _ids, names = endorsed
    sign_in("representative")
    with client.get(f"/proposals/{proposal_id}?page=2") as response:
        assert response.status_code == 200
        assert _shown(response.get_data(as_text=True))[-1] == names[0]


def test_a_short_list_has_no_pages(client, sign_in, submit, make_organisation, endorse):
    proposal_id = submit(make_organisation(), status=ProposalStatus.SCREENING)
    rep = sign_in("representative")
    endorse(proposal_id, rep)
    with client.get(f"/proposals/{proposal_id}") as response:
        html = response.get_data(as_text=True)
    assert len(_shown(html)) == 1 and "?page=" not in html and "in all" not in html


def test_the_total_kept_for_a_full_page_follows_a_new_endorsement(
    app, client, sign_in, endorsed, make_organisation
):
    proposal_id, _ids, _names = endorsed
    sign_in("staff")
    total = PER_PAGE + EXTRA
    for _ in range(2):  # counted, then from the kept total
        with client.get(f"/proposals/{proposal_id}") as response:
            assert f"{total} endorsements in all, withdrawn ones included." in response.text
    with app.app_context():
        services.endorse(
            db.session.get(Proposal, proposal_id),
            db.session.scalar(db.select(User).where(User.role == "staff")),
            organisation_id=make_organisation(),
            statement="สนับสนุนเพิ่ม",
            endorsed_on=date(2025, 3, 1),
        )
    with client.get(f"/proposals/{proposal_id}") as response:
        assert f"{total + 1} endorsements in all, withdrawn ones included." in response.text
