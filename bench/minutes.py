"""Benchmark of the meeting minutes PDF (issue 5: minutes with 30 agenda items and 25
attendees render in under 1 s).

Builds a throwaway SQLite database with the migrations in a temporary folder: a joint
committee with 25 sitting members (chair, vice chair, 21 members, secretary, assistant
secretary) and a held meeting with 25 attendance lines (18 present, 3 substitutes, 4 absent
with reasons) plus 2 guests, and 30 agenda items over the five sections, each with a body,
a resolution, some with votes and action items. Then it measures, in milliseconds:

- cold: the first render in a fresh Python process, which also loads WeasyPrint, Pango
  and the fonts (``--cold-runs`` processes), and the first render in a fresh process that
  called ``rendering.warm_up()`` at start, as a worker would;
- warm: the minutes rendered again after each change of the meeting (Thai and English);
- from storage: the minutes asked for again unchanged (served from storage, no render).

    .venv/bin/python -m bench.minutes [--warm-runs 5] [--stored-runs 20] [--cold-runs 2]

Exit status 1 when a render failed (not when the target is missed: the figures depend on
the machine and on what else it runs).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import redirect_stderr
from datetime import date
from datetime import time as clock
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: The target of issue 5, in milliseconds.
TARGET_MS = 1000

MEMBERS = 25
ITEMS_PER_SECTION = {1: 3, 2: 1, 3: 4, 4: 18, 5: 4}  # 30 items


def _app(folder: Path):
    """The application on a new SQLite database in ``folder`` (migrated on first use)."""
    import flask_migrate

    from registry import create_app

    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    app = create_app(
        {
            "SECRET_KEY": "bench-minutes",
            "STORAGE_DIR": str(folder / "files"),
            "MAIL_FOLDER": str(folder / "mail"),
            "BACKUP_DIR": str(folder / "backups"),
        }
    )
    with app.app_context(), redirect_stderr(io.StringIO()):
        flask_migrate.upgrade()
    return app


def build(app) -> int:
    """The committee, its 25 seats and the meeting to print; returns the meeting's id."""
    from registry import audit
    from registry.committees import services as committees
    from registry.db import db
    from registry.meetings.models import (
        ActionItem,
        AgendaItem,
        Attendance,
        AttendanceKind,
        Meeting,
        MeetingStatus,
        Outcome,
    )
    from registry.organisations.models import Contact, Organisation, OrganisationKind, PdpaBasis

    start = date(2024, 1, 1)
    with app.app_context():
        organisations = []
        for n in range(6):
            organisation = Organisation(
                name_th=f"สมาคมนวัตกรรมดิจิทัลไทย สาขาที่ {n + 1}",
                name_en=f"Thai Digital Innovation Association, chapter {n + 1}",
                acronym=f"TDIA{n + 1}",
                kind=OrganisationKind.OWN_AGENCY if n == 0 else OrganisationKind.ASSOCIATION,
            )
            db.session.add(organisation)
            organisations.append(organisation)
        contacts = []
        for n in range(MEMBERS):
            contact = Contact(
                organisation=organisations[n % len(organisations)],
                title=("นาย", "นาง", "นางสาว", "ดร.")[n % 4],
                first_name=f"กรรมการคนที่{n + 1}",
                last_name="ทดสอบระบบ",
                position=("นายกสมาคม", "อุปนายกสมาคม", "ผู้อำนวยการ", "กรรมการบริหาร")[n % 4],
                email=f"member{n + 1}@example.or.th",
                pdpa_basis=PdpaBasis.LEGITIMATE_INTEREST,
            )
            db.session.add(contact)
            contacts.append(contact)
        audit.record_event(None, "created (demo data)", record_type="organisations")
        db.session.commit()
        committee = committees.create_committee(
            actor=None,
            kind="joint_committee",
            name_th="คณะกรรมการร่วมด้านนวัตกรรมดิจิทัลภาครัฐ",
            name_en="Joint Committee on Government Digital Innovation",
            established_on=start,
        )
        roles = ["chair", "vice_chair"] + ["member"] * 21 + ["secretary", "assistant_secretary"]
        seats = [
            committees.appoint(
                committee, actor=None, contact_id=contact.id, role=role, term_start=start
            )
            for contact, role in zip(contacts, roles, strict=True)
        ]
        held_on = date(2026, 3, 17)
        meeting = Meeting(
            committee_id=committee.id,
            year_be=held_on.year + 543,
            number=2,
            held_on=held_on,
            starts_at=clock(13, 30),
            ends_at=clock(16, 30),
            venue="ห้องประชุม 1 ชั้น 17 อาคารเอ็กซิม",
            status=MeetingStatus.MINUTES_DRAFTED,
            opened_at=clock(13, 30),
            closed_at=clock(16, 45),
            minute_taker_name="นางสาวจด รายงาน",
            minute_taker_position="นักวิเคราะห์นโยบายและแผน",
            reviewer_name="นางสาวตรวจ ทาน",
            reviewer_position="ผู้อำนวยการฝ่ายเลขานุการ",
        )
        db.session.add(meeting)
        db.session.flush()
        for index, seat in enumerate(seats):
            line = Attendance(meeting_id=meeting.id, membership_id=seat.id)
            if index in (5, 9, 13):
                line.kind = AttendanceKind.SUBSTITUTE
                line.name = f"นางสาวผู้แทนคนที่{index} มาแทน"
                line.position = "ผู้จัดการฝ่ายนวัตกรรม"
            elif index in (7, 11, 15, 19):
                line.kind = AttendanceKind.ABSENT
                line.absence_reason = "ติดราชการต่างประเทศ"
            else:
                line.kind = AttendanceKind.PRESENT
            db.session.add(line)
        for n in range(2):
            db.session.add(
                Attendance(
                    meeting_id=meeting.id,
                    kind=AttendanceKind.GUEST,
                    name=f"นายแขกรับเชิญคนที่{n + 1} ทดสอบ",
                    position="ที่ปรึกษาโครงการ",
                    organisation_name="บริษัท ตัวอย่างนวัตกรรม จำกัด",
                )
            )
        body = (
            "ฝ่ายเลขานุการเสนอเรื่องเพื่อให้ที่ประชุมพิจารณา โดยสมาคมที่เกี่ยวข้องได้ร่วมกันจัดทำ"
            "ข้อเสนอเพื่อแก้ปัญหาการให้บริการของหน่วยงานภาครัฐด้วยเทคโนโลยีดิจิทัล\n"
            "รายละเอียดตามเอกสารประกอบการประชุม"
        )
        for section, count in ITEMS_PER_SECTION.items():
            for position in range(1, count + 1):
                item = AgendaItem(
                    meeting_id=meeting.id,
                    section=section,
                    position=position,
                    title=f"เรื่องที่ {section}.{position} ข้อเสนอโครงการนวัตกรรมดิจิทัลภาครัฐ",
                    body=body,
                    resolution="ที่ประชุมพิจารณาแล้วเห็นชอบตามที่ฝ่ายเลขานุการเสนอ "
                    "โดยให้สมาคมที่เกี่ยวข้องจัดทำรายละเอียดเพิ่มเติม",
                    outcome=Outcome.APPROVED,
                )
                if section == 4 and position % 3 == 0:
                    item.votes_for, item.votes_against, item.votes_abstain = 18, 2, 1
                db.session.add(item)
                db.session.flush()
                if section == 4 and position % 2 == 0:
                    db.session.add(
                        ActionItem(
                            agenda_item_id=item.id,
                            text="จัดทำรายละเอียดโครงการเสนอที่ประชุมครั้งต่อไป",
                            owner="ฝ่ายเลขานุการ",
                            due_on=date(2026, 4, 30),
                        )
                    )
        audit.record_event(None, "created (demo data)", record_type="meetings")
        db.session.commit()
        return meeting.id


