"""Appending many audit records at once, for bulk imports.

`record_change` locks the chain's head for each record; an import of 200,000 licences would spend most of
its time there. A batch locks the head once, chains its records in memory with the same hash function, and
writes them in one statement. The chain it leaves is the one `record_change` would have left.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from lantern.audit.chain import AuditRecord, link_hash
from lantern.db.tables.audit import AuditHeadRow, AuditRow

#: Writes rows into a table in bulk (lantern.io.bulk.insert_rows, or a plain executemany).
RowWriter = Callable[[Session, Any, Sequence[Mapping[str, Any]]], None]

# The chain's head, locked until the transaction ends: every writer appends after it, one at a time.
_HEAD = select(AuditHeadRow.seq, AuditHeadRow.hash).where(AuditHeadRow.id == 1).with_for_update()


@dataclass
class _Pending:
    action: str
    entity_type: str
    entity_key: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class AuditBatch:
    """Buffers changes made by one actor in one transaction and chains them on `flush`."""

    def __init__(
        self, session: Session, *, actor: str, writer: RowWriter, at: datetime | None = None
    ) -> None:
        self.session = session
        self.actor = actor
        self.at = (at or datetime.now(UTC)).astimezone(UTC)
        self._writer = writer
        self._pending: list[_Pending] = []
        self._head: tuple[int, str] | None = None
        self.written = 0

    def add(
        self,
        *,
        action: str,
        entity_type: str,
        entity_key: str,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        self._pending.append(_Pending(action, entity_type, entity_key, before, after))

    def flush(self) -> None:
        if not self._pending:
            return
        if self._head is None:
            seq, digest = self.session.execute(_HEAD).one()
            self._head = (seq, digest)
        seq, prev = self._head
        rows = []
        for change in self._pending:
            seq += 1
            record = AuditRecord(
                seq=seq,
                at=self.at,
                actor=self.actor,
                action=change.action,
                entity_type=change.entity_type,
                entity_key=change.entity_key,
                before=change.before,
                after=change.after,
            )
            digest = link_hash(prev, record)
            rows.append(
                {
                    "seq": seq,
                    "at": self.at,
                    "actor": self.actor,
                    "action": change.action,
                    "entity_type": change.entity_type,
                    "entity_key": change.entity_key,
                    "before": change.before,
                    "after": change.after,
                    "prev_hash": prev,
                    "hash": digest,
                }
            )
            prev = digest
        move_head = update(AuditHeadRow).where(AuditHeadRow.id == 1).values(seq=seq, hash=prev)
        if len(rows) == 1 and self.session.get_bind().dialect.name == "postgresql":
            # One record (a live write, such as a shipment notice): the record and the head's move in one
            # statement, so the head stays locked one round trip less.
            self.session.connection().execute(insert(AuditRow).add_cte(move_head.cte()), rows[0])
        else:
            self._writer(self.session, AuditRow.__table__, rows)
            self.session.execute(move_head)
        self._head = (seq, prev)
        self.written += len(rows)
        self._pending.clear()
