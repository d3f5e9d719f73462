"""Thai line breaking in printed documents: a line breaks between words, never inside one.

WeasyPrint breaks Thai lines where Pango and libthai allow, and libthai's dictionary knows
neither compounds (ปัญญา|ประดิษฐ์), transliterations (เม|กเกอร์) nor people's names
(ศิริ|พร); in a Thai sentence it also breaks after a no-break space ("พ.ศ. | 2568") and
after a slash ("2/ | 2569"). So the registry segments the text itself, with PyThaiNLP's
newmm tokenizer and a dictionary of PyThaiNLP's Thai words, the office words below and the
registry's own vocabulary (organisations, people, positions, places: :func:`vocabulary`),
and forbids every break that does not fall between two of its words:

- a zero-width space goes between every two Thai words, so that Pango meets each word as
  a run of its own (libthai segments a run differently when WeasyPrint hands it only a
  part of a paragraph, and would then break where the whole text has no break);
- a word in which Pango would still break is glued where it would (``GLUE``, an invisible
  character that ends libthai's run and forbids a break); the other words are left as
  they are. Glue rather than a no-wrap span: WeasyPrint lays out and draws each span as a
  box of its own, and a span around every such word (a third of the Thai words) doubled
  the time an agreement takes to print;
- some units are never broken, whatever the words in them: a person's name with its title
  (นางสาวศิริพร, ดร.สมชาย, and the surname too where the whole fits), a date (17 สิงหาคม
  พ.ศ. 2563, 1 ม.ค. 2569, 17 August 2025), a meeting number (ครั้งที่ 2/2569, 2/2569),
  "(ลงชื่อ)", acronyms (ส.อ.ท., สพร., MOU-2568/001), an era and its year, a time and its
  unit (10.00 น.): their spaces become no-break spaces and they are glued like words;
- nothing wider than ``MAX_UNIT`` is kept whole: a long entry of the dictionary (an
  organisation's whole name) still breaks between its own words.

Whether Pango would break inside a word also depends on the text around it, so the whole
text, as WeasyPrint will hand it over, is checked again until no break is left inside a
word or a unit. Nothing is downloaded: the word lists ship in PyThaiNLP's wheel.
"""

from __future__ import annotations

import html
import re
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

import sqlalchemy as sa

from ..cache import data_version
from ..db import db
from ..i18n import ENGLISH_MONTHS, THAI_MONTHS, THAI_MONTHS_SHORT

#: The widest unit kept on one line, in characters that take room (Thai vowels and tone
#: marks above and below a letter do not count): about 6 cm at 16 pt, under half of the A4
#: text column and within a signature column. Anything wider may still be broken between
#: its own words.
MAX_UNIT = 22

#: Office words that must stay whole, beside PyThaiNLP's word list: compounds in which
#: libthai finds a break, transliterations it does not know, and the words of the
#: registry's documents (agreements, minutes, agendas).
OFFICE_WORDS = (
    # Compounds of the documents' own language.
    "ปัญญาประดิษฐ์",
    "ความร่วมมือ",
    "บันทึกข้อตกลง",
    "ข้อตกลง",
    "สมาคม",
    "นวัตกรรม",
    "ประเทศไทย",
    "กรุงเทพมหานคร",
    "ข้อมูลส่วนบุคคล",
    "ทรัพย์สินทางปัญญา",
    "วัตถุประสงค์",
    "ผู้ประกอบการ",
    "วิสาหกิจ",
    "มหาวิทยาลัย",
    "คณะกรรมการ",
    "อนุกรรมการ",
    "คณะอนุกรรมการ",
    "คณะทำงาน",
    "เลขานุการ",
    "ผู้ช่วยเลขานุการ",
    "รองประธาน",
    "รายงานการประชุม",
    "ระเบียบวาระ",
    "มติที่ประชุม",
    "ที่ประชุม",
    "ผู้มาประชุม",
    "ผู้ไม่มาประชุม",
    "ผู้เข้าร่วมประชุม",
    "มาประชุมแทน",
    "ผู้จดรายงานการประชุม",
    "ผู้ตรวจรายงานการประชุม",
    "เรื่องสืบเนื่อง",
    "ผู้รับผิดชอบ",
    "สำนักงาน",
    "รัฐบาล",
    "ภาครัฐ",
    "ภาคเอกชน",
    "ภาคตะวันออก",
    "ภาคตะวันออกเฉียงเหนือ",
    "ภาคตะวันตก",
    "ภาคเหนือ",
    "ภาคใต้",
    "ภาคกลาง",
    "พัฒนา",
    "ผลกระทบ",
    "ข้อเสนอ",
    "ข้อเสนอแนะ",
    "หน่วยงาน",
    "ศรีราชา",
    "วิทยาเขต",
    "เกษตรศาสตร์",
    "สภาอุตสาหกรรม",
    "อุตสาหกรรม",
    "ร่วมลงทุน",
    "ระบบสมองกลฝังตัว",
    "สมองกลฝังตัว",
    "องค์การมหาชน",
    "ลงลายมือชื่อ",
    "ประทับตรา",
    "พยาน",
    "ลงชื่อ",
    "ดิจิทัล",
    "ภาครัฐดิจิทัล",
    "รัฐบาลดิจิทัล",
    "บริการภาครัฐ",
    "ขีดความสามารถ",
    # Transliterations.
    "เทคโนโลยี",
    "อินเทอร์เน็ต",
    "เมกเกอร์",
    "ไอโอที",
    "สตาร์ทอัพ",
    "สตาร์ตอัป",
    "ซอฟต์แวร์",
    "ฮาร์ดแวร์",
    "แพลตฟอร์ม",
    "คลาวด์",
    "เซ็นเซอร์",
    "เซิร์ฟเวอร์",
    "แอปพลิเคชัน",
    "ออนไลน์",
    "ไซเบอร์",
    "บล็อกเชน",
    "โครงการ",
    "อีเมล",
    "เว็บไซต์",
    "ดาต้า",
    "อัลกอริทึม",
    "โรบอติกส์",
    "เวิร์กช็อป",
    "แฮกกาธอน",
)

