"""The unit page's shipments and weapons: what was consigned to the unit and what custody records say it
holds now. Synthetic test records."""

from __future__ import annotations

from datetime import date

import pytest

from lantern.accounts.model import Role
from lantern.db.engine import Database
from lantern.db.tables.shipments import CustodyEventRow, SerialRow, ShipmentLineRow, ShipmentRow
from tests.integration.web.conftest import ClientFor
from tests.integration.web.world import World

pytestmark = pytest.mark.db


def _ship(db: Database, world: World) -> None:
    with db.transaction() as session:
        licence = world.own_licence
        item = licence.items[0]
        gopes, ssp = world.units["gopes"], world.units["ssp"]
        shipments = []
        for key, day, status, unit in (
            ("SHP-1", date(2020, 3, 1), "accepted", gopes),
            ("SHP-2", date(2021, 6, 1), "accepted", gopes),
            ("SHP-3", date(2021, 7, 1), "rejected", gopes),
        ):
            row = ShipmentRow(
                key=key,
                licence_id=licence.id,
                shipment_date=day,
                consignee="GOPES Tamaulipas",
                consignee_unit_id=unit.id,
                status=status,
            )
            row.lines = [ShipmentLineRow(item_id=item.id, quantity=2, position=0)]
            session.add(row)
            shipments.append(row)
        session.flush()
        serials = []
        for n, shipment in enumerate(shipments[:2] * 2):
            serial = SerialRow(
                serial=f"SYN{n:04d}",
                serial_key=f"SYN{n:04d}",
                make="Colt",
                make_key="colt",
                model="AR-15",
                calibre="5.56",
                licence_id=licence.id,
                shipment_id=shipment.id,
                item_id=item.id,
                position=n,
            )
            session.add(serial)
            serials.append(serial)
        session.flush()
        # One rifle moved on to the state secretariat; one was inventoried at GOPES (it stays there).
        session.add_all(
            [
                CustodyEventRow(
                    key="C-1",
                    serial_id=serials[0].id,
                    serial_written=serials[0].serial,
                    partial_date="2022-01",
                    event_date=date(2022, 1, 1),
                    event="transfer",
                    holder_unit_id=ssp.id,
                ),
                CustodyEventRow(
                    key="C-2",
                    serial_id=serials[1].id,
                    serial_written=serials[1].serial,
                    partial_date="2022",
                    event_date=date(2022, 1, 1),
                    event="inventory",
                    holder_unit_id=gopes.id,
                ),
            ]
        )


def test_the_unit_page_lists_shipments_and_the_weapons_it_holds(
    client_for: ClientFor, world: World, db: Database
) -> None:
    _ship(db, world)
    client = client_for(Role.MONITOR)
    data = client.get("/api/units/mx-gopes").json()
    assert [(s["key"], s["status"]) for s in data["shipments"]] == [
        ("SHP-1", "accepted"),
        ("SHP-2", "accepted"),
        ("SHP-3", "rejected"),
    ]
    held = {(w["how"], w["count"]): w["serials"] for w in data["weapons"]}
    # Four rifles were shipped; SYN0000 moved to the secretariat, SYN0001 is held by custody record.
    assert held == {("shipment", 2): ["SYN0002", "SYN0003"], ("custody", 1): ["SYN0001"]}
    assert "2 shipment(s)" in data["timeline_summary"]  # the rejected one delivered nothing
    secretariat = client.get("/api/units/mx-ssp-tamaulipas").json()
    assert [(w["how"], w["serials"]) for w in secretariat["weapons"]] == [("custody", ["SYN0000"])]
    page = client.get("/units/mx-gopes").text
    assert "Weapons it holds" in page
    assert "SYN0002, SYN0003" in page
    assert "Not available yet" not in page.split("Weapons it holds")[1]
