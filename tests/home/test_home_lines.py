"""The home pages' lines as the reader reads them: dates, counts and labels in the reader's
language and digits (the lines are formatted once per page, not by template filters), what
people typed escaped once, and the bands of agreements ending soon with what they leave out."""

from __future__ import annotations

from datetime import timedelta

from registry.agreements import services as agreement_services
from registry.agreements.labels import STATE_LABELS, STATUS_LABELS
from registry.agreements.models import Agreement, AgreementState, AgreementStatus
from registry.auth.models import User
from registry.committees.services import today
from registry.db import db
from registry.home.queries import SHOWN
from registry.i18n import format_date
from registry.organisations.models import Organisation
from tests.conftest import read_version, sign_in_client
from tests.home.test_home import _action, _held_meeting, _page, _section

#: Typed by a person: each of these characters must reach the page escaped, once.
TYPED = 'R&D <b>"ทีม"</b>'
ESCAPED = "R&amp;D &lt;b&gt;&#34;ทีม&#34;&lt;/b&gt;"


def _thai_digits(client, on: bool) -> None:
    """The administrator's Thai-digits setting, through the settings page (signed in as an
    administrator)."""
    data = read_version(client, "/admin/settings/")
    if on:
        data["thai_numerals"] = "y"
    assert client.post("/admin/settings/", data=data).status_code == 302


def test_staff_lines_follow_the_thai_digits_setting_and_go_back_when_it_is_off(
    app, client, sign_in, make_agreement, two_organisations, submit, monkeypatch
):
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "th")
    _own, partner = two_organisations
    ends = today() + timedelta(days=20)
    make_agreement(AgreementStatus.IN_REVIEW, title_th="ร่างรอการพิจารณา")
    make_agreement(AgreementStatus.SIGNED, effective_until=ends, title_th="ใกล้หมด")
    submit(partner, title="ข้อเสนอที่รอคัดกรอง")
    sign_in("admin")
    with app.test_request_context():
        arabic = {day: format_date(day, "short", "th", False) for day in (today(), ends)}
        thai = {day: format_date(day, "short", "th", True) for day in (today(), ends)}
    assert arabic[ends] != thai[ends]

    _thai_digits(client, True)
    html = _page(client)
    assert thai[today()] in _section(html, "review-heading")
    assert thai[today()] in _section(html, "screen-heading")
    expiring = _section(html, "expiring-heading")
    assert thai[ends] in expiring and "ภายใน ๓๐ วัน" in expiring
    assert '<span class="badge text-bg-danger">๑</span>' in expiring
    activity = _section(html, "activity-heading")
    assert thai[today()] in activity and arabic[today()] not in activity

    _thai_digits(client, False)
    html = _page(client)
    assert arabic[today()] in _section(html, "review-heading")
    expiring = _section(html, "expiring-heading")
    assert arabic[ends] in expiring and '<span class="badge text-bg-danger">1</span>' in expiring
    assert thai[today()] not in html


def test_staff_lines_escape_what_people_typed_once(
    app, client, sign_in, make_agreement, two_organisations, submit
):
    _own, partner = two_organisations
    make_agreement(AgreementStatus.IN_REVIEW, title_th=TYPED)
    make_agreement(
        AgreementStatus.SIGNED, effective_until=today() + timedelta(days=40), title_th=TYPED
    )
    submit(partner, title=TYPED)
    sign_in("staff")
    html = _page(client)
    for heading in ("review-heading", "screen-heading", "expiring-heading", "activity-heading"):
        section = _section(html, heading)
        assert ESCAPED in section, heading
        assert "<b>" not in section and "&amp;amp;" not in section, heading


def test_the_expiring_bands_list_the_soonest_and_say_how_many_more(
    app, client, sign_in, make_agreement
):
    for n in range(SHOWN + 2):
        make_agreement(
            AgreementStatus.SIGNED,
            effective_until=today() + timedelta(days=5 + n),
            title_th=f"ใกล้หมด {n}",
        )
    sign_in("staff")
    html = _page(client)
    expiring = _section(html, "expiring-heading")
    assert expiring.count('<li class="mb-1">') == SHOWN
    assert "Ending within 30 days" in expiring and "and 2 more agreements" in expiring
    assert expiring.count("None.") == 2  # the 60 and 90 days bands
    soonest = format_date(today() + timedelta(days=5), "short", "en")
    assert f"ใกล้หมด 0 · {soonest}" in " ".join(expiring.split())
    assert "ใกล้หมด 9" not in expiring


