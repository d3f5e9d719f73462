"""Staff pages for the register of organisations: list and search, profile, new, edit,
deactivate and reactivate."""

from __future__ import annotations

import functools
import json
from typing import NamedTuple

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from flask_wtf.file import FileRequired
from markupsafe import Markup, escape

from .. import audit, cache, submissions, tabular
from ..agreements.queries import organisation_ids_with_active_agreement
from ..auth import invitations
from ..auth import services as accounts
from ..auth.permissions import permission_required, public
from ..auth.views import begin_session
from ..db import db, paginate
from ..forms import ConfirmForm, CreateConfirmForm, attach_error
from ..i18n import (
    catalogue,
    current_language,
    format_date,
    format_time,
    kept_strings,
    thai_numerals_enabled,
)
from ..web import confirmed_action, edit_page, form_page
from . import imports, kept_uploads, queries, services, timeline
from .forms import (
    TITLE_PREFIXES,
    AcceptInvitationForm,
    ContactEditForm,
    NewContactForm,
    NewOrganisationForm,
    OrganisationEditForm,
    OrganisationForm,
    RepresentativeProfileForm,
)
from .labels import KIND_LABELS, PDPA_BASIS_LABELS, STATUS_LABELS
from .models import Contact, Invitation, Organisation, OrganisationStatus
from .provinces import sorted_provinces

bp = Blueprint("organisations", __name__, url_prefix="/organisations")

#: Organisations per page of the list.
PER_PAGE = 25


@bp.get("/")
@permission_required("organisations.view")
def index():
    """List organisations, with the search box, filters and sort order."""
    filters = queries.Filters.from_args(request.args)
    if filters.mou:
        query = queries.listed(filters, mou_parties=organisation_ids_with_active_agreement())
        page = paginate(query, per_page=PER_PAGE)
    else:
        page = queries.list_page(filters, per_page=PER_PAGE)
    lang = current_language()
    codes, options, province_names = _province_filter(lang)
    if filters.province in codes:
        # the chosen province's option, marked: the only one that differs from list to list
        at = codes.index(filters.province)
        options = [*options[:at], options[at].replace('" >', '" selected>', 1), *options[at + 1 :]]
    return render_template(
        "organisations/index.html",
        page=page,
        filters=filters,
        province_options=Markup("".join(options)),  # noqa: S704 (escaped in _province_filter)
        rows=_listed_rows(page.items, lang, province_names),
    )


#: The status badge's colour, as organisations/macros.html draws it.
_BADGE_CSS = {
    OrganisationStatus.ACTIVE: "text-bg-success",
    OrganisationStatus.PROSPECT: "text-bg-info",
    OrganisationStatus.INACTIVE: "text-bg-secondary",
}


def _listed_rows(items, lang: str, province_names: dict[str, str]) -> list[tuple]:
    """Each organisation of a page of the list with what its row writes: (the row, its kind,
    province, badge colour, status and when it last changed), each label translated once
    for the page and each time written as the ``datetime`` filter writes it."""
    kinds = {kind: str(label) for kind, label in KIND_LABELS.items()}
    statuses = {status: str(label) for status, label in STATUS_LABELS.items()}
    digits = thai_numerals_enabled()
    return [
        (
            row,
            kinds[row.kind],
            province_names.get(row.province, ""),
            _BADGE_CSS[row.status],
            statuses[row.status],
            f"{format_date(row.updated_at, 'short', lang, digits)} "
            f"{format_time(row.updated_at, lang, digits)}",
        )
        for row in items
    ]


@functools.cache
def _province_filter(lang: str) -> tuple[tuple[str, ...], tuple[str, ...], dict[str, str]]:
    """The province filter's options in the reader's language, written once per language:
    the provinces' codes and options in the filter's (alphabetical) order, none selected,
    and each code's name for the list's rows."""
    provinces = sorted_provinces(lang)
    options = tuple(
        f'\n      <option value="{escape(p.code)}" >{escape(p.name(lang))}</option>\n      '
        for p in provinces
    )
    return tuple(p.code for p in provinces), options, {p.code: p.name(lang) for p in provinces}


