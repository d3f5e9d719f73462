"""The fresh-page bench's choice of kinds: names holding a comma ("home, staff") can be
measured alone, several kinds still by commas, unknown names refused; and a short real run
on a register bench.seed filled."""

from __future__ import annotations

import pytest

from bench import page_cost
from tests.bench.conftest import seed_bench


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("organisation page,search", ["organisation page", "search"]),
        ("home, staff", ["home, staff"]),
        ("proposals list, representative", ["proposals list, representative"]),
        ("home, staff,search", ["home, staff", "search"]),
        (
            "home, staff;my organisation, representative",
            ["home, staff", "my organisation, representative"],
        ),
        ("search; committees list ;", ["search", "committees list"]),
        ("", []),
    ],
)
def test_kinds_split_on_commas_and_semicolons_but_not_inside_a_name(value, expected):
    assert page_cost.kinds(value) == expected


@pytest.fixture(scope="module")
def tiny_register(fresh_app):
    """A register bench.seed filled at a tiny scale; its URL."""
    app = fresh_app()
    result = seed_bench(app, "--scale", "0.002", "--seed", "7")
    assert result.exit_code == 0, result.output
    return app.config["SQLALCHEMY_DATABASE_URI"]


def _measured(output: str) -> list[str]:
    """The kinds in the printed table (the bare endpoint's row left out)."""
    table = output.split("bare endpoint /health")[1].split("\n(ratio")[0]
    return [row[:34].strip() for row in table.splitlines()[1:]]


def test_a_kind_whose_name_holds_a_comma_is_measured_alone(tiny_register, capsys):
    status = page_cost.main(
        ["--database-url", tiny_register, "--records", "2", "--kinds", "home, staff"]
    )
    assert status == 0
    assert _measured(capsys.readouterr().out) == ["home, staff"]


def test_kinds_named_by_kinds_and_kind_together_are_measured_in_the_plans_order(
    tiny_register, capsys
):
    status = page_cost.main([
        "--database-url", tiny_register, "--records", "2",
        "--kinds", "search;organisation page",
        "--kind", "proposals list, representative", "--kind", "search, secretary",
    ])  # fmt: skip
    assert status == 0
    assert _measured(capsys.readouterr().out) == [
        "organisation page",
        "search",
        "search, secretary",
        "proposals list, representative",
    ]


def test_the_public_pages_are_measured_as_asked_by_new_anonymous_visitors(
    tiny_register, capsys, tmp_path
):
    kinds = ["open data", "sign-in page", "open data, English", "sign-in page, English"]
    status = page_cost.main([
        "--database-url", tiny_register, "--records", "3", "--kinds", ";".join(kinds),
        "--save-html", str(tmp_path),
    ])  # fmt: skip
    assert status == 0  # every ask answered 200: none was sent on to sign in
    assert _measured(capsys.readouterr().out) == kinds
    thai = (tmp_path / "anonymous_open_data_0.html").read_text(encoding="utf-8")
    english = (tmp_path / "anonymous_English_open_data_English_0.html").read_text(encoding="utf-8")
    assert '<html lang="th"' in thai and '<html lang="en"' in english


def test_each_anonymous_ask_has_a_client_of_its_own_and_a_reader_keeps_theirs(app):
    signed_in = app.test_client()
    first = page_cost.reader(app, {"staff": signed_in}, page_cost.ANONYMOUS)
    second = page_cost.reader(app, {"staff": signed_in}, page_cost.ANONYMOUS)
    assert first is not second and first is not signed_in
    assert first.get_cookie("registry_session") is None  # no cookie at all
    english = page_cost.reader(app, {}, page_cost.ANONYMOUS_ENGLISH)
    assert english is not first and english.get_cookie("registry_session") is not None
    assert page_cost.reader(app, {"staff": signed_in}, "staff") is signed_in


@pytest.mark.parametrize(
    "bad",
    [
        ["--kinds", "search,nonsense"],
        ["--kinds", "home,staff"],
        ["--kind", "home"],
        ["--profile", "nonsense"],
    ],
)
def test_an_unknown_kind_stops_the_run(tiny_register, bad, capsys):
    with pytest.raises(SystemExit) as stopped:
        page_cost.main(["--database-url", tiny_register, "--records", "2", *bad])
    assert stopped.value.code == 2
    assert "unknown kinds:" in capsys.readouterr().err
