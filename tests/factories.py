"""Small factories that put rows straight into the store, for tests that need a few records."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from lantern.core.dates import parse_partial
from lantern.core.text import company_key
from lantern.db.tables.licences import ItemRow, LicenceRow, LicenceStatusRow, PartyRow
from lantern.db.tables.registry import (
    AllegationRow,
    AllegationStatusRow,
    AllegationUnitRow,
    AllegationViolationRow,
    CitationRow,
    SourceRow,
    UnitAliasRow,
    UnitParentRow,
    UnitRow,
)


def add_source(session: Session, key: str = "src-test", **fields: Any) -> SourceRow:
    row = SourceRow(key=key, title=fields.pop("title", f"Test source {key}"), **fields)
    session.add(row)
    session.flush()
    return row


def add_unit(
    session: Session,
    key: str,
    name: str,
    *,
    kind: str = "state_police",
    level: str = "state",
    state: str | None = None,
    aliases: tuple[str, ...] = (),
    parent: UnitRow | None = None,
    parent_start: str | None = None,
    parent_end: str | None = None,
) -> UnitRow:
    row = UnitRow(key=key, name=name, kind=kind, level=level, country="MX", state=state)
    row.aliases = [UnitAliasRow(name=a, kind="alias", position=i) for i, a in enumerate(aliases)]
    session.add(row)
    session.flush()
    if parent is not None:
        link_parent(session, row, parent, parent_start, parent_end)
    return row


def link_parent(
    session: Session, child: UnitRow, parent: UnitRow, start: str | None = None, end: str | None = None
) -> UnitParentRow:
    start_pd, end_pd = parse_partial(start), parse_partial(end)
    link = UnitParentRow(
        unit_id=child.id,
        parent_id=parent.id,
        start=start,
        end=end,
        start_date=start_pd.earliest() if start_pd else None,
        end_date=end_pd.latest() if end_pd else None,
        position=len(child.parent_links),
    )
    session.add(link)
    session.flush()
    session.refresh(child)
    return link


def add_allegation(
    session: Session,
    key: str,
    units: list[UnitRow],
    *,
    violations: tuple[str, ...] = ("enforced_disappearance",),
    start: str = "2014-09-26",
    end: str | None = None,
    confidence: str = "high",
    credible_on: date | None = date(2015, 9, 6),
    source: SourceRow | None = None,
) -> AllegationRow:
    source = source or add_source(session, f"src-{key}")
    start_pd, end_pd = parse_partial(start), parse_partial(end)
    row = AllegationRow(
        key=key,
        description=f"Test allegation {key}",
        incident_start=start,
        incident_end=end,
        incident_start_date=start_pd.earliest() if start_pd else None,
        incident_end_date=(end_pd or start_pd).latest() if (end_pd or start_pd) else None,
        confidence=confidence,
    )
    row.units = [AllegationUnitRow(unit_id=u.id, position=i) for i, u in enumerate(units)]
    row.violations = [AllegationViolationRow(violation=v, position=i) for i, v in enumerate(violations)]
    row.citations = [CitationRow(source_id=source.id, access_point="p. 1")]
    if credible_on:
        row.statuses = [AllegationStatusRow(status="credible", status_date=credible_on)]
    session.add(row)
    session.flush()
    return row


def add_licence(
    session: Session,
    number: str,
    *,
    agency: str = "DDTC",
    kind: str = "DSP-5",
    issue_date: date = date(2015, 3, 2),
    status: str = "approved",
    end_user: str | None = "Secretaría de Seguridad Pública del Estado de Guerrero",
    end_user_unit: UnitRow | None = None,
    applicant: str = "Example Arms Inc.",
    items: list[dict[str, Any]] | None = None,
    value: Decimal | None = Decimal("1000000.00"),
    synthetic: bool = True,
) -> LicenceRow:
    row = LicenceRow(
        agency=agency,
        number=number,
        kind=kind,
        destination_country="MX",
        issue_date=issue_date,
        total_value=value,
        status=status,
        exporter_key=company_key(applicant),
        synthetic=synthetic,
    )
    row.parties = [PartyRow(role="applicant", name=applicant, country="US", position=0)]
    if end_user is not None:
        row.parties.append(
            PartyRow(
                role="end_user",
                name=end_user,
                country="MX",
                position=1,
                unit_id=end_user_unit.id if end_user_unit else None,
            )
        )
    row.items = [
        ItemRow(
            line=i + 1,
            usml_category=spec.get("usml_category", "I(a)"),
            eccn=spec.get("eccn"),
            fire_mode=spec.get("fire_mode", "semi_automatic"),
            description=spec.get("description", "Rifle"),
            manufacturer=spec.get("manufacturer", "Colt"),
            model=spec.get("model", "AR-15"),
            quantity=spec.get("quantity", 100),
            total_value=spec.get("total_value"),
        )
        for i, spec in enumerate(items or [{}])
    ]
    row.status_history = [
        LicenceStatusRow(
            status="applied",
            changed_at=datetime(issue_date.year, 1, 1, tzinfo=UTC),
            actor="applicant",
            position=0,
        ),
        LicenceStatusRow(
            status=status,
            changed_at=datetime(issue_date.year, issue_date.month, issue_date.day, tzinfo=UTC),
            actor="licensing officer",
            position=1,
        ),
    ]
    session.add(row)
    session.flush()
    return row
