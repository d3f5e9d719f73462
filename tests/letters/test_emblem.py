"""The agency's emblem on letters: uploaded by an administrator (PNG or JPEG, content
checked), printed 3 cm high at the top of every letter (measured on the page as an image),
refused with a clear message and nothing stored for anything else; no emblem, no image."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from registry.db import db
from registry.letters import config
from tests.conftest import audit_actions
from tests.letters.conftest import first_page_png, image_bytes, pdf_text, plain

#: The stand-in emblem's colour, found again on the printed page.
GOLD = (184, 134, 11)
#: Dots per inch the page is looked at with.
DPI = 100


def upload(client, data: bytes, name: str = "garuda.png"):
    """Post the emblem form as a browser does (the body made in memory, not spooled to a
    temporary file the test client would leave open)."""
    boundary, body = encode_multipart(
        {"emblem": FileStorage(io.BytesIO(data), filename=name, content_type="image/png")}
    )
    return client.post(
        "/letters/settings/emblem",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def stored_emblem(app):
    with app.app_context():
        return config.emblem()


def _files(app) -> set[Path]:
    folder = Path(app.config["STORAGE_DIR"]) / config.EMBLEM_FOLDER
    return set(folder.glob("*")) if folder.is_dir() else set()


@pytest.fixture
def emblem_files(app):
    """The emblem files stored since the test began (storage outlives each test's rollback)."""
    before = _files(app)
    return lambda: sorted(_files(app) - before)


def gold_box(png: bytes) -> tuple[int, int, int, int] | None:
    """The bounding box (left, top, right, bottom, in pixels) of the emblem's colour."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    mask = Image.new("L", image.size)
    pixels, marks = image.load(), mask.load()
    for y in range(image.size[1] // 3):  # the emblem is at the top
        for x in range(image.size[0]):
            r, g, b = pixels[x, y]
            if abs(r - GOLD[0]) < 40 and abs(g - GOLD[1]) < 40 and abs(b - GOLD[2]) < 40:
                marks[x, y] = 255
    return mask.getbbox()


def test_the_emblem_prints_3_cm_high_at_the_top_centre(app, client, sign_in, emblem_files):
    sign_in("admin")
    response = upload(client, image_bytes("PNG", (300, 354)))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    emblem = stored_emblem(app)
    assert (emblem.mimetype, emblem.width, emblem.height) == ("image/png", 300, 354)
    assert len(emblem_files()) == 1
    assert "changed setting" in audit_actions(app, "settings")

    sample = client.get("/letters/settings/preview.pdf")
    assert sample.status_code == 200
    box = gold_box(first_page_png(sample.data, DPI))
    assert box is not None, "the emblem is not on the page"
    left, top, right, bottom = box
    # The disc fills the image but a 10-pixel frame: 334 of its 354 pixels' height, 3 cm.
    expected = 3 / 2.54 * DPI * 334 / 354
    assert abs((bottom - top) - expected) <= 3
    centre_cm = (left + right) / 2 / DPI * 2.54
    assert abs(centre_cm - 10.5) <= 0.2  # the middle of the A4 page (21 cm wide)
    assert top / DPI * 2.54 < 3.5  # at the top, within the top margin's reach
    text = plain(pdf_text(sample.data))
    assert plain("ที่ ดศ 0101/") in text and plain("ขอแสดงความนับถือ") in text


def test_no_emblem_prints_none(app, client, sign_in):
    sign_in("admin")
    assert stored_emblem(app) is None
    sample = client.get("/letters/settings/preview.pdf")
    assert gold_box(first_page_png(sample.data, DPI)) is None
    assert plain("สำนักงานพัฒนารัฐบาลดิจิทัล") in plain(pdf_text(sample.data))


def test_a_new_emblem_replaces_the_old_and_removing_it_prints_none(
    app, client, sign_in, emblem_files
):
    sign_in("admin")
    assert upload(client, image_bytes("PNG")).status_code == 302
    assert upload(client, image_bytes("JPEG", (400, 400)), "emblem.jpg").status_code == 302
    assert stored_emblem(app).mimetype == "image/jpeg"
    assert len(emblem_files()) == 1  # the old file is gone
    assert client.post("/letters/settings/emblem/remove").status_code == 302
    assert stored_emblem(app) is None
    assert emblem_files() == []


def _svg() -> bytes:
    return b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><circle r="5"/></svg>'


def _gif() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (200, 200), "white").save(buffer, format="GIF")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.png", "เลือกไฟล์ภาพตราสัญลักษณ์"),
        (_svg(), "garuda.svg", "ไม่รับไฟล์ SVG"),
        (b"%PDF-1.7 not an image", "garuda.png", "ไม่ใช่ภาพ PNG หรือ JPEG"),
        (_gif(), "garuda.gif", "ไม่ใช่ภาพ PNG หรือ JPEG"),
        (image_bytes("PNG")[:200], "truncated.png", "ไม่ใช่ภาพ PNG หรือ JPEG"),
        (image_bytes("PNG", (50, 50)), "tiny.png", "ระหว่าง 100 ถึง 4000 พิกเซล"),
        (b"\x89PNG" + b"\0" * (1024 * 1024 + 1), "huge.png", "เกิน 1024 KB"),
    ],
    ids=["empty", "svg", "renamed-pdf", "gif", "truncated", "too-small", "too-large"],
)
def test_a_bad_emblem_is_refused_and_nothing_is_stored(
    app, client, sign_in, emblem_files, data, name, message
):
    sign_in("admin")
    with upload(client, data, name) as response:
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    assert stored_emblem(app) is None
    assert emblem_files() == []


@pytest.mark.parametrize("role", ["staff", "secretary", "representative"])
def test_only_an_administrator_sets_the_emblem_and_particulars(client, sign_in, role):
    sign_in(role)
    assert upload(client, image_bytes("PNG")).status_code == 403
    assert client.get("/letters/settings").status_code == 403


def test_the_particulars_are_saved_and_printed(app, client, sign_in):
    from tests.conftest import form_fields

    sign_in("admin")
    fields = form_fields(client, "/letters/settings")
    fields.update(prefix="สพร 01/", signatory_name="นายทดสอบ ลงนาม", phone="0 2111 2222")
    assert client.post("/letters/settings", data=fields).status_code == 302
    with app.app_context():
        assert config.particulars().prefix == "สพร 01/"
    text = plain(pdf_text(client.get("/letters/settings/preview.pdf").data))
    assert plain("ที่ สพร 01/") in text
    assert plain("(นายทดสอบ ลงนาม)") in text
    assert plain("โทร. 0 2111 2222") in text

    fields = form_fields(client, "/letters/settings")
    fields.update(prefix="   ")
    response = client.post("/letters/settings", data=fields)
    assert response.status_code == 422
    assert "รหัสนำหน้าเลขที่หนังสือ" in response.get_data(as_text=True)
    with app.app_context():
        assert config.particulars().prefix == "สพร 01/"
        db.session.rollback()


def test_particulars_saved_from_an_outdated_form_are_refused(app, client, sign_in):
    from tests.conftest import form_fields

    sign_in("admin")
    first = form_fields(client, "/letters/settings")
    second = dict(first)
    first.update(prefix="สพร 01/")
    assert client.post("/letters/settings", data=first).status_code == 302
    second.update(prefix="สพร 02/")
    response = client.post("/letters/settings", data=second)
    assert response.status_code == 409
    with app.app_context():
        assert config.particulars().prefix == "สพร 01/"
