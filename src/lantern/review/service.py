"""The licence review as use cases: gather facts, apply the criteria, keep findings and raise alerts.

A review run walks licences in id order, one transaction per batch, and records its checkpoint after each
batch, so a killed run resumes where it stopped. Incremental re-vetting finds the licences a change can
affect (through the resolutions and the unit hierarchy) and reviews only those.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, defer, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from lantern.allegations.model import Allegation
from lantern.allegations.service import allegation_from_row
from lantern.audit.service import record_change
from lantern.core.collection import bulk_work
from lantern.core.dates import parse_partial
from lantern.db.engine import Database, read_columns
from lantern.db.tables.cases import ViolationCaseRow
from lantern.db.tables.licences import LicenceRow, LicenceStatusRow, PartyRow
from lantern.db.tables.registry import (
    AllegationPersonRow,
    AllegationRow,
    AllegationStatusRow,
    AllegationUnitRow,
    CitationRow,
    UnitParentRow,
    UnitRow,
)
from lantern.db.tables.review import (
    AlertRow,
    FindingDispositionRow,
    FindingRow,
    LicenceDecisionRow,
    ResolutionRow,
    ReviewJobRow,
)
from lantern.db.tables.shipments import CustodyEventRow, SerialRow, ShipmentLineRow, ShipmentRow
from lantern.db.tables.watchlists import ListEntryRow, WatchListRow
from lantern.errors import Conflict, LanternError, NotFound
from lantern.io.bulk import insert_with_ids, table
from lantern.licences.model import (
    LicenceStatus,
)
from lantern.licences.service import load_licences
from lantern.monitoring.cases_model import CaseStatus
from lantern.review import alerts as alert_text
from lantern.review.criteria import review_licence
from lantern.review.model import (
    Decision,
    Delivery,
    Finding,
    FindingStatus,
    LicenceFacts,
    NotificationRule,
    Registry,
    Resolution,
    ReviewPolicy,
    ShipmentFact,
    StandingViolation,
)
from lantern.review.places import state_of
from lantern.review.policy import default_rules, make_policy
from lantern.review.resolution import (
    NameScreener,
    ScreeningCache,
    ScreenMany,
    names_to_screen,
    resolve_parties,
)
from lantern.settings import ReviewSettings
from lantern.units.hierarchy import ancestors, descendants
from lantern.units.model import Level, Unit, UnitKind
from lantern.units.service import parent_map
from lantern.watchlists.model import EntryType, ListEntry

#: Progress of a long run: (phase, done, total).
Progress = Callable[[str, int, int], None]


def policy_from(settings: ReviewSettings) -> ReviewPolicy:
    return make_policy(
        min_confidence=settings.min_confidence,
        counted_statuses=settings.counted_statuses,
        violation_types=settings.violation_types,
        reseller_unit_keys=settings.reseller_units,
    )


# ---------------------------------------------------------------------------------------------------------
# Loading what the criteria read


def load_units(session: Session) -> dict[str, Unit]:
    rows = session.execute(
        select(
            UnitRow.key,
            UnitRow.name,
            UnitRow.kind,
            UnitRow.level,
            UnitRow.country,
            UnitRow.state,
            UnitRow.municipality,
        )
    )
    return {
        key: Unit(key, name, UnitKind(kind), Level(level), country, state, municipality)
        for key, name, kind, level, country, state, municipality in rows
    }


def load_allegations(session: Session) -> dict[str, list[Allegation]]:
    rows = session.execute(
        select(AllegationRow).options(
            selectinload(AllegationRow.units).selectinload(AllegationUnitRow.unit),
            selectinload(AllegationRow.violations),
            selectinload(AllegationRow.persons).selectinload(AllegationPersonRow.unit),
            selectinload(AllegationRow.citations).selectinload(CitationRow.source),
            selectinload(AllegationRow.statuses),
        )
    ).scalars()
    by_unit: dict[str, list[Allegation]] = defaultdict(list)
    for row in rows:
        allegation = allegation_from_row(row)
        for key in allegation.unit_keys:
            by_unit[key].append(allegation)
    return dict(by_unit)


def load_entries(session: Session, entry_ids: Iterable[int]) -> dict[str, ListEntry]:
    ids = list(set(entry_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(ListEntryRow, WatchListRow.key)
        .join(WatchListRow, WatchListRow.id == ListEntryRow.watch_list_id)
        .where(ListEntryRow.id.in_(ids))
    ).all()
    return {
        f"{list_key}/{row.key}": ListEntry(
            list_key=list_key,
            key=row.key,
            name=row.name,
            entry_type=EntryType(row.entry_type),
            aliases=tuple(row.aliases),
            countries=tuple(row.countries),
            programs=tuple(row.programs),
            listed=parse_partial(row.listed),
            delisted=parse_partial(row.delisted),
            remarks=row.remarks,
        )
        for row, list_key in rows
    }


def standing_violations(session: Session) -> list[StandingViolation]:
    """Substantiated violation cases not closed (lantern.monitoring.cases): each stands for the end user it
    concerns or, with none resolved, for its country."""
    rows = session.execute(
        select(ViolationCaseRow, UnitRow.key)
        .outerjoin(UnitRow, UnitRow.id == ViolationCaseRow.unit_id)
        .where(
            ViolationCaseRow.status == CaseStatus.SUBSTANTIATED.value,
            ViolationCaseRow.substantiated_on.is_not(None),
        )
        .order_by(ViolationCaseRow.key)
    ).all()
    return [
        StandingViolation(
            case_key=case.key,
            unit_key=unit_key,
            country=case.country,
            substantiated_on=case.substantiated_on,
            summary=case.summary,
        )
        for case, unit_key in rows
        if case.substantiated_on is not None
    ]


def load_registry(session: Session) -> Registry:
    return Registry.build(
        units=load_units(session),
        parent_links=parent_map(session),
        allegations_by_unit=load_allegations(session),
        standing_violations=standing_violations(session),
    )


def _changes(table: Any, *, updated: bool) -> list[Any]:
    """A table's count, last id and (where it has one) last change, as scalar subqueries."""
    columns = [select(func.count(table.id)).scalar_subquery(), select(func.max(table.id)).scalar_subquery()]
    if updated:
        columns.append(select(func.max(table.updated_at)).scalar_subquery())
    return columns


