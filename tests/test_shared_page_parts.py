"""What every page shares, made once and kept: the templates' translations, the menu, the
header's addresses, the security headers. Each is the same as what it replaced."""

from __future__ import annotations

import pytest
from flask import Response, render_template_string
from flask_babel import force_locale, get_domain, gettext, lazy_gettext
from jinja2 import Environment
from markupsafe import Markup

from registry import audit, i18n
from registry.auth.roles import Role
from registry.db import db
from registry.organisations.models import Organisation
from registry.security import CONTENT_SECURITY_POLICY, add_security_headers

#: Templates that translate every way a page can: plain, with values (escaped), with "%%",
#: with a message context, with a plural, and a ``{% trans %}`` block.
SNIPPETS = (
    '{{ _("Home") }}',
    '{{ gettext("Sign out") }}',
    '{{ _("Page %(n)s of %(total)s", n="<b>1</b>", total=2) }}',
    '{{ _("Welcome, %(name)s", name=name) }}',
    '{{ _("100%% sure") }}',
    '{{ pgettext("identifier", "Number") }} {{ pgettext("document", "Title") }}',
    '{{ pgettext("letter", "Order No. %(number)s of %(date)s", number="<1>", date="d") }}',
    '{{ ngettext("%(num)d record", "%(num)d records", 1) }}',
    '{{ ngettext("%(num)d record", "%(num)d records", 3) }}',
    '{{ npgettext("x", "%(num)d item", "%(num)d items", 2) }}',
    "{% trans %}Home{% endtrans %} {% trans n=2 %}Page {{ n }}{% endtrans %}",
    '{{ _("Home") ~ "&" }}',
)


def _jinjas_own(autoescape: bool) -> Environment:
    """An environment translating through Jinja's own newstyle functions (what the app used
    before), on the request's catalogue."""
    env = Environment(extensions=["jinja2.ext.i18n"], autoescape=autoescape)  # noqa: S701 (mail)
    env.install_gettext_callables(
        gettext=lambda text: i18n.catalogue().ugettext(text),
        ngettext=lambda s, p, n: i18n.catalogue().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, text: i18n.catalogue().upgettext(c, text),
        npgettext=lambda c, s, p, n: i18n.catalogue().unpgettext(c, s, p, n),
    )
    return env


def _apps_own(app, autoescape: bool) -> Environment:
    return app.jinja_env.overlay(autoescape=autoescape)


@pytest.mark.parametrize("language", ["th", "en"])
@pytest.mark.parametrize("autoescape", [True, False])
@pytest.mark.parametrize("snippet", SNIPPETS)
def test_template_translations_are_jinjas_own_in_one_call(app, language, autoescape, snippet):
    name = "<script>x</script>"
    with app.test_request_context("/"), force_locale(language):
        for _ in range(2):  # the second time from what the catalogue kept
            expected = _jinjas_own(autoescape).from_string(snippet).render(name=name)
            shown = _apps_own(app, autoescape).from_string(snippet).render(name=name)
            assert shown == expected
    assert app.jinja_env.globals["_"] is i18n.template_gettext


def test_a_page_translates_in_the_language_in_force_when_it_is_rendered(app):
    """A mail rendered in the other language (``force_locale``) mid-request gets that
    language, though the page's own strings were kept in Thai a moment before."""
    page = '{{ _("Home") }}|{{ pgettext("document", "Title") }}'
    with app.test_request_context("/"):
        assert render_template_string(page) == "หน้าหลัก|ชื่อเรื่อง"
        with force_locale("en"):
            assert render_template_string(page) == "Home|Title"
        assert render_template_string(page) == "หน้าหลัก|ชื่อเรื่อง"


def test_macros_imported_without_the_pages_context_translate_too(app):
    macro = app.jinja_env.from_string('{% macro m() %}{{ _("Home") }}{% endmacro %}').module.m
    with app.test_request_context("/"):
        assert macro() == "หน้าหลัก"
        with force_locale("en"):
            assert macro() == "Home"


def test_a_translated_value_is_escaped_and_the_translation_is_not(app):
    with app.test_request_context("/"), force_locale("en"):
        shown = render_template_string(
            '{{ _("Welcome, %(name)s", name=name) }}', name="<b>Somchai</b>"
        )
        render_template_string('{{ _("Home") }}')
        assert i18n.kept_strings(i18n.catalogue(), True)["Home"] == Markup("Home")
    assert shown == "Welcome, &lt;b&gt;Somchai&lt;/b&gt;"


def _menu(html: str) -> str:
    start = html.index('data-testid="main-menu"')
    return html[start : html.index("</ul>", html.index("</ul>", start) + 1)]


