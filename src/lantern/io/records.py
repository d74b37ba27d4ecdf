"""The record formats Lantern reads and writes: one pydantic model per record type.

These models are the JSON Lines contract shared with everyone who prepares data for Lantern (see
docs/formats.md). Field names never change; new fields are optional. The CSV, FollowTheMoney and
Consolidated Screening List readers all produce these records, so every format is checked by the same rules.
Pure: no database, no settings.
"""

from __future__ import annotations

import builtins
import hashlib
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
)

from lantern.allegations.model import AllegationStatus, ViolationType
from lantern.core.dates import PartialDate, PartialDateError
from lantern.core.provenance import Confidence
from lantern.core.text import fold
from lantern.licences.model import Agency, ExclusionKind, FireMode, LicenceKind, LicenceStatus, PartyRole
from lantern.monitoring.model import CustodyEventKind, ShipmentStatus
from lantern.units.model import AliasKind, Level, UnitKind
from lantern.watchlists.model import EntryType


class RecordKind(StrEnum):
    """The record types, in the order an import stores them (each may refer only to those before it)."""

    SOURCES = "sources"
    UNITS = "units"
    LISTS = "lists"
    LIST_ENTRIES = "list_entries"
    LICENCES = "licences"
    ALLEGATIONS = "allegations"
    SHIPMENTS = "shipments"
    CUSTODY = "custody"


IMPORT_ORDER: tuple[RecordKind, ...] = tuple(RecordKind)

# --- Value types -------------------------------------------------------------------------------------------

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: ISO 3166 two-letter country codes, in capitals.
COUNTRY = r"^[A-Z]{2}$"


#: At least one character that is not a space; `explain` words the error as "must not be blank".
NONBLANK = r"\S"


def _partial(value: str) -> str:
    try:
        return str(PartialDate.parse(value))
    except PartialDateError as exc:
        raise ValueError(str(exc)) from None


def _day(value: Any) -> Any:
    """A calendar day written YYYY-MM-DD; numbers and times are refused rather than guessed."""
    if isinstance(value, datetime):
        raise ValueError("expected a day (YYYY-MM-DD), not a date and time")
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _DAY.match(value.strip()):
        raise ValueError(f"{value!r} is not a date of the form YYYY-MM-DD")
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{value!r} is not a real day") from None


def _timestamp(value: datetime) -> datetime:
    # A time written without a zone is taken as UTC; every stored time is UTC.
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _key(value: str) -> str:
    if value != value.strip() or not value:
        raise ValueError("must not be blank or start or end with spaces")
    return value


# A pattern (checked in pydantic's core) rather than a Python validator: names are the bulk of every file.
Text = Annotated[str, Field(pattern=NONBLANK)]
Key = Annotated[str, Field(max_length=200), AfterValidator(_key)]
SlashlessKey = Annotated[Key, Field(pattern=r"^[^/]+$")]
Partial = Annotated[
    str,
    AfterValidator(_partial),
    WithJsonSchema({"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"}),
]
Day = Annotated[
    date,
    BeforeValidator(_day),
    WithJsonSchema({"type": "string", "format": "date"}),
]
Timestamp = Annotated[datetime, AfterValidator(_timestamp)]
# US dollars, never negative, to the cent. Below a trillion: SQLite keeps NUMERIC as a double, exact to the
# cent only below that. Written out as "1200.00" whatever the input looked like ("1200", 1200.0).
Money = Annotated[
    Decimal,
    Field(ge=0, lt=Decimal("1e12"), decimal_places=2, allow_inf_nan=False),
    PlainSerializer(lambda d: f"{d:.2f}", return_type=str, when_used="json"),
    WithJsonSchema({"type": ["string", "number"], "pattern": r"^\d+(\.\d{1,2})?$", "minimum": 0}),
]
Country = Annotated[str, Field(pattern=COUNTRY)]
Count = Annotated[int, Field(ge=0, le=2_000_000_000, strict=False)]


class Part(BaseModel):
    """A piece nested in a record (a party, an alias...)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Record(BaseModel):
    """A top-level record: one line of a JSON Lines file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    record_kind: ClassVar[RecordKind]
    #: The fields whose values identify the record (its natural key).
    key_fields: ClassVar[tuple[str, ...]] = ("id",)
    #: Fields the importer computes and ignores on input (kept so an export can be read back).
    derived_fields: ClassVar[frozenset[str]] = frozenset()

    @property
    def key(self) -> str:
        return str(getattr(self, "id"))  # noqa: B009  (records without an `id` field override this)


