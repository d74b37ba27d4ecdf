"""`lantern review`, `lantern alerts`, `lantern findings`: the licence review and the analysts' queue."""

from __future__ import annotations

import csv
import io
import sys
from datetime import date
from typing import Any

import typer
from rich.table import Table

from lantern.cli.common import console, print_json, state
from lantern.db.tables.review import AlertRow, FindingRow
from lantern.review import service

alerts_app = typer.Typer(help="The alert queue: findings that are new, changed or resolved.")
findings_app = typer.Typer(help="Read and dispose findings.", no_args_is_help=True)


def finding_json(row: FindingRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "licence": f"{row.licence.agency}/{row.licence.number}",
        "criterion": row.criterion,
        "code": row.code,
        "severity": row.severity,
        "recommendation": row.recommendation,
        "status": row.status,
        "summary": row.summary,
        "evidence": row.evidence,
        "quantity": row.quantity,
        "value": str(row.value),
        "shipped_since_quantity": row.shipped_since_quantity,
        "shipped_since_value": None if row.shipped_since_value is None else str(row.shipped_since_value),
        "first_seen_at": row.first_seen_at.isoformat(),
        "last_changed_at": row.last_changed_at.isoformat(),
        "resolved_at": row.resolved_at.isoformat() if row.resolved_at else None,
        "dispositions": [
            {"status": d.status, "actor": d.actor, "at": d.at.isoformat(), "reason": d.reason}
            for d in row.dispositions
        ],
    }


def alert_json(row: AlertRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "licence": f"{row.licence.agency}/{row.licence.number}",
        "finding": row.finding_id,
        "kind": row.kind,
        "what_changed": row.what_changed,
        "cause": row.cause,
        "created_at": row.created_at.isoformat(),
        "acknowledged_at": row.acknowledged_at.isoformat() if row.acknowledged_at else None,
        "acknowledged_by": row.acknowledged_by,
        "decision": row.decision_id,
    }


def review_json(rows: list[service.ReviewedLicence], summary: service.ReviewSummary) -> dict[str, Any]:
    return {
        "licences": [
            {
                "licence": f"{r.licence.agency}/{r.licence.number}",
                "status": r.licence.status,
                "issue_date": r.licence.issue_date.isoformat() if r.licence.issue_date else None,
                "value": str(r.licence.total_value) if r.licence.total_value is not None else None,
                "synthetic": r.licence.synthetic,
                "findings": [finding_json(f) for f in r.findings],
            }
            for r in rows
        ],
        "summary": {
            "licences_reviewed": summary.reviewed,
            "suspend_criterion_1": summary.criterion_1,
            "suspend_criterion_2": summary.criterion_2,
            "other_findings": summary.other,
            "value_concerned": str(summary.value_concerned),
            "quantity_concerned": summary.quantity_concerned,
            "shipped_since_implication_quantity": summary.shipped_since_quantity,
            "shipped_since_implication_value": str(summary.shipped_since_value),
            "findings_by_criterion": summary.by_criterion,
        },
    }


GROUPS = [
    ("implicated_end_user", "Criterion 1 — end users credibly implicated in serious abuses or collusion"),
    ("unidentified_end_user", "Criterion 2 — end users not accurately identified"),
    ("crime_control_502b", "Section 502B — Commerce firearms for implicated or unidentified police"),
    ("congressional_notification", "Congressional notification"),
    ("watch_list", "Watch-list hits on private parties"),
    ("proviso_breach", "Proviso breaches"),
    ("violation", "Standing end-use violations"),
]


def print_review(rows: list[service.ReviewedLicence], summary: service.ReviewSummary) -> None:
    for criterion, title in GROUPS:
        group = [(r, [f for f in r.findings if f.criterion == criterion]) for r in rows]
        group = [(r, fs) for r, fs in group if fs]
        if not group:
            continue
        console.print(f"\n[bold underline]{title}[/bold underline]  ({len(group)} licence(s))")
        for reviewed, found in group:
            lic = reviewed.licence
            value = f"US${lic.total_value:,.0f}" if lic.total_value is not None else "—"
            synthetic = " [yellow](synthetic)[/yellow]" if lic.synthetic else ""
            console.print(
                f"\n[bold]{lic.agency}/{lic.number}[/bold]{synthetic}  {lic.kind}, "
                f"issued {lic.issue_date or '—'}, {lic.status}, {value}"
            )
            for f in found:
                console.print(
                    f"  \\[{f.severity}] #{f.id} {f.code.replace('_', ' ')} → "
                    f"recommend {f.recommendation.replace('_', ' ')} ({f.status})"
                )
                console.print(f"    {f.summary}", highlight=False, markup=False)
                for step in f.evidence:
                    console.print(f"      · {step['kind']}: {step['text']}", highlight=False, markup=False)
    console.print("\n[bold]Summary[/bold]")
    console.print(f"  licences reviewed: {summary.reviewed:,}")
    console.print(f"  to suspend under criterion 1 (implicated end users): {summary.criterion_1:,}")
    console.print(f"  to suspend under criterion 2 (end users not identified): {summary.criterion_2:,}")
    console.print(f"  licences with other findings only: {summary.other:,}")
    console.print(
        f"  value concerned (criteria 1 and 2): US${summary.value_concerned:,.2f}; "
        f"items concerned: {summary.quantity_concerned:,}"
    )
    console.print(
        f"  shipped after the units were implicated: {summary.shipped_since_quantity:,} items, "
        f"US${summary.shipped_since_value:,.2f}"
    )


