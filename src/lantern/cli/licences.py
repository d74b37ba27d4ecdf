"""`lantern licences`: search the licence book and read one licence."""

from __future__ import annotations

from datetime import date
from typing import Any

import typer
from rich.table import Table

from lantern.cli.common import console, print_json, state
from lantern.db.tables.licences import LicenceRow
from lantern.licences import service
from lantern.licences.model import Licence

app = typer.Typer(help="Search the licence book and read one licence.", no_args_is_help=True)


def licence_json(lic: Licence) -> dict[str, Any]:
    return {
        "key": lic.key,
        "agency": lic.agency.value,
        "number": lic.number,
        "kind": lic.kind.value,
        "country": lic.destination_country,
        "status": lic.status.value if lic.status else None,
        "end_use": lic.end_use,
        "issue_date": lic.issue_date.isoformat() if lic.issue_date else None,
        "expiry_date": lic.expiry_date.isoformat() if lic.expiry_date else None,
        "value": str(lic.total_value) if lic.total_value is not None else None,
        "cn_reference": lic.cn_reference,
        "provisos": lic.proviso_text,
        "exclusions": [{"kind": e.kind.value, "value": e.value, "text": e.text} for e in lic.exclusions],
        "status_history": [
            {"status": s.status.value, "at": s.at.isoformat(), "by": s.by, "reason": s.reason}
            for s in lic.status_history
        ],
        "parties": [
            {
                "role": p.role.value,
                "name": p.name,
                "country": p.country,
                "address": p.address,
                "unit": p.unit_key,
                "list_entry": p.list_entry_key,
            }
            for p in lic.parties
        ],
        "items": [
            {
                "line": i.line,
                "usml_category": i.usml_category,
                "eccn": i.eccn,
                "fire_mode": i.fire_mode.value,
                "description": i.description,
                "manufacturer": i.manufacturer,
                "model": i.model,
                "calibre": i.calibre,
                "quantity": i.quantity,
                "unit_value": str(i.unit_value) if i.unit_value is not None else None,
                "total_value": str(i.total_value) if i.total_value is not None else None,
            }
            for i in lic.items
        ],
        "synthetic": lic.synthetic,
        "notes": lic.notes,
    }


def _money(value: object) -> str:
    return f"US${value:,.2f}" if value is not None else "—"


