"""The agreements list's rows, read as plain values (``queries.listed``): each row names its
parties in their order, shows today's status and state and the period in force, and links to
the agreement; a page costs the same statements whatever its parties."""

from __future__ import annotations

import re
from datetime import timedelta

from registry.agreements import queries, services
from registry.agreements.models import Agreement, AgreementState, AgreementStatus
from registry.auth.models import User
from registry.db import db


def _row(html: str, title: str) -> str:
    """The table row of the agreement with this title."""
    found = re.search(
        r"<tr>((?:(?!</tr>).)*" + re.escape(title) + r"(?:(?!</tr>).)*)</tr>", html, re.S
    )
    assert found, f"no row for {title}"
    return " ".join(found.group(1).split())


def _list(client, **query) -> str:
    with client.get("/agreements/", query_string=query) as response:
        assert response.status_code == 200
        return response.get_data(as_text=True)


def test_each_row_names_its_parties_in_order_by_acronym_else_thai_name(
    app, client, sign_in_en, make_agreement, make_organisation
):
    own = make_organisation("กรมทดสอบแถวรายการ", acronym="DGX")
    unnamed = make_organisation("สมาคมไม่มีอักษรย่อทดสอบ", acronym=None)
    named = make_organisation("สมาคมมีอักษรย่อทดสอบ", acronym="TAX&Y")
    ident = make_agreement(organisation_ids=[own, unnamed, named], title_th="บันทึกสามภาคีทดสอบ")
    sign_in_en("staff")

    row = _row(_list(client), "บันทึกสามภาคีทดสอบ")
    assert "<td>DGX, สมาคมไม่มีอักษรย่อทดสอบ, TAX&amp;Y</td>" in row  # escaped, in order
    with app.app_context():
        reference = db.session.get(Agreement, ident).reference
    assert f'<a href="/agreements/{ident}">{reference}</a>' in row
    assert "Draft" in row and "From the date of signing – open-ended" in row


def test_each_row_shows_today_s_status_state_and_period(
    app, client, sign_in_en, make_agreement, staff_user
):
    today = services.today()
    make_agreement(AgreementStatus.SIGNED, title_th="บันทึกมีผลทดสอบ")
    ending = today + timedelta(days=20)
    make_agreement(AgreementStatus.SIGNED, title_th="บันทึกใกล้สิ้นสุดทดสอบ", effective_until=ending)
    ahead = make_agreement(AgreementStatus.SIGNED, title_th="บันทึกแจ้งยุติล่วงหน้าทดสอบ")
    with app.app_context():
        services.terminate(
            db.session.get(Agreement, ahead),
            db.session.get(User, staff_user),
            terminated_on=today + timedelta(days=40),
            reason="ครบตามหนังสือแจ้ง",
        )
    sign_in_en("staff")
    html = _list(client)

    row = _row(html, "บันทึกมีผลทดสอบ")
    assert '<span class="badge text-bg-success">Signed</span>' in row
    assert '<span class="badge text-bg-success">In force</span>' in row
    row = _row(html, "บันทึกใกล้สิ้นสุดทดสอบ")
    assert '<span class="badge text-bg-warning">Expiring soon</span>' in row
    assert "– open-ended" not in row
    # A termination that takes effect later: still signed, and the day it ends.
    row = _row(html, "บันทึกแจ้งยุติล่วงหน้าทดสอบ")
    assert '<span class="badge text-bg-success">Signed</span>' in row
    assert '<span class="badge text-bg-warning">Terminating on' in row
    assert "Terminated" not in row


def test_a_page_costs_the_same_statements_whatever_its_parties(
    client, sign_in_en, make_agreement, make_organisation, statements
):
    sign_in_en("staff")
    counts = []
    for parties in (2, 4):
        ids = [make_organisation(f"ภาคีทดสอบจำนวน {parties} {n}") for n in range(parties)]
        make_agreement(organisation_ids=ids, title_th=f"บันทึก {parties} ภาคีทดสอบ")
        with statements() as seen, client.get("/agreements/") as response:
            assert response.status_code == 200
            assert f"บันทึก {parties} ภาคีทดสอบ" in response.get_data(as_text=True)
        counts.append(len(seen))
    assert counts[0] == counts[1]


def test_the_agreement_page_links_to_its_renewal_and_back(
    app, client, sign_in_en, make_agreement, staff_user, statements
):
    old = make_agreement(AgreementStatus.SIGNED, title_th="บันทึกเดิมที่ต่ออายุทดสอบ")
    alone = make_agreement(AgreementStatus.SIGNED, title_th="บันทึกที่ยังไม่ต่ออายุทดสอบ")
    with app.app_context():
        renewal = services.renew(db.session.get(Agreement, old), db.session.get(User, staff_user))
        new, references = (
            renewal.id,
            {ident: db.session.get(Agreement, ident).reference for ident in (old, renewal.id)},
        )
    sign_in_en("staff")

    def page(ident: int) -> tuple[str, int]:
        with statements() as seen, client.get(f"/agreements/{ident}") as response:
            assert response.status_code == 200
            # Looked for on their own: the renewal (and by the renew button's rule).
            lookups = sum("WHERE agreements.predecessor_id = " in sql for sql in seen)
            return " ".join(response.get_data(as_text=True).split()), lookups

    page(alone)  # what a process loads once (the account, settings)
    html, renewed = page(old)
    assert f'Renewed by <a href="/agreements/{new}">{references[new]}</a>' in html
    assert "Renews <a" not in html
    html, _ = page(new)
    assert f'Renews <a href="/agreements/{old}">{references[old]}</a>' in html
    assert "Renewed by" not in html
    html, not_renewed = page(alone)
    assert "Renewed by" not in html and "Renews <a" not in html
    # The renewal is read with the agreement, and the renew button's rule is told of it: no
    # statement looks for it on its own.
    assert renewed == 0 and not_renewed == 0
    assert f'action="/agreements/{alone}/renew"' in page(alone)[0]
    assert f'action="/agreements/{old}/renew"' not in page(old)[0]


def test_the_rows_status_and_state_are_those_of_the_day_listed(app, make_agreement):
    today = services.today()
    ending = make_agreement(AgreementStatus.SIGNED, effective_until=today + timedelta(days=30))
    draft = make_agreement()
    with app.app_context():
        assert queries.listed([]) == []
        rows = queries.listed([draft, 999_999_999, ending])  # an unknown id is left out
        assert [row.id for row in rows] == [draft, ending]
        assert rows[0].status_today is AgreementStatus.DRAFT
        assert rows[0].state_today is AgreementState.NOT_SIGNED
        assert rows[1].status_today is AgreementStatus.SIGNED
        assert rows[1].state_today is AgreementState.EXPIRING
        [later] = queries.listed([ending], on=today + timedelta(days=31))
        assert later.state_today is AgreementState.EXPIRED
        assert later.party_names.count(", ") == 1  # both parties, joined in their order
