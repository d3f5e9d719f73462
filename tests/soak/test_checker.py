"""The soak's own checker (bench/soak.py): that it classifies failures by the fault windows,
matches acknowledged writes to what the database holds, and finds the markers in the real
schema, so that a soak run cannot pass because its checker looks in the wrong place."""

from __future__ import annotations

import pytest

from bench import soak
from bench.soak import Fault, Request, Write
from registry.db import db
from registry.organisations import services
from registry.organisations.models import OrganisationKind, PdpaBasis

FAULTS = [Fault("worker killed", 30.0, 30.0), Fault("database restarted", 60.0, 60.5)]


def request(started, ended, ok=False, path="/proposals/1/endorse"):
    return Request("rep1", "POST", path, started, ended, None if ok else 503, ok, "HTTP 503")


def write(marker, acknowledged=True, sent=10.0, kind="contact", target="organisation 1"):
    return Write(kind, marker, "staff1", target, sent, sent + 0.1, acknowledged)


# --- failures and the fault windows --------------------------------------------------------


@pytest.mark.parametrize(
    ("started", "ended", "fault"),
    [
        (29.0, 30.5, "worker killed"),  # in flight at the kill
        (10.0, 30.0, "worker killed"),  # started long before, still in flight
        (31.9, 32.0, "worker killed"),  # started within 2 s after
        (27.9, 28.0, "worker killed"),  # ended within 2 s before
        (60.2, 60.3, "database restarted"),  # during the restart
        (62.4, 63.0, "database restarted"),  # within 2 s of its end
        (27.0, 27.9, None),  # ended more than 2 s before the kill
        (32.1, 32.5, None),  # started more than 2 s after the kill
        (62.6, 62.7, None),  # more than 2 s after the restart ended
        (45.0, 46.0, None),  # between the faults
    ],
)
def test_a_failure_belongs_to_the_fault_whose_window_it_overlaps(started, ended, fault):
    found = soak.fault_for(started, ended, FAULTS, 2.0)
    assert (found.name if found else None) == fault


def test_failures_away_from_the_faults_are_set_apart_and_successes_ignored():
    requests = [
        request(29.5, 30.1),
        request(60.0, 60.6),
        request(60.1, 60.7),
        request(45.0, 45.2),
        request(45.0, 45.2, ok=True),
        request(29.9, 30.0, ok=True),
    ]
    failures = soak.classify_failures(requests, FAULTS, 2.0)
    assert {name: len(v) for name, v in failures["in_windows"].items()} == {
        "worker killed": 1,
        "database restarted": 2,
    }
    assert failures["elsewhere"] == [requests[3]]


def test_with_no_faults_every_failure_is_elsewhere():
    failures = soak.classify_failures([request(30.0, 30.1)], [], 2.0)
    assert len(failures["elsewhere"]) == 1


# --- writes and the database -------------------------------------------------------------


def test_acknowledged_writes_must_be_there_exactly_once():
    writes = [
        write("soak-000000000001"),
        write("soak-000000000002"),
        write("soak-000000000003"),
        write("soak-000000000004", acknowledged=False),
        write("soak-000000000005", acknowledged=False),
        write("soak-000000000006", acknowledged=False),
    ]
    found = {
        "soak-000000000001": 1,
        "soak-000000000003": 2,  # a duplicate
        "soak-000000000004": 1,  # not acknowledged, saved all the same
        "soak-000000000006": 2,  # not acknowledged, saved twice
        "soak-0000000000ff": 1,  # sent by nobody
    }
    matched = soak.match_writes(writes, found)
    assert matched["sent"] == 6
    assert matched["acknowledged"] == 3
    assert matched["found"] == 2
    assert [w.marker for w in matched["lost"]] == ["soak-000000000002"]
    assert [w.marker for w in matched["duplicates"]] == ["soak-000000000003", "soak-000000000006"]
    assert [w.marker for w in matched["unacknowledged_present"]] == ["soak-000000000004"]
    assert [w.marker for w in matched["unacknowledged_absent"]] == ["soak-000000000005"]
    assert matched["unexpected"] == ["soak-0000000000ff"]


