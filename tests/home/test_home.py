"""The home page per role: what each role sees (and does not), links to the records, the
friendly sentences of empty panels, and a number of SQL statements that does not grow with
the register."""

from __future__ import annotations

import re
from datetime import time, timedelta

from flask_babel import gettext, pgettext

from registry import cache
from registry.agreements.models import AgreementStatus
from registry.auth.models import User
from registry.committees import services as committee_services
from registry.committees.models import Membership
from registry.committees.services import today
from registry.db import db
from registry.home.queries import SHOWN
from registry.i18n import format_date, format_time
from registry.meetings import services as meetings
from registry.meetings.labels import STATUS_LABELS as MEETING_STATUS_LABELS
from registry.meetings.models import AgendaItem, Meeting, MeetingStatus
from registry.proposals import services as proposal_services
from registry.proposals.models import Endorsement, ProposalStatus
from tests.conftest import sign_in_client


def _page(client, path: str = "/") -> str:
    with client.get(path) as response:
        assert response.status_code == 200
        return response.get_data(as_text=True)


def _section(html: str, heading_id: str) -> str:
    """The HTML of the section labelled by a heading id (up to the next section)."""
    start = html.index(f'aria-labelledby="{heading_id}"')
    end = html.find("<section", start + 1)
    return html[start : end if end != -1 else len(html)]


def _held_meeting(app, call, schedule, committee: int, seats: list[int], held_on) -> int:
    """A meeting held on a past day with everyone present; returns its id."""
    meeting = schedule(committee, held_on=held_on)
    lines = [{"membership_id": seat, "kind": "present"} for seat in seats]
    call(meetings.record_attendance, Meeting, meeting, actor=None, lines=lines)
    call(meetings.mark_held, Meeting, meeting, None, opened_at=time(13, 35),
         closed_at=time(15, 50))  # fmt: skip
    return meeting


def _action(app, meeting_id: int, text: str, due_on, done_on=None) -> int:
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        item = meetings.add_item(meeting, actor=None, section=4, title=f"วาระ {text}")
        action = meetings.add_action(item, actor=None, text=text, owner="สมาคม", due_on=due_on)
        if done_on is not None:
            meetings.mark_action_done(action, None, done_on=done_on)
        return action.id


# --- staff -----------------------------------------------------------------------------------


def test_staff_home_lists_what_waits_and_links_each_record(
    app, client, sign_in, make_agreement, two_organisations, submit, board, schedule
):
    own, partner = two_organisations
    in_review = make_agreement(AgreementStatus.IN_REVIEW, title_th="ร่างรอการพิจารณา")
    ending = make_agreement(
        AgreementStatus.SIGNED, effective_until=today() + timedelta(days=20), title_th="ใกล้หมด"
    )
    waiting = submit(partner, title="ข้อเสนอที่รอคัดกรอง")
    screened = submit(partner, ProposalStatus.SCREENING, title="ข้อเสนอที่คัดกรองแล้ว")
    seats = board()
    upcoming = schedule(seats.committee, held_on=today() + timedelta(days=7))
    sign_in("staff")

    html = _page(client)
    review = _section(html, "review-heading")
    assert f'href="/agreements/{in_review}"' in review and "ร่างรอการพิจารณา" in review
    screen = _section(html, "screen-heading")
    assert f'href="/proposals/{waiting}"' in screen
    assert f'href="/proposals/{screened}"' not in screen  # screened already
    assert f'href="/meetings/{upcoming}"' in _section(html, "meetings-heading")
    assert f'href="/agreements/{ending}"' in _section(html, "expiring-heading")
    # The figures: one agreement in force, one proposal waiting, one in screening.
    assert "Agreements in force" in html and "1 in screening, 2 in all" in html
    # The pictures, each with its table; the timeline links the signed agreement.
    for chart in (
        "chart-agreement-timeline",
        "chart-agreement-states",
        "chart-agreement-partners",
        "chart-proposal-states",
        "chart-proposal-categories",
    ):
        assert f'id="{chart}"' in html, chart
    assert 'href="/statistics"' in html  # the endorsements over time
    timeline = html[html.index('id="chart-agreement-timeline"') :]
    assert f'<a href="/agreements/{ending}">' in timeline
    assert html.count('role="img"') >= 5
    assert "The figures as a table" in html


