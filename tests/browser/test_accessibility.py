"""Every page passes axe-core (WCAG 2.1 A and AA) in the real browser: no serious or critical
violation.

The pages are found by walking ``app.url_map``: every GET route is visited, with its path
ids filled from the demo data of the live server, as a role that may see it (the first of
staff, secretary, representative, admin whose permissions open it; anonymous for public
pages). The few pages each role sees differently are visited once per role. A route that
is not an HTML page (a PDF, a spreadsheet, a JSON document) must be listed in ``NOT_PAGES``
or match ``NOT_PAGE_PATTERNS``, with the reason; ``test_every_page_is_visited`` proves
nothing else is left out, so a new page is checked as soon as its route exists.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from unittest import mock
from urllib.parse import unquote

import pytest
import sqlalchemy as sa
from axe_playwright_python.base import AXE_FILE_PATH
from flask import Flask, url_for
from playwright.sync_api import Browser, Page, expect

from registry import create_app
from registry.agreements.printing import RECORD_TYPE as AGREEMENT_RECORD_TYPE
from registry.auth.demo import DEMO_PASSWORD
from registry.auth.models import Role, User
from registry.auth.permissions import PUBLIC, SIGNED_IN, access_rule, role_has
from registry.db import db
from registry.meetings.models import MINUTES_RECORD_TYPE

pytestmark = pytest.mark.browser

#: The axe-core rule tags checked: WCAG 2.0 and 2.1, levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
#: Impacts that fail the test (axe also reports "moderate" and "minor").
BLOCKING = {"serious", "critical"}

ANONYMOUS = "anonymous"
#: Who signs in for each role. The representative is the Thai Maker Association's: in the
#: demo data it has a signed MOU, a proposal still open and seats on both committees.
ACCOUNTS = {
    "admin": "admin@dgti.example",
    "staff": "staff@dgti.example",
    "secretary": "secretary@dgti.example",
    "representative": "rep.tma@dgti.example",
}
#: Which role visits a page by default: the first of these that may open it.
ROLE_ORDER = (Role.STAFF, Role.SECRETARY, Role.REPRESENTATIVE, Role.ADMIN)

#: GET routes that are not HTML pages, and why they are not checked.
NOT_PAGES = {
    "static": "stylesheets, scripts and fonts",
    "agreements.pdf": "a PDF document",
    "agreements.mine_pdf": "a PDF document",
    "agreements.document_version": "a PDF document (an earlier version)",
    "agreements.scan": "a file download (the signed scan)",
    "agreements.mine_scan": "a file download (the signed scan)",
    "agreements.export_list": "a spreadsheet download",
    "organisations.contact_personal_data": "a JSON download (PDPA data export)",
    "meetings.document_version": "a PDF document (an earlier version)",
    "proposals.attachment": "a file download (an attachment)",
    "proposals.endorsement_letter": "a file download (a signed letter)",
    "opendata.download": "a file download (the open-data CSV and JSON files)",
    "home.favicon": "an image (the site's icon)",
    "agreements.review_file": "a file download (a partner's reviewed Word draft)",
    "agreements.mine_review_file": "a file download (a partner's reviewed Word draft)",
    "agreements.signed_copy": "a PDF document (the electronically signed copy)",
    "meetings.signed_minutes": "a PDF document (the electronically signed minutes)",
    "letters.pdf": "a PDF document (an issued letter)",
    "letters.emblem_image": "an image (the agency's emblem)",
}
#: Routes left out by their address, and why.
NOT_PAGE_PATTERNS = [
    (re.compile(r"\.(pdf|csv|xlsx|json|ics|zip|docx)$"), "a file download (by its extension)"),
    (re.compile(r"^/api/"), "the JSON API: no HTML pages"),
]

#: Pages each role sees differently: visited as these roles too (besides the default one).
ROLE_VARIANTS = {
    "home.index": ("staff", "secretary", "representative", "admin"),
    "meetings.index": ("secretary", "representative"),
    "proposals.index": ("secretary", "representative"),
    "proposals.show": ("secretary", "representative"),
    "committees.index": ("secretary",),
    "committees.show": ("secretary",),
    "meetings.show": ("secretary",),
    "search.index": ("secretary", "representative"),
}


@dataclass(frozen=True)
class Visit:
    """One page to check: an endpoint seen by a role (or a page state reached by ``how``)."""

    endpoint: str
    role: str
    how: str = ""

    @property
    def id(self) -> str:
        return f"{self.endpoint}{'-' + self.how if self.how else ''}[{self.role}]"


def _url_map_app() -> Flask:
    """An app for reading the routes only (no database is opened)."""
    return create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "routes-only"})


ROUTES_APP = _url_map_app()


def left_out(rule) -> str | None:
    """Why a GET route is not checked, or None when it is a page."""
    if rule.endpoint in NOT_PAGES:
        return NOT_PAGES[rule.endpoint]
    for pattern, reason in NOT_PAGE_PATTERNS:
        if pattern.search(rule.rule):
            return reason
    return None


def page_routes(app: Flask) -> dict[str, object]:
    """The GET routes that should answer an HTML page, by endpoint."""
    return {
        rule.endpoint: rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and left_out(rule) is None
    }


def default_role(app: Flask, endpoint: str) -> str:
    """The role that visits a page: anonymous for public pages, else the first that may."""
    rule = access_rule(app, endpoint)
    if rule == PUBLIC:
        return ANONYMOUS
    if rule == SIGNED_IN:
        return "staff"
    for role in ROLE_ORDER:
        if role_has(role, rule):
            return role.value
    raise AssertionError(f"no role may open {endpoint} ({rule})")


def plan(app: Flask) -> list[Visit]:
    """Every visit the test makes: each page once, a few once per role, a few page states."""
    visits = []
    for endpoint in sorted(page_routes(app)):
        roles = [default_role(app, endpoint)]
        roles += [r for r in ROLE_VARIANTS.get(endpoint, ()) if r not in roles]
        visits += [Visit(endpoint, role) for role in roles]
    # States of a page that a plain GET does not show: results of a query, a refused
    # sign-in, a form sent with errors, the error page.
    visits += [
        Visit(endpoint, default_role(app, endpoint), "results")
        for endpoint in QUERIES
        if endpoint in app.view_functions
    ]
    visits += [
        Visit("auth.sign_in", ANONYMOUS, "refused"),
        Visit("organisations.new", "staff", "errors"),
        Visit("errors.not_found", ANONYMOUS),
        Visit("errors.not_found", "staff"),
    ]
    return visits


#: Searches whose result pages are checked too (a page's query string, by endpoint).
QUERIES = {
    "search.index": "q=สมาคม",
    "organisations.index": "q=สมาคม&status=all",
    "proposals.index": "q=ระบบ",
}


VISITS = plan(ROUTES_APP)


# --- demo records for the path ids --------------------------------------------------------


INVITATION_TOKEN = "accessibility-check-invitation-token-0123456789"


def _id(statement) -> int:
    found = db.session.scalar(statement)
    assert found is not None, f"no demo record for {statement}"
    return found


def _records() -> dict[str, Callable[[], dict]]:
    """How to fill each endpoint's path arguments: per endpoint where the page needs a record
    in a given state, per argument name otherwise. Called inside an app context."""
    from registry.agreements.models import Agreement, AgreementParty, AgreementStatus
    from registry.committees.models import Membership
    from registry.documents.models import DocumentVersion
    from registry.meetings.models import ActionItem, AgendaItem, Meeting, MeetingStatus
    from registry.organisations.models import Contact, Organisation
    from registry.proposals.models import (
        NOT_ENDORSABLE,
        Category,
        Endorsement,
        Proposal,
        ProposalStatus,
    )

    rep = db.session.scalar(sa.select(User).where(User.email == ACCOUNTS["representative"]))
    ours = rep.organisation_id

    def agreement(status, organisation_id=None):
        query = sa.select(Agreement.id).where(Agreement.status == status)
        if organisation_id is not None:
            query = query.where(
                Agreement.id.in_(
                    sa.select(AgreementParty.agreement_id).where(
                        AgreementParty.organisation_id == organisation_id
                    )
                )
            )
        return _id(query.order_by(Agreement.id))

    def meeting(status):
        return _id(sa.select(Meeting.id).where(Meeting.status == status).order_by(Meeting.id))

    def item_of(meeting_id, *where):
        query = sa.select(AgendaItem.id).where(AgendaItem.meeting_id == meeting_id, *where)
        return _id(query.order_by(AgendaItem.id))

    def proposal(status, organisation_id=None):
        query = sa.select(Proposal.id).where(Proposal.status == status)
        if organisation_id is not None:
            query = query.where(Proposal.organisation_id == organisation_id)
        return _id(query.order_by(Proposal.id))

    drafted = meeting(MeetingStatus.MINUTES_DRAFTED)
    certified = meeting(MeetingStatus.MINUTES_CERTIFIED)
    scheduled = meeting(MeetingStatus.SCHEDULED)
    open_action = _id(
        sa.select(ActionItem.id)
        .join(AgendaItem, ActionItem.agenda_item_id == AgendaItem.id)
        .where(AgendaItem.meeting_id == drafted, ActionItem.done_on.is_(None))
    )
    our_endorsement = db.session.execute(
        sa.select(Endorsement.proposal_id, Endorsement.id).where(
            Endorsement.organisation_id == ours, Endorsement.withdrawn_at.is_(None)
        )
    ).first()
    endorsed_by_us = sa.select(Endorsement.proposal_id).where(Endorsement.organisation_id == ours)
    to_endorse = _id(
        sa.select(Proposal.id)
        .where(
            Proposal.organisation_id != ours,
            Proposal.id.not_in(endorsed_by_us),
            Proposal.status.not_in(list(NOT_ENDORSABLE)),
        )
        .order_by(Proposal.id)
    )
    version_token = db.session.scalar(
        sa.select(DocumentVersion.public_token).order_by(DocumentVersion.id)
    )
    assert version_token is not None, "the setup generates an agreement PDF first"

    def printed(record_type: str, record_id: int):
        return _id(
            sa.select(DocumentVersion.id)
            .where(
                DocumentVersion.record_type == record_type,
                DocumentVersion.record_id == record_id,
                DocumentVersion.final.is_(True),
            )
            .order_by(DocumentVersion.id)
        )

    signed_agreement = agreement(AgreementStatus.SIGNED)
    agreement_printing = {
        "agreement_id": signed_agreement,
        "version_id": printed(AGREEMENT_RECORD_TYPE, signed_agreement),
    }
    minutes_printing = {
        "meeting_id": certified,
        "version_id": printed(MINUTES_RECORD_TYPE, certified),
    }

    by_argument = {
        "organisation_id": lambda: _id(sa.select(Organisation.id).where(Organisation.id == ours)),
        "agreement_id": lambda: agreement(AgreementStatus.SIGNED),
        "committee_id": lambda: _id(sa.select(Membership.committee_id).order_by(Membership.id)),
        "membership_id": lambda: _id(
            sa.select(Membership.id).where(Membership.ended_on.is_(None)).order_by(Membership.id)
        ),
        "meeting_id": lambda: drafted,
        "proposal_id": lambda: proposal(ProposalStatus.SUBMITTED, ours),
        "category_id": lambda: _id(sa.select(Category.id).order_by(Category.id)),
        "contact_id": lambda: _id(
            sa.select(Contact.id).where(Contact.organisation_id == ours).order_by(Contact.id)
        ),
        "user_id": lambda: _id(sa.select(User.id).where(User.email == ACCOUNTS["staff"])),
    }
    by_endpoint = {
        "agreements.edit": {"agreement_id": agreement(AgreementStatus.DRAFT)},
        "agreements.sign": {"agreement_id": agreement(AgreementStatus.APPROVED)},
        "agreements.mine_show": {"agreement_id": agreement(AgreementStatus.SIGNED, ours)},
        "meetings.edit": {"meeting_id": scheduled},
        "meetings.cancel": {"meeting_id": scheduled},
        "meetings.mark_held": {"meeting_id": scheduled},
        "meetings.item_new": {"meeting_id": scheduled},
        "meetings.item_edit": {"meeting_id": scheduled, "item_id": item_of(scheduled)},
        "meetings.resolution": {"meeting_id": drafted, "item_id": item_of(drafted)},
        "meetings.action_new": {"meeting_id": drafted, "item_id": item_of(drafted)},
        "meetings.certify": {
            "meeting_id": scheduled,
            "item_id": item_of(scheduled, AgendaItem.certifies_meeting_id == drafted),
        },
        "meetings.action_done": {"meeting_id": drafted, "action_id": open_action},
        "meetings.amendment_new": {"meeting_id": certified},
        "meetings.mine_show": {"meeting_id": certified},
        "proposals.endorse": {"proposal_id": to_endorse},
        "proposals.endorsement_record": {"proposal_id": to_endorse},
        "proposals.agenda": {"proposal_id": proposal(ProposalStatus.SCREENING)},
        "proposals.annex": {"proposal_id": proposal(ProposalStatus.RECOMMENDED)},
        "proposals.endorsement_withdraw": {
            "proposal_id": our_endorsement.proposal_id,
            "endorsement_id": our_endorsement.id,
        },
        "organisations.accept_invitation": {"token": INVITATION_TOKEN},
        "documents.verify": {"token": version_token},
        "agreements.sign_electronically": agreement_printing,
        "agreements.signatures": agreement_printing,
        "agreements.upload_signed": agreement_printing,
        "meetings.minutes_signatures": minutes_printing,
        "meetings.sign_minutes": minutes_printing,
        "letters.send_agreement": {"agreement_id": agreement(AgreementStatus.DRAFT)},
    }
    return by_endpoint, by_argument


@dataclass
class Demo:
    """The live server's demo records, and a signed-in browser context per role."""

    app: Flask
    browser: Browser
    base_url: str
    by_endpoint: dict
    by_argument: dict
    contexts: dict

    def url(self, endpoint: str) -> str:
        """The address of a page, its path ids filled with demo records."""
        rule = next(r for r in self.app.url_map.iter_rules() if r.endpoint == endpoint)
        values = dict(self.by_endpoint.get(endpoint, {}))
        with self.app.app_context():
            for argument in rule.arguments - set(values):
                fill = self.by_argument.get(argument)
                assert fill is not None, (
                    f"tell test_accessibility.py how to fill <{argument}> of {endpoint} "
                    "(by_argument or by_endpoint in _records)"
                )
                values[argument] = fill()
            db.session.remove()
        with self.app.test_request_context():
            return url_for(endpoint, **values)

    def page(self, role: str) -> Page:
        """A page of the role's browser context (signed in once, kept for the module)."""
        if role not in self.contexts:
            context = self.browser.new_context(
                base_url=self.base_url, locale="th-TH", viewport={"width": 1280, "height": 900}
            )
            context.set_default_timeout(10_000)
            # axe-core (bundled by axe-playwright-python) is loaded into every page.
            context.add_init_script(path=AXE_FILE_PATH)
            page = context.new_page()
            if role != ANONYMOUS:
                sign_in(page, ACCOUNTS[role])
                assert "/sign-in" not in page.url, f"{role} could not sign in"
            self.contexts[role] = (context, page)
        return self.contexts[role][1]


