"""Write-side services: store and update sources, units, watch lists, list entries, licences, allegations,
shipments and custody events, every write audited.

The stores write prepared rows (lantern.io.problems.prepare): records already validated, with their natural
key, their contract JSON data and its content hash. A record whose hash matches the stored one is skipped; a
new one is created in bulk; a changed one is updated in place with before and after in the audit log.
References between records (a party's unit, a citation's source...) are checked against the database and
the records of the same run before anything is written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, ClassVar, NamedTuple

from sqlalchemy import Table, and_, bindparam, insert, select, update
from sqlalchemy.orm import Session

from lantern.audit.batch import AuditBatch
from lantern.core.dates import PartialDate
from lantern.core.text import company_key
from lantern.db.tables.licences import ExclusionRow, ItemRow, LicenceRow, LicenceStatusRow, PartyRow
from lantern.db.tables.registry import (
    AllegationPersonRow,
    AllegationStatusRow,
    AllegationUnitRow,
    AllegationViolationRow,
    CitationRow,
    UnitAliasRow,
    UnitParentRow,
    UnitRow,
    UnitSourceRow,
)
from lantern.db.tables.review import LicenceDecisionRow
from lantern.db.tables.shipments import CustodyEventRow, SerialRow, ShipmentLineRow, ShipmentRow
from lantern.db.tables.watchlists import ListEntryRow, WatchListRow
from lantern.errors import ValidationProblem
from lantern.io.bulk import allocate_ids, insert_rows, is_postgresql, sync_children, table
from lantern.io.load import MAIN_TABLES, load_records
from lantern.io.problems import Loc, Problem, Row, materialise, prepare
from lantern.io.records import Record, RecordKind, ShipmentRecord, derive_custody_key, dump
from lantern.licences.model import LicenceStatus, StatusChange
from lantern.monitoring.model import (
    DRAWING_STATUSES,
    SerialKey,
    ShipmentLine,
    ShipmentNotice,
    ShipmentStatus,
)
from lantern.monitoring.rules import (
    ItemAllowance,
    LicenceBalance,
    decide,
    draw_down,
    give_back,
    serial_key,
)
from lantern.units.hierarchy import find_cycle

NOUNS = {
    RecordKind.SOURCES: "source",
    RecordKind.UNITS: "unit",
    RecordKind.LISTS: "watch list",
    RecordKind.LIST_ENTRIES: "list entry",
    RecordKind.LICENCES: "licence",
    RecordKind.ALLEGATIONS: "allegation",
    RecordKind.SHIPMENTS: "shipment",
    RecordKind.CUSTODY: "custody event",
}
ENTITY_TYPES = {
    RecordKind.SOURCES: "source",
    RecordKind.UNITS: "unit",
    RecordKind.LISTS: "watch_list",
    RecordKind.LIST_ENTRIES: "list_entry",
    RecordKind.LICENCES: "licence",
    RecordKind.ALLEGATIONS: "allegation",
    RecordKind.SHIPMENTS: "shipment",
    RecordKind.CUSTODY: "custody_event",
}

Data = dict[str, Any]
Ref = tuple[Loc, RecordKind, str]


# Contract JSON values to Python values for the database (the JSON was made from validated records).


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _money(text: str | None) -> Decimal | None:
    return Decimal(text) if text is not None else None


def _earliest(text: str | None) -> date | None:
    return PartialDate.parse(text).earliest() if text else None


def _latest(text: str | None) -> date | None:
    return PartialDate.parse(text).latest() if text else None


@lru_cache(maxsize=65536)
def exporter_key(applicant: str) -> str:
    """The key that ties an exporter's account to its licences (see lantern.core.text.company_key)."""
    return company_key(applicant)


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0  # shipments refused by the draw-down rules (stored, with their reasons)

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
        }


class Resolver:
    """Natural keys to row ids and content hashes, with a cache of what this run already knows."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._ids: dict[RecordKind, dict[str, int]] = defaultdict(dict)

    def remember(self, kind: RecordKind, key: str, row_id: int) -> None:
        self._ids[kind][key] = row_id

    def ids(self, kind: RecordKind, keys: Iterable[str | None]) -> dict[str, int]:
        known = self._ids[kind]
        wanted = {k for k in keys if k}
        missing = [k for k in wanted if k not in known]
        if missing:
            self.lookup(kind, missing)
        return {k: known[k] for k in wanted if k in known}

    def lookup(self, kind: RecordKind, keys: Sequence[str]) -> dict[str, tuple[int, str | None]]:
        """Stored (id, content hash) by natural key."""
        found: dict[str, tuple[int, str | None]] = {}
        if not keys:
            return found
        if kind is RecordKind.LICENCES:
            by_agency: dict[str, list[str]] = defaultdict(list)
            for key in keys:
                agency, _, number = key.partition("/")
                by_agency[agency].append(number)
            for agency, numbers in by_agency.items():
                by_number = select(LicenceRow.id, LicenceRow.number, LicenceRow.content_hash).where(
                    LicenceRow.agency == agency, LicenceRow.number.in_(numbers)
                )
                for row_id, number, content in self.session.execute(by_number):
                    found[f"{agency}/{number}"] = (row_id, content)
        elif kind is RecordKind.LIST_ENTRIES:
            pairs = [key.partition("/")[::2] for key in keys]
            by_pair = (
                select(ListEntryRow.id, WatchListRow.key, ListEntryRow.key, ListEntryRow.content_hash)
                .join(WatchListRow, WatchListRow.id == ListEntryRow.watch_list_id)
                .where(
                    WatchListRow.key.in_({p[0] for p in pairs}),
                    ListEntryRow.key.in_({p[1] for p in pairs}),
                )
            )
            wanted = set(keys)
            for row_id, list_key, entry_key, content in self.session.execute(by_pair):
                if f"{list_key}/{entry_key}" in wanted:
                    found[f"{list_key}/{entry_key}"] = (row_id, content)
        else:
            main = MAIN_TABLES[kind]
            query = select(main.c.id, main.c.key, main.c.content_hash).where(main.c.key.in_(keys))
            for row_id, key, content in self.session.execute(query):
                found[key] = (row_id, content)
        for key, (row_id, _content) in found.items():
            self._ids[kind][key] = row_id
        return found


@dataclass
class Written:
    """The rows one record becomes: its main row and its children, table by table."""

    main: dict[str, Any]
    # (child table, column pointing at the main row, columns that identify a child across updates, rows)
    children: list[tuple[Table, str, tuple[str, ...], list[dict[str, Any]]]] = field(default_factory=list)


@dataclass
class Context:
    """What the stores of one run share: the transaction, the audit batch, keys seen so far."""

    session: Session
    audit: AuditBatch
    now: datetime
    resolver: Resolver
    seen: dict[RecordKind, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    #: Serial keys declared by shipments of this run (so custody events may name them).
    declared_serials: set[SerialKey] = field(default_factory=set)
    writing: bool = True  # False once a problem is found: later records are still checked, not stored
    #: Keys of the records this run created or changed, by kind, for re-vetting what they affect.
    changed: dict[RecordKind, set[str]] = field(default_factory=lambda: defaultdict(set))
    #: Units named by allegations this run created or changed (before and after the change).
    allegation_units: set[str] = field(default_factory=set)


def _ready(row: Row) -> tuple[str, Data, str]:
    """A prepared row's key, data and content hash."""
    assert row.key is not None
    assert row.data is not None
    assert row.content is not None
    return row.key, row.data, row.content


