"""Screening from the store: units and list entries become entities; the disk cache is reused and updated."""

from __future__ import annotations

from collections.abc import Collection

import pytest
from sqlalchemy.orm import Session

from lantern.db.engine import Database
from lantern.db.tables.registry import UnitAliasRow, UnitRow
from lantern.db.tables.watchlists import ListEntryRow, WatchListRow
from lantern.screening import Screener, ScreeningEntity, service
from lantern.screening.service import load_screener, read_entities
from lantern.settings import Settings


def add_registry(db: Database) -> None:
    with db.transaction() as session:
        semar = UnitRow(
            key="mx-semar", name="Secretaría de Marina", kind="navy", level="federal", country="MX"
        )
        semar.aliases = [UnitAliasRow(name="SEMAR", position=0, kind="acronym")]
        session.add(semar)
        session.add(
            UnitRow(
                key="mx-gro-pe",
                name="Policía Estatal de Guerrero",
                kind="state_police",
                level="state",
                country="MX",
                state="Guerrero",
            )
        )
        watch_list = WatchListRow(key="synthetic", name="Synthetic list", synthetic=True)
        session.add(watch_list)
        session.flush()
        session.add(
            ListEntryRow(
                watch_list_id=watch_list.id,
                key="e1",
                name="Sig Sauer, Inc.",
                entry_type="company",
                aliases=["SIG SAUER INC"],
                countries=["US"],
            )
        )


def test_read_entities(db: Database) -> None:
    add_registry(db)
    with db.session() as session:
        entities = {e.id: e for e in read_entities(session)}
    assert entities["unit:mx-semar"].names == ("Secretaría de Marina", "SEMAR")
    assert entities["unit:mx-gro-pe"].state == "Guerrero"
    assert entities["entry:synthetic/e1"].names == ("Sig Sauer, Inc.", "SIG SAUER INC")
    assert entities["entry:synthetic/e1"].country == "US"


def test_load_builds_then_reuses_then_updates_the_cache(db: Database, settings: Settings) -> None:
    add_registry(db)
    screener, report = load_screener(db, settings, workers=1)
    assert report.source == "built"
    assert screener.screen("Sria. de Marina")[0].entity_id == "unit:mx-semar"
    _, report = load_screener(db, settings, workers=1)
    assert (report.source, report.analysed) == ("cache", 0)
    with db.transaction() as session:
        unit = session.query(UnitRow).filter_by(key="mx-gro-pe").one()
        unit.aliases = [UnitAliasRow(name="Guerrero State Police", position=0)]
        session.add(
            UnitRow(
                key="mx-son-pe",
                name="Policía Estatal de Sonora",
                kind="state_police",
                level="state",
                country="MX",
                state="Sonora",
            )
        )
    screener, report = load_screener(db, settings, workers=1)
    assert (report.source, report.kept, report.analysed, report.removed) == ("cache+update", 2, 2, 0)
    assert screener.screen("Sonora State Police")[0].entity_id == "unit:mx-son-pe"


def test_a_load_reads_again_only_the_entities_whose_stamp_changed(
    db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_registry(db)
    load_screener(db, settings, workers=1)
    read: list[set[str] | None] = []

    def spy(session: Session, only: Collection[str] | None = None) -> list[ScreeningEntity]:
        read.append(None if only is None else set(only))
        return read_entities(session, only)

    monkeypatch.setattr(service, "read_entities", spy)

    def load() -> tuple[Screener, service.LoadReport]:
        service._HELD.clear()  # from the files, as a new process loads
        return load_screener(db, settings, workers=1)

    _, report = load()
    assert (report.source, report.analysed, read) == ("cache", 0, [])  # nothing changed: nothing read
    with db.transaction() as session:
        entry = session.query(ListEntryRow).filter_by(key="e1").one()
        entry.name = "Sig Sauer GmbH"  # edited in place: its updated_at moves
        semar = session.query(UnitRow).filter_by(key="mx-semar").one()
        semar.aliases.append(UnitAliasRow(name="Armada de México", position=1))  # the unit row is untouched
        session.delete(session.query(UnitRow).filter_by(key="mx-gro-pe").one())
    screener, report = load()
    assert read == [{"entry:synthetic/e1", "unit:mx-semar"}]
    assert (report.source, report.kept, report.analysed, report.removed) == ("cache+update", 0, 2, 1)
    assert screener.screen("Sig Sauer GmbH")[0].score == 1.0
    assert screener.screen("Armada de Mexico")[0].entity_id == "unit:mx-semar"
    assert screener.screen("Policía Estatal de Guerrero") == []
    # The stamps were written with the new index: the next load reads nothing again.
    read.clear()
    assert load()[1].source == "cache"
    assert read == []


def test_a_cache_without_stamps_is_checked_in_full(db: Database, settings: Settings) -> None:
    add_registry(db)
    load_screener(db, settings, workers=1)
    (settings.screening_cache_dir / "index" / "stamps.pickle").unlink()
    service._HELD.clear()  # as a new process finds it
    with db.transaction() as session:
        session.query(ListEntryRow).filter_by(key="e1").one().aliases = ["SIG SAUER AG"]
    screener, report = load_screener(db, settings, workers=1)
    assert (report.source, report.kept, report.analysed) == ("cache+update", 2, 1)
    assert screener.screen("Sig Sauer AG")[0].entity_id == "entry:synthetic/e1"
    assert (settings.screening_cache_dir / "index" / "stamps.pickle").is_file()


def test_a_process_holds_the_screener_it_loaded(
    db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second load in the same process starts from the screener it holds, not from the files."""
    add_registry(db)
    first, _ = load_screener(db, settings, workers=1)

    def no_files(*args: object, **kwargs: object) -> Screener:
        raise AssertionError("the cache files were read again")

    monkeypatch.setattr(Screener, "load", no_files)
    again, report = load_screener(db, settings, workers=1)
    assert again is first
    assert report.source == "cache"
    with db.transaction() as session:
        session.query(ListEntryRow).filter_by(key="e1").one().name = "Sig Sauer AG"
    changed, report = load_screener(db, settings, workers=1)
    assert (report.source, report.analysed) == ("cache+update", 1)
    assert changed.screen("Sig Sauer AG")[0].entity_id == "entry:synthetic/e1"
    assert load_screener(db, settings, workers=1)[0] is changed
