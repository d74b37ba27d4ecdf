"""`lantern review`, `lantern alerts`, `lantern findings`: the licence review and the analysts' queue."""

from __future__ import annotations

import csv
import io
import sys
from datetime import date
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import func, select

from lantern.cli.common import console, err_console, print_json, state
from lantern.db.tables.review import AlertRow, FindingRow, ResolutionRow, ReviewJobRow
from lantern.review import service

review_app = typer.Typer(help="The licence review: the letter's criteria applied to every licence.")
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


def print_review_summary(ctx: typer.Context) -> None:
    with state(ctx).database().session() as session:
        _rows, summary = service.read_review(session)
    print_summary(summary)


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
    print_summary(summary)


def print_summary(summary: service.ReviewSummary) -> None:
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
    console.print(f"[bold]{len(data)} alert(s)[/bold], newest first")
    for a in data:
        done = f" — acknowledged by {a['acknowledged_by']}" if a["acknowledged_by"] else ""
        console.print(f"#{a['id']} {a['licence']} ({a['created_at'][:10]}){done}", markup=False)
        console.print(f"   {a['what_changed']}", markup=False, highlight=False)
        if a["cause"]:
            console.print(f"   cause: {a['cause']}", markup=False, highlight=False)


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


@review_app.callback(invoke_without_command=True)
def review(
    ctx: typer.Context,
    country: str | None = typer.Option(None, help="Destination country code, e.g. MX."),
    since: str | None = typer.Option(None, help="Only licences issued on or after this day (YYYY-MM-DD)."),
    json: bool = typer.Option(False, "--json", help="Print JSON."),
    as_csv: bool = typer.Option(False, "--csv", help="Print CSV, one row per finding."),
    refresh: bool = typer.Option(False, "--refresh", help="Run a full review first."),
) -> None:
    """The review grouped by criterion, each licence with its findings and evidence, and a summary.

    The first time (or with --refresh) it reviews the whole book first, with a progress bar.
    """
    if ctx.invoked_subcommand is not None:
        return
    app_state = state(ctx)
    database = app_state.database()
    with database.session() as session:
        never = session.execute(select(func.count(ReviewJobRow.id))).scalar_one() == 0
    if refresh or never:
        run_with_progress(ctx, country=country, since=since, quiet=json or as_csv)
    show_review(ctx, country=country, since=since, json=json, as_csv=as_csv)


def run_with_progress(
    ctx: typer.Context, *, country: str | None, since: str | None, quiet: bool, job_id: int | None = None
) -> None:
    from lantern.review.runner import run_review

    app_state = state(ctx)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err_console, disable=quiet, transient=False) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(phase.capitalize(), total=total)
            bar.update(tasks[phase], completed=done, total=total)

        job, outcome = run_review(
            app_state.database(),
            app_state.settings,
            job_id=job_id,
            country=country,
            since=date.fromisoformat(since) if since else None,
            progress=progress,
        )
    if not quiet:
        err_console.print(
            f"Review job {job}: {outcome.licences:,} licences, {outcome.new} new, {outcome.changed} changed, "
            f"{outcome.resolved} resolved findings."
        )


@review_app.command("run")
def run(
    ctx: typer.Context,
    country: str | None = typer.Option(None, help="Destination country code, e.g. MX."),
    since: str | None = typer.Option(None, help="Only licences issued on or after this day (YYYY-MM-DD)."),
    background: bool = typer.Option(False, "--background", help="Queue it for `lantern worker` instead."),
) -> None:
    """Review the whole book now (with a progress bar), or queue it for a worker."""
    if not background:
        run_with_progress(ctx, country=country, since=since, quiet=False)
        return
    from lantern.review.runner import job_queue

    app_state = state(ctx)
    params: dict[str, Any] = {"as_of": date.today().isoformat(), "cause": "full review"}
    if country:
        params["country"] = country
    if since:
        params["since"] = since
    job = service.start_job(app_state.database(), kind="full", params=params)
    job_queue(app_state.settings).enqueue("review", job)
    console.print(
        f"Review job {job} queued; `lantern worker` runs it, `lantern review status` shows progress."
    )


@review_app.command("resume")
def resume(ctx: typer.Context) -> None:
    """Resume the newest review job that did not finish, from its checkpoint."""
    with state(ctx).database().session() as session:
        job = service.resumable_job(session)
        job_id = job.id if job else None
    if job_id is None:
        console.print("No review job to resume.")
        return
    run_with_progress(ctx, country=None, since=None, quiet=False, job_id=job_id)


