"""Soak test: many simulated users against gunicorn, on the embedded SQLite file and on
PostgreSQL, a worker killed (and PostgreSQL restarted) during the run, then proof that no
acknowledged write was lost, duplicated or silently overwritten.

    .venv/bin/python -m bench.soak [--seconds 90] [--workers 3] [--staff 4] [--reps 8]
                                   [--secretaries 2] [--database both|sqlite|postgresql]
    make soak                      (SOAK_SECONDS=300 make soak for a longer run)

What it does, in order, once per database (SQLite first, then PostgreSQL, by default):

1. prepares the database: a SQLite file in a temporary folder, or a throwaway PostgreSQL
   cluster (tools/pg_test_cluster.sh, port 55438 or ``SOAK_PG_PORT``); builds the schema
   (``flask db upgrade``), loads the demo data (``flask registry seed-demo``) and adds what
   the users act on: a few hundred organisations, proposals open for endorsement, more
   staff, representative and secretary accounts, and one scheduled meeting per secretary;
2. serves the app the production way (``gunicorn -c gunicorn.conf.py wsgi:app``, 3 workers on
   loopback, ``REGISTRY_ENV=production``);
3. runs the users, each a thread with its own session cookie, reading the CSRF token and the
   form fields (the record's version and the form's one-time token included) from each page
   as a browser would:

   - staff add contacts (each with a unique e-mail ``soak-<12 hex>@dgti.example``) and
     rewrite the notes of the same two organisations, all of them (the notes carry the
     marker): a save from a form someone else saved meanwhile must be refused (409),
   - representatives endorse proposals for their association (the statement carries the
     marker; one endorsement per organisation per proposal),
   - secretaries record the attendance at their meeting (one member absent, the reason
     carrying the marker) and add guests (the name carrying the marker);

   every request is logged (start, end, status or exception), and every write with its
   marker, the marker the form showed (for notes) and whether the server acknowledged it
   (the redirect that follows a success) or refused it as outdated (409); after the time is
   up, each user makes one more write of each of its kinds;
4. faults: after a third of the time one gunicorn worker gets SIGKILL; on PostgreSQL, after
   two thirds the server is restarted (``pg_ctl restart -m fast``);
5. checks, afterwards, on the database itself: every acknowledged write is there exactly once
   (contacts, endorsements and guests are rows found by their marker; notes and attendance
   changes are audit events whose new value carries the marker, written in the same
   transaction as the change); every acknowledged change of notes was made over the value
   its form showed (no stale form overwrote anyone), and no save refused as outdated is
   there; every unacknowledged write is reported, present or not; every failed request was
   in flight within ``--window`` seconds (2) of a fault; the app recovered by itself
   (writes of every kind acknowledged after the last fault, the killed worker replaced,
   ``GET /health`` answers 200).

It prints the figures and saves them in bench/results/soak-<database>.json. Exit status 1
when an acknowledged write is lost, duplicated or overwritten, a request failed away from the
faults, or the app did not recover; 2 when the soak could not be set up. The cluster and
gunicorn are stopped on every way out, Ctrl-C included.
"""

from __future__ import annotations

import abc
import argparse
import http.client
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent

RESULTS = PROJECT_ROOT / "bench" / "results" / "soak.json"
CLUSTER = PROJECT_ROOT / "tools" / "pg_test_cluster.sh"
PASSWORD = "demo-password-2563"  # noqa: S105 (the demo password, on a throwaway database)
MARKER = re.compile(r"soak-[0-9a-f]{12}")
IDS = re.compile(r"/\d+")

#: What each kind of write leaves in the database, and where the checker looks for it.
WRITE_KINDS = ("contact", "notes", "endorsement", "attendance", "guest")


def new_marker() -> str:
    """A unique marker for one write."""
    return f"soak-{uuid.uuid4().hex[:12]}"


# --- the log the users keep, and the checker (pure functions; tests/soak) -----------------


@dataclass
class Request:
    """One HTTP request as the client saw it (times in seconds from the start of the run)."""

    user: str
    method: str
    path: str
    started: float
    ended: float
    status: int | None
    ok: bool
    error: str | None = None


@dataclass
class Write:
    """One write a user sent, and whether the server acknowledged it."""

    kind: str
    marker: str
    user: str
    target: str
    sent: float
    ended: float | None = None
    acknowledged: bool = False
    status: int | None = None
    error: str | None = None
    #: For a change in place: the marker the value carried in the form the user read (None
    #: when it carried none). A saved change must have been made over exactly that value.
    read_marker: str | None = None
    #: The server refused the save as made from an outdated form (409): not acknowledged,
    #: and not a failure either.
    refused_stale: bool = False


@dataclass
class Fault:
    """A fault injected during the run: from ``started`` to ``ended`` (the same for a kill)."""

    name: str
    started: float
    ended: float
    detail: str = ""


def fault_for(started: float, ended: float, faults: list[Fault], margin: float) -> Fault | None:
    """The fault whose window (``margin`` seconds either side) the request overlapped: it
    started or was still in flight then. None when it overlapped none."""
    for fault in faults:
        if started <= fault.ended + margin and ended >= fault.started - margin:
            return fault
    return None


def classify_failures(requests: list[Request], faults: list[Fault], margin: float) -> dict:
    """The failed requests, split into those in a fault's window (by fault name) and the rest."""
    in_windows: dict[str, list[Request]] = {fault.name: [] for fault in faults}
    elsewhere: list[Request] = []
    for request in requests:
        if request.ok:
            continue
        fault = fault_for(request.started, request.ended, faults, margin)
        if fault is None:
            elsewhere.append(request)
        else:
            in_windows[fault.name].append(request)
    return {"in_windows": in_windows, "elsewhere": elsewhere}


def match_writes(writes: list[Write], found: dict[str, int]) -> dict:
    """Match the writes to what the database holds (``found``: marker -> how many times).

    An acknowledged write must be there exactly once: 0 is lost, more is a duplicate. An
    unacknowledged one may be there (at most once) or not; twice is a duplicate too. A marker
    found that no write sent is reported as unexpected."""
    acknowledged = [w for w in writes if w.acknowledged]
    unacknowledged = [w for w in writes if not w.acknowledged]
    sent = {w.marker for w in writes}
    return {
        "sent": len(writes),
        "acknowledged": len(acknowledged),
        "found": sum(1 for w in acknowledged if found.get(w.marker, 0) >= 1),
        "lost": [w for w in acknowledged if found.get(w.marker, 0) == 0],
        "duplicates": [w for w in writes if found.get(w.marker, 0) > 1],
        "unacknowledged": len(unacknowledged),
        "unacknowledged_present": [w for w in unacknowledged if found.get(w.marker, 0) == 1],
        "unacknowledged_absent": [w for w in unacknowledged if found.get(w.marker, 0) == 0],
        "unexpected": sorted(marker for marker, n in found.items() if n and marker not in sent),
    }


