"""The committee page's members' roles and committees' kinds are translated once per language
and kept (``views._page_labels``, ``views._list_labels``): each page still names them in the
reader's language, switched both ways; its seat rows, mandate and badges are its own macros'
(no import)."""

from __future__ import annotations

import re
from datetime import date

from flask_babel import force_locale

from registry.auth.models import Role
from registry.committees.labels import KIND_LABELS, ROLE_LABELS
from registry.committees.models import CommitteeKind, MemberRole


def _section(html: str, heading_id: str) -> str:
    """The part of the page from a section's heading to the next section."""
    start = html.index(f'id="{heading_id}"')
    end = html.find("<section", start)
    return html[start : end if end > 0 else len(html)]


def test_the_roles_and_kinds_follow_the_readers_language_both_ways(
    app, client, sign_in, make_committee, make_contact, appoint
):
    sign_in(Role.STAFF)
    committee = make_committee(name_th="คณะทดสอบภาษา", mandate="หน้าที่หนึ่ง\nหน้าที่สอง")
    make_committee(name_th="คณะย่อย", kind="working_group", parent_id=committee)
    appoint(committee, make_contact(), "chair")
    appoint(committee, make_contact(), "vice_chair")
    appoint(committee, make_contact(), "member", term_start=date(2099, 1, 1))
    appoint(committee, make_contact(), "assistant_secretary", term_end=date(2024, 6, 30))
    labels = {}
    for locale in ("th", "en"):
        with app.test_request_context(), force_locale(locale):
            labels[locale] = {
                "chair": str(ROLE_LABELS[MemberRole.CHAIR]),
                "vice": str(ROLE_LABELS[MemberRole.VICE_CHAIR]),
                "member": str(ROLE_LABELS[MemberRole.MEMBER]),
                "assistant": str(ROLE_LABELS[MemberRole.ASSISTANT_SECRETARY]),
                "joint": str(KIND_LABELS[CommitteeKind.JOINT]),
                "group": str(KIND_LABELS[CommitteeKind.WORKING_GROUP]),
            }
    pages = []
    for locale in ("th", "en", "th"):
        client.post("/language", data={"locale": locale}).close()
        with client.get(f"/committees/{committee}") as response:
            assert response.status_code == 200
            pages.append((locale, response.get_data(as_text=True)))

    for locale, html in pages:
        other = "en" if locale == "th" else "th"
        shown, hidden = labels[locale], labels[other]
        current = _section(html, "members-heading")
        assert f"<td>{shown['chair']}</td>" in current
        assert f"<td>{shown['vice']}</td>" in current
        assert hidden["chair"] not in current and hidden["vice"] not in current
        assert f"<td>{shown['member']}</td>" in _section(html, "upcoming-heading")
        past_rows = _section(html, "past-heading")
        assert (
            f"<td>{shown['assistant']}</td>" in past_rows
            and f'"/committees/{committee}/' not in (past_rows)
        )  # no "End seat" button on a past seat
        assert f'<p class="mb-0">{shown["joint"]} · ' in html
        children = _section(html, "children-heading")
        assert f'<span class="small text-muted">{shown["group"]}</span>' in children
        assert hidden["group"] not in children
        assert "<p>หน้าที่หนึ่ง<br>หน้าที่สอง</p>" in _section(html, "mandate-heading")
        assert len(re.findall(r'href="/committees/\d+/members/\d+/end"', current)) == 2
