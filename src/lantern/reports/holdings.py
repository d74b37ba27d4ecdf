"""Holdings by unit (the letter's question 6): for each end-user unit, the licences, shipments, items by
make, model and category, counts, and serial numbers. Rolls up the hierarchy; filtered by state, period and
category."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import Session

from lantern.charts.bars import Bars, Series, describe_bars
from lantern.db.tables.licences import ItemRow, LicenceRow
from lantern.db.tables.shipments import SerialRow, ShipmentLineRow, ShipmentRow
from lantern.reports.data import (
    UnitInfo,
    data_as_of,
    end_users,
    licence_ref,
    licences_in_scope,
    rolled_up,
    unit_selected,
    units_by_id,
)
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
    category_matches,
    cell,
    compress_serials,
    ordered,
    regime_of,
)

NAME = "holdings"
TITLE = "Holdings by unit"
QUESTION = (
    "What data is kept on firearms transferred to Mexican police and military forces: end-user units, number "
    "of items, manufacturers and serial numbers? (question 6)"
)
C = ColumnKind


@dataclass
class _Item:
    licence_id: int
    make: str
    model: str
    category: str
    regime: Regime
    calibre: str
    quantity: int
    value: Decimal


@dataclass
class _Line:
    """One row of the items table: a unit and a kind of firearm."""

    licensed: int = 0
    shipped: int = 0
    licences: set[Ref] = field(default_factory=set)
    shipments: set[Ref] = field(default_factory=set)
    serials: list[str] = field(default_factory=list)


@dataclass
class _Holder:
    label: str
    unit: UnitInfo | None
    licences: set[Ref] = field(default_factory=set)
    licensed: int = 0
    licensed_value: Decimal = Decimal(0)
    shipments: set[Ref] = field(default_factory=set)
    shipped: int = 0
    shipped_value: Decimal = Decimal(0)
    serials: int = 0
    lines: dict[tuple[str, str, str, str], _Line] = field(default_factory=dict)


def build(session: Session, params: Parameters) -> Report:
    units = units_by_id(session)
    scope = rolled_up(session, params.unit)
    licences_q = licences_in_scope(params, dated=False)
    # The large reads go through the connection: plain rows, without the ORM's per-row work.
    conn = session.connection()
    licences = {
        row[0]: row
        for row in conn.execute(
            select(LicenceRow.id, LicenceRow.agency, LicenceRow.number, LicenceRow.issue_date).where(
                LicenceRow.id.in_(licences_q)
            )
        ).fetchall()
    }
    users = end_users(session, licences_q)
    refs = {licence_id: licence_ref(row[1], row[2]) for licence_id, row in licences.items()}
    items: dict[int, _Item] = {}
    for item_id, licence_id, make, model, usml, eccn, calibre, quantity, value in conn.execute(
        select(
            ItemRow.id,
            ItemRow.licence_id,
            ItemRow.manufacturer,
            ItemRow.model,
            ItemRow.usml_category,
            ItemRow.eccn,
            ItemRow.calibre,
            ItemRow.quantity,
            ItemRow.total_value,
        ).where(ItemRow.licence_id.in_(licences_q))
    ).fetchall():
        if not category_matches(params.category, usml, eccn):
            continue
        items[item_id] = _Item(
            licence_id,
            make or "(make not given)",
            model or "(model not given)",
            usml or eccn or "(no category)",
            regime_of(usml, eccn),
            calibre or "",
            quantity,
            value or Decimal(0),
        )

    holders: dict[str, _Holder] = {}

    def holder_of(unit_id: int | None, written: str) -> _Holder | None:
        unit = units.get(unit_id) if unit_id is not None else None
        if not unit_selected(unit, params, scope):
            return None
        key = f"unit:{unit.key}" if unit else f"written:{written}"
        found = holders.get(key)
        if found is None:
            label = unit.name if unit else f"{written} (not identified as a unit)"
            found = holders[key] = _Holder(label, unit)
        return found

    def line_of(holder: _Holder, item: _Item) -> _Line:
        return holder.lines.setdefault((item.make, item.model, item.category, item.calibre), _Line())

    for item in items.values():
        agency_number = licences[item.licence_id]
        if not params.in_period(agency_number[3]) and (params.start or params.end):
            continue
        user = users.get(item.licence_id)
        holder = holder_of(user.unit_id if user else None, user.name if user else "(no end user named)")
        if holder is None:
            continue
        ref = refs[item.licence_id]
        holder.licences.add(ref)
        holder.licensed += item.quantity
        holder.licensed_value += item.value
        entry = line_of(holder, item)
        entry.licensed += item.quantity
        entry.licences.add(ref)

    by_year: dict[str, dict[Regime, int]] = defaultdict(lambda: defaultdict(int))
    by_make: dict[str, int] = defaultdict(int)
    by_category: dict[str, int] = defaultdict(int)
    by_state: dict[str, int] = defaultdict(int)
    shipment_holder: dict[int, _Holder] = {}
    shipments_q = (
        select(
            ShipmentRow.id,
            ShipmentRow.key,
            ShipmentRow.licence_id,
            ShipmentRow.shipment_date,
            ShipmentRow.consignee_unit_id,
            ShipmentLineRow.item_id,
            ShipmentLineRow.quantity,
            ShipmentLineRow.value,
        )
        .join(ShipmentLineRow, ShipmentLineRow.shipment_id == ShipmentRow.id)
        .where(ShipmentRow.licence_id.in_(licences_q), ShipmentRow.status != "rejected")
    )
    if params.start:
        shipments_q = shipments_q.where(ShipmentRow.shipment_date >= params.start)
    if params.end:
        shipments_q = shipments_q.where(ShipmentRow.shipment_date <= params.end)
    shipment_lines = conn.execute(shipments_q).fetchall()
    for ship_id, ship_key, licence_id, day, consignee_unit, item_id, quantity, value in shipment_lines:
        shipped_item = items.get(item_id)
        if shipped_item is None:
            continue
        user = users.get(licence_id)
        unit_id = consignee_unit if consignee_unit is not None else (user.unit_id if user else None)
        holder = holder_of(unit_id, user.name if user else "(no end user named)")
        if holder is None:
            continue
        lic = licences[licence_id]
        ref = Ref("shipment", f"{lic[1]}/{lic[2]}#{ship_key}")
        shipment_holder[ship_id] = holder
        holder.shipments.add(ref)
        holder.shipped += quantity
        holder.shipped_value += value or Decimal(0)
        entry = line_of(holder, shipped_item)
        entry.shipped += quantity
        entry.shipments.add(ref)
        by_year[str(day.year)][shipped_item.regime] += quantity
        by_make[shipped_item.make] += quantity
        by_category[shipped_item.category] += quantity
        by_state[(holder.unit.state if holder.unit else None) or "(state unknown)"] += quantity

    if shipment_holder:
        # One row per shipment line, its serials joined by the database: a book's millions of serials
        # cross into Python as strings to split, not as one row each.
        joined = _joined(session, SerialRow.serial)
        serial_q = (
            select(SerialRow.shipment_id, SerialRow.item_id, func.count(), joined)
            .join(ShipmentRow, ShipmentRow.id == SerialRow.shipment_id)
            .where(ShipmentRow.licence_id.in_(licences_q), ShipmentRow.status != "rejected")
            .group_by(SerialRow.shipment_id, SerialRow.item_id)
        )
        # Streamed: the option goes on the statement, never on the session's connection, which keeps it.
        for ship_id, item_id, count, serials in conn.execute(serial_q.execution_options(yield_per=5_000)):
            serial_holder = shipment_holder.get(ship_id)
            serial_item = items.get(item_id)
            if serial_holder is None or serial_item is None:
                continue
            parts = serials.split(_SEP)
            if len(parts) != count:  # a serial holding the separator itself: read that line's one by one
                parts = list(
                    session.execute(
                        select(SerialRow.serial).where(
                            SerialRow.shipment_id == ship_id, SerialRow.item_id == item_id
                        )
                    ).scalars()
                )
            serial_holder.serials += count
            line_of(serial_holder, serial_item).serials.extend(parts)

    return _report(session, params, holders, by_year, by_make, by_category, by_state)


#: Joins a shipment line's serials: the unit separator, which no real serial number holds (one that did
#: would split into too many parts, and its line is then read serial by serial).
_SEP = "\x1f"


def _joined(session: Session, column: Any) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return func.string_agg(column, literal_column("E'\\x1f'"))
    return func.group_concat(column, literal_column("char(31)"))


def _report(
    session: Session,
    params: Parameters,
    holders: dict[str, _Holder],
    by_year: dict[str, dict[Regime, int]],
    by_make: dict[str, int],
    by_category: dict[str, int],
    by_state: dict[str, int],
) -> Report:
    ordered_holders = sorted(holders.values(), key=lambda h: (-h.shipped, -h.licensed, h.label))
    unit_rows = []
    item_rows = []
    for h in ordered_holders:
        unit_refs = [h.unit.ref] if h.unit else []
        name = cell(h.label, unit_refs)
        # Each set of records is put in order once and shared by the cells it stands behind.
        licence_refs, shipment_refs = cell(0, h.licences).refs, cell(0, h.shipments).refs
        unit_rows.append(
            (
                name,
                cell(h.unit.state if h.unit else None),
                cell(h.unit.kind.replace("_", " ") if h.unit else "not identified"),
                Cell(len(h.licences), licence_refs),
                Cell(h.licensed, licence_refs),
                Cell(h.licensed_value, licence_refs),
                Cell(len(h.shipments), shipment_refs),
                Cell(h.shipped, shipment_refs),
                Cell(h.shipped_value, shipment_refs),
                Cell(h.serials, shipment_refs),
            )
        )
        for (make, model, category, calibre), line in sorted(h.lines.items()):
            item_rows.append(
                (
                    name,
                    Cell(make),
                    Cell(model),
                    Cell(category),
                    Cell(calibre or None),
                    cell(line.licensed, line.licences),
                    line_shipments := cell(line.shipped, line.shipments),
                    Cell(len(line.serials), line_shipments.refs),
                    Cell("; ".join(compress_serials(line.serials)) or None),
                )
            )
    total_licences = set().union(*(h.licences for h in holders.values())) if holders else set()
    identified = [h for h in holders.values() if h.unit is not None]
    facts = (
        Fact("End users (units, and names not identified as units)", Cell(len(holders))),
        Fact("Of which identified as units of the registry", Cell(len(identified))),
        Fact("Licences", cell(len(total_licences))),
        Fact("Items licensed", Cell(sum(h.licensed for h in holders.values()))),
        Fact("Items shipped", Cell(sum(h.shipped for h in holders.values()))),
        Fact(
            "Value shipped",
            Cell(sum((h.shipped_value for h in holders.values()), Decimal(0))),
            ColumnKind.MONEY,
        ),
        Fact("Serial numbers recorded", Cell(sum(h.serials for h in holders.values()))),
    )
    years = sorted(by_year)
    regimes = [r for r in Regime if any(by_year[y].get(r) for y in years)]
    figures = []
    year_chart = Bars(
        "Items shipped by year and control regime",
        tuple(years),
        tuple(Series(r.value, tuple(float(by_year[y].get(r, 0)) for y in years)) for r in regimes),
    )
    figures.append(Figure("flows-year", year_chart.title, year_chart, describe_bars(year_chart)))
    for key, title, counts in (
        ("flows-state", "Items shipped by state of the receiving unit", by_state),
        ("flows-manufacturer", "Items shipped by manufacturer", by_make),
        ("flows-category", "Items shipped by USML category or ECCN", by_category),
    ):
        top = ordered(counts, limit=15)
        chart = Bars(
            title,
            tuple(k for k, _ in top),
            (Series("items", tuple(float(v) for _, v in top)),),
            horizontal=True,
        )
        suffix = f" (the {len(top)} largest of {len(counts)})" if len(counts) > len(top) else ""
        figures.append(Figure(key, title + suffix, chart, describe_bars(chart)))
    unit_table = Table(
        "units",
        "End users",
        (
            Column("unit", "Unit or end user as written"),
            Column("state", "State"),
            Column("kind", "Kind"),
            Column("licences", "Licences", C.COUNT),
            Column("licensed_items", "Items licensed", C.COUNT),
            Column("licensed_value", "Value licensed", C.MONEY),
            Column("shipments", "Shipments", C.COUNT),
            Column("shipped_items", "Items shipped", C.COUNT),
            Column("shipped_value", "Value shipped", C.MONEY),
            Column("serials", "Serials recorded", C.COUNT),
        ),
        tuple(unit_rows),
        note="A shipment counts for the unit its consignee names, else for its licence's end user",
        display_limit=500,
    )
    item_table = Table(
        "items",
        "Items by unit, make, model and category, with serial numbers",
        (
            Column("unit", "Unit or end user as written"),
            Column("make", "Make"),
            Column("model", "Model"),
            Column("category", "USML category or ECCN"),
            Column("calibre", "Calibre"),
            Column("licensed", "Licensed", C.COUNT),
            Column("shipped", "Shipped", C.COUNT),
            Column("serials", "Serials recorded", C.COUNT),
            Column("serial_numbers", "Serial numbers (runs first…last)"),
        ),
        tuple(item_rows),
        note="Serial numbers are written as runs: A001…A150 stands for every number from A001 to A150",
        display_limit=1500,
    )
    scope = []
    if params.unit:
        scope.append(f"Rolled up under unit {params.unit} (every unit ever below it in the hierarchy).")
    if params.state:
        scope.append(f"Units of the state {params.state}; names not identified as units are left out.")
    if params.start or params.end:
        scope.append("Licences issued and shipments made in the period.")
    if params.category:
        scope.append(f"Items of category {params.category}.")
    return Report(
        name=NAME,
        title=TITLE,
        question=QUESTION,
        parameters=params,
        as_of=data_as_of(session),
        sections=(
            Section("summary", "Summary", tuple(scope), facts, tuple(figures)),
            Section("units", "End users", tables=(unit_table,)),
            Section("items", "Items and serial numbers", tables=(item_table,)),
        ),
        sources=(
            Source("licence", "Licence book", "licences, their end-user parties and items"),
            Source("resolution", "Licence review", "which unit each end-user party and consignee names"),
            Source("shipment", "Shipment notices", "shipments, their lines and serial numbers"),
            Source("unit", "Unit registry", "units, their states and hierarchy"),
        ),
        notes=("Records marked synthetic in the data are synthetic; the report counts them as recorded.",),
        main_table="items",
    )
