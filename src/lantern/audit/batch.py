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

from sqlalchemy import LargeBinary, bindparam, select, text, update
from sqlalchemy.orm import Session

from lantern.audit.chain import AuditRecord, canonical, link_hash
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
        postgresql = self.session.get_bind().dialect.name == "postgresql"
        if self._head is None and len(self._pending) == 1 and postgresql:
            self._append_one(self._pending.pop())
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
        self._writer(self.session, AuditRow.__table__, rows)
        self.session.execute(update(AuditHeadRow).where(AuditHeadRow.id == 1).values(seq=seq, hash=prev))
        self._head = (seq, prev)
        self.written += len(rows)
        self._pending.clear()

    def _append_one(self, change: _Pending) -> None:
        """Chain one record in one statement (PostgreSQL): lock the head, hash, write, move the head.

        The record's canonical bytes are made here with the sequence number last (keys are sorted, and
        "seq" sorts last); the database appends the number it finds at the head, so no time passes in this
        process while the head is locked, and the hash is the one `link_hash` gives (checked by
        `verify_chain`)."""
        record = AuditRecord(
            seq=0,
            at=self.at,
            actor=self.actor,
            action=change.action,
            entity_type=change.entity_type,
            entity_key=change.entity_key,
            before=change.before,
            after=change.after,
        )
        body = canonical(record)
        assert body.endswith(_LAST_KEY), "the canonical form no longer ends with the sequence number"
        seq, digest = (
            self.session.connection()
            .execute(
                _APPEND,
                {
                    "prefix": body[: -len(_LAST_KEY)] + b'"seq":',
                    "at": self.at,
                    "actor": self.actor,
                    "action": change.action,
                    "entity_type": change.entity_type,
                    "entity_key": change.entity_key,
                    "before": change.before,
                    "after": change.after,
                },
            )
            .one()
        )
        self._head = (seq, digest)
        self.written += 1


_LAST_KEY = b'"seq":0}'
_COLUMNS = AuditRow.__table__.c
_APPEND = text(
    """
    WITH head AS (SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE),
    linked AS (
        SELECT head.seq + 1 AS seq, head.hash AS prev,
               encode(sha256(convert_to(head.hash, 'UTF8') || CAST(:prefix AS BYTEA)
                             || convert_to((head.seq + 1)::text || '}', 'UTF8')), 'hex') AS hash
        FROM head
    ),
    moved AS (UPDATE audit_head SET seq = linked.seq, hash = linked.hash FROM linked WHERE audit_head.id = 1)
    INSERT INTO audit_log (seq, at, actor, action, entity_type, entity_key, before, after, prev_hash, hash)
    SELECT linked.seq, CAST(:at AS TIMESTAMPTZ), CAST(:actor AS TEXT), CAST(:action AS TEXT),
           CAST(:entity_type AS TEXT), CAST(:entity_key AS TEXT), CAST(:before AS JSONB),
           CAST(:after AS JSONB), linked.prev, linked.hash
    FROM linked
    RETURNING seq, hash
    """
).bindparams(
    bindparam("prefix", type_=LargeBinary()),
    bindparam("at", type_=_COLUMNS.at.type),
    bindparam("before", type_=_COLUMNS.before.type),
    bindparam("after", type_=_COLUMNS.after.type),
)