def stale_final_values(
    writes: list[Write], final: dict[str, str | None], order: dict[str, int] | None = None
) -> list[str]:
    """Targets whose final value is not the last acknowledged write to them (or a write made
    after it, acknowledged or not): an acknowledged change that a later state forgot.

    ``final`` maps a target to the marker its value carries now. ``order`` gives, for each
    marker the database saw, the position of its change among all changes (the audit log's
    order): with several users writing one target, that is the order of writing. Without it
    (or for a marker it lacks) the order of sending is used."""
    order = order or {}
    stale = []
    by_target: dict[str, list[Write]] = {}
    for write in writes:
        by_target.setdefault(write.target, []).append(write)
    for target, sequence in by_target.items():
        sequence.sort(key=lambda w: (order.get(w.marker, float("inf")), w.sent))
        last_ack = max((i for i, w in enumerate(sequence) if w.acknowledged), default=None)
        if last_ack is None:
            continue
        allowed = {w.marker for w in sequence[last_ack:]}
        if final.get(target) not in allowed:
            stale.append(target)
    return sorted(stale)


def overwritten_changes(writes: list[Write], changes: list[tuple[str | None, str]]) -> list[Write]:
    """Acknowledged changes in place saved over a value their form never showed: the user read
    the value carrying ``read_marker``, but the change (``changes``: the audit log's
    (marker before, marker after) pairs) replaced another one. Such a save silently overwrote
    someone else's acknowledged change; a stale form must be refused instead (409)."""
    before_of = {after: before for before, after in changes}
    return [
        w
        for w in writes
        if w.acknowledged and w.marker in before_of and before_of[w.marker] != w.read_marker
    ]


def recovery(
    requests: list[Request],
    writes: list[Write],
    faults: list[Fault],
    margin: float,
    kinds: tuple[str, ...],
) -> list[str]:
    """Why the app did not recover by itself (empty: it did): for each kind of write, one
    acknowledged after the last fault's window; no failed request after it."""
    if not faults:
        return ["no fault was injected"]
    after = max(fault.ended for fault in faults) + margin
    problems = []
    for kind in kinds:
        if not any(w.kind == kind and w.acknowledged and w.sent > after for w in writes):
            problems.append(f"no {kind} write acknowledged after the faults")
    late = [r for r in requests if not r.ok and r.started > after]
    if late:
        problems.append(f"{len(late)} request(s) failed after the faults")
    return problems


def verdict(figures: dict) -> list[str]:
    """The reasons the soak failed (empty: it passed)."""
    reasons = []
    if figures["lost"]:
        reasons.append(f"{figures['lost']} acknowledged write(s) lost")
    if figures["duplicates"]:
        reasons.append(f"{figures['duplicates']} write(s) stored more than once")
    if figures["stale_final_values"]:
        reasons.append(f"{figures['stale_final_values']} record(s) lost an acknowledged change")
    if figures.get("refused_but_saved", 0):
        reasons.append(f"{figures['refused_but_saved']} save(s) refused as outdated were saved")
    if figures.get("overwritten", 0):
        reasons.append(
            f"{figures['overwritten']} acknowledged change(s) saved over a value the form "
            "never showed"
        )
    if figures["errors_elsewhere"]:
        reasons.append(f"{figures['errors_elsewhere']} request(s) failed away from the faults")
    reasons.extend(figures["recovery_problems"])
    if figures["writes_acknowledged"] == 0:
        reasons.append("no write was acknowledged at all")
    return reasons


# --- a small browser: cookies, forms, CSRF --------------------------------------------------


class FormParser(HTMLParser):
    """The forms of a page: action, method and the values a browser would submit."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: dict | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {
                "action": a.get("action") or "",
                "method": (a.get("method") or "get").lower(),
                "fields": {},
            }
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        fields = self._form["fields"]
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            fields[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select = {"name": name, "first": None, "selected": None}
        elif tag == "option" and self._select is not None:
            value = a.get("value") or ""
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["selected"] = value
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = ""

    def handle_data(self, data):
        if self._form is not None and self._textarea is not None:
            self._form["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            chosen = self._select["selected"]
            self._form["fields"][self._select["name"]] = (
                chosen if chosen is not None else self._select["first"] or ""
            )
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            value = self._form["fields"][self._textarea]
            # A browser drops the newline right after <textarea>.
            self._form["fields"][self._textarea] = value.removeprefix("\r\n").removeprefix("\n")
            self._textarea = None


def find_form(page: str, field_name: str, action_suffix: str | None = None) -> dict | None:
    """The first form of the page with that field (and an action ending so)."""
    parser = FormParser()
    parser.feed(page)
    for form in parser.forms:
        if field_name not in form["fields"]:
            continue
        if action_suffix and not form["action"].split("?")[0].endswith(action_suffix):
            continue
        return form
    return None


class Clock:
    """Seconds since the start of the run, the same clock for users and faults."""

    def __init__(self):
        self.origin = time.monotonic()

    def __call__(self) -> float:
        return round(time.monotonic() - self.origin, 4)


class Browser:
    """One user's session: its cookies, and the log of its requests."""

    def __init__(self, name: str, host: str, port: int, clock: Clock, log: list[Request]):
        self.name, self.host, self.port, self.clock, self.log = name, host, port, clock, log
        self.cookies: dict[str, str] = {}
        self._lock = threading.Lock()

    def _store_cookies(self, headers: list[str]) -> None:
        for header in headers:
            pair, _, attributes = header.partition(";")
            name, _, value = pair.strip().partition("=")
            gone = "max-age=0" in attributes.lower() or "1970" in attributes
            if not value or gone:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value

    def request(
        self,
        method: str,
        path: str,
        fields: dict | None = None,
        *,
        expect: tuple[int, ...] = (200,),
        location: re.Pattern | None = None,
    ) -> tuple[int | None, str, str, Request]:
        """Send one request (a new connection, as gunicorn's sync workers close each one);
        returns (status, body, Location path, the logged request)."""
        started = self.clock()
        status, body, where, error = None, "", "", None
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            headers = {"Accept-Language": "th", "Connection": "close"}
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            payload = None
            if fields is not None:
                payload = urlencode(fields).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            body = response.read().decode("utf-8", "replace")
            status = response.status
            self._store_cookies(response.msg.get_all("Set-Cookie") or [])
            where = urlsplit(response.getheader("Location") or "").path
        except (OSError, http.client.HTTPException) as exc:
            error = f"{type(exc).__name__}: {exc}"
        finally:
            connection.close()
        ok = status in expect
        if ok and location is not None and not location.fullmatch(where):
            ok, error = False, f"redirected to {where or '(nowhere)'}"
        elif status is not None and not ok:
            error = error or f"HTTP {status}"
        entry = Request(self.name, method, path, started, self.clock(), status, ok, error)
        with self._lock:
            self.log.append(entry)
        return status, body, where, entry


