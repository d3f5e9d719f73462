"""The public open-data page and its files: published data, open to everyone, no sign-in.

Every file is made from the database with a fixed number of statements, kept by the
worker until the data changes (``services.published``), and carries an ETag of its
content, so a harvester that asks again gets "304 Not Modified" while nothing changed;
shared caches may keep a copy for five minutes.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request
from markupsafe import Markup

from ..auth.permissions import public
from ..i18n import current_language
from . import dictionary, services

bp = Blueprint("opendata", __name__, url_prefix="/open-data")

#: How long a shared cache may keep a file, in seconds.
MAX_AGE = 300


#: Where the app keeps the page's content, rendered, per language and script root.
_KEPT = "opendata_page"


@bp.get("")
@public
def index():
    """What the dataset is, the files to download, and the data dictionary."""
    return render_template("opendata/index.html", content=_content())


def _content() -> Markup:
    """The page's content in the reader's language, rendered once per language and kept by
    the worker: it is made from the data dictionary and the translations alone, never from a
    record, so it changes only with a new release (templates reloaded while developing are
    rendered afresh at every request)."""
    lang = current_language()
    key = (lang, request.script_root)
    kept = current_app.extensions.setdefault(_KEPT, {})
    found = kept.get(key)
    if found is None:
        html = render_template(
            "opendata/_content.html",
            lang=lang,
            resources=dictionary.RESOURCES,
            conventions=dictionary.CONVENTIONS,
            dictionary_name=services.DICTIONARY_NAME,
            catalogue_file=services.CATALOGUE_FILE,
            licence_title=dictionary.LICENCE_TITLE,
            licence_url=dictionary.LICENCE_URL,
            publisher=dictionary.PUBLISHER,
            frequency=dictionary.UPDATE_FREQUENCY,
        )
        found = Markup(html)  # noqa: S704 (an autoescaped template's output)
        if not current_app.jinja_env.auto_reload:
            kept[key] = found
    return found


@bp.get("/<name>")
@public
def download(name: str):
    """One published file by name (unknown names answer 404)."""
    found = services.published(name, services.site_base())
    if found is None:
        abort(404)
    data, etag = found
    file = services.FILES[name]
    response = Response(data, content_type=file.media_type)
    if file.format == "CSV":
        response.headers["Content-Disposition"] = f'attachment; filename="{file.name}"'
    response.set_etag(etag)
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    # Open data: any site may read it from a browser script.
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response.make_conditional(request)
