"""The letter's suspension criteria and the other licence checks, as pure functions.

`review_licence(facts, registry, policy, rules, as_of)` returns every finding for one licence. Nothing here
reads the store or the clock: the service gathers the facts, and `as_of` says which day the review speaks
for, so a review can be re-run for any past day and gives the same answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from lantern.allegations.model import Allegation, AllegationStatus
from lantern.core.text import fold
from lantern.licences.model import (
    RECEIVING_ROLES,
    Item,
    Licence,
    LicenceKind,
    LicenceStatus,
    Party,
    PartyRole,
)
from lantern.review.model import (
    Criterion,
    Decision,
    Delivery,
    EvidenceStep,
    Finding,
    LicenceFacts,
    NotificationRule,
    Recommendation,
    Registry,
    Resolution,
    ReviewPolicy,
    Severity,
)
from lantern.units.hierarchy import ancestors
from lantern.units.model import POLICE_KINDS, Unit, UnitKind

#: Statuses after which a licence can no longer ship: findings on them recommend review, not suspension.
CLOSED_STATUSES = frozenset(
    {LicenceStatus.DENIED, LicenceStatus.REVOKED, LicenceStatus.EXPIRED, LicenceStatus.EXHAUSTED}
)
PENDING_STATUSES = frozenset({LicenceStatus.APPLIED, LicenceStatus.RETURNED})
PRIVATE_ROLES = frozenset(
    {
        PartyRole.APPLICANT,
        PartyRole.SELLER,
        PartyRole.PURCHASER,
        PartyRole.INTERMEDIATE_CONSIGNEE,
        PartyRole.ULTIMATE_CONSIGNEE,
        PartyRole.END_USER,
    }
)


def reference_day(licence: Licence, as_of: date) -> date:
    """The day a licence speaks for: its approval (or issue) date, or today's review day if pending."""
    approved = licence.approved_at()
    if approved is not None:
        return approved.date()
    return licence.issue_date or as_of


def _money(value: Decimal) -> str:
    return f"US${value:,.0f}"


def _party_step(index: int, party: Party) -> EvidenceStep:
    return EvidenceStep(
        "party",
        f"{party.role.value.replace('_', ' ')} as written: “{party.name}”",
        {"index": index, "role": party.role.value, "name": party.name, "country": party.country},
    )


def _resolution_step(res: Resolution, units: dict[str, Unit] | None = None) -> EvidenceStep:
    name = res.matched_name or res.entity_id or "nothing"
    how = {"screening": "screened", "analyst": "confirmed by an analyst", "data": "given in the licence data"}
    text = f"resolved to {name} ({res.entity_id}), {how.get(res.source, res.source)}, score {res.score:.2f}"
    if res.why:
        text += f": {res.why}"
    return EvidenceStep(
        "resolution",
        text,
        {
            "entity_id": res.entity_id,
            "decision": res.decision.value,
            "score": round(res.score, 4),
            "source": res.source,
            "why": res.why,
        },
    )


# ---------------------------------------------------------------------------------------------------------
# Criterion 1: implicated end users


def counted_since(allegation: Allegation, policy: ReviewPolicy, as_of: date) -> date | None:
    """The day the allegation began to count against its units, or None if it does not count on `as_of`.

    It counts when its status on `as_of` is one the policy counts (credible by default), its confidence
    reaches the policy minimum and it names a violation type the policy covers. Remediated and
    not-substantiated allegations stop counting from the day of that status.
    """
    if not allegation.confidence.at_least(policy.min_confidence):
        return None
    if not set(allegation.violations) & policy.violation_types:
        return None
    if allegation.status_on(as_of) not in policy.counted_statuses:
        return None
    since: date | None = None
    for entry in sorted(allegation.statuses, key=lambda e: e.on):
        if entry.on > as_of:
            break
        if entry.status in policy.counted_statuses:
            since = since or entry.on
        elif entry.status in {AllegationStatus.REMEDIATED, AllegationStatus.NOT_SUBSTANTIATED}:
            since = None
    return since