# --- the simulated users -----------------------------------------------------------------


class User(abc.ABC):
    """A simulated user: signs in, then acts until the deadline."""

    #: The kinds of write the user makes, and the order it repeats them in.
    kinds: tuple[str, ...] = ()
    cycle: tuple[str, ...] = ()

    def __init__(self, name: str, email: str, browser: Browser, writes: list, rng: random.Random):
        self.name, self.email, self.browser, self.writes, self.rng = (
            name,
            email,
            browser,
            writes,
            rng,
        )
        self.signed_in = False
        self.lock = threading.Lock()

    def sign_in(self) -> bool:
        status, page, _, _ = self.browser.request("GET", "/sign-in")
        form = find_form(page, "email") if status == 200 else None
        if form is None:
            return False
        fields = form["fields"] | {"email": self.email, "password": PASSWORD}
        status, _, _, _ = self.browser.request(
            "POST", "/sign-in", fields, expect=(302, 303), location=re.compile(r"/(?!sign-in).*")
        )
        self.signed_in = status in (302, 303)
        return self.signed_in

    def form_page(self, path: str, field_name: str, action_suffix: str | None = None):
        """GET a page and return its form with that field, or None (the failure is logged)."""
        status, page, _, entry = self.browser.request("GET", path)
        if status != 200:
            return None
        form = find_form(page, field_name, action_suffix)
        if form is None:
            entry.ok, entry.error = False, f"no form with {field_name} on {path}"
        return form

    def write(
        self,
        kind: str,
        target: str,
        path: str,
        fields: dict,
        marker: str,
        location: str,
        *,
        read_marker: str | None = None,
        stale_refusal: bool = False,
    ):
        """POST one write and log whether it was acknowledged (the success redirect). With
        ``stale_refusal``, a 409 (the form was outdated: someone saved meanwhile) is the
        expected answer to a stale form: logged as refused, neither acknowledged nor failed."""
        record = Write(kind, marker, self.name, target, self.browser.clock(),
                       read_marker=read_marker)  # fmt: skip
        with self.lock:
            self.writes.append(record)
        expect = (302, 303, 409) if stale_refusal else (302, 303)
        status, _, where, entry = self.browser.request("POST", path, fields, expect=expect)
        if entry.ok and status in (302, 303) and not re.fullmatch(location, where):
            entry.ok, entry.error = False, f"redirected to {where or '(nowhere)'}"
        record.ended, record.status = entry.ended, status
        record.refused_stale = entry.ok and status == 409
        record.acknowledged = entry.ok and not record.refused_stale
        record.error = entry.error
        if record.acknowledged:  # as a browser would: follow the redirect, see the message
            self.browser.request("GET", where)
        return record.acknowledged

    @abc.abstractmethod
    def act(self, kind: str) -> None:
        """One write of that kind, with the page before it and the one after (each kind of
        user writes its own)."""

    def step(self, kind: str) -> bool:
        """Sign in when needed, then act; False when it could not get that far."""
        try:
            if not self.signed_in and not self.sign_in():
                time.sleep(0.3)
                return False
            self.act(kind)
        except Exception as exc:  # noqa: BLE001 (a bug in the soak itself: logged, not fatal)
            now = self.browser.clock()
            self.browser.log.append(
                Request(self.name, "-", "(client)", now, now, None, False, repr(exc))
            )
            time.sleep(0.3)
            return False
        return True

    def run(self, deadline: float, stop: threading.Event) -> None:
        """Repeat the cycle of writes until the deadline; then, unless stopped, one more write
        of each kind, so that "acknowledged again after the faults" never rests on chance."""
        turn = self.rng.randrange(len(self.cycle))
        while not stop.is_set() and self.browser.clock() < deadline:
            if self.step(self.cycle[turn % len(self.cycle)]):
                turn += 1
            time.sleep(self.rng.uniform(0.02, 0.15))
        for kind in self.kinds:
            for _attempt in range(3):
                if stop.is_set() or self.step(kind):
                    break


class Staff(User):
    """Adds contacts to organisations and rewrites the notes of organisations that every staff
    user edits too (the same few records), as colleagues in one office do."""

    kinds = ("contact", "notes")
    cycle = ("contact", "contact", "notes")

    def __init__(self, *args, organisations: list[int], notes_organisations: list[int]):
        super().__init__(*args)
        self.organisations, self.notes_organisations = organisations, notes_organisations

    def act(self, kind: str) -> None:
        if kind == "contact":
            self.add_contact()
        else:
            self.edit_notes()

    def add_contact(self) -> None:
        organisation = self.rng.choice(self.organisations)
        path = f"/organisations/{organisation}/contacts/new"
        form = self.form_page(path, "first_name")
        if form is None:
            return
        marker = new_marker()
        fields = form["fields"] | {
            "title": self.rng.choice(["นาย", "นาง", "นางสาว", "ดร."]),
            "first_name": self.rng.choice(["สมชาย", "สุนทร", "วิภาวดี", "กิตติพงษ์", "พรทิพย์"]),
            "last_name": "ทดสอบระบบ",
            "position": "เจ้าหน้าที่ประสานงาน",
            "email": f"{marker}@dgti.example",
            "phone": "02 612 6000",
            "pdpa_basis": "legitimate_interest",
        }
        self.write("contact", f"organisation {organisation}", form["action"] or path, fields,
                   marker, r"/organisations/contacts/\d+")  # fmt: skip

    def edit_notes(self) -> None:
        """Open a shared organisation's form, think a moment (others may save meanwhile),
        then save new notes: acknowledged, or refused as outdated (409)."""
        organisation = self.rng.choice(self.notes_organisations)
        path = f"/organisations/{organisation}/edit"
        form = self.form_page(path, "name_th")
        if form is None:
            return
        seen = MARKER.findall(form["fields"].get("notes", ""))
        time.sleep(self.rng.uniform(0.0, 0.3))
        marker = new_marker()
        fields = form["fields"] | {"notes": f"บันทึกการติดต่อล่าสุด ({marker})"}
        self.write("notes", f"organisation {organisation}", form["action"] or path, fields,
                   marker, rf"/organisations/{organisation}",
                   read_marker=seen[-1] if seen else None, stale_refusal=True)  # fmt: skip


