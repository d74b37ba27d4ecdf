"""Monitoring after approval: the end-use check queue and the recording form, violation cases with their
statutory report drafts, "mark sent", status changes and the open-a-case action."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, TypeVar

from fastapi import Form, Query
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from lantern.accounts.model import Account, Permission
from lantern.errors import ValidationProblem
from lantern.licences.service import find_licence_row
from lantern.monitoring import cases as case_service
from lantern.monitoring import checks as check_service
from lantern.monitoring.cases_model import TRANSITIONS, CaseKind, CaseStatus, ReportKind
from lantern.monitoring.checks_model import (
    CheckOutcome,
    CheckStage,
    InventoryLine,
    ReasonCategory,
    quarter_of,
)
from lantern.settings import Settings
from lantern.web.deps import CurrentAccount, DatabaseDep, SessionDep, SettingsDep
from lantern.web.models_monitoring import (
    CaseCreate,
    CaseListRead,
    CaseRead,
    CaseStatusChange,
    CheckCreate,
    CheckQueueRead,
    CheckRead,
    RecordedCheckRead,
)
from lantern.web.routes.common import BlankIsNone, filters_of
from lantern.web.routing import LanternRouter
from lantern.web.templating import segment

router = LanternRouter(tag="monitoring")

Model = TypeVar("Model", bound=BaseModel)


def _form(model: type[Model], data: dict[str, Any]) -> Model:
    """A form's fields as the API's request model; problems come back as a page, not a server error."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = [f"{'.'.join(str(p) for p in e['loc']) or 'form'}: {e['msg']}" for e in exc.errors()]
        raise ValidationProblem("; ".join(problems), problems) from None


# ---------------------------------------------------------------------------------------------------------
# Violation cases


def case_read(session: Session, key: str, *, full: bool) -> CaseRead:
    case = case_service.find_case(session, key)
    view = case_service.case_view(session, case, full=full)
    view["next_statuses"] = sorted(s.value for s in TRANSITIONS[CaseStatus(case.status)])
    return CaseRead.model_validate(view)


@router.page("/cases", permission=Permission.MONITORING_READ, template="monitoring/cases.html")
def cases(
    session: SessionDep,
    status: Annotated[CaseStatus | None, Query(), BlankIsNone] = None,
    kind: Annotated[CaseKind | None, Query(), BlankIsNone] = None,
    licence: Annotated[str | None, Query(max_length=120, description="AGENCY/NUMBER"), BlankIsNone] = None,
    holder: Annotated[
        str | None, Query(max_length=200, description="Prefills the open-a-case form."), BlankIsNone
    ] = None,
) -> CaseListRead:
    """Violation cases: re-transfers, implicated holders and check results, with their reports' due dates."""
    rows = case_service.list_cases(
        session, status=status.value if status else None, kind=kind.value if kind else None, licence=licence
    )
    return CaseListRead(
        cases=[CaseRead.model_validate(case_service.case_view(session, row)) for row in rows],
        filters=filters_of(
            status=status.value if status else None, kind=kind.value if kind else None, licence=licence
        ),
        kinds=[k.value for k in CaseKind],
        statuses=[s.value for s in CaseStatus],
        prefill={k: v for k, v in {"licence": licence, "holder": holder}.items() if v},
    )


@router.page("/cases/{key}", permission=Permission.MONITORING_READ, template="monitoring/case.html")
def case(key: str, session: SessionDep) -> CaseRead:
    """One case: its facts, evidence, status with who and why, and its statutory report drafts."""
    return case_read(session, key, full=True)


def _open(database: Any, settings: Settings, account: Account, body: CaseCreate) -> str:
    with database.transaction() as session:
        row = case_service.open_case(
            session,
            kind=body.kind,
            opened_on=date.today(),
            actor=account.audit_name,
            settings=settings.monitoring,
            licence=find_licence_row(session, body.licence),
            holder_unit_id=case_service.unit_id_of(session, body.holder) if body.holder else None,
            justification=body.justification,
        )
        return row.key


