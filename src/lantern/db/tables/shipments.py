"""Shipments under licences, the serial numbers they carried, and the later custody of each serial."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lantern.db.base import Base, Money, utcnow


class ShipmentRow(Base):
    __tablename__ = "shipment"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    licence_id: Mapped[int] = mapped_column(ForeignKey("licence.id"), index=True)
    shipment_date: Mapped[date] = mapped_column(Date, index=True)
    aes_itn: Mapped[str | None] = mapped_column(String(40))
    consignee: Mapped[str | None] = mapped_column(Text)
    # What the review's screening found the consignee text to name (a unit or list entry), if anything.
    consignee_entity_id: Mapped[str | None] = mapped_column(String(420))
    consignee_unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("unit.id", ondelete="SET NULL"), index=True
    )
    consignee_score: Mapped[float | None] = mapped_column()
    value: Mapped[Decimal | None] = mapped_column(Money)
    filed_by: Mapped[str | None] = mapped_column(String(200))
    # accepted, held or rejected (lantern.monitoring.model.ShipmentStatus); only rejected ones have a reason.
    status: Mapped[str] = mapped_column(String(20), index=True)
    status_reason: Mapped[str | None] = mapped_column(Text)
    # A rejected notice registers no serials; the ones it declared are kept here as written.
    rejected_serials: Mapped[list[Any] | None] = mapped_column()
    # Hash of the record as last imported; writers outside lantern.io.store set it to NULL.
    content_hash: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    lines: Mapped[list[ShipmentLineRow]] = relationship(
        cascade="all, delete-orphan", order_by="ShipmentLineRow.position"
    )
    serials: Mapped[list[SerialRow]] = relationship(
        back_populates="shipment", cascade="all, delete-orphan", order_by="SerialRow.position"
    )


class ShipmentLineRow(Base):
    __tablename__ = "shipment_line"
    __table_args__ = (UniqueConstraint("shipment_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipment.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    value: Mapped[Decimal | None] = mapped_column(Money)


class SerialRow(Base):
    """A shipped firearm. The same make and serial (folded, separators dropped) can ship only once."""

    __tablename__ = "serial"
    __table_args__ = (UniqueConstraint("make_key", "serial_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(100))  # as written
    serial_key: Mapped[str] = mapped_column(String(100), index=True)
    make: Mapped[str] = mapped_column(String(200))
    make_key: Mapped[str] = mapped_column(String(200))
    model: Mapped[str | None] = mapped_column(Text)
    calibre: Mapped[str | None] = mapped_column(String(50))
    # USML category (e.g. "I(a)") or ECCN (e.g. "0A501.a") of the licence item.
    category: Mapped[str | None] = mapped_column(String(20))
    licence_id: Mapped[int] = mapped_column(ForeignKey("licence.id"), index=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipment.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)

    shipment: Mapped[ShipmentRow] = relationship(back_populates="serials")


class CustodyEventRow(Base):
    """A later event in the life of a serial, with where, who held it, and the source that says so."""

    __tablename__ = "custody_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    serial_id: Mapped[int] = mapped_column(ForeignKey("serial.id"))
    # The serial and make as the source wrote them ("LE-123 456"); serial_id is the firearm they match.
    serial_written: Mapped[str] = mapped_column(String(100))
    make_written: Mapped[str | None] = mapped_column(String(200))
    partial_date: Mapped[str] = mapped_column(String(10))  # as precise as the source: 2014, 2014-09...
    event_date: Mapped[date] = mapped_column(Date)  # earliest day of partial_date, for ordering
    event: Mapped[str] = mapped_column(String(30))
    place: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str | None] = mapped_column(String(100))
    municipality: Mapped[str | None] = mapped_column(String(200))
    holder: Mapped[str | None] = mapped_column(Text)  # as written
    holder_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id"))
    note: Mapped[str | None] = mapped_column(Text)
    # The id given in the record, when there was one (else `key` was derived from the event's fields).
    given_key: Mapped[bool] = mapped_column(default=False)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


Index("ix_custody_event_serial_date", CustodyEventRow.serial_id, CustodyEventRow.event_date)
