"""Tracing serial numbers: the custody chain of each firearm and everything it touches.

A trace answers, for a serial: which licence and shipment it left under, the chain exporter → consignee
(e.g. SEDENA/DCAM) → declared end user → later custody events (transfers, check sightings, loss or theft,
recovery or seizure, inventories), the allegations against every unit on the chain, and the holdings that are
potential unauthorised re-transfers (lantern.monitoring.custody). Lookups go by the indexed (make, serial)
key, in chunks, so a batch of 100,000 serials costs a few hundred queries.
"""

from __future__ import annotations

import csv
import io
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import Connection, Engine, any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from lantern.core.dates import PartialDate
from lantern.core.text import fold
from lantern.db.tables.licences import LicenceRow, PartyRow
from lantern.db.tables.registry import SourceRow, UnitRow
from lantern.db.tables.review import ResolutionRow
from lantern.db.tables.shipments import CustodyEventRow, SerialRow, ShipmentRow
from lantern.errors import ValidationProblem
from lantern.licences.model import RECEIVING_ROLES, PartyRole
from lantern.monitoring.custody import (
    Holding,
    RetransferFinding,
    authorised_holder,
    judge_holding,
    retransfer,
)
from lantern.monitoring.rules import serial_key
from lantern.review.model import Registry
from lantern.review.service import cached_registry

#: How many serials one lookup query asks for.
CHUNK = 2000
#: How long a loaded registry (units, hierarchy, allegations) serves traces before its stamp is checked again.
REGISTRY_SECONDS = 2.0
_REGISTRY: dict[int, tuple[float, Registry]] = {}


def trace_registry(session: Session) -> Registry:
    """The review's cached registry, its change stamp checked at most every REGISTRY_SECONDS: a trace is a
    few indexed lookups, and the stamp's aggregates would otherwise cost more than the trace. A session
    bound to one connection (a test's transaction) checks the stamp every time."""
    bind = session.get_bind()
    if not isinstance(bind, Engine):
        return cached_registry(session)
    now = time.monotonic()
    held = _REGISTRY.get(id(bind))
    if held is None or now - held[0] > REGISTRY_SECONDS:
        _REGISTRY.clear()
        held = _REGISTRY[id(bind)] = (now, cached_registry(session))
    return held[1]


Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class PartyView:
    role: str
    name: str
    unit: str | None  # the registry unit the review resolved it to (or the data named)


@dataclass(frozen=True, slots=True)
class LicenceView:
    key: str
    status: str | None
    issue_date: date | None
    exporter: str | None
    parties: tuple[PartyView, ...]
    end_users: tuple[str, ...] = ()  # units the end user parties resolve to
    consignees: tuple[str, ...] = ()  # units the other receiving parties resolve to

    @classmethod
    def of(
        cls,
        key: str,
        status: str | None,
        issue_date: date | None,
        exporter: str | None,
        parties: tuple[PartyView, ...],
    ) -> LicenceView:
        end_user = PartyRole.END_USER.value
        return cls(
            key,
            status,
            issue_date,
            exporter,
            parties,
            tuple(p.unit for p in parties if p.role == end_user and p.unit),
            tuple(p.unit for p in parties if p.unit and p.role in RECEIVING_ROLES and p.role != end_user),
        )

    @property
    def declared_end_users(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parties if p.role == PartyRole.END_USER.value)


@dataclass(frozen=True, slots=True)
class Step:
    """One link of the custody chain."""

    kind: str  # export, consignee, declared_end_user, or a custody event kind
    date: str | None  # as precise as known
    holder: str | None
    holder_unit: str | None
    place: str | None = None
    source: str | None = None
    note: str | None = None
    authorised: str | None = None  # why the holder may hold it, when it may
    flag: str | None = None  # "potential unauthorised re-transfer"


@dataclass(frozen=True, slots=True)
class AllegationView:
    key: str
    violations: tuple[str, ...]
    incident: str
    confidence: str
    credible_since: date | None
    place: str | None
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class UnitView:
    key: str
    name: str
    allegations: tuple[AllegationView, ...]


