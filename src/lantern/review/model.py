"""Findings of the licence review and the inputs the criteria read. Pure: no I/O."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

import orjson

from lantern.allegations.model import Allegation, AllegationStatus, ViolationType
from lantern.core.provenance import Confidence
from lantern.licences.model import Licence
from lantern.units.hierarchy import ancestors, children_index, descendants
from lantern.units.model import ParentLink, Unit
from lantern.watchlists.model import ListEntry


class Criterion(StrEnum):
    IMPLICATED_END_USER = "implicated_end_user"  # the letter's criterion 1
    UNIDENTIFIED_END_USER = "unidentified_end_user"  # the letter's criterion 2
    WATCH_LIST = "watch_list"
    CONGRESSIONAL_NOTIFICATION = "congressional_notification"
    CRIME_CONTROL = "crime_control_502b"
    PROVISO_BREACH = "proviso_breach"
    VIOLATION = "violation"  # a substantiated end-use violation stands for the end user or country

    @property
    def heading(self) -> str:
        return _CRITERION_TITLES[self]


_CRITERION_TITLES = {
    Criterion.IMPLICATED_END_USER: "Criterion 1: end user credibly implicated in abuses",
    Criterion.UNIDENTIFIED_END_USER: "Criterion 2: end users not accurately identified",
    Criterion.WATCH_LIST: "Watch-list hit on a private party",
    Criterion.CONGRESSIONAL_NOTIFICATION: "Congressional notification",
    Criterion.CRIME_CONTROL: "Section 502B crime-control gap",
    Criterion.PROVISO_BREACH: "Proviso breach",
    Criterion.VIOLATION: "Standing end-use violation",
}


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        return {"critical": 4, "high": 3, "medium": 2, "low": 1}[self.value]


class Recommendation(StrEnum):
    SUSPEND = "suspend"
    DENY = "deny"  # for applications not yet approved
    REQUIRE_END_USER_IDENTIFICATION = "require_end_user_identification"
    HOLD_SHIPMENTS = "hold_shipments"
    NOTIFY_CONGRESS = "notify_congress"
    PRESIDENTIAL_DETERMINATION = "presidential_determination"
    REVIEW = "review"


class FindingStatus(StrEnum):
    OPEN = "open"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"
    RESOLVED = "resolved"


class Decision(StrEnum):
    """How a party's name was resolved, in the screening engine's words."""

    MATCH = "match"
    POSSIBLE = "possible"
    NO_MATCH = "no_match"


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a party of a licence was found to be.

    `source` says who decided: the screening engine, an analyst's confirmation, or the data itself.
    """

    entity_id: str | None  # "unit:<key>" or "entry:<list>/<key>"; None when nothing matched
    decision: Decision
    score: float = 0.0
    matched_name: str | None = None
    why: str = ""
    source: str = "screening"
    candidates: tuple[tuple[str, float], ...] = ()  # other (entity id, score) considered

    @property
    def unit_key(self) -> str | None:
        if self.entity_id and self.entity_id.startswith("unit:") and self.decision is Decision.MATCH:
            return self.entity_id[5:]
        return None

    @property
    def entry_key(self) -> str | None:
        if self.entity_id and self.entity_id.startswith("entry:") and self.decision is not Decision.NO_MATCH:
            return self.entity_id[6:]
        return None


@dataclass(frozen=True, slots=True)
class ShipmentFact:
    """A shipment as the review sees it: when, how much, and to whom it was consigned."""

    key: str
    ship_date: date
    quantity: int
    value: Decimal
    status: str = "accepted"
    consignee: str | None = None
    consignee_state: str | None = None
    consignee_unit: str | None = None  # the unit the consignee text resolved to, if any


@dataclass(frozen=True, slots=True)
class Delivery:
    """Evidence that licensed items reached a unit: a shipment consigned to it, or custody records
    (transfers, inventories, end-use check sightings) of the licence's serials with it."""

    day: date
    unit_key: str
    source: str  # "shipment" or "custody"
    ref: str  # the shipment key, or the custody event kind
    count: int = 1


@dataclass(frozen=True, slots=True)
class NotificationRule:
    """A congressional-notification rule in force between two dates (rules change by effective date)."""

    key: str
    authority: str  # "AECA 36(c)", "EAR 743.6"
    citation: str
    scope: str  # "usml_cat_i_firearms" or "eccn_0a501a_semi_automatic"
    threshold: Decimal
    effective_from: date | None
    effective_to: date | None
    description: str

    def in_force_on(self, day: date) -> bool:
        if self.effective_from and day < self.effective_from:
            return False
        return not (self.effective_to and day > self.effective_to)


