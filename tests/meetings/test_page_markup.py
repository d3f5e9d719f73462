"""The meeting page writes out the number, times, place, status badge, lines and confirm
buttons that the macros (meetings/macros.html, macros/forms.html) write elsewhere: each piece
on the page is what its macro writes for the same meeting (whitespace aside), for a scheduled
meeting (agenda buttons) and a held one (the minutes' buttons and an action item's)."""

from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext as _

from registry.auth.models import Role
from registry.db import db
from registry.forms import ConfirmForm
from registry.meetings import services
from registry.meetings.models import AgendaItem, Meeting

from .conftest import DAY

_TOKEN = re.compile(r'(name="csrf_token" type="hidden" value=")[^"]*(")')


def _flat(html: str) -> str:
    """The markup with the CSRF token masked and every run of whitespace made one space."""
    return re.sub(r"\s+", " ", _TOKEN.sub(r"\1TOKEN\2", str(html))).replace("> <", "><").strip()


def _page(client, url: str) -> str:
    """The page's HTML, flattened."""
    with client.get(url) as response:
        assert response.status_code == 200
        html = response.get_data(as_text=True)
    return _flat(html)


def test_the_pieces_of_the_meeting_page_are_what_the_macros_write(
    app, client, sign_in, board, schedule, hold
):
    sign_in(Role.STAFF)
    body, resolution = "บรรทัดหนึ่ง\nบรรทัดสอง", "เห็นชอบ\nให้ดำเนินการ"
    seats = board()
    held_id = schedule(
        seats.committee, DAY, venue="ห้อง 1", electronic=True, online_link="https://meet.example/a"
    )
    with app.app_context():
        meeting = db.session.get(Meeting, held_id)
        item = services.add_item(meeting, actor=None, section=4, title="แผนงาน", body=body)
        item_id = item.id
    hold(held_id, seats.seats)
    with app.app_context():
        item = db.session.get(AgendaItem, item_id)
        services.record_resolution(item, actor=None, resolution=resolution, outcome="approved")
        services.add_action(item, actor=None, text="จัดทำแผน", owner="ฝ่ายเลขานุการ")
    scheduled_id = schedule(seats.committee, date(2025, 4, 10), ends_at=None, venue="ห้อง 2")

    for meeting_id in (held_id, scheduled_id):
        page = _page(client, f"/meetings/{meeting_id}")
        with app.test_request_context(f"/meetings/{meeting_id}"), app.app_context():
            meeting = db.session.get(Meeting, meeting_id)
            env = app.jinja_env
            pieces = env.get_template("meetings/macros.html").make_module({})
            forms = env.get_template("macros/forms.html").make_module({})
            number = pieces.number(meeting)
            wanted = [
                f"<title>{number} · ",
                f'<h1 class="h3 mb-1">{number}</h1>',
                f"{pieces.times(meeting)} · {pieces.status_badge(meeting)}</p>",
                f"<dd>{pieces.place(meeting, with_link=True)}</dd>",
                f'<li class="breadcrumb-item active" aria-current="page">{number}</li>',
            ]
            form = ConfirmForm()  # the page's button form, as the view makes it
            if meeting.status.value == "held":
                action = db.session.get(AgendaItem, item_id).actions[0].id
                wanted += [
                    forms.confirm_button(
                        f"/meetings/{meeting_id}/drafted", _("Mark the minutes drafted"),
                        _("Mark the minutes of this meeting as drafted, ready to certify at the"
                          " next meeting?"), form, "btn-success",
                    ),
                    f'<p class="mb-1">{pieces.lines(body)}</p>',
                    f"<div>{pieces.lines(resolution)}</div>",
                    forms.confirm_button(
                        f"/meetings/{meeting_id}/actions/{action}/delete", _("Remove"),
                        _("Remove this action item?"), form,
                        "btn-sm btn-link text-danger p-0 ms-1",
                    ),
                ]  # fmt: skip
            else:
                certify = next(i for i in meeting.items if i.certifies_meeting_id)
                wanted += [
                    forms.confirm_button(
                        f"/meetings/{meeting_id}/agenda/refresh",
                        _("Refresh from earlier meetings"),
                        _("Add the minutes to certify and the open action items of earlier"
                          " meetings that the agenda is missing?"), form,
                        "btn-sm btn-outline-secondary",
                    ),
                    forms.confirm_button(
                        f"/meetings/{meeting_id}/agenda/{certify.id}/delete", _("Remove"),
                        _("Remove item %(n)s from the agenda?", n=certify.number_label), form,
                        "btn-sm btn-outline-danger",
                    ),
                    f"{pieces.number(certify.certifies_meeting)}</a>",
                ]  # fmt: skip

        for piece in wanted:
            assert _flat(piece) in page, piece