#: Title prefixes of people's names, Thai and English (longest first when matched).
TITLES = (
    "นาย",
    "นาง",
    "นางสาว",
    "ดร.",
    "ศ.",
    "รศ.",
    "ผศ.",
    "ศ.ดร.",
    "รศ.ดร.",
    "ผศ.ดร.",
    "ศาสตราจารย์",
    "รองศาสตราจารย์",
    "ผู้ช่วยศาสตราจารย์",
    "ว่าที่ร้อยตรี",
    "ว่าที่ร้อยตรีหญิง",
    "ว่าที่ ร.ต.",
    "นพ.",
    "พญ.",
    "ทพ.",
    "ทพญ.",
    "ภก.",
    "ภญ.",
    "พล.อ.",
    "พล.ต.อ.",
    "พล.ต.ท.",
    "พล.ต.ต.",
    "พ.ต.อ.",
    "พ.ต.ท.",
    "พ.ต.ต.",
    "ร.ต.อ.",
    "พ.อ.",
    "พ.ท.",
    "พ.ต.",
    "ร.อ.",
    "ร.ท.",
    "ร.ต.",
    "ม.ร.ว.",
    "ม.ล.",
)
#: Titles that are also the start of ordinary words (นายก, นางฟ้า): a name follows them only
#: where the tokenizer ends a word right after the title.
_PLAIN_TITLES = frozenset({"นาย", "นาง", "นางสาว", "ศาสตราจารย์", "รองศาสตราจารย์"})

_THAI_LETTER = "\u0e01-\u0e3a\u0e40-\u0e4e"  # letters, vowels, tone marks, ฯ and ๆ
_DIGIT = "0-9\u0e50-\u0e59"
_SPACE = " \u00a0"
#: Thai marks that sit above or below a letter and take no room of their own.
_COMBINING = frozenset("\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a" + "".join(
    chr(c) for c in range(0x0E47, 0x0E4F)
))
_THAI_RUN = re.compile(f"[{_THAI_LETTER}]+")
_ZWSP = "\u200b"
#: What keeps two letters of a word on one line: U+180E MONGOLIAN VOWEL SEPARATOR, a format
#: character that prints nothing, is read back as nothing, and glues (line break class GL);
#: a script of its own, it ends the run of Thai that libthai segments, which a word joiner
#: or a no-break space do not (libthai breaks right after those).
GLUE = "\u180e"
NO_BREAK_SPACE = "\u00a0"
#: Marks that never start a line (ๆ, ฯ): no break is made before them.
_NEVER_FIRST = frozenset("ๆฯ")


