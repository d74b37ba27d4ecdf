"""The review's rule data: congressional-notification rules and end-user word lists, read from package data.

The data files are part of the code's contract (tests pin them); thresholds that analysts tune live in
settings and reach the criteria through `ReviewPolicy`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from lantern.allegations.model import AllegationStatus, ViolationType
from lantern.core.provenance import Confidence
from lantern.review.model import NotificationRule, ReviewPolicy


def parse_rules(raw: Iterable[Mapping[str, Any]]) -> tuple[NotificationRule, ...]:
    return tuple(
        NotificationRule(
            key=r["key"],
            authority=r["authority"],
            citation=r["citation"],
            scope=r["scope"],
            threshold=Decimal(str(r["threshold"])),
            effective_from=date.fromisoformat(r["from"]) if r.get("from") else None,
            effective_to=date.fromisoformat(r["to"]) if r.get("to") else None,
            description=r["description"],
        )
        for r in raw
    )


def _data(name: str) -> Any:
    return json.loads(resources.files("lantern.review").joinpath("data", name).read_text(encoding="utf-8"))


@cache
def default_rules() -> tuple[NotificationRule, ...]:
    return parse_rules(_data("notification_rules.json"))


@cache
def end_user_terms() -> tuple[tuple[str, ...], tuple[str, ...]]:
    terms = _data("end_user_terms.json")
    return tuple(terms["generic_end_user"]), tuple(terms["reseller"])


def make_policy(
    *,
    min_confidence: str = "medium",
    counted_statuses: Iterable[str] = ("credible",),
    violation_types: Iterable[str] | None = None,
    reseller_unit_keys: Iterable[str] = (),
) -> ReviewPolicy:
    generic, reseller = end_user_terms()
    return ReviewPolicy(
        min_confidence=Confidence(min_confidence),
        counted_statuses=frozenset(AllegationStatus(s) for s in counted_statuses),
        violation_types=frozenset(ViolationType(v) for v in violation_types)
        if violation_types is not None
        else frozenset(ViolationType),
        reseller_unit_keys=frozenset(reseller_unit_keys),
        generic_end_user_patterns=generic,
        reseller_name_patterns=reseller,
    )