#: How many of the stamp's leading values describe the units and their parent links (the rest, allegations).
_UNITS_PART = 5


@lru_cache(maxsize=1)
def stamp_columns() -> tuple[Any, ...]:
    """The registry's change stamp as scalar subqueries, to read alone or alongside another query: first the
    units and their parent links (`_UNITS_PART` values), then the allegations, their statuses and units."""
    columns = _changes(UnitRow, updated=True) + _changes(UnitParentRow, updated=False)
    assert len(columns) == _UNITS_PART
    columns += _changes(AllegationRow, updated=True)
    for link in (AllegationStatusRow, AllegationUnitRow):
        columns += _changes(link, updated=False)
    return tuple(columns)


@lru_cache(maxsize=1)
def _stamp_query() -> Any:
    return select(*stamp_columns())


def registry_stamp(session: Session) -> tuple[Any, ...]:
    """Changes whenever a unit, a parent link, an allegation or its status changes: cheap indexed
    aggregates, read in one round trip, so a long-running process can keep the registry loaded between
    re-vettings (and a shipment notice can check it alongside its own query)."""
    return tuple(session.execute(_stamp_query()).one())


_REGISTRIES: dict[tuple[Any, ...], Registry] = {}


def stamped_registry(session: Session, stamp: tuple[Any, ...] | None = None) -> Registry:
    """The registry (units, hierarchy, allegations), loaded once per process for as long as its stamp is
    unchanged; its standing violations are those of the load (see cached_registry). Give the stamp when it
    was read already (stamp_columns). When only allegations changed (a new allegation: the common re-vet),
    the units and hierarchy are kept and only the allegations are read again."""
    bind = session.get_bind()
    stamp = registry_stamp(session) if stamp is None else stamp
    # By the connection pool: a write transaction's engine is a copy with other execution options (SQLite's
    # BEGIN IMMEDIATE) over the same pool, and must find the registry a read session loaded.
    key = (str(bind.engine.url), id(bind.engine.pool), *stamp)
    registry = _REGISTRIES.get(key)
    if registry is None:
        previous = next(iter(_REGISTRIES.items()), None)
        _REGISTRIES.clear()
        if previous is not None and _same_units(previous[0], key):
            registry = replace(
                previous[1],
                allegations_by_unit=load_allegations(session),
                standing_violations=standing_violations(session),
            )
        else:
            registry = load_registry(session)
        _REGISTRIES[key] = registry
    return registry


def _same_units(old: tuple[Any, ...], new: tuple[Any, ...]) -> bool:
    """Two registry keys (database, engine, stamp) of the same database with the same units and links."""
    return old[: 2 + _UNITS_PART] == new[: 2 + _UNITS_PART]


def cached_registry(session: Session) -> Registry:
    """The registry, loaded once per process for as long as its stamp is unchanged. Standing violations are
    read fresh each time (they are few and change with violation cases)."""
    return replace(stamped_registry(session), standing_violations=standing_violations(session))


def shipment_facts(session: Session, licence_ids: Sequence[int]) -> dict[int, list[ShipmentFact]]:
    """Shipments per licence as the criteria read them: when, how many items, what value, to whom, where.

    The lines are summed per shipment of these licences only (joined and grouped), not for the whole book:
    a subquery summing every shipment's lines was built again for each batch of a review."""
    rows = read_columns(
        session,
        select(
            ShipmentRow.licence_id,
            ShipmentRow.key,
            ShipmentRow.shipment_date,
            ShipmentRow.status,
            ShipmentRow.consignee,
            ShipmentRow.value,
            func.sum(ShipmentLineRow.quantity),
            func.sum(ShipmentLineRow.value),
            UnitRow.key,
        )
        .outerjoin(ShipmentLineRow, ShipmentLineRow.shipment_id == ShipmentRow.id)
        .outerjoin(UnitRow, UnitRow.id == ShipmentRow.consignee_unit_id)
        .where(ShipmentRow.licence_id.in_(licence_ids))
        .group_by(ShipmentRow.id, UnitRow.id)
        .order_by(ShipmentRow.shipment_date, ShipmentRow.id),
    )
    facts: dict[int, list[ShipmentFact]] = defaultdict(list)
    for licence_id, key, day, status, consignee, value, quantity, line_value, unit_key in rows:
        facts[licence_id].append(
            ShipmentFact(
                key=key,
                ship_date=day,
                quantity=int(quantity or 0),
                value=Decimal(value if value is not None else (line_value or 0)),
                status=status,
                consignee=consignee,
                consignee_state=state_of(consignee),
                consignee_unit=unit_key,
            )
        )
    return dict(facts)


