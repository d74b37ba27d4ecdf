"""Appending to and verifying the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lantern.audit.chain import AuditRecord, ChainBreak, link_hash, verify
from lantern.db.tables.audit import AuditHeadRow, AuditRow


def record_change(
    session: Session,
    *,
    actor: str,
    action: str,
    entity_type: str,
    entity_key: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditRow:
    """Append one record to the chain inside the caller's transaction.

    The head row is locked (FOR UPDATE on PostgreSQL; SQLite holds its write lock already), so concurrent
    writers append one after another and the chain never forks. Call this last in a transaction to keep
    the lock short.
    """
    head = session.execute(select(AuditHeadRow).where(AuditHeadRow.id == 1).with_for_update()).scalar_one()
    record = AuditRecord(
        seq=head.seq + 1,
        at=(at or datetime.now(UTC)).astimezone(UTC),
        actor=actor,
        action=action,
        entity_type=entity_type,
        entity_key=entity_key,
        before=before,
        after=after,
    )
    digest = link_hash(head.hash, record)
    row = AuditRow(
        seq=record.seq,
        at=record.at,
        actor=actor,
        action=action,
        entity_type=entity_type,
        entity_key=entity_key,
        before=before,
        after=after,
        prev_hash=head.hash,
        hash=digest,
    )
    session.add(row)
    session.execute(update(AuditHeadRow).where(AuditHeadRow.id == 1).values(seq=record.seq, hash=digest))
    return row


def _as_record(row: AuditRow) -> AuditRecord:
    at = row.at if row.at.tzinfo else row.at.replace(tzinfo=UTC)  # SQLite drops the zone
    return AuditRecord(
        seq=row.seq,
        at=at.astimezone(UTC),
        actor=row.actor,
        action=row.action,
        entity_type=row.entity_type,
        entity_key=row.entity_key,
        before=row.before,
        after=row.after,
    )


@dataclass(frozen=True, slots=True)
class VerifyResult:
    records: int
    breaks: list[ChainBreak]
    head_matches: bool

    @property
    def ok(self) -> bool:
        return not self.breaks and self.head_matches


def verify_chain(session: Session, batch: int = 5000) -> VerifyResult:
    def rows() -> Iterator[tuple[AuditRecord, str, str]]:
        last = 0
        while True:
            chunk = (
                session.execute(
                    select(AuditRow).where(AuditRow.seq > last).order_by(AuditRow.seq).limit(batch)
                )
                .scalars()
                .all()
            )
            if not chunk:
                return
            for row in chunk:
                yield _as_record(row), row.prev_hash, row.hash
            last = chunk[-1].seq
            session.expunge_all()

    count = 0
    last_hash = None
    last_seq = 0

    def counted() -> Iterator[tuple[AuditRecord, str, str]]:
        nonlocal count, last_hash, last_seq
        for record, prev, digest in rows():
            count += 1
            last_hash, last_seq = digest, record.seq
            yield record, prev, digest

    breaks = verify(counted())
    head = session.execute(select(AuditHeadRow).where(AuditHeadRow.id == 1)).scalar_one()
    head_matches = head.seq == last_seq and (last_hash is None or head.hash == last_hash)
    if not head_matches:
        breaks.append(ChainBreak(head.seq, "the head does not match the last record (records removed)"))
    return VerifyResult(count, breaks, head_matches)


def recent(session: Session, *, limit: int = 50, before_seq: int | None = None) -> list[AuditRow]:
    query = select(AuditRow).order_by(AuditRow.seq.desc()).limit(limit)
    if before_seq is not None:
        query = query.where(AuditRow.seq < before_seq)
    return list(session.execute(query).scalars())