@router.api("/api/cases", permission=Permission.MONITORING_WRITE, methods=("POST",))
def open_case_api(
    body: CaseCreate, database: DatabaseDep, settings: SettingsDep, account: CurrentAccount
) -> CaseRead:
    """Open a violation case by hand; the justification is kept with the case and audited."""
    key = _open(database, settings, account, body)
    with database.session() as session:
        return case_read(session, key, full=True)


@router.html(
    "/cases", permission=Permission.MONITORING_WRITE, no_twin="a form; POST /api/cases", methods=("POST",)
)
def open_case_form(
    database: DatabaseDep,
    settings: SettingsDep,
    account: CurrentAccount,
    licence: Annotated[str, Form(max_length=120)],
    justification: Annotated[str, Form(max_length=5000)],
    kind: Annotated[str, Form(max_length=40)] = "other",
    holder: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    body = _form(
        CaseCreate,
        {"licence": licence, "justification": justification, "kind": kind, "holder": holder.strip() or None},
    )
    key = _open(database, settings, account, body)
    return RedirectResponse(f"/cases/{segment(key)}", status_code=303)


def _status(database: Any, account: Account, key: str, body: CaseStatusChange) -> str:
    with database.transaction() as session:
        row = case_service.change_status(
            session, key, status=body.status, reason=body.reason, actor=account.audit_name, on=date.today()
        )
        return row.key


@router.api("/api/cases/{key}/status", permission=Permission.MONITORING_WRITE, methods=("POST",))
def case_status_api(
    key: str, body: CaseStatusChange, database: DatabaseDep, account: CurrentAccount
) -> CaseRead:
    """Move a case to substantiated, not substantiated or closed, with the reason (audited)."""
    found = _status(database, account, key, body)
    with database.session() as session:
        return case_read(session, found, full=True)


@router.html(
    "/cases/{key}/status",
    permission=Permission.MONITORING_WRITE,
    no_twin="a form; POST /api/cases/{key}/status",
    methods=("POST",),
)
def case_status_form(
    key: str,
    database: DatabaseDep,
    account: CurrentAccount,
    status: Annotated[str, Form(max_length=40)],
    reason: Annotated[str, Form(min_length=1, max_length=5000)],
) -> Response:
    found = _status(database, account, key, _form(CaseStatusChange, {"status": status, "reason": reason}))
    return RedirectResponse(f"/cases/{segment(found)}", status_code=303)


def _mark_sent(database: Any, account: Account, key: str, kind: ReportKind) -> str:
    with database.transaction() as session:
        case_service.mark_report_sent(session, key, kind=kind, actor=account.audit_name, on=date.today())
        return case_service.find_case(session, key).key


@router.api("/api/cases/{key}/reports/{kind}/sent", permission=Permission.MONITORING_WRITE, methods=("POST",))
def mark_sent_api(key: str, kind: ReportKind, database: DatabaseDep, account: CurrentAccount) -> CaseRead:
    """Record a statutory report as sent today (audited)."""
    found = _mark_sent(database, account, key, kind)
    with database.session() as session:
        return case_read(session, found, full=True)


@router.html(
    "/cases/{key}/reports/{kind}/sent",
    permission=Permission.MONITORING_WRITE,
    no_twin="a form; POST /api/cases/{key}/reports/{kind}/sent",
    methods=("POST",),
)
def mark_sent_form(key: str, kind: ReportKind, database: DatabaseDep, account: CurrentAccount) -> Response:
    found = _mark_sent(database, account, key, kind)
    return RedirectResponse(f"/cases/{segment(found)}#reports", status_code=303)


# ---------------------------------------------------------------------------------------------------------
# End-use checks


@router.page("/checks", permission=Permission.MONITORING_READ, template="monitoring/checks.html")
def checks(
    session: SessionDep,
    settings: SettingsDep,
    capacity: Annotated[int, Query(ge=0, le=10_000, description="How many checks can be run.")] = 40,
    quarter: Annotated[
        str | None,
        Query(max_length=7, pattern=r"^[1-9]\d{3}[Qq][1-4]$", description="e.g. 2026Q4"),
        BlankIsNone,
    ] = None,
) -> CheckQueueRead:
    """The risk-ranked queue over every firearm licence, the plan covering the most risk for a capacity,
    and the checks planned and recorded."""
    label = (quarter or quarter_of(date.today())).upper()
    plan, _ = check_service.plan_checks(
        session, settings, capacity=capacity, as_of=date.today(), quarter=label
    )
    view = check_service.plan_view(plan)
    view.pop("saved")
    return CheckQueueRead.model_validate(
        {
            **view,
            "quarter": label,
            "checks": [check_service.check_view(c, ref) for c, ref in check_service.list_checks(session)],
            "stages": [s.value for s in CheckStage],
            "outcomes": [o.value for o in CheckOutcome],
            "reasons": [r.value for r in ReasonCategory],
        }
    )


@router.page("/checks/{key}", permission=Permission.MONITORING_READ, template="monitoring/check.html")
def check(key: str, session: SessionDep) -> CheckRead:
    """One end-use check with its serial inventory."""
    row, licence = check_service.find_check_and_licence(session, key)
    return CheckRead.model_validate(check_service.check_view(row, licence, full=True))


def _record(database: Any, settings: Settings, account: Account, body: CheckCreate) -> RecordedCheckRead:
    inventory = [InventoryLine(s.serial.strip(), s.state, s.make) for s in body.serials]
    with database.transaction() as session:
        done = check_service.record_check(
            session,
            settings,
            licence=body.licence,
            stage=body.stage,
            outcome=body.outcome,
            performed_on=body.performed_on,
            reasons=body.reasons,
            inventory=inventory,
            notes=body.notes,
            key=body.check,
            shipment=body.shipment,
            actor=account.audit_name,
            today=date.today(),
        )
        return RecordedCheckRead.model_validate(done.as_dict())


@router.api("/api/checks", permission=Permission.MONITORING_WRITE, methods=("POST",))
def record_check_api(
    body: CheckCreate, database: DatabaseDep, settings: SettingsDep, account: CurrentAccount
) -> RecordedCheckRead:
    """Record an end-use check; missing and unlisted serials and an unfavourable outcome feed a case."""
    return _record(database, settings, account, body)


def parse_serial_lines(text: str) -> list[dict[str, str]]:
    """The form's inventory: one serial a line, optionally `,state` and `,make` after it."""
    out = []
    for line in text.splitlines():
        parts = [p.strip() for p in line.split(",")]
        if not parts[0]:
            continue
        entry = {"serial": parts[0], "state": parts[1] if len(parts) > 1 and parts[1] else "found"}
        if len(parts) > 2 and parts[2]:
            entry["make"] = parts[2]
        out.append(entry)
    return out


@router.html(
    "/checks", permission=Permission.MONITORING_WRITE, no_twin="a form; POST /api/checks", methods=("POST",)
)
def record_check_form(
    database: DatabaseDep,
    settings: SettingsDep,
    account: CurrentAccount,
    licence: Annotated[str, Form(max_length=120)],
    outcome: Annotated[str, Form(max_length=40)],
    performed: Annotated[date, Form()],
    stage: Annotated[str, Form(max_length=40)] = "post_shipment",
    reasons: Annotated[list[str] | None, Form()] = None,
    serials: Annotated[str, Form(max_length=200_000)] = "",
    notes: Annotated[str, Form(max_length=5000)] = "",
    check: Annotated[str, Form(max_length=60)] = "",
) -> Response:
    body = _form(
        CheckCreate,
        {
            "licence": licence,
            "stage": stage,
            "outcome": outcome,
            "performed_on": performed,
            "reasons": reasons or [],
            "serials": parse_serial_lines(serials),
            "notes": notes or None,
            "check": check or None,
        },
    )
    done = _record(database, settings, account, body)
    target = f"/cases/{segment(done.case)}" if done.case else f"/checks/{segment(done.check)}"
    return RedirectResponse(target, status_code=303)
