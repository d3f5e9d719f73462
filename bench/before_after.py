"""What a fresh page costs in two versions of the code, measured at the same time.

    git worktree add /tmp/h22-before b43b203       # the older version, beside this one
    cd /tmp/h22-before && export PYTHONPATH=. DATABASE_URL=sqlite:////tmp/h22-before.sqlite3
    /work/main/.venv/bin/flask --app wsgi db upgrade        # its own migrations, its own seeder:
    /work/main/.venv/bin/flask --app wsgi registry seed-bench --scale 0.1 --today 2026-12-08
    cd /work/main && cp /tmp/bench.sqlite3 /tmp/h22-after.sqlite3    # bench.seed, same day
    .venv/bin/python -m bench.before_after --before /tmp/h22-before \\
        --before-url sqlite:////tmp/h22-before.sqlite3 \\
        --after-url sqlite:////tmp/h22-after.sqlite3 \\
        [--after .] [--records 21] [--batch 2] [--kinds "organisation page,search"]

Two runs of the same code on a shared machine differ by up to half, so the versions are
compared in one run: two long-lived worker processes (``bench/page_worker.py``), each
started in its own checkout and importing that checkout's ``registry`` (with the whole-page
cache off), signed in as the benchmark's staff member, representative and secretary (the
public pages asked by a new anonymous visitor each time), are
fed the same requests in alternation: a few pages to one, the same pages to the other, the
one that goes first swapped at every turn, the kinds of page interleaved over the whole run.
The pages are those of ``bench.page_cost`` (each request another record, list page, filter
or search word), planned from the ``--after-url`` register; both registers must hold the
same records (``bench.seed`` and the older ``flask registry seed-bench`` make the same rows
from the same scale, seed and day), which is checked first.

It prints, per kind of page, the median CPU milliseconds (``time.process_time`` in each
worker around its test client's call) before and after, the ratio of the two medians
(before ÷ after: 2 is twice as cheap now) and the median of each page's own ratio (the same
address asked of both in the same turn), with the bare endpoint ``/health`` of each and a
last row over all pages; the statement count and page size beside them.
The same checkout on both sides (``--before . --before-url <a copy of the register>``) shows
the method's own noise: on the shared 2-core machine, the ratios of the same code came out
0.97–1.10 per kind with 40 pages a kind on a quiet machine (0.8–1.25 with 20 under heavy
load), about 1.0 over all pages. Timings are reported, never
asserted; exit status 1 when a page does not answer 200, 2 when the registers differ.

``--asked-twice`` measures the same page asked twice by the same reader instead: each page is
asked once untimed and then again, timed, and the older version keeps whole pages if it had
a page cache on by default (as it answered in production); the newer builds the page again.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import statistics
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from bench.dataset.seed import BENCH_PASSWORD
from bench.page_cost import ROLES, plan
from registry import create_app
from registry.config import PROJECT_ROOT
from registry.db import db

#: The two versions, in the order of the table's columns.
SIDES = ("before", "after")

#: The bare endpoint, measured as a kind of its own.
BARE = "bare endpoint /health"

#: The last row: every page of every kind (not the bare endpoint).
ALL = "all pages"

#: Tables whose rows both registers must hold alike (the columns both versions have).
SAME_TABLES = (
    "organisations", "contacts", "agreements", "agreement_parties", "agreement_clauses",
    "committees", "committee_memberships", "meetings", "agenda_items", "meeting_attendance",
    "proposals", "proposal_endorsements", "proposal_status_changes",
)  # fmt: skip

#: The worker's source: run by path, so that nothing of this checkout's ``bench`` or
#: ``registry`` is on the worker's path.
WORKER = Path(__file__).with_name("page_worker.py")

#: Accounts by reader role.
ACCOUNTS = {role: f"bench.{short}@dgti.example" for role, short in ROLES}


@dataclass(frozen=True)
class Turn:
    """A few pages of one kind, asked of both versions, ``first`` going first."""

    kind: str
    role: str
    urls: tuple[str, ...]
    first: str


def turns(pages: dict[str, tuple[str, list[str]]], batch: int) -> list[Turn]:
    """The run's turns: each kind's pages cut into groups of ``batch``, the kinds taken in
    rotation (one group of each kind, then the next group of each ...), so that every kind
    is spread over the whole run; the version that goes first swaps at each turn of a kind
    and from one kind to the next."""
    if batch < 1:
        raise ValueError("a turn holds at least one page")
    groups = {
        kind: [tuple(urls[i : i + batch]) for i in range(0, len(urls), batch)]
        for kind, (_role, urls) in pages.items()
    }
    planned: list[Turn] = []
    for index in range(max((len(g) for g in groups.values()), default=0)):
        for position, (kind, kind_groups) in enumerate(groups.items()):
            if index < len(kind_groups):
                first = SIDES[(index + position) % 2]
                planned.append(Turn(kind, pages[kind][0], kind_groups[index], first))
    return planned


def order(turn: Turn) -> tuple[str, str]:
    """The two versions in the order this turn asks them."""
    return (turn.first, SIDES[1 - SIDES.index(turn.first)])


@dataclass
class Tally:
    """Per kind and version, each page's CPU ms, statements and size; the failures; every
    page in the order asked (version, kind, address)."""

    cpu: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    sql: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    size: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    asked: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, kind: str, side: str, results: Iterable[dict]) -> None:
        """Count one version's answers to one turn, in the order they were asked."""
        for result in results:
            key = (kind, side)
            self.asked.append((side, kind, result["url"]))
            self.cpu.setdefault(key, []).append(result["cpu_ms"])
            self.sql.setdefault(key, []).append(result["sql"])
            self.size.setdefault(key, []).append(result["bytes"])
            if result["status"] != 200:
                error = f" ({result['error']})" if result.get("error") else ""
                self.failures.append(f"{side} {kind} {result['url']}: {result['status']}{error}")