def _alternatives(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


_S = f"[{_SPACE}]"
_DAY = f"(?<![{_DIGIT}])[{_DIGIT}]{{1,2}}"
_YEAR = f"[{_DIGIT}]{{2,4}}(?![{_DIGIT}])"
_ERA = r"(?:พ\.ศ\.|ค\.ศ\.)"
_THAI_MONTH = _alternatives((*THAI_MONTHS, *THAI_MONTHS_SHORT))
_EN_MONTH = _alternatives(
    (*ENGLISH_MONTHS, *(m[:3] + "." for m in ENGLISH_MONTHS), *(m[:3] for m in ENGLISH_MONTHS))
)

#: The units never broken, whatever the words in them (a person's name is found apart).
_UNITS = re.compile(
    "|".join(
        f"(?:{pattern})"
        for pattern in (
            # A Thai date: day and month, month and year, or all three.
            f"{_DAY}{_S}?(?:{_THAI_MONTH})(?:{_S}?(?:{_ERA}{_S}?)?{_YEAR})?",
            f"(?<![{_THAI_LETTER}])(?:{_THAI_MONTH}){_S}?(?:{_ERA}{_S}?)?{_YEAR}",
            # An English date: 17 August 2025, August 17, 2025.
            rf"{_DAY} (?:{_EN_MONTH})\b(?: {_YEAR})?",
            rf"\b(?:{_EN_MONTH}) [0-9]{{1,2}}(?:, [0-9]{{4}})?\b",
            # A meeting number, or any number over a year: ครั้งที่ 2/2569, 2/2569, 001/2568.
            f"(?:ครั้งที่{_S}?)?(?<![{_DIGIT}/])[{_DIGIT}]+/(?:{_ERA}{_S}?)?[{_DIGIT}]+",
            f"ครั้งที่{_S}?[{_DIGIT}]+(?![{_DIGIT}])",
            # An era and its year: พ.ศ. 2568.
            f"{_ERA}{_S}?{_YEAR}",
            # A time and its unit: 10.00 น.
            f"(?<![{_DIGIT}])[{_DIGIT}]{{1,2}}[.:][{_DIGIT}]{{2}}{_S}?น\\.",
            # The signature line's "(ลงชื่อ)".
            r"\((?:ลงชื่อ|ลงนาม)\)",
            # Thai acronyms: ส.อ.ท., ก.พ.ร., สพร. (letters only, then a full stop).
            f"(?<![{_THAI_LETTER}.])(?:[{_THAI_LETTER}]{{1,4}}\\.){{2,6}}",
            f"(?<![{_THAI_LETTER}.])[ก-ฮ]{{2,6}}\\.",
            # Latin acronyms and references joined by punctuation: MOU-2568/001, DGTi-1.
            r"\b[A-Z][A-Za-z0-9]*(?:[-/.&][A-Za-z0-9]+)+\.?",
        )
    )
)

_THAI_TITLE = _alternatives(TITLES)
#: Titles (one or more: ผู้ช่วยศาสตราจารย์ ดร.), a first name and the run after it (the
#: surname, as Thai names are written); the name is checked afterwards.
_THAI_NAME = re.compile(
    f"(?<![.])(?P<title>(?:{_THAI_TITLE})(?:{_S}?(?:{_THAI_TITLE}))*)"
    f"{_S}?(?P<first>[{_THAI_LETTER}]+)"
    f"(?:{_S}(?P<last>[{_THAI_LETTER}]+))?"
)
_LAST_TITLE = re.compile(f"(?:{_THAI_TITLE})$")
#: The longest first name taken whole when a title is followed by a run of Thai: a longer
#: run is the first name and the sentence after it, and its first word is taken.
_FIRST_NAME_MAX = 16
_KNOWN_NAME = re.compile(
    f"(?<![{_THAI_LETTER}])(?=([{_THAI_LETTER}]+){_S}([{_THAI_LETTER}]+))"
)
_EN_NAME = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Dr|Prof|Assoc\. Prof|Asst\. Prof)\.?(?: Dr\.)? "
    r"[A-Z][A-Za-z'-]+(?P<last> [A-Z][A-Za-z'-]+)?"
)


def width(text: str) -> int:
    """How much room ``text`` takes, in characters: Thai marks above and below a letter
    take none."""
    return sum(1 for char in text if char not in _COMBINING)


# --- Pango's opinion ---------------------------------------------------------------------


@lru_cache(maxsize=65536)
def _breaks_inside_cached(word: str, lang: str) -> tuple[int, ...]:
    from weasyprint.text.line_break import get_log_attrs

    attrs = get_log_attrs(word, lang)
    return tuple(i for i in range(1, len(word)) if attrs[i].is_line_break)


def breaks_inside(word: str, lang: str = "th") -> list[int]:
    """Where Pango (with libthai for Thai) would allow a line break inside ``word`` on its
    own (kept per word: the same words come back in every document)."""
    return list(_breaks_inside_cached(word, lang))


def _line_breaks(text: str) -> list[bool]:
    """Whether Pango allows a line break before each position of ``text`` (and at its end),
    ``text`` being one run of text as WeasyPrint lays it out."""
    from weasyprint.text.line_break import get_log_attrs

    attrs = get_log_attrs(text, "th")
    return [attrs[i].is_line_break for i in range(len(text) + 1)]


# --- The dictionary ----------------------------------------------------------------------