def test_a_record_whose_value_went_back_to_an_earlier_write_lost_an_acknowledged_change():
    writes = [
        write("soak-00000000000a", sent=1, kind="notes", target="organisation 1"),
        write("soak-00000000000b", sent=2, kind="notes", target="organisation 1"),
        write(
            "soak-00000000000c", sent=3, acknowledged=False, kind="notes", target="organisation 1"
        ),
        write("soak-00000000000d", sent=1, kind="notes", target="organisation 2"),
        write("soak-00000000000e", sent=2, kind="notes", target="organisation 3"),
    ]
    final = {
        "organisation 1": "soak-00000000000c",  # a later unacknowledged write: allowed
        "organisation 2": "soak-00000000000d",
        "organisation 3": None,  # its acknowledged notes are gone
    }
    assert soak.stale_final_values(writes, final) == ["organisation 3"]
    final["organisation 1"] = "soak-00000000000a"  # the last acknowledged change forgotten
    assert soak.stale_final_values(writes, final) == ["organisation 1", "organisation 3"]


def test_with_several_writers_the_last_change_is_the_one_the_audit_log_saw_last():
    # Two staff users on one record: B sent first but its save landed after A's.
    writes = [
        write("soak-00000000000b", sent=1, kind="notes", target="organisation 1"),
        write("soak-00000000000a", sent=2, kind="notes", target="organisation 1"),
    ]
    order = {"soak-00000000000a": 0, "soak-00000000000b": 1}
    final = {"organisation 1": "soak-00000000000b"}
    assert soak.stale_final_values(writes, final, order) == []
    assert soak.stale_final_values(writes, final) == ["organisation 1"]  # by sending order
    final = {"organisation 1": "soak-00000000000a"}  # the last saved change forgotten
    assert soak.stale_final_values(writes, final, order) == ["organisation 1"]


def notes_write(marker, read_marker, acknowledged=True):
    return Write("notes", marker, "staff1", "organisation 1", 1.0, 1.1, acknowledged,
                 read_marker=read_marker)  # fmt: skip


def test_a_change_saved_over_a_value_its_form_never_showed_is_an_overwrite():
    # A read nothing and saved; B read A's value and saved; C read nothing (before A) and
    # was saved over B's value: C's stale form overwrote A's and B's acknowledged changes.
    a, b, c = "soak-0000000000a1", "soak-0000000000b1", "soak-0000000000c1"
    changes = [(None, a), (a, b), (b, c)]
    writes = [notes_write(a, None), notes_write(b, a), notes_write(c, None)]
    assert [w.marker for w in soak.overwritten_changes(writes, changes)] == [c]
    # The same stale form refused (409, never saved) is no overwrite.
    writes[2] = notes_write(c, None, acknowledged=False)
    assert soak.overwritten_changes(writes, changes[:2]) == []


def test_a_stale_save_that_was_refused_but_saved_anyway_fails_the_soak():
    refused = Write("notes", "soak-0000000000d1", "staff1", "organisation 1", 1.0, 1.1,
                    refused_stale=True)  # fmt: skip
    found = {kind: {} for kind in soak.WRITE_KINDS}
    found["notes"] = {"soak-0000000000d1": 1}
    figures = soak.report([], [refused], [], found, {}, 2.0, ("notes",), [])
    assert figures["refused_stale"] == 1
    assert figures["refused_but_saved"] == 1
    assert "1 save(s) refused as outdated were saved" in soak.verdict(figures)


def test_recovery_needs_every_kind_acknowledged_after_the_faults_and_no_late_failure():
    late = 62.6
    writes = [write("soak-000000000001", sent=late, kind="contact")]
    writes.append(write("soak-000000000002", sent=late, kind="notes", acknowledged=False))
    problems = soak.recovery([request(70.0, 70.1, ok=True)], writes, FAULTS, 2.0,
                             ("contact", "notes"))  # fmt: skip
    assert problems == ["no notes write acknowledged after the faults"]
    writes.append(write("soak-000000000003", sent=late, kind="notes"))
    assert soak.recovery([], writes, FAULTS, 2.0, ("contact", "notes")) == []
    assert soak.recovery([request(70.0, 70.1)], writes, FAULTS, 2.0, ("contact", "notes")) == [
        "1 request(s) failed after the faults"
    ]
    assert soak.recovery([], writes, [], 2.0, ("contact",)) == ["no fault was injected"]


def test_the_verdict_fails_on_each_kind_of_defect():
    clean = {
        "lost": 0,
        "duplicates": 0,
        "stale_final_values": 0,
        "overwritten": 0,
        "refused_but_saved": 0,
        "errors_elsewhere": 0,
        "recovery_problems": [],
        "writes_acknowledged": 10,
    }
    assert soak.verdict(clean) == []
    for key, value in [
        ("lost", 1),
        ("duplicates", 1),
        ("stale_final_values", 1),
        ("overwritten", 1),
        ("refused_but_saved", 1),
        ("errors_elsewhere", 1),
        ("recovery_problems", ["GET /health answered 503"]),
        ("writes_acknowledged", 0),
    ]:
        assert soak.verdict(clean | {key: value}), key


