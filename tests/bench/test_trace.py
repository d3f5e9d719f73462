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


def test_the_warm_up_never_endorses_what_the_plan_endorses():
    register = _register()
    steps = trace.plan(READERS, register, 800, seed=5)
    warm_up = trace.plan(READERS, trace.unused_by(steps, register), 200, seed=6)
    endorsed = {s.path for s in steps if s.kind == "write: endorsement"}
    warmed = {s.path for s in warm_up if s.kind == "write: endorsement"}
    assert endorsed and warmed and not endorsed & warmed
    # Without it, the two plans start from the same proposals.
    same_pools = trace.plan(READERS, register, 200, seed=6)
    assert endorsed & {s.path for s in same_pools if s.kind == "write: endorsement"}


def test_a_representative_with_nothing_left_to_endorse_reads_instead():
    register = _register()
    register.endorsable = {501: [4000], 502: []}
    steps = trace.plan(READERS, register, 2000, seed=3)
    endorsed = [s for s in steps if s.kind == "write: endorsement"]
    assert [s.path for s in endorsed] == ["/proposals/4000/endorse"]


def test_each_answer_carries_its_cpu_time_and_what_the_store_gave(app, sign_in):
    measured = Client(Measured(app))
    answer = measured.get("/health")
    assert answer.status_code == 200
    assert int(answer.headers["X-CPU-Microseconds"]) > 0
    assert answer.headers["X-Results-Kept"] == "0/0"  # the bare endpoint keeps nothing
    anonymous = measured.get("/organisations/")
    assert anonymous.status_code == 302  # to the sign-in page, measured all the same
    assert "X-CPU-Microseconds" in anonymous.headers


def _answer(kind, reader, path, finished, status=200, cpu=2000, results=None):
    ok = status in (302, 303, 409) if kind.startswith("write") else status == 200
    return trace.Answer(kind, status, ok, 10.0, cpu, 3, results, reader, path, finished)


def test_a_page_counts_as_a_repeat_only_for_the_same_reader_and_address_before_any_write():
    answers = [
        _answer("home", "a", "/", 1.0),
        _answer("home", "b", "/", 2.0),  # another reader: not a repeat
        _answer("home", "a", "/", 3.0),  # a repeat
        _answer("proposal", "a", "/proposals/1", 4.0),
        _answer("write: endorsement", "c", "/proposals/9/endorse", 5.0, status=303),
        _answer("home", "a", "/", 6.0),  # a write came in between: not a repeat
        _answer("home", "a", "/", 7.0),  # a repeat
        _answer("proposal", "a", "/proposals/1", 8.0),  # asked before the write: not one
        _answer("write: endorsement", "c", "/proposals/8/endorse", 8.5, status=422),
        _answer("home", "a", "/", 9.0),  # a refused write changes nothing: a repeat
        _answer("home", "a", "/", 100.0),  # over a minute since: not a repeat
    ]
    trace.mark_repeats(list(reversed(answers)))  # the order they are listed in does not matter
    assert [a.repeat for a in answers] == [False, False, True, False, False, False, True,
                                           False, False, True, False]  # fmt: skip
    # Writes or not, the same reader at the same address within the minute.
    assert [a.asked_before for a in answers] == [False, False, True, False, False, True, True,
                                                 True, False, True, False]  # fmt: skip


def test_the_summary_counts_cpu_repeats_kept_results_and_errors_per_kind():
    answers = [
        _answer("home", "a", "/", 1.0, cpu=2000, results=(1, 1)),
        _answer("home", "a", "/", 2.0, cpu=6000, results=(0, 3)),
        _answer("proposal", "a", "/proposals/1", 3.0, status=500, cpu=1000),
    ]
    trace.mark_repeats(answers)
    rows = trace.summarise(answers)
    assert rows["home"]["repeat_rate"] == 0.5
    assert rows["home"]["asked_before_rate"] == 0.5
    assert rows["home"]["cpu_mean_ms"] == 4.0
    assert rows["home"]["results_hit_rate"] == 0.25
    assert rows["proposal"]["errors"] == 1 and rows["proposal"]["error_statuses"] == {500: 1}
    assert rows["all pages (GET)"]["requests"] == 3


def test_a_cache_invalidated_per_kind_of_record_outlives_only_the_writes_that_cannot_change_it():
    answers = [
        _answer("proposal", "a", "/proposals/1", 1.0),
        _answer("committees list", "a", "/committees/", 1.5),
        _answer("home", "a", "/", 1.8),
        _answer("write: attendance", "s", "/meetings/3/attendance", 2.0, status=303),
        _answer("proposal", "a", "/proposals/1", 3.0),  # attendance cannot change it
        _answer("committees list", "a", "/committees/", 3.5),  # attendance ends it
        _answer("home", "a", "/", 3.8),  # a home ends at every write
        _answer("write: endorsement", "r", "/proposals/9/endorse", 4.0, status=303),
        _answer("proposal", "a", "/proposals/1", 5.0),  # an endorsement ends it
        _answer("committees list", "a", "/committees/", 5.5),  # an endorsement does not
    ]
    trace.mark_repeats(answers)
    assert [a.repeat_per_kind for a in answers] == [False, False, False, False, True, False,
                                                    False, False, False, True]  # fmt: skip
    assert not any(a.repeat for a in answers[4:])  # any write ends every page
    rows = trace.summarise(answers)
    assert rows["proposal"]["per_kind_rate"] == 1 / 3