@dataclass
class SerialTrace:
    serial: str  # as asked
    make: str | None  # as asked
    found: bool
    serial_id: int | None = None
    serial_as_shipped: str | None = None
    make_as_shipped: str | None = None
    model: str | None = None
    calibre: str | None = None
    category: str | None = None
    licence: LicenceView | None = None
    shipment: dict[str, Any] | None = None
    chain: list[Step] = field(default_factory=list)
    units: dict[str, UnitView] = field(default_factory=dict)
    retransfers: list[RetransferFinding] = field(default_factory=list)

    @property
    def last_holder(self) -> str | None:
        for step in reversed(self.chain):
            if step.holder or step.holder_unit:
                return step.holder_unit or step.holder
        return None


# ---------------------------------------------------------------------------------------------------------
# Loading


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# Made once: a new alias per call would cost more than the query it is in.
_RESOLVED = ResolutionRow.__table__.alias("res")
_RESOLVED_UNIT = UnitRow.__table__.alias("res_unit")
_DATA_UNIT = UnitRow.__table__.alias("data_unit")


@dataclass
class _Loader:
    session: Session
    registry: Registry
    licences: dict[int, LicenceView] = field(default_factory=dict)
    sources: dict[int, str] = field(default_factory=dict)
    unit_keys: dict[int, str] = field(default_factory=dict)
    units: dict[str, UnitView] = field(default_factory=dict)
    authorised: dict[tuple[str, date, tuple[str, ...], tuple[str, ...]], str | None] = field(
        default_factory=dict
    )

    def authorise(self, unit: str, day: date, licence: LicenceView) -> str | None:
        """Why `unit` may hold the licence's items on `day` (or None); a batch asks the same few questions."""
        key = (unit, day, licence.end_users, licence.consignees)
        if key not in self.authorised:
            self.authorised[key] = authorised_holder(
                unit, day, licence.end_users, licence.consignees, self.registry.parent_links
            )
        return self.authorised[key]

    def load_licences(self, ids: Iterable[int]) -> None:
        """Licence views by id: each licence with its parties and the units they resolve to, one query per
        chunk."""
        wanted = sorted(set(ids) - set(self.licences))
        for chunk in _chunks(wanted, CHUNK):
            heads: dict[int, tuple[Any, ...]] = {}
            parties: dict[int, list[PartyView]] = defaultdict(list)
            rows = self.session.execute(_licence_query(self.session), {"ids": list(chunk)})
            for licence_id, agency, number, status, issued, role, name, decision, res_key, data_key in rows:
                heads.setdefault(licence_id, (agency, number, status, issued))
                if role is not None:
                    unit = data_key or (res_key if decision == "match" else None)
                    parties[licence_id].append(PartyView(role, name, unit))
            for licence_id, (agency, number, status, issued) in heads.items():
                exporter = next(
                    (p.name for p in parties[licence_id] if p.role == PartyRole.APPLICANT.value), None
                )
                self.licences[licence_id] = LicenceView.of(
                    f"{agency}/{number}", status, issued, exporter, tuple(parties[licence_id])
                )

    def load_names(self, source_ids: Iterable[int], unit_ids: Iterable[int]) -> None:
        wanted = sorted(set(source_ids) - set(self.sources))
        for chunk in _chunks(wanted, CHUNK):
            self.sources.update(
                self.session.execute(select(SourceRow.id, SourceRow.key).where(SourceRow.id.in_(chunk))).all()
            )
        wanted = sorted(set(unit_ids) - set(self.unit_keys))
        for chunk in _chunks(wanted, CHUNK):
            self.unit_keys.update(
                self.session.execute(select(UnitRow.id, UnitRow.key).where(UnitRow.id.in_(chunk))).all()
            )

    def unit_view(self, key: str) -> UnitView:
        if key not in self.units:
            self.units[key] = self._unit_view(key)
        return self.units[key]

    def _unit_view(self, key: str) -> UnitView:
        unit = self.registry.units.get(key)
        allegations = tuple(
            AllegationView(
                key=a.key,
                violations=tuple(v.value for v in a.violations),
                incident=str(a.incident),
                confidence=a.confidence.value,
                credible_since=a.credible_since(),
                place=a.place,
                sources=tuple(c.source_key for c in a.citations),
            )
            for a in self.registry.allegations_by_unit.get(key, ())
        )
        return UnitView(key, unit.name if unit else key, allegations)


def _postgresql(session: Session | Connection) -> bool:
    return (
        session.get_bind().dialect.name == "postgresql"
        if isinstance(session, Session)
        else (session.dialect.name == "postgresql")
    )


