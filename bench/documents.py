"""Benchmark of the agreement PDF: cold render, warm render of a changed agreement, and the
repeat download served from storage.

Builds a throwaway SQLite database with the migrations (in a temporary folder, as
bench/run.py does), the demo organisations, a staff member, and a realistic Thai MOU of
five pages in the official form (DGA and two associations with their signatories and
duties, ten clauses with one or two sub-clauses each, the general clauses, signature
blocks and two witnesses: the "five-page draft" of issue 4). Then it measures:

- cold: the first render in a fresh Python process, including loading WeasyPrint,
  Pango and the fonts (each run is a new process: ``--cold-runs``), and the first
  render in a fresh process that called ``rendering.warm_up()`` at start, as a
  worker does;
- warm: rendering the agreement after each change of its content (a new version
  each time: ``printing.publish`` renders, stores and audits), and the archival
  PDF/A copy;
- from storage: ``GET /agreements/<id>/pdf`` through the Flask test client as a
  signed-in staff member, the version being unchanged (no rendering).

It prints one table with the targets of issues 4 and 8 and saves the figures as JSON
(bench/results/documents.json unless ``--json`` says otherwise).

    .venv/bin/python -m bench.documents [--runs 30] [--warm-runs 10] [--cold-runs 3]

Exit status: 1 when a request or a render failed (not when a target is missed: the
figures depend on the machine and on what else it is doing).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: Where the figures are saved.
RESULTS = PROJECT_ROOT / "bench" / "results" / "documents.json"

#: The targets (seconds) of issue 4 ("a five-page draft renders in under 0.5 s") and issue 8
#: ("agreement draft under 0.5 s cold, under 20 ms from storage").
TARGET_RENDER_S = 0.5
TARGET_STORED_S = 0.020

STAFF_EMAIL = "bench.documents@dgti.example"
STAFF_PASSWORD = "bench-password-2569"  # noqa: S105 (a throwaway database)

#: The associations that sign the benchmark agreement with DGA (demo organisations).
#: With these parties and the clauses below the draft is five pages long.
PARTNERS = ("AIAT", "TESA")

OBJECTIVES_TH = (
    "เพื่อร่วมกันพัฒนาและต่อยอดนวัตกรรมดิจิทัลสำหรับภาครัฐผ่านศูนย์ DGTi และผลักดันให้"
    "ผู้ประกอบการนวัตกรรมในประเทศมีส่วนร่วมสร้างสรรค์บริการดิจิทัลของภาครัฐ"
)

#: Ten clauses with one or two sub-clauses each, as staff type them into the form.
CLAUSES_TH = [
    ("รวบรวมปัญหาในการให้บริการภาครัฐเป็นโจทย์การพัฒนา", ["แลกเปลี่ยนข้อมูลและองค์ความรู้ที่เกี่ยวข้อง"]),
    ("ส่งเสริมผู้ประกอบการนวัตกรรมในประเทศ", ["จัดกิจกรรมและการฝึกอบรมร่วมกัน", "เผยแพร่ผลงานของสมาชิก"]),
    ("ร่วมเป็นผู้แทนในคณะกรรมการร่วม", ["จัดทำข้อเสนอแนะหรือร่างโครงการ"]),
    ("พัฒนาต้นแบบบริการด้วยปัญญาประดิษฐ์", ["กำหนดขอบเขตของต้นแบบก่อนเริ่มงาน", "ทดสอบกับผู้ใช้บริการจริง"]),
    ("ส่งเสริมการใช้อินเทอร์เน็ตของสรรพสิ่งในส่วนภูมิภาค", ["สำรวจความต้องการของหน่วยงาน"]),
    ("พัฒนาทักษะดิจิทัลของบุคลากรภาครัฐ", ["ออกแบบหลักสูตรระยะสั้นร่วมกัน", "จัดหาวิทยากรจากสมาชิกสมาคม"]),
    ("แลกเปลี่ยนข้อมูลที่เปิดเผยได้เพื่อการวิจัย", ["กำหนดมาตรการรักษาความมั่นคงปลอดภัยของข้อมูล"]),
    ("จัดงานประชุมวิชาการประจำปีร่วมกัน", ["ผลัดกันเป็นเจ้าภาพในแต่ละปี"]),
    ("สนับสนุนวิสาหกิจเริ่มต้นด้านเทคโนโลยี", ["จัดกิจกรรมจับคู่กับหน่วยงานของรัฐ"]),
    ("รายงานผลการดำเนินงานทุกหกเดือน", ["เสนอแผนการดำเนินงานในระยะต่อไป"]),
]  # fmt: skip

DUTIES_TH = (
    "ประสานงานและอำนวยความสะดวกในการดำเนินงานของศูนย์ DGTi\nสนับสนุนข้อมูลและผู้เชี่ยวชาญตามความเหมาะสม"
)
PARTNER_DUTIES_TH = "เชิญชวนสมาชิกเข้าร่วมกิจกรรมของศูนย์ DGTi\nส่งผู้แทนร่วมเป็นกรรมการในคณะกรรมการร่วม"


def clauses_text(revision: int = 0) -> str:
    """The ten clauses as typed in the form (a dash before a sub-clause); ``revision`` changes
    one clause's text, as an edit of the draft would."""
    lines = []
    for number, (text, subs) in enumerate(CLAUSES_TH, 1):
        if revision and number == 1 + revision % len(CLAUSES_TH):
            text = f"{text} (ปรับปรุงครั้งที่ {revision})"
        lines.append(text)
        lines.extend(f"- {sub}" for sub in subs)
    return "\n".join(lines)