def _rows(rows: Sequence[Row]) -> Iterator[tuple[Row, Data]]:
    for row in rows:
        if row.data is not None:
            yield row, row.data


class KindStore:
    """Checks and writes the prepared rows of one record type."""

    kind: ClassVar[RecordKind]

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.counts = Counts()

    @property
    def session(self) -> Session:
        return self.ctx.session

    @property
    def table(self) -> Table:
        return MAIN_TABLES[self.kind]

    # --- checking ---

    def references(self, data: Data) -> Iterator[Ref]:
        """References a record makes to other records, checked before anything is stored."""
        return iter(())

    def check(self, rows: Sequence[Row]) -> None:
        """Add a problem to each row that refers to something neither stored nor in this run."""
        wanted: dict[RecordKind, set[str]] = defaultdict(set)
        refs = [(row, ref) for row, data in _rows(rows) for ref in self.references(data)]
        for _row, (_loc, kind, key) in refs:
            wanted[kind].add(key)
        found = {kind: self.ctx.resolver.ids(kind, keys) for kind, keys in wanted.items()}
        for row, (loc, kind, key) in refs:
            if key not in found[kind] and key not in self.ctx.seen[kind]:
                row.add(loc, f"unknown {NOUNS[kind]} {key!r}")

    # --- writing ---

    def rows_for(self, row_id: int, data: Data, content: str) -> Written:
        raise NotImplementedError

    def save(self, rows: Sequence[Row]) -> None:
        """Create new records in bulk, update changed ones, skip unchanged ones; all audited."""
        existing = self.ctx.resolver.lookup(self.kind, [row.key for row in rows if row.key])
        creates: list[Row] = []
        updates: list[tuple[int, Row]] = []
        for row in rows:
            assert row.key is not None
            stored = existing.get(row.key)
            if stored is None:
                creates.append(row)
            elif stored[1] == row.content:
                self.counts.unchanged += 1
            else:
                updates.append((stored[0], row))
        self.create(creates)
        for row_id, row in updates:
            self.update(row_id, row)

    def create(self, rows: Sequence[Row]) -> None:
        if not rows:
            return
        ids = allocate_ids(self.session, self.table, len(rows))
        mains: list[dict[str, Any]] = []
        children: dict[Table, list[dict[str, Any]]] = defaultdict(list)
        for row_id, row in zip(ids, rows, strict=True):
            key, data, content = _ready(row)
            self.ctx.resolver.remember(self.kind, key, row_id)
            written = self.rows_for(row_id, data, content)
            mains.append({"id": row_id, **written.main})
            for child, _parent, _match, child_rows in written.children:
                children[child] += child_rows
            self.audit("create", key, None, data)
        insert_rows(self.session, self.table, mains)
        for child, child_rows in children.items():
            insert_rows(self.session, child, child_rows)
        self.counts.created += len(rows)
        self.created(list(zip(ids, rows, strict=True)))

    def created(self, rows: Sequence[tuple[int, Row]]) -> None:
        """Hook after a bulk create (units record their parent links here)."""

    def update(self, row_id: int, row: Row) -> None:
        key, data, content = _ready(row)
        before = dump(load_records(self.session, self.kind, [row_id])[row_id])
        if before == data:
            # The stored hash was stale (written by another version or writer): refresh it, change nothing.
            refresh = update(self.table).where(self.table.c.id == row_id).values(content_hash=content)
            self.session.execute(refresh)
            self.counts.unchanged += 1
            return
        written = self.rows_for(row_id, data, content)
        self.session.execute(update(self.table).where(self.table.c.id == row_id).values(**written.main))
        for child, parent_column, match, child_rows in written.children:
            sync_children(self.session, child, parent_column, row_id, child_rows, match)
        self.audit("update", key, before, data)
        self.counts.updated += 1

    def audit(self, verb: str, key: str, before: Data | None, after: Data) -> None:
        self.ctx.changed[self.kind].add(key)
        if self.kind is RecordKind.ALLEGATIONS:
            for data in (before, after):
                if data is not None:
                    self.ctx.allegation_units.update(data.get("units") or ())
        entity_type = ENTITY_TYPES[self.kind]
        self.ctx.audit.add(
            action=f"{entity_type}.{verb}",
            entity_type=entity_type,
            entity_key=key,
            before=before,
            after=after,
        )

    def finish(self) -> list[Problem]:
        """Work that needs every record of this kind (unit parent links); returns problems found."""
        return []