class Representative(User):
    """Endorses proposals for its association, one after another."""

    kinds = ("endorsement",)
    cycle = ("endorsement",)

    def __init__(self, *args, proposals: list[int]):
        super().__init__(*args)
        self.proposals = list(proposals)

    def act(self, kind: str) -> None:
        if not self.proposals:  # nothing left to endorse: read the list instead
            self.browser.request("GET", "/proposals/")
            time.sleep(0.5)
            return
        proposal = self.proposals.pop(0)
        path = f"/proposals/{proposal}/endorse"
        form = self.form_page(path, "statement")
        if form is None:
            return
        marker = new_marker()
        fields = form["fields"] | {
            "statement": f"สมาคมขอสนับสนุนข้อเสนอนี้และพร้อมร่วมดำเนินการ ({marker})"
        }
        self.write("endorsement", f"proposal {proposal}", form["action"] or path, fields,
                   marker, rf"/proposals/{proposal}")  # fmt: skip


class Secretary(User):
    """Records the attendance at its meeting and adds guests."""

    kinds = ("attendance", "guest")
    cycle = ("attendance", "guest")

    def __init__(self, *args, meeting: int):
        super().__init__(*args)
        self.meeting = meeting

    def act(self, kind: str) -> None:
        path = f"/meetings/{self.meeting}/attendance"
        guest = kind == "guest"
        form = self.form_page(path, "name" if guest else "seats-0-kind",
                              "/guests" if guest else None)  # fmt: skip
        if form is None:
            return
        marker = new_marker()
        if guest:
            fields = form["fields"] | {
                "name": f"นางสาวผู้สังเกตการณ์ {marker}",
                "position": "นักวิชาการคอมพิวเตอร์",
                "organisation_name": "สำนักงานพัฒนารัฐบาลดิจิทัล",
            }
            self.write("guest", f"meeting {self.meeting}", form["action"], fields, marker,
                       rf"/meetings/{self.meeting}/attendance")  # fmt: skip
            return
        fields = dict(form["fields"])
        seats = sorted(
            {key.split("-")[1] for key in fields if re.fullmatch(r"seats-\d+-kind", key)}
        )
        absent = self.rng.choice(seats)
        for seat in seats:
            fields[f"seats-{seat}-kind"] = "absent" if seat == absent else "present"
            fields[f"seats-{seat}-absence_reason"] = (
                f"ติดภารกิจราชการ ({marker})" if seat == absent else ""
            )
            fields[f"seats-{seat}-substitute_name"] = ""
            fields[f"seats-{seat}-substitute_position"] = ""
        self.write("attendance", f"meeting {self.meeting}", form["action"] or path, fields,
                   marker, rf"/meetings/{self.meeting}/attendance")  # fmt: skip


# --- setting up: the cluster, the data, gunicorn ------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run(command: list[str], env: dict, label: str) -> None:
    result = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SetupError(f"{label} failed (exit status {result.returncode})")


class SetupError(RuntimeError):
    """The soak could not be set up."""


SUBJECTS = (
    "เตือนภัยน้ำท่วม", "ตรวจวัดฝุ่น PM2.5", "บริการประชาชน", "ข้อมูลเปิดภาครัฐ", "สุขภาพชุมชน",
    "การเกษตรแม่นยำ", "การศึกษาออนไลน์", "จัดการขยะ", "การท่องเที่ยว", "ความปลอดภัยทางถนน",
)  # fmt: skip


def proposal_rows(count: int, names: dict[int, tuple], categories: list[int], rng) -> list[dict]:
    """Proposals open for endorsement (submitted or under screening), for Core inserts, with
    the search text the app would write."""
    from registry.proposals.models import ProposalKind, search_text_of

    rows = []
    for n in range(count):
        owner = rng.choice(sorted(names))
        subject = rng.choice(SUBJECTS)
        title = f"ระบบ{subject}สำหรับหน่วยงานภาครัฐ ชุดที่ {n + 1}"
        summary = f"ข้อเสนอให้พัฒนาระบบ{subject} นำร่องในพื้นที่ {rng.randint(2, 9)} จังหวัด"
        created = datetime(2026, 11, 1, 3, 0) - timedelta(days=rng.uniform(0, 300))
        rows.append(
            {
                "kind": rng.choice(list(ProposalKind)).value,
                "title": title,
                "summary": summary,
                "problem": f"ปัญหา{subject}ที่หน่วยงานภาครัฐพบ",
                "approach": "ใช้เทคโนโลยีดิจิทัลและข้อมูลเปิดภาครัฐ",
                "organisation_id": owner,
                "category_id": rng.choice(categories),
                "status": rng.choice(["submitted", "screening"]),
                "endorsement_count": 0,
                "search_text": search_text_of(title, summary, *names[owner]),
                "created_at": created,
                "updated_at": created,
            }
        )
    return rows


