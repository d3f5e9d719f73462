"""The words shown for committees' kinds, members' roles and quorum rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .models import CommitteeKind, MemberRole, QuorumRule

KIND_LABELS = {
    CommitteeKind.JOINT: _l("Joint committee"),
    CommitteeKind.SUBCOMMITTEE: _l("Subcommittee"),
    CommitteeKind.WORKING_GROUP: _l("Working group"),
}

ROLE_LABELS = {
    MemberRole.CHAIR: _l("Chair"),
    MemberRole.VICE_CHAIR: _l("Vice chair"),
    MemberRole.MEMBER: _l("Member"),
    MemberRole.SECRETARY: _l("Member and secretary"),
    MemberRole.ASSISTANT_SECRETARY: _l("Assistant secretary"),
}

QUORUM_LABELS = {
    QuorumRule.MORE_THAN_HALF: _l("More than half of the sitting members"),
    QuorumRule.TWO_THIRDS: _l("At least two thirds of the sitting members"),
    QuorumRule.FIXED: _l("At least a set number of members"),
}
