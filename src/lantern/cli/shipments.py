"""`lantern shipments file|list|show` and `lantern trace`: shipment notices and the custody of serials."""

from __future__ import annotations

import csv
import io
import json as jsonlib
import sys
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from lantern.cli.common import console, err_console, print_json, state
from lantern.errors import ValidationProblem
from lantern.io.store import exporter_key
from lantern.monitoring import service, trace
from lantern.monitoring.model import ShipmentStatus

shipments_app = typer.Typer(help="File, list and read shipment notices.", no_args_is_help=True)


def _money(value: object) -> str:
    return f"US${value:,.2f}" if value is not None else "—"


def _read_notices(path: Path) -> list[dict[str, Any]]:
    """Notices from a JSON file (one notice, or a list of them)."""
    try:
        data = jsonlib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValidationProblem(f"{path}: no such file") from None
    except jsonlib.JSONDecodeError as exc:
        raise ValidationProblem(f"{path}:{exc.lineno}: not JSON ({exc.msg})") from None
    notices = data if isinstance(data, list) else [data]
    if not all(isinstance(n, dict) for n in notices):
        raise ValidationProblem(f"{path}: a notice file holds one JSON object or a list of objects")
    return notices


def _read_serials(path: Path) -> list[dict[str, Any]]:
    """Serials from a CSV with columns serial, item, make, model, calibre."""
    try:
        reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))
    except FileNotFoundError:
        raise ValidationProblem(f"{path}: no such file") from None
    missing = {"serial", "item", "make"} - set(reader.fieldnames or [])
    if missing:
        raise ValidationProblem(f"{path}: the header lacks the column(s) {', '.join(sorted(missing))}")
    serials = []
    problems = []
    for number, row in enumerate(reader, start=2):
        try:
            item = int(row["item"])
        except (TypeError, ValueError):
            problems.append(f"{path}:{number}: item: {row['item']!r} is not a line number")
            continue
        serials.append(
            {
                "serial": (row["serial"] or "").strip(),
                "item": item,
                "make": (row["make"] or "").strip(),
                "model": (row.get("model") or "").strip() or None,
                "calibre": (row.get("calibre") or "").strip() or None,
            }
        )
    if problems:
        raise ValidationProblem(f"{path}: {len(problems)} problem(s)", problems)
    return serials


def _line(text: str) -> dict[str, Any]:
    parts = text.split(":")
    if len(parts) not in (2, 3) or not parts[0].isdigit() or not parts[1].isdigit():
        raise ValidationProblem(
            f"--line {text!r}: write ITEM:QUANTITY or ITEM:QUANTITY:VALUE (e.g. 1:10:4800.00)"
        )
    return {"item": int(parts[0]), "quantity": int(parts[1]), "value": parts[2] if len(parts) == 3 else None}


def filed_json(filed: service.FiledShipment) -> dict[str, Any]:
    return {
        "key": filed.key,
        "licence": filed.licence,
        "status": filed.status.value,
        "reason": filed.reason,
        "alerts": list(filed.alert_ids),
        "replayed": filed.replayed,
    }