@dataclass(frozen=True, slots=True)
class Implication:
    """A unit related to a party's unit, and the allegations against it that count."""

    unit_key: str
    relation: str  # "is", "contains", "belongs to"
    path: tuple[str, ...]  # unit keys from the party's unit to the implicated unit
    allegations: tuple[tuple[Allegation, date], ...]  # (allegation, counted since)

    @property
    def implicated_on(self) -> date:
        return min(since for _, since in self.allegations)


def _counting(
    unit_key: str, registry: Registry, policy: ReviewPolicy, as_of: date
) -> list[tuple[Allegation, date]]:
    found = []
    for allegation in registry.allegations_by_unit.get(unit_key, ()):
        since = counted_since(allegation, policy, as_of)
        if since is not None:
            found.append((allegation, since))
    return found


def implications(
    unit_key: str,
    registry: Registry,
    policy: ReviewPolicy,
    days: Sequence[date],
    as_of: date,
    *,
    contains: bool = True,
) -> list[Implication]:
    """Implicated units the party's unit is, contains or belongs to, on any of `days`.

    "Contains": an implicated sub-unit that sat under the party's unit both on one of the licence's days and
    on the day of the incident (so the abuse happened inside the structure the licence arms).
    "Belongs to": an implicated force the party's unit sat under on one of the licence's days.
    With `contains=False` the sub-units are not looked at (a reseller's, whose allegations do not follow).
    """
    found: list[Implication] = []
    own = _counting(unit_key, registry, policy, as_of)
    if own:
        found.append(Implication(unit_key, "is", (unit_key,), tuple(own)))
    # Only units with an allegation can be contained implicated units: each of those that ever sat below the
    # party's unit is checked for sitting below it on one of the days (walking up from it is short, where
    # walking down a force such as SEDENA visits tens of thousands of units for every licence).
    below = [
        child
        for child in (registry.alleged_below(unit_key) if contains else ())
        if any(unit_key in ancestors(child, registry.parent_links, day) for day in days)
    ]
    for child in below:
        allegations = []
        for allegation, since in _counting(child, registry, policy, as_of):
            incident = allegation.incident.earliest() or allegation.incident.latest()
            if incident is None or unit_key in ancestors(child, registry.parent_links, incident):
                allegations.append((allegation, since))
        if allegations:
            path = _path_down(unit_key, child, registry, days)
            found.append(Implication(child, "contains", path, tuple(allegations)))
    above: dict[str, None] = {}
    for day in days:
        for parent in ancestors(unit_key, registry.parent_links, day):
            above.setdefault(parent, None)
    for parent in above:
        allegations = _counting(parent, registry, policy, as_of)
        if allegations:
            path = (unit_key, *_path_up(unit_key, parent, registry, days))
            found.append(Implication(parent, "belongs to", path, tuple(allegations)))
    return found


def _path_up(start: str, target: str, registry: Registry, days: Sequence[date]) -> tuple[str, ...]:
    for day in days:
        chain = ancestors(start, registry.parent_links, day)
        if target in chain:
            # ancestors() walks breadth-first; rebuild the direct chain by following single parents.
            path: list[str] = []
            current = start
            for _ in range(len(chain) + 1):
                parents = [
                    link.parent_key
                    for link in registry.parent_links.get(current, ())
                    if link.period.may_contain(day)
                ]
                nxt = next(
                    (p for p in parents if p == target or target in ancestors(p, registry.parent_links, day)),
                    None,
                )
                if nxt is None:
                    break
                path.append(nxt)
                if nxt == target:
                    return tuple(path)
                current = nxt
    return (target,)


def _path_down(top: str, target: str, registry: Registry, days: Sequence[date]) -> tuple[str, ...]:
    up = _path_up(target, top, registry, days)
    return (top, *reversed(up[:-1]), target)


def _unit_label(key: str, registry: Registry) -> str:
    unit = registry.units.get(key)
    return f"{unit.name} ({key})" if unit else key


