"""`lantern cases`: violation cases, their evidence, status and statutory reports."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.table import Table

from lantern.cli.common import JsonOption, console, print_json, state
from lantern.errors import LanternError
from lantern.licences.service import find_licence_row
from lantern.monitoring import cases as service
from lantern.monitoring.cases_model import CaseKind, CaseStatus, ReportKind

app = typer.Typer(
    help="Violation cases: re-transfers, implicated holders, check results.", no_args_is_help=True
)


@app.command("list")
def list_command(
    ctx: typer.Context,
    status: Annotated[CaseStatus | None, typer.Option("--status", help="Only cases in this status.")] = None,
    kind: Annotated[CaseKind | None, typer.Option("--kind", help="Only cases of this kind.")] = None,
    licence: Annotated[str | None, typer.Option("--licence", help="Only cases of this licence.")] = None,
    json: bool = JsonOption,
) -> None:
    """List violation cases with their statutory reports' due dates."""
    database = state(ctx).database()
    with database.session() as session:
        rows = service.list_cases(
            session,
            status=status.value if status else None,
            kind=kind.value if kind else None,
            licence=licence,
        )
        views = [service.case_view(session, row) for row in rows]
    if json:
        print_json(views)
        return
    if not views:
        console.print("No violation cases.")
        return
    table = Table("case", "kind", "status", "licence", "holder", "serials", "reports due")
    for v in views:
        reports = ", ".join(
            f"{r['kind']} {'sent ' + r['sent_on'] if r['sent_on'] else 'due ' + r['due_on']}"
            for r in v["reports"]
        )
        holder = v["holder"]["key"] if v["holder"] else ""
        table.add_row(
            v["key"], v["kind"], v["status"], v["licence"] or "", holder, str(v["serial_count"]), reports
        )
    console.print(table)


@app.command("show")
def show(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Case key, e.g. CASE-2026-0001.")],
    json: bool = JsonOption,
) -> None:
    """One case: its facts, evidence and reports."""
    database = state(ctx).database()
    with database.session() as session:
        view = service.case_view(session, service.find_case(session, key), full=True)
    if json:
        print_json(view)
        return
    console.print(f"[bold]{view['key']}[/bold] {view['kind']} — {view['status']}", highlight=False)
    console.print(view["summary"], highlight=False)
    console.print(
        f"Licence {view['licence'] or '—'}; end user {(view['end_user'] or {}).get('key', '—')}; "
        f"holder {(view['holder'] or {}).get('key', '—')}; opened {view['opened_on']} by {view['opened_by']}",
        highlight=False,
    )
    if view["status_reason"]:
        console.print(f"Last status change by {view['status_by']}: {view['status_reason']}", highlight=False)
    console.print(f"\n[bold]Evidence[/bold] ({len(view['evidence'])})")
    for e in view["evidence"]:
        console.print(f"  {e['recorded_on']} [{e['kind']}] {e['description']}", highlight=False, markup=False)
    console.print("\n[bold]Statutory reports[/bold]")
    for r in view["reports"]:
        sent = f"sent {r['sent_on']} by {r['sent_by']}" if r["sent_on"] else "not sent"
        console.print(f"  {r['kind']}: due {r['due_on']}, {sent}", highlight=False)


@app.command("open")
def open_command(
    ctx: typer.Context,
    licence: Annotated[str, typer.Option("--licence", help="The licence concerned (AGENCY/NUMBER).")],
    justification: Annotated[
        str, typer.Option("--justification", help="Why: kept with the case and audited.")
    ],
    kind: Annotated[CaseKind, typer.Option("--kind", help="What kind of violation.")] = CaseKind.OTHER,
    holder: Annotated[str | None, typer.Option("--holder", help="Unit key found holding the items.")] = None,
    json: bool = JsonOption,
) -> None:
    """Open a case by hand (e.g. from a press report); a justification is required."""
    app_state = state(ctx)
    if not justification.strip():
        raise LanternError("a case opened by hand needs a justification")
    with app_state.database().transaction() as session:
        holder_id = service.unit_id_of(session, holder) if holder else None
        row = service.open_case(
            session,
            kind=kind,
            opened_on=date.today(),
            actor=app_state.settings.actor,
            settings=app_state.settings.monitoring,
            licence=find_licence_row(session, licence),
            holder_unit_id=holder_id,
            justification=justification,
        )
        view = service.case_view(session, row)
    if json:
        print_json(view)
        return
    console.print(f"Opened {view['key']}: {view['summary']}", highlight=False)


