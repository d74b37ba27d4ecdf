"""Violation cases as use cases: detect them from custody records, keep their evidence, move their status,
draft and send their statutory reports, and tell the review which substantiated violations stand.

Detection is idempotent: a custody event adds its evidence to a case once, and a concern already recorded
in a case (even a closed one) never opens another.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from lantern.audit.service import record_change
from lantern.db.tables.cases import (
    CaseEvidenceRow,
    CheckSerialRow,
    EndUseCheckRow,
    StatutoryReportRow,
    ViolationCaseRow,
)
from lantern.db.tables.licences import LicenceRow, PartyRow
from lantern.db.tables.registry import SourceRow, UnitRow
from lantern.db.tables.review import ResolutionRow
from lantern.db.tables.shipments import CustodyEventRow, SerialRow
from lantern.errors import Conflict, LanternError, NotFound
from lantern.licences.model import RECEIVING_ROLES, PartyRole
from lantern.licences.service import find_licence_row
from lantern.monitoring.cases_model import (
    HOLDING_EVENTS,
    REPORT_TITLES,
    REPORTS_FOR,
    CaseFacts,
    CaseKind,
    CaseStatus,
    Concern,
    EvidenceKind,
    ReportKind,
    Sighting,
    TransitionError,
    case_summary,
    check_transition,
    draft_report,
    due_on,
    sighting_concerns,
)
from lantern.monitoring.model import CustodyEventKind
from lantern.monitoring.numbering import next_key
from lantern.review.criteria import counted_since
from lantern.review.service import load_allegations, policy_from
from lantern.settings import MonitoringSettings, ReviewSettings
from lantern.units.hierarchy import children_index
from lantern.units.service import parent_map


def licence_ref(row: LicenceRow) -> str:
    return f"{row.agency}/{row.number}"


# ---------------------------------------------------------------------------------------------------------
# Opening cases and adding evidence


def next_case_key(session: Session, year: int) -> str:
    """The next case number of the year, from its locked counter (lantern.monitoring.numbering)."""
    return next_key(session, ViolationCaseRow.key, f"CASE-{year}-")


def case_snapshot(row: ViolationCaseRow) -> dict[str, Any]:
    return {
        "kind": row.kind,
        "status": row.status,
        "opened_on": row.opened_on.isoformat(),
        "substantiated_on": row.substantiated_on.isoformat() if row.substantiated_on else None,
        "closed_on": row.closed_on.isoformat() if row.closed_on else None,
        "licence_id": row.licence_id,
        "unit_id": row.unit_id,
        "holder_unit_id": row.holder_unit_id,
        "country": row.country,
        "summary": row.summary,
    }


def _end_user_unit_id(session: Session, licence_id: int) -> int | None:
    """The unit the licence's first end user resolves to (the review's resolution, else the unit the
    licence data gives)."""
    resolved = session.execute(
        select(ResolutionRow.unit_id)
        .join(PartyRow, PartyRow.id == ResolutionRow.party_id)
        .where(
            ResolutionRow.licence_id == licence_id,
            PartyRow.role == PartyRole.END_USER.value,
            ResolutionRow.unit_id.is_not(None),
        )
        .order_by(PartyRow.position)
        .limit(1)
    ).scalar_one_or_none()
    if resolved is not None:
        return resolved
    return session.execute(
        select(PartyRow.unit_id)
        .where(
            PartyRow.licence_id == licence_id,
            PartyRow.role == PartyRole.END_USER.value,
            PartyRow.unit_id.is_not(None),
        )
        .order_by(PartyRow.position)
        .limit(1)
    ).scalar_one_or_none()


def open_case(
    session: Session,
    *,
    kind: CaseKind,
    opened_on: date,
    actor: str,
    settings: MonitoringSettings,
    licence: LicenceRow | None = None,
    holder_unit_id: int | None = None,
    summary: str | None = None,
    justification: str | None = None,
    country: str | None = None,
) -> ViolationCaseRow:
    """Open a case and its statutory reports (due dates counted from `opened_on`, the day it was learned)."""
    unit_id = _end_user_unit_id(session, licence.id) if licence is not None else None
    holder_key = session.get(UnitRow, holder_unit_id).key if holder_unit_id else None  # type: ignore[union-attr]
    row = ViolationCaseRow(
        key=next_case_key(session, opened_on.year),
        kind=kind.value,
        status=CaseStatus.OPEN.value,
        opened_on=opened_on,
        licence_id=licence.id if licence is not None else None,
        unit_id=unit_id,
        holder_unit_id=holder_unit_id,
        country=country or (licence.destination_country if licence is not None else None),
        summary=summary or case_summary(kind, licence_ref(licence) if licence else None, holder_key, 0),
        opened_by=actor,
        status_by=actor,
        status_reason=justification,
    )
    session.add(row)
    session.flush()
    if justification:
        add_evidence(session, row, kind=EvidenceKind.NOTE, description=justification, recorded_on=opened_on)
    ensure_reports(session, row, settings)
    record_change(
        session,
        actor=actor,
        action="case.open",
        entity_type="violation_case",
        entity_key=row.key,
        after={**case_snapshot(row), "justification": justification},
    )
    return row


def add_evidence(
    session: Session,
    case: ViolationCaseRow,
    *,
    kind: EvidenceKind,
    description: str,
    recorded_on: date,
    custody_event_id: int | None = None,
    serial_id: int | None = None,
    check_id: int | None = None,
) -> CaseEvidenceRow:
    row = CaseEvidenceRow(
        kind=kind.value,
        custody_event_id=custody_event_id,
        serial_id=serial_id,
        check_id=check_id,
        description=description,
        recorded_on=recorded_on,
    )
    case.evidence.append(row)  # saved with the case (cascade); listed once in case.evidence
    return row


def ensure_reports(session: Session, case: ViolationCaseRow, settings: MonitoringSettings) -> list[str]:
    """Give the case every report its kind triggers that it does not have yet. Returns the kinds added."""
    have = {r.kind for r in case.reports}
    added = []
    for kind in REPORTS_FOR[CaseKind(case.kind)]:
        if kind.value in have:
            continue
        due = due_on(
            kind,
            case.opened_on,
            prompt_days=settings.prompt_report_days,
            immediate_days=settings.immediate_report_days,
        )
        report = StatutoryReportRow(kind=kind.value, due_on=due, draft="")
        case.reports.append(report)
        session.flush()
        report.draft = draft_report(kind, case_facts(session, case), due)
        added.append(kind.value)
    return added


# ---------------------------------------------------------------------------------------------------------
# Detection from custody records


@dataclass
class DetectionReport:
    events: int = 0  # holding events of licensed serials read
    concerns: int = 0
    opened: list[str] = field(default_factory=list)
    fed: list[str] = field(default_factory=list)
    evidence_added: int = 0
    unjudged: int = 0  # events whose licence has no resolved recipient (re-transfer cannot be judged)

    def as_dict(self) -> dict[str, Any]:
        return {
            "events": self.events,
            "concerns": self.concerns,
            "opened": self.opened,
            "fed": self.fed,
            "evidence_added": self.evidence_added,
            "unjudged": self.unjudged,
        }


def licence_recipients(session: Session, licence_ids: Iterable[int]) -> dict[int, list[str]]:
    """Units the licences' end users and consignees resolve to, by licence id."""
    ids = sorted(set(licence_ids))
    out: dict[int, list[str]] = defaultdict(list)
    roles = [r.value for r in RECEIVING_ROLES]
    for start in range(0, len(ids), 900):
        rows = session.execute(
            select(ResolutionRow.licence_id, UnitRow.key)
            .join(PartyRow, PartyRow.id == ResolutionRow.party_id)
            .join(UnitRow, UnitRow.id == ResolutionRow.unit_id)
            .where(ResolutionRow.licence_id.in_(ids[start : start + 900]), PartyRow.role.in_(roles))
            .order_by(PartyRow.position)
        )
        for licence_id, key in rows:
            if key not in out[licence_id]:
                out[licence_id].append(key)
        # Parties the licence data itself gives a unit for, before (or without) a review.
        given = session.execute(
            select(PartyRow.licence_id, UnitRow.key)
            .join(UnitRow, UnitRow.id == PartyRow.unit_id)
            .where(PartyRow.licence_id.in_(ids[start : start + 900]), PartyRow.role.in_(roles))
            .order_by(PartyRow.position)
        )
        for licence_id, key in given:
            if key not in out[licence_id]:
                out[licence_id].append(key)
    return dict(out)


