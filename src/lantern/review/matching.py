"""Choosing a party's resolution from screening candidates and analysts' dispositions. Pure."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from lantern.review.model import Decision, Resolution


class Candidate(Protocol):
    """What the screening engine returns for one candidate (lantern.screening.Match fits)."""

    @property
    def entity_id(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def score(self) -> float: ...

    @property
    def decision(self) -> str: ...

    @property
    def explanation(self) -> Any: ...


@dataclass(frozen=True, slots=True)
class Verdict:
    """An analyst's standing disposition on (name, entity)."""

    entity_id: str
    verdict: str  # confirm, reject
    actor: str
    reason: str


def explanation_text(explanation: Any) -> str:
    if explanation is None:
        return ""
    for attribute in ("summary", "text"):
        value = getattr(explanation, attribute, None)
        if isinstance(value, str):
            return value
    if isinstance(explanation, dict):
        return str(explanation.get("summary", ""))
    return str(explanation)


#: The screening candidates a resolution keeps (and the most a batch resolution asks the engine for).
CANDIDATES_KEPT = 5


def choose(
    candidates: Sequence[Candidate],
    verdicts: Iterable[Verdict] = (),
    *,
    data_entity: str | None = None,
    keep: int = CANDIDATES_KEPT,
) -> Resolution:
    """The resolution of one party.

    Order of authority: an entity given by the licence data itself, then an analyst's confirmation, then the
    best screening candidate the analysts have not rejected.
    """
    others = tuple((c.entity_id, round(c.score, 4)) for c in candidates[:keep])
    if data_entity:
        return Resolution(data_entity, Decision.MATCH, 1.0, None, "given in the licence data", "data", others)
    verdicts = list(verdicts)
    confirmed = [v for v in verdicts if v.verdict == "confirm"]
    if confirmed:
        chosen = confirmed[-1]
        found = next((c for c in candidates if c.entity_id == chosen.entity_id), None)
        return Resolution(
            chosen.entity_id,
            Decision.MATCH,
            found.score if found else 1.0,
            found.name if found else None,
            f"confirmed by {chosen.actor}: {chosen.reason}",
            "analyst",
            others,
        )
    rejected = {v.entity_id for v in verdicts if v.verdict == "reject"}
    for candidate in candidates:
        if candidate.entity_id in rejected:
            continue
        decision = Decision(candidate.decision)
        if decision is Decision.NO_MATCH:
            break
        return Resolution(
            candidate.entity_id,
            decision,
            candidate.score,
            candidate.name,
            explanation_text(candidate.explanation),
            "screening",
            others,
        )
    why = "no candidate reached the possible threshold"
    if rejected:
        why += f" (analysts rejected {', '.join(sorted(rejected))})"
    best = candidates[0].score if candidates else 0.0
    return Resolution(None, Decision.NO_MATCH, best, None, why, "screening", others)


def fingerprint(*parts: object) -> str:
    """A short hash of what makes an entity the entity an analyst judged (names, kind, place)."""
    raw = "\x1f".join(repr(p) for p in parts)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]