def _among(column: Any, name: str, postgresql: bool) -> Any:
    """`column` is one of the values bound to `name`: `= ANY(array)` on PostgreSQL (one parameter, one
    plan, whatever the chunk's size), an expanding IN elsewhere."""
    if postgresql:
        return column == any_(bindparam(name, type_=ARRAY(column.type)))
    return column.in_(bindparam(name, expanding=True))


@lru_cache(maxsize=2)
def _serial_query(postgresql: bool) -> Any:
    has_events = (
        select(CustodyEventRow.id).where(CustodyEventRow.serial_id == SerialRow.id).exists().label("events")
    )
    return (
        select(
            SerialRow.id,
            SerialRow.serial_key,
            SerialRow.make_key,
            SerialRow.serial,
            SerialRow.make,
            SerialRow.model,
            SerialRow.calibre,
            SerialRow.category,
            SerialRow.licence_id,
            ShipmentRow.key,
            ShipmentRow.shipment_date,
            ShipmentRow.consignee,
            ShipmentRow.aes_itn,
            ShipmentRow.status,
            ShipmentRow.filed_by,
            has_events,
        )
        .join(ShipmentRow, ShipmentRow.id == SerialRow.shipment_id)
        .where(_among(SerialRow.serial_key, "keys", postgresql))
    )


def _licence_query(session: Session) -> Any:
    return _licence_statement(_postgresql(session))


@lru_cache(maxsize=2)
def _licence_statement(postgresql: bool) -> Any:
    resolved, resolved_unit, data_unit = _RESOLVED, _RESOLVED_UNIT, _DATA_UNIT
    return (
        select(
            LicenceRow.id,
            LicenceRow.agency,
            LicenceRow.number,
            LicenceRow.status,
            LicenceRow.issue_date,
            PartyRow.role,
            PartyRow.name,
            resolved.c.decision,
            resolved_unit.c.key,
            data_unit.c.key,
        )
        .outerjoin(PartyRow, PartyRow.licence_id == LicenceRow.id)
        .outerjoin(resolved, resolved.c.party_id == PartyRow.id)
        .outerjoin(resolved_unit, resolved_unit.c.id == resolved.c.unit_id)
        .outerjoin(data_unit, data_unit.c.id == PartyRow.unit_id)
        .where(_among(LicenceRow.id, "ids", postgresql))
        .order_by(LicenceRow.id, PartyRow.position)
    )


def _serial_rows(
    session: Session | Connection, keys: Sequence[tuple[str, str]]
) -> dict[str, list[tuple[Any, ...]]]:
    """Stored serials by folded serial, for folded (make, serial) keys: one query per chunk. The last
    column says whether the serial has custody events (most have none, and are not looked up again)."""
    found: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    serials = sorted({s for _, s in keys})
    query = _serial_query(_postgresql(session))
    for chunk in _chunks(serials, CHUNK):
        for row in session.execute(query, {"keys": list(chunk)}):
            found[row[1]].append(tuple(row))
    return found


SerialRows = dict[str, list[tuple[Any, ...]]]


def _serial_chunks(session: Session, chunks: list[list[tuple[str, str]]]) -> Iterator[SerialRows]:
    """The stored serials of each chunk of keys, in order. With several chunks and an engine to draw on,
    the next chunk is read on a second connection while the caller builds the traces of this one (the
    database's time and this process's overlap); each chunk's query sees the committed data of its moment,
    as it would in the session's own read-committed transaction."""
    bind = session.get_bind()
    if len(chunks) < 2 or not isinstance(bind, Engine):
        for keys in chunks:
            yield _serial_rows(session, keys)
        return

    def read(keys: list[tuple[str, str]]) -> SerialRows:
        with bind.connect() as conn:
            return _serial_rows(conn, keys)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="trace-read") as pool:
        ahead = pool.submit(read, chunks[0])
        for index in range(len(chunks)):
            rows = ahead.result()
            if index + 1 < len(chunks):
                ahead = pool.submit(read, chunks[index + 1])
            yield rows


def _custody_rows(session: Session, serial_ids: Sequence[int]) -> dict[int, list[Any]]:
    events: dict[int, list[Any]] = defaultdict(list)
    for chunk in _chunks(sorted(set(serial_ids)), CHUNK):
        query = (
            select(CustodyEventRow)
            .where(CustodyEventRow.serial_id.in_(chunk))
            .order_by(CustodyEventRow.serial_id, CustodyEventRow.event_date, CustodyEventRow.id)
        )
        for event in session.execute(query).scalars():
            events[event.serial_id].append(event)
    return events