def implicated_units(session: Session, settings: ReviewSettings, as_of: date) -> dict[str, date]:
    """Units with an allegation that counts under the review policy on `as_of`, and since when."""
    policy = policy_from(settings)
    out: dict[str, date] = {}
    for unit_key, allegations in load_allegations(session).items():
        days = [d for a in allegations if (d := counted_since(a, policy, as_of)) is not None]
        if days:
            out[unit_key] = min(days)
    return out


def detect(
    session: Session,
    *,
    monitoring: MonitoringSettings,
    review: ReviewSettings,
    actor: str,
    today: date,
    event_keys: Iterable[str] | None = None,
) -> DetectionReport:
    """Read custody events (all, or the given ones) and open or feed a case for every concern they raise."""
    report = DetectionReport()
    query = (
        select(CustodyEventRow, SerialRow.serial, SerialRow.licence_id, UnitRow.key, SourceRow.key)
        .join(SerialRow, SerialRow.id == CustodyEventRow.serial_id)
        .join(UnitRow, UnitRow.id == CustodyEventRow.holder_unit_id)
        .outerjoin(SourceRow, SourceRow.id == CustodyEventRow.source_id)
        .where(CustodyEventRow.event.in_([e.value for e in HOLDING_EVENTS]))
        .order_by(CustodyEventRow.event_date, CustodyEventRow.id)
    )
    if event_keys is not None:
        keys = sorted(set(event_keys))
        if not keys:
            return report
        query = query.where(CustodyEventRow.key.in_(keys))
    rows = session.execute(query).all()
    if not rows:
        return report
    licences = {
        row.id: row
        for row in session.execute(
            select(LicenceRow).where(LicenceRow.id.in_({r[2] for r in rows}))
        ).scalars()
    }
    recipients = licence_recipients(session, licences)
    children = children_index(parent_map(session))
    implicated = implicated_units(session, review, today)
    unit_ids: dict[str, int] = dict(session.execute(select(UnitRow.key, UnitRow.id)).all())
    groups: dict[tuple[int, str], list[tuple[Concern, CustodyEventRow]]] = defaultdict(list)
    for event, serial, licence_id, holder_key, source_key in rows:
        report.events += 1
        licence = licences[licence_id]
        sighting = Sighting(
            event_key=event.key,
            event=CustodyEventKind(event.event),
            day=event.event_date,
            partial_date=event.partial_date,
            serial=serial,
            licence_key=licence_ref(licence),
            holder_unit=holder_key,
            holder_text=event.holder,
            source=source_key,
        )
        if not recipients.get(licence_id):
            report.unjudged += 1
        for concern in sighting_concerns(sighting, recipients.get(licence_id, []), children, implicated):
            groups[(licence_id, concern.holder_unit)].append((concern, event))
    for (licence_id, holder_key), concerns in sorted(groups.items()):
        report.concerns += len(concerns)
        _record_concerns(
            session, licences[licence_id], unit_ids[holder_key], concerns, monitoring, actor, today, report
        )
    return report


