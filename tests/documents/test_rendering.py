"""Rendering official documents: Thai text, fonts, line breaks, page furniture, PDF/A and the
refusal to load anything but the application's own files."""

from __future__ import annotations

import contextlib
import http.server
import re
import subprocess
import threading
import zlib
from datetime import date
from pathlib import Path

import pytest

from registry.documents import rendering
from registry.documents.rendering import PDFA_STANDARD, ResourceRefused, Stamp, render_pdf
from registry.i18n import format_date
from tests.documents.conftest import (
    SAMPLE,
    THAI_PARAGRAPH,
    dark_fraction,
    pdf_page_images,
    pdf_pages_text,
    pink_pixels,
)

VERIFY = "https://registry.example.go.th/verify/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"

#: Words a line must never end inside.
KNOWN_WORDS = ("ปัญญาประดิษฐ์", "สมาคม", "ความร่วมมือ", "ดิจิทัล", "บันทึกข้อตกลง", "ภาครัฐ")


def _render(app, template, pages: int = 3, *, typed: str = "", **options) -> bytes:
    context = {
        "when": format_date(date(2025, 8, 17), "formal", lang="th"),
        "paragraphs": [THAI_PARAGRAPH * 3] * (pages * 3),
        "typed": typed,
    }
    with app.app_context():
        return render_pdf(template, context, **options)


@pytest.fixture(scope="module")
def stamped_draft(app):
    """A draft of about three pages with a reference and a QR code (rendered once)."""
    template = app.jinja_env.from_string(SAMPLE)
    stamp = Stamp(reference="MOU-2568/007", version=2, verify_url=VERIFY)
    return _render(app, template, stamp=stamp, title="บันทึกข้อตกลงทดสอบ")


def test_the_pdf_holds_the_thai_and_english_text_and_the_buddhist_era_date(stamped_draft):
    assert stamped_draft.startswith(b"%PDF-")
    text = "\n".join(pdf_pages_text(stamped_draft))
    assert "บันทึกข้อตกลงความร่วมมือ" in text
    assert "วันที่ 17 สิงหาคม พ.ศ. 2568" in " ".join(text.split())
    assert "Memorandum of Understanding on Digital Government Innovation" in " ".join(text.split())


def test_the_sarabun_fonts_are_embedded(stamped_draft, tmp_path):
    path = tmp_path / "d.pdf"
    path.write_bytes(stamped_draft)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    embedded = [line for line in fonts.stdout.splitlines()[2:] if "Sarabun" in line]
    assert len(embedded) >= 2  # regular and bold (the title)
    assert all(" yes " in line for line in embedded)
    assert not [line for line in fonts.stdout.splitlines()[2:] if "Sarabun" not in line]


def test_the_reference_and_verification_link_are_on_every_page(stamped_draft):
    pages = pdf_pages_text(stamped_draft)
    assert len(pages) >= 2
    for page in pages:
        assert "MOU-2568/007" in page
        assert VERIFY in page.replace("\n", "")


def test_page_numbers_start_on_page_two_at_the_top(stamped_draft):
    pages = pdf_pages_text(stamped_draft, layout=True)
    assert "-1-" not in pages[0].replace(" ", "")
    for number, page in enumerate(pages[1:], start=2):
        first_line = next(line for line in page.splitlines() if line.strip())
        assert first_line.replace(" ", "") == f"-{number}-"


def test_page_numbers_in_thai_digits_when_asked(app, sample_template):
    pdf = _render(app, sample_template, pages=2, thai_digits=True)
    pages = pdf_pages_text(pdf, layout=True)
    assert any(line.replace(" ", "") == "-๒-" for line in pages[1].splitlines())


def test_thai_lines_break_between_words_never_inside(stamped_draft):
    lines = [
        line.strip()
        for page in pdf_pages_text(stamped_draft)
        for line in page.splitlines()
        if re.search("[\u0e00-\u0e7f]", line)
    ]
    assert len(lines) > 30
    broken = []
    for before, after in zip(lines, lines[1:], strict=False):
        for word in KNOWN_WORDS:
            for cut in range(1, len(word)):
                if before.endswith(word[:cut]) and after.startswith(word[cut:]):
                    broken.append(f"{before[-15:]} | {after[:15]}")
    assert broken == []


def test_libthai_is_there_to_find_thai_word_boundaries(app):
    # Without libthai, Pango would not break Thai at all and lines would overflow.
    assert rendering.breaks_inside("สมาคมดิจิทัล") == [len("สมาคม")]


