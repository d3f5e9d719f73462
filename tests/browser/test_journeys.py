"""User journeys in a real browser: sign-in per role, language, user administration, CSP.

Texts are checked against the app's own Thai catalogue (``live_server.th``): while a
message is untranslated it is its English source, once translated the Thai text is
required and the English one therefore absent. Elements are found by ``name``,
``data-testid``, form actions and link targets, which do not change with the language.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Browser, Page, expect

from registry.auth.demo import ACCOUNTS, DEMO_PASSWORD
from registry.auth.models import Role

pytestmark = pytest.mark.browser

ADMIN_EMAIL = next(email for email, _name, role, _org in ACCOUNTS if role is Role.ADMIN)
STAFF_EMAIL, STAFF_NAME = next(
    (email, name) for email, name, role, _org in ACCOUNTS if role is Role.STAFF
)
SIGN_IN_URL = re.compile(r"/sign-in(\?.*)?$")


# --- helpers -----------------------------------------------------------------------


def sign_in(page: Page, email: str, password: str) -> None:
    """Fill and send the sign-in form (opening the sign-in page when not on it)."""
    if not SIGN_IN_URL.search(page.url):
        page.goto("/sign-in")
    form = page.locator("main form[method=post]")
    form.locator("input[name=email]").fill(email)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()


def expect_home(page: Page, base_url: str, full_name: str) -> None:
    expect(page).to_have_url(base_url + "/")
    expect(page.get_by_test_id("user-menu")).to_have_text(full_name)


def expect_sign_in_page(page: Page, live_server) -> None:
    expect(page).to_have_url(SIGN_IN_URL)
    expect(page.locator("main form input[name=password]")).to_be_visible()
    expect(page.get_by_test_id("user-menu")).to_have_count(0)


def switch_language(page: Page, code: str) -> None:
    page.locator(f"nav form[action$='/language'] button[name=locale][value={code}]").click()
    expect(page.locator("html")).to_have_attribute("lang", code)


def sign_out_button(page: Page):
    return page.locator("nav form[action$='/sign-out'] button[type=submit]")


def sign_out(page: Page) -> None:
    """Sign out through the user menu."""
    page.get_by_test_id("user-menu").click()
    button = sign_out_button(page)
    expect(button).to_be_visible()
    button.click()


def open_admin_menu_item(page: Page, href: str) -> None:
    """Administration (navbar dropdown) → the item linking to href."""
    menu = page.locator("nav li.dropdown").filter(has=page.locator(f"a[href='{href}']"))
    menu.locator(".dropdown-toggle").click()
    menu.locator(f"a.dropdown-item[href='{href}']").click()


def flash(page: Page, category: str):
    return page.locator(f"main .alert-{category}")


def assert_clean_console(console_log) -> None:
    assert console_log.csp_violations() == []
    assert console_log.script_errors() == []


# --- journeys ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("email", "full_name", "role"),
    [(email, name, role) for email, name, role, _org in ACCOUNTS],
    ids=[role.value for _email, _name, role, _org in ACCOUNTS],
)
def test_role_signs_in_switches_language_and_signs_out(
    page: Page, live_server, console_log, email, full_name, role
):
    th = live_server.th

    # Anonymous: the home page sends to the sign-in page, in Thai.
    page.goto("/")
    expect_sign_in_page(page, live_server)
    expect(page.locator("html")).to_have_attribute("lang", "th")
    expect(page.locator("main h1")).to_have_text(th("Sign in"))
    if th("Sign in") != "Sign in":  # the Thai catalogue is compiled: no English left
        expect(page.locator("main").get_by_text("Sign in", exact=True)).to_have_count(0)

    sign_in(page, email, DEMO_PASSWORD)
    expect_home(page, live_server.url, full_name)
    expect(page.locator("html")).to_have_attribute("lang", "th")
    expect(page.locator("main h1")).to_have_text(th("Welcome, %(name)s") % {"name": full_name})

    # Administration only for the administrator, in the menu and at the door.
    users_in_menu = page.locator("nav a.dropdown-item[href='/admin/users']")
    if role is Role.ADMIN:
        expect(users_in_menu).to_have_count(1)
        open_admin_menu_item(page, "/admin/users")
        expect(page).to_have_url(live_server.url + "/admin/users")
        expect(page.locator("main h1")).to_have_text(th("Users"))
        page.goto("/")
    else:
        expect(page.locator("a[href='/admin/users']")).to_have_count(0)
        response = page.goto("/admin/users")
        assert response is not None and response.status == 403
        expect(page.locator("main a[href='/admin/users/new']")).to_have_count(0)
        page.goto("/")
    expect_home(page, live_server.url, full_name)

    # English with the navbar button; the user menu speaks English.
    switch_language(page, "en")
    expect(page).to_have_url(live_server.url + "/")
    expect(page.locator("main h1")).to_have_text(f"Welcome, {full_name}")
    page.get_by_test_id("user-menu").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.keyboard.press("Escape")

    # Back to Thai.
    switch_language(page, "th")
    expect(page.locator("main h1")).to_have_text(th("Welcome, %(name)s") % {"name": full_name})
    expect(sign_out_button(page)).to_have_text(th("Sign out"))

    sign_out(page)
    expect_sign_in_page(page, live_server)
    expect(flash(page, "info")).to_contain_text(th("You have signed out."))

    # Signed out for real: the home page asks for a sign-in again.
    page.goto("/")
    expect_sign_in_page(page, live_server)

    assert_clean_console(console_log)


def test_language_choice_is_remembered_for_the_user(
    page: Page, browser: Browser, live_server, console_log
):
    try:
        sign_in(page, STAFF_EMAIL, DEMO_PASSWORD)
        expect_home(page, live_server.url, STAFF_NAME)
        switch_language(page, "en")
        sign_out(page)
        expect_sign_in_page(page, live_server)

        sign_in(page, STAFF_EMAIL, DEMO_PASSWORD)
        expect_home(page, live_server.url, STAFF_NAME)
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.locator("main h1")).to_have_text(f"Welcome, {STAFF_NAME}")

        # Saved with the account, not in this browser's cookie: another browser gets it too.
        other = browser.new_context(base_url=live_server.url, locale="th-TH")
        try:
            other_page = other.new_page()
            sign_in(other_page, STAFF_EMAIL, DEMO_PASSWORD)
            expect_home(other_page, live_server.url, STAFF_NAME)
            expect(other_page.locator("html")).to_have_attribute("lang", "en")
        finally:
            other.close()

        # Leave the account in Thai for the other tests.
        switch_language(page, "th")
        sign_out(page)
        sign_in(page, STAFF_EMAIL, DEMO_PASSWORD)
        expect_home(page, live_server.url, STAFF_NAME)
        expect(page.locator("html")).to_have_attribute("lang", "th")
    finally:
        live_server.reset_language(STAFF_EMAIL, "th")

    assert_clean_console(console_log)


def test_wrong_password_gives_the_same_generic_message_as_an_unknown_email(
    page: Page, live_server, console_log
):
    expected = live_server.th("The email or password is incorrect.")

    sign_in(page, f"nobody-{uuid.uuid4().hex[:8]}@dgti.example", DEMO_PASSWORD)
    expect_sign_in_page(page, live_server)
    error = flash(page, "danger")
    expect(error).to_have_text(expected)
    unknown_email_text = error.inner_text().strip()

    sign_in(page, ADMIN_EMAIL, "not-the-password-" + uuid.uuid4().hex[:6])
    expect_sign_in_page(page, live_server)
    expect(error).to_have_text(expected)
    wrong_password_text = error.inner_text().strip()

    assert unknown_email_text == wrong_password_text
    # The password is not sent back into the form.
    expect(page.locator("main input[name=password]")).to_have_value("")

    assert_clean_console(console_log)


def test_admin_creates_user_who_changes_password_then_is_deactivated(
    page: Page, live_server, console_log
):
    th = live_server.th
    tag = uuid.uuid4().hex[:8]
    email = f"browser.{tag}@dgti.example"
    full_name = f"นางสาวทดสอบ เบราว์เซอร์ {tag}"
    temporary = f"Temporary-{tag}-2567"
    chosen = f"Chosen-{tag}-pass"
    assert len(temporary) >= 12

    # The administrator opens the account: Administration → Users → New account.
    sign_in(page, ADMIN_EMAIL, DEMO_PASSWORD)
    expect(page.get_by_test_id("user-menu")).to_be_visible()
    open_admin_menu_item(page, "/admin/users")
    expect(page).to_have_url(live_server.url + "/admin/users")
    page.locator("main a[href='/admin/users/new']").click()
    expect(page).to_have_url(live_server.url + "/admin/users/new")
    expect(page.locator("main h1")).to_have_text(th("New account"))

    form = page.locator("main form[method=post]")
    form.locator("input[name=full_name]").fill(full_name)
    form.locator("input[name=email]").fill(email)
    form.locator("select[name=role]").select_option("staff")
    form.locator("input[name=password]").fill(temporary)
    form.locator("button[type=submit]").click()

    expect(page).to_have_url(live_server.url + "/admin/users")
    expect(flash(page, "success")).to_contain_text(email)
    row = page.locator("main table tbody tr").filter(has_text=email)
    expect(row).to_have_count(1)
    expect(row.locator("td").first).to_have_text(full_name)
    expect(row.locator("td").nth(2)).to_have_text(th("DGTi staff"))
    sign_out(page)

    # The new user must choose a password before anything else.
    sign_in(page, email, temporary)
    expect(page).to_have_url(re.compile(r"/account/password$"))
    expect(page.locator("main .alert-warning")).to_have_text(
        th("Your password was reset. Choose a new password to continue.")
    )
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/account/password$"))
    form = page.locator("main form[method=post]")
    form.locator("input[name=current_password]").fill(temporary)
    form.locator("input[name=new_password]").fill(chosen)
    form.locator("input[name=confirm]").fill(chosen)
    form.locator("button[type=submit]").click()
    expect_home(page, live_server.url, full_name)
    expect(flash(page, "success")).to_have_text(th("Your password has been changed."))
    page.goto("/")  # no longer sent to the password page
    expect_home(page, live_server.url, full_name)
    sign_out(page)

    # The administrator deactivates the account, confirming in a dialog.
    sign_in(page, ADMIN_EMAIL, DEMO_PASSWORD)
    expect(page.get_by_test_id("user-menu")).to_be_visible()
    open_admin_menu_item(page, "/admin/users")
    page.locator("main table tbody tr").filter(has_text=email).get_by_role(
        "link", name=full_name
    ).click()
    expect(page).to_have_url(re.compile(r"/admin/users/\d+$"))
    expect(page.locator("main h1")).to_have_text(full_name)

    questions: list[str] = []

    def accept(dialog):
        questions.append(f"{dialog.type}: {dialog.message}")
        dialog.accept()

    page.once("dialog", accept)
    page.locator("main form[action$='/deactivate'] button[type=submit]").click()
    expect(flash(page, "success")).to_have_text(th("The account has been deactivated."))
    expect(page).to_have_url(re.compile(r"/admin/users/\d+$"))
    expect(page.locator("main form[action$='/deactivate']")).to_have_count(0)
    expect(page.locator("main form[action$='/reactivate'] button[type=submit]")).to_be_visible()
    expect(page.locator("main")).to_contain_text(th("This account is deactivated."))
    assert questions == [
        "confirm: " + th("Deactivate the account of %(name)s?") % {"name": full_name}
    ]

    # Listed as deactivated, gone from the active list.
    page.goto("/admin/users?state=inactive")
    row = page.locator("main table tbody tr").filter(has_text=email)
    expect(row).to_have_count(1)
    expect(row.locator(".badge")).to_have_text(th("Deactivated"))
    page.goto("/admin/users")
    expect(page.locator("main table tbody tr").filter(has_text=email)).to_have_count(0)
    sign_out(page)

    # The deactivated user can no longer sign in, even with the right password.
    sign_in(page, email, chosen)
    expect_sign_in_page(page, live_server)
    expect(flash(page, "danger")).to_be_visible()
    page.goto("/")
    expect_sign_in_page(page, live_server)

    assert_clean_console(console_log)


def test_console_log_catches_a_content_security_policy_violation(
    page: Page, live_server, console_log
):
    """The CSP checks above can fail: an injected inline script is refused and reported."""
    response = page.goto("/sign-in")
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert console_log.csp_violations() == []

    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.inlineRan = true;";
            document.body.appendChild(script);
        }"""
    )
    for _ in range(50):
        if console_log.csp_violations():
            break
        page.wait_for_timeout(100)
    assert console_log.csp_violations(), console_log.errors
    assert page.evaluate("() => window.inlineRan === undefined")


