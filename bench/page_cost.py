"""What a fresh page costs to build: CPU time per page, each request for another record.

    .venv/bin/python -m bench.page_cost --database-url sqlite:////tmp/bench.sqlite3
                                        [--records 15] [--kinds "organisation page,search"]
                                        [--kind "home, staff"] [--profile search]
                                        [--save-html DIR]

The database is a seeded benchmark register (``python -m bench.seed``). In one process, with
the Flask test client (no HTTP server), it signs in the benchmark's staff member,
representative and secretary through the sign-in form (the public pages are asked by an
anonymous visitor, a new one at every ask: no cookie, or for the English kinds only the
language chosen), requests every kind of page once to
compile its templates, then for each kind requests ``--records`` *different* pages (records
picked evenly over the register, lists with different filters and pages, searches with
different words) and reports the median CPU time (``time.process_time``) per request, with
the bare endpoint (``/health``) and the same page asked twice beside it. There is no
whole-page cache in the product; results the app keeps between requests (a list's total, the
reader's account) stay on, as in production, but no page here is one asked before.

``--kinds`` names the kinds to measure (default: all), separated by commas or semicolons; a
comma followed by a space is part of a name, so ``--kinds "home, staff;search"`` and
``--kinds "home, staff,search"`` are both two kinds, and ``--kinds "home, staff"`` is one.
``--kind NAME`` (repeatable) names one kind exactly. An unknown name stops the run at once.

``--profile KIND`` prints the cProfile of that kind's requests (cumulative and own time);
``--save-html DIR`` writes each page's HTML (with the form tokens blanked) so that two
versions of the templates can be compared with ``diff -r``.

Timings are reported, never asserted; exit status 1 when a page does not answer 200.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import re
import statistics
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from bench.dataset.seed import BENCH_PASSWORD
from bench.page_worker import VISITORS, visitor
from registry import create_app
from registry.agreements.models import Agreement, AgreementStatus
from registry.committees.models import Committee
from registry.db import db
from registry.meetings.models import Meeting
from registry.organisations.models import Organisation, OrganisationKind
from registry.proposals.models import Proposal, ProposalStatus

#: Words searched for: Thai and English, common and rare.
WORDS = (
    "สมาคม", "ข้อมูล", "ดิจิทัล", "มหาวิทยาลัย", "บริษัท", "เทคโนโลยี", "ไอโอที", "ปัญญาประดิษฐ์",
    "ความร่วมมือ", "คลาวด์", "ภาครัฐ", "เชียงใหม่", "data", "cloud", "digital", "AI", "IoT",
    "ม", "ไอ", "ฌฌฌ",
)  # fmt: skip

#: The readers: role, and the benchmark account's name.
ROLES = (("staff", "staff"), ("representative", "rep"), ("secretary", "secretary"))

#: The readers of the public pages: a new visitor at every ask (a test client of its own,
#: without a cookie, or, for English, with only the language chosen), so that no page is one
#: the server answered for that visitor before.
ANONYMOUS, ANONYMOUS_ENGLISH = "anonymous", "anonymous, English"

_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
_TOKENS = re.compile(r'(name="(?:csrf_token|submission)"[^>]*value=")[^"]*(")')


def _evenly(ids: list[int], count: int) -> list[int]:
    """``count`` ids spread over the whole list (first, last and between)."""
    if len(ids) <= count:
        return ids
    step = (len(ids) - 1) / (count - 1)
    return [ids[round(i * step)] for i in range(count)]


def _ids(model, count: int, where=None) -> list[int]:
    query = sa.select(model.id).order_by(model.id)
    if where is not None:
        query = query.where(where)
    return _evenly(list(db.session.scalars(query)), count)


def _cycle(values, count: int) -> list:
    return [values[i % len(values)] for i in range(count)]


def plan(count: int) -> dict[str, tuple[str, list[str]]]:
    """Per kind of page: the reader who asks and ``count`` different addresses."""
    kinds = [k.value for k in OrganisationKind]
    agreement_statuses = [s.value for s in AgreementStatus]
    proposal_statuses = [s.value for s in ProposalStatus]
    provinces = list(
        db.session.scalars(
            sa.select(Organisation.province).where(Organisation.province.isnot(None)).distinct()
        )
    )[:count]
    words = _cycle(WORDS, count)
    pages = [1 + (i * 7) % 23 for i in range(count)]
    organisation_lists = [
        f"/organisations/?page={p}" if i % 4 == 0
        else f"/organisations/?kind={k}&page={1 + p % 3}" if i % 4 == 1
        else f"/organisations/?province={v}" if i % 4 == 2
        else f"/organisations/?q={w}&sort=changed"
        for i, (p, k, v, w) in enumerate(
            zip(pages, _cycle(kinds, count), _cycle(provinces, count), words, strict=True)
        )
    ]  # fmt: skip
    agreement_lists = [
        f"/agreements/?page={p}" if i % 3 == 0
        else f"/agreements/?status={s}" if i % 3 == 1
        else f"/agreements/?q={w}"
        for i, (p, s, w) in enumerate(zip(pages, _cycle(agreement_statuses, count), words))  # noqa: B905
    ]  # fmt: skip
    proposal_lists = [
        f"/proposals/?page={p}" if i % 4 == 0
        else f"/proposals/?status={s}" if i % 4 == 1
        else f"/proposals/?sort=endorsements&page={p}" if i % 4 == 2
        else f"/proposals/?q={w}"
        for i, (p, s, w) in enumerate(zip(pages, _cycle(proposal_statuses, count), words))  # noqa: B905
    ]  # fmt: skip
    # A visitor sent to sign in from a page it may not see yet comes back to it afterwards.
    sign_in_pages = [
        "/sign-in" if i % 2 == 0 else f"/sign-in?next=/organisations/{organisation}"
        for i, organisation in enumerate(_cycle(_ids(Organisation, count), count))
    ]
    return {
        "organisation page": ("staff", [f"/organisations/{i}" for i in _ids(Organisation, count)]),
        "agreement page": ("staff", [f"/agreements/{i}" for i in _ids(Agreement, count)]),
        "committee page": ("staff", [f"/committees/{i}" for i in _ids(Committee, count)]),
        "meeting page": ("staff", [f"/meetings/{i}" for i in _ids(Meeting, count)]),
        "proposal page": ("staff", [f"/proposals/{i}" for i in _ids(Proposal, count)]),
        "organisations list": ("staff", organisation_lists),
        "agreements list": ("staff", agreement_lists),
        "committees list": ("staff", [f"/committees/?page={1 + i % 2}" for i in range(count)]),
        "meetings list": ("staff", [f"/meetings/?page={p}" for p in pages]),
        "proposals list": ("staff", proposal_lists),
        "search": ("staff", [f"/search?q={w}" for w in words]),
        "search, representative": ("representative", [f"/search?q={w}" for w in words]),
        "search, secretary": ("secretary", [f"/search?q={w}" for w in words]),
        "home, staff": ("staff", ["/"] * count),
        "home, representative": ("representative", ["/"] * count),
        "home, secretary": ("secretary", ["/"] * count),
        "proposals list, representative": ("representative", proposal_lists),
        "my organisation, representative": ("representative", ["/organisations/mine"] * count),
        "open data": (ANONYMOUS, ["/open-data"] * count),
        "sign-in page": (ANONYMOUS, sign_in_pages),
        "open data, English": (ANONYMOUS_ENGLISH, ["/open-data"] * count),
        "sign-in page, English": (ANONYMOUS_ENGLISH, sign_in_pages),
    }


def kinds(value: str) -> list[str]:
    """The kinds of page named in ``--kinds``: separated by semicolons or commas, a comma
    followed by a space being part of a name (the kinds "home, staff" and the like)."""
    return [kind.strip() for kind in re.split(r";|,(?! )", value) if kind.strip()]


def sign_in(app, email: str):
    """A test client signed in through the sign-in form."""
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = _CSRF.search(page)
    data = {"email": email, "password": BENCH_PASSWORD}
    if token:
        data["csrf_token"] = token.group(1)
    answer = client.post("/sign-in", data=data)
    if answer.status_code != 302:
        raise SystemExit(f"could not sign in as {email}: {answer.status_code}")
    return client


def reader(app, clients: dict, role: str):
    """The test client that asks as ``role``: a signed-in reader's own, or a new one for
    each ask of an anonymous visitor."""
    return visitor(app, VISITORS[role]) if role in VISITORS else clients[role]


def cpu(client, url: str, failures: list[str]) -> float:
    """The CPU milliseconds this process spent answering ``url``."""
    gc.collect()
    began = time.process_time()
    answer = client.get(url)
    answer.get_data()
    answer.close()
    spent = (time.process_time() - began) * 1000
    if answer.status_code != 200:
        failures.append(f"{url}: {answer.status_code}")
    return spent


def main(argv: list[str] | None = None) -> int:
    """Measure every kind of page and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--records", type=int, default=15)
    parser.add_argument(
        "--kinds",
        default="",
        help='kinds separated by "," or ";" ("home, staff" is one kind; default: all)',
    )
    parser.add_argument(
        "--kind", action="append", default=[], help="one kind by its exact name (repeatable)"
    )
    parser.add_argument("--profile", default="", help="a kind to profile with cProfile")
    parser.add_argument("--save-html", default="", help="a folder for each page's HTML")
    args = parser.parse_args(argv)

    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url, "TEMPLATE_CACHE_DIR": ""})
    try:
        return measure(app, args, parser)
    finally:
        gc.unfreeze()  # a caller in the same process (a test) keeps its usual collector
        with app.app_context():
            db.session.remove()
            db.engine.dispose()  # every connection closed, also when the run stops early