def test_staff_recent_activity_leaves_accounts_and_sign_ins_to_the_audit_log(
    app, client, sign_in, make_user, make_agreement
):
    agreement = make_agreement(title_th="ข้อตกลงที่เพิ่งร่าง")
    make_user("staff", full_name="บัญชีที่เพิ่งสร้างใหม่")  # a "users" event, the newest one
    sign_in("staff")
    activity = _section(_page(client), "activity-heading")
    assert "ข้อตกลงที่เพิ่งร่าง" in activity
    assert f'href="/agreements/{agreement}"' in activity
    assert "บัญชีที่เพิ่งสร้างใหม่" not in activity
    assert "signed in" not in activity

    client.post("/sign-out").close()
    sign_in("admin")
    activity = _section(_page(client), "activity-heading")
    assert "บัญชีที่เพิ่งสร้างใหม่" in activity  # admins read the whole log
    assert "/admin/audit/?record_type=users" in activity


def test_an_empty_registry_says_so_in_each_panel(client, sign_in):
    sign_in("staff")
    html = _page(client)
    for sentence in (
        "No draft is waiting for review.",
        "No proposal is waiting for screening.",
        "No meeting is scheduled.",
        "No signed agreement to draw yet.",
    ):
        assert sentence in html, sentence
    assert 'id="chart-agreement-timeline"' not in html  # a sentence, not an empty picture


def test_the_statistics_page_draws_endorsements_per_month(
    app, client, sign_in, two_organisations, make_organisation, submit, endorse, staff
):
    own, partner = two_organisations
    proposal = submit(partner)
    for _ in range(3):
        endorse(proposal, make_organisation(), staff)
    sign_in("staff")
    html = _page(client, "/statistics")
    assert 'id="chart-endorsements"' in html and 'role="img"' in html
    table = html[html.index("<table") : html.index("</table>")]
    rows = re.findall(r'<th scope="row"[^>]*>([^<]+)</th><td class="text-end">(\d+)</td>', table)
    assert len(rows) == 24
    assert rows[-1][1] == "3" and {count for _month, count in rows[:-1]} == {"0"}
    assert rows[-1][0] == f"{today():%b} {today().year}"  # this month, last


def test_the_statistics_page_says_when_there_is_nothing(client, sign_in):
    sign_in("staff")
    html = _page(client, "/statistics")
    assert "No endorsements in the last two years." in html
    assert 'id="chart-endorsements"' not in html


# --- secretary -------------------------------------------------------------------------------


def test_secretary_home_shows_their_committees_only(
    app, client, make_user, board, schedule, call, get_user
):
    secretary = make_user("secretary")
    mine = board(secretary_user=secretary, name_th="คณะกรรมการของเลขานุการ")
    other = board(name_th="คณะกรรมการอื่น")
    next_mine = schedule(mine.committee, held_on=today() + timedelta(days=5))
    next_other = schedule(other.committee, held_on=today() + timedelta(days=5))
    past = today() - timedelta(days=40)
    held = _held_meeting(app, call, schedule, mine.committee, mine.seats, past)
    held_other = _held_meeting(app, call, schedule, other.committee, other.seats, past)
    overdue = _action(app, held, "ส่งรายงานผลการศึกษา", past + timedelta(days=10))
    _action(app, held, "งานที่ทำเสร็จแล้ว", past + timedelta(days=10), done_on=past + timedelta(days=5))
    _action(app, held, "งานที่ยังไม่ถึงกำหนด", today() + timedelta(days=10))
    _action(app, held_other, "งานของคณะอื่น", past + timedelta(days=10))
    sign_in_client(client, get_user(secretary).email)

    html = _page(client)
    meetings_panel = _section(html, "meetings-heading")
    assert f'href="/meetings/{next_mine}"' in meetings_panel
    assert f'href="/meetings/{next_other}"' not in html
    assert f'href="/meetings/{held}"' in _section(html, "certify-heading")
    assert f'href="/meetings/{held_other}"' not in html
    actions = _section(html, "overdue-heading")
    assert "ส่งรายงานผลการศึกษา" in actions
    with app.app_context():
        item = db.session.get(AgendaItem, _item_of(app, overdue))
    assert f'href="/meetings/{held}#item-{item.id}"' in actions
    for hidden in ("งานที่ทำเสร็จแล้ว", "งานที่ยังไม่ถึงกำหนด", "งานของคณะอื่น"):
        assert hidden not in html
    assert "คณะกรรมการของเลขานุการ" in _section(html, "committees-heading")
    assert "คณะกรรมการอื่น" not in html


