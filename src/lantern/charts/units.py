"""The timeline of one unit, built from the unit view the unit page and `lantern units show` present."""

from __future__ import annotations

from collections.abc import Iterable

from lantern.charts.timeline import Mark, Span, Timeline
from lantern.core.dates import parse_partial
from lantern.units.service import UnitView


def unit_timeline(view: UnitView, shipments: Iterable[Mark] = ()) -> Timeline:
    """Allegations with known dates, and the licences naming the unit, on one time axis.

    Shipments come from monitoring when it records them; until then the lane stays empty.
    """
    spans = []
    for row in view.allegations:
        start = parse_partial(row.incident_start)
        end = parse_partial(row.incident_end) or start
        if start is None or end is None:
            continue
        credible = sorted(s.status_date for s in row.statuses if s.status == "credible")
        spans.append(Span(row.key, start.earliest(), end.latest(), credible[0] if credible else None))
    licences = tuple(
        Mark(f"{lic.agency}/{lic.number}", lic.issue_date)
        for lic, _role, _name in view.licences
        if lic.issue_date
    )
    return Timeline(view.unit.name, tuple(spans), licences, tuple(shipments))