# ---------------------------------------------------------------------------------------------------------
# Tracing


@dataclass(frozen=True, slots=True)
class Query:
    serial: str
    make: str | None = None
    # A sighting to judge with the chain (a row of a recovered-weapons inventory); not stored.
    found_on: str | None = None
    holder: str | None = None
    holder_unit: str | None = None
    place: str | None = None
    source: str | None = None
    note: str | None = None


def trace_many(
    session: Session,
    queries: Sequence[Query],
    *,
    registry: Registry | None = None,
    progress: Progress | None = None,
) -> list[list[SerialTrace]]:
    """For each query, the traces of the stored serials it names (several when the make is not given and
    makes share the serial; one not-found trace when none is stored)."""
    registry = registry or trace_registry(session)
    loader = _Loader(session, registry)
    out: list[list[SerialTrace]] = []
    done = 0
    chunks = list(_chunks(list(queries), CHUNK))
    chunk_keys = [[serial_key(q.make or "", q.serial) for q in chunk] for chunk in chunks]
    reads = _serial_chunks(session, [[(k.make, k.serial) for k in keys] for keys in chunk_keys])
    for chunk, keys, rows in zip(chunks, chunk_keys, reads, strict=True):
        matched: list[list[tuple[Any, ...]]] = []
        for query, key in zip(chunk, keys, strict=True):
            candidates = rows.get(key.serial, [])
            if query.make:
                candidates = [r for r in candidates if r[2] == key.make]
            matched.append(candidates)
        events = _custody_rows(session, [r[0] for found in matched for r in found if r[15]])
        loader.load_licences(r[8] for found in matched for r in found)
        loader.load_names(
            (e.source_id for evs in events.values() for e in evs if e.source_id),
            (e.holder_unit_id for evs in events.values() for e in evs if e.holder_unit_id),
        )
        for query, found in zip(chunk, matched, strict=True):
            if not found:
                out.append([SerialTrace(serial=query.serial, make=query.make, found=False)])
            else:
                out.append([_build(loader, query, row, events.get(row[0], [])) for row in found])
        done += len(chunk)
        if progress:
            progress(done, len(queries))
    return out


def trace_serial(session: Session, serial: str, *, make: str | None = None) -> list[SerialTrace]:
    """The trace of one serial (one per make that shipped it when the make is not given)."""
    return trace_many(session, [Query(serial, make)])[0]


def _build(loader: _Loader, query: Query, row: tuple[Any, ...], events: Sequence[Any]) -> SerialTrace:
    (serial_id, _skey, _mkey, serial, make, model, calibre, category, licence_id) = row[:9]
    shipment_key, shipped_on, consignee, itn, status, filed_by = row[9:15]
    licence = loader.licences[licence_id]
    trace = SerialTrace(
        serial=query.serial,
        make=query.make,
        found=True,
        serial_id=serial_id,
        serial_as_shipped=serial,
        make_as_shipped=make,
        model=model,
        calibre=calibre,
        category=category,
        licence=licence,
        shipment={
            "key": shipment_key,
            "date": shipped_on,
            "consignee": consignee,
            "aes_itn": itn,
            "status": status,
            "filed_by": filed_by,
        },
    )
    day = shipped_on.isoformat()
    trace.chain.append(
        Step("export", day, licence.exporter or filed_by, None, note=f"shipment {shipment_key}")
    )
    consignee_parties = [p for p in licence.parties if p.role in RECEIVING_ROLES and p.role != "end_user"]
    if consignee or consignee_parties:
        party = consignee_parties[0] if consignee_parties else None
        trace.chain.append(
            Step(
                "consignee", day, consignee or (party.name if party else None), party.unit if party else None
            )
        )
    for party in licence.parties:
        if party.role == PartyRole.END_USER.value:
            trace.chain.append(Step("declared_end_user", None, party.name, party.unit))
    for event in events:
        unit = loader.unit_keys.get(event.holder_unit_id) if event.holder_unit_id else None
        holding = Holding(
            serial=serial,
            make=make,
            licence=licence.key,
            day=event.event_date,
            partial_date=event.partial_date,
            event=event.event,
            holder=event.holder,
            holder_unit=unit,
            event_key=event.key,
            serial_id=serial_id,
            custody_event_id=event.id,
        )
        _hold(loader, trace, holding, event.place, loader.sources.get(event.source_id or -1), event.note)
    if query.found_on or query.holder or query.holder_unit:
        found_day = _day(query.found_on)
        holding = Holding(
            serial=serial,
            make=make,
            licence=licence.key,
            day=found_day or shipped_on,
            partial_date=query.found_on or "date unknown",
            event="recovery",
            holder=query.holder,
            holder_unit=query.holder_unit,
        )
        _hold(loader, trace, holding, query.place, query.source, query.note)
    for key in {s.holder_unit for s in trace.chain if s.holder_unit}:
        trace.units[key] = loader.unit_view(key)
    return trace