#: Custody events that show a unit holding the licence's items.
HOLDING_EVENTS = ("transfer", "inventory", "check_sighting", "recovery", "seizure")


def deliveries(
    session: Session, licence_ids: Sequence[int], shipments: dict[int, list[ShipmentFact]]
) -> dict[int, list[Delivery]]:
    """Where the licence's items are known to have gone: consignee units of shipments that were not
    rejected, and units holding its serials in custody records."""
    out: dict[int, list[Delivery]] = defaultdict(list)
    for licence_id, facts in shipments.items():
        for shipment in facts:
            if shipment.consignee_unit and shipment.status != "rejected":
                out[licence_id].append(
                    Delivery(
                        shipment.ship_date,
                        shipment.consignee_unit,
                        "shipment",
                        shipment.key,
                        shipment.quantity,
                    )
                )
    rows = session.execute(
        select(
            SerialRow.licence_id, CustodyEventRow.event_date, CustodyEventRow.event, UnitRow.key, func.count()
        )
        .join(SerialRow, SerialRow.id == CustodyEventRow.serial_id)
        .join(UnitRow, UnitRow.id == CustodyEventRow.holder_unit_id)
        .where(SerialRow.licence_id.in_(licence_ids), CustodyEventRow.event.in_(HOLDING_EVENTS))
        .group_by(SerialRow.licence_id, CustodyEventRow.event_date, CustodyEventRow.event, UnitRow.key)
        .order_by(CustodyEventRow.event_date)
    )
    for licence_id, day, event, unit_key, count in rows:
        out[licence_id].append(Delivery(day, unit_key, "custody", event, int(count)))
    return dict(out)


@dataclass(frozen=True, slots=True)
class LicenceRef:
    """What storing findings needs to know of a licence."""

    id: int
    issue_date: date | None
    key: str


def load_facts(
    session: Session,
    licence_ids: Sequence[int],
    *,
    resolved: dict[int, Resolution] | None = None,
    resolved_entries: set[int] | None = None,
) -> tuple[list[tuple[LicenceRef, LicenceFacts]], set[int]]:
    """Facts for each licence, and the list entries their resolutions point at. The resolutions are read
    from the store unless given (`resolved`: every party of these licences, just stored)."""
    licences = load_licences(session, licence_ids)
    resolutions: dict[int, Resolution] = resolved if resolved is not None else {}
    entry_ids: set[int] = set(resolved_entries or ())
    rows = (
        ()
        if resolved is not None
        else read_columns(
            session,
            select(
                ResolutionRow.party_id,
                ResolutionRow.entity_id,
                ResolutionRow.decision,
                ResolutionRow.score,
                ResolutionRow.matched_name,
                ResolutionRow.why,
                ResolutionRow.source,
                ResolutionRow.candidates,
                ResolutionRow.list_entry_id,
            ).where(ResolutionRow.licence_id.in_(licence_ids)),
        )
    )
    for party_id, entity_id, decision, score, matched, why, source, candidates, entry_id in rows:
        resolutions[party_id] = Resolution(
            entity_id=entity_id,
            decision=Decision(decision),
            score=score,
            matched_name=matched,
            why=why or "",
            source=source,
            candidates=tuple((c[0], c[1]) for c in candidates or ()),
        )
        if entry_id:
            entry_ids.add(entry_id)
    shipments = shipment_facts(session, licence_ids)
    delivered = deliveries(session, licence_ids, shipments)
    out = []
    for licence_id in sorted(licences):
        licence, party_ids, statement = licences[licence_id]
        by_index = {i: resolutions[pid] for i, pid in enumerate(party_ids) if pid in resolutions}
        facts = LicenceFacts(
            licence=licence,
            resolutions=by_index,
            shipments=tuple(shipments.get(licence_id, ())),
            consignee_statement=bool(statement),
            deliveries=tuple(delivered.get(licence_id, ())),
        )
        out.append((LicenceRef(licence_id, licence.issue_date, licence.key), facts))
    return out, entry_ids


# ---------------------------------------------------------------------------------------------------------
# Keeping findings and raising alerts


