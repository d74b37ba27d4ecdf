"""One router per area. A new area adds its module here and its navigation entry in `templating.NAV`."""

from __future__ import annotations

from lantern.web.routes import (
    allegations,
    audit,
    home,
    imports,
    licences,
    monitoring,
    reports,
    review,
    screening,
    session,
    shipments,
    units,
)
from lantern.web.routing import LanternRouter

ROUTERS: list[LanternRouter] = [
    home.router,
    session.router,
    licences.router,
    shipments.router,
    units.router,
    allegations.router,
    reports.router,
    monitoring.router,
    audit.router,
    review.router,
    screening.router,
    imports.router,
]