@bp.get("/export.csv")
@permission_required("organisations.export")
def export_csv():
    """Download every organisation the list finds (all pages, same order) as CSV."""
    return _export("csv")


@bp.get("/export.xlsx")
@permission_required("organisations.export")
def export_xlsx():
    """Download every organisation the list finds (all pages, same order) as XLSX."""
    return _export("xlsx")


def _export(file_format: str):
    """Write the file, then log the bulk read of partner data (a read, but it is logged)."""
    filters = queries.Filters.from_args(request.args)
    parties = organisation_ids_with_active_agreement()
    data, rows = queries.export_file(filters, file_format, mou_parties=parties)
    summary = queries.export_summary(filters, file_format, rows)
    audit.record_event(current_user, "exported", record_type="organisations", label=summary)
    db.session.commit()
    return tabular.download(data, file_format, queries.export_filename(file_format))


@bp.get("/<int:organisation_id>")
@permission_required("organisations.view")
def show(organisation_id: int):
    """Show an organisation's profile, its contacts and its timeline."""
    organisation = queries.profile(organisation_id)
    if organisation is None:
        abort(404)
    return render_template(
        "organisations/show.html",
        organisation=organisation,
        contacts=queries.contacts_page(organisation.id),
        timeline=_timeline(organisation),
        confirm_form=_ButtonForm(),
    )


class _ButtonForm:
    """The form of the profile's buttons, which is only their hidden CSRF field: written as
    ``ConfirmForm().hidden_tag()`` writes it, once however many buttons share it, without
    making the form (the field is the request's token, or nothing where CSRF is off)."""

    __slots__ = ("_hidden",)

    def __init__(self):
        self._hidden: Markup | None = None

    def hidden_tag(self) -> Markup:
        """The hidden CSRF field, as ``FlaskForm.hidden_tag`` writes it."""
        if self._hidden is None:
            config = current_app.config
            if config.get("WTF_CSRF_ENABLED", True):
                name = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
                self._hidden = Markup(
                    '<input id="{0}" name="{0}" type="hidden" value="{1}">'
                ).format(name, generate_csrf())
            else:
                self._hidden = Markup("")
        return self._hidden


def _timeline(organisation: queries.Profile) -> Markup:
    """The organisation's timeline, rendered, kept until the next write: reading it costs a
    dozen statements and, for our own agency (party to every agreement, on hundreds of
    committee seats), most of the page's time, and its hundred dates half of the rest. Its
    labels and dates are in the reader's language and digits, and whether a committee seat
    links to its committee depends on the reader's role: all of these are in the key."""

    lang, digits = current_language(), thai_numerals_enabled()

    def build() -> Markup:
        entries = timeline.dated(timeline.entries(organisation), lang, digits)
        html = render_template("organisations/_timeline.html", timeline=entries)
        return Markup(html)  # noqa: S704 (an autoescaped template's output)

    key = (organisation.id, lang, digits, current_user.role.value)
    return cache.remembered("organisations.timeline", key, build)


@bp.route("/new", methods=["GET", "POST"])
@permission_required("organisations.edit")
@submissions.submitted_once(lambda saved: url_for(".show", organisation_id=saved.record_id))
def new():
    """Register a new organisation (once, however often the form is sent)."""
    form = NewOrganisationForm()
    return form_page(
        form,
        lambda: services.create_organisation(
            actor=current_user,
            status=form.chosen_status(),
            submission=form.submission.data,
            **form.details(),
        ),
        template="organisations/form.html",
        done=_("The organisation has been registered."),
        then=lambda organisation: url_for(".show", organisation_id=organisation.id),
        place=_attach_error,
        organisation=None,
    )


