"""Locale choice and Thai-first formatting: Buddhist-Era dates, Thai times and digits."""

from __future__ import annotations

from contextvars import ContextVar
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app, g, has_request_context, request, session
from flask_babel import Domain, get_translations
from flask_babel import get_locale as babel_locale
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

BANGKOK = ZoneInfo("Asia/Bangkok")

THAI_MONTHS = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
THAI_MONTHS_SHORT = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)  # fmt: skip
ENGLISH_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

_THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")

#: Language codes offered, with each language's own name.
LANGUAGE_NAMES = {"th": "ไทย", "en": "English"}


def select_locale() -> str:
    """The user's saved language, else the one chosen this session, else Thai."""
    supported = current_app.config["LANGUAGES"]
    if has_request_context():
        user_locale = getattr(current_user, "locale", None) if current_user else None
        if user_locale in supported:
            return user_locale
        if session.get("locale") in supported:
            return session["locale"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


class _Reading:
    """What every page of one request is read in, found once and kept where reading it costs
    no look-up through Flask's context: the language (its babel ``Locale``, two-letter code
    and catalogue), the admin's Thai-digits setting and the request's script root. Made empty
    at the request's start (``begin_reading``), filled when first asked, dropped at its end.
    The language is given from here only while the locale found is still the one in force:
    under ``force_locale`` (a mail or a document in the other language) or after
    ``flask_babel.refresh`` the usual look-up answers."""

    __slots__ = ("babel", "locale", "language", "translations", "thai_digits", "script_root")

    def __init__(self) -> None:
        self.babel = None  # Flask-Babel's context of the request (``g._flask_babel``)
        self.locale = None
        self.language = "th"
        self.translations = None
        self.thai_digits: bool | None = None
        self.script_root: str | None = None


_READING: ContextVar[_Reading | None] = ContextVar("registry_reading", default=None)


def begin_reading() -> None:
    """At a request's start: an empty ``_Reading`` for it (filled when first asked)."""
    _READING.set(_Reading())


def end_reading(_error: BaseException | None = None) -> None:
    """At a request's end: nothing it found is given to what runs after it."""
    _READING.set(None)


def _language_in_force() -> _Reading | None:
    """This request's ``_Reading`` with its language, locale and catalogue, when the
    request's own locale is in force (not forced, not refreshed since it was found); else
    None (outside a request, before ``begin_reading``, under ``force_locale``)."""
    reading = _READING.get()
    if reading is None:
        return None
    babel = reading.babel
    if babel is not None and getattr(babel, "babel_locale", None) is reading.locale:
        return reading
    locale = babel_locale()  # the locale selector's answer, kept by Flask-Babel on its context
    ctx = g.get("_flask_babel")
    if locale is None or ctx is None or getattr(ctx, "forced_babel_locale", None) is not None:
        return None
    domain = current_app.extensions["babel"].instance.domain_instance
    reading.translations = Domain.get_translations(domain)
    reading.language = str(locale)[:2]
    reading.locale = locale
    reading.babel = ctx
    return reading


def script_root() -> str:
    """The request's script root (the site's path prefix), read once per request."""
    reading = _READING.get()
    if reading is None:
        return request.script_root
    root = reading.script_root
    if root is None:
        root = reading.script_root = request.script_root
    return root


def current_language() -> str:
    """The two-letter code of the language in use for this request (worked out once per
    request and locale: a page asks for it for every date and number it shows)."""
    reading = _language_in_force()
    if reading is not None:
        return reading.language
    ctx = g.get("_flask_babel") if has_request_context() else None
    locale = getattr(ctx, "babel_locale", None)
    if locale is None:
        return str(babel_locale() or "th")[:2]
    kept = g.get("_language")
    if kept is not None and kept[0] is locale:
        return kept[1]
    language = str(locale)[:2]
    g._language = (locale, language)
    return language


def be_year(year: int) -> int:
    """The Buddhist-Era year of a Common-Era year (พ.ศ. = ค.ศ. + 543)."""
    return year + 543


def thai_digits(text: str) -> str:
    """Arabic digits written as Thai digits."""
    return str(text).translate(_THAI_DIGITS)


def _digits(text: str, lang: str, use_thai_digits: bool | None) -> str:
    if lang != "th":
        return text
    if use_thai_digits is None:
        use_thai_digits = thai_numerals_enabled()
    return thai_digits(text) if use_thai_digits else text


#: The app's extension that reads the admin's Thai-digits setting: a function of no
#: arguments, given by the application factory (which keeps its answer until the next write),
#: so that this module imports neither the settings nor the cache.
THAI_NUMERALS = "registry_thai_numerals"


def thai_numerals_enabled() -> bool:
    """Whether the admin setting asks for Thai digits (read once per request, through the
    app's ``THAI_NUMERALS`` reader)."""
    reading = _READING.get()
    if reading is not None and reading.thai_digits is not None:
        return reading.thai_digits
    if not has_request_context():
        return False
    enabled = g.get("thai_numerals")
    if enabled is None:
        enabled = g.thai_numerals = bool(current_app.extensions[THAI_NUMERALS]())
    if reading is not None:
        reading.thai_digits = enabled
    return enabled


def to_local(value: datetime) -> datetime:
    """A stored (naive UTC) timestamp as Bangkok time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(BANGKOK)


def format_date(
    value: date | datetime | None,
    style: str = "long",
    lang: str | None = None,
    use_thai_digits: bool | None = None,
) -> str:
    """A date in the reader's language; Thai in the Buddhist Era.

    Styles: ``long`` "17 สิงหาคม 2563", ``short`` "17 ส.ค. 2563",
    ``formal`` "วันที่ 17 สิงหาคม พ.ศ. 2563" (for official documents).
    English uses the Common Era: "17 August 2020".
    """
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value).date()
    lang = lang or current_language()
    if lang == "th":
        year = be_year(value.year)
        if style == "short":
            text = f"{value.day} {THAI_MONTHS_SHORT[value.month - 1]} {year}"
        elif style == "formal":
            text = f"วันที่ {value.day} {THAI_MONTHS[value.month - 1]} พ.ศ. {year}"
        else:
            text = f"{value.day} {THAI_MONTHS[value.month - 1]} {year}"
    else:
        month = ENGLISH_MONTHS[value.month - 1]
        text = f"{value.day} {month[:3] if style == 'short' else month} {value.year}"
    return _digits(text, lang, use_thai_digits)


def format_time(
    value: time | datetime | None, lang: str | None = None, use_thai_digits: bool | None = None
) -> str:
    """A time of day: "10.00 น." in Thai, "10:00" in English."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value).time()
    lang = lang or current_language()
    if lang == "th":
        return _digits(f"{value.hour:02d}.{value.minute:02d} น.", lang, use_thai_digits)
    return f"{value.hour:02d}:{value.minute:02d}"


def format_datetime(value: datetime | None, lang: str | None = None) -> str:
    """A stored timestamp as a short local date and time."""
    if value is None:
        return ""
    return f"{format_date(value, 'short', lang)} {format_time(value, lang)}"


def format_number(value: int | float | None, lang: str | None = None) -> str:
    """A number with thousands separators, in Thai digits when the setting asks for it."""
    if value is None:
        return ""
    lang = lang or current_language()
    return _digits(f"{value:,}", lang, None)


def catalogue():
    """The translations of the language in use, looked up once per request and language.

    Flask-Babel finds them again for every string (its context, the locale, the locale's
    name, the cache); templates translate through this instead, so a page looks its
    catalogue up once however many strings it shows. Keyed on the locale object itself, so
    ``force_locale`` (an e-mail or a document in the other language) gets its own."""
    reading = _language_in_force()
    if reading is not None:
        return reading.translations
    ctx = g.get("_flask_babel") if has_request_context() else None
    locale = getattr(ctx, "babel_locale", None)
    if locale is None:
        return get_translations()
    kept = g.get("_catalogue")
    if kept is not None and kept[0] is locale:
        return kept[1]
    translations = get_translations()
    g._catalogue = (locale, translations)
    return translations


#: The template variable that holds the catalogue of the page being rendered (given by
#: ``render_template``'s context processor, in the locale in force when rendering began: a
#: mail rendered under ``force_locale`` gets that language's). Macros imported without
#: the page's context, and templates rendered without Flask's context processors, look the
#: catalogue up themselves.
CATALOGUE = "_registry_catalogue"

#: Where a catalogue keeps the template strings it has given (see ``kept_strings``): for
#: pages (escaped, as ``Markup``) and for plain text (mail).
_KEPT = ("_registry_kept_html", "_registry_kept_text")


def kept_strings(translations, autoescape: bool) -> dict:
    """The template strings ``translations`` has given so far, as the templates show them
    (``Markup`` on pages), keyed by message id, or ``(context, id)`` for ``pgettext``. Kept
    on the catalogue itself, which Flask-Babel keeps for the life of the process, so each
    language's strings are looked up and marked safe once, not on every page."""
    name = _KEPT[0] if autoescape else _KEPT[1]
    kept = translations.__dict__.get(name)
    if kept is None:
        kept = translations.__dict__[name] = {}
    return kept


def _shown(text: str, autoescape: bool) -> str:
    # As Jinja's own gettext: on a page, a translation is the project's own markup; only the
    # values formatted into it are escaped.
    return Markup(text) if autoescape else text  # noqa: S704 (the project's catalogue)


@pass_context
def template_gettext(context, string: str, /, **variables) -> str:
    """``_()`` and ``gettext()`` in templates: as Jinja's own (newstyle: always formatted
    with ``variables``, escaped on pages), in one call instead of three, and a string
    without variables given from ``kept_strings``."""
    autoescape = context.eval_ctx.autoescape
    translations = context.get(CATALOGUE) or catalogue()
    if variables:
        text = translations.ugettext(string)
        return _shown(text, autoescape) % variables
    kept = kept_strings(translations, autoescape)
    shown = kept.get(string)
    if shown is None:
        text = translations.ugettext(string)
        shown = kept[string] = _shown(text, autoescape) % {}
    return shown


@pass_context
def template_pgettext(context, message_context: str, string: str, /, **variables) -> str:
    """``pgettext()`` in templates, as ``template_gettext`` (``context`` is also a variable,
    as in Jinja's own)."""
    autoescape = context.eval_ctx.autoescape
    translations = context.get(CATALOGUE) or catalogue()
    if variables:
        variables.setdefault("context", message_context)
        text = translations.upgettext(message_context, string)
        return _shown(text, autoescape) % variables
    kept = kept_strings(translations, autoescape)
    key = (message_context, string)
    shown = kept.get(key)
    if shown is None:
        text = translations.upgettext(message_context, string)
        shown = kept[key] = _shown(text, autoescape) % {"context": message_context}
    return shown


@pass_context
def template_ngettext(context, singular: str, plural: str, num: int, /, **variables) -> str:
    """``ngettext()`` in templates, as Jinja's own (``num`` is also a variable)."""
    variables.setdefault("num", num)
    text = catalogue().ungettext(singular, plural, num)
    return _shown(text, context.eval_ctx.autoescape) % variables


@pass_context
def template_npgettext(
    context, message_context: str, singular: str, plural: str, num: int, /, **variables
) -> str:
    """``npgettext()`` in templates, as Jinja's own."""
    variables.setdefault("context", message_context)
    variables.setdefault("num", num)
    text = catalogue().unpgettext(message_context, singular, plural, num)
    return _shown(text, context.eval_ctx.autoescape) % variables


class RequestDomain(Domain):
    """Flask-Babel's message domain, as its own but for one thing: the translations of a
    request's locale, once looked up, are given again from the request (``catalogue``)
    instead of being found again (the context, the locale, the locale's name, the cache) for
    every ``gettext`` and every lazy label a page shows."""

    def get_translations(self):
        """The translations of the locale in force: this request's, when it has them."""
        reading = _language_in_force()
        if reading is not None:
            return reading.translations
        if has_request_context():
            ctx = g.get("_flask_babel")
            locale = getattr(ctx, "babel_locale", None)
            if locale is not None:
                kept = g.get("_catalogue")
                if kept is not None and kept[0] is locale:
                    return kept[1]
        return super().get_translations()


def init_app(app) -> None:
    """Register the date, time and number filters for templates, and their translations
    (the app's message domain a ``RequestDomain``; call it after ``Babel.init_app``)."""
    babel = app.extensions["babel"]
    babel.instance.domain_instance = RequestDomain(domain=babel.default_domain)
    # First of the request's hooks, so that every other one finds the request's own reading.
    app.before_request_funcs.setdefault(None, []).insert(0, begin_reading)
    app.teardown_request(end_reading)
    app.jinja_env.install_gettext_callables(
        gettext=lambda text: catalogue().ugettext(text),
        ngettext=lambda singular, plural, n: catalogue().ungettext(singular, plural, n),
        newstyle=True,
        pgettext=lambda context, text: catalogue().upgettext(context, text),
        npgettext=lambda context, singular, plural, n: catalogue().unpgettext(
            context, singular, plural, n
        ),
    )
    # Jinja's own reach the function through two more calls, and ``_`` looks ``gettext`` up
    # in the context each time; these are the same functions, in one call.
    app.jinja_env.globals.update(
        _=template_gettext,
        gettext=template_gettext,
        pgettext=template_pgettext,
        ngettext=template_ngettext,
        npgettext=template_npgettext,
    )
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_time, "time")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_number, "number")
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    app.context_processor(lambda: {"today": datetime.now(BANGKOK).date(), CATALOGUE: catalogue()})
