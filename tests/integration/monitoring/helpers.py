"""A small licence book for shipment and trace tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from lantern.db.tables.licences import LicenceRow
from lantern.db.tables.registry import UnitRow
from lantern.db.tables.review import ResolutionRow


def resolve_end_user(session: Session, licence: LicenceRow, unit: UnitRow) -> None:
    """Record that the licence's end user party is `unit`, as a review's resolution would."""
    party = next(p for p in licence.parties if p.role == "end_user")
    session.add(
        ResolutionRow(
            party_id=party.id,
            licence_id=licence.id,
            entity_id=f"unit:{unit.key}",
            unit_id=unit.id,
            decision="match",
            score=1.0,
            source="data",
            candidates=[],
        )
    )
    session.flush()


def notice(
    licence: str,
    *,
    key: str | None = None,
    shipped_on: date = date(2016, 5, 2),
    quantity: int = 10,
    serials: tuple[str, ...] = (),
    make: str = "Colt",
    value: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "id": key,
        "licence": licence,
        "date": shipped_on.isoformat(),
        "consignee": "SEDENA/DCAM",
        "aes_itn": "X20160502000001",
        "filed_by": "Example Arms Inc.",
        "lines": [{"item": 1, "quantity": quantity, "value": value}],
        "serials": [
            {"serial": s, "item": 1, "make": make, "model": "AR-15", "calibre": "5.56x45mm"} for s in serials
        ],
        **extra,
    }
