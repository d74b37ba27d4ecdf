"""End-use checks as use cases: the risk-ranked queue over every firearm licence, the plan for a capacity,
and recording a check with its serial inventory. Missing and unlisted serials and unfavourable outcomes feed
violation cases (lantern.monitoring.cases)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from lantern.audit.service import record_change
from lantern.core.text import fold
from lantern.db.tables.cases import CheckSerialRow, EndUseCheckRow, ViolationCaseRow
from lantern.db.tables.licences import ItemRow, LicenceRow, PartyRow
from lantern.db.tables.registry import UnitRow
from lantern.db.tables.review import FindingRow, ResolutionRow
from lantern.db.tables.shipments import SerialRow, ShipmentRow
from lantern.errors import Conflict, NotFound, ValidationProblem
from lantern.licences.model import RECEIVING_ROLES, PartyRole
from lantern.licences.service import find_licence_row
from lantern.monitoring.cases import add_evidence, case_snapshot, ensure_reports, licence_ref, open_case
from lantern.monitoring.cases import refresh_drafts as refresh_case_drafts
from lantern.monitoring.cases_model import CaseKind, CaseStatus, EvidenceKind, case_summary
from lantern.monitoring.checks_model import (
    CheckCandidate,
    CheckOutcome,
    CheckRecord,
    CheckStage,
    CheckStatus,
    InventoryLine,
    Plan,
    QueueEntry,
    ReasonCategory,
    RiskWeights,
    SerialState,
    choose_plan,
    is_firearm_item,
    load_red_flags,
    parse_check_record,
    quarter_bounds,
    rank,
)
from lantern.monitoring.numbering import claim_key, next_key
from lantern.monitoring.rules import serial_key
from lantern.review.model import Criterion, FindingStatus
from lantern.settings import Settings

_OPEN_FINDINGS = (FindingStatus.OPEN.value, FindingStatus.CONFIRMED.value)


def weights_from(settings: Settings) -> RiskWeights:
    m = settings.monitoring
    return RiskWeights(
        implicated_end_user=m.weight_implicated_end_user,
        unidentified_end_user=m.weight_unidentified_end_user,
        value=m.weight_value,
        value_scale=Decimal(str(m.value_scale)),
        quantity=m.weight_quantity,
        quantity_scale=m.quantity_scale,
        automatic_weapons=m.weight_automatic_weapons,
        sta_shipments=m.weight_sta_shipments,
        reseller_consignee=m.weight_reseller_consignee,
        prior_unfavourable=m.weight_prior_unfavourable,
        time_since_check=m.weight_time_since_check,
        check_interval_days=m.check_interval_days,
        watch_list_hit=m.weight_watch_list_hit,
        red_flag=m.weight_red_flag,
    )


# ---------------------------------------------------------------------------------------------------------
# The queue


def load_candidates(session: Session, settings: Settings) -> list[CheckCandidate]:
    """Every firearm licence (USML Category I or 0A501-0A505) with the facts its risk score reads."""
    items: dict[int, list[ItemRow]] = defaultdict(list)
    for item in session.execute(select(ItemRow)).scalars():
        if is_firearm_item(item.usml_category, item.eccn):
            items[item.licence_id].append(item)
    if not items:
        return []
    licences = list(
        session.execute(select(LicenceRow).where(LicenceRow.id.in_(items)).order_by(LicenceRow.id)).scalars()
    )
    findings: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for licence_id, criterion, count in session.execute(
        select(FindingRow.licence_id, FindingRow.criterion, func.count(FindingRow.id))
        .where(FindingRow.status.in_(_OPEN_FINDINGS))
        .group_by(FindingRow.licence_id, FindingRow.criterion)
    ):
        findings[licence_id][criterion] = count
    receiving = [r.value for r in RECEIVING_ROLES]
    recipients: dict[int, set[str]] = defaultdict(set)
    end_user_units: dict[int, set[str]] = defaultdict(set)
    for licence_id, role, unit_key in session.execute(
        select(ResolutionRow.licence_id, PartyRow.role, UnitRow.key)
        .join(PartyRow, PartyRow.id == ResolutionRow.party_id)
        .join(UnitRow, UnitRow.id == ResolutionRow.unit_id)
        .where(PartyRow.role.in_(receiving))
    ):
        recipients[licence_id].add(unit_key)
        if role == PartyRole.END_USER.value:
            end_user_units[licence_id].add(unit_key)
    consignee_units: dict[int, set[str]] = defaultdict(set)
    for licence_id, unit_key in session.execute(
        select(ShipmentRow.licence_id, UnitRow.key).join(UnitRow, UnitRow.id == ShipmentRow.consignee_unit_id)
    ):
        consignee_units[licence_id].add(unit_key)
    shipped = set(
        session.execute(select(ShipmentRow.licence_id).where(ShipmentRow.status != "rejected")).scalars()
    )
    # Earlier checks: the last one done per licence, unfavourable ones by licence and by end user.
    last_check: dict[int, date] = {}
    unfavourable: dict[int, set[int]] = defaultdict(set)
    planned: dict[int, str] = {}
    for check in session.execute(select(EndUseCheckRow)).scalars():
        if check.status == CheckStatus.PLANNED.value:
            planned[check.licence_id] = check.key
        if check.status != CheckStatus.DONE.value or check.performed_on is None:
            continue
        if check.licence_id not in last_check or check.performed_on > last_check[check.licence_id]:
            last_check[check.licence_id] = check.performed_on
        if check.outcome == CheckOutcome.UNFAVOURABLE.value:
            unfavourable[check.licence_id].add(check.id)
    by_unit: dict[str, set[int]] = defaultdict(set)
    for licence_id, units in end_user_units.items():
        for unit in units:
            by_unit[unit] |= unfavourable.get(licence_id, set())
    # Unfamiliar parties: an end user (resolved unit, else the name as written) on no other licence.
    end_user_names: dict[int, set[str]] = defaultdict(set)
    intermediate: set[int] = set()
    for licence_id, role, name in session.execute(select(PartyRow.licence_id, PartyRow.role, PartyRow.name)):
        if role == PartyRole.END_USER.value:
            end_user_names[licence_id].add(fold(name))
        elif role == PartyRole.INTERMEDIATE_CONSIGNEE.value:
            intermediate.add(licence_id)
    identity: dict[int, set[str]] = {
        lid: ({f"unit:{u}" for u in end_user_units.get(lid, set())} or {f"name:{n}" for n in names})
        for lid, names in end_user_names.items()
    }
    licences_per_identity: dict[str, int] = defaultdict(int)
    for ids in identity.values():
        for ident in ids:
            licences_per_identity[ident] += 1
    resellers = set(settings.review.reseller_units)
    out = []
    for licence in licences:
        lines = items[licence.id]
        value = licence.total_value
        if value is None:
            value = sum((i.total_value or Decimal(0) for i in lines), Decimal(0))
        usml = any(i.usml_category for i in lines)
        flags = []
        ids = identity.get(licence.id, set())
        if ids and all(licences_per_identity[i] == 1 for i in ids):
            flags.append("unfamiliar_party")
        if licence.id in intermediate:
            flags.append("unusual_routing")
        if usml:
            flags.append("sensitive_items")
        unfavourable_ids = set(unfavourable.get(licence.id, set()))
        for unit in end_user_units.get(licence.id, set()):
            unfavourable_ids |= by_unit[unit]
        found = findings.get(licence.id, {})
        out.append(
            CheckCandidate(
                licence_key=licence_ref(licence),
                agency=licence.agency,
                kind=licence.kind,
                status=licence.status or "applied",
                end_users=tuple(sorted(end_user_units.get(licence.id, set()))),
                value=value,
                quantity=sum(i.quantity for i in lines),
                automatic=any(i.fire_mode == "automatic" for i in lines),
                usml=usml,
                shipped=licence.id in shipped,
                implicated=bool(found.get(Criterion.IMPLICATED_END_USER.value)),
                unidentified=bool(found.get(Criterion.UNIDENTIFIED_END_USER.value)),
                reseller_consignee=bool((recipients[licence.id] | consignee_units[licence.id]) & resellers),
                unfavourable_checks=len(unfavourable_ids),
                last_check=last_check.get(licence.id),
                watch_list_hits=found.get(Criterion.WATCH_LIST.value, 0),
                red_flags=tuple(flags),
                planned_check=planned.get(licence.id),
            )
        )
    return out


def check_queue(session: Session, settings: Settings, *, as_of: date) -> list[QueueEntry]:
    flags = {flag.code: flag for flag in load_red_flags()}
    return rank(load_candidates(session, settings), weights_from(settings), as_of, flags)


def plan_checks(
    session: Session,
    settings: Settings,
    *,
    capacity: int,
    as_of: date,
    quarter: str | None = None,
    save: bool = False,
    actor: str = "cli",
) -> tuple[Plan, list[str]]:
    """The plan covering the most risk for `capacity` checks; with `save`, the chosen checks are stored as
    planned (dated the first day of the quarter) so the next plan leaves them out."""
    if capacity < 0:
        raise ValidationProblem("capacity must be zero or more")
    planned_on = as_of
    if quarter:
        try:
            planned_on, _ = quarter_bounds(quarter)
        except ValueError as exc:
            raise ValidationProblem(str(exc)) from None
    plan = choose_plan(check_queue(session, settings, as_of=planned_on), capacity)
    keys: list[str] = []
    if save:
        for entry in plan.chosen:
            licence = find_licence_row(session, entry.candidate.licence_key)
            row = EndUseCheckRow(
                key=next_check_key(session, planned_on.year),
                licence_id=licence.id,
                stage=entry.stage.value,
                status=CheckStatus.PLANNED.value,
                planned_on=planned_on,
                risk_score=entry.score,
                reasons=[],
                notes="; ".join(f"{f.label} {f.points:g}" for f in entry.factors),
                recorded_by=actor,
            )
            session.add(row)
            session.flush()
            keys.append(row.key)
        if keys:
            record_change(
                session,
                actor=actor,
                action="check.plan",
                entity_type="end_use_check",
                entity_key=f"{keys[0]}..{keys[-1]}",
                after={"capacity": capacity, "quarter": quarter, "checks": keys, "covered": plan.covered},
            )
    return plan, keys


def next_check_key(session: Session, year: int) -> str:
    """The next check number of the year, from its locked counter (lantern.monitoring.numbering)."""
    return next_key(session, EndUseCheckRow.key, f"EUC-{year}-")


# ---------------------------------------------------------------------------------------------------------
# Recording a check


@dataclass
class RecordedCheck:
    check: EndUseCheckRow
    found: int = 0
    missing: int = 0
    unlisted: int = 0
    case_key: str | None = None
    case_opened: bool = False
    created: bool = True
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "check": self.check.key,
            "found": self.found,
            "missing": self.missing,
            "unlisted": self.unlisted,
            "case": self.case_key,
            "case_opened": self.case_opened,
            "created": self.created,
        }


def _find_serial(session: Session, line: InventoryLine) -> SerialRow | None:
    """The shipped serial a written one is: by make and serial when a make is given, else by serial alone
    when exactly one make shipped it."""
    if line.make:
        key = serial_key(line.make, line.serial)
        return session.execute(
            select(SerialRow).where(SerialRow.make_key == key.make, SerialRow.serial_key == key.serial)
        ).scalar_one_or_none()
    key = serial_key("", line.serial)
    rows = list(
        session.execute(select(SerialRow).where(SerialRow.serial_key == key.serial).limit(2)).scalars()
    )
    return rows[0] if len(rows) == 1 else None


def record_check(
    session: Session,
    settings: Settings,
    *,
    licence: str,
    stage: CheckStage,
    outcome: CheckOutcome,
    performed_on: date,
    reasons: Sequence[ReasonCategory] = (),
    inventory: Sequence[InventoryLine] = (),
    notes: str | None = None,
    key: str | None = None,
    shipment: str | None = None,
    actor: str,
    today: date,
) -> RecordedCheck:
    """Record a check done (completing a planned one when `key` names it). Idempotent on `key`: recording
    the same check again changes nothing."""
    licence_row = find_licence_row(session, licence)
    if outcome is CheckOutcome.UNFAVOURABLE and not reasons:
        raise ValidationProblem("an unfavourable check needs at least one reason category")
    existing = None
    if key:
        existing = session.execute(
            select(EndUseCheckRow)
            .where(EndUseCheckRow.key == key)
            .options(selectinload(EndUseCheckRow.serials))
        ).scalar_one_or_none()
    if existing is not None and existing.status == CheckStatus.DONE.value:
        if existing.licence_id != licence_row.id:
            raise Conflict(f"check {key} is for another licence")
        done = RecordedCheck(existing, created=False)
        for listed in existing.serials:
            setattr(done, listed.state, getattr(done, listed.state) + 1)
        return done
    if existing is not None and existing.licence_id != licence_row.id:
        raise Conflict(f"check {key} was planned for another licence")
    shipment_id = None
    if shipment:
        shipment_id = session.execute(
            select(ShipmentRow.id).where(
                ShipmentRow.key == shipment, ShipmentRow.licence_id == licence_row.id
            )
        ).scalar_one_or_none()
        if shipment_id is None:
            raise NotFound(f"licence {licence} has no shipment {shipment}")
    if existing is None and key:
        claim_key(session, EndUseCheckRow.key, key)  # numbers given later pass over a key chosen here
    row = existing or EndUseCheckRow(
        key=key or next_check_key(session, performed_on.year), licence_id=licence_row.id, recorded_by=actor
    )
    row.stage = stage.value
    row.status = CheckStatus.DONE.value
    row.performed_on = performed_on
    row.outcome = outcome.value
    row.reasons = [r.value for r in reasons]
    row.shipment_id = shipment_id
    row.notes = notes if notes is not None else row.notes
    row.recorded_by = actor
    if existing is None:
        session.add(row)
    session.flush()
    done = RecordedCheck(row, created=existing is None)
    for line in inventory:
        shipped = _find_serial(session, line)
        state = line.state
        if shipped is None and state is SerialState.FOUND:
            state = SerialState.UNLISTED  # present, but on no licence
        if shipped is not None and state is SerialState.UNLISTED:
            state = SerialState.FOUND
        entry = CheckSerialRow(
            check_id=row.id,
            serial_written=line.serial,
            serial_id=shipped.id if shipped else None,
            state=state.value,
        )
        session.add(entry)
        row.serials.append(entry)
        setattr(done, state.value, getattr(done, state.value) + 1)
    session.flush()
    record_change(
        session,
        actor=actor,
        action="check.record",
        entity_type="end_use_check",
        entity_key=row.key,
        after={
            "licence": licence_ref(licence_row),
            "stage": row.stage,
            "outcome": row.outcome,
            "reasons": row.reasons,
            "performed_on": performed_on.isoformat(),
            "found": done.found,
            "missing": done.missing,
            "unlisted": done.unlisted,
        },
    )
    if outcome is CheckOutcome.UNFAVOURABLE or done.missing or done.unlisted:
        case, opened = _feed_case(session, settings, row, licence_row, done, actor=actor, today=today)
        done.case_key, done.case_opened = case.key, opened
    return done


def _feed_case(
    session: Session,
    settings: Settings,
    check: EndUseCheckRow,
    licence: LicenceRow,
    done: RecordedCheck,
    *,
    actor: str,
    today: date,
) -> tuple[ViolationCaseRow, bool]:
    """An unfavourable check, missing or unlisted serials: evidence for the licence's open case, or a new
    case."""
    if check.outcome == CheckOutcome.UNFAVOURABLE.value:
        kind = CaseKind.UNFAVOURABLE_CHECK
    elif done.missing:
        kind = CaseKind.MISSING_SERIALS
    else:
        kind = CaseKind.UNLISTED_SERIALS
    case = session.execute(
        select(ViolationCaseRow)
        .where(ViolationCaseRow.licence_id == licence.id, ViolationCaseRow.status != CaseStatus.CLOSED.value)
        .options(selectinload(ViolationCaseRow.evidence), selectinload(ViolationCaseRow.reports))
        .order_by(ViolationCaseRow.id)
        .limit(1)
    ).scalar_one_or_none()
    opened = case is None
    if case is None:
        case = open_case(
            session,
            kind=kind,
            opened_on=today,
            actor=actor,
            settings=settings.monitoring,
            licence=licence,
            summary=case_summary(kind, licence_ref(licence), None, done.missing + done.unlisted),
        )
    before = case_snapshot(case)
    reasons = ", ".join(check.reasons) or "none given"
    add_evidence(
        session,
        case,
        kind=EvidenceKind.CHECK,
        description=f"end-use check {check.key} ({check.stage}) on {check.performed_on}: {check.outcome}; "
        f"reasons: {reasons}; {done.found} found, {done.missing} missing, {done.unlisted} on no licence",
        recorded_on=today,
        check_id=check.id,
    )
    for serial in check.serials:
        if serial.state == SerialState.FOUND.value:
            continue
        what = "missing" if serial.state == SerialState.MISSING.value else "found but on no licence"
        add_evidence(
            session,
            case,
            kind=EvidenceKind.SERIAL,
            description=f"serial {serial.serial_written} {what} at check {check.key}",
            recorded_on=today,
            serial_id=serial.serial_id,
            check_id=check.id,
        )
    session.flush()
    ensure_reports(session, case, settings.monitoring)
    refresh_case_drafts(session, case)
    record_change(
        session,
        actor=actor,
        action="case.evidence",
        entity_type="violation_case",
        entity_key=case.key,
        before=before,
        after={**case_snapshot(case), "check": check.key},
    )
    return case, opened


def find_check(session: Session, key: str) -> EndUseCheckRow:
    row = session.execute(
        select(EndUseCheckRow).where(EndUseCheckRow.key == key).options(selectinload(EndUseCheckRow.serials))
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no end-use check {key}")
    return row


def find_check_and_licence(session: Session, key: str) -> tuple[EndUseCheckRow, str]:
    row = find_check(session, key)
    licence = session.get(LicenceRow, row.licence_id)
    assert licence is not None  # a foreign key
    return row, licence_ref(licence)


def list_checks(
    session: Session, *, status: str | None = None, licence: str | None = None
) -> list[tuple[EndUseCheckRow, str]]:
    query = (
        select(EndUseCheckRow, LicenceRow)
        .join(LicenceRow, LicenceRow.id == EndUseCheckRow.licence_id)
        .options(selectinload(EndUseCheckRow.serials))
    )
    if status:
        query = query.where(EndUseCheckRow.status == status)
    if licence:
        query = query.where(EndUseCheckRow.licence_id == find_licence_row(session, licence).id)
    rows = session.execute(query.order_by(EndUseCheckRow.key)).all()
    return [(check, licence_ref(lic)) for check, lic in rows]


def read_check_file(path: Path) -> list[CheckRecord]:
    """Every check of a JSON Lines file, or ValidationProblem listing each problem as file:line: field."""
    problems: list[str] = []
    records: list[CheckRecord] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where = f"{path.name}:{number}"
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                problems.append(f"{where}: not JSON ({exc.msg})")
                continue
            if not isinstance(data, dict):
                problems.append(f"{where}: not a JSON object")
                continue
            try:
                records.append(parse_check_record(data, where))
            except ValueError as exc:
                problems.append(str(exc))
    if problems:
        raise ValidationProblem(f"{path.name}: {len(problems)} problem(s); nothing recorded", problems)
    return records


def record_checks(
    session: Session, settings: Settings, records: Sequence[CheckRecord], *, actor: str, today: date
) -> list[RecordedCheck]:
    """Record checks from a file, all in the caller's transaction; each is idempotent on its id."""
    return [
        record_check(
            session,
            settings,
            licence=r.licence,
            stage=r.stage,
            outcome=r.outcome,
            performed_on=r.performed_on,
            reasons=r.reasons,
            inventory=r.inventory,
            notes=r.notes,
            key=r.key,
            shipment=r.shipment,
            actor=actor,
            today=today,
        )
        for r in records
    ]


