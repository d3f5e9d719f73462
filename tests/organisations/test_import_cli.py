"""`flask registry import FILE [--dry-run]`: the same checks as the web page, a progress bar on
standard error, the report on standard output, and exit code 1 when the file is refused."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import force_locale

from registry.audit.models import AuditEvent
from registry.db import db
from registry.organisations.models import Contact, Organisation
from tests.organisations.test_import import GOOD_ROWS, HEADER, csv_bytes, xlsx_bytes


def _counts(app) -> tuple[int, int, int]:
    with app.app_context():
        return tuple(
            db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Organisation, Contact, AuditEvent)
        )


def _names(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(sa.select(Organisation.name_th)))


def _run(runner, *args):
    return runner.invoke(args=["registry", "import", *map(str, args)])


def test_a_good_file_is_imported_with_a_progress_bar(app, runner, tmp_path):
    path = tmp_path / "partners.csv"
    path.write_bytes(csv_bytes(GOOD_ROWS))
    result = _run(runner, path)
    assert result.exit_code == 0, result.output
    assert "partners.csv" in result.stdout
    with app.app_context():
        with force_locale("th"):
            from flask_babel import gettext

            checking, importing = gettext("Checking rows"), gettext("Importing")
        summary = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "imported"))
        people = db.session.scalar(sa.select(sa.func.count(Contact.id)))
    assert checking in result.stderr and importing in result.stderr
    assert checking not in result.stdout  # the bar stays off the report
    assert {"สมาคมปัญญาประดิษฐ์ทดสอบ", "สมาคมไอโอทีทดสอบ"} <= _names(app)
    assert people == 3
    assert summary.actor_id is None and summary.actor_label == "system"
    assert summary.changes["source"] == [None, "command line"]
    assert summary.changes["organisations"] == [None, 2]


def test_an_xlsx_file_is_imported(app, runner, tmp_path):
    path = tmp_path / "partners.xlsx"
    path.write_bytes(xlsx_bytes(GOOD_ROWS))
    result = _run(runner, path)
    assert result.exit_code == 0, result.output
    assert "สมาคมไอโอทีทดสอบ" in _names(app)


def test_a_dry_run_checks_and_writes_nothing(app, runner, tmp_path):
    path = tmp_path / "partners.csv"
    path.write_bytes(csv_bytes(GOOD_ROWS))
    before = _counts(app)
    result = _run(runner, path, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "partners.csv" in result.stdout
    assert _counts(app) == before


def test_a_file_with_a_bad_row_prints_the_report_exits_1_and_writes_nothing(
    app, runner, tmp_path, make_organisation
):
    existing = make_organisation("สมาคมไอโอทีทดสอบ")
    bad = ["สมาคมผิด", "", "", "สมาคม", "", "", "", "bad-email", "", "", "", "", "", "", "", "",
           "", ""]  # fmt: skip
    path = tmp_path / "partners.csv"
    path.write_bytes(csv_bytes([*GOOD_ROWS, bad]))
    before = _counts(app)
    for args in ([path], [path, "--dry-run"]):
        result = _run(runner, *args)
        assert result.exit_code == 1, result.output
        lines = result.stdout.splitlines()
        # Rows 3 and 5 each have one problem: a duplicate of the register, a bad email.
        assert len(lines) == 3, result.stdout
        assert "bad-email" in lines[2] and "5" in lines[2]
        assert "สมาคมไอโอทีทดสอบ" in lines[1] and str(existing) in lines[1]
        assert _counts(app) == before


def test_a_refused_file_gives_the_reason_and_exit_code_1(app, runner, tmp_path):
    cases = {
        "unknown.csv": b"name_th,kind,favourite_colour\nA,association,red\n",
        "thai.csv": "ชื่อภาษาไทย,ประเภท\nสมาคม,สมาคม\n".encode("cp874"),
        "empty.csv": b"",
        "header.xlsx": xlsx_bytes([]),
        "old.xls": b"name_th,kind\nA,association\n",
    }
    before = _counts(app)
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        result = _run(runner, path)
        assert result.exit_code == 1, (name, result.output)
        assert "Error:" in result.stderr, name
        assert result.stdout == "", name
    assert "favourite_colour" in _run(runner, tmp_path / "unknown.csv").stderr
    assert "TIS-620" in _run(runner, tmp_path / "thai.csv").stderr
    assert ".xls" in _run(runner, tmp_path / "old.xls").stderr
    assert _counts(app) == before


def test_a_missing_file_is_a_usage_error(runner, tmp_path):
    result = _run(runner, tmp_path / "nowhere.csv")
    assert result.exit_code == 2


def test_the_upload_limit_applies_on_the_command_line(make_app, tmp_path):
    app = make_app(MAX_CONTENT_LENGTH=1024)
    path = tmp_path / "big.csv"
    path.write_bytes(csv_bytes(GOOD_ROWS * 10))
    result = app.test_cli_runner().invoke(args=["registry", "import", str(path)])
    assert result.exit_code == 1
    assert "Error:" in result.stderr
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Organisation.id))) == 0


def test_the_headers_may_be_the_english_keys_in_any_case(app, runner, tmp_path):
    path = tmp_path / "partners.csv"
    path.write_bytes(csv_bytes(GOOD_ROWS[:1], [h.upper() for h in HEADER]))
    result = _run(runner, path)
    assert result.exit_code == 0, result.output
    assert "สมาคมปัญญาประดิษฐ์ทดสอบ" in _names(app)