@dataclass
class Outcome:
    licences: int = 0
    new: int = 0
    changed: int = 0
    resolved: int = 0
    alerts: list[int] = field(default_factory=list)
    # Violation cases the change opened or fed (custody records and allegations; lantern.monitoring.cases).
    cases_opened: list[str] = field(default_factory=list)
    cases_fed: list[str] = field(default_factory=list)

    def add(self, other: Outcome) -> None:
        self.licences += other.licences
        self.new += other.new
        self.changed += other.changed
        self.resolved += other.resolved
        self.alerts.extend(other.alerts)


def _finding_values(finding: Finding, as_of: date) -> dict[str, Any]:
    content = finding.content()
    return {
        "criterion": finding.criterion.value,
        "code": finding.code,
        "subject": finding.subject,
        "severity": finding.severity.value,
        "recommendation": finding.recommendation.value,
        "summary": finding.summary,
        "evidence": content["evidence"],
        "content_hash": finding.content_hash,
        "quantity": finding.quantity,
        "value": finding.value,
        "shipped_since_quantity": finding.shipped_since_quantity,
        "shipped_since_value": finding.shipped_since_value,
        "as_of": as_of,
    }


def _stored_content(row: FindingRow, licence_key: str) -> dict[str, Any]:
    return {
        "licence": licence_key,
        "criterion": row.criterion,
        "code": row.code,
        "subject": row.subject,
        "severity": row.severity,
        "recommendation": row.recommendation,
        "summary": row.summary,
        "evidence": row.evidence,
        "quantity": row.quantity,
        "value": str(row.value),
        "shipped_since_quantity": row.shipped_since_quantity,
        "shipped_since_value": None if row.shipped_since_value is None else str(row.shipped_since_value),
    }


def apply_findings(
    session: Session,
    licence: LicenceRef,
    findings: Sequence[Finding],
    *,
    as_of: date,
    cause: str,
    unit_names: dict[str, str],
    now: datetime,
    existing: dict[str, FindingRow] | None = None,
    pending: list[PendingAlert] | None = None,
) -> Outcome:
    """Store this licence's findings: insert new ones, update changed ones, resolve vanished ones, and raise
    an alert for each of those three.

    `existing` (the licence's stored findings by fingerprint) saves a query when the caller loaded them for
    a whole batch; with `pending`, the new findings and the alerts are left there for the caller to store in
    a few statements (`raise_alerts`).
    """
    outcome = Outcome(licences=1)
    own = pending is None
    if pending is None:
        pending = []
    if existing is None:
        existing = {
            row.fingerprint: row
            for row in session.execute(
                select(FindingRow).where(FindingRow.licence_id == licence.id)
            ).scalars()
        }
    year = licence.issue_date.year if licence.issue_date else None
    key = licence.key
    seen = set()
    for finding in findings:
        seen.add(finding.fingerprint)
        row = existing.get(finding.fingerprint)
        if row is None:
            values = {
                "licence_id": licence.id,
                "fingerprint": finding.fingerprint,
                "status": FindingStatus.OPEN.value,
                "first_seen_at": now,
                "last_changed_at": now,
                "resolved_at": None,
                **_finding_values(finding, as_of),
            }
            outcome.new += 1
            line = alert_text.what_changed("new", finding, None, unit_names, year)
            pending.append((values, licence.id, "new", line))
        elif row.resolved_at is not None:
            for name, value in _finding_values(finding, as_of).items():
                setattr(row, name, value)
            row.resolved_at = None
            row.status = FindingStatus.OPEN.value
            row.last_changed_at = now
            outcome.new += 1
            line = alert_text.what_changed("new", finding, None, unit_names, year)
            pending.append((row, licence.id, "new", line))
        elif row.content_hash != finding.content_hash:
            previous = _stored_content(row, key)
            for name, value in _finding_values(finding, as_of).items():
                setattr(row, name, value)
            row.last_changed_at = now
            outcome.changed += 1
            line = alert_text.what_changed("changed", finding, previous, unit_names, year)
            pending.append((row, licence.id, "changed", line))
    for fingerprint, row in existing.items():
        if fingerprint in seen or row.resolved_at is not None:
            continue
        previous = _stored_content(row, key)
        row.resolved_at = now
        row.status = FindingStatus.RESOLVED.value
        row.last_changed_at = now
        outcome.resolved += 1
        line = alert_text.what_changed("resolved", None, previous, unit_names, year)
        pending.append((row, licence.id, "resolved", line))
    if own:
        outcome.alerts.extend(raise_alerts(session, pending, cause=cause, now=now))
    return outcome


#: A finding to alert on: its row (stored, or the values of a new one), its licence, the kind and the line.
PendingAlert = tuple[FindingRow | dict[str, Any], int, str, str]


def raise_alerts(
    session: Session, pending: Sequence[PendingAlert], *, cause: str, now: datetime
) -> list[int]:
    """Store the alerts for findings that are new, changed or resolved, in order: the changed findings by a
    flush, the new ones by one multi-row insert, then the alerts by another. A full review stores hundreds
    of thousands of each, and ORM objects for them cost about a seventh of its batches' time."""
    if not pending:
        return []
    session.flush()
    new = [row for row, *_ in pending if isinstance(row, dict)]
    ids = iter(insert_with_ids(session, table(FindingRow), new))
    finding_ids = [next(ids) if isinstance(row, dict) else row.id for row, *_ in pending]
    return insert_with_ids(
        session,
        table(AlertRow),
        [
            {
                "finding_id": finding_id,
                "licence_id": licence_id,
                "kind": kind,
                "what_changed": line,
                "cause": cause,
                "created_at": now,
                "acknowledged_at": None,
                "acknowledged_by": None,
                "decision_id": None,
            }
            for finding_id, (_, licence_id, kind, line) in zip(finding_ids, pending, strict=True)
        ],
    )