def sign_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/sign-in")
    form = page.locator("main form[method=post]")
    form.locator("input[name=email]").fill(email)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def _prepare(live_server, browser: Browser) -> None:
    """Records the demo data lacks: the signed agreement's final PDF and the certified
    minutes (for the verification and signing pages) and an open invitation whose link is
    known."""
    from registry.auth import invitations
    from registry.organisations.models import Contact

    context = browser.new_context(base_url=live_server.url)
    try:
        page = context.new_page()
        sign_in(page, ACCOUNTS["staff"])
        with live_server.app.app_context():
            from registry.agreements.models import Agreement, AgreementStatus
            from registry.meetings.models import Meeting, MeetingStatus

            signed = _id(sa.select(Agreement.id).where(Agreement.status == AgreementStatus.SIGNED))
            certified = _id(
                sa.select(Meeting.id)
                .where(Meeting.status == MeetingStatus.MINUTES_CERTIFIED)
                .order_by(Meeting.id)
            )
            db.session.remove()
        response = context.request.get(f"/agreements/{signed}/pdf")
        assert response.ok, response.status
        response = context.request.get(f"/meetings/{certified}/minutes.pdf")
        assert response.ok, response.status
    finally:
        context.close()
    with live_server.app.app_context(), live_server.app.test_request_context():
        staff = db.session.scalar(sa.select(User).where(User.email == ACCOUNTS["staff"]))
        has_account = sa.select(User.email)
        contact = db.session.scalar(
            sa.select(Contact)
            .where(Contact.email.is_not(None), Contact.email.not_in(has_account))
            .order_by(Contact.id)
        )
        with mock.patch.object(invitations.secrets, "token_urlsafe", return_value=INVITATION_TOKEN):
            invitations.send_invitation(contact, staff)
        db.session.remove()


