"""An exact text layer for the PDFs WeasyPrint writes: every glyph maps to the text it draws.

What is wrong without it. A PDF finds the text of a glyph through its font's ToUnicode map,
one entry per glyph id. WeasyPrint 70 fills that map first come, first served: the first
text a glyph is drawn for becomes its text everywhere in the file. Sarabun draws sara am (ำ)
as two glyphs, nikhahit and sara aa, the second shared with the letter า; so one document
reads "สำนักงาน" as "สานักงาน" and another reads every า as ำ. Inside a cluster of several
glyphs (ำ, or น้ำ where one glyph draws the tone mark and nikhahit together) WeasyPrint also
gives the whole text to the last glyph and nothing to the others, and the letter a glyph
first drew nothing for loses its text for good.

What this module does, where glyphs meet their text when the PDF is written:

* every (glyph, text) pair gets a glyph id of its own: the first text a glyph is drawn for
  keeps the glyph's id, every other text gets a new id whose glyph, added to the embedded
  subset of the font, is a composite of the original glyph (the same outline, so the page
  looks the same); the ToUnicode map is then exact in every reader, including those that
  ignore ``/ActualText``;
* a unit of several glyphs - a cluster drawn with several glyphs (ำ), and in left-to-right
  text the marks that follow a letter without advancing the pen (ญี่) - is drawn as one
  composite glyph made of those glyphs where the shaper put them, and maps to the unit's
  whole text: no glyph maps to nothing (PDF/A level U asks for a Unicode value for each),
  and readers that order glyphs by their position (pdftotext, pdfminer) no longer read a
  tone mark after the next letter or break a word at a mark;
* a glyph that draws several characters (a ligature) maps to all of them, as before;
* the structure tree of a tagged PDF marks the language of each element whose ``lang``
  differs from the document's (WeasyPrint 70 marks only the document's own language).

Fonts this does not apply to (bitmap, colour and CFF fonts) keep WeasyPrint's own mapping.
The text, the font's shapes and the layout are never changed.

The patches reach into WeasyPrint's internals (``draw.text.draw_first_line``,
``pdf.fonts.Font``, ``pdf.tags._build_box_tree``), so they are pinned to the one release they
were written for: :func:`install` refuses any other version with
:class:`UnsupportedWeasyPrint`. On an upgrade, check whether WeasyPrint fixed the mapping
itself (issue #2841, pull request #2869) and adapt or remove this module.
"""

from __future__ import annotations

import struct
import sys
import threading
import unicodedata
from dataclasses import dataclass, field

#: The WeasyPrint release whose internals this module patches.
WEASYPRINT_VERSION = "70.0"

#: The attribute a WeasyPrint Font carries this module's record of its font file in.
_STATE = "_registry_text_layer"

#: Glyph ids are 16 bits in the PDF (Identity-H): no new glyph beyond this one.
_LAST_GLYPH_ID = 0xFFFF

_install_lock = threading.Lock()
_installed: dict[str, object] = {}
#: Pango's flag for the run of an ellipsis (PANGO_ANALYSIS_FLAG_IS_ELLIPSIS).
_IS_ELLIPSIS = 1 << 1
#: Pango's glyph values for "no glyph" and "a glyph the font lacks" (set at installation).
_PANGO = {"empty": 0x0FFFFFFF, "unknown": 0x10000000}


class UnsupportedWeasyPrint(RuntimeError):
    """The installed WeasyPrint is not the release this module's patches were written for."""


def check_version(version: str) -> None:
    """Refuse any WeasyPrint but the pinned release: the patches rely on its internals."""
    if version != WEASYPRINT_VERSION:
        raise UnsupportedWeasyPrint(
            f"registry.documents.text_layer patches WeasyPrint {WEASYPRINT_VERSION}, but "
            f"WeasyPrint {version} is installed. Its PDFs' text layer must be checked again "
            "(tests/documents/test_text_layer.py) and this module adapted or removed before "
            "documents can be printed with it."
        )


def installed() -> bool:
    """Whether the patches are in place in this process."""
    return bool(_installed)