class SourceStore(KindStore):
    kind = RecordKind.SOURCES

    def rows_for(self, row_id: int, data: Data, content: str) -> Written:
        return Written(
            {
                "key": data["id"],
                "title": data["title"],
                "publisher": data["publisher"],
                "published": data["date"],
                "url": data["url"],
                "document_ref": data["document_ref"],
                "notes": data["notes"],
                "content_hash": content,
                "updated_at": self.ctx.now,
            }
        )


class _Parent(NamedTuple):
    unit: str
    start: str | None
    end: str | None
    source: str | None


@dataclass(slots=True)
class _PendingParents:
    """A unit's parent links waiting for `finish`; kept small, since a registry may hold a million units."""

    unit_id: int | None
    key: str
    parents: list[_Parent]
    anchor: Row | None  # where problems about these links are reported (no data kept)
    replace: bool


def _pending(row_id: int | None, row: Row, replace: bool) -> _PendingParents:
    key, data, _content = _ready(row)
    parents = [_Parent(p["unit"], p["start"], p["end"], p["source"]) for p in data["parents"]]
    return _PendingParents(row_id, key, parents, Row(row.file, row.line, None, locator=row.locator), replace)


class UnitStore(KindStore):
    """Units; their parent links are written at the end, once every unit of the run exists.

    A unit may name a parent that comes later in the same file, and a cycle can run through the file and
    the store together (A under B in the store, B under A in the file), so both wait for `finish`.
    """

    kind = RecordKind.UNITS

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.pending: dict[str, _PendingParents] = {}

    def references(self, data: Data) -> Iterator[Ref]:
        for index, source in enumerate(data["sources"]):
            yield ("sources", index), RecordKind.SOURCES, source
        for index, parent in enumerate(data["parents"]):
            if parent["source"]:
                yield ("parents", index, "source"), RecordKind.SOURCES, parent["source"]

    def check(self, rows: Sequence[Row]) -> None:
        super().check(rows)
        for row, data in _rows(rows):
            if data["id"] not in self.pending:
                self.pending[data["id"]] = _pending(None, row, replace=False)

    def rows_for(self, row_id: int, data: Data, content: str) -> Written:
        sources = self.ctx.resolver.ids(RecordKind.SOURCES, data["sources"])
        return Written(
            {
                "key": data["id"],
                "name": data["name"],
                "kind": data["kind"],
                "level": data["level"],
                "country": data["country"],
                "state": data["state"],
                "municipality": data["municipality"],
                "notes": data["notes"],
                "content_hash": content,
                "updated_at": self.ctx.now,
            },
            [
                (
                    table(UnitAliasRow),
                    "unit_id",
                    ("position",),
                    [
                        {"unit_id": row_id, "position": i, "name": a["name"], "kind": a["kind"]}
                        for i, a in enumerate(data["aliases"])
                    ],
                ),
                (
                    table(UnitSourceRow),
                    "unit_id",
                    ("source_id",),
                    [
                        {"unit_id": row_id, "position": i, "source_id": sources[s]}
                        for i, s in enumerate(data["sources"])
                    ],
                ),
            ],
        )

    def created(self, rows: Sequence[tuple[int, Row]]) -> None:
        for row_id, row in rows:
            self.pending[_ready(row)[0]] = _pending(row_id, row, replace=False)

    def update(self, row_id: int, row: Row) -> None:
        super().update(row_id, row)
        self.pending[_ready(row)[0]] = _pending(row_id, row, replace=True)

    def save(self, rows: Sequence[Row]) -> None:
        super().save(rows)
        # Unchanged units keep their stored parents: take them out of the parent work.
        for row in rows:
            pending = self.pending.get(row.key or "")
            if pending is not None and pending.unit_id is None:
                del self.pending[pending.key]

    def _stored_parents(self, keys: Iterable[str]) -> dict[str, list[str]]:
        child = table(UnitRow).alias("child")
        parent = table(UnitRow).alias("parent")
        links = table(UnitParentRow)
        query = (
            select(child.c.key, parent.c.key)
            .select_from(
                links.join(child, child.c.id == links.c.unit_id).join(
                    parent, parent.c.id == links.c.parent_id
                )
            )
            .where(child.c.key.in_(list(keys)))
        )
        graph: dict[str, list[str]] = defaultdict(list)
        for child_key, parent_key in self.session.execute(query):
            graph[child_key].append(parent_key)
        return graph

    def _graph(self) -> dict[str, list[str]]:
        """The parent graph reachable from this run's units: their new links, then the stored ones above."""
        graph = {key: [p.unit for p in pending.parents] for key, pending in self.pending.items()}
        frontier = {p for parents in graph.values() for p in parents if p not in graph}
        while frontier:
            stored = self._stored_parents(frontier)
            for key in frontier:
                graph[key] = stored.get(key, [])
            frontier = {p for key in frontier for p in graph[key] if p not in graph}
        return graph

    def finish(self) -> list[Problem]:
        problems: list[Problem] = []
        if not self.pending:
            return problems
        parent_keys = {p.unit for pending in self.pending.values() for p in pending.parents}
        known = self.ctx.resolver.ids(RecordKind.UNITS, parent_keys)
        for pending in self.pending.values():
            for index, parent in enumerate(pending.parents):
                if parent.unit not in known and parent.unit not in self.ctx.seen[RecordKind.UNITS]:
                    message = f"unknown unit {parent.unit!r}"
                    problems.append(self._problem(pending, ("parents", index, "unit"), message))
        if any(pending.parents for pending in self.pending.values()):
            cycle = find_cycle(self._graph())
            if cycle is not None:
                first = next((k for k in cycle if k in self.pending), cycle[0])
                pending = self.pending.get(first) or _PendingParents(None, first, [], None, False)
                shown = " → ".join(cycle)
                problems.append(self._problem(pending, ("parents",), f"parent cycle: {shown}"))
        if problems or not self.ctx.writing:
            return problems
        self._write_parents(known)
        return problems

    def _problem(self, pending: _PendingParents, loc: Loc, message: str) -> Problem:
        if pending.anchor is None:
            return Problem("(store)", 0, f"unit {pending.key}", message)
        return pending.anchor.add(loc, message)

    def _write_parents(self, known: dict[str, int]) -> None:
        sources = {p.source for pending in self.pending.values() for p in pending.parents}
        source_ids = self.ctx.resolver.ids(RecordKind.SOURCES, sources)
        inserts: list[dict[str, Any]] = []
        for pending in self.pending.values():
            if pending.unit_id is None:
                continue
            rows = [
                {
                    "unit_id": pending.unit_id,
                    "parent_id": known[p.unit],
                    "position": i,
                    "start": p.start,
                    "end": p.end,
                    "start_date": _earliest(p.start),
                    "end_date": _latest(p.end),
                    "source_id": source_ids.get(p.source) if p.source else None,
                }
                for i, p in enumerate(pending.parents)
            ]
            if pending.replace:
                sync_children(
                    self.session, table(UnitParentRow), "unit_id", pending.unit_id, rows, ("position",)
                )
            else:
                inserts += rows
        insert_rows(self.session, table(UnitParentRow), inserts)


