"""People in drop-down lists carry their organisation beside their name ("นายสมชาย ใจดี —
สมาคม… (position)"): the committee seat form's list of people, and the contact person of a
proposal; two people of the same name are told apart by it."""

from __future__ import annotations

import html
import re

from registry.auth.models import Role


def _options(page: str, name: str) -> list[str]:
    """The texts of the options of the select named ``name``."""
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select, f"no select {name}"
    return [
        html.unescape(text).strip()
        for text in re.findall(r"<option[^>]*>(.*?)</option>", select.group(1), re.S)
    ]


def test_the_seat_form_names_each_persons_organisation(
    client, sign_in, make_committee, make_organisation, make_contact
):
    sign_in(Role.STAFF)
    client.post("/language", data={"locale": "th"}).close()
    maker = make_organisation("สมาคมไทยเมกเกอร์")
    ai = make_organisation("สมาคมปัญญาประดิษฐ์ประเทศไทย")
    make_contact(maker, title="นาย", first_name="สมชาย", last_name="ใจดี", position="นายกสมาคม")
    make_contact(ai, title="นาย", first_name="สมชาย", last_name="ใจดี")
    committee = make_committee()
    with client.get(f"/committees/{committee}/appoint") as response:
        assert response.status_code == 200
        options = _options(response.get_data(as_text=True), "contact_id")
    assert "นายสมชาย ใจดี — สมาคมไทยเมกเกอร์ (นายกสมาคม)" in options
    assert "นายสมชาย ใจดี — สมาคมปัญญาประดิษฐ์ประเทศไทย" in options


def test_the_proposal_contact_list_names_each_persons_organisation(
    client, sign_in, make_organisation, make_contact
):
    sign_in(Role.STAFF)
    client.post("/language", data={"locale": "th"}).close()
    agency = make_organisation("กรมการปกครอง")
    make_contact(agency, title="นางสาว", first_name="สมหญิง", last_name="รักดี", position="นักวิชาการ")
    with client.get("/proposals/new") as response:
        assert response.status_code == 200
        options = _options(response.get_data(as_text=True), "contact_id")
    assert "นางสาวสมหญิง รักดี — กรมการปกครอง (นักวิชาการ)" in options
