"""Committee meetings: scheduling and numbering, the agenda in five sections, attendance and
quorum, resolutions and action items, certification of minutes, and the printed agenda and
minutes."""