@app.command("status")
def status_command(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Case key.")],
    new_status: Annotated[CaseStatus, typer.Argument(help="substantiated, not_substantiated or closed.")],
    reason: Annotated[str, typer.Option("--reason", help="Why: kept with the case and audited.")],
    on: Annotated[str | None, typer.Option("--on", help="Date of the decision (default today).")] = None,
    json: bool = JsonOption,
) -> None:
    """Move a case to a new status (who, when and why are recorded)."""
    app_state = state(ctx)
    day = date.fromisoformat(on) if on else date.today()
    with app_state.database().transaction() as session:
        row = service.change_status(
            session, key, status=new_status, reason=reason, actor=app_state.settings.actor, on=day
        )
        view = service.case_view(session, row)
    if json:
        print_json(view)
        return
    console.print(f"{view['key']} is now {view['status']}.", highlight=False)


@app.command("report")
def report(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Case key.")],
    kind: Annotated[
        ReportKind | None, typer.Option("--kind", help="Which report (aeca_3c2, aeca_3e).")
    ] = None,
    mark_sent: Annotated[bool, typer.Option("--mark-sent", help="Record the report as sent today.")] = False,
    mark_unsent: Annotated[
        bool, typer.Option("--mark-unsent", help="Record a report marked sent by mistake as not sent.")
    ] = False,
    json: bool = JsonOption,
) -> None:
    """Print a case's statutory report draft (every report without --kind), or mark one sent."""
    app_state = state(ctx)
    database = app_state.database()
    if mark_sent or mark_unsent:
        with database.transaction() as session:
            service.mark_report_sent(
                session, key, kind=kind, actor=app_state.settings.actor, on=date.today(), sent=mark_sent
            )
    with database.session() as session:
        case = service.find_case(session, key)
        reports = [service.find_report(case, kind)] if kind else list(case.reports)
        views = [
            {
                "case": case.key,
                "kind": r.kind,
                "due_on": r.due_on.isoformat(),
                "sent_on": r.sent_on.isoformat() if r.sent_on else None,
                "sent_by": r.sent_by,
                "draft": r.draft,
            }
            for r in reports
        ]
    if json:
        print_json(views)
        return
    for v in views:
        sent = f"sent {v['sent_on']} by {v['sent_by']}" if v["sent_on"] else "not sent"
        console.print(f"[bold]{v['case']} {v['kind']}[/bold]: due {v['due_on']}, {sent}", highlight=False)
        console.print(v["draft"], highlight=False, markup=False)
        console.print()


@app.command("detect")
def detect(ctx: typer.Context, json: bool = JsonOption) -> None:
    """Read every custody record and open or feed cases (idempotent; imports do this for what they change)."""
    app_state = state(ctx)
    with app_state.database().transaction() as session:
        found = service.detect(
            session,
            monitoring=app_state.settings.monitoring,
            review=app_state.settings.review,
            actor=app_state.settings.actor,
            today=date.today(),
        )
    if json:
        print_json(found.as_dict())
        return
    console.print(
        f"Read {found.events} custody event(s) of licensed serials: {found.concerns} concern(s); "
        f"{len(found.opened)} case(s) opened ({', '.join(found.opened) or 'none'}), "
        f"{len(found.fed)} given new evidence; {found.evidence_added} evidence line(s) added. "
        f"{found.unjudged} event(s) on licences with no resolved end user could not be judged for "
        "re-transfer.",
        highlight=False,
    )
