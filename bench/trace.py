"""The realistic trace: an office's day of reading, with some writing, against gunicorn.

Many simulated readers (staff, representatives of different associations, a committee
secretary, and anonymous visitors on the public pages) each ask for *different* records:
organisation, agreement, committee, meeting and proposal pages (most picked at random from
the whole register, a fifth from a small set of busy ones), lists with different filters and
pages, searches with different words; a share of the steps are writes (staff edit an
organisation's notes, representatives endorse proposals, the secretary records attendance),
each through its form as a browser sends it. The plan is made from ``--seed`` before the run:
the same seed, scale and readers give the same requests in the same order.

For each database (SQLite; PostgreSQL on a throwaway cluster) it seeds the register
(``bench.seed``), adds the readers and runs the plan, served by
``gunicorn 'bench.serve:create()'`` (the product's app, with each answer's thread CPU time
and the kept results' use in headers, see bench/serve.py).

It reports per kind of page: requests, median and 95th percentile latency, the CPU time per
request (median and mean, from ``X-CPU-Microseconds``, and the mean as a multiple of the
bare endpoint's), SQL statements, the share of pages a whole-page cache could have served
(``mark_repeats``: the same reader at the same address again before any write), how many
lookups of kept results the store answered, errors; and the workers' CPU time per answer
over the whole trace (from /proc). Figures go to bench/results/trace-<db>.json.

    .venv/bin/python -m bench.trace [--databases sqlite,postgresql] [--scale 0.1]
                                    [--requests 3000] [--clients 8]

Timings are reported, never asserted. Exit status 1 when a request failed unexpectedly.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from bench import load
from bench.dataset.seed import BENCH_PASSWORD
from bench.soak import find_form

RESULTS = load.RESULTS

#: Words people search for: Thai and English, some that match many records, some few.
WORDS = (
    "สมาคม", "ข้อมูล", "ดิจิทัล", "มหาวิทยาลัย", "บริษัท", "เทคโนโลยี", "ไอโอที", "ปัญญาประดิษฐ์",
    "ความร่วมมือ", "คลาวด์", "ภาครัฐ", "เมืองอัจฉริยะ", "การศึกษา", "สุขภาพ", "เกษตร", "พลังงาน",
    "ความปลอดภัย", "ไซเบอร์", "นวัตกรรม", "เชียงใหม่", "ขอนแก่น", "ภูเก็ต", "data", "cloud",
    "university", "association", "digital", "smart", "AI", "IoT", "open", "platform",
)  # fmt: skip

#: The share of each step kind per kind of reader (the rest of a reader's steps).
STAFF_STEPS = {
    "home": 6, "organisations list": 12, "organisation": 16, "agreements list": 6,
    "agreement": 9, "committees list": 3, "committee": 6, "meetings list": 4, "meeting": 7,
    "proposals list": 8, "proposal": 10, "search": 8, "write: organisation notes": 4,
}  # fmt: skip
REPRESENTATIVE_STEPS = {
    "home": 12, "my organisation": 12, "proposals list": 22, "proposal": 30, "search": 12,
    "write: endorsement": 6,
}  # fmt: skip
SECRETARY_STEPS = {
    "home": 10, "meetings list": 15, "meeting": 30, "committee": 15, "committees list": 5,
    "search": 10, "write: attendance": 6,
}  # fmt: skip
ANONYMOUS_STEPS = {"open data": 2, "sign-in page": 1}

#: A page cache kept a page this long at most (what ``mark_repeats`` reckons with).
KEEP_SECONDS = 60

#: For a page cache invalidated per kind of record: the trace's writes that would end each
#: kind of page (an organisation's notes are a write of an organisation, an endorsement of a
#: proposal, attendance of a meeting). A page showing a kind's records, its names or its
#: figures ends at any write of that kind, as such a cache cannot tell which records or
#: fields a page shows. Kinds not listed end at every write.
ENDED_BY = {
    "my organisation": {"write: organisation notes", "write: endorsement"},
    "organisations list": {"write: organisation notes"},
    "organisation": {"write: organisation notes", "write: endorsement"},
    "agreements list": {"write: organisation notes"},
    "agreement": {"write: organisation notes"},
    "committees list": {"write: attendance"},
    "committee": {"write: organisation notes", "write: attendance"},
    "meetings list": {"write: attendance"},
    "meeting": {"write: organisation notes", "write: attendance"},
    "proposals list": {"write: organisation notes", "write: endorsement"},
    "proposal": {"write: organisation notes", "write: endorsement"},
    "open data": {"write: organisation notes"},
    "sign-in page": set(),
}

#: A fifth of the record pages go to this many busy records per kind, the rest to any.
BUSY = 20
BUSY_SHARE = 0.2


@dataclass(frozen=True)
class Reader:
    """A simulated reader: who (None: anonymous), what they may ask for."""

    name: str
    role: str
    email: str | None
    organisation_id: int | None = None


@dataclass(frozen=True)
class Step:
    """One thing a reader does: a GET of ``path``, or a write through the form at ``path``."""

    reader: str
    kind: str
    path: str


@dataclass
class Register:
    """What the plan picks from: every record's id, the filters' values, what may be written."""

    organisations: list[int]
    agreements: list[int]
    committees: list[int]
    meetings: list[int]
    proposals: list[int]
    busy: dict[str, list[int]]
    organisation_kinds: list[str]
    agreement_statuses: list[str]
    proposal_statuses: list[str]
    provinces: list[str]
    #: Per representative's organisation, the proposals it may endorse, in the order used.
    endorsable: dict[int, list[int]] = field(default_factory=dict)
    #: Meetings whose attendance the secretary may record.
    attendance_meetings: list[int] = field(default_factory=list)
    #: The secretary's committees and meetings (what the secretary reads).
    secretary_committees: list[int] = field(default_factory=list)
    secretary_meetings: list[int] = field(default_factory=list)


# --- the plan ----------------------------------------------------------------------------


def _record(rng: random.Random, kind: str, everything: list[int], busy: dict) -> int:
    hot = busy.get(kind) or []
    if hot and rng.random() < BUSY_SHARE:
        return rng.choice(hot)
    return rng.choice(everything)


def _page_number(rng: random.Random) -> int:
    """1 most often; deeper pages less and less (a geometric tail)."""
    page = 1
    while page < 20 and rng.random() < 0.35:
        page += 1
    return page


def _query(**values) -> str:
    kept = {k: v for k, v in values.items() if v not in (None, "", 1)}
    return "?" + urllib.parse.urlencode(kept) if kept else ""


def _list_path(rng: random.Random, kind: str, register: Register) -> str:
    """A list with filters a reader might set (each only sometimes), and a page."""
    page = _page_number(rng)
    word = rng.choice(WORDS) if rng.random() < 0.25 else ""
    if kind == "organisations list":
        return "/organisations/" + _query(
            q=word,
            kind=rng.choice(register.organisation_kinds) if rng.random() < 0.3 else "",
            province=rng.choice(register.provinces) if rng.random() < 0.15 else "",
            sort="changed" if rng.random() < 0.2 else "",
            page=page,
        )
    if kind == "agreements list":
        return "/agreements/" + _query(
            q=word,
            status=rng.choice(register.agreement_statuses) if rng.random() < 0.3 else "",
            page=page,
        )
    if kind == "proposals list":
        return "/proposals/" + _query(
            q=word,
            status=rng.choice(register.proposal_statuses) if rng.random() < 0.25 else "",
            sort=rng.choice(("endorsements", "oldest")) if rng.random() < 0.3 else "",
            page=page,
        )
    if kind == "committees list":
        return "/committees/"
    if kind == "meetings list":
        return "/meetings/" + _query(page=page)
    raise ValueError(kind)


def _step(rng: random.Random, reader: Reader, kind: str, register: Register) -> Step | None:
    """The request for one step of that kind, or None when there is nothing to do it on."""
    busy = register.busy
    secretary = reader.role == "secretary"
    paths = {
        "home": lambda: "/",
        "open data": lambda: "/open-data",
        "sign-in page": lambda: "/sign-in",
        "my organisation": lambda: "/organisations/mine",
        "search": lambda: "/search" + _query(q=rng.choice(WORDS)),
        "organisation": lambda: f"/organisations/{_record(rng, 'organisation', register.organisations, busy)}",  # noqa: E501
        "agreement": lambda: f"/agreements/{_record(rng, 'agreement', register.agreements, busy)}",
        "committee": lambda: "/committees/{}".format(
            rng.choice(register.secretary_committees)
            if secretary
            else _record(rng, "committee", register.committees, busy)
        ),
        "meeting": lambda: "/meetings/{}".format(
            rng.choice(register.secretary_meetings)
            if secretary
            else _record(rng, "meeting", register.meetings, busy)
        ),
        "proposal": lambda: f"/proposals/{_record(rng, 'proposal', register.proposals, busy)}",
        "write: organisation notes": lambda: f"/organisations/{rng.choice(busy['organisation'])}/edit",  # noqa: E501
        "write: attendance": lambda: (
            f"/meetings/{rng.choice(register.attendance_meetings)}/attendance"
            if register.attendance_meetings
            else None
        ),
    }
    if kind == "write: endorsement":
        pool = register.endorsable.get(reader.organisation_id) or []
        if not pool:
            return None
        return Step(reader.name, kind, f"/proposals/{pool.pop(0)}/endorse")
    if kind.endswith(" list"):
        return Step(reader.name, kind, _list_path(rng, kind, register))
    if secretary and kind in ("committee", "meeting") and not register.secretary_committees:
        return None
    path = paths[kind]()
    return Step(reader.name, kind, path) if path else None


def plan(readers: list[Reader], register: Register, requests: int, seed: int) -> list[Step]:
    """The whole trace: ``requests`` steps, the readers taking turns in a random order, each
    step drawn from its reader's mix. The same arguments give the same steps."""
    rng = random.Random(seed)  # noqa: S311 (a benchmark's made-up choices)
    register = _copy_pools(register)
    mixes = {
        "staff": STAFF_STEPS,
        "representative": REPRESENTATIVE_STEPS,
        "secretary": SECRETARY_STEPS,
        "anonymous": ANONYMOUS_STEPS,
    }
    # Signed-in readers ask for most pages; the public pages are a small share.
    weights = [0.3 if reader.role == "anonymous" else 1.0 for reader in readers]
    steps: list[Step] = []
    while len(steps) < requests:
        reader = rng.choices(readers, weights)[0]
        mix = mixes[reader.role]
        kind = rng.choices(list(mix), list(mix.values()))[0]
        step = _step(rng, reader, kind, register)
        if step is not None:
            steps.append(step)
    return steps