# ---------------------------------------------------------------------------------------------------------
# Views


def entry_view(entry: QueueEntry) -> dict[str, Any]:
    c = entry.candidate
    return {
        "licence": c.licence_key,
        "agency": c.agency,
        "kind": c.kind,
        "status": c.status,
        "stage": entry.stage.value,
        "score": entry.score,
        "end_users": list(c.end_users),
        "planned_check": c.planned_check,
        "factors": [
            {"code": f.code, "label": f.label, "weight": f.weight, "points": f.points, "detail": f.detail}
            for f in entry.factors
        ],
    }


def plan_view(plan: Plan, saved: Sequence[str] = ()) -> dict[str, Any]:
    return {
        "capacity": plan.capacity,
        "chosen": [entry_view(e) for e in plan.chosen],
        "left_out": len(plan.left_out),
        "covered": plan.covered,
        "total": plan.total,
        "share": round(plan.share, 4),
        "by_stage": dict(plan.by_stage),
        "saved": list(saved),
        "method": "every check costs one visit, so the highest-risk checks first cover the most risk",
    }


def check_view(check: EndUseCheckRow, licence_key: str, *, full: bool = False) -> dict[str, Any]:
    counts = {state.value: 0 for state in SerialState}
    for serial in check.serials:
        counts[serial.state] = counts.get(serial.state, 0) + 1
    view: dict[str, Any] = {
        "key": check.key,
        "licence": licence_key,
        "stage": check.stage,
        "status": check.status,
        "planned_on": check.planned_on.isoformat() if check.planned_on else None,
        "performed_on": check.performed_on.isoformat() if check.performed_on else None,
        "outcome": check.outcome,
        "reasons": list(check.reasons or []),
        "risk_score": check.risk_score,
        "serials": counts,
        "notes": check.notes,
        "recorded_by": check.recorded_by,
    }
    if full:
        view["inventory"] = [
            {"serial": s.serial_written, "state": s.state, "on_licence": s.serial_id is not None}
            for s in check.serials
        ]
    return view


def check_counts(session: Session, today: date) -> dict[str, int]:
    """Planned checks (and how many of them are past their planned day) and unfavourable results."""
    planned = list(
        session.execute(
            select(EndUseCheckRow.planned_on).where(EndUseCheckRow.status == CheckStatus.PLANNED.value)
        ).scalars()
    )
    unfavourable = session.execute(
        select(func.count(EndUseCheckRow.id)).where(EndUseCheckRow.outcome == CheckOutcome.UNFAVOURABLE.value)
    ).scalar_one()
    return {
        "planned": len(planned),
        "planned_past_due": sum(1 for d in planned if d is not None and d < today),
        "unfavourable": int(unfavourable),
    }
