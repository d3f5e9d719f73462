"""A checked import file is kept for the import step: "Check only" then "Import" without
choosing the file again. The kept file is the user's own, found by its fingerprint from the
server's session (never a path from the browser), checked again byte for byte, and it expires.
The page shows a progress indicator while the request runs (see the browser test)."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import time
from pathlib import Path

import pytest

from registry.auth.models import Role
from registry.organisations import kept_uploads

from .test_import import GOOD_ROWS, counts, csv_bytes, page, post_file, register

__all__ = ["counts", "register"]  # fixtures shared with the import tests

KEPT = re.compile(r'name="kept" value="([0-9a-f]{64})"')


@pytest.fixture
def staff(sign_in):
    return sign_in(Role.STAFF)


@pytest.fixture
def kept_folder(app) -> Path:
    """Where checked files are kept, emptied of other tests' files."""
    folder = Path(app.config["STORAGE_DIR"]) / "kept-imports"
    shutil.rmtree(folder, ignore_errors=True)
    return folder


def import_kept(client, fingerprint: str):
    """Press Import with no file chosen, naming the kept file by its fingerprint."""
    return client.post(
        "/organisations/import",
        data={"kept": fingerprint, "submit": "Import"},
        content_type="multipart/form-data",
    )


def check(client, data: bytes) -> str:
    """Check a file only; returns the fingerprint the page carries for the import step."""
    response = post_file(client, data, "partners.csv", check=True)
    assert response.status_code == 200
    assert 'data-testid="kept-file"' in page(response)
    return KEPT.search(page(response)).group(1)


def test_check_only_then_import_needs_no_second_choice_of_the_file(
    client, staff, counts, kept_folder
):
    data = csv_bytes(GOOD_ROWS)
    before = counts()
    fingerprint = check(client, data)
    assert fingerprint == hashlib.sha256(data).hexdigest()
    assert counts() == before  # checking saved nothing
    assert [p.name for p in kept_folder.iterdir()] == [f"{staff}-{fingerprint}"]
    response = import_kept(client, fingerprint)
    assert response.status_code == 302
    organisations, contacts, events = counts()
    assert (organisations, contacts) == (before[0] + 2, before[1] + 3)
    assert events > before[2]  # audited as any import
    assert list(kept_folder.iterdir()) == []  # the kept file is gone once imported
    assert "kept_import" not in client.get("/organisations/import").get_data(as_text=True)


@pytest.mark.parametrize(
    "fingerprint", ["0" * 64, "../../etc/passwd", "A" * 64, "", "x" * 5000], ids=str.__len__
)
def test_a_fingerprint_that_is_not_the_kept_files_imports_nothing(
    client, staff, counts, fingerprint
):
    check(client, csv_bytes(GOOD_ROWS))
    before = counts()
    response = import_kept(client, fingerprint)
    assert response.status_code == 422
    assert "กรุณาเลือกไฟล์ที่จะนำเข้า" in page(response)
    assert counts() == before


def test_another_users_kept_file_cannot_be_imported(app, client, staff, sign_in, counts):
    fingerprint = check(client, csv_bytes(GOOD_ROWS))
    sign_in(Role.STAFF)  # the same browser, another account
    before = counts()
    response = import_kept(client, fingerprint)
    assert response.status_code == 422
    assert 'data-testid="kept-file-lost"' in page(response)
    assert counts() == before


def test_an_expired_kept_file_is_refused_and_removed(client, staff, counts, kept_folder):
    fingerprint = check(client, csv_bytes(GOOD_ROWS))
    with client.session_transaction() as session:
        session[kept_uploads.SESSION_KEY] = {
            **session[kept_uploads.SESSION_KEY], "expires": time.time() - 1
        }
    before = counts()
    response = import_kept(client, fingerprint)
    assert response.status_code == 422
    assert "ไม่ได้เก็บไฟล์ที่ตรวจแล้วไว้อีกต่อไป" in page(response)
    assert counts() == before
    assert list(kept_folder.iterdir()) == []


def test_a_kept_file_changed_on_disk_is_not_imported(client, staff, counts, kept_folder):
    fingerprint = check(client, csv_bytes(GOOD_ROWS))
    (kept_folder / f"{staff}-{fingerprint}").write_bytes(csv_bytes(GOOD_ROWS[:1]))
    before = counts()
    assert import_kept(client, fingerprint).status_code == 422
    assert counts() == before


def test_a_file_with_problems_is_not_kept(client, staff, kept_folder):
    bad = [list(GOOD_ROWS[0]), list(GOOD_ROWS[0])]  # the same organisation twice
    response = post_file(client, csv_bytes(bad), "twice.csv", check=True)
    assert response.status_code == 422
    assert 'name="kept"' not in page(response)
    assert not kept_folder.exists() or list(kept_folder.iterdir()) == []


def test_a_newly_chosen_file_wins_over_the_kept_one(client, staff, register):
    fingerprint = check(client, csv_bytes(GOOD_ROWS))
    other = [["สมาคมแฟ้มใหม่ทดสอบ", *[""] * 17]]
    other[0][3] = "association"
    response = client.post(
        "/organisations/import",
        data={
            "kept": fingerprint,
            "submit": "Import",
            "file": (io.BytesIO(csv_bytes(other)), "n.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    names = set(register())
    assert "สมาคมแฟ้มใหม่ทดสอบ" in names and "สมาคมไอโอทีทดสอบ" not in names


def test_the_page_shows_a_progress_indicator_and_names_what_it_does(client, staff):
    text = client.get("/organisations/import").get_data(as_text=True)
    assert "data-busy-form" in text and 'data-testid="import-progress"' in text
    assert "กำลังนำเข้า… อย่าปิดหน้านี้" in text
    assert "กำลังตรวจสอบไฟล์… อย่าปิดหน้านี้" in text
    assert 'role="progressbar"' in text
