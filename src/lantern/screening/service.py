"""Screening use cases: read units and list entries from the store and keep the on-disk index current."""

from __future__ import annotations

import pickle
import threading
import time
from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import String, func, select, type_coerce
from sqlalchemy.orm import Session

from lantern.db.engine import Database, read_columns
from lantern.db.tables.registry import UnitAliasRow, UnitRow
from lantern.db.tables.watchlists import ListEntryRow, WatchListRow
from lantern.screening.model import ScreeningEntity
from lantern.screening.screener import Screener
from lantern.settings import Settings


@dataclass(frozen=True, slots=True)
class LoadReport:
    """How the screener came to be: built afresh, or loaded and brought up to date."""

    source: str  # "built", "cache", "cache+update"
    entities: int
    kept: int
    analysed: int
    removed: int
    seconds: float


def unit_entity_id(unit_key: str) -> str:
    return f"unit:{unit_key}"


def entry_entity_id(list_key: str, entry_key: str) -> str:
    return f"entry:{list_key}/{entry_key}"


def read_entities(session: Session, only: Collection[str] | None = None) -> list[ScreeningEntity]:
    """Every unit and list entry in the store as screening entities, in a stable order; or, with `only`,
    those of these entity ids."""
    unit_keys: list[str] | None = None
    entry_keys: dict[str, list[str]] = defaultdict(list)
    if only is not None:
        unit_keys = sorted(eid[5:] for eid in only if eid.startswith("unit:"))
        for eid in sorted(only):
            if eid.startswith("entry:"):
                list_key, _, entry_key = eid[6:].partition("/")
                entry_keys[list_key].append(entry_key)
    units = select(
        UnitRow.id,
        UnitRow.key,
        UnitRow.name,
        UnitRow.kind,
        UnitRow.level,
        UnitRow.country,
        UnitRow.state,
        UnitRow.municipality,
    ).order_by(UnitRow.key)
    unit_rows = []
    for where in _in_chunks(UnitRow.key, unit_keys):
        unit_rows.extend(read_columns(session, units.where(*where)))
    aliases: dict[int, list[str]] = defaultdict(list)
    alias_query = select(UnitAliasRow.unit_id, UnitAliasRow.name).order_by(
        UnitAliasRow.unit_id, UnitAliasRow.position
    )
    for where in _in_chunks(UnitAliasRow.unit_id, None if only is None else [r.id for r in unit_rows]):
        for unit_id, name in read_columns(session, alias_query.where(*where)):
            aliases[unit_id].append(name)
    entities: list[ScreeningEntity] = [
        ScreeningEntity(
            id=unit_entity_id(row.key),
            names=(row.name, *aliases.get(row.id, ())),
            kind=row.kind,
            country=row.country,
            state=row.state,
            municipality=row.municipality,
            level=row.level,
        )
        for row in unit_rows
    ]
    entries = (
        select(
            WatchListRow.key.label("list_key"),
            ListEntryRow.key,
            ListEntryRow.name,
            ListEntryRow.entry_type,
            ListEntryRow.aliases,
            ListEntryRow.countries,
        )
        .join(WatchListRow, ListEntryRow.watch_list_id == WatchListRow.id)
        .order_by(WatchListRow.key, ListEntryRow.key)
    )
    if only is None:
        wanted = [entries]
    else:
        wanted = [
            entries.where(WatchListRow.key == list_key, *where)
            for list_key, keys in sorted(entry_keys.items())
            for where in _in_chunks(ListEntryRow.key, keys)
        ]
    for statement in wanted:
        for row in read_columns(session, statement):
            countries = [str(c) for c in row.countries or []]
            entities.append(
                ScreeningEntity(
                    id=entry_entity_id(row.list_key, row.key),
                    names=(row.name, *(str(a) for a in row.aliases or [])),
                    kind=row.entry_type,
                    # An entry tied to several countries is not filtered by country.
                    country=countries[0] if len(countries) == 1 else None,
                )
            )
    return entities


def _in_chunks(column: Any, values: Sequence[Any] | None, size: int = 900) -> Iterator[tuple[Any, ...]]:
    """WHERE clauses that together select `values` of `column` (no clause at all for None: every row)."""
    if values is None:
        yield ()
        return
    for start in range(0, len(values), size):
        yield (column.in_(values[start : start + size]),)


def entity_stamps(session: Session) -> dict[str, str]:
    """When each unit and list entry last changed, by entity id: a few columns of every row, far cheaper to
    read than the entities. An import writes a unit's row whenever its aliases change, and the alias rows
    anew; the aliases' count and last id cover any other way of changing them."""
    alias_marks = {
        unit_id: f"{count}/{last}"
        for unit_id, count, last in read_columns(
            session,
            select(UnitAliasRow.unit_id, func.count(UnitAliasRow.id), func.max(UnitAliasRow.id)).group_by(
                UnitAliasRow.unit_id
            ),
        )
    }
    # As the driver gives them (text on SQLite): only compared, so not parsed into datetimes.
    units = select(UnitRow.id, UnitRow.key, type_coerce(UnitRow.updated_at, String))
    stamps = {
        unit_entity_id(key): f"{updated}|{alias_marks.get(unit_id, '')}"
        for unit_id, key, updated in read_columns(session, units)
    }
    entries = select(WatchListRow.key, ListEntryRow.key, type_coerce(ListEntryRow.updated_at, String)).join(
        WatchListRow, ListEntryRow.watch_list_id == WatchListRow.id
    )
    for list_key, key, updated in read_columns(session, entries):
        stamps[entry_entity_id(list_key, key)] = str(updated)
    return stamps


