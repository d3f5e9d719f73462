"""The before/after bench's own logic: the turns (every page once, kinds interleaved, the
version that goes first swapped), the statistics, the check that both registers hold the
same records, and a whole run with two real worker processes (both in this checkout: the
older one is not needed to prove the driver)."""

from __future__ import annotations

import json
import sqlite3

import pytest
import sqlalchemy as sa

from bench import before_after as ba
from tests.bench.conftest import seed_bench

PAGES = {
    "organisation page": ("staff", [f"/organisations/{i}" for i in range(1, 8)]),
    "search": ("staff", ["/search?q=a", "/search?q=b", "/search?q=c"]),
    "home, representative": ("representative", ["/"] * 4),
}


def _result(url: str, cpu_ms: float, status: int = 200, sql: int = 3, size: int = 2048):
    return {"url": url, "cpu_ms": cpu_ms, "status": status, "sql": sql, "bytes": size}


def test_every_page_is_asked_once_per_version_in_turns_of_the_batch():
    planned = ba.turns(PAGES, 3)
    for kind, (role, urls) in PAGES.items():
        mine = [t for t in planned if t.kind == kind]
        assert [url for t in mine for url in t.urls] == urls
        assert {t.role for t in mine} == {role}
    assert max(len(t.urls) for t in planned) == 3
    assert [len(t.urls) for t in planned if t.kind == "organisation page"] == [3, 3, 1]


def test_the_version_that_goes_first_swaps_at_each_turn_of_a_kind_and_both_are_asked():
    planned = ba.turns(PAGES, 2)
    for kind in PAGES:
        firsts = [t.first for t in planned if t.kind == kind]
        assert firsts == [ba.SIDES[(i + list(PAGES).index(kind)) % 2] for i in range(len(firsts))]
    # From one kind to the next, too: within a round, neighbours start with different ones.
    assert [t.first for t in planned[:3]] == ["before", "after", "before"]
    for turn in planned:
        assert sorted(ba.order(turn)) == sorted(ba.SIDES)
        assert ba.order(turn)[0] == turn.first


def test_the_kinds_are_taken_in_rotation_over_the_whole_run():
    planned = ba.turns(PAGES, 2)
    # One group of each kind, then the next of each: no kind measured all at once.
    assert [t.kind for t in planned[:3]] == list(PAGES)
    assert [t.kind for t in planned[3:6]] == list(PAGES)
    assert [t.kind for t in planned[6:]] == ["organisation page", "organisation page"]


def test_a_turn_of_no_pages_is_refused():
    with pytest.raises(ValueError):
        ba.turns(PAGES, 0)


def test_the_bare_endpoint_is_spread_among_the_pages():
    rest = {"organisation page": ("staff", [f"/organisations/{i}" for i in range(1, 13)])}
    health = {ba.BARE: ("staff", ["/health"] * 6)}
    planned = list(ba._all_turns(health, rest, 2))
    kinds = [t.kind for t in planned]
    assert kinds.count(ba.BARE) == 3 and kinds.count("organisation page") == 6
    assert kinds == [ba.BARE, "organisation page", "organisation page"] * 3


def test_rows_give_the_medians_their_ratio_and_the_median_of_each_pages_ratio():
    tally = ba.Tally()
    urls = ["/a", "/b", "/c"]
    tally.add("organisation page", "before", map(_result, urls, [10.0, 30.0, 24.0]))
    tally.add("organisation page", "after", map(_result, urls, [5.0, 10.0, 10.0]))
    tally.add(ba.BARE, "before", [_result("/health", 2.0, sql=1, size=100)] * 2)
    tally.add(ba.BARE, "after", [_result("/health", 1.0, sql=1, size=100)] * 2)
    tally.add("search", "before", [_result("/s", 9.0, sql=7)])  # never asked of the other
    made = ba.rows(tally, [ba.BARE, "organisation page", "search"], overall=ba.ALL)
    assert [row.kind for row in made] == [ba.BARE, "organisation page", ba.ALL]
    bare, page, overall = made
    assert (page.pages, page.before_ms, page.after_ms) == (3, 24.0, 10.0)
    assert page.ratio == pytest.approx(2.4)
    assert page.paired == pytest.approx(2.4)  # each page's own ratio: 2, 3, 2.4
    assert (page.before_sql, page.after_sql, page.before_kb) == (3, 3, 2.0)
    assert bare.ratio == pytest.approx(2.0)
    # The last row pools the pages of both versions, the bare endpoint left out.
    assert (overall.pages, overall.before_ms, overall.after_ms) == (3, 24.0, 10.0)
    text = ba.table(made)
    assert "| organisation page | 3 | 24.0 | 10.0 | 2.40 | 2.40 | 3 / 3 | 2 / 2 |" in text
    assert text.count("\n") == 4


