"""Meetings for the benchmark: numbered ครั้งที่ n/พ.ศ. per committee and Buddhist year, with
the agenda in the five sections (certifying the previous minutes, following up its action
items, some items putting proposals to the meeting), attendance of the seats sitting on the
day (present, absent with a reason, substitutes, guests), resolutions and action items (some
overdue). Past meetings are certified at the next one; the latest is held or drafted; those
ahead are scheduled; a few were cancelled."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from registry.committees.models import ROLE_TITLES_TH, MemberRole
from registry.meetings.models import BE_OFFSET, AgendaSection, MeetingStatus

from .committees import Committees, sitting
from .organisations import Register
from .text import (
    ABSENCE_REASONS,
    ACTIONS,
    ANNOUNCEMENTS,
    POSITIONS,
    RESOLUTIONS,
    VENUES,
    full_name,
    project_title,
)

M = MeetingStatus


@dataclass
class Meetings:
    """The rows made for the meeting tables."""

    meetings: list[dict] = field(default_factory=list)
    items: list[dict] = field(default_factory=list)
    actions: list[dict] = field(default_factory=list)
    attendance: list[dict] = field(default_factory=list)
    #: (meeting id, certified at meeting id): written after the insert (a later row).
    certified_at: list[dict] = field(default_factory=list)
    #: The agenda items that asked for action items.
    acted: set[int] = field(default_factory=set)


def _shares(total: int, committees: Committees, today: date) -> dict[int, list[date]]:
    """How many meetings each committee holds (by its weight, within what its life allows),
    and their days: about evenly spread over its life, up to three months ahead."""
    windows = {}
    for row in committees.committees:
        first = row["established_on"] + timedelta(days=14)
        last = row["dissolved_on"] or today + timedelta(days=90)
        windows[row["id"]] = (first, last, max(1, (last - first).days // 10))
    dissolved = {row["id"] for row in committees.committees if row["dissolved_on"]}
    counts = dict.fromkeys(windows, 0)
    weight_sum = sum(committees.weights.values())
    for ident, weight in committees.weights.items():
        counts[ident] = min(windows[ident][2], int(total * weight / weight_sum))
    short = total - sum(counts.values())
    order = sorted(windows, key=lambda ident: -committees.weights[ident])
    while short > 0 and any(counts[i] < windows[i][2] for i in order):
        for ident in order:
            if short and counts[ident] < windows[ident][2]:
                counts[ident] += 1
                short -= 1
    days = {}
    for ident, count in counts.items():
        first, last, _ = windows[ident]
        step = (last - first).days / max(1, count)
        chosen = []
        for n in range(count):
            day = first + timedelta(days=int(n * step + step / 2))
            while day.weekday() >= 5:
                day -= timedelta(days=1)
            chosen.append(max(first, day))
        if count >= 2 and ident not in dissolved:  # every committee at work has a next meeting
            chosen[-1] = _weekday_after(max(today + timedelta(days=21), chosen[-2]))
        days[ident] = chosen
    return days


def _weekday_after(day: date) -> date:
    """The first working day after a day."""
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def build(
    total: int,
    committees: Committees,
    register: Register,
    tabled: list[int],
    titles: dict[int, str],
    rng: random.Random,
    today: date,
) -> Meetings:
    """Numbered meetings with their agenda items, action items and attendance lines."""
    made = Meetings()
    pool = list(tabled)
    rng.shuffle(pool)
    for committee_id, days in _shares(total, committees, today).items():
        seats = committees.seats[committee_id]
        numbers: dict[int, int] = {}
        previous = None  # the last meeting held, with its items
        held_days = [day for day in days if day <= today and rng.random() >= 0.03]
        for day in days:
            year = day.year + BE_OFFSET
            numbers[year] = numbers.get(year, 0) + 1
            if day > today:
                status = M.SCHEDULED
            elif day not in held_days:
                status = M.CANCELLED
            elif day == held_days[-1]:
                status = M.HELD if (today - day).days < 10 else M.MINUTES_DRAFTED
            else:
                status = M.MINUTES_CERTIFIED
            meeting = _meeting(
                made, committee_id, year, numbers[year], day, status, seats, register, rng, today
            )
            items = _agenda(made, meeting, previous, pool, titles, rng, today)
            if status in (M.HELD, M.MINUTES_DRAFTED, M.MINUTES_CERTIFIED):
                _attendance(made, meeting, seats, register, rng)
                if previous is not None:
                    made.certified_at.append({"key": previous["id"], "at": meeting["id"]})
                    made.meetings[previous["id"] - 1]["certified_on"] = day
                previous = {**meeting, "items": items}
    return made


def _meeting(made, committee_id, year, number, day, status, seats, register, rng, today) -> dict:
    ident = len(made.meetings) + 1
    morning = rng.random() < 0.5
    starts = time(9, 30) if morning else time(13, 30)
    ends = time(12, 0) if morning else time(16, 0)
    held = status in (M.HELD, M.MINUTES_DRAFTED, M.MINUTES_CERTIFIED)
    on_day = {seat["role"]: seat for seat in sitting(seats, day)}
    taker = on_day.get(MemberRole.ASSISTANT_SECRETARY.value) or on_day.get(
        MemberRole.SECRETARY.value
    )
    reviewer = on_day.get(MemberRole.SECRETARY.value)
    electronic = rng.random() < 0.3
    sent = day - timedelta(days=7)
    created = datetime.combine(day - timedelta(days=rng.randint(14, 30)), time(3, 0))
    row = {
        "id": ident,
        "committee_id": committee_id,
        "year_be": year,
        "number": number,
        "held_on": day,
        "starts_at": starts,
        "ends_at": ends,
        "venue": rng.choice(VENUES) if not electronic or rng.random() < 0.5 else None,
        "electronic": electronic,
        "online_link": f"https://meet.dga.example/c{committee_id}" if electronic else None,
        "status": status.value,
        "cancel_reason": "ประธานติดภารกิจเร่งด่วน" if status is M.CANCELLED else None,
        "opened_at": time(starts.hour, starts.minute + rng.randint(0, 15)) if held else None,
        "closed_at": time(ends.hour - rng.randint(0, 1), rng.randint(0, 59)) if held else None,
        "quorum_note": None,
        "minute_taker_name": register.contact_name(taker["contact_id"]) if held and taker else None,
        "minute_taker_position": ROLE_TITLES_TH[MemberRole(taker["role"])]
        if held and taker
        else None,
        "reviewer_name": register.contact_name(reviewer["contact_id"])
        if held and reviewer
        else None,
        "reviewer_position": ROLE_TITLES_TH[MemberRole.SECRETARY] if held and reviewer else None,
        "certified_at_meeting_id": None,
        "certified_on": None,
        "certification_changes": None,
        "invitations_sent_at": datetime.combine(sent, time(2, 0)) if sent <= today else None,
        "created_at": created,
        "updated_at": created,
    }
    made.meetings.append(row)
    return row


def _item(made, meeting, section, position, title, **fields) -> dict:
    row = {
        "id": len(made.items) + 1,
        "meeting_id": meeting["id"],
        "section": int(section),
        "position": position,
        "title": title[:500],
        "body": None,
        "certifies_meeting_id": None,
        "follows_item_id": None,
        "resolution": None,
        "outcome": None,
        "votes_for": None,
        "votes_against": None,
        "votes_abstain": None,
        "proposal_id": None,
        **fields,
    }
    made.items.append(row)
    return row


def _resolve(item: dict, outcome: str, rng: random.Random) -> None:
    item["outcome"] = outcome
    item["resolution"] = rng.choice(RESOLUTIONS[outcome])


def _agenda(made, meeting, previous, pool, titles, rng, today) -> list[dict]:
    """The five sections; resolutions and action items once the meeting was held."""
    held = meeting["status"] in (M.HELD.value, M.MINUTES_DRAFTED.value, M.MINUTES_CERTIFIED.value)
    items = []
    for position in range(1, rng.randint(1, 2) + 1):
        item = _item(
            made, meeting, AgendaSection.ANNOUNCEMENTS, position, rng.choice(ANNOUNCEMENTS)
        )
        if held:
            _resolve(item, "noted", rng)
        items.append(item)
    if previous is not None:
        item = _item(
            made,
            meeting,
            AgendaSection.CERTIFY_MINUTES,
            1,
            f"รับรองรายงานการประชุมครั้งที่ {previous['number']}/{previous['year_be']}",
            certifies_meeting_id=previous["id"],
        )
        if held:
            changed = rng.random() < 0.1
            item["outcome"] = "approved_with_changes" if changed else "approved"
            item["resolution"] = (
                "ที่ประชุมรับรองรายงานการประชุม โดยมีการแก้ไข"
                if changed
                else "ที่ประชุมรับรองรายงานการประชุมโดยไม่มีการแก้ไข"
            )
            if changed:
                made.meetings[previous["id"] - 1]["certification_changes"] = (
                    "แก้ไขชื่อผู้เข้าร่วมประชุมในหน้า 2 ให้ถูกต้อง"
                )
        items.append(item)
        followed = [i for i in previous["items"] if i["id"] in made.acted][:2]
        for position, earlier in enumerate(followed, 1):
            item = _item(
                made,
                meeting,
                AgendaSection.MATTERS_ARISING,
                position,
                f"ความคืบหน้า: {earlier['title']}",
                follows_item_id=earlier["id"],
            )
            if held:
                _resolve(item, "noted", rng)
            items.append(item)
    for position in range(1, rng.randint(1, 3) + 1):
        proposal = pool.pop() if pool and rng.random() < 0.4 else None
        title = titles[proposal] if proposal else project_title(rng)
        item = _item(
            made,
            meeting,
            AgendaSection.FOR_CONSIDERATION,
            position,
            f"การพิจารณา{title}",
            body="ฝ่ายเลขานุการขอให้ที่ประชุมพิจารณาตามที่เสนอ",
            proposal_id=proposal,
        )
        if held:
            outcome = rng.choice(
                ["approved"] * 5 + ["approved_with_changes"] * 2 + ["deferred"] * 2 + ["rejected"]
            )
            _resolve(item, outcome, rng)
            if rng.random() < 0.2:
                item["votes_for"] = rng.randint(5, 12)
                item["votes_against"] = rng.randint(0, 3)
                item["votes_abstain"] = rng.randint(0, 2)
            if outcome.startswith("approved") and rng.random() < 0.6:
                _actions(made, item, meeting["held_on"], rng, today)
        items.append(item)
    if rng.random() < 0.5:
        item = _item(made, meeting, AgendaSection.OTHER, 1, "กำหนดการประชุมครั้งต่อไป")
        if held:
            _resolve(item, "noted", rng)
        items.append(item)
    return items


def _actions(made, item, held_on, rng, today) -> None:
    made.acted.add(item["id"])
    for _ in range(rng.randint(1, 2)):
        due = held_on + timedelta(days=rng.randint(30, 120))
        done = None
        if rng.random() < (0.75 if due < today else 0.2):
            done = min(today, held_on + timedelta(days=rng.randint(7, (due - held_on).days + 20)))
        made.actions.append(
            {
                "id": len(made.actions) + 1,
                "agenda_item_id": item["id"],
                "text": rng.choice(ACTIONS),
                "owner": rng.choice(("ฝ่ายเลขานุการ", "ผู้เสนอ", "คณะทำงาน", "สมาคมพันธมิตร")),
                "due_on": due,
                "done_on": done,
            }
        )


def _attendance(made, meeting, seats, register, rng) -> None:
    """A line per seat sitting on the day, and a guest or two."""
    for seat in sitting(seats, meeting["held_on"]):
        roll = rng.random()
        line = {
            "meeting_id": meeting["id"],
            "membership_id": seat["id"],
            "kind": "present",
            "absence_reason": None,
            "name": None,
            "position": None,
            "organisation_name": None,
        }
        if roll < 0.1 and seat["role"] != MemberRole.CHAIR.value:
            line |= {"kind": "absent", "absence_reason": rng.choice(ABSENCE_REASONS)}
        elif roll < 0.18 and seat["role"] == MemberRole.MEMBER.value:
            line |= {
                "kind": "substitute",
                "name": full_name(rng),
                "position": rng.choice(POSITIONS),
            }
        made.attendance.append(line)
    for _ in range(rng.randint(0, 2)):
        organisation = register.organisation(rng.choice(register.partner_ids))
        made.attendance.append(
            {
                "meeting_id": meeting["id"],
                "membership_id": None,
                "kind": "guest",
                "absence_reason": None,
                "name": full_name(rng),
                "position": rng.choice(POSITIONS),
                "organisation_name": organisation["name_th"],
            }
        )
