"""Issuing tokens in tests, shared with tests/test_access.py."""

from __future__ import annotations

from registry.api import services
from registry.auth.models import User
from registry.db import db


def issue_token(app, user_id: int, expires_on=None, name: str = "test system") -> str:
    """Issue a token for an account (as the command line does); returns its secret."""
    with app.app_context():
        user = db.session.get(User, user_id)
        _token, secret = services.issue_token(user, name, expires_on, actor=None)
        return secret


def bearer(secret: str) -> dict:
    """The request header that carries a token."""
    return {"Authorization": f"Bearer {secret}"}
