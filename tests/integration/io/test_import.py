from pathlib import Path

import orjson
import pytest
from sqlalchemy import event, select, text

from lantern.audit.service import verify_chain
from lantern.db.engine import Database
from lantern.db.tables.audit import AuditRow
from lantern.db.tables.licences import LicenceRow, PartyRow
from lantern.db.tables.registry import UnitParentRow, UnitRow
from lantern.db.tables.shipments import CustodyEventRow, SerialRow, ShipmentRow
from lantern.io import service as io_service
from lantern.io.records import RecordKind
from lantern.synth.generate import SynthOptions, generate
from tests.conftest import DatabaseFactory
from tests.integration.io.helpers import SETTINGS, run_import, snapshot
from tests.unit.io import samples


def test_the_sample_world_imports_in_any_file_order(db: Database, tmp_path: Path) -> None:
    paths = samples.write_world(tmp_path)
    report = run_import(db, list(reversed(paths)))
    assert {kind: c.created for kind, c in report.counts.items()} == {
        RecordKind.SOURCES: 2,
        RecordKind.UNITS: 4,
        RecordKind.LISTS: 1,
        RecordKind.LIST_ENTRIES: 2,
        RecordKind.LICENCES: 2,
        RecordKind.ALLEGATIONS: 1,
        RecordKind.SHIPMENTS: 2,
        RecordKind.CUSTODY: 2,
    }
    with db.session() as session:
        assert verify_chain(session).ok
        licence = session.execute(select(LicenceRow).where(LicenceRow.number == "050000001")).scalar_one()
        assert licence.status == "approved"
        assert licence.exporter_key == "test arms inc"
        assert [p.role for p in licence.parties] == ["applicant", "ultimate_consignee", "end_user", "seller"]
        assert licence.parties[2].unit is not None
        assert licence.parties[2].unit.key == "test-sec"
        assert licence.parties[3].list_entry is not None
        assert licence.parties[3].list_entry.key == "WL-0001"
        links = session.execute(select(UnitParentRow).order_by(UnitParentRow.id)).scalars().all()
        assert [(link.start, link.end) for link in links] == [
            ("2010", None),
            ("2005", "2012-06"),
            ("2012-07", None),
        ]
        assert str(links[1].end_date) == "2012-06-30"
        actions = session.execute(select(AuditRow.action).order_by(AuditRow.seq)).scalars().all()
        assert actions.count("licence.create") == 2
        assert actions[-1] == "import.run"


def test_importing_the_same_files_twice_changes_nothing(db: Database, tmp_path: Path) -> None:
    paths = samples.write_world(tmp_path)
    run_import(db, paths)
    before = snapshot(db)
    report = run_import(db, paths)
    assert report.changed == 0
    assert all(c.unchanged > 0 for c in report.counts.values())
    assert snapshot(db) == before


def test_a_changed_record_is_updated_with_before_and_after_in_the_audit_log(
    db: Database, tmp_path: Path
) -> None:
    run_import(db, samples.write_world(tmp_path / "one"))
    licences = samples.licences()
    licences[0]["parties"][2]["name"] = "Secretaría de Prueba (corrected)"
    licences[0]["status_history"].append(
        {"status": "suspended", "at": "2016-01-01T00:00:00Z", "by": "officer", "reason": "review"}
    )
    path = samples.write_jsonl(tmp_path / "licences.jsonl", licences)
    with db.session() as session:
        party_ids = session.execute(select(PartyRow.id).order_by(PartyRow.id)).scalars().all()
    report = run_import(db, [path])
    assert report.counts[RecordKind.LICENCES].updated == 1
    assert report.counts[RecordKind.LICENCES].unchanged == 1
    with db.session() as session:
        row = (
            session.execute(
                select(AuditRow).where(AuditRow.action == "licence.update").order_by(AuditRow.seq.desc())
            )
            .scalars()
            .first()
        )
        assert row is not None
        assert row.before is not None
        assert row.after is not None
        assert row.before["parties"][2]["name"] == "Secretaría de Prueba"
        assert row.after["parties"][2]["name"] == "Secretaría de Prueba (corrected)"
        licence = session.execute(select(LicenceRow).where(LicenceRow.number == "050000001")).scalar_one()
        assert licence.status == "suspended"
        # Parties keep their ids when corrected in place.
        assert session.execute(select(PartyRow.id).order_by(PartyRow.id)).scalars().all() == party_ids
        assert verify_chain(session).ok