def test_representative_lines_name_status_endorsements_and_the_seat_holders_role(
    app, client, make_user, get_user, two_organisations, make_organisation, make_contact,
    submit, endorse, staff, board, appoint,
):  # fmt: skip
    _own, partner = two_organisations
    other = make_organisation()
    ours = submit(partner, title=TYPED)
    endorse(ours, other, staff)
    theirs = submit(other, title="ข้อเสนอที่เราสนับสนุน")
    endorse(theirs, partner, staff)
    committee = board(name_th="คณะกรรมการที่สมาคมมีที่นั่ง")
    appoint(committee.committee, make_contact(partner, first_name="ผู้แทนของเรา"), "member")
    rep = make_user("representative", organisation_id=partner)
    sign_in_client(client, get_user(rep).email)

    html = _page(client)
    proposals = _section(html, "proposals-heading")
    assert f'<a href="/proposals/{ours}">{ESCAPED}</a>' in proposals
    assert '<span class="badge text-bg-secondary">Submitted</span>' in proposals
    assert f"{format_date(today(), 'short', 'en')} · 1 endorsements" in proposals
    endorsed = _section(html, "endorsements-heading")
    assert f'<a href="/proposals/{theirs}">' in endorsed
    assert f"Endorsed on {format_date(today(), 'short', 'en')}" in endorsed
    seats = _section(html, "seats-heading")
    assert "ผู้แทนของเรา" in seats and " · Member</span>" in seats


def test_secretary_lines_escape_the_owner_and_link_the_item(
    app, client, make_user, board, schedule, call, get_user
):
    secretary = make_user("secretary")
    mine = board(secretary_user=secretary, name_th="คณะกรรมการวัดผล")
    past = today() - timedelta(days=40)
    held = _held_meeting(app, call, schedule, mine.committee, mine.seats, past)
    action = _action(app, held, TYPED, past + timedelta(days=10))
    sign_in_client(client, get_user(secretary).email)

    html = _page(client)
    overdue = _section(html, "overdue-heading")
    assert f'href="/meetings/{held}#item-' in overdue
    assert ESCAPED in overdue and "<b>" not in overdue and "&amp;amp;" not in overdue
    assert action
    committees = _section(html, "committees-heading")
    assert f'<a href="/committees/{mine.committee}">คณะกรรมการวัดผล</a>' in committees


def test_the_expiring_bands_count_agreements_in_force_whatever_their_status_and_no_other(
    app, client, sign_in, make_agreement, staff_user
):
    """Signed, and terminated from a later day, are in force; a termination already in
    effect, an agreement that has not started and one that ended are not."""
    ends = today() + timedelta(days=45)
    signed = make_agreement(AgreementStatus.SIGNED, effective_until=ends, title_th="ลงนามแล้ว")
    terminating = make_agreement(
        AgreementStatus.SIGNED,
        signed_on=today() - timedelta(days=100),
        effective_until=ends,
        title_th="แจ้งยุติล่วงหน้า",
    )
    ended = make_agreement(
        AgreementStatus.SIGNED,
        signed_on=today() - timedelta(days=100),
        effective_until=ends,
        title_th="ยุติแล้ว",
    )
    make_agreement(
        AgreementStatus.SIGNED,
        effective_from=today() + timedelta(days=5),
        effective_until=ends,
        title_th="ยังไม่เริ่ม",
    )
    make_agreement(
        AgreementStatus.SIGNED,
        signed_on=today() - timedelta(days=100),
        effective_until=today() - timedelta(days=1),
        title_th="สิ้นสุดเมื่อวาน",
    )
    make_agreement(AgreementStatus.APPROVED, effective_until=ends, title_th="รอลงนาม")
    with app.app_context():
        for agreement_id, day in ((terminating, today() + timedelta(days=10)), (ended, today())):
            agreement_services.terminate(
                db.session.get(Agreement, agreement_id),
                db.session.get(User, staff_user),
                terminated_on=day,
                reason="ครบตามหนังสือแจ้ง",
            )
    sign_in("staff")
    expiring = _section(_page(client), "expiring-heading")
    assert f'href="/agreements/{signed}"' in expiring
    assert f'href="/agreements/{terminating}"' in expiring
    for title in ("ยุติแล้ว", "ยังไม่เริ่ม", "สิ้นสุดเมื่อวาน", "รอลงนาม"):
        assert title not in expiring, title
    assert '<span class="badge text-bg-warning">2</span>' in expiring  # within 60 days


