"""Notices filed at the same moment against the last items of a licence: real concurrent transactions, on
SQLite (the write lock taken at BEGIN IMMEDIATE) and PostgreSQL (the licence row locked FOR UPDATE)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from lantern.audit.service import verify_chain
from lantern.db.engine import Database
from lantern.db.tables.shipments import SerialRow
from lantern.errors import Conflict
from lantern.monitoring import service
from lantern.monitoring.model import ShipmentStatus
from lantern.settings import ReviewSettings
from tests.factories import add_licence
from tests.integration.monitoring.helpers import notice

pytestmark = pytest.mark.db

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)


def race(db: Database, notices: list[dict[str, object]]) -> list[service.FiledShipment | Conflict]:
    """File every notice from its own thread and connection, all released at the same instant."""
    start = threading.Barrier(len(notices))

    def one(record: dict[str, object]) -> service.FiledShipment | Conflict:
        start.wait()
        try:
            with db.transaction() as session:
                return service.file_notice(
                    session, record, actor="exporter:erp", review_settings=ReviewSettings(), now=NOW
                )
        except Conflict as exc:
            return exc

    with ThreadPoolExecutor(len(notices)) as pool:
        return list(pool.map(one, notices))


def test_two_notices_for_the_last_ten_rifles_do_not_both_pass(fresh_db: Database) -> None:
    with fresh_db.transaction() as session:
        add_licence(session, "LAST-10", items=[{"quantity": 110}])
    with fresh_db.transaction() as session:
        service.file_notice(
            session, notice("LAST-10", key="FIRST", quantity=100), actor="t", review_settings=ReviewSettings()
        )
    filed = race(
        fresh_db,
        [notice("LAST-10", key=f"RACE-{i}", quantity=10, serials=(f"R{i}-1", f"R{i}-2")) for i in range(2)],
    )
    assert all(isinstance(f, service.FiledShipment) for f in filed)
    done = [f for f in filed if isinstance(f, service.FiledShipment)]
    assert sorted(f.status for f in done) == [ShipmentStatus.ACCEPTED, ShipmentStatus.REJECTED]
    refused = next(f for f in done if f.status is ShipmentStatus.REJECTED)
    assert refused.reason == "item 1 would over-ship: 10 more after 110 of 110 licensed (0 remain)"
    with fresh_db.session() as session:
        assert service.remaining(session, "LAST-10")[0]["remaining"] == 0
        assert session.execute(select(func.count()).select_from(SerialRow)).scalar_one() == 2
        assert verify_chain(session).ok


def test_eight_writers_never_over_ship_and_one_serial_ships_once(fresh_db: Database) -> None:
    with fresh_db.transaction() as session:
        add_licence(session, "POOL", items=[{"quantity": 30}])
        add_licence(session, "OTHER-A", items=[{"quantity": 30}])
        add_licence(session, "OTHER-B", items=[{"quantity": 30}])
    # Eight notices of 10 against 30 rifles; two more, under two other licences, carry the same serial.
    notices = [notice("POOL", key=f"P-{i}", quantity=10) for i in range(8)]
    notices += [notice(f"OTHER-{c}", key=f"O-{c}", quantity=1, serials=("SAME-1",)) for c in "AB"]
    filed = race(fresh_db, notices)
    done = [f for f in filed if isinstance(f, service.FiledShipment)]
    pool = [f for f in done if f.licence == "DDTC/POOL"]
    assert len(pool) == 8
    assert sum(f.status is ShipmentStatus.ACCEPTED for f in pool) == 3
    # The second notice with the serial is refused by the rules, or (when both checked before either wrote)
    # by the unique key, as a conflict to file again.
    other = [f for f in done if f.licence != "DDTC/POOL"]
    assert sum(f.status is ShipmentStatus.ACCEPTED for f in other) == 1
    assert len(other) + sum(isinstance(f, Conflict) for f in filed) == 2
    with fresh_db.session() as session:
        assert service.remaining(session, "POOL")[0]["remaining"] == 0
        assert session.execute(select(func.count()).select_from(SerialRow)).scalar_one() == 1
        assert verify_chain(session).ok
