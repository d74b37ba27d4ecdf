"""Violation cases with their evidence and statutory reports; end-use checks with their serial inventories.

The contract of these tables is CONTRACT-cases (kinds and statuses are the enums of
lantern.monitoring.cases_model and lantern.monitoring.checks_model).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lantern.db.base import Base, utcnow


class ViolationCaseRow(Base):
    __tablename__ = "violation_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)  # CASE-2026-0001
    kind: Mapped[str] = mapped_column(String(30), index=True)
    status: Mapped[str] = mapped_column(String(30), index=True)
    opened_on: Mapped[date] = mapped_column(Date)
    substantiated_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    licence_id: Mapped[int | None] = mapped_column(ForeignKey("licence.id"), index=True)
    # The licensed end user concerned, and the unit found holding the licensed weapons.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    holder_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    country: Mapped[str | None] = mapped_column(String(2))
    summary: Mapped[str] = mapped_column(Text)
    opened_by: Mapped[str] = mapped_column(String(200))
    # Who last changed the status, when and why (the audit log keeps every change).
    status_by: Mapped[str | None] = mapped_column(String(200))
    status_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    evidence: Mapped[list[CaseEvidenceRow]] = relationship(
        cascade="all, delete-orphan", order_by="CaseEvidenceRow.id"
    )
    reports: Mapped[list[StatutoryReportRow]] = relationship(
        cascade="all, delete-orphan", order_by="StatutoryReportRow.id"
    )


class CaseEvidenceRow(Base):
    __tablename__ = "case_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("violation_case.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    custody_event_id: Mapped[int | None] = mapped_column(ForeignKey("custody_event.id"), index=True)
    serial_id: Mapped[int | None] = mapped_column(ForeignKey("serial.id"), index=True)
    check_id: Mapped[int | None] = mapped_column(ForeignKey("end_use_check.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    recorded_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class StatutoryReportRow(Base):
    __tablename__ = "statutory_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("violation_case.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # aeca_3c2, aeca_3e
    due_on: Mapped[date] = mapped_column(Date)
    draft: Mapped[str] = mapped_column(Text)
    sent_on: Mapped[date | None] = mapped_column(Date)
    sent_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EndUseCheckRow(Base):
    __tablename__ = "end_use_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    licence_id: Mapped[int] = mapped_column(ForeignKey("licence.id"), index=True)
    shipment_id: Mapped[int | None] = mapped_column(ForeignKey("shipment.id"), index=True)
    stage: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), index=True)
    planned_on: Mapped[date | None] = mapped_column(Date)
    performed_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(20))
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    risk_score: Mapped[float | None] = mapped_column()
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    serials: Mapped[list[CheckSerialRow]] = relationship(
        cascade="all, delete-orphan", order_by="CheckSerialRow.id"
    )


class CheckSerialRow(Base):
    __tablename__ = "check_serial"

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("end_use_check.id", ondelete="CASCADE"), index=True)
    serial_written: Mapped[str] = mapped_column(String(100))
    serial_id: Mapped[int | None] = mapped_column(ForeignKey("serial.id"), index=True)
    state: Mapped[str] = mapped_column(String(20))  # found, missing, unlisted


class KeyCounterRow(Base):
    """The last number given under a key prefix (`CASE-2026-`, `EUC-2026-`). Locking the row serialises
    the numbering (lantern.monitoring.numbering)."""

    __tablename__ = "key_counter"

    prefix: Mapped[str] = mapped_column(String(40), primary_key=True)
    last: Mapped[int] = mapped_column()
