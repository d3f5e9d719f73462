"""`flask registry api-token issue|revoke`: API tokens from the command line (the load
benchmark gets its token this way)."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from ..auth.models import User
from ..db import db
from . import services

api_token = AppGroup("api-token", help="Issue and revoke API tokens.")


@api_token.command("issue")
@click.option("--email", required=True, help="The account the token acts for.")
@click.option("--name", required=True, help="What will use the token.")
@click.option(
    "--expires",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The last day the token works (YYYY-MM-DD); none: until revoked.",
)
def issue(email, name, expires):
    """Issue a token and print its secret, once, on standard output."""
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"No account with the email {email!r}.")
    try:
        token, secret = services.issue_token(
            user, name, expires.date() if expires else None, actor=None
        )
    except services.ApiTokenError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    click.echo(f"Issued {token.prefix}… for {user.email}. The token (shown only now):", err=True)
    click.echo(secret)


@api_token.command("revoke")
@click.argument("prefix")
def revoke(prefix):
    """Revoke the token whose shown beginning is PREFIX (dgti_ and eight characters)."""
    token = services.token_by_prefix(prefix.rstrip("…"))
    if token is None:
        raise click.ClickException(f"No token begins with {prefix!r}.")
    try:
        services.revoke_token(token, actor=None)
    except services.ApiTokenError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Revoked {token.prefix}… ({token.name}).")
