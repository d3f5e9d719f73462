"""The Thai catalogue is complete, and templates show no text outside the translation layer.

When a test here fails:

* run ``make translations`` (re-extracts the messages and updates the Thai catalogue),
* translate the listed entries in ``registry/translations/th/LC_MESSAGES/messages.po``,
* run ``make install`` (compiles the catalogue) and the tests again.

Needs no database and no app: it reads the source tree and the ``.po`` file only.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

try:
    from babel.messages.frontend import parse_mapping_cfg as parse_mapping
except ImportError:  # Babel < 2.17
    from babel.messages.frontend import parse_mapping

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BABEL_CFG = PROJECT_ROOT / "babel.cfg"
TEMPLATES = PROJECT_ROOT / "templates"
TH_PO = PROJECT_ROOT / "registry" / "translations" / "th" / "LC_MESSAGES" / "messages.po"

#: The keywords `pybabel extract -F babel.cfg -k _l -k lazy_gettext` looks for.
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "_l": None}

#: Words a template may show as they are, in any language (brand names and acronyms).
ALLOWED_WORDS = frozenset({"DGTi", "DGA", "MOU", "PDF", "CSV", "XLSX"})

#: Attributes whose value the user sees or hears (screen readers), checked like text.
VISIBLE_ATTRIBUTES = frozenset(
    {"title", "alt", "placeholder", "aria-label", "aria-description", "aria-roledescription",
     "aria-valuetext", "aria-placeholder", "label", "data-confirm"}
)  # fmt: skip

HINT = (
    f"Run `make translations`, translate these in {TH_PO.relative_to(PROJECT_ROOT)}, "
    "then `make install` to compile."
)

# A printf-style placeholder with a name: %(name)s, %(n)d, %(total)5.1f ...
PLACEHOLDER = re.compile(r"%\([^)]*\)[-#0 +]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[a-zA-Z]")


def _load_catalog() -> Catalog:
    assert TH_PO.is_file(), f"{TH_PO} is missing. {HINT}"
    return read_po(io.BytesIO(TH_PO.read_bytes()))


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return _load_catalog()


def _strings(message: Message) -> tuple[str, ...]:
    string = message.string
    return tuple(string) if isinstance(string, (tuple, list)) else (string or "",)


def _ids(message: Message) -> tuple[str, ...]:
    return tuple(message.id) if isinstance(message.id, (tuple, list)) else (message.id,)


def _extracted() -> dict[tuple[str, str | None], list[str]]:
    """Every message the code and templates ask to translate, with where it is used."""
    with BABEL_CFG.open(encoding="utf-8") as fileobj:
        method_map, options_map = parse_mapping(fileobj, str(BABEL_CFG))
    found: dict[tuple[str, str | None], list[str]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(PROJECT_ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, (tuple, list)) else message
        if msgid:
            found.setdefault((msgid, context), []).append(f"{filename}:{lineno}")
    return found


def test_catalogue_header(catalog: Catalog):
    # A fuzzy header makes `pybabel compile` skip the whole catalogue.
    assert not catalog.fuzzy, f"The header of {TH_PO.name} is marked fuzzy: remove '#, fuzzy'."
    assert str(catalog.locale) == "th"
    assert catalog.num_plurals == 1
    assert catalog.plural_expr.strip() == "0"


def test_babel_cfg_extracts_from_code_and_templates():
    found = _extracted()
    files = {location.split(":")[0] for locations in found.values() for location in locations}
    assert any(f.startswith("registry/") and f.endswith(".py") for f in files), files
    assert any(f.startswith("templates/") and f.endswith(".html") for f in files), files


def test_every_message_is_translated(catalog: Catalog):
    missing = []
    # (a msgid may be used both without a context and with one: None sorts first)
    for (msgid, context), locations in sorted(
        _extracted().items(), key=lambda item: (item[0][0], item[0][1] or "")
    ):
        message = catalog.get(msgid, context)
        if message is None:
            problem = "not in the catalogue"
        elif message.fuzzy:
            problem = "marked fuzzy"
        elif not all(s.strip() for s in _strings(message)):
            problem = "not translated"
        else:
            continue
        where = ", ".join(locations[:3]) + (" ..." if len(locations) > 3 else "")
        label = f"[{context}] {msgid!r}" if context else repr(msgid)
        missing.append(f"  {label} ({problem}; {where})")
    if missing:
        pytest.fail(
            f"{len(missing)} message(s) have no Thai translation. {HINT}\n" + "\n".join(missing),
            pytrace=False,
        )


def test_translations_keep_the_placeholders(catalog: Catalog):
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        expected = {p for msgid in _ids(message) for p in PLACEHOLDER.findall(msgid)}
        for string in _strings(message):
            if not string:
                continue
            got = set(PLACEHOLDER.findall(string))
            if got != expected:
                wrong.append(
                    f"  {_ids(message)[0]!r}: expected {sorted(expected)}, "
                    f"the translation has {sorted(got)}: {string!r}"
                )
                continue
            if expected:
                # The translation must still format: no stray '%', no broken placeholder.
                values = {re.match(r"%\(([^)]*)\)", p).group(1): 1 for p in expected}
                try:
                    string % values
                except (ValueError, TypeError, KeyError) as error:
                    wrong.append(f"  {_ids(message)[0]!r}: {string!r} does not format: {error}")
    if wrong:
        pytest.fail(
            "Translations whose %(...)s placeholders differ from the English:\n" + "\n".join(wrong),
            pytrace=False,
        )


# --- Templates: no text outside _() -----------------------------------------------------------

_JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.S)
_TRANS_BLOCK = re.compile(r"\{%-?\s*trans\b.*?\{%-?\s*endtrans\s*-?%\}", re.S)
_JINJA_BLOCK = re.compile(r"\{%.*?%\}", re.S)
_JINJA_EXPRESSION = re.compile(r"\{\{.*?\}\}", re.S)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_CODE_ELEMENT = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.S | re.I)
_TAG = re.compile(r"""<(?:[^<>"']|"[^"]*"|'[^']*')*>""", re.S)
_ATTRIBUTE = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]*|#\d+|#[xX][0-9A-Fa-f]+);")
# A run of letters: Latin (with accents) or Thai (consonants, vowels and marks).
_WORD = re.compile(r"(?:[^\W\d_]|[\u0E00-\u0E7F])+")


def _blank(match: re.Match) -> str:
    """What a stripped construct leaves: a space, and its newlines, so line numbers hold."""
    return " " + "\n" * match.group(0).count("\n")


def _untranslated_text(source: str) -> list[tuple[int, str]]:
    """(line, text) for every piece of visible template text that does not go through _()."""
    for pattern in (_JINJA_COMMENT, _TRANS_BLOCK, _JINJA_BLOCK, _JINJA_EXPRESSION):
        source = pattern.sub(_blank, source)
    source = _HTML_COMMENT.sub(_blank, source)
    source = _CODE_ELEMENT.sub(_blank, source)

    pieces: list[tuple[int, str, str]] = []  # (line, as reported, the text to check)

    def tag(match: re.Match) -> str:
        line = source.count("\n", 0, match.start()) + 1
        for attribute in _ATTRIBUTE.finditer(match.group(0)):
            name, value = attribute.group(1), attribute.group(2) or attribute.group(3) or ""
            if name.lower() in VISIBLE_ATTRIBUTES:
                pieces.append((line, f'{name}="{" ".join(value.split())}"', value))
        return _blank(match)

    text = _TAG.sub(tag, source)
    for number, line in enumerate(text.split("\n"), 1):
        pieces.append((number, " ".join(_ENTITY.sub(" ", line).split()), line))
    return sorted(
        (number, shown)
        for number, shown, checked in pieces
        if any(word not in ALLOWED_WORDS for word in _WORD.findall(_ENTITY.sub(" ", checked)))
    )


def _templates() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html"))


def test_there_are_templates_to_check():
    assert _templates(), f"no templates found under {TEMPLATES}"


@pytest.mark.parametrize(
    "template", _templates(), ids=lambda path: str(path.relative_to(TEMPLATES))
)
def test_template_text_goes_through_gettext(template: Path):
    found = _untranslated_text(template.read_text(encoding="utf-8"))
    name = template.relative_to(PROJECT_ROOT)
    if found:
        pytest.fail(
            f"{name} shows text outside the translation layer; wrap it in {{{{ _('...') }}}} "
            "(or add a brand/acronym to ALLOWED_WORDS in tests/test_translations.py):\n"
            + "\n".join(f"  {name}:{line}: {text!r}" for line, text in found),
            pytrace=False,
        )


def test_template_check_catches_plain_text():
    source = """{# a comment with words #}
<p title="Hover text">{{ _("Fine") }} Plain words &amp; more</p>
{% if x %}<span aria-label="{{ _('Fine') }}">DGTi · MOU #{{ n }}</span>{% endif %}
{% trans %}Translated block{% endtrans %}<script>var x = "code";</script>
<b>ข้อความไทย</b>"""
    assert _untranslated_text(source) == [
        (2, "Plain words more"),
        (2, 'title="Hover text"'),
        (5, "ข้อความไทย"),
    ]