def write_csv(rows: list[service.ReviewedLicence]) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "licence",
            "licence_status",
            "issue_date",
            "finding",
            "criterion",
            "code",
            "severity",
            "recommendation",
            "status",
            "summary",
            "quantity",
            "value",
            "shipped_since_quantity",
            "shipped_since_value",
            "citations",
        ]
    )
    for r in rows:
        for f in r.findings:
            citations = "; ".join(
                f"{c['source']}" + (f" ({c['access_point']})" if c.get("access_point") else "")
                for step in f.evidence
                if step["kind"] == "allegation"
                for c in step["data"].get("citations", [])
            )
            writer.writerow(
                [
                    f"{r.licence.agency}/{r.licence.number}",
                    r.licence.status,
                    r.licence.issue_date,
                    f.id,
                    f.criterion,
                    f.code,
                    f.severity,
                    f.recommendation,
                    f.status,
                    f.summary,
                    f.quantity,
                    f.value,
                    f.shipped_since_quantity,
                    f.shipped_since_value,
                    citations,
                ]
            )
    sys.stdout.write(out.getvalue())


def show_review(
    ctx: typer.Context, *, country: str | None, since: str | None, json: bool, as_csv: bool
) -> None:
    with state(ctx).database().session() as session:
        rows, summary = service.read_review(
            session, country=country, since=date.fromisoformat(since) if since else None
        )
        if json:
            print_json(review_json(rows, summary))
        elif as_csv:
            write_csv(rows)
        else:
            print_review(rows, summary)


@alerts_app.callback(invoke_without_command=True)
def alerts(
    ctx: typer.Context,
    all_: bool = typer.Option(False, "--all", help="Include acknowledged alerts."),
    limit: int = typer.Option(100, help="How many, newest first."),
    json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The alert queue, newest first."""
    if ctx.invoked_subcommand is not None:
        return
    with state(ctx).database().session() as session:
        data = [alert_json(a) for a in service.list_alerts(session, open_only=not all_, limit=limit)]
    if json:
        print_json(data)
        return
    table = Table(
        "alert", "licence", "kind", "what changed", "cause", "acknowledged", title=f"{len(data)} alert(s)"
    )
    for a in data:
        table.add_row(
            str(a["id"]),
            a["licence"],
            a["kind"],
            a["what_changed"],
            a["cause"] or "",
            a["acknowledged_by"] or "",
        )
    console.print(table)


@alerts_app.command("ack")
def acknowledge(
    ctx: typer.Context,
    alert_id: int = typer.Argument(..., help="Alert number."),
    decision: int | None = typer.Option(None, help="Link the alert to this decision on its licence."),
) -> None:
    """Acknowledge an alert, optionally linking it to the decision it led to."""
    app_state = state(ctx)
    with app_state.database().transaction() as session:
        service.acknowledge_alert(session, alert_id, actor=app_state.settings.actor, decision_id=decision)
    console.print(f"Alert {alert_id} acknowledged.")


@findings_app.command("show")
def show_finding(
    ctx: typer.Context,
    finding_id: int = typer.Argument(..., help="Finding number."),
    json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """One finding with its evidence chain and dispositions."""
    with state(ctx).database().session() as session:
        data = finding_json(service.find_finding(session, finding_id))
    if json:
        print_json(data)
        return
    console.print(
        f"[bold]Finding {data['id']}[/bold] on licence {data['licence']}: "
        f"{data['criterion']} / {data['code']}"
    )
    console.print(f"Severity {data['severity']}; recommend {data['recommendation']}; status {data['status']}")
    console.print(data["summary"], highlight=False, markup=False)
    console.print("[bold]Evidence[/bold]")
    for step in data["evidence"]:
        console.print(f"  {step['kind']}: {step['text']}", highlight=False, markup=False)
    for d in data["dispositions"]:
        console.print(f"  {d['at'][:16]} {d['actor']} → {d['status']}: {d['reason']}")


@findings_app.command("dispose")
def dispose(
    ctx: typer.Context,
    finding_id: int = typer.Argument(..., help="Finding number."),
    status: str = typer.Option(..., help="confirmed, dismissed or open."),
    reason: str = typer.Option(..., help="Why: kept in the audit log."),
) -> None:
    """Confirm, dismiss or reopen a finding."""
    app_state = state(ctx)
    with app_state.database().transaction() as session:
        service.dispose_finding(
            session, finding_id, status=status, actor=app_state.settings.actor, reason=reason
        )
    console.print(f"Finding {finding_id} is now {status}.")
