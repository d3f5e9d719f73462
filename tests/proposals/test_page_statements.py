"""The proposal page reads its files, its meetings and the agreements it is annexed to only
when it has some: the proposal's own statement tells whether it has any (most have none)."""

from __future__ import annotations

from registry.auth.models import User
from registry.db import db
from registry.meetings.models import Meeting
from registry.proposals import services
from registry.proposals.models import Proposal, ProposalStatus

from .conftest import PDF


def _page(client, statements, proposal: int) -> tuple[str, int]:
    """The page's HTML and how many statements it sent (asked once before, to warm up)."""
    client.get(f"/proposals/{proposal}").close()
    with statements() as seen, client.get(f"/proposals/{proposal}") as response:
        assert response.status_code == 200
        return response.get_data(as_text=True), len(seen)


def test_files_and_meetings_are_read_only_when_the_proposal_has_some(
    app, client, sign_in, submit, make_organisation, staff, call, meeting, statements
):
    proposal = submit(make_organisation(), status=ProposalStatus.SCREENING)
    sign_in("staff")
    html, bare = _page(client, statements, proposal)
    assert "No files." in html and 'id="meetings"' in html  # staff may still schedule it

    call(services.add_attachment, proposal, staff, data=PDF, filename="แผนงาน.pdf", public=False)
    html, with_file = _page(client, statements, proposal)
    assert "แผนงาน.pdf" in html and "No files." not in html
    assert with_file == bare + 1

    _committee, meeting_id = meeting()
    with app.app_context():
        services.place_on_agenda(
            db.session.get(Proposal, proposal),
            db.session.get(User, staff),
            meeting=db.session.get(Meeting, meeting_id),
        )
        number = db.session.get(Meeting, meeting_id).number_label
    html, with_meeting = _page(client, statements, proposal)
    assert f"Meeting {number}" in html and f'href="/meetings/{meeting_id}"' in html
    assert with_meeting == bare + 2


def test_another_association_is_not_shown_the_meetings_of_an_uncertified_agenda(
    app, client, sign_in, submit, make_organisation, staff, call, meeting, statements
):
    owner = make_organisation()
    proposal = submit(owner, status=ProposalStatus.SCREENING)
    call(services.add_attachment, proposal, staff, data=PDF, filename="ลับ.pdf", public=False)
    _committee, meeting_id = meeting()
    with app.app_context():
        services.place_on_agenda(
            db.session.get(Proposal, proposal),
            db.session.get(User, staff),
            meeting=db.session.get(Meeting, meeting_id),
        )
    sign_in("representative", organisation_id=make_organisation())
    html, _count = _page(client, statements, proposal)
    assert "ลับ.pdf" not in html and "No files." in html
    assert 'id="meetings"' not in html and f"/meetings/{meeting_id}" not in html

    sign_in("representative", organisation_id=owner)
    html, _count = _page(client, statements, proposal)
    assert "ลับ.pdf" in html
    # Its own association sees the meeting only once the minutes are certified.
    assert 'id="meetings"' not in html
