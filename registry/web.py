"""View helpers every domain shares."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect
from flask_login import current_user

from .forms import ConfirmForm
from .rules import RuleError


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
