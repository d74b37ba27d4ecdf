"""`lantern allegations` and `lantern lists`: the sourced claims and the watch lists."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from lantern.allegations import service as allegations
from lantern.cli.common import console, print_json, state
from lantern.db.tables.registry import AllegationRow
from lantern.watchlists import service as watchlists

allegations_app = typer.Typer(help="Allegations against units, with their sources.", no_args_is_help=True)
lists_app = typer.Typer(help="Watch lists of private parties.", no_args_is_help=True)


def allegation_json(row: AllegationRow) -> dict[str, Any]:
    return {
        "key": row.key,
        "units": [u.unit.key for u in row.units],
        "violations": [v.violation for v in row.violations],
        "start": row.incident_start,
        "end": row.incident_end,
        "place": row.place,
        "state": row.state,
        "municipality": row.municipality,
        "description": row.description,
        "confidence": row.confidence,
        "persons": [
            {"name": p.name, "role": p.role, "unit": p.unit.key if p.unit else None} for p in row.persons
        ],
        "citations": [
            {
                "source": c.source.key,
                "title": c.source.title,
                "publisher": c.source.publisher,
                "url": c.source.url,
                "access_point": c.access_point,
                "quote": c.quote,
            }
            for c in row.citations
        ],
        "statuses": [
            {"status": s.status, "date": s.status_date.isoformat(), "note": s.note} for s in row.statuses
        ],
    }


@allegations_app.command("list")
def list_allegations(
    ctx: typer.Context,
    unit: str | None = typer.Option(None, help="Only allegations naming this unit key."),
    json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List allegations, oldest incident first."""
    with state(ctx).database().session() as session:
        data = [allegation_json(r) for r in allegations.list_allegations(session, unit=unit)]
    if json:
        print_json(data)
        return
    table = Table(
        "allegation",
        "dates",
        "units",
        "violations",
        "confidence",
        "status",
        title=f"{len(data)} allegation(s)",
    )
    for a in data:
        table.add_row(
            a["key"],
            f"{a['start'] or '…'} – {a['end'] or '…'}",
            ", ".join(a["units"]),
            ", ".join(a["violations"]),
            a["confidence"],
            a["statuses"][-1]["status"] if a["statuses"] else "",
        )
    console.print(table)


@allegations_app.command("show")
def show_allegation(
    ctx: typer.Context,
    key: str = typer.Argument(..., help="Allegation id."),
    json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """One allegation with its units, dates, citations and status history."""
    with state(ctx).database().session() as session:
        data = allegation_json(allegations.find_allegation_row(session, key))
    if json:
        print_json(data)
        return
    console.print(
        f"[bold]{data['key']}[/bold]  {', '.join(data['violations'])}  (confidence {data['confidence']})"
    )
    console.print(f"When: {data['start'] or '…'} – {data['end'] or '…'}   Where: {data['place'] or '—'}")
    console.print(f"Units: {', '.join(data['units'])}")
    console.print(data["description"])
    for p in data["persons"]:
        console.print(f"  person: {p['name']}" + (f" ({p['role']})" if p["role"] else ""))
    console.print("[bold]Citations[/bold]")
    for c in data["citations"]:
        where = f", {c['access_point']}" if c["access_point"] else ""
        console.print(f"  {c['title']} ({c['publisher'] or '—'}){where}  {c['url'] or ''}")
    console.print("[bold]Status[/bold]")
    for s in data["statuses"]:
        console.print(f"  {s['date']} {s['status']}" + (f": {s['note']}" if s["note"] else ""))


@lists_app.command("list")
def list_lists(ctx: typer.Context, json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """The watch lists in the store, with their entry counts."""
    with state(ctx).database().session() as session:
        data: list[dict[str, Any]] = [
            {
                "key": wl.key,
                "name": wl.name,
                "date": wl.list_date.isoformat() if wl.list_date else None,
                "synthetic": wl.synthetic,
                "entries": n,
            }
            for wl, n in watchlists.list_watch_lists(session)
        ]
    if json:
        print_json(data)
        return
    table = Table("list", "name", "date", "entries", "synthetic")
    for d in data:
        table.add_row(
            d["key"], d["name"], d["date"] or "", f"{d['entries']:,}", "yes" if d["synthetic"] else ""
        )
    console.print(table)


@lists_app.command("show")
def show_list(
    ctx: typer.Context,
    key: str = typer.Argument(..., help="Watch list id."),
    text: str | None = typer.Option(None, "--text", "-q", help="Entry name contains this."),
    json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Entries of one watch list."""
    with state(ctx).database().session() as session:
        data: list[dict[str, Any]] = [
            {
                "key": e.key,
                "name": e.name,
                "type": e.entry_type,
                "aliases": e.aliases,
                "countries": e.countries,
                "programs": e.programs,
                "listed": e.listed,
                "delisted": e.delisted,
            }
            for e in watchlists.list_entries(session, key, text=text)
        ]
    if json:
        print_json(data)
        return
    table = Table("entry", "name", "type", "countries", "programs", "listed")
    for d in data:
        table.add_row(
            d["key"],
            d["name"],
            d["type"],
            ",".join(d["countries"]),
            ",".join(d["programs"]),
            d["listed"] or "",
        )
    console.print(table)