class Lexicon:
    """The tokenizer's dictionary: a set of words, looked up by their first two letters.

    It answers newmm's one question, which of its words start at a position of a text
    (``prefixes``), as PyThaiNLP's ``Trie`` does, but is made in a few milliseconds instead
    of half a second: it is made again whenever the registry's vocabulary changes.
    ``cap`` leaves out the words longer than that (to split a long word into its own).
    """

    def __init__(self, words: frozenset[str], lengths: dict[str, tuple[int, ...]], cap=None):
        self.words = words
        self._lengths = lengths
        self._cap = cap
        #: Text already made safe with this dictionary (see ``_protect_text``).
        self.protected: dict[str, str] = {}
        #: The people the registry knows, (first name, surname), for names in the text.
        self.names: frozenset[tuple[str, str]] = frozenset()

    @classmethod
    def of(cls, words: Iterable[str], base: Lexicon | None = None) -> Lexicon:
        """A dictionary of ``words``, added to ``base``'s when given (``base`` is unchanged)."""
        new = {w for w in (word.strip() for word in words) if w}
        if base is not None:
            new -= base.words
        grouped: dict[str, set[int]] = {}
        for word in new:
            grouped.setdefault(word[:2], set()).add(len(word))
        lengths = dict(base._lengths) if base is not None else {}
        for prefix, sizes in grouped.items():
            lengths[prefix] = tuple(sorted(sizes.union(lengths.get(prefix, ()))))
        words = base.words | new if base is not None else frozenset(new)
        return cls(words, lengths)

    def capped(self, cap: int) -> Lexicon:
        """The same dictionary without its words longer than ``cap`` characters."""
        return Lexicon(self.words, self._lengths, cap)

    def prefixes(self, text: str, start: int = 0) -> list[str]:
        """The words that ``text`` has at ``start``, shortest first."""
        found = []
        lengths = self._lengths.get(text[start : start + 2], ())
        if len(text) > start and text[start] in self.words:
            found.append(text[start])
        room = len(text) - start
        cap = self._cap or room
        for size in lengths:
            if size > room or size > cap:
                break
            if size > 1:
                word = text[start : start + size]
                if word in self.words:
                    found.append(word)
        return found

    def __contains__(self, word: str) -> bool:
        return word in self.words

    def __iter__(self) -> Iterator[str]:
        return iter(self.words)

    def __len__(self) -> int:
        return len(self.words)


@cache
def base_lexicon() -> Lexicon:
    """PyThaiNLP's Thai words and people's names (the lists in its wheel), the office words,
    the provinces and the months: the dictionary before the registry's own vocabulary (made
    once a process)."""
    from pythainlp.corpus import (
        provinces,
        thai_family_names,
        thai_female_names,
        thai_male_names,
        thai_words,
    )

    words = set(thai_words())
    # "การ" or "ความ" and a word (การพัฒนา, ความถูกต้อง) tie with a word that ends in them
    # (โครงการ|พัฒนา against โครง|การพัฒนา, ข้อความ|ถูกต้อง against ข้อ|ความถูกต้อง), and newmm
    # may settle the tie inside the word: such compounds are left out (the office words keep
    # theirs), so a line may break after การ or ความ, never inside โครงการ or ข้อความ.
    words -= {
        w
        for w in words
        for prefix in ("การ", "ความ")
        if w.startswith(prefix) and len(w) > len(prefix) and w[len(prefix) :] in words
    }
    names = (*thai_male_names(), *thai_female_names(), *thai_family_names())
    words.update(*(OFFICE_WORDS, provinces(), THAI_MONTHS, names))
    return Lexicon.of(_thai_parts(words))


def _thai_parts(entries: Iterable[str]) -> Iterator[str]:
    """The Thai words of each entry: its runs of Thai letters (spaces, digits, dots and
    Latin letters separate them; a tokenizer only ever meets Thai runs)."""
    for entry in entries:
        if entry:
            yield from _THAI_RUN.findall(entry)


_lexicon_lock = threading.Lock()
_kept_lexicon: list = [None, None]  # [vocabulary, lexicon]


def lexicon_for(vocabulary: Vocabulary) -> Lexicon:
    """The dictionary with ``vocabulary`` added: made again only when the vocabulary changed."""
    with _lexicon_lock:
        kept_vocabulary, kept = _kept_lexicon
        if kept is not None and (kept_vocabulary is vocabulary or kept_vocabulary == vocabulary):
            return kept
    lexicon = Lexicon.of(vocabulary.words, base=base_lexicon())
    lexicon.names = vocabulary.names
    with _lexicon_lock:
        _kept_lexicon[:] = [vocabulary, lexicon]
    return lexicon


def segment(text: str, lexicon: Lexicon | None = None) -> list[str]:
    """The words of ``text`` as documents break it: each run of Thai cut into words by
    PyThaiNLP's newmm tokenizer with the registry's dictionary (a word wider than
    ``MAX_UNIT`` cut into its own words, the pieces of a word the dictionary lacks joined),
    and what lies between the runs (spaces, digits, punctuation, Latin) as it is."""
    lexicon = lexicon or current_lexicon()
    words, position = [], 0
    for start, end, _known in _tokens(text, lexicon):
        if start > position:
            words.append(text[position:start])
        words.append(text[start:end])
        position = end
    if position < len(text):
        words.append(text[position:])
    return words