_STAMPS = "stamps.pickle"


def _known_stamps(folder: Path, screener: Screener) -> dict[str, str] | None:
    """The stamps written beside this cached index, if they describe exactly its entities."""
    path = folder / "index" / _STAMPS
    try:
        with path.open("rb") as stream:
            stamps = pickle.load(stream)
    except (OSError, pickle.UnpicklingError, EOFError):
        return None
    if not isinstance(stamps, dict) or stamps.keys() != set(screener.index.entity_ids):
        return None
    return stamps


def _write_stamps(folder: Path, stamps: dict[str, str]) -> None:
    """Stamps live inside the index's folder, written after it: a newer index replaces the folder and its
    stamps with it, so stamps never outlive the index they describe (missing stamps mean a full read)."""
    target = folder / "index" / _STAMPS
    tmp = target.with_suffix(".tmp")
    with tmp.open("wb") as stream:
        pickle.dump(stamps, stream, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(target)


#: The screener a process last loaded, with its entities' stamps, by (cache folder, database, pool): one.
_HELD: dict[tuple[str, str, int], tuple[Screener, dict[str, str]]] = {}


def _hold(key: tuple[str, str, int], screener: Screener, stamps: dict[str, str]) -> None:
    _HELD.clear()
    _HELD[key] = (screener, stamps)


def load_screener(
    database: Database, settings: Settings, *, cache: bool = True, workers: int | None = None
) -> tuple[Screener, LoadReport]:
    """A screener over everything in the store, from the disk cache when it is current.

    The cache holds each entity's analysed names with a fingerprint of what they were made from, and each
    entity's stamp (`entity_stamps`) when it was read. Only entities whose stamp changed are read again,
    and of those only the ones that are new or whose names, kind or place changed are analysed again;
    removed ones are dropped. A cache written by another matcher version or vocabulary is rebuilt in full.
    """
    started = time.perf_counter()
    folder: Path = settings.screening_cache_dir
    count = workers if workers is not None else settings.screening.workers
    held = (str(folder), str(database.engine.url), id(database.engine.pool))
    if cache and Screener.cache_is_current(folder, settings.screening):
        # A process that loaded the screener before (a web server, a review that re-vets) holds it with
        # the stamps it was read at: the same pair the cache holds, without reading the files again.
        memo = _HELD.get(held)
        known: dict[str, str] | None
        if memo is not None:
            screener, known = memo
        else:
            screener = Screener.load(folder, settings.screening)
            known = _known_stamps(folder, screener)
        with database.session() as session:
            # Stamps first: an entity that changes while it is read is read again next time.
            stamps = entity_stamps(session)
            if known is None:
                updated, counts = screener.updated(read_entities(session), workers=count)
            else:
                changed = {eid for eid, stamp in stamps.items() if known.get(eid) != stamp}
                gone = [eid for eid in known if eid not in stamps]
                updated, counts = screener.updated(
                    read_entities(session, only=changed) if changed else [], workers=count, removed=gone
                )
        source = "cache+update" if counts["analysed"] or counts["removed"] else "cache"
        if updated is not screener:
            updated.save(folder)
        if updated is not screener or stamps != known:
            _write_stamps(folder, stamps)
        _hold(held, updated, stamps)
        return updated, LoadReport(
            source,
            len(updated),
            counts["kept"],
            counts["analysed"],
            counts["removed"],
            time.perf_counter() - started,
        )
    with database.session() as session:
        stamps = entity_stamps(session)
        entities = read_entities(session)
    screener = Screener.build(entities, settings.screening, workers=count)
    if cache:
        screener.save(folder)
        _write_stamps(folder, stamps)
        _hold(held, screener, stamps)
    return screener, LoadReport("built", len(screener), 0, len(entities), 0, time.perf_counter() - started)


def entities_stamp(session: Session) -> tuple[object, ...]:
    """Changes whenever a unit, an alias or a list entry changes: cheap aggregates over indexed columns."""
    stamp: list[object] = []
    for table in (UnitRow, ListEntryRow):
        stamp.extend(
            session.execute(
                select(func.count(table.id), func.max(table.id), func.max(table.updated_at))
            ).one()
        )
    stamp.extend(session.execute(select(func.count(UnitAliasRow.id), func.max(UnitAliasRow.id))).one())
    return tuple(stamp)


_SCREENERS: dict[tuple[object, ...], Screener] = {}
_SCREENER_LOCK = threading.Lock()


def cached_screener(database: Database, settings: Settings) -> Screener:
    """The screener, kept in memory by a long-running process (the web application) for as long as the
    units and list entries are unchanged. Reading every entity for each request would cost seconds on a
    large registry; the stamp costs a few indexed aggregates."""
    with database.session() as session:
        key: tuple[object, ...] = (
            str(database.engine.url),
            id(database.engine),
            str(settings.screening_cache_dir),
        )
        key += entities_stamp(session)
    screener = _SCREENERS.get(key)
    if screener is not None:
        return screener
    with _SCREENER_LOCK:
        screener = _SCREENERS.get(key)
        if screener is None:
            screener, _report = load_screener(database, settings)
            _SCREENERS.clear()
            _SCREENERS[key] = screener
    return screener
