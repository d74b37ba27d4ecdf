"""Bulk import of shipments stays atomic and idempotent next to the live notices."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from lantern.db.engine import Database
from lantern.db.tables.audit import AuditRow
from lantern.db.tables.shipments import SerialRow
from lantern.io.records import RecordKind
from lantern.monitoring import service
from lantern.monitoring.model import ShipmentStatus
from lantern.settings import ReviewSettings
from tests.integration.io.helpers import import_fails, run_import
from tests.unit.io import samples

pytestmark = pytest.mark.db

BOOK = [name for name in samples.WORLD if name not in {"shipments", "custody"}]


def test_a_bad_custody_record_leaves_the_good_shipments_of_the_same_run_unstored(
    db: Database, tmp_path: Path
) -> None:
    run_import(db, samples.write_world(tmp_path / "world", only=BOOK))
    shipments = samples.write_jsonl(tmp_path / "shipments.jsonl", samples.shipments())
    bad = samples.write_jsonl(
        tmp_path / "custody.jsonl", [{"serial": "NEVER-SHIPPED", "date": "2018", "event": "seizure"}]
    )
    assert import_fails(db, [shipments, bad]) == [
        f"{bad}:1: serial: unknown serial 'NEVER-SHIPPED': no accepted shipment carried it"
    ]
    with db.session() as session:
        assert session.execute(select(func.count()).select_from(SerialRow)).scalar_one() == 0


def test_importing_shipments_twice_changes_nothing_and_notices_see_the_imported_draw_down(
    db: Database, tmp_path: Path
) -> None:
    run_import(db, samples.write_world(tmp_path / "world", only=BOOK))
    shipments = samples.write_jsonl(tmp_path / "shipments.jsonl", samples.shipments())
    first = run_import(db, [shipments])
    assert first.counts[RecordKind.SHIPMENTS].created == 2
    with db.session() as session:
        audit = session.execute(select(func.count()).select_from(AuditRow)).scalar_one()
    again = run_import(db, [shipments])
    assert again.counts[RecordKind.SHIPMENTS].unchanged == 2
    with db.session() as session:
        assert session.execute(select(func.count()).select_from(AuditRow)).scalar_one() == audit
        left = service.remaining(session, "DDTC/050000001")[0]["remaining"]
    with db.transaction() as session:
        filed = service.file_notice(
            session,
            {"licence": "DDTC/050000001", "date": "2015-07-01", "lines": [{"item": 1, "quantity": left + 1}]},
            actor="t",
            review_settings=ReviewSettings(),
        )
    assert filed.status is ShipmentStatus.REJECTED
    assert f"({left} remain)" in (filed.reason or "")
