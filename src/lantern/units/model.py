"""Security-force units. Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from lantern.core.dates import DateRange


class UnitKind(StrEnum):
    ARMY = "army"
    NAVY = "navy"
    AIR_FORCE = "air_force"
    NATIONAL_GUARD = "national_guard"
    FEDERAL_POLICE = "federal_police"
    STATE_POLICE = "state_police"
    MUNICIPAL_POLICE = "municipal_police"
    PROSECUTOR = "prosecutor"
    OTHER = "other"


#: Kinds the letter calls police or naval forces.
POLICE_KINDS = frozenset(
    {UnitKind.FEDERAL_POLICE, UnitKind.STATE_POLICE, UnitKind.MUNICIPAL_POLICE, UnitKind.PROSECUTOR}
)


class Level(StrEnum):
    FEDERAL = "federal"
    STATE = "state"
    MUNICIPAL = "municipal"


class AliasKind(StrEnum):
    ALIAS = "alias"
    ACRONYM = "acronym"
    TRANSLATION = "translation"
    FORMER = "former"


@dataclass(frozen=True, slots=True)
class Alias:
    name: str
    kind: AliasKind = AliasKind.ALIAS


@dataclass(frozen=True, slots=True)
class ParentLink:
    """The unit sat under `parent_key` during `period` (a unit can move, e.g. the Guardia Nacional)."""

    parent_key: str
    period: DateRange = field(default_factory=DateRange)
    source_key: str | None = None


@dataclass(frozen=True, slots=True)
class Unit:
    key: str
    name: str
    kind: UnitKind
    level: Level
    country: str
    state: str | None = None
    municipality: str | None = None
    aliases: tuple[Alias, ...] = ()
    parents: tuple[ParentLink, ...] = ()
    source_keys: tuple[str, ...] = ()
    notes: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *(a.name for a in self.aliases))