def install() -> None:
    """Patch WeasyPrint (once per process; later calls do nothing) so that the PDFs it writes
    map every glyph to its own text; raises :class:`UnsupportedWeasyPrint` on another
    release."""
    if _installed:
        return
    with _install_lock:
        if _installed:
            return
        import weasyprint
        from weasyprint.draw import text as draw_text
        from weasyprint.pdf import fonts as pdf_fonts
        from weasyprint.pdf import tags as pdf_tags
        from weasyprint.text.ffi import ffi, pango

        check_version(weasyprint.__version__)
        if ffi.sizeof("PangoGlyphInfo") != _GLYPH_INFO.size:  # pragma: no cover (pinned)
            raise UnsupportedWeasyPrint("Pango's glyph records are not laid out as expected")
        _PANGO.update(empty=pango.PANGO_GLYPH_EMPTY, unknown=pango.PANGO_GLYPH_UNKNOWN_FLAG)
        originals = {
            "draw_first_line": draw_text.draw_first_line,
            "clean": pdf_fonts.Font.clean,
            "get_unused_glyph_id": pdf_fonts.Font.get_unused_glyph_id,
            "build_box_tree": pdf_tags._build_box_tree,
        }
        draw_text.draw_first_line = _patched_draw_first_line(originals["draw_first_line"])
        pdf_fonts.Font.clean = _patched_clean(originals["clean"])
        pdf_fonts.Font.get_unused_glyph_id = _patched_unused_glyph_id(
            originals["get_unused_glyph_id"]
        )
        pdf_tags._build_box_tree = _patched_build_box_tree(originals["build_box_tree"])
        _installed.update(originals)


# --- The record of one embedded font file --------------------------------------------------


@dataclass
class FontFile:
    """The glyph ids one embedded font file hands out while a document is drawn, and the
    glyphs the file gains for them (a composite of one or more of its own glyphs each)."""

    #: The first id after the font's own glyphs: new ids are handed out from here.
    next_id: int
    #: The text each of the font's own glyphs was first drawn for (it keeps its id for it).
    own_text: dict[int, str] = field(default_factory=dict)
    #: (glyph id, text) -> the new id drawn for that glyph with that text.
    aliases: dict[tuple[int, str], int] = field(default_factory=dict)
    #: (components, text) -> the new id of a cluster drawn as one glyph.
    clusters: dict[tuple, int] = field(default_factory=dict)
    #: New id -> its components ((glyph id, dx, dy) in font units) and its advance in
    #: thousandths of an em (None: the advance of its single component).
    added: dict[int, tuple[tuple[tuple[int, int, int], ...], int | None]] = field(
        default_factory=dict
    )
    #: The WeasyPrint Font objects of this file (usually one); each writes its own maps.
    members: list = field(default_factory=list)
    #: (glyph, text in UTF-8) -> the id drawn: a glyph met again for the same text is
    #: settled at once.
    singles: dict[tuple[int, bytes], int] = field(default_factory=dict)
    #: (glyph infos of a unit, text in UTF-8) -> its changes (see _merge): the same, for
    #: units of several glyphs.
    units: dict[tuple, list] = field(default_factory=dict)
    #: A character the font lacks -> the id its stand-in (a copy of .notdef) is drawn with.
    missing: dict[int, int] = field(default_factory=dict)

    def allocate(self) -> int | None:
        """A new glyph id, or None when the 16-bit ids are all taken."""
        if self.next_id > _LAST_GLYPH_ID:
            return None
        self.next_id += 1
        return self.next_id - 1

    def glyph_for(self, glyph: int, text: str) -> int:
        """The id to draw ``glyph`` with when it stands for ``text``."""
        own = self.own_text.get(glyph)
        if own is None:
            for member in self.members:  # mapped by WeasyPrint itself (a case left to it)
                own = member.to_unicode.get(glyph)
                if own is not None:
                    break
        if own is None:
            self.own_text[glyph] = text
            return glyph
        if own == text:
            return glyph
        key = (glyph, text)
        alias = self.aliases.get(key)
        if alias is None:
            alias = self.allocate()
            if alias is None:
                return glyph
            self.aliases[key] = alias
            self.added[alias] = (((glyph, 0, 0),), None)
        return alias

    def cluster_glyph(self, components: tuple, text: str, advance: int) -> int | None:
        """The id of one glyph drawing ``components`` for ``text`` (None if no id is left)."""
        key = (components, text)
        glyph = self.clusters.get(key)
        if glyph is None:
            glyph = self.allocate()
            if glyph is None:
                return None
            self.clusters[key] = glyph
            self.added[glyph] = (components, advance)
        return glyph

    def map(self, glyph: int, text: str, width: int) -> None:
        """Record in every member Font the text and width (thousandths of an em) of a glyph."""
        for member in self.members:
            member.to_unicode.setdefault(glyph, text)
            member.widths.setdefault(glyph, width)

    def component_ids(self) -> set[int]:
        """The font's own glyphs the new glyphs are made of (the subset must keep them)."""
        return {glyph for components, _ in self.added.values() for glyph, _, _ in components}


def _supported(font) -> bool:
    """Whether a font's glyphs can be given new ids: TrueType outlines, no colour glyphs."""
    return (
        not font.bitmap
        and not (font.png or font.svg or font.colr)
        and "glyf" in font.tables
        and "CFF " not in font.tables
        and "CFF2" not in font.tables
    )


