"""What the proposals list and the proposal page show from plain rows (``queries.list_rows``,
``list_categories``, ``history``, ``annexes``): the submitting organisation and category of
each listed proposal (a category no longer in use included), who changed the status, and the
agreements a proposal is annexed to, with the remove button only before signing."""

from __future__ import annotations

import re

import pytest

from registry import audit
from registry.agreements import services as agreements
from registry.agreements.models import Agreement, AgreementStatus
from registry.auth.models import User
from registry.db import db
from registry.proposals import services
from registry.proposals.models import Category, Proposal, ProposalStatus, StatusChange

S = ProposalStatus


def body(response) -> str:
    with response:
        assert response.status_code == 200
        return response.get_data(as_text=True)


def row(html: str, text: str) -> str:
    """The table row holding ``text``, its whitespace folded."""
    cell = r"(?:(?!</tr>).)*"
    found = re.search(r"<tr>(" + cell + re.escape(text) + cell + r")</tr>", html, re.S)
    assert found, f"no row with {text}"
    return " ".join(found.group(1).split())


@pytest.fixture
def screened(submit, make_organisation):
    return submit(make_organisation("สมาคมทดสอบแถวหน้าข้อเสนอ"), status=S.SCREENING)


def test_the_list_shows_each_proposal_s_organisation_and_category_even_one_out_of_use(
    app, client, sign_in, submit, make_organisation, category
):
    organisation = make_organisation("สมาคม <ทดสอบ> รายการข้อเสนอ")
    submit(organisation, title="ข้อเสนอหมวดที่เลิกใช้ทดสอบ", category_id=category("iot"))
    with app.app_context():
        retired = db.session.get(Category, category("iot"))
        with audit.change(retired, None, "updated"):
            retired.active = False
        db.session.commit()
        name = retired.name_en
    sign_in("staff")
    html = body(client.get("/proposals/"))

    listed = row(html, "ข้อเสนอหมวดที่เลิกใช้ทดสอบ")
    assert (
        f'href="/proposals/?organisation={organisation}">สมาคม &lt;ทดสอบ&gt; รายการข้อเสนอ</a>'
        in listed
    )
    assert f"<td>{name}</td>" in listed
    # The filter offers only the categories in use.
    choices = html[
        html.index('id="category"') : html.index("</select>", html.index('id="category"'))
    ]
    assert f">{name}</option>" not in choices


def test_the_status_history_names_who_changed_it_and_a_dash_for_no_one(
    app, client, sign_in, screened, staff
):
    with app.app_context():
        db.session.add(
            StatusChange(
                proposal_id=screened,
                from_status=S.SCREENING,
                to_status=S.SCREENING,
                reason="บันทึกโดยระบบทดสอบ",
                actor_id=None,
            )
        )
        audit.record_event(None, "changed (test)", record_type="proposals")
        db.session.commit()
        name = db.session.get(User, staff).full_name
    sign_in("staff")
    html = body(client.get(f"/proposals/{screened}"))
    history = html[html.index('id="history"') :]

    assert f"<td>{name}</td>" in row(history, "ทดสอบ</td>")
    assert "<td>—</td>" in row(history, "บันทึกโดยระบบทดสอบ")


def test_the_page_lists_its_annexes_with_a_remove_button_only_before_signing(
    app, client, sign_in, screened, staff, make_agreement
):
    draft = make_agreement(title_th="ร่างบันทึกแนบข้อเสนอทดสอบ")
    approved = make_agreement(AgreementStatus.APPROVED, title_th="บันทึกอนุมัติแนบข้อเสนอทดสอบ")
    with app.app_context():
        user = db.session.get(User, staff)
        for agreement_id in (draft, approved):
            services.annex_to_agreement(
                db.session.get(Proposal, screened),
                user,
                agreement=db.session.get(Agreement, agreement_id),
            )
        agreements.sign(
            db.session.get(Agreement, approved),
            user,
            signed_on=agreements.today(),
            signing_place="กรุงเทพมหานคร",
        )
        references = {i: db.session.get(Agreement, i).reference for i in (draft, approved)}
    sign_in("staff")
    html = body(client.get(f"/proposals/{screened}"))
    annexes = html[html.index('id="annexes"') :]

    for agreement_id, title in ((draft, "ร่างบันทึกแนบข้อเสนอทดสอบ"),
                                (approved, "บันทึกอนุมัติแนบข้อเสนอทดสอบ")):  # fmt: skip
        link = f'<a href="/agreements/{agreement_id}">{references[agreement_id]}</a>'
        assert link in annexes and title in annexes
    assert f"/proposals/{screened}/annex/{draft}/remove" in annexes
    assert f"/proposals/{screened}/annex/{approved}/remove" not in annexes
