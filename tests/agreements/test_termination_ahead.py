"""A termination recorded when the notice is given: the day it takes effect may lie ahead;
until then the agreement is signed, in force and "terminating on <day>", from that day it is
terminated (derived from the date, nothing has to run); the list, its filters, the home
counts, the API and the open data say the same; an effective day before the agreement
starts, before the notice or after the agreement ends is refused at its field, nothing
saved; one badge per status."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from registry.agreements import queries, services
from registry.agreements.models import Agreement, AgreementState, AgreementStatus
from registry.audit.models import AuditEvent
from registry.auth.models import Role, User
from registry.db import db
from registry.home import queries as home
from registry.opendata import queries as opendata
from tests.api.helpers import bearer, issue_token

S = AgreementStatus


def _terminate(app, agreement_id: int, user_id: int, **fields) -> None:
    with app.app_context():
        services.terminate(
            db.session.get(Agreement, agreement_id), db.session.get(User, user_id), **fields
        )


def _events(app, agreement_id: int, action: str = "terminated") -> list[dict]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(AuditEvent.changes).where(
                    AuditEvent.record_type == "agreements",
                    AuditEvent.record_id == agreement_id,
                    AuditEvent.action == action,
                )
            )
        )


def test_a_termination_ahead_is_recorded_now_and_takes_effect_on_its_day(
    app, make_agreement, staff_user, get_agreement
):
    today = services.today()
    agreement_id = make_agreement(S.SIGNED, signed_on=today - timedelta(days=100))
    ahead = today + timedelta(days=30)
    _terminate(app, agreement_id, staff_user, terminated_on=ahead, reason="ครบตามหนังสือแจ้ง")
    agreement = get_agreement(agreement_id)
    assert agreement.terminated_on == ahead and agreement.termination_notice_on == today
    assert agreement.state(today) is AgreementState.TERMINATING
    assert agreement.status_on(today) is S.SIGNED
    assert agreement.state(ahead - timedelta(days=1)) is AgreementState.TERMINATING
    assert agreement.state(ahead) is AgreementState.TERMINATED
    assert agreement.status_on(ahead) is S.TERMINATED
    (event,) = _events(app, agreement_id)
    assert event["terminated_on"] == [None, ahead.isoformat()]
    assert event["termination_notice_on"] == [None, today.isoformat()]


def test_a_notice_given_earlier_may_be_recorded_later(
    app, make_agreement, staff_user, get_agreement
):
    today = services.today()
    agreement_id = make_agreement(S.SIGNED, signed_on=today - timedelta(days=100))
    notice = today - timedelta(days=20)
    _terminate(app, agreement_id, staff_user, notice_on=notice,
               terminated_on=today - timedelta(days=1), reason="แจ้งไว้แล้ว")  # fmt: skip
    agreement = get_agreement(agreement_id)
    assert agreement.termination_notice_on == notice
    assert agreement.state(today) is AgreementState.TERMINATED


BAD = [
    # (fields, refused field, Thai message)
    ({"terminated_on": None}, "terminated_on", "วันที่"),
    ({"terminated_on": "before start"}, "terminated_on", "ก่อนวันที่บันทึกข้อตกลงเริ่มมีผล"),
    ({"terminated_on": "before notice"}, "terminated_on", "ก่อนวันที่แจ้งบอกเลิก"),
    ({"terminated_on": "after end"}, "terminated_on", "สิ้นสุดในวันที่"),
    ({"notice_on": "tomorrow"}, "notice_on", "ต้องไม่เป็นวันในอนาคต"),
    ({"notice_on": "before signing"}, "notice_on", "ต้องไม่ก่อนวันลงนาม"),
    ({"reason": ""}, "reason", None),
]


@pytest.mark.parametrize(("change", "field", "words"), BAD)
def test_a_bad_termination_is_refused_at_its_field_and_nothing_is_saved(
    app, make_agreement, staff_user, get_agreement, change, field, words
):
    today = services.today()
    signed_on = today - timedelta(days=100)
    agreement_id = make_agreement(
        S.SIGNED,
        signed_on=signed_on,
        effective_from=signed_on + timedelta(days=10),
        effective_until=today + timedelta(days=60),
    )
    days = {
        "before start": signed_on + timedelta(days=5),
        "before notice": today - timedelta(days=3),
        "after end": today + timedelta(days=61),
        "tomorrow": today + timedelta(days=1),
        "before signing": signed_on - timedelta(days=1),
    }
    fields = {"terminated_on": today + timedelta(days=30), "reason": "เหตุผล"}
    fields |= {key: days.get(value, value) for key, value in change.items()}
    with app.app_context(), force_locale("th"):
        with pytest.raises(services.AgreementError) as refused:
            services.terminate(
                db.session.get(Agreement, agreement_id),
                db.session.get(User, staff_user),
                **fields,
            )
        db.session.rollback()
    assert refused.value.field == field
    if words:
        assert words in str(refused.value)
    assert get_agreement(agreement_id).status is S.SIGNED
    assert _events(app, agreement_id) == []


def test_the_form_records_a_termination_ahead_and_refuses_bad_days(
    app, client, sign_in, make_agreement, get_agreement
):
    sign_in(Role.STAFF)
    client.post("/language", data={"locale": "th"}).close()
    today = services.today()
    agreement_id = make_agreement(S.SIGNED, signed_on=today - timedelta(days=100))
    url = f"/agreements/{agreement_id}/terminate"
    with client.get(url) as response:
        page = response.get_data(as_text=True)
    assert 'name="notice_on"' in page and 'name="terminated_on"' in page
    bad = {"terminated_on": (today - timedelta(days=200)).isoformat(), "reason": "เหตุผล"}
    with client.post(url, data=bad) as response:
        assert response.status_code == 422
        page = response.get_data(as_text=True)
    assert 'id="terminated_on-error"' in page
    assert "การบอกเลิกจะมีผลก่อนวันที่บันทึกข้อตกลงเริ่มมีผล" in page
    with client.post(url, data=bad | {"terminated_on": "31/02/2570"}) as response:
        assert response.status_code == 422  # no such day
    assert get_agreement(agreement_id).status is S.SIGNED
    ahead = today + timedelta(days=45)
    good = {"terminated_on": ahead.isoformat(), "reason": "แจ้งบอกเลิกล่วงหน้า 45 วัน"}
    with client.post(url, data=good) as response:
        assert response.status_code == 302
    with client.get(f"/agreements/{agreement_id}") as response:
        page = response.get_data(as_text=True)
    assert "ยังมีผลใช้บังคับจนกว่าการบอกเลิกจะมีผลในวันที่" in page  # the message
    head = page[page.index("<h1") :][:2000]
    assert head.count('class="badge') == 2  # signed, and terminating on ...
    assert "ลงนามแล้ว" in head and "จะยุติวันที่" in head
    assert "สิ้นสุดโดยการบอกเลิก" not in head


def test_a_terminated_agreement_shows_one_badge(app, client, sign_in, make_agreement):
    sign_in(Role.STAFF)
    client.post("/language", data={"locale": "th"}).close()
    agreement_id = make_agreement(S.TERMINATED)  # takes effect today
    with client.get(f"/agreements/{agreement_id}") as response:
        page = response.get_data(as_text=True)
    head = page[page.index("<h1") :][:2000]
    assert head.count("สิ้นสุดโดยการบอกเลิก") == 1 and head.count('class="badge') == 1
    with client.get("/agreements/?status=terminated") as response:
        page = response.get_data(as_text=True)
    row = page[page.index(f"/agreements/{agreement_id}") :][:3000]
    row = row[: row.index("</tr>")]
    assert row.count("สิ้นสุดโดยการบอกเลิก") == 1


def test_lists_counts_api_and_open_data_agree_on_a_terminating_agreement(
    app, client, make_agreement, staff_user, make_user
):
    today = services.today()
    agreement_id = make_agreement(S.SIGNED, signed_on=today - timedelta(days=100))
    ahead = today + timedelta(days=10)
    _terminate(app, agreement_id, staff_user, terminated_on=ahead, reason="แจ้งบอกเลิก")

    def found(status: str, on: date) -> bool:
        with app.app_context():
            filters = queries.Filters(status=status)
            ids = db.session.scalars(queries.search(filters, on).with_only_columns(Agreement.id))
            return agreement_id in set(ids)

    assert [found(s, today) for s in ("active", "signed", "terminating", "terminated")] == [
        True, True, True, False,
    ]  # fmt: skip
    assert [found(s, ahead) for s in ("active", "signed", "terminating", "terminated")] == [
        False, False, False, True,
    ]  # fmt: skip
    assert not found("expiring", today)
    with app.app_context():
        counts = home.counts(today)
        assert counts.agreements.get("terminating") == 1
        assert counts.agreements_in_force == 1
        assert home.counts(ahead).agreements.get("terminated") == 1
        (row,) = [r for r in opendata.agreements(today) if r["id"] == agreement_id]
        assert (row["status"], row["state"]) == ("signed", "terminating")
        (row,) = [r for r in opendata.agreements(ahead) if r["id"] == agreement_id]
        assert (row["status"], row["state"]) == ("terminated", "terminated")
    secret = issue_token(app, make_user("staff"))
    with client.get(f"/api/v1/agreements/{agreement_id}", headers=bearer(secret)) as response:
        record = response.get_json()
    assert (record["status"], record["state"]) == ("signed", "terminating")
    assert record["terminated_on"] == ahead.isoformat()
    with client.get(
        "/api/v1/agreements", query_string={"status": "terminating"}, headers=bearer(secret)
    ) as response:
        assert response.status_code == 200
        assert [item["id"] for item in response.get_json()["items"]] == [agreement_id]


def test_the_partners_timeline_says_the_termination_lies_ahead(
    app, client, sign_in, make_agreement, staff_user, two_organisations
):
    sign_in(Role.STAFF)
    client.post("/language", data={"locale": "th"}).close()
    today = services.today()
    agreement_id = make_agreement(S.SIGNED, signed_on=today - timedelta(days=100))
    _terminate(app, agreement_id, staff_user, terminated_on=today + timedelta(days=20),
               reason="แจ้งบอกเลิก")  # fmt: skip
    with client.get(f"/organisations/{two_organisations[1]}") as response:
        page = response.get_data(as_text=True)
    assert "MOU จะสิ้นสุดโดยการบอกเลิก" in page
    assert "ยกเลิก MOU" not in page