def test_the_menu_shows_each_role_its_own_entries_in_its_language(client, sign_in):
    sign_in(Role.ADMIN)
    menu = _menu(client.get("/organisations/").get_data(as_text=True))
    assert 'href="/organisations/"' in menu and ">องค์กร<" in menu
    assert 'href="/admin/settings/"' in menu and ">การตั้งค่า<" in menu
    assert 'class="nav-link active"' in menu and 'aria-current="page"' in menu
    assert menu.count("active") == 1
    client.post("/language", data={"locale": "en", "next": "/"})
    menu = _menu(client.get("/").get_data(as_text=True))
    assert ">Organisations<" in menu and ">Settings<" in menu and "องค์กร" not in menu
    assert 'nav-link active"\n            aria-current="page"\n            href="/">' in menu


def test_a_representative_sees_their_association_and_no_administration(client, sign_in):
    sign_in(Role.REPRESENTATIVE)
    menu = _menu(client.get("/").get_data(as_text=True))
    assert 'href="/organisations/mine"' in menu and ">สมาคมของฉัน<" in menu
    assert 'href="/organisations/"' not in menu and 'href="/admin/settings/"' not in menu
    assert "/admin/" not in menu and "/audit" not in menu


def test_addresses_follow_the_script_root_the_site_is_served_under(client, sign_in):
    sign_in(Role.STAFF)
    plain = client.get("/").get_data(as_text=True)
    under = client.get("/", base_url="http://localhost/registry").get_data(as_text=True)
    assert 'href="/static/app.css"' in plain and 'href="/organisations/"' in _menu(plain)
    assert 'href="/registry/static/app.css"' in under
    assert 'href="/registry/organisations/"' in _menu(under)
    assert 'action="/registry/search"' in under and 'href="/registry/open-data"' in under
    again = client.get("/").get_data(as_text=True)
    assert "/registry/" not in again


def test_security_headers_are_added_and_a_views_own_are_kept(app):
    with app.test_request_context("/sign-in"):
        answer = add_security_headers(Response("x"))
        assert answer.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert answer.headers["X-Frame-Options"] == "DENY"
        assert answer.headers["Referrer-Policy"] == "same-origin"
        assert answer.headers["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in answer.headers
        own = Response("x", headers={"x-frame-options": "SAMEORIGIN"})
        answer = add_security_headers(own)
        assert answer.headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    with app.test_request_context("/sign-in", base_url="https://localhost/"):
        answer = add_security_headers(Response("x"))
        assert answer.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_a_private_answer_is_never_kept_whatever_its_view_said(app):
    with app.test_request_context("/organisations/"):
        answer = add_security_headers(Response("x", headers={"Cache-Control": "private"}))
        assert answer.headers.getlist("Cache-Control") == ["private, no-store"]
        answer = add_security_headers(Response("x", headers={"Cache-Control": "max-age=60"}))
        assert answer.headers.getlist("Cache-Control") == ["no-store"]
        answer = add_security_headers(Response("x", headers={"Cache-Control": "no-store"}))
        assert answer.headers.getlist("Cache-Control") == ["no-store"]


def _account_menu(html: str) -> str:
    start = html.index('data-testid="user-menu"')
    return html[start : html.index("</span>", start)]


def test_the_header_names_a_representatives_organisation_without_asking_for_it(
    app, client, sign_in, make_organisation, statements
):
    organisation_id = make_organisation("สมาคมหัวหน้าเพจ", name_en="Header Association")
    sign_in(Role.REPRESENTATIVE, organisation_id=organisation_id)
    client.get("/account/password").close()
    with statements() as seen, client.get("/account/password") as response:
        html = response.get_data(as_text=True)
    assert "· สมาคมหัวหน้าเพจ" in _account_menu(html)
    assert not [s for s in seen if "FROM organisations" in s], seen

    with app.app_context():
        organisation = db.session.get(Organisation, organisation_id)
        organisation.name_th = "สมาคมชื่อใหม่"
        audit.record_event(None, "renamed (test)", record_type="organisations")
        db.session.commit()
    assert "· สมาคมชื่อใหม่" in _account_menu(client.get("/account/password").get_data(True))
    client.post("/language", data={"locale": "en", "next": "/"})
    assert "· Header Association" in _account_menu(client.get("/").get_data(as_text=True))


def test_staff_without_an_organisation_see_their_role_alone(client, sign_in):
    sign_in(Role.STAFF)
    menu = _account_menu(client.get("/account/password").get_data(as_text=True))
    assert "·" not in menu and "เจ้าหน้าที่" in menu


def test_python_translations_follow_the_locale_in_force(app):
    """``gettext`` and lazy labels answer from the request's kept catalogue, and a mail or
    a letter in the other language (``force_locale``) still gets its own."""
    label = lazy_gettext("Home")
    with app.test_request_context("/"):
        assert isinstance(get_domain(), i18n.RequestDomain)
        assert gettext("Home") == str(label) == "หน้าหลัก"
        assert get_domain().get_translations() is i18n.catalogue()
        with force_locale("en"):
            assert gettext("Home") == str(label) == "Home"
            assert gettext("Page %(n)s of %(total)s", n=1, total=2) == "Page 1 of 2"
        assert gettext("Home") == str(label) == "หน้าหลัก"
    with app.app_context():
        assert gettext("Home") == "หน้าหลัก"
