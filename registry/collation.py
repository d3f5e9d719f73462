"""Thai dictionary order for names, as a key that sorts correctly as a plain string.

Thai writes the vowels เ แ โ ใ ไ before the consonant they follow in speech, so code-point
order puts every name starting with them after ฮ. The Royal Institute dictionary orders a
word by its consonant first: เกษตร comes among the ก words, after กา and before ข. The key
below is PyThaiNLP's rule (``pythainlp.util.collate``) made into one string:

1. the name Unicode-normalised, case-folded and single-spaced;
2. each leading vowel moved after the consonant that follows it (เก → กเ), so the consonant
   decides first and the vowels then follow their code points (กะ กา กิ ... กู เก แก โก
   ใก ไก, as the dictionary lists them);
3. the tone and other marks (็ ่ ้ ๊ ๋ ์ ํ) left out of that first comparison, and added after
   a separator below every letter, so ก่า sorts beside กา and only breaks a tie.

Compared by code point (SQLite's default, PostgreSQL with ``COLLATE "C"``, which the column
carries), the keys give the same order on both databases and in Python. Latin letters and
digits come before Thai, as in ICU's root order.
"""

from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa

#: Longest key stored; names are compared on at most this many characters.
KEY_LENGTH = 300

#: Below every letter, so a shorter name sorts before a longer one that starts the same way.
_SEPARATOR = "\x01"
#: Thai tone marks and signs that do not change the dictionary order of the letters.
_MARKS = re.compile("[\u0e47-\u0e4e]")
#: A leading vowel (เ แ โ ใ ไ) and the consonant written after it.
_LEADING_VOWEL = re.compile("([\u0e40-\u0e44])([\u0e01-\u0e2e])")
#: Invisible characters that copy and paste leave in names (zero-width space, joiners, BOM).
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def sort_key(*parts: str | None) -> str:
    """The key that sorts the given name (or given and family names) in Thai dictionary order.

    Each part is compared in turn: a family name only separates people of the same given name.
    """
    texts = [_clean(part) for part in parts]
    letters = _SEPARATOR.join(_MARKS.sub("", _LEADING_VOWEL.sub(r"\2\1", text)) for text in texts)
    marks = "".join(_MARKS.findall("".join(texts)))
    key = f"{letters}{_SEPARATOR}{_SEPARATOR}{marks}" if marks else letters
    return key[:KEY_LENGTH]


def _clean(text: str | None) -> str:
    """A name as compared: normalised, case-folded, its spaces single."""
    text = unicodedata.normalize("NFC", text or "").translate(_INVISIBLE)
    return " ".join(text.casefold().split())


def sort_column(length: int = KEY_LENGTH) -> sa.types.TypeEngine:
    """The column type of a stored sort key: compared by code point on every database."""
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


#: Titles a person's written name may start with; people are sorted by the name after them.
PERSON_TITLES = (
    "นางสาว", "นาง", "นาย", "ว่าที่ร้อยตรี", "ดร.", "ผศ.", "รศ.", "ศ.", "พล.อ.", "พ.ต.อ.",
    "mrs.", "mrs", "miss", "ms.", "ms", "mr.", "mr", "dr.", "dr", "prof.",
)


def person_sort_key(written_name: str | None) -> str:
    """The key of a person's name as written with its title (นายสมชาย, ดร. Anan): the titles
    are left out, so people sort by their given name, as a Thai list of names does."""
    name = _clean(written_name)
    stripped = True
    while stripped:
        stripped = False
        for title in PERSON_TITLES:
            rest = name[len(title):]
            if name.startswith(title) and rest.strip() and (title.endswith(".") or
                                                             not title.isascii() or rest[0] == " "):
                name, stripped = rest.strip(), True
                break
    return sort_key(name)
