"""Hash chaining of audit records. Pure.

Each record's hash covers its content and the previous record's hash, so editing, inserting or deleting
any record in the middle of the log breaks every hash after it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class AuditRecord:
    seq: int
    at: datetime
    actor: str
    action: str
    entity_type: str
    entity_key: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def canonical(record: AuditRecord) -> bytes:
    """The bytes the hash covers: sorted keys, UTC timestamp in microseconds, no whitespace."""
    payload = {
        "seq": record.seq,
        "at": record.at.isoformat(timespec="microseconds"),
        "actor": record.actor,
        "action": record.action,
        "entity_type": record.entity_type,
        "entity_key": record.entity_key,
        "before": record.before,
        "after": record.after,
    }
    return orjson.dumps(payload, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)


def link_hash(prev_hash: str, record: AuditRecord) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical(record)).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainBreak:
    seq: int
    reason: str


def verify(rows: Iterable[tuple[AuditRecord, str, str]]) -> list[ChainBreak]:
    """Check (record, prev_hash, hash) triples in sequence order; return every break found."""
    breaks: list[ChainBreak] = []
    expected_prev = GENESIS
    expected_seq = 1
    for record, prev_hash, stored in rows:
        if record.seq != expected_seq:
            breaks.append(ChainBreak(record.seq, f"expected record {expected_seq}, found {record.seq}"))
        if prev_hash != expected_prev:
            breaks.append(ChainBreak(record.seq, "does not follow the previous record's hash"))
        if link_hash(prev_hash, record) != stored:
            breaks.append(ChainBreak(record.seq, "content does not match its hash (edited)"))
        expected_prev = stored
        expected_seq = record.seq + 1
    return breaks