def agreement_content(organisations: dict, responsible_id: int | None, revision: int = 0) -> dict:
    """The benchmark agreement: DGA and two associations, ten clauses, two witnesses."""
    parties = [
        {
            "organisation_id": organisations["DGA"].id,
            "short_name_th": "สพร.",
            "short_name_en": "DGA",
            "signatory_name": "ดร.สุพจน์ เธียรวุฒิ",
            "signatory_position": "ผู้อำนวยการสำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน)",
            "signatory_name_en": None,
            "signatory_position_en": None,
            "responsibilities_th": DUTIES_TH,
            "responsibilities_en": None,
        }
    ]
    for index, acronym in enumerate(PARTNERS, 1):
        parties.append(
            {
                "organisation_id": organisations[acronym].id,
                "short_name_th": f"สมาคม{index}" if index > 1 else "สมาคม",
                "short_name_en": None,
                "signatory_name": f"นายทดสอบ ตัวอย่าง{index}",
                "signatory_position": f"นายก{organisations[acronym].name_th}",
                "signatory_name_en": None,
                "signatory_position_en": None,
                "responsibilities_th": PARTNER_DUTIES_TH,
                "responsibilities_en": None,
            }
        )
    return {
        "kind": "MOU",
        "language": "th",
        "title_th": "ความร่วมมือด้านนวัตกรรมดิจิทัลเพื่อบริการภาครัฐ",
        "title_en": None,
        "signing_place": "สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน) กรุงเทพมหานคร",
        "signed_on": None,
        "effective_from": None,
        "effective_until": None,
        "objectives_th": OBJECTIVES_TH,
        "objectives_en": None,
        "clauses_th": clauses_text(revision),
        "clauses_en": None,
        "copies": 4,
        "notice_days": 60,
        "responsible_id": responsible_id,
        "parties": parties,
        "witnesses": [
            {"name": name, "witness_position": position, "organisation_id": None}
            for name, position in (
                ("นายวิทยา ตัวอย่าง", "ผู้อำนวยการศูนย์นวัตกรรมดิจิทัล"),
                ("นางสาวกมลา ตัวอย่าง", "อุปนายกสมาคมปัญญาประดิษฐ์ประเทศไทย"),
            )
        ],
    }


# --- the database ------------------------------------------------------------------------


def build_app(folder: Path):
    """The app on a new SQLite database in ``folder`` whose schema the migrations build."""
    from bench.run import build

    return build(folder, None)


def open_app(folder: Path):
    """The app on the database an earlier build_app() made (for the cold-start processes)."""
    from registry import create_app

    return create_app(
        {
            "REGISTRY_ENV": "benchmark",
            "SECRET_KEY": "bench-documents",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
            "MAIL_FOLDER": str(folder / "mail"),
            "STORAGE_DIR": str(folder / "files"),
            "BACKUP_DIR": str(folder / "backups"),
        }
    )