class WatchListStore(KindStore):
    kind = RecordKind.LISTS

    def references(self, data: Data) -> Iterator[Ref]:
        if data["source"]:
            yield ("source",), RecordKind.SOURCES, data["source"]

    def rows_for(self, row_id: int, data: Data, content: str) -> Written:
        sources = self.ctx.resolver.ids(RecordKind.SOURCES, [data["source"]])
        return Written(
            {
                "key": data["id"],
                "name": data["name"],
                "source_id": sources.get(data["source"]) if data["source"] else None,
                "list_date": _day(data["date"]),
                "synthetic": data["synthetic"],
                "content_hash": content,
                "updated_at": self.ctx.now,
            }
        )


class ListEntryStore(KindStore):
    kind = RecordKind.LIST_ENTRIES

    def references(self, data: Data) -> Iterator[Ref]:
        yield ("list",), RecordKind.LISTS, data["list"]

    def rows_for(self, row_id: int, data: Data, content: str) -> Written:
        lists = self.ctx.resolver.ids(RecordKind.LISTS, [data["list"]])
        return Written(
            {
                "watch_list_id": lists[data["list"]],
                "key": data["id"],
                "name": data["name"],
                "entry_type": data["type"],
                "aliases": data["aliases"],
                "countries": data["countries"],
                "programs": data["programs"],
                "identifiers": [[i["scheme"], i["value"]] for i in data["identifiers"]],
                "listed": data["listed"],
                "delisted": data["delisted"],
                "remarks": data["remarks"],
                "content_hash": content,
                "updated_at": self.ctx.now,
            }
        )


#: The status each decision on a licence leaves it in (see lantern.review.service.decide).
DECISION_STATUS = {
    "suspend": "suspended",
    "revoke": "revoked",
    "reinstate": "approved",
    "deny": "denied",
    "approve": "approved",
}


def with_decisions(session: Session, licence_id: int, history: list[Data]) -> list[Data]:
    """The status history of a licence record, merged with the decisions taken on it in Lantern.

    A corrected licence record replaces the stored one, but a suspension or revocation decided here is not
    in the file: it is kept, in time order, so an import can never silently lift a suspension.
    """
    decisions = session.execute(
        select(
            LicenceDecisionRow.action,
            LicenceDecisionRow.at,
            LicenceDecisionRow.actor,
            LicenceDecisionRow.justification,
        )
        .where(LicenceDecisionRow.licence_id == licence_id)
        .order_by(LicenceDecisionRow.at, LicenceDecisionRow.id)
    ).all()
    if not decisions:
        return history
    merged = list(history)
    present = {(h["status"], _utc(h["at"]).replace(microsecond=0)) for h in history}
    for action, at, actor, justification in decisions:
        status = DECISION_STATUS.get(action)
        if status is None:
            continue
        moment = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UTC)
        if (status, moment.replace(microsecond=0)) in present:
            continue
        merged.append({"status": status, "at": moment.isoformat(), "by": actor, "reason": justification})
    merged.sort(key=lambda h: _utc(h["at"]))
    return merged


def _utc(text: str) -> datetime:
    moment = _moment(text)
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


