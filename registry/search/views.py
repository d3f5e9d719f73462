"""The search page: ``/search?q=...`` finds every kind of record the user may see, grouped by
kind; ``&kind=contacts`` (say) lists one kind alone, page by page.

Whatever is typed answers a normal page: an empty query asks for words, a long one is cut to
its first ``queries.MAX_QUERY`` characters (the page says so), and quotes, search operators,
control characters and broken percent-encoding are only text to look for.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from ..auth.permissions import signed_in
from . import queries

bp = Blueprint("search", __name__)


@bp.get("/search")
@signed_in
def index():
    """Search everything the user may see, or one kind of it (``kind``, ``page``)."""
    user = current_user._get_current_object()  # read once, not through the proxy each time
    query = queries.Query.parse(request.args.get("q"))
    kind = request.args.get("kind", "")
    page = queries.page_number(request.args.get("page"))
    group = queries.search_kind(user, query, kind, page) if kind else None
    return render_template(
        "search/index.html",
        query=query,
        group=group,
        page=page,
        groups=[] if group is not None else queries.search(user, query),
        kinds=queries.visible_kinds(user) if not query else [],
        max_query=queries.MAX_QUERY,
        shown=queries.SHOWN,
        counted=queries.COUNTED,
        short_scope=queries.SHORT_SCOPE,
    )
