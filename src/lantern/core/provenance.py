"""Provenance: where a fact comes from and how sure we are of it (the Security Force Monitor model)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from lantern.core.dates import PartialDate


class Confidence(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        return {"low": 1, "medium": 2, "high": 3}[self.value]

    def at_least(self, other: Confidence) -> bool:
        return self.rank >= other.rank


@dataclass(frozen=True, slots=True)
class Source:
    """A document a fact rests on: a report, a recommendation, a list, an article."""

    key: str
    title: str
    publisher: str | None = None
    published: PartialDate | None = None
    url: str | None = None
    document_ref: str | None = None
    notes: str | None = None


@dataclass(frozen=True, slots=True)
class Citation:
    """A pointer into a source: which source, and where in it (page, paragraph, section)."""

    source_key: str
    access_point: str | None = None
    quote: str | None = None