class LicenceStore(KindStore):
    kind = RecordKind.LICENCES
    #: True while new records are written: a licence row made by this run has no decisions to keep yet.
    _creating = False

    def create(self, rows: Sequence[Row]) -> None:
        self._creating = True
        try:
            super().create(rows)
        finally:
            self._creating = False

    def references(self, data: Data) -> Iterator[Ref]:
        for index, party in enumerate(data["parties"]):
            if party["unit"]:
                yield ("parties", index, "unit"), RecordKind.UNITS, party["unit"]
            if party["list_entry"]:
                yield ("parties", index, "list_entry"), RecordKind.LIST_ENTRIES, party["list_entry"]

    def check(self, rows: Sequence[Row]) -> None:
        super().check(rows)
        # An item that shipments point at cannot disappear from a corrected licence.
        stored = self.ctx.resolver.lookup(self.kind, [row.key for row in rows if row.key])
        if not stored:
            return
        shipped = defaultdict(set)
        query = (
            select(ItemRow.licence_id, ItemRow.line)
            .join(ShipmentLineRow, ShipmentLineRow.item_id == ItemRow.id)
            .where(ItemRow.licence_id.in_([row_id for row_id, _ in stored.values()]))
        )
        for licence_id, line in self.session.execute(query):
            shipped[licence_id].add(line)
        for row, data in _rows(rows):
            if row.key not in stored:
                continue
            lines = {item["line"] for item in data["items"]}
            for line in sorted(shipped[stored[row.key][0]] - lines):
                row.add(("items",), f"item {line} has shipments against it and cannot be removed")

    def rows_for(self, row_id: int, data: Data, content: str) -> Written:
        parties = data["parties"]
        units: dict[str, int] = {}
        entries: dict[str, int] = {}
        if any(p["unit"] or p["list_entry"] for p in parties):
            units = self.ctx.resolver.ids(RecordKind.UNITS, [p["unit"] for p in parties])
            entries = self.ctx.resolver.ids(RecordKind.LIST_ENTRIES, [p["list_entry"] for p in parties])
        applicant = next((p["name"] for p in parties if p["role"] == "applicant"), None)
        history = (
            data["status_history"]
            if self._creating
            else with_decisions(self.session, row_id, data["status_history"])
        )
        return Written(
            {
                "agency": data["agency"],
                "number": data["number"],
                "kind": data["kind"],
                "destination_country": data["country"],
                "end_use": data["end_use"],
                "issue_date": _day(data["issue_date"]),
                "expiry_date": _day(data["expiry_date"]),
                "total_value": _money(data["value"]),
                "cn_reference": data["cn_reference"],
                "proviso_text": data["provisos"],
                "consignee_statement": data["consignee_statement"],
                "status": history[-1]["status"] if history else None,
                "exporter_key": exporter_key(applicant) if applicant else None,
                "synthetic": data["synthetic"],
                "notes": data["notes"],
                "content_hash": content,
                "updated_at": self.ctx.now,
            },
            [
                (
                    table(PartyRow),
                    "licence_id",
                    ("position",),
                    [
                        {
                            "licence_id": row_id,
                            "position": i,
                            "role": p["role"],
                            "name": p["name"],
                            "country": p["country"],
                            "address": p["address"],
                            "unit_id": units.get(p["unit"]) if p["unit"] else None,
                            "list_entry_id": entries.get(p["list_entry"]) if p["list_entry"] else None,
                        }
                        for i, p in enumerate(parties)
                    ],
                ),
                (
                    table(ItemRow),
                    "licence_id",
                    ("line",),
                    [
                        {
                            "licence_id": row_id,
                            "line": item["line"],
                            "usml_category": item["usml_category"],
                            "eccn": item["eccn"],
                            "fire_mode": item["fire_mode"],
                            "description": item["description"],
                            "manufacturer": item["manufacturer"],
                            "model": item["model"],
                            "calibre": item["calibre"],
                            "quantity": item["quantity"],
                            "unit_value": _money(item["unit_value"]),
                            "total_value": _money(item["total_value"]),
                        }
                        for item in data["items"]
                    ],
                ),
                (
                    table(ExclusionRow),
                    "licence_id",
                    ("position",),
                    [
                        {
                            "licence_id": row_id,
                            "position": i,
                            "kind": e["kind"],
                            "value": e["value"],
                            "text": e["text"],
                        }
                        for i, e in enumerate(data["exclusions"])
                    ],
                ),
                (
                    table(LicenceStatusRow),
                    "licence_id",
                    ("position",),
                    [
                        {
                            "licence_id": row_id,
                            "position": i,
                            "status": s["status"],
                            "changed_at": _moment(s["at"]),
                            "actor": s["by"],
                            "reason": s["reason"],
                        }
                        for i, s in enumerate(history)
                    ],
                ),
            ],
        )


class AllegationStore(KindStore):
    kind = RecordKind.ALLEGATIONS

    def references(self, data: Data) -> Iterator[Ref]:
        for index, unit in enumerate(data["units"]):
            yield ("units", index), RecordKind.UNITS, unit
        for index, person in enumerate(data["persons"]):
            if person["unit"]:
                yield ("persons", index, "unit"), RecordKind.UNITS, person["unit"]
        for index, citation in enumerate(data["citations"]):
            yield ("citations", index, "source"), RecordKind.SOURCES, citation["source"]

    def rows_for(self, row_id: int, data: Data, content: str) -> Written:
        units = self.ctx.resolver.ids(
            RecordKind.UNITS, [*data["units"], *(p["unit"] for p in data["persons"])]
        )
        sources = self.ctx.resolver.ids(RecordKind.SOURCES, [c["source"] for c in data["citations"]])
        return Written(
            {
                "key": data["id"],
                "description": data["description"],
                "incident_start": data["start"],
                "incident_end": data["end"],
                "incident_start_date": _earliest(data["start"]),
                "incident_end_date": _latest(data["end"]),
                "place": data["place"],
                "state": data["state"],
                "municipality": data["municipality"],
                "confidence": data["confidence"],
                "content_hash": content,
                "updated_at": self.ctx.now,
            },
            [
                (
                    table(AllegationUnitRow),
                    "allegation_id",
                    ("unit_id",),
                    [
                        {"allegation_id": row_id, "position": i, "unit_id": units[u]}
                        for i, u in enumerate(data["units"])
                    ],
                ),
                (
                    table(AllegationViolationRow),
                    "allegation_id",
                    ("position",),
                    [
                        {"allegation_id": row_id, "position": i, "violation": v}
                        for i, v in enumerate(data["violations"])
                    ],
                ),
                (
                    table(AllegationPersonRow),
                    "allegation_id",
                    ("position",),
                    [
                        {
                            "allegation_id": row_id,
                            "position": i,
                            "name": p["name"],
                            "role": p["role"],
                            "unit_id": units.get(p["unit"]) if p["unit"] else None,
                        }
                        for i, p in enumerate(data["persons"])
                    ],
                ),
                (
                    table(CitationRow),
                    "allegation_id",
                    ("position",),
                    [
                        {
                            "allegation_id": row_id,
                            "position": i,
                            "source_id": sources[c["source"]],
                            "access_point": c["access_point"],
                            "quote": c["quote"],
                        }
                        for i, c in enumerate(data["citations"])
                    ],
                ),
                (
                    table(AllegationStatusRow),
                    "allegation_id",
                    ("position",),
                    [
                        {
                            "allegation_id": row_id,
                            "position": i,
                            "status": s["status"],
                            "status_date": _day(s["date"]),
                            "note": s["note"],
                        }
                        for i, s in enumerate(data["statuses"])
                    ],
                ),
            ],
        )


@dataclass(frozen=True, slots=True)
class _Item:
    id: int
    quantity: int
    total_value: Decimal | None
    category: str | None


