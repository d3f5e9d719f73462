"""Load benchmark: the app served the production way (gunicorn) under concurrent clients.

For each database asked for (SQLite in a temporary folder; PostgreSQL on a throwaway
cluster started with tools/pg_test_cluster.sh and always stopped at the end) it:

1. migrates a new database and fills it with the benchmark dataset
   (``python -m bench.seed --scale S``);
2. starts gunicorn (``gunicorn -c gunicorn.conf.py wsgi:app``, gthread workers, on a free
   loopback port) with ``SQL_COUNT_HEADER=1``, so every answer says how many SQL statements
   it ran (``X-SQL-Statements``);
3. signs in the bench accounts (staff, secretary, representative) through the real sign-in
   form, CSRF token included, and issues an API token when the API exists;
4. renders agreement drafts and minutes through HTTP in the fresh workers (no stored version
   yet), then asks for them again (served from storage);
5. drives each scenario with C concurrent clients (threads, each with its own keep-alive
   connection) for a fixed time, and samples the resident memory of every worker.

It prints ONE table (scenario, database, requests, throughput, p50/p95/p99, SQL statements
per request, throughput as a share of the bare endpoint ``/health``, errors, and the verdict
against the targets of issue 8), saves the figures as JSON (bench/results/load-<db>.json)
and draws bench/results/load.svg.

    .venv/bin/python -m bench.load [--databases sqlite,postgresql] [--scale 1] [--seconds 6]
                                   [--clients 8] [--workers 2] [--threads 4]

Timings depend on the machine and on what else it runs: they are reported, never asserted.
Exit status 1 when a scenario had errors, a PDF failed, or a worker died during the run.
"""

from __future__ import annotations

import argparse
import html
import http.client
import json
import math
import os
import platform
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bench import svg
from bench.dataset.seed import BENCH_PASSWORD

PROJECT_ROOT = Path(__file__).resolve().parent.parent

VENV_BIN = Path(sys.executable).parent
RESULTS = PROJECT_ROOT / "bench" / "results"
HOST = "127.0.0.1"

ACCOUNTS = {
    "staff": "bench.staff@dgti.example",
    "secretary": "bench.secretary@dgti.example",
    "representative": "bench.rep@dgti.example",
}

#: The targets of issue 8 (scale 1, this 2-core machine).
TARGET_P95_MS = {"page": 50.0, "api": 50.0, "search": 100.0}
TARGET_RATIO = 1 / 3
TARGET_DRAFT_COLD_S = 0.5
TARGET_MINUTES_COLD_S = 1.0
TARGET_STORED_S = 0.020
TARGET_WORKER_MB = 200.0
#: A worker "grows" when its memory at the end is this much above what it held once warm.
GROWTH_TOLERANCE_MB = 10.0

#: How gunicorn serves: gthread workers keep the clients' connections alive (a sync worker
#: closes each one after a request) and overlap one request's database wait with another's
#: Python; two processes use both cores, four threads each keep them busy.
WORKER_CLASS = "gthread"


# --- scenarios ---------------------------------------------------------------------------


@dataclass
class Scenario:
    """One request the clients repeat: who asks, what, and which target holds."""

    name: str
    role: str | None  # None: anonymous; "api": the API token
    path: str
    kind: str  # "bare", "page", "search" or "api"
    skipped: str | None = None

    @property
    def target_ms(self) -> float | None:
        return TARGET_P95_MS.get(self.kind)

    @property
    def ratio_target(self) -> bool:
        """Pages and API calls that list or show records must reach a third of the bare
        endpoint's throughput (searches have their own latency target only)."""
        return self.kind in ("page", "api")


def scenarios(ids: dict[str, int | None]) -> list[Scenario]:
    """Every scenario, on the records ``ids`` names (busy ones, so N+1 would show)."""

    def by_id(key: str, template: str) -> str | None:
        return template.format(ids[key]) if ids.get(key) else None

    q = urllib.parse.quote
    rows = [
        ("bare endpoint /health", None, "/health", "bare"),
        ("home, staff", "staff", "/", "page"),
        ("home, secretary", "secretary", "/", "page"),
        ("home, representative", "representative", "/", "page"),
        ("organisations, list", "staff", "/organisations/", "page"),
        ("organisations, search สมาคม", "staff", f"/organisations/?q={q('สมาคม')}", "search"),
        ("organisations, search ไอโอที", "staff", f"/organisations/?q={q('ไอโอที')}", "search"),
        ("organisation page (most contacts)", "staff",
         by_id("organisation", "/organisations/{}"), "page"),
        ("my organisation, representative", "representative", "/organisations/mine", "page"),
        ("agreements, list", "staff", "/agreements/", "page"),
        ("agreement page (most parties)", "staff", by_id("agreement", "/agreements/{}"), "page"),
        ("committees, list", "staff", "/committees/", "page"),
        ("committee page (most members)", "staff", by_id("committee", "/committees/{}"), "page"),
        ("meetings, list, staff", "staff", "/meetings/", "page"),
        ("meetings, list, secretary", "secretary", "/meetings/", "page"),
        ("meeting page (most agenda items)", "staff", by_id("meeting", "/meetings/{}"), "page"),
        ("proposals, by endorsements", "staff", "/proposals/?sort=endorsements", "page"),
        ("proposals, representative", "representative", "/proposals/", "page"),
        ("proposals, search ข้อมูล", "staff", f"/proposals/?q={q('ข้อมูล')}", "search"),
        ("proposal page (most endorsements)", "staff",
         by_id("proposal", "/proposals/{}"), "page"),
        ("global search สมาคม", "staff", f"/search?q={q('สมาคม')}", "search"),
        ("API organisations", "api", "/api/v1/organisations", "api"),
        ("API organisation", "api", by_id("organisation", "/api/v1/organisations/{}"), "api"),
        ("API agreements", "api", "/api/v1/agreements", "api"),
        ("API meetings", "api", "/api/v1/meetings", "api"),
        ("API proposals", "api", "/api/v1/proposals", "api"),
        ("API proposal", "api", by_id("proposal", "/api/v1/proposals/{}"), "api"),
    ]  # fmt: skip
    result = []
    for name, role, path, kind in rows:
        scenario = Scenario(name, role, path or "", kind)
        if path is None:
            scenario.skipped = "no such record in the dataset"
        result.append(scenario)
    return result