def seed(app) -> tuple[int, int]:
    """The organisations, a staff member and the agreement: (agreement id, staff id)."""
    from registry.agreements import services
    from registry.auth import services as accounts
    from registry.auth.models import Role
    from registry.db import db
    from registry.organisations import demo as organisation_demo

    with app.app_context():
        organisations = organisation_demo.seed()
        staff = accounts.create_user(
            email=STAFF_EMAIL,
            full_name="ผู้ทดสอบความเร็วเอกสาร",
            role=Role.STAFF,
            password=STAFF_PASSWORD,
            actor=None,
            must_change_password=False,
        )
        agreement = services.create_agreement(
            agreement_content(organisations, staff.id), actor=staff
        )
        ids = agreement.id, staff.id
        db.session.remove()
    return ids


# --- measuring ---------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def summary(values: list[float]) -> dict:
    """Median, p95, min and max of timings in seconds, with the number of runs."""
    return {
        "runs": len(values),
        "median_s": statistics.median(values),
        "p95_s": percentile(values, 0.95),
        "min_s": min(values),
        "max_s": max(values),
    }


def _render(app, agreement_id: int, staff_id: int, variant: str = "th") -> tuple[float, dict]:
    """Publish (render, store, audit) the agreement's PDF once; the time and the version."""
    from registry.agreements import printing
    from registry.agreements.models import Agreement
    from registry.auth.models import User
    from registry.db import db

    with app.app_context():
        agreement = db.session.get(Agreement, agreement_id)
        staff = db.session.get(User, staff_id)
        before = len(printing.versions(agreement))
        started = time.perf_counter()
        version = printing.publish(agreement, variant, staff)
        elapsed = time.perf_counter() - started
        info = {
            "version": version.version,
            "rendered": len(printing.versions(agreement)) > before,
            "bytes": version.size,
            "path": str(Path(app.config["STORAGE_DIR"]) / version.storage_path),
        }
        db.session.remove()
    return elapsed, info


def _change(app, agreement_id: int, staff_id: int, revision: int) -> None:
    """Edit the draft: one clause's text changes (a new content, so a new version)."""
    from registry.agreements import services
    from registry.agreements.models import Agreement
    from registry.auth.models import User
    from registry.db import db
    from registry.organisations.models import Organisation

    with app.app_context():
        agreement = db.session.get(Agreement, agreement_id)
        staff = db.session.get(User, staff_id)
        organisations = {o.acronym: o for o in db.session.scalars(db.select(Organisation))}
        services.update_agreement(
            agreement,
            agreement_content(organisations, staff.id, revision),
            actor=staff,
            lock_version=agreement.lock_version,
        )
        db.session.remove()


def cold_child(folder: Path, agreement_id: int, staff_id: int, warm_up: bool) -> None:
    """In a fresh process: change the agreement, then time its first render (printed as JSON).

    With ``warm_up``, ``rendering.warm_up()`` runs first, as a worker does when it starts,
    and its own time is reported too.
    """
    started = time.perf_counter()
    app = open_app(folder)
    app_ready = time.perf_counter() - started
    warm_up_s = None
    if warm_up:
        from registry.documents import rendering

        with app.app_context():
            begun = time.perf_counter()
            rendering.warm_up()
            warm_up_s = time.perf_counter() - begun
    revision = int.from_bytes(os.urandom(3), "big") + 1000  # content never rendered before
    _change(app, agreement_id, staff_id, revision)
    elapsed, info = _render(app, agreement_id, staff_id)
    print(
        json.dumps(
            {
                "render_s": elapsed,
                "rendered": info["rendered"],
                "create_app_s": app_ready,
                "warm_up_s": warm_up_s,
            }
        )
    )


def cold_runs(folder: Path, agreement_id: int, staff_id: int, runs: int, warm_up: bool) -> list:
    """Run cold_child() in ``runs`` new processes; their reports."""
    reports = []
    for _ in range(runs):
        command = [
            sys.executable,
            "-m",
            "bench.documents",
            "--cold-child",
            str(folder),
            str(agreement_id),
            str(staff_id),
            *(["--warm-up"] if warm_up else []),
        ]
        result = subprocess.run(
            command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"cold-start process failed:\n{result.stderr[-3000:]}")
        report = json.loads(result.stdout.strip().splitlines()[-1])
        if not report["rendered"]:
            raise RuntimeError("the cold-start process was served from storage, not rendered")
        reports.append(report)
    return reports


