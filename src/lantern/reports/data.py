"""What several reports read from the store, each in a few set-based queries (never one query per licence).

The end user of a licence is the unit its end-user party resolved to: the review's match when there is one,
else the unit the source data named. A shipment goes to the unit its consignee resolved to, else to its
licence's end user.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from lantern.db.tables.licences import LicenceRow, PartyRow
from lantern.db.tables.registry import (
    AllegationRow,
    AllegationStatusRow,
    AllegationUnitRow,
    SourceRow,
    UnitRow,
)
from lantern.db.tables.review import FindingRow, ResolutionRow
from lantern.db.tables.shipments import CustodyEventRow, ShipmentRow
from lantern.reports.model import Parameters, Ref
from lantern.units.hierarchy import children_index, descendants
from lantern.units.service import parent_map


@dataclass(frozen=True, slots=True)
class UnitInfo:
    id: int
    key: str
    name: str
    kind: str
    level: str
    country: str
    state: str | None

    @property
    def ref(self) -> Ref:
        return Ref("unit", self.key)


def _utc(moment: Any) -> datetime | None:
    if not isinstance(moment, datetime):
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def data_as_of(session: Session, extra: Iterable[Any] = ()) -> datetime | None:
    """The latest change recorded in the data reports draw from: the time the report's data stands at."""
    moments: list[Any] = [
        session.execute(select(func.max(table.updated_at))).scalar_one()
        for table in (LicenceRow, ShipmentRow, CustodyEventRow, UnitRow, AllegationRow, SourceRow)
    ]
    moments.append(session.execute(select(func.max(FindingRow.last_changed_at))).scalar_one())
    moments.extend(extra)
    known = [m for m in (_utc(m) for m in moments) if m is not None]
    return max(known) if known else None


def units_by_id(session: Session) -> dict[int, UnitInfo]:
    rows = session.execute(
        select(
            UnitRow.id, UnitRow.key, UnitRow.name, UnitRow.kind, UnitRow.level, UnitRow.country, UnitRow.state
        )
    )
    return {row[0]: UnitInfo(*row) for row in rows}


def licence_key(agency: str, number: str) -> str:
    return f"{agency}/{number}"


def licence_ref(agency: str, number: str) -> Ref:
    return Ref("licence", licence_key(agency, number))


def licences_in_scope(params: Parameters, *, dated: bool = True) -> Select[Any]:
    """Ids of the licences of the country (and, when `dated`, issued in the period)."""
    query = select(LicenceRow.id).where(LicenceRow.destination_country == params.country.upper())
    if dated and params.start:
        query = query.where(LicenceRow.issue_date >= params.start)
    if dated and params.end:
        query = query.where(LicenceRow.issue_date <= params.end)
    return query


@dataclass(frozen=True, slots=True)
class EndUser:
    unit_id: int | None
    name: str  # as written on the licence


def end_users(session: Session, licence_ids: Select[Any]) -> dict[int, EndUser]:
    """Licence id → its first end-user party and the unit it stands for (None when unidentified)."""
    rows = (
        session.connection()
        .execute(
            select(
                PartyRow.licence_id,
                PartyRow.position,
                PartyRow.name,
                PartyRow.unit_id,
                ResolutionRow.unit_id,
                ResolutionRow.decision,
            )
            .outerjoin(ResolutionRow, ResolutionRow.party_id == PartyRow.id)
            .where(PartyRow.role == "end_user", PartyRow.licence_id.in_(licence_ids))
            .order_by(PartyRow.licence_id, PartyRow.position)
        )
        .fetchall()
    )
    out: dict[int, EndUser] = {}
    for licence_id, _position, name, given, resolved, decision in rows:
        unit = resolved if resolved is not None and decision == "match" else given
        current = out.get(licence_id)
        if current is None or (current.unit_id is None and unit is not None):
            out[licence_id] = EndUser(unit, name)
    return out


def rolled_up(session: Session, root_key: str | None) -> set[str] | None:
    """The unit and every unit ever below it in the hierarchy (a state, SEDENA, SEMAR), or None for all."""
    if not root_key:
        return None
    links = parent_map(session)
    return {root_key, *descendants(root_key, children_index(links), None)}


def unit_selected(unit: UnitInfo | None, params: Parameters, keys: set[str] | None) -> bool:
    """Whether a unit is in a report's scope: its state, and the hierarchy it must sit under."""
    if unit is None:
        return not params.state and keys is None
    if params.state and (unit.state or "").casefold() != params.state.casefold():
        return False
    return keys is None or unit.key in keys


@dataclass(frozen=True, slots=True)
class Implication:
    """When a unit was first held credibly implicated, and by which allegations."""

    unit_id: int
    first_day: date
    allegations: tuple[str, ...]


def implications(session: Session, statuses: Iterable[str] = ("credible",)) -> dict[int, Implication]:
    """Unit id → the first day an allegation naming it reached a counted status (credible by default)."""
    rows = session.execute(
        select(AllegationUnitRow.unit_id, AllegationRow.key, func.min(AllegationStatusRow.status_date))
        .join(AllegationRow, AllegationRow.id == AllegationUnitRow.allegation_id)
        .join(AllegationStatusRow, AllegationStatusRow.allegation_id == AllegationRow.id)
        .where(AllegationStatusRow.status.in_(list(statuses)))
        .group_by(AllegationUnitRow.unit_id, AllegationRow.key)
    )
    firsts: dict[int, list[tuple[date, str]]] = {}
    for unit_id, key, day in rows:
        firsts.setdefault(unit_id, []).append((day, key))
    return {
        unit_id: Implication(unit_id, min(d for d, _ in found), tuple(sorted(k for _, k in found)))
        for unit_id, found in firsts.items()
    }
