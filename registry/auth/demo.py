"""Demo accounts, one for every role."""

from __future__ import annotations

from ..organisations import demo as organisation_demo
from ..organisations.models import Organisation
from . import services
from .models import Role

#: Printed by `make run` so a new user can sign in at once.
DEMO_PASSWORD = "demo-password-2563"  # noqa: S105 (demo data, printed on purpose)

#: (email, name, role, organisation acronym)
ACCOUNTS = [
    ("admin@dgti.example", "นายสมชาย ผู้ดูแลระบบ", Role.ADMIN, None),
    ("staff@dgti.example", "นางสาวศิริพร ใจดี", Role.STAFF, None),
    ("secretary@dgti.example", "นายธนากร เลขานุการ", Role.SECRETARY, None),
    ("rep.aiat@dgti.example", "ดร.ปัญญา ประดิษฐ์ไทย", Role.REPRESENTATIVE, "AIAT"),
]

#: Every other association named in the background documents has its representative too.
REPRESENTATIVES = [
    (email, name, Role.REPRESENTATIVE, acronym)
    for email, name, acronym in organisation_demo.representatives()
    if email not in {account[0] for account in ACCOUNTS}
]


def seed(organisations: dict[str, Organisation]) -> list[tuple[str, str]]:
    """Create the missing demo accounts; return (email, role) for each."""
    created = []
    for email, name, role, acronym in ACCOUNTS + REPRESENTATIVES:
        if services.find_user_by_email(email) is None:
            services.create_user(
                email=email,
                full_name=name,
                role=role,
                password=DEMO_PASSWORD,
                organisation_id=organisations[acronym].id if acronym else None,
                must_change_password=False,
                actor=None,
            )
        created.append((email, role.value))
    return created
