"""Violations and notifications: violation cases and their AECA section 3 reports (due, sent, late);
congressional notifications under AECA 36(c) and EAR 743.6, and licences over the threshold without one
(the review's congressional-notification findings)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from lantern.charts.bars import Bars, Series, describe_bars
from lantern.db.tables.cases import StatutoryReportRow, ViolationCaseRow
from lantern.db.tables.licences import ItemRow, LicenceRow
from lantern.db.tables.registry import UnitRow
from lantern.db.tables.review import FindingRow
from lantern.reports.data import data_as_of, licence_ref, licences_in_scope
from lantern.reports.licence_review import finding_ref
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

NAME = "violations"
TITLE = "Violations and notifications"
QUESTION = (
    "Which end-use violations were found, were they reported to Congress on time under AECA section 3, and "
    "were the licences that needed a congressional notification (AECA 36(c), EAR 743.6) notified?"
)
C = ColumnKind
REPORT_NAMES = {"aeca_3c2": "AECA 3(c)(2)", "aeca_3e": "AECA 3(e)"}


def report_state(due: date, sent: date | None, on: date | None) -> str:
    """sent on time, sent late, overdue (not sent after its due day), or due (not sent, not yet late)."""
    if sent is not None:
        return "sent late" if sent > due else "sent on time"
    if on is None:
        return "not sent"
    return "overdue" if on > due else "due"


def build(session: Session, params: Parameters) -> Report:
    country = params.country.upper()
    holder = aliased(UnitRow)
    case_query = (
        select(ViolationCaseRow, LicenceRow.agency, LicenceRow.number, UnitRow.key, holder.key)
        .outerjoin(LicenceRow, LicenceRow.id == ViolationCaseRow.licence_id)
        .outerjoin(UnitRow, UnitRow.id == ViolationCaseRow.unit_id)
        .outerjoin(holder, holder.id == ViolationCaseRow.holder_unit_id)
        .where((ViolationCaseRow.country == country) | (LicenceRow.destination_country == country))
        .order_by(ViolationCaseRow.opened_on, ViolationCaseRow.key)
    )
    cases = [row for row in session.execute(case_query) if params.in_period(row[0].opened_on)]
    case_rows = []
    by_year: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for case, agency, number, unit_key, holder_key in cases:
        cref = Ref("case", case.key)
        lref = licence_ref(agency, number) if agency else None
        by_year[str(case.opened_on.year)][case.kind.replace("_", " ")] += 1
        case_rows.append(
            (
                cell(case.key, [cref]),
                Cell(case.kind.replace("_", " ")),
                Cell(case.status.replace("_", " ")),
                Cell(case.opened_on),
                Cell(case.substantiated_on),
                Cell(case.closed_on),
                cell(lref.key if lref else None, [lref] if lref else []),
                cell(unit_key, [Ref("unit", unit_key)] if unit_key else []),
                cell(holder_key, [Ref("unit", holder_key)] if holder_key else []),
                Cell(case.summary),
            )
        )
    case_ids = [c[0].id for c in cases]
    keys = {c[0].id: c[0].key for c in cases}
    statutory = (
        list(
            session.execute(
                select(StatutoryReportRow)
                .where(StatutoryReportRow.case_id.in_(case_ids))
                .order_by(StatutoryReportRow.due_on, StatutoryReportRow.id)
            ).scalars()
        )
        if case_ids
        else []
    )
    states: dict[str, list[Ref]] = defaultdict(list)
    report_rows = []
    for r in statutory:
        state = report_state(r.due_on, r.sent_on, params.on)
        cref = Ref("case", keys[r.case_id])
        states[state].append(cref)
        report_rows.append(
            (
                cell(keys[r.case_id], [cref]),
                Cell(REPORT_NAMES.get(r.kind, r.kind)),
                Cell(r.due_on),
                Cell(r.sent_on),
                cell(state, [cref]),
                Cell((r.sent_on - r.due_on).days if r.sent_on and r.sent_on > r.due_on else None),
            )
        )
    # Congressional notifications: licences that carry one, and the review's findings of those that need one.
    scope = licences_in_scope(params)
    notified = list(
        session.execute(
            select(
                LicenceRow.id,
                LicenceRow.agency,
                LicenceRow.number,
                LicenceRow.issue_date,
                LicenceRow.cn_reference,
                LicenceRow.total_value,
            )
            .where(LicenceRow.id.in_(scope), LicenceRow.cn_reference.is_not(None))
            .order_by(LicenceRow.issue_date, LicenceRow.number)
        )
    )
    regimes: dict[int, set[Regime]] = defaultdict(set)
    if notified:
        for licence_id, usml, eccn in session.execute(
            select(ItemRow.licence_id, ItemRow.usml_category, ItemRow.eccn).where(
                ItemRow.licence_id.in_([n[0] for n in notified])
            )
        ):
            regimes[licence_id].add(regime_of(usml, eccn))
    notified_rows = []
    for licence_id, agency, number, issued, reference, value in notified:
        lref = licence_ref(agency, number)
        kinds = regimes.get(licence_id, set())
        authority = ", ".join(
            sorted(
                {"AECA 36(c)" for k in kinds if k is Regime.USML_I}
                | {"EAR 743.6" for k in kinds if k is Regime.CCL_600}
            )
        )
        notified_rows.append(
            (
                cell(lref.key, [lref]),
                Cell(issued),
                Cell(reference),
                Cell(authority or None),
                cell(value, [lref]),
            )
        )
    missing = list(
        session.execute(
            select(FindingRow, LicenceRow.agency, LicenceRow.number, LicenceRow.issue_date)
            .join(LicenceRow, LicenceRow.id == FindingRow.licence_id)
            .where(
                FindingRow.criterion == "congressional_notification",
                FindingRow.status.in_(["open", "confirmed"]),
                FindingRow.licence_id.in_(scope),
            )
            .order_by(LicenceRow.issue_date, LicenceRow.number)
        )
    )
    missing_rows = []
    missing_refs = []
    missing_value = Decimal(0)
    for finding, agency, number, issued in missing:
        lref = licence_ref(agency, number)
        fref = finding_ref(agency, number, finding.id)
        missing_refs.append(lref)
        missing_value += finding.value
        rule = next(
            (
                s.get("text", "")
                for s in finding.evidence or []
                if isinstance(s, dict) and s.get("kind") == "rule"
            ),
            "",
        )
        missing_rows.append(
            (
                cell(lref.key, [lref]),
                Cell(issued),
                Cell(rule),
                cell(finding.value, [fref]),
                cell(finding.quantity, [fref]),
                cell(finding.status, [fref]),
            )
        )
    case_kinds = sorted({k for y in by_year.values() for k in y})
    years = sorted(by_year)
    chart = Bars(
        "Violation cases opened, by year and kind",
        tuple(years),
        tuple(Series(k, tuple(by_year[y].get(k, 0.0) for y in years)) for k in case_kinds),
        unit="cases",
    )
    case_refs = [Ref("case", c[0].key) for c in cases]
    facts = (
        Fact("Violation cases", cell(len(cases), case_refs)),
        Fact(
            "Substantiated",
            cell(
                sum(1 for c in cases if c[0].substantiated_on is not None),
                [Ref("case", c[0].key) for c in cases if c[0].substantiated_on is not None],
            ),
        ),
        Fact("AECA section 3 reports", Cell(len(statutory))),
        *(
            Fact(f"Reports {state}", cell(len(states[state]), states[state]))
            for state in ("sent on time", "sent late", "overdue", "due", "not sent")
            if states.get(state)
        ),
        Fact(
            "Licences notified to Congress", cell(len(notified_rows), [r[0].refs[0] for r in notified_rows])
        ),
        Fact(
            "Licences over a notification threshold without a notification",
            cell(len(missing_rows), missing_refs),
        ),
        Fact("Value of those licences' items in scope", cell(missing_value, missing_refs), C.MONEY),
    )
    text = [
        "AECA 3(c)(2) asks for a prompt report of a possible substantial violation, 3(e) for an immediate "
        "report of a transfer without US consent; the days allowed are Lantern settings "
        "(monitoring.*_report_days).",
    ]
    if params.on:
        text.append(f"Reports not sent are judged on {params.on.isoformat()}.")
    return Report(
        name=NAME,
        title=TITLE,
        question=QUESTION,
        parameters=params,
        as_of=data_as_of(
            session,
            [
                session.execute(select(func.max(ViolationCaseRow.updated_at))).scalar_one(),
                session.execute(select(func.max(StatutoryReportRow.created_at))).scalar_one(),
            ],
        ),
        sections=(
            Section(
                "summary",
                "Summary",
                tuple(text),
                facts,
                (Figure("cases-by-year", chart.title, chart, describe_bars(chart)),),
            ),
            Section(
                "cases",
                "Violation cases",
                tables=(
                    Table(
                        "cases",
                        "Violation cases",
                        (
                            Column("case", "Case"),
                            Column("kind", "Kind"),
                            Column("status", "Status"),
                            Column("opened", "Opened", C.DATE),
                            Column("substantiated", "Substantiated", C.DATE),
                            Column("closed", "Closed", C.DATE),
                            Column("licence", "Licence"),
                            Column("unit", "End user"),
                            Column("holder", "Found with"),
                            Column("summary", "Summary"),
                        ),
                        tuple(case_rows),
                    ),
                    Table(
                        "statutory-reports",
                        "AECA section 3 reports to Congress",
                        (
                            Column("case", "Case"),
                            Column("kind", "Report"),
                            Column("due", "Due", C.DATE),
                            Column("sent", "Sent", C.DATE),
                            Column("state", "State"),
                            Column("days_late", "Days late", C.COUNT),
                        ),
                        tuple(report_rows),
                    ),
                ),
            ),
            Section(
                "notifications",
                "Congressional notifications",
                tables=(
                    Table(
                        "notified",
                        "Licences notified to Congress",
                        (
                            Column("licence", "Licence"),
                            Column("issued", "Issued", C.DATE),
                            Column("reference", "Notification"),
                            Column("authority", "Authority"),
                            Column("value", "Value", C.MONEY),
                        ),
                        tuple(notified_rows),
                    ),
                    Table(
                        "not-notified",
                        "Licences over a notification threshold without a notification",
                        (
                            Column("licence", "Licence"),
                            Column("issued", "Issued", C.DATE),
                            Column("rule", "Rule in force on the day"),
                            Column("value", "Value in scope", C.MONEY),
                            Column("quantity", "Items in scope", C.COUNT),
                            Column("finding", "Finding status"),
                        ),
                        tuple(missing_rows),
                    ),
                ),
            ),
        ),
        sources=(
            Source("violation_case", "Violation cases and their statutory reports"),
            Source("licence", "Licence book", "congressional-notification references"),
            Source("finding", "Licence review findings", "criterion congressional_notification"),
            Source("rule", "AECA 3(c)(2), 3(e) and 36(c) (22 U.S.C. 2753, 2776); EAR 743.6 (15 CFR 743.6)"),
        ),
        main_table="cases",
    )
