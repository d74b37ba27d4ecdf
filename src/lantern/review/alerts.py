"""The "what changed" line of an alert. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lantern.review.model import Criterion, Finding


def _first(evidence: list[Mapping[str, Any]], kind: str) -> Mapping[str, Any] | None:
    return next((step for step in evidence if step.get("kind") == kind), None)


def describe_implication(content: Mapping[str, Any], unit_names: Mapping[str, str], year: int | None) -> str:
    """'GOPES, part of SSP Tamaulipas, implicated on 2021-02-02 (source …): licence X, 2019, 300 items,
    120 shipped since'."""
    evidence: list[Mapping[str, Any]] = list(content.get("evidence", []))
    subject = str(content.get("subject", ""))
    parts = subject.split(":")
    relation = parts[2] if len(parts) > 3 else "is"
    implicated_key = parts[3] if len(parts) > 3 else ""
    hierarchy = _first(evidence, "hierarchy")
    path: list[str] = list(hierarchy["data"]["path"]) if hierarchy else [implicated_key]
    named_key = path[0] if path else implicated_key
    implicated = unit_names.get(implicated_key, implicated_key)
    named = unit_names.get(named_key, named_key)
    if relation == "contains":
        who = f"{implicated}, part of {named},"
    elif relation == "belongs to":
        who = f"{named}, part of {implicated},"
    else:
        who = implicated
    allegation = _first(evidence, "allegation")
    since = allegation["data"]["counted_since"] if allegation else "?"
    citations = allegation["data"].get("citations", []) if allegation else []
    source = citations[0]["source"] if citations else "no source"
    shipped = content.get("shipped_since_quantity")
    licence = content.get("licence", "")
    when = f", {year}" if year else ""
    tail = f", {shipped:,} shipped since" if isinstance(shipped, int) else ""
    quantity = content.get("quantity", 0)
    return f"{who} implicated on {since} (source {source}): licence {licence}{when}, {quantity:,} items{tail}"


def what_changed(
    kind: str,
    finding: Finding | None,
    previous: Mapping[str, Any] | None,
    unit_names: Mapping[str, str],
    year: int | None,
) -> str:
    """One line for the alert queue. `kind` is new, changed or resolved."""
    content: Mapping[str, Any] = finding.content() if finding is not None else (previous or {})
    criterion = content.get("criterion")
    if criterion == Criterion.IMPLICATED_END_USER.value:
        line = describe_implication(content, unit_names, year)
    else:
        line = str(content.get("summary", ""))
    if kind == "new":
        return f"New: {line}"
    if kind == "resolved":
        return f"Resolved: no longer found — {line}"
    changes = []
    if previous is not None and finding is not None:
        now = finding.content()
        for key in ("severity", "recommendation", "code", "shipped_since_quantity", "quantity", "value"):
            if previous.get(key) != now.get(key):
                changes.append(f"{key.replace('_', ' ')} {previous.get(key)} → {now.get(key)}")
        if previous.get("evidence") != now.get("evidence") and not changes:
            changes.append("evidence changed")
    return f"Changed ({'; '.join(changes) or 'details'}): {line}"
