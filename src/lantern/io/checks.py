"""Rules inside one record that field types cannot express (dates in order, unique lines...). Pure.

Each check returns (where, message) pairs; the reader turns them into `file:line: field: message` problems.
Rules that need other records (unknown references, duplicates, parent cycles) live with the importer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import ValidationError

from lantern.core.dates import DateRange, PartialDate, PartialDateError
from lantern.io.problems import Loc, Row, problems_from
from lantern.io.records import (
    AllegationRecord,
    LicenceRecord,
    ListEntryRecord,
    Record,
    ShipmentRecord,
    UnitRecord,
)
from lantern.monitoring.rules import serial_key

Issue = tuple[Loc, str]
T = TypeVar("T", bound=Hashable)


def _range(start: str | None, end: str | None, loc: Loc) -> list[Issue]:
    try:
        DateRange(PartialDate.parse(start) if start else None, PartialDate.parse(end) if end else None)
    except PartialDateError as exc:
        return [(loc, str(exc))]
    return []


def _repeats(values: Iterable[T], loc: Callable[[int], Loc], what: Callable[[T], str]) -> list[Issue]:
    seen: set[T] = set()
    reported: set[T] = set()
    issues = []
    for index, value in enumerate(values):
        if value not in seen:
            seen.add(value)
        elif value not in reported:
            reported.add(value)
            issues.append((loc(index), f"{what(value)} appears more than once"))
    return issues


def check_unit(unit: UnitRecord) -> list[Issue]:
    issues: list[Issue] = []
    for index, parent in enumerate(unit.parents):
        if parent.unit == unit.id:
            issues.append((("parents", index, "unit"), "a unit cannot be its own parent"))
        issues += _range(parent.start, parent.end, ("parents", index, "end"))
    issues += _repeats(unit.sources, lambda i: ("sources", i), lambda s: f"source {s!r}")
    return issues


def check_allegation(allegation: AllegationRecord) -> list[Issue]:
    issues = _range(allegation.start, allegation.end, ("end",))
    issues += _repeats(allegation.units, lambda i: ("units", i), lambda u: f"unit {u!r}")
    return issues


def check_list_entry(entry: ListEntryRecord) -> list[Issue]:
    return _range(entry.listed, entry.delisted, ("delisted",))


def check_licence(licence: LicenceRecord) -> list[Issue]:
    issues: list[Issue] = []
    if licence.issue_date and licence.expiry_date and licence.expiry_date < licence.issue_date:
        issues.append((("expiry_date",), f"expires ({licence.expiry_date}) before it was issued"))
    if len(licence.items) > 1:
        issues += _repeats(
            (item.line for item in licence.items), lambda i: ("items", i, "line"), lambda n: f"item line {n}"
        )
    for index, item in enumerate(licence.items):
        if item.unit_value is not None and item.total_value is not None:
            expected = item.unit_value * item.quantity
            if expected != item.total_value:
                issues.append(
                    (
                        ("items", index, "total_value"),
                        f"is not quantity × unit_value ({item.quantity} × {item.unit_value} = {expected})",
                    )
                )
    for index in range(1, len(licence.status_history)):
        if licence.status_history[index].at < licence.status_history[index - 1].at:
            issues.append(
                (("status_history", index, "at"), "is earlier than the status before it; list them in order")
            )
    return issues


def check_shipment(shipment: ShipmentRecord) -> list[Issue]:
    issues = _repeats(
        (line.item for line in shipment.lines), lambda i: ("lines", i, "item"), lambda n: f"item {n}"
    )
    shipped = {line.item: line.quantity for line in shipment.lines}
    counts: Counter[int] = Counter()
    for index, serial in enumerate(shipment.serials):
        if serial.item not in shipped:
            issues.append(
                (("serials", index, "item"), f"item {serial.item} is not among the shipment's lines")
            )
            continue
        counts[serial.item] += 1
        if counts[serial.item] == shipped[serial.item] + 1:
            issues.append(
                (
                    ("serials", index, "item"),
                    f"more serials for item {serial.item} than its shipped quantity ({shipped[serial.item]})",
                )
            )
    issues += _repeats(
        (serial_key(s.make, s.serial) for s in shipment.serials),
        lambda i: ("serials", i, "serial"),
        lambda k: f"serial {k.serial} ({k.make})",
    )
    values = [line.value for line in shipment.lines]
    if shipment.value is not None and values and all(v is not None for v in values):
        total = sum((v for v in values if v is not None), Decimal("0"))
        if total != shipment.value:
            issues.append((("value",), f"is not the sum of the line values ({total})"))
    return issues


def check_record(record: Record) -> list[Issue]:
    if isinstance(record, UnitRecord):
        return check_unit(record)
    if isinstance(record, AllegationRecord):
        return check_allegation(record)
    if isinstance(record, ListEntryRecord):
        return check_list_entry(record)
    if isinstance(record, LicenceRecord):
        return check_licence(record)
    if isinstance(record, ShipmentRecord):
        return check_shipment(record)
    return []


def validate_into(row: Row, record_type: type[Record], data: Any) -> Row:
    """Validate `data` as a record of `record_type` into `row`: the record, or the problems found."""
    try:
        row.record = record_type.model_validate(data)
    except ValidationError as exc:
        problems_from(exc, row, record_type.record_kind.value)
    else:
        for loc, message in check_record(row.record):
            row.add(loc, message)
    return row
