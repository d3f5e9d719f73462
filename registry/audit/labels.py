"""How actions and record types read in the audit log, in the reader's language."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext_l

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
    "password hash renewed": _l("password hash renewed"),
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
    "scheduled": _l("scheduled"),
    "cancelled": _l("cancelled"),
    "added automatically": _l("added automatically"),
    "moved": _l("moved"),
    "deleted": _l("deleted"),
    "recorded attendance": _l("recorded attendance"),
    "marked held": _l("marked as held"),
    "marked minutes drafted": _l("marked the minutes drafted"),
    "recorded resolution": _l("recorded a resolution"),
    "certified minutes": _l("certified the minutes"),
    "marked done": _l("marked done"),
    "sent invitations": _l("sent invitations"),
    "submitted proposal": _l("submitted a proposal"),
    "changed status": _l("changed the status"),
    "withdrew proposal": _l("withdrew the proposal"),
    "added attachment": _l("added a file"),
    "removed attachment": _l("removed a file"),
    "endorsed": _l("endorsed"),
    "recorded endorsement": _l("recorded an endorsement received on paper"),
    "withdrew endorsement": _l("withdrew the endorsement"),
    "placed on agenda": _l("placed on a meeting's agenda"),
    "annexed to agreement": _l("annexed to an agreement"),
    "removed from agreement": _l("removed from an agreement"),
    "issued API token": _l("issued an API token"),
    "revoked API token": _l("revoked an API token"),
    "filed letter": _l("filed a letter"),
    "issued letter": _l("issued a letter"),
    "mailed letter": _l("mailed a letter"),
    "signed document": _l("signed electronically"),
    "accepted signed document": _l("accepted a document signed elsewhere"),
    "filed reviewed draft": _l("filed a reviewed draft"),
    "renumbered": pgettext_l("meeting", "renumbered"),
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
    "meetings": _l("meeting"),
    "agenda_items": _l("agenda item"),
    "action_items": _l("action item"),
    "meeting_attendance": _l("meeting attendance"),
    "minutes_amendments": _l("amendment to minutes"),
    "meeting_agendas": _l("meeting agenda (PDF)"),
    "meeting_minutes": _l("meeting minutes (PDF)"),
    "proposals": _l("proposal"),
    "proposal_categories": _l("proposal category"),
    "proposal_attachments": _l("file filed with a proposal"),
    "proposal_endorsements": _l("endorsement of a proposal"),
    "proposal_status_changes": _l("change of a proposal's status"),
    "agreement_annexes": _l("proposal annexed to an agreement"),
    "api_tokens": _l("API token"),
    "letters": pgettext_l("official letter", "letter"),
    "signed_copies": _l("signed copy of a document"),
    "agreement_reviews": _l("reviewed draft of an agreement"),
}


#: Fields the audit log keeps but does not show: the record's version, raised by every save
#: (``registry.versions`` reads it to find what changed since a form was opened), the keys
#: derived from a name for sorting and searching, and the counter that signs an account out
#: everywhere. None of them is something a person typed or a page shows.
HIDDEN_FIELDS = frozenset(
    {"lock_version", "sort_key", "name_key", "search_text", "session_version"}
)


def _shown(name: str) -> bool:
    """Whether the log shows a changed field: not a hidden one, not the record's own id (the
    log names the record beside), not where a file is stored (its name and fingerprint are
    shown)."""
    stored_at = name == "path" or name.endswith("_path")
    return name not in HIDDEN_FIELDS and name != "id" and not stored_at


def visible_changes(changes: dict | None) -> dict:
    """An event's changed fields as the log shows them (without the hidden ones)."""
    return {name: values for name, values in (changes or {}).items() if _shown(name)}


def without_internal(values: dict) -> dict:
    """A record's values without the internal fields (``HIDDEN_FIELDS``): what a person's
    access request (PDPA) and the log show of it."""
    return {name: value for name, value in values.items() if name not in HIDDEN_FIELDS}


def action_label(action: str) -> str:
    """The action in the reader's language (unknown actions as recorded)."""
    return str(ACTION_LABELS.get(action, action))


def record_label(record_type: str | None) -> str:
    """The record type in the reader's language (unknown types as recorded)."""
    return str(RECORD_LABELS.get(record_type, record_type or ""))