@dataclass
class _Licence:
    id: int
    items: dict[int, _Item]
    balance: LicenceBalance


def notice_of(data: Data) -> ShipmentNotice:
    """The draw-down rules' view of a shipment record."""
    return ShipmentNotice(
        licence_key=data["licence"],
        shipped_on=date.fromisoformat(data["date"]),
        lines=tuple(
            ShipmentLine(line["item"], line["quantity"], _money(line["value"])) for line in data["lines"]
        ),
        serials=tuple(serial_key(s["make"], s["serial"]) for s in data["serials"]),
        value=_money(data["value"]),
    )


def status_history(session: Session, licence_id: int) -> tuple[StatusChange, ...]:
    return tuple(
        StatusChange(LicenceStatus(status), at if at.tzinfo else at.replace(tzinfo=UTC), actor)
        for status, at, actor in session.connection().execute(
            select(LicenceStatusRow.status, LicenceStatusRow.changed_at, LicenceStatusRow.actor)
            .where(LicenceStatusRow.licence_id == licence_id)
            .order_by(LicenceStatusRow.position)
        )
    )


# Each item of a licence with the lines its accepted and held shipments drew on it (every shipment has at
# least one line, each on an item of its licence): the balance in one query. The joins are chained so that
# each reads by index from the item outwards; a line whose shipment does not draw comes with no shipment and
# is skipped. (A nested `item LEFT JOIN (line JOIN shipment)` made SQLite materialise every drawing shipment's
# lines for each licence, so a bulk import of shipments grew with the square of the book.)
_BALANCE = (
    select(
        ItemRow.id,
        ItemRow.line,
        ItemRow.quantity,
        ItemRow.total_value,
        ItemRow.usml_category,
        ItemRow.eccn,
        table(ShipmentRow).c.id,
        table(ShipmentRow).c.value,
        table(ShipmentLineRow).c.quantity,
        table(ShipmentLineRow).c.value,
    )
    .select_from(
        table(ItemRow)
        .outerjoin(table(ShipmentLineRow), table(ShipmentLineRow).c.item_id == table(ItemRow).c.id)
        .outerjoin(
            table(ShipmentRow),
            and_(
                table(ShipmentRow).c.id == table(ShipmentLineRow).c.shipment_id,
                table(ShipmentRow).c.status.in_([s.value for s in DRAWING_STATUSES]),
            ),
        )
    )
    .where(ItemRow.licence_id == bindparam("licence"))
)


def licence_balance(
    session: Session,
    licence_id: int,
    key: str,
    expiry: date | None,
    total: Decimal | None,
    statuses: tuple[StatusChange, ...] | None = None,
) -> _Licence:
    """A licence's items and what its accepted and held shipments drew down, summed from their stored lines
    (the same sums `draw_down` makes shipment by shipment), in one query."""
    if statuses is None:
        statuses = status_history(session, licence_id)
    items: dict[int, _Item] = {}
    quantity: dict[int, int] = {}
    value: dict[int, Decimal] = {}
    # Per shipment: its declared value, and its line values while every line has one (notice_value).
    shipments: dict[int, tuple[Decimal | None, Decimal | None]] = {}
    rows = session.connection().execute(_BALANCE, {"licence": licence_id})
    for item_id, line, allowed, allowed_value, usml, eccn, shipment_id, declared, shipped, line_value in rows:
        items.setdefault(line, _Item(item_id, allowed, allowed_value, usml or eccn))
        if shipment_id is None:
            continue  # an item nothing has drawn on
        quantity[line] = quantity.get(line, 0) + shipped
        if line_value is not None:
            value[line] = value.get(line, Decimal("0")) + line_value
        summed = shipments.get(shipment_id, (declared, Decimal("0")))[1]
        shipments[shipment_id] = (
            declared,
            None if summed is None or line_value is None else summed + line_value,
        )
    shipped_total = sum(
        (d if d is not None else (s if s is not None else Decimal("0")) for d, s in shipments.values()),
        Decimal("0"),
    )
    balance = LicenceBalance(
        key=key,
        status_history=statuses,
        allowances={line: ItemAllowance(i.quantity, i.total_value) for line, i in items.items()},
        expiry_date=expiry,
        total_value=total,
        shipped_quantity=quantity,
        shipped_value=value,
        shipped_total=shipped_total,
    )
    return _Licence(licence_id, items, balance)


