"""Reading allegations with their units, citations and status history."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.base import ExecutableOption

from lantern.allegations.model import (
    Allegation,
    AllegationStatus,
    Person,
    StatusEntry,
    ViolationType,
)
from lantern.core.dates import DateRange, parse_partial
from lantern.core.provenance import Citation, Confidence
from lantern.db.tables.registry import (
    AllegationPersonRow,
    AllegationRow,
    AllegationUnitRow,
    CitationRow,
    UnitRow,
)
from lantern.errors import NotFound


def _options() -> tuple[ExecutableOption, ...]:
    return (
        selectinload(AllegationRow.units).selectinload(AllegationUnitRow.unit),
        selectinload(AllegationRow.violations),
        selectinload(AllegationRow.persons).selectinload(AllegationPersonRow.unit),
        selectinload(AllegationRow.citations).selectinload(CitationRow.source),
        selectinload(AllegationRow.statuses),
    )


def allegation_from_row(row: AllegationRow) -> Allegation:
    return Allegation(
        key=row.key,
        unit_keys=tuple(u.unit.key for u in row.units),
        violations=tuple(ViolationType(v.violation) for v in row.violations),
        incident=DateRange(parse_partial(row.incident_start), parse_partial(row.incident_end)),
        description=row.description,
        citations=tuple(Citation(c.source.key, c.access_point, c.quote) for c in row.citations),
        confidence=Confidence(row.confidence),
        statuses=tuple(StatusEntry(AllegationStatus(s.status), s.status_date, s.note) for s in row.statuses),
        persons=tuple(Person(p.name, p.role, p.unit.key if p.unit else None) for p in row.persons),
        place=row.place,
        state=row.state,
        municipality=row.municipality,
    )


def find_allegation_row(session: Session, key: str) -> AllegationRow:
    row = session.execute(
        select(AllegationRow).where(AllegationRow.key == key).options(*_options())
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"No allegation {key!r}.")
    return row


def list_allegations(session: Session, *, unit: str | None = None, limit: int = 500) -> list[AllegationRow]:
    query = (
        select(AllegationRow)
        .options(*_options())
        .order_by(AllegationRow.incident_start_date.nulls_last(), AllegationRow.key)
        .limit(limit)
    )
    if unit:
        query = query.where(
            select(AllegationUnitRow.id)
            .join(UnitRow, UnitRow.id == AllegationUnitRow.unit_id)
            .where(AllegationUnitRow.allegation_id == AllegationRow.id, UnitRow.key == unit)
            .exists()
        )
    return list(session.execute(query).scalars())
