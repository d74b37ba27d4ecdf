"""Watch lists and list entries."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lantern.db.base import Base, utcnow
from lantern.db.tables.registry import SourceRow


class WatchListRow(Base):
    __tablename__ = "watch_list"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(Text)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id"))
    list_date: Mapped[date | None] = mapped_column(Date)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    # Hash of the record as last imported (lantern.io.store); any other writer sets it to NULL.
    content_hash: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    source: Mapped[SourceRow | None] = relationship()


class ListEntryRow(Base):
    __tablename__ = "list_entry"
    __table_args__ = (UniqueConstraint("watch_list_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    watch_list_id: Mapped[int] = mapped_column(ForeignKey("watch_list.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(Text)
    entry_type: Mapped[str] = mapped_column(String(20))
    # Small ordered lists kept as JSON: aliases, countries, programs, [scheme, value] identifiers.
    aliases: Mapped[list[Any]] = mapped_column(default=list)
    countries: Mapped[list[Any]] = mapped_column(default=list)
    programs: Mapped[list[Any]] = mapped_column(default=list)
    identifiers: Mapped[list[Any]] = mapped_column(default=list)
    listed: Mapped[str | None] = mapped_column(String(10))
    delisted: Mapped[str | None] = mapped_column(String(10))
    remarks: Mapped[str | None] = mapped_column(Text)
    # Hash of the record as last imported (lantern.io.store); any other writer sets it to NULL.
    content_hash: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    watch_list: Mapped[WatchListRow] = relationship()