class ShipmentStore(KindStore):
    """Shipments, decided one by one with the draw-down rules against the licence's running balance."""

    kind = RecordKind.SHIPMENTS

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._licences: dict[str, _Licence] = {}
        # Serials registered by this run's accepted shipments: key -> shipment id.
        self._registered: dict[SerialKey, str] = {}

    def references(self, data: Data) -> Iterator[Ref]:
        yield ("licence",), RecordKind.LICENCES, data["licence"]

    def _licence(self, key: str) -> _Licence | None:
        if key in self._licences:
            return self._licences[key]
        row_id = self.ctx.resolver.ids(RecordKind.LICENCES, [key]).get(key)
        if row_id is None:
            return None
        query = select(LicenceRow.expiry_date, LicenceRow.total_value).where(LicenceRow.id == row_id)
        if is_postgresql(self.session):
            query = query.with_for_update()  # shipment notices filed meanwhile wait for this import
        expiry, total = self.session.execute(query).one()
        licence = licence_balance(self.session, row_id, key, expiry, total)
        self._licences[key] = licence
        return licence

    def check(self, rows: Sequence[Row]) -> None:
        super().check(rows)
        for row, data in _rows(rows):
            self.ctx.declared_serials.update(serial_key(s["make"], s["serial"]) for s in data["serials"])
            if row.problems:
                continue
            licence = self._licence(data["licence"])
            if licence is None:
                continue  # declared in this run but not stored because of other problems
            for index, line in enumerate(data["lines"]):
                if line["item"] not in licence.items:
                    row.add(("lines", index, "item"), f"licence {data['licence']} has no item {line['item']}")

    def _stored_serials(self, keys: Iterable[SerialKey]) -> dict[SerialKey, str]:
        wanted = set(keys)
        found: dict[SerialKey, str] = {}
        if not wanted:
            return found
        query = (
            select(SerialRow.make_key, SerialRow.serial_key, ShipmentRow.key)
            .join(ShipmentRow, ShipmentRow.id == SerialRow.shipment_id)
            .where(SerialRow.serial_key.in_({k.serial for k in wanted}))
        )
        for make, serial, shipment in self.session.connection().execute(query):
            key = SerialKey(make, serial)
            if key in wanted:
                found[key] = shipment
        return found

    def save(self, rows: Sequence[Row]) -> None:
        existing = self.ctx.resolver.lookup(self.kind, [row.key for row in rows if row.key])
        stored_serials = self._stored_serials(
            serial_key(s["make"], s["serial"]) for _row, data in _rows(rows) for s in data["serials"]
        )
        creates: list[Row] = []
        for row, data in _rows(rows):
            stored = existing.get(data["id"])
            if stored is not None and stored[1] == row.content:
                self.counts.unchanged += 1
                continue
            licence = self._licence(data["licence"])
            assert licence is not None
            own: set[SerialKey] = set()
            if stored is not None:
                old = dump(load_records(self.session, self.kind, [stored[0]])[stored[0]])
                if old["status"] in DRAWING_STATUSES:
                    licence.balance = give_back(licence.balance, notice_of(old))
                    own = set(notice_of(old).serials)

            def shipped(key: SerialKey, own: set[SerialKey] = own, this: str = data["id"]) -> str | None:
                if key in own:
                    return None
                earlier = self._registered.get(key) or stored_serials.get(key)
                return earlier if earlier != this else None

            notice = notice_of(data)
            decision = decide(licence.balance, notice, shipped)
            if decision.status in DRAWING_STATUSES:
                licence.balance = draw_down(licence.balance, notice)
                for key in notice.serials:
                    self._registered[key] = data["id"]
            else:
                self.counts.rejected += 1
            data["status"] = decision.status.value
            data["status_reason"] = decision.reason
            if stored is None:
                creates.append(row)
            else:
                self.update(stored[0], row)
        self.create(creates)

    def rows_for(self, row_id: int, data: Data, content: str) -> Written:
        licence = self._licences[data["licence"]]
        registered = data["status"] in DRAWING_STATUSES
        serials = data["serials"]
        return Written(
            {
                "key": data["id"],
                "licence_id": licence.id,
                "shipment_date": _day(data["date"]),
                "aes_itn": data["aes_itn"],
                "consignee": data["consignee"],
                "value": _money(data["value"]),
                "filed_by": data["filed_by"],
                "status": data["status"] or ShipmentStatus.ACCEPTED,
                "status_reason": data["status_reason"],
                "rejected_serials": None if registered else serials,
                "content_hash": content,
                "updated_at": self.ctx.now,
            },
            [
                (
                    table(ShipmentLineRow),
                    "shipment_id",
                    ("item_id",),
                    [
                        {
                            "shipment_id": row_id,
                            "position": i,
                            "item_id": licence.items[line["item"]].id,
                            "quantity": line["quantity"],
                            "value": _money(line["value"]),
                        }
                        for i, line in enumerate(data["lines"])
                    ],
                ),
                (
                    table(SerialRow),
                    "shipment_id",
                    ("make_key", "serial_key"),
                    [
                        {
                            "shipment_id": row_id,
                            "position": i,
                            "serial": s["serial"],
                            "serial_key": key.serial,
                            "make": s["make"],
                            "make_key": key.make,
                            "model": s["model"],
                            "calibre": s["calibre"],
                            "category": licence.items[s["item"]].category,
                            "licence_id": licence.id,
                            "item_id": licence.items[s["item"]].id,
                        }
                        for i, s in enumerate(serials)
                        for key in [serial_key(s["make"], s["serial"])]
                    ]
                    if registered
                    else [],
                ),
            ],
        )

    def update(self, row_id: int, row: Row) -> None:
        assert row.data is not None
        if row.data["status"] not in DRAWING_STATUSES:
            # A shipment corrected into a rejected one gives up its serials; custody events may hold them.
            held = self.session.execute(
                select(SerialRow.serial)
                .join(CustodyEventRow, CustodyEventRow.serial_id == SerialRow.id)
                .where(SerialRow.shipment_id == row_id)
                .limit(1)
            ).scalar()
            if held is not None:
                raise ValidationProblem(
                    f"shipment {row.data['id']} would be rejected ({row.data['status_reason']}), but serial "
                    f"{held} has custody events; correct the shipment or the events first"
                )
        super().update(row_id, row)


