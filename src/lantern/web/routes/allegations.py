"""Allegations with their units, dates, citations and status history."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from lantern.accounts.model import Permission
from lantern.allegations.service import find_allegation_row, list_allegations
from lantern.db.tables.registry import AllegationRow
from lantern.web.deps import SessionDep
from lantern.web.models import (
    AllegationListRead,
    AllegationRead,
    AllegationStatusRead,
    CitationRead,
    PersonRead,
    UnitLinkRead,
)
from lantern.web.routes.common import BlankIsNone
from lantern.web.routing import LanternRouter

router = LanternRouter(tag="allegations")


def allegation_read(row: AllegationRow) -> AllegationRead:
    return AllegationRead(
        key=row.key,
        units=[UnitLinkRead(key=u.unit.key, name=u.unit.name) for u in row.units],
        violations=[v.violation for v in row.violations],
        start=row.incident_start,
        end=row.incident_end,
        place=row.place,
        state=row.state,
        municipality=row.municipality,
        description=row.description,
        confidence=row.confidence,
        persons=[
            PersonRead(name=p.name, role=p.role, unit=p.unit.key if p.unit else None) for p in row.persons
        ],
        citations=[
            CitationRead(
                source=c.source.key,
                title=c.source.title,
                publisher=c.source.publisher,
                url=c.source.url,
                access_point=c.access_point,
                quote=c.quote,
            )
            for c in row.citations
        ],
        statuses=[
            AllegationStatusRead(status=s.status, date=s.status_date, note=s.note) for s in row.statuses
        ],
    )


@router.page("/allegations", permission=Permission.REGISTRY_READ, template="allegations/list.html")
def allegations(
    session: SessionDep,
    unit: Annotated[
        str | None, Query(max_length=200, description="Only allegations naming this unit key."), BlankIsNone
    ] = None,
) -> AllegationListRead:
    """Allegations, oldest incident first, each with its sources."""
    return AllegationListRead(
        unit=unit, allegations=[allegation_read(r) for r in list_allegations(session, unit=unit)]
    )


@router.page(
    "/allegations/{key}", permission=Permission.REGISTRY_READ, template="allegations/allegation.html"
)
def allegation(key: str, session: SessionDep) -> AllegationRead:
    """One allegation: the units it names, when and where, who, its citations and status over time."""
    return allegation_read(find_allegation_row(session, key))