# --- The registry's vocabulary -----------------------------------------------------------


@dataclass(frozen=True)
class Vocabulary:
    """Words the registry's records add to the dictionary, and the people it knows."""

    #: Thai words: organisation names and acronyms, names, positions, places.
    words: frozenset[str] = frozenset()
    #: (first name, surname) of the people in the records, without their titles.
    names: frozenset[tuple[str, str]] = frozenset()


def _column(table: str, *columns: str) -> sa.TableClause:
    return sa.table(table, *(sa.column(c) for c in columns))


#: Where the registry keeps names, per table: (table, columns of text, columns of people's
#: names). Read with plain SQL: documents sit below the domains and import none of them.
_SOURCES = (
    ("organisations", ("name_th", "acronym"), ()),
    ("committees", ("name_th",), ()),
    ("agreements", ("signing_place",), ()),
    (
        "agreement_parties",
        ("short_name_th", "signatory_position"),
        ("signatory_name",),
    ),
    ("agreement_witnesses", ("witness_position",), ("name",)),
    (
        "meetings",
        ("venue", "minute_taker_position", "reviewer_position"),
        ("minute_taker_name", "reviewer_name"),
    ),
    ("meeting_attendance", ("position", "organisation_name"), ("name",)),
)


def load_vocabulary(connection: sa.Connection) -> Vocabulary:
    """The registry's vocabulary, read with a few statements: the text of every source
    column, and the people of the contacts (not those erased) and of the free-text names."""
    entries: set[str] = set()
    people: set[str] = set()
    for table, texts, names in _SOURCES:
        source = _column(table, *texts, *names)
        for column in (*texts, *names):
            values = connection.execute(sa.select(source.c[column]).distinct()).scalars()
            (people if column in names else entries).update(v for v in values if v)
    contacts = _column("contacts", "title", "first_name", "last_name", "position", "erased_at")
    rows = connection.execute(
        sa.select(contacts.c.first_name, contacts.c.last_name, contacts.c.position)
        .where(contacts.c.erased_at.is_(None))
        .distinct()
    )
    pairs: set[tuple[str, str]] = set()
    for first, last, position in rows:
        entries.add(position or "")
        if first:
            pairs.add((first.strip(), (last or "").strip()))
    for person in people:
        pairs.add(_split_name(person))
    words = set(_thai_parts(entries))
    for first, last in pairs:
        words.update(_thai_parts((first, last)))
    return Vocabulary(frozenset(words), frozenset(p for p in pairs if p[0]))


_TITLE_PREFIX = re.compile(f"^(?:{_THAI_TITLE}){_S}?")


def _split_name(name: str) -> tuple[str, str]:
    """A free-text name ("นางสาวศิริพร ใจดี") as (first name, surname), its title left out."""
    bare = _TITLE_PREFIX.sub("", name.strip(), count=1)
    first, _, last = bare.partition(" ")
    return first.strip(), last.strip()


#: The tables whose records hold the vocabulary, as audit events name them.
_NAMED = tuple(sorted({"contacts", "committee_memberships", *(t for t, _c, _n in _SOURCES)}))

#: The longest a vocabulary is kept, in seconds, even when no audit event names its tables
#: (on PostgreSQL an event may commit after one with a greater id was seen).
VOCABULARY_MAX_AGE = 300

_SINCE = sa.text(
    "SELECT (SELECT at FROM audit_events WHERE id = :seen),"
    " EXISTS (SELECT 1 FROM audit_events WHERE id > :seen AND record_type IN :tables)"
).bindparams(sa.bindparam("tables", expanding=True))
_AT = sa.text("SELECT at FROM audit_events WHERE id = :seen")


def vocabulary() -> Vocabulary:
    """The registry's vocabulary, kept in this process until an audit event names one of
    the tables it comes from (every write leaves an audit event: printing a document, signing
    in or endorsing a proposal changes no name), or ``VOCABULARY_MAX_AGE`` passes; read
    again, it costs a few statements over those tables. Empty outside an application."""
    from flask import current_app, has_app_context

    if not has_app_context():
        return Vocabulary()
    _writes, newest, _at = data_version()
    kept = current_app.extensions.setdefault("line_breaking_vocabulary", {})
    found = kept.get("vocabulary")
    if found is not None and time.monotonic() - found[3] < VOCABULARY_MAX_AGE:
        words, seen, seen_at, made = found
        if seen == newest:
            if db.session.execute(_AT, {"seen": seen}).scalar() == seen_at:
                return words
        elif seen is not None and (newest or 0) > seen:
            # What was written since: if no event names a table of names (and the event
            # seen last is still the same one, not another after a rollback), keep it.
            same_at, named = db.session.execute(
                _SINCE, {"seen": seen, "tables": list(_NAMED)}
            ).one()
            if not named and same_at == seen_at:
                at = db.session.execute(_AT, {"seen": newest}).scalar()
                kept["vocabulary"] = (words, newest, at, made)
                return words
    made = time.monotonic()
    words = load_vocabulary(db.session.connection())
    at = db.session.execute(_AT, {"seen": newest}).scalar() if newest is not None else None
    kept["vocabulary"] = (words, newest, at, made)
    return words