def _font_file(stream, font) -> FontFile | None:
    """The record of the file ``font`` embeds, shared by the Fonts of one file (WeasyPrint
    embeds the file of the first Font with a given hash and writes a map for each)."""
    state = font.__dict__.get(_STATE, False)
    if state is not False:
        return state
    state = None
    if _supported(font):
        owner = next(f for f in stream._fonts.values() if f.hash == font.hash)
        if owner is font:
            state = FontFile(next_id=font.glyph_count + len(font.missing))
        else:
            state = _font_file(stream, owner)
        if state is not None:
            for glyph, text in _own_entries(state):
                font.to_unicode.setdefault(glyph, text)
            for member in state.members:
                font.widths.update({g: w for g, w in member.widths.items()})
            state.members.append(font)
    font.__dict__[_STATE] = state
    return state


def _own_entries(state: FontFile):
    for member in state.members:
        yield from member.to_unicode.items()


# --- Drawing: each glyph of a line gets the id that stands for its text ----------------------

#: Pango's PangoGlyphInfo as WeasyPrint 70 declares it: glyph, width, x offset, y offset and
#: its attributes (a 32-bit bit field), native byte order.
_GLYPH_INFO = struct.Struct("=IiiiI")


def _patched_draw_first_line(original):
    def draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix):
        """WeasyPrint's draw_first_line, with the line's glyphs relabelled by their text."""
        layout = textbox.pango_layout
        get_first_line = layout.get_first_line
        saved: list = []
        relabelled_text: list = []

        def relabelled_first_line():
            line, index = get_first_line()
            if relabelled_text and relabelled_text[0] is layout.text:
                _restore(saved)  # the same line again: from Pango's glyphs
            else:
                # WeasyPrint set another text (to cut it with an ellipsis): the glyphs
                # relabelled before belong to a line that no longer exists.
                saved.clear()
            relabelled_text[:] = [layout.text]
            _relabel(stream, textbox, line, saved)
            return line, index

        layout.get_first_line = relabelled_first_line
        try:
            return original(stream, textbox, text_overflow, block_ellipsis, matrix)
        finally:
            del layout.get_first_line
            _restore(saved)

    draw_first_line.__wrapped__ = original
    return draw_first_line


def _restore(saved: list) -> None:
    """Put back the glyphs Pango gave (a layout may be drawn again)."""
    from weasyprint.text.ffi import ffi

    for pointer, data in reversed(saved):
        ffi.memmove(pointer, data, len(data))
    saved.clear()


def _relabel(stream, textbox, line, saved: list) -> None:
    """Give each glyph of ``line`` the id that stands for its text; each run's glyphs as they
    were go to ``saved``, to be put back once the line is drawn."""
    from weasyprint.text.ffi import ffi

    if line == ffi.NULL:
        return
    fonts = stream.__dict__.get(_STATE)
    if fonts is None:
        fonts = stream.__dict__[_STATE] = {}
    utf8 = None
    run = line.runs
    while run != ffi.NULL:
        glyph_item = run.data
        run = run.next
        glyph_string = glyph_item.glyphs
        count = glyph_string.num_glyphs
        item = glyph_item.item
        analysis = item.analysis
        pango_font = analysis.font
        font = fonts.get(pango_font, _UNKNOWN_FONT)
        if font is _UNKNOWN_FONT:
            font = fonts[pango_font] = _run_font(stream, textbox, pango_font)
        if font is None or count <= 0:
            continue
        state, measure = font
        if utf8 is None:
            utf8 = textbox.pango_layout.text.encode()
        buffer = ffi.buffer(glyph_string.glyphs, count * _GLYPH_INFO.size)
        before = bytes(buffer)
        glyphs = list(_GLYPH_INFO.iter_unpack(before))
        # WeasyPrint 70 declares Pango's four 8-bit analysis fields (level, gravity, flags,
        # script) as one integer: on a little-endian machine, level is its low byte and
        # the flags its third.
        packed = analysis.level
        if _LITTLE_ENDIAN and (packed >> 16) & _IS_ELLIPSIS:
            edits = _relabel_ellipsis(state, measure, glyphs)
        else:
            clusters = ffi.unpack(glyph_string.log_clusters, count)
            source = (utf8, item.offset, item.length, packed % 2)
            edits = _relabel_run(state, measure, glyphs, clusters, source)
        if edits:
            saved.append((glyph_string.glyphs, before))
            size, pack_into = _GLYPH_INFO.size, _GLYPH_INFO.pack_into
            for index, change in edits.items():
                pack_into(buffer, index * size, *change, glyphs[index][4])


