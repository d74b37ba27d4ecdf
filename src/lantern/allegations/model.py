"""Allegations and their status over time. Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from lantern.core.dates import DateRange
from lantern.core.provenance import Citation, Confidence


class ViolationType(StrEnum):
    ENFORCED_DISAPPEARANCE = "enforced_disappearance"
    TORTURE = "torture"
    EXTRAJUDICIAL_KILLING = "extrajudicial_killing"
    RAPE_UNDER_COLOUR_OF_LAW = "rape_under_colour_of_law"
    COLLUSION = "collusion_with_criminal_organisation"
    OTHER = "other"


#: The gross violations of human rights named by the Leahy laws (FAA 620M, 10 U.S.C. 362).
GROSS_VIOLATIONS = frozenset(
    {
        ViolationType.ENFORCED_DISAPPEARANCE,
        ViolationType.TORTURE,
        ViolationType.EXTRAJUDICIAL_KILLING,
        ViolationType.RAPE_UNDER_COLOUR_OF_LAW,
    }
)


class AllegationStatus(StrEnum):
    UNDER_REVIEW = "under_review"
    CREDIBLE = "credible"
    NOT_SUBSTANTIATED = "not_substantiated"
    REMEDIATED = "remediated"


@dataclass(frozen=True, slots=True)
class StatusEntry:
    status: AllegationStatus
    on: date
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    role: str | None = None  # e.g. "commander"
    unit_key: str | None = None


@dataclass(frozen=True, slots=True)
class Allegation:
    key: str
    unit_keys: tuple[str, ...]
    violations: tuple[ViolationType, ...]
    incident: DateRange
    description: str
    citations: tuple[Citation, ...]
    confidence: Confidence
    statuses: tuple[StatusEntry, ...] = ()
    persons: tuple[Person, ...] = ()
    place: str | None = None
    state: str | None = None
    municipality: str | None = None

    def status_on(self, day: date) -> AllegationStatus | None:
        current = None
        for entry in sorted(self.statuses, key=lambda e: e.on):
            if entry.on <= day:
                current = entry.status
        return current

    def credible_since(self) -> date | None:
        """The first day the allegation was held credible, if it ever was."""
        for entry in sorted(self.statuses, key=lambda e: e.on):
            if entry.status is AllegationStatus.CREDIBLE:
                return entry.on
        return None