def test_compounds_libthai_would_split_are_kept_together():
    html = '<body><p title="ปัญญาประดิษฐ์">การใช้ปัญญาประดิษฐ์ในสมาคม พ.ศ. 2568 เวลา 13.30 น.</p></body>'
    protected = rendering.keep_words_together(html)
    assert '<p title="ปัญญาประดิษฐ์">' in protected  # attributes are left alone
    # Glue (U+180E, which forbids a break and prints nothing) where libthai would break a
    # word; zero-width spaces between words; none inside a word libthai keeps whole itself.
    assert "ปัญญา\u180eประ\u180eดิษฐ์" in protected
    assert "\u200bสมาคม" in protected
    plain = protected.replace("\u200b", "").replace("\u180e", "")
    assert plain.replace("\u00a0", " ") == html
    assert "พ.ศ.\u00a0\u180e2568" in protected
    assert "13.30\u00a0\u180eน." in protected
    style = "<style>p::after { content: 'ปัญญาประดิษฐ์'; }</style>"
    assert rendering.keep_words_together(style) == style


def test_every_page_has_the_qr_code_in_the_bottom_right_corner(stamped_draft, tmp_path):
    for image in pdf_page_images(stamped_draft, tmp_path):
        # The QR code sits in the footer at the right margin: about half of it is black.
        assert dark_fraction(image, (0.83, 0.915, 0.895, 0.955)) > 0.3
        # The left of the footer holds only text: far less ink.
        assert dark_fraction(image, (0.55, 0.915, 0.615, 0.955)) < 0.1


def test_no_qr_code_without_a_verification_link(app, sample_template, tmp_path):
    pdf = _render(app, sample_template, pages=1)
    for image in pdf_page_images(pdf, tmp_path):
        assert dark_fraction(image, (0.83, 0.915, 0.895, 0.955)) < 0.02


def test_a_draft_carries_the_draft_mark_on_every_page(stamped_draft, tmp_path):
    images = pdf_page_images(stamped_draft, tmp_path)
    assert len(images) >= 2
    for image in images:
        assert pink_pixels(image) > 500


def test_a_final_document_has_no_draft_mark(app, sample_template, tmp_path):
    pdf = _render(app, sample_template, pages=2, stamp=Stamp(reference="X-1", final=True))
    for image in pdf_page_images(pdf, tmp_path):
        assert pink_pixels(image) == 0
    assert "ร่าง" not in "".join(pdf_pages_text(pdf))


def test_the_draft_mark_and_furniture_follow_the_document_language(app, sample_template):
    english = _render(app, sample_template, pages=1, lang="en", stamp=Stamp(reference="X-2"))
    text = " ".join("".join(pdf_pages_text(english)).split())
    assert "Ref. No. X-2" in text
    assert "Produced 17 August 2025" not in text  # today, not the date in the body
    thai = _render(app, sample_template, pages=1, lang="th", stamp=Stamp(reference="X-3"))
    text = " ".join("".join(pdf_pages_text(thai)).split())
    assert "เลขที่ X-3" in text
    assert "Ref. No." not in text
    with app.app_context():
        marks = {
            lang: re.search(
                r'class="draft-mark">([^<]*)<', rendering.render_html(sample_template, lang=lang)
            ).group(1)
            for lang in ("th", "en", "bilingual")
        }
    assert marks == {"th": "ร่าง", "en": "DRAFT", "bilingual": "ร่าง / DRAFT"}


def test_an_unknown_language_is_refused(app, sample_template):
    with pytest.raises(ValueError):
        _render(app, sample_template, pages=1, lang="fr")


def _xmp(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "x.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdfinfo", "-meta", str(path)], capture_output=True, text=True, check=True
    ).stdout


def _inflated(pdf: bytes) -> bytes:
    """The PDF with every compressed stream decompressed (object streams included)."""
    out = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        with contextlib.suppress(zlib.error):
            out.append(zlib.decompress(match.group(1)))
    return b"\n".join(out)


def test_pdfa_output_declares_pdfa(app, sample_template, tmp_path):
    pdf = _render(app, sample_template, pages=1, stamp=Stamp(pdf_standard=PDFA_STANDARD))
    xmp = _xmp(pdf, tmp_path)
    assert 'pdfaid:part="2"' in xmp
    assert 'pdfaid:conformance="U"' in xmp  # every glyph mapped to its text (PDF/A-2u)
    inflated = _inflated(pdf)
    assert b"/OutputIntents" in inflated
    assert b"/GTS_PDFA1" in inflated


def test_plain_output_does_not_claim_pdfa(app, sample_template, tmp_path):
    assert "pdfaid" not in _xmp(_render(app, sample_template, pages=1), tmp_path)


# --- Nothing is fetched but the application's own files ------------------------------------