def _record_concerns(
    session: Session,
    licence: LicenceRow,
    holder_unit_id: int,
    concerns: Sequence[tuple[Concern, CustodyEventRow]],
    settings: MonitoringSettings,
    actor: str,
    today: date,
    report: DetectionReport,
) -> None:
    cases = list(
        session.execute(
            select(ViolationCaseRow)
            .where(
                ViolationCaseRow.licence_id == licence.id, ViolationCaseRow.holder_unit_id == holder_unit_id
            )
            .options(selectinload(ViolationCaseRow.evidence), selectinload(ViolationCaseRow.reports))
            .order_by(ViolationCaseRow.id)
        ).scalars()
    )
    seen = {(e.custody_event_id, e.description) for case in cases for e in case.evidence}
    fresh = [(c, e) for c, e in concerns if (e.id, c.text) not in seen]
    if not fresh:
        return
    kinds = {c.kind for c, _ in fresh}
    kind = CaseKind.RETRANSFER if CaseKind.RETRANSFER in kinds else CaseKind.IMPLICATED_HOLDER
    case = next((c for c in cases if c.status != CaseStatus.CLOSED.value), None)
    if case is None:
        case = open_case(
            session,
            kind=kind,
            opened_on=today,
            actor=actor,
            settings=settings,
            licence=licence,
            holder_unit_id=holder_unit_id,
        )
        report.opened.append(case.key)
    else:
        report.fed.append(case.key)
    before = case_snapshot(case)
    if case.kind == CaseKind.IMPLICATED_HOLDER.value and kind is CaseKind.RETRANSFER:
        case.kind = kind.value
    for concern, event in fresh:
        add_evidence(
            session,
            case,
            kind=EvidenceKind.CUSTODY_EVENT,
            description=concern.text,
            recorded_on=today,
            custody_event_id=event.id,
            serial_id=event.serial_id,
        )
        report.evidence_added += 1
    session.flush()
    serial_count = len({e.serial_id for e in case.evidence if e.serial_id})
    holder_key = session.get(UnitRow, holder_unit_id)
    case.summary = case_summary(
        CaseKind(case.kind), licence_ref(licence), holder_key.key if holder_key else None, serial_count
    )
    ensure_reports(session, case, settings)
    refresh_drafts(session, case)
    record_change(
        session,
        actor=actor,
        action="case.evidence",
        entity_type="violation_case",
        entity_key=case.key,
        before=before,
        after={**case_snapshot(case), "evidence_added": len(fresh)},
    )