def _allegation_steps(implication: Implication) -> list[EvidenceStep]:
    steps = []
    for allegation, since in sorted(implication.allegations, key=lambda pair: pair[1]):
        violations = ", ".join(v.value.replace("_", " ") for v in allegation.violations)
        cites = "; ".join(
            f"{c.source_key}" + (f", {c.access_point}" if c.access_point else "")
            for c in allegation.citations
        )
        steps.append(
            EvidenceStep(
                "allegation",
                f"allegation {allegation.key}: {violations}, {allegation.incident}, confidence "
                f"{allegation.confidence.value}, credible since {since}. Sources: {cites}",
                {
                    "key": allegation.key,
                    "violations": [v.value for v in allegation.violations],
                    "incident": str(allegation.incident),
                    "confidence": allegation.confidence.value,
                    "counted_since": since.isoformat(),
                    "place": allegation.place,
                    "description": allegation.description,
                    "citations": [
                        {"source": c.source_key, "access_point": c.access_point, "quote": c.quote}
                        for c in allegation.citations
                    ],
                },
            )
        )
    return steps


def _shipped_since(facts: LicenceFacts, since: date) -> tuple[int, Decimal]:
    quantity = 0
    value = Decimal(0)
    for shipment in facts.shipments:
        if shipment.status != "rejected" and shipment.ship_date >= since:
            quantity += shipment.quantity
            value += shipment.value
    return quantity, value


def _licence_totals(licence: Licence) -> tuple[int, Decimal]:
    quantity = sum(item.quantity for item in licence.items)
    value = licence.total_value
    if value is None:
        value = sum((item.total_value or Decimal(0) for item in licence.items), Decimal(0))
    return quantity, value


def _recommend(licence: Licence, *, when_active: Recommendation) -> Recommendation:
    status = licence.status
    if status in PENDING_STATUSES:
        return Recommendation.DENY
    if status in CLOSED_STATUSES:
        return Recommendation.REVIEW
    return when_active


def implicated_end_user_findings(
    facts: LicenceFacts, registry: Registry, policy: ReviewPolicy, as_of: date
) -> list[Finding]:
    licence = facts.licence
    ref = reference_day(licence, as_of)
    days = [ref] if licence.status in CLOSED_STATUSES else sorted({ref, as_of})
    approved = licence.approved_at()
    quantity, value = _licence_totals(licence)
    findings = []
    for index, party in enumerate(licence.parties):
        if party.role not in RECEIVING_ROLES:
            continue
        res = facts.resolutions.get(index)
        if res is None or res.unit_key is None:
            continue
        # SEDENA/DCAM import to resell to police: the goods do not go to the battalions SEDENA contains, so
        # its sub-units' allegations do not follow the licence (criterion 2 does).
        reseller = res.unit_key in policy.reseller_unit_keys
        for imp in implications(res.unit_key, registry, policy, days, as_of, contains=not reseller):
            implicated_on = imp.implicated_on
            if licence.status in PENDING_STATUSES or approved is None:
                code = "implicated_pending"
                timing = "before any approval: the application should be denied"
            elif implicated_on <= approved.date():
                code = "implicated_before_approval"
                timing = f"before approval on {approved.date()}: the licence should not have been issued"
            else:
                code = "implicated_after_approval"
                timing = (
                    f"after approval on {approved.date()}: the licence needed affirmative action "
                    "(suspend and hold shipments)"
                )
            shipped_q, shipped_v = _shipped_since(facts, implicated_on)
            target = _unit_label(imp.unit_key, registry)
            named = _unit_label(res.unit_key, registry)
            if imp.relation == "is":
                relation_text = f"{named} is implicated"
            elif imp.relation == "contains":
                relation_text = f"{named} contains {target}, which is implicated"
            else:
                relation_text = f"{named} belongs to {target}, which is implicated"
            summary = (
                f"{party.role.value.replace('_', ' ').capitalize()} “{party.name}”: {relation_text} "
                f"(credible since {implicated_on}), {timing}. Since then: {shipped_q:,} items "
                f"({_money(shipped_v)}) shipped."
            )
            evidence = [_party_step(index, party), _resolution_step(res)]
            if imp.relation != "is":
                evidence.append(
                    EvidenceStep(
                        "hierarchy",
                        f"{imp.relation}: "
                        + " → ".join(_unit_label(k, registry) for k in imp.path)
                        + f" (hierarchy as it stood on {', '.join(str(d) for d in days)})",
                        {
                            "relation": imp.relation,
                            "path": list(imp.path),
                            "days": [d.isoformat() for d in days],
                        },
                    )
                )
            evidence.extend(_allegation_steps(imp))
            evidence.append(
                EvidenceStep(
                    "shipment",
                    f"shipped since {implicated_on}: {shipped_q:,} items, {_money(shipped_v)}",
                    {"since": implicated_on.isoformat(), "quantity": shipped_q, "value": str(shipped_v)},
                )
            )
            findings.append(
                Finding(
                    licence_key=licence.key,
                    criterion=Criterion.IMPLICATED_END_USER,
                    code=code,
                    subject=f"party:{index}:{imp.relation}:{imp.unit_key}",
                    severity=Severity.CRITICAL if imp.relation == "is" else Severity.HIGH,
                    recommendation=_recommend(licence, when_active=Recommendation.SUSPEND),
                    summary=summary,
                    evidence=tuple(evidence),
                    quantity=quantity,
                    value=value,
                    shipped_since_quantity=shipped_q,
                    shipped_since_value=shipped_v,
                )
            )
    return findings


