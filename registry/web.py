"""View helpers every domain shares."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

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


class PageRefusal(RuleError):
    """A refusal that answers with a status of its own instead of 422 (sign-in: 401 for a
    wrong password, 403 for a deactivated account, 429 while throttled), shown above the
    form."""

    def __init__(self, message: str, status: int, field: str | None = None):
        super().__init__(message, field)
        self.status = status


def form_page(
    form,
    save: Callable[[], object],
    /,
    *,
    template: str,
    done: str | Callable[[object], str] | None = None,
    then: str | Callable[[object], str] | None = None,
    answer: Callable[[object], object] | None = None,
    record=None,
    default_field: str | None = None,
    place: Callable | None = None,
    reshape: Callable[[], bool] | None = None,
    shown_as: str = "form",
    shown_with: Callable[[], dict] | None = None,
    **context,
):
    """The one way a form page behaves (create, edit, settings, account, sign-in...): a GET
    shows ``form``; a valid POST is saved through ``save()`` (a service call, which claims a
    create form's one-time token with ``form.submission.data``, see ``registry.submissions``),
    then goes to ``then`` saying ``done`` (either may be made from what ``save`` returned: the
    new record's page; no ``done``, no message). Whatever the service refuses leaves nothing
    in the session:

    - a form that does not validate, or a ``RuleError``: 422, the refusal at its field
      (``place(form, error)`` where a page places its own, else ``place_refusal``); a
      ``PageRefusal`` answers with its own status;
    - for a ``VersionedForm`` (``record`` given): a GET carries the record's version and a
      save from an outdated form (``ConflictError``) answers 409 with what the user typed
      still in the form, the changes made meanwhile above it, and the current version in it
      (``form.refuse_as_outdated(error, record)``).

    A second submission of a create form is answered before the page by ``submitted_once``
    on the view, or, sent at the same moment, by the ``AlreadySaved`` that ``save`` raises
    through this helper. Options for the pages that need them:

    - ``answer(result)``: the response to a save, in place of the message and the redirect
      (a secret shown once, on the answer to the form itself);
    - ``reshape()``: a POST that only changes the form's shape (another row), saying whether
      it did: the form is shown again (200), nothing validated or saved;
    - ``shown_with()``: more of the page's context, made only when the page is shown (after
      a refusal, from the record as it is once the refused save is undone).

    The template gets the form (named ``shown_as``: a page of two forms names the one it
    saves), ``context`` and what ``shown_with`` gives."""
    versioned = hasattr(form, "read_version")
    status = 200
    if request.method == "GET":
        if versioned:
            form.read_version(record)
    elif reshape is not None and reshape():
        pass
    elif form.validate_on_submit():
        try:
            result = save()
        except RuleError as error:
            db.session.rollback()
            if versioned and isinstance(error, ConflictError):
                form.refuse_as_outdated(error, record)
                status = 409
            else:
                (place or partial(place_refusal, default_field=default_field))(form, error)
                status = error.status if isinstance(error, PageRefusal) else 422
        else:
            if answer is not None:
                return answer(result)
            if done is not None:
                flash(done(result) if callable(done) else done, "success")
            return redirect(then(result) if callable(then) else then)
    else:
        status = 422
    if shown_with is not None:
        context.update(shown_with())
    context[shown_as] = form
    return render_template(template, **context), status


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
    """The page of a form that edits ``record`` (a ``VersionedForm``): ``form_page`` with
    ``save(version)`` given the version the form was read at (409 when another save came
    first), going ``back`` after the save; the template gets ``back`` too."""
    return form_page(
        form,
        lambda: save(form.submitted_version()),
        template=template,
        done=done,
        then=back,
        record=record,
        default_field=default_field,
        place=place,
        back=back,
        **context,
    )