@shipments_app.command("file")
def file_(
    ctx: typer.Context,
    notice: Annotated[Path | None, typer.Argument(help="A JSON notice file (one notice or a list).")] = None,
    licence: str | None = typer.Option(None, help="Licence number or AGENCY/NUMBER."),
    shipped_on: str | None = typer.Option(None, "--date", help="Shipping day (YYYY-MM-DD)."),
    line: Annotated[
        list[str] | None, typer.Option("--line", help="ITEM:QUANTITY[:VALUE], repeatable.")
    ] = None,
    serials: Annotated[
        Path | None, typer.Option("--serials", help="CSV of serials: serial, item, make, model, calibre.")
    ] = None,
    consignee: str | None = typer.Option(None, help="The consignee as the notice names it."),
    aes_itn: str | None = typer.Option(None, "--aes-itn", help="The AES Internal Transaction Number."),
    value: str | None = typer.Option(None, help="The shipment's value in US dollars."),
    key: str | None = typer.Option(None, "--id", help="The notice's id (default: generated)."),
    filed_by: str | None = typer.Option(None, "--filed-by", help="Who files (default: --actor)."),
    company: str | None = typer.Option(
        None, "--company", help="File as this exporter: only its own licences are accepted."
    ),
    json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """File shipment notices against licences: each is accepted, held for review or rejected with reasons."""
    app_state = state(ctx)
    if notice is not None:
        notices = _read_notices(notice)
    elif licence and shipped_on and line:
        notices = [
            {
                "id": key,
                "licence": licence,
                "date": shipped_on,
                "lines": [_line(text) for text in line or []],
                "serials": _read_serials(serials) if serials else [],
                "consignee": consignee,
                "aes_itn": aes_itn,
                "value": value,
            }
        ]
    else:
        raise ValidationProblem("Give a notice file, or --licence, --date and at least one --line.")
    scope = exporter_key(company) if company else None
    results = []
    for data in notices:
        data = {**data, "filed_by": data.get("filed_by") or filed_by or company or app_state.settings.actor}
        with app_state.database().transaction() as session:
            results.append(
                service.file_notice(
                    session,
                    data,
                    actor=app_state.settings.actor,
                    review_settings=app_state.settings.review,
                    exporter_key=scope,
                )
            )
    if json:
        print_json([filed_json(r) for r in results] if notice is not None else filed_json(results[0]))
    else:
        for r in results:
            colour = {"accepted": "green", "held": "yellow", "rejected": "red"}[r.status.value]
            again = " (filed before; nothing changed)" if r.replayed else ""
            console.print(f"{r.key} under {r.licence}: [{colour}]{r.status.value.upper()}[/{colour}]{again}")
            if r.reason:
                console.print(f"  {r.reason}", highlight=False, markup=False)
            if r.alert_ids:
                console.print(f"  alert(s) raised: {', '.join(str(a) for a in r.alert_ids)}")
    if any(r.status is ShipmentStatus.REJECTED for r in results):
        raise typer.Exit(3)


def summary_json(s: service.ShipmentSummary) -> dict[str, Any]:
    data = asdict(s)
    data["shipped_on"] = s.shipped_on.isoformat()
    data["value"] = None if s.value is None else str(s.value)
    return data


@shipments_app.command("list")
def list_(
    ctx: typer.Context,
    licence: str | None = typer.Option(None, help="Only this licence's shipments."),
    status: Annotated[ShipmentStatus | None, typer.Option(help="accepted, held or rejected.")] = None,
    shipped_from: str | None = typer.Option(None, "--from", help="Shipped on or after (YYYY-MM-DD)."),
    shipped_to: str | None = typer.Option(None, "--to", help="Shipped on or before (YYYY-MM-DD)."),
    company: str | None = typer.Option(None, "--company", help="Only this exporter's licences."),
    limit: int = typer.Option(50, help="How many to show."),
    json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Shipment notices, newest first."""
    flt = service.ShipmentFilter(
        licence=licence,
        status=status.value if status else None,
        exporter_key=exporter_key(company) if company else None,
        shipped_from=date.fromisoformat(shipped_from) if shipped_from else None,
        shipped_to=date.fromisoformat(shipped_to) if shipped_to else None,
    )
    with state(ctx).database().session() as session:
        rows, total = service.list_shipments(session, flt, limit=limit)
    if json:
        print_json({"total": total, "shipments": [summary_json(r) for r in rows]})
        return
    table = Table(
        "shipment", "licence", "shipped", "status", "qty", "serials", "value", title=f"{total} shipment(s)"
    )
    for r in rows:
        table.add_row(
            r.key,
            r.licence,
            str(r.shipped_on),
            r.status,
            f"{r.quantity:,}",
            f"{r.serials:,}",
            _money(r.value),
        )
    console.print(table)


@shipments_app.command("show")
def show(
    ctx: typer.Context,
    key: str = typer.Argument(..., help="The shipment's id."),
    json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """One shipment notice: its decision, lines and serials."""
    with state(ctx).database().session() as session:
        view = service.find_shipment(session, key)
    data = shipment_json(view)
    if json:
        print_json(data)
        return
    s = view.summary
    console.print(
        f"[bold]{s.key}[/bold] under {s.licence}, shipped {s.shipped_on}: [bold]{s.status.upper()}[/bold]"
    )
    if s.reason:
        console.print(f"  {s.reason}", highlight=False, markup=False)
    console.print(f"Consignee: {s.consignee or '—'}; AES ITN {s.aes_itn or '—'}; value {_money(s.value)}")
    lines = Table("item", "category", "description", "qty", "value", title="Lines", title_justify="left")
    for line in view.lines:
        lines.add_row(
            str(line.item), line.category or "", line.description, f"{line.quantity:,}", _money(line.value)
        )
    console.print(lines)
    console.print(
        f"{len(view.serials):,} serial(s) registered"
        + (f", {len(view.rejected_serials)} refused" if view.rejected_serials else "")
    )
    for serial in view.serials[:20]:
        console.print(
            f"  {serial.serial}  {serial.make} {serial.model or ''} {serial.calibre or ''}", highlight=False
        )
    if len(view.serials) > 20:
        console.print(f"  … and {len(view.serials) - 20:,} more (--json lists them all)")


def shipment_json(view: service.ShipmentView) -> dict[str, Any]:
    return {
        **summary_json(view.summary),
        "lines": [
            {**asdict(line), "value": None if line.value is None else str(line.value)} for line in view.lines
        ],
        "serials": [asdict(s) for s in view.serials],
        "rejected_serials": list(view.rejected_serials),
    }


# ---------------------------------------------------------------------------------------------------------
# lantern trace


def trace_command(
    ctx: typer.Context,
    serial: str | None = typer.Argument(
        None, help="The serial number as written (separators do not matter)."
    ),
    make: str | None = typer.Option(None, "--make", help="The make, when several makes shipped the serial."),
    file: Annotated[
        Path | None,
        typer.Option(
            "--file", help="Trace a batch: a CSV with a serial column (make, found_date, holder, … optional)."
        ),
    ] = None,
    holder_unit: str | None = typer.Option(
        None, "--holder-unit", help="With --file: the registry unit every weapon was found with."
    ),
    json: bool = typer.Option(False, "--json", help="Print JSON."),
    as_csv: bool = typer.Option(False, "--csv", help="With --file: print one CSV row per serial."),
) -> None:
    """The custody chain of a serial, or a summary of a batch (e.g. a recovered-weapons inventory)."""
    app_state = state(ctx)
    if file is not None:
        _trace_file(app_state.database(), file, holder_unit, json=json, as_csv=as_csv)
        return
    if not serial:
        raise ValidationProblem("Give a serial number, or --file with a CSV of them.")
    with app_state.database().session() as session:
        traces = trace.trace_serial(session, serial, make=make)
    if json:
        print_json([trace.trace_json(t) for t in traces])
    else:
        for t in traces:
            _print_trace(t)
    if not any(t.found for t in traces):
        raise typer.Exit(4)


def _print_trace(t: trace.SerialTrace) -> None:
    if not t.found:
        console.print(
            f"Serial {t.serial}" + (f" ({t.make})" if t.make else "") + ": on no shipment in the store."
        )
        return
    assert t.licence is not None
    assert t.shipment is not None
    console.print(
        f"[bold]{t.serial_as_shipped}[/bold]  {t.make_as_shipped} {t.model or ''} {t.calibre or ''}  "
        f"category {t.category or '—'}",
        highlight=False,
    )
    console.print(
        f"Licence {t.licence.key} ({t.licence.status or 'no status'}, issued {t.licence.issue_date or '—'}); "
        f"shipment {t.shipment['key']} of {t.shipment['date']} ({t.shipment['status']}), "
        f"AES ITN {t.shipment['aes_itn'] or '—'}",
        highlight=False,
    )
    console.print("[bold]Custody chain[/bold]")
    for step in t.chain:
        who = step.holder or "—"
        if step.holder_unit:
            who += f" [unit {step.holder_unit}]"
        where = f", {step.place}" if step.place else ""
        source = f" (source {step.source})" if step.source else ""
        console.print(
            f"  {step.date or '':<10} {step.kind:<18} {who}{where}{source}", highlight=False, markup=False
        )
        if step.flag:
            console.print(f"  {'':<10} [red]{step.flag.upper()}[/red]")
        elif step.authorised:
            console.print(f"  {'':<10} {step.authorised}", highlight=False)
    for unit in sorted(t.units.values(), key=lambda u: u.key):
        if not unit.allegations:
            continue
        console.print(f"[bold]{unit.name}[/bold] ({unit.key}):")
        for a in unit.allegations:
            console.print(
                f"  allegation {a.key}: {', '.join(a.violations)}, {a.incident}; confidence {a.confidence}; "
                f"credible since {a.credible_since or '—'}; sources {', '.join(a.sources)}",
                highlight=False,
            )
    for finding in t.retransfers:
        console.print(f"[red]Potential unauthorised re-transfer:[/red] {finding.reason}", highlight=False)


def _trace_file(database: Any, path: Path, holder_unit: str | None, *, json: bool, as_csv: bool) -> None:
    rows = trace.read_inventory(path)
    with Progress(
        TextColumn("tracing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=len(rows) < 5000,
    ) as bar:
        task = bar.add_task("trace", total=len(rows))
        with database.session() as session:
            summary, out = trace.trace_inventory(
                session,
                rows,
                holder_unit=holder_unit,
                progress=lambda done, _total: bar.update(task, completed=done),
            )
    data = [trace.batch_row_json(r) for r in out]
    if as_csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=list(data[0]) if data else ["line", "serial"])
        writer.writeheader()
        writer.writerows(data)
        return
    if json:
        print_json({"file": str(path), "summary": trace.summary_json(summary), "rows": data})
        return
    console.print(
        f"[bold]{path.name}[/bold]: {summary.rows:,} weapon(s); {summary.us_licensed:,} US-licensed, "
        f"{summary.not_licensed:,} on no licence in the store; "
        f"[red]{summary.retransfers:,} potential unauthorised re-transfer(s)[/red]"
    )
    for title, counter in (
        ("under licence", summary.by_licence),
        ("exported by", summary.by_exporter),
        ("declared for end user", summary.by_end_user),
        ("found with holder", summary.by_holder),
    ):
        if counter:
            table = Table(title, "weapons", title_justify="left")
            for name, count in counter.most_common():
                table.add_row(name, f"{count:,}")
            console.print(table)
