"""Reading stored records back in the contract's form: for export, and for the `before` of audited updates.

Every loader returns contract data validated through the record model, so what export writes is exactly
what import reads.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from lantern.db.tables.licences import ExclusionRow, ItemRow, LicenceRow, LicenceStatusRow, PartyRow
from lantern.db.tables.registry import (
    AllegationPersonRow,
    AllegationRow,
    AllegationStatusRow,
    AllegationUnitRow,
    AllegationViolationRow,
    CitationRow,
    SourceRow,
    UnitAliasRow,
    UnitParentRow,
    UnitRow,
    UnitSourceRow,
)
from lantern.db.tables.shipments import CustodyEventRow, SerialRow, ShipmentLineRow, ShipmentRow
from lantern.db.tables.watchlists import ListEntryRow, WatchListRow
from lantern.io.bulk import table
from lantern.io.records import RECORD_TYPES, Record, RecordKind

Data = dict[str, Any]

MAIN_TABLES: dict[RecordKind, Table] = {
    RecordKind.SOURCES: table(SourceRow),
    RecordKind.UNITS: table(UnitRow),
    RecordKind.LISTS: table(WatchListRow),
    RecordKind.LIST_ENTRIES: table(ListEntryRow),
    RecordKind.LICENCES: table(LicenceRow),
    RecordKind.ALLEGATIONS: table(AllegationRow),
    RecordKind.SHIPMENTS: table(ShipmentRow),
    RecordKind.CUSTODY: table(CustodyEventRow),
}


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _money(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def _children(
    session: Session, table: Table, parent_column: str, ids: Sequence[int], order: str = "position"
) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    if not ids:
        return grouped
    query = select(table).where(table.c[parent_column].in_(ids)).order_by(table.c[order], table.c.id)
    for row in session.execute(query).mappings():
        grouped[row[parent_column]].append(row)
    return grouped


def _keys(session: Session, table: Table, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(table.c.id, table.c.key).where(table.c.id.in_(ids))).all())


def _entry_refs(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    query = (
        select(ListEntryRow.id, WatchListRow.key, ListEntryRow.key)
        .join(WatchListRow, WatchListRow.id == ListEntryRow.watch_list_id)
        .where(ListEntryRow.id.in_(ids))
    )
    return {row_id: f"{list_key}/{entry_key}" for row_id, list_key, entry_key in session.execute(query)}


def _load_sources(session: Session, rows: Sequence[Any]) -> list[Data]:
    return [
        {
            "id": r.key,
            "title": r.title,
            "publisher": r.publisher,
            "date": r.published,
            "url": r.url,
            "document_ref": r.document_ref,
            "notes": r.notes,
        }
        for r in rows
    ]


def _load_units(session: Session, rows: Sequence[Any]) -> list[Data]:
    ids = [r.id for r in rows]
    aliases = _children(session, table(UnitAliasRow), "unit_id", ids)
    parents = _children(session, table(UnitParentRow), "unit_id", ids)
    sources = _children(session, table(UnitSourceRow), "unit_id", ids)
    unit_keys = _keys(session, table(UnitRow), {p.parent_id for ps in parents.values() for p in ps})
    source_ids = {p.source_id for ps in parents.values() for p in ps if p.source_id}
    source_ids |= {s.source_id for ss in sources.values() for s in ss}
    source_keys = _keys(session, table(SourceRow), source_ids)
    return [
        {
            "id": r.key,
            "name": r.name,
            "kind": r.kind,
            "level": r.level,
            "country": r.country,
            "state": r.state,
            "municipality": r.municipality,
            "aliases": [{"name": a.name, "kind": a.kind} for a in aliases[r.id]],
            "parents": [
                {
                    "unit": unit_keys[p.parent_id],
                    "start": p.start,
                    "end": p.end,
                    "source": source_keys.get(p.source_id) if p.source_id else None,
                }
                for p in parents[r.id]
            ],
            "sources": [source_keys[s.source_id] for s in sources[r.id]],
            "notes": r.notes,
        }
        for r in rows
    ]


def _load_allegations(session: Session, rows: Sequence[Any]) -> list[Data]:
    ids = [r.id for r in rows]
    units = _children(session, table(AllegationUnitRow), "allegation_id", ids)
    persons = _children(session, table(AllegationPersonRow), "allegation_id", ids)
    violations = _children(session, table(AllegationViolationRow), "allegation_id", ids)
    citations = _children(session, table(CitationRow), "allegation_id", ids)
    statuses = _children(session, table(AllegationStatusRow), "allegation_id", ids)
    unit_ids = {u.unit_id for us in units.values() for u in us}
    unit_ids |= {p.unit_id for ps in persons.values() for p in ps if p.unit_id}
    unit_keys = _keys(session, table(UnitRow), unit_ids)
    source_keys = _keys(session, table(SourceRow), {c.source_id for cs in citations.values() for c in cs})
    return [
        {
            "id": r.key,
            "units": [unit_keys[u.unit_id] for u in units[r.id]],
            "persons": [
                {"name": p.name, "role": p.role, "unit": unit_keys.get(p.unit_id) if p.unit_id else None}
                for p in persons[r.id]
            ],
            "violations": [v.violation for v in violations[r.id]],
            "start": r.incident_start,
            "end": r.incident_end,
            "place": r.place,
            "state": r.state,
            "municipality": r.municipality,
            "description": r.description,
            "citations": [
                {"source": source_keys[c.source_id], "access_point": c.access_point, "quote": c.quote}
                for c in citations[r.id]
            ],
            "confidence": r.confidence,
            "statuses": [{"status": s.status, "date": s.status_date, "note": s.note} for s in statuses[r.id]],
        }
        for r in rows
    ]


def _load_lists(session: Session, rows: Sequence[Any]) -> list[Data]:
    source_keys = _keys(session, table(SourceRow), {r.source_id for r in rows if r.source_id})
    return [
        {
            "id": r.key,
            "name": r.name,
            "source": source_keys.get(r.source_id) if r.source_id else None,
            "date": r.list_date,
            "synthetic": r.synthetic,
        }
        for r in rows
    ]


def _load_list_entries(session: Session, rows: Sequence[Any]) -> list[Data]:
    list_keys = _keys(session, table(WatchListRow), {r.watch_list_id for r in rows})
    return [
        {
            "list": list_keys[r.watch_list_id],
            "id": r.key,
            "name": r.name,
            "type": r.entry_type,
            "aliases": list(r.aliases or []),
            "countries": list(r.countries or []),
            "programs": list(r.programs or []),
            "listed": r.listed,
            "delisted": r.delisted,
            "identifiers": [{"scheme": s, "value": v} for s, v in r.identifiers or []],
            "remarks": r.remarks,
        }
        for r in rows
    ]


def _load_licences(session: Session, rows: Sequence[Any]) -> list[Data]:
    ids = [r.id for r in rows]
    exclusions = _children(session, table(ExclusionRow), "licence_id", ids)
    statuses = _children(session, table(LicenceStatusRow), "licence_id", ids)
    parties = _children(session, table(PartyRow), "licence_id", ids)
    items = _children(session, table(ItemRow), "licence_id", ids, order="line")
    unit_keys = _keys(
        session, table(UnitRow), {p.unit_id for ps in parties.values() for p in ps if p.unit_id}
    )
    entry_refs = _entry_refs(
        session, {p.list_entry_id for ps in parties.values() for p in ps if p.list_entry_id}
    )
    return [
        {
            "agency": r.agency,
            "number": r.number,
            "kind": r.kind,
            "country": r.destination_country,
            "end_use": r.end_use,
            "issue_date": r.issue_date,
            "expiry_date": r.expiry_date,
            "value": _money(r.total_value),
            "cn_reference": r.cn_reference,
            "provisos": r.proviso_text,
            "consignee_statement": r.consignee_statement,
            "exclusions": [{"kind": e.kind, "value": e.value, "text": e.text} for e in exclusions[r.id]],
            "status_history": [
                {"status": s.status, "at": _utc(s.changed_at), "by": s.actor, "reason": s.reason}
                for s in statuses[r.id]
            ],
            "parties": [
                {
                    "role": p.role,
                    "name": p.name,
                    "country": p.country,
                    "address": p.address,
                    "unit": unit_keys.get(p.unit_id) if p.unit_id else None,
                    "list_entry": entry_refs.get(p.list_entry_id) if p.list_entry_id else None,
                }
                for p in parties[r.id]
            ],
            "items": [
                {
                    "line": i.line,
                    "usml_category": i.usml_category,
                    "eccn": i.eccn,
                    "fire_mode": i.fire_mode,
                    "description": i.description,
                    "manufacturer": i.manufacturer,
                    "model": i.model,
                    "calibre": i.calibre,
                    "quantity": i.quantity,
                    "unit_value": _money(i.unit_value),
                    "total_value": _money(i.total_value),
                }
                for i in items[r.id]
            ],
            "synthetic": r.synthetic,
            "notes": r.notes,
        }
        for r in rows
    ]


def _load_shipments(session: Session, rows: Sequence[Any]) -> list[Data]:
    ids = [r.id for r in rows]
    lines = _children(session, table(ShipmentLineRow), "shipment_id", ids)
    serials = _children(session, table(SerialRow), "shipment_id", ids)
    item_ids = {line.item_id for ls in lines.values() for line in ls}
    item_lines = dict(session.execute(select(ItemRow.id, ItemRow.line).where(ItemRow.id.in_(item_ids))).all())
    licences = {
        row_id: f"{agency}/{number}"
        for row_id, agency, number in session.execute(
            select(LicenceRow.id, LicenceRow.agency, LicenceRow.number).where(
                LicenceRow.id.in_({r.licence_id for r in rows})
            )
        )
    }
    result = []
    for r in rows:
        stored = [
            {
                "serial": s.serial,
                "item": item_lines[s.item_id],
                "make": s.make,
                "model": s.model,
                "calibre": s.calibre,
            }
            for s in serials[r.id]
        ]
        result.append(
            {
                "id": r.key,
                "licence": licences[r.licence_id],
                "date": r.shipment_date,
                "aes_itn": r.aes_itn,
                "consignee": r.consignee,
                "value": _money(r.value),
                "filed_by": r.filed_by,
                "lines": [
                    {"item": item_lines[line.item_id], "quantity": line.quantity, "value": _money(line.value)}
                    for line in lines[r.id]
                ],
                "serials": stored + list(r.rejected_serials or []),
                "status": r.status,
                "status_reason": r.status_reason,
            }
        )
    return result


def _load_custody(session: Session, rows: Sequence[Any]) -> list[Data]:
    unit_keys = _keys(session, table(UnitRow), {r.holder_unit_id for r in rows if r.holder_unit_id})
    source_keys = _keys(session, table(SourceRow), {r.source_id for r in rows if r.source_id})
    return [
        {
            "id": r.key if r.given_key else None,
            "serial": r.serial_written,
            "make": r.make_written,
            "date": r.partial_date,
            "event": r.event,
            "place": r.place,
            "state": r.state,
            "municipality": r.municipality,
            "holder": r.holder,
            "holder_unit": unit_keys.get(r.holder_unit_id) if r.holder_unit_id else None,
            "source": source_keys.get(r.source_id) if r.source_id else None,
            "note": r.note,
        }
        for r in rows
    ]


LOADERS: dict[RecordKind, Callable[[Session, Sequence[Any]], list[Data]]] = {
    RecordKind.SOURCES: _load_sources,
    RecordKind.UNITS: _load_units,
    RecordKind.LISTS: _load_lists,
    RecordKind.LIST_ENTRIES: _load_list_entries,
    RecordKind.LICENCES: _load_licences,
    RecordKind.ALLEGATIONS: _load_allegations,
    RecordKind.SHIPMENTS: _load_shipments,
    RecordKind.CUSTODY: _load_custody,
}


def load_records(session: Session, kind: RecordKind, ids: Sequence[int]) -> dict[int, Record]:
    """Stored records by primary key, as validated records."""
    if not ids:
        return {}
    table = MAIN_TABLES[kind]
    rows = session.execute(select(table).where(table.c.id.in_(ids)).order_by(table.c.id)).all()
    record_type = RECORD_TYPES[kind]
    data = LOADERS[kind](session, rows)
    return {row.id: record_type.model_validate(item) for row, item in zip(rows, data, strict=True)}


def iter_records(session: Session, kind: RecordKind, *, batch: int = 2000) -> Iterator[Record]:
    """Every stored record of a kind, in the order they were stored."""
    table = MAIN_TABLES[kind]
    last = 0
    while True:
        ids = list(
            session.execute(
                select(table.c.id).where(table.c.id > last).order_by(table.c.id).limit(batch)
            ).scalars()
        )
        if not ids:
            return
        records = load_records(session, kind, ids)
        yield from (records[i] for i in ids)
        last = ids[-1]
        session.expunge_all()