def current_lexicon() -> Lexicon:
    """The dictionary documents are segmented with now."""
    return lexicon_for(vocabulary())


# --- Protecting the text ------------------------------------------------------------------


@dataclass
class _Piece:
    """A stretch of the text kept on one line: a word or a unit."""

    start: int
    end: int
    unit: bool = False


def keep_words_together(markup: str) -> str:
    """Allow line breaks in Thai only between words, never inside a word or a unit (a name,
    a date, a meeting number ...): see the module's notes. Works on the text between the
    tags of the HTML that Jinja produced (user text is escaped there, and is escaped again
    on the way out); tags, attributes, style and script elements are left as they are, and
    so is text already inside a ``nobr`` span (one the template wrote)."""
    pieces = _TAG_OR_TEXT.split(markup)
    lexicon = current_lexicon() if _THAI_OR_UNIT.search(markup) else None
    depth = 0  # inside a nobr span: how many spans are open
    after_span = False  # just after a nobr span the template wrote
    for index, piece in enumerate(pieces):
        if index % 2:  # a tag
            after_span = False
            if depth:
                if piece.startswith("<span"):
                    depth += 1
                elif piece.startswith("</span"):
                    depth -= 1
                    after_span = not depth
            elif _NOBR_OPEN.match(piece):
                depth = 1
            continue
        if after_span and piece.startswith(" "):
            # WeasyPrint does not break at a space just after a no-wrap span.
            piece = pieces[index] = _ZWSP + piece
        if piece and not depth and lexicon is not None and _THAI_OR_UNIT.search(piece):
            kept = lexicon.protected.get(piece)
            if kept is None:
                kept = _protect_text(html.unescape(piece), lexicon)
                if len(lexicon.protected) > _MAX_KEPT_TEXTS:
                    lexicon.protected.clear()
                lexicon.protected[piece] = kept
            pieces[index] = kept
    return "".join(pieces)


#: Text pieces kept per dictionary, made safe (a document's paragraphs, printed again).
_MAX_KEPT_TEXTS = 20_000
# Markup and the text between it; style and script elements are kept whole.
_TAG_OR_TEXT = re.compile(r"(<(?:style|script)\b.*?</(?:style|script)\s*>|<[^>]*>)", re.S | re.I)
_NOBR_OPEN = re.compile(r"""<span\b[^>]*\bclass\s*=\s*["']?(?:[^"'>]*\s)?nobr\b""", re.I)
_THAI_OR_UNIT = re.compile(f"[{_THAI_LETTER}]|[{_DIGIT}]/|[A-Z][A-Za-z0-9]*[-/.&]|[A-Z][a-z]+ ")


def _protect_text(text: str, lexicon: Lexicon) -> str:
    """One run of text (unescaped) as HTML: zero-width spaces between its Thai words, glue
    inside the words and units Pango would break."""
    tokens = _tokens(text, lexicon)
    units = _units(text, tokens, lexicon)
    pieces = _pieces(text, tokens, units)
    marks = _word_breaks(text, tokens, units)
    glue = _glue(text, pieces, marks)
    return _markup(text, pieces, marks, glue)


def _tokens(text: str, lexicon: Lexicon) -> list[tuple[int, int, bool]]:
    """The words of the Thai runs of ``text``, as (start, end, known): ``known`` is False for
    a word the dictionary lacks (newmm cuts it into pieces, joined again here, up to
    ``MAX_UNIT``); a word wider than ``MAX_UNIT`` is cut into its own words."""
    from pythainlp.tokenize import word_tokenize

    tokens: list[tuple[int, int, bool]] = []
    for run in _THAI_RUN.finditer(text):
        position = run.start()
        words = word_tokenize(run.group(), custom_dict=lexicon, engine="newmm")
        if "".join(words) != run.group():  # never seen; the run is then one word
            words = [run.group()]
        joined: list[tuple[int, int, bool]] = []
        for word in words:
            end = position + len(word)
            if width(word) > MAX_UNIT:
                pieces = list(_split_long(text, position, end, lexicon))
            else:
                pieces = [(position, end, _is_word(word, lexicon))]
            for start, stop, known in pieces:
                if joined and not known and not joined[-1][2]:
                    first = joined[-1][0]
                    if width(text[first:stop]) <= MAX_UNIT:
                        joined[-1] = (first, stop, False)
                        continue
                joined.append((start, stop, known))
            position = end
        tokens.extend(joined)
    return tokens


