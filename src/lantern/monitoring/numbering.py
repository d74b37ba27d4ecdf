"""Numbers for violation cases (CASE-2026-0001) and end-use checks (EUC-2026-0001), given without gaps or
duplicates however many writers open cases or record checks at the same moment.

Each prefix has one counter row (table `key_counter`). A number is taken by
``UPDATE key_counter SET last = last + 1 WHERE prefix = ... RETURNING last``: on PostgreSQL the UPDATE takes
the row's lock (as SELECT ... FOR UPDATE would, in one statement) and, when it had to wait for another
writer, re-reads the row that writer committed, so the second writer gets the next number; the lock is held
until the transaction ends, so a number given by a transaction that rolls back is given again and no gap
appears. On SQLite every writer holds the database's write lock from BEGIN IMMEDIATE (`Database.transaction`),
so counters are read and moved one writer at a time.

Why a counter and not "highest + 1, retried on a unique violation": on PostgreSQL under READ COMMITTED the
retry does work, but only after the first writer commits (the second INSERT waits on the unique index until
then), it must wrap every key insertion in a savepoint, and it breaks under REPEATABLE READ, where the retry
cannot see the committed key and fails forever. On SQLite the race shows up not as a unique violation but as
"database is locked" when a deferred reader upgrades to a writer, which no retry on the unique key catches.
The locked counter is correct on both stores and for any isolation level PostgreSQL offers.

Lock order: before the counter, the audit chain's head row is locked (lantern.audit.service.record_change
locks it too, and every writer that takes a number also records the change). A check recorded with an
unfavourable outcome appends to the audit chain and then opens a case; a case opened by hand takes its number
and then appends. Were the counter taken before the head, those two would each hold the lock the other waits
for (PostgreSQL would end one with a deadlock error); taking the head first makes every writer queue on the
same lock in the same order. It costs no concurrency, since the head serialises these writers anyway.

A prefix without a counter row (the first case of a new year, or a book from before the counters) is filled
from the highest key the table holds; two writers filling it at once insert with ON CONFLICT DO NOTHING, and
both then move the one row. A number whose key exists already (a check recorded under a key its caller chose)
is passed over.
"""

from __future__ import annotations

import re

from sqlalchemy import case, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import InstrumentedAttribute, Session

from lantern.db.tables.audit import AuditHeadRow
from lantern.db.tables.cases import KeyCounterRow

_NUMBERED = re.compile(r"^([A-Z]+-\d{4}-)(\d+)$")


def _lock_audit_head(session: Session) -> None:
    """Queue behind the audit chain's head first (see the lock order above); SQLite has its write lock."""
    session.execute(select(AuditHeadRow.id).where(AuditHeadRow.id == 1).with_for_update())


def _highest(session: Session, column: InstrumentedAttribute[str], prefix: str) -> int:
    keys = session.execute(select(column).where(column.like(f"{prefix}%"))).scalars()
    return max((int(k.removeprefix(prefix)) for k in keys if k.removeprefix(prefix).isdigit()), default=0)


def _ensure_counter(session: Session, column: InstrumentedAttribute[str], prefix: str) -> None:
    """Create the prefix's counter from the highest key in the table, unless a writer has created it."""
    values = {"prefix": prefix, "last": _highest(session, column, prefix)}
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(postgresql.insert(KeyCounterRow).values(values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        session.execute(sqlite.insert(KeyCounterRow).values(values).on_conflict_do_nothing())
    else:  # pragma: no cover - Lantern runs on SQLite and PostgreSQL only
        if session.get(KeyCounterRow, prefix) is None:
            session.execute(insert(KeyCounterRow).values(values))


def next_key(session: Session, column: InstrumentedAttribute[str], prefix: str, *, width: int = 4) -> str:
    """The next free key `prefix` + number for the table of `column`, taken inside the caller's write
    transaction (the counter stays locked until it ends)."""
    bump = (
        update(KeyCounterRow)
        .where(KeyCounterRow.prefix == prefix)
        .values(last=KeyCounterRow.last + 1)
        .returning(KeyCounterRow.last)
        .execution_options(synchronize_session=False)
    )
    _lock_audit_head(session)
    number = session.execute(bump).scalar_one_or_none()
    if number is None:
        _ensure_counter(session, column, prefix)
        number = session.execute(bump).scalar_one()
    while True:
        key = f"{prefix}{number:0{width}d}"
        if session.execute(select(column).where(column == key)).first() is None:
            return key
        number = session.execute(bump).scalar_one()


def claim_key(session: Session, column: InstrumentedAttribute[str], key: str) -> None:
    """Move the counter of a key chosen by the caller past it, so no number given later repeats it."""
    match = _NUMBERED.match(key)
    if match is None:
        return
    prefix, number = match.group(1), int(match.group(2))
    raise_to = (
        update(KeyCounterRow)
        .where(KeyCounterRow.prefix == prefix)
        .values(last=case((KeyCounterRow.last < number, number), else_=KeyCounterRow.last))
        .returning(KeyCounterRow.last)
        .execution_options(synchronize_session=False)
    )
    _lock_audit_head(session)
    if session.execute(raise_to).scalar_one_or_none() is None:
        _ensure_counter(session, column, prefix)
        session.execute(raise_to).scalar_one()