# --- Sources -----------------------------------------------------------------------------------------------


class SourceRecord(Record):
    """A document facts rest on: a report, a recommendation, a list."""

    record_kind: ClassVar[RecordKind] = RecordKind.SOURCES

    id: Key
    title: Text
    publisher: str | None = None
    date: Partial | None = None
    url: str | None = None
    document_ref: str | None = None
    notes: str | None = None


# --- Units -------------------------------------------------------------------------------------------------


class AliasRecord(Part):
    name: Text
    kind: AliasKind = AliasKind.ALIAS


class ParentRecord(Part):
    unit: Key
    start: Partial | None = None
    end: Partial | None = None
    source: Key | None = None


class UnitRecord(Record):
    """A security-force body, with its aliases and its parents over time."""

    record_kind: ClassVar[RecordKind] = RecordKind.UNITS

    id: Key
    name: Text
    kind: UnitKind
    level: Level
    country: Country
    state: str | None = None
    municipality: str | None = None
    aliases: list[AliasRecord] = []
    parents: list[ParentRecord] = []
    sources: list[Key] = []
    notes: str | None = None


# --- Allegations -------------------------------------------------------------------------------------------


class PersonRecord(Part):
    name: Text
    role: str | None = None
    unit: Key | None = None


class CitationRecord(Part):
    source: Key
    access_point: str | None = None
    quote: str | None = None


class AllegationStatusRecord(Part):
    status: AllegationStatus
    date: Day
    note: str | None = None


class AllegationRecord(Record):
    """A sourced claim that units (and people) committed a violation."""

    record_kind: ClassVar[RecordKind] = RecordKind.ALLEGATIONS

    id: Key
    units: list[Key] = Field(min_length=1)
    persons: list[PersonRecord] = []
    violations: list[ViolationType] = Field(min_length=1)
    start: Partial | None = None
    end: Partial | None = None
    place: str | None = None
    state: str | None = None
    municipality: str | None = None
    description: Text
    citations: list[CitationRecord] = Field(min_length=1)
    confidence: Confidence
    statuses: list[AllegationStatusRecord] = []


# --- Watch lists -------------------------------------------------------------------------------------------


class WatchListRecord(Record):
    record_kind: ClassVar[RecordKind] = RecordKind.LISTS

    id: SlashlessKey
    name: Text
    source: Key | None = None
    date: Day | None = None
    synthetic: bool = False


class IdentifierRecord(Part):
    scheme: Text
    value: Text


class ListEntryRecord(Record):
    record_kind: ClassVar[RecordKind] = RecordKind.LIST_ENTRIES
    key_fields: ClassVar[tuple[str, ...]] = ("list", "id")

    @property
    def key(self) -> str:
        return f"{self.list}/{self.id}"

    list: SlashlessKey
    id: Key
    name: Text
    type: EntryType
    # `list` is a field here, so the builtin is named in full.
    aliases: builtins.list[Text] = []
    countries: builtins.list[Country] = []
    programs: builtins.list[Text] = []
    listed: Partial | None = None
    delisted: Partial | None = None
    identifiers: builtins.list[IdentifierRecord] = []
    remarks: str | None = None


# --- Licences ----------------------------------------------------------------------------------------------


class ExclusionRecord(Part):
    kind: ExclusionKind
    value: Text
    text: str | None = None


class StatusChangeRecord(Part):
    status: LicenceStatus
    at: Timestamp
    by: Text
    reason: str | None = None


class PartyRecord(Part):
    role: PartyRole
    name: Text
    country: Country | None = None
    address: str | None = None
    unit: Key | None = None
    list_entry: Annotated[str, Field(pattern=r"^[^/]+/.+$")] | None = None


class ItemRecord(Part):
    line: Annotated[int, Field(ge=1, le=1_000_000)]
    usml_category: str | None = None
    eccn: str | None = None
    fire_mode: FireMode = FireMode.NOT_APPLICABLE
    description: Text
    manufacturer: str | None = None
    model: str | None = None
    calibre: str | None = None
    quantity: Count
    unit_value: Money | None = None
    total_value: Money | None = None