def test_shipments_draw_down_and_are_rejected_with_reasons(db: Database, tmp_path: Path) -> None:
    run_import(db, samples.write_world(tmp_path))
    with db.session() as session:
        shipments = {s.key: s for s in session.execute(select(ShipmentRow)).scalars()}
        assert shipments["TEST-SHP-1"].status == "accepted"
        assert shipments["TEST-SHP-2"].status == "rejected"
        assert shipments["TEST-SHP-2"].status_reason == "licence BIS/D000002 had been revoked on 2022-06-01"
        serials = session.execute(select(SerialRow.serial, SerialRow.category)).all()
        assert sorted(serials) == [("TST000001", "I(a)"), ("TST000002", "I(a)")]
        events = session.execute(select(CustodyEventRow).order_by(CustodyEventRow.id)).scalars().all()
        assert [e.event for e in events] == ["seizure", "inventory"]
        assert events[1].key == "test-event-2"


def test_over_shipping_across_files_and_duplicate_serials_are_rejected(db: Database, tmp_path: Path) -> None:
    run_import(db, samples.write_world(tmp_path / "world"))
    more = [
        {
            "id": "TEST-SHP-3",
            "licence": "DDTC/050000001",
            "date": "2016-01-10",
            "lines": [{"item": 1, "quantity": 201}],
        },
        {
            "id": "TEST-SHP-4",
            "licence": "DDTC/050000001",
            "date": "2016-01-11",
            "lines": [{"item": 1, "quantity": 200}],
            "serials": [{"serial": "TST 000001", "item": 1, "make": "TESTCO"}],
        },
        {
            "id": "TEST-SHP-5",
            "licence": "DDTC/050000001",
            "date": "2016-01-12",
            "lines": [{"item": 1, "quantity": 200}],
        },
    ]
    report = run_import(db, [samples.write_jsonl(tmp_path / "shipments.jsonl", more)])
    assert report.counts[RecordKind.SHIPMENTS].rejected == 2
    with db.session() as session:
        rows = {s.key: s for s in session.execute(select(ShipmentRow)).scalars()}
    assert rows["TEST-SHP-3"].status_reason == (
        "item 1 would over-ship: 201 more after 100 of 300 licensed (200 remain)"
    )
    assert rows["TEST-SHP-4"].status == "rejected"
    assert "serial tst000001 (testco) already shipped with TEST-SHP-1" in (
        rows["TEST-SHP-4"].status_reason or ""
    )
    assert rows["TEST-SHP-4"].rejected_serials == [
        {"serial": "TST 000001", "item": 1, "make": "TESTCO", "model": None, "calibre": None}
    ]
    assert rows["TEST-SHP-5"].status == "accepted"


def test_units_keep_parents_named_later_in_the_file(db: Database, tmp_path: Path) -> None:
    run_import(db, [samples.write_jsonl(tmp_path / "sources.jsonl", samples.sources())])
    units = list(reversed(samples.units()))
    run_import(db, [samples.write_jsonl(tmp_path / "units.jsonl", units)])
    with db.session() as session:
        battalion = session.execute(select(UnitRow).where(UnitRow.key == "test-battalion")).scalar_one()
        assert [link.parent.key for link in battalion.parent_links] == ["test-sec", "test-region"]


def test_json_lines_accepts_money_as_numbers_and_keeps_cents(db: Database, tmp_path: Path) -> None:
    licence = samples.licences()[1]
    licence["value"] = 1250000.5
    run_import(db, [samples.write_jsonl(tmp_path / "licences.jsonl", [licence])])
    with db.session() as session:
        value = session.execute(select(LicenceRow.total_value)).scalar_one()
    assert str(value) == "1250000.50"


def test_the_report_serialises(db: Database, tmp_path: Path) -> None:
    report = run_import(db, samples.write_world(tmp_path, only=["sources"]))
    data = orjson.loads(orjson.dumps(report.as_dict()))
    assert data["counts"]["sources"]["created"] == 2


