"""The load benchmark's own logic (bench/load.py, bench/svg.py): what it counts, how it judges.

No timing is asserted: a local stand-in server answers known statuses and headers, and the
tests check that the clients count them right, and that the table and the chart say so.
"""

from __future__ import annotations

import os
import re
import threading
import time
import xml.dom.minidom
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from bench import load, svg
from registry.db import db


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as gunicorn's gthread workers

    def do_GET(self):  # noqa: N802 (the http.server API)
        status = 500 if self.path.startswith("/broken") else 200
        body = b"ok" if status == 200 else b"boom"
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-SQL-Statements", "3")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args):
        pass


@pytest.fixture
def stand_in():
    server = ThreadingHTTPServer((load.HOST, 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_drive_counts_requests_statements_and_no_errors(stand_in):
    outcome = load.drive(stand_in, {}, "/fine", clients=3, seconds=0.3)
    summary = outcome.summary()
    assert summary["requests"] > 0
    assert summary["requests"] == len(outcome.latencies_ms)
    assert summary["errors"] == 0
    assert summary["sql_statements"] == 3
    assert summary["throughput"] > 0
    assert summary["p50_ms"] <= summary["p95_ms"] <= summary["p99_ms"]


def test_drive_counts_every_non_200_answer_as_an_error(stand_in):
    outcome = load.drive(stand_in, {}, "/broken", clients=2, seconds=0.2)
    summary = outcome.summary()
    assert summary["requests"] > 0
    assert summary["errors"] == summary["requests"]
    assert set(summary["error_kinds"]) == {"HTTP 500"}
    assert load.failed(_results([{"scenario": "x", "kind": "page", **summary}]))


def test_drive_reports_a_server_that_is_not_there():
    port = load.free_port()  # nobody listens: every attempt is refused
    summary = load.drive(port, {}, "/", clients=3, seconds=0.1).summary()
    assert summary["requests"] == 0
    assert summary["errors"] >= 1
    assert all(kind.startswith("cannot connect") for kind in summary["error_kinds"])


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))
    assert load.percentile(values, 0.50) == 50
    assert load.percentile(values, 0.95) == 95
    assert load.percentile(values, 0.99) == 99
    assert load.percentile([7.0], 0.99) == 7.0


def _row(kind: str, p95_ms: float, ratio: float, errors: int = 0) -> dict:
    return {"kind": kind, "p95_ms": p95_ms, "ratio": ratio, "errors": errors}


@pytest.mark.parametrize(
    ("row", "expected", "ok"),
    [
        (_row("page", 20.0, 0.5), "p95<50 ok, ratio≥⅓ ok", True),
        (_row("page", 60.0, 0.5), "p95<50 OVER, ratio≥⅓ ok", False),
        (_row("page", 20.0, 0.2), "p95<50 ok, ratio≥⅓ LOW", False),
        (_row("search", 90.0, 0.1), "p95<100 ok", True),
        (_row("search", 120.0, 0.1), "p95<100 OVER", False),
        (_row("api", 10.0, 0.9, errors=2), "p95<50 ok, ratio≥⅓ ok, ERRORS", False),
        (_row("bare", 5.0, 1.0), "", True),
    ],
)  # fmt: skip
def test_verdicts_against_the_targets_of_issue_8(row, expected, ok):
    assert load.verdicts(row) == (expected, ok)


def _results(rows: list[dict], database: str = "sqlite") -> dict:
    return {
        "database": database,
        "scale": 1,
        "when": "2026-11-21",
        "scenarios": rows,
        "pdf": {
            "agreement_draft": {
                "cold_runs": 2, "cold_median_s": 0.4, "cold_max_s": 0.6,
                "cold_cpu_median_s": 0.25, "cold_cpu_max_s": 0.31, "stored_runs": 5,
                "stored_p50_s": 0.005, "stored_p95_s": 0.008, "errors": 0,
            },
            "minutes": {"skipped": "no such record in the dataset"},
        },
        "workers": {
            "101": {"first_mb": 140.0, "peak_mb": 150.0, "last_mb": 145.0, "grew_mb": 5.0,
                    "growing": False},
            "102": {"first_mb": 140.0, "peak_mb": 230.0, "last_mb": 190.0, "grew_mb": 50.0,
                    "growing": True},
        },
        "worker_restarts": 0,
    }  # fmt: skip


ROWS = [
    {"scenario": "bare endpoint /health", "kind": "bare", "requests": 100, "throughput": 100.0,
     "p50_ms": 1.0, "p95_ms": 2.0, "p99_ms": 3.0, "sql_statements": 1, "errors": 0, "ratio": 1.0},
    {"scenario": "organisations, list", "kind": "page", "requests": 40, "throughput": 40.0,
     "p50_ms": 20.0, "p95_ms": 30.0, "p99_ms": 35.0, "sql_statements": 4, "errors": 0,
     "ratio": 0.4},
    {"scenario": "global search", "kind": "search", "skipped": "route not in this app yet"},
]  # fmt: skip


