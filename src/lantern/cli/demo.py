"""`lantern demo`: load the demo data set, review it, and optionally serve it."""

from __future__ import annotations

from datetime import date

import typer

from lantern.cli.common import console, err_console, state
from lantern.cli.io import _Bar
from lantern.cli.licences import print_book_summary
from lantern.cli.review import print_review_summary, run_with_progress, show_review
from lantern.db import migrate
from lantern.demo.service import ensure_demo_accounts, load_demo_data, load_demo_monitoring
from lantern.licences.service import summarise_book


def demo(
    ctx: typer.Context,
    serve_it: bool = typer.Option(False, "--serve", help="Then serve the web application on the demo."),
    quiet: bool = typer.Option(False, "--quiet", help="Print the summaries only, not the whole review."),
) -> None:
    """Load the demo data set (real units and allegations, synthetic licences), review the book and print it.

    Creates the database schema when it is missing. Loading twice changes nothing.
    """
    app_state = state(ctx)
    database = app_state.database(check=False)
    before = migrate.current_revision(database.engine)
    migrate.upgrade(database.engine)
    if before != migrate.current_revision(database.engine):
        err_console.print(
            f"Database schema created or migrated ({before or 'empty'} → {migrate.head_revision()})."
        )
    report = load_demo_data(database, app_state.settings, progress=_Bar())
    err_console.print(
        f"Demo data: {report.changed:,} records stored or updated, "
        f"{sum(c.unchanged for c in report.counts.values()):,} already up to date."
    )
    accounts = ensure_demo_accounts(database, app_state.settings)
    run_with_progress(ctx, country=None, since=None, quiet=False)
    monitoring = load_demo_monitoring(database, app_state.settings, today=date.today())
    err_console.print(
        f"Violation cases from custody records: {len(monitoring.cases_opened)} opened, "
        f"{len(monitoring.cases_fed)} given new evidence; end-use checks recorded: "
        f"{len(monitoring.checks_recorded)} (`lantern cases list`, `lantern checks list`)."
    )
    with database.session() as session:
        book = summarise_book(session)
    console.print()
    print_book_summary(book)
    console.print(
        "\n[bold]The review of the demo book[/bold]: every licence is synthetic; "
        "units and allegations are real."
    )
    if quiet:
        print_review_summary(ctx)
    else:
        show_review(ctx, country=None, since=None, json=False, as_csv=False)
    console.print("\n[bold]Demo accounts[/bold] (demo data only; change or disable them before real use):")
    for account in accounts:
        company = f" for {account.company}" if account.company else ""
        role = account.role.value
        console.print(f"  {account.username:<10} password {account.password:<24} {role}{company}")
    if serve_it:
        from lantern.cli.serve import serve

        serve(ctx, host=None, port=None)
    else:
        console.print("Serve it with `lantern serve` and sign in with one of the accounts above.")
