"""The list of proposals: Thai-aware search, filters, the two orders, pages that cost the
same statements whatever their size, and the CSV and XLSX export."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from registry.audit.models import AuditEvent
from registry.db import db
from registry.proposals import views
from registry.proposals.models import ProposalStatus
from registry.proposals.queries import ENDORSEMENTS_PER_PAGE as PER_PAGE

S = ProposalStatus


def _listed(client, **params) -> list[int]:
    with client.get("/proposals/", query_string=params) as response:
        assert response.status_code == 200
        page = response.get_data(as_text=True)
    return [int(i) for i in re.findall(r'href="/proposals/(\d+)"', page)]


@pytest.fixture
def world(submit, make_organisation, make_user, endorse, category):
    """Three organisations, four proposals and some endorsements."""
    aiat = make_organisation("สมาคมปัญญาประดิษฐ์ประเทศไทย", name_en="AI Association", acronym="AIAT")
    tiot = make_organisation("สมาคมไทยไอโอที", name_en="Thai IoT Association", acronym="TIoT")
    fti = make_organisation("สภาอุตสาหกรรมแห่งประเทศไทย", acronym="FTI")
    ids = {
        "flood": submit(tiot, title="ระบบเตือนภัยน้ำท่วมด้วยไอโอที", category_id=category("iot"),
                        status=S.SCREENING),
        "chatbot": submit(aiat, kind="recommendation", title="แชตบอตตอบคำถามประชาชน 100%_จริง",
                          summary="ใช้ปัญญาประดิษฐ์ภาษาไทย", category_id=category("ai"),
                          status=S.RECOMMENDED),
        "maker": submit(fti, title="พื้นที่เมกเกอร์ในโรงเรียน", category_id=category("maker"),
                        status=S.REJECTED),
        "old": submit(aiat, kind="problem_statement", title="ข้อมูลเปิดภาครัฐ",
                      category_id=category("software"), status=S.COMPLETED),
    }  # fmt: skip
    reps = {key: make_user("representative", organisation_id=org)
            for key, org in (("aiat", aiat), ("tiot", tiot), ("fti", fti))}  # fmt: skip
    endorse(ids["flood"], reps["aiat"])
    endorse(ids["flood"], reps["fti"])
    endorse(ids["chatbot"], reps["tiot"])
    return {"ids": ids, "orgs": {"aiat": aiat, "tiot": tiot, "fti": fti}}


@pytest.fixture
def staff_client(client, sign_in):
    sign_in("staff")
    return client


def test_search_finds_thai_inside_titles_summaries_and_organisation_names(staff_client, world):
    ids = world["ids"]
    assert _listed(staff_client, q="น้ำท่วม") == [ids["flood"]]
    assert _listed(staff_client, q="ภาษาไทย") == [ids["chatbot"]]  # in the summary
    assert set(_listed(staff_client, q="ปัญญาประดิษฐ์")) == {ids["chatbot"], ids["old"]}
    assert _listed(staff_client, q="tiot") == [ids["flood"]]  # acronym, any case
    assert _listed(staff_client, q="ไอ") == [ids["flood"]]  # two letters: LIKE
    assert _listed(staff_client, q="100%_") == [ids["chatbot"]]  # % and _ match themselves
    assert _listed(staff_client, q='"; DROP TABLE proposals; --') == []
    assert _listed(staff_client, q="ก" * 500) == []


def test_filters_narrow_the_list(staff_client, world):
    ids, orgs = world["ids"], world["orgs"]
    assert _listed(staff_client, status="screening") == [ids["flood"]]
    assert set(_listed(staff_client, status="open")) == {ids["flood"], ids["chatbot"]}
    assert _listed(staff_client, kind="recommendation") == [ids["chatbot"]]
    assert set(_listed(staff_client, organisation=orgs["aiat"])) == {ids["chatbot"], ids["old"]}
    assert _listed(staff_client, endorsed_by=orgs["fti"]) == [ids["flood"]]
    assert _listed(staff_client, endorsed_by=orgs["tiot"], q="แชตบอต") == [ids["chatbot"]]
    # Values that mean nothing are ignored, never an error.
    assert len(_listed(staff_client, status="nope", kind="x", category="abc", sort="?")) == 4


def test_the_category_filter(staff_client, world, category):
    assert _listed(staff_client, category=category("maker")) == [world["ids"]["maker"]]


def test_most_endorsed_first_and_by_date(staff_client, world):
    ids = world["ids"]
    by_count = _listed(staff_client, sort="endorsements")
    assert by_count[:2] == [ids["flood"], ids["chatbot"]]
    oldest_first = _listed(staff_client, sort="oldest")
    assert _listed(staff_client, sort="newest") == list(reversed(oldest_first))
    assert _listed(staff_client, sort="oldest")[0] == ids["flood"]


def test_a_withdrawn_endorsement_no_longer_counts_or_filters(app, staff_client, world, call, staff):
    from registry.proposals import services
    from registry.proposals.models import Endorsement

    ids, orgs = world["ids"], world["orgs"]
    with app.app_context():
        endorsement = db.session.scalar(
            sa.select(Endorsement.id).where(Endorsement.organisation_id == orgs["fti"])
        )
    call(lambda p, actor: services.withdraw_endorsement(db.session.get(Endorsement, endorsement),
                                                        actor), ids["flood"], staff)  # fmt: skip
    assert _listed(staff_client, endorsed_by=orgs["fti"]) == []
    assert _listed(staff_client, endorsed_by=orgs["aiat"]) == [ids["flood"]]


def test_representatives_browse_the_list_too(client, sign_in, world):
    sign_in("representative", organisation_id=world["orgs"]["fti"])
    assert len(_listed(client)) == 4
    with client.get("/proposals/export.csv") as response:
        assert response.status_code == 403


@pytest.mark.parametrize(
    "params",
    [{}, {"sort": "endorsements"}, {"q": "สถิติ"}, {"status": "open", "sort": "oldest"},
     {"endorsed_by": "ENDORSER"}],
    ids=["list", "by-endorsements", "search", "filter", "endorsed-by"],
)  # fmt: skip
def test_a_page_costs_the_same_statements_whatever_its_size(
    app,
    staff_client,
    submit,
    make_organisation,
    make_user,
    endorse,
    statements,
    monkeypatch,
    params,
):
    endorser = make_organisation("สมาคมผู้สนับสนุน")
    rep = make_user("representative", organisation_id=endorser)
    for n in range(30):
        proposal = submit(make_organisation(f"สมาคมสถิติ {n:02d}"), title=f"ข้อเสนอสถิติ {n}")
        endorse(proposal, rep)
    params = {k: (str(endorser) if v == "ENDORSER" else v) for k, v in params.items()}
    counts = {}
    for size in (10, 25):
        monkeypatch.setattr(views, "PER_PAGE", size)
        staff_client.get("/proposals/", query_string=params).close()  # warm caches
        with statements() as seen, staff_client.get("/proposals/", query_string=params) as r:
            assert r.status_code == 200
            shown = set(re.findall(r'href="/proposals/(\d+)"', r.get_data(as_text=True)))
            assert len(shown) == size  # full pages, so the rows differ
        counts[size] = len(seen)
    assert counts[10] == counts[25]
    assert counts[10] <= 9


@pytest.mark.parametrize("page", ["1", "2"])
def test_the_proposal_page_costs_the_same_statements_however_many_endorsers(
    staff_client, submit, make_organisation, make_user, endorse, statements, page
):
    # page 2 of a proposal with a page and 2 or 12 more: full first pages, counted totals
    extra = PER_PAGE if page == "2" else 0
    params = {"page": page}
    counts = {}
    for endorsers in (2, 12):
        proposal = submit(make_organisation(), status=S.SCREENING)
        for _ in range(endorsers + extra):
            endorse(proposal, make_user("representative", organisation_id=make_organisation()))
        staff_client.get(f"/proposals/{proposal}", query_string=params).close()
        with (
            statements() as seen,
            staff_client.get(f"/proposals/{proposal}", query_string=params) as r,
        ):
            assert r.status_code == 200
            assert r.get_data(as_text=True).count("list-group-item") == endorsers
        counts[endorsers] = len(seen)
    assert counts[2] == counts[12]


def test_export_csv_and_xlsx_hold_every_match_and_are_logged(app, staff_client, world):
    with staff_client.get("/proposals/export.csv", query_string={"q": "ปัญญาประดิษฐ์"}) as r:
        assert r.status_code == 200
        assert r.headers["Content-Disposition"].startswith('attachment; filename="proposals-')
        text = r.data.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert len(lines) == 3  # header and two proposals
    assert "แชตบอตตอบคำถามประชาชน" in text and "สมาคมปัญญาประดิษฐ์ประเทศไทย" in text
    with staff_client.get("/proposals/export.xlsx", query_string={"sort": "endorsements"}) as r:
        assert r.status_code == 200
        sheet = load_workbook(io.BytesIO(r.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 5
    assert rows[1][3] == "ระบบเตือนภัยน้ำท่วมด้วยไอโอที"
    assert rows[1][9] == 2  # endorsements, a number
    with app.app_context():
        logged = db.session.scalars(
            sa.select(AuditEvent.record_label).where(
                AuditEvent.action == "exported", AuditEvent.record_type == "proposals"
            )
        ).all()
    assert any(label.startswith("CSV, 2 rows") for label in logged)
    assert any(label.startswith("XLSX, 4 rows") for label in logged)
