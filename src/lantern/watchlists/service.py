"""Reading watch lists and their entries."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lantern.db.tables.watchlists import ListEntryRow, WatchListRow
from lantern.errors import NotFound


def list_watch_lists(session: Session) -> list[tuple[WatchListRow, int]]:
    counts = (
        select(ListEntryRow.watch_list_id, func.count().label("n"))
        .group_by(ListEntryRow.watch_list_id)
        .subquery()
    )
    rows = session.execute(
        select(WatchListRow, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.watch_list_id == WatchListRow.id)
        .order_by(WatchListRow.key)
    ).all()
    return [(row, int(n)) for row, n in rows]


def find_watch_list(session: Session, key: str) -> WatchListRow:
    row = session.execute(select(WatchListRow).where(WatchListRow.key == key)).scalar_one_or_none()
    if row is None:
        raise NotFound(f"No watch list {key!r}.")
    return row


def list_entries(
    session: Session, list_key: str, *, text: str | None = None, limit: int = 200
) -> list[ListEntryRow]:
    watch_list = find_watch_list(session, list_key)
    query = (
        select(ListEntryRow).where(ListEntryRow.watch_list_id == watch_list.id).order_by(ListEntryRow.name)
    )
    if text:
        query = query.where(func.lower(ListEntryRow.name).like(f"%{text.casefold()}%"))
    return list(session.execute(query.limit(limit)).scalars())