@dataclass(frozen=True)
class Row:
    """One line of the table."""

    kind: str
    pages: int
    before_ms: float
    after_ms: float
    ratio: float
    paired: float
    before_sql: float
    after_sql: float
    before_kb: float
    after_kb: float


def _ratio(before: float, after: float) -> float:
    return before / after if after else float("inf")


def rows(tally: Tally, kinds: Iterable[str], overall: str = "") -> list[Row]:
    """Per kind measured in both versions: medians of CPU, statements and size, the ratio
    of the CPU medians, before ÷ after (2 = twice as cheap now), and the median of each
    page's own ratio (the same address asked of both, in the same turn). With ``overall``,
    a last row of that name over every page of the kinds but the bare endpoint."""
    made = []
    pooled: dict[str, list] = {"cpu before": [], "cpu after": [], "sql before": [],
                               "sql after": [], "size before": [], "size after": []}  # fmt: skip
    for kind in kinds:
        before, after = tally.cpu.get((kind, "before")), tally.cpu.get((kind, "after"))
        if not before or not after:
            continue
        values = {
            f"{what} {side}": store[(kind, side)]
            for what, store in (("cpu", tally.cpu), ("sql", tally.sql), ("size", tally.size))
            for side in SIDES
        }
        made.append(_row(kind, values))
        if kind != BARE:
            for name, listed in values.items():
                pooled[name].extend(listed)
    if overall and pooled["cpu before"] and pooled["cpu after"]:
        made.append(_row(overall, pooled))
    return made


def _row(kind: str, values: dict[str, list]) -> Row:
    before, after = values["cpu before"], values["cpu after"]
    b, a = statistics.median(before), statistics.median(after)
    return Row(
        kind,
        min(len(before), len(after)),
        b,
        a,
        _ratio(b, a),
        statistics.median(_ratio(x, y) for x, y in zip(before, after)),  # noqa: B905
        statistics.median(values["sql before"]),
        statistics.median(values["sql after"]),
        statistics.median(values["size before"]) / 1024,
        statistics.median(values["size after"]) / 1024,
    )


