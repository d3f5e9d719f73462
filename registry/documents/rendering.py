"""Official documents as PDF: a Jinja template rendered by WeasyPrint in the Thai official form.

Only the application's own fonts and the images it generates (the QR code) are
ever loaded: the URL fetcher refuses the network, ``data:`` URLs and any file
outside the allowed folders, so whatever a user typed into a record prints as
text and makes the renderer fetch nothing.
"""

from __future__ import annotations

import atexit
import io
import logging
import mimetypes
import shutil
import threading
import time
import weakref
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jinja2
from flask import current_app, render_template
from flask_babel import force_locale

from ..i18n import BANGKOK, thai_digits, thai_numerals_enabled
from . import text_layer
from .line_breaking import breaks_inside as breaks_inside  # where Pango breaks a word
from .line_breaking import keep_words_together

log = logging.getLogger(__name__)

#: Languages a document can be printed in: Thai, English, or both (Thai first).
LANGUAGES = ("th", "en", "bilingual")

#: The PDF/A profile used for archival copies (ISO 19005-2, level U: the visual appearance,
#: and every glyph maps to the text it stands for, which text_layer makes true).
PDFA_STANDARD = "pdf/a-2u"

#: Changes whenever the shared page layout (templates/documents/base.html) changes in a way
#: that alters the printed page; part of every content hash, so documents are rendered anew.
FORM_REVISION = 4

#: What the renderer may load from a file: fonts and images, never style sheets or HTML.
_ALLOWED_SUFFIXES = frozenset({".ttf", ".otf", ".woff", ".woff2", ".png", ".jpg", ".jpeg", ".svg"})

#: The scheme of the resources the application generates for one rendering (the QR code).
ASSET_SCHEME = "asset:"

class ResourceRefused(ValueError):
    """The document asked for something it may not load (the network, a file, a data URL)."""


def _protect_body(html: str) -> str:
    """keep_words_together() on the document body only (the head holds the PDF metadata)."""
    head, marker, body = html.partition("<body")
    return head + marker + keep_words_together(body) if marker else html


# --- The URL fetcher ---------------------------------------------------------------------


def font_folders() -> tuple[Path, ...]:
    """The folders fonts may be loaded from: the app's static fonts, then fontpkg-sarabun's."""
    folders = [Path(current_app.static_folder) / "fonts"]
    try:
        import fontpkg_sarabun

        folders.append(Path(fontpkg_sarabun.__file__).resolve().parent / "files")
    except ImportError:  # pragma: no cover (a dependency; italics fall back to synthesis)
        pass
    return tuple(folder.resolve() for folder in folders)


@cache
def _read(path: Path) -> bytes:
    return path.read_bytes()


def _make_fetcher(roots: tuple[Path, ...], assets: dict[str, tuple[bytes, str]]):
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class RestrictedFetcher(URLFetcher):
        """Hands WeasyPrint the generated assets and files under ``roots``; refuses the rest."""

        def __init__(self):
            super().__init__(timeout=1, allowed_protocols=("file", "asset"), allow_redirects=False)

        def fetch(self, url, headers=None):
            return URLFetcherResponse(url, *resolve(url))

    def resolve(url: str) -> tuple[bytes, dict]:
        if url.startswith(ASSET_SCHEME):
            name = url[len(ASSET_SCHEME) :]
            if name in assets:
                body, mime = assets[name]
                return body, {"Content-Type": mime}
        elif url.lower().startswith("file:"):
            parts = urlsplit(url)
            if parts.netloc in ("", "localhost") and not parts.query:
                path = Path(unquote(parts.path)).resolve()
                if (
                    path.suffix.lower() in _ALLOWED_SUFFIXES
                    and any(path.is_relative_to(root) for root in roots)
                    and path.is_file()
                ):
                    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return _read(path), {"Content-Type": mime}
        log.info("document renderer refused to load %.200s", url)
        raise ResourceRefused(f"refused: {url[:200]}")

    fetcher = RestrictedFetcher()
    fetcher.resolve = resolve  # for tests: the decision without WeasyPrint around it
    return fetcher


def restricted_fetcher(assets: dict[str, tuple[bytes, str]] | None = None):
    """A WeasyPrint URL fetcher that loads only the app's static files and the given assets."""
    roots = (Path(current_app.static_folder).resolve(), *font_folders())
    return _make_fetcher(roots, dict(assets or {}))


