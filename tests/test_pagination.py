"""A list's kept total: counted once per statement and values until the next write, and never
given to a list of other filters, whether or not the statement has SQLAlchemy's cache key."""

from __future__ import annotations

import sqlalchemy as sa

from registry.db import db
from registry.db.pagination import counted, page_of, paged, paginate
from registry.organisations.models import Organisation


class _Uncacheable(sa.types.TypeDecorator):
    """A type SQLAlchemy may not cache statements of: the total is keyed on the SQL instead."""

    impl = sa.Integer
    cache_ok = False


def _named(words: str) -> sa.Select:
    """Organisations whose Thai name holds ``words``, built afresh (as a list builds it)."""
    return (
        sa.select(Organisation)
        .where(Organisation.name_th.contains(words))
        .order_by(Organisation.id)
    )


def _total(app, statements, select: sa.Select) -> tuple[int, int]:
    """The first page's total (one a page) and how many counts were sent to find it."""
    with app.test_request_context("/?page=1"), statements() as seen:
        total = paginate(select, per_page=1).total
        db.session.rollback()
    return total, len([s for s in seen if "count(" in s.lower()])


def test_a_kept_total_is_given_only_to_the_same_statement_with_the_same_values(
    app, make_organisation, statements
):
    for n in range(3):
        make_organisation(f"สมาคมแบ่งหน้าเอ {n}")
    for n in range(2):
        make_organisation(f"สมาคมแบ่งหน้าบี {n}")

    assert _total(app, statements, _named("แบ่งหน้าเอ")) == (3, 1)
    # same shape, other words: its own count, not the kept 3
    assert _total(app, statements, _named("แบ่งหน้าบี")) == (2, 1)
    # each built again: both kept
    assert _total(app, statements, _named("แบ่งหน้าเอ")) == (3, 0)
    assert _total(app, statements, _named("แบ่งหน้าบี")) == (2, 0)
    # another filter on the same words is another statement
    narrower = _named("แบ่งหน้าเอ").where(Organisation.name_th.contains("เอ 1"))
    assert _total(app, statements, narrower) == (1, 1)


def test_an_in_list_of_other_values_is_counted_again(app, make_organisation, statements):
    ids = [make_organisation(f"สมาคมรายการ {n}") for n in range(4)]

    def among(chosen: list[int]) -> sa.Select:
        return sa.select(Organisation).where(Organisation.id.in_(chosen)).order_by(Organisation.id)

    assert _total(app, statements, among(ids[:3])) == (3, 1)
    assert _total(app, statements, among(ids[1:])) == (3, 1)
    assert _total(app, statements, among(ids)) == (4, 1)
    assert _total(app, statements, among(ids[:3])) == (3, 0)


def test_a_statement_without_a_cache_key_is_kept_by_its_sql_and_values(
    app, make_organisation, statements
):
    for n in range(3):
        make_organisation(f"สมาคมไม่แคช {n}")

    def at_least(threshold: int) -> sa.Select:
        return (
            _named("ไม่แคช")
            .where(sa.cast(Organisation.id, _Uncacheable()) >= threshold)
            .order_by(Organisation.id)
        )

    assert at_least(0)._generate_cache_key() is None  # noqa: SLF001 (what this test is about)
    assert _total(app, statements, at_least(0)) == (3, 1)
    assert _total(app, statements, at_least(0)) == (3, 0)
    assert _total(app, statements, at_least(10**9))[0] == 0


def test_a_page_of_columns_is_made_row_by_row_and_counted_as_a_page_of_records(
    app, make_organisation, statements
):
    made = [make_organisation(f"สมาคมแถวคอลัมน์ {n}") for n in range(5)]
    select = (
        sa.select(Organisation.id, Organisation.name_th)
        .where(Organisation.name_th.contains("แถวคอลัมน์"))
        .order_by(Organisation.id)
    )
    pages = []
    for number in (1, 2, 3, 4):
        with app.test_request_context(f"/?page={number}"):
            page = paginate(select, per_page=2, make=lambda row: (row.id, row.name_th))
            pages.append((page.items, page.total, page.pages))
            db.session.rollback()
    assert [items for items, _, _ in pages] == [
        [(made[0], "สมาคมแถวคอลัมน์ 0"), (made[1], "สมาคมแถวคอลัมน์ 1")],
        [(made[2], "สมาคมแถวคอลัมน์ 2"), (made[3], "สมาคมแถวคอลัมน์ 3")],
        [(made[4], "สมาคมแถวคอลัมน์ 4")],
        [],
    ]
    assert {(total, count) for _, total, count in pages[:3]} == {(5, 3)}


def test_a_page_holds_ids_records_or_bundles_as_its_statement_selects(app, make_organisation):
    made = [make_organisation(f"สมาคมหน้า {n}") for n in range(3)]
    mine = Organisation.id.in_(made)
    bundle = sa.orm.Bundle("row", Organisation.id, Organisation.name_th)
    statements = {
        "ids": sa.select(Organisation.id).where(mine),
        "records": sa.select(Organisation).where(mine),
        "bundles": sa.select(bundle).where(mine),
    }
    with app.test_request_context("/?page=1"):
        pages = {
            name: paginate(select.order_by(Organisation.id), per_page=2)  # a full first page
            for name, select in statements.items()
        }
        shown = {
            "ids": pages["ids"].items,
            "records": [record.id for record in pages["records"].items],
            "bundles": [row.id for row in pages["bundles"].items],
        }
        made_of = {name: type(page.items[0]).__name__ for name, page in pages.items()}
        totals = {name: page.total for name, page in pages.items()}
        db.session.rollback()
    assert shown == {name: sorted(made)[:2] for name in statements}
    assert made_of["ids"] == "int" and made_of["records"] == "Organisation"
    assert made_of["bundles"] not in {"int", "Organisation"}
    assert totals == {name: 3 for name in statements}  # counted, the page being full


_NAMED_LIKE = (
    sa.select(Organisation.id, Organisation.name_th)
    .where(Organisation.name_th.like(sa.bindparam("pattern")))
    .order_by(Organisation.id)
)


def test_a_page_of_statements_built_once_reads_its_bounds_and_values_and_keeps_the_total(
    app, make_organisation, statements
):
    made = [make_organisation(f"สมาคมผูก {n}") for n in range(5)]
    page, count = paged(_NAMED_LIKE), counted(_NAMED_LIKE)
    values = {"pattern": "สมาคมผูก %"}
    with app.test_request_context("/?page=2"), statements() as seen:
        rows = page_of(page, count, per_page=2, values=values, total_key=("t", "ผูก"), rows=True)
        ids = page_of(page, count, per_page=2, values=values, total_key=("t", "ผูก"))
        shown = ([row.name_th for row in rows.items], ids.items, rows.total, ids.total)
        db.session.rollback()
    with app.test_request_context("/?page=9"):
        past = page_of(page, count, per_page=2, values=values, total_key=("t", "ผูก"))
        beyond = past.items, past.total
        db.session.rollback()
    assert shown == (["สมาคมผูก 2", "สมาคมผูก 3"], made[2:4], 5, 5)
    assert len([s for s in seen if "count(" in s.lower()]) == 1  # the second total was kept
    assert beyond == ([], 5)
