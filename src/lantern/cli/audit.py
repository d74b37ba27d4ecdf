"""`lantern audit`: read and verify the audit log."""

from __future__ import annotations

import typer
from rich.table import Table

from lantern.audit import service
from lantern.cli.common import console, print_json, state

app = typer.Typer(help="Read and verify the audit log.", no_args_is_help=True)


@app.command("verify")
def verify(ctx: typer.Context, json: bool = typer.Option(False, "--json")) -> None:
    """Check the hash chain: any edited, inserted or removed record is reported. Exits 1 on a break."""
    with state(ctx).database().session() as session:
        result = service.verify_chain(session)
    if json:
        print_json(
            {
                "ok": result.ok,
                "records": result.records,
                "breaks": [{"seq": b.seq, "reason": b.reason} for b in result.breaks],
            }
        )
    elif result.ok:
        console.print(f"Audit log intact: {result.records} records, chain verified.")
    else:
        console.print(
            f"[red]Audit log BROKEN[/red]: {len(result.breaks)} problem(s) in {result.records} records"
        )
        for brk in result.breaks:
            console.print(f"  record {brk.seq}: {brk.reason}")
    if not result.ok:
        raise typer.Exit(1)


@app.command("log")
def log(
    ctx: typer.Context,
    limit: int = typer.Option(30, help="How many records, newest first."),
    json: bool = typer.Option(False, "--json"),
) -> None:
    """Show the newest audit records."""
    with state(ctx).database().session() as session:
        rows = service.recent(session, limit=limit)
        data = [
            {
                "seq": r.seq,
                "at": r.at.isoformat(),
                "actor": r.actor,
                "action": r.action,
                "entity_type": r.entity_type,
                "entity_key": r.entity_key,
                "before": r.before,
                "after": r.after,
            }
            for r in rows
        ]
    if json:
        print_json(data)
        return
    table = Table("seq", "at", "actor", "action", "entity")
    for r in data:
        table.add_row(
            str(r["seq"]),
            str(r["at"])[:19],
            str(r["actor"]),
            str(r["action"]),
            f"{r['entity_type']} {r['entity_key']}",
        )
    console.print(table)
