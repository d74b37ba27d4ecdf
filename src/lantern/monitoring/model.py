"""Shipments, serial numbers and custody events. Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum


class ShipmentStatus(StrEnum):
    ACCEPTED = "accepted"  # drawn down against the licence
    HELD = "held"  # waiting for review (e.g. the end user was implicated after approval); still reserved
    REJECTED = "rejected"  # refused with a reason; draws nothing down and registers no serials


#: Shipments that count against a licence's remaining quantity and value.
DRAWING_STATUSES = frozenset({ShipmentStatus.ACCEPTED, ShipmentStatus.HELD})


class CustodyEventKind(StrEnum):
    """Later events in the life of a serial, after it left the exporter."""

    TRANSFER = "transfer"  # reported from Mexican records (e.g. SEDENA to a state police)
    CHECK_SIGHTING = "check_sighting"  # seen during an end-use check
    LOSS = "loss"
    THEFT = "theft"
    RECOVERY = "recovery"
    SEIZURE = "seizure"  # crime scene, arrest
    INVENTORY = "inventory"  # e.g. the inventory of a suspended force


@dataclass(frozen=True, slots=True)
class ShipmentLine:
    item_line: int
    quantity: int
    value: Decimal | None = None


@dataclass(frozen=True, slots=True, order=True)
class SerialKey:
    """A serial number as compared: make and serial folded, separators dropped ("LE-123 456" = "le123456")."""

    make: str
    serial: str


@dataclass(frozen=True, slots=True)
class ShipmentNotice:
    """What an exporter says left under a licence: the thing the draw-down rules judge."""

    licence_key: str
    shipped_on: date
    lines: tuple[ShipmentLine, ...]
    serials: tuple[SerialKey, ...] = ()
    value: Decimal | None = None