class CustodyStore(KindStore):
    kind = RecordKind.CUSTODY

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._serials: dict[str, int] = {}  # custody event key -> serial id, found by `check`

    def references(self, data: Data) -> Iterator[Ref]:
        if data["holder_unit"]:
            yield ("holder_unit",), RecordKind.UNITS, data["holder_unit"]
        if data["source"]:
            yield ("source",), RecordKind.SOURCES, data["source"]

    def check(self, rows: Sequence[Row]) -> None:
        super().check(rows)
        folded = {id(row): serial_key(data["make"] or "", data["serial"]) for row, data in _rows(rows)}
        found: dict[str, list[tuple[str, int]]] = defaultdict(list)
        query = select(SerialRow.make_key, SerialRow.serial_key, SerialRow.id).where(
            SerialRow.serial_key.in_({k.serial for k in folded.values()})
        )
        for make, serial, row_id in self.session.execute(query):
            found[serial].append((make, row_id))
        declared: dict[str, set[str]] = defaultdict(set)
        for key in self.ctx.declared_serials:
            declared[key.serial].add(key.make)
        for row, data in _rows(rows):
            key = folded[id(row)]
            candidates = [(m, i) for m, i in found.get(key.serial, []) if not data["make"] or m == key.make]
            if len(candidates) == 1:
                self._serials[row.key or ""] = candidates[0][1]
            elif len(candidates) > 1:
                row.add(("make",), f"serial {data['serial']} shipped under several makes; give the make")
            elif self.ctx.writing or not (
                declared.get(key.serial) and (not data["make"] or key.make in declared[key.serial])
            ):
                # Shipments of this run are stored by now unless the run already failed; only then may a
                # serial be known from them alone.
                row.add(("serial",), f"unknown serial {data['serial']!r}: no accepted shipment carried it")

    def rows_for(self, row_id: int, data: Data, content: str) -> Written:
        key = data["id"] or derive_custody_key(data)
        units = self.ctx.resolver.ids(RecordKind.UNITS, [data["holder_unit"]])
        sources = self.ctx.resolver.ids(RecordKind.SOURCES, [data["source"]])
        return Written(
            {
                "key": key,
                "serial_id": self._serials[key],
                "serial_written": data["serial"],
                "make_written": data["make"],
                "partial_date": data["date"],
                "event_date": _earliest(data["date"]),
                "event": data["event"],
                "place": data["place"],
                "state": data["state"],
                "municipality": data["municipality"],
                "holder": data["holder"],
                "holder_unit_id": units.get(data["holder_unit"]) if data["holder_unit"] else None,
                "source_id": sources.get(data["source"]) if data["source"] else None,
                "note": data["note"],
                "given_key": data["id"] is not None,
                "content_hash": content,
                "updated_at": self.ctx.now,
            }
        )


STORES: dict[RecordKind, type[KindStore]] = {
    RecordKind.SOURCES: SourceStore,
    RecordKind.UNITS: UnitStore,
    RecordKind.LISTS: WatchListStore,
    RecordKind.LIST_ENTRIES: ListEntryStore,
    RecordKind.LICENCES: LicenceStore,
    RecordKind.ALLEGATIONS: AllegationStore,
    RecordKind.SHIPMENTS: ShipmentStore,
    RecordKind.CUSTODY: CustodyStore,
}


def save_records(
    session: Session, records: Sequence[Record], *, actor: str, now: datetime | None = None
) -> dict[RecordKind, Counts]:
    """Store or update records of any kinds inside the caller's transaction, every write audited.

    The way for other parts of Lantern (the demo loader, forms, live shipment notices) to write records: the
    same checks and the same audit as `lantern import`. Raises ValidationProblem, and writes nothing the
    caller keeps, when a reference is unknown or a rule is broken.
    """
    now = (now or datetime.now(UTC)).astimezone(UTC)
    ctx = Context(
        session, AuditBatch(session, actor=actor, writer=insert_rows, at=now), now, Resolver(session)
    )
    by_kind: dict[RecordKind, list[Record]] = defaultdict(list)
    for record in records:
        by_kind[record.record_kind].append(record)
    counts: dict[RecordKind, Counts] = {}
    problems: list[Problem] = []
    for kind in RecordKind:
        if kind not in by_kind:
            continue
        store = STORES[kind](ctx)
        rows = [
            materialise(prepare(Row(kind.value, i + 1, record))) for i, record in enumerate(by_kind[kind])
        ]
        for row in rows:
            assert row.key is not None
            ctx.seen[kind].setdefault(row.key, f"{row.file}:{row.line}")
        store.check(rows)
        problems += [p for row in rows for p in row.problems]
        if problems:
            ctx.writing = False
        else:
            store.save(rows)
        problems += store.finish()
        counts[kind] = store.counts
    if problems:
        raise ValidationProblem("the records cannot be stored", [str(p) for p in problems])
    ctx.audit.flush()
    return counts


def _insert(session: Session, into: Any, rows: Sequence[Mapping[str, Any]]) -> None:
    """A few rows in one INSERT (cheaper than a COPY's set-up for the rows of one notice)."""
    if rows:
        session.connection().execute(insert(into), list(rows))


def store_notice(
    session: Session,
    notice: ShipmentRecord,
    *,
    licence_id: int,
    expiry: date | None,
    total_value: Decimal | None,
    statuses: tuple[StatusChange, ...],
    actor: str,
    now: datetime,
) -> tuple[ShipmentStatus, str | None]:
    """Decide and store one new shipment notice against a licence whose row the caller has locked: the same
    rules, rows and audit record as `save_records`, without an import run's set-up. The balance is summed
    from the licence's stored lines, earlier serials are found by their indexed key, and the audit chain's
    head is locked last, just before the caller commits. Returns the decision (status, reason)."""
    now = now.astimezone(UTC)
    row = materialise(prepare(Row(RecordKind.SHIPMENTS.value, 1, notice)))
    key, data, content = _ready(row)
    ctx = Context(session, AuditBatch(session, actor=actor, writer=_insert, at=now), now, Resolver(session))
    store = ShipmentStore(ctx)
    licence = licence_balance(session, licence_id, data["licence"], expiry, total_value, statuses)
    store._licences[data["licence"]] = licence
    for index, line in enumerate(data["lines"]):
        if line["item"] not in licence.items:
            row.add(("lines", index, "item"), f"licence {data['licence']} has no item {line['item']}")
    if row.problems:
        raise ValidationProblem("the records cannot be stored", [str(p) for p in row.problems])
    shipment = notice_of(data)
    earlier = store._stored_serials(shipment.serials)

    def shipped(serial: SerialKey) -> str | None:
        found = earlier.get(serial)
        return found if found != key else None

    decision = decide(licence.balance, shipment, shipped)
    data["status"] = decision.status.value
    data["status_reason"] = decision.reason
    written = store.rows_for(0, data, content)
    shipments = table(ShipmentRow)
    shipment_id = (
        session.connection().execute(insert(shipments).returning(shipments.c.id), written.main).scalar_one()
    )
    for child, parent_column, _match, child_rows in written.children:
        _insert(session, child, [{**r, parent_column: shipment_id} for r in child_rows])
    store.audit("create", key, None, data)
    ctx.audit.flush()
    return decision.status, decision.reason
