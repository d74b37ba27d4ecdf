"""The licence review the letter demands: licences to suspend under criterion 1 (an end user credibly
implicated) and criterion 2 (end users not accurately identified), each with its evidence chain and citations,
the value and quantity concerned, and what shipped after the unit was implicated."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lantern.charts.bars import Bars, Series, describe_bars
from lantern.db.tables.registry import SourceRow
from lantern.reports.data import data_as_of, licence_key, licence_ref, licences_in_scope
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
from lantern.review.service import read_review

NAME = "licence-review"
TITLE = "Licence review: licences to suspend"
QUESTION = (
    "Which licences identify as end users police or naval forces credibly implicated in serious abuses "
    "(criterion 1), or do not accurately identify end users (criterion 2)?"
)
C = ColumnKind
CRITERION_1 = "implicated_end_user"
CRITERION_2 = "unidentified_end_user"


def finding_ref(agency: str, number: str, finding_id: int) -> Ref:
    return Ref("finding", f"{licence_key(agency, number)}#{finding_id}")


def _steps(evidence: list[Any], kind: str) -> list[dict[str, Any]]:
    return [s for s in evidence if isinstance(s, dict) and s.get("kind") == kind]


def build(session: Session, params: Parameters) -> Report:
    reviewed, _ = read_review(session, country=params.country, since=params.start)
    reviewed = [
        r for r in reviewed if params.end is None or (r.licence.issue_date or params.end) <= params.end
    ]
    c1_rows: list[tuple[Cell, ...]] = []
    c2_rows: list[tuple[Cell, ...]] = []
    evidence_rows: list[tuple[Cell, ...]] = []
    cited: set[str] = set()
    c1_licences: set[Ref] = set()
    c2_licences: set[Ref] = set()
    value = Decimal(0)
    quantity = 0
    shipped_q = 0
    shipped_v = Decimal(0)
    by_year: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for entry in reviewed:
        lic = entry.licence
        lref = licence_ref(lic.agency, lic.number)
        relevant = [f for f in entry.findings if f.criterion in {CRITERION_1, CRITERION_2}]
        if not relevant:
            continue
        implicated = any(f.criterion == CRITERION_1 for f in relevant)
        (c1_licences if implicated else c2_licences).add(lref)
        value += lic.total_value or Decimal(0)
        quantity += max(f.quantity for f in relevant)
        year = str(lic.issue_date.year) if lic.issue_date else "no date"
        by_year[year]["criterion 1" if implicated else "criterion 2"] += 1
        best_shipped: tuple[int, Decimal] = (0, Decimal(0))
        for finding in relevant:
            fref = finding_ref(lic.agency, lic.number, finding.id)
            evidence = finding.evidence or []
            party = next(iter(_steps(evidence, "party")), {}).get("data", {})
            resolution = next(iter(_steps(evidence, "resolution")), {}).get("data", {})
            entity = str(resolution.get("entity_id") or "")
            unit_key = entity[5:] if entity.startswith("unit:") else None
            for number, step in enumerate(evidence, start=1):
                if isinstance(step, dict):
                    evidence_rows.append(
                        (
                            cell(lref.key, [lref]),
                            cell(finding.id, [fref]),
                            Cell("criterion 1" if finding.criterion == CRITERION_1 else "criterion 2"),
                            Cell(number),
                            Cell(str(step.get("kind", ""))),
                            Cell(str(step.get("text", ""))),
                        )
                    )
            if finding.criterion == CRITERION_1:
                allegations = _steps(evidence, "allegation")
                keys = [str(a["data"]["key"]) for a in allegations if a.get("data", {}).get("key")]
                citations = [
                    c
                    for a in allegations
                    for c in a.get("data", {}).get("citations", [])
                    if isinstance(c, dict) and c.get("source")
                ]
                cited.update(str(c["source"]) for c in citations)
                since = sorted(
                    str(a["data"].get("counted_since"))
                    for a in allegations
                    if a.get("data", {}).get("counted_since")
                )
                path = next(iter(_steps(evidence, "hierarchy")), {}).get("data", {}).get("path", [])
                implicated_unit = path[-1] if path else unit_key
                best_shipped = (
                    max(best_shipped[0], finding.shipped_since_quantity or 0),
                    max(best_shipped[1], finding.shipped_since_value or Decimal(0)),
                )
                c1_rows.append(
                    (
                        cell(lref.key, [lref]),
                        Cell(lic.issue_date),
                        Cell(lic.status),
                        Cell(party.get("name")),
                        cell(unit_key, [Ref("unit", unit_key)] if unit_key else []),
                        cell(implicated_unit, [Ref("unit", implicated_unit)] if implicated_unit else []),
                        cell("; ".join(keys), [Ref("allegation", k) for k in keys]),
                        Cell(since[0] if since else None),
                        Cell(
                            "; ".join(
                                f"{c['source']}" + (f", {c['access_point']}" if c.get("access_point") else "")
                                for c in citations
                            )
                        ),
                        cell(finding.value, [fref]),
                        cell(finding.quantity, [fref]),
                        cell(finding.shipped_since_quantity, [fref]),
                        cell(finding.shipped_since_value, [fref]),
                        Cell(finding.recommendation.replace("_", " ")),
                        cell(finding.status, [fref]),
                    )
                )
            else:
                c2_rows.append(
                    (
                        cell(lref.key, [lref]),
                        Cell(lic.issue_date),
                        Cell(lic.status),
                        Cell(party.get("name")),
                        Cell(finding.code.replace("_", " ")),
                        Cell(finding.summary),
                        cell(finding.value, [fref]),
                        cell(finding.quantity, [fref]),
                        Cell(finding.recommendation.replace("_", " ")),
                        cell(finding.status, [fref]),
                    )
                )
        shipped_q += best_shipped[0]
        shipped_v += best_shipped[1]
    sources = {
        row.key: row
        for row in session.execute(select(SourceRow).where(SourceRow.key.in_(sorted(cited)))).scalars()
    }
    years = sorted(by_year)
    chart = Bars(
        "Licences to suspend, by year of issue",
        tuple(years),
        tuple(
            Series(s, tuple(float(by_year[y].get(s, 0)) for y in years))
            for s in ("criterion 1", "criterion 2")
        ),
        unit="licences",
    )
    facts = (
        Fact("Licences reviewed", Cell(_reviewed_count(session, params))),
        Fact(
            "To suspend under criterion 1 (end user credibly implicated)", cell(len(c1_licences), c1_licences)
        ),
        Fact(
            "To suspend under criterion 2 (end users not identified), and not under criterion 1",
            cell(len(c2_licences), c2_licences),
        ),
        Fact("Value of those licences", cell(value, c1_licences | c2_licences), C.MONEY),
        Fact("Items concerned", cell(quantity, c1_licences | c2_licences)),
        Fact("Items shipped after the end user was implicated", cell(shipped_q, c1_licences)),
        Fact("Value shipped after the end user was implicated", cell(shipped_v, c1_licences), C.MONEY),
    )
    c1 = Table(
        "criterion-1",
        "Criterion 1: end user credibly implicated",
        (
            Column("licence", "Licence"),
            Column("issued", "Issued", C.DATE),
            Column("status", "Status"),
            Column("end_user", "End user as written"),
            Column("unit", "Resolved to unit"),
            Column("implicated_unit", "Implicated unit"),
            Column("allegations", "Allegations"),
            Column("credible_since", "Credible since", C.DATE),
            Column("citations", "Citations (source, access point)"),
            Column("value", "Value concerned", C.MONEY),
            Column("quantity", "Items concerned", C.COUNT),
            Column("shipped_since", "Items shipped since", C.COUNT),
            Column("shipped_since_value", "Value shipped since", C.MONEY),
            Column("recommendation", "Recommendation"),
            Column("finding", "Finding status"),
        ),
        tuple(c1_rows),
    )
    c2 = Table(
        "criterion-2",
        "Criterion 2: end users not accurately identified",
        (
            Column("licence", "Licence"),
            Column("issued", "Issued", C.DATE),
            Column("status", "Status"),
            Column("end_user", "End user as written"),
            Column("why", "Why"),
            Column("summary", "Finding"),
            Column("value", "Value concerned", C.MONEY),
            Column("quantity", "Items concerned", C.COUNT),
            Column("recommendation", "Recommendation"),
            Column("finding", "Finding status"),
        ),
        tuple(c2_rows),
    )
    chains = Table(
        "evidence",
        "Evidence chains: party as written → resolved unit → hierarchy → allegation → citations → shipments",
        (
            Column("licence", "Licence"),
            Column("finding", "Finding", C.COUNT),
            Column("criterion", "Criterion"),
            Column("step", "Step", C.COUNT),
            Column("kind", "Kind"),
            Column("text", "Evidence"),
        ),
        tuple(evidence_rows),
        display_limit=400,
    )
    text = ["Open and confirmed findings of the latest review; dismissed findings are left out."]
    if params.start or params.end:
        text.append("Licences issued in the period.")
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
                tuple(text),
                facts,
                (Figure("by-year", chart.title, chart, describe_bars(chart)),),
            ),
            Section("criterion-1", c1.title, tables=(c1,)),
            Section("criterion-2", c2.title, tables=(c2,)),
            Section("evidence", "Evidence chains", tables=(chains,)),
        ),
        sources=(
            Source(
                "finding", "Licence review findings", "criteria 1 and 2, with evidence recorded at review"
            ),
            Source("licence", "Licence book"),
            *(Source(key, row.title, row.publisher, row.url) for key, row in sorted(sources.items())),
        ),
        main_table="criterion-1",
    )


def _reviewed_count(session: Session, params: Parameters) -> int:
    return int(
        session.execute(select(func.count()).select_from(licences_in_scope(params).subquery())).scalar_one()
    )