def page_count(path: str) -> int | None:
    """The number of pages of a PDF (pdfinfo), or None when poppler-utils is missing."""
    if shutil.which("pdfinfo") is None:
        return None
    result = subprocess.run(
        ["pdfinfo", path], capture_output=True, text=True, check=False, timeout=60
    )
    for line in result.stdout.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return None


def measure_downloads(app, agreement_id: int, runs: int) -> tuple[list[float], dict]:
    """GET the unchanged agreement's PDF ``runs`` times as a signed-in staff member."""
    client = app.test_client()
    with client.post("/sign-in", data={"email": STAFF_EMAIL, "password": STAFF_PASSWORD}) as r:
        if r.status_code != 302:
            raise RuntimeError(f"sign-in failed: HTTP {r.status_code}")
    path = f"/agreements/{agreement_id}/pdf"
    with client.get(path, query_string={"variant": "th"}) as response:  # renders if needed
        first_status = response.status_code
        response.get_data()
    timings, statuses, size = [], set(), 0
    for _ in range(runs):
        started = time.perf_counter()
        with client.get(path, query_string={"variant": "th"}) as response:
            body = response.get_data()
            statuses.add(response.status_code)
        timings.append(time.perf_counter() - started)
        size = len(body)
        if not body.startswith(b"%PDF-"):
            statuses.add("not a PDF")
    return timings, {"statuses": sorted(map(str, statuses | {first_status})), "bytes": size}


def _load() -> list[float] | None:
    try:
        return [round(n, 2) for n in os.getloadavg()]
    except OSError:
        return None