def _pages(path: Path) -> int:
    """How many pages a PDF has (pdfinfo, from poppler-utils)."""
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))


def _publish(app, meeting_id: int, lang: str = "th") -> dict:
    """Publish the minutes: wall-clock and CPU milliseconds, pages, whether it rendered."""
    from registry.db import db
    from registry.documents.services import file_path
    from registry.meetings import printing
    from registry.meetings.models import Meeting

    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        before = {v.id for v in printing.versions(meeting)}
        began, cpu = time.perf_counter(), time.process_time()
        version = printing.publish_minutes(meeting, lang, None)
        return {
            "ms": (time.perf_counter() - began) * 1000,
            "cpu_ms": (time.process_time() - cpu) * 1000,
            "pages": _pages(file_path(version)),
            "rendered": version.id not in before,
        }


def _change(app, meeting_id: int, n: int) -> None:
    """Change one resolution, so the next publish renders a new version."""
    from registry import audit
    from registry.db import db
    from registry.meetings.models import AgendaItem

    with app.app_context():
        item = db.session.scalars(
            db.select(AgendaItem).where(AgendaItem.meeting_id == meeting_id).limit(1)
        ).one()
        item.resolution = f"ที่ประชุมรับทราบ (ฉบับแก้ไขที่ {n})"
        audit.record_event(None, "updated (demo data)", item)
        db.session.commit()