@dataclass
class ReviewContext:
    """What stays the same across the batches of one run."""

    registry: Registry
    policy: ReviewPolicy
    rules: Sequence[NotificationRule]
    as_of: date
    unit_names: dict[str, str]

    @classmethod
    def load(cls, session: Session, settings: ReviewSettings, as_of: date) -> ReviewContext:
        registry = cached_registry(session)
        return cls(
            registry=registry,
            policy=policy_from(settings),
            rules=default_rules(),
            as_of=as_of,
            unit_names={k: u.name for k, u in registry.units.items()},
        )


def review_batch(
    session: Session,
    context: ReviewContext,
    licence_ids: Sequence[int],
    *,
    cause: str,
    now: datetime | None = None,
    resolved: dict[int, Resolution] | None = None,
    resolved_entries: set[int] | None = None,
) -> Outcome:
    """Review a batch of licences and store what changed. `resolved` (with the list entries it points at)
    are the batch's resolutions as this transaction just stored them, which are then not read back."""
    outcome = Outcome()
    now = now or datetime.now(UTC)
    facts, entry_ids = load_facts(session, licence_ids, resolved=resolved, resolved_entries=resolved_entries)
    registry = context.registry
    if entry_ids:
        entries = dict(registry.list_entries)
        entries.update(load_entries(session, entry_ids))
        registry = replace(registry, list_entries=entries)
    stored: dict[int, dict[str, FindingRow]] = defaultdict(dict)
    query = select(FindingRow).where(FindingRow.licence_id.in_(licence_ids))
    query = query.options(defer(FindingRow.evidence))  # read for the few that change: see below
    for finding_row in session.execute(query).scalars():
        stored[finding_row.licence_id][finding_row.fingerprint] = finding_row
    reviewed = [
        (row, review_licence(licence_facts, registry, context.policy, context.rules, context.as_of))
        for row, licence_facts in facts
    ]
    _read_previous_evidence(session, stored, reviewed)
    pending: list[PendingAlert] = []
    for row, findings in reviewed:
        outcome.add(
            apply_findings(
                session,
                row,
                findings,
                as_of=context.as_of,
                cause=cause,
                unit_names=context.unit_names,
                now=now,
                existing=stored.get(row.id, {}),
                pending=pending,
            )
        )
    outcome.alerts.extend(raise_alerts(session, pending, cause=cause, now=now))
    return outcome


def _read_previous_evidence(
    session: Session,
    stored: dict[int, dict[str, FindingRow]],
    reviewed: Sequence[tuple[LicenceRef, Sequence[Finding]]],
) -> None:
    """Read, in one query, the evidence of the stored findings whose previous content an alert will quote:
    those that changed and those no longer found. The findings are read without it, since most do not
    change, and reading it one finding at a time (on first access) would cost a query each."""
    wanted: dict[int, FindingRow] = {}
    for ref, findings in reviewed:
        existing = stored.get(ref.id)
        if not existing:
            continue
        seen = set()
        for finding in findings:
            seen.add(finding.fingerprint)
            row = existing.get(finding.fingerprint)
            if row is not None and row.resolved_at is None and row.content_hash != finding.content_hash:
                wanted[row.id] = row
        for fingerprint, row in existing.items():
            if fingerprint not in seen and row.resolved_at is None:
                wanted[row.id] = row
    ids = sorted(wanted)
    for start in range(0, len(ids), 900):
        for finding_id, evidence in session.execute(
            select(FindingRow.id, FindingRow.evidence).where(FindingRow.id.in_(ids[start : start + 900]))
        ):
            set_committed_value(wanted[finding_id], "evidence", evidence)


# ---------------------------------------------------------------------------------------------------------
# Runs: the whole book (resumable) and the licences a change affects