#: A run's font not yet looked up.
_UNKNOWN_FONT = object()
#: Whether this machine stores the low byte of an integer first.
_LITTLE_ENDIAN = sys.byteorder == "little"


def _relabel_ellipsis(state, measure, glyphs) -> dict:
    """An ellipsis run reads as what it shows: "…" (or "." for each of three dots)."""
    empty, unknown = _PANGO["empty"], _PANGO["unknown"]
    drawn = [i for i, info in enumerate(glyphs) if info[0] != empty and not info[0] & unknown]
    text = "…" if len(drawn) == 1 else "."
    edits = {}
    for index in drawn:
        glyph, width, x_offset, y_offset, _ = glyphs[index]
        new = state.glyph_for(glyph, text)
        state.map(new, text, measure(glyph))
        if new != glyph:
            edits[index] = (new, width, x_offset, y_offset)
    return edits


def _run_font(stream, textbox, pango_font):
    """(FontFile, _Measure) for a run's font, or None when its glyphs are left as they are
    (kept on the page's stream by the Pango font: the same font for the whole document,
    as the fonts live in the document's font configuration)."""
    from weasyprint.text.ffi import FROM_UNITS, pango

    font, font_size = stream.add_font(pango_font)
    state = _font_file(stream, font)
    if state is None:
        return None
    if pango.pango_version() < 14802:  # as WeasyPrint does (Pango issue 530)
        font_size = textbox.style["font_size"]
    return state, _Measure(font, pango_font, font_size, stream, FROM_UNITS)


class _Measure:
    """A font's glyph advances in thousandths of an em, as WeasyPrint measures them for /W,
    and the factor from Pango units to font units."""

    def __init__(self, font, pango_font, font_size, stream, unit):
        self.font, self.pango_font, self.stream = font, pango_font, stream
        self.scale = 1000 * unit / font_size
        self.to_font_units = unit / font_size * font.upem

    def __call__(self, glyph: int) -> int:
        width = self.font.widths.get(glyph)
        if width is None:
            from weasyprint.text.ffi import pango

            stream = self.stream
            pango.pango_font_get_glyph_extents(
                self.pango_font, glyph, stream.ink_rect, stream.logical_rect
            )
            width = self.font.widths[glyph] = round(stream.logical_rect.width * self.scale)
        return width


def _relabel_run(state, measure, glyphs, clusters, source) -> dict:
    """The new (glyph, width, x offset, y offset) of the glyphs of one run (one font, one
    direction) that change, by index, found unit by unit (see _units); ``source`` is the
    line's UTF-8, the run's offset and length in it, and whether it reads right to left."""
    edits: dict[int, tuple] = {}
    empty, unknown = _PANGO["empty"], _PANGO["unknown"]
    singles, units = state.singles, state.units
    for first, last, encoded in _units(glyphs, clusters, *source):
        if first == last:  # one glyph, by far the most common
            info = glyphs[first]
            glyph = info[0]
            new = singles.get((glyph, encoded))
            if new is None:
                if not encoded or glyph == empty or glyph & unknown:
                    continue  # (WeasyPrint maps the stand-in of a character the font lacks)
                text = encoded.decode("utf-8", "replace")
                new = singles[glyph, encoded] = state.glyph_for(glyph, text)
                state.map(new, text, measure(glyph))
            if new != glyph:
                edits[first] = (new, info[1], info[2], info[3])
            continue
        unit = tuple(glyphs[first : last + 1])
        changes = units.get((unit, encoded))
        if changes is None:
            text = encoded.decode("utf-8", "replace")
            changes = units[unit, encoded] = _merge(state, measure, unit, text)
        for offset, change in changes:
            edits[first + offset] = change
    return edits


def _units(glyphs, clusters, utf8: bytes, offset: int, length: int, rtl: int) -> list[list]:
    """The run cut into units of [first glyph, last glyph, text in UTF-8], each drawn as one
    glyph.

    A unit is one of Pango's clusters (the glyphs drawn for one piece of text: ำ is
    nikhahit and sara aa), and in left-to-right text also the clusters of marks that
    follow it without advancing the pen (ี and ่ of ญี่): readers place a glyph that
    does not advance at the same spot as the next letter and, unable to tell which comes
    first, may read a tone mark after the next letter or break the word there. A unit
    drawn as one glyph reads as its whole text, in order, in every reader.
    """
    empty, unknown = _PANGO["empty"], _PANGO["unknown"]
    attaching = _ATTACHING
    count = len(glyphs)
    units: list[list] = []
    first = 0
    while first < count:
        start = clusters[first]
        last = first
        while last + 1 < count and clusters[last + 1] == start:
            last += 1
        if rtl:
            end = length if first == 0 else clusters[first - 1]
        else:
            end = length if last == count - 1 else clusters[last + 1]
        encoded = utf8[offset + start : offset + end]
        head = glyphs[first]
        if (
            head[1] == 0
            and units
            and not rtl
            and head[0] != empty
            and not head[0] & unknown
            and encoded
            and attaching.get(encoded, None) is not False
            and _attaches(encoded)
        ):
            units[-1][1] = last
            units[-1][2] += encoded
        else:
            units.append([first, last, encoded])
        first = last + 1
    return units