def unused_by(steps: list[Step], register: Register) -> Register:
    """The register without the proposals ``steps`` endorse: what another plan may endorse
    without meeting an endorsement of this one's (which its form would refuse)."""
    used = {step.path for step in steps if step.kind == "write: endorsement"}
    copy = _copy_pools(register)
    copy.endorsable = {
        organisation: [p for p in pool if f"/proposals/{p}/endorse" not in used]
        for organisation, pool in copy.endorsable.items()
    }
    return copy


def _copy_pools(register: Register) -> Register:
    copy = Register(**{**register.__dict__})
    copy.endorsable = {k: list(v) for k, v in register.endorsable.items()}
    return copy


# --- setting up --------------------------------------------------------------------------


def prepare(url: str, folder: Path, staff: int, representatives: int) -> tuple[list, Register]:
    """Add the readers' accounts to the seeded database and read what the plan picks from."""
    from registry import create_app
    from registry.agreements.models import AgreementStatus
    from registry.auth import services as accounts
    from registry.auth.models import Role
    from registry.db import db
    from registry.organisations.models import OrganisationKind
    from registry.proposals.models import ProposalStatus

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "MAIL_FOLDER": str(folder / "mail"),
            "STORAGE_DIR": str(folder / "files"),
        }
    )
    readers = [
        Reader("staff 1", "staff", load.ACCOUNTS["staff"]),
        Reader("secretary", "secretary", load.ACCOUNTS["secretary"]),
    ]
    with app.app_context():
        scalars = lambda sql, **p: list(db.session.scalars(sa.text(sql), p))  # noqa: E731
        for n in range(2, staff + 1):
            email = f"trace.staff{n}@dgti.example"
            accounts.create_user(email=email, full_name=f"เจ้าหน้าที่ทดสอบ {n}", role=Role.STAFF,
                                 password=BENCH_PASSWORD, actor=None,
                                 must_change_password=False)  # fmt: skip
            readers.append(Reader(f"staff {n}", "staff", email))
        associations = scalars(
            "SELECT o.id FROM organisations o WHERE o.kind = 'association' AND o.status = "
            "'active' AND NOT EXISTS (SELECT 1 FROM users u WHERE u.organisation_id = o.id) "
            "ORDER BY o.id LIMIT :n",
            n=representatives,
        )
        for n, organisation_id in enumerate(associations, 1):
            email = f"trace.rep{n}@dgti.example"
            accounts.create_user(email=email, full_name=f"ผู้แทนทดสอบ {n}",
                                 role=Role.REPRESENTATIVE, password=BENCH_PASSWORD, actor=None,
                                 organisation_id=organisation_id,
                                 must_change_password=False)  # fmt: skip
            readers.append(Reader(f"representative {n}", "representative", email, organisation_id))
        endorsable = {
            organisation_id: scalars(
                "SELECT p.id FROM proposals p WHERE p.status NOT IN ('withdrawn', 'rejected', "
                "'completed') AND p.organisation_id <> :o AND NOT EXISTS (SELECT 1 FROM "
                "proposal_endorsements e WHERE e.proposal_id = p.id AND e.organisation_id = :o) "
                "ORDER BY p.id DESC LIMIT 400",
                o=organisation_id,
            )
            for organisation_id in associations
        }
        register = Register(
            organisations=scalars("SELECT id FROM organisations ORDER BY id"),
            agreements=scalars("SELECT id FROM agreements ORDER BY id"),
            committees=scalars("SELECT id FROM committees ORDER BY id"),
            meetings=scalars("SELECT id FROM meetings ORDER BY id"),
            proposals=scalars("SELECT id FROM proposals ORDER BY id"),
            busy={
                "organisation": scalars(
                    "SELECT organisation_id FROM contacts GROUP BY organisation_id "
                    "ORDER BY count(*) DESC, organisation_id LIMIT :n", n=BUSY),
                "agreement": scalars(
                    "SELECT agreement_id FROM agreement_parties GROUP BY agreement_id "
                    "ORDER BY count(*) DESC, agreement_id LIMIT :n", n=BUSY),
                "committee": scalars(
                    "SELECT committee_id FROM committee_memberships GROUP BY committee_id "
                    "ORDER BY count(*) DESC, committee_id LIMIT :n", n=BUSY),
                "meeting": scalars(
                    "SELECT meeting_id FROM agenda_items GROUP BY meeting_id "
                    "ORDER BY count(*) DESC, meeting_id LIMIT :n", n=BUSY),
                "proposal": scalars(
                    "SELECT id FROM proposals ORDER BY endorsement_count DESC, id LIMIT :n",
                    n=BUSY),
            },
            organisation_kinds=[k.value for k in OrganisationKind],
            agreement_statuses=[s.value for s in AgreementStatus],
            proposal_statuses=[s.value for s in ProposalStatus],
            provinces=scalars("SELECT DISTINCT province FROM organisations "
                              "WHERE province IS NOT NULL ORDER BY 1 LIMIT 20"),
            endorsable=endorsable,
        )  # fmt: skip
        db.session.remove()
    with app.app_context():
        db.engine.dispose()
    return readers, register


