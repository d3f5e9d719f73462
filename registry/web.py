"""View helpers every domain shares."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request
from flask_login import current_user

from .db import db
from .forms import ConfirmForm, attach_error
from .rules import RuleError
from .versions import ConflictError


def confirmed_action(record, action: Callable, done_message: str, back_to: str):
    """Run a state change sent with a confirmation button; say how it went and go back."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        action(record, current_user)
    except RuleError as error:
        flash(str(error), "danger")
    else:
        flash(done_message, "success")
    return redirect(back_to)


def place_refusal(form, error: RuleError, default_field: str | None = None) -> None:
    """Put a service's refusal at the field it names, else at ``default_field``, else above
    the form (``form.refusal``)."""
    if error.field and getattr(form, error.field, None) is not None:
        attach_error(form, error, error.field)
    elif default_field is not None:
        attach_error(form, error, default_field)
    else:
        form.refusal = str(error)


def edit_page(
    form,
    record,
    save: Callable[[int], object],
    *,
    template: str,
    done: str,
    back: str,
    default_field: str | None = None,
    place: Callable | None = None,
    **context,
):
    """The page of a form that edits ``record`` (a ``VersionedForm``): a GET shows it with
    the record's version; a POST is validated and saved through ``save(version)`` (a service
    call given the version the form was read at), then goes ``back`` saying ``done``. A
    refusal is shown at its field (422; ``place(form, error)`` where a page places its own);
    a save from an outdated form (``ConflictError``) answers 409 with what the user typed
    still in the form, the changes made meanwhile above it, and the current version in it.
    The template gets the form, ``back`` and ``context``."""
    status = 200
    if request.method == "GET":
        form.read_version(record)
    elif form.validate_on_submit():
        try:
            save(form.submitted_version())
        except ConflictError as conflict:
            db.session.rollback()
            form.refuse_as_outdated(conflict, record)
            status = 409
        except RuleError as error:
            db.session.rollback()
            if place is not None:
                place(form, error)
            else:
                place_refusal(form, error, default_field)
            status = 422
        else:
            flash(done, "success")
            return redirect(back)
    else:
        status = 422
    return render_template(template, form=form, back=back, **context), status
