"""Licences, their parties, items, exclusions and status history."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lantern.db.base import Base, Money, utcnow
from lantern.db.tables.registry import UnitRow
from lantern.db.tables.watchlists import ListEntryRow


class LicenceRow(Base):
    __tablename__ = "licence"
    __table_args__ = (UniqueConstraint("agency", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency: Mapped[str] = mapped_column(String(10))
    number: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    destination_country: Mapped[str] = mapped_column(String(2), index=True)
    end_use: Mapped[str | None] = mapped_column(Text)
    issue_date: Mapped[date | None] = mapped_column(Date, index=True)
    expiry_date: Mapped[date | None] = mapped_column(Date)
    total_value: Mapped[Decimal | None] = mapped_column(Money)
    cn_reference: Mapped[str | None] = mapped_column(String(100))
    proviso_text: Mapped[str | None] = mapped_column(Text)
    # STA: the prior consignee statement on file (EAR 740.20(d)), the only document naming the consignee.
    consignee_statement: Mapped[str | None] = mapped_column(Text)
    # The latest entry of the status history, kept here for filtering.
    status: Mapped[str | None] = mapped_column(String(20), index=True)
    # Folded name of the applicant: ties exporters' accounts to their own licences.
    exporter_key: Mapped[str | None] = mapped_column(String(300), index=True)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)
    # Hash of the record as last imported (lantern.io.store); any other writer sets it to NULL.
    content_hash: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    parties: Mapped[list[PartyRow]] = relationship(
        back_populates="licence", cascade="all, delete-orphan", order_by="PartyRow.position"
    )
    items: Mapped[list[ItemRow]] = relationship(
        back_populates="licence", cascade="all, delete-orphan", order_by="ItemRow.line"
    )
    exclusions: Mapped[list[ExclusionRow]] = relationship(
        cascade="all, delete-orphan", order_by="ExclusionRow.position"
    )
    status_history: Mapped[list[LicenceStatusRow]] = relationship(
        cascade="all, delete-orphan", order_by="LicenceStatusRow.position"
    )


class PartyRow(Base):
    __tablename__ = "party"

    id: Mapped[int] = mapped_column(primary_key=True)
    licence_id: Mapped[int] = mapped_column(ForeignKey("licence.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    role: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(Text)
    country: Mapped[str | None] = mapped_column(String(2))
    address: Mapped[str | None] = mapped_column(Text)
    # Resolution given in the source data; the review keeps its own screened resolutions.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    list_entry_id: Mapped[int | None] = mapped_column(ForeignKey("list_entry.id"))

    licence: Mapped[LicenceRow] = relationship(back_populates="parties")
    unit: Mapped[UnitRow | None] = relationship()
    list_entry: Mapped[ListEntryRow | None] = relationship()


class ItemRow(Base):
    __tablename__ = "item"
    __table_args__ = (UniqueConstraint("licence_id", "line"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    licence_id: Mapped[int] = mapped_column(ForeignKey("licence.id", ondelete="CASCADE"))
    line: Mapped[int] = mapped_column(Integer)
    usml_category: Mapped[str | None] = mapped_column(String(20))
    eccn: Mapped[str | None] = mapped_column(String(20))
    fire_mode: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    manufacturer: Mapped[str | None] = mapped_column(Text)
    model: Mapped[str | None] = mapped_column(Text)
    calibre: Mapped[str | None] = mapped_column(String(50))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_value: Mapped[Decimal | None] = mapped_column(Money)
    total_value: Mapped[Decimal | None] = mapped_column(Money)

    licence: Mapped[LicenceRow] = relationship(back_populates="items")


class ExclusionRow(Base):
    __tablename__ = "licence_exclusion"

    id: Mapped[int] = mapped_column(primary_key=True)
    licence_id: Mapped[int] = mapped_column(ForeignKey("licence.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)


class LicenceStatusRow(Base):
    __tablename__ = "licence_status"

    id: Mapped[int] = mapped_column(primary_key=True)
    licence_id: Mapped[int] = mapped_column(ForeignKey("licence.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)


Index("ix_party_role_name", PartyRow.role, PartyRow.name)
# PostgreSQL only: licence searches list the newest first (issue date, nulls last, then id), and this index
# gives that order without sorting the book. SQLite cannot declare NULLS LAST in an index.
Index(
    "ix_licence_newest",
    LicenceRow.issue_date.desc().nulls_last(),
    LicenceRow.id.desc(),
).ddl_if(dialect="postgresql")