def _chunks(ids: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def licence_ids(
    session: Session, *, country: str | None = None, since: date | None = None, after: int = 0
) -> list[int]:
    query = select(LicenceRow.id).where(LicenceRow.id > after).order_by(LicenceRow.id)
    if country:
        query = query.where(LicenceRow.destination_country == country.upper())
    if since:
        query = query.where(or_(LicenceRow.issue_date >= since, LicenceRow.issue_date.is_(None)))
    return list(session.execute(query).scalars())


def start_job(db: Database, *, kind: str, params: dict[str, Any]) -> int:
    with db.transaction() as session:
        job = ReviewJobRow(kind=kind, status="queued", params=params)
        session.add(job)
        session.flush()
        return job.id


@bulk_work()
def run_job(
    db: Database,
    job_id: int,
    *,
    settings: ReviewSettings,
    screener: NameScreener | None,
    matcher_version: str,
    actor: str,
    progress: Progress | None = None,
    screen_many: ScreenMany | None = None,
) -> Outcome:
    """Run (or resume) a review job from its checkpoint, one committed batch at a time.

    With `screen_many`, every distinct name the run resolves is screened first, in large batches.
    """
    with db.transaction() as session:
        job = session.get(ReviewJobRow, job_id)
        if job is None:
            raise NotFound(f"No review job {job_id}.")
        if job.status == "done":
            raise Conflict(f"Review job {job_id} is already done.")
        params = dict(job.params)
        as_of = date.fromisoformat(params["as_of"])
        ids = licence_ids(
            session,
            country=params.get("country"),
            since=date.fromisoformat(params["since"]) if params.get("since") else None,
            after=job.checkpoint,
        )
        job.status = "running"
        job.started_at = job.started_at or datetime.now(UTC)
        job.total = job.done + len(ids)
        done, total = job.done, job.total
        context = ReviewContext.load(session, settings, as_of)
    outcome = Outcome()
    resolving = screener is not None and params.get("resolve", True)
    cache = None
    if resolving and screen_many is not None:
        cache = ScreeningCache(screen_many)
        with db.session() as session:
            names = names_to_screen(session, ids)
        if progress:
            progress("screening names", 0, len(names))
        cache.fill(names, progress=(lambda d, t: progress("screening names", d, t)) if progress else None)
    if progress:
        progress("reviewing licences", done, total)
    try:
        for batch in _chunks(ids, settings.batch_size):
            with db.transaction() as session:
                resolved = None
                if resolving:
                    assert screener is not None
                    resolved = resolve_parties(
                        session,
                        screener,
                        batch,
                        matcher_version=matcher_version,
                        actor=actor,
                        screen_many=cache,
                    )
                batch_outcome = review_batch(
                    session,
                    context,
                    batch,
                    cause=params.get("cause", "full review"),
                    resolved=resolved.resolutions if resolved else None,
                    resolved_entries=resolved.entry_ids if resolved else None,
                )
                outcome.add(batch_outcome)
                job = session.get(ReviewJobRow, job_id)
                assert job is not None
                job.checkpoint = batch[-1]
                job.done += len(batch)
                job.heartbeat_at = datetime.now(UTC)
                done = job.done
                if batch_outcome.new or batch_outcome.changed or batch_outcome.resolved:
                    record_change(
                        session,
                        actor=actor,
                        action="review.batch",
                        entity_type="review_job",
                        entity_key=str(job_id),
                        after={
                            "licence_ids": [batch[0], batch[-1]],
                            "new": batch_outcome.new,
                            "changed": batch_outcome.changed,
                            "resolved": batch_outcome.resolved,
                        },
                    )
            if progress:
                progress("reviewing licences", done, total)
    except BaseException:
        with db.transaction() as session:
            job = session.get(ReviewJobRow, job_id)
            if job is not None:
                job.status = "interrupted"
        raise
    with db.transaction() as session:
        job = session.get(ReviewJobRow, job_id)
        assert job is not None
        job.status = "done"
        job.finished_at = datetime.now(UTC)
        job.message = f"{outcome.new} new, {outcome.changed} changed, {outcome.resolved} resolved findings"
    return outcome


def resumable_job(session: Session) -> ReviewJobRow | None:
    return session.execute(
        select(ReviewJobRow)
        .where(ReviewJobRow.status.in_(["queued", "running", "interrupted"]))
        .order_by(ReviewJobRow.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def licences_for_units(session: Session, unit_keys: Iterable[str]) -> list[int]:
    keys = list(unit_keys)
    if not keys:
        return []
    unit_ids = select(UnitRow.id).where(UnitRow.key.in_(keys)).scalar_subquery()
    query = (
        select(ResolutionRow.licence_id)
        .where(ResolutionRow.unit_id.in_(unit_ids))
        .union(select(PartyRow.licence_id).where(PartyRow.unit_id.in_(unit_ids)))
    )
    return sorted(set(session.execute(query).scalars()))


def review_affected(
    session: Session,
    settings: ReviewSettings,
    *,
    unit_keys: Iterable[str] = (),
    licence_ids_: Iterable[int] = (),
    cause: str,
    as_of: date,
    actor: str,
    context: ReviewContext | None = None,
) -> Outcome:
    """Re-review only what a change touches: the licences whose parties resolve into the changed units'
    hierarchy, plus any licences named directly. Runs inside the caller's transaction."""
    ids = set(licence_ids_)
    keys = set(unit_keys)
    context = context or ReviewContext.load(session, settings, as_of)
    if keys:
        registry = context.registry
        closure: set[str] = set()
        for key in keys:
            closure.add(key)
            closure.update(ancestors(key, registry.parent_links, None))
            closure.update(descendants(key, registry.children, None))
        ids.update(licences_for_units(session, closure))
    if not ids:
        return Outcome()
    outcome = Outcome()
    # In batches, as a full review does: a change to a force on most licences (SEDENA) stays within memory.
    for batch in _chunks(sorted(ids), settings.batch_size):
        outcome.add(review_batch(session, context, batch, cause=cause))
    if outcome.new or outcome.changed or outcome.resolved:
        record_change(
            session,
            actor=actor,
            action="review.incremental",
            entity_type="licence",
            entity_key=",".join(str(i) for i in sorted(ids)[:50]),
            after={
                "cause": cause,
                "new": outcome.new,
                "changed": outcome.changed,
                "resolved": outcome.resolved,
            },
        )
    return outcome


# ---------------------------------------------------------------------------------------------------------
# Analysts' work: dispositions on findings, alerts, decisions on licences


def find_finding(session: Session, finding_id: int) -> FindingRow:
    row = session.execute(
        select(FindingRow)
        .where(FindingRow.id == finding_id)
        .options(selectinload(FindingRow.licence), selectinload(FindingRow.dispositions))
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"No finding {finding_id}.")
    return row


def dispose_finding(session: Session, finding_id: int, *, status: str, actor: str, reason: str) -> FindingRow:
    """Confirm, dismiss or reopen a finding. Append-only: every disposition is kept."""
    if status not in {FindingStatus.CONFIRMED.value, FindingStatus.DISMISSED.value, FindingStatus.OPEN.value}:
        raise LanternError("A finding can be confirmed, dismissed or reopened.")
    if not reason.strip():
        raise LanternError("Say why: a disposition needs a justification.")
    row = find_finding(session, finding_id)
    if row.resolved_at is not None:
        raise Conflict(f"Finding {finding_id} is resolved: the review no longer finds it.")
    before = row.status
    row.status = status
    session.add(FindingDispositionRow(finding_id=row.id, status=status, actor=actor, reason=reason))
    record_change(
        session,
        actor=actor,
        action=f"finding.{status}",
        entity_type="finding",
        entity_key=str(row.id),
        before={"status": before},
        after={"status": status, "reason": reason},
    )
    return row


def list_alerts(
    session: Session, *, open_only: bool = True, limit: int = 200, exporter_key: str | None = None
) -> list[AlertRow]:
    query = (
        select(AlertRow)
        .options(selectinload(AlertRow.finding), selectinload(AlertRow.licence))
        .order_by(AlertRow.created_at.desc(), AlertRow.id.desc())
        .limit(limit)
    )
    if open_only:
        query = query.where(AlertRow.acknowledged_at.is_(None))
    if exporter_key is not None:
        query = query.join(LicenceRow, LicenceRow.id == AlertRow.licence_id).where(
            LicenceRow.exporter_key == exporter_key
        )
    return list(session.execute(query).scalars())


def acknowledge_alert(
    session: Session, alert_id: int, *, actor: str, decision_id: int | None = None
) -> AlertRow:
    alert = session.get(AlertRow, alert_id)
    if alert is None:
        raise NotFound(f"No alert {alert_id}.")
    if alert.acknowledged_at is not None:
        raise Conflict(f"Alert {alert_id} was acknowledged by {alert.acknowledged_by} already.")
    if decision_id is not None:
        decision = session.get(LicenceDecisionRow, decision_id)
        if decision is None or decision.licence_id != alert.licence_id:
            raise LanternError(f"Decision {decision_id} is not a decision on this alert's licence.")
    alert.acknowledged_at = datetime.now(UTC)
    alert.acknowledged_by = actor
    alert.decision_id = decision_id
    record_change(
        session,
        actor=actor,
        action="alert.acknowledge",
        entity_type="alert",
        entity_key=str(alert_id),
        before={"acknowledged_at": None},
        after={"acknowledged_by": actor, "decision_id": decision_id},
    )
    return alert


#: What each decision does to a licence's status, and the statuses it may be taken from.
DECISION_EFFECTS: dict[str, tuple[LicenceStatus | None, frozenset[str]]] = {
    "suspend": (LicenceStatus.SUSPENDED, frozenset({"approved"})),
    "revoke": (LicenceStatus.REVOKED, frozenset({"approved", "suspended"})),
    "reinstate": (LicenceStatus.APPROVED, frozenset({"suspended"})),
    "deny": (LicenceStatus.DENIED, frozenset({"applied", "returned"})),
    "approve": (LicenceStatus.APPROVED, frozenset({"applied", "returned"})),
    "add_proviso": (None, frozenset({"applied", "approved", "suspended", "returned"})),
}


def decide(
    session: Session,
    licence_ref: str,
    *,
    action: str,
    actor: str,
    justification: str,
    finding_ids: Sequence[int] = (),
    proviso: str | None = None,
    now: datetime | None = None,
) -> LicenceDecisionRow:
    """Suspend, revoke, reinstate, deny, approve or add a proviso to a licence, with its justification and
    the findings it rests on. The status history and the audit log record it."""
    from lantern.licences.service import find_licence_row

    if action not in DECISION_EFFECTS:
        raise LanternError(f"Unknown decision {action!r}: one of {', '.join(DECISION_EFFECTS)}.")
    if not justification.strip():
        raise LanternError("A decision needs a justification.")
    licence = find_licence_row(session, licence_ref)
    new_status, allowed_from = DECISION_EFFECTS[action]
    if (licence.status or "") not in allowed_from:
        raise Conflict(
            f"Cannot {action.replace('_', ' ')} licence {licence.agency}/{licence.number}: "
            f"it is {licence.status}."
        )
    if action == "add_proviso" and not (proviso and proviso.strip()):
        raise LanternError("Give the proviso text to add.")
    for finding_id in finding_ids:
        finding = session.get(FindingRow, finding_id)
        if finding is None or finding.licence_id != licence.id:
            raise LanternError(f"Finding {finding_id} is not a finding on this licence.")
    now = now or datetime.now(UTC)
    before = {"status": licence.status, "provisos": licence.proviso_text}
    if new_status is not None:
        position = len(licence.status_history)
        licence.status_history.append(
            LicenceStatusRow(
                status=new_status.value, changed_at=now, actor=actor, reason=justification, position=position
            )
        )
        licence.status = new_status.value
    if action == "add_proviso":
        licence.proviso_text = "\n".join(p for p in (licence.proviso_text, proviso) if p)
    decision = LicenceDecisionRow(
        licence_id=licence.id,
        action=action,
        actor=actor,
        at=now,
        justification=justification,
        finding_ids=list(finding_ids),
        proviso=proviso,
    )
    session.add(decision)
    session.flush()
    record_change(
        session,
        actor=actor,
        action=f"licence.{action}",
        entity_type="licence",
        entity_key=f"{licence.agency}/{licence.number}",
        before=before,
        after={
            "status": licence.status,
            "provisos": licence.proviso_text,
            "justification": justification,
            "findings": list(finding_ids),
            "decision": decision.id,
        },
    )
    return decision


# ---------------------------------------------------------------------------------------------------------
# Reading the review


@dataclass
class ReviewedLicence:
    licence: LicenceRow
    findings: list[FindingRow]


@dataclass
class ReviewSummary:
    reviewed: int = 0
    criterion_1: int = 0
    criterion_2: int = 0
    other: int = 0
    value_concerned: Decimal = Decimal(0)
    quantity_concerned: int = 0
    shipped_since_quantity: int = 0
    shipped_since_value: Decimal = Decimal(0)
    by_criterion: dict[str, int] = field(default_factory=dict)


def read_review(
    session: Session,
    *,
    country: str | None = None,
    since: date | None = None,
    include_dismissed: bool = False,
    exporter_key: str | None = None,
) -> tuple[list[ReviewedLicence], ReviewSummary]:
    """Licences with their current findings, and the summary the letter asks for."""
    statuses = [FindingStatus.OPEN.value, FindingStatus.CONFIRMED.value]
    if include_dismissed:
        statuses.append(FindingStatus.DISMISSED.value)
    lic_query = select(LicenceRow.id)
    if country:
        lic_query = lic_query.where(LicenceRow.destination_country == country.upper())
    if since:
        lic_query = lic_query.where(LicenceRow.issue_date >= since)
    if exporter_key is not None:
        lic_query = lic_query.where(LicenceRow.exporter_key == exporter_key)
    summary = ReviewSummary()
    reviewed_total = session.execute(select(func.count()).select_from(lic_query.subquery())).scalar_one()
    summary.reviewed = reviewed_total
    rows = session.execute(
        select(FindingRow)
        .where(and_(FindingRow.licence_id.in_(lic_query), FindingRow.status.in_(statuses)))
        .options(selectinload(FindingRow.licence))
        .order_by(FindingRow.licence_id, FindingRow.id)
    ).scalars()
    by_licence: dict[int, ReviewedLicence] = {}
    c1: set[int] = set()
    c2: set[int] = set()
    other: set[int] = set()
    shipped: dict[int, tuple[int, Decimal]] = {}
    for row in rows:
        entry = by_licence.setdefault(row.licence_id, ReviewedLicence(row.licence, []))
        entry.findings.append(row)
        summary.by_criterion[row.criterion] = summary.by_criterion.get(row.criterion, 0) + 1
        if row.criterion == "implicated_end_user":
            c1.add(row.licence_id)
            q, v = shipped.get(row.licence_id, (0, Decimal(0)))
            shipped[row.licence_id] = (
                max(q, row.shipped_since_quantity or 0),
                max(v, row.shipped_since_value or Decimal(0)),
            )
        elif row.criterion == "unidentified_end_user":
            c2.add(row.licence_id)
        else:
            other.add(row.licence_id)
    summary.criterion_1 = len(c1)
    summary.criterion_2 = len(c2 - c1)
    summary.other = len(other - c1 - c2)
    for licence_id in c1 | c2:
        licence = by_licence[licence_id].licence
        summary.value_concerned += licence.total_value or Decimal(0)
        summary.quantity_concerned += max((f.quantity for f in by_licence[licence_id].findings), default=0)
    for q, v in shipped.values():
        summary.shipped_since_quantity += q
        summary.shipped_since_value += v
    ordered = sorted(by_licence.values(), key=lambda r: (r.licence.agency, r.licence.number))
    return ordered, summary