#: A cluster's text in UTF-8 -> whether it attaches to the letter before it (_attaches).
_ATTACHING: dict[bytes, bool] = {}


def _attaches(encoded: bytes) -> bool:
    """Whether a cluster drawn without advance belongs to the letter before it: one that
    starts with a mark or a vowel sign, not a space, a control or a format character."""
    attaches = _ATTACHING.get(encoded)
    if attaches is None:
        character = encoded.decode("utf-8", "replace")[:1]
        attaches = bool(character) and unicodedata.category(character)[0] not in "ZC"
        if len(_ATTACHING) < 4096:
            _ATTACHING[encoded] = attaches
    return attaches


def _merge(state, measure, unit: tuple, text: str) -> list[tuple[int, tuple]]:
    """How to draw a unit of several glyphs as one composite glyph that maps to its whole
    text: the changes, as (index in the unit, new glyph info); none when a glyph of it is one
    the font lacks (WeasyPrint maps those itself), when it has fewer than two glyphs to
    draw, or when the glyph ids are all taken.

    The composite is drawn where the first of the glyphs is and holds each glyph at the
    offset the shaper gave it from there (rounded to the font's units), so the page looks
    the same; the others become Pango's empty glyph with no advance, and the first takes
    the advance of them all.
    """
    empty, unknown = _PANGO["empty"], _PANGO["unknown"]
    if not text or any(info[0] & unknown for info in unit):
        return []
    drawn = [i for i, info in enumerate(unit) if info[0] != empty]
    if len(drawn) < 2:
        if len(drawn) == 1:  # with empty glyphs around it: one glyph for the whole text
            index = drawn[0]
            glyph, width, x_offset, y_offset, _ = unit[index]
            new = state.glyph_for(glyph, text)
            state.map(new, text, measure(glyph))
            return [(index, (new, width, x_offset, y_offset))] if new != glyph else []
        return []
    to_font_units = measure.to_font_units
    pen = 0
    origin = None
    components = []
    logical = advance = 0
    for glyph, width, x_offset, y_offset, _ in unit:
        if glyph != empty:
            if origin is None:
                origin = pen + x_offset
            dx = round((pen + x_offset - origin) * to_font_units)
            dy = -round(y_offset * to_font_units)  # Pango measures down, fonts up
            components.append((glyph, dx, dy))
            logical += measure(glyph)
            advance += width
        pen += width
    new = state.cluster_glyph(tuple(components), text, logical)
    if new is None:
        return []
    state.map(new, text, logical)
    head = unit[drawn[0]]
    return [(drawn[0], (new, advance, head[2], 0))] + [(i, (empty, 0, 0, 0)) for i in drawn[1:]]


def _patched_unused_glyph_id(original):
    def get_unused_glyph_id(self, codepoint):
        """The id of the stand-in for a character the font lacks: a new glyph, a copy of the
        font's .notdef, so that the font keeps the identity encoding (WeasyPrint draws the
        .notdef itself through an encoding of its own, which pypdf and pdfminer misread:
        every other character of the font then reads as garbage)."""
        state = self.__dict__.get(_STATE)
        if state is None:
            return original(self, codepoint)
        glyph = state.missing.get(codepoint)
        if glyph is None:
            glyph = state.allocate()
            if glyph is None:  # (no 16-bit id left: WeasyPrint's own way)
                return original(self, codepoint)
            state.missing[codepoint] = glyph
        return glyph

    get_unused_glyph_id.__wrapped__ = original
    return get_unused_glyph_id


# --- Writing the font: the new glyphs join the embedded subset ------------------------------


def _patched_clean(original):
    def clean(self, to_unicode, hinting):
        """WeasyPrint's subsetting, keeping the glyphs the new ones are made of, then the
        new glyphs added to the subset at the ids they were drawn with."""
        state = self.__dict__.get(_STATE)
        if state is None or not (state.added or state.missing):
            return original(self, to_unicode, hinting)
        copies = {}
        if state.missing:
            notdef = glyph_outline(self.file_content, self.index, 0)
            for glyph in state.missing.values():
                width = next((m.widths[glyph] for m in state.members if glyph in m.widths), 0)
                copies[glyph] = (notdef, width)
        if to_unicode:
            to_unicode = {**to_unicode, **dict.fromkeys(state.component_ids(), "")}
        original(self, to_unicode, hinting)
        self.file_content = add_glyphs(self.file_content, state.next_id, state.added, copies)

    clean.__wrapped__ = original
    return clean