# ---------------------------------------------------------------------------------------------------------
# Reading cases


def find_case(session: Session, key: str) -> ViolationCaseRow:
    row = session.execute(
        select(ViolationCaseRow)
        .where(func.upper(ViolationCaseRow.key) == key.strip().upper())
        .options(selectinload(ViolationCaseRow.evidence), selectinload(ViolationCaseRow.reports))
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no violation case {key}")
    return row


def list_cases(
    session: Session,
    *,
    status: str | None = None,
    kind: str | None = None,
    licence: str | None = None,
) -> list[ViolationCaseRow]:
    query = select(ViolationCaseRow).options(
        selectinload(ViolationCaseRow.evidence), selectinload(ViolationCaseRow.reports)
    )
    if status:
        query = query.where(ViolationCaseRow.status == status)
    if kind:
        query = query.where(ViolationCaseRow.kind == kind)
    if licence:
        query = query.where(ViolationCaseRow.licence_id == find_licence_row(session, licence).id)
    return list(session.execute(query.order_by(ViolationCaseRow.key)).scalars())


def case_facts(session: Session, case: ViolationCaseRow) -> CaseFacts:
    """The facts a report states: serials, licence, end users, holder, dates and sources."""
    licence = session.get(LicenceRow, case.licence_id) if case.licence_id else None
    end_users: list[str] = []
    if licence is not None:
        for party in sorted(licence.parties, key=lambda p: p.position):
            if party.role == PartyRole.END_USER.value:
                end_users.append(party.name)
    unit = session.get(UnitRow, case.unit_id) if case.unit_id else None
    if unit is not None:
        end_users = [f"{name} (resolved to {unit.name}, {unit.key})" for name in end_users] or [unit.name]
    holder = session.get(UnitRow, case.holder_unit_id) if case.holder_unit_id else None
    event_ids = [e.custody_event_id for e in case.evidence if e.custody_event_id]
    serial_ids = {e.serial_id for e in case.evidence if e.serial_id}
    events = (
        list(session.execute(select(CustodyEventRow).where(CustodyEventRow.id.in_(event_ids))).scalars())
        if event_ids
        else []
    )
    serials = (
        sorted(session.execute(select(SerialRow.serial).where(SerialRow.id.in_(serial_ids))).scalars())
        if serial_ids
        else []
    )
    check_ids = {e.check_id for e in case.evidence if e.check_id}
    written = (
        sorted(
            f"{serial} (on no licence)"
            for serial in session.execute(
                select(CheckSerialRow.serial_written).where(
                    CheckSerialRow.check_id.in_(check_ids), CheckSerialRow.serial_id.is_(None)
                )
            ).scalars()
        )
        if check_ids
        else []
    )
    sources: set[str] = set()
    source_ids = {e.source_id for e in events if e.source_id}
    if source_ids:
        for key, title in session.execute(
            select(SourceRow.key, SourceRow.title).where(SourceRow.id.in_(source_ids))
        ):
            sources.add(f"{title} ({key})")
    if check_ids:
        for key, performed in session.execute(
            select(EndUseCheckRow.key, EndUseCheckRow.performed_on).where(EndUseCheckRow.id.in_(check_ids))
        ):
            sources.add(f"end-use check {key} ({performed})")
    days = [e.partial_date for e in sorted(events, key=lambda e: e.event_date)]
    return CaseFacts(
        case_key=case.key,
        kind=CaseKind(case.kind),
        opened_on=case.opened_on,
        licence_key=licence_ref(licence) if licence else None,
        licence_agency=licence.kind if licence else None,
        country=case.country,
        end_users=tuple(end_users),
        holder=f"{holder.name} ({holder.key})" if holder else None,
        serials=tuple(serials + written),
        first_seen=days[0] if days else None,
        last_seen=days[-1] if days else None,
        sources=tuple(sorted(sources)),
        evidence=tuple(e.description for e in case.evidence),
        status=CaseStatus(case.status),
    )


def refresh_drafts(session: Session, case: ViolationCaseRow) -> None:
    """Redraft the reports not yet sent, so they state every fact the case now holds."""
    facts = case_facts(session, case)
    for report in case.reports:
        if report.sent_on is None:
            report.draft = draft_report(ReportKind(report.kind), facts, report.due_on)


# ---------------------------------------------------------------------------------------------------------
# Status and reports


def change_status(
    session: Session,
    key: str,
    *,
    status: CaseStatus,
    reason: str,
    actor: str,
    on: date,
) -> ViolationCaseRow:
    """Move a case to a new status, with who, when and why, audited."""
    case = find_case(session, key)
    try:
        check_transition(CaseStatus(case.status), status, reason)
    except TransitionError as exc:
        raise Conflict(str(exc)) from None
    before = case_snapshot(case)
    case.status = status.value
    case.status_by = actor
    case.status_reason = reason
    if status is CaseStatus.SUBSTANTIATED:
        case.substantiated_on = on
    elif status is CaseStatus.NOT_SUBSTANTIATED:
        case.substantiated_on = None
    elif status is CaseStatus.CLOSED:
        case.closed_on = on
    add_evidence(
        session, case, kind=EvidenceKind.NOTE, description=f"{status.value}: {reason}", recorded_on=on
    )
    session.flush()
    refresh_drafts(session, case)
    record_change(
        session,
        actor=actor,
        action=f"case.{status.value}",
        entity_type="violation_case",
        entity_key=case.key,
        before=before,
        after={**case_snapshot(case), "reason": reason},
    )
    return case


def find_report(case: ViolationCaseRow, kind: ReportKind | None) -> StatutoryReportRow:
    reports = [r for r in case.reports if kind is None or r.kind == kind.value]
    if not reports:
        wanted = kind.value if kind else "any"
        raise NotFound(f"case {case.key} has no {wanted} report")
    if kind is None and len(reports) > 1:
        raise LanternError(f"case {case.key} has {len(reports)} reports: say which (--kind)")
    return reports[0]


def mark_report_sent(
    session: Session, key: str, *, kind: ReportKind | None, actor: str, on: date, sent: bool = True
) -> StatutoryReportRow:
    """Mark a report sent (or, with sent=False, not sent after all), audited."""
    case = find_case(session, key)
    report = find_report(case, kind)
    before = {"sent_on": report.sent_on.isoformat() if report.sent_on else None, "sent_by": report.sent_by}
    if sent:
        if report.sent_on is not None:
            raise Conflict(f"the {report.kind} report of {case.key} was sent on {report.sent_on}")
        refresh_drafts(session, case)
        report.sent_on, report.sent_by = on, actor
    else:
        report.sent_on, report.sent_by = None, None
    record_change(
        session,
        actor=actor,
        action="case.report_sent" if sent else "case.report_unsent",
        entity_type="statutory_report",
        entity_key=f"{case.key}/{report.kind}",
        before=before,
        after={"sent_on": on.isoformat() if sent else None, "sent_by": actor if sent else None},
    )
    return report


# ---------------------------------------------------------------------------------------------------------
# Views (what the CLI prints as JSON and the web pages render)


def case_view(session: Session, case: ViolationCaseRow, *, full: bool = False) -> dict[str, Any]:
    licence = session.get(LicenceRow, case.licence_id) if case.licence_id else None
    unit = session.get(UnitRow, case.unit_id) if case.unit_id else None
    holder = session.get(UnitRow, case.holder_unit_id) if case.holder_unit_id else None
    view: dict[str, Any] = {
        "key": case.key,
        "kind": case.kind,
        "status": case.status,
        "opened_on": case.opened_on.isoformat(),
        "substantiated_on": case.substantiated_on.isoformat() if case.substantiated_on else None,
        "closed_on": case.closed_on.isoformat() if case.closed_on else None,
        "licence": licence_ref(licence) if licence else None,
        "end_user": {"key": unit.key, "name": unit.name} if unit else None,
        "holder": {"key": holder.key, "name": holder.name} if holder else None,
        "country": case.country,
        "summary": case.summary,
        "opened_by": case.opened_by,
        "status_by": case.status_by,
        "status_reason": case.status_reason,
        "evidence_count": len(case.evidence),
        "serial_count": len({e.serial_id for e in case.evidence if e.serial_id}),
        "reports": [
            {
                "kind": r.kind,
                "title": REPORT_TITLES[ReportKind(r.kind)],
                "due_on": r.due_on.isoformat(),
                "sent_on": r.sent_on.isoformat() if r.sent_on else None,
                "sent_by": r.sent_by,
                **({"draft": r.draft} if full else {}),
            }
            for r in case.reports
        ],
    }
    if full:
        view["evidence"] = [
            {
                "kind": e.kind,
                "description": e.description,
                "recorded_on": e.recorded_on.isoformat(),
                "custody_event_id": e.custody_event_id,
                "serial_id": e.serial_id,
                "check_id": e.check_id,
            }
            for e in case.evidence
        ]
    return view


def unit_id_of(session: Session, key: str) -> int:
    found = session.execute(select(UnitRow.id).where(UnitRow.key == key)).scalar_one_or_none()
    if found is None:
        raise NotFound(f"no unit {key}")
    return found


def report_clock(session: Session, today: date) -> dict[str, int]:
    """Reports not sent yet: how many are overdue and how many fall due within a week; open cases."""
    unsent = list(
        session.execute(
            select(StatutoryReportRow.due_on).where(StatutoryReportRow.sent_on.is_(None))
        ).scalars()
    )
    open_cases = session.execute(
        select(func.count(ViolationCaseRow.id)).where(
            ViolationCaseRow.status.in_([CaseStatus.OPEN.value, CaseStatus.SUBSTANTIATED.value])
        )
    ).scalar_one()
    return {
        "overdue": sum(1 for d in unsent if d < today),
        "due_this_week": sum(1 for d in unsent if today <= d <= today + timedelta(days=7)),
        "unsent": len(unsent),
        "open_cases": int(open_cases),
    }