# ---------------------------------------------------------------------------------------------------------
# Criterion 2: end users not accurately identified


def _deliveries_below(
    unit_key: str, facts: LicenceFacts, registry: Registry, named: Sequence[str]
) -> list[Delivery]:
    """Deliveries of the licence's items to sub-units of `unit_key` that the licence does not name.

    "Named only at secretariat level when the items go to its sub-units": the evidence that items went below
    the named level is a shipment consigned to a sub-unit, or custody records of the serials with one.
    """
    found = []
    for delivery in facts.deliveries:
        if delivery.unit_key == unit_key or delivery.unit_key in named:
            continue
        if unit_key in ancestors(delivery.unit_key, registry.parent_links, delivery.day):
            found.append(delivery)
    return found


@lru_cache(maxsize=64)
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


def _matches_any(name: str, patterns: Sequence[str]) -> str | None:
    folded = fold(name)
    for compiled in _compiled(tuple(patterns)):
        if compiled.search(folded):
            return compiled.pattern
    return None


def unidentified_end_user_findings(
    facts: LicenceFacts, registry: Registry, policy: ReviewPolicy, as_of: date
) -> list[Finding]:
    licence = facts.licence
    quantity, value = _licence_totals(licence)
    recommendation = _recommend(licence, when_active=Recommendation.REQUIRE_END_USER_IDENTIFICATION)
    findings: list[Finding] = []

    def add(code: str, subject: str, severity: Severity, summary: str, evidence: list[EvidenceStep]) -> None:
        findings.append(
            Finding(
                licence_key=licence.key,
                criterion=Criterion.UNIDENTIFIED_END_USER,
                code=code,
                subject=subject,
                severity=severity,
                recommendation=recommendation,
                summary=summary,
                evidence=tuple(evidence),
                quantity=quantity,
                value=value,
            )
        )

    end_users = [(i, p) for i, p in enumerate(licence.parties) if p.role is PartyRole.END_USER]
    if licence.kind is LicenceKind.STA and not facts.consignee_statement:
        add(
            "sta_without_consignee_statement",
            "licence",
            Severity.HIGH,
            "STA shipment with no prior consignee statement naming the consignee on file: no document "
            "identifies who receives the items.",
            [
                EvidenceStep(
                    "rule", "License Exception STA requires a prior consignee statement (EAR 740.20(d))."
                )
            ],
        )
    if not end_users:
        add(
            "no_end_user",
            "licence",
            Severity.HIGH,
            "The licence names no end user at all.",
            [
                EvidenceStep(
                    "party", "parties: " + "; ".join(f"{p.role.value}: {p.name}" for p in licence.parties)
                )
            ],
        )
    final_units: list[str] = []
    reseller_parties: list[tuple[int, Party, Resolution | None]] = []
    for index, party in enumerate(licence.parties):
        if party.role not in RECEIVING_ROLES:
            continue
        res = facts.resolutions.get(index)
        unit_key = res.unit_key if res else None
        is_reseller = (
            (unit_key in policy.reseller_unit_keys)
            if unit_key
            else bool(_matches_any(party.name, policy.reseller_name_patterns))
        )
        if is_reseller:
            reseller_parties.append((index, party, res))
        elif party.role is PartyRole.END_USER and unit_key:
            final_units.append(unit_key)
    for index, party in end_users:
        res = facts.resolutions.get(index)
        generic = _matches_any(party.name, policy.generic_end_user_patterns)
        if generic:
            # Generic wording fails criterion 2 even when screening finds a likely unit behind it: "police
            # forces of the State of Guerrero" does not say which force receives the items.
            evidence = [
                _party_step(index, party),
                EvidenceStep("rule", f"generic end-user wording ({generic!r})"),
            ]
            if res is not None and res.unit_key:
                evidence.append(_resolution_step(res))
            add(
                "generic_end_user",
                f"party:{index}",
                Severity.HIGH,
                f"End user “{party.name}” is generic: it names no unit that could be vetted.",
                evidence,
            )
            continue
        if res is None or res.decision is Decision.NO_MATCH:
            add(
                "unresolved_end_user",
                f"party:{index}",
                Severity.MEDIUM,
                f"End user “{party.name}” resolves to no known unit, so it cannot be vetted.",
                [_party_step(index, party)] + ([_resolution_step(res)] if res else []),
            )
        elif res.decision is Decision.POSSIBLE and res.entity_id and res.entity_id.startswith("unit:"):
            add(
                "uncertain_end_user",
                f"party:{index}",
                Severity.LOW,
                f"End user “{party.name}” only possibly matches {res.matched_name or res.entity_id}: "
                "an analyst must confirm or reject it before it can be vetted.",
                [_party_step(index, party), _resolution_step(res)],
            )
    # SEDENA/DCAM as consignee is the normal route; it fails criterion 2 only when no end user other than the
    # reseller is named. A named end user that is generic, unresolved or uncertain has its own finding, and a
    # licence with no end user at all has "no_end_user".
    reseller_indexes = {index for index, _, _ in reseller_parties}
    if end_users and all(index in reseller_indexes for index, _ in end_users):
        for index, party, res in reseller_parties:
            add(
                "reseller_without_final_end_user",
                f"party:{index}",
                Severity.HIGH,
                f"{party.role.value.replace('_', ' ').capitalize()} “{party.name}” is SEDENA/DCAM, "
                "the only legal "
                "importer, which resells to police: no final police or military unit is named.",
                [_party_step(index, party)] + ([_resolution_step(res)] if res else []),
            )
    for index, party in end_users:
        res = facts.resolutions.get(index)
        if res is None or res.unit_key is None or res.unit_key in policy.reseller_unit_keys:
            continue
        if _matches_any(party.name, policy.generic_end_user_patterns):
            continue
        reached = _deliveries_below(res.unit_key, facts, registry, final_units)
        if not reached:
            continue
        unit = registry.units.get(res.unit_key)
        units = sorted({d.unit_key for d in reached})
        add(
            "secretariat_level_end_user",
            f"party:{index}",
            Severity.MEDIUM,
            f"End user “{party.name}” is named only at the level of {unit.name if unit else res.unit_key}, "
            f"but the items went to its sub-unit(s) {', '.join(_unit_label(k, registry) for k in units)}, "
            "which the licence does not name.",
            [
                _party_step(index, party),
                _resolution_step(res),
                *(
                    EvidenceStep(
                        "delivery",
                        f"{d.source} {d.ref} of {d.day}: {d.count} to {_unit_label(d.unit_key, registry)}, "
                        f"a sub-unit of {unit.name if unit else res.unit_key} on that day",
                        {"day": d.day.isoformat(), "unit": d.unit_key, "source": d.source, "ref": d.ref},
                    )
                    for d in reached
                ),
            ],
        )
    return findings


