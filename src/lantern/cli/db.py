"""`lantern db`: create and migrate the database."""

from __future__ import annotations

import typer

from lantern.cli.common import console, print_json, state
from lantern.db import migrate

app = typer.Typer(help="Create and migrate the database.", no_args_is_help=True)


@app.command("upgrade")
def upgrade(ctx: typer.Context, revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Create the schema or migrate it to the newest revision."""
    database = state(ctx).database(check=False)
    before = migrate.current_revision(database.engine)
    migrate.upgrade(database.engine, revision)
    after = migrate.current_revision(database.engine)
    where = database.engine.url.render_as_string(hide_password=True)
    if before == after:
        console.print(f"Database at {where} is up to date (revision {after}).")
    else:
        console.print(f"Database at {where} migrated from {before or 'empty'} to {after}.")


@app.command("current")
def current(ctx: typer.Context, json: bool = typer.Option(False, "--json")) -> None:
    """Show the database's schema revision and the one this version needs."""
    database = state(ctx).database(check=False)
    info = {
        "url": database.engine.url.render_as_string(hide_password=True),
        "current": migrate.current_revision(database.engine),
        "head": migrate.head_revision(),
    }
    if json:
        print_json(info)
    else:
        behind = "" if info["current"] == info["head"] else "  (behind: run `lantern db upgrade`)"
        console.print(
            f"{info['url']}: revision {info['current'] or 'none'}; code needs {info['head']}{behind}"
        )


@app.command("revision", hidden=True)
def revision(
    ctx: typer.Context,
    message: str = typer.Option(..., "-m", "--message"),
    empty: bool = typer.Option(False, help="Write an empty migration instead of autogenerating."),
) -> None:
    """For developers: write a new migration from the table definitions."""
    migrate.make_revision(state(ctx).settings.resolved_database_url, message, autogenerate=not empty)
