"""Resolutions of parties, findings, dispositions, alerts, decisions on licences, and review jobs."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lantern.db.base import Base, Money, utcnow
from lantern.db.tables.licences import LicenceRow, PartyRow


class ResolutionRow(Base):
    """The current resolution of one party: what the screening (or an analyst, or the data) found it to be."""

    __tablename__ = "resolution"

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id", ondelete="CASCADE"), unique=True)
    licence_id: Mapped[int] = mapped_column(ForeignKey("licence.id", ondelete="CASCADE"), index=True)
    entity_id: Mapped[str | None] = mapped_column(String(420))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"), index=True)
    list_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("list_entry.id", ondelete="SET NULL"), index=True
    )
    decision: Mapped[str] = mapped_column(String(20))
    score: Mapped[float] = mapped_column(Float, default=0.0)
    matched_name: Mapped[str | None] = mapped_column(Text)
    why: Mapped[str | None] = mapped_column(Text)
    explanation: Mapped[dict[str, Any] | None] = mapped_column()
    candidates: Mapped[list[Any]] = mapped_column(default=list)
    source: Mapped[str] = mapped_column(String(20))  # screening, analyst, data
    matcher_version: Mapped[str | None] = mapped_column(String(40))
    resolved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    party: Mapped[PartyRow] = relationship()


class ResolutionDispositionRow(Base):
    """An analyst's confirmation or rejection of a resolution, remembered for the same name.

    Append-only: a disposition is never edited; it is withdrawn (withdrawn_at set once) when the matcher
    version or the candidate entity changes in a way that matters.
    """

    __tablename__ = "resolution_disposition"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_key: Mapped[str] = mapped_column(String(500), index=True)  # folded name as written
    country: Mapped[str | None] = mapped_column(String(2))
    entity_id: Mapped[str] = mapped_column(String(420))
    verdict: Mapped[str] = mapped_column(String(10))  # confirm, reject
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reason: Mapped[str] = mapped_column(Text)
    matcher_version: Mapped[str | None] = mapped_column(String(40))
    # What the screening said about this name and entity when the analyst decided: a new matcher version
    # withdraws the disposition only if its answer differs.
    screened_decision: Mapped[str | None] = mapped_column(String(20))
    entity_fingerprint: Mapped[str | None] = mapped_column(String(64))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)


class FindingRow(Base):
    __tablename__ = "finding"
    __table_args__ = (UniqueConstraint("licence_id", "fingerprint"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    licence_id: Mapped[int] = mapped_column(ForeignKey("licence.id", ondelete="CASCADE"))
    fingerprint: Mapped[str] = mapped_column(String(32))
    criterion: Mapped[str] = mapped_column(String(40), index=True)
    code: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(10))
    recommendation: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), index=True, default="open")
    summary: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[Any]] = mapped_column(default=list)
    content_hash: Mapped[str] = mapped_column(String(32))
    quantity: Mapped[int] = mapped_column(Integer, default=0)
    value: Mapped[Decimal] = mapped_column(Money, default=0)
    shipped_since_quantity: Mapped[int | None] = mapped_column(Integer)
    shipped_since_value: Mapped[Decimal | None] = mapped_column(Money)
    as_of: Mapped[date] = mapped_column(Date)
    first_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    licence: Mapped[LicenceRow] = relationship()
    dispositions: Mapped[list[FindingDispositionRow]] = relationship(order_by="FindingDispositionRow.id")


class FindingDispositionRow(Base):
    """An analyst's decision on a finding: append-only, with who, when and why."""

    __tablename__ = "finding_disposition"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("finding.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reason: Mapped[str] = mapped_column(Text)


class AlertRow(Base):
    """A finding that is new, changed or resolved, with the line that says what changed and why."""

    __tablename__ = "alert"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("finding.id", ondelete="CASCADE"), index=True)
    licence_id: Mapped[int] = mapped_column(ForeignKey("licence.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # new, changed, resolved
    what_changed: Mapped[str] = mapped_column(Text)
    cause: Mapped[str | None] = mapped_column(Text)  # the change that triggered the re-review
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    acknowledged_by: Mapped[str | None] = mapped_column(String(200))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("licence_decision.id"))

    finding: Mapped[FindingRow] = relationship()
    licence: Mapped[LicenceRow] = relationship()


class LicenceDecisionRow(Base):
    """An action on a licence (suspend, revoke, reinstate, add proviso) and the findings it rests on."""

    __tablename__ = "licence_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    licence_id: Mapped[int] = mapped_column(ForeignKey("licence.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    justification: Mapped[str] = mapped_column(Text)
    finding_ids: Mapped[list[Any]] = mapped_column(default=list)
    proviso: Mapped[str | None] = mapped_column(Text)


class ReviewJobRow(Base):
    """A long review run: its progress and the checkpoint it resumes from."""

    __tablename__ = "review_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20))  # queued, running, done, failed, interrupted
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    checkpoint: Mapped[int] = mapped_column(Integer, default=0)  # the last licence id fully reviewed
    message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


Index("ix_alert_open", AlertRow.acknowledged_at, AlertRow.created_at)
Index(
    "ix_resolution_disposition_lookup",
    ResolutionDispositionRow.name_key,
    ResolutionDispositionRow.withdrawn_at,
)
