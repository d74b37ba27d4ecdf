"""The root `lantern` command. Each domain adds its sub-app here."""

from __future__ import annotations

import sys

import typer

from lantern import __version__
from lantern.cli import (
    audit,
    cases,
    checks,
    consultations,
    db,
    demo,
    io,
    licences,
    registry,
    report,
    review,
    screen,
    serve,
    shipments,
    synth,
    units,
    users,
)
from lantern.cli.common import AppState, err_console
from lantern.errors import LanternError, ValidationProblem
from lantern.settings import Settings

app = typer.Typer(
    help="Lantern keeps exported firearms out of the hands of security-force units implicated in abuses.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.command("demo")(demo.demo)
app.add_typer(audit.app, name="audit")
app.add_typer(licences.app, name="licences")
app.add_typer(units.app, name="units")
app.add_typer(registry.allegations_app, name="allegations")
app.add_typer(registry.lists_app, name="lists")
app.add_typer(review.review_app, name="review")
app.command("worker")(review.worker)
app.add_typer(review.alerts_app, name="alerts")
app.add_typer(review.findings_app, name="findings")
app.add_typer(review.resolutions_app, name="resolutions")
app.add_typer(cases.app, name="cases")
app.add_typer(checks.app, name="checks")
app.add_typer(shipments.shipments_app, name="shipments")
app.command("trace")(shipments.trace_command)
app.add_typer(users.users_app, name="users")
app.add_typer(users.tokens_app, name="tokens")
app.command("serve")(serve.serve)
app.command("screen")(screen.screen)
app.command("import")(io.import_command)
app.command("export")(io.export_command)
app.command("synth")(synth.synth_command)
app.add_typer(consultations.consultations_app, name="consultations")
app.add_typer(consultations.communications_app, name="communications")
app.command("report")(report.report_command)


@app.callback()
def root(
    ctx: typer.Context,
    database_url: str | None = typer.Option(
        None, "--database-url", envvar="LANTERN_DATABASE_URL", help="Database URL (default: SQLite)."
    ),
    actor: str | None = typer.Option(None, "--actor", help="Who the audit log names for this change."),
) -> None:
    overrides: dict[str, object] = {}
    if database_url:
        overrides["database_url"] = database_url
    if actor:
        overrides["actor"] = actor
    app_state = AppState(Settings(**overrides))  # type: ignore[arg-type]  # pydantic validates the overrides
    ctx.obj = app_state
    ctx.call_on_close(app_state.close)


@app.command("version")
def version() -> None:
    """Print Lantern's version."""
    print(__version__)


def main() -> None:
    try:
        app()
    except ValidationProblem as exc:
        err_console.print(f"[red]error:[/red] {exc.message}")
        for problem in exc.problems:
            err_console.print(f"  {problem}", highlight=False, markup=False, soft_wrap=True)
        sys.exit(2)
    except LanternError as exc:
        err_console.print(f"[red]error:[/red] {exc.message}", highlight=False)
        sys.exit(1)