def seed_extra(url: str, folder: Path, options) -> dict:
    """After seed-demo: organisations, proposals open for endorsement, the extra accounts and a
    meeting per secretary; returns the plan the users follow."""
    import sqlalchemy as sa

    from bench import data
    from registry import create_app
    from registry.auth import demo as auth_demo
    from registry.auth import services as accounts
    from registry.auth.models import Role
    from registry.committees import services as committees
    from registry.committees.demo import JOINT_NAME
    from registry.committees.models import Committee, MemberRole, Membership
    from registry.db import db
    from registry.meetings import services as meetings
    from registry.organisations.models import Contact, Organisation, name_key
    from registry.proposals.models import Category, Proposal, StatusChange

    rng = random.Random(options.seed)  # noqa: S311 (made-up data)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "MAIL_FOLDER": str(folder / "mail"),
            "STORAGE_DIR": str(folder / "files"),
            "BACKUP_DIR": str(folder / "backups"),
        }
    )
    with app.app_context():
        demo = list(db.session.scalars(sa.select(Organisation).order_by(Organisation.id)))
        demo_ids = [o.id for o in demo]
        current = [o.id for o in demo if o.active]  # contacts are added to these only
        with db.engine.begin() as connection:
            data.seed(connection, organisations=200, contacts=400, seed=options.seed)
        db.session.rollback()  # a new snapshot (SQLite's would not see the rows just added)
        bulk = [
            row
            for row in db.session.execute(
                sa.select(Organisation.id, Organisation.name_th, Organisation.name_en,
                          Organisation.acronym).where(Organisation.id.not_in(demo_ids))
            )
        ]  # fmt: skip
        names = {row.id: (row.name_th, row.name_en, row.acronym) for row in bulk}
        categories = list(db.session.scalars(sa.select(Category.id)))
        wanted = max(600, int(options.seconds * 12))
        rows = proposal_rows(wanted, names, categories, rng)
        with db.engine.begin() as connection:
            connection.execute(sa.insert(Proposal.__table__), rows)
            opened = connection.execute(
                sa.select(Proposal.id, Proposal.organisation_id, Proposal.created_at).where(
                    Proposal.organisation_id.in_(sorted(names))
                )
            ).all()
            connection.execute(
                sa.insert(StatusChange.__table__),
                [{"proposal_id": p.id, "from_status": None, "to_status": "submitted",
                  "reason": None, "actor_id": None, "at": p.created_at} for p in opened],
            )  # fmt: skip
        proposal_owners = {p.id: p.organisation_id for p in opened}
        db.session.rollback()  # SQLite: a snapshot older than these rows could not write

        # Staff: the demo account and more.
        staff = ["staff@dgti.example"]
        for i in range(1, options.staff):
            email = f"soak.staff{i}@dgti.example"
            accounts.create_user(email=email, full_name=f"นางสาวทดสอบ เจ้าหน้าที่{i}",
                                 role=Role.STAFF, password=PASSWORD, actor=None,
                                 must_change_password=False)  # fmt: skip
            staff.append(email)
        # Representatives: the demo ones (one association each), then more for bulk ones.
        reps = []
        for email, _name, role, _acronym in auth_demo.ACCOUNTS + auth_demo.REPRESENTATIVES:
            if role is Role.REPRESENTATIVE:
                user = accounts.find_user_by_email(email)
                reps.append((email, user.organisation_id))
        for i, organisation_id in enumerate(sorted(names)[: max(0, options.reps - len(reps))]):
            email = f"soak.rep{i + 1}@dgti.example"
            accounts.create_user(email=email, full_name=f"นายทดสอบ ผู้แทน{i + 1}",
                                 role=Role.REPRESENTATIVE, password=PASSWORD, actor=None,
                                 organisation_id=organisation_id,
                                 must_change_password=False)  # fmt: skip
            reps.append((email, organisation_id))
        reps = reps[: options.reps]

        # Secretaries: the demo one, and more as assistant secretaries of the joint committee.
        joint = db.session.scalar(
            sa.select(Committee).where(Committee.name_key == name_key(JOINT_NAME))
        )
        secretaries = ["secretary@dgti.example"]
        seated = set(
            db.session.scalars(
                sa.select(Membership.contact_id).where(Membership.committee_id == joint.id)
            )
        )
        free = [
            c
            for c in db.session.scalars(
                sa.select(Contact.id)
                .where(Contact.organisation_id.in_(demo_ids), Contact.active,
                       Contact.erased_at.is_(None))
                .order_by(Contact.id)
            )
            if c not in seated
        ]  # fmt: skip
        for i in range(1, options.secretaries):
            email = f"soak.secretary{i}@dgti.example"
            user = accounts.create_user(email=email, full_name=f"นายทดสอบ เลขานุการ{i}",
                                        role=Role.SECRETARY, password=PASSWORD, actor=None,
                                        must_change_password=False)  # fmt: skip
            committees.appoint(
                joint, actor=None, contact_id=free[i - 1], role=MemberRole.ASSISTANT_SECRETARY,
                term_start=max(joint.established_on, date.today() - timedelta(days=30)),
                user_id=user.id,
            )  # fmt: skip
            secretaries.append(email)
        meeting_ids = []
        for i, _email in enumerate(secretaries):
            meeting = meetings.schedule_meeting(
                joint, actor=None, held_on=date.today() + timedelta(days=20 + i),
                starts_at=clock_time(9, 30), ends_at=clock_time(12, 0),
                venue="ห้องประชุม 2 ชั้น 17 อาคารสำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน)",
            )  # fmt: skip
            meeting_ids.append(meeting.id)

        plan = {"staff": [], "reps": [], "secretaries": []}
        # Every staff user rewrites the notes of the same two organisations.
        shared = rng.sample(current, min(2, len(current)))
        for email in staff:
            plan["staff"].append(
                {"email": email, "organisations": current, "notes_organisations": shared}
            )
        for email, organisation_id in reps:
            mine = sorted(p for p, owner in proposal_owners.items() if owner != organisation_id)
            rng.shuffle(mine)
            plan["reps"].append({"email": email, "organisation_id": organisation_id,
                                 "proposals": mine})  # fmt: skip
        for email, meeting_id in zip(secretaries, meeting_ids, strict=True):
            plan["secretaries"].append({"email": email, "meeting": meeting_id})
        db.session.remove()
        db.engine.dispose()
    return plan


def gunicorn_workers(master: int) -> list[int]:
    """The pids of the gunicorn master's children (its workers)."""
    try:
        text = Path(f"/proc/{master}/task/{master}/children").read_text()
        return [int(pid) for pid in text.split()]
    except OSError:
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                children.append(int(stat.parent.name))
        return children