def secretary_records(port: int, headers: dict, register: Register) -> None:
    """The secretary's committees and meetings, and the meetings whose attendance form the
    secretary may send, found by asking the served app (what the secretary's list shows)."""
    connection = load.Connection(port, headers)
    meetings: list[int] = []
    for page in (1, 2, 3):
        status, _headers, body, _ = connection.get(f"/meetings/?page={page}")
        if status != 200:
            break
        found = [int(n) for n in re.findall(rb'href="/meetings/(\d+)"', body)]
        meetings += [n for n in found if n not in meetings]
    register.secretary_meetings = meetings
    committees: list[int] = []
    for meeting in meetings[:30]:
        status, _headers, body, _ = connection.get(f"/meetings/{meeting}")
        for n in re.findall(rb'href="/committees/(\d+)"', body):
            if int(n) not in committees:
                committees.append(int(n))
        if len(register.attendance_meetings) < 4:
            status, _headers, body, _ = connection.get(f"/meetings/{meeting}/attendance")
            if status == 200 and find_form(body.decode(), "seats-0-kind"):
                register.attendance_meetings.append(meeting)
    register.secretary_committees = committees
    connection.close()


# --- driving the plan ---------------------------------------------------------------------


@dataclass
class Answer:
    """What one step cost and saw."""

    kind: str
    status: int
    ok: bool
    latency_ms: float
    cpu_us: int | None
    sql: int | None
    results: tuple[int, int] | None
    reader: str = ""
    path: str = ""
    #: When the answer was complete (``time.perf_counter``).
    finished: float = 0.0
    #: Whether a whole-page cache could have served it (``mark_repeats``).
    repeat: bool = False
    #: Whether a page cache invalidated per kind of record could have served it (``ENDED_BY``).
    repeat_per_kind: bool = False
    #: Whether the same reader asked for the same address within the minute before, writes
    #: or not: what a page cache however finely invalidated could serve at most.
    asked_before: bool = False