@review_app.command("status")
def status(ctx: typer.Context, json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Progress of the recent review jobs."""
    with state(ctx).database().session() as session:
        rows = session.execute(select(ReviewJobRow).order_by(ReviewJobRow.id.desc()).limit(10)).scalars()
        data: list[dict[str, Any]] = [
            {
                "job": r.id,
                "status": r.status,
                "done": r.done,
                "total": r.total,
                "checkpoint": r.checkpoint,
                "params": r.params,
                "started_at": r.started_at.isoformat() if r.started_at else None,
                "finished_at": r.finished_at.isoformat() if r.finished_at else None,
                "message": r.message,
            }
            for r in rows
        ]
    if json:
        print_json(data)
        return
    table = Table("job", "status", "progress", "started", "finished", "result")
    for d in data:
        table.add_row(
            str(d["job"]),
            d["status"],
            f"{d['done']:,}/{d['total']:,}",
            (d["started_at"] or "")[:19],
            (d["finished_at"] or "")[:19],
            d["message"] or "",
        )
    console.print(table)


def worker(ctx: typer.Context) -> None:
    """Run queued jobs (full reviews) until stopped with Ctrl-C."""
    from lantern.review.runner import job_queue

    app_state = state(ctx)
    console.print(f"Worker on the {app_state.settings.jobs.backend} queue; Ctrl-C stops it.")
    job_queue(app_state.settings).run_worker()


resolutions_app = typer.Typer(help="How each party of a licence was resolved, and analysts' dispositions.")


@resolutions_app.command("show")
def show_resolutions(
    ctx: typer.Context,
    licence: str = typer.Argument(..., help="Licence number or AGENCY/NUMBER."),
    json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Each party of a licence as written, what it resolved to, how sure, and why."""
    from lantern.licences.service import find_licence_row

    with state(ctx).database().session() as session:
        row = find_licence_row(session, licence)
        stored = {
            r.party_id: r
            for r in session.execute(
                select(ResolutionRow).where(ResolutionRow.licence_id == row.id)
            ).scalars()
        }
        data = []
        for party in row.parties:
            res = stored.get(party.id)
            data.append(
                {
                    "party": party.id,
                    "role": party.role,
                    "name": party.name,
                    "entity_id": res.entity_id if res else None,
                    "matched_name": res.matched_name if res else None,
                    "decision": res.decision if res else None,
                    "score": round(res.score, 4) if res else None,
                    "source": res.source if res else None,
                    "why": res.why if res else None,
                    "candidates": res.candidates if res else [],
                }
            )
    if json:
        print_json(data)
        return
    for d in data:
        console.print(f"[bold]#{d['party']}[/bold] {d['role']}: {d['name']}", highlight=False)
        if d["decision"] is None:
            console.print("   not resolved yet (run `lantern review run`)")
            continue
        target = d["matched_name"] or d["entity_id"] or "nothing"
        console.print(
            f"   → {d['decision']} {target} ({d['entity_id']}), score {d['score']}, by {d['source']}",
            markup=False,
        )
        if d["why"]:
            console.print(f"     {d['why']}", markup=False, highlight=False)


def _dispose_resolution(ctx: typer.Context, party: int, entity: str, verdict: str, reason: str) -> None:
    from lantern.review.triggers import dispose_resolution_and_revet

    app_state = state(ctx)
    done = dispose_resolution_and_revet(
        app_state.database(),
        app_state.settings,
        party_id=party,
        entity_id=entity,
        verdict=verdict,
        actor=app_state.settings.actor,
        reason=reason,
    )
    outcome = done.outcome
    console.print(
        f"Recorded: {verdict} {entity} for every party written “{done.name}”. "
        f"Re-vetted {outcome.licences} licence(s): {outcome.new} new, {outcome.changed} changed, "
        f"{outcome.resolved} resolved finding(s)."
    )


@resolutions_app.command("confirm")
def confirm(
    ctx: typer.Context,
    party: int = typer.Argument(..., help="Party number (from `lantern resolutions show`)."),
    entity: str = typer.Argument(..., help="The unit or list entry it is: unit:<key> or entry:<list>/<key>."),
    reason: str = typer.Option(..., "--reason", help="Why: kept in the audit log."),
) -> None:
    """Confirm what a party is; remembered for every party written the same way."""
    _dispose_resolution(ctx, party, entity, "confirm", reason)


@resolutions_app.command("reject")
def reject(
    ctx: typer.Context,
    party: int = typer.Argument(..., help="Party number (from `lantern resolutions show`)."),
    entity: str = typer.Argument(
        ..., help="The unit or list entry it is not: unit:<key> or entry:<list>/<key>."
    ),
    reason: str = typer.Option(..., "--reason", help="Why: kept in the audit log."),
) -> None:
    """Reject a candidate for a party; remembered for every party written the same way."""
    _dispose_resolution(ctx, party, entity, "reject", reason)