# ---------------------------------------------------------------------------------------------------------
# Watch lists, congressional notification, Section 502B, provisos, standing violations


def watch_list_findings(facts: LicenceFacts, registry: Registry, as_of: date) -> list[Finding]:
    """Private parties that resolve to a list entry that was listed on the licence's day.

    A licence approved while its seller was listed is a finding even if the entry was delisted since; one
    approved after the delisting is not.
    """
    licence = facts.licence
    day = reference_day(licence, as_of)
    quantity, value = _licence_totals(licence)
    findings = []
    for index, party in enumerate(licence.parties):
        if party.role not in PRIVATE_ROLES:
            continue
        res = facts.resolutions.get(index)
        if res is None or res.entry_key is None:
            continue
        entry = registry.list_entries.get(res.entry_key)
        listed = ""
        if entry is not None:
            listed = f" on {entry.list_key}" + (f" since {entry.listed}" if entry.listed else "")
            if entry.listed and entry.listed.earliest() > day:
                continue
            if entry.delisted and entry.delisted.earliest() <= day:
                continue
            if entry.delisted:
                listed += f", delisted {entry.delisted}"
        strong = res.decision is Decision.MATCH
        findings.append(
            Finding(
                licence_key=licence.key,
                criterion=Criterion.WATCH_LIST,
                code="watch_list_match" if strong else "watch_list_possible",
                subject=f"party:{index}:{res.entity_id}",
                severity=Severity.HIGH if strong else Severity.MEDIUM,
                recommendation=_recommend(licence, when_active=Recommendation.REVIEW)
                if strong
                else Recommendation.REVIEW,
                summary=f"{party.role.value.replace('_', ' ').capitalize()} “{party.name}” "
                f"{'matches' if strong else 'possibly matches'} watch-list entry "
                f"{res.matched_name or res.entity_id}{listed}.",
                evidence=(
                    _party_step(index, party),
                    _resolution_step(res),
                    EvidenceStep(
                        "list_entry",
                        f"list entry {res.entry_key}"
                        + (f": {entry.name}; programs {', '.join(entry.programs) or '—'}" if entry else ""),
                        {"entry": res.entry_key, "remarks": entry.remarks if entry else None},
                    ),
                ),
                quantity=quantity,
                value=value,
            )
        )
    return findings


