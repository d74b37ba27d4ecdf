"""`lantern report NAME`: a report that answers one of the letter's questions, as HTML, CSV, JSON or PDF."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from pathlib import Path

import typer
from rich.table import Table

from lantern.cli.common import console, err_console, print_json, state
from lantern.errors import ValidationProblem
from lantern.reports.model import Parameters, Report
from lantern.reports.render import FORMATS, Format
from lantern.reports.render.figures import render_chart
from lantern.reports.service import build_report, list_reports, make_report


def _day(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationProblem(f"--{name} must be a date YYYY-MM-DD, not {value!r}.") from exc


def _format(value: str) -> Format:
    for fmt in FORMATS:
        if fmt == value.lower():
            return fmt
    raise ValidationProblem(f"--format must be one of {', '.join(FORMATS)}, not {value!r}.")


def _chart(report: Report, key: str, fmt: str) -> bytes:
    for figure in report.figures():
        if figure.key == key:
            return render_chart(figure.chart, "svg" if fmt.lower() == "svg" else "png")
    known = ", ".join(f.key for f in report.figures()) or "none"
    raise ValidationProblem(f"The report {report.name} has no chart {key!r} (it has: {known}).")


def report_command(
    ctx: typer.Context,
    name: str | None = typer.Argument(None, help="The report: see `lantern report --list`."),
    list_them: bool = typer.Option(False, "--list", help="List the reports and the parameters each reads."),
    country: str = typer.Option("MX", "--country", help="Destination country, ISO 3166 two letters."),
    start: str | None = typer.Option(None, "--from", help="Start of the period, YYYY-MM-DD."),
    end: str | None = typer.Option(None, "--to", help="End of the period (inclusive), YYYY-MM-DD."),
    state_name: str | None = typer.Option(None, "--state", help="Only units of this state, e.g. Guerrero."),
    unit: str | None = typer.Option(
        None, "--unit", help="Roll up the hierarchy under this unit key (e.g. mx-sedena, mx-semar)."
    ),
    category: str | None = typer.Option(
        None, "--category", help="usml-i, ccl, or a USML category or ECCN prefix such as 0A501."
    ),
    on: str | None = typer.Option(None, "--on", help="Judge deadlines on this day (default: today)."),
    fmt: str = typer.Option("html", "--format", help="html, csv, json or pdf."),
    table: str | None = typer.Option(None, "--table", help="For CSV: which table (default: the main one)."),
    chart: str | None = typer.Option(
        None,
        "--chart",
        help="Write only this chart of the report (its key), as PNG, or SVG with --format svg.",
    ),
    output: Path | None = typer.Option(  # noqa: B008  # Typer declares options as defaults
        None, "-o", "--output", help="Write to this file (default: stdout)."
    ),
    json: bool = typer.Option(False, "--json", help="The same as --format json (with --list: the list)."),
) -> None:
    """Make a report. Links in files point to `reports.base_url` (see docs/settings.md)."""
    if list_them or name is None:
        specs = list_reports()
        if json:
            print_json(
                [
                    {
                        "name": s.name,
                        "title": s.title,
                        "question": s.question,
                        "parameters": list(s.parameters),
                    }
                    for s in specs
                ]
            )
            return
        grid = Table("report", "title", "parameters", title="Reports (lantern report NAME)")
        for spec in specs:
            grid.add_row(spec.name, spec.title, ", ".join(spec.parameters))
        console.print(grid)
        if name is None and not list_them:
            err_console.print("Give a report name.")
            raise typer.Exit(2)
        return
    chosen = _format("json" if json else fmt) if chart is None else None
    params = Parameters(
        country=country.upper(),
        start=_day(start, "from"),
        end=_day(end, "to"),
        state=state_name,
        unit=unit,
        category=category,
        on=_day(on, "on") or datetime.now(UTC).date(),
    )
    app_state = state(ctx)
    with app_state.database().session() as session:
        if chosen is None:
            data = _chart(build_report(session, name, params), chart or "", fmt)
        else:
            data = make_report(
                session,
                name,
                params,
                fmt=chosen,
                generated_at=datetime.now(UTC).replace(microsecond=0),
                base_url=app_state.settings.report_base_url,
                table=table,
            )
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        output.write_bytes(data)
        err_console.print(f"Wrote {output} ({len(data):,} bytes).")
