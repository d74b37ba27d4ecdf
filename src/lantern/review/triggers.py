"""Continuous re-vetting: after a change to the data, re-resolve and re-review only what it can affect.

A change is described by what it touched:
- units whose records changed (names, aliases, hierarchy): parties may now resolve differently, and every
  licence in the changed units' hierarchy is reviewed again;
- units named by a new or edited allegation: every licence in their hierarchy is reviewed again (their
  parties resolve as before);
- list entries that were added or changed: private parties may now match them;
- licences that were added or changed (parties, items, shipments, custody of their serials).

Finding which parties might now match a changed unit or list entry is screening run backwards: the changed
entity's names are screened against an index of the distinct party names in the book, cached on disk and
updated incrementally like the main screening index. Those parties are resolved again; a licence is reviewed
again only where one of them now resolves otherwise, or resolves to a changed unit or list entry.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lantern.core.collection import bulk_work
from lantern.db.engine import Database, read_columns
from lantern.db.tables.licences import LicenceRow, PartyRow
from lantern.db.tables.registry import UnitAliasRow, UnitRow
from lantern.db.tables.review import ResolutionRow, ReviewJobRow
from lantern.db.tables.shipments import CustodyEventRow, SerialRow, ShipmentRow
from lantern.db.tables.watchlists import ListEntryRow, WatchListRow
from lantern.io.formats import Format
from lantern.io.records import RecordKind
from lantern.io.service import ImportReport, ProgressHook, import_files
from lantern.monitoring.cases import detect
from lantern.review import service
from lantern.review.resolution import dispose_resolution, entity_row_ids, resolve_parties
from lantern.review.runner import screen_names
from lantern.review.service import Outcome
from lantern.screening import MATCHER_VERSION, Query, Screener, ScreeningEntity
from lantern.screening.service import load_screener
from lantern.settings import Settings


@dataclass
class Change:
    """What a change touched, by natural key."""

    units: set[str] = field(default_factory=set)  # unit records changed
    allegation_units: set[str] = field(default_factory=set)  # units named by changed allegations
    entries: set[str] = field(default_factory=set)  # "list/entry" keys changed
    licences: set[str] = field(default_factory=set)  # "AGENCY/NUMBER" keys changed
    shipments: set[str] = field(default_factory=set)  # shipment keys changed
    custody: set[str] = field(default_factory=set)  # custody event keys changed

    def __bool__(self) -> bool:
        return any(
            (self.units, self.allegation_units, self.entries, self.licences, self.shipments, self.custody)
        )


def change_from_import(report: ImportReport) -> Change:
    keys = report.changed_keys
    return Change(
        units=set(keys.get(RecordKind.UNITS, ())),
        allegation_units=set(report.allegation_units),
        entries=set(keys.get(RecordKind.LIST_ENTRIES, ())),
        licences=set(keys.get(RecordKind.LICENCES, ())),
        shipments=set(keys.get(RecordKind.SHIPMENTS, ())),
        custody=set(keys.get(RecordKind.CUSTODY, ())),
    )


def review_has_run(session: Session) -> bool:
    """Re-vetting compares with an earlier review; before the first one there is nothing to compare."""
    return session.execute(select(func.count(ReviewJobRow.id))).scalar_one() > 0


def _licence_ids(session: Session, keys: Iterable[str]) -> set[int]:
    ids: set[int] = set()
    for key in keys:
        agency, _, number = key.partition("/")
        row = session.execute(
            select(LicenceRow.id).where(LicenceRow.agency == agency, LicenceRow.number == number)
        ).scalar_one_or_none()
        if row is not None:
            ids.add(row)
    return ids


def _licences_of_shipments_and_custody(session: Session, change: Change) -> set[int]:
    ids: set[int] = set()
    if change.shipments:
        ids |= set(
            session.execute(
                select(ShipmentRow.licence_id).where(ShipmentRow.key.in_(change.shipments))
            ).scalars()
        )
    if change.custody:
        ids |= set(
            session.execute(
                select(SerialRow.licence_id)
                .join(CustodyEventRow, CustodyEventRow.serial_id == SerialRow.id)
                .where(CustodyEventRow.key.in_(change.custody))
            ).scalars()
        )
    return ids


def _resolutions_to(session: Session, entity_ids: Iterable[str]) -> Iterator[Any]:
    """WHERE clauses that together pick the resolutions to these entities, through the indexed unit and
    list-entry columns (the entity id column is not indexed; it is asked only for ids of no stored row)."""
    ids = sorted(set(entity_ids))
    units, entries = entity_row_ids(session, ids)
    unknown = [e for e in ids if e not in units and e not in entries]
    for column, values in (
        (ResolutionRow.unit_id, sorted(units.values())),
        (ResolutionRow.list_entry_id, sorted(entries.values())),
        (ResolutionRow.entity_id, unknown),
    ):
        for start in range(0, len(values), 900):
            yield column.in_(values[start : start + 900])


def _consignees_resolved_to(entity_ids: Iterable[str]) -> Iterator[Any]:
    ids = sorted(set(entity_ids))
    for start in range(0, len(ids), 900):
        yield ShipmentRow.consignee_entity_id.in_(ids[start : start + 900])


def _resolved_to(session: Session, entity_ids: Iterable[str]) -> set[int]:
    """Licences with a party or a shipment consignee resolved to any of these entities."""
    entity_ids = list(entity_ids)
    found: set[int] = set()
    for clause in _resolutions_to(session, entity_ids):
        found |= set(session.execute(select(ResolutionRow.licence_id).where(clause)).scalars())
    for clause in _consignees_resolved_to(entity_ids):
        found |= set(session.execute(select(ShipmentRow.licence_id).where(clause)).scalars())
    return found


def entity_names(session: Session, units: Iterable[str], entries: Iterable[str]) -> dict[str, list[str]]:
    """Every name of the changed units and list entries, by entity id."""
    names: dict[str, list[str]] = {}
    unit_keys = list(units)
    if unit_keys:
        for key, name, alias in session.execute(
            select(UnitRow.key, UnitRow.name, UnitAliasRow.name)
            .outerjoin(UnitAliasRow, UnitAliasRow.unit_id == UnitRow.id)
            .where(UnitRow.key.in_(unit_keys))
        ):
            found = names.setdefault(f"unit:{key}", [name])
            if alias and alias not in found:
                found.append(alias)
    by_list: dict[str, list[str]] = {}
    for ref in entries:
        list_key, _, entry_key = ref.partition("/")
        by_list.setdefault(list_key, []).append(entry_key)
    for list_key, entry_keys in sorted(by_list.items()):
        for start in range(0, len(entry_keys), 900):
            rows = session.execute(
                select(ListEntryRow.key, ListEntryRow.name, ListEntryRow.aliases)
                .join(WatchListRow, WatchListRow.id == ListEntryRow.watch_list_id)
                .where(WatchListRow.key == list_key, ListEntryRow.key.in_(entry_keys[start : start + 900]))
            )
            for entry_key, name, aliases in rows:
                names[f"entry:{list_key}/{entry_key}"] = [name, *(str(a) for a in aliases or [])]
    return names


def _name_id(name: str) -> str:
    return "name:" + hashlib.blake2b(name.encode("utf-8"), digest_size=12).hexdigest()


def party_name_screener(database: Database, settings: Settings) -> tuple[Screener, dict[str, str]]:
    """An index of the distinct party names in the book, for screening backwards. Cached on disk and updated
    with only the names that are new since it was written."""
    with database.session() as session:
        names = sorted(name for (name,) in read_columns(session, select(PartyRow.name).distinct()))
    folder: Path = settings.data_dir / "screening-parties"
    current = Screener.cache_is_current(folder, settings.screening)
    held = _PARTY_NAMES.get(str(folder))
    if current and held is not None and held[0] == names:
        # The same names as this process last indexed, and the cache still on disk: nothing to hash or load.
        return held[1], held[2]
    by_id = {_name_id(name): name for name in names}
    if current:
        screener = Screener.load(folder, settings.screening)
        # An entity here is its name (and its id a digest of it): the same ids are the same index.
        if set(screener.index.entity_ids) != by_id.keys():
            screener, _counts = screener.updated(_name_entities(by_id), workers=settings.screening.workers)
            screener.save(folder)
    else:
        screener = Screener.build(
            _name_entities(by_id), settings.screening, workers=settings.screening.workers
        )
        screener.save(folder)
    _PARTY_NAMES.clear()
    _PARTY_NAMES[str(folder)] = (names, screener, by_id)
    return screener, by_id


#: The party names this process last indexed, with their screener and ids, by cache folder: one.
_PARTY_NAMES: dict[str, tuple[list[str], Screener, dict[str, str]]] = {}


def _name_entities(by_id: dict[str, str]) -> list[ScreeningEntity]:
    return [ScreeningEntity(id=entity_id, names=(name,), kind="company") for entity_id, name in by_id.items()]


def parties_matching(database: Database, settings: Settings, names: dict[str, list[str]]) -> set[str]:
    """Party names in the book that screen as a match or possible match of any of these names."""
    if not names:
        return set()
    screener, by_id = party_name_screener(database, settings)
    queries = [Query(name=name) for entity_names in names.values() for name in entity_names]
    matched: set[str] = set()
    # Only the decisions are read: a candidate below "possible" is not explained (`explain="decided"`).
    workers = settings.screening.workers
    for matches in screener.screen_many(queries, workers=workers, limit=50, explain="decided"):
        matched |= {
            by_id[m.entity_id] for m in matches if str(m.decision) != "no_match" and m.entity_id in by_id
        }
    return matched


def licences_naming(session: Session, names: Iterable[str]) -> set[int]:
    """Licences with a party, or a shipment consignee, written as one of these names."""
    batch = sorted(set(names))
    found: set[int] = set()
    for start in range(0, len(batch), 900):
        part = batch[start : start + 900]
        found |= set(session.execute(select(PartyRow.licence_id).where(PartyRow.name.in_(part))).scalars())
        found |= set(
            session.execute(select(ShipmentRow.licence_id).where(ShipmentRow.consignee.in_(part))).scalars()
        )
    return found


def names_resolved_to(session: Session, entity_ids: Iterable[str]) -> set[str]:
    """Party names and shipment consignees (as written) resolved to any of these entities."""
    entity_ids = list(entity_ids)
    parties = select(PartyRow.name).join(ResolutionRow, ResolutionRow.party_id == PartyRow.id)
    found: set[str | None] = set()
    for clause in _resolutions_to(session, entity_ids):
        found |= set(session.execute(parties.where(clause)).scalars())
    for clause in _consignees_resolved_to(entity_ids):
        found |= set(session.execute(select(ShipmentRow.consignee).where(clause)).scalars())
    return {name for name in found if name}


@bulk_work()
def revet(
    database: Database,
    settings: Settings,
    change: Change,
    *,
    cause: str,
    actor: str,
    as_of: date | None = None,
) -> Outcome:
    """Re-resolve and re-review what a change can affect, raising alerts for findings that are new, changed
    or resolved. Does nothing before the first review of the book."""
    if not change:
        return Outcome()
    with database.session() as session:
        if not review_has_run(session):
            return Outcome()
        renamed = [f"unit:{k}" for k in change.units] + [f"entry:{k}" for k in change.entries]
        # New or edited licences: every party is resolved again. Changed units and list entries: only the
        # parties (and consignees) written like them, or resolved to them before.
        whole = _licence_ids(session, change.licences)
        names = names_resolved_to(session, renamed)
        entity_name_lists = entity_names(session, change.units, change.entries)
    names |= parties_matching(database, settings, entity_name_lists)
    with database.session() as session:
        partly = licences_naming(session, names) - whole if names else set()
        review = whole | _licences_of_shipments_and_custody(session, change)
    screener = None
    if whole or partly:
        screener, _report = load_screener(database, settings)
    with database.transaction() as session:
        if screener is not None:
            screen_many = screen_names(screener, settings)
            if whole:
                resolve_parties(
                    session,
                    screener,
                    sorted(whole),
                    matcher_version=MATCHER_VERSION,
                    actor=actor,
                    screen_many=screen_many,
                )
            if partly:
                # Of the licences screened again, only those where a party now resolves otherwise, or
                # resolves to a changed unit or entry (whose record the review reads), are reviewed again.
                stats = resolve_parties(
                    session,
                    screener,
                    sorted(partly),
                    matcher_version=MATCHER_VERSION,
                    actor=actor,
                    screen_many=screen_many,
                    only_names=names,
                )
                review |= stats.changed_licences | _resolved_to(session, renamed)
        outcome = service.review_affected(
            session,
            settings.review,
            unit_keys=change.units | change.allegation_units,
            licence_ids_=review,
            cause=cause,
            as_of=as_of or date.today(),
            actor=actor,
        )
    detect_cases(database, settings, change, actor=actor, today=as_of or date.today(), outcome=outcome)
    return outcome


def custody_events_affected(session: Session, change: Change) -> set[str]:
    """Custody events a change can turn into a violation concern: the events themselves, events of the
    changed licences' serials, and events whose holder is a changed or newly implicated unit."""
    keys = set(change.custody)
    licence_ids = _licence_ids(session, change.licences)
    if licence_ids:
        keys |= set(
            session.execute(
                select(CustodyEventRow.key)
                .join(SerialRow, SerialRow.id == CustodyEventRow.serial_id)
                .where(SerialRow.licence_id.in_(licence_ids))
            ).scalars()
        )
    units = sorted(change.units | change.allegation_units)
    if units:
        keys |= set(
            session.execute(
                select(CustodyEventRow.key)
                .join(UnitRow, UnitRow.id == CustodyEventRow.holder_unit_id)
                .where(UnitRow.key.in_(units))
            ).scalars()
        )
    return keys