def test_the_table_has_every_scenario_pdf_and_worker():
    text = "\n".join(load.table_lines([_results(ROWS), _results(ROWS, "postgresql")]))
    lines = text.splitlines()
    assert sum("organisations, list" in line for line in lines) == 2
    assert "p95<50 ok, ratio≥⅓ ok" in text
    assert "skipped: route not in this app yet" in text
    cold = [line for line in lines if line.startswith("PDF agreement draft, cold")]
    assert len(cold) == 2
    # Runs, wall time median and worst, CPU time median, errors; the worst CPU time beside
    # the verdict.
    assert cold[0].split()[5:10] == ["2", "400.0", "600.0", "250.0", "0"]
    assert cold[0].endswith("max<500 OVER (CPU max 310)")
    assert "PDF agreement draft, from storage" in text and "p95<20 ok" in text
    assert "PDF minutes" in text and "skipped: no such record" in text
    worker_lines = [line for line in lines if line.startswith("worker 102")]
    assert len(worker_lines) == 2
    assert "<200 MB OVER; grew +50.0 MB" in worker_lines[0]


def test_a_clean_run_has_no_failures_and_a_replaced_worker_is_one():
    results = _results(ROWS)
    assert load.failed(results) == []
    results["worker_restarts"] = 1
    assert load.failed(results) == ["sqlite: 1 worker(s) replaced during the run"]


def test_the_chart_is_valid_svg_without_script_or_style():
    text = svg.load_chart(
        [_results(ROWS), _results(ROWS, "postgresql")], load.TARGET_P95_MS, load.TARGET_RATIO
    )
    document = xml.dom.minidom.parseString(text)  # noqa: S318 (our own output)
    assert document.documentElement.tagName == "svg"
    assert "<script" not in text and "<style" not in text and "style=" not in text
    bars = [r for r in document.getElementsByTagName("rect") if r.getElementsByTagName("title")]
    # Two measured scenarios x two databases x (p95 bar + ratio bar).
    assert len(bars) == 8
    assert "skipped" in text


def test_gunicorn_log_errors_are_counted_by_exception(tmp_path):
    log = tmp_path / "gunicorn.log"
    log.write_text(
        "[2026-11-21 13:00:00 +0000] [1] [ERROR] Error handling request /\n"
        "Traceback (most recent call last):\n"
        '  File "x.py", line 1, in f\n'
        "KeyError: 'x'\n"
        "Traceback (most recent call last):\n"
        '  File "x.py", line 1, in f\n'
        "KeyError: 'x'\n"
    )
    assert load._log_errors(log) == {"Error handling request /": 1, "KeyError: 'x'": 2}
    assert load._log_errors(tmp_path / "missing.log") == {}


def test_memory_is_read_from_proc():
    status = load.read_status(os.getpid())
    assert status["VmRSS"] > 1  # MB
    assert status["VmHWM"] >= status["VmRSS"]
    assert load.read_status(2**22 + 12345) == {}  # no such process


def test_the_proportional_memory_is_read_from_proc():
    pss = load.read_pss(os.getpid())
    assert 1 < pss <= load.read_status(os.getpid())["VmRSS"] + 1  # MB, shared pages shared
    assert load.read_pss(2**22 + 12345) is None  # no such process


def test_the_sampler_keeps_each_worker_s_first_peak_sampled_peak_last_and_pss():
    server = SimpleNamespace(workers=lambda: [os.getpid()])
    sampler = load.MemorySampler(server, every=0.01).start()
    time.sleep(0.05)
    [(pid, figures)] = sampler.stop().items()
    assert pid == str(os.getpid())
    assert figures["first_mb"] <= figures["sampled_peak_mb"] <= figures["peak_mb"]
    assert 1 < figures["pss_last_mb"] <= figures["peak_mb"] + 1
    assert figures["growing"] is (figures["grew_mb"] > load.GROWTH_TOLERANCE_MB)


def test_a_worker_row_notes_its_sampled_peak_and_pss_beside_the_peak_ever_held():
    results = _results(ROWS)
    results["workers"]["101"] |= {"sampled_peak_mb": 148.0, "pss_last_mb": 121.0}
    [row] = [r for r in load.table_lines([results]) if "worker 101" in r]
    assert "150MB" in row and "sampled peak 148 MB" in row and "PSS 121 MB" in row
    [older] = [r for r in load.table_lines([results]) if "worker 102" in r]
    assert "sampled peak" not in older and "PSS" not in older  # results saved before


def test_cpu_time_is_read_from_proc_and_grows_with_work():
    before = load.cpu_seconds([os.getpid()])
    deadline = load.time.process_time() + 0.05
    while load.time.process_time() < deadline:  # burn a little CPU
        pass
    assert load.cpu_seconds([os.getpid()]) > before
    assert load.cpu_seconds([2**22 + 12345]) == 0  # no such process


def test_the_loaded_data_is_written_out_before_measuring(app):
    """After seeding, the bench has PostgreSQL make a checkpoint and SQLite empty its
    write-ahead log, so that neither does it in the middle of the scenarios."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    environment = {**os.environ, "DATABASE_URL": url}
    with app.app_context():
        with db.engine.begin() as connection:  # something to write out
            connection.execute(sa.text("CREATE TABLE settle_probe (x integer)"))
            connection.execute(sa.text("INSERT INTO settle_probe VALUES (1), (2)"))
        try:
            said = load.settle(environment)
        finally:
            with db.engine.begin() as connection:
                connection.execute(sa.text("DROP TABLE settle_probe"))
    if url.startswith("postgresql"):
        assert said == "CHECKPOINT"
    else:
        before, after = re.fullmatch(
            r"wal_checkpoint\(TRUNCATE\): write-ahead log (\d+) -> (\d+) bytes", said
        ).groups()
        assert int(before) > 0 and int(after) == 0