def _is_word(word: str, lexicon: Lexicon) -> bool:
    """Whether a piece newmm cut is a word of the dictionary, and not a lone letter (the word
    list has the letters of the alphabet, which newmm cuts out of a word it does not know:
    ฟ|ลักซ์); ณ is a word."""
    return word in lexicon.words and (width(word) > 1 or word == "ณ")


def _units(text: str, tokens, lexicon: Lexicon) -> list[tuple[int, int]]:
    """The units never broken, as (start, end), in order and not overlapping."""
    starts = {start for start, _end, _known in tokens}
    found: list[tuple[int, int]] = []
    taken = bytearray(len(text) + 1)

    def add(start: int, end: int) -> None:
        if end > start and not any(taken[start:end]) and width(text[start:end]) <= MAX_UNIT:
            found.append((start, end))
            taken[start:end] = b"\x01" * (end - start)

    for match in _THAI_NAME.finditer(text):
        _thai_name(text, match, starts, tokens, add)
    if lexicon.names:
        # A person the registry knows, written without a title: first name and surname.
        for match in _KNOWN_NAME.finditer(text):
            run_start, run_end = match.span(1)
            for start in [run_start, *(s for s in starts if run_start < s < run_end)]:
                if (text[start:run_end], match.group(2)) in lexicon.names:
                    add(start, match.end(2))
                    break
    for match in _EN_NAME.finditer(text):
        if width(match.group()) <= MAX_UNIT:
            add(match.start(), match.end())
        else:
            add(match.start(), match.start("last") if match.group("last") else match.end())
    for match in _UNITS.finditer(text):
        add(match.start(), match.end())
    # A word and the ๆ after it ("ต่าง ๆ"): ๆ never starts a line.
    for start, end, _known in tokens:
        if text[start] == "ๆ" and start and text[start - 1] in _SPACE:
            before = [t for t in tokens if t[1] == start - 1]
            if before:
                add(before[0][0], end)
    found.sort()
    return found


def _thai_name(text, match, starts, tokens, add) -> None:
    """Protect the Thai name ``match`` found: its titles and first name, and with them the
    surname (the next run of Thai, as Thai names are written) where the whole fits; where it
    does not, the last title with the first name, and the surname on its own."""
    title = match.group("title")
    start, first_start, first_end = match.start(), match.start("first"), match.end("first")
    if start and start not in starts and _THAI_RUN.match(text[start - 1]):
        return  # inside a word
    if _LAST_TITLE.search(title).group() in _PLAIN_TITLES and not {start, first_start} <= starts:
        return  # นายก, นางฟ้า: a word, not a title
    if width(text[first_start:first_end]) > _FIRST_NAME_MAX:
        # The first name runs on into the sentence: up to the end of its first word.
        after = [t for t in tokens if first_start <= t[0] < first_end]
        if not after:
            return
        first_end = after[0][1]
        for token_start, token_end, known in after[1:]:
            if known or token_start != first_end:
                break
            first_end = token_end
        last = None
    else:
        last = match.span("last") if match.group("last") else None
    if last and width(text[start : last[1]]) <= MAX_UNIT:
        add(start, last[1])
        return
    last_title = start + _LAST_TITLE.search(title).start()
    for name_start in (start, last_title, first_start):
        if width(text[name_start:first_end]) <= MAX_UNIT:
            add(name_start, first_end)
            break
    if last:
        add(*last)


def _pieces(text: str, tokens, units) -> list[_Piece]:
    """The units, and the words outside them, in order."""
    pieces: list[_Piece] = [_Piece(start, end, unit=True) for start, end in units]
    covered = bytearray(len(text) + 1)
    for start, end in units:
        covered[start:end] = b"\x01" * (end - start)
    for start, end, _known in tokens:
        if any(covered[start:end]):
            # Partly in a unit (text no rule foresaw): what is left is a word of its own.
            inside = [i for i in range(start, end) if not covered[i]]
            if inside:
                start, end = inside[0], inside[-1] + 1
            else:
                continue
        if end - start > 1:
            pieces.append(_Piece(start, end))
    pieces.sort(key=lambda piece: piece.start)
    return pieces


def _split_long(text: str, start: int, end: int, lexicon: Lexicon):
    """The words of a long word (an organisation's whole name), by the dictionary without
    its words longer than ``MAX_UNIT``."""
    from pythainlp.tokenize import word_tokenize

    capped = lexicon.capped(MAX_UNIT)
    position = start
    for word in word_tokenize(text[start:end], custom_dict=capped, engine="newmm"):
        yield position, position + len(word), word in lexicon.words
        position += len(word)