def test_an_association_without_proposals_of_its_own_still_reads_its_endorsements_total(
    app, client, make_user, get_user, two_organisations, make_organisation, submit, endorse,
    staff,
):  # fmt: skip
    _own, partner = two_organisations
    other = make_organisation()
    for n in range(SHOWN + 1):
        endorse(submit(other, title=f"ข้อเสนอที่เราสนับสนุน {n}"), partner, staff)
    rep = make_user("representative", organisation_id=partner)
    sign_in_client(client, get_user(rep).email)

    html = _page(client)
    proposals = _section(html, "proposals-heading")
    assert "Your association has not submitted a proposal yet." in proposals
    assert '<li class="mb-2">' not in proposals and "All " not in proposals
    endorsed = _section(html, "endorsements-heading")
    assert endorsed.count('<li class="mb-2">') == SHOWN
    assert f"All {SHOWN + 1} endorsements" in endorsed


def test_representative_agreements_show_status_state_period_and_partners(
    app, client, make_user, get_user, make_agreement, two_organisations, staff_user
):
    own, partner = two_organisations
    with app.app_context():
        own_names = db.session.get(Organisation, own)
        partner_names = db.session.get(Organisation, partner)
        own_name, partner_name = own_names.acronym, partner_names.acronym
    approved = make_agreement(AgreementStatus.APPROVED, title_th="รอลงนาม")
    ends = today() + timedelta(days=20)
    expiring = make_agreement(AgreementStatus.SIGNED, effective_until=ends, title_th="ใกล้หมด")
    terminating = make_agreement(
        AgreementStatus.SIGNED, signed_on=today() - timedelta(days=100), title_th="แจ้งยุติ"
    )
    stops = today() + timedelta(days=10)
    with app.app_context():
        agreement_services.terminate(
            db.session.get(Agreement, terminating),
            db.session.get(User, staff_user),
            terminated_on=stops,
            reason="ครบตามหนังสือแจ้ง",
        )
    rep = make_user("representative", organisation_id=partner)
    sign_in_client(client, get_user(rep).email)

    html = _page(client)
    with app.test_request_context():
        approved_label = str(STATUS_LABELS[AgreementStatus.APPROVED])
        signed_label = str(STATUS_LABELS[AgreementStatus.SIGNED])
        expiring_label = str(STATE_LABELS[AgreementState.EXPIRING])
    panel = _section(html, "agreements-heading")
    lines = {
        agreement_id: " ".join(line.split())
        for agreement_id in (approved, expiring, terminating)
        for line in [panel[panel.index(f'href="/agreements/mine/{agreement_id}"') :]]
        for line in [line[: line.index("</li>")]]
    }
    assert f'<span class="badge text-bg-primary">{approved_label}</span>' in lines[approved]
    assert "From the date of signing – open-ended" in lines[approved]
    assert f'<span class="badge text-bg-success">{signed_label}</span>' in lines[expiring]
    assert f'<span class="badge text-bg-warning">{expiring_label}</span>' in lines[expiring]
    assert f"– {format_date(ends, 'long', 'en')}" in lines[expiring]
    assert f'<span class="badge text-bg-success">{signed_label}</span>' in lines[terminating]
    assert f"Terminating on {format_date(stops, 'long', 'en')}" in lines[terminating]
    timeline = panel[panel.index('id="chart-agreement-timeline"') :]
    assert timeline.count(f"<td>{partner_name}</td>") == 2  # the two signed ones
    assert f"<td>{own_name}</td>" not in timeline  # DGA's side is no partner
    assert "รอลงนาม" not in timeline  # not signed: not drawn