def child(folder: Path, meeting_id: int, warm_up: bool) -> None:
    """In a fresh process: the first render (after warm_up() when asked); prints ms."""
    app = _app(folder)
    _change(app, meeting_id, int(time.time() * 1000) % 100000)
    warm_ms = 0.0
    if warm_up:
        from registry.documents import rendering

        began = time.perf_counter()
        with app.app_context():
            rendering.warm_up()
        warm_ms = (time.perf_counter() - began) * 1000
    print(json.dumps(_publish(app, meeting_id) | {"warm_up_ms": warm_ms}))


def _cold(folder: Path, meeting_id: int, warm_up: bool) -> dict:
    command = [sys.executable, "-m", "bench.minutes", "--child", str(folder), str(meeting_id)]
    if warm_up:
        command.append("--warm-up")
    result = subprocess.run(
        command, cwd=PROJECT_ROOT, capture_output=True, text=True, check=True, timeout=300
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warm-runs", type=int, default=5)
    parser.add_argument("--stored-runs", type=int, default=20)
    parser.add_argument("--cold-runs", type=int, default=2)
    parser.add_argument(
        "--child", nargs=2, metavar=("FOLDER", "MEETING_ID"), help=argparse.SUPPRESS
    )
    parser.add_argument("--warm-up", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.child:
        child(Path(options.child[0]), int(options.child[1]), options.warm_up)
        return 0

    with tempfile.TemporaryDirectory(prefix="bench-minutes-") as temporary:
        folder = Path(temporary)
        app = _app(folder)
        meeting_id = build(app)
        rows: list[tuple[str, list[dict], str]] = []

        cold = [_cold(folder, meeting_id, False) for _ in range(options.cold_runs)]
        warmed = [_cold(folder, meeting_id, True) for _ in range(options.cold_runs)]
        if not all(run["rendered"] for run in cold + warmed):
            print("a cold run was served from storage: the content did not change")
            return 1
        rows.append(("cold: first render in a new process", cold, ""))
        warm_up_ms = _median([run["warm_up_ms"] for run in warmed])
        rows.append(
            ("cold: first render after warm_up()", warmed, f"warm_up() {warm_up_ms:.0f} ms")
        )

        for lang in ("th", "en"):
            runs = []
            for n in range(options.warm_runs):
                _change(app, meeting_id, n + (100 if lang == "en" else 0))
                runs.append(_publish(app, meeting_id, lang))
            if not all(run["rendered"] for run in runs):
                print("a warm run was served from storage: the content did not change")
                return 1
            rows.append(
                (f"warm: render after a change ({lang})", runs, f"{runs[0]['pages']} pages")
            )

        stored = [_publish(app, meeting_id, "en") for _ in range(options.stored_runs)]
        if any(run["rendered"] for run in stored):
            print("an unchanged meeting was rendered again")
            return 1
        rows.append(("from storage: unchanged, no render", stored, ""))

    items = sum(ITEMS_PER_SECTION.values())
    print(f"Minutes: {items} agenda items, {MEMBERS} attendees and 2 guests; target {TARGET_MS} ms")
    print(f"Load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"  {'':4} {'':42} {'median':>8} {'best':>8} {'CPU':>8}")
    for what, runs, note in rows:
        median = _median([run["ms"] for run in runs])
        best = min(run["ms"] for run in runs)
        cpu = _median([run["cpu_ms"] for run in runs])
        mark = "ok  " if median < TARGET_MS else "SLOW"
        print(f"  {mark} {what:<42} {median:8.0f} {best:8.0f} {cpu:8.0f}  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
