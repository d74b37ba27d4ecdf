"""The review on the web: the licence page's review sections, the findings list, the alert queue, and the
actions on them (dispose a finding, confirm or reject a resolution, decide on a licence, acknowledge an
alert).

Every action has a JSON route under /api and a form route that redirects back to the page it came from;
both call the same service as the CLI (`lantern.review.service`, `lantern.review.triggers`), which writes
the audit log in the same transaction and re-vets what the action can change.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from lantern.accounts.model import Account, Permission
from lantern.db.tables.licences import LicenceRow
from lantern.db.tables.registry import SourceRow
from lantern.db.tables.review import AlertRow, FindingRow, LicenceDecisionRow
from lantern.licences.model import Agency
from lantern.review import service
from lantern.review.model import Criterion, FindingStatus, Severity
from lantern.review.reading import (
    FindingFilter,
    LicenceReview,
    PartyResolution,
    count_open_alerts,
    list_findings,
    open_findings_by_criterion,
    read_licence_review,
)
from lantern.review.service import DECISION_EFFECTS, Outcome
from lantern.review.triggers import decide_and_review, dispose_resolution_and_revet
from lantern.web.deps import CurrentAccount, DatabaseDep, SessionDep, SettingsDep
from lantern.web.errors import ErrorOut
from lantern.web.models import SlotLineRead
from lantern.web.models_review import (
    MAX_ROW_ID,
    AcknowledgeIn,
    ActionDoneRead,
    ActionsRead,
    AlertQueueRead,
    AlertRead,
    CandidateRead,
    CitationLinkRead,
    DecideIn,
    DecisionRead,
    DisposeFindingIn,
    DisposeResolutionIn,
    DispositionRead,
    EvidenceStepRead,
    FeatureRead,
    FindingListRead,
    FindingRead,
    LicenceReviewRead,
    ResolutionRead,
    RowNumber,
    SourceLinkRead,
)
from lantern.web.routes.common import BlankIsNone, filters_of
from lantern.web.routes.session import safe_next
from lantern.web.routing import LanternRouter
from lantern.web.templating import safe_url, segment

router = LanternRouter(tag="review")

#: Decisions offered on the licence page. Provisos are added from the CLI (`lantern licences proviso`).
PAGE_DECISIONS = ("approve", "deny", "suspend", "revoke", "reinstate")

#: A row number in a path: within the 32-bit range every database stores.
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]

#: Actions refused because of the record's state: a resolved finding, a licence whose status does not allow
#: the decision, an alert already acknowledged.
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorOut, "description": "The record's state does not allow this action now."}
}

Justification = Annotated[str, Form(min_length=1, max_length=5000, description="Why: kept in the audit log.")]
Next = Annotated[str, Form(max_length=2000)]


# ---------------------------------------------------------------------------------------------------------
# Reading


def _source_link(key: str, sources: dict[str, SourceRow]) -> SourceLinkRead:
    row = sources.get(key)
    return SourceLinkRead(key=key, title=row.title if row else None, url=safe_url(row.url) if row else None)


def evidence_read(step: dict[str, object], sources: dict[str, SourceRow]) -> EvidenceStepRead:
    data = step.get("data") or {}
    assert isinstance(data, dict)
    citations = []
    if step.get("kind") == "allegation":
        for c in data.get("citations", []) or []:
            citations.append(
                CitationLinkRead(
                    source=_source_link(str(c.get("source")), sources),
                    access_point=c.get("access_point"),
                    quote=c.get("quote"),
                )
            )
    return EvidenceStepRead(
        kind=str(step.get("kind")), text=str(step.get("text")), citations=citations, data=data
    )


def _criterion_title(value: str) -> str:
    return Criterion(value).heading if value in set(Criterion) else value.replace("_", " ")


def finding_read(row: FindingRow, licence: LicenceRow, sources: dict[str, SourceRow]) -> FindingRead:
    return FindingRead(
        id=row.id,
        licence=f"{licence.agency}/{licence.number}",
        criterion=row.criterion,
        criterion_title=_criterion_title(row.criterion),
        code=row.code,
        severity=row.severity,
        recommendation=row.recommendation,
        status=FindingStatus.RESOLVED.value if row.resolved_at else row.status,
        summary=row.summary,
        evidence=[evidence_read(step, sources) for step in row.evidence or []],
        quantity=row.quantity,
        value=str(row.value),
        shipped_since_quantity=row.shipped_since_quantity,
        shipped_since_value=None if row.shipped_since_value is None else str(row.shipped_since_value),
        first_seen_at=row.first_seen_at,
        last_changed_at=row.last_changed_at,
        resolved_at=row.resolved_at,
        dispositions=[
            DispositionRead(status=d.status, actor=d.actor, at=d.at, reason=d.reason)
            for d in row.dispositions
        ],
    )


def alert_read(row: AlertRow, licence: LicenceRow) -> AlertRead:
    return AlertRead(
        id=row.id,
        licence=f"{licence.agency}/{licence.number}",
        finding=row.finding_id,
        kind=row.kind,
        what_changed=row.what_changed,
        cause=row.cause,
        created_at=row.created_at,
        acknowledged_at=row.acknowledged_at,
        acknowledged_by=row.acknowledged_by,
        decision=row.decision_id,
    )


def decision_read(row: LicenceDecisionRow) -> DecisionRead:
    return DecisionRead(
        id=row.id,
        action=row.action,
        actor=row.actor,
        at=row.at,
        justification=row.justification,
        findings=[int(i) for i in row.finding_ids or []],
        proviso=row.proviso,
    )


def resolution_read(item: PartyResolution) -> ResolutionRead:
    party, res = item.party, item.resolution
    features: list[FeatureRead] = []
    if res is not None and isinstance(res.explanation, dict):
        features = [FeatureRead.model_validate(f) for f in res.explanation.get("features", []) or []]
    return ResolutionRead(
        party=party.id,
        role=party.role,
        name=party.name,
        country=party.country,
        entity_id=res.entity_id if res else None,
        matched_name=res.matched_name if res else None,
        decision=res.decision if res else None,
        score=round(res.score, 4) if res else None,
        source=res.source if res else None,
        why=res.why if res else None,
        features=features,
        candidates=[
            CandidateRead(entity_id=str(c[0]), score=round(float(c[1]), 4))
            for c in (res.candidates if res else [])
        ],
    )


def allowed_decisions(status: str | None) -> list[str]:
    return [action for action in PAGE_DECISIONS if (status or "") in DECISION_EFFECTS[action][1]]


def review_read(review: LicenceReview, licence: LicenceRow, account: Account) -> LicenceReviewRead:
    decide = account.can(Permission.REVIEW_DECIDE)
    return LicenceReviewRead(
        reviewed=review.reviewed,
        resolutions=[resolution_read(item) for item in review.parties],
        findings=[finding_read(f, licence, review.sources) for f in review.findings],
        decisions=[decision_read(d) for d in review.decisions],
        alerts=[alert_read(a, licence) for a in review.alerts],
        actions=ActionsRead(
            dispose_findings=decide,
            dispose_resolutions=account.can(Permission.REGISTRY_WRITE),
            decisions=allowed_decisions(licence.status) if decide else [],
        ),
    )


def review_section(session: Session, licence: LicenceRow, account: Account) -> LicenceReviewRead | None:
    """The licence page's review sections, for accounts that may read the review (never exporters)."""
    if account.licence_scope is not None or not account.can(Permission.REVIEW_READ):
        return None
    return review_read(read_licence_review(session, licence), licence, account)


