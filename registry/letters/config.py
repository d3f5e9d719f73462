"""What every letter prints about the agency, set by the administrator: the letter-number
prefix, the agency's name and address, the signatory, the contact unit at the foot, and the
emblem (ครุฑ or the agency's logo) printed 3 cm high at the top centre.

The particulars are one setting ("letters", a dict), so the form that edits them carries
one version; the emblem is another ("letter_emblem"), its image kept under STORAGE_DIR.
No emblem uploaded: letters print without one (the header is then the text alone).
"""

from __future__ import annotations

import hashlib
import io
import uuid
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from flask_babel import gettext as _

from .. import uploads
from ..db import db
from ..rules import RuleError
from ..settings import services as settings

#: The setting that holds the particulars, and the one that holds the emblem.
PARTICULARS_KEY = "letters"
EMBLEM_KEY = "letter_emblem"

#: The emblem's printed height, fixed by the correspondence regulation (ครุฑ 3 cm high).
EMBLEM_HEIGHT_CM = 3
#: The largest emblem file accepted.
EMBLEM_MAX_BYTES = 1024 * 1024
#: Its smallest and largest side in pixels (3 cm at 300 dpi is 354 pixels).
EMBLEM_MIN_PIXELS = 100
EMBLEM_MAX_PIXELS = 4000
#: Image formats accepted, as Pillow names them, with their media type and file extension.
EMBLEM_FORMATS = {"PNG": ("image/png", "png"), "JPEG": ("image/jpeg", "jpg")}
#: Where emblems are stored under STORAGE_DIR.
EMBLEM_FOLDER = "letters/emblem"


class EmblemError(RuleError):
    """An emblem file that is refused."""


@dataclass
class Particulars:
    """The agency's particulars printed on every letter."""

    #: Printed before the running number after ที่, e.g. "ดศ 0101/".
    prefix: str = "ดศ 0101/"
    #: The agency's name (the address block's first line, the body's "ด้วย ...").
    agency: str = "สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน)"
    #: The agency's address, one line each, at the right of the header.
    address: str = "อาคารบางกอกไทยทาวเวอร์ ชั้น 17\n108 ถนนรางน้ำ แขวงถนนพญาไท\nเขตราชเทวี กรุงเทพฯ 10400"
    #: Who signs (left blank: a line for the name in brackets).
    signatory_name: str = ""
    #: The signatory's position, under the name.
    signatory_position: str = "ผู้อำนวยการสำนักงานพัฒนารัฐบาลดิจิทัล"
    #: The contact unit at the foot-left, with its phone and email.
    unit: str = "ศูนย์นวัตกรรมและเทคโนโลยีรัฐบาลดิจิทัล (DGTi)"
    phone: str = "0 2612 6000"
    email: str = "dgti@dga.or.th"

    @classmethod
    def field_names(cls) -> list[str]:
        """The names of the particulars, in the form's order."""
        return [item.name for item in fields(cls)]


def particulars() -> Particulars:
    """The particulars as set (each one left unset takes its default)."""
    stored = settings.get_setting(PARTICULARS_KEY) or {}
    known = {name: str(stored[name]) for name in Particulars.field_names() if name in stored}
    return Particulars(**known)


def particulars_row():
    """The stored setting row of the particulars (None: never set), for the form's version."""
    return settings.setting_row(PARTICULARS_KEY)


def save_particulars(values: Particulars, actor, lock_version: int | None) -> None:
    """Change the particulars (audited as a changed setting); an older form is refused."""
    if not values.prefix.strip():
        raise RuleError(_("Enter the letter-number prefix."), "prefix")
    settings.set_setting(PARTICULARS_KEY, asdict(values), actor, lock_version=lock_version)


# --- the emblem --------------------------------------------------------------------------


@dataclass(frozen=True)
class Emblem:
    """The stored emblem: the file, its type and size in pixels."""

    path: str
    mimetype: str
    width: int
    height: int
    size: int
    sha256: str
    filename: str

    @property
    def width_cm(self) -> float:
        """The printed width, the height being EMBLEM_HEIGHT_CM."""
        return round(EMBLEM_HEIGHT_CM * self.width / self.height, 3)


def emblem() -> Emblem | None:
    """The emblem as uploaded, or None (letters then print without one)."""
    stored = settings.get_setting(EMBLEM_KEY)
    if not stored:
        return None
    try:
        return Emblem(**stored)
    except TypeError:
        return None


def emblem_bytes(found: Emblem | None = None) -> bytes | None:
    """The emblem's image, when it is stored and intact."""
    found = found or emblem()
    if found is None:
        return None
    path = uploads.stored_path(found.path)
    if path is None:
        return None
    data = path.read_bytes()
    return data if hashlib.sha256(data).hexdigest() == found.sha256 else None


def check_emblem(data: bytes) -> tuple[str, int, int]:
    """Refuse (EmblemError at "emblem") what is not a PNG or JPEG image of a sensible size;
    the accepted image's format, width and height. The content is read, not the file name:
    an SVG (which may load other files), a renamed file, a damaged image are refused."""
    if not data:
        raise EmblemError(_("Choose the image of the emblem to upload."), "emblem")
    if len(data) > EMBLEM_MAX_BYTES:
        raise EmblemError(
            _("The image is larger than %(kb)d KB.", kb=EMBLEM_MAX_BYTES // 1024), "emblem"
        )
    head = data[:512].lstrip().lower()
    if head.startswith(b"<?xml") or head.startswith(b"<svg") or b"<svg" in head:
        raise EmblemError(
            _("SVG images are not accepted: upload the emblem as PNG or JPEG."), "emblem"
        )
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            width, height = image.size
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()  # verify() does not decode the pixels; a truncated file fails here
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise EmblemError(_("The file is not a PNG or JPEG image."), "emblem") from None
    if kind not in EMBLEM_FORMATS:
        raise EmblemError(_("The file is not a PNG or JPEG image."), "emblem")
    if min(width, height) < EMBLEM_MIN_PIXELS or max(width, height) > EMBLEM_MAX_PIXELS:
        raise EmblemError(
            _(
                "The image must be between %(least)d and %(most)d pixels wide and high "
                "(it is %(width)d × %(height)d).",
                least=EMBLEM_MIN_PIXELS,
                most=EMBLEM_MAX_PIXELS,
                width=width,
                height=height,
            ),
            "emblem",
        )
    return kind, width, height


def upload_emblem(data: bytes, filename: str | None, actor) -> Emblem:
    """Check and store a new emblem in place of the old one (audited; commits). The file is
    written first and removed again if the setting is not saved; the old file goes after."""
    kind, width, height = check_emblem(data)
    mimetype, extension = EMBLEM_FORMATS[kind]
    relative = f"{EMBLEM_FOLDER}/{uuid.uuid4().hex}.{extension}"
    path = uploads.storage_root() / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    before = emblem()
    new = Emblem(
        path=relative,
        mimetype=mimetype,
        width=width,
        height=height,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        filename=Path((filename or "").replace("\\", "/")).name[:200] or f"emblem.{extension}",
    )
    try:
        settings.set_setting(EMBLEM_KEY, asdict(new), actor)
    except BaseException:
        db.session.rollback()
        uploads.remove(relative)
        raise
    if before is not None and before.path != relative:
        uploads.remove(before.path)
    return new


def remove_emblem(actor) -> None:
    """Print letters without an emblem from now on (audited; commits)."""
    before = emblem()
    if before is None:
        return
    settings.set_setting(EMBLEM_KEY, None, actor)
    uploads.remove(before.path)
