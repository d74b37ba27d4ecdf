"""Units: the registry list, the unit page (hierarchy, aliases, allegations, licences) and its timeline."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Query
from fastapi.responses import Response

from lantern.accounts.model import Permission
from lantern.charts.timeline import Mark, describe, render_timeline
from lantern.charts.units import unit_timeline
from lantern.monitoring.holdings import Holding, ShipmentToUnit, shipments_to, weapons_held
from lantern.units.model import UnitKind
from lantern.units.service import UnitView, list_units, view_unit
from lantern.web.deps import SessionDep
from lantern.web.models import (
    AliasRead,
    UnitAllegationRead,
    UnitLicenceRead,
    UnitLinkRead,
    UnitListItemRead,
    UnitListRead,
    UnitRead,
)
from lantern.web.models_review import UnitShipmentRead, WeaponRead
from lantern.web.routes.common import BlankIsNone, filters_of
from lantern.web.routing import LanternRouter
from lantern.web.templating import segment

router = LanternRouter(tag="units")

LIST_LIMIT = 200

OnDay = Annotated[
    date | None, Query(description="Show the hierarchy as it stood on this day (YYYY-MM-DD)."), BlankIsNone
]


@router.page("/units", permission=Permission.REGISTRY_READ, template="units/list.html")
def units(
    session: SessionDep,
    q: Annotated[
        str | None, Query(max_length=200, description="Name, key or alias contains this."), BlankIsNone
    ] = None,
    state: Annotated[
        str | None, Query(max_length=100, description="Mexican state, e.g. Guerrero."), BlankIsNone
    ] = None,
    kind: Annotated[UnitKind | None, Query(), BlankIsNone] = None,
) -> UnitListRead:
    """Units of the registry, by country, state and name."""
    rows = list_units(session, text=q, state=state, kind=kind.value if kind else None, limit=LIST_LIMIT)
    return UnitListRead(
        filters=filters_of(q=q, state=state, kind=kind.value if kind else None),
        units=[
            UnitListItemRead(
                key=r.key, name=r.name, kind=r.kind, level=r.level, country=r.country, state=r.state
            )
            for r in rows
        ],
        limit=LIST_LIMIT,
    )


def _bound(value: object) -> str | None:
    return str(value) if value else None


def unit_read(
    view: UnitView, on: date | None, shipments: list[ShipmentToUnit], weapons: list[Holding]
) -> UnitRead:
    unit = view.unit
    names = dict(view.ancestors) | {c.key: c.name for c in view.children}
    query = f"?on={on.isoformat()}" if on else ""
    return UnitRead(
        key=unit.key,
        name=unit.name,
        kind=unit.kind.value,
        level=unit.level.value,
        country=unit.country,
        state=unit.state,
        municipality=unit.municipality,
        aliases=[AliasRead(name=a.name, kind=a.kind.value) for a in unit.aliases],
        on=on,
        parents=[
            UnitLinkRead(
                key=p.parent_key,
                name=names.get(p.parent_key, p.parent_key),
                start=_bound(p.period.start),
                end=_bound(p.period.end),
            )
            for p in unit.parents
        ],
        ancestors=[UnitLinkRead(key=k, name=n) for k, n in view.ancestors],
        children=[
            UnitLinkRead(key=c.key, name=c.name, start=_bound(c.period.start), end=_bound(c.period.end))
            for c in view.children
        ],
        allegations=[
            UnitAllegationRead(
                key=a.key,
                start=a.incident_start,
                end=a.incident_end,
                violations=[v.violation for v in a.violations],
                confidence=a.confidence,
                status=a.statuses[-1].status if a.statuses else None,
                description=a.description,
            )
            for a in view.allegations
        ],
        licences=[
            UnitLicenceRead(
                licence=f"{lic.agency}/{lic.number}",
                agency=lic.agency,
                number=lic.number,
                role=role,
                name=name,
                issue_date=lic.issue_date,
                status=lic.status,
            )
            for lic, role, name in view.licences
        ],
        sources=list(unit.source_keys),
        notes=unit.notes,
        timeline=f"/units/{segment(unit.key)}/timeline.svg{query}",
        timeline_summary=describe(unit_timeline(view, shipment_marks(shipments))),
        shipments=[
            UnitShipmentRead(key=s.key, licence=s.licence, ship_date=s.ship_date, status=s.status)
            for s in shipments
        ],
        weapons=[
            WeaponRead(
                make=w.make, model=w.model, calibre=w.calibre, count=w.count, serials=w.serials, how=w.how
            )
            for w in weapons
        ],
    )


def shipment_marks(shipments: list[ShipmentToUnit]) -> list[Mark]:
    """Shipments that delivered to the unit, for the timeline (a rejected notice delivered nothing)."""
    return [Mark(s.key, s.ship_date) for s in shipments if s.status != "rejected"]


@router.page("/units/{key}", permission=Permission.REGISTRY_READ, template="units/unit.html")
def unit(key: str, session: SessionDep, on: OnDay = None) -> UnitRead:
    """One unit: aliases, its place in the hierarchy with dates, allegations, the licences and shipments
    naming it, and the weapons it holds."""
    view = view_unit(session, key, on=on)
    return unit_read(view, on, shipments_to(session, view.unit.key), weapons_held(session, view.unit.key))


@router.asset("/units/{key}/timeline.svg", permission=Permission.REGISTRY_READ, media_type="image/svg+xml")
def unit_timeline_svg(key: str, session: SessionDep, on: OnDay = None) -> Response:
    """The unit's allegations against the licences (and, once recorded, shipments) that name it."""
    view = view_unit(session, key, on=on)
    svg = render_timeline(
        unit_timeline(view, shipment_marks(shipments_to(session, view.unit.key))), fmt="svg"
    )
    return Response(
        svg,
        media_type="image/svg+xml",
        headers={
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
            "Cache-Control": "no-store",
        },
    )