# --- The stamp every official document carries -------------------------------------------


@dataclass(frozen=True)
class Stamp:
    """What identifies one produced document: printed in the header and footer of every page."""

    #: The reference number printed on every page (e.g. "MOU-2568/001"), if any.
    reference: str | None = None
    #: The stored version number (1, 2, 3 ...), if the document is being stored.
    version: int | None = None
    #: The public verification URL the QR code encodes, if any.
    verify_url: str | None = None
    #: Final documents carry no draft mark.
    final: bool = False
    #: A PDF/A profile (PDFA_STANDARD) for archival copies, else None for plain PDF.
    pdf_standard: str | None = None
    #: The day the document was produced (Bangkok), printed in the footer.
    produced_on: date | None = None


def qr_png(data: str) -> bytes:
    """A QR code for ``data`` as a black-and-white PNG, 8 pixels a module.

    PNG rather than SVG: WeasyPrint draws an SVG path of this size slowly on every
    page, while a PNG is embedded once; printed at 1.8 cm it is above 300 dpi and
    drawn without smoothing (image-rendering: pixelated). Grayscale (black 0, white
    255) rather than 1-bit: WeasyPrint turns a 1-bit image into RGB and compresses it
    twice more while rendering, while a grayscale PNG is embedded as it is, as DeviceGray.
    """
    import qrcode

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, box_size=8)
    code.add_data(data)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().get_image().convert("L").save(buffer, format="PNG")
    return buffer.getvalue()


@dataclass
class Frame:
    """What ``templates/documents/base.html`` receives as ``doc``: language, stamp, fonts."""

    lang: str
    stamp: Stamp
    title: str = ""
    thai_digits: bool = False
    fonts: dict[str, str] = field(default_factory=dict)

    @property
    def html_lang(self) -> str:
        return "en" if self.lang == "en" else "th"

    @property
    def bilingual(self) -> bool:
        return self.lang == "bilingual"

    @property
    def draft(self) -> bool:
        return not self.stamp.final

    @property
    def reference(self) -> str | None:
        return self.stamp.reference

    @property
    def version(self) -> int | None:
        return self.stamp.version

    @property
    def verify_url(self) -> str | None:
        return self.stamp.verify_url

    @property
    def qr_src(self) -> str | None:
        return f"{ASSET_SCHEME}qr" if self.stamp.verify_url else None

    @property
    def produced_on(self) -> date | None:
        return self.stamp.produced_on

    def en(self, message: str, **values) -> str:
        """English text for the English half of a bilingual document.

        The English is the message id itself; write the same message with ``_()``
        beside it for the Thai half, so it is extracted and translated.
        """
        return message % values if values else message

    def digits(self, text) -> str:
        """Numbers as printed in this document: Thai digits when the setting asks for them."""
        return thai_digits(str(text)) if self.thai_digits else str(text)


def _font_urls() -> dict[str, str]:
    """file: URLs of the four Sarabun faces: regular and bold from the app, italics from PyPI."""
    urls = {}
    wanted = {
        "regular": "Sarabun-Regular.ttf",
        "bold": "Sarabun-Bold.ttf",
        "italic": "Sarabun-Italic.ttf",
        "bold_italic": "Sarabun-BoldItalic.ttf",
    }
    for face, name in wanted.items():
        for folder in font_folders():
            if (folder / name).is_file():
                urls[face] = (folder / name).as_uri()
                break
    return urls


def _locale_for(lang: str) -> str:
    return "en" if lang == "en" else "th"


def render_html(
    template: str | jinja2.Template,
    context: dict | None = None,
    *,
    stamp: Stamp | None = None,
    lang: str = "th",
    title: str = "",
    thai_digits: bool | None = None,
) -> str:
    """The document's HTML, as WeasyPrint will see it (useful for tests and previews)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown document language: {lang!r}")
    stamp = stamp or Stamp()
    if stamp.produced_on is None:
        stamp = replace(stamp, produced_on=datetime.now(BANGKOK).date())
    if thai_digits is None:
        thai_digits = thai_numerals_enabled()
    frame = Frame(
        lang=lang,
        stamp=stamp,
        title=title,
        thai_digits=bool(thai_digits) and lang != "en",
        fonts=_font_urls(),
    )
    values = {**(context or {}), "doc": frame}
    with force_locale(_locale_for(lang)):
        if isinstance(template, jinja2.Template):
            html = template.render({**_template_globals(), **values})
        else:
            html = render_template(template, **values)
    return _protect_body(html)


def _template_globals() -> dict:
    """What Flask's render_template would add (for templates given as Template objects)."""
    context: dict = {}
    current_app.update_template_context(context)
    return context