def mark_missing_routes(items: list[Scenario], env: dict) -> None:
    """Skip the scenarios whose route the app does not have (yet): asked of its url_map."""
    code = (
        "import json, sys\n"
        "from werkzeug.exceptions import MethodNotAllowed, NotFound\n"
        "from werkzeug.routing import RequestRedirect\n"
        "from wsgi import app\n"
        "adapter = app.url_map.bind('localhost')\n"
        "found = {}\n"
        "for path in json.loads(sys.argv[1]):\n"
        "    try:\n"
        "        adapter.match(path.split('?')[0], method='GET')\n"
        "        found[path] = True\n"
        "    except RequestRedirect:\n"
        "        found[path] = True\n"
        "    except (NotFound, MethodNotAllowed):\n"
        "        found[path] = False\n"
        "print(json.dumps(found))\n"
    )
    paths = [s.path for s in items if not s.skipped]
    out = _run([sys.executable, "-c", code, json.dumps(paths)], env, capture=True)
    found = json.loads(out.strip().splitlines()[-1])
    for scenario in items:
        if not scenario.skipped and not found.get(scenario.path, False):
            scenario.skipped = "route not in this app yet"


# --- processes ---------------------------------------------------------------------------


def _run(command: list[str], env: dict, capture: bool = False, timeout: int = 3600) -> str:
    """Run a command in the project folder; its output when ``capture``; raise on failure."""
    result = subprocess.run(
        command,
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command[:6])} failed ({result.returncode}):\n"
            f"{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
        )
    if not capture and result.stdout.strip():
        for line in result.stdout.strip().splitlines()[-12:]:
            print(f"    {line}")
    return result.stdout


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextmanager
def postgres_cluster(port: int | None):
    """A throwaway PostgreSQL cluster (tools/pg_test_cluster.sh), always stopped at the end."""
    folder = tempfile.mkdtemp(prefix="registry-load-pg-")
    script = str(PROJECT_ROOT / "tools" / "pg_test_cluster.sh")
    try:
        url = (
            subprocess.run(
                [script, "start", folder, str(port or free_port())],
                capture_output=True,
                text=True,
                check=True,
                timeout=180,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        yield url
    finally:
        subprocess.run([script, "stop", folder], capture_output=True, check=False, timeout=120)


def app_environment(folder: Path, url: str) -> dict:
    """The environment gunicorn and the flask commands run with: production settings."""
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": url,
            "REGISTRY_ENV": "production",
            "PUBLIC_BASE_URL": "http://127.0.0.1",  # printed links; the host it serves
            "SECRET_KEY": secrets.token_hex(32),
            "SESSION_COOKIE_SECURE": "0",  # plain HTTP on loopback
            "STORAGE_DIR": str(folder / "files"),
            "MAIL_FOLDER": str(folder / "mail"),
            "BACKUP_DIR": str(folder / "backups"),
            "SQL_COUNT_HEADER": "1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def flask(env: dict, *args: str, capture: bool = False, timeout: int = 3600) -> str:
    """``flask --app wsgi ...`` in the project folder."""
    return _run([str(VENV_BIN / "flask"), "--app", "wsgi", *args], env, capture, timeout)


def has_cli(env: dict, group: list[str], command: str) -> bool:
    """Whether ``flask --app wsgi <group> --help`` lists ``command``."""
    try:
        text = flask(env, *group, "--help", capture=True, timeout=120)
    except RuntimeError:
        return False
    return re.search(rf"^\s+{re.escape(command)}\b", text, re.M) is not None


def seed(env: dict, scale: float, seed_value: int) -> None:
    """Fill the database ``env`` names with the benchmark register (``bench.seed``)."""
    command = [sys.executable, "-m", "bench.seed", "--scale", str(scale), "--seed", str(seed_value)]
    _run(command, env)


def settle(env: dict) -> str:
    """Write the freshly loaded data out before measuring, so that the database does not do
    it during the scenarios: PostgreSQL a CHECKPOINT (else its timed checkpoint flushes
    the load some minutes later, in the middle of the run), SQLite a checkpoint that
    empties its write-ahead log. What was done, or why it was not."""
    code = r"""
import os
import sqlalchemy as sa
from pathlib import Path
from registry.config import database_url
engine = sa.create_engine(database_url(os.environ["DATABASE_URL"], Path("instance")))
with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
    if engine.dialect.name == "postgresql":
        try:
            connection.exec_driver_sql("CHECKPOINT")
            print("CHECKPOINT")
        except sa.exc.DBAPIError as error:
            print("no CHECKPOINT: " + str(error.orig).splitlines()[0])
    else:
        log = Path(engine.url.database + "-wal")
        before = log.stat().st_size if log.exists() else 0
        busy = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()[0]
        after = log.stat().st_size if log.exists() else 0
        print(f"wal_checkpoint(TRUNCATE): write-ahead log {before} -> {after} bytes"
              + (" (readers in the way)" if busy else ""))
"""
    return _run([sys.executable, "-c", code], env, capture=True).splitlines()[-1]


def record_ids(env: dict) -> dict[str, int | None]:
    """The busy records the detail scenarios and the PDFs use (asked of the database)."""
    code = r"""
import json
import sqlalchemy as sa
from registry.config import database_url
from pathlib import Path
import os
engine = sa.create_engine(database_url(os.environ["DATABASE_URL"], Path("instance")))
QUERIES = {
    "organisation": "SELECT organisation_id FROM contacts GROUP BY organisation_id "
                    "ORDER BY count(*) DESC, organisation_id LIMIT 1",
    "agreement": "SELECT agreement_id FROM agreement_parties GROUP BY agreement_id "
                 "ORDER BY count(*) DESC, agreement_id LIMIT 1",
    "committee": "SELECT committee_id FROM committee_memberships GROUP BY committee_id "
                 "ORDER BY count(*) DESC, committee_id LIMIT 1",
    "meeting": "SELECT meeting_id FROM agenda_items GROUP BY meeting_id "
               "ORDER BY count(*) DESC, meeting_id LIMIT 1",
    "proposal": "SELECT id FROM proposals ORDER BY endorsement_count DESC, id LIMIT 1",
}
LISTS = {
    "draft_agreements": "SELECT a.id FROM agreements a WHERE a.status = 'draft' AND EXISTS "
        "(SELECT 1 FROM agreement_clauses c WHERE c.agreement_id = a.id) "
        "ORDER BY a.id LIMIT 6",
    "held_meetings": "SELECT m.id FROM meetings m WHERE m.status IN ('held', 'minutes_drafted') "
        "ORDER BY (SELECT count(*) FROM agenda_items i WHERE i.meeting_id = m.id) DESC, m.id "
        "LIMIT 6",
}
found = {}
with engine.connect() as connection:
    for key, query in QUERIES.items():
        try:
            found[key] = connection.execute(sa.text(query)).scalar()
        except sa.exc.SQLAlchemyError:
            connection.rollback()
            found[key] = None
    for key, query in LISTS.items():
        try:
            found[key] = list(connection.execute(sa.text(query)).scalars())
        except sa.exc.SQLAlchemyError:
            connection.rollback()
            found[key] = []
    found["counts"] = {
        table: connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()
        for table in ("organisations", "contacts", "agreements", "committees", "meetings",
                      "proposals", "proposal_endorsements")
    }
print(json.dumps(found))
"""
    return json.loads(_run([sys.executable, "-c", code], env, capture=True).splitlines()[-1])


def issue_api_token(env: dict) -> str | None:
    """A token for bench.staff from ``flask registry api-token issue`` (None: no such CLI)."""
    if not has_cli(env, ["registry"], "api-token"):
        return None
    out = flask(
        env,
        "registry",
        "api-token",
        "issue",
        "--email",
        ACCOUNTS["staff"],
        "--name",
        "bench",
        capture=True,
    )
    # The secret is the longest URL-safe word printed (the CLI prints it once).
    words = re.findall(r"[A-Za-z0-9_\-\.~]{24,}", out)
    return max(words, key=len) if words else None


class Server:
    """gunicorn serving ``app`` (wsgi:app) with gunicorn.conf.py, on a free loopback port."""

    def __init__(
        self, env: dict, folder: Path, workers: int, threads: int, app: str = "wsgi:app"
    ):
        self.port = free_port()
        self.log = folder / "gunicorn.log"
        command = [
            str(VENV_BIN / "gunicorn"),
            "-c",
            "gunicorn.conf.py",
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(workers),
            "--worker-class",
            WORKER_CLASS,
            "--threads",
            str(threads),
            # The same workers for the whole run, so a worker that grows shows it (production
            # replaces them every few thousand requests: see gunicorn.conf.py).
            "--max-requests",
            "0",
            "--error-logfile",
            str(self.log),
            "--log-level",
            "warning",
            app,
        ]
        self.process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.workers_wanted = workers

    def wait_ready(self, timeout: float = 120) -> None:
        """Until /health answers 200 and every worker is up (and warmed up)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log.read_text()[-3000:]}")
            try:
                status, *_ = Connection(self.port).get("/health")
                if status == 200 and len(self.workers()) >= self.workers_wanted:
                    self.wait_quiet()  # post_worker_init: the renderer's warm-up in each worker
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer /health in time")

    def wait_quiet(self, timeout: float = 30, every: float = 0.5) -> None:
        """Until the workers are idle (they used under a tenth of a core over ``every``
        seconds): a worker still warming up its renderer would otherwise take a core from
        the first measurements."""
        deadline = time.monotonic() + timeout
        used = cpu_seconds(self.workers())
        while time.monotonic() < deadline:
            time.sleep(every)
            now = cpu_seconds(self.workers())
            if now - used < 0.1 * every:
                return
            used = now

    def workers(self) -> list[int]:
        """The worker pids (the master's children)."""
        master = self.process.pid
        children = Path(f"/proc/{master}/task/{master}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            pids = []
            for stat in Path("/proc").glob("[0-9]*/stat"):
                try:
                    fields = stat.read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == master:
                    pids.append(int(stat.parent.name))
            return pids

    def stop(self) -> None:
        """Stop gunicorn (TERM to the master, then KILL to its group if it lingers)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


# --- HTTP clients -------------------------------------------------------------------------


class Connection:
    """One keep-alive HTTP/1.1 connection with a fixed set of headers (cookie or token)."""

    def __init__(self, port: int, headers: dict | None = None):
        self.port = port
        self.headers = {"User-Agent": "registry-load-bench", **(headers or {})}
        self.connection = http.client.HTTPConnection(HOST, port, timeout=60)

    def get(self, path: str) -> tuple[int, http.client.HTTPMessage, bytes, float]:
        """GET ``path``: status, headers, body and wall-clock seconds. A connection the
        server closed while idle is opened again once (not counted as an error)."""
        for attempt in (1, 2):
            started = time.perf_counter()
            try:
                self.connection.request("GET", path, headers=self.headers)
                response = self.connection.getresponse()
                body = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                if attempt == 2:
                    raise
                continue
            elapsed = time.perf_counter() - started
            if response.will_close:
                self.connection.close()
            return response.status, response.headers, body, elapsed
        raise AssertionError("unreachable")

    def post_form(self, path: str, fields: dict) -> http.client.HTTPResponse:
        body = urllib.parse.urlencode(fields)
        headers = self.headers | {"Content-Type": "application/x-www-form-urlencoded"}
        self.connection.request("POST", path, body=body, headers=headers)
        response = self.connection.getresponse()
        response.read()
        return response

    def close(self) -> None:
        self.connection.close()


def _cookies(response_headers) -> dict[str, str]:
    cookies = {}
    for header in response_headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        cookies[name.strip()] = rest.split(";", 1)[0]
    return cookies


def sign_in(port: int, email: str) -> dict:
    """Sign in through the form (GET for the CSRF token, POST); the request headers to use."""
    connection = Connection(port)
    status, headers, body, _ = connection.get("/sign-in")
    if status != 200:
        raise RuntimeError(f"GET /sign-in answered {status}")
    match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', body) or re.search(
        rb'value="([^"]+)"[^>]*name="csrf_token"', body
    )
    if not match:
        raise RuntimeError("no CSRF token in the sign-in form")
    cookies = _cookies(headers)
    connection.headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    response = connection.post_form(
        "/sign-in",
        {
            "csrf_token": html.unescape(match.group(1).decode()),
            "email": email,
            "password": BENCH_PASSWORD,
        },
    )
    connection.close()
    if response.status != 302 or "/sign-in" in (response.getheader("Location") or ""):
        raise RuntimeError(f"sign-in as {email} failed: HTTP {response.status}")
    cookies |= _cookies(response.headers)
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}


# --- measuring -----------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (``share`` in 0..1) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass
class Outcome:
    """What the clients saw for one scenario."""

    requests: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    statements: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)

    def summary(self) -> dict:
        lat = self.latencies_ms or [float("nan")]
        return {
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "throughput": self.requests / self.seconds if self.seconds else 0.0,
            "p50_ms": percentile(lat, 0.50),
            "p95_ms": percentile(lat, 0.95),
            "p99_ms": percentile(lat, 0.99),
            "sql_statements": _typical(self.statements),
            "sql_statements_seen": dict(sorted(self.statements.items())),
            "errors": sum(self.errors.values()),
            "error_kinds": dict(self.errors),
        }


def _typical(counts: Counter) -> int | None:
    """The most frequent statement count (per-request counts barely vary)."""
    return counts.most_common(1)[0][0] if counts else None


def drive(port: int, headers: dict, path: str, clients: int, seconds: float) -> Outcome:
    """``clients`` threads, each on its own keep-alive connection, GET ``path`` until the time
    is up; every answer but a 200 (or an exception) is an error."""
    outcome = Outcome()
    lock = threading.Lock()
    window: dict[str, float] = {}

    def open_window() -> None:  # run once, when every client has its connection open
        window["began"] = time.perf_counter()
        window["deadline"] = window["began"] + seconds

    start_line = threading.Barrier(clients, action=open_window)

    def client() -> None:
        connection = Connection(port, headers)
        latencies, statements, errors = [], Counter(), Counter()
        try:
            connection.get(path)  # open the connection; not timed
            start_line.wait()
        except threading.BrokenBarrierError:  # another client could not connect
            connection.close()
            return
        except (OSError, http.client.HTTPException) as error:
            with lock:
                outcome.errors[f"cannot connect: {type(error).__name__}"] += 1
            start_line.abort()
            connection.close()
            return
        deadline = window["deadline"]
        while time.perf_counter() < deadline:
            try:
                status, answer, _body, elapsed = connection.get(path)
            except (OSError, http.client.HTTPException) as error:
                errors[type(error).__name__] += 1
                connection.close()
                continue
            latencies.append(elapsed * 1000)
            if status != 200:
                errors[f"HTTP {status}"] += 1
            header = answer.get("X-SQL-Statements")
            if header is not None:
                statements[int(header)] += 1
        connection.close()
        with lock:
            outcome.latencies_ms.extend(latencies)
            outcome.statements.update(statements)
            outcome.errors.update(errors)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if "began" not in window:  # no client could connect: nothing was measured
        return outcome
    outcome.seconds = time.perf_counter() - window["began"]
    outcome.requests = len(outcome.latencies_ms) + sum(
        n for kind, n in outcome.errors.items() if not kind.startswith("HTTP")
    )
    if not outcome.latencies_ms:
        outcome.errors["no answer within the time"] += 1
    return outcome


class MemorySampler:
    """Samples VmRSS of every gunicorn worker in a thread; peak, first and last per worker.

    The peak is the most the worker ever held (VmHWM, which also counts a moment between two
    samples, such as a sign-in's password check: Argon2 takes 64 MiB while it runs); the
    sampled peak is the most seen at a sample; PSS (at the end) counts the pages a worker
    shares with the master and the other workers as its share only."""

    def __init__(self, server: Server, every: float = 0.25):
        self.server = server
        self.every = every
        self.first: dict[int, float] = {}
        self.peak: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.hwm: dict[int, float] = {}
        self.sampled_peak: dict[int, float] = {}
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def start(self) -> MemorySampler:
        self.thread.start()
        return self

    def _loop(self) -> None:
        while not self.stopping.is_set():
            self.sample()
            self.stopping.wait(self.every)

    def sample(self) -> None:
        for pid in self.server.workers():
            status = read_status(pid)
            if "VmRSS" not in status:
                continue
            rss = status["VmRSS"]
            self.first.setdefault(pid, rss)
            self.peak[pid] = max(self.peak.get(pid, 0.0), rss)
            self.sampled_peak[pid] = max(self.sampled_peak.get(pid, 0.0), rss)
            self.last[pid] = rss
            self.hwm[pid] = status.get("VmHWM", rss)

    def stop(self) -> dict:
        self.stopping.set()
        self.thread.join()
        self.sample()
        workers = {}
        for pid in sorted(self.peak):
            grew = self.last[pid] - self.first[pid]
            workers[str(pid)] = {
                "first_mb": round(self.first[pid], 1),
                "peak_mb": round(max(self.peak[pid], self.hwm.get(pid, 0.0)), 1),
                "last_mb": round(self.last[pid], 1),
                "sampled_peak_mb": round(self.sampled_peak[pid], 1),
                "pss_last_mb": _rounded(read_pss(pid)),
                "grew_mb": round(grew, 1),
                "growing": grew > GROWTH_TOLERANCE_MB,
            }
        return workers


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes have used (from /proc/<pid>/stat), in seconds.

    Per request, the workers' CPU time depends much less on what else the machine runs than
    the wall-clock latency does: the column to compare pages by on a busy machine (it leaves
    out the database server's own time on PostgreSQL)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / ticks


def read_pss(pid: int) -> float | None:
    """The proportional set size of a process in MB (from /proc/<pid>/smaps_rollup): its
    private pages plus its share of the pages it shares; None when it cannot be read."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        key, _, rest = line.partition(":")
        if key == "Pss":
            return int(rest.split()[0]) / 1024  # kB -> MB
    return None


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def read_status(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM of a process in MB (from /proc/<pid>/status); {} when it is gone."""
    values = {}
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return values
    for line in text.splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024  # kB -> MB
    return values


def measure_pdfs(
    port: int, headers: dict, ids: dict, stored_runs: int, cpu: Callable[[], float] | None = None
) -> dict:
    """Agreement drafts and minutes through HTTP: the first GET of each never-rendered document
    (fresh workers, nothing stored: "cold"), then the same documents again (from storage).
    ``cpu()``, when given, is the workers' CPU seconds so far: each cold render's CPU time is
    kept beside its wall time, which also holds whatever else the machine was doing."""
    results = {}
    for key, template, ids_key in (
        ("agreement_draft", "/agreements/{}/pdf?variant=th", "draft_agreements"),
        ("minutes", "/meetings/{}/minutes.pdf?variant=th", "held_meetings"),
    ):
        targets = ids.get(ids_key) or []
        if not targets:
            results[key] = {"skipped": "no such record in the dataset"}
            continue
        connection = Connection(port, headers)
        cold, cold_cpu, stored, failures = [], [], [], Counter()
        paths = [template.format(i) for i in targets]
        for path in paths:
            before = cpu() if cpu else 0.0
            status, answer, body, elapsed = connection.get(path)
            if status == 200 and body.startswith(b"%PDF-"):
                cold.append(elapsed)
                if cpu:
                    cold_cpu.append(cpu() - before)
            else:
                failures[f"HTTP {status} {answer.get('Content-Type', '')}"] += 1
        for n in range(stored_runs):
            path = paths[n % len(paths)]
            status, _answer, body, elapsed = connection.get(path)
            if status == 200 and body.startswith(b"%PDF-"):
                stored.append(elapsed)
            else:
                failures[f"HTTP {status} (stored)"] += 1
        connection.close()
        results[key] = {
            "cold_runs": len(cold),
            "cold_first_s": cold[0] if cold else None,
            "cold_median_s": statistics.median(cold) if cold else None,
            "cold_max_s": max(cold) if cold else None,
            "cold_cpu_median_s": statistics.median(cold_cpu) if cold_cpu else None,
            "cold_cpu_max_s": max(cold_cpu) if cold_cpu else None,
            "stored_runs": len(stored),
            "stored_p50_s": percentile(stored, 0.5) if stored else None,
            "stored_p95_s": percentile(stored, 0.95) if stored else None,
            "errors": sum(failures.values()),
            "error_kinds": dict(failures),
        }
    return results


# --- one database ---------------------------------------------------------------------------


def run_database(name: str, url: str, options) -> dict:
    """Migrate, seed, serve and measure one database; the results."""
    results: dict = {
        "database": name,
        "when": datetime.now().astimezone().isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "scale": options.scale,
        "clients": options.clients,
        "seconds_per_scenario": options.seconds,
        "gunicorn": {"worker_class": WORKER_CLASS, "workers": options.workers,
                     "threads": options.threads},
        "load_average_start": _load(),
    }  # fmt: skip
    with tempfile.TemporaryDirectory(prefix=f"registry-load-{name}-") as temporary:
        folder = Path(temporary)
        if url.startswith("sqlite"):
            url = f"sqlite:///{folder / 'bench.sqlite3'}"
        env = app_environment(folder, url)
        print(f"== {name}: migrating")
        flask(env, "db", "upgrade", capture=True)
        print(f"== {name}: seeding (scale {options.scale})")
        began = time.perf_counter()
        seed(env, options.scale, options.seed)
        results["seed_seconds"] = round(time.perf_counter() - began, 1)
        results["settled"] = settle(env)
        print(f"   settled: {results['settled']}")
        ids = record_ids(env)
        results["records"] = ids
        print(f"   seeded in {results['seed_seconds']} s: {ids['counts']}")
        items = scenarios(ids)
        mark_missing_routes(items, env)
        token = issue_api_token(env)
        if token is None:
            for scenario in items:
                if scenario.role == "api" and not scenario.skipped:
                    scenario.skipped = "no API token command yet"

        server = Server(env, folder, options.workers, options.threads)
        try:
            server.wait_ready()
            print(f"== {name}: gunicorn on port {server.port}, workers {server.workers()}")
            headers = {role: sign_in(server.port, email) for role, email in ACCOUNTS.items()}
            headers[None] = {}
            if token:
                headers["api"] = {"Authorization": f"Bearer {token}"}
            workers_at_start = set(server.workers())
            sampler = MemorySampler(server).start()

            # The PDFs first: the workers are fresh and nothing has been rendered yet.
            results["pdf"] = measure_pdfs(
                server.port,
                headers["staff"],
                ids,
                options.stored_runs,
                cpu=lambda: cpu_seconds(server.workers()),
            )

            # One pass over every page before timing: templates compiled, caches filled.
            for scenario in items:
                if not scenario.skipped:
                    drive(server.port, headers[scenario.role], scenario.path, 2, 0.3)
            sampler.first = dict(sampler.last)  # growth is counted from the warm state

            rows = []
            for scenario in items:
                row = {"scenario": scenario.name, "path": scenario.path, "kind": scenario.kind,
                       "role": scenario.role}  # fmt: skip
                if scenario.skipped:
                    row["skipped"] = scenario.skipped
                else:
                    cpu_before = cpu_seconds(server.workers())
                    outcome = drive(
                        server.port,
                        headers[scenario.role],
                        scenario.path,
                        options.clients,
                        options.seconds,
                    )
                    cpu = cpu_seconds(server.workers()) - cpu_before
                    row |= outcome.summary()
                    if outcome.requests:
                        row["worker_cpu_ms"] = cpu * 1000 / outcome.requests
                    print(
                        f"   {scenario.name:<38} {row['throughput']:7.1f} req/s  "
                        f"p95 {row['p95_ms']:6.1f} ms  errors {row['errors']}"
                    )
                rows.append(row)
            results["workers"] = sampler.stop()
            results["worker_restarts"] = len(set(server.workers()) - workers_at_start)
        finally:
            server.stop()
        results["gunicorn_errors"] = _log_errors(server.log)
    bare = next((r for r in rows if r["kind"] == "bare" and "throughput" in r), None)
    for row in rows:
        if "throughput" in row and bare and bare["throughput"]:
            row["ratio"] = row["throughput"] / bare["throughput"]
    results["scenarios"] = rows
    results["load_average_end"] = _load()
    return results


def _log_errors(log: Path) -> dict[str, int]:
    """The errors gunicorn logged: each traceback's exception line (or ERROR line), counted."""
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return {}
    found: Counter = Counter()
    in_traceback = False
    for line in lines:
        if line.startswith("Traceback"):
            in_traceback = True
        elif in_traceback and line and not line[0].isspace():
            found[line[:300]] += 1
            in_traceback = False
        elif "[ERROR]" in line:
            found[line.split("[ERROR]", 1)[1].strip()[:300]] += 1
    return dict(found.most_common(20))


def _load() -> list[float] | None:
    try:
        return [round(n, 2) for n in os.getloadavg()]
    except OSError:
        return None


# --- the table -------------------------------------------------------------------------------


def verdicts(row: dict) -> tuple[str, bool]:
    """The targets a scenario row meets or misses, and whether all are met."""
    notes, ok = [], True
    target = TARGET_P95_MS.get(row["kind"])
    if target is not None:
        met = row["p95_ms"] < target
        notes.append(f"p95<{target:.0f} {'ok' if met else 'OVER'}")
        ok &= met
    if row["kind"] in ("page", "api") and "ratio" in row:
        met = row["ratio"] >= TARGET_RATIO
        notes.append(f"ratio≥⅓ {'ok' if met else 'LOW'}")
        ok &= met
    if row.get("errors"):
        notes.append("ERRORS")
        ok = False
    return ", ".join(notes), ok


def table_lines(all_results: list[dict]) -> list[str]:
    """The one table: every scenario per database, then the PDFs, then the workers."""
    head = (f"{'scenario':<38} {'db':<10} {'requests':>8} {'req/s':>7} {'p50 ms':>7} "
            f"{'p95 ms':>7} {'p99 ms':>7} {'CPU ms':>6} {'SQL':>4} {'ratio':>5} {'errors':>6}"
            "  target")  # fmt: skip
    lines = [head, "-" * (len(head) + 24)]

    def line(scenario, db, requests="", rate="", p50="", p95="", p99="", cpu="", sql="",
             ratio="", errors="", note=""):  # fmt: skip
        return (f"{scenario:<38} {db:<10} {requests:>8} {rate:>7} {p50:>7} {p95:>7} {p99:>7} "
                f"{cpu:>6} {sql:>4} {ratio:>5} {errors:>6}  {note}").rstrip()  # fmt: skip

    names = []
    for results in all_results:
        for row in results["scenarios"]:
            if row["scenario"] not in names:
                names.append(row["scenario"])
    for name in names:
        for results in all_results:
            row = next(r for r in results["scenarios"] if r["scenario"] == name)
            db = results["database"]
            if "skipped" in row:
                lines.append(line(name, db, note=f"skipped: {row['skipped']}"))
                continue
            note, _ok = verdicts(row)
            lines.append(
                line(
                    name,
                    db,
                    f"{row['requests']:,}",
                    f"{row['throughput']:.1f}",
                    f"{row['p50_ms']:.1f}",
                    f"{row['p95_ms']:.1f}",
                    f"{row['p99_ms']:.1f}",
                    f"{row['worker_cpu_ms']:.1f}" if "worker_cpu_ms" in row else "",
                    "" if row["sql_statements"] is None else str(row["sql_statements"]),
                    f"{row['ratio']:.2f}" if "ratio" in row else "",
                    str(row["errors"]),
                    note,
                )
            )
    for key, label, cold_target in (
        ("agreement_draft", "PDF agreement draft", TARGET_DRAFT_COLD_S),
        ("minutes", "PDF minutes", TARGET_MINUTES_COLD_S),
    ):
        for results in all_results:
            figures = results["pdf"][key]
            db = results["database"]
            if "skipped" in figures:
                lines.append(line(f"{label}", db, note=f"skipped: {figures['skipped']}"))
                continue
            if figures["cold_runs"]:
                met = figures["cold_max_s"] < cold_target
                lines.append(
                    line(
                        f"{label}, cold",
                        db,
                        str(figures["cold_runs"]),
                        p50=_ms(figures["cold_median_s"]),
                        p95=_ms(figures["cold_max_s"]),
                        cpu=_ms(figures.get("cold_cpu_median_s")),
                        errors=str(figures["errors"]),
                        note=f"max<{cold_target * 1000:.0f} {'ok' if met else 'OVER'}"
                        + _cpu_max_note(figures),
                    )
                )
            if figures["stored_runs"]:
                met = figures["stored_p95_s"] < TARGET_STORED_S
                lines.append(
                    line(
                        f"{label}, from storage",
                        db,
                        str(figures["stored_runs"]),
                        p50=_ms(figures["stored_p50_s"]),
                        p95=_ms(figures["stored_p95_s"]),
                        note=f"p95<{TARGET_STORED_S * 1000:.0f} {'ok' if met else 'OVER'}",
                    )
                )
    for results in all_results:
        for pid, figures in results["workers"].items():
            met = figures["peak_mb"] < TARGET_WORKER_MB
            growth = (
                f"grew {figures['grew_mb']:+.1f} MB"
                if figures["growing"]
                else f"steady ({figures['grew_mb']:+.1f} MB)"
            )
            seen = []
            if figures.get("sampled_peak_mb") is not None:
                seen.append(f"sampled peak {figures['sampled_peak_mb']:.0f} MB")
            if figures.get("pss_last_mb") is not None:
                seen.append(f"PSS {figures['pss_last_mb']:.0f} MB")
            lines.append(
                line(
                    f"worker {pid} peak RSS",
                    results["database"],
                    p50=f"{figures['first_mb']:.0f}MB",
                    p95=f"{figures['peak_mb']:.0f}MB",
                    p99=f"{figures['last_mb']:.0f}MB",
                    note="; ".join(
                        [f"<{TARGET_WORKER_MB:.0f} MB {'ok' if met else 'OVER'}", growth, *seen]
                    ),
                )
            )
    return lines


def _ms(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds * 1000:.1f}"


def _cpu_max_note(figures: dict) -> str:
    """The worst cold render's CPU time, beside the verdict on its wall time."""
    worst = figures.get("cold_cpu_max_s")
    return "" if worst is None else f" (CPU max {worst * 1000:.0f})"


def print_report(all_results: list[dict]) -> None:
    """The header lines and the table."""
    first = all_results[0]
    print()
    print(
        f"== load benchmark · scale {first['scale']} · {first['clients']} clients · "
        f"{first['seconds_per_scenario']} s per scenario · gunicorn {WORKER_CLASS} "
        f"{first['gunicorn']['workers']}×{first['gunicorn']['threads']} · Python "
        f"{first['python']} · {first['cpus']} CPUs"
    )
    for results in all_results:
        print(
            f"   {results['database']}: seeded in {results['seed_seconds']} s, load average "
            f"{results['load_average_start']} → "
            f"{results['load_average_end']}, worker restarts {results['worker_restarts']}"
        )
    for note in (
        "ratio = throughput / the bare endpoint's; SQL = statements per request "
        "(X-SQL-Statements);",
        "CPU ms = the workers' CPU time per request (less sensitive to a busy machine than "
        "latency; without PostgreSQL's own time);",
        "PDF rows: p50 = median, p95 = the worst cold render or the p95 from storage, "
        "CPU ms = the median cold render's CPU time (its worst in the target column); "
        "worker rows: RSS once warm / peak / at the end (the peak is the most ever held, "
        "VmHWM: a sign-in's Argon2 password check adds 64 MiB while it runs; the sampled "
        "peak, every 0.25 s, and the PSS at the end are in the note)",
    ):
        print(f"   {note}")
    print()
    for text in table_lines(all_results):
        print(text)
    for results in all_results:
        if results["gunicorn_errors"]:
            print(f"\nerrors gunicorn logged ({results['database']}), with their counts:")
            for message, count in results["gunicorn_errors"].items():
                print(f"  {count:>5} × {message}")


def failed(results: dict) -> list[str]:
    """What went wrong in a run (not a missed target)."""
    problems = []
    for row in results["scenarios"]:
        if row.get("errors"):
            problems.append(f"{row['scenario']}: {row['errors']} errors {row['error_kinds']}")
    for key, figures in results["pdf"].items():
        if figures.get("errors"):
            problems.append(f"PDF {key}: {figures['error_kinds']}")
    if results["worker_restarts"]:
        problems.append(f"{results['worker_restarts']} worker(s) replaced during the run")
    return [f"{results['database']}: {p}" for p in problems]


# --- main ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--databases", default="sqlite,postgresql",
                        help="comma-separated: sqlite, postgresql (default both)")  # fmt: skip
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", 1)))
    parser.add_argument("--seed", type=int, default=2569)
    parser.add_argument("--seconds", type=float,
                        default=float(os.environ.get("BENCH_LOAD_SECONDS", 6)),
                        help="measured time per scenario (default 6)")  # fmt: skip
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (8)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (4)")
    parser.add_argument("--stored-runs", type=int, default=30,
                        help="PDF requests served from storage (30)")  # fmt: skip
    parser.add_argument(
        "--pg-port",
        type=int,
        default=None,
        help="the throwaway PostgreSQL cluster's port (default: a free one)",
    )
    parser.add_argument("--results", type=Path, default=RESULTS, help=f"folder ({RESULTS})")
    options = parser.parse_args(argv)
    databases = [d.strip() for d in options.databases.split(",") if d.strip()]
    unknown = set(databases) - {"sqlite", "postgresql"}
    if unknown or not databases:
        parser.error(f"unknown database(s): {', '.join(sorted(unknown)) or 'none given'}")
    if options.scale <= 0 or options.seconds <= 0 or min(options.clients, options.workers,
                                                         options.threads) < 1:  # fmt: skip
        parser.error("scale, seconds, clients, workers and threads must be positive")

    options.results.mkdir(parents=True, exist_ok=True)
    all_results = []
    for name in databases:
        if name == "sqlite":
            results = run_database(name, "sqlite://", options)
        else:
            with postgres_cluster(options.pg_port) as url:
                results = run_database(name, url, options)
        path = options.results / f"load-{name}.json"
        path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
        all_results.append(results)
    print_report(all_results)
    chart = options.results / "load.svg"
    chart.write_text(svg.load_chart(all_results, TARGET_P95_MS, TARGET_RATIO))
    print(f"\nsaved {', '.join(str(options.results / f'load-{n}.json') for n in databases)}, "
          f"{chart}")  # fmt: skip
    problems = [p for results in all_results for p in failed(results)]
    for problem in problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
