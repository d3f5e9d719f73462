"""The error every service raises when its rules refuse a change."""

from __future__ import annotations


class RuleError(ValueError):
    """A change the rules refuse; the message is for the user.

    ``field`` names the form field the message belongs to; ``existing_id`` names
    the record a duplicate collides with, so the page can link to it.
    """

    def __init__(self, message: str, field: str | None = None, existing_id: int | None = None):
        super().__init__(message)
        self.field = field
        self.existing_id = existing_id