def test_a_corrected_licence_keeps_the_decisions_taken_in_lantern(db: Database, tmp_path: Path) -> None:
    from lantern.review.service import decide

    run_import(db, samples.write_world(tmp_path / "one"))
    with db.transaction() as session:
        decide(session, "050000001", action="suspend", actor="officer", justification="criterion 1")
    licences = samples.licences()
    licences[0]["parties"][2]["name"] = "Secretaría de Prueba (corrected)"
    report = run_import(db, [samples.write_jsonl(tmp_path / "licences.jsonl", licences)])
    assert report.counts[RecordKind.LICENCES].updated == 1
    with db.session() as session:
        licence = session.execute(select(LicenceRow).where(LicenceRow.number == "050000001")).scalar_one()
        assert licence.status == "suspended"
        assert [s.status for s in licence.status_history][-1] == "suspended"
        assert licence.status_history[-1].reason == "criterion 1"
    again = run_import(db, [samples.write_jsonl(tmp_path / "licences.jsonl", licences)])
    assert again.changed == 0


@pytest.mark.parametrize(("threshold", "refreshed"), [(5, True), (10_000, False)])
def test_a_large_import_refreshes_the_planner_statistics(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, threshold: int, refreshed: bool
) -> None:
    calls: list[Database] = []
    monkeypatch.setattr(io_service, "refresh_statistics", calls.append)
    report = run_import(
        db,
        samples.write_world(tmp_path),
        settings=SETTINGS.model_copy(update={"analyze_min_records": threshold}),
    )
    assert report.changed >= 5
    assert calls == ([db] if refreshed else [])


def test_refreshed_statistics_count_the_imported_rows(db: Database, tmp_path: Path) -> None:
    run_import(db, samples.write_world(tmp_path))
    io_service.refresh_statistics(db)
    with db.session() as session:
        if session.get_bind().dialect.name == "postgresql":
            tuples = session.execute(
                text("SELECT reltuples FROM pg_class WHERE relname = 'licence'")
            ).scalar()
            assert tuples == 2


def _statements_to_import(db: Database, path: Path) -> tuple[int, int]:
    """How many statements importing a file of licences ran, and how many licences it created."""
    count = 0

    def counted(*_args: object) -> None:
        nonlocal count
        count += 1

    event.listen(db.engine, "before_cursor_execute", counted)
    try:
        report = run_import(db, [path], settings=SETTINGS.model_copy(update={"chunk_size": 1_000}))
    finally:
        event.remove(db.engine, "before_cursor_execute", counted)
    return count, report.counts[RecordKind.LICENCES].created


def test_new_licences_are_written_without_a_query_per_licence(db: Database, tmp_path: Path) -> None:
    """The statements an import of new licences runs do not grow with the number of licences: rows go in by
    bulk statements, and nothing is looked up licence by licence (a query per licence once doubled the
    200,000-licence import's time)."""
    generate(SynthOptions(licences=210, units=0, entries=0, shipment_share=0), tmp_path / "book")
    lines = (tmp_path / "book" / "licences.jsonl").read_bytes().splitlines(keepends=True)
    (tmp_path / "few.jsonl").write_bytes(b"".join(lines[:10]))
    (tmp_path / "many.jsonl").write_bytes(b"".join(lines[10:]))
    few, created_few = _statements_to_import(db, tmp_path / "few.jsonl")
    many, created_many = _statements_to_import(db, tmp_path / "many.jsonl")
    assert (created_few, created_many) == (10, 200)
    assert many <= few + 10, (few, many)


def test_a_licence_balance_reads_by_index(database_factory: DatabaseFactory) -> None:
    """The balance query reads from the licence's items outwards by index on SQLite, never materialising
    every drawing shipment's lines (which made a bulk import of shipments grow with the square of the book).
    SQLite only: PostgreSQL plans the query by its statistics."""
    from lantern.io.store import _BALANCE

    db = database_factory.create("sqlite")
    with db.session() as session:
        sql = _BALANCE.params(licence=1).compile(session.get_bind(), compile_kwargs={"literal_binds": True})
        details = [row[-1] for row in session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")]
    assert details, "no plan"
    assert not [d for d in details if d.startswith(("MATERIALIZE", "SCAN"))], details