@pytest.fixture(scope="module")
def demo(live_server, browser: Browser) -> Iterator[Demo]:
    _prepare(live_server, browser)
    with live_server.app.app_context():
        by_endpoint, by_argument = _records()
        db.session.remove()
    found = Demo(live_server.app, browser, live_server.url, by_endpoint, by_argument, {})
    try:
        yield found
    finally:
        for context, _page in found.contexts.values():
            context.close()


# --- axe ------------------------------------------------------------------------------------


def blocking_violations(page: Page) -> list[str]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations on the page, one line each."""
    results = page.evaluate(
        "options => axe.run(document, options)",
        {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    lines = []
    for violation in results["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        for node in violation["nodes"]:
            lines.append(
                f"{violation['id']} ({violation['impact']}): {violation['help']} at "
                f"{' '.join(map(str, node['target']))}\n    {node['html'][:200]}"
            )
    return lines


def _send(page: Page, fill: dict[str, str] | None = None) -> int:
    """Send the page's main form (filled with ``fill``); answer the status of the POST."""
    form = page.locator("main form[method=post]").last
    for name, value in (fill or {}).items():
        form.locator(f"[name={name}]").fill(value)
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        form.locator("button[type=submit]").last.click()
    page.wait_for_load_state()
    return answer.value.status


