"""The audit log, newest first, with the state of its hash chain."""

from __future__ import annotations

from datetime import UTC
from typing import Annotated

from fastapi import Query

from lantern.accounts.model import Permission
from lantern.audit.service import recent, verify_chain
from lantern.db.tables.audit import AuditRow
from lantern.web.deps import SessionDep
from lantern.web.models import AuditEntryRead, AuditPageRead, ChainBreakRead, ChainRead
from lantern.web.routing import LanternRouter

router = LanternRouter(tag="audit")

PAGE = 50


def audit_entry_read(row: AuditRow) -> AuditEntryRead:
    return AuditEntryRead(
        seq=row.seq,
        at=row.at if row.at.tzinfo else row.at.replace(tzinfo=UTC),  # SQLite drops the zone
        actor=row.actor,
        action=row.action,
        entity_type=row.entity_type,
        entity_key=row.entity_key,
        before=row.before,
        after=row.after,
    )


@router.page("/audit", permission=Permission.AUDIT_READ, template="audit.html", partial="_audit_rows.html")
def audit(
    session: SessionDep,
    before: Annotated[
        int | None, Query(ge=1, le=2**62, description="Only records older than this one.")
    ] = None,
) -> AuditPageRead:
    """Every change, newest first, and whether the chain of hashes is intact (any edit breaks it)."""
    result = verify_chain(session)
    rows = recent(session, limit=PAGE, before_seq=before)
    return AuditPageRead(
        chain=ChainRead(
            ok=result.ok,
            records=result.records,
            breaks=[ChainBreakRead(seq=b.seq, reason=b.reason) for b in result.breaks],
        ),
        entries=[audit_entry_read(r) for r in rows],
        next_before=rows[-1].seq if len(rows) == PAGE and rows[-1].seq > 1 else None,
    )