def _facts(kind: str, status: int, headers, elapsed: float, ok: bool, step: Step) -> Answer:
    cpu = headers.get("X-CPU-Microseconds")
    sql = headers.get("X-SQL-Statements")
    kept = headers.get("X-Results-Kept")
    results = tuple(int(n) for n in kept.split("/")) if kept else None
    return Answer(kind, status, ok, elapsed * 1000, int(cpu) if cpu else None,
                  int(sql) if sql else None, results, step.reader, step.path,
                  time.perf_counter())  # fmt: skip


def mark_repeats(answers: list[Answer], keep_seconds: float = KEEP_SECONDS) -> None:
    """Mark each page a whole-page cache could have served: the same reader asked for the
    same address (path and query) before, no write was acknowledged in between, and no more
    than ``keep_seconds`` ago (as the registry's page cache kept pages per reader, address
    and language until the next write, for a minute at most). Reckoned from the answers'
    completion times, so it needs no cache in the app. Also marks each page the same reader
    asked for at the same address within ``keep_seconds``, whatever was written in between
    (``asked_before``): the most any page cache could serve; and those a cache invalidated per
    kind of record could serve (``repeat_per_kind``: no write in between that ``ENDED_BY``
    says ends that kind of page)."""
    last_write = float("-inf")
    last_of_kind: dict[str, float] = {}
    seen: dict[tuple[str, str], float] = {}
    for answer in sorted(answers, key=lambda a: a.finished):
        if answer.kind.startswith("write"):
            if answer.status in (302, 303):
                last_write = last_of_kind[answer.kind] = answer.finished
            continue
        if not answer.ok or answer.kind in ("form", "bare"):
            continue
        key = (answer.reader, answer.path)
        before = seen.get(key)
        answer.asked_before = before is not None and answer.finished - before <= keep_seconds
        answer.repeat = answer.asked_before and before > last_write
        ended = ENDED_BY.get(answer.kind)
        last_ending = last_write if ended is None else max(
            (last_of_kind.get(kind, float("-inf")) for kind in ended), default=float("-inf")
        )
        answer.repeat_per_kind = answer.asked_before and before > last_ending
        seen[key] = answer.finished