#: Tables with an entry per glyph that a PDF reader has no use for (horizontal text, no
#: variations left after WeasyPrint's subsetting): dropped rather than extended.
_DROPPED_TABLES = frozenset(
    {b"hdmx", b"LTSH", b"vhea", b"vmtx", b"VORG", b"gvar", b"HVAR", b"VVAR", b"DSIG"}
)

_ARGS_ARE_WORDS, _ARGS_ARE_XY, _MORE_COMPONENTS = 0x0001, 0x0002, 0x0020
#: The bytes of a component's transformation, after its offsets, by the flag that says so.
_TRANSFORM_SIZES = ((0x0008, 2), (0x0040, 4), (0x0080, 8))


def add_glyphs(
    font_data: bytes, glyph_count: int, added: dict, copies: dict | None = None
) -> bytes:
    """A TrueType font with its glyphs extended to ``glyph_count``: ``added`` maps new ids to
    (components, advance), ``copies`` to (outline, advance) of a simple glyph given whole;
    any other new id is an empty glyph.

    A new glyph is a composite of the font's own glyphs, each placed at (dx, dy) font units:
    one component at (0, 0) with its advance (``advance`` None) is that glyph again under
    another id; several are a cluster drawn as one glyph, ``advance`` in thousandths of an
    em. Written straight into the tables (glyf, loca, hmtx, hhea, maxp, post, head): the
    font's other tables are kept as they are, those with an entry per glyph that a PDF does
    not use are dropped.
    """
    version, tables = _read_sfnt(font_data)
    head, hhea, maxp = (
        bytearray(tables[b"head"]),
        bytearray(tables[b"hhea"]),
        bytearray(tables[b"maxp"]),
    )
    upem = struct.unpack_from(">H", head, 18)[0]
    count = struct.unpack_from(">H", maxp, 4)[0]
    if struct.unpack_from(">h", head, 50)[0]:
        offsets = struct.unpack_from(f">{count + 1}I", tables[b"loca"])
    else:
        offsets = [2 * o for o in struct.unpack_from(f">{count + 1}H", tables[b"loca"])]
    glyf = tables[b"glyf"]
    outlines = [glyf[offsets[i] : offsets[i + 1]] for i in range(count)]
    metrics_count = struct.unpack_from(">H", hhea, 34)[0]
    hmtx = tables[b"hmtx"]
    metrics = [struct.unpack_from(">Hh", hmtx, 4 * i) for i in range(metrics_count)]
    last_advance = metrics[-1][0] if metrics else 0
    metrics += [
        (last_advance, struct.unpack_from(">h", hmtx, 4 * metrics_count + 2 * i)[0])
        for i in range(count - metrics_count)
    ]
    shape = _OutlineSizes(outlines)
    most_components = depth = points = contours = 0
    for index in range(count, glyph_count):
        if copies and index in copies:
            outline, advance = copies[index]
            outlines.append(outline)
            bearing = struct.unpack_from(">h", outline, 2)[0] if len(outline) >= 10 else 0
            metrics.append((round(advance * upem / 1000), bearing))
            continue
        components, advance = added.get(index, ((), None))
        visible = [c for c in components if c[0] < count and len(outlines[c[0]]) >= 10]
        if advance is None:
            advance = metrics[components[0][0]][0] if components else 0
        else:
            advance = round(advance * upem / 1000)
        if not visible:
            outlines.append(b"")
            metrics.append((advance, 0))
            continue
        boxes = [
            (x0 + dx, y0 + dy, x1 + dx, y1 + dy)
            for glyph, dx, dy in visible
            for x0, y0, x1, y1 in [struct.unpack_from(">4h", outlines[glyph], 2)]
        ]
        box = (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )
        record = [struct.pack(">h4h", -1, *box)]
        for position, (glyph, dx, dy) in enumerate(visible):
            flags = _ARGS_ARE_WORDS | _ARGS_ARE_XY
            if position < len(visible) - 1:
                flags |= _MORE_COMPONENTS
            record.append(struct.pack(">HHhh", flags, glyph, dx, dy))
        outlines.append(b"".join(record))
        if len(visible) == 1 and components[0][1:] == (0, 0):
            bearing = metrics[visible[0][0]][1]  # the same glyph: its own side bearing
        else:
            bearing = box[0]
        metrics.append((advance, bearing))
        most_components = max(most_components, len(visible))
        depth = max(depth, 1 + max(shape.depth(glyph) for glyph, _, _ in visible))
        sizes = [shape.size(glyph) for glyph, _, _ in visible]
        points = max(points, sum(size[0] for size in sizes))
        contours = max(contours, sum(size[1] for size in sizes))
    total = len(outlines)

    # glyf and loca (long offsets), each glyph on a four-byte boundary.
    data, positions, position = [], [], 0
    for outline in outlines:
        positions.append(position)
        padded = outline + b"\0" * (-len(outline) % 4)
        data.append(padded)
        position += len(padded)
    positions.append(position)
    tables[b"glyf"] = b"".join(data)
    tables[b"loca"] = struct.pack(f">{total + 1}I", *positions)
    struct.pack_into(">h", head, 50, 1)

    # hmtx with a full metric for every glyph; hhea's extremes.
    tables[b"hmtx"] = b"".join(struct.pack(">Hh", *metric) for metric in metrics)
    struct.pack_into(">H", hhea, 34, total)
    extents = [
        (advance, bearing, struct.unpack_from(">4h", outline, 2))
        for outline, (advance, bearing) in zip(outlines[count:], metrics[count:], strict=True)
        if len(outline) >= 10
    ]
    if extents:
        widest, least_left, least_right, furthest = struct.unpack_from(">Hhhh", hhea, 10)
        for advance, bearing, (x0, _, x1, _) in extents:
            widest = max(widest, advance)
            least_left = min(least_left, bearing)
            least_right = min(least_right, advance - bearing - (x1 - x0))
            furthest = max(furthest, bearing + (x1 - x0))
        struct.pack_into(">Hhhh", hhea, 10, widest, least_left, least_right, furthest)
    else:
        widest = struct.unpack_from(">H", hhea, 10)[0]
        struct.pack_into(
            ">H", hhea, 10, max([widest, *(advance for advance, _ in metrics[count:])])
        )

    # maxp: the number of glyphs, and the composites' extremes (version 1.0 only).
    struct.pack_into(">H", maxp, 4, total)
    if struct.unpack_from(">I", maxp, 0)[0] == 0x00010000 and len(maxp) >= 32 and depth:
        old_points, old_contours = struct.unpack_from(">HH", maxp, 10)
        struct.pack_into(">HH", maxp, 10, max(old_points, points), max(old_contours, contours))
        old_elements, old_depth = struct.unpack_from(">HH", maxp, 28)
        struct.pack_into(">HH", maxp, 28, max(old_elements, most_components), max(old_depth, depth))

    # post without glyph names (version 3): a PDF does not use them.
    if b"post" in tables and len(tables[b"post"]) >= 32:
        tables[b"post"] = b"\x00\x03\x00\x00" + tables[b"post"][4:32]
    for tag in _DROPPED_TABLES & tables.keys():
        del tables[tag]
    tables[b"head"], tables[b"hhea"], tables[b"maxp"] = head, hhea, maxp
    return _write_sfnt(version, tables)