def wait_for(host: str, port: int, path: str, seconds: float) -> bool:
    """Whether the server answers 200 on the path within the time."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            connection = http.client.HTTPConnection(host, port, timeout=5)
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            connection.close()
            if response.status == 200:
                return True
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.3)
    return False


def health_status(host: str, port: int) -> tuple[str, int | None]:
    """GET /health (the sign-in page where the app has no /health): (path, status)."""
    for path in ("/health", "/sign-in"):
        try:
            connection = http.client.HTTPConnection(host, port, timeout=10)
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            connection.close()
        except (OSError, http.client.HTTPException):
            return path, None
        if response.status != 404:
            return path, response.status
    return "/sign-in", 404


# --- the check on the database ------------------------------------------------------------


def _last_marker(value) -> str | None:
    markers = MARKER.findall(value) if isinstance(value, str) else []
    return markers[-1] if markers else None


def found_in_database(
    url: str,
) -> tuple[dict[str, Counter], dict[str, str | None], list[tuple[str | None, str]]]:
    """For each kind of write, marker -> how many times the database holds it; the marker
    each organisation's notes carry now ("organisation N" -> marker); and every change of
    notes, in the audit log's order, as (marker before, marker after)."""
    import sqlalchemy as sa

    from registry.config import database_url

    engine = sa.create_engine(database_url(url, PROJECT_ROOT / "instance"))
    found = {kind: Counter() for kind in WRITE_KINDS}
    final: dict[str, str | None] = {}
    notes_changes: list[tuple[str | None, str]] = []
    like = "%soak-%"
    with engine.connect() as connection:
        for (email,) in connection.execute(
            sa.text("SELECT email FROM contacts WHERE email LIKE :like"), {"like": like}
        ):
            found["contact"].update(MARKER.findall(email))
        for (statement,) in connection.execute(
            sa.text("SELECT statement FROM proposal_endorsements WHERE statement LIKE :like"),
            {"like": like},
        ):
            found["endorsement"].update(MARKER.findall(statement))
        for (name,) in connection.execute(
            sa.text("SELECT name FROM meeting_attendance WHERE name LIKE :like"), {"like": like}
        ):
            found["guest"].update(MARKER.findall(name))
        # Changes in place: the audit event written in the same transaction, by its new value.
        for _action, record_type, changes in connection.execute(
            sa.text(
                "SELECT action, record_type, CAST(changes AS TEXT) FROM audit_events "
                "WHERE CAST(changes AS TEXT) LIKE :like ORDER BY id"
            ),
            {"like": like},
        ):
            kind = {"organisations": "notes", "meeting_attendance": "attendance"}.get(record_type)
            if kind is None:
                continue
            fields = json.loads(changes)
            for pair in fields.values():
                if isinstance(pair, list) and len(pair) == 2 and isinstance(pair[1], str):
                    found[kind].update(MARKER.findall(pair[1]))
            notes = fields.get("notes")
            if kind == "notes" and isinstance(notes, list) and len(notes) == 2:
                after = _last_marker(notes[1])
                if after is not None:
                    notes_changes.append((_last_marker(notes[0]), after))
        for ident, notes in connection.execute(
            sa.text("SELECT id, notes FROM organisations WHERE notes LIKE :like"), {"like": like}
        ):
            final[f"organisation {ident}"] = _last_marker(notes or "")
    engine.dispose()
    return found, final, notes_changes


# --- the run ------------------------------------------------------------------------------


class Soak:
    """One soak run; ``cleanup`` stops whatever was started."""

    def __init__(self, options, database: str = "postgresql"):
        self.options = options
        #: "sqlite" or "postgresql".
        self.database = database
        self.folder = Path(tempfile.mkdtemp(prefix="registry-soak-"))
        self.pgdir: str | None = None
        self.gunicorn: subprocess.Popen | None = None
        self.gunicorn_log = None

    def cleanup(self) -> None:
        if self.gunicorn is not None and self.gunicorn.poll() is None:
            self.gunicorn.send_signal(signal.SIGTERM)
            try:
                self.gunicorn.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.gunicorn.kill()
                self.gunicorn.wait(timeout=10)
        self.gunicorn = None
        if self.gunicorn_log is not None:
            self.gunicorn_log.close()
            self.gunicorn_log = None
        if self.pgdir:
            subprocess.run([str(CLUSTER), "stop", self.pgdir], cwd=PROJECT_ROOT, check=False)
            self.pgdir = None
        subprocess.run(["rm", "-rf", str(self.folder)], check=False)

    def log(self, message: str) -> None:
        print(f"soak: {message}", file=sys.stderr, flush=True)

    def start_database(self) -> str:
        """The database the run uses: a SQLite file in the run's folder (the embedded
        default), or a throwaway PostgreSQL cluster."""
        options = self.options
        if self.database == "sqlite":
            url = f"sqlite:///{self.folder / 'soak.sqlite3'}"
            self.log(f"SQLite at {url}")
            return url
        self.pgdir = tempfile.mkdtemp(prefix="registry-soak-pg-")
        started = subprocess.run(
            [str(CLUSTER), "start", self.pgdir, str(options.pg_port)],
            cwd=PROJECT_ROOT, capture_output=True, text=True,
        )  # fmt: skip
        if started.returncode != 0 or not started.stdout.strip():
            sys.stderr.write(started.stderr)
            raise SetupError(f"could not start PostgreSQL on port {options.pg_port}")
        url = started.stdout.strip().splitlines()[-1]
        self.log(f"PostgreSQL at {url}")
        return url

    def setup(self) -> tuple[str, int, dict]:
        options = self.options
        url = self.start_database()
        env = os.environ | {
            "DATABASE_URL": url,
            "SECRET_KEY": uuid.uuid4().hex,
            "REGISTRY_ENV": "production",
            "PUBLIC_BASE_URL": "http://127.0.0.1",  # printed links; the host it serves
            "SESSION_COOKIE_SECURE": "0",  # plain HTTP on loopback
            "MAIL_FOLDER": str(self.folder / "mail"),
            "STORAGE_DIR": str(self.folder / "files"),
            "BACKUP_DIR": str(self.folder / "backups"),
        }
        flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
        _run([*flask, "db", "upgrade"], env, "flask db upgrade")
        _run([*flask, "registry", "seed-demo"], env, "flask registry seed-demo")
        self.log("demo data loaded; adding the soak's organisations, proposals and accounts")
        plan = seed_extra(url, self.folder, options)
        port = _free_port()
        self.gunicorn_log = (self.folder / "gunicorn.log").open("w")
        self.gunicorn = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--workers",
             str(options.workers), "--bind", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=PROJECT_ROOT, env=env, stdout=self.gunicorn_log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        if not wait_for("127.0.0.1", port, "/sign-in", 60):
            raise SetupError("gunicorn did not answer within 60 s")
        end = time.monotonic() + 30  # every worker up (each warms the PDF renderer first)
        while len(gunicorn_workers(self.gunicorn.pid)) < options.workers:
            if time.monotonic() > end:
                raise SetupError("gunicorn did not start all its workers")
            time.sleep(0.2)
        self.log(f"gunicorn (pid {self.gunicorn.pid}) on 127.0.0.1:{port}, "
                 f"{options.workers} workers")  # fmt: skip
        return url, port, plan

    def users(self, port: int, plan: dict, clock: Clock, requests: list, writes: list):
        rng = random.Random(self.options.seed)  # noqa: S311
        users: list[User] = []

        def browser(name):
            return Browser(name, "127.0.0.1", port, clock, requests)

        def make(cls, name, email, **extra):
            seed = rng.random()
            return cls(name, email, browser(name), writes, random.Random(seed), **extra)  # noqa: S311

        for i, entry in enumerate(plan["staff"]):
            users.append(make(Staff, f"staff{i + 1}", entry["email"],
                              organisations=entry["organisations"],
                              notes_organisations=entry["notes_organisations"]))  # fmt: skip
        for i, entry in enumerate(plan["reps"]):
            users.append(make(Representative, f"rep{i + 1}", entry["email"],
                              proposals=entry["proposals"]))  # fmt: skip
        for i, entry in enumerate(plan["secretaries"]):
            users.append(make(Secretary, f"secretary{i + 1}", entry["email"],
                              meeting=entry["meeting"]))  # fmt: skip
        return users

    def run(self) -> int:
        options = self.options
        url, port, plan = self.setup()
        clock = Clock()
        requests: list[Request] = []
        writes: list[Write] = []
        users = self.users(port, plan, clock, requests, writes)
        stop = threading.Event()
        seconds = options.seconds
        threads = [
            threading.Thread(target=user.run, args=(seconds, stop), name=user.name, daemon=True)
            for user in users
        ]
        restart = self.database == "postgresql"
        planned = f"worker kill at {seconds / 3:.0f} s"
        if restart:
            planned += f", PostgreSQL restart at {2 * seconds / 3:.0f} s"
        self.log(f"{len(users)} users for {seconds:g} s on {self.database}: {planned}")
        for thread in threads:
            thread.start()
        faults: list[Fault] = []
        try:
            time.sleep(max(0.0, seconds / 3 - clock()))
            workers = gunicorn_workers(self.gunicorn.pid)
            victim = workers[0]
            at = clock()
            os.kill(victim, signal.SIGKILL)
            faults.append(Fault("worker killed", at, at, f"SIGKILL to worker {victim}"))
            self.log(f"{at:.1f} s: SIGKILL to gunicorn worker {victim}")
            if restart:  # the embedded SQLite file has no server to restart
                time.sleep(max(0.0, 2 * seconds / 3 - clock()))
                at = clock()
                restarted = subprocess.run(
                    [str(CLUSTER), "restart", self.pgdir], cwd=PROJECT_ROOT,
                    capture_output=True, text=True,
                )  # fmt: skip
                done = clock()
                if restarted.returncode != 0:
                    sys.stderr.write(restarted.stderr)
                    raise SetupError("PostgreSQL did not restart")
                faults.append(Fault("database restarted", at, done, "pg_ctl restart -m fast"))
                self.log(f"{at:.1f}-{done:.1f} s: PostgreSQL restarted")
            for thread in threads:
                thread.join(timeout=max(0.0, seconds - clock()) + 180)
        finally:
            stop.set()
        self.log(f"{clock():.1f} s: users stopped; checking")
        end = time.monotonic() + 30  # the killed worker replaced
        while len(gunicorn_workers(self.gunicorn.pid)) < options.workers:
            if time.monotonic() > end:
                break
            time.sleep(0.2)
        worker_count = len(gunicorn_workers(self.gunicorn.pid))
        health_path, health = health_status("127.0.0.1", port)
        found, final, notes_changes = found_in_database(url)
        kinds = tuple(kind for user in users for kind in user.kinds)
        kinds = tuple(dict.fromkeys(kinds))
        figures = report(
            requests, writes, faults, found, final, options.window, kinds, notes_changes
        )
        figures["seconds"] = seconds
        figures["database"] = self.database
        figures["users"] = {
            "staff": len(plan["staff"]),
            "representatives": len(plan["reps"]),
            "secretaries": len(plan["secretaries"]),
        }
        figures["workers"] = {"configured": options.workers, "alive_after": worker_count}
        figures["health"] = {"path": health_path, "status": health}
        if worker_count < options.workers:
            figures["recovery_problems"].append(
                f"gunicorn has {worker_count} of {options.workers} workers after the run"
            )
        if health != 200:
            figures["recovery_problems"].append(f"GET {health_path} answered {health}")
        figures["recovered"] = not figures["recovery_problems"]
        figures["reasons"] = verdict(figures)
        figures["passed"] = not figures["reasons"]
        figures["finished_at"] = datetime.now().astimezone().isoformat(timespec="seconds")
        print_figures(figures)
        results = RESULTS.with_name(f"soak-{self.database}.json")
        results.parent.mkdir(parents=True, exist_ok=True)
        results.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n")
        print(f"\nsaved in {results.relative_to(PROJECT_ROOT)}")
        log = (self.folder / "gunicorn.log").read_text(errors="replace")
        log_file = results.with_name(f"soak-{self.database}-gunicorn.log")
        log_file.write_text(log)
        if not figures["passed"]:
            print("\n--- the end of gunicorn's log ---\n" + log[-4000:], file=sys.stderr)
        print(f"gunicorn's log in {log_file.relative_to(PROJECT_ROOT)}")
        return 0 if figures["passed"] else 1


