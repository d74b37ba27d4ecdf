"""Continuous re-vetting through the real screening engine: an import that implicates a unit raises alerts
on exactly the licences in that unit's hierarchy. Every record here is synthetic test data."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from lantern.db.engine import Database
from lantern.db.tables.review import AlertRow, ResolutionRow
from lantern.io.service import import_files
from lantern.review.runner import run_review
from lantern.review.service import Outcome
from lantern.review.triggers import change_from_import, parties_matching, party_name_screener, revet
from lantern.screening import Screener
from lantern.settings import Settings
from tests.factories import add_licence, add_unit


def _book(db: Database) -> None:
    with db.transaction() as session:
        ssp = add_unit(
            session, "test-ssp", "Secretaría de Seguridad Pública del Estado de Prueba", state="Sonora"
        )
        add_unit(
            session,
            "test-gope",
            "Grupo de Operaciones Especiales de Prueba",
            state="Sonora",
            parent=ssp,
            parent_start="2015",
        )
        add_unit(
            session,
            "test-other",
            "Policía Municipal de Ejemplo",
            kind="municipal_police",
            level="municipal",
            state="Sinaloa",
        )
        add_licence(
            session,
            "T-SSP",
            issue_date=date(2019, 6, 1),
            end_user="Secretaría de Seguridad Pública del Estado de Prueba",
        )
        add_licence(session, "T-OTHER", issue_date=date(2019, 6, 1), end_user="Policía Municipal de Ejemplo")


def _write(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def test_an_imported_allegation_alerts_the_licences_in_the_units_hierarchy(
    db: Database, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    _book(db)
    run_review(db, settings, as_of=date(2026, 11, 1))
    with db.session() as session:
        before = set(session.execute(select(AlertRow.id)).scalars())
    sources = _write(tmp_path / "sources.jsonl", [{"id": "test-src", "title": "SYNTHETIC test source"}])
    allegations = _write(
        tmp_path / "allegations.jsonl",
        [
            {
                "id": "test-allegation",
                "units": ["test-gope"],
                "violations": ["torture"],
                "start": "2021-01-22",
                "description": "SYNTHETIC test allegation against a synthetic test unit.",
                "citations": [{"source": "test-src", "access_point": "p. 1"}],
                "confidence": "high",
                "statuses": [{"status": "credible", "date": "2021-02-02"}],
            }
        ],
    )
    report = import_files(db, [sources, allegations], actor="analyst", settings=settings.imports)
    change = change_from_import(report)
    assert change.allegation_units == {"test-gope"}
    outcome = revet(
        db, settings, change, cause="allegation test-allegation", actor="analyst", as_of=date(2026, 11, 1)
    )
    assert outcome.new == 1
    with db.session() as session:
        alerts = session.execute(select(AlertRow).where(AlertRow.id.not_in(before))).scalars().all()
        assert len(alerts) == 1
        assert alerts[0].licence.number == "T-SSP"
        assert (
            "Grupo de Operaciones Especiales de Prueba, part of Secretaría de Seguridad Pública"
            in alerts[0].what_changed
        )
        assert alerts[0].cause == "allegation test-allegation"


def test_a_new_list_entry_is_screened_backwards_against_the_book(db: Database, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    _book(db)
    run_review(db, settings, as_of=date(2026, 11, 1))
    lists = _write(
        tmp_path / "lists.jsonl", [{"id": "test-list", "name": "SYNTHETIC test list", "synthetic": True}]
    )
    entries = _write(
        tmp_path / "list_entries.jsonl",
        [
            {
                "list": "test-list",
                "id": "E1",
                "name": "EXAMPLE ARMS, INC.",
                "type": "company",
                "listed": "2018",
            }
        ],
    )
    report = import_files(db, [lists, entries], actor="analyst", settings=settings.imports)
    outcome = revet(
        db,
        settings,
        change_from_import(report),
        cause="list update",
        actor="analyst",
        as_of=date(2026, 11, 1),
    )
    # Both licences' applicant is "Example Arms Inc.": each gets a watch-list finding.
    assert outcome.licences == 2
    assert outcome.new == 2


def test_a_list_update_reviews_only_licences_whose_resolution_or_entry_changed(
    db: Database, tmp_path: Path
) -> None:
    """Parties screened backwards against a new entry are resolved again, but a licence is reviewed again
    only where a party now resolves otherwise, or resolves to an entry whose record changed."""
    settings = Settings(data_dir=tmp_path / "data")
    _book(db)
    run_review(db, settings, as_of=date(2026, 11, 1))
    lists = _write(
        tmp_path / "lists.jsonl", [{"id": "test-list", "name": "SYNTHETIC test list", "synthetic": True}]
    )

    def update(name: str, records: list[dict[str, object]]) -> Outcome:
        entries = _write(tmp_path / f"{name}.jsonl", records)
        report = import_files(db, [lists, entries], actor="analyst", settings=settings.imports)
        return revet(
            db, settings, change_from_import(report), cause=name, actor="analyst", as_of=date(2026, 11, 1)
        )

    entry = {"list": "test-list", "type": "company", "listed": "2018"}
    first = {**entry, "id": "E1", "name": "EXAMPLE ARMS, INC."}
    assert update("first", [first]).new == 2
    with db.session() as session:
        resolutions = session.execute(select(ResolutionRow.id, ResolutionRow.entity_id)).all()
    # A near-twin of another legal form: it screens like the applicant ("possible"), so the applicant is
    # resolved again, and again to E1. Nothing a review reads has changed.
    twin = {**entry, "id": "E2", "name": "EXAMPLE ARMS GMBH"}
    assert parties_matching(db, settings, {"entry:test-list/E2": [twin["name"]]}) == {"Example Arms Inc."}
    quiet = update("twin", [twin])
    assert (quiet.licences, quiet.new, quiet.changed) == (0, 0, 0)
    with db.session() as session:
        after = session.execute(
            select(ResolutionRow.id, ResolutionRow.entity_id, ResolutionRow.resolved_at).order_by(
                ResolutionRow.id
            )
        ).all()
    assert sorted(e or "" for _, e, _ in after) == sorted(e or "" for _, e in resolutions)
    # E1's record changes (listed earlier): the resolution is the same, but the findings quote the entry.
    moved = update("moved", [{**first, "listed": "2010"}])
    assert moved.licences == 2
    assert moved.changed == 2
    # The resolutions resolved again exactly as stored (candidates included) were not written again.
    with db.session() as session:
        again = select(ResolutionRow.id, ResolutionRow.entity_id, ResolutionRow.resolved_at).order_by(
            ResolutionRow.id
        )
        assert session.execute(again).all() == after


def test_nothing_is_revetted_before_the_first_review(db: Database, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    _book(db)
    from lantern.review.triggers import Change

    assert revet(db, settings, Change(allegation_units={"test-gope"}), cause="x", actor="a").licences == 0


def test_the_registry_keeps_its_units_when_only_allegations_change(db: Database, tmp_path: Path) -> None:
    """A new allegation is the common change: the registry reads the allegations again and keeps the units
    and hierarchy it had; a changed unit makes it read everything again."""
    from lantern.db.tables.registry import UnitRow
    from lantern.review.service import stamped_registry
    from tests.factories import add_allegation

    _book(db)
    with db.session() as session:
        first = stamped_registry(session)
    assert "test-gope" not in first.allegations_by_unit
    with db.transaction() as session:
        gope = session.execute(select(UnitRow).where(UnitRow.key == "test-gope")).scalar_one()
        add_allegation(session, "test-a1", units=[gope])
    with db.session() as session:
        second = stamped_registry(session)
    assert second.units is first.units
    assert second.children is first.children
    assert [a.key for a in second.allegations_by_unit["test-gope"]] == ["test-a1"]
    with db.transaction() as session:
        add_unit(session, "test-new", "Unidad Nueva de Prueba", state="Sonora")
    with db.session() as session:
        third = stamped_registry(session)
    assert third.units is not second.units
    assert "test-new" in third.units
    assert [a.key for a in third.allegations_by_unit["test-gope"]] == ["test-a1"]


def test_a_write_transaction_finds_the_registry_a_read_session_loaded(fresh_db: Database) -> None:
    """Re-vetting runs in a write transaction (on SQLite, an engine copy that begins IMMEDIATE); the registry
    a read session loaded must serve it without loading again. (A database of its own: the shared test
    database binds both kinds of session to one connection.)"""
    from lantern.review.service import stamped_registry

    _book(fresh_db)
    with fresh_db.session() as session:
        read = stamped_registry(session)
    with fresh_db.transaction() as session:
        assert stamped_registry(session) is read
    with fresh_db.session() as session:
        assert stamped_registry(session) is read


def test_the_party_name_index_is_held_while_the_names_are_the_same(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process that screened backwards keeps the party-name index it built; it is read from the files
    again only when the book's party names change, and rebuilt when the files are gone."""
    settings = Settings(data_dir=tmp_path / "data")
    _book(db)
    first, by_id = party_name_screener(db, settings)
    assert {
        "Example Arms Inc.",
        "Policía Municipal de Ejemplo",
        "Secretaría de Seguridad Pública del Estado de Prueba",
    } <= set(by_id.values())
    assert "Policía Estatal de Ejemplo" not in by_id.values()

    def not_loaded(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the held index should have been used")

    monkeypatch.setattr(Screener, "load", not_loaded)
    again, same = party_name_screener(db, settings)
    assert again is first
    assert same == by_id
    monkeypatch.undo()
    with db.transaction() as session:
        add_licence(session, "T-NEW", issue_date=date(2020, 1, 1), end_user="Policía Estatal de Ejemplo")
    grown, grown_ids = party_name_screener(db, settings)
    assert grown is not first
    assert "Policía Estatal de Ejemplo" in grown_ids.values()
    assert set(by_id) < set(grown_ids)
    # The files removed (as a new matcher version would leave them): built again, not taken from memory.
    shutil.rmtree(settings.data_dir / "screening-parties")
    rebuilt, rebuilt_ids = party_name_screener(db, settings)
    assert rebuilt is not grown
    assert rebuilt_ids == grown_ids
    assert (settings.data_dir / "screening-parties" / "index").is_dir()