def test_secretary_home_lines_name_each_meetings_number_committee_status_and_due_date(
    app, client, make_user, board, schedule, call, get_user
):
    secretary = make_user("secretary")
    mine = board(secretary_user=secretary, name_th="คณะกรรมการวัดผล")
    upcoming = schedule(mine.committee, held_on=today() + timedelta(days=5))
    past = today() - timedelta(days=40)
    held = _held_meeting(app, call, schedule, mine.committee, mine.seats, past)
    _action(app, held, "ส่งรายงานผลการศึกษา", past + timedelta(days=10))
    with app.app_context():
        numbers = {
            meeting_id: f"{m.number}/{m.year_be}"
            for meeting_id in (upcoming, held)
            for m in [db.session.get(Meeting, meeting_id)]
        }
    sign_in_client(client, get_user(secretary).email)

    html = _page(client)
    with app.test_request_context():
        held_label = str(MEETING_STATUS_LABELS[MeetingStatus.HELD])
        meeting_no = gettext("Meeting no. %(number)s", number=numbers[upcoming])
        due = format_date(past + timedelta(days=10), "short")
        held_line = pgettext("short date", "Held on %(date)s", date=format_date(past))
        time_from = format_time(time(13, 30))
    meetings_panel = _section(html, "meetings-heading")
    assert meeting_no in meetings_panel and "คณะกรรมการวัดผล" in meetings_panel
    assert time_from in meetings_panel
    certify = _section(html, "certify-heading")
    assert numbers[held] in certify and "คณะกรรมการวัดผล" in certify
    assert f'<span class="badge text-bg-primary">{held_label}</span>' in certify
    assert held_line in certify
    actions = _section(html, "overdue-heading")
    assert "สมาคม · " in actions and due in actions
    assert f"{numbers[held]}, คณะกรรมการวัดผล" in actions


def test_a_secretary_whose_seat_has_ended_no_longer_sees_that_committee(
    app, client, make_user, board, schedule, call, get_user
):
    secretary = make_user("secretary")
    mine = board(secretary_user=secretary, name_th="คณะกรรมการที่พ้นตำแหน่งแล้ว")
    upcoming = schedule(mine.committee, held_on=today() + timedelta(days=5))
    past = today() - timedelta(days=40)
    held = _held_meeting(app, call, schedule, mine.committee, mine.seats, past)
    _action(app, held, "งานค้างของคณะเดิม", past + timedelta(days=10))
    call(committee_services.end_membership, Membership, mine.secretary, None,
         ended_on=today(), reason="ลาออก")  # fmt: skip
    sign_in_client(client, get_user(secretary).email)

    html = _page(client)
    assert "คณะกรรมการที่พ้นตำแหน่งแล้ว" not in html
    assert f"/meetings/{upcoming}" not in html and f"/meetings/{held}" not in html
    assert "งานค้างของคณะเดิม" not in html
    assert "You hold no secretary seat on a committee yet" in html


def _item_of(app, action_id: int) -> int:
    from registry.meetings.models import ActionItem

    with app.app_context():
        return db.session.get(ActionItem, action_id).agenda_item_id


def test_a_secretary_with_nothing_to_do_reads_friendly_sentences(client, sign_in):
    sign_in("secretary")
    html = _page(client)
    for sentence in (
        "No meeting is scheduled.",
        "Every meeting held has its minutes certified.",
        "No action item is overdue.",
        "You hold no secretary seat on a committee yet",
    ):
        assert sentence in html, sentence


# --- representative --------------------------------------------------------------------------


