"""Section 502B crime-control report: Commerce-controlled firearms exported to police units that would be
ineligible if the items were treated as crime-control equipment (EAR 742.7), because the unit is credibly
implicated or not identified at all. Drawn from the review's `crime_control_502b` findings."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from lantern.charts.bars import Bars, Series, describe_bars
from lantern.db.tables.licences import LicenceRow
from lantern.db.tables.review import FindingRow
from lantern.db.tables.shipments import ShipmentLineRow, ShipmentRow
from lantern.reports.data import data_as_of, end_users, licence_ref, licences_in_scope, units_by_id
from lantern.reports.licence_review import finding_ref
from lantern.reports.model import (
    Cell,
    Column,
    ColumnKind,
    Fact,
    Figure,
    Parameters,
    Ref,
    Report,
    Section,
    Source,
    Table,
    cell,
)

NAME = "crime-control-502b"
TITLE = "Section 502B: Commerce-controlled firearms for police units that would be ineligible"
QUESTION = (
    "Has Commerce exported firearms to foreign police units that would otherwise be ineligible if the items "
    "were properly categorised as crime-control equipment?"
)
C = ColumnKind
WHY = {"police_end_user_implicated": "implicated", "police_end_user_unidentified": "not identified"}


def build(session: Session, params: Parameters) -> Report:
    scope = licences_in_scope(params)
    findings = list(
        session.execute(
            select(FindingRow)
            .where(
                FindingRow.criterion == "crime_control_502b",
                FindingRow.status.in_(["open", "confirmed"]),
                FindingRow.licence_id.in_(scope),
            )
            .options(selectinload(FindingRow.licence))
            .order_by(FindingRow.licence_id, FindingRow.id)
        ).scalars()
    )
    ids = sorted({f.licence_id for f in findings})
    shipped: dict[int, tuple[int, Decimal]] = {}
    if ids:
        for licence_id, quantity, value in session.execute(
            select(
                ShipmentRow.licence_id, func.sum(ShipmentLineRow.quantity), func.sum(ShipmentLineRow.value)
            )
            .join(ShipmentLineRow, ShipmentLineRow.shipment_id == ShipmentRow.id)
            .where(ShipmentRow.licence_id.in_(ids), ShipmentRow.status != "rejected")
            .group_by(ShipmentRow.licence_id)
        ):
            shipped[licence_id] = (int(quantity or 0), Decimal(value or 0))
    users = end_users(session, select(LicenceRow.id).where(LicenceRow.id.in_(ids)))
    units = units_by_id(session)
    rows = []
    by_year: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    totals: dict[str, list[Ref]] = defaultdict(list)
    value_total = Decimal(0)
    items_total = 0
    shipped_total = 0
    for f in findings:
        lic = f.licence
        lref = licence_ref(lic.agency, lic.number)
        fref = finding_ref(lic.agency, lic.number, f.id)
        why = WHY.get(f.code, f.code)
        user = users.get(f.licence_id)
        unit = units.get(user.unit_id) if user and user.unit_id is not None else None
        lines = [
            s.get("text", "") for s in (f.evidence or []) if isinstance(s, dict) and s.get("kind") == "item"
        ]
        basis = next(
            (
                s.get("text", "")
                for s in (f.evidence or [])
                if isinstance(s, dict) and s.get("kind") == "finding"
            ),
            "",
        )
        q, v = shipped.get(f.licence_id, (0, Decimal(0)))
        totals[why].append(lref)
        value_total += f.value
        items_total += f.quantity
        shipped_total += q
        year = str(lic.issue_date.year) if lic.issue_date else "no date"
        by_year[year][why] += float(f.value)
        rows.append(
            (
                cell(lref.key, [lref]),
                Cell(lic.issue_date),
                Cell(lic.status),
                Cell(user.name if user else None),
                cell(unit.name if unit else None, [unit.ref] if unit else []),
                Cell(unit.state if unit else None),
                cell(why, [fref]),
                Cell(basis),
                Cell("; ".join(lines)),
                cell(f.quantity, [fref]),
                cell(f.value, [fref]),
                cell(q, [lref]),
                cell(v, [lref]),
            )
        )
    table = Table(
        "licences",
        "Licences of Commerce-controlled firearms for police end users that are implicated or not identified",
        (
            Column("licence", "Licence"),
            Column("issued", "Issued", C.DATE),
            Column("status", "Status"),
            Column("end_user", "End user as written"),
            Column("unit", "Unit"),
            Column("state", "State"),
            Column("why", "Ineligible because"),
            Column("basis", "Basis (review finding)"),
            Column("items_detail", "Lines (ECCN)"),
            Column("items", "Items", C.COUNT),
            Column("value", "Value", C.MONEY),
            Column("shipped", "Items shipped", C.COUNT),
            Column("shipped_value", "Value shipped", C.MONEY),
        ),
        tuple(rows),
    )
    years = sorted(by_year)
    chart = Bars(
        "Value of Commerce-controlled firearms for ineligible police end users, by year of issue",
        tuple(years),
        tuple(
            Series(w, tuple(by_year[y].get(w, 0.0) for y in years)) for w in ("implicated", "not identified")
        ),
        unit="US$",
    )
    all_refs = [r for refs in totals.values() for r in refs]
    facts = (
        Fact("Licences", cell(len(set(all_refs)), all_refs)),
        Fact(
            "Of which for a police unit credibly implicated",
            cell(len(set(totals["implicated"])), totals["implicated"]),
        ),
        Fact(
            "Of which for a police end user not identified",
            cell(len(set(totals["not identified"])), totals["not identified"]),
        ),
        Fact("Items licensed", cell(items_total, all_refs)),
        Fact("Value licensed", cell(value_total, all_refs), C.MONEY),
        Fact("Items shipped under them", cell(shipped_total, all_refs)),
    )
    text = (
        "Since 9 March 2020 semi-automatic and non-automatic firearms are Commerce items (ECCN 0A501–0A505). "
        "They are not crime-control items under EAR 742.7, so no FAA 502B human-rights test applies to them "
        "even when the end user is a police force. This report lists the licences where that test would "
        "fail.",
        "Police here means federal, state and municipal police, prosecutors' police and the Guardia "
        "Nacional.",
    )
    return Report(
        name=NAME,
        title=TITLE,
        question=QUESTION,
        parameters=params,
        as_of=data_as_of(session),
        sections=(
            Section(
                "summary",
                "Summary",
                text,
                facts,
                (Figure("by-year", chart.title, chart, describe_bars(chart)),),
            ),
            Section("licences", "Licences", tables=(table,)),
        ),
        sources=(
            Source("finding", "Licence review findings", "criterion crime_control_502b"),
            Source("licence", "Licence book"),
            Source("shipment", "Shipment notices"),
            Source("rule", "FAA 502B (22 U.S.C. 2304); EAR 742.7 (15 CFR 742.7)"),
        ),
        main_table="licences",
    )