@router.page(
    "/findings",
    permission=Permission.REVIEW_READ,
    template="review/findings.html",
    partial="review/_findings.html",
)
def findings(
    session: SessionDep,
    settings: SettingsDep,
    criterion: Annotated[Criterion | None, Query(), BlankIsNone] = None,
    status: Annotated[
        FindingStatus | None, Query(description="Default: open and confirmed."), BlankIsNone
    ] = None,
    severity: Annotated[Severity | None, Query(), BlankIsNone] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> FindingListRead:
    """Findings of the review, most recently changed first, by criterion, status and severity."""
    size = min(settings.web.page_size, 200)
    flt = FindingFilter(
        criterion=criterion.value if criterion else None,
        status=status.value if status else None,
        severity=severity.value if severity else None,
    )
    rows, total = list_findings(session, flt, limit=size, offset=(page - 1) * size)
    return FindingListRead(
        total=total,
        page=page,
        page_size=size,
        pages=max(1, -(-total // size)),
        filters=filters_of(criterion=flt.criterion, status=flt.status, severity=flt.severity),
        findings=[finding_read(row, row.licence, {}) for row in rows],
        criteria={c.value: c.heading for c in Criterion},
    )


@router.page("/alerts", permission=Permission.REVIEW_READ, template="review/alerts.html")
def alerts(
    session: SessionDep,
    account: CurrentAccount,
    all: Annotated[bool, Query(description="Include acknowledged alerts.")] = False,
) -> AlertQueueRead:
    """The alert queue, newest first: findings that are new, changed or resolved since they were last seen."""
    rows = service.list_alerts(session, open_only=not all, limit=200)
    return AlertQueueRead(
        open_only=not all,
        alerts=[alert_read(row, row.licence) for row in rows],
        may_acknowledge=account.can(Permission.REVIEW_DECIDE),
    )


# ---------------------------------------------------------------------------------------------------------
# Actions


def done_read(message: str, outcome: Outcome, *, decision: int | None = None) -> ActionDoneRead:
    return ActionDoneRead(
        message=message,
        licences_reviewed=outcome.licences,
        new=outcome.new,
        changed=outcome.changed,
        resolved=outcome.resolved,
        alerts=list(outcome.alerts),
        decision=decision,
    )


def _revet_note(outcome: Outcome) -> str:
    if not (outcome.new or outcome.changed or outcome.resolved):
        return ""
    return (
        f" Re-vetted: {outcome.new} new, {outcome.changed} changed, {outcome.resolved} resolved finding(s); "
        f"{len(outcome.alerts)} alert(s) raised."
    )


def _back(request: Request, target: str, message: str) -> Response:
    request.session["flash"] = message
    return RedirectResponse(safe_next(target), status_code=303)


def _licence_path(agency: str, number: str) -> str:
    return f"/licences/{segment(agency)}/{segment(number)}"


def do_dispose_finding(
    database: DatabaseDep, account: Account, finding_id: int, body: DisposeFindingIn
) -> ActionDoneRead:
    with database.transaction() as session:
        row = service.dispose_finding(
            session, finding_id, status=body.status, actor=account.audit_name, reason=body.reason
        )
        key = f"{row.licence.agency}/{row.licence.number}"
    return done_read(f"Finding {finding_id} on licence {key} is now {body.status}.", Outcome())


@router.api(
    "/api/findings/{finding_id}/dispositions",
    permission=Permission.REVIEW_DECIDE,
    methods=("POST",),
    errors=CONFLICT,
)
def dispose_finding_api(
    finding_id: RowId, body: DisposeFindingIn, database: DatabaseDep, account: CurrentAccount
) -> ActionDoneRead:
    """Confirm, dismiss or reopen a finding, with the justification (kept in the audit log)."""
    return do_dispose_finding(database, account, finding_id, body)


@router.html(
    "/findings/{finding_id}/dispose",
    permission=Permission.REVIEW_DECIDE,
    no_twin="a form; its JSON side is POST /api/findings/{finding_id}/dispositions",
    methods=("POST",),
)
def dispose_finding_form(
    request: Request,
    finding_id: RowId,
    database: DatabaseDep,
    account: CurrentAccount,
    status: Annotated[str, Form(pattern="^(confirmed|dismissed|open)$")],
    reason: Justification,
    next: Next = "/findings",
) -> Response:
    done = do_dispose_finding(database, account, finding_id, DisposeFindingIn(status=status, reason=reason))
    return _back(request, next, done.message)


def do_decide(
    database: DatabaseDep,
    settings: SettingsDep,
    account: Account,
    agency: Agency,
    number: str,
    body: DecideIn,
) -> ActionDoneRead:
    ref = f"{agency.value}/{number}"
    decision, done = decide_and_review(
        database,
        settings,
        ref,
        action=body.action,
        actor=account.audit_name,
        justification=body.justification,
        finding_ids=body.findings,
    )
    message = f"Decision {decision}: {body.action} licence {ref}, recorded in the audit log." + _revet_note(
        done.outcome
    )
    return done_read(message, done.outcome, decision=decision)


@router.api(
    "/api/licences/{agency}/{number}/decisions",
    permission=Permission.REVIEW_DECIDE,
    methods=("POST",),
    errors=CONFLICT,
)
def decide_api(
    agency: Agency,
    number: str,
    body: DecideIn,
    database: DatabaseDep,
    settings: SettingsDep,
    account: CurrentAccount,
) -> ActionDoneRead:
    """Approve, deny, suspend, revoke or reinstate a licence, with the justification and the findings it rests
    on; the licence is reviewed again at once."""
    return do_decide(database, settings, account, agency, number, body)


@router.html(
    "/licences/{agency}/{number}/decisions",
    permission=Permission.REVIEW_DECIDE,
    no_twin="a form; its JSON side is POST /api/licences/{agency}/{number}/decisions",
    methods=("POST",),
)
def decide_form(
    request: Request,
    agency: Agency,
    number: str,
    database: DatabaseDep,
    settings: SettingsDep,
    account: CurrentAccount,
    action: Annotated[str, Form(pattern="^(approve|deny|suspend|revoke|reinstate)$")],
    justification: Justification,
    findings: Annotated[list[RowNumber] | None, Form(max_length=100)] = None,
) -> Response:
    body = DecideIn(action=action, justification=justification, findings=findings or [])
    done = do_decide(database, settings, account, agency, number, body)
    return _back(request, _licence_path(agency.value, number) + "#decisions-heading", done.message)


def do_dispose_resolution(
    database: DatabaseDep, settings: SettingsDep, account: Account, party_id: int, body: DisposeResolutionIn
) -> tuple[ActionDoneRead, str]:
    done = dispose_resolution_and_revet(
        database,
        settings,
        party_id=party_id,
        entity_id=body.entity_id,
        verdict=body.verdict,
        actor=account.audit_name,
        reason=body.reason,
    )
    message = (
        f"Recorded: {body.verdict} {body.entity_id} for every party written “{done.name}”; "
        f"{done.outcome.licences} licence(s) reviewed again." + _revet_note(done.outcome)
    )
    return done_read(message, done.outcome), sorted(done.licences)[0] if done.licences else ""


@router.api("/api/parties/{party_id}/resolution", permission=Permission.REGISTRY_WRITE, methods=("POST",))
def dispose_resolution_api(
    party_id: RowId,
    body: DisposeResolutionIn,
    database: DatabaseDep,
    settings: SettingsDep,
    account: CurrentAccount,
) -> ActionDoneRead:
    """Confirm or reject what a party is (a unit or list entry). It holds for every party written the same
    way, and every licence with such a party is re-vetted at once."""
    return do_dispose_resolution(database, settings, account, party_id, body)[0]


@router.html(
    "/parties/{party_id}/resolution",
    permission=Permission.REGISTRY_WRITE,
    no_twin="a form; its JSON side is POST /api/parties/{party_id}/resolution",
    methods=("POST",),
)
def dispose_resolution_form(
    request: Request,
    party_id: RowId,
    database: DatabaseDep,
    settings: SettingsDep,
    account: CurrentAccount,
    entity_id: Annotated[str, Form(min_length=1, max_length=420)],
    verdict: Annotated[str, Form(pattern="^(confirm|reject)$")],
    reason: Justification,
    next: Next = "/dashboard",
) -> Response:
    body = DisposeResolutionIn(entity_id=entity_id, verdict=verdict, reason=reason)
    done, _ = do_dispose_resolution(database, settings, account, party_id, body)
    return _back(request, next, done.message)


def do_acknowledge(
    database: DatabaseDep, account: Account, alert_id: int, body: AcknowledgeIn
) -> ActionDoneRead:
    with database.transaction() as session:
        service.acknowledge_alert(session, alert_id, actor=account.audit_name, decision_id=body.decision)
    return done_read(f"Alert {alert_id} acknowledged.", Outcome())


@router.api(
    "/api/alerts/{alert_id}/acknowledgement",
    permission=Permission.REVIEW_DECIDE,
    methods=("POST",),
    errors=CONFLICT,
)
def acknowledge_api(
    alert_id: RowId, body: AcknowledgeIn, database: DatabaseDep, account: CurrentAccount
) -> ActionDoneRead:
    """Acknowledge an alert, optionally naming the decision it led to."""
    return do_acknowledge(database, account, alert_id, body)


@router.html(
    "/alerts/{alert_id}/acknowledge",
    permission=Permission.REVIEW_DECIDE,
    no_twin="a form; its JSON side is POST /api/alerts/{alert_id}/acknowledgement",
    methods=("POST",),
)
def acknowledge_form(
    request: Request,
    alert_id: RowId,
    database: DatabaseDep,
    account: CurrentAccount,
    next: Next = "/alerts",
) -> Response:
    done = do_acknowledge(database, account, alert_id, AcknowledgeIn())
    return _back(request, next, done.message)


# ---------------------------------------------------------------------------------------------------------
# Dashboard panels (`routes/home.SLOTS`)


def open_findings_lines(session: Session, account: Account) -> list[SlotLineRead]:
    counts = open_findings_by_criterion(session)
    return [
        SlotLineRead(
            label=c.heading, count=counts[c.value], href=f"/findings?criterion={c.value}&status=open"
        )
        for c in Criterion
        if counts.get(c.value)
    ]


def new_alerts_lines(session: Session, account: Account) -> list[SlotLineRead]:
    total, by_kind = count_open_alerts(session)
    if not total:
        return []
    return [SlotLineRead(label="Waiting for acknowledgement", count=total, href="/alerts")] + [
        SlotLineRead(label=f"{kind} findings", count=count) for kind, count in sorted(by_kind.items())
    ]