def table(made: list[Row]) -> str:
    """The rows as a Markdown table."""
    lines = [
        "| page | pages | CPU ms before | CPU ms after | before ÷ after | per page "
        "| SQL before / after | kB before / after |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in made:
        lines.append(
            f"| {row.kind} | {row.pages} | {row.before_ms:.1f} | {row.after_ms:.1f} "
            f"| {row.ratio:.2f} | {row.paired:.2f} | {row.before_sql:g} / {row.after_sql:g} "
            f"| {row.before_kb:.0f} / {row.after_kb:.0f} |"
        )
    return "\n".join(lines)


def _rows_of(connection: sa.Connection, name: str, columns: list[str]) -> list[tuple]:
    query = sa.text(f"SELECT {', '.join(columns)} FROM {name} ORDER BY {', '.join(columns)}")  # noqa: S608 (names from the schema)
    return [tuple(row) for row in connection.execute(query)]


def differences(before_url: str, after_url: str, tables: Iterable[str] = SAME_TABLES) -> list[str]:
    """Where the two registers do not hold the same records: per table, the columns both
    have compared row by row (empty: the same)."""
    engines = [sa.create_engine(before_url), sa.create_engine(after_url)]
    found: list[str] = []
    try:
        with engines[0].connect() as old, engines[1].connect() as new:
            old_tables = set(sa.inspect(old).get_table_names())
            new_tables = set(sa.inspect(new).get_table_names())
            for name in tables:
                if name not in old_tables or name not in new_tables:
                    found.append(f"{name}: not in both registers")
                    continue
                old_columns = [c["name"] for c in sa.inspect(old).get_columns(name)]
                new_columns = {c["name"] for c in sa.inspect(new).get_columns(name)}
                common = [c for c in old_columns if c in new_columns]
                mine, theirs = _rows_of(old, name, common), _rows_of(new, name, common)
                if mine != theirs:
                    found.append(f"{name}: {len(mine)} rows before, {len(theirs)} after, differ")
    finally:
        for engine in engines:
            engine.dispose()
    return found


class Worker:
    """A page worker process in one checkout, spoken to in JSON lines."""

    def __init__(self, checkout: Path, database_url: str, *, keep_pages: bool = False) -> None:
        environment = {**os.environ, "PYTHONPATH": str(checkout), "PYTHONHASHSEED": "0"}
        environment.pop("DATABASE_URL", None)
        start = (
            "import runpy, sys; sys.argv = sys.argv[1:]; "
            "runpy.run_path(sys.argv[0], run_name='__main__')"
        )
        self.process = subprocess.Popen(  # noqa: S603 (our own interpreter and file)
            [sys.executable, "-c", start, str(WORKER), database_url]
            + (["keep-pages"] if keep_pages else []),
            cwd=checkout,
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self.hello = self._read()

    def _read(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the worker stopped (exit status {self.process.wait()})")
        return json.loads(line)

    def ask(self, op: str, **values) -> dict:
        """Send one command; its answer."""
        self.process.stdin.write(json.dumps({"op": op, **values}) + "\n")
        self.process.stdin.flush()
        answer = self._read()
        if "error" in answer:
            raise RuntimeError(answer["error"])
        return answer

    def get(self, role: str, urls: Iterable[str], *, twice: bool = False) -> list[dict]:
        """Each of ``urls`` asked by ``role``, timed in the worker; with ``twice``, each
        asked once untimed and then again, the second timed."""
        requests = [[role, url] for url in urls]
        return self.ask("get", requests=requests, twice=twice)["results"]

    def close(self) -> None:
        """Stop the process."""
        if self.process.poll() is None:
            with contextlib.suppress(OSError, RuntimeError):
                self.ask("quit")
        with contextlib.suppress(OSError):  # a worker that stopped: its pipe is broken
            self.process.stdin.close()
        self.process.wait(timeout=30)
        self.process.stdout.close()


def measure(
    workers: dict[str, Worker],
    pages: dict[str, tuple[str, list[str]]],
    batch: int,
    bare: int,
    *,
    twice: bool = False,
) -> Tally:
    """Warm both versions up on each kind's first page, then ask them the rest in
    alternating turns, and the bare endpoint ``bare`` times each, in alternation too;
    with ``twice``, each page of the turns asked again and the second answer timed."""
    tally = Tally()
    for worker in workers.values():
        worker.ask("sign_in", accounts=ACCOUNTS, password=BENCH_PASSWORD)
        for role, urls in pages.values():
            worker.get(role, urls[:1])
        worker.get("staff", ["/health"] * 5)
        worker.ask("freeze")
    rest = {kind: (role, urls[1:] or urls) for kind, (role, urls) in pages.items()}
    health = {BARE: ("staff", ["/health"] * bare)}
    for turn in _all_turns(health, rest, batch):
        for side in order(turn):
            again = twice and turn.kind != BARE
            tally.add(turn.kind, side, workers[side].get(turn.role, turn.urls, twice=again))
    return tally


def _all_turns(health, rest, batch) -> Iterator[Turn]:
    """The bare endpoint's turns spread among the pages' (one every few turns)."""
    page_turns = turns(rest, batch)
    health_turns = turns(health, batch)
    every = max(1, len(page_turns) // max(1, len(health_turns)))
    for index, turn in enumerate(page_turns):
        if index % every == 0 and health_turns:
            yield health_turns.pop(0)
        yield turn
    yield from health_turns


def kinds(value: str) -> list[str]:
    """The kinds of page named in ``--kinds``: separated by semicolons or commas, a comma
    followed by a space being part of a name ("home, staff,search" is two kinds)."""
    return [kind.strip() for kind in re.split(r";|,(?! )", value) if kind.strip()]


def _commit(checkout: Path) -> str:
    try:
        head = subprocess.run(  # noqa: S603
            ["git", "-C", str(checkout), "rev-parse", "--short", "HEAD"],  # noqa: S607
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        dirty = subprocess.run(  # noqa: S603
            ["git", "-C", str(checkout), "status", "--porcelain", "--untracked-files=no"],  # noqa: S607
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" with uncommitted changes" if dirty else "")


def main(argv: list[str] | None = None) -> int:
    """Plan, check the registers, measure both versions alternating, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True, type=Path, help="the older checkout")
    parser.add_argument("--before-url", required=True, help="its seeded register")
    parser.add_argument("--after", type=Path, default=PROJECT_ROOT, help="the newer checkout")
    parser.add_argument("--after-url", required=True, help="its seeded register")
    parser.add_argument(
        "--records", type=int, default=21, help="pages of each kind (the first warms up)"
    )
    parser.add_argument("--batch", type=int, default=2, help="pages per turn")
    parser.add_argument("--bare", type=int, default=40, help="bare endpoint requests")
    parser.add_argument(
        "--kinds",
        default="",
        help='kinds separated by "," or ";" ("home, staff" is one kind)',
    )
    parser.add_argument("--json", default="", help="a file for every measurement")
    parser.add_argument(
        "--asked-twice",
        action="store_true",
        help="time each page asked a second time, the older version with its page cache",
    )
    args = parser.parse_args(argv)
    if args.records < 2 or args.batch < 1 or args.bare < 1:
        parser.error("--records needs at least 2, --batch and --bare at least 1")

    different = differences(args.before_url, args.after_url)
    if different:
        print("The two registers differ:", *different, sep="\n  ", file=sys.stderr)
        return 2
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.after_url, "TEMPLATE_CACHE_DIR": ""})
    with app.app_context():
        pages = plan(args.records)
        db.session.remove()
        db.engine.dispose()  # the planning's connections closed before the workers start
    if args.kinds:
        wanted = set(kinds(args.kinds))
        unknown = wanted - set(pages)
        if unknown:
            parser.error(f"unknown kinds: {', '.join(sorted(unknown))}")
        pages = {k: v for k, v in pages.items() if k in wanted}

    load_before = os.getloadavg()
    workers: dict[str, Worker] = {}
    try:
        workers["before"] = Worker(
            args.before.resolve(), args.before_url, keep_pages=args.asked_twice
        )
        workers["after"] = Worker(args.after.resolve(), args.after_url)
        for side, worker in workers.items():
            print(f"{side}: {worker.hello['registry']} ({_commit(getattr(args, side))})")
        tally = measure(workers, pages, args.batch, args.bare, twice=args.asked_twice)
    finally:
        for worker in workers.values():
            worker.close()
    load_after = os.getloadavg()

    made = rows(tally, [BARE, *pages], overall=ALL)
    print(table(made))
    asked = "the second of two asks, " if args.asked_twice else ""
    print(
        f"(CPU ms: median per page, {asked}time.process_time in each worker; {args.records - 1} "
        f"pages of each kind after one to warm up, {args.batch} per turn; load average "
        f"{', '.join(f'{v:.2f}' for v in load_before)} → "
        f"{', '.join(f'{v:.2f}' for v in load_after)})"
    )
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "commits": {side: _commit(getattr(args, side)) for side in SIDES},
                    "load": [load_before, load_after],
                    "cpu_ms": {f"{k} | {s}": v for (k, s), v in tally.cpu.items()},
                    "asked": tally.asked,
                },
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )
    for failure in tally.failures:
        print("FAILED", failure, file=sys.stderr)
    return 1 if tally.failures else 0


if __name__ == "__main__":
    sys.exit(main())
