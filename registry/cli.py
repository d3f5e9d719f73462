"""The `flask registry ...` commands: accounts, demo data, backup and restore."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import AppGroup

from . import audit, backup
from .auth import demo as auth_demo
from .auth import services as accounts
from .auth.models import Role, User
from .db import db
from .organisations import demo as organisation_demo
from .organisations.models import Organisation

registry_cli = AppGroup("registry", help="Registry administration commands.")


def _read_password(prompt: bool) -> str:
    """The password from standard input when piped, else asked for twice without echo."""
    if not prompt and not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _find_organisation(reference: str) -> Organisation:
    condition = Organisation.acronym == reference
    if reference.isdigit():
        condition = sa.or_(condition, Organisation.id == int(reference))
    organisation = db.session.scalar(sa.select(Organisation).where(condition))
    if organisation is None:
        raise click.ClickException(f"No organisation with id or acronym {reference!r}.")
    return organisation


@registry_cli.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", "full_name", help="Full name (defaults to the email).")
@click.option("--organisation", help="Id or acronym of the organisation (representatives).")
@click.option("--prompt", is_flag=True, help="Ask for the password even when stdin is piped.")
def create_user(email, role, full_name, organisation, prompt):
    """Create an account; the password comes from standard input or a prompt."""
    organisation_id = _find_organisation(organisation).id if organisation else None
    password = _read_password(prompt)
    try:
        user = accounts.create_user(
            email=email,
            full_name=full_name or email,
            role=Role(role),
            password=password,
            organisation_id=organisation_id,
            must_change_password=False,
            actor=None,
        )
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Created {user.email} ({user.role.value}).")


@registry_cli.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when any account exists already.")
def seed_demo(if_empty):
    """Load realistic Thai demo data and print the demo sign-ins."""
    has_users = db.session.scalar(sa.select(sa.func.count(User.id))) > 0
    if if_empty and has_users:
        click.echo("The database already has data; demo data not loaded.")
    else:
        organisations = organisation_demo.seed()
        auth_demo.seed(organisations)
        click.echo("Demo data loaded.")
    click.echo(f"\nDemo sign-ins (password for each: {auth_demo.DEMO_PASSWORD}):")
    for email, _name, role, _org in auth_demo.ACCOUNTS:
        click.echo(f"  {role.value:<15} {email}")


@registry_cli.command("backup")
@click.argument("target", required=False, type=click.Path(dir_okay=False, path_type=Path))
def backup_command(target):
    """Write a consistent copy of the database and the stored files."""
    path = backup.make_backup(target)
    audit.record_event(None, "made backup", record_type="backup", label=str(path))
    db.session.commit()
    click.echo(f"Backup written to {path}")


@registry_cli.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(source, yes):
    """Replace all data and stored files with a backup's."""
    try:
        manifest = backup.read_manifest(source)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup made {manifest['made_at']} with {sum(manifest['rows'].values())} rows.")
    if not yes:
        click.confirm("This replaces ALL current data and files. Continue?", abort=True)
    db.session.remove()
    try:
        backup.restore_backup(source)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    audit.record_event(None, "restored backup", record_type="backup", label=str(source))
    db.session.commit()
    click.echo("Restored.")


def init_app(app: Flask) -> None:
    """Add the command group to the app."""
    app.cli.add_command(registry_cli)