def run(options) -> dict:
    """Build the database, take every measurement; the results."""
    from registry.documents import rendering

    results: dict = {
        "when": datetime.now().astimezone().isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": {"cpus": os.cpu_count(), "load_average_start": _load()},
        "targets": {"render_s": TARGET_RENDER_S, "from_storage_s": TARGET_STORED_S},
    }
    with tempfile.TemporaryDirectory(prefix="registry-bench-documents-") as name:
        folder = Path(name)
        app = build_app(folder)
        agreement_id, staff_id = seed(app)

        # Cold: the first render in this very process (weasyprint not imported yet) ...
        assert "weasyprint" not in sys.modules, "WeasyPrint was loaded before the cold render"
        first_s, first = _render(app, agreement_id, staff_id)
        results["pages"] = page_count(first["path"])
        results["pdf_bytes"] = first["bytes"]
        # ... and in new processes, with and without warm_up() at their start.
        cold = [first_s] + [
            r["render_s"]
            for r in cold_runs(folder, agreement_id, staff_id, options.cold_runs - 1, False)
        ]
        after_warm_up = cold_runs(folder, agreement_id, staff_id, options.cold_runs, True)
        results["cold"] = summary(cold)
        results["first_after_warm_up"] = summary([r["render_s"] for r in after_warm_up])
        results["warm_up"] = summary([r["warm_up_s"] for r in after_warm_up])

        # Warm: each run changes the agreement first, so each render is of new content.
        warm, pdfa = [], []
        for revision in range(1, options.warm_runs + 1):
            _change(app, agreement_id, staff_id, revision)
            elapsed, info = _render(app, agreement_id, staff_id)
            if not info["rendered"]:
                raise RuntimeError("a changed agreement was not rendered again")
            warm.append(elapsed)
        for revision in range(1, max(3, options.warm_runs // 3) + 1):
            _change(app, agreement_id, staff_id, 100 + revision)
            pdfa.append(_render(app, agreement_id, staff_id, "pdfa-th")[0])
        results["warm_changed"] = summary(warm)
        results["warm_changed_pdfa"] = summary(pdfa)

        # Only the rendering, without storing or auditing (the figure the renderer owns).
        results["render_pdf_only"] = summary(render_only(app, agreement_id, options.warm_runs))

        downloads, info = measure_downloads(app, agreement_id, options.runs)
        results["from_storage"] = summary(downloads)
        results["from_storage"].update(info)
        with app.app_context():
            from registry.db import db

            db.session.remove()
            db.engine.dispose()
    results["machine"]["load_average_end"] = _load()
    results["form_revision"] = rendering.FORM_REVISION
    return results


def render_only(app, agreement_id: int, runs: int) -> list[float]:
    """Time ``printing.render`` alone (no database writes), with a verification stamp."""
    from registry.agreements import printing
    from registry.agreements.models import Agreement
    from registry.db import db
    from registry.documents.rendering import Stamp

    timings = []
    with app.app_context():
        agreement = db.session.get(Agreement, agreement_id)
        for number in range(runs):
            stamp = Stamp(
                reference=agreement.reference,
                version=900 + number,
                verify_url=f"https://registry.example/verify/{'x' * 40}{number:03d}",
                produced_on=date.today(),
            )
            started = time.perf_counter()
            printing.render(agreement, "th", stamp)
            timings.append(time.perf_counter() - started)
        db.session.remove()
    return timings


def print_table(results: dict) -> None:
    """One line per measurement, with its target and verdict."""
    rows = [
        ("cold: first render in a new process", results["cold"], TARGET_RENDER_S),
        ("cold: first render after warm_up()", results["first_after_warm_up"], TARGET_RENDER_S),
        ("warm_up() at process start", results["warm_up"], None),
        ("warm: render of a changed agreement", results["warm_changed"], TARGET_RENDER_S),
        ("warm: changed, PDF/A copy", results["warm_changed_pdfa"], None),
        ("warm: rendering only (no storing)", results["render_pdf_only"], None),
        ("repeat download from storage (HTTP)", results["from_storage"], TARGET_STORED_S),
    ]
    width = max(len(label) for label, _, _ in rows)
    header = f"{'measurement':<{width}}  {'runs':>4}  {'median':>9}  {'p95':>9}  {'target':>8}  "
    header += "verdict"
    print()
    print(
        f"== agreement PDF · {results['pages']} pages, {results['pdf_bytes']:,} bytes · "
        f"Python {results['python']} · {results['machine']['cpus']} CPUs · load average "
        f"{results['machine']['load_average_start']} (a busy machine gives higher figures)"
    )
    print(header)
    print("-" * len(header))
    for label, figures, target in rows:
        verdict = ""
        if target is not None:
            if figures["p95_s"] <= target:
                verdict = "ok"
            elif figures["median_s"] <= target:
                verdict = "median ok, p95 over"
            else:
                verdict = "OVER"
        print(
            f"{label:<{width}}  {figures['runs']:>4}  {_ms(figures['median_s']):>9}  "
            f"{_ms(figures['p95_s']):>9}  {_ms(target) if target else '':>8}  {verdict}"
        )
    print(f"load average at the end: {results['machine']['load_average_end']}")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="downloads from storage (30)")
    parser.add_argument("--warm-runs", type=int, default=10, help="renders of changes (10)")
    parser.add_argument("--cold-runs", type=int, default=3, help="cold-start processes (3)")
    parser.add_argument("--json", type=Path, default=RESULTS, help=f"where to save ({RESULTS})")
    parser.add_argument("--cold-child", nargs=3, metavar=("FOLDER", "AGREEMENT", "USER"),
                        help=argparse.SUPPRESS)  # fmt: skip
    parser.add_argument("--warm-up", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.cold_child:
        folder, agreement_id, staff_id = options.cold_child
        cold_child(Path(folder), int(agreement_id), int(staff_id), options.warm_up)
        return 0
    if min(options.runs, options.warm_runs, options.cold_runs) < 1:
        parser.error("every number of runs must be at least 1")
    try:
        results = run(options)
    except Exception as error:  # a failed render or request: say so and fail
        print(f"bench.documents: FAILED: {error}", file=sys.stderr)
        raise
    failed = results["from_storage"]["statuses"] != ["200"]
    print_table(results)
    options.json.parent.mkdir(parents=True, exist_ok=True)
    options.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"saved {options.json}")
    if failed:
        print(f"downloads answered {results['from_storage']['statuses']}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