def _in_scope(item: Item, scope: str) -> bool:
    if scope == "usml_cat_i_firearms":
        return item.is_usml_category_i
    if scope == "eccn_0a501a_semi_automatic":
        return item.eccn is not None and item.eccn.upper().replace(" ", "").startswith("0A501.A")
    raise ValueError(f"unknown notification scope {scope!r}")


def congressional_notification_findings(
    facts: LicenceFacts, rules: Sequence[NotificationRule], as_of: date
) -> list[Finding]:
    licence = facts.licence
    day = reference_day(licence, as_of)
    findings = []
    for rule in rules:
        if not rule.in_force_on(day):
            continue
        items = [item for item in licence.items if _in_scope(item, rule.scope)]
        value = sum((item.total_value or Decimal(0) for item in items), Decimal(0))
        if not items or value < rule.threshold or licence.cn_reference:
            continue
        findings.append(
            Finding(
                licence_key=licence.key,
                criterion=Criterion.CONGRESSIONAL_NOTIFICATION,
                code="notification_missing",
                subject=f"rule:{rule.key}",
                severity=Severity.HIGH,
                recommendation=Recommendation.NOTIFY_CONGRESS,
                summary=f"{_money(value)} of items under {rule.authority} "
                f"(threshold {_money(rule.threshold)}, in "
                f"force on {day}) and no congressional-notification reference.",
                evidence=(
                    EvidenceStep(
                        "rule",
                        f"{rule.authority} ({rule.citation}): {rule.description}",
                        {
                            "rule": rule.key,
                            "threshold": str(rule.threshold),
                            "from": rule.effective_from.isoformat() if rule.effective_from else None,
                            "to": rule.effective_to.isoformat() if rule.effective_to else None,
                            "day": day.isoformat(),
                        },
                    ),
                    *(
                        EvidenceStep(
                            "item",
                            f"line {item.line}: {item.description} ({item.usml_category or item.eccn}), "
                            f"{item.quantity:,} × {_money(item.total_value or Decimal(0))}",
                            {"line": item.line, "value": str(item.total_value)},
                        )
                        for item in items
                    ),
                ),
                quantity=sum(item.quantity for item in items),
                value=value,
            )
        )
    return findings


#: Units whose arms FAA 502B / EAR 742.7 would treat as police equipment. The Guardia Nacional is by statute
#: a public-security institution, so it counts as police here.
LAW_ENFORCEMENT_KINDS = POLICE_KINDS | {UnitKind.NATIONAL_GUARD}
#: Wording that says an unresolved end user, or the licence's stated end use, is police or law enforcement.
_POLICE = re.compile(
    r"\bpolic|\bpolice|\blaw enforcement|\bfiscal|\bministerial|\bseguridad publica|\bpublic security"
    r"|\bguardia"
)