def test_representative_home_shows_only_their_association(
    app, client, make_user, get_user, make_agreement, two_organisations, make_organisation,
    make_contact, submit, endorse, staff, board, appoint, schedule,
):  # fmt: skip
    own, partner = two_organisations
    other = make_organisation()
    approved = make_agreement(AgreementStatus.APPROVED, title_th="ข้อตกลงรอลงนามของเรา")
    signed = make_agreement(AgreementStatus.SIGNED, title_th="ข้อตกลงที่ลงนามแล้วของเรา",
                            effective_until=today() + timedelta(days=400))  # fmt: skip
    make_agreement(AgreementStatus.IN_REVIEW, title_th="ร่างภายในของ สพร.")
    make_agreement(
        AgreementStatus.SIGNED, organisation_ids=[own, other], title_th="ข้อตกลงกับสมาคมอื่น"
    )
    ours = submit(partner, title="ข้อเสนอของสมาคมเรา")
    theirs = submit(other, title="ข้อเสนอของสมาคมอื่นที่เราสนับสนุน")
    submit(other, title="ข้อเสนอที่เราไม่เกี่ยวข้อง")
    endorse(theirs, partner, staff)
    committee = board(name_th="คณะกรรมการที่สมาคมมีที่นั่ง")
    appoint(committee.committee, make_contact(partner, first_name="ผู้แทนของเรา"), "member")
    elsewhere = board(name_th="คณะกรรมการที่สมาคมไม่มีที่นั่ง")
    next_meeting = schedule(committee.committee, held_on=today() + timedelta(days=10))
    other_meeting = schedule(elsewhere.committee, held_on=today() + timedelta(days=10))
    rep = make_user("representative", organisation_id=partner)
    sign_in_client(client, get_user(rep).email)

    html = _page(client)
    agreements = _section(html, "agreements-heading")
    assert f'href="/agreements/mine/{approved}"' in agreements
    assert f'href="/agreements/mine/{signed}"' in agreements
    assert "ร่างภายในของ สพร." not in html and "ข้อตกลงกับสมาคมอื่น" not in html
    assert 'id="chart-agreement-timeline"' in agreements  # the signed one is drawn
    assert f'<a href="/agreements/mine/{signed}">' in agreements
    assert f'href="/proposals/{ours}"' in _section(html, "proposals-heading")
    endorsed = _section(html, "endorsements-heading")
    assert f'href="/proposals/{theirs}"' in endorsed
    assert "ข้อเสนอที่เราไม่เกี่ยวข้อง" not in html
    seats = _section(html, "seats-heading")
    assert f'href="/committees/ours/{committee.committee}"' in seats and "ผู้แทนของเรา" in seats
    assert "คณะกรรมการที่สมาคมไม่มีที่นั่ง" not in html
    assert f'href="/meetings/ours/{next_meeting}"' in _section(html, "meetings-heading")
    assert (
        f"/meetings/ours/{other_meeting}" not in html and f"/meetings/{other_meeting}" not in html
    )
    assert "/admin/audit" not in html and "activity-heading" not in html


def test_representative_home_counts_all_the_associations_proposals_and_endorsements_in_force(
    app, client, make_user, get_user, two_organisations, make_organisation, submit, endorse,
    staff,
):  # fmt: skip
    own, partner = two_organisations
    other = make_organisation()
    for n in range(SHOWN + 2):
        submit(partner, title=f"ข้อเสนอที่ {n}")
    submit(other, title="ข้อเสนอของสมาคมอื่น")
    for n in range(SHOWN + 1):
        endorse(submit(other, title=f"ข้อเสนอที่เราสนับสนุน {n}"), partner, staff)
    withdrawn = endorse(submit(other, title="ข้อเสนอที่ถอนการสนับสนุนแล้ว"), partner, staff)
    with app.app_context():
        proposal_services.withdraw_endorsement(
            db.session.get(Endorsement, withdrawn), db.session.get(User, staff)
        )
    rep = make_user("representative", organisation_id=partner)
    sign_in_client(client, get_user(rep).email)

    html = _page(client)
    proposals = _section(html, "proposals-heading")
    assert proposals.count('<li class="mb-2">') == SHOWN
    assert f"All {SHOWN + 2} proposals" in proposals
    endorsed = _section(html, "endorsements-heading")
    assert endorsed.count('<li class="mb-2">') == SHOWN
    assert f"All {SHOWN + 1} endorsements" in endorsed
    assert "ข้อเสนอที่ถอนการสนับสนุนแล้ว" not in endorsed