def detect_cases(
    database: Database, settings: Settings, change: Change, *, actor: str, today: date, outcome: Outcome
) -> None:
    """Open or feed violation cases from the custody events the change can affect (after the review, so the
    licences' parties are resolved)."""
    with database.transaction() as session:
        keys = custody_events_affected(session, change)
        if not keys:
            return
        found = detect(
            session,
            monitoring=settings.monitoring,
            review=settings.review,
            actor=actor,
            today=today,
            event_keys=keys,
        )
    outcome.cases_opened.extend(found.opened)
    outcome.cases_fed.extend(found.fed)


# ---------------------------------------------------------------------------------------------------------
# Analysts' actions that change what the review finds, each followed by re-vetting. The CLI and the web
# application both call these, so a confirmation made in either is re-vetted the same way.


@dataclass(frozen=True, slots=True)
class Revetted:
    """What an analyst's action did: the name it applies to (if any) and the re-vetting that followed."""

    name: str | None
    licences: set[str]
    outcome: Outcome


def dispose_resolution_and_revet(
    database: Database,
    settings: Settings,
    *,
    party_id: int,
    entity_id: str,
    verdict: str,
    actor: str,
    reason: str,
) -> Revetted:
    """Confirm or reject what a party is, then re-vet every licence with a party written the same way."""
    with database.transaction() as session:
        dispose_resolution(
            session,
            party_id=party_id,
            entity_id=entity_id,
            verdict=verdict,
            actor=actor,
            reason=reason,
            matcher_version=MATCHER_VERSION,
        )
        name = session.execute(select(PartyRow.name).where(PartyRow.id == party_id)).scalar_one()
        keys = {
            f"{a}/{n}"
            for a, n in session.execute(
                select(LicenceRow.agency, LicenceRow.number)
                .join(PartyRow, PartyRow.licence_id == LicenceRow.id)
                .where(PartyRow.name == name)
            )
        }
    outcome = revet(
        database, settings, Change(licences=keys), cause=f"{verdict} of {entity_id} for “{name}”", actor=actor
    )
    return Revetted(name, keys, outcome)