def crime_control_findings(
    facts: LicenceFacts, registry: Registry, earlier: Sequence[Finding]
) -> list[Finding]:
    """Commerce-controlled firearms for a police end user that is implicated or unidentified (FAA 502B)."""
    licence = facts.licence
    items = [item for item in licence.items if item.is_ccl_firearm]
    if not items:
        return []
    flagged: dict[str, Finding] = {}
    for finding in earlier:
        if finding.criterion not in {Criterion.IMPLICATED_END_USER, Criterion.UNIDENTIFIED_END_USER}:
            continue
        if not finding.subject.startswith("party:"):
            continue
        index = int(finding.subject.split(":")[1])
        party = licence.parties[index]
        res = facts.resolutions.get(index)
        unit = registry.units.get(res.unit_key) if res and res.unit_key else None
        # A party that resolves to a unit can still leave the final end user unidentified (SEDENA/DCAM
        # "for resale to authorized law enforcement agencies"): then the wording says whether it is police.
        unidentified = unit is None or finding.code in ("generic_end_user", "reseller_without_final_end_user")
        police = (unit is not None and unit.kind in LAW_ENFORCEMENT_KINDS) or (
            unidentified
            and bool(_POLICE.search(fold(party.name)) or _POLICE.search(fold(licence.end_use or "")))
        )
        if police:
            flagged.setdefault(f"party:{index}", finding)
    findings = []
    value = sum((item.total_value or Decimal(0) for item in items), Decimal(0))
    for subject, basis in flagged.items():
        why = "implicated" if basis.criterion is Criterion.IMPLICATED_END_USER else "not identified"
        findings.append(
            Finding(
                licence_key=licence.key,
                criterion=Criterion.CRIME_CONTROL,
                code="police_end_user_" + ("implicated" if why == "implicated" else "unidentified"),
                subject=subject,
                severity=Severity.HIGH,
                recommendation=Recommendation.REVIEW,
                summary=f"{len(items)} line(s) of Commerce-controlled firearms ({_money(value)}) "
                "for a police end "
                f"user that is {why}. These items are not regulated as crime-control equipment (EAR 742.7), "
                "so FAA 502B's human-rights test is never applied to them.",
                evidence=(
                    EvidenceStep(
                        "rule",
                        "FAA 502B / EAR 742.7: crime-control licensing does not cover ECCN 0A501–0A505.",
                    ),
                    EvidenceStep(
                        "finding", basis.summary, {"criterion": basis.criterion.value, "code": basis.code}
                    ),
                    *(
                        EvidenceStep(
                            "item",
                            f"line {i.line}: {i.description} ({i.eccn}), {i.quantity:,}",
                            {"line": i.line},
                        )
                        for i in items
                    ),
                ),
                quantity=sum(i.quantity for i in items),
                value=value,
            )
        )
    return findings


