from sqlalchemy import update

from lantern.audit import service
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
