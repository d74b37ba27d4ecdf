"""Watch lists and their entries. Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from lantern.core.dates import PartialDate


class EntryType(StrEnum):
    ORGANISATION = "organisation"
    COMPANY = "company"
    PERSON = "person"
    VESSEL = "vessel"


@dataclass(frozen=True, slots=True)
class WatchList:
    key: str
    name: str
    source_key: str | None = None
    list_date: date | None = None
    synthetic: bool = False


@dataclass(frozen=True, slots=True)
class ListEntry:
    list_key: str
    key: str
    name: str
    entry_type: EntryType
    aliases: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    programs: tuple[str, ...] = ()
    listed: PartialDate | None = None
    delisted: PartialDate | None = None
    identifiers: tuple[tuple[str, str], ...] = ()  # (scheme, value)
    remarks: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)