def test_report_counts_a_lost_write_and_a_failure_away_from_the_faults():
    writes = [
        write("soak-000000000001", sent=70.0),
        write("soak-000000000002", sent=70.0),
        write("soak-000000000003", sent=30.0, acknowledged=False),
    ]
    found = {kind: {} for kind in soak.WRITE_KINDS}
    found["contact"] = {"soak-000000000001": 1, "soak-000000000003": 1}
    requests = [request(30.0, 30.1), request(45.0, 45.1), request(70.0, 70.1, ok=True)]
    figures = soak.report(requests, writes, FAULTS, found, {}, 2.0, ("contact",))
    assert figures["requests"] == 3
    assert (figures["errors"], figures["errors_in_fault_windows"]) == (2, 1)
    assert figures["errors_elsewhere"] == 1
    assert (figures["writes_acknowledged"], figures["writes_found"], figures["lost"]) == (2, 1, 1)
    assert figures["unacknowledged_present"] == 1
    assert figures["details"]["lost"][0]["marker"] == "soak-000000000002"
    assert figures["latency_ms"] == {"POST /proposals/<id>/endorse": pytest.approx(
        {"count": 1, "p50": 100.0, "p95": 100.0}, abs=0.5
    )}  # fmt: skip


# --- the pages, as the simulated users read them -----------------------------------------------


def test_the_form_parser_submits_what_a_browser_would():
    page = """
    <form method="post" action="/sign-out"><input type="hidden" name="csrf_token" value="t0"></form>
    <form method="post" action="/x/edit">
      <input type="hidden" name="csrf_token" value="t1">
      <input name="name_th" value="สมาคม &amp; เพื่อน">
      <input type="checkbox" name="ticked" value="y" checked>
      <input type="checkbox" name="unticked" value="y">
      <input type="file" name="letter"><button type="submit" name="go">Save</button>
      <select name="kind"><option value="a">A</option><option value="b" selected>B</option></select>
      <select name="province"><option value="">—</option><option value="10">กทม.</option></select>
      <textarea name="notes">
บรรทัดแรก
บรรทัดสอง</textarea>
    </form>"""
    form = soak.find_form(page, "name_th")
    assert form["action"] == "/x/edit"
    assert form["fields"] == {
        "csrf_token": "t1",
        "name_th": "สมาคม & เพื่อน",
        "ticked": "y",
        "kind": "b",
        "province": "",
        "notes": "บรรทัดแรก\nบรรทัดสอง",
    }
    assert soak.find_form(page, "csrf_token", "/sign-out")["fields"] == {"csrf_token": "t0"}
    assert soak.find_form(page, "missing") is None


def test_the_sign_in_page_has_the_form_the_users_fill(client):
    with client.get("/sign-in") as response:
        form = soak.find_form(response.get_data(as_text=True), "email")
    assert form is not None
    assert {"email", "password"} <= set(form["fields"])


def test_the_markers_are_found_where_the_app_writes_them(make_app):
    """On a real database: a contact's e-mail, and the notes' new value in the audit log (an
    old value carried as "before" does not count)."""
    app = make_app()
    first, second, third = "soak-0000000000a1", "soak-0000000000a2", "soak-0000000000a3"
    with app.app_context():
        organisation = services.create_organisation(
            actor=None, name_th="สมาคมทดสอบการโหลด", kind=OrganisationKind.ASSOCIATION.value
        )
        other = services.create_organisation(
            actor=None, name_th="สมาคมทดสอบการโหลดสอง", kind=OrganisationKind.ASSOCIATION.value
        )
        for place in (organisation, other):  # the same marker twice: a duplicate
            services.add_contact(place, actor=None, first_name="สมชาย",
                                 email=f"{first}@dgti.example",
                                 pdpa_basis=PdpaBasis.LEGITIMATE_INTEREST.value)  # fmt: skip
        services.update_organisation(organisation, actor=None, notes=f"บันทึก ({second})")
        services.update_organisation(organisation, actor=None, notes=f"บันทึก ({third})")
        ident = organisation.id
        url = db.engine.url.render_as_string(hide_password=False)
    found, final, changes = soak.found_in_database(url)
    assert found["contact"] == {first: 2}
    assert found["notes"] == {second: 1, third: 1}
    assert changes == [(None, second), (second, third)]
    assert not found["endorsement"] and not found["guest"] and not found["attendance"]
    assert final == {f"organisation {ident}": third}