class Jar:
    """A reader's cookies, as a browser keeps them: sent with each request, replaced by what
    the answers set (the form token's session, say). Shared by the clients sending for the
    reader."""

    def __init__(self, header: str = ""):
        self.cookies = dict(
            part.strip().split("=", 1) for part in header.split(";") if "=" in part
        )
        self.lock = threading.Lock()

    def headers(self) -> dict:
        """The Cookie header to send (none for a reader without cookies)."""
        with self.lock:
            if not self.cookies:
                return {}
            return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}

    def update(self, answer) -> None:
        """Keep the cookies the answer sets; drop those it expires."""
        for header in answer.get_all("Set-Cookie") or []:
            pair, _, attributes = header.partition(";")
            name, _, value = pair.strip().partition("=")
            with self.lock:
                if not value or "max-age=0" in attributes.lower() or "1970" in attributes:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = value


class Client:
    """One keep-alive connection that sends each reader's requests with that reader's cookie."""

    def __init__(self, port: int):
        self.port = port
        self.connection = http.client.HTTPConnection(load.HOST, port, timeout=60)

    def send(self, method: str, path: str, headers: dict, body: str | None = None):
        """Status, headers, body and seconds; a connection the server closed is reopened."""
        for attempt in (1, 2):
            began = time.perf_counter()
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                if attempt == 2:
                    raise
                continue
            if response.will_close:
                self.connection.close()
            return response.status, response.headers, data, time.perf_counter() - began
        raise AssertionError("unreachable")


