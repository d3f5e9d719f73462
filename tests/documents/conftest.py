"""Helpers for the document tests: a sample template, and reading PDFs back as text and pixels."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from PIL import Image

#: A small official document: Thai title, paragraphs from the context, an English line.
SAMPLE = """{% extends "documents/base.html" %}
{% block content %}
<h1>บันทึกข้อตกลงความร่วมมือ</h1>
<p class="center">{{ when }}</p>
{% for paragraph in paragraphs %}<p class="indent">{{ paragraph }}</p>{% endfor %}
<p>{{ typed }}</p>
<p lang="en">Memorandum of Understanding on Digital Government Innovation</p>
{% endblock %}
"""

#: A paragraph that is mostly words libthai knows, with compounds it would split.
THAI_PARAGRAPH = (
    "สมาคมปัญญาประดิษฐ์ประเทศไทยและสำนักงานพัฒนารัฐบาลดิจิทัลตกลงจัดทำบันทึกข้อตกลง"
    "ความร่วมมือเพื่อส่งเสริมการพัฒนานวัตกรรมดิจิทัลภาครัฐ โดยมีวัตถุประสงค์เพื่อแลกเปลี่ยน"
    "องค์ความรู้ด้านปัญญาประดิษฐ์ การพัฒนาบุคลากรของสมาคม และความร่วมมือทางวิชาการ"
    "ระหว่างหน่วยงานภาครัฐกับภาคเอกชนด้านเทคโนโลยีดิจิทัล "
)


@pytest.fixture
def sample_template(app):
    """The sample document as a Jinja template of the app's environment."""
    return app.jinja_env.from_string(SAMPLE)


def pdf_pages_text(pdf: bytes, layout: bool = False) -> list[str]:
    """The text of each page, read back with pdftotext."""
    command = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), "-", "-"]
    result = subprocess.run(command, input=pdf, capture_output=True, check=True, timeout=60)
    pages = result.stdout.decode("utf-8").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


_TONE_MARKS = str.maketrans("", "", "\u0e48\u0e49\u0e4a\u0e4b\u0e4d")


def comparable(text: str) -> str:
    """Thai text as it can be compared with what pdftotext read back: pdftotext spaces Thai
    its own way, reads sara am (ำ) from Sarabun as sara aa (า), and sometimes places a tone
    mark after the next letter; so without spaces, tone marks, and with sara am as sara aa."""
    return "".join(text.split()).replace("\u0e33", "\u0e32").translate(_TONE_MARKS)


def pdf_page_images(pdf: bytes, tmp_path: Path, dpi: int = 40) -> list[Image.Image]:
    """Each page as an RGB image, rendered by pdftoppm."""
    source = tmp_path / "document.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), str(source), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    images = []
    for path in sorted(tmp_path.glob("page-*.png"), key=lambda p: int(p.stem.split("-")[-1])):
        with Image.open(io.BytesIO(path.read_bytes())) as image:
            images.append(image.convert("RGB"))
    return images


def dark_fraction(image: Image.Image, box: tuple[float, float, float, float]) -> float:
    """The share of clearly dark pixels in a region given as fractions of the page."""
    width, height = image.size
    left, top, right, bottom = box
    region = image.crop(
        (int(left * width), int(top * height), int(right * width), int(bottom * height))
    )
    pixels = region.convert("L").tobytes()
    return sum(1 for p in pixels if p < 100) / max(len(pixels), 1)


def pink_pixels(image: Image.Image) -> int:
    """How many pixels have the draft mark's colour (red well above green and blue)."""
    data = image.tobytes()
    return sum(
        1
        for r, g, b in zip(data[0::3], data[1::3], data[2::3], strict=True)
        if r > 200 and r - g > 40 and r - b > 40
    )