RETRANSFER = "potential unauthorised re-transfer"


def _hold(
    loader: _Loader,
    trace: SerialTrace,
    holding: Holding,
    place: str | None,
    source: str | None,
    note: str | None,
) -> None:
    """Add a holding to the chain, judged once: authorised (and why), or a potential re-transfer."""
    assert trace.licence is not None
    licence = trace.licence
    authorised = None
    flag = None
    if holding.holder_unit and licence.end_users:
        authorised = loader.authorise(holding.holder_unit, holding.day, licence)
        if authorised is None:
            flag = RETRANSFER
            trace.retransfers.append(retransfer(holding, licence.end_users, licence.consignees))
    trace.chain.append(
        Step(
            holding.event,
            holding.partial_date,
            holding.holder,
            holding.holder_unit,
            place=place,
            source=source,
            note=note,
            authorised=authorised,
            flag=flag,
        )
    )


@lru_cache(maxsize=4096)
def _day(text: str | None) -> date | None:
    if not text:
        return None
    return PartialDate.parse(text).earliest()


# ---------------------------------------------------------------------------------------------------------
# Re-transfer findings over the store (for violation cases)


def retransfer_findings(
    session: Session,
    *,
    licence_ids: Iterable[int] | None = None,
    serial_ids: Iterable[int] | None = None,
    registry: Registry | None = None,
) -> list[RetransferFinding]:
    """Every stored custody event whose holder is a unit the serial's licence does not allow on that day:
    the potential unauthorised re-transfers, oldest first. Limit to some licences or serials if given."""
    registry = registry or cached_registry(session)
    loader = _Loader(session, registry)
    query = (
        select(
            CustodyEventRow.id,
            CustodyEventRow.key,
            CustodyEventRow.event_date,
            CustodyEventRow.partial_date,
            CustodyEventRow.event,
            CustodyEventRow.holder,
            UnitRow.key,
            SerialRow.id,
            SerialRow.serial,
            SerialRow.make,
            SerialRow.licence_id,
        )
        .join(SerialRow, SerialRow.id == CustodyEventRow.serial_id)
        .join(UnitRow, UnitRow.id == CustodyEventRow.holder_unit_id)
        .order_by(CustodyEventRow.event_date, CustodyEventRow.id)
    )
    if licence_ids is not None:
        query = query.where(SerialRow.licence_id.in_(list(licence_ids)))
    if serial_ids is not None:
        query = query.where(SerialRow.id.in_(list(serial_ids)))
    rows = list(session.execute(query))
    loader.load_licences(r[10] for r in rows)
    findings = []
    for event_id, key, day, partial, kind, holder, unit, serial_id, serial, make, licence_id in rows:
        licence = loader.licences[licence_id]
        holding = Holding(
            serial=serial,
            make=make,
            licence=licence.key,
            day=day,
            partial_date=partial,
            event=kind,
            holder=holder,
            holder_unit=unit,
            event_key=key,
            serial_id=serial_id,
            custody_event_id=event_id,
        )
        finding = judge_holding(holding, licence.end_users, licence.consignees, registry.parent_links)
        if finding:
            findings.append(finding)
    return findings


# ---------------------------------------------------------------------------------------------------------
# Batch trace of a recovered-weapons inventory


REQUIRED_COLUMNS = ("serial",)
KNOWN_COLUMNS = (
    "serial",
    "make",
    "model",
    "calibre",
    "found_date",
    "holder",
    "holder_unit",
    "place",
    "state",
    "municipality",
    "source",
    "note",
)