@pytest.fixture
def fetcher(app):
    with app.app_context():
        yield rendering.restricted_fetcher({"qr": (b"\x89PNG", "image/png")})


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:1/logo.png",
        "https://example.com/font.ttf",
        "ftp://example.com/x.png",
        "file:///etc/passwd",
        "file:///etc/ssl/certs/ca-certificates.crt",
        "file://remote-host/share/x.png",
        "data:image/png;base64,iVBORw0KGgo=",
        "data:text/css,body{background:url(http://127.0.0.1:1/)}",
        "asset:unknown",
        "javascript:alert(1)",
    ],
)
def test_the_fetcher_refuses_anything_not_the_apps_own(fetcher, url):
    with pytest.raises(ResourceRefused):
        fetcher.resolve(url)


def test_the_fetcher_refuses_escapes_and_style_sheets_from_the_static_folder(app, fetcher):
    static = Path(app.static_folder).resolve()
    with pytest.raises(ResourceRefused):
        fetcher.resolve((static / "fonts" / ".." / ".." / ".." / "config.py").as_uri())
    with pytest.raises(ResourceRefused):
        fetcher.resolve((static / "app.css").as_uri())  # style sheets are not fonts or images
    with pytest.raises(ResourceRefused):
        fetcher.resolve((static / "fonts" / "Sarabun-Regular.ttf").as_uri() + "?x=1")


def test_the_fetcher_gives_the_fonts_and_generated_assets(app, fetcher):
    static = Path(app.static_folder).resolve()
    body, headers = fetcher.resolve((static / "fonts" / "Sarabun-Regular.ttf").as_uri())
    assert body == (static / "fonts" / "Sarabun-Regular.ttf").read_bytes()
    assert fetcher.resolve("asset:qr") == (b"\x89PNG", {"Content-Type": "image/png"})
    with app.app_context():
        italic = rendering._font_urls()["italic"]
    assert fetcher.resolve(italic)[0][:4] in (b"\x00\x01\x00\x00", b"true", b"OTTO")


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 (the standard library's name)
        _Counter.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"p { color: red }")

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    _Counter.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_markup_in_the_template_fetches_nothing_and_still_renders(app, local_server, tmp_path):
    template = app.jinja_env.from_string(
        '{% extends "documents/base.html" %}{% block content %}'
        f'<link rel="stylesheet" href="{local_server}/a.css">'
        f'<img src="{local_server}/logo.png"><img src="file:///etc/passwd">'
        f'<p style="background: url({local_server}/bg.png)">ข้อความ</p>'
        "{% endblock %}"
    )
    with app.app_context():
        pdf = render_pdf(template, {})
    assert pdf.startswith(b"%PDF-")
    assert "ข้อความ" in "".join(pdf_pages_text(pdf))
    assert _Counter.hits == []


def test_html_typed_into_a_field_prints_as_text_and_fetches_nothing(
    app, sample_template, local_server
):
    typed = (
        f'<img src="{local_server}/typed.png"><link rel="stylesheet" href="{local_server}/t.css">'
        "<b>ตัวหนา</b>"
    )
    pdf = _render(app, sample_template, pages=1, typed=typed, stamp=Stamp(final=True))
    text = "".join("".join(pdf_pages_text(pdf)).split())
    assert f'<imgsrc="{local_server}/typed.png">' in text
    assert "<b>ตัวหนา</b>" in text
    assert _Counter.hits == []


def test_rendering_works_outside_a_request(app, sample_template):
    # The command line (reminders, batch jobs) renders without a request.
    pdf = _render(app, sample_template, pages=1, stamp=Stamp(reference="CLI-1"))
    assert "CLI-1" in "".join(pdf_pages_text(pdf))


def test_warm_up_renders_without_a_request(app):
    with app.app_context():
        rendering.warm_up()


def test_the_context_may_use_the_names_of_template_globals(app):
    template = app.jinja_env.from_string(
        '{% extends "documents/base.html" %}{% block content %}<p>{{ today }}</p>{% endblock %}'
    )
    with app.app_context():
        html = rendering.render_html(template, {"today": "วันนี้ของเอกสาร"})
    assert "<p>วันนี้ของเอกสาร</p>" in html.replace("\u200b", "").replace("\u180e", "")


def test_the_qr_code_encodes_the_verification_link(stamped_draft, tmp_path):
    import qrcode
    from PIL import Image

    source = tmp_path / "d.pdf"
    source.write_bytes(stamped_draft)
    subprocess.run(["pdfimages", "-png", str(source), str(tmp_path / "img")], check=True)
    images = sorted(tmp_path.glob("img-*.png"))
    assert images
    with Image.open(images[0]) as picture:
        picture = picture.convert("L")
        code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
        code.add_data(VERIFY)
        code.make(fit=True)
        expected = code.get_matrix()
        size = len(expected)
        module = picture.size[0] / size
        assert picture.size[0] == picture.size[1]
        found = [
            [
                picture.getpixel((int((x + 0.5) * module), int((y + 0.5) * module))) < 128
                for x in range(size)
            ]
            for y in range(size)
        ]
    assert found == expected
