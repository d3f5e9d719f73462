"""What a server worker holds: the libraries only rare routes and commands use are loaded by
their first use, not by every worker (Alembic with Flask-Migrate, openpyxl, python-docx), and
gunicorn's hooks keep the C allocator to a few arenas and give freed memory back to the
system."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from tests.conftest import run_in_fresh_interpreter

GUNICORN_CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"

_LOAD_CONF = f"""
import importlib.util
spec = importlib.util.spec_from_file_location("gunicorn_conf", {str(GUNICORN_CONF)!r})
conf = importlib.util.module_from_spec(spec)
spec.loader.exec_module(conf)
"""


@pytest.fixture
def gunicorn_conf():
    """The project's gunicorn.conf.py, loaded as gunicorn loads it."""
    spec = importlib.util.spec_from_file_location("gunicorn_conf_memory", GUNICORN_CONF)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_server_process_loads_neither_alembic_nor_openpyxl_nor_python_docx(tmp_path):
    script = """
import json, sys
import wsgi
with wsgi.app.test_client() as client:
    assert client.get("/health").status_code == 200
    assert client.get("/sign-in").status_code == 200
loaded = ("alembic", "flask_migrate", "openpyxl", "docx")
print(json.dumps(sorted(m for m in loaded if m in sys.modules)))
"""
    finished = run_in_fresh_interpreter(script, tmp_path)
    assert json.loads(finished.stdout.splitlines()[-1]) == []


def test_the_migration_commands_load_flask_migrate_when_they_run(tmp_path):
    script = """
import json, sys
from registry import create_app
app = create_app()
loaded_before = "alembic" in sys.modules
listed = app.test_cli_runner().invoke(args=["db", "--help"])
import flask_migrate
with app.app_context():
    flask_migrate.upgrade()  # through app.extensions["migrate"], as the tests' set-up does
checked = app.test_cli_runner().invoke(args=["db", "check"])
print(json.dumps([loaded_before, listed.exit_code, listed.output, checked.exit_code,
                  checked.output]))
"""
    finished = run_in_fresh_interpreter(script, tmp_path)
    loaded_before, listed_code, listed, checked_code, checked = json.loads(
        finished.stdout.splitlines()[-1]
    )
    assert loaded_before is False
    assert listed_code == 0 and "upgrade" in listed and "--directory" in listed
    # the database was migrated to the head: the models and the migrations agree
    assert checked_code == 0, checked


def test_a_spreadsheet_is_still_written_once_openpyxl_loads_on_first_use(tmp_path):
    script = """
import io, sys
from registry import tabular
assert "openpyxl" not in sys.modules
data = tabular.to_xlsx([tabular.Column("ชื่อ", lambda row: row)], ["=1+1", "สมาคม"])
import openpyxl
sheet = openpyxl.load_workbook(io.BytesIO(data)).active
print([[cell.value for cell in row] for row in sheet.iter_rows()])
"""
    finished = run_in_fresh_interpreter(script, tmp_path)
    assert finished.stdout.splitlines()[-1] == "[['ชื่อ'], ['=1+1'], ['สมาคม']]"


@pytest.mark.parametrize("limited", [True, False])
def test_a_worker_keeps_the_allocator_to_two_arenas_however_many_threads_allocate(
    tmp_path, limited
):
    """Without the limit, glibc gives each new thread that allocates an arena of its own
    (the second case shows the count can tell the difference)."""
    script = (
        _LOAD_CONF
        + f"""
import ctypes, sys, threading
if conf._mallopt is None:  # not glibc: the limit says it did not apply, and nothing else
    print("no glibc", conf.limit_malloc_arenas()); sys.exit(0)
if {limited}:
    assert conf.limit_malloc_arenas()
kept = []
together = threading.Barrier(6)
def allocate():
    together.wait()  # every thread alive at once (an ended thread's arena is reused)
    kept.extend(bytearray(2_000 + n) for n in range(50))
    together.wait()
threads = [threading.Thread(target=allocate) for _ in range(6)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
sys.stderr.flush()
ctypes.CDLL(None).malloc_stats()  # one "Arena n:" line per arena, on standard error
"""
    )
    finished = run_in_fresh_interpreter(script, tmp_path)
    if finished.stdout.startswith("no glibc"):  # another C library: nothing to limit or trim
        assert finished.stdout.split() == ["no", "glibc", "False"], finished.stdout
        return
    arenas = finished.stderr.count("Arena ")
    if limited:
        assert 1 <= arenas <= 2, finished.stderr
    else:
        assert arenas > 2, finished.stderr


def test_giving_back_free_memory_lowers_the_resident_memory(tmp_path):
    """Memory freed below a block still in use stays with the process until trimmed."""
    script = (
        _LOAD_CONF
        + """
import sys
if conf._malloc_trim is None:  # not glibc: nothing is given back, and it says so
    print("no glibc", conf.give_back_free_memory()); sys.exit(0)

def resident_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024

blocks = [bytearray(64 * 1024) for _ in range(2000)]  # 125 MB, below mmap's threshold
pin = bytearray(64 * 1024)  # keeps the heap's top in use
del blocks
before = resident_mb()
returned = conf.give_back_free_memory()
print(returned, before - resident_mb())
"""
    )
    finished = run_in_fresh_interpreter(script, tmp_path)
    if finished.stdout.startswith("no glibc"):  # another C library: nothing to limit or trim
        assert finished.stdout.split() == ["no", "glibc", "False"], finished.stdout
        return
    returned, freed_mb = finished.stdout.split()
    assert returned == "True"
    assert float(freed_mb) > 100


def test_the_request_hook_gives_memory_back_every_so_many_requests(gunicorn_conf, monkeypatch):
    calls = []
    monkeypatch.setattr(gunicorn_conf, "give_back_free_memory", lambda: calls.append(1))
    for _ in range(2 * gunicorn_conf.TRIM_EVERY_REQUESTS + 1):
        gunicorn_conf.post_request(None, None, {}, None)
    assert len(calls) == 2


def test_sign_ins_at_once_in_one_worker_hold_one_password_check_s_memory_at_a_time(tmp_path):
    """Argon2's default parameters take 64 MiB per check while it runs; four threads checking
    at once would hold 256 MiB, one at a time holds 64."""
    script = """
import threading
from registry import create_app
from registry.auth import services
app = create_app()
assert not app.config.get("PASSWORD_HASH_FAST")

def peak_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024

with app.app_context():
    stored = services.hash_password("correct horse battery")
    services.password_matches(None, "warm")  # the stand-in hash for unknown accounts
before = peak_mb()
answers = []

def sign_in(password):
    with app.app_context():
        answers.append(services.password_matches(stored, password))

threads = [threading.Thread(target=sign_in, args=(p,))
           for p in ("correct horse battery", "wrong", "correct horse battery", "wrong")]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(sorted(answers), peak_mb() - before)
"""
    finished = run_in_fresh_interpreter(script, tmp_path)
    answers, grew_mb = finished.stdout.splitlines()[-1].rsplit(" ", 1)
    assert answers == "[False, False, True, True]"
    assert float(grew_mb) < 100  # one check's 64 MiB at most, never two at once