def read_inventory(path: Path) -> list[tuple[int, dict[str, str]]]:
    """The rows of a recovered-weapons CSV with their line numbers; every problem named by file, row and
    field at once."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ValidationProblem(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise ValidationProblem(f"{path}: not UTF-8 text (byte {exc.start})") from None
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip() for c in reader.fieldnames or []]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise ValidationProblem(
            f"{path}: the header has no {', '.join(repr(c) for c in missing)} column",
            [f"{path}:1: columns found: {', '.join(columns) or '(none)'}"],
        )
    rows: list[tuple[int, dict[str, str]]] = []
    problems: list[str] = []
    for number, raw in enumerate(reader, start=2):
        if None in raw:
            problems.append(f"{path}:{number}: more fields than the header has columns")
            continue
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
        if not any(row.values()):
            continue
        if not row.get("serial"):
            problems.append(f"{path}:{number}: serial: blank")
        found = row.get("found_date")
        if found:
            try:
                PartialDate.parse(found)
            except ValueError:
                problems.append(
                    f"{path}:{number}: found_date: {found!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"
                )
        rows.append((number, row))
    if problems:
        raise ValidationProblem(f"{path}: {len(problems)} problem(s)", problems)
    return rows


class HolderResolver:
    """The registry unit a holder as written names: an exact name or alias, else the one unit whose name
    contains or is contained by it (rapidfuzz token set ratio 100) in the row's state."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self._exact: dict[str, set[str]] = defaultdict(set)
        self._choices: list[tuple[str, str, str | None]] = []
        for key, unit in registry.units.items():
            for name in unit.names:
                self._exact[fold(name)].add(key)
                self._choices.append((fold(name), key, fold(unit.state) if unit.state else None))
        self._cache: dict[tuple[str, str | None], str | None] = {}
        self._written: dict[tuple[str, str | None], str | None] = {}

    def resolve(self, holder: str, state: str | None = None) -> str | None:
        # An inventory names the same few holders many times: answered by the name as written first, so
        # that folding is done once per name, not once per row.
        written = (holder, state or None)
        if written not in self._written:
            folded = (fold(holder), fold(state) if state else None)
            if folded not in self._cache:
                self._cache[folded] = self._resolve(*folded)
            self._written[written] = self._cache[folded]
        return self._written[written]

    def _resolve(self, name: str, state: str | None) -> str | None:
        exact = self._exact.get(name, set())
        if len(exact) == 1:
            return next(iter(exact))
        choices = [(n, k) for n, k, s in self._choices if state is None or s is None or s == state]
        hits = process.extract(
            name, [n for n, _ in choices], scorer=fuzz.token_set_ratio, score_cutoff=100, limit=None
        )
        keys = {choices[index][1] for _, _, index in hits}
        return next(iter(keys)) if len(keys) == 1 else None


@dataclass
class BatchRow:
    line: int
    serial: str
    make: str | None
    holder: str | None
    holder_unit: str | None
    found_on: str | None
    traces: list[SerialTrace]


@dataclass
class BatchSummary:
    rows: int = 0
    us_licensed: int = 0
    not_licensed: int = 0
    retransfers: int = 0
    by_licence: Counter[str] = field(default_factory=Counter)
    by_end_user: Counter[str] = field(default_factory=Counter)
    by_holder: Counter[str] = field(default_factory=Counter)
    by_exporter: Counter[str] = field(default_factory=Counter)


def trace_inventory(
    session: Session,
    rows: Sequence[tuple[int, dict[str, str]]],
    *,
    holder_unit: str | None = None,
    progress: Progress | None = None,
) -> tuple[BatchSummary, list[BatchRow]]:
    """Trace every row of a recovered-weapons inventory and sum up: how many are US-licensed, under which
    licences, declared for which end users, and found with which holders (and which of those are potential
    unauthorised re-transfers)."""
    registry = trace_registry(session)
    resolver = HolderResolver(registry)
    if holder_unit is not None and holder_unit not in registry.units:
        raise ValidationProblem(f"--holder-unit {holder_unit!r} is not a unit in the registry")
    queries = []
    for _line, row in rows:
        unit = row.get("holder_unit") or holder_unit
        if not unit and row.get("holder"):
            unit = resolver.resolve(row["holder"], row.get("state") or None)
        queries.append(
            Query(
                serial=row["serial"],
                make=row.get("make") or None,
                found_on=row.get("found_date") or None,
                holder=row.get("holder") or None,
                holder_unit=unit or None,
                place=row.get("place") or None,
                source=row.get("source") or None,
                note=row.get("note") or None,
            )
        )
    results = trace_many(session, queries, registry=registry, progress=progress)
    summary = BatchSummary(rows=len(rows))
    out = []
    for (line, _row), query, traces in zip(rows, queries, results, strict=True):
        out.append(
            BatchRow(line, query.serial, query.make, query.holder, query.holder_unit, query.found_on, traces)
        )
        found = [t for t in traces if t.found]
        if not found:
            summary.not_licensed += 1
            continue
        summary.us_licensed += 1
        trace = found[0]
        assert trace.licence is not None
        summary.by_licence[trace.licence.key] += 1
        summary.by_exporter[trace.licence.exporter or "?"] += 1
        for name in trace.licence.declared_end_users or ("(no end user named)",):
            summary.by_end_user[name] += 1
        summary.by_holder[query.holder_unit or query.holder or "(holder not given)"] += 1
        if any(t.retransfers for t in found):
            summary.retransfers += 1
    return summary, out


