"""The words shown for a meeting's statuses, the agenda's sections, resolutions' outcomes
and kinds of attendance."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .models import AgendaSection, AttendanceKind, MeetingStatus, Outcome

STATUS_LABELS = {
    MeetingStatus.SCHEDULED: _l("Scheduled"),
    MeetingStatus.HELD: _l("Held"),
    MeetingStatus.MINUTES_DRAFTED: _l("Minutes drafted"),
    MeetingStatus.MINUTES_CERTIFIED: _l("Minutes certified"),
    MeetingStatus.CANCELLED: _l("Cancelled"),
}

SECTION_LABELS = {
    AgendaSection.ANNOUNCEMENTS: _l("Matters the chair informs the meeting of"),
    AgendaSection.CERTIFY_MINUTES: _l("Certification of the minutes"),
    AgendaSection.MATTERS_ARISING: _l("Matters arising"),
    AgendaSection.FOR_CONSIDERATION: _l("Matters for consideration"),
    AgendaSection.OTHER: _l("Other matters"),
}

OUTCOME_LABELS = {
    Outcome.NOTED: _l("Noted"),
    Outcome.APPROVED: _l("Approved"),
    Outcome.APPROVED_WITH_CHANGES: _l("Approved with changes"),
    Outcome.REJECTED: _l("Rejected"),
    Outcome.DEFERRED: _l("Deferred"),
}

ATTENDANCE_LABELS = {
    AttendanceKind.PRESENT: _l("Present"),
    AttendanceKind.ABSENT: _l("Absent"),
    AttendanceKind.SUBSTITUTE: _l("Substitute attends"),
    AttendanceKind.GUEST: _l("Guest"),
}
