"""The administrator's audit log."""

from flask import Blueprint, render_template, request

from ..audit.labels import (
    ACTION_LABELS,
    RECORD_LABELS,
    action_label,
    record_label,
    visible_changes,
)
from ..auth.permissions import permission_required
from ..db import paginate
from . import search
from .forms import AuditFilterForm
from .reading import EventReader

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")
bp.add_app_template_filter(action_label, "action_label")
bp.add_app_template_filter(record_label, "record_label")
bp.add_app_template_filter(visible_changes, "visible_changes")


@bp.get("/")
@permission_required("audit.read")
def index():
    """List audit events, newest first, with filters; fields and values as the pages name
    them."""
    form = AuditFilterForm(request.args)
    valid = form.validate()
    query = search.filtered(form.data if valid else {})
    page = paginate(query, per_page=50)
    return render_template(
        "audit/index.html",
        form=form,
        page=page,
        reader=EventReader(page.items),
        action_names=sorted({str(label) for label in ACTION_LABELS.values()}),
        record_names=sorted({str(label) for label in RECORD_LABELS.values()}),
    ), 200 if valid else 422