#: The WeasyPrint font configuration this process's documents share, and when it was made.
_kept_configuration: dict[str, tuple] = {}
#: One document at a time per process: Pango's font maps are not to be used by two threads
#: at once, and rendering is CPU work that threads of one process would not overlap anyway.
_render_lock = threading.RLock()

#: Every font configuration still alive, for _remove_font_copies() at exit.
_font_configurations: weakref.WeakSet = weakref.WeakSet()

#: A new font configuration is made after this many seconds, so that its temporary copies
#: of the fonts never grow old enough for a cleaner of /tmp to remove them.
FONT_CONFIGURATION_MAX_AGE = 3600


def _font_configuration():
    """The process's WeasyPrint FontConfiguration, kept from one document to the next (call
    it holding ``_render_lock``).

    A new configuration for every document has fontconfig read its settings and the fonts
    again and Pango shape every word with cold caches; keeping one spares each render that
    work. One for the whole process, not one per thread, so that the configuration the
    worker warmed up when it started (``warm_up``) is the one every request thread renders
    with: the first document a thread renders is then as fast as the next. The fonts are
    those of the shared page (documents/base.html), the same for every document; WeasyPrint
    registers each @font-face once, copying the font into a temporary folder. A
    configuration is replaced after an hour, or at once if that folder has gone; the copies
    are removed with their configuration, or at exit.
    """
    kept = _kept_configuration.get("font_config")
    if kept is not None:
        config, made = kept
        folder = getattr(config, "_folder", None)  # WeasyPrint's copies of the fonts
        fresh = time.monotonic() - made < FONT_CONFIGURATION_MAX_AGE
        if fresh and (folder is None or Path(folder).is_dir()):
            return config
    from weasyprint.text.fonts import FontConfiguration

    config = FontConfiguration()
    _kept_configuration["font_config"] = (config, time.monotonic())
    _font_configurations.add(config)
    return config


@atexit.register
def _remove_font_copies() -> None:
    """Remove the temporary copies of the fonts of the configurations still alive
    (interpreter shutdown need not run their own clean-up, and when it does, the functions
    it calls may be gone already: it then prints an error instead)."""
    for config in list(_font_configurations):
        folder = getattr(config, "_folder", None)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
            config._folder = None  # nothing left for its own clean-up to do


def render_pdf(
    template: str | jinja2.Template,
    context: dict | None = None,
    *,
    stamp: Stamp | None = None,
    lang: str = "th",
    title: str = "",
    thai_digits: bool | None = None,
    assets: dict[str, tuple[bytes, str]] | None = None,
) -> bytes:
    """Render a document template (one that extends ``documents/base.html``) to PDF bytes.

    ``context`` is passed to the template as is; the template also receives ``doc``
    (a :class:`Frame`). ``lang`` is "th", "en" or "bilingual": it sets the language
    of the page furniture, the ``_()`` strings and the date filters. Text from
    users must reach the template as plain values (autoescaped), never as markup.
    The PDF is tagged (headings, paragraphs, tables and the language of each part, for
    screen readers and reflow) and its text reads back exactly as it was laid out
    (:mod:`.text_layer`). ``assets``: images the template loads as ``asset:<name>`` (bytes
    and type; an uploaded emblem, say), the only files besides the app's own it may load.
    """
    from weasyprint import HTML

    text_layer.install()
    stamp = stamp or Stamp()
    html = render_html(
        template, context, stamp=stamp, lang=lang, title=title, thai_digits=thai_digits
    )
    assets = dict(assets or {})
    if stamp.verify_url:
        assets["qr"] = (qr_png(stamp.verify_url), "image/png")
    static_url = Path(current_app.static_folder).resolve().as_uri() + "/"
    document = HTML(string=html, base_url=static_url, url_fetcher=restricted_fetcher(assets))
    options = {"pdf_tags": True}
    if stamp.pdf_standard:
        options["pdf_variant"] = stamp.pdf_standard
        # WeasyPrint's own sRGB output intent opens its ICC file without closing it;
        # the same profile, read once and handed over under our own name, does not.
        options["color_profiles"] = {_OUTPUT_INTENT: _srgb_profile()}
        options["output_intent"] = _OUTPUT_INTENT
    with _render_lock:
        return document.write_pdf(font_config=_font_configuration(), **options)


