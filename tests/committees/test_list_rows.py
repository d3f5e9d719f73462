"""The committees list reads a page as plain rows: each committee's kind, the committee it
reports to and the seats held today, in one statement that also chooses the page."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask_babel import force_locale

from registry.auth.models import Role
from registry.committees.labels import KIND_LABELS
from registry.committees.models import Committee, CommitteeKind
from registry.committees.services import dissolve_committee, today
from registry.db import db


def _row(html: str, name: str) -> str:
    """The table row of the committee called ``name``."""
    return html.split(f">{name}</a>", 1)[1].split("</tr>", 1)[0]


def test_each_row_shows_its_kind_parent_and_the_seats_held_today(
    app, client, sign_in, make_committee, make_contact, appoint
):
    sign_in(Role.STAFF)
    parent = make_committee(name_th="คณะแม่รายการ", established_on=date(2020, 1, 1))
    child = make_committee(
        name_th="คณะลูกรายการ", kind="subcommittee", parent_id=parent,
        established_on=date(2020, 1, 1),
    )  # fmt: skip
    for _ in range(3):
        appoint(child, make_contact())
    appoint(child, make_contact(), term_start=today() + timedelta(days=30))  # not yet
    appoint(child, make_contact(), term_start=date(2020, 2, 1), term_end=date(2021, 1, 31))
    appoint(parent, make_contact())
    with client.get("/committees/") as response:
        assert response.status_code == 200
        html = response.get_data(as_text=True)
    with app.test_request_context(), force_locale("th"):
        subcommittee = str(KIND_LABELS[CommitteeKind.SUBCOMMITTEE])
    row = _row(html, "คณะลูกรายการ")
    assert f"<td>{subcommittee}</td>" in row
    assert "<td>คณะแม่รายการ</td>" in row  # the committee it reports to
    assert re.search(r'class="text-end">3</td>', row)  # the seats held today only
    top = _row(html, "คณะแม่รายการ")
    assert "<td>—</td>" in top and re.search(r'class="text-end">1</td>', top)


def test_a_page_reads_its_committees_in_one_statement_whatever_its_size(
    client, sign_in, make_committee, make_contact, appoint, statements
):
    sign_in(Role.STAFF)

    def committee_statements() -> int:
        client.get("/committees/").close()  # what every page keeps, kept
        with statements() as seen, client.get("/committees/") as response:
            assert response.status_code == 200
        return len([s for s in seen if re.search(r"\bcommittee", s, re.IGNORECASE)])

    parent = make_committee()
    appoint(make_committee(kind="subcommittee", parent_id=parent), make_contact())
    few = committee_statements()
    for _ in range(4):
        child = make_committee(kind="subcommittee", parent_id=make_committee())
        appoint(child, make_contact())
    assert few == committee_statements() == 1  # the page's committees with their rows


def test_past_the_last_page_the_list_is_empty_and_reads_one_statement_of_rows(
    client, sign_in, make_committee, statements
):
    sign_in(Role.STAFF)
    make_committee()
    with statements() as seen, client.get("/committees/?page=9") as response:
        assert response.status_code == 200
        html = response.get_data(as_text=True)
    assert '<td colspan="5" class="text-muted">' in html  # "no committees to show"
    assert len([s for s in seen if "committee_memberships" in s]) == 1


def test_the_rows_labels_follow_the_readers_language_and_come_back(
    app, client, sign_in, make_committee
):
    sign_in(Role.STAFF)
    make_committee(name_th="คณะภาษา", kind="subcommittee", parent_id=make_committee())
    gone = make_committee(name_th="คณะยุบ", established_on=date(2020, 1, 1))
    with app.app_context():
        dissolve_committee(
            db.session.get(Committee, gone), None, dissolved_on=date(2024, 1, 31), reason="ครบวาระ"
        )
    pages = []
    for locale in ("th", "en", "th"):
        client.post("/language", data={"locale": locale}).close()
        with client.get("/committees/") as response:
            assert response.status_code == 200
            pages.append(response.get_data(as_text=True))
    labels = {}
    for locale in ("th", "en"):
        with app.test_request_context(), force_locale(locale):
            labels[locale] = str(KIND_LABELS[CommitteeKind.SUBCOMMITTEE])
    thai, english, thai_again = pages
    assert labels["th"] != labels["en"]
    shown = ((thai, "th", "en"), (english, "en", "th"), (thai_again, "th", "en"))
    for page, locale, other in shown:
        row = _row(page, "คณะภาษา")
        assert f"<td>{labels[locale]}</td>" in row and labels[other] not in row
    assert "Dissolved</span>" in _row(english, "คณะยุบ")
    assert "Active</span>" in _row(english, "คณะภาษา")
    assert "Dissolved" not in _row(thai_again, "คณะยุบ") and "Active" not in thai_again
