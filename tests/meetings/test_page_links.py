"""The meeting page makes its addresses from one prefix (``meetings_url``) instead of url_for
for each: every link and button on it is still an address of the application, the very one
url_for makes for its page, with the meeting's, item's or action item's own ids; and the
representative's page, which is given no prefix, shows none of them."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

from flask import url_for

from registry.auth.models import Role, User
from registry.db import db
from registry.meetings import services
from registry.meetings.models import ActionItem, AgendaItem, Meeting

from .conftest import DAY

_ADDRESS = re.compile(r'(href|action)="(/meetings/[^"]*)"')


def _addresses(html: str) -> list[tuple[str, str]]:
    """Each (method, address) of the page's meeting links (GET) and forms (POST)."""
    return [("GET" if kind == "href" else "POST", url) for kind, url in _ADDRESS.findall(html)]


def _endpoint(app, method: str, address: str) -> tuple[str, dict]:
    """The page an address reaches, checked to be the address url_for makes for it."""
    parts = urlsplit(address.replace("&amp;", "&"))
    with app.test_request_context():
        adapter = app.url_map.bind("localhost")
        endpoint, values = adapter.match(parts.path, method=method)
        query = dict(pair.split("=") for pair in parts.query.split("&") if pair)
        assert url_for(endpoint, **values, **query) == address.replace("&amp;", "&"), address
    return endpoint, values


def test_every_address_on_the_meeting_pages_reaches_its_page(
    app, client, sign_in, board, schedule, hold
):
    sign_in(Role.STAFF)
    seats = board()
    first = schedule(seats.committee, DAY)
    with app.app_context():
        meeting = db.session.get(Meeting, first)
        item_id = services.add_item(meeting, actor=None, section=4, title="แผนงาน").id
        other_id = services.add_item(meeting, actor=None, section=4, title="งบประมาณ").id
    hold(first, seats.seats)
    with app.app_context():
        item = db.session.get(AgendaItem, item_id)
        services.record_resolution(item, actor=None, resolution="เห็นชอบ", outcome="approved")
        services.add_action(item, actor=None, text="จัดทำแผน", owner="ฝ่ายเลขานุการ")
        done = services.add_action(item, actor=None, text="รายงานผล", owner="สมาคม")
        services.mark_action_done(
            db.session.get(ActionItem, done.id), None, done_on=date(2025, 3, 20)
        )
        other = db.session.get(AgendaItem, other_id)
        services.record_resolution(other, actor=None, resolution="รับทราบ", outcome="noted")
        services.mark_minutes_drafted(db.session.get(Meeting, first), None)
    second = schedule(seats.committee, date(2025, 4, 10))  # certifies and follows up the first

    reached: dict[int, set] = {}
    for meeting_id in (first, second):
        with client.get(f"/meetings/{meeting_id}") as response:
            assert response.status_code == 200
            addresses = _addresses(response.get_data(as_text=True))
        reached[meeting_id] = set()
        for method, address in addresses:
            endpoint, values = _endpoint(app, method, address)
            reached[meeting_id].add(endpoint)
            if endpoint.startswith("meetings.") and endpoint != "meetings.index":
                assert values["meeting_id"] in (first, second), address

    assert {
        "meetings.minutes", "meetings.mark_held", "meetings.amendment_new",
        "meetings.agenda_pdf", "meetings.minutes_pdf", "meetings.show",
    } & reached[first] == {"meetings.minutes", "meetings.agenda_pdf", "meetings.minutes_pdf",
                           "meetings.show"}  # fmt: skip
    assert {"meetings.resolution", "meetings.action_new", "meetings.action_done",
            "meetings.action_delete", "meetings.item_edit", "meetings.item_move",
            "meetings.attendance"} <= reached[first]  # fmt: skip
    assert {"meetings.mark_held", "meetings.edit", "meetings.cancel", "meetings.item_new",
            "meetings.refresh_agenda", "meetings.ics", "meetings.send_invitations",
            "meetings.item_delete", "meetings.action_done",
            "meetings.show"} <= reached[second]  # fmt: skip


def test_the_representatives_page_has_no_staff_addresses(
    app, client, sign_in, board, schedule, hold, make_contact, appoint
):
    representative = sign_in(Role.REPRESENTATIVE)
    with app.app_context():
        organisation = db.session.get(User, representative).organisation_id
    seats = board()
    ours = appoint(seats.committee, make_contact(organisation), "member")
    meeting_id = schedule(seats.committee, DAY)
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        services.add_item(meeting, actor=None, section=4, title="แผนงาน")
    hold(meeting_id, [*seats.seats, ours], drafted=True)
    second = schedule(seats.committee, date(2025, 4, 10))
    hold(second, [*seats.seats, ours])
    with app.app_context():
        certify = next(i for i in db.session.get(Meeting, second).items if i.certifies_meeting_id)
        services.certify_minutes(certify, actor=None)

    with client.get(f"/meetings/ours/{meeting_id}") as response:
        html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "แผนงาน" in html  # the agenda is shown
    for method, address in _addresses(html):
        endpoint, _values = _endpoint(app, method, address)
        assert endpoint in {"meetings.index", "meetings.mine_minutes_pdf"}, address
