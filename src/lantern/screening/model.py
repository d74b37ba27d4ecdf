"""What the screening engine takes and gives. Pure: frozen dataclasses and enums, no I/O."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

#: Changes whenever scoring changes in a way that matters. The licence review withdraws analyst
#: dispositions made under another version, so bump it with every change to vocabulary, rules or weights.
MATCHER_VERSION = "lantern-screening-2"


class Decision(StrEnum):
    MATCH = "match"
    POSSIBLE = "possible"
    NO_MATCH = "no_match"


#: Entity kinds that name a person; their names are compared as personal names (no places or vocabulary).
PERSON_KINDS = frozenset({"person"})

#: Kind groups a caller may pass instead of one kind.
KIND_GROUPS: dict[str, frozenset[str]] = {
    "unit": frozenset(
        {
            "army",
            "navy",
            "air_force",
            "national_guard",
            "federal_police",
            "state_police",
            "municipal_police",
            "prosecutor",
            "other",
        }
    ),
    "police": frozenset({"federal_police", "state_police", "municipal_police", "prosecutor"}),
    "military": frozenset({"army", "navy", "air_force", "national_guard"}),
    "party": frozenset({"company", "organisation", "person", "vessel"}),
}


def kinds_for(kind: str | None) -> frozenset[str] | None:
    """The entity kinds a `kind` filter admits: one kind, or every kind of a group; None admits all."""
    if kind is None:
        return None
    return KIND_GROUPS.get(kind, frozenset({kind}))


@dataclass(frozen=True, slots=True)
class ScreeningEntity:
    """A unit or list entry as the engine sees it: its names and what is known of where it sits.

    `state` and `municipality` are names as written in the registry ("Guerrero", "Iguala de la
    Independencia"); they let a name that adds its place ("Policía Municipal de Iguala, Gro.") still match.
    """

    id: str
    names: tuple[str, ...]
    kind: str
    country: str | None = None
    state: str | None = None
    municipality: str | None = None
    level: str | None = None

    @property
    def is_person(self) -> bool:
        return self.kind in PERSON_KINDS

    def fingerprint(self) -> str:
        """A digest of everything that scoring reads; equal digests mean the cached analysis still holds."""
        parts = [self.id, self.kind, self.country or "", self.state or "", self.municipality or ""]
        parts += [self.level or "", *self.names]
        return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=12).hexdigest()


@dataclass(frozen=True, slots=True)
class Feature:
    """One piece of evidence: which parts matched how, or disagreed.

    `how` is one of: exact, translated, acronym, ordinal, spelling, joined, initial, context (absorbed by what
    is known of the other side), conflict (both sides have a different value), missing (one side only).
    `score` is the similarity of the pair (1.0 exact) or, for missing parts and conflicts, the weight lost.
    """

    name: str
    how: str
    score: float
    detail: str
    query_value: str | None = None
    candidate_value: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "feature": self.name,
            "how": self.how,
            "score": round(self.score, 4),
            "detail": self.detail,
            "query": self.query_value,
            "candidate": self.candidate_value,
        }

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled as its fields (batch workers send every match back): several times faster than the
        # state a frozen dataclass with slots pickles by default.
        return Feature, (self.name, self.how, self.score, self.detail, self.query_value, self.candidate_value)


@dataclass(frozen=True, slots=True)
class Explanation:
    features: tuple[Feature, ...]
    summary: str

    def to_dict(self) -> dict[str, Any]:
        return {"summary": self.summary, "features": [f.to_dict() for f in self.features]}

    def __reduce__(self) -> tuple[Any, ...]:
        return Explanation, (self.features, self.summary)


@dataclass(frozen=True, slots=True)
class Match:
    entity_id: str
    name: str
    kind: str
    score: float
    decision: Decision
    explanation: Explanation

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.entity_id,
            "name": self.name,
            "kind": self.kind,
            "score": round(self.score, 4),
            "decision": str(self.decision),
            "explanation": self.explanation.to_dict(),
        }

    def __reduce__(self) -> tuple[Any, ...]:
        fields = (self.entity_id, self.name, self.kind, self.score, self.decision, self.explanation)
        return Match, fields


@dataclass(frozen=True, slots=True)
class MatchConfig:
    """Thresholds and weights of the scoring rules; `lantern.settings.ScreeningSettings` documents each."""

    match_threshold: float = 0.8
    possible_threshold: float = 0.6
    word_weight: float = 1.0
    place_weight: float = 1.2
    number_weight: float = 1.2
    concept_weight: float = 0.6
    qualifier_weight: float = 0.3
    legal_form_weight: float = 0.25
    particle_weight: float = 0.3
    missing_word_cost: float = 0.8
    missing_person_word_cost: float = 0.25
    missing_place_cost: float = 1.5
    missing_number_cost: float = 1.5
    missing_concept_cost: float = 0.8
    missing_qualifier_cost: float = 0.3
    conflict_cost: float = 1.2
    min_token_similarity: float = 0.75
    min_person_token_similarity: float = 0.65
    conflict_factor: float = 0.35
    legal_form_conflict_cap: float = 0.7
    generic_only_cap: float = 0.5

    def decide(self, score: float) -> Decision:
        if score >= self.match_threshold:
            return Decision.MATCH
        if score >= self.possible_threshold:
            return Decision.POSSIBLE
        return Decision.NO_MATCH


@dataclass(frozen=True, slots=True)
class Query:
    """One name to screen, with its optional filters; `id` is echoed back in batch output."""

    name: str
    id: str | None = None
    country: str | None = None
    kind: str | None = None