class _OutlineSizes:
    """Points, contours and nesting depth of a font's glyphs, read from their outlines."""

    def __init__(self, outlines: list[bytes]):
        self.outlines = outlines
        self._sizes: dict[int, tuple[int, int, int]] = {}

    def size(self, glyph: int) -> tuple[int, int]:
        """The glyph's points and contours, components included."""
        return self._measure(glyph)[:2]

    def depth(self, glyph: int) -> int:
        """0 for a simple glyph, 1 + the deepest component's depth for a composite."""
        return self._measure(glyph)[2]

    def _measure(self, glyph: int, level: int = 0) -> tuple[int, int, int]:
        known = self._sizes.get(glyph)
        if known is not None:
            return known
        outline = self.outlines[glyph] if glyph < len(self.outlines) else b""
        if len(outline) < 10 or level > 16:
            return (0, 0, 0)
        contours = struct.unpack_from(">h", outline, 0)[0]
        if contours >= 0:
            points = (
                struct.unpack_from(">H", outline, 10 + 2 * (contours - 1))[0] + 1 if contours else 0
            )
            result = (points, contours, 0)
        else:
            points = contours = depth = 0
            offset = 10
            while offset + 4 <= len(outline):
                flags, component = struct.unpack_from(">HH", outline, offset)
                offset += 4 + (4 if flags & _ARGS_ARE_WORDS else 2)
                offset += next((size for flag, size in _TRANSFORM_SIZES if flags & flag), 0)
                inner = self._measure(component, level + 1)
                points += inner[0]
                contours += inner[1]
                depth = max(depth, inner[2])
                if not flags & _MORE_COMPONENTS:
                    break
            result = (points, contours, depth + 1)
        self._sizes[glyph] = result
        return result


