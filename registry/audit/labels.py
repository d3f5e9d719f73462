"""How actions and record types read in the audit log, in the reader's language."""

from flask_babel import lazy_gettext as _l

#: Every action the services record, with its label.
ACTION_LABELS = {
    "created": _l("created"),
    "created (demo data)": _l("created (demo data)"),
    "updated": _l("updated"),
    "updated (demo data)": _l("updated (demo data)"),
    "deactivated": _l("deactivated"),
    "reactivated": _l("reactivated"),
    "exported personal data": _l("exported personal data"),
    "erased personal data": _l("erased personal data"),
    "signed in": _l("signed in"),
    "signed out": _l("signed out"),
    "changed password": _l("changed password"),
    "reset password": _l("reset password"),
    "changed language": _l("changed language"),
    "changed setting": _l("changed setting"),
    "made backup": _l("made backup"),
    "restored backup": _l("restored backup"),
    "imported": _l("imported a file"),
    "exported": _l("exported a list"),
    "invited": _l("invited as representative"),
    "revoked invitation": _l("withdrew invitation"),
    "accepted invitation": _l("accepted invitation"),
    "generated document": _l("generated document"),
    "submitted for review": _l("submitted for review"),
    "approved": _l("approved"),
    "returned to draft": _l("returned to draft"),
    "signed": _l("signed"),
    "terminated": _l("terminated"),
    "renewed": _l("renewed"),
    "recorded amendment": _l("recorded an amendment"),
    "uploaded signed copy": _l("filed the signed copy"),
    "sent expiry reminder": _l("sent an expiry reminder"),
    "appointed": _l("appointed"),
    "ended": _l("ended"),
    "dissolved": _l("dissolved"),
}

#: Every record type (table) that appears in the log, with its label.
RECORD_LABELS = {
    "users": _l("user account"),
    "organisations": _l("organisation"),
    "settings": _l("setting"),
    "backup": _l("backup"),
    "imports": _l("imported file"),
    "contacts": _l("contact"),
    "invitations": _l("invitation"),
    "document_versions": _l("generated document"),
    "agreements": _l("agreement (MOU/MOA)"),
    "committees": _l("committee"),
    "committee_memberships": _l("committee seat"),
}


def action_label(action: str) -> str:
    """The action in the reader's language (unknown actions as recorded)."""
    return str(ACTION_LABELS.get(action, action))


def record_label(record_type: str | None) -> str:
    """The record type in the reader's language (unknown types as recorded)."""
    return str(RECORD_LABELS.get(record_type, record_type or ""))
