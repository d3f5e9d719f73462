"""Helpers for the chart tests: the committee and meeting factories, and messages read in
English unless a test asks for Thai."""

from __future__ import annotations

import pytest

# The committee and meeting helpers serve the attendance picture's tests.
from tests.committees.conftest import appoint, make_committee  # noqa: F401
from tests.meetings.conftest import board, call, schedule  # noqa: F401


@pytest.fixture(autouse=True)
def english_by_default(app, monkeypatch):
    """Messages are checked in English (Thai is the default language)."""
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "en")