def run_step(client: Client, step: Step, jar: Jar, rng: random.Random) -> list[Answer]:
    """One step: a GET, or a form read then sent (two answers, the write's own kind)."""
    base = {"User-Agent": "registry-trace-bench", "Accept-Language": "th"}
    status, answer, body, elapsed = client.send("GET", step.path, base | jar.headers())
    jar.update(answer)
    if not step.kind.startswith("write"):
        return [_facts(step.kind, status, answer, elapsed, status == 200, step)]
    read = _facts("form", status, answer, elapsed, status == 200, step)
    field_name = {"write: organisation notes": "name_th", "write: endorsement": "statement",
                  "write: attendance": "seats-0-kind"}[step.kind]  # fmt: skip
    form = find_form(body.decode("utf-8", "replace"), field_name) if status == 200 else None
    if form is None:
        read.ok = False
        return [read]
    fields = dict(form["fields"])
    marker = f"trace-{rng.getrandbits(40):010x}"
    if step.kind == "write: organisation notes":
        fields["notes"] = f"บันทึกการติดต่อ ({marker})"
    elif step.kind == "write: endorsement":
        fields["statement"] = f"สมาคมขอสนับสนุนข้อเสนอนี้ ({marker})"
    else:
        seats = sorted({k.split("-")[1] for k in fields if re.fullmatch(r"seats-\d+-kind", k)})
        absent = rng.choice(seats)
        for seat in seats:
            fields[f"seats-{seat}-kind"] = "absent" if seat == absent else "present"
            fields[f"seats-{seat}-absence_reason"] = "ติดภารกิจ" if seat == absent else ""
    post = base | jar.headers() | {"Content-Type": "application/x-www-form-urlencoded"}
    status, answer, _body, elapsed = client.send(
        "POST", form["action"] or step.path, post, urllib.parse.urlencode(fields)
    )
    jar.update(answer)
    # 303/302: saved; 409: someone saved the same record meanwhile (a refusal, not a fault).
    return [read, _facts(step.kind, status, answer, elapsed, status in (302, 303, 409), step)]