def measure(app, args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Plan the kinds chosen, measure them and print the table; 1 when a page failed."""
    with app.app_context():
        pages = plan(args.records)
    wanted = set(kinds(args.kinds)) | {kind.strip() for kind in args.kind}
    if args.profile and wanted:
        wanted.add(args.profile)  # the profiled kind is measured whatever else is named
    unknown = (wanted | ({args.profile} if args.profile else set())) - set(pages)
    if unknown:
        parser.error(f"unknown kinds: {', '.join(sorted(unknown))}")
    if wanted:
        pages = {k: v for k, v in pages.items() if k in wanted}
    clients = {role: sign_in(app, f"bench.{short}@dgti.example") for role, short in ROLES}
    failures: list[str] = []
    save = Path(args.save_html) if args.save_html else None
    if save:
        save.mkdir(parents=True, exist_ok=True)

    # Warm-up: every template compiled, what a process loads once loaded.
    for role, urls in pages.values():
        reader(app, clients, role).get(urls[0]).close()
    # What a production worker does after its warm-up (gunicorn.conf.py): the objects made
    # so far set aside from the garbage collector, whose full passes would go through them.
    gc.collect()
    gc.freeze()
    for _ in range(5):
        cpu(clients["staff"], "/health", failures)
    bare = statistics.median(cpu(clients["staff"], "/health", failures) for _ in range(30))

    rows: list[tuple[str, float, float, float]] = []
    for kind, (role, urls) in pages.items():
        profiler = cProfile.Profile() if kind == args.profile else None
        fresh = []
        for n, url in enumerate(urls[1:] or urls):
            client = reader(app, clients, role)
            if profiler:
                profiler.enable()
            fresh.append(cpu(client, url, failures))
            if profiler:
                profiler.disable()
            if save:
                html = client.get(url).get_data(as_text=True)
                name = re.sub(r"[^A-Za-z0-9]+", "_", f"{role}_{kind}_{n}")
                (save / f"{name}.html").write_text(_TOKENS.sub(r"\1\2", html), encoding="utf-8")
        client = reader(app, clients, role)  # asked again: by the same reader
        cpu(client, urls[0], failures)
        twice = statistics.median(cpu(client, urls[0], failures) for _ in range(5))
        rows.append((kind, statistics.median(fresh), max(fresh), twice))
        if profiler:
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats("cumulative").print_stats(45)
            stats.sort_stats("tottime").print_stats(30)
            print(out.getvalue())

    print(f"\n{'page':34} {'fresh median':>12} {'worst':>8} {'asked again':>12} {'ratio':>6}")
    print(f"{'bare endpoint /health':34} {bare:10.2f} ms")
    for kind, median, worst, twice in rows:
        print(f"{kind:34} {median:9.2f} ms {worst:6.1f} ms {twice:9.2f} ms {bare / median:6.2f}")
    print("(ratio = the bare endpoint's CPU / the page's: 1/3 is the aim)")
    for failure in failures:
        print("FAILED", failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
