"""`lantern units`: the registry of security-force units."""

from __future__ import annotations

from datetime import date
from typing import Any

import typer
from rich.table import Table

from lantern.cli.common import console, print_json, state
from lantern.units import service

app = typer.Typer(help="The registry of security-force units.", no_args_is_help=True)


def view_json(view: service.UnitView) -> dict[str, Any]:
    unit = view.unit
    return {
        "key": unit.key,
        "name": unit.name,
        "kind": unit.kind.value,
        "level": unit.level.value,
        "country": unit.country,
        "state": unit.state,
        "municipality": unit.municipality,
        "aliases": [{"name": a.name, "kind": a.kind.value} for a in unit.aliases],
        "parents": [
            {
                "unit": p.parent_key,
                "start": str(p.period.start or "") or None,
                "end": str(p.period.end or "") or None,
            }
            for p in unit.parents
        ],
        "ancestors": [{"key": k, "name": n} for k, n in view.ancestors],
        "children": [
            {
                "key": c.key,
                "name": c.name,
                "start": str(c.period.start or "") or None,
                "end": str(c.period.end or "") or None,
            }
            for c in view.children
        ],
        "allegations": [
            {
                "key": a.key,
                "start": a.incident_start,
                "end": a.incident_end,
                "violations": [v.violation for v in a.violations],
                "confidence": a.confidence,
                "status": a.statuses[-1].status if a.statuses else None,
                "description": a.description,
            }
            for a in view.allegations
        ],
        "licences": [
            {
                "licence": f"{lic.agency}/{lic.number}",
                "role": role,
                "name": name,
                "issue_date": str(lic.issue_date or ""),
            }
            for lic, role, name in view.licences
        ],
        "sources": list(unit.source_keys),
        "notes": unit.notes,
    }


@app.command("show")
def show(
    ctx: typer.Context,
    unit: str = typer.Argument(..., help="Unit key, name or exact alias."),
    on: str | None = typer.Option(None, help="Show the hierarchy as it stood on this day (YYYY-MM-DD)."),
    json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """A readable summary of one unit: aliases, hierarchy, allegations and licences that name it."""
    day = date.fromisoformat(on) if on else None
    with state(ctx).database().session() as session:
        view = service.view_unit(session, unit, on=day)
        data = view_json(view)
    if json:
        print_json(data)
        return
    where = ", ".join(x for x in (data["municipality"], data["state"], data["country"]) if x)
    console.print(f"[bold]{data['name']}[/bold]  ({data['key']})")
    console.print(f"{data['kind']} · {data['level']} · {where}")
    if data["aliases"]:
        console.print("Also written: " + "; ".join(f"{a['name']} ({a['kind']})" for a in data["aliases"]))
    if data["ancestors"]:
        chain = " → ".join(a["name"] for a in data["ancestors"])
        console.print(f"Part of: {chain}" + (f"  (as on {day})" if day else ""))
    for p in data["parents"]:
        console.print(f"  parent {p['unit']} from {p['start'] or '…'} to {p['end'] or '…'}")
    if data["children"]:
        console.print(f"Sub-units ({len(data['children'])}):")
        for c in data["children"]:
            console.print(f"  {c['name']} ({c['key']}) {c['start'] or '…'} – {c['end'] or '…'}")
    if data["allegations"]:
        table = Table(
            "allegation",
            "dates",
            "violations",
            "confidence",
            "status",
            title="Allegations",
            title_justify="left",
        )
        for a in data["allegations"]:
            table.add_row(
                a["key"],
                f"{a['start'] or '…'} – {a['end'] or '…'}",
                ", ".join(a["violations"]),
                a["confidence"],
                a["status"] or "",
            )
        console.print(table)
    else:
        console.print("No allegations recorded against this unit.")
    if data["licences"]:
        console.print(f"Named in {len(data['licences'])} licence part(ies):")
        for lic in data["licences"]:
            console.print(f"  {lic['licence']} ({lic['issue_date']}) as {lic['role']}: {lic['name']}")
    if data["notes"]:
        console.print(f"Notes: {data['notes']}")


@app.command("list")
def list_(
    ctx: typer.Context,
    text: str | None = typer.Option(None, "--text", "-q", help="Name, key or alias contains this."),
    state_name: str | None = typer.Option(None, "--state", help="Mexican state, e.g. Guerrero."),
    kind: str | None = typer.Option(None, help="Unit kind, e.g. state_police."),
    json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List units, optionally filtered."""
    with state(ctx).database().session() as session:
        rows = service.list_units(session, text=text, state=state_name, kind=kind)
        data = [
            {
                "key": r.key,
                "name": r.name,
                "kind": r.kind,
                "level": r.level,
                "state": r.state,
                "country": r.country,
            }
            for r in rows
        ]
    if json:
        print_json(data)
        return
    table = Table("key", "name", "kind", "level", "state", title=f"{len(data)} unit(s)")
    for r in data:
        table.add_row(r["key"], r["name"], r["kind"], r["level"], r["state"] or "")
    console.print(table)