@bp.route("/<int:organisation_id>/edit", methods=["GET", "POST"])
@permission_required("organisations.edit")
def edit(organisation_id: int):
    """Change an organisation's profile; a save from an outdated form is refused (409)."""
    organisation = db.get_or_404(Organisation, organisation_id)
    form = OrganisationEditForm(obj=organisation)
    if not organisation.active:
        del form.status  # inactive until reactivated
    return edit_page(
        form,
        organisation,
        lambda version: services.update_organisation(
            organisation,
            actor=current_user,
            status=form.chosen_status(),
            lock_version=version,
            **form.details(),
        ),
        template="organisations/form.html",
        done=_("The organisation has been saved."),
        back=url_for(".show", organisation_id=organisation.id),
        place=_attach_error,
        organisation=organisation,
    )


@bp.post("/<int:organisation_id>/deactivate")
@permission_required("organisations.edit")
def deactivate(organisation_id: int):
    """Mark an organisation inactive (it is never deleted)."""
    return _status_action(
        organisation_id,
        services.deactivate_organisation,
        _("The organisation is now inactive."),
    )


@bp.post("/<int:organisation_id>/reactivate")
@permission_required("organisations.edit")
def reactivate(organisation_id: int):
    """Make an inactive organisation an active partner again."""
    return _status_action(
        organisation_id,
        services.reactivate_organisation,
        _("The organisation is active again."),
    )


# --- contacts: staff for every organisation, a representative for their own only


def _reachable(organisation_id: int) -> Organisation:
    """The organisation, if the user may work on its contacts; otherwise 404, so a
    representative cannot even learn whether another organisation's record exists."""
    organisation = db.get_or_404(Organisation, organisation_id)
    if not (
        current_user.can("organisations.view") or current_user.organisation_id == organisation.id
    ):
        abort(404)
    return organisation


def _reachable_contact(contact_id: int) -> Contact:
    contact = db.get_or_404(Contact, contact_id)
    _reachable(contact.organisation_id)
    return contact


def _organisation_page(organisation: Organisation) -> str:
    """Where the user keeps this organisation: its profile for staff, My association otherwise."""
    if current_user.can("organisations.view"):
        return url_for(".show", organisation_id=organisation.id)
    return url_for(".mine")


@bp.get("/contacts/<int:contact_id>")
@permission_required("contacts.edit")
def contact(contact_id: int):
    """Show a contact's details."""
    contact = _reachable_contact(contact_id)
    return render_template(
        "organisations/contact.html",
        contact=contact,
        back_to=_organisation_page(contact.organisation),
        confirm_form=ConfirmForm(),
    )


@bp.route("/<int:organisation_id>/contacts/new", methods=["GET", "POST"])
@permission_required("contacts.edit")
@submissions.submitted_once(lambda saved, **_: url_for(".contact", contact_id=saved.record_id))
def contact_new(organisation_id: int):
    """Add a person to an organisation's contacts (once, however often the form is sent)."""
    organisation = _reachable(organisation_id)
    form = NewContactForm()
    return form_page(
        form,
        lambda: services.add_contact(
            organisation, actor=current_user, submission=form.submission.data, **form.details()
        ),
        template="organisations/contact_form.html",
        done=_("The contact has been added."),
        then=lambda contact: url_for(".contact", contact_id=contact.id),
        default_field="first_name",
        **_contact_form_context(organisation, None),
    )


