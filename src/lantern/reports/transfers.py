"""Transfers after implication (questions 2 and 3): items licensed, shipped or transferred in-country to a
unit after it was credibly implicated, with the two dates side by side.

A record counts for a unit when the unit is implicated itself, contains an implicated unit (a state's
secretariat and its state police), or belongs to one (a battalion of an implicated secretariat): the relations
the review's criterion 1 uses, over the hierarchy at any time.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from lantern.charts.timeline import Mark, Span, Timeline, describe
from lantern.db.tables.licences import ItemRow, LicenceRow
from lantern.db.tables.registry import AllegationRow
from lantern.db.tables.shipments import CustodyEventRow, SerialRow, ShipmentLineRow, ShipmentRow
from lantern.reports.data import (
    Implication,
    UnitInfo,
    data_as_of,
    end_users,
    implications,
    licence_key,
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
    Report,
    Section,
    Source,
    Table,
    cell,
)
from lantern.units.hierarchy import ancestors, children_index, descendants
from lantern.units.service import parent_map

NAME = "transfers-after-implication"
TITLE = "Transfers after implication"
QUESTION = (
    "Were firearms licensed, shipped or transferred to police or military units after those units were "
    "credibly implicated in abuses, and when? (questions 2 and 3)"
)
C = ColumnKind
MAX_TIMELINES = 6


@dataclass(frozen=True, slots=True)
class Basis:
    """Why a unit counts as implicated: which implicated unit, by what relation, since when."""

    relation: str  # is, contains, belongs to
    implicated: UnitInfo
    since: date
    allegations: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Event:
    unit: UnitInfo
    basis: Basis
    kind: str  # licence issued, shipment, in-country transfer
    day: date
    ref: Ref
    items: int
    value: Decimal | None


def bases_for(
    units: dict[int, UnitInfo], implicated: dict[int, Implication], session: Session
) -> dict[int, Basis]:
    """Unit id → the earliest implication that reaches it (itself, a unit below it, or a unit above it)."""
    by_key = {u.key: u for u in units.values()}
    links = parent_map(session)
    children = children_index(links)
    out: dict[int, Basis] = {}
    for imp in implicated.values():
        target = units.get(imp.unit_id)
        if target is None:
            continue
        reach = [(target.key, "is")]
        reach += [(k, "contains") for k in ancestors(target.key, links, None)]
        reach += [(k, "belongs to") for k in descendants(target.key, children, None)]
        for key, relation in reach:
            unit = by_key.get(key)
            if unit is None:
                continue
            basis = Basis(relation, target, imp.first_day, imp.allegations)
            current = out.get(unit.id)
            if current is None or (basis.since, relation != "is") < (current.since, current.relation != "is"):
                out[unit.id] = basis
    return out


def build(session: Session, params: Parameters) -> Report:
    units = units_by_id(session)
    scope = rolled_up(session, params.unit)
    bases = bases_for(units, implications(session), session)
    licences_q = licences_in_scope(params, dated=False)
    users = end_users(session, licences_q)
    events: list[Event] = []
    licences = {
        row[0]: row
        for row in session.execute(
            select(LicenceRow.id, LicenceRow.agency, LicenceRow.number, LicenceRow.issue_date).where(
                LicenceRow.id.in_(licences_q)
            )
        )
    }
    quantities: dict[int, tuple[int, Decimal]] = {}
    for licence_id, quantity, value in session.execute(
        select(ItemRow.licence_id, ItemRow.quantity, ItemRow.total_value).where(
            ItemRow.licence_id.in_(licences_q)
        )
    ):
        q, v = quantities.get(licence_id, (0, Decimal(0)))
        quantities[licence_id] = (q + quantity, v + (value or Decimal(0)))

    def selected(unit_id: int | None) -> tuple[UnitInfo, Basis] | None:
        if unit_id is None or unit_id not in bases:
            return None
        unit = units[unit_id]
        return (unit, bases[unit_id]) if unit_selected(unit, params, scope) else None

    for licence_id, user in users.items():
        found = selected(user.unit_id)
        _, agency, number, issued = licences[licence_id]
        if found and issued and issued > found[1].since and params.in_period(issued):
            q, v = quantities.get(licence_id, (0, Decimal(0)))
            events.append(
                Event(found[0], found[1], "licence issued", issued, licence_ref(agency, number), q, v)
            )
    shipments: dict[int, tuple[str, int, date, int | None, int, Decimal]] = {}
    for ship_id, key, licence_id, day, consignee, quantity, value in session.execute(
        select(
            ShipmentRow.id,
            ShipmentRow.key,
            ShipmentRow.licence_id,
            ShipmentRow.shipment_date,
            ShipmentRow.consignee_unit_id,
            ShipmentLineRow.quantity,
            ShipmentLineRow.value,
        )
        .join(ShipmentLineRow, ShipmentLineRow.shipment_id == ShipmentRow.id)
        .where(ShipmentRow.licence_id.in_(licences_q), ShipmentRow.status != "rejected")
    ):
        prior = shipments.get(ship_id)
        q, v = (prior[4], prior[5]) if prior else (0, Decimal(0))
        shipments[ship_id] = (key, licence_id, day, consignee, q + quantity, v + (value or Decimal(0)))
    for key, licence_id, day, consignee, quantity, value in shipments.values():
        owner = users.get(licence_id)
        found = selected(consignee if consignee is not None else (owner.unit_id if owner else None))
        if found and day > found[1].since and params.in_period(day):
            _, agency, number, _issued = licences[licence_id]
            ref = Ref("shipment", f"{licence_key(agency, number)}#{key}")
            events.append(Event(found[0], found[1], "shipment", day, ref, quantity, value))
    transfers: dict[tuple[int | None, date, str], list[str]] = defaultdict(list)
    for holder, day, agency, number, serial in session.execute(
        select(
            CustodyEventRow.holder_unit_id,
            CustodyEventRow.event_date,
            LicenceRow.agency,
            LicenceRow.number,
            SerialRow.serial,
        )
        .join(SerialRow, SerialRow.id == CustodyEventRow.serial_id)
        .join(LicenceRow, LicenceRow.id == SerialRow.licence_id)
        .where(
            CustodyEventRow.event == "transfer",
            CustodyEventRow.holder_unit_id.is_not(None),
            LicenceRow.destination_country == params.country.upper(),
        )
    ):
        transfers[(holder, day, licence_key(agency, number))].append(serial)
    for (holder, day, lkey), serials in sorted(transfers.items(), key=lambda kv: (kv[0][0] or 0, *kv[0][1:])):
        found = selected(holder)
        if found and day > found[1].since and params.in_period(day):
            events.append(
                Event(
                    found[0], found[1], "in-country transfer", day, Ref("licence", lkey), len(serials), None
                )
            )
    events.sort(key=lambda e: (e.unit.name, e.day, e.kind, e.ref.key))
    return _report(session, params, events)


def _report(session: Session, params: Parameters, events: list[Event]) -> Report:
    rows = []
    for e in events:
        allegation_refs = [Ref("allegation", k) for k in e.basis.allegations]
        rows.append(
            (
                cell(e.unit.name, [e.unit.ref]),
                Cell(e.unit.state),
                Cell(e.basis.relation),
                cell(e.basis.implicated.name, [e.basis.implicated.ref]),
                cell(e.basis.since, allegation_refs),
                cell("; ".join(e.basis.allegations), allegation_refs),
                Cell(e.kind),
                cell(e.day, [e.ref]),
                Cell((e.day - e.basis.since).days),
                cell(e.ref.key, [e.ref]),
                cell(e.items, [e.ref]),
                cell(e.value, [e.ref]),
            )
        )
    table = Table(
        "after-implication",
        "Licences, shipments and transfers dated after the unit was implicated",
        (
            Column("unit", "Unit"),
            Column("state", "State"),
            Column("relation", "Relation"),
            Column("implicated_unit", "Implicated unit"),
            Column("implicated_since", "Implicated since", C.DATE),
            Column("allegations", "Allegations"),
            Column("kind", "What"),
            Column("date", "Date", C.DATE),
            Column("days_after", "Days after", C.COUNT),
            Column("record", "Record"),
            Column("items", "Items", C.COUNT),
            Column("value", "Value", C.MONEY),
        ),
        tuple(rows),
        note="In-country transfers count the serials a custody record shows reaching the unit",
    )
    by_unit: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        by_unit[e.unit.key].append(e)
    ranked = sorted(by_unit.values(), key=lambda es: (-sum(e.items for e in es), es[0].unit.name))
    figures = []
    spans = _allegation_spans(session, {k for es in ranked[:MAX_TIMELINES] for k in es[0].basis.allegations})
    for group in ranked[:MAX_TIMELINES]:
        first = group[0]
        timeline = Timeline(
            first.unit.name,
            tuple(
                Span(key, *spans[key], first.basis.since) for key in first.basis.allegations if key in spans
            ),
            tuple(Mark(e.ref.key, e.day) for e in group if e.kind == "licence issued"),
            tuple(Mark(e.ref.key, e.day) for e in group if e.kind != "licence issued"),
        )
        figures.append(
            Figure(
                f"timeline-{first.unit.key}",
                f"{first.unit.name}: after implication",
                timeline,
                describe(timeline),
            )
        )
    kinds = ("licence issued", "shipment", "in-country transfer")
    facts = [Fact("Units that received items after they were implicated", Cell(len(by_unit)))]
    plural = {
        "licence issued": "Licences issued",
        "shipment": "Shipments",
        "in-country transfer": "In-country transfers",
    }
    for kind in kinds:
        chosen = [e for e in events if e.kind == kind]
        refs = [e.ref for e in chosen]
        facts.append(Fact(f"{plural[kind]} after implication", cell(len(chosen), refs)))
        facts.append(
            Fact(
                f"Items in {plural[kind].lower()} after implication", cell(sum(e.items for e in chosen), refs)
            )
        )
    text = (
        "Only licences, shipments and transfers dated after the first day an allegation reached the credible "
        "status are listed; licences issued before that day and still open are in the licence review.",
        "The timelines show the units with the most items received after implication: allegations as bars, "
        "the day they were held credible as a dashed line, licences and shipments as marks, red when late.",
    )
    return Report(
        name=NAME,
        title=TITLE,
        question=QUESTION,
        parameters=params,
        as_of=data_as_of(session),
        sections=(
            Section("summary", "Summary", text, tuple(facts), tuple(figures)),
            Section("records", "Records after implication", tables=(table,)),
        ),
        sources=(
            Source("allegation", "Allegations and their statuses", "when each was first held credible"),
            Source("unit", "Unit registry", "the hierarchy that links end users to implicated units"),
            Source("licence", "Licence book"),
            Source("shipment", "Shipment notices"),
            Source("custody", "Custody events", "in-country transfers of shipped serials"),
        ),
        main_table="after-implication",
    )


def _allegation_spans(session: Session, keys: set[str]) -> dict[str, tuple[date, date]]:
    if not keys:
        return {}
    rows = session.execute(
        select(AllegationRow.key, AllegationRow.incident_start_date, AllegationRow.incident_end_date).where(
            AllegationRow.key.in_(sorted(keys))
        )
    )
    return {key: (start, end or start) for key, start, end in rows if start is not None}
