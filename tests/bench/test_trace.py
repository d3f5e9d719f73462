"""The trace bench's plan (repeatable, varied, with writes) and its measuring layer
(bench/serve.py) on a real app."""

from __future__ import annotations

from collections import Counter

from werkzeug.test import Client

from bench import trace
from bench.serve import Measured

READERS = [
    trace.Reader("staff 1", "staff", "s1@dgti.example"),
    trace.Reader("staff 2", "staff", "s2@dgti.example"),
    trace.Reader("secretary", "secretary", "sec@dgti.example"),
    trace.Reader("representative 1", "representative", "r1@dgti.example", 501),
    trace.Reader("representative 2", "representative", "r2@dgti.example", 502),
    trace.Reader("visitor 1", "anonymous", None),
]


def _register() -> trace.Register:
    return trace.Register(
        organisations=list(range(1, 1001)),
        agreements=list(range(1, 501)),
        committees=list(range(1, 21)),
        meetings=list(range(1, 501)),
        proposals=list(range(1, 5001)),
        busy={kind: list(range(1, 21)) for kind in
              ("organisation", "agreement", "committee", "meeting", "proposal")},  # fmt: skip
        organisation_kinds=["association", "company"],
        agreement_statuses=["draft", "signed"],
        proposal_statuses=["submitted", "screening"],
        provinces=["10", "50"],
        endorsable={501: list(range(4000, 4400)), 502: list(range(3000, 3400))},
        attendance_meetings=[7, 8],
        secretary_committees=[3, 4],
        secretary_meetings=[7, 8, 9],
    )


def test_the_same_seed_gives_the_same_plan_and_another_seed_another():
    register = _register()
    first = trace.plan(READERS, register, 800, seed=5)
    assert first == trace.plan(READERS, register, 800, seed=5)
    assert first != trace.plan(READERS, register, 800, seed=6)
    assert len(first) == 800
    # Planning does not use up the register's pools: a second plan starts from the same.
    assert register.endorsable[501][0] == 4000


def test_the_plan_asks_for_different_records_lists_and_searches_with_writes_mixed_in():
    steps = trace.plan(READERS, _register(), 3000, seed=1)
    kinds = Counter(step.kind for step in steps)
    for kind in ("organisation", "agreement", "committee", "meeting", "proposal", "search",
                 "organisations list", "proposals list", "home", "open data",
                 "write: organisation notes", "write: endorsement",
                 "write: attendance"):  # fmt: skip
        assert kinds[kind], kind
    writes = sum(n for kind, n in kinds.items() if kind.startswith("write"))
    assert 0.02 < writes / len(steps) < 0.10
    organisations = [s.path for s in steps if s.kind == "organisation"]
    assert len(set(organisations)) > 0.6 * len(organisations)  # mostly records not asked before
    lists = [s.path for s in steps if s.kind.endswith(" list")]
    assert len(set(lists)) > 0.2 * len(lists)  # filters and pages vary
    searches = {s.path for s in steps if s.kind == "search"}
    assert len(searches) > 15
    # Each reader asks only for what its role reads; an association endorses once each.
    by_reader = {r.name: r for r in READERS}
    for step in steps:
        role = by_reader[step.reader].role
        if role == "anonymous":
            assert step.kind in ("open data", "sign-in page")
        if role == "representative":
            assert step.kind not in ("organisation", "agreement", "write: organisation notes")
    endorsed = [s.path for s in steps if s.kind == "write: endorsement"]
    assert len(endorsed) == len(set(endorsed))


def test_a_representative_with_nothing_left_to_endorse_reads_instead():
    register = _register()
    register.endorsable = {501: [4000], 502: []}
    steps = trace.plan(READERS, register, 2000, seed=3)
    endorsed = [s for s in steps if s.kind == "write: endorsement"]
    assert [s.path for s in endorsed] == ["/proposals/4000/endorse"]


def test_each_answer_carries_its_cpu_time_and_what_the_stores_gave(app):
    measured = Client(Measured(app))
    answer = measured.get("/health")
    assert answer.status_code == 200
    assert int(answer.headers["X-CPU-Microseconds"]) > 0
    assert answer.headers["X-Page-Cache"] == "-"  # the bare endpoint asks no store
    hits, asked = (int(n) for n in answer.headers["X-Results-Kept"].split("/"))
    assert 0 <= hits <= asked
    anonymous = measured.get("/organisations/")
    assert anonymous.status_code == 302  # to the sign-in page, measured all the same
    assert "X-CPU-Microseconds" in anonymous.headers


def test_the_summary_counts_hits_cpu_and_errors_per_kind():
    answers = [
        trace.Answer("home", 200, True, 10.0, 2000, 1, "hit", (1, 1)),
        trace.Answer("home", 200, True, 30.0, 6000, 9, "miss", (0, 3)),
        trace.Answer("proposal", 500, False, 5.0, 1000, 2, "miss", None),
    ]
    rows = trace.summarise(answers)
    assert rows["home"]["page_cache_hit_rate"] == 0.5
    assert rows["home"]["cpu_mean_ms"] == 4.0
    assert rows["home"]["results_hit_rate"] == 0.25
    assert rows["proposal"]["errors"] == 1 and rows["proposal"]["error_statuses"] == {500: 1}
    assert rows["all pages (GET)"]["requests"] == 3
