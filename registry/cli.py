"""The `flask registry ...` commands: accounts, demo data, backup and restore."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_babel import force_locale
from flask_babel import gettext as _

from . import audit, backup
from .agreements import demo as agreement_demo
from .agreements import reminders as agreement_reminders
from .api.cli import api_token
from .auth import demo as auth_demo
from .auth import services as accounts
from .auth.models import Role, User
from .committees import demo as committee_demo
from .db import db
from .meetings import demo as meeting_demo
from .opendata import services as open_data
from .organisations import demo as organisation_demo
from .organisations import imports as organisation_imports
from .organisations.models import Organisation
from .proposals import demo as proposal_demo

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
        agreement_demo.seed(organisations)
        committee_demo.seed(organisations)
        meeting_demo.seed()
        proposal_demo.seed(organisations)
        click.echo("Demo data loaded.")
    click.echo(f"\nDemo sign-ins (password for each: {auth_demo.DEMO_PASSWORD}):")
    for email, _name, role, _org in auth_demo.ACCOUNTS:
        click.echo(f"  {role.value:<15} {email}")


@registry_cli.command("remind")
@click.option(
    "--date",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Act as if today were this day (YYYY-MM-DD); for checks and catching up.",
)
def remind(on):
    """Mail the reminders of agreements ending within 90, 60 and 30 days (safe to run twice)."""
    sent = agreement_reminders.send_reminders(on.date() if on else None)
    for item in sent:
        click.echo(
            f"{item.reference}: {item.threshold}-day reminder ({item.days_left} days left) "
            f"to {', '.join(item.recipients) or 'nobody (no address on file)'}"
        )
    click.echo(f"{len(sent)} reminder(s) sent.")


def operator_language() -> str:
    """The language of the operator's messages: English when the environment asks for it
    (LANGUAGE, LC_ALL, LC_MESSAGES or LANG, the first one set, starts with "en"), else the
    registry's default language (Thai)."""
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            code = value.split(":")[0][:2].lower()
            return code if code in current_app.config["LANGUAGES"] else default
    return default


class Refusal(click.ClickException):
    """A refusal the operator reads as one sentence in their language, without a prefix."""

    def show(self, file=None) -> None:
        """Print the message alone on standard error."""
        click.echo(self.format_message(), err=True)


def _say_file_problems(problems) -> None:
    for item in problems:
        message = (
            _(
                "Warning: the stored file %(file)s that record %(id)s of %(table)s names was "
                "already missing when the backup was made.",
                file=item.path,
                id=item.record_id,
                table=item.table,
            )
            if item.problem == "missing"
            else _(
                "Warning: the stored file %(file)s that record %(id)s of %(table)s names was "
                "already damaged when the backup was made.",
                file=item.path,
                id=item.record_id,
                table=item.table,
            )
        )
        click.echo(message, err=True)


@registry_cli.command("backup")
@click.argument("target", required=False, type=click.Path(dir_okay=False, path_type=Path))
def backup_command(target):
    """Write a consistent copy of the database and the stored files, and its SHA-256."""
    with force_locale(operator_language()):
        try:
            path, digest, manifest = backup.make_backup(target)
        except backup.BackupError as error:
            raise Refusal(str(error)) from None
        audit.record_event(
            None, "made backup", record_type="backup", label=str(path)[-300:],
            changes={"archive_sha256": [None, digest]},
        )  # fmt: skip
        db.session.commit()
        _say_file_problems(backup.FileProblem(p["table"], p["id"], p["path"], p["problem"])
                           for p in manifest["unverified_files"])  # fmt: skip
        click.echo(_("Backup written to %(path)s", path=path))
        click.echo(
            _(
                "%(rows)s rows and %(files)s stored files; SHA-256 %(sha256)s (kept in "
                "%(sidecar)s).",
                rows=sum(manifest["rows"].values()),
                files=manifest["files"],
                sha256=digest,
                sidecar=backup.sidecar_path(path).name,
            )
        )