# ---------------------------------------------------------------------------------------------------------
# Plain data for JSON (the CLI's --json and the web's twins)


def finding_json(finding: RetransferFinding) -> dict[str, Any]:
    h = finding.holding
    return {
        "serial": h.serial,
        "make": h.make,
        "licence": h.licence,
        "date": h.partial_date,
        "event": h.event,
        "holder": h.holder,
        "holder_unit": h.holder_unit,
        "custody_event": h.event_key,
        "licensed_end_users": list(finding.end_users),
        "licensed_consignees": list(finding.consignees),
        "reason": finding.reason,
    }


def trace_json(trace: SerialTrace) -> dict[str, Any]:
    licence = trace.licence
    return {
        "serial": trace.serial,
        "make": trace.make,
        "found": trace.found,
        "serial_as_shipped": trace.serial_as_shipped,
        "make_as_shipped": trace.make_as_shipped,
        "model": trace.model,
        "calibre": trace.calibre,
        "category": trace.category,
        "licence": None
        if licence is None
        else {
            "key": licence.key,
            "status": licence.status,
            "issue_date": licence.issue_date.isoformat() if licence.issue_date else None,
            "exporter": licence.exporter,
            "parties": [{"role": p.role, "name": p.name, "unit": p.unit} for p in licence.parties],
        },
        "shipment": None
        if trace.shipment is None
        else {k: (v.isoformat() if isinstance(v, date) else v) for k, v in trace.shipment.items()},
        "chain": [
            {
                "kind": s.kind,
                "date": s.date,
                "holder": s.holder,
                "holder_unit": s.holder_unit,
                "place": s.place,
                "source": s.source,
                "note": s.note,
                "authorised": s.authorised,
                "flag": s.flag,
            }
            for s in trace.chain
        ],
        "units": [
            {
                "key": u.key,
                "name": u.name,
                "allegations": [
                    {
                        "key": a.key,
                        "violations": list(a.violations),
                        "incident": a.incident,
                        "confidence": a.confidence,
                        "credible_since": a.credible_since.isoformat() if a.credible_since else None,
                        "place": a.place,
                        "sources": list(a.sources),
                    }
                    for a in u.allegations
                ],
            }
            for u in sorted(trace.units.values(), key=lambda u: u.key)
        ],
        "retransfers": [finding_json(f) for f in trace.retransfers],
    }


def summary_json(summary: BatchSummary) -> dict[str, Any]:
    return {
        "rows": summary.rows,
        "us_licensed": summary.us_licensed,
        "not_licensed": summary.not_licensed,
        "potential_retransfers": summary.retransfers,
        "by_licence": dict(summary.by_licence.most_common()),
        "by_exporter": dict(summary.by_exporter.most_common()),
        "by_declared_end_user": dict(summary.by_end_user.most_common()),
        "by_holder": dict(summary.by_holder.most_common()),
    }


def batch_row_json(row: BatchRow) -> dict[str, Any]:
    found = [t for t in row.traces if t.found]
    first = found[0] if found else None
    licence = first.licence if first else None
    return {
        "line": row.line,
        "serial": row.serial,
        "make": row.make,
        "found_date": row.found_on,
        "holder": row.holder,
        "holder_unit": row.holder_unit,
        "us_licensed": bool(found),
        "licence": licence.key if licence else None,
        "shipment": first.shipment["key"] if first and first.shipment else None,
        "declared_end_user": "; ".join(licence.declared_end_users) if licence else None,
        "matches": len(found),
        "potential_retransfer": any(t.retransfers for t in found),
    }