@app.command("show")
def show(
    ctx: typer.Context,
    licence: str = typer.Argument(..., help="Licence number, or AGENCY/NUMBER when two agencies share it."),
    json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """A readable summary of one licence: parties, items, provisos and status history."""
    with state(ctx).database().session() as session:
        lic = service.get_licence(session, licence)
    if json:
        print_json(licence_json(lic))
        return
    status = lic.status.value.upper() if lic.status else "NO STATUS"
    console.print(
        f"[bold]{lic.key}[/bold]  {lic.kind.value}  → {lic.destination_country}   [bold]{status}[/bold]"
    )
    if lic.synthetic:
        console.print("[yellow]SYNTHETIC record (demo or test data, not a real licence)[/yellow]")
    console.print(
        f"Issued {lic.issue_date or '—'}, expires {lic.expiry_date or '—'}; value {_money(lic.total_value)}; "
        f"congressional notification: {lic.cn_reference or 'none'}"
    )
    if lic.end_use:
        console.print(f"Stated end use: {lic.end_use}")
    parties = Table(
        "role", "name as written", "country", "resolved to", title="Parties", title_justify="left"
    )
    for p in lic.parties:
        parties.add_row(p.role.value, p.name, p.country or "", p.unit_key or p.list_entry_key or "")
    console.print(parties)
    items = Table(
        "line",
        "category",
        "mode",
        "description",
        "make / model",
        "qty",
        "value",
        title="Items",
        title_justify="left",
    )
    for i in lic.items:
        items.add_row(
            str(i.line),
            i.usml_category or i.eccn or "",
            i.fire_mode.value,
            i.description,
            " ".join(x for x in (i.manufacturer, i.model, i.calibre) if x),
            f"{i.quantity:,}",
            _money(i.total_value),
        )
    console.print(items)
    if lic.proviso_text or lic.exclusions:
        console.print("[bold]Provisos[/bold]")
        if lic.proviso_text:
            console.print(f"  {lic.proviso_text}")
        for e in lic.exclusions:
            console.print(f"  excludes {e.kind.value} {e.value}" + (f": {e.text}" if e.text else ""))
    console.print("[bold]Status history[/bold]")
    for s in lic.status_history:
        console.print(
            f"  {s.at:%Y-%m-%d %H:%M} {s.status.value:<10} by {s.by}" + (f": {s.reason}" if s.reason else "")
        )


def row_json(row: LicenceRow) -> dict[str, Any]:
    return {
        "key": f"{row.agency}/{row.number}",
        "agency": row.agency,
        "number": row.number,
        "kind": row.kind,
        "country": row.destination_country,
        "status": row.status,
        "issue_date": row.issue_date.isoformat() if row.issue_date else None,
        "value": str(row.total_value) if row.total_value is not None else None,
        "synthetic": row.synthetic,
    }


@app.command("list")
def list_(
    ctx: typer.Context,
    text: str | None = typer.Option(
        None, "--text", "-q", help="Number, party name or end use contains this."
    ),
    agency: str | None = typer.Option(None, help="DDTC or BIS."),
    status: str | None = typer.Option(None, help="Current status, e.g. approved or suspended."),
    country: str | None = typer.Option(None, help="Destination country code, e.g. MX."),
    end_user: str | None = typer.Option(None, "--end-user", help="An end user's name contains this."),
    category: str | None = typer.Option(None, help="USML category or ECCN prefix, e.g. I(a) or 0A501."),
    issued_from: str | None = typer.Option(None, "--from", help="Issued on or after (YYYY-MM-DD)."),
    issued_to: str | None = typer.Option(None, "--to", help="Issued on or before (YYYY-MM-DD)."),
    limit: int = typer.Option(50, help="How many to show."),
    json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Search the licence book."""
    flt = service.LicenceFilter(
        text=text,
        agency=agency,
        status=status,
        country=country,
        end_user=end_user,
        category=category,
        issued_from=date.fromisoformat(issued_from) if issued_from else None,
        issued_to=date.fromisoformat(issued_to) if issued_to else None,
    )
    with state(ctx).database().session() as session:
        rows, total = service.search_licences(session, flt, limit=limit)
        data = [row_json(r) for r in rows]
    if json:
        print_json({"total": total, "licences": data})
        return
    table = Table("licence", "kind", "country", "status", "issued", "value", title=f"{total} licence(s)")
    for r in data:
        table.add_row(
            r["key"],
            r["kind"],
            r["country"],
            r["status"] or "",
            r["issue_date"] or "",
            _money(r["value"] and float(r["value"])),
        )
    console.print(table)


@app.command("summary")
def summary(ctx: typer.Context, json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """The licence book at a glance: counts by agency, status, kind, country and year."""
    with state(ctx).database().session() as session:
        book = service.summarise_book(session)
    if json:
        print_json(book)
        return
    print_book_summary(book)


def print_book_summary(book: service.BookSummary) -> None:
    console.print(
        f"[bold]Licence book[/bold]: {book.licences:,} licences ({book.synthetic:,} synthetic), "
        f"{book.parties:,} parties, {book.items:,} item lines, {book.quantity:,} items, "
        f"value {_money(book.value)}"
    )
    if book.first_issue:
        console.print(f"Issued {book.first_issue} to {book.last_issue}")
    for title, counter in (
        ("agency", book.by_agency),
        ("status", book.by_status),
        ("kind", book.by_kind),
        ("country", book.by_country),
    ):
        parts = ", ".join(f"{k} {v:,}" for k, v in counter.most_common())
        console.print(f"  by {title}: {parts}")
    if book.by_year:
        console.print("  by year: " + ", ".join(f"{y} {n}" for y, n in sorted(book.by_year.items())))


def _decide(
    ctx: typer.Context, licence: str, action: str, reason: str, findings: list[int], proviso: str | None
) -> None:
    from lantern.review.triggers import decide_and_review

    app_state = state(ctx)
    decision, done = decide_and_review(
        app_state.database(),
        app_state.settings,
        licence,
        action=action,
        actor=app_state.settings.actor,
        justification=reason,
        finding_ids=findings,
        proviso=proviso,
    )
    outcome = done.outcome
    changed = (
        f" Reviewed again: {outcome.new} new, {outcome.changed} changed, "
        f"{outcome.resolved} resolved finding(s)."
        if outcome.new or outcome.changed or outcome.resolved
        else ""
    )
    console.print(
        f"Decision {decision}: {action.replace('_', ' ')} licence {licence}, "
        f"recorded in the audit log.{changed}"
    )


FindingsOption = typer.Option([], "--finding", "-f", help="A finding this decision rests on (repeatable).")
ReasonOption = typer.Option(..., "--reason", help="The justification, kept in the audit log.")


@app.command("suspend")
def suspend(
    ctx: typer.Context,
    licence: str = typer.Argument(..., help="Licence number or AGENCY/NUMBER."),
    reason: str = ReasonOption,
    finding: list[int] = FindingsOption,
) -> None:
    """Suspend an approved licence: nothing more may ship against it."""
    _decide(ctx, licence, "suspend", reason, finding, None)


@app.command("revoke")
def revoke(
    ctx: typer.Context,
    licence: str = typer.Argument(..., help="Licence number or AGENCY/NUMBER."),
    reason: str = ReasonOption,
    finding: list[int] = FindingsOption,
) -> None:
    """Revoke a licence."""
    _decide(ctx, licence, "revoke", reason, finding, None)


@app.command("reinstate")
def reinstate(
    ctx: typer.Context,
    licence: str = typer.Argument(..., help="Licence number or AGENCY/NUMBER."),
    reason: str = ReasonOption,
    finding: list[int] = FindingsOption,
) -> None:
    """Reinstate a suspended licence."""
    _decide(ctx, licence, "reinstate", reason, finding, None)


@app.command("proviso")
def add_proviso(
    ctx: typer.Context,
    licence: str = typer.Argument(..., help="Licence number or AGENCY/NUMBER."),
    text: str = typer.Option(..., "--text", help="The proviso to add."),
    reason: str = ReasonOption,
    finding: list[int] = FindingsOption,
) -> None:
    """Add a proviso to a licence."""
    _decide(ctx, licence, "add_proviso", reason, finding, text)