def _read_sfnt(data: bytes, index: int = 0) -> tuple[bytes, dict[bytes, bytes]]:
    """The version tag and the tables of a TrueType font file (of font ``index`` of a
    collection)."""
    start = 0
    if data[:4] == b"ttcf":
        start = struct.unpack_from(">I", data, 12 + 4 * index)[0]
    version, count = struct.unpack_from(">4sH", data, start)
    if version not in (b"\x00\x01\x00\x00", b"true"):
        raise ValueError(f"not a TrueType font: {version!r}")
    tables = {}
    for number in range(count):
        tag, _, offset, length = struct.unpack_from(">4sIII", data, start + 12 + 16 * number)
        tables[tag] = data[offset : offset + length]
    return version, tables


def glyph_outline(font_data: bytes, index: int, glyph: int) -> bytes:
    """The outline of one simple glyph of a TrueType font (font ``index`` of a collection),
    without its hinting instructions (the subset may lack what they call); empty for a
    composite glyph or one without an outline."""
    _, tables = _read_sfnt(font_data, index)
    long_offsets = struct.unpack_from(">h", tables[b"head"], 50)[0]
    if long_offsets:
        start, end = struct.unpack_from(">II", tables[b"loca"], 4 * glyph)
    else:
        start, end = (2 * o for o in struct.unpack_from(">HH", tables[b"loca"], 2 * glyph))
    outline = tables[b"glyf"][start:end]
    if len(outline) < 10 or struct.unpack_from(">h", outline, 0)[0] < 0:
        return b""
    contours = struct.unpack_from(">h", outline, 0)[0]
    at = 10 + 2 * contours
    length = struct.unpack_from(">H", outline, at)[0]
    return outline[:at] + b"\0\0" + outline[at + 2 + length :]


def _checksum(data: bytes) -> int:
    padded = bytes(data) + b"\0" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(padded) // 4}I", padded)) & 0xFFFFFFFF


def _write_sfnt(version: bytes, tables: dict[bytes, bytes]) -> bytes:
    """A font file of ``tables``, with their checksums and head's checksum adjustment."""
    head = bytearray(tables[b"head"])
    head[8:12] = b"\0\0\0\0"
    tables = {**tables, b"head": bytes(head)}
    tags = sorted(tables)
    number = len(tags)
    power = 1 << (number.bit_length() - 1)
    directory = [
        struct.pack(
            ">4sHHHH", version, number, 16 * power, power.bit_length() - 1, 16 * (number - power)
        )
    ]
    body = []
    offset = 12 + 16 * number
    head_offset = 0
    for tag in tags:
        table = tables[tag]
        directory.append(struct.pack(">4sIII", tag, _checksum(table), offset, len(table)))
        if tag == b"head":
            head_offset = offset
        body.append(table + b"\0" * (-len(table) % 4))
        offset += len(body[-1])
    font = bytearray(b"".join(directory) + b"".join(body))
    adjustment = (0xB1B0AFBA - _checksum(font)) & 0xFFFFFFFF
    struct.pack_into(">I", font, head_offset + 8, adjustment)
    return bytes(font)


# --- Tagged PDF: the language of each part -------------------------------------------------


#: The language in force at each level of the structure being built (one document at a time:
#: rendering holds its lock), so that an element's ``lang`` is compared with its enclosing
#: part's rather than the document's.
_lang_in_force: list = []


def _patched_build_box_tree(original):
    def build_box_tree(box, parent, pdf, *args):
        """WeasyPrint's structure element for a box, with /Lang where the box's element sets
        a language other than the one it is inside (the English half of a bilingual MOU, and
        a Thai name within that half)."""
        import pydyf

        inherited = _lang_in_force[-1] if _lang_in_force else pdf.catalog.get("Lang")
        own = lang = None
        element = getattr(box, "element", None)
        if element is not None and getattr(box, "element_tag", None) not in ("html", "body"):
            own = element.get("lang") or None
            if own and not (inherited is not None and _same_lang(own, inherited)):
                lang = own
        _lang_in_force.append(own or inherited)
        try:
            for structure_element in original(box, parent, pdf, *args):
                if lang and "Lang" not in structure_element:
                    structure_element["Lang"] = pydyf.String(lang)
                yield structure_element
        finally:
            _lang_in_force.pop()

    build_box_tree.__wrapped__ = original
    return build_box_tree


def _same_lang(lang: str, pdf_string) -> bool:
    """Whether a ``lang`` attribute names the document's language (a pydyf String)."""
    value = getattr(pdf_string, "string", pdf_string)
    return str(value).strip().lower() == lang.strip().lower()
