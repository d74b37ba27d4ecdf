"""Screening use cases: read units and list entries from the store and keep the on-disk index current."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lantern.db.engine import Database
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


def read_entities(session: Session) -> list[ScreeningEntity]:
    """Every unit and list entry in the store as screening entities, in a stable order."""
    aliases: dict[int, list[str]] = defaultdict(list)
    for unit_id, name in session.execute(
        select(UnitAliasRow.unit_id, UnitAliasRow.name).order_by(UnitAliasRow.unit_id, UnitAliasRow.position)
    ):
        aliases[unit_id].append(name)
    entities: list[ScreeningEntity] = []
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
    for row in session.execute(units):
        entities.append(
            ScreeningEntity(
                id=unit_entity_id(row.key),
                names=(row.name, *aliases.get(row.id, ())),
                kind=row.kind,
                country=row.country,
                state=row.state,
                municipality=row.municipality,
                level=row.level,
            )
        )
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
    for row in session.execute(entries):
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


def load_screener(
    database: Database, settings: Settings, *, cache: bool = True, workers: int | None = None
) -> tuple[Screener, LoadReport]:
    """A screener over everything in the store, from the disk cache when it is current.

    The cache holds each entity's analysed names with a fingerprint of what they were made from. Only
    entities that are new or whose names, kind or place changed are analysed again; removed ones are
    dropped. A cache written by another matcher version or vocabulary is rebuilt in full.
    """
    started = time.perf_counter()
    folder: Path = settings.screening_cache_dir
    with database.session() as session:
        entities = read_entities(session)
    count = workers if workers is not None else settings.screening.workers
    if cache and Screener.cache_is_current(folder, settings.screening):
        screener = Screener.load(folder, settings.screening)
        updated, counts = screener.updated(entities, workers=count)
        if counts["analysed"] or counts["removed"]:
            updated.save(folder)
            source = "cache+update"
        else:
            source = "cache"
        return updated, LoadReport(
            source,
            len(updated),
            counts["kept"],
            counts["analysed"],
            counts["removed"],
            time.perf_counter() - started,
        )
    screener = Screener.build(entities, settings.screening, workers=count)
    if cache:
        screener.save(folder)
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
