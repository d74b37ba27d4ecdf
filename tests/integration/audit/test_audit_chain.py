from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from lantern.audit import service
from lantern.audit.batch import AuditBatch
from lantern.db.engine import Database
from lantern.db.tables.audit import AuditRow


def _append(db: Database, n: int) -> None:
    with db.transaction() as session:
        for i in range(n):
            service.record_change(
                session,
                actor="analyst@example.org",
                action="unit.update",
                entity_type="unit",
                entity_key=f"mx-unit-{i}",
                before={"name": "Old"},
                after={"name": "New", "aliases": ["Ñandú", "Policía"]},
            )


def test_an_intact_chain_verifies(db: Database) -> None:
    _append(db, 5)
    with db.session() as session:
        result = service.verify_chain(session)
    assert result.ok
    assert result.records == 5


def test_an_edited_record_breaks_the_chain(db: Database) -> None:
    _append(db, 4)
    with db.transaction() as session:
        session.execute(update(AuditRow).where(AuditRow.seq == 2).values(actor="someone else"))
    with db.session() as session:
        result = service.verify_chain(session)
    assert not result.ok
    assert [b.seq for b in result.breaks] == [2]


def test_a_removed_last_record_is_detected(db: Database) -> None:
    _append(db, 3)
    with db.transaction() as session:
        session.query(AuditRow).filter(AuditRow.seq == 3).delete()
    with db.session() as session:
        result = service.verify_chain(session)
    assert not result.ok
    assert not result.head_matches


def test_a_removed_middle_record_is_detected(db: Database) -> None:
    _append(db, 3)
    with db.transaction() as session:
        session.query(AuditRow).filter(AuditRow.seq == 2).delete()
    with db.session() as session:
        result = service.verify_chain(session)
    assert {b.seq for b in result.breaks} == {3}


def test_batches_of_one_record_and_single_changes_chain_alike(db: Database) -> None:
    # A batch of one record is chained by the database on PostgreSQL; its hash must be link_hash's.
    _append(db, 2)
    for i in range(3):
        with db.transaction() as session:
            batch = AuditBatch(
                session, actor="exporter:erp", writer=_insert, at=datetime(2026, 11, 1, tzinfo=UTC)
            )
            batch.add(
                action="shipment.create",
                entity_type="shipment",
                entity_key=f"S-{i}",
                after={"id": f"S-{i}", "serials": [{"serial": "Ñ-1", "value": "10.50"}], "n": 10**12},
            )
            batch.flush()
            assert batch.written == 1
    _append(db, 1)
    with db.session() as session:
        result = service.verify_chain(session)
        assert result.ok, result.breaks
        assert result.records == 6
        keys = session.execute(select(AuditRow.entity_key).order_by(AuditRow.seq)).scalars().all()
    assert keys == ["mx-unit-0", "mx-unit-1", "S-0", "S-1", "S-2", "mx-unit-0"]


def _insert(session: Session, table: Any, rows: Sequence[Mapping[str, Any]]) -> None:
    session.execute(insert(table), list(rows))
