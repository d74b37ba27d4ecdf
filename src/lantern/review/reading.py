"""Reading the review as people work with it: one licence's resolutions, findings, decisions and alerts; the
findings queue with its filters; the counts the dashboard shows; what an exporter may know of a hold.

The web pages and their JSON twins call these; the CLI reads the same rows through `lantern.review.service`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from lantern.db.tables.licences import LicenceRow, PartyRow
from lantern.db.tables.registry import SourceRow
from lantern.db.tables.review import AlertRow, FindingRow, LicenceDecisionRow, ResolutionRow, ReviewJobRow
from lantern.db.tables.shipments import ShipmentRow
from lantern.review.model import Criterion, FindingStatus

#: Findings that still ask for attention or back a decision: the review still finds them and no analyst
#: dismissed them.
CURRENT = (FindingStatus.OPEN.value, FindingStatus.CONFIRMED.value)

#: Licence statuses under which an exporter is told why, by category only.
HELD_STATUSES = frozenset({"suspended", "revoked"})


@dataclass
class PartyResolution:
    party: PartyRow
    resolution: ResolutionRow | None


@dataclass
class LicenceReview:
    """Everything the review knows of one licence, as the licence page shows it."""

    reviewed: bool
    parties: list[PartyResolution]
    findings: list[FindingRow]
    decisions: list[LicenceDecisionRow]
    alerts: list[AlertRow]
    sources: dict[str, SourceRow] = field(default_factory=dict)


def review_has_run(session: Session) -> bool:
    return session.execute(select(ReviewJobRow.id).limit(1)).first() is not None


def cited_sources(findings: Iterable[FindingRow]) -> set[str]:
    """Source keys the allegation steps of these findings' evidence cite."""
    keys: set[str] = set()
    for finding in findings:
        for step in finding.evidence or []:
            if step.get("kind") != "allegation":
                continue
            for citation in (step.get("data") or {}).get("citations", []):
                if citation.get("source"):
                    keys.add(str(citation["source"]))
    return keys


def sources_by_key(session: Session, keys: Iterable[str]) -> dict[str, SourceRow]:
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    return {
        row.key: row for row in session.execute(select(SourceRow).where(SourceRow.key.in_(wanted))).scalars()
    }


def read_licence_review(session: Session, licence: LicenceRow) -> LicenceReview:
    """Parties with their resolutions, the findings the review holds now (resolved ones too, newest last),
    the decisions taken, and the alerts raised on this licence."""
    stored = {
        r.party_id: r
        for r in session.execute(
            select(ResolutionRow).where(ResolutionRow.licence_id == licence.id)
        ).scalars()
    }
    # The licence's parties, loaded with it by `find_licence_row` (or now, on first use).
    parties = sorted(licence.parties, key=lambda p: (p.position, p.id))
    findings = list(
        session.execute(
            select(FindingRow)
            .where(FindingRow.licence_id == licence.id)
            .options(selectinload(FindingRow.dispositions))
            .order_by(FindingRow.resolved_at.is_not(None), FindingRow.id)
        ).scalars()
    )
    decisions = list(
        session.execute(
            select(LicenceDecisionRow)
            .where(LicenceDecisionRow.licence_id == licence.id)
            .order_by(LicenceDecisionRow.at, LicenceDecisionRow.id)
        ).scalars()
    )
    alerts = list(
        session.execute(
            select(AlertRow)
            .where(AlertRow.licence_id == licence.id)
            .order_by(AlertRow.created_at.desc(), AlertRow.id.desc())
            .limit(50)
        ).scalars()
    )
    return LicenceReview(
        reviewed=review_has_run(session),
        parties=[PartyResolution(p, stored.get(p.id)) for p in parties],
        findings=findings,
        decisions=decisions,
        alerts=alerts,
        sources=sources_by_key(session, cited_sources(findings)),
    )


def hold_reasons(session: Session, licence: LicenceRow) -> list[str]:
    """Why a suspended or revoked licence is held, as the categories of the findings it rests on.

    This is all an exporter is told: the criterion's heading, never the unit, the allegation or its
    sources. A decision that cites no finding is given as a decision by the licensing agency.
    """
    if licence.status not in HELD_STATUSES:
        return []
    decision = session.execute(
        select(LicenceDecisionRow)
        .where(
            LicenceDecisionRow.licence_id == licence.id, LicenceDecisionRow.action.in_(["suspend", "revoke"])
        )
        .order_by(LicenceDecisionRow.at.desc(), LicenceDecisionRow.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    ids = [int(i) for i in (decision.finding_ids if decision else [])]
    criteria: list[str] = []
    if ids:
        criteria = sorted(
            set(
                session.execute(
                    select(FindingRow.criterion).where(
                        FindingRow.id.in_(ids), FindingRow.licence_id == licence.id
                    )
                ).scalars()
            )
        )
    headings = [Criterion(c).heading for c in criteria if c in set(Criterion)]
    return headings or ["Held by decision of the licensing agency"]


@dataclass(frozen=True, slots=True)
class FindingFilter:
    criterion: str | None = None
    status: str | None = None  # open, confirmed, dismissed, resolved; None: open and confirmed
    severity: str | None = None


def list_findings(
    session: Session, flt: FindingFilter, *, limit: int = 50, offset: int = 0
) -> tuple[list[FindingRow], int]:
    """A page of findings, the most recently changed first, and how many match in all."""
    query = select(FindingRow)
    if flt.status == FindingStatus.RESOLVED.value:
        query = query.where(FindingRow.resolved_at.is_not(None))
    else:
        query = query.where(FindingRow.resolved_at.is_(None))
        query = query.where(FindingRow.status.in_([flt.status] if flt.status else CURRENT))
    if flt.criterion:
        query = query.where(FindingRow.criterion == flt.criterion)
    if flt.severity:
        query = query.where(FindingRow.severity == flt.severity)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.execute(
        query.options(selectinload(FindingRow.licence))
        .order_by(FindingRow.last_changed_at.desc(), FindingRow.id.desc())
        .limit(limit)
        .offset(offset)
    ).scalars()
    return list(rows), total


def open_findings_by_criterion(session: Session) -> dict[str, int]:
    """Findings still open (not yet confirmed or dismissed), by criterion."""
    rows = session.execute(
        select(FindingRow.criterion, func.count())
        .where(FindingRow.status == FindingStatus.OPEN.value, FindingRow.resolved_at.is_(None))
        .group_by(FindingRow.criterion)
    )
    return {criterion: int(count) for criterion, count in rows}


def count_open_alerts(session: Session) -> tuple[int, dict[str, int]]:
    """Alerts no one has acknowledged yet: in all, and by kind (new, changed, resolved)."""
    rows = session.execute(
        select(AlertRow.kind, func.count()).where(AlertRow.acknowledged_at.is_(None)).group_by(AlertRow.kind)
    )
    by_kind = {kind: int(count) for kind, count in rows}
    return sum(by_kind.values()), by_kind


def held_shipments(session: Session) -> int:
    """Shipment notices held for review (the end user was implicated after approval, for instance)."""
    return int(
        session.execute(select(func.count(ShipmentRow.id)).where(ShipmentRow.status == "held")).scalar_one()
    )
