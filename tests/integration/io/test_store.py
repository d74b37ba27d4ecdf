"""The write-side services other parts of Lantern call: same checks, same audit as an import."""

import pytest
from sqlalchemy import select

from lantern.audit.service import verify_chain
from lantern.db.engine import Database
from lantern.db.tables.audit import AuditRow
from lantern.db.tables.registry import UnitRow
from lantern.errors import ValidationProblem
from lantern.io.records import RECORD_TYPES, RecordKind, SourceRecord, UnitRecord
from lantern.io.store import save_records
from tests.integration.io.helpers import snapshot
from tests.unit.io import samples


def _world() -> list[object]:
    return [RECORD_TYPES[kind].model_validate(r) for kind in RecordKind for r in samples.WORLD[kind.value]()]


def test_records_of_every_kind_are_saved_and_audited(db: Database) -> None:
    with db.transaction() as session:
        counts = save_records(session, _world(), actor="demo-loader")  # type: ignore[arg-type]
    assert counts[RecordKind.UNITS].created == 4
    assert counts[RecordKind.SHIPMENTS].rejected == 1
    with db.session() as session:
        actors = set(session.execute(select(AuditRow.actor)).scalars())
        assert actors == {"demo-loader"}
        assert verify_chain(session).ok


def test_saving_a_changed_unit_updates_it_with_before_and_after(db: Database) -> None:
    with db.transaction() as session:
        save_records(session, _world(), actor="a")  # type: ignore[arg-type]
    changed = UnitRecord.model_validate(
        samples.units()[3] | {"name": "Policía Municipal de Ciudad Prueba (2)"}
    )
    with db.transaction() as session:
        counts = save_records(session, [changed], actor="b")
    assert counts[RecordKind.UNITS].updated == 1
    with db.session() as session:
        unit = session.execute(select(UnitRow).where(UnitRow.key == "test-municipal")).scalar_one()
        assert unit.name.endswith("(2)")
        audit = session.execute(select(AuditRow).order_by(AuditRow.seq.desc())).scalars().first()
        assert audit is not None
        assert audit.action == "unit.update"
        assert audit.before is not None
        assert audit.before["name"] == "Policía Municipal de Ciudad Prueba"


def test_an_unknown_reference_raises_and_the_callers_transaction_keeps_nothing(db: Database) -> None:
    before = snapshot(db)
    unit = UnitRecord.model_validate(samples.units()[3] | {"sources": ["test-missing"]})
    source = SourceRecord.model_validate({"id": "test-ok", "title": "Fine"})
    with pytest.raises(ValidationProblem) as caught, db.transaction() as session:
        save_records(session, [source, unit], actor="a")
    assert caught.value.problems == ["units:1: sources[1]: unknown source 'test-missing'"]
    assert snapshot(db) == before