def latency(requests: list[Request]) -> dict:
    """Per kind of request (method and path, ids as <id>): count, median and 95th percentile
    of the successful ones, in milliseconds."""
    groups: dict[str, list[float]] = {}
    for request in requests:
        if request.ok:
            key = request.method + " " + IDS.sub("/<id>", request.path)
            groups.setdefault(key, []).append((request.ended - request.started) * 1000)
    summary = {}
    for key, values in sorted(groups.items()):
        values.sort()
        summary[key] = {
            "count": len(values),
            "p50": round(values[len(values) // 2], 1),
            "p95": round(values[min(len(values) - 1, int(len(values) * 0.95))], 1),
        }
    return summary


def report(requests, writes, faults, found, final, margin, kinds, notes_changes=()) -> dict:
    """The figures of a run, from its logs and what the database holds (``notes_changes``:
    the notes' changes in the audit log's order, as (marker before, marker after))."""
    failures = classify_failures(requests, faults, margin)
    by_kind = {}
    lost, duplicates, unacked_present, unacked_absent, unexpected = [], [], [], [], []
    for kind in WRITE_KINDS:
        mine = [w for w in writes if w.kind == kind]
        if not mine and not found[kind]:
            continue
        matched = match_writes(mine, found[kind])
        lost += matched["lost"]
        duplicates += matched["duplicates"]
        unacked_present += matched["unacknowledged_present"]
        unacked_absent += matched["unacknowledged_absent"]
        unexpected += matched["unexpected"]
        by_kind[kind] = {
            "sent": matched["sent"],
            "acknowledged": matched["acknowledged"],
            "found": matched["found"],
            "lost": len(matched["lost"]),
            "duplicates": len(matched["duplicates"]),
            "unacknowledged": matched["unacknowledged"],
            "unacknowledged_present": len(matched["unacknowledged_present"]),
        }
    notes_writes = [w for w in writes if w.kind == "notes"]
    order = {after: index for index, (_before, after) in enumerate(notes_changes)}
    stale = stale_final_values(notes_writes, final, order)
    overwritten = overwritten_changes(notes_writes, list(notes_changes))
    refused_but_saved = [
        w for w in writes if w.refused_stale and found.get(w.kind, {}).get(w.marker, 0)
    ]
    in_windows = failures["in_windows"]
    elsewhere = failures["elsewhere"]
    problems = recovery(requests, writes, faults, margin, kinds)
    return {
        "requests": len(requests),
        "errors": sum(len(v) for v in in_windows.values()) + len(elsewhere),
        "errors_in_fault_windows": sum(len(v) for v in in_windows.values()),
        "errors_by_fault": {name: len(v) for name, v in in_windows.items()},
        "errors_elsewhere": len(elsewhere),
        "errors_by_answer": dict(
            Counter(
                str(r.status) if r.status else (r.error or "").split(":")[0]
                for r in requests
                if not r.ok
            )
        ),
        "fault_window_seconds": margin,
        "faults": [asdict(f) for f in faults],
        "writes_sent": len(writes),
        "writes_acknowledged": sum(1 for w in writes if w.acknowledged),
        "writes_found": sum(v["found"] for v in by_kind.values()),
        "duplicates": len(duplicates),
        "lost": len(lost),
        "stale_final_values": len(stale),
        "overwritten": len(overwritten),
        "refused_stale": sum(1 for w in writes if w.refused_stale),
        "refused_but_saved": len(refused_but_saved),
        "unacknowledged": sum(1 for w in writes if not w.acknowledged),
        "unacknowledged_present": len(unacked_present),
        "unacknowledged_absent": len(unacked_absent),
        "unexpected_markers": unexpected,
        "by_kind": by_kind,
        "recovery_problems": problems,
        "latency_ms": latency(requests),
        "details": {
            "failures_elsewhere": [asdict(r) for r in elsewhere[:50]],
            "failures_in_fault_windows": [asdict(r) for v in in_windows.values() for r in v][:100],
            "lost": [asdict(w) for w in lost[:50]],
            "duplicates": [asdict(w) for w in duplicates[:50]],
            "stale_final_values": stale,
            "overwritten": [asdict(w) for w in overwritten[:50]],
            "unacknowledged": [
                asdict(w) | {"present": w in unacked_present}
                for w in unacked_present + unacked_absent
            ][:100],
        },
    }


def print_figures(figures: dict) -> None:
    """The figures as a short table."""
    print(f"\nSoak on {figures.get('database', 'postgresql')}: {figures['seconds']:g} s, "
          f"users {figures['users']}, "
          f"{figures['workers']['configured']} gunicorn workers")  # fmt: skip
    for fault in figures["faults"]:
        print(f"  fault {fault['name']:<20} at {fault['started']:7.2f}-{fault['ended']:.2f} s "
              f"({fault['detail']})")  # fmt: skip
    rows = [
        ("requests", figures["requests"]),
        ("errors", figures["errors"]),
        (f"  in the fault windows (±{figures['fault_window_seconds']:g} s)",
         figures["errors_in_fault_windows"]),
        *((f"    {name}", n) for name, n in figures["errors_by_fault"].items()),
        ("  elsewhere", figures["errors_elsewhere"]),
        *((f"  answered {answer}", n) for answer, n in sorted(figures["errors_by_answer"].items())),
        ("writes sent", figures["writes_sent"]),
        ("writes acknowledged", figures["writes_acknowledged"]),
        ("writes found (acknowledged, in the database)", figures["writes_found"]),
        ("duplicates", figures["duplicates"]),
        ("lost", figures["lost"]),
        ("records that lost an acknowledged change", figures["stale_final_values"]),
        ("changes saved over a value their form never showed", figures["overwritten"]),
        ("saves refused as made from an outdated form (409)", figures["refused_stale"]),
        ("unacknowledged writes", figures["unacknowledged"]),
        ("  of which in the database anyway", figures["unacknowledged_present"]),
    ]  # fmt: skip
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"  {label:<{width}}  {value:>7}")
    print("  latency of the successful requests (ms):")
    for key, numbers in figures["latency_ms"].items():
        print(
            f"    {key:<44} n {numbers['count']:>5}  "
            f"p50 {numbers['p50']:>7}  p95 {numbers['p95']:>7}"
        )
    print("  writes by kind:")
    for kind, numbers in figures["by_kind"].items():
        print(f"    {kind:<12} " + ", ".join(f"{k} {v}" for k, v in numbers.items()))
    for write in figures["details"]["unacknowledged"][:20]:
        print(
            f"  unacknowledged {write['kind']} {write['marker']} ({write['target']}, sent at "
            f"{write['sent']:.2f} s, {write['error']}): "
            + ("in the database" if write["present"] else "not in the database")
        )
    for failure in figures["details"]["failures_elsewhere"][:10]:
        print(
            f"  FAILED away from the faults: {failure['started']:.2f}-{failure['ended']:.2f} s "
            f"{failure['user']} {failure['method']} {failure['path']}: {failure['error']}"
        )
    print(f"  health: GET {figures['health']['path']} -> {figures['health']['status']}; "
          f"workers alive after: {figures['workers']['alive_after']}")  # fmt: skip
    if figures["passed"]:
        print("\nPASS: every acknowledged write is in the database exactly once; failures only "
              "at the faults; the app recovered by itself.")  # fmt: skip
    else:
        print("\nFAIL: " + "; ".join(figures["reasons"]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float,
                        default=float(os.environ.get("SOAK_SECONDS", "90")))  # fmt: skip
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--staff", type=int, default=4)
    parser.add_argument("--reps", type=int, default=8)
    parser.add_argument("--secretaries", type=int, default=2)
    parser.add_argument(
        "--window",
        type=float,
        default=2.0,
        help="seconds either side of a fault in which a failure is expected",
    )
    parser.add_argument("--pg-port", type=int,
                        default=int(os.environ.get("SOAK_PG_PORT", "55438")))  # fmt: skip
    parser.add_argument("--seed", type=int, default=2569)
    parser.add_argument(
        "--database",
        choices=("both", "sqlite", "postgresql"),
        default=os.environ.get("SOAK_DATABASE", "both"),
        help="the embedded SQLite file, a throwaway PostgreSQL cluster, or one after the other",
    )
    options = parser.parse_args(argv)
    if options.seconds < 15:
        parser.error("--seconds: at least 15")
    databases = ("sqlite", "postgresql") if options.database == "both" else (options.database,)

    def terminate(signum, _frame):
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, terminate)
    worst = 0
    try:
        for database in databases:
            soak = Soak(options, database)
            try:
                worst = max(worst, soak.run())
            except SetupError as error:
                print(f"soak ({database}): {error}", file=sys.stderr)
                worst = max(worst, 2)
            finally:
                soak.cleanup()
        return worst
    except KeyboardInterrupt:
        print("soak: interrupted", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
