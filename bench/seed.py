"""Fill an empty, migrated database with the large, reproducible benchmark register.

    .venv/bin/python -m bench.seed --scale 0.1 --database-url sqlite:////tmp/bench.sqlite3
                                   [--seed 2569] [--today 2026-12-07]

The database is the one ``--database-url`` names (default: ``DATABASE_URL``, as the app
reads it); migrate it first (``flask --app wsgi db upgrade``). The rows are made by
``bench.dataset``: the same scale, seed and day give the same rows.
"""

from __future__ import annotations

import click
from flask import Flask

from bench.dataset import seed as dataset
from registry import create_app
from registry.config import PROJECT_ROOT, database_url


def _scale(_ctx, _param, value: float) -> float:
    try:
        dataset.counts(value)
    except dataset.BenchDataError as error:
        raise click.BadParameter(str(error)) from error
    return value


@click.command(help=__doc__.split("\n\n")[0])
@click.option(
    "--scale",
    type=float,
    required=True,
    callback=_scale,
    help="1 = 10,000 organisations, 500,000 endorsements ...; fractions allowed (e.g. 0.1).",
)
@click.option("--seed", type=int, default=dataset.DEFAULT_SEED, show_default=True,
              help="Random seed: the same scale, seed and day make the same rows.")  # fmt: skip
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Make the dates relative to this day (YYYY-MM-DD) instead of today.",
)
@click.option(
    "--database-url",
    "url",
    envvar="DATABASE_URL",
    help="The database to fill (default: DATABASE_URL, else the app's SQLite file).",
)
@click.pass_obj
def command(app: Flask | None, scale, seed, today, url) -> None:
    """Seed the database of ``app`` (a test's), or of the app ``--database-url`` names."""
    if app is None:
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": database_url(url, PROJECT_ROOT / "instance")}
        )
    with app.app_context():
        try:
            summary = dataset.seed_bench(
                scale, seed, today.date() if today else None, echo=click.echo
            )
        except dataset.BenchDataError as error:
            raise click.ClickException(str(error)) from error
    click.echo(f"\nLoaded in {summary['seconds']:.1f} s:")
    for table, rows in summary["rows"].items():
        click.echo(f"  {table:<26}{rows:>10,}")
    click.echo(f"\nBench sign-ins (password for each: {dataset.BENCH_PASSWORD}):")
    for email, _name, role in dataset.ACCOUNTS:
        click.echo(f"  {role.value:<15} {email}")


if __name__ == "__main__":
    command(obj=None)