def proviso_findings(facts: LicenceFacts, registry: Registry, as_of: date) -> list[Finding]:
    licence = facts.licence
    if not licence.exclusions:
        return []
    ref = reference_day(licence, as_of)
    quantity, value = _licence_totals(licence)
    findings = []
    for exclusion in licence.exclusions:
        wanted = fold(exclusion.value)
        hits: list[EvidenceStep] = []
        for index, party in enumerate(licence.parties):
            if party.role not in RECEIVING_ROLES:
                continue
            res = facts.resolutions.get(index)
            unit = registry.units.get(res.unit_key) if res and res.unit_key else None
            if unit is None:
                continue
            breach = False
            if exclusion.kind.value == "state":
                breach = unit.state is not None and fold(unit.state) == wanted
            elif exclusion.kind.value == "unit":
                breach = unit.key == exclusion.value or exclusion.value in ancestors(
                    unit.key, registry.parent_links, ref
                )
            elif exclusion.kind.value == "unit_kind":
                breach = unit.kind.value == exclusion.value
            if breach:
                hits.append(
                    EvidenceStep(
                        "party",
                        f"{party.role.value.replace('_', ' ')} “{party.name}” resolves to {unit.name}"
                        + (f" in {unit.state}" if unit.state else ""),
                        {"index": index, "unit": unit.key, "state": unit.state},
                    )
                )
        if exclusion.kind.value == "state":
            for shipment in facts.shipments:
                if shipment.consignee_state and fold(shipment.consignee_state) == wanted:
                    hits.append(
                        EvidenceStep(
                            "shipment",
                            f"shipment {shipment.key} of {shipment.ship_date} went to "
                            f"{shipment.consignee or 'a consignee'} in {shipment.consignee_state}",
                            {"shipment": shipment.key, "state": shipment.consignee_state},
                        )
                    )
        if not hits:
            continue
        text = exclusion.text or f"excludes {exclusion.kind.value} {exclusion.value}"
        findings.append(
            Finding(
                licence_key=licence.key,
                criterion=Criterion.PROVISO_BREACH,
                code=f"excluded_{exclusion.kind.value}",
                subject=f"exclusion:{exclusion.kind.value}:{exclusion.value}",
                severity=Severity.HIGH,
                recommendation=_recommend(licence, when_active=Recommendation.HOLD_SHIPMENTS),
                summary=f"Proviso “{text}” is breached: {len(hits)} party or shipment(s) fall under it.",
                evidence=(
                    EvidenceStep("proviso", text, {"kind": exclusion.kind.value, "value": exclusion.value}),
                    *hits,
                ),
                quantity=quantity,
                value=value,
            )
        )
    return findings


def standing_violation_findings(facts: LicenceFacts, registry: Registry, as_of: date) -> list[Finding]:
    """While a substantiated violation stands, new licences and shipments for that end user or country
    need a presidential determination (AECA 3)."""
    licence = facts.licence
    if not registry.standing_violations:
        return []
    ref = reference_day(licence, as_of)
    units: set[str] = set()
    for index, party in enumerate(licence.parties):
        res = facts.resolutions.get(index)
        if party.role in RECEIVING_ROLES and res and res.unit_key:
            units.add(res.unit_key)
            units.update(ancestors(res.unit_key, registry.parent_links, ref))
    findings = []
    for violation in registry.standing_violations:
        applies = (violation.unit_key is not None and violation.unit_key in units) or (
            violation.unit_key is None and violation.country == licence.destination_country
        )
        newer = ref >= violation.substantiated_on or any(
            s.ship_date >= violation.substantiated_on for s in facts.shipments
        )
        if not applies or not newer:
            continue
        findings.append(
            Finding(
                licence_key=licence.key,
                criterion=Criterion.VIOLATION,
                code="presidential_determination_needed",
                subject=f"case:{violation.case_key}",
                severity=Severity.CRITICAL,
                recommendation=Recommendation.PRESIDENTIAL_DETERMINATION,
                summary=f"A substantiated end-use violation ({violation.case_key}, "
                f"{violation.substantiated_on}) stands for "
                f"{'this end user' if violation.unit_key else licence.destination_country}: further "
                "transfers need a presidential determination (AECA 3).",
                evidence=(EvidenceStep("case", violation.summary, {"case": violation.case_key}),),
            )
        )
    return findings


def review_licence(
    facts: LicenceFacts,
    registry: Registry,
    policy: ReviewPolicy,
    rules: Sequence[NotificationRule],
    as_of: date,
) -> list[Finding]:
    """Every finding for one licence, in a stable order. A denied application was never issued: none."""
    if facts.licence.status is LicenceStatus.DENIED:
        return []
    findings = implicated_end_user_findings(facts, registry, policy, as_of)
    findings += unidentified_end_user_findings(facts, registry, policy, as_of)
    findings += crime_control_findings(facts, registry, findings)
    findings += watch_list_findings(facts, registry, as_of)
    findings += congressional_notification_findings(facts, rules, as_of)
    findings += proviso_findings(facts, registry, as_of)
    findings += standing_violation_findings(facts, registry, as_of)
    unique = {f.fingerprint: f for f in findings}
    return sorted(unique.values(), key=lambda f: (-f.severity.rank, f.criterion.value, f.code, f.subject))
