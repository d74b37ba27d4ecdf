"""Bulk writes: many rows per statement, COPY on PostgreSQL, ids handed out before the rows exist.

Row-by-row ORM inserts of a 200,000-licence book take many minutes; these take seconds. Ids are allocated
up front so that child rows (parties, items...) can be written in the same pass as their licence.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from operator import itemgetter
from typing import Any, cast

import orjson
from sqlalchemy import JSON, Boolean, Date, DateTime, Numeric, Table, delete, func, select, text, update
from sqlalchemy.orm import Session


def table(orm_class: type[Any]) -> Table:
    """The Core table behind an ORM class."""
    return cast(Table, orm_class.__table__)


def is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def allocate_ids(session: Session, table: Table, count: int) -> list[int]:
    """`count` fresh primary keys for `table`, reserved inside the caller's write transaction."""
    if count == 0:
        return []
    if is_postgresql(session):
        sequence = session.execute(
            text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table.name}
        ).scalar_one()
        rows = session.execute(
            text("SELECT nextval(CAST(:seq AS regclass)) FROM generate_series(1, :n)"),
            {"seq": sequence, "n": count},
        )
        return [int(r[0]) for r in rows]
    # SQLite: the write transaction (BEGIN IMMEDIATE) holds the database lock, so max(id) cannot move.
    start = int(session.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()) + 1
    return list(range(start, start + count))


def _sqlite_datetime(value: datetime) -> str:
    # The layout SQLAlchemy's SQLite DateTime writes and reads; stored times are UTC.
    if value.tzinfo is not None:
        if value.utcoffset():
            value = value.astimezone(UTC)
        value = value.replace(tzinfo=None)
    return value.isoformat(sep=" ", timespec="microseconds")


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


def _converter(column_type: Any, postgresql: bool) -> Callable[[Any], Any] | None:
    """How one column's non-null values reach the driver without SQLAlchemy's per-row processing."""
    if isinstance(column_type, JSON):
        return _json
    if postgresql:
        return None
    if isinstance(column_type, DateTime):
        return _sqlite_datetime
    if isinstance(column_type, Date):
        return date.isoformat
    if isinstance(column_type, Numeric):
        return str
    if isinstance(column_type, Boolean):
        return int
    return None


def _tuples(
    table: Table, columns: list[str], rows: Sequence[Mapping[str, Any]], postgresql: bool
) -> list[Any]:
    getter = itemgetter(*columns)
    converters = [
        (index, convert)
        for index, name in enumerate(columns)
        if (convert := _converter(table.c[name].type, postgresql)) is not None
    ]
    if len(columns) == 1:
        only = columns[0]
        values = [[row[only]] for row in rows]
    else:
        getter = itemgetter(*columns)  # returns a tuple when given two keys or more
        values = [list(getter(row)) for row in rows]
    if converters:
        for value in values:
            for index, convert in converters:
                cell = value[index]
                if cell is not None:
                    value[index] = convert(cell)
    return values


def insert_rows(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert rows (every row with the same keys): COPY on PostgreSQL, one executemany on SQLite."""
    if not rows:
        return
    columns = list(rows[0])
    postgresql = is_postgresql(session)
    values = _tuples(table, columns, rows, postgresql)
    names = ", ".join(f'"{name}"' for name in columns)
    if not postgresql:
        marks = ", ".join("?" for _ in columns)
        raw = session.connection().connection.driver_connection
        assert raw is not None
        raw.executemany(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', values)
        return
    raw = session.connection().connection.driver_connection
    assert raw is not None
    # psycopg formats each row for COPY in C (write_row); values are Python dates, decimals and strings.
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for value in values:
            copy.write_row(value)


def insert_with_ids(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """Insert rows under fresh ids (`allocate_ids`), by `insert_rows`, and return the ids in the rows'
    order: what an ORM flush gives back, without building an object per row."""
    ids = allocate_ids(session, table, len(rows))
    insert_rows(session, table, [{"id": id_, **row} for id_, row in zip(ids, rows, strict=True)])
    return ids


def sync_children(
    session: Session,
    table: Table,
    parent_column: str,
    parent_id: int,
    rows: Sequence[Mapping[str, Any]],
    match: Sequence[str],
) -> list[int]:
    """Make a parent's child rows equal `rows`, keeping the ids of rows that match on `match`.

    Children keep their ids where they can, so that other tables pointing at them (shipment lines point
    at licence items, custody events at serials) stay valid. Returns the ids removed.
    """
    existing = session.execute(select(table).where(table.c[parent_column] == parent_id)).mappings().all()
    by_key = {tuple(row[name] for name in match): row for row in existing}
    kept: set[tuple[Any, ...]] = set()
    changes: list[tuple[int, dict[str, Any]]] = []
    inserts = []
    for row in rows:
        key = tuple(row[name] for name in match)
        old = by_key.get(key)
        if old is None or key in kept:
            inserts.append({parent_column: parent_id, **row})
            continue
        kept.add(key)
        changed = {name: value for name, value in row.items() if old[name] != value}
        if changed:
            changes.append((old["id"], changed))
    removed = [row["id"] for key, row in by_key.items() if key not in kept]
    if removed:
        session.execute(delete(table).where(table.c.id.in_(removed)))
    for row_id, changed in changes:
        session.execute(update(table).where(table.c.id == row_id).values(**changed))
    insert_rows(session, table, inserts)
    return removed