def decide_and_review(
    database: Database,
    settings: Settings,
    licence_ref: str,
    *,
    action: str,
    actor: str,
    justification: str,
    finding_ids: Sequence[int] = (),
    proviso: str | None = None,
    as_of: date | None = None,
) -> tuple[int, Revetted]:
    """Take a decision on a licence (`service.decide`) and review that licence again in the same
    transaction: findings weigh a licence's status (a denied application has none), so a suspension or a
    reinstatement can change them. Returns the decision's id and what the review changed."""
    with database.transaction() as session:
        decision = service.decide(
            session,
            licence_ref,
            action=action,
            actor=actor,
            justification=justification,
            finding_ids=finding_ids,
            proviso=proviso,
        )
        key = f"{decision_licence_key(session, decision.licence_id)}"
        outcome = Outcome()
        if review_has_run(session):
            outcome = service.review_affected(
                session,
                settings.review,
                licence_ids_=[decision.licence_id],
                cause=f"{action.replace('_', ' ')} of licence {key}",
                as_of=as_of or date.today(),
                actor=actor,
            )
        return decision.id, Revetted(None, {key}, outcome)


def decision_licence_key(session: Session, licence_id: int) -> str:
    agency, number = session.execute(
        select(LicenceRow.agency, LicenceRow.number).where(LicenceRow.id == licence_id)
    ).one()
    return f"{agency}/{number}"


def import_and_revet(
    database: Database,
    settings: Settings,
    paths: Sequence[Path],
    *,
    actor: str,
    fmt: Format | None = None,
    kind: RecordKind | None = None,
    list_key: str | None = None,
    list_name: str | None = None,
    progress: ProgressHook | None = None,
    dry_run: bool = False,
) -> tuple[ImportReport, Outcome | None]:
    """Import files (`lantern.io.service.import_files`, all or nothing), then re-vet what they changed.

    A dry run checks everything and stores nothing, so it re-vets nothing either."""
    report = import_files(
        database,
        paths,
        actor=actor,
        settings=settings.imports,
        fmt=fmt,
        kind=kind,
        list_key=list_key,
        list_name=list_name,
        progress=progress,
        dry_run=dry_run,
    )
    if dry_run or not report.changed:
        return report, None
    outcome = revet(
        database,
        settings,
        change_from_import(report),
        cause=f"import of {', '.join(p.name for p in paths)}"[:500],
        actor=actor,
    )
    return report, outcome
