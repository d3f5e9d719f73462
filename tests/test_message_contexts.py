"""English words with two Thai meanings are translated with a message context, never without.

"Title" is a person's name prefix (คำนำหน้าชื่อ) on a contact's form but a document's title
(ชื่อเรื่อง) on an agreement, an agenda item or a proposal; one msgid can carry only one
translation, so every use of such a word names its meaning: ``pgettext("document", "Title")``
in Python and templates, ``lazy_pgettext`` for form labels, a ``msgctxt`` in the catalogue.

When a test here fails:

* give the listed use a context (``pgettext("<meaning>", "<word>")``),
* append the ``msgctxt`` entry with its Thai translation to
  ``registry/translations/th/LC_MESSAGES/messages.po`` and compile the catalogue.

Needs no database and no app: it reads the source tree and the ``.po`` file only.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

try:
    from babel.messages.frontend import parse_mapping_cfg as parse_mapping
except ImportError:  # Babel < 2.17
    from babel.messages.frontend import parse_mapping

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TH_PO = PROJECT_ROOT / "registry" / "translations" / "th" / "LC_MESSAGES" / "messages.po"

#: Words the registry uses in two meanings that Thai says with two words: each may appear
#: only with a message context. (The meanings, for whoever adds a use.)
AMBIGUOUS = {
    "Title": "a person's name prefix (คำนำหน้าชื่อ) / a document's title (ชื่อเรื่อง)",
    "Withdraw": "an invitation (ยกเลิกคำเชิญ) / a proposal (ถอนข้อเสนอ) / "
    "an endorsement (ถอนการสนับสนุน)",
    "Number": "an identifier (เลขที่) / a count (จำนวน)",
    "Record": "the record an event touched (รายการข้อมูล) / the button that saves (บันทึก)",
}


def extracted_uses(root: Path = PROJECT_ROOT) -> dict[tuple[str, str | None], list[str]]:
    """Every message the code and templates under ``root`` ask to translate, with its
    context and where it is used, as ``pybabel extract -F babel.cfg`` finds them."""
    cfg = root / "babel.cfg"
    with cfg.open(encoding="utf-8") as fileobj:
        method_map, options_map = parse_mapping(fileobj, str(cfg))
    keywords = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "_l": None}
    found: dict[tuple[str, str | None], list[str]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(root), method_map, options_map, keywords=keywords
    ):
        msgid = message[0] if isinstance(message, (tuple, list)) else message
        if msgid:
            found.setdefault((msgid, context), []).append(f"{filename}:{lineno}")
    return found


def uses_without_context(found: dict[tuple[str, str | None], list[str]]) -> list[str]:
    """The uses of a declared ambiguous word that name no meaning (no message context)."""
    return [
        f"  {msgid!r} ({AMBIGUOUS[msgid]}) without a context at {', '.join(locations)}"
        for (msgid, context), locations in sorted(found.items(), key=str)
        if msgid in AMBIGUOUS and context is None
    ]


@pytest.fixture(scope="module")
def found() -> dict[tuple[str, str | None], list[str]]:
    return extracted_uses()


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return read_po(io.BytesIO(TH_PO.read_bytes()))


def test_babel_cfg_extracts_contexts_from_python_templates_and_lazy_labels(found):
    files_with_context = {
        location.split(":")[0]
        for (_msgid, context), locations in found.items()
        if context
        for location in locations
    }
    # pgettext in Python, pgettext in a template, lazy_pgettext in a form's label.
    assert "registry/proposals/queries.py" in files_with_context
    assert "templates/agreements/index.html" in files_with_context
    assert "registry/proposals/forms.py" in files_with_context


def test_ambiguous_words_are_never_used_without_a_message_context(found):
    missing = uses_without_context(found)
    if missing:
        pytest.fail(
            "Words with two Thai meanings used without saying which:\n" + "\n".join(missing),
            pytrace=False,
        )


def test_each_ambiguous_word_is_in_use_in_more_than_one_meaning(found):
    # A declared word used in one meaning only is no longer ambiguous here: the table says
    # what the registry uses, so a stale entry would check nothing.
    contexts = {word: {c for (m, c) in found if m == word and c} for word in AMBIGUOUS}
    assert all(len(meanings) >= 2 for meanings in contexts.values()), contexts


def test_every_context_entry_is_translated_and_its_meanings_differ(found, catalog):
    wrong = []
    for message in catalog:
        if message.context and (message.fuzzy or not str(message.string or "").strip()):
            wrong.append(f"  [{message.context}] {message.id!r} is not translated")
    for (msgid, context), locations in sorted(found.items(), key=str):
        if context and catalog.get(msgid, context) is None:
            wrong.append(f"  [{context}] {msgid!r} ({locations[0]}) is not in the catalogue")
    assert not wrong, "\n".join(wrong)
    for word in AMBIGUOUS:
        thai = {c: catalog.get(word, c).string for (m, c) in found if m == word and c}
        assert len(set(thai.values())) == len(thai), f"{word!r}: one Thai word, two meanings {thai}"


def test_the_check_finds_a_word_used_without_a_context(tmp_path):
    # The check itself: a template that writes {{ _("Title") }} is caught.
    (tmp_path / "babel.cfg").write_text((PROJECT_ROOT / "babel.cfg").read_text())
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "list.html").write_text(
        '<th>{{ _("Title") }}</th><td>{{ pgettext("document", "Title") }}</td>'
    )
    missing = uses_without_context(extracted_uses(tmp_path))
    assert len(missing) == 1 and "templates/list.html:1" in missing[0]
