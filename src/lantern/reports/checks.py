"""End-use check coverage: the share of licences, value and items checked, by control regime (USML Category I
against CCL 0A501–0A505) and by year of issue. The gap the letter points to: since 9 March 2020 Blue Lantern
covers only USML Category I, so semi-automatic rifles moved to Commerce may never be checked."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lantern.charts.lines import Line, Lines, describe_lines
from lantern.db.tables.cases import EndUseCheckRow
from lantern.db.tables.licences import ItemRow, LicenceRow
from lantern.reports.data import data_as_of, licence_ref, licences_in_scope
from lantern.reports.model import (
    Cell,
    Column,
    ColumnKind,
    Fact,
    Figure,
    Parameters,
    Ref,
    Regime,
    Report,
    Section,
    Source,
    Table,
    cell,
    regime_of,
)

NAME = "check-coverage"
TITLE = "End-use check coverage"
QUESTION = (
    "What share of licences, value and items were checked after approval, for USML Category I firearms and "
    "for the firearms moved to Commerce (CCL 0A501–0A505) in March 2020, year by year?"
)
C = ColumnKind
REGIMES = (Regime.USML_I, Regime.CCL_600)


@dataclass
class _Cell:
    licences: set[Ref] = field(default_factory=set)
    value: Decimal = Decimal(0)
    items: int = 0
    checked: set[Ref] = field(default_factory=set)
    checked_value: Decimal = Decimal(0)
    checked_items: int = 0


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def build(session: Session, params: Parameters) -> Report:
    scope = licences_in_scope(params)
    licences = {
        i: (agency, number, issued)
        for i, agency, number, issued in session.execute(
            select(LicenceRow.id, LicenceRow.agency, LicenceRow.number, LicenceRow.issue_date).where(
                LicenceRow.id.in_(scope)
            )
        )
    }
    checks: dict[int, list[tuple[str, str, str | None]]] = defaultdict(list)
    check_rows = []
    for key, licence_id, stage, status, performed, outcome, reasons in session.execute(
        select(
            EndUseCheckRow.key,
            EndUseCheckRow.licence_id,
            EndUseCheckRow.stage,
            EndUseCheckRow.status,
            EndUseCheckRow.performed_on,
            EndUseCheckRow.outcome,
            EndUseCheckRow.reasons,
        )
        .where(EndUseCheckRow.licence_id.in_(scope))
        .order_by(EndUseCheckRow.performed_on, EndUseCheckRow.key)
    ):
        if status == "done":
            checks[licence_id].append((key, stage, outcome))
        agency, number, _ = licences[licence_id]
        lref = licence_ref(agency, number)
        check_rows.append(
            (
                cell(key, [Ref("check", key)]),
                cell(lref.key, [lref]),
                Cell(stage.replace("_", "-")),
                Cell(status),
                Cell(performed),
                Cell(outcome.replace("_", " ") if outcome else None),
                Cell(", ".join(str(r).replace("_", " ") for r in reasons or [])),
            )
        )
    grid: dict[tuple[Regime, str], _Cell] = defaultdict(_Cell)
    totals: dict[Regime, _Cell] = defaultdict(_Cell)
    for licence_id, usml, eccn, quantity, value in session.execute(
        select(
            ItemRow.licence_id, ItemRow.usml_category, ItemRow.eccn, ItemRow.quantity, ItemRow.total_value
        ).where(ItemRow.licence_id.in_(scope))
    ):
        regime = regime_of(usml, eccn)
        if regime not in REGIMES:
            continue
        agency, number, issued = licences[licence_id]
        ref = licence_ref(agency, number)
        year = str(issued.year) if issued else "no date"
        for bucket in (grid[(regime, year)], totals[regime]):
            bucket.licences.add(ref)
            bucket.value += value or Decimal(0)
            bucket.items += quantity
            if checks.get(licence_id):
                bucket.checked.add(ref)
                bucket.checked_value += value or Decimal(0)
                bucket.checked_items += quantity
    rows = []
    for (regime, year), b in sorted(grid.items(), key=lambda kv: (kv[0][1], kv[0][0].value)):
        rows.append(_row(regime.value, year, b))
    for regime in REGIMES:
        if regime in totals:
            rows.append(_row(regime.value, "all years", totals[regime]))
    years = sorted({y for _, y in grid if y != "no date"})
    chart = Lines(
        "Share of licences checked, by control regime and year of issue",
        tuple(
            Line(
                regime.value,
                tuple(
                    (int(y), len(grid[(regime, y)].checked) / len(grid[(regime, y)].licences))
                    for y in years
                    if (regime, y) in grid and grid[(regime, y)].licences
                ),
            )
            for regime in REGIMES
        ),
        marker_year=2020,
        marker_label="9 March 2020: firearms to Commerce",
    )
    stages: dict[str, int] = defaultdict(int)
    outcomes: dict[str, int] = defaultdict(int)
    for found in checks.values():
        for _key, stage, outcome in found:
            stages[stage] += 1
            outcomes[outcome or "no outcome"] += 1
    facts: list[Fact] = []
    for regime in REGIMES:
        b = totals.get(regime, _Cell())
        facts.append(
            Fact(
                f"{regime.value}: licences checked",
                cell(f"{len(b.checked):,} of {len(b.licences):,}", b.checked),
                C.TEXT,
            )
        )
        facts.append(
            Fact(
                f"{regime.value}: share of value checked",
                Cell(_share(float(b.checked_value), float(b.value))),
                C.SHARE,
            )
        )
    facts.append(Fact("Checks performed", Cell(sum(stages.values()))))
    facts.append(
        Fact(
            "By stage",
            Cell("; ".join(f"{k.replace('_', '-')}: {v}" for k, v in sorted(stages.items())) or "none"),
            C.TEXT,
        )
    )
    facts.append(
        Fact(
            "By outcome",
            Cell("; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in sorted(outcomes.items())) or "none"),
            C.TEXT,
        )
    )
    coverage = Table(
        "coverage",
        "Coverage by control regime and year of issue",
        (
            Column("regime", "Regime"),
            Column("year", "Year of issue"),
            Column("licences", "Licences", C.COUNT),
            Column("checked", "Licences checked", C.COUNT),
            Column("share_licences", "Share of licences", C.SHARE),
            Column("value", "Value", C.MONEY),
            Column("checked_value", "Value checked", C.MONEY),
            Column("share_value", "Share of value", C.SHARE),
            Column("items", "Items", C.COUNT),
            Column("checked_items", "Items checked", C.COUNT),
            Column("share_items", "Share of items", C.SHARE),
        ),
        tuple(rows),
        note="A licence counts as checked when at least one end-use check on it was performed (status done)",
    )
    listed = Table(
        "checks",
        "End-use checks on these licences",
        (
            Column("check", "Check"),
            Column("licence", "Licence"),
            Column("stage", "Stage"),
            Column("status", "Status"),
            Column("performed", "Performed", C.DATE),
            Column("outcome", "Outcome"),
            Column("reasons", "Reasons"),
        ),
        tuple(check_rows),
    )
    checked_count = session.execute(select(func.count(EndUseCheckRow.id))).scalar_one()
    text = (
        "Licences are split by the regime of their items: a licence with items of both regimes counts in "
        "both.",
        f"{checked_count:,} end-use check(s) are recorded in all; this report counts those on the licences "
        "of the country and period.",
    )
    return Report(
        name=NAME,
        title=TITLE,
        question=QUESTION,
        parameters=params,
        as_of=data_as_of(
            session, [session.execute(select(func.max(EndUseCheckRow.created_at))).scalar_one()]
        ),
        sections=(
            Section(
                "summary",
                "Summary",
                text,
                tuple(facts),
                (Figure("coverage", chart.title, chart, describe_lines(chart)),),
            ),
            Section("coverage", "Coverage", tables=(coverage,)),
            Section("checks", "Checks", tables=(listed,)),
        ),
        sources=(
            Source("licence", "Licence book", "items with their USML category or ECCN"),
            Source("end_use_check", "End-use checks", "Blue Lantern and BIS checks as recorded"),
            Source("rule", "85 FR 4136 and 85 FR 3819 (9 March 2020): firearms up to .50 calibre to the CCL"),
        ),
        main_table="coverage",
    )


def _row(regime: str, year: str, b: _Cell) -> tuple[Cell, ...]:
    return (
        Cell(regime),
        Cell(year),
        cell(len(b.licences), b.licences),
        cell(len(b.checked), b.checked),
        Cell(_share(len(b.checked), len(b.licences))),
        cell(b.value, b.licences),
        cell(b.checked_value, b.checked),
        Cell(_share(float(b.checked_value), float(b.value))),
        cell(b.items, b.licences),
        cell(b.checked_items, b.checked),
        Cell(_share(b.checked_items, b.items)),
    )