def test_an_answer_other_than_200_is_a_failure_and_the_order_asked_is_kept():
    tally = ba.Tally()
    tally.add("search", "after", [_result("/search?q=a", 3.0), _result("/x", 3.0, status=500)])
    tally.add("search", "before", [_result("/search?q=a", 4.0)])
    broken = _result("/y", 1.0, status=500) | {"error": "UndefinedError: no such attribute"}
    tally.add("search", "before", [broken])
    assert tally.failures == [
        "after search /x: 500",
        "before search /y: 500 (UndefinedError: no such attribute)",
    ]
    assert tally.asked == [
        ("after", "search", "/search?q=a"),
        ("after", "search", "/x"),
        ("before", "search", "/search?q=a"),
        ("before", "search", "/y"),
    ]


def _register(path, rows, extra_column=False):
    connection = sqlite3.connect(path)
    columns = "id INTEGER PRIMARY KEY, name_th TEXT" + (", added TEXT" if extra_column else "")
    connection.execute(f"CREATE TABLE organisations ({columns})")
    for row in rows:
        values = (*row, "new") if extra_column else row
        marks = ", ".join("?" * len(values))
        connection.execute(f"INSERT INTO organisations VALUES ({marks})", values)  # noqa: S608
    connection.commit()
    connection.close()
    return f"sqlite:///{path}"


def test_registers_alike_on_the_columns_both_have_are_the_same(tmp_path):
    old = _register(tmp_path / "old.sqlite3", [(1, "ก"), (2, "ข")])
    new = _register(tmp_path / "new.sqlite3", [(2, "ข"), (1, "ก")], extra_column=True)
    assert ba.differences(old, new, ["organisations"]) == []


def test_registers_with_other_rows_or_a_missing_table_differ(tmp_path):
    old = _register(tmp_path / "old.sqlite3", [(1, "ก"), (2, "ข")])
    new = _register(tmp_path / "new.sqlite3", [(1, "ก"), (2, "ค")])
    assert ba.differences(old, new, ["organisations", "meetings"]) == [
        "organisations: 2 rows before, 2 after, differ",
        "meetings: not in both registers",
    ]


def test_different_registers_stop_the_run_before_any_worker_starts(tmp_path, capsys):
    old = _register(tmp_path / "old.sqlite3", [(1, "ก")])
    new = _register(tmp_path / "new.sqlite3", [(1, "ข")])
    status = ba.main(["--before", str(tmp_path), "--before-url", old, "--after-url", new])
    assert status == 2
    assert "The two registers differ" in capsys.readouterr().err


@pytest.mark.parametrize("bad", [["--records", "1"], ["--batch", "0"], ["--bare", "0"]])
def test_too_few_pages_are_refused(tmp_path, bad, capsys):
    url = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    with pytest.raises(SystemExit) as stopped:
        ba.main(["--before", str(tmp_path), "--before-url", url, "--after-url", url, *bad])
    assert stopped.value.code == 2
    assert "at least" in capsys.readouterr().err


@pytest.fixture(scope="module")
def tiny_register(fresh_app):
    """A register bench.seed filled at a tiny scale; its URL."""
    app = fresh_app()
    result = seed_bench(app, "--scale", "0.002", "--seed", "7")
    assert result.exit_code == 0, result.output
    return app.config["SQLALCHEMY_DATABASE_URI"]


