"""Sources, units and allegations."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lantern.db.base import Base, utcnow


class SourceRow(Base):
    __tablename__ = "source"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(Text)
    publisher: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(String(10))  # partial date
    url: Mapped[str | None] = mapped_column(Text)
    document_ref: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    # Hash of the record as last imported (lantern.io.store); any other writer sets it to NULL.
    content_hash: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class UnitRow(Base):
    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(40))
    level: Mapped[str] = mapped_column(String(20))
    country: Mapped[str] = mapped_column(String(2), index=True)
    state: Mapped[str | None] = mapped_column(String(100), index=True)
    municipality: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    # Hash of the record as last imported (lantern.io.store); any other writer sets it to NULL.
    content_hash: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    aliases: Mapped[list[UnitAliasRow]] = relationship(
        back_populates="unit", cascade="all, delete-orphan", order_by="UnitAliasRow.position"
    )
    parent_links: Mapped[list[UnitParentRow]] = relationship(
        back_populates="unit",
        cascade="all, delete-orphan",
        foreign_keys="UnitParentRow.unit_id",
        order_by="UnitParentRow.position",
    )
    sources: Mapped[list[UnitSourceRow]] = relationship(
        cascade="all, delete-orphan", order_by="UnitSourceRow.position"
    )


class UnitAliasRow(Base):
    __tablename__ = "unit_alias"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20), default="alias")

    unit: Mapped[UnitRow] = relationship(back_populates="aliases")


class UnitParentRow(Base):
    """A parent link that holds for a (possibly partial, possibly open) date range."""

    __tablename__ = "unit_parent"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    start: Mapped[str | None] = mapped_column(String(10))
    end: Mapped[str | None] = mapped_column(String(10))
    # Earliest possible start and latest possible end, for queries over the partial dates above.
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id"))

    unit: Mapped[UnitRow] = relationship(back_populates="parent_links", foreign_keys=[unit_id])
    parent: Mapped[UnitRow] = relationship(foreign_keys=[parent_id])
    source: Mapped[SourceRow | None] = relationship()


class UnitSourceRow(Base):
    __tablename__ = "unit_source"
    __table_args__ = (UniqueConstraint("unit_id", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"))
    position: Mapped[int] = mapped_column(default=0)

    source: Mapped[SourceRow] = relationship()


class AllegationRow(Base):
    __tablename__ = "allegation"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text)
    incident_start: Mapped[str | None] = mapped_column(String(10))
    incident_end: Mapped[str | None] = mapped_column(String(10))
    incident_start_date: Mapped[date | None] = mapped_column(Date)
    incident_end_date: Mapped[date | None] = mapped_column(Date)
    place: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str | None] = mapped_column(String(100))
    municipality: Mapped[str | None] = mapped_column(String(200))
    confidence: Mapped[str] = mapped_column(String(10))
    # Hash of the record as last imported (lantern.io.store); any other writer sets it to NULL.
    content_hash: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    units: Mapped[list[AllegationUnitRow]] = relationship(
        cascade="all, delete-orphan", order_by="AllegationUnitRow.position"
    )
    violations: Mapped[list[AllegationViolationRow]] = relationship(
        cascade="all, delete-orphan", order_by="AllegationViolationRow.position"
    )
    persons: Mapped[list[AllegationPersonRow]] = relationship(
        cascade="all, delete-orphan", order_by="AllegationPersonRow.position"
    )
    citations: Mapped[list[CitationRow]] = relationship(
        cascade="all, delete-orphan", order_by="CitationRow.position"
    )
    statuses: Mapped[list[AllegationStatusRow]] = relationship(
        cascade="all, delete-orphan", order_by="AllegationStatusRow.position"
    )


class AllegationUnitRow(Base):
    __tablename__ = "allegation_unit"
    __table_args__ = (UniqueConstraint("allegation_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    allegation_id: Mapped[int] = mapped_column(ForeignKey("allegation.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)

    unit: Mapped[UnitRow] = relationship()


class AllegationViolationRow(Base):
    __tablename__ = "allegation_violation"

    id: Mapped[int] = mapped_column(primary_key=True)
    allegation_id: Mapped[int] = mapped_column(ForeignKey("allegation.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    violation: Mapped[str] = mapped_column(String(60))


class AllegationPersonRow(Base):
    __tablename__ = "allegation_person"

    id: Mapped[int] = mapped_column(primary_key=True)
    allegation_id: Mapped[int] = mapped_column(ForeignKey("allegation.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(Text)
    role: Mapped[str | None] = mapped_column(Text)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))

    unit: Mapped[UnitRow | None] = relationship()


class CitationRow(Base):
    __tablename__ = "citation"

    id: Mapped[int] = mapped_column(primary_key=True)
    allegation_id: Mapped[int] = mapped_column(ForeignKey("allegation.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"), index=True)
    access_point: Mapped[str | None] = mapped_column(Text)
    quote: Mapped[str | None] = mapped_column(Text)

    source: Mapped[SourceRow] = relationship()


class AllegationStatusRow(Base):
    __tablename__ = "allegation_status"

    id: Mapped[int] = mapped_column(primary_key=True)
    allegation_id: Mapped[int] = mapped_column(ForeignKey("allegation.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(30))
    status_date: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)


Index("ix_allegation_incident", AllegationRow.incident_start_date, AllegationRow.incident_end_date)
