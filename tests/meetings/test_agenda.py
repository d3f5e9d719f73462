"""The agenda: five sections, items ordered within each; section 2 filled with the minutes to
certify and section 3 with the open action items of earlier meetings; refresh without
duplicates."""

from __future__ import annotations

from datetime import date

from registry.auth.models import Role
from registry.db import db
from registry.meetings import services
from registry.meetings.models import ActionItem, AgendaItem, Meeting
from tests.conftest import read_version

from .conftest import DAY


def _items(app, meeting_id: int) -> list[tuple[int, int, str]]:
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        return [(item.section, item.position, item.title) for item in meeting.items]


def _item_ids(app, meeting_id: int, section: int) -> list[int]:
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        return [item.id for item in meeting.items if item.section == section]


def test_items_are_added_ordered_moved_and_removed(app, client, sign_in, board, schedule):
    sign_in(Role.STAFF)
    meeting = schedule(board().committee)
    for title in ("เรื่องแรก", "เรื่องที่สอง", "เรื่องที่สาม"):
        data = {"section": "4", "title": title, "body": "รายละเอียด"}
        with client.post(f"/meetings/{meeting}/agenda/new", data=data) as response:
            assert response.status_code == 302
    with client.post(f"/meetings/{meeting}/agenda/new", data={"section": "1", "title": "แจ้ง"}):
        pass
    assert _items(app, meeting) == [
        (1, 1, "แจ้ง"),
        (4, 1, "เรื่องแรก"),
        (4, 2, "เรื่องที่สอง"),
        (4, 3, "เรื่องที่สาม"),
    ]
    first, second, third = _item_ids(app, meeting, 4)
    with client.post(f"/meetings/{meeting}/agenda/{third}/move", data={"direction": "up"}) as r:
        assert r.status_code == 302
    assert [t for s, _p, t in _items(app, meeting) if s == 4] == [
        "เรื่องแรก",
        "เรื่องที่สาม",
        "เรื่องที่สอง",
    ]
    # The first item cannot go further up: refused, nothing changes.
    with client.post(f"/meetings/{meeting}/agenda/{first}/move", data={"direction": "up"}) as r:
        assert r.status_code == 409
    with client.post(f"/meetings/{meeting}/agenda/{first}/move", data={"direction": "x"}) as r:
        assert r.status_code == 409
    with client.post(f"/meetings/{meeting}/agenda/{first}/delete") as response:
        assert response.status_code == 302
    assert [(p, t) for s, p, t in _items(app, meeting) if s == 4] == [
        (1, "เรื่องที่สาม"),
        (2, "เรื่องที่สอง"),
    ]
    # Moving to another section puts the item at its end and closes the gap.
    data = {"section": "5", "title": "เรื่องที่สาม (แก้ไข)", "body": ""}
    data |= read_version(client, f"/meetings/{meeting}/agenda/{third}/edit")
    with client.post(f"/meetings/{meeting}/agenda/{third}/edit", data=data) as response:
        assert response.status_code == 302
    assert _items(app, meeting) == [(1, 1, "แจ้ง"), (4, 1, "เรื่องที่สอง"), (5, 1, "เรื่องที่สาม (แก้ไข)")]
    with client.get(f"/meetings/{meeting}") as response:
        html = response.get_data(as_text=True)
    assert "เรื่องที่สอง" in html and "4.1" in html and "5.1" in html


def test_bad_item_input_is_refused(app, client, sign_in, board, schedule, count):
    sign_in(Role.STAFF)
    meeting = schedule(board().committee)
    for data, field in (
        ({"section": "4", "title": ""}, "title"),
        ({"section": "9", "title": "เรื่อง"}, "section"),
        ({"section": "four", "title": "เรื่อง"}, "section"),
        ({"section": "4", "title": "ก" * 501}, "title"),
    ):
        with client.post(f"/meetings/{meeting}/agenda/new", data=data) as response:
            assert response.status_code == 422, data
            assert f'id="{field}-error"' in response.get_data(as_text=True), data
    assert count(AgendaItem) == 0


def test_items_of_another_meeting_are_not_found(app, client, sign_in, board, schedule):
    sign_in(Role.STAFF)
    committee = board().committee
    one, two = schedule(committee), schedule(committee, date(2025, 4, 1))
    with app.app_context():
        item = services.add_item(db.session.get(Meeting, one), actor=None, section=4, title="ก")
        item_id = item.id
    with client.get(f"/meetings/{two}/agenda/{item_id}/edit") as response:
        assert response.status_code == 404
    with client.post(f"/meetings/{two}/agenda/{item_id}/delete") as response:
        assert response.status_code == 404
    assert _items(app, one) == [(4, 1, "ก")]