def drive(port: int, steps: list[Step], sessions: dict, clients: int, seed: int) -> list[Answer]:
    """Send the plan's steps with ``clients`` concurrent connections, in the plan's order
    (each client takes the next step not yet sent)."""
    answers: list[Answer] = []
    lock = threading.Lock()
    queue = iter(enumerate(steps))

    def work(number: int) -> None:
        client = Client(port)
        rng = random.Random(seed * 1000 + number)  # noqa: S311
        mine: list[Answer] = []
        while True:
            with lock:
                item = next(queue, None)
            if item is None:
                break
            _index, step = item
            try:
                mine += run_step(client, step, sessions[step.reader], rng)
            except (OSError, http.client.HTTPException) as error:
                mine.append(Answer(step.kind, 0, False, 0.0, None, None, None, step.reader,
                                   step.path, time.perf_counter()))  # fmt: skip
                print(f"   {step.path}: {type(error).__name__}", file=sys.stderr)
                client = Client(port)
        client.connection.close()
        with lock:
            answers.extend(mine)

    threads = [threading.Thread(target=work, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def summarise(answers: list[Answer]) -> dict[str, dict]:
    """Per kind: requests, latency, CPU, SQL, the share a whole-page cache could have served
    (``mark_repeats`` first), the kept results' hit rate, errors."""
    by_kind: dict[str, list[Answer]] = defaultdict(list)
    for answer in answers:
        by_kind[answer.kind].append(answer)
    by_kind["all pages (GET)"] = [a for a in answers if a.kind not in ("bare",)
                                  and not a.kind.startswith("write")]  # fmt: skip
    rows = {}
    for kind, group in by_kind.items():
        latencies = [a.latency_ms for a in group if a.ok]
        cpus = [a.cpu_us / 1000 for a in group if a.ok and a.cpu_us is not None]
        sql = Counter(a.sql for a in group if a.sql is not None)
        pages = [a for a in group if a.ok]
        kept = [a.results for a in group if a.results]
        results_asked = sum(n for _hits, n in kept)
        rows[kind] = {
            "requests": len(group),
            "errors": sum(not a.ok for a in group),
            "error_statuses": dict(Counter(a.status for a in group if not a.ok)),
            "p50_ms": statistics.median(latencies) if latencies else None,
            "p95_ms": load.percentile(latencies, 0.95) if latencies else None,
            "cpu_median_ms": statistics.median(cpus) if cpus else None,
            "cpu_mean_ms": statistics.fmean(cpus) if cpus else None,
            "sql_typical": sql.most_common(1)[0][0] if sql else None,
            "repeats": sum(a.repeat for a in pages),
            "repeat_rate": sum(a.repeat for a in pages) / len(pages) if pages else None,
            "per_kind_rate": (sum(a.repeat_per_kind for a in pages) / len(pages)
                              if pages else None),  # fmt: skip
            "asked_before_rate": (sum(a.asked_before for a in pages) / len(pages)
                                  if pages else None),  # fmt: skip
            "results_hit_rate": (sum(h for h, _n in kept) / results_asked
                                 if results_asked else None),  # fmt: skip
        }
    return rows


def bare(port: int, requests: int) -> dict:
    """The bare endpoint (/health), asked ``requests`` times in a row: its CPU per request."""
    client = Client(port)
    answers = []
    for _ in range(requests):
        status, headers, _body, elapsed = client.send("GET", "/health", {})
        answers.append(_facts("bare", status, headers, elapsed, status == 200,
                              Step("-", "bare", "/health")))  # fmt: skip
    client.connection.close()
    return summarise(answers)["bare"]


# --- one database -------------------------------------------------------------------------


def load_url(url: str) -> str:
    """The URL as SQLAlchemy takes it (the psycopg driver named)."""
    from registry.config import database_url

    return database_url(url, Path("instance"))


def run_database(name: str, url: str, options) -> dict:
    """Seed the register, add the readers, run the trace; the figures."""
    results: dict = {"database": name, "scale": options.scale, "requests": options.requests,
                     "clients": options.clients, "seed": options.seed,
                     "commit": _commit()}  # fmt: skip
    with tempfile.TemporaryDirectory(prefix=f"registry-trace-{name}-") as temporary:
        folder = Path(temporary)
        if url.startswith("sqlite"):
            base = f"sqlite:///{folder / 'seeded.sqlite3'}"
        else:
            base = sa.make_url(load_url(url)).set(database="trace_seeded").render_as_string(
                hide_password=False
            )
            engine = sa.create_engine(load_url(url), isolation_level="AUTOCOMMIT")
            with engine.connect() as connection:
                connection.exec_driver_sql('DROP DATABASE IF EXISTS "trace_seeded"')
                connection.exec_driver_sql('CREATE DATABASE "trace_seeded"')
            engine.dispose()
        env = load.app_environment(folder, base)
        print(f"== {name}: migrating and seeding (scale {options.scale})")
        load.flask(env, "db", "upgrade", capture=True)
        load.seed(env, options.scale, options.seed)
        readers, register = prepare(load_url(base), folder, options.staff, options.reps)
        readers += [Reader(f"visitor {n}", "anonymous", None) for n in range(1, 4)]
        load.settle(env)
        results |= run_once(env, folder, readers, register, options)
    return results


def run_once(env: dict, folder: Path, readers: list[Reader], register: Register, options):
    """One run of the whole trace on a fresh copy of the seeded database."""
    server = load.Server(env, folder, options.workers, options.threads, app="bench.serve:create()")
    try:
        server.wait_ready()
        sessions = {
            reader.name: Jar(load.sign_in(server.port, reader.email)["Cookie"])
            if reader.email
            else Jar()
            for reader in readers
        }
        secretary = next(r for r in readers if r.role == "secretary")
        secretary_records(server.port, sessions[secretary.name].headers(), register)
        steps = plan(readers, register, options.requests, options.seed)
        # Templates compiled and connections opened before timing: a short warm-up on
        # other records than the plan's (its own seed), endorsing none the plan endorses.
        warm_up = plan(readers, unused_by(steps, register), 60, options.seed + 1)
        drive(server.port, warm_up, sessions, options.clients, options.seed)
        bare_row = bare(server.port, 200)
        cpu_before = load.cpu_seconds(server.workers())
        began = time.perf_counter()
        answers = drive(server.port, steps, sessions, options.clients, options.seed)
        seconds = time.perf_counter() - began
        worker_cpu = load.cpu_seconds(server.workers()) - cpu_before
    finally:
        server.stop()
    mark_repeats(answers)
    rows = summarise(answers)
    rows["bare endpoint /health"] = bare_row
    return {
        "seconds": round(seconds, 1),
        "answers": len(answers),
        "worker_cpu_ms_per_request": worker_cpu * 1000 / max(1, len(answers)),
        "readers": Counter(r.role for r in readers),
        "kinds": rows,
        "gunicorn_errors": load._log_errors(server.log),
    }


def _commit() -> str | None:
    """The commit measured (short hash), or None outside a git checkout."""
    command = ["git", "rev-parse", "--short", "HEAD"]
    try:
        done = subprocess.run(command, cwd=load.PROJECT_ROOT, capture_output=True, text=True,
                              check=True)  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return None
    return done.stdout.strip()


# --- the table ---------------------------------------------------------------------------


def table_lines(results: dict) -> list[str]:
    """One line per kind of page, the bare endpoint last."""
    head = (f"{'kind':<27} {'requests':>8} {'p50 ms':>7} {'p95 ms':>7} {'CPU med':>7} "
            f"{'CPU avg':>7} {'×bare':>6} {'SQL':>4} {'repeats':>8} {'per kind':>8} "
            f"{'ceiling':>7} {'kept':>5} {'errors':>6}")  # fmt: skip
    lines = [head, "-" * len(head)]
    kinds = results["kinds"]
    order = sorted(kinds, key=lambda k: (k.startswith("bare"), k.startswith("all"), k))
    bare_cpu = kinds["bare endpoint /health"]["cpu_mean_ms"]

    def number(value, digits=1):
        return "" if value is None else f"{value:.{digits}f}"

    def share(value):
        return "" if value is None else f"{value:.0%}"

    for kind in order:
        row = kinds[kind]
        times = row["cpu_mean_ms"] / bare_cpu if row["cpu_mean_ms"] and bare_cpu else None
        lines.append(
            f"{kind:<27} {row['requests']:>8} {number(row['p50_ms']):>7} "
            f"{number(row['p95_ms']):>7} {number(row['cpu_median_ms'], 2):>7} "
            f"{number(row['cpu_mean_ms'], 2):>7} {number(times):>6} "
            f"{row['sql_typical'] or '':>4} {share(row['repeat_rate']):>8} "
            f"{share(row.get('per_kind_rate')):>8} {share(row.get('asked_before_rate')):>7} "
            f"{share(row['results_hit_rate']):>5} {row['errors']:>6}"
        )
    lines += [
        "CPU = the request thread's CPU ms; ×bare = CPU avg / the bare endpoint's; repeats = "
        "pages a whole-page cache could have served; per kind = a cache invalidated per kind "
        "of record (ENDED_BY); ceiling = the same reader at the same address within the "
        "minute, writes or not;",
        "kept = lookups of kept results answered from the store; "
        f"workers' CPU per answer {results['worker_cpu_ms_per_request']:.2f} ms "
        f"({results['answers']} answers in {results['seconds']} s)",
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=2569)
    parser.add_argument("--requests", type=int, default=3000, help="steps in the plan (3000)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--staff", type=int, default=6, help="staff readers (6)")
    parser.add_argument("--reps", type=int, default=12, help="representatives (12)")
    parser.add_argument("--pg-port", type=int, default=None)
    parser.add_argument("--results", type=Path, default=RESULTS)
    options = parser.parse_args(argv)
    databases = [d.strip() for d in options.databases.split(",") if d.strip()]
    if not databases or set(databases) - {"sqlite", "postgresql"}:
        parser.error("--databases takes sqlite, postgresql or both")
    if options.requests < 1 or options.clients < 1 or options.scale <= 0:
        parser.error("requests, clients and scale must be positive")
    options.results.mkdir(parents=True, exist_ok=True)
    failures = 0
    for name in databases:
        if name == "sqlite":
            results = run_database(name, "sqlite://", options)
        else:
            with load.postgres_cluster(options.pg_port) as url:
                results = run_database(name, url, options)
        path = options.results / f"trace-{name}.json"
        path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
        print(f"\n== trace · {name} · scale {options.scale} · {options.requests} steps · "
              f"{options.clients} clients · commit {results['commit']}")  # fmt: skip
        for line in table_lines(results):
            print(line)
        failures += sum(row["errors"] for kind, row in results["kinds"].items()
                        if not kind.startswith("all"))  # fmt: skip
        print(f"saved {path}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
