"""Each report's figures on the demo data, against the same figures computed here from the tables directly."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from lantern.db.engine import Database
from lantern.db.tables.cases import EndUseCheckRow, StatutoryReportRow, ViolationCaseRow
from lantern.db.tables.consultations import ConsultationRow
from lantern.db.tables.licences import ItemRow, LicenceRow, PartyRow
from lantern.db.tables.registry import AllegationStatusRow, AllegationUnitRow, UnitParentRow, UnitRow
from lantern.db.tables.review import FindingRow, ResolutionRow
from lantern.db.tables.shipments import SerialRow, ShipmentRow
from lantern.reports.catalogue import REPORTS
from lantern.reports.model import Parameters, Report, Table, compress_serials
from lantern.reports.render import FORMATS, render
from lantern.reports.service import build_report

pytestmark = pytest.mark.db


def _fact(report: Report, label: str) -> Any:
    for section in report.sections:
        for fact in section.facts:
            if fact.label.startswith(label):
                return fact.value.value
    raise AssertionError(f"no fact {label!r}")


def _column(table: Table, key: str) -> int:
    return [c.key for c in table.columns].index(key)


def _end_unit(session: Session) -> dict[int, int | None]:
    """Licence id → the unit its first end-user party stands for: the review's match, else the data's."""
    out: dict[int, int | None] = {}
    parties = session.execute(
        select(PartyRow).where(PartyRow.role == "end_user").order_by(PartyRow.licence_id, PartyRow.position)
    ).scalars()
    resolutions = {r.party_id: r for r in session.execute(select(ResolutionRow)).scalars()}
    for party in parties:
        res = resolutions.get(party.id)
        unit = res.unit_id if res is not None and res.decision == "match" and res.unit_id else party.unit_id
        if out.get(party.licence_id) is None:
            out[party.licence_id] = unit
    return out


def _shipped_by_unit(session: Session) -> dict[str | None, tuple[int, int]]:
    """Unit key → (items shipped, serials recorded), walking each shipment by its relationships."""
    keys = dict(session.execute(select(UnitRow.id, UnitRow.key)).all())
    end_unit = _end_unit(session)
    totals: dict[str | None, list[int]] = defaultdict(lambda: [0, 0])
    shipments = session.execute(
        select(ShipmentRow).options(selectinload(ShipmentRow.lines), selectinload(ShipmentRow.serials))
    ).scalars()
    for shipment in shipments:
        if shipment.status == "rejected":
            continue
        unit = shipment.consignee_unit_id or end_unit.get(shipment.licence_id)
        key = keys.get(unit) if unit else None
        totals[key][0] += sum(line.quantity for line in shipment.lines)
        totals[key][1] += len(shipment.serials)
    return {k: (v[0], v[1]) for k, v in totals.items()}


def test_the_session_works_on_after_a_holdings_report(demo: Database) -> None:
    """The report streams serials with an option on its statement, never left on the session's connection
    (on PostgreSQL every later statement, a savepoint included, would go through a server-side cursor)."""
    with demo.session() as session:
        report = build_report(session, "holdings", Parameters())
        assert _fact(report, "Serial numbers recorded") > 0
        assert "yield_per" not in session.connection().get_execution_options()
        with session.begin_nested():
            assert session.execute(select(SerialRow.id).limit(1)).scalar_one() > 0
        session.commit()


def test_holdings_counts_every_shipped_item_and_serial(demo: Database) -> None:
    with demo.session() as session:
        report = build_report(session, "holdings", Parameters())
        expected = _shipped_by_unit(session)
        all_serials = session.execute(select(SerialRow.id)).all()
    assert _fact(report, "Items shipped") == sum(q for q, _ in expected.values())
    assert _fact(report, "Serial numbers recorded") == len(all_serials)
    units = report.table("units")
    by_unit = {row[0].refs[0].key: row for row in units.rows if row[0].refs}
    shipped, serials = _column(units, "shipped_items"), _column(units, "serials")
    for key, (quantity, count) in expected.items():
        if key is None:
            continue
        assert by_unit[key][shipped].value == quantity, key
        assert by_unit[key][serials].value == count, key


def test_holdings_lists_every_serial_of_a_unit(demo: Database) -> None:
    with demo.session() as session:
        report = build_report(session, "holdings", Parameters(unit="mx-semar"))
        semar = session.execute(select(UnitRow.id).where(UnitRow.key == "mx-semar")).scalar_one()
        end_unit = _end_unit(session)
        # The demo's SEMAR shipments: consigned to it, or under licences whose end user is SEMAR itself.
        mine = {
            s
            for s, shipment_unit, licence_id in session.execute(
                select(SerialRow.serial, ShipmentRow.consignee_unit_id, ShipmentRow.licence_id).join(
                    ShipmentRow, ShipmentRow.id == SerialRow.shipment_id
                )
            )
            if (shipment_unit or end_unit.get(licence_id)) == semar
        }
    items = report.table("items")
    runs = [
        row[_column(items, "serial_numbers")].value
        for row in items.rows
        if row[0].refs and row[0].refs[0].key == "mx-semar"
    ]
    listed = "; ".join(str(r) for r in runs if r)
    assert mine
    assert compress_serials(mine) == compress_serials(_expand(listed))


def _expand(runs: str) -> list[str]:
    out = []
    for run in filter(None, runs.split("; ")):
        first, _, last = run.partition("…")
        if not last:
            out.append(first)
            continue
        stem = first.rstrip("0123456789")
        width = len(first) - len(stem)
        out.extend(f"{stem}{n:0{width}d}" for n in range(int(first[len(stem) :]), int(last[len(stem) :]) + 1))
    return out


def test_holdings_rolls_up_the_hierarchy_and_filters_by_state(demo: Database) -> None:
    with demo.session() as session:
        parents: dict[int, set[int]] = defaultdict(set)
        for child, parent in session.execute(select(UnitParentRow.unit_id, UnitParentRow.parent_id)):
            parents[parent].add(child)
        keys = dict(session.execute(select(UnitRow.id, UnitRow.key)).all())
        semar = next(i for i, k in keys.items() if k == "mx-semar")
        below, frontier = {semar}, [semar]
        while frontier:
            frontier = [c for p in frontier for c in parents[p] if c not in below]
            below.update(frontier)
        rolled = build_report(session, "holdings", Parameters(unit="mx-semar"))
        guerrero = build_report(session, "holdings", Parameters(state="Guerrero"))
        states = dict(session.execute(select(UnitRow.key, UnitRow.state)).all())
    listed = {row[0].refs[0].key for row in rolled.table("units").rows}
    assert listed
    assert listed <= {keys[i] for i in below}
    assert "mx-semar" in listed
    assert {states[row[0].refs[0].key] for row in guerrero.table("units").rows} == {"Guerrero"}


def test_holdings_filters_by_category_and_period(demo: Database) -> None:
    with demo.session() as session:
        usml = build_report(session, "holdings", Parameters(category="usml-i"))
        recent = build_report(session, "holdings", Parameters(start=date(2021, 1, 1), end=date(2021, 12, 31)))
        shipped_2021 = sum(
            line.quantity
            for shipment in session.execute(
                select(ShipmentRow).options(selectinload(ShipmentRow.lines))
            ).scalars()
            if shipment.status != "rejected" and shipment.shipment_date.year == 2021
            for line in shipment.lines
        )
    categories = {row[_column(usml.table("items"), "category")].value for row in usml.table("items").rows}
    assert categories
    assert all(str(c).startswith("I(") for c in categories)
    assert _fact(recent, "Items shipped") == shipped_2021


def _current_findings(session: Session, criterion: str) -> set[int]:
    return set(
        session.execute(
            select(FindingRow.licence_id)
            .join(LicenceRow, LicenceRow.id == FindingRow.licence_id)
            .where(
                FindingRow.criterion == criterion,
                FindingRow.status.in_(["open", "confirmed"]),
                LicenceRow.destination_country == "MX",
            )
        ).scalars()
    )


def test_licence_review_counts_the_licences_to_suspend(demo: Database) -> None:
    with demo.session() as session:
        report = build_report(session, "licence-review", Parameters())
        c1 = _current_findings(session, "implicated_end_user")
        c2 = _current_findings(session, "unidentified_end_user") - c1
        value = sum(
            (
                v or Decimal(0)
                for v in session.execute(
                    select(LicenceRow.total_value).where(LicenceRow.id.in_(c1 | c2))
                ).scalars()
            ),
            Decimal(0),
        )
        reviewed = len(
            session.execute(select(LicenceRow.id).where(LicenceRow.destination_country == "MX")).all()
        )
    assert c1
    assert c2
    assert _fact(report, "To suspend under criterion 1") == len(c1)
    assert _fact(report, "To suspend under criterion 2") == len(c2)
    assert _fact(report, "Value of those licences") == value
    assert _fact(report, "Licences reviewed") == reviewed
    table = report.table("criterion-1")
    assert {row[0].value for row in table.rows} == {r.key for r in report.sections[0].facts[1].value.refs}
    cited = [row[_column(table, "citations")].value for row in table.rows]
    assert all(cited), "every criterion-1 finding cites its sources"


def test_transfers_after_implication_include_every_later_licence_to_an_implicated_unit(
    demo: Database,
) -> None:
    with demo.session() as session:
        report = build_report(session, "transfers-after-implication", Parameters())
        credible: dict[int, date] = {}
        for unit_id, day in session.execute(
            select(AllegationUnitRow.unit_id, AllegationStatusRow.status_date)
            .join(AllegationStatusRow, AllegationStatusRow.allegation_id == AllegationUnitRow.allegation_id)
            .where(AllegationStatusRow.status == "credible")
        ):
            credible[unit_id] = min(day, credible.get(unit_id, day))
        end_unit = _end_unit(session)
        later = {
            f"{lic.agency}/{lic.number}"
            for lic in session.execute(select(LicenceRow)).scalars()
            if (unit := end_unit.get(lic.id)) in credible
            and lic.issue_date is not None
            and lic.issue_date > credible[unit]  # type: ignore[index]  # unit is in credible
        }
    table = report.table("after-implication")
    kind, record, day, since = (_column(table, k) for k in ("kind", "record", "date", "implicated_since"))
    issued = {row[record].value for row in table.rows if row[kind].value == "licence issued"}
    assert later
    assert later <= issued
    assert all(row[day].value > row[since].value for row in table.rows)


def test_crime_control_lists_the_502b_findings(demo: Database) -> None:
    with demo.session() as session:
        report = build_report(session, "crime-control-502b", Parameters())
        rows = session.execute(
            select(FindingRow.licence_id, FindingRow.value).where(
                FindingRow.criterion == "crime_control_502b", FindingRow.status.in_(["open", "confirmed"])
            )
        ).all()
    assert rows
    assert _fact(report, "Licences") == len({r[0] for r in rows})
    assert _fact(report, "Value licensed") == sum((r[1] for r in rows), Decimal(0))


def test_consultations_report_counts_the_records_and_the_gap(demo: Database) -> None:
    with demo.session() as session:
        report = build_report(session, "consultations", Parameters())
        recorded = session.execute(select(ConsultationRow)).scalars().all()
        consulted_ids = {c.licence_id for c in recorded if c.licence_id}
        kinds = dict(session.execute(select(UnitRow.id, UnitRow.kind)).all())
        sensitive = {
            licence_id
            for licence_id, unit in _end_unit(session).items()
            if unit is not None
            and kinds[unit]
            in {"federal_police", "state_police", "municipal_police", "prosecutor", "navy", "national_guard"}
        }
        period = build_report(
            session, "consultations", Parameters(start=date(2021, 1, 1), end=date(2021, 12, 31))
        )
    assert _fact(report, "Consultations recorded") == len(recorded) > 0
    assert _fact(report, "Of which with none") == len(sensitive - consulted_ids)
    assert _fact(period, "Consultations recorded") == sum(1 for c in recorded if c.consulted_on.year == 2021)


def test_check_coverage_counts_checked_licences_by_regime(demo: Database) -> None:
    with demo.session() as session:
        report = build_report(session, "check-coverage", Parameters())
        done = set(
            session.execute(
                select(EndUseCheckRow.licence_id).where(EndUseCheckRow.status == "done")
            ).scalars()
        )
        regimes: dict[str, set[int]] = defaultdict(set)
        for licence_id, usml, eccn in session.execute(
            select(ItemRow.licence_id, ItemRow.usml_category, ItemRow.eccn)
        ):
            if usml and usml.startswith("I("):
                regimes["USML Category I"].add(licence_id)
            elif eccn and eccn[:5] in {"0A501", "0A502", "0A503", "0A504", "0A505"}:
                regimes["CCL 0A501–0A505"].add(licence_id)
    assert done
    table = report.table("coverage")
    totals = {row[0].value: row for row in table.rows if row[1].value == "all years"}
    for regime, ids in regimes.items():
        assert totals[regime][_column(table, "licences")].value == len(ids)
        assert totals[regime][_column(table, "checked")].value == len(ids & done)
        assert _fact(report, f"{regime}: licences checked") == f"{len(ids & done):,} of {len(ids):,}"


def test_violations_report_lists_cases_reports_and_notifications(demo: Database) -> None:
    on = date(2026, 11, 28)
    with demo.session() as session:
        report = build_report(session, "violations", Parameters(on=on))
        cases = session.execute(select(ViolationCaseRow)).scalars().all()
        reports = session.execute(select(StatutoryReportRow)).scalars().all()
        notified = session.execute(select(LicenceRow.id).where(LicenceRow.cn_reference.is_not(None))).all()
        missing = _current_findings(session, "congressional_notification")
    assert cases
    assert _fact(report, "Violation cases") == len(cases)
    assert _fact(report, "AECA section 3 reports") == len(reports)
    overdue = sum(1 for r in reports if r.sent_on is None and on > r.due_on)
    due = sum(1 for r in reports if r.sent_on is None and on <= r.due_on)
    facts = {f.label: f.value.value for s in report.sections for f in s.facts}
    assert facts.get("Reports overdue", 0) == overdue
    assert facts.get("Reports due", 0) == due
    assert _fact(report, "Licences notified to Congress") == len(notified)
    assert _fact(report, "Licences over a notification threshold") == len(missing)


def _without(data: bytes, moment: datetime) -> bytes:
    return data.replace(moment.isoformat().encode(), b"<generated>")


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_every_report_is_reproducible_in_every_format(demo: Database, name: str) -> None:
    """Built twice from the same data and parameters, a report gives the same bytes apart from the time of
    generation: for text formats whatever that time is, for the PDF (whose text is compressed) when it is
    the same."""
    params = Parameters(on=date(2026, 11, 28))
    first_time = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    second_time = datetime(2026, 11, 28, 9, 30, 5, tzinfo=UTC)
    with demo.session() as session:
        first = build_report(session, name, params)
    with demo.session() as session:
        second = build_report(session, name, params)
    assert first == second
    for fmt in FORMATS:
        one = render(first, fmt, generated_at=first_time, base_url="http://lantern.test")
        if fmt == "pdf":
            assert one.startswith(b"%PDF")
            assert one == render(second, fmt, generated_at=first_time, base_url="http://lantern.test")
            continue
        two = render(second, fmt, generated_at=second_time, base_url="http://lantern.test")
        assert one != two, f"{fmt}: the generation time is not stated"
        assert _without(one, first_time) == _without(two, second_time), fmt
    document = json.loads(render(first, "json", generated_at=first_time))
    assert document["sources"]
    assert document["as_of"]
