"""The table of meetings on a committee's page and on the meetings list: each row's number
links to the meeting, the venue and the committee's name are escaped, an electronic meeting
says so after its venue (or alone), and each status has its badge."""

from __future__ import annotations

from datetime import timedelta

from registry.auth.models import Role
from registry.meetings import services

LINK = "https://meet.example.go.th/room-1"


def _body(html: str) -> str:
    """The table of meetings' body (the one whose rows open meetings)."""
    bodies = [part.split("</tbody>")[0] for part in html.split("<tbody>")[1:]]
    return next(body for body in bodies if 'href="/meetings/' in body)


def _rows(html: str) -> list[str]:
    return _body(html).split("<tr>")[1:]


def test_the_rows_escape_the_venue_and_the_committee_and_name_an_electronic_meeting(
    app, client, sign_in, board, schedule, make_committee
):
    sign_in(Role.STAFF)
    committee = board(name_th="คณะ <i>ทดสอบ</i> & ที่ ๑").committee
    soon = services.today() + timedelta(days=7)
    both = schedule(committee, soon, venue="ห้อง <b>1</b> & 2", electronic=True, online_link=LINK)
    online = schedule(
        committee, soon + timedelta(days=1), venue=None, electronic=True, online_link=LINK
    )
    plain = schedule(committee, soon + timedelta(days=2), venue="ห้องประชุม 3")

    for url in (f"/committees/{committee}", "/meetings/"):
        html = client.get(url).get_data(as_text=True)
        rows = {
            ident: next(r for r in _rows(html) if f'href="/meetings/{ident}"' in r)
            for ident in (both, online, plain)
        }
        assert "ห้อง &lt;b&gt;1&lt;/b&gt; &amp; 2 · " in rows[both]
        assert "<b>" not in _body(html)
        electronic = rows[both].split(" · ")[1].split("</td>")[0]
        assert electronic and f"<td>{electronic}</td>" in rows[online]
        assert "<td>ห้องประชุม 3</td>" in rows[plain] and electronic not in rows[plain]
        assert all('class="badge text-bg-info"' in row for row in rows.values())
        if url == "/meetings/":
            assert "<td>คณะ &lt;i&gt;ทดสอบ&lt;/i&gt; &amp; ที่ ๑</td>" in rows[plain]
        else:
            assert "ทดสอบ" not in rows[plain]  # no committee column on its own page


def test_a_committee_without_meetings_says_so(client, sign_in, make_committee):
    sign_in(Role.STAFF)
    html = client.get(f"/committees/{make_committee()}").get_data(as_text=True)
    assert '<td colspan="5" class="text-muted">' in html