def _describe_backup(checked: backup.Checked) -> str:
    return _(
        "Backup made %(made)s at schema revision %(revision)s: %(rows)s rows and %(files)s "
        "stored files; SHA-256 %(sha256)s.",
        made=checked.manifest.get("made_at"),
        revision=checked.manifest.get("revision"),
        rows=checked.row_count,
        files=len(checked.files),
        sha256=checked.sha256,
    )


@registry_cli.command("restore")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--check", "check_only", is_flag=True,
              help="Only check the backup and report; change nothing.")  # fmt: skip
def restore_command(source, yes, check_only):
    """Replace all data and stored files with a backup's, once every check has passed."""
    with force_locale(operator_language()):
        db.session.remove()
        if check_only:
            try:
                checked = backup.check_backup(source)
            except backup.BackupError as error:
                raise Refusal(str(error)) from None
            click.echo(_describe_backup(checked))
            _say_file_problems(checked.known_problems)
            if not checked.sidecar:
                click.echo(
                    _("There is no checksum file %(sidecar)s beside it to compare with.",
                      sidecar=backup.sidecar_path(source).name)  # fmt: skip
                )
            click.echo(_("The backup passed every check; nothing has been changed."))
            return

        def confirm(checked: backup.Checked) -> bool:
            click.echo(_describe_backup(checked))
            _say_file_problems(checked.known_problems)
            if yes:
                return True
            try:
                return click.confirm(
                    _("This replaces ALL current data and stored files. Continue?"), default=False
                )
            except click.Abort:
                return False

        try:
            restored = backup.restore_backup(source, confirm)
        except backup.BackupError as error:
            raise Refusal(str(error)) from None
        if restored is None:
            raise Refusal(_("Nothing has been restored; the data and files are as they were."))
        click.echo(_("Restored."))


def _progress_bar(label: str, items: list):
    """Show progress over the items on standard error (the report goes to standard output)."""
    with click.progressbar(items, label=label, file=sys.stderr) as bar:
        yield from bar


@registry_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row and report; save nothing.")
def import_command(file, dry_run):
    """Import organisations and contacts from a CSV or XLSX file; any bad row imports nothing."""
    with file.open("rb") as handle:  # one byte over the limit is enough to refuse
        data = handle.read(organisation_imports.max_bytes() + 1)
    try:
        report = organisation_imports.import_file(
            data, file.name, None, dry_run=dry_run, source="command line", progress=_progress_bar
        )
    except organisation_imports.ImportRefused as error:
        raise click.ClickException(str(error)) from error
    counts = {
        "file": report.filename,
        "rows": report.rows,
        "organisations": report.organisations,
        "contacts": report.contacts,
    }
    if not report.ok:
        click.echo(
            _(
                "%(file)s was not imported; nothing has been saved. %(problems)s problems:",
                file=report.filename,
                problems=len(report.problems),
            )
        )
        for problem in report.problems:
            click.echo("  " + organisation_imports.describe(problem))
        raise SystemExit(1)
    if dry_run:
        click.echo(
            _(
                "%(file)s is ready to import: %(rows)s rows, %(organisations)s organisations and "
                "%(contacts)s contacts. Nothing has been saved (dry run).",
                **counts,
            )
        )
    else:
        click.echo(
            _(
                "%(file)s has been imported: %(organisations)s organisations and "
                "%(contacts)s contacts.",
                **counts,
            )
        )


@registry_cli.command("export-open-data")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--base-url", help="The public address of the site (default: PUBLIC_BASE_URL).")
def export_open_data(folder, base_url):
    """Write the open-data files, data dictionary and catalogue record into FOLDER."""
    try:
        written = open_data.write_all(folder, base_url)
    except OSError as error:
        raise click.ClickException(f"Cannot write to {folder}: {error.strerror}") from error
    for path in written:
        click.echo(path.name)


def init_app(app: Flask) -> None:
    """Add the command group to the app."""
    registry_cli.add_command(api_token)
    app.cli.add_command(registry_cli)