def test_an_unknown_kind_is_refused(tiny_register, tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        ba.main(["--before", str(ba.PROJECT_ROOT), "--before-url", tiny_register, "--after-url",
                 tiny_register, "--kinds", "organisation page,nonsense"])  # fmt: skip
    assert stopped.value.code == 2
    assert "unknown kinds: nonsense" in capsys.readouterr().err


def test_a_run_asks_two_real_workers_the_same_pages_in_alternation(tiny_register, tmp_path):
    kinds = ["organisation page", "search", "home, secretary"]
    out = tmp_path / "run.json"
    status = ba.main([
        "--before", str(ba.PROJECT_ROOT), "--before-url", tiny_register,
        "--after-url", tiny_register, "--records", "4", "--batch", "2", "--bare", "4",
        "--kinds", ",".join(kinds), "--json", str(out),
    ])  # fmt: skip
    assert status == 0
    run = json.loads(out.read_text(encoding="utf-8"))
    for kind in [ba.BARE, *kinds]:
        for side in ba.SIDES:
            timings = run["cpu_ms"][f"{kind} | {side}"]
            assert len(timings) == (4 if kind == ba.BARE else 3)
            assert all(t > 0 for t in timings)
    asked = [tuple(step) for step in run["asked"]]
    # Each turn: up to two pages of one kind to one version, then the same to the other;
    # the version that goes first swaps from one turn of a kind to the next.
    firsts: dict[str, list[str]] = {}
    index = 0
    while index < len(asked):
        side, kind, _ = asked[index]
        group = [step for step in asked[index : index + 2] if step[:2] == (side, kind)]
        other = asked[index + len(group) : index + 2 * len(group)]
        assert [s[1:] for s in other] == [s[1:] for s in group]
        assert {s[0] for s in other} == set(ba.SIDES) - {side}
        firsts.setdefault(kind, []).append(side)
        index += 2 * len(group)
    for kind, sides in firsts.items():
        assert all(a != b for a, b in zip(sides, sides[1:])), kind  # noqa: B905
    assert len(asked) == 2 * (4 + 3 * len(kinds))


def test_a_worker_answers_with_the_page_cache_off_and_signs_in_through_the_form(tiny_register):
    worker = ba.Worker(ba.PROJECT_ROOT, tiny_register)
    try:
        assert worker.hello["ready"] and worker.hello["registry"].endswith("registry")
        worker.ask("sign_in", accounts={"staff": "bench.staff@dgti.example"},
                   password=ba.BENCH_PASSWORD)  # fmt: skip
        first, again = worker.get("staff", ["/organisations/1", "/organisations/1"])
        assert first["status"] == again["status"] == 200
        assert first["sql"] > 0 and again["sql"] > 0  # built again: nothing kept whole
        assert first["bytes"] > 1000 and first["cpu_ms"] > 0
        with pytest.raises(RuntimeError, match="unknown op"):
            worker.ask("nonsense")
    finally:
        worker.close()
    assert worker.process.returncode == 0


def test_a_worker_that_cannot_sign_in_stops_and_says_so(tiny_register):
    worker = ba.Worker(ba.PROJECT_ROOT, tiny_register)
    try:
        with pytest.raises(RuntimeError, match="stopped"):
            worker.ask("sign_in", accounts={"staff": "nobody@dgti.example"}, password="x")
    finally:
        worker.close()
    assert worker.process.returncode != 0


def test_the_default_tables_exist_in_a_seeded_register(tiny_register):
    engine = sa.create_engine(tiny_register)
    try:
        assert set(ba.SAME_TABLES) <= set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert ba.differences(tiny_register, tiny_register) == []


def test_kinds_are_separated_by_commas_and_a_comma_and_space_is_part_of_a_name():
    assert ba.kinds("home, staff,search,organisation page,") == [
        "home, staff",
        "search",
        "organisation page",
    ]
    assert ba.kinds("open data;sign-in page") == ["open data", "sign-in page"]
    assert ba.kinds("") == []


def test_the_public_pages_are_compared_as_asked_by_anonymous_visitors(tiny_register, tmp_path):
    out = tmp_path / "run.json"
    status = ba.main([
        "--before", str(ba.PROJECT_ROOT), "--before-url", tiny_register,
        "--after-url", tiny_register, "--records", "5", "--bare", "2",
        "--kinds", "open data;sign-in page;open data, English", "--json", str(out),
    ])  # fmt: skip
    assert status == 0
    run = json.loads(out.read_text(encoding="utf-8"))
    for kind in ("open data", "sign-in page", "open data, English"):
        for side in ba.SIDES:
            assert len(run["cpu_ms"][f"{kind} | {side}"]) == 4
    asked = {url for _side, kind, url in run["asked"] if kind == "sign-in page"}
    # Some visitors come to sign in from a record's page they may not see yet.
    assert "/sign-in" in asked
    assert any(url.startswith("/sign-in?next=/organisations/") for url in asked)


_COUNTING_APP = '''
from flask import Flask, redirect, request


def create_app(overrides):
    app = Flask(__name__)
    app.config["KEEP_PAGES"] = True  # a version whose page cache is on by default
    app.config.update(overrides)
    seen = {}

    @app.route("/sign-in", methods=["GET", "POST"])
    def sign_in():
        return redirect("/") if request.method == "POST" else "<form></form>"

    @app.get("/<path:page>")
    def page(page):
        seen[page] = seen.get(page, 0) + 1
        cache = "kept" if app.config["KEEP_PAGES"] else "fresh"
        return f"{cache} {page} {seen[page]}"

    return app
'''


_VISITOR_APP = '''
from flask import Flask, request, session


def create_app(overrides):
    app = Flask(__name__)
    app.secret_key = "bench"

    @app.get("/page")
    def page():
        known = "known visitor" if request.cookies.get("seen") else "new"
        response = app.make_response(f"{known} {session.get('locale', 'th')}")
        response.set_cookie("seen", "yes")
        return response

    return app
'''


def test_an_anonymous_visitor_is_new_at_every_ask_and_the_same_when_asked_twice(tmp_path):
    (tmp_path / "registry").mkdir()
    (tmp_path / "registry" / "__init__.py").write_text(_VISITOR_APP, encoding="utf-8")
    worker = ba.Worker(tmp_path, "sqlite://")
    try:
        # No sign-in at all: the anonymous readers need no account.
        first, second = worker.get("anonymous", ["/page", "/page"])
        (again,) = worker.get("anonymous", ["/page"], twice=True)
        (english,) = worker.get("anonymous, English", ["/page"])
    finally:
        worker.close()
    assert first["status"] == second["status"] == again["status"] == english["status"] == 200
    assert first["bytes"] == second["bytes"] == len("new th")  # no cookie from the ask before
    assert again["bytes"] == len("known visitor th")  # the second of two asks: the same visitor
    assert english["bytes"] == len("new en")  # only the language chosen


@pytest.mark.parametrize("keep_pages", [False, True])
def test_asked_twice_times_the_second_ask_and_keeps_the_older_versions_page_cache(
    tmp_path, keep_pages
):
    (tmp_path / "registry").mkdir()
    (tmp_path / "registry" / "__init__.py").write_text(_COUNTING_APP, encoding="utf-8")
    worker = ba.Worker(tmp_path, "sqlite://", keep_pages=keep_pages)
    try:
        worker.ask("sign_in", accounts={"staff": "a@example.org"}, password="x")
        (again,) = worker.get("staff", ["one"], twice=True)
        (once,) = worker.get("staff", ["two"])
    finally:
        worker.close()
    cache = "kept" if keep_pages else "fresh"
    assert again["status"] == once["status"] == 200
    assert again["bytes"] == len(f"{cache} one 2")  # the second ask of the page is timed
    assert once["bytes"] == len(f"{cache} two 1")
