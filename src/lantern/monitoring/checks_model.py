"""End-use checks: which licences to check first, how a plan is chosen, what a recorded check says. Pure.

Every firearm licence is a candidate, State's (USML Category I) and Commerce's (ECCN 0A501 to 0A505) alike:
since 2020 only Category I falls under Blue Lantern, and this queue closes that gap. Each candidate carries
its risk factors, each with its weight (weights are settings) and the points it adds, so a monitor sees why a
licence ranks where it does.

Choosing a plan is a knapsack: pick checks whose total cost fits the capacity and whose total risk is largest.
Every check costs the same (one visit), so the knapsack is solved exactly by taking the highest-risk
candidates first: swapping any chosen check for an unchosen one of higher risk would raise the total at the
same cost, so no other choice of the same size covers more risk.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from importlib import resources
from typing import Any


class CheckStage(StrEnum):
    PRE_LICENCE = "pre_licence"
    PRE_SHIPMENT = "pre_shipment"
    POST_SHIPMENT = "post_shipment"


class CheckStatus(StrEnum):
    PLANNED = "planned"
    DONE = "done"
    CANCELLED = "cancelled"


class CheckOutcome(StrEnum):
    FAVOURABLE = "favourable"
    UNFAVOURABLE = "unfavourable"
    NO_ACTION = "no_action"


class ReasonCategory(StrEnum):
    """The published causes of unfavourable Blue Lantern results."""

    DEROGATORY_INFORMATION = "derogatory_information"
    UNLICENSED_PARTY = "unlicensed_party"
    RECEIPT_NOT_CONFIRMED = "receipt_not_confirmed"
    UNAUTHORISED_RETRANSFER = "unauthorised_retransfer"
    DIVERSION = "diversion"
    STOCKPILING = "stockpiling"
    INSECURE_STORAGE = "insecure_storage"
    REFUSAL_TO_COOPERATE = "refusal_to_cooperate"


class SerialState(StrEnum):
    FOUND = "found"  # seen at the check
    MISSING = "missing"  # expected and not seen
    UNLISTED = "unlisted"  # seen, but on no licence


#: ECCNs of Commerce-controlled firearms, shotguns, sights and ammunition (since 9 March 2020).
FIREARM_ECCNS = ("0A501", "0A502", "0A503", "0A504", "0A505")


def is_firearm_item(usml_category: str | None, eccn: str | None) -> bool:
    """USML Category I (firearms, automatic weapons, suppressors, parts) or a 0A501-0A505 ECCN."""
    if usml_category:
        head = usml_category.strip().upper()
        if head == "I" or head.startswith("I(") or head.startswith("I "):
            return True
    return bool(eccn) and any(str(eccn).upper().startswith(code) for code in FIREARM_ECCNS)


@dataclass(frozen=True, slots=True)
class RedFlag:
    """A published Blue Lantern red flag, and the signal Lantern reads it from (None: judged by people)."""

    code: str
    text: str
    signal: str | None
    source: str


def load_red_flags() -> tuple[RedFlag, ...]:
    """The red flags in monitoring/data/blue_lantern_red_flags.json (a data file, so it can be edited)."""
    path = resources.files("lantern.monitoring").joinpath("data", "blue_lantern_red_flags.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    return tuple(
        RedFlag(item["code"], item["text"], item.get("signal"), data["source"]) for item in data["flags"]
    )


@dataclass(frozen=True, slots=True)
class RiskWeights:
    implicated_end_user: float = 10.0
    unidentified_end_user: float = 6.0
    value: float = 4.0  # at or above value_scale
    value_scale: Decimal = Decimal("1000000")
    quantity: float = 3.0  # at or above quantity_scale
    quantity_scale: int = 1000
    automatic_weapons: float = 4.0
    sta_shipments: float = 5.0
    reseller_consignee: float = 3.0
    prior_unfavourable: float = 6.0  # per unfavourable check, counted up to twice
    time_since_check: float = 3.0  # at or beyond check_interval_days (or never checked)
    check_interval_days: int = 730
    watch_list_hit: float = 5.0
    red_flag: float = 2.0  # per red flag raised


@dataclass(frozen=True, slots=True)
class CheckCandidate:
    """What the risk score reads about one licence. Built by the service from the store."""

    licence_key: str
    agency: str
    kind: str
    status: str
    end_users: tuple[str, ...]
    value: Decimal
    quantity: int
    automatic: bool
    usml: bool
    shipped: bool
    implicated: bool = False
    unidentified: bool = False
    reseller_consignee: bool = False
    unfavourable_checks: int = 0
    last_check: date | None = None
    watch_list_hits: int = 0
    red_flags: tuple[str, ...] = ()  # codes of the red flags raised
    planned_check: str | None = None  # a check already planned (a new plan leaves the licence out)


@dataclass(frozen=True, slots=True)
class RiskFactor:
    code: str
    label: str
    weight: float
    points: float
    detail: str


@dataclass(frozen=True, slots=True)
class QueueEntry:
    candidate: CheckCandidate
    stage: CheckStage
    factors: tuple[RiskFactor, ...]

    @property
    def score(self) -> float:
        return round(sum(f.points for f in self.factors), 3)


def stage_of(candidate: CheckCandidate) -> CheckStage | None:
    """The check a licence is due for now: before approval, after it but before shipping, or after."""
    if candidate.status in {"denied", "returned"}:
        return None
    if candidate.status == "applied":
        return CheckStage.PRE_LICENCE
    return CheckStage.POST_SHIPMENT if candidate.shipped else CheckStage.PRE_SHIPMENT


def risk_factors(
    candidate: CheckCandidate, weights: RiskWeights, as_of: date, red_flags: Mapping[str, RedFlag]
) -> tuple[RiskFactor, ...]:
    """Every factor that applies, with its weight and the points it adds (factors that add nothing are left
    out)."""
    w = weights
    out: list[RiskFactor] = []

    def add(code: str, label: str, weight: float, share: float, detail: str) -> None:
        points = round(weight * share, 3)
        if points > 0:
            out.append(RiskFactor(code, label, weight, points, detail))

    add(
        "implicated_end_user",
        "implicated end user",
        w.implicated_end_user,
        1.0 if candidate.implicated else 0.0,
        "the review holds an end user or consignee implicated in an abuse",
    )
    add(
        "unidentified_end_user",
        "unidentified or generic end user",
        w.unidentified_end_user,
        1.0 if candidate.unidentified else 0.0,
        "the review finds the end user not accurately identified",
    )
    if w.value_scale > 0:
        share = float(min(Decimal(1), candidate.value / w.value_scale))
        add(
            "value",
            "value",
            w.value,
            share,
            f"US${candidate.value:,.2f} (full weight at US${w.value_scale:,.0f})",
        )
    if w.quantity_scale > 0:
        share = min(1.0, candidate.quantity / w.quantity_scale)
        add(
            "quantity",
            "quantity",
            w.quantity,
            share,
            f"{candidate.quantity:,} items (full at {w.quantity_scale:,})",
        )
    add(
        "automatic_weapons",
        "automatic weapons",
        w.automatic_weapons,
        1.0 if candidate.automatic else 0.0,
        "an item is a fully automatic weapon",
    )
    add(
        "sta_shipments",
        "STA shipments",
        w.sta_shipments,
        1.0 if candidate.kind.upper() == "STA" else 0.0,
        "License Exception STA: no application named each shipment's end user",
    )
    add(
        "reseller_consignee",
        "reseller consignee",
        w.reseller_consignee,
        1.0 if candidate.reseller_consignee else 0.0,
        "goods go to a reseller (SEDENA/DCAM) before the end user",
    )
    add(
        "prior_unfavourable",
        "prior unfavourable checks",
        w.prior_unfavourable,
        float(min(2, candidate.unfavourable_checks)),
        f"{candidate.unfavourable_checks} earlier unfavourable check(s) for this end user or licence",
    )
    if candidate.last_check is None:
        add("time_since_check", "time since last check", w.time_since_check, 1.0, "never checked")
    elif w.check_interval_days > 0:
        days = (as_of - candidate.last_check).days
        add(
            "time_since_check",
            "time since last check",
            w.time_since_check,
            min(1.0, max(0, days) / w.check_interval_days),
            f"last checked {candidate.last_check} ({days} days; full weight at {w.check_interval_days})",
        )
    add(
        "watch_list_hit",
        "watch-list hits",
        w.watch_list_hit,
        1.0 if candidate.watch_list_hits else 0.0,
        f"{candidate.watch_list_hits} party or parties on a watch list",
    )
    for code in candidate.red_flags:
        flag = red_flags.get(code)
        add(
            f"red_flag:{code}",
            f"Blue Lantern red flag: {flag.text if flag else code}",
            w.red_flag,
            1.0,
            flag.source if flag else "",
        )
    return tuple(out)


def rank(
    candidates: Sequence[CheckCandidate],
    weights: RiskWeights,
    as_of: date,
    red_flags: Mapping[str, RedFlag],
) -> list[QueueEntry]:
    """The queue: every candidate due a check, highest risk first (ties by licence key, for stable output)."""
    entries = []
    for candidate in candidates:
        stage = stage_of(candidate)
        if stage is None:
            continue
        entries.append(QueueEntry(candidate, stage, risk_factors(candidate, weights, as_of, red_flags)))
    return sorted(entries, key=lambda e: (-e.score, e.candidate.licence_key))


@dataclass(frozen=True, slots=True)
class Plan:
    capacity: int
    chosen: tuple[QueueEntry, ...]
    left_out: tuple[QueueEntry, ...]
    covered: float = 0.0
    total: float = 0.0
    by_stage: Mapping[str, int] = field(default_factory=dict)

    @property
    def share(self) -> float:
        return self.covered / self.total if self.total else 0.0


def choose_plan(queue: Sequence[QueueEntry], capacity: int) -> Plan:
    """The plan covering the most risk with `capacity` checks of cost 1 each: the top of the queue (see the
    module docstring for why that is optimal)."""
    ordered = sorted(
        (e for e in queue if e.candidate.planned_check is None),
        key=lambda e: (-e.score, e.candidate.licence_key),
    )
    chosen = tuple(e for e in ordered if e.score > 0)[: max(0, capacity)]
    left = tuple(e for e in ordered if e not in chosen)
    by_stage: dict[str, int] = {}
    for entry in chosen:
        by_stage[entry.stage.value] = by_stage.get(entry.stage.value, 0) + 1
    return Plan(
        capacity=capacity,
        chosen=chosen,
        left_out=left,
        covered=round(sum(e.score for e in chosen), 3),
        total=round(sum(e.score for e in ordered), 3),
        by_stage=by_stage,
    )


def quarter_bounds(label: str) -> tuple[date, date]:
    """'2026Q4' → (2026-10-01, 2026-12-31)."""
    text = label.strip().upper()
    year_text, sep, quarter_text = text.partition("Q")
    if not sep or not year_text.isdigit() or quarter_text not in {"1", "2", "3", "4"}:
        raise ValueError(f"a quarter is written like 2026Q4, not {label!r}")
    year, quarter = int(year_text), int(quarter_text)
    start = date(year, 3 * (quarter - 1) + 1, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def quarter_of(day: date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


@dataclass(frozen=True, slots=True)
class InventoryLine:
    serial: str
    state: SerialState
    make: str | None = None


def parse_inventory(rows: Sequence[Mapping[str, Any]]) -> list[InventoryLine]:
    """Rows of a serial inventory (a CSV with `serial`, optional `state` and `make`). A row without a state
    is a serial seen at the check: found, or unlisted when it is on no licence (the service decides)."""
    lines = []
    for number, row in enumerate(rows, start=1):
        serial = str(row.get("serial") or "").strip()
        if not serial:
            raise ValueError(f"entry {number}: serial: missing")
        state_text = str(row.get("state") or "found").strip().lower()
        try:
            state = SerialState(state_text)
        except ValueError:
            raise ValueError(
                f"entry {number}: state: {state_text!r} is not one of found, missing, unlisted"
            ) from None
        make = str(row.get("make") or "").strip() or None
        lines.append(InventoryLine(serial, state, make))
    return lines


@dataclass(frozen=True, slots=True)
class CheckRecord:
    """One recorded check as a file gives it (JSON Lines; see docs/formats.md, "End-use check files")."""

    key: str
    licence: str
    stage: CheckStage
    outcome: CheckOutcome
    performed_on: date
    reasons: tuple[ReasonCategory, ...] = ()
    inventory: tuple[InventoryLine, ...] = ()
    shipment: str | None = None
    notes: str | None = None


_CHECK_FIELDS = {"id", "licence", "stage", "outcome", "date", "reasons", "serials", "shipment", "notes"}


def parse_check_record(data: Mapping[str, Any], where: str) -> CheckRecord:
    """A check record from its JSON object; ValueError names the place and field of the first problem."""
    unknown = sorted(set(data) - _CHECK_FIELDS)
    if unknown:
        raise ValueError(f"{where}: {unknown[0]}: not a field of an end-use check record")
    for name in ("id", "licence", "stage", "outcome", "date"):
        if not isinstance(data.get(name), str) or not str(data[name]).strip():
            raise ValueError(f"{where}: {name}: missing")

    def enum(kind: type[StrEnum], name: str, value: Any) -> Any:
        try:
            return kind(value)
        except ValueError:
            allowed = ", ".join(m.value for m in kind)
            raise ValueError(f"{where}: {name}: {value!r} is not one of {allowed}") from None

    try:
        performed = date.fromisoformat(data["date"])
    except ValueError:
        raise ValueError(f"{where}: date: {data['date']!r} is not a YYYY-MM-DD date") from None
    reasons = tuple(enum(ReasonCategory, "reasons", r) for r in data.get("reasons") or [])
    outcome = enum(CheckOutcome, "outcome", data["outcome"])
    if outcome is CheckOutcome.UNFAVOURABLE and not reasons:
        raise ValueError(f"{where}: reasons: an unfavourable check needs at least one reason category")
    try:
        inventory = tuple(parse_inventory(list(data.get("serials") or [])))
    except ValueError as exc:
        raise ValueError(f"{where}: serials: {exc}") from None
    return CheckRecord(
        key=data["id"].strip(),
        licence=data["licence"].strip(),
        stage=enum(CheckStage, "stage", data["stage"]),
        outcome=outcome,
        performed_on=performed,
        reasons=reasons,
        inventory=inventory,
        shipment=data.get("shipment"),
        notes=data.get("notes"),
    )