@dataclass(frozen=True, slots=True)
class ReviewPolicy:
    """The thresholds and word lists the criteria apply: settings, not constants."""

    min_confidence: Confidence = Confidence.MEDIUM
    counted_statuses: frozenset[AllegationStatus] = frozenset({AllegationStatus.CREDIBLE})
    violation_types: frozenset[ViolationType] = frozenset(ViolationType)
    reseller_unit_keys: frozenset[str] = frozenset()
    generic_end_user_patterns: tuple[str, ...] = ()
    reseller_name_patterns: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Registry:
    """The slice of the unit registry, allegations and watch lists one licence's review needs."""

    units: Mapping[str, Unit]
    parent_links: Mapping[str, Sequence[ParentLink]]
    allegations_by_unit: Mapping[str, Sequence[Allegation]]
    list_entries: Mapping[str, ListEntry] = field(default_factory=dict)
    standing_violations: Sequence[StandingViolation] = ()
    children: Mapping[str, Sequence[tuple[str, ParentLink]]] = field(default_factory=dict)
    # Worked out from the fields above on first use; `dataclasses.replace` starts a new registry without it.
    _derived: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def alleged_below(self, unit_key: str) -> tuple[str, ...]:
        """Units with an allegation that sat below `unit_key` at any time, nearest first. Most units have
        none, so a review need not walk down their hierarchy; for the others it checks only these units."""
        above = self._derived.get("above")
        if above is None:
            above = set()
            for key, allegations in self.allegations_by_unit.items():
                if allegations:
                    above.update(ancestors(key, self.parent_links, None))
            self._derived["above"] = above
        if unit_key not in above:
            return ()
        below: dict[str, tuple[str, ...]] = self._derived.setdefault("below", {})
        found = below.get(unit_key)
        if found is None:
            found = below[unit_key] = tuple(
                key for key in descendants(unit_key, self.children, None) if self.allegations_by_unit.get(key)
            )
        return found

    @classmethod
    def build(
        cls,
        units: Mapping[str, Unit],
        parent_links: Mapping[str, Sequence[ParentLink]],
        allegations_by_unit: Mapping[str, Sequence[Allegation]],
        list_entries: Mapping[str, ListEntry] | None = None,
        standing_violations: Sequence[StandingViolation] = (),
    ) -> Registry:
        return cls(
            units=units,
            parent_links=parent_links,
            allegations_by_unit=allegations_by_unit,
            list_entries=list_entries or {},
            standing_violations=standing_violations,
            children=children_index(parent_links),
        )


@dataclass(frozen=True, slots=True)
class StandingViolation:
    """A substantiated violation case that still stands, for its end-user unit or its country."""

    case_key: str
    unit_key: str | None
    country: str | None
    substantiated_on: date
    summary: str


@dataclass(frozen=True, slots=True)
class LicenceFacts:
    """Everything the criteria read about one licence."""

    licence: Licence
    resolutions: Mapping[int, Resolution]  # party index → resolution
    shipments: Sequence[ShipmentFact] = ()
    consignee_statement: bool = False  # STA: a prior consignee statement naming the consignee is on file
    deliveries: Sequence[Delivery] = ()


@dataclass(frozen=True, slots=True)
class EvidenceStep:
    """One link of an evidence chain: the party as written → resolved unit → hierarchy → allegation."""

    kind: str  # party, resolution, hierarchy, allegation, citation, shipment, rule, list_entry, item, proviso
    text: str
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Finding:
    licence_key: str
    criterion: Criterion
    code: str  # the variant, e.g. "implicated_after_approval", "generic_end_user"
    subject: str  # what the finding is about, stable across runs: a party, a unit, an allegation, a rule
    severity: Severity
    recommendation: Recommendation
    summary: str
    evidence: tuple[EvidenceStep, ...] = ()
    quantity: int = 0  # items concerned
    value: Decimal = Decimal(0)  # value concerned
    shipped_since_quantity: int | None = None
    shipped_since_value: Decimal | None = None

    @property
    def fingerprint(self) -> str:
        """Identity across runs: the same licence, criterion, variant and subject."""
        raw = "\x1f".join((self.licence_key, self.criterion.value, self.code, self.subject))
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]

    def content(self) -> dict[str, Any]:
        return {
            "licence": self.licence_key,
            "criterion": self.criterion.value,
            "code": self.code,
            "subject": self.subject,
            "severity": self.severity.value,
            "recommendation": self.recommendation.value,
            "summary": self.summary,
            "evidence": [{"kind": s.kind, "text": s.text, "data": dict(s.data)} for s in self.evidence],
            "quantity": self.quantity,
            "value": str(self.value),
            "shipped_since_quantity": self.shipped_since_quantity,
            "shipped_since_value": None
            if self.shipped_since_value is None
            else str(self.shipped_since_value),
        }

    @property
    def content_hash(self) -> str:
        """Changes when anything a reviewer reads changes, so an edit to the evidence raises an alert."""
        payload = orjson.dumps(self.content(), option=orjson.OPT_SORT_KEYS, default=str)
        return hashlib.sha256(payload).hexdigest()[:32]