def test_a_new_association_reads_friendly_sentences(client, sign_in):
    sign_in("representative")
    html = _page(client)
    for sentence in (
        "Your association has no agreement approved for signing yet.",
        "Your association has not submitted a proposal yet.",
        "Your association endorses no proposal at the moment.",
        "Your association holds no committee seat at the moment.",
        "No meeting is scheduled.",
    ):
        assert sentence in html, sentence


def test_the_home_page_reads_in_thai_with_buddhist_era_years(
    app, client, sign_in, make_agreement, monkeypatch
):
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "th")
    make_agreement(AgreementStatus.SIGNED, effective_until=today() + timedelta(days=700))
    sign_in("staff")
    html = _page(client)
    timeline = html[html.index('id="chart-agreement-timeline"') :]
    timeline = timeline[: timeline.index("</svg>")]
    years = {int(y) for y in re.findall(r">(\d{4})</text>", timeline)}
    assert today().year + 543 in years and today().year not in years
    assert "วันนี้" in timeline


# --- a fixed number of statements --------------------------------------------------------------


def _grow(app, make_agreement, submit, endorse, staff, board, schedule, call, new_organisation,
          n, rep_org, secretary=None):  # fmt: skip
    """Add ``n`` of each kind of record the home pages list, each proposal from another
    organisation (so that a missing eager load shows as one more statement per row)."""
    for index in range(n):
        make_agreement(AgreementStatus.IN_REVIEW)
        make_agreement(AgreementStatus.SIGNED, effective_until=today() + timedelta(days=30 + index))
        proposal = submit(new_organisation())
        endorse(proposal, rep_org, staff)
        seats = board(secretary_user=secretary)
        schedule(seats.committee, held_on=today() + timedelta(days=3 + index))
        held = _held_meeting(app, call, schedule, seats.committee, seats.seats,
                             today() - timedelta(days=30))  # fmt: skip
        _action(app, held, f"งาน {index}", today() - timedelta(days=20))


ROLES = ("staff", "admin", "secretary", "representative")


def test_each_home_page_runs_the_same_statements_however_large_the_register(
    app, client, make_user, get_user, make_agreement, two_organisations, submit, endorse,
    staff, board, schedule, call, appoint, make_contact, count_statements, make_organisation,
):  # fmt: skip
    own, rep_org = two_organisations
    users = {role: make_user(role, organisation_id=rep_org if role == "representative" else None)
             for role in ROLES}  # fmt: skip
    seated: set[int] = set()

    def grow(n: int) -> None:
        _grow(app, make_agreement, submit, endorse, staff, board, schedule, call,
              make_organisation, n, rep_org, users["secretary"])  # fmt: skip
        with app.app_context():
            upcoming = db.session.scalars(
                db.select(Meeting.committee_id).where(Meeting.held_on > today())
            ).all()
        for committee in set(upcoming) - seated:  # the association sits on every committee
            appoint(committee, make_contact(rep_org), "member")
            seated.add(committee)

    def statements() -> dict[str, int]:
        found = {}
        for role, user in users.items():
            client.post("/sign-out").close()
            sign_in_client(client, get_user(user).email)
            count_statements("/")  # warm-up: the first request of a session loads more
            cache.forget(app)  # the staff figures counted afresh
            status, found[role] = count_statements("/")
            assert status == 200
            status, found[f"{role}, figures kept"] = count_statements("/")
            assert status == 200
        return found

    grow(1)
    small = statements()
    grow(9)  # more rows than any list shows
    large = statements()
    assert large == small, f"statements with little data {small}, with more {large}"
    assert max(small.values()) <= 30, small
    # the figures and pictures are counted once, then kept until the next write
    assert small["staff, figures kept"] < small["staff"], small


def test_an_admin_gets_the_staff_home_and_the_administration_links(client, sign_in):
    sign_in("admin")
    html = _page(client)
    assert 'aria-labelledby="review-heading"' in html
    admin = _section(html, "admin-heading")
    assert 'href="/admin/audit/"' in admin and 'href="/admin/users"' in admin.replace(
        "/users/", "/users"
    )