class LicenceRecord(Record):
    """A licence (or a licence-exception record) with its parties, items, provisos and status history."""

    record_kind: ClassVar[RecordKind] = RecordKind.LICENCES
    key_fields: ClassVar[tuple[str, ...]] = ("agency", "number")

    @property
    def key(self) -> str:
        return f"{self.agency}/{self.number}"

    agency: Agency
    number: Annotated[Key, Field(max_length=100)]
    kind: LicenceKind
    country: Country
    end_use: str | None = None
    issue_date: Day | None = None
    expiry_date: Day | None = None
    value: Money | None = None
    cn_reference: str | None = None
    provisos: str | None = None
    # STA: the reference of the prior consignee statement on file (License Exception STA needs one).
    consignee_statement: str | None = None
    exclusions: list[ExclusionRecord] = []
    status_history: list[StatusChangeRecord] = []
    parties: list[PartyRecord] = []
    items: list[ItemRecord] = []
    synthetic: bool = False
    notes: str | None = None


# --- Shipments and custody ---------------------------------------------------------------------------------


class ShipmentLineRecord(Part):
    item: Annotated[int, Field(ge=1)]
    quantity: Annotated[int, Field(ge=1, le=2_000_000_000)]
    value: Money | None = None


class SerialRecord(Part):
    serial: Annotated[Text, Field(max_length=100)]
    item: Annotated[int, Field(ge=1)]
    make: Annotated[Text, Field(max_length=200)]
    model: str | None = None
    calibre: str | None = None


class ShipmentRecord(Record):
    """A shipment made (or notified) under a licence: what left, when, and the serial numbers."""

    record_kind: ClassVar[RecordKind] = RecordKind.SHIPMENTS
    derived_fields: ClassVar[frozenset[str]] = frozenset({"status", "status_reason"})

    id: Key
    licence: Annotated[str, Field(pattern=r"^(DDTC|BIS)/.+$")]
    date: Day
    aes_itn: str | None = None
    consignee: str | None = None
    value: Money | None = None
    filed_by: str | None = None
    lines: list[ShipmentLineRecord] = Field(min_length=1)
    serials: list[SerialRecord] = []
    # Written by export; the importer decides these itself with the draw-down rules.
    status: ShipmentStatus | None = None
    status_reason: str | None = None


class CustodyRecord(Record):
    """A later event in a serial's life: transfer, sighting, loss, theft, recovery, seizure, inventory."""

    record_kind: ClassVar[RecordKind] = RecordKind.CUSTODY

    # Optional natural id; without one the importer derives it from serial, make, date, event, holder, place.
    id: Key | None = None
    serial: Annotated[Text, Field(max_length=100)]
    make: str | None = None
    date: Partial
    event: CustodyEventKind
    place: str | None = None
    state: str | None = None
    municipality: str | None = None
    holder: str | None = None
    holder_unit: Key | None = None
    source: Key | None = None
    note: str | None = None

    @property
    def key(self) -> str:
        return self.id or derive_custody_key(self.__dict__)


def derive_custody_key(values: Mapping[str, Any]) -> str:
    """A stable id for a custody event given without one: its identifying fields, folded and hashed.

    Takes the record's fields (a CustodyRecord's attributes or its contract data alike).
    """
    parts = [
        fold(str(values["serial"])),
        fold(values.get("make") or ""),
        str(values["date"]),
        str(values["event"]),
        fold(values.get("holder") or ""),
        values.get("holder_unit") or "",
        fold(values.get("place") or ""),
    ]
    return "ce-" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]


RECORD_TYPES: dict[RecordKind, type[Record]] = {
    RecordKind.SOURCES: SourceRecord,
    RecordKind.UNITS: UnitRecord,
    RecordKind.LISTS: WatchListRecord,
    RecordKind.LIST_ENTRIES: ListEntryRecord,
    RecordKind.LICENCES: LicenceRecord,
    RecordKind.ALLEGATIONS: AllegationRecord,
    RecordKind.SHIPMENTS: ShipmentRecord,
    RecordKind.CUSTODY: CustodyRecord,
}


def fingerprint(record: Record) -> tuple[str, str]:
    """The record's contract JSON, and the hash that tells it unchanged from changed.

    The hash covers the JSON form, so "1200" and 1200.00 are the same amount; fields the importer derives
    (a shipment's status) are left out of it.
    """
    raw = record.model_dump_json()
    hashed = record.model_dump_json(exclude=set(record.derived_fields)) if record.derived_fields else raw
    return raw, hashlib.sha256(hashed.encode()).hexdigest()


def dump(record: Record) -> dict[str, Any]:
    """The record as JSON-ready data, in the contract's field names."""
    return record.model_dump(mode="json")