def _open(demo: Demo, visit: Visit) -> tuple[Page, int]:
    """Show the page of the visit; answer the page and the HTTP status it came with."""
    page = demo.page(visit.role)
    if visit.endpoint == "errors.not_found":
        response = page.goto("/no-such-page")
        return page, response.status
    url = demo.url(visit.endpoint)
    if visit.how == "refused":  # the sign-in form, after a wrong password
        page.goto(url)
        return page, _send(page, {"email": "nobody@dgti.example", "password": "not-the-password"})
    if visit.how == "errors":  # a form sent empty: the summary and the messages at the fields
        page.goto(url)
        return page, _send(page)
    if visit.how == "results":
        url += "?" + QUERIES[visit.endpoint]
    response = page.goto(url)
    assert response is not None
    content_type = response.headers.get("content-type", "")
    assert content_type.startswith("text/html"), (
        f"{visit.endpoint} ({url}) answers {content_type}, not a page: list it in NOT_PAGES "
        "with the reason"
    )
    assert unquote(page.url) == demo.base_url + url, (
        f"{visit.endpoint} as {visit.role}: {url} went to {page.url} "
        "(choose a demo record in a state that shows the page, in _records)"
    )
    return page, response.status


#: The status of each page state (besides a plain page's 200).
EXPECTED_STATUS = {"errors": 422, "refused": 401}