@bp.route("/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@permission_required("contacts.edit")
def contact_edit(contact_id: int):
    """Change a contact's details; a save from an outdated form is refused (409)."""
    contact = _reachable_contact(contact_id)
    if contact.erased:
        abort(404)
    form = ContactEditForm(obj=contact)
    return edit_page(
        form,
        contact,
        lambda version: services.update_contact(
            contact, actor=current_user, lock_version=version, **form.details()
        ),
        template="organisations/contact_form.html",
        done=_("The contact has been saved."),
        back=url_for(".contact", contact_id=contact.id),
        default_field="first_name",
        **_contact_form_context(contact.organisation, contact),
    )


@bp.post("/contacts/<int:contact_id>/deactivate")
@permission_required("contacts.edit")
def contact_deactivate(contact_id: int):
    """Record that a person is no longer a contact at the organisation."""
    contact = _reachable_contact(contact_id)
    back = url_for(".contact", contact_id=contact.id)
    return confirmed_action(
        contact, services.deactivate_contact, _("The person is now a former contact."), back
    )


@bp.post("/contacts/<int:contact_id>/reactivate")
@permission_required("contacts.edit")
def contact_reactivate(contact_id: int):
    """Make a former contact current again."""
    contact = _reachable_contact(contact_id)
    back = url_for(".contact", contact_id=contact.id)
    return confirmed_action(
        contact, services.reactivate_contact, _("The person is a current contact again."), back
    )


@bp.get("/contacts/<int:contact_id>/personal-data.json")
@permission_required("contacts.personal_data")
def contact_personal_data(contact_id: int):
    """Download everything held about a person (a PDPA access request)."""
    contact = db.get_or_404(Contact, contact_id)
    data = services.personal_data(contact, current_user)
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    response = current_app.response_class(body, mimetype="application/json")
    response.headers["Content-Disposition"] = (
        f"attachment; filename=contact-{contact.id}-personal-data.json"
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/contacts/<int:contact_id>/erase")
@permission_required("contacts.personal_data")
def contact_erase(contact_id: int):
    """Erase a person's data on request (PDPA), keeping the organisation's history."""
    contact = db.get_or_404(Contact, contact_id)
    back = url_for(".contact", contact_id=contact.id)
    return confirmed_action(
        contact, services.erase_contact, _("The person's data has been erased."), back
    )


def _contact_form_context(organisation: Organisation, contact: Contact | None) -> dict:
    """What the contact form's page shows besides the form."""
    return {
        "organisation": organisation,
        "contact": contact,
        "back_to": url_for(".contact", contact_id=contact.id)
        if contact
        else _organisation_page(organisation),
        "title_prefixes": TITLE_PREFIXES,
    }


def _status_action(organisation_id: int, action, done_message: str):
    organisation = db.get_or_404(Organisation, organisation_id)
    back = url_for(".show", organisation_id=organisation.id)
    return confirmed_action(organisation, action, done_message, back)


def _attach_error(form: OrganisationForm, error: services.OrganisationError) -> None:
    """Put a service's refusal at its field, linking to the record it collides with."""
    link = url_for(".show", organisation_id=error.existing_id) if error.existing_id else None
    attach_error(form, error, "name_th", link)


@bp.record_once
def _share_labels(state) -> None:
    """The kind and status labels, for every template (macros included)."""
    state.app.jinja_env.globals.update(
        KIND_LABELS=KIND_LABELS, STATUS_LABELS=STATUS_LABELS, PDPA_BASIS_LABELS=PDPA_BASIS_LABELS
    )


# --- representatives: staff invite a contact; the person accepts and keeps My association


@bp.get("/<int:organisation_id>/representatives")
@permission_required("representatives.invite")
def representatives(organisation_id: int):
    """An organisation's representative accounts, open invitations, and whom to invite."""
    organisation = db.get_or_404(Organisation, organisation_id)
    pending = invitations.open_invitations(organisation_id=organisation.id)
    people = [person for person in organisation.contacts if not person.erased]
    rep_accounts = invitations.representatives(organisation.id)
    return render_template(
        "organisations/invite.html",
        organisation=organisation,
        accounts=rep_accounts,
        account_emails={account.email for account in rep_accounts},
        pending=pending,
        senders=invitations.user_names(invitation.invited_by_id for invitation in pending),
        people=invitations.refusals(people),
        invited={invitation.contact_id for invitation in pending},
        days=invitations.invitation_days(),
        confirm_form=ConfirmForm(),
        invite_forms={person.id: CreateConfirmForm() for person in people},
    )


def _representatives_of(_saved, contact_id: int) -> str:
    """The representatives page of the contact's organisation (where an invitation shows)."""
    contact = db.get_or_404(Contact, contact_id)
    return url_for(".representatives", organisation_id=contact.organisation_id)


@bp.post("/contacts/<int:contact_id>/invite")
@permission_required("representatives.invite")
@submissions.submitted_once(_representatives_of)
def invite(contact_id: int):
    """Send a contact a single-use link to become their organisation's representative; the
    button pressed twice sends one mail."""
    contact = db.get_or_404(Contact, contact_id)
    back = url_for(".representatives", organisation_id=contact.organisation_id)
    done = _("An invitation has been sent to %(email)s.", email=contact.email or "")
    token = submissions.sent_token()
    return confirmed_action(
        contact, lambda record, actor: invitations.send_invitation(record, actor, token), done, back
    )


@bp.post("/invitations/<int:invitation_id>/revoke")
@permission_required("representatives.invite")
def revoke_invitation(invitation_id: int):
    """Withdraw an invitation; its link stops working."""
    invitation = db.get_or_404(Invitation, invitation_id)
    back = url_for(".representatives", organisation_id=invitation.contact.organisation_id)
    done = _("The invitation has been withdrawn.")
    return confirmed_action(invitation, invitations.revoke_invitation, done, back)


@public
def accept_invitation(token: str):
    """Open an invitation link: choose a password, become the representative, sign in."""
    try:
        invitation = invitations.find_by_token(token)
        invitations.check_account(invitation)
    except invitations.InvitationError as error:
        return _invitation_page(None, None, error)
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            user = invitations.accept_invitation(invitation, form.password.data)
        except invitations.InvitationError as error:
            return _invitation_page(None, None, error)
        except accounts.AccountError as error:
            attach_error(form, error, "password")
        else:
            begin_session(user)
            welcome = _("Welcome. You now represent %(name)s.", name=user.organisation.name_th)
            flash(welcome, "success")
            return redirect(url_for(".mine"))
    return _invitation_page(invitation, form, None)


def _invitation_page(invitation, form, refusal):
    """The invitation page, never cached (its address holds the secret)."""
    status = refusal.status if refusal else (422 if form.errors else 200)
    page = render_template(
        "organisations/accept_invitation.html", invitation=invitation, form=form, refusal=refusal
    )
    response = make_response(page, status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.record_once
def _invitation_link(state) -> None:
    """The invitation link lives at /invitations/<token>, outside the /organisations prefix."""
    state.app.add_url_rule(
        "/invitations/<string(maxlength=200):token>",
        "organisations.accept_invitation",
        accept_invitation,
        methods=["GET", "POST"],
    )


def _own_organisation() -> Organisation:
    """The signed-in representative's organisation (404 for an account without one)."""
    if current_user.organisation_id is None:
        abort(404)
    return db.get_or_404(Organisation, current_user.organisation_id)


@bp.get("/mine")
@permission_required("own_organisation.edit")
def mine():
    """My association: the representative's organisation, its profile and its contacts."""
    if current_user.organisation_id is None:
        abort(404)
    organisation = queries.profile(current_user.organisation_id)
    if organisation is None:
        abort(404)
    labels = _profile_labels()
    return render_template(
        "organisations/mine.html",
        organisation=organisation,
        contacts=queries.contacts_page(organisation.id),
        kind_label=labels.kinds[organisation.kind],
        status_label=labels.statuses[organisation.status],
    )


class ProfileLabels(NamedTuple):
    """The names of an organisation's kinds and statuses, in one language."""

    kinds: dict
    statuses: dict


#: Where ``_profile_labels`` keeps them beside the catalogue's own strings (``kept_strings``).
_PROFILE_LABELS = ("registry.organisations.views", "profile labels")


def _profile_labels() -> ProfileLabels:
    """The kinds' and statuses' names in the language in use: translated once per language
    and kept with its catalogue, not looked up through Flask-Babel on every page."""
    kept = kept_strings(catalogue(), False)
    labels = kept.get(_PROFILE_LABELS)
    if labels is None:
        labels = kept[_PROFILE_LABELS] = ProfileLabels(
            {kind: str(label) for kind, label in KIND_LABELS.items()},
            {status: str(label) for status, label in STATUS_LABELS.items()},
        )
    return labels


@bp.route("/mine/edit", methods=["GET", "POST"])
@permission_required("own_organisation.edit")
def mine_edit():
    """The representative changes their organisation's names and contact details; a save
    from an outdated form is refused (409)."""
    organisation = _own_organisation()
    form = RepresentativeProfileForm(obj=organisation)
    return edit_page(
        form,
        organisation,
        lambda version: services.update_organisation(
            organisation, actor=current_user, lock_version=version, **form.details()
        ),
        template="organisations/mine_form.html",
        done=_("The profile of your association has been saved."),
        back=url_for(".mine"),
        # No link to a colliding record: it is not theirs.
        place=lambda form, error: attach_error(form, error, "name_th"),
        organisation=organisation,
    )


# --- import


@bp.route("/import", methods=["GET", "POST"])
@permission_required("organisations.import")
@submissions.submitted_once(lambda _saved: url_for(".index", sort="changed"))
def import_file():
    """Import organisations and their contacts from a CSV or XLSX file, or only check it.

    Every row is checked first; a file with any problem imports nothing and the
    page lists the problems row by row.
    """
    form = imports.ImportForm()
    report = refusal = None
    # A file checked a moment ago is imported without being chosen again (kept_uploads).
    fingerprint = request.form.get("kept", "")
    if request.method == "GET":
        kept = kept_uploads.kept(current_user.id)
    else:
        kept = kept_uploads.kept(current_user.id, fingerprint) if fingerprint else None
    kept_lost = bool(fingerprint) and kept is None
    if kept is not None and not request.files.get("file"):
        form.file.validators = [v for v in form.file.validators if not isinstance(v, FileRequired)]
    if form.validate_on_submit():
        upload = form.file.data
        data, filename = (upload.read(), upload.filename) if upload else (kept.data, kept.filename)
        try:
            report = imports.import_file(
                data,
                filename,
                current_user,
                dry_run=form.check.data,
                submission=form.submission.data,
            )
        except imports.ImportRefused as error:
            refusal = error
        else:
            if report.ok and not report.imported:
                kept = kept_uploads.keep(data, filename, current_user.id)
            if report.imported:
                kept_uploads.forget(current_user.id)
                flash(
                    _(
                        "%(file)s has been imported: %(organisations)s organisations and "
                        "%(contacts)s contacts.",
                        file=report.filename,
                        organisations=report.organisations,
                        contacts=report.contacts,
                    ),
                    "success",
                )
                return redirect(url_for(".index", sort="changed"))
    refused = bool(form.errors or refusal or (report and not report.ok))
    page = render_template(
        "organisations/import.html",
        form=form,
        report=report,
        refusal=refusal,
        kept=None if refused else kept,
        kept_lost=kept_lost,
        kept_minutes=kept_uploads.KEEP_MINUTES,
        columns=imports.COLUMNS,
        choices=imports.column_choices(),
        limit=imports.REPORT_LIMIT,
        max_rows=imports.max_rows(),
    )
    return page, 422 if refused else 200


@bp.get("/import/template.csv")
@permission_required("organisations.import")
def import_template_csv():
    """The CSV template for the import: the column names and one example row."""
    return _import_template(imports.template_csv(), "csv", "text/csv; charset=utf-8")


@bp.get("/import/template.xlsx")
@permission_required("organisations.import")
def import_template_xlsx():
    """The XLSX template for the import: the column names and one example row."""
    mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _import_template(imports.template_xlsx(), "xlsx", mimetype)


def _import_template(data: bytes, extension: str, mimetype: str):
    response = make_response(data)
    response.content_type = mimetype
    response.headers["Content-Disposition"] = (
        f"attachment; filename=organisations-template.{extension}"
    )
    return response