def _word_breaks(text: str, tokens, units) -> set[int]:
    """The boundaries between two Thai words outside the units (never before ๆ or ฯ): a
    zero-width space goes at each, so that Pango meets every Thai word as a run of its own,
    whatever WeasyPrint hands it (it lays out only the start of a long text to find where
    the first line ends, and libthai segments a run cut short differently)."""
    inside = bytearray(len(text) + 1)
    for start, end in units:
        inside[start + 1 : end] = b"\x01" * (end - start - 1)
    return {
        end
        for _start, end, _known in tokens
        if 0 < end < len(text)
        and not inside[end]
        and _THAI_RUN.match(text[end - 1])
        and _THAI_RUN.match(text[end])
        and text[end] not in _NEVER_FIRST
    }


#: WeasyPrint lays out only the first ``4 * width / font size`` characters of a long text to
#: find where its first line ends; a word cut there is segmented by libthai as cut, which
#: may break it where it would not break whole. A line holds at most ``3 * width / font
#: size`` characters of Thai (a third of an em each, marks above and below included), so
#: such a break is used only if it lies this many characters or more before the cut.
_CUT_REACH = 3


@lru_cache(maxsize=65536)
def _glue_in(word: str) -> tuple[int, ...]:
    """Where a glue goes in ``word`` so that Pango breaks it nowhere: where Pango would break
    it on its own, or cut short after any of its letters (see ``_CUT_REACH``), until it
    breaks it nowhere."""
    found: set[int] = set()
    if _THAI_RUN.search(word):
        for end in range(_CUT_REACH + 1, len(word)):
            cut = _breaks_inside_cached(word[:end], "th")
            found.update(k for k in cut if end - k >= _CUT_REACH)
    for _round in range(8):
        glued, where = _glued(word, found)
        breaks = _breaks_inside_cached(glued, "th")
        if not breaks:
            break
        found.update(where[i] for i in breaks if 0 < where[i] < len(word))
    return tuple(sorted(found))


def _glued(word: str, glue: set[int]) -> tuple[str, list[int]]:
    """``word`` with a glue before each position in ``glue``, and the position in ``word``
    of each position of the result."""
    out: list[str] = []
    where: list[int] = []
    for position, char in enumerate(word):
        if position in glue:
            out.append(GLUE)
            where.append(position)
        out.append(char)
        where.append(position)
    where.append(len(word))
    return "".join(out), where


def _glue(text: str, pieces: list[_Piece], marks: set[int]) -> set[int]:
    """Where a glue goes in ``text``: inside each word and unit where Pango would break it
    (on its own, ``_glue_in``), then wherever Pango still breaks one in the whole text as
    WeasyPrint will hand it over (zero-width spaces, glue and no-break spaces in place),
    until it breaks none. Nothing wider than ``MAX_UNIT`` is glued."""
    kept = [p for p in pieces if width(text[p.start : p.end]) <= MAX_UNIT and p.end - p.start > 1]
    glue: set[int] = set()
    for piece in kept:
        glue.update(piece.start + k for k in _glue_in(_shown(text, piece)))
    for _round in range(8):
        shown, where = _printed(text, pieces, marks, glue)
        breaks = _line_breaks(shown)
        found = {
            where[i]
            for i in range(1, len(shown))
            if breaks[i] and where[i] not in glue
            and any(p.start < where[i] < p.end for p in kept)
        }
        if not found:
            break
        glue |= found
    return glue


def _shown(text: str, piece: _Piece) -> str:
    """A piece's text as printed: the spaces in a unit are no-break spaces."""
    inner = text[piece.start : piece.end]
    return inner.replace(" ", NO_BREAK_SPACE) if piece.unit else inner


def _printed(text: str, pieces: list[_Piece], marks: set[int], glue: set[int]):
    """``text`` as printed: a zero-width space at each of ``marks``, a glue at each of
    ``glue``, no-break spaces in units; and the position in ``text`` of each position of
    the result."""
    in_unit = bytearray(len(text))
    for piece in pieces:
        if piece.unit:
            in_unit[piece.start : piece.end] = b"\x01" * (piece.end - piece.start)
    out: list[str] = []
    where: list[int] = []
    for position, char in enumerate(text):
        if position in marks:
            out.append(_ZWSP)
            where.append(position)
        if position in glue:
            out.append(GLUE)
            where.append(position)
        out.append(NO_BREAK_SPACE if char == " " and in_unit[position] else char)
        where.append(position)
    if len(text) in marks:
        out.append(_ZWSP)
        where.append(len(text))
    where.append(len(text))
    return "".join(out), where


def _markup(text: str, pieces: list[_Piece], marks: set[int], glue: set[int]) -> str:
    """The text as HTML (escaped): a zero-width space at each of ``marks``, a glue at each
    of ``glue``, the spaces inside units made no-break spaces."""
    shown, _where = _printed(text, pieces, marks, glue)
    return html.escape(shown, quote=False)