def test_the_next_meeting_certifies_the_previous_minutes_and_follows_open_actions(
    app, board, schedule, hold, call, fetch
):
    seats = board()
    first = schedule(seats.committee, DAY)
    with app.app_context():
        meeting = db.session.get(Meeting, first)
        item = services.add_item(meeting, actor=None, section=4, title="แผนงานศูนย์ DGTi")
        item_id = item.id
    hold(first, seats.seats)
    with app.app_context():
        item = db.session.get(AgendaItem, item_id)
        services.record_resolution(item, actor=None, resolution="เห็นชอบ", outcome="approved")
        services.add_action(item, actor=None, text="จัดทำแผน", owner="ฝ่ายเลขานุการ")
        services.add_action(item, actor=None, text="รายงานผล", owner="สมาคม")
    second = schedule(seats.committee, date(2025, 4, 10))
    items = _items(app, second)
    assert items == [
        (2, 1, "รับรองรายงานการประชุม ครั้งที่ 1/2568 เมื่อวันที่ 10 มีนาคม พ.ศ. 2568"),
        (3, 1, "ติดตามผลการดำเนินงานตามมติที่ประชุม ครั้งที่ 1/2568 วาระที่ 4.1 "
               "เรื่อง แผนงานศูนย์ DGTi"),
    ]  # fmt: skip
    with app.app_context():
        certify, follow = db.session.get(Meeting, second).items
        assert certify.certifies_meeting_id == first
        assert follow.follows_item_id == item_id
    # A third meeting scheduled meanwhile does not take the minutes the second will certify,
    # but follows the same open actions.
    third = schedule(seats.committee, date(2025, 5, 10))
    assert [s for s, _p, _t in _items(app, third)] == [3]


def test_refresh_adds_only_what_is_missing(app, client, sign_in, board, schedule, hold, call):
    sign_in(Role.STAFF)
    seats = board()
    first = schedule(seats.committee, DAY)
    second = schedule(seats.committee, date(2025, 4, 10))
    assert _items(app, second) == []  # the first was not held when the second was scheduled
    hold(first, seats.seats)
    with client.post(f"/meetings/{second}/agenda/refresh") as response:
        assert response.status_code == 302
    assert [s for s, _p, _t in _items(app, second)] == [2]
    with client.post(f"/meetings/{second}/agenda/refresh") as response:
        assert response.status_code == 302
    assert [s for s, _p, _t in _items(app, second)] == [2]
    # A removed certification item comes back with the next refresh.
    certify = _item_ids(app, second, 2)[0]
    with client.post(f"/meetings/{second}/agenda/{certify}/delete") as response:
        assert response.status_code == 302
    assert _items(app, second) == []
    with client.post(f"/meetings/{second}/agenda/refresh") as response:
        assert response.status_code == 302
    assert [s for s, _p, _t in _items(app, second)] == [2]


def test_cancelled_meetings_are_not_certified_and_done_actions_not_followed(
    app, board, schedule, hold, call
):
    seats = board()
    cancelled = schedule(seats.committee, date(2025, 2, 1))
    call(services.cancel_meeting, Meeting, cancelled, None, reason="เลื่อน")
    first = schedule(seats.committee, DAY)
    with app.app_context():
        item = services.add_item(db.session.get(Meeting, first), actor=None, section=4, title="ก")
        item_id = item.id
    hold(first, seats.seats)
    with app.app_context():
        item = db.session.get(AgendaItem, item_id)
        action = services.add_action(item, actor=None, text="ทำ", owner="ผู้รับผิดชอบ")
        services.mark_action_done(action, None, done_on=date(2025, 3, 20))
    second = schedule(seats.committee, date(2025, 4, 10))
    with app.app_context():
        meeting = db.session.get(Meeting, second)
        assert [item.certifies_meeting_id for item in meeting.items] == [first]


def test_an_item_with_action_items_is_not_removed(app, client, sign_in, board, schedule, hold):
    sign_in(Role.STAFF)
    seats = board()
    meeting = schedule(seats.committee)
    with app.app_context():
        item = services.add_item(db.session.get(Meeting, meeting), actor=None, section=4, title="ก")
        item_id = item.id
    hold(meeting, seats.seats)
    with app.app_context():
        item = db.session.get(AgendaItem, item_id)
        services.add_action(item, actor=None, text="ทำ", owner="ผู้รับผิดชอบ")
    with client.post(f"/meetings/{meeting}/agenda/{item_id}/delete") as response:
        assert response.status_code == 409
    with app.app_context():
        assert db.session.get(AgendaItem, item_id) is not None
        assert db.session.query(ActionItem).count() == 1