@pytest.mark.parametrize("visit", VISITS, ids=[v.id for v in VISITS])
def test_page_has_no_serious_accessibility_violation(demo: Demo, visit: Visit):
    page, status = _open(demo, visit)
    expected = 404 if visit.endpoint == "errors.not_found" else EXPECTED_STATUS.get(visit.how, 200)
    assert status == expected, f"{visit.id}: {page.url} answered {status}"
    violations = blocking_violations(page)
    assert not violations, f"{visit.id} at {page.url}:\n" + "\n".join(violations)


def test_every_page_is_visited():
    """Every GET route of the app is either visited or left out with a reason."""
    gets = {r.endpoint for r in ROUTES_APP.url_map.iter_rules() if "GET" in r.methods}
    visited = {visit.endpoint for visit in VISITS}
    unexplained = (
        gets
        - visited
        - {r.endpoint for r in ROUTES_APP.url_map.iter_rules() if left_out(r) is not None}
    )
    assert unexplained == set()
    stale = set(NOT_PAGES) - gets
    assert stale == set(), "NOT_PAGES lists routes that no longer exist"
    assert all(reason.strip() for reason in NOT_PAGES.values())
    # Each visit is made by a role the page admits.
    for visit in VISITS:
        if visit.endpoint in gets:
            rule = access_rule(ROUTES_APP, visit.endpoint)
            allowed = rule == PUBLIC if visit.role == ANONYMOUS else rule in (PUBLIC, SIGNED_IN)
            allowed = allowed or (visit.role != ANONYMOUS and role_has(Role(visit.role), rule))
            assert allowed, f"{visit.id}: {visit.role} may not open {visit.endpoint} ({rule})"
    # Each role's own pages are among them.
    roles = {visit.role for visit in VISITS}
    assert roles == {ANONYMOUS, *ACCOUNTS}
    assert {"auth.sign_in", "documents.verify", "organisations.mine", "agreements.mine"} <= visited


def test_live_search_says_how_many_were_found(page: Page, live_server):
    """The list refreshed while one types is announced to screen readers by a status region
    that stays on the page (a live region that arrives with new content is not read)."""
    sign_in(page, ACCOUNTS["staff"])
    page.goto("/organisations/")
    status = page.locator("main [role=status][aria-live=polite]")
    expect(status).to_have_count(0)
    with page.expect_response(lambda r: "/organisations/?" in r.url):
        page.locator("main input[type=search]").press_sequentially("ไม่มีองค์กรชื่อนี้", delay=20)
    said = live_server.th("Organisations found: %(n)s") % {"n": 0}
    expect(status).to_have_text(said)
    expect(page.locator("main #organisation-results")).to_contain_text(said)