#: What warm_up() renders: every part of the page a real document uses (Thai text broken
#: into lines, bold, a table, the footer with its QR code), in a few lines.
_WARM_UP_TEMPLATE = """{% extends "documents/base.html" %}{% block content %}
<h1 class="title">บันทึกข้อตกลงความร่วมมือ</h1>
<p class="indent">สำนักงานพัฒนารัฐบาลดิจิทัลและสมาคมตกลงร่วมกันพัฒนานวัตกรรมดิจิทัลภาครัฐ
เมื่อวันที่ 1 มกราคม พ.ศ. 2569 เวลา 10.00 น. <strong>ข้อ 1</strong> <em>Digital Government</em></p>
{% for clause in clauses %}<p class="clause">{{ clause }}</p>{% endfor %}
<table class="signatures"><tr><td class="keep"><p>(ลงชื่อ) ..........</p></td>
<td class="keep"><p>(ลงชื่อ) ..........</p></td></tr></table>
{% endblock %}"""

#: Words the warm-up document's clauses are made of.
_WARM_UP_WORDS = [
    "สำนักงาน",
    "พัฒนา",
    "รัฐบาล",
    "ดิจิทัล",
    "สมาคม",
    "ความร่วมมือ",
    "ข้อมูล",
    "นวัตกรรม",
    "บริการ",
    "ประชาชน",
    "หน่วยงาน",
    "ภาครัฐ",
    "การ",
    "แลกเปลี่ยน",
    "ส่งเสริม",
    "ระบบ",
    "มาตรฐาน",
    "ความปลอดภัย",
    "เทคโนโลยี",
    "การศึกษา",
]
#: Clauses in the warm-up document: four to five pages, as long as an agreement draft.
WARM_UP_CLAUSES = 30


def _warm_up_clauses() -> list[str]:
    """Clauses of Thai text of many lengths, spaced as Thai is (between phrases, not words),
    so the warm-up meets lines and runs of glyphs of the sizes a real document has."""
    clauses = []
    for number in range(WARM_UP_CLAUSES):
        length = 8 + (number * 7) % 45
        words = [_WARM_UP_WORDS[(number * 7 + i) % len(_WARM_UP_WORDS)] for i in range(length)]
        phrases = ("".join(words[i : i + 4]) for i in range(0, length, 4))
        clauses.append(f"ข้อ {number + 1} " + " ".join(phrases))
    return clauses


def warm_up() -> None:
    """Prepare this process for documents: load WeasyPrint, Pango, libthai, the fonts and
    the QR code maker by rendering a document with every part of the page and as long as an
    agreement draft (a shorter one leaves the first real document slower than the next
    ones), and compile the document templates (``documents/*.html``), so that the first
    real document renders as fast as the later ones. Call it once per worker process
    (gunicorn.conf.py does, through :func:`warm_up_app`)."""
    env = current_app.jinja_env
    for name in env.list_templates(filter_func=lambda name: name.startswith("documents/")):
        env.get_template(name)
    stamp = Stamp(
        reference="WARM-UP/0001",
        version=1,
        verify_url="https://registry.invalid/verify/" + "0" * 43,
    )
    render_pdf(
        env.from_string(_WARM_UP_TEMPLATE),
        {"clauses": _warm_up_clauses()},
        stamp=stamp,
        title="warm-up",
    )


def warm_up_app(app) -> float | None:
    """warm_up() in the app's context, for a server's worker-start hook: the seconds it
    took, or None when it failed. A failure is logged, not raised: the worker still
    serves, and renders when first asked."""
    started = time.perf_counter()
    try:
        with app.app_context():
            warm_up()
    except Exception:
        log.exception("warming up the document renderer failed")
        return None
    return time.perf_counter() - started


#: The name the sRGB output intent of PDF/A files is registered under.
_OUTPUT_INTENT = "registry-srgb"


@cache
def _srgb_icc() -> bytes:
    from importlib.resources import files

    return (files("weasyprint.pdf") / "sRGB2014.icc").read_bytes()


def _srgb_profile():
    from weasyprint.css import ColorProfile

    return ColorProfile(
        io.BytesIO(_srgb_icc()), "sRGB2014.icc", "relative-colorimetric", (["r"], ["g"], ["b"])
    )
