"""What a unit is known to hold, and the shipments consigned to it: read from shipments, serials and custody.

A serial is held by the unit its newest custody record names as holder; a serial with no custody record is
held by the unit its shipment was consigned to (a rejected shipment delivers nothing). Shipment records name
serials by make and model as the exporter wrote them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lantern.db.tables.licences import LicenceRow
from lantern.db.tables.registry import UnitRow
from lantern.db.tables.shipments import CustodyEventRow, SerialRow, ShipmentRow

#: Serials listed per make and model; the count is always complete.
SHOWN_SERIALS = 50


@dataclass
class Holding:
    make: str
    model: str | None
    calibre: str | None
    how: str  # "shipment" (consigned to the unit) or "custody" (a custody record names it as holder)
    count: int = 0
    serials: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ShipmentToUnit:
    key: str
    ship_date: date
    status: str
    licence: str  # AGENCY/NUMBER


def shipments_to(session: Session, unit_key: str) -> list[ShipmentToUnit]:
    """Shipments consigned to the unit, oldest first, rejected ones included (their status says so)."""
    rows = session.execute(
        select(
            ShipmentRow.key,
            ShipmentRow.shipment_date,
            ShipmentRow.status,
            LicenceRow.agency,
            LicenceRow.number,
        )
        .join(UnitRow, UnitRow.id == ShipmentRow.consignee_unit_id)
        .join(LicenceRow, LicenceRow.id == ShipmentRow.licence_id)
        .where(UnitRow.key == unit_key)
        .order_by(ShipmentRow.shipment_date, ShipmentRow.id)
    )
    return [ShipmentToUnit(key, day, status, f"{a}/{n}") for key, day, status, a, n in rows]


def weapons_held(session: Session, unit_key: str) -> list[Holding]:
    """The unit's weapons by make, model and calibre, with their serials, most numerous first."""
    unit_id = session.execute(select(UnitRow.id).where(UnitRow.key == unit_key)).scalar_one_or_none()
    if unit_id is None:
        return []
    candidates = set(
        session.execute(
            select(SerialRow.id)
            .join(ShipmentRow, ShipmentRow.id == SerialRow.shipment_id)
            .where(ShipmentRow.consignee_unit_id == unit_id, ShipmentRow.status != "rejected")
        ).scalars()
    )
    candidates |= set(
        session.execute(
            select(CustodyEventRow.serial_id).where(CustodyEventRow.holder_unit_id == unit_id)
        ).scalars()
    )
    if not candidates:
        return []
    ids = sorted(candidates)
    latest: dict[int, int | None] = {}
    for start in range(0, len(ids), 900):
        part = ids[start : start + 900]
        events = session.execute(
            select(CustodyEventRow.serial_id, CustodyEventRow.holder_unit_id)
            .where(CustodyEventRow.serial_id.in_(part), CustodyEventRow.holder_unit_id.is_not(None))
            .order_by(CustodyEventRow.serial_id, CustodyEventRow.event_date, CustodyEventRow.id)
        )
        for serial_id, holder in events:
            latest[serial_id] = holder  # ordered by date: the last one stands
    held = [i for i in ids if latest.get(i, unit_id) == unit_id]
    groups: dict[tuple[str, str | None, str | None, str], Holding] = {}
    by_key: dict[tuple[str, str | None, str | None, str], list[str]] = defaultdict(list)
    for start in range(0, len(held), 900):
        part = held[start : start + 900]
        for serial_id, serial, make, model, calibre in session.execute(
            select(SerialRow.id, SerialRow.serial, SerialRow.make, SerialRow.model, SerialRow.calibre)
            .where(SerialRow.id.in_(part))
            .order_by(SerialRow.make, SerialRow.model, SerialRow.serial)
        ):
            how = "custody" if serial_id in latest else "shipment"
            key = (make, model, calibre, how)
            holding = groups.setdefault(key, Holding(make, model, calibre, how))
            holding.count += 1
            by_key[key].append(serial)
    for key, holding in groups.items():
        holding.serials = sorted(by_key[key])[:SHOWN_SERIALS]
    return sorted(groups.values(), key=lambda h: (-h.count, h.make, h.model or "", h.how))
