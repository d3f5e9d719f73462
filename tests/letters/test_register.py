"""The outgoing-letter register: numbers in order per prefix and Buddhist-Era year, never
given twice (the database refuses a second row with the same number), the register page of a
year with its filters, and its CSV export; staff read it, representatives do not."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from registry import audit
from registry.db import db
from registry.i18n import be_year
from registry.letters import services
from registry.letters.models import Letter, LetterKind


def add_letter(prefix: str, year: int, sequence: int, subject: str, **fields) -> None:
    """A register row written straight into the table (inside an app context)."""
    db.session.add(
        Letter(
            kind=fields.pop("kind", LetterKind.MEETING_INVITATION),
            record_type="meetings",
            record_id=1,
            prefix=prefix,
            year=year,
            sequence=sequence,
            issued_on=fields.pop("issued_on", date(year - 543, 3, 1)),
            recipient=fields.pop("recipient", "ผู้มีรายชื่อตามบัญชีแนบท้าย"),
            subject=subject,
            emails=0,
        )
    )
    audit.record_event(None, "issued (test)", record_type="letters")
    db.session.commit()


@pytest.fixture
def register(app, db_session):
    """Letters of two years and two prefixes."""
    this_year = be_year(services.today().year)
    with app.app_context():
        add_letter("ดศ 0101/", this_year - 1, 1, "ขอเชิญประชุมปีก่อน")
        add_letter("ดศ 0101/", this_year, 1, "ขอเชิญประชุมครั้งที่ 1")
        add_letter(
            "ดศ 0101/",
            this_year,
            2,
            "ขอส่งร่างบันทึกข้อตกลง",
            kind=LetterKind.AGREEMENT_COVER,
            recipient="นายกสมาคมไอโอที",
        )
        add_letter("ดศ 0202/", this_year, 1, "ขอเชิญประชุมอนุกรรมการ")
    return this_year


def test_numbers_run_per_prefix_and_year(app, register):
    with app.app_context():
        assert services.next_sequence("ดศ 0101/", register) == 3
        assert services.next_sequence("ดศ 0202/", register) == 2
        assert services.next_sequence("ดศ 0101/", register - 1) == 2
        assert services.next_sequence("ดศ 0101/", register + 1) == 1  # a new year starts at 1
        assert services.next_sequence("ดศ 0303/", register) == 1


def test_a_number_is_never_given_twice(app, register):
    with app.app_context():
        with pytest.raises(IntegrityError):
            add_letter("ดศ 0101/", register, 2, "อีกฉบับที่เลขซ้ำ")
        db.session.rollback()
        count = db.session.scalar(
            sa.select(sa.func.count()).where(Letter.prefix == "ดศ 0101/", Letter.sequence == 2)
        )
        assert count == 1


def test_the_register_lists_a_years_letters_with_filters(client, sign_in, register):
    sign_in("staff")
    page = client.get("/letters/").get_data(as_text=True)
    assert "ดศ 0101/1" in page and "ดศ 0101/2" in page and "ดศ 0202/1" in page
    assert "ขอเชิญประชุมปีก่อน" not in page

    earlier = client.get(f"/letters/?year={register - 1}").get_data(as_text=True)
    assert "ขอเชิญประชุมปีก่อน" in earlier and "ขอเชิญประชุมครั้งที่ 1" not in earlier

    covers = client.get("/letters/?kind=agreement_cover").get_data(as_text=True)
    assert "ขอส่งร่างบันทึกข้อตกลง" in covers and "ขอเชิญประชุมครั้งที่ 1" not in covers

    found = client.get("/letters/?q=0202").get_data(as_text=True)
    assert "ขอเชิญประชุมอนุกรรมการ" in found and "ขอส่งร่าง" not in found

    found = client.get("/letters/?q=ไอโอที").get_data(as_text=True)
    assert "ขอส่งร่างบันทึกข้อตกลง" in found and "อนุกรรมการ" not in found


@pytest.mark.parametrize(
    "query", ["?year=abc", "?year=99999999999", "?kind=nonsense", "?q=" + "ก" * 5000, "?q=%00%25_"]
)
def test_bad_filters_are_ignored_not_an_error(client, sign_in, register, query):
    sign_in("staff")
    assert client.get("/letters/" + query).status_code == 200
    assert client.get("/letters/export.csv" + query).status_code == 200


def test_the_register_exports_as_csv(client, sign_in, register):
    sign_in("staff")
    response = client.get(f"/letters/export.csv?year={register}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:5] == ["เลขที่", "ปี", "วันที่", "ผู้รับ", "เรื่อง"]
    assert [row[0] for row in rows[1:]] == ["ดศ 0101/1", "ดศ 0101/2", "ดศ 0202/1"]
    assert rows[2][3] == "นายกสมาคมไอโอที"


@pytest.mark.parametrize("role", ["representative", "secretary"])
def test_the_register_is_for_staff(client, sign_in, register, role):
    sign_in(role)
    assert client.get("/letters/").status_code == 403
    assert client.get("/letters/export.csv").status_code == 403
