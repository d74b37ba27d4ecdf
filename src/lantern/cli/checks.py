"""`lantern checks`: the risk-ranked end-use check queue, the plan for a capacity, and recording checks."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from lantern.cli.common import JsonOption, console, print_json, state
from lantern.errors import ValidationProblem
from lantern.monitoring import checks as service
from lantern.monitoring.checks_model import (
    CheckOutcome,
    CheckStage,
    CheckStatus,
    InventoryLine,
    ReasonCategory,
    SerialState,
    parse_inventory,
    quarter_of,
)

app = typer.Typer(
    help="End-use checks: the risk-ranked queue, plans and recorded checks.", no_args_is_help=True
)


def _factors(view: dict[str, object]) -> str:
    factors = view["factors"]
    assert isinstance(factors, list)
    return "; ".join(f"{f['label']} {f['points']:g}/{f['weight']:g}" for f in factors)


@app.command("plan")
def plan(
    ctx: typer.Context,
    capacity: Annotated[int, typer.Option("--capacity", help="How many checks can be run.")] = 40,
    quarter: Annotated[
        str | None, typer.Option("--quarter", help="The quarter planned, e.g. 2026Q4 (default: this one).")
    ] = None,
    save: Annotated[
        bool,
        typer.Option("--save", help="Store the chosen checks as planned; the next plan leaves them out."),
    ] = False,
    show_all: Annotated[
        bool, typer.Option("--all", help="Print the whole queue, not only the plan.")
    ] = False,
    json: bool = JsonOption,
) -> None:
    """Choose the checks that cover the most risk for a capacity, over every firearm licence.

    Every check costs one visit, so the plan is the top of the risk-ranked queue: no other choice of the
    same number of checks covers more risk. Each licence's risk factors are shown with their weights
    (settings `monitoring.weight_*`).
    """
    app_state = state(ctx)
    label = quarter or quarter_of(date.today())
    database = app_state.database()
    with database.transaction() if save else database.session() as session:
        result, saved = service.plan_checks(
            session,
            app_state.settings,
            capacity=capacity,
            as_of=date.today(),
            quarter=label,
            save=save,
            actor=app_state.settings.actor,
        )
        view = service.plan_view(result, saved)
        queue = [service.entry_view(e) for e in (*result.chosen, *result.left_out)] if show_all else []
    if json:
        if show_all:
            view["queue"] = queue
        print_json(view)
        return
    table = Table("#", "licence", "stage", "risk", "factors (points/weight)", title=f"Plan for {label}")
    for number, entry in enumerate(view["chosen"], start=1):
        table.add_row(str(number), entry["licence"], entry["stage"], f"{entry['score']:g}", _factors(entry))
    console.print(table)
    console.print(
        f"{len(view['chosen'])} of {capacity} checks cover {view['covered']:g} of {view['total']:g} "
        f"risk points ({view['share']:.0%}); {view['left_out']} licence(s) left for later. By stage: "
        + (", ".join(f"{k} {v}" for k, v in sorted(view["by_stage"].items())) or "none"),
        highlight=False,
    )
    if saved:
        console.print(f"Saved as planned: {saved[0]} … {saved[-1]}.", highlight=False)
    if show_all:
        console.print("\n[bold]Whole queue[/bold]")
        for entry in queue:
            planned = f" (planned {entry['planned_check']})" if entry["planned_check"] else ""
            console.print(
                f"  {entry['score']:>6g} {entry['licence']}{planned}: {_factors(entry)}", highlight=False
            )


def _inventory(
    path: Path | None, found: list[str], missing: list[str], unlisted: list[str]
) -> list[InventoryLine]:
    lines: list[InventoryLine] = []
    if path is not None:
        with path.open(encoding="utf-8", newline="") as handle:
            try:
                lines += parse_inventory(list(csv.DictReader(handle)))
            except ValueError as exc:
                raise ValidationProblem(f"{path.name}: {exc}") from None
    lines += [InventoryLine(s, SerialState.FOUND) for s in found]
    lines += [InventoryLine(s, SerialState.MISSING) for s in missing]
    lines += [InventoryLine(s, SerialState.UNLISTED) for s in unlisted]
    return lines


@app.command("record")
def record(
    ctx: typer.Context,
    licence: Annotated[str | None, typer.Argument(help="The licence checked (AGENCY/NUMBER).")] = None,
    outcome: Annotated[CheckOutcome | None, typer.Option("--outcome", help="The check's outcome.")] = None,
    stage: Annotated[
        CheckStage, typer.Option("--stage", help="When the check ran.")
    ] = CheckStage.POST_SHIPMENT,
    performed: Annotated[str | None, typer.Option("--date", help="Day of the check (default today).")] = None,
    reason: Annotated[
        list[ReasonCategory] | None, typer.Option("--reason", help="A published reason category; repeatable.")
    ] = None,
    serials: Annotated[
        Path | None,
        typer.Option("--serials", help="CSV serial inventory: serial[,make][,state found|missing|unlisted]."),
    ] = None,
    found: Annotated[list[str] | None, typer.Option("--found", help="A serial found; repeatable.")] = None,
    missing: Annotated[
        list[str] | None, typer.Option("--missing", help="A serial missing; repeatable.")
    ] = None,
    unlisted: Annotated[
        list[str] | None, typer.Option("--unlisted", help="A serial present but on no licence; repeatable.")
    ] = None,
    key: Annotated[
        str | None, typer.Option("--check", help="A planned check's key, or the new check's id.")
    ] = None,
    shipment: Annotated[str | None, typer.Option("--shipment", help="The shipment checked, if one.")] = None,
    notes: Annotated[str | None, typer.Option("--notes", help="What the checker saw.")] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="Record every check of a JSON Lines file (docs/formats.md).")
    ] = None,
    json: bool = JsonOption,
) -> None:
    """Record an end-use check: outcome, reasons and serial inventory. Missing and unlisted serials and an
    unfavourable outcome feed the licence's violation case (or open one)."""
    app_state = state(ctx)
    today = date.today()
    with app_state.database().transaction() as session:
        if file is not None:
            records = service.read_check_file(file)
            done = service.record_checks(
                session, app_state.settings, records, actor=app_state.settings.actor, today=today
            )
        else:
            if licence is None or outcome is None:
                raise ValidationProblem("give a licence and --outcome (or --file)")
            done = [
                service.record_check(
                    session,
                    app_state.settings,
                    licence=licence,
                    stage=stage,
                    outcome=outcome,
                    performed_on=date.fromisoformat(performed) if performed else today,
                    reasons=reason or [],
                    inventory=_inventory(serials, found or [], missing or [], unlisted or []),
                    notes=notes,
                    key=key,
                    shipment=shipment,
                    actor=app_state.settings.actor,
                    today=today,
                )
            ]
        views = [d.as_dict() for d in done]
    if json:
        print_json(views)
        return
    for v in views:
        case = ""
        if v["case"]:
            case = f"; case {v['case']} {'opened' if v['case_opened'] else 'given new evidence'}"
        again = "" if v["created"] else " (already recorded: unchanged)"
        console.print(
            f"Check {v['check']}{again}: {v['found']} found, {v['missing']} missing, "
            f"{v['unlisted']} on no licence{case}.",
            highlight=False,
        )


@app.command("list")
def list_command(
    ctx: typer.Context,
    status: Annotated[
        CheckStatus | None, typer.Option("--status", help="Only checks in this status.")
    ] = None,
    licence: Annotated[str | None, typer.Option("--licence", help="Only checks of this licence.")] = None,
    json: bool = JsonOption,
) -> None:
    """List planned and recorded end-use checks."""
    database = state(ctx).database()
    with database.session() as session:
        views = [
            service.check_view(check, ref, full=json)
            for check, ref in service.list_checks(
                session, status=status.value if status else None, licence=licence
            )
        ]
    if json:
        print_json(views)
        return
    if not views:
        console.print("No end-use checks.")
        return
    table = Table(
        "check", "licence", "stage", "status", "day", "outcome", "reasons", "found/missing/unlisted"
    )
    for v in views:
        s = v["serials"]
        table.add_row(
            v["key"],
            v["licence"],
            v["stage"],
            v["status"],
            v["performed_on"] or v["planned_on"] or "",
            v["outcome"] or "",
            ", ".join(v["reasons"]),
            f"{s['found']}/{s['missing']}/{s['unlisted']}",
        )
    console.print(table)