def test_staff_invite_a_representative_who_sets_a_password_and_edits_the_website(
    page: Page, live_server, console_log
):
    """Staff invite a contact; the person opens the link from the mail, chooses a password,
    lands on My association and corrects the website. The link then no longer works."""
    import email as email_parser
    from email import policy
    from pathlib import Path

    from registry.db import db
    from registry.organisations import services as organisation_services
    from registry.organisations.models import OrganisationKind, OrganisationStatus

    th = live_server.th
    suffix = uuid.uuid4().hex[:8]
    address = f"rep-{suffix}@example.or.th"
    with live_server.app.app_context():
        organisation = organisation_services.create_organisation(
            actor=None,
            name_th=f"สมาคมทดลองเชิญผู้แทน {suffix}",
            name_en=f"Invitation Trial Association {suffix}",
            kind=OrganisationKind.ASSOCIATION,
            status=OrganisationStatus.ACTIVE,
        )
        contact = organisation_services.add_contact(
            organisation,
            actor=None,
            title="นางสาว",
            first_name="ทดลอง",
            last_name=f"ผู้แทน{suffix}",
            email=address,
            pdpa_basis="legitimate_interest",
        )
        organisation_id, contact_id, full_name = organisation.id, contact.id, contact.full_name
        db.session.remove()

    # Staff: the organisation page → its representatives → invite the contact.
    sign_in(page, STAFF_EMAIL, DEMO_PASSWORD)
    page.goto(f"/organisations/{organisation_id}")
    page.get_by_test_id("representatives-card").locator("a").click()
    expect(page).to_have_url(re.compile(rf"/organisations/{organisation_id}/representatives$"))
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f"form[action$='/contacts/{contact_id}/invite'] button").click()
    expect(flash(page, "success")).to_contain_text(
        th("An invitation has been sent to %(email)s.") % {"email": address}
    )
    expect(page.get_by_test_id("pending-invitations")).to_contain_text(address)
    sign_out(page)

    # The mail, in Thai then English, holds the link.
    folder = Path(live_server.app.config["MAIL_FOLDER"])
    messages = [
        email_parser.message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in folder.glob("*.eml")
    ]
    (message,) = [m for m in messages if m["To"] == address]
    text = message.get_body(("plain",)).get_content()
    assert "2569" in text or "2570" in text  # the expiry in the Buddhist Era
    link = re.search(r"http://127\.0\.0\.1:\d+/invitations/[\w-]+", text).group(0)

    # The person opens the link and chooses a password (a mismatch first).
    page.goto(link)
    expect(page.get_by_test_id("invitation-details")).to_contain_text(full_name)
    expect(page.get_by_test_id("invitation-details")).to_contain_text(address)
    form = page.locator("main form[method=post]")
    form.locator("input[name=password]").fill("ดอกไม้บาน-2569")
    form.locator("input[name=confirm]").fill("ดอกไม้บาน-2570")
    form.locator("button[type=submit]").click()
    expect(page.locator("#confirm-error")).to_have_text(th("The passwords do not match."))
    form.locator("input[name=password]").fill("ดอกไม้บาน-2569")
    form.locator("input[name=confirm]").fill("ดอกไม้บาน-2569")
    form.locator("button[type=submit]").click()

    # Signed in, on My association.
    expect(page).to_have_url(live_server.url + "/organisations/mine")
    expect(page.get_by_test_id("user-menu")).to_have_text(full_name)
    expect(page.locator("main h1")).to_have_text(f"สมาคมทดลองเชิญผู้แทน {suffix}")
    expect(page.locator("nav a[href='/organisations/mine']")).to_have_text(th("My association"))

    # The website: a bad address is refused at the field, a good one is saved.
    page.locator("main a[href='/organisations/mine/edit']").click()
    page.locator("input[name=website]").fill("www.example.or.th")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#website-error")).to_be_visible()
    page.locator("input[name=website]").fill(f"https://www.trial-{suffix}.example")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(live_server.url + "/organisations/mine")
    expect(flash(page, "success")).to_contain_text(
        th("The profile of your association has been saved.")
    )
    expect(page.get_by_test_id("website")).to_have_text(f"https://www.trial-{suffix}.example")

    # The link worked once.
    response = page.goto(link)
    assert response is not None and response.status == 410
    expect(page.get_by_test_id("invitation-refused")).to_be_visible()
    assert_clean_console(console_log)
