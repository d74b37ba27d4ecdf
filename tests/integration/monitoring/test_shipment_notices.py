"""Filing shipment notices: draw-down, refusals with reasons, holds with alerts, exporters' scope."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from lantern.core.text import company_key
from lantern.db.engine import Database
from lantern.db.tables.audit import AuditRow
from lantern.db.tables.licences import LicenceStatusRow
from lantern.db.tables.registry import AllegationRow
from lantern.db.tables.review import AlertRow
from lantern.db.tables.shipments import SerialRow, ShipmentRow
from lantern.errors import Conflict, NotFound, ValidationProblem
from lantern.monitoring import service
from lantern.monitoring.model import ShipmentStatus
from lantern.settings import ReviewSettings
from tests.factories import add_allegation, add_licence, add_unit
from tests.integration.monitoring.helpers import notice, resolve_end_user

pytestmark = pytest.mark.db

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
SETTINGS = ReviewSettings()


def file(db: Database, record, **kwargs):  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        return service.file_notice(
            session, record, actor="exporter:erp", review_settings=SETTINGS, now=NOW, **kwargs
        )


def test_a_notice_draws_down_and_registers_its_serials(db: Database) -> None:
    with db.transaction() as session:
        add_licence(session, "L-1", items=[{"quantity": 100}])
    filed = file(db, notice("DDTC/L-1", key="S-1", quantity=10, serials=("LE-001", "LE-002")))
    assert filed.status is ShipmentStatus.ACCEPTED
    assert filed.reason is None
    with db.session() as session:
        assert service.remaining(session, "L-1")[0]["remaining"] == 90
        assert session.execute(select(SerialRow.serial_key).order_by(SerialRow.id)).scalars().all() == [
            "le001",
            "le002",
        ]
        actions = session.execute(select(AuditRow.action)).scalars().all()
        assert any(a.startswith("shipment.") for a in actions)


def test_over_shipping_is_refused_with_what_remains(db: Database) -> None:
    with db.transaction() as session:
        add_licence(session, "L-2", items=[{"quantity": 20}])
    assert file(db, notice("L-2", key="S-1", quantity=15)).status is ShipmentStatus.ACCEPTED
    refused = file(db, notice("L-2", key="S-2", quantity=10))
    assert refused.status is ShipmentStatus.REJECTED
    assert refused.reason == "item 1 would over-ship: 10 more after 15 of 20 licensed (5 remain)"
    with db.session() as session:
        assert service.remaining(session, "L-2")[0]["remaining"] == 5


def test_a_suspended_licence_refuses_the_notice(db: Database) -> None:
    with db.transaction() as session:
        lic = add_licence(session, "L-3")
        lic.status = "suspended"
        lic.status_history.append(
            LicenceStatusRow(
                status="suspended", changed_at=datetime(2016, 1, 5, tzinfo=UTC), actor="officer", position=2
            )
        )
    refused = file(db, notice("L-3", key="S-1", serials=("A1",)))
    assert refused.status is ShipmentStatus.REJECTED
    assert refused.reason == "licence DDTC/L-3 was suspended on 2016-05-02"
    with db.session() as session:
        row = session.execute(select(ShipmentRow).where(ShipmentRow.key == "S-1")).scalar_one()
        assert row.rejected_serials
        assert row.rejected_serials[0]["serial"] == "A1"
        assert session.execute(select(SerialRow)).first() is None


def test_a_serial_shipped_before_is_refused(db: Database) -> None:
    with db.transaction() as session:
        add_licence(session, "L-4")
        add_licence(session, "L-5")
    file(db, notice("L-4", key="S-1", quantity=1, serials=("X-9",)))
    refused = file(db, notice("L-5", key="S-2", quantity=1, serials=("x 9",)))
    assert refused.status is ShipmentStatus.REJECTED
    assert refused.reason == "serial x9 (colt) already shipped with S-1"


def test_an_unknown_item_or_licence_is_refused_before_anything_is_stored(db: Database) -> None:
    with db.transaction() as session:
        add_licence(session, "L-6")
    record = notice("L-6", key="S-1")
    record["lines"][0]["item"] = 7
    with pytest.raises(ValidationProblem) as raised:
        file(db, record)
    assert "licence DDTC/L-6 has no item 7" in " ".join(raised.value.problems)
    with pytest.raises(NotFound):
        file(db, notice("DDTC/NOPE", key="S-2"))
    with db.session() as session:
        assert session.execute(select(ShipmentRow)).first() is None


def test_exporters_file_only_against_their_own_licences(db: Database) -> None:
    with db.transaction() as session:
        add_licence(session, "OWN", applicant="Example Arms Inc.")
        add_licence(session, "OTHER", applicant="Other Guns LLC")
    own = company_key("Example Arms Inc.")
    assert file(db, notice("OWN", key="S-1"), exporter_key=own).status is ShipmentStatus.ACCEPTED
    with pytest.raises(NotFound, match="No licence 'OTHER'"):
        file(db, notice("OTHER", key="S-2"), exporter_key=own)
    with db.session() as session:
        mine, total = service.list_shipments(session, service.ShipmentFilter(exporter_key=own))
        assert [s.key for s in mine] == ["S-1"]
        assert total == 1
        with pytest.raises(NotFound):
            service.find_shipment(session, "S-1", exporter_key=company_key("Other Guns LLC"))


def test_filing_the_same_notice_twice_stores_it_once(db: Database) -> None:
    with db.transaction() as session:
        add_licence(session, "L-7", items=[{"quantity": 20}])
    first = file(db, notice("L-7", key="S-1", quantity=15))
    again = file(db, notice("L-7", key="S-1", quantity=15))
    assert again.replayed
    assert again.status is first.status
    with pytest.raises(Conflict):
        file(db, notice("L-7", key="S-1", quantity=1))
    with db.session() as session:
        assert service.remaining(session, "L-7")[0]["remaining"] == 5


def test_a_notice_is_held_with_an_alert_when_the_end_user_was_implicated_after_approval(db: Database) -> None:
    with db.transaction() as session:
        unit = add_unit(session, "mx-gro-iguala-pm", "Policía Municipal de Iguala", state="Guerrero")
        lic = add_licence(
            session,
            "L-8",
            issue_date=date(2013, 3, 1),
            end_user="Policía Municipal de Iguala",
            end_user_unit=unit,
        )
        resolve_end_user(session, lic, unit)
        add_allegation(session, "iguala", [unit], credible_on=date(2015, 9, 6))
        add_licence(session, "L-9", issue_date=date(2016, 3, 1), end_user="Policía Municipal de Iguala")
    held = file(db, notice("L-8", key="S-1", quantity=5, serials=("H-1",)))
    assert held.status is ShipmentStatus.HELD
    assert held.reason
    assert held.reason.startswith("held for review: ")
    assert "credible since 2015-09-06" in held.reason
    assert len(held.alert_ids) == 1
    with db.session() as session:
        alert = session.get(AlertRow, held.alert_ids[0])
        assert alert is not None
        assert alert.kind == "shipment_held"
        assert "Shipment S-1" in alert.what_changed
        # Held shipments keep their reservation: the serials are registered and the quantity drawn down.
        assert service.remaining(session, "L-8")[0]["remaining"] == 95
        assert session.execute(select(SerialRow.serial)).scalars().all() == ["H-1"]
    # The same end user, approved after the allegation was credible, is refused at review, not held here.
    assert file(db, notice("L-9", key="S-2", quantity=1)).status is ShipmentStatus.ACCEPTED


def test_a_notice_is_held_when_the_end_user_belongs_to_a_force_implicated_after_approval(
    db: Database,
) -> None:
    with db.transaction() as session:
        force = add_unit(
            session, "mx-gro-ssp", "Secretaría de Seguridad Pública de Guerrero", state="Guerrero"
        )
        unit = add_unit(
            session, "mx-gro-ssp-pe", "Policía Estatal de Guerrero", state="Guerrero", parent=force
        )
        lic = add_licence(
            session, "L-10", issue_date=date(2013, 3, 1), end_user="Policía Estatal", end_user_unit=unit
        )
        resolve_end_user(session, lic, unit)
        add_allegation(session, "ssp-gro", [force], credible_on=date(2015, 9, 6))
    held = file(db, notice("L-10", key="S-1", quantity=5))
    assert held.status is ShipmentStatus.HELD
    assert held.reason
    assert "Secretaría de Seguridad Pública de Guerrero" in held.reason
    assert len(held.alert_ids) == 1


def test_a_hold_ends_when_the_allegation_no_longer_counts(db: Database) -> None:
    with db.transaction() as session:
        unit = add_unit(session, "mx-gro-iguala-pm", "Policía Municipal de Iguala", state="Guerrero")
        lic = add_licence(
            session, "L-11", issue_date=date(2013, 3, 1), end_user="Policía Municipal", end_user_unit=unit
        )
        resolve_end_user(session, lic, unit)
        allegation = add_allegation(session, "iguala", [unit], credible_on=date(2015, 9, 6))
        allegation_id = allegation.id
    assert file(db, notice("L-11", key="S-1", quantity=5)).status is ShipmentStatus.HELD
    with db.transaction() as session:
        row = session.get(AllegationRow, allegation_id)
        assert row is not None
        row.confidence = "low"  # below the review's threshold: the allegation no longer counts
    assert file(db, notice("L-11", key="S-2", quantity=5)).status is ShipmentStatus.ACCEPTED


def test_values_drawn_by_earlier_notices_count_against_the_licence_value(db: Database) -> None:
    with db.transaction() as session:
        add_licence(session, "L-12", items=[{"quantity": 100}, {"quantity": 100}], value=Decimal("1000"))
    first = notice("L-12", key="S-1", quantity=1, value="300")
    second = notice("L-12", key="S-2", quantity=1)
    second["value"] = "400"  # declared for the whole shipment, its lines without values
    second["lines"] = [{"item": 1, "quantity": 1, "value": None}, {"item": 2, "quantity": 1, "value": None}]
    assert file(db, first).status is ShipmentStatus.ACCEPTED
    assert file(db, second).status is ShipmentStatus.ACCEPTED
    refused = file(db, notice("L-12", key="S-3", quantity=1, value="301"))
    assert refused.status is ShipmentStatus.REJECTED
    assert refused.reason == (
        "licence DDTC/L-12 would exceed its value: US$301.00 more after US$700.00 of US$1000.00"
    )
    assert file(db, notice("L-12", key="S-4", quantity=1, value="300")).status is ShipmentStatus.ACCEPTED
