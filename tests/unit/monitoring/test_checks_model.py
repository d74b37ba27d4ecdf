"""The end-use check queue, plan and check records, as pure rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import combinations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lantern.monitoring.checks_model import (
    CheckCandidate,
    CheckOutcome,
    CheckStage,
    QueueEntry,
    RiskFactor,
    RiskWeights,
    SerialState,
    choose_plan,
    is_firearm_item,
    load_red_flags,
    parse_check_record,
    parse_inventory,
    quarter_bounds,
    rank,
    risk_factors,
    stage_of,
)

AS_OF = date(2026, 11, 28)
FLAGS = {flag.code: flag for flag in load_red_flags()}


def candidate(key: str = "DDTC/T-1", **fields: object) -> CheckCandidate:
    base: dict[str, object] = {
        "licence_key": key,
        "agency": "DDTC",
        "kind": "DSP-5",
        "status": "approved",
        "end_users": ("test-ssp",),
        "value": Decimal("0"),
        "quantity": 0,
        "automatic": False,
        "usml": False,
        "shipped": False,
        "last_check": AS_OF,
    }
    base.update(fields)
    return CheckCandidate(**base)  # type: ignore[arg-type]  # test factory: fields by name


@pytest.mark.parametrize(
    ("usml", "eccn", "firearm"),
    [
        ("I(a)", None, True),
        ("I(h)", None, True),
        ("I", None, True),
        ("III", None, False),
        ("II(a)", None, False),
        (None, "0A501.a", True),
        (None, "0A505.a", True),
        (None, "0A504", True),
        (None, "0A606", False),
        (None, None, False),
    ],
)
def test_firearm_licences_are_usml_category_i_and_0a501_to_0a505(
    usml: str | None, eccn: str | None, firearm: bool
) -> None:
    assert is_firearm_item(usml, eccn) is firearm


def test_each_factor_shows_its_weight_and_points() -> None:
    weights = RiskWeights()
    factors = {
        f.code: f
        for f in risk_factors(
            candidate(
                implicated=True,
                value=Decimal("500000"),
                quantity=2000,
                automatic=True,
                kind="STA",
                last_check=None,
                watch_list_hits=2,
                unfavourable_checks=3,
                red_flags=("unfamiliar_party",),
            ),
            weights,
            AS_OF,
            FLAGS,
        )
    }
    assert factors["implicated_end_user"].points == weights.implicated_end_user
    assert factors["value"].points == pytest.approx(weights.value / 2)
    assert factors["quantity"].points == weights.quantity  # capped at the scale
    assert factors["automatic_weapons"].weight == weights.automatic_weapons
    assert factors["sta_shipments"].points == weights.sta_shipments
    assert factors["time_since_check"].detail == "never checked"
    assert factors["prior_unfavourable"].points == 2 * weights.prior_unfavourable  # counted up to twice
    assert factors["watch_list_hit"].points == weights.watch_list_hit
    assert factors["red_flag:unfamiliar_party"].points == weights.red_flag
    assert "unidentified_end_user" not in factors  # a factor that adds nothing is left out


def test_weights_are_settings_not_constants() -> None:
    c = candidate(automatic=True)
    assert sum(f.points for f in risk_factors(c, RiskWeights(automatic_weapons=9), AS_OF, FLAGS)) == 9
    assert risk_factors(c, RiskWeights(automatic_weapons=0), AS_OF, FLAGS) == ()


def test_time_since_the_last_check_grows_to_full_weight() -> None:
    w = RiskWeights(time_since_check=4, check_interval_days=100)
    forty_days = risk_factors(candidate(last_check=date(2026, 10, 19)), w, AS_OF, FLAGS)
    assert [f.points for f in forty_days] == [pytest.approx(1.6)]
    old = risk_factors(candidate(last_check=date(2020, 1, 1)), w, AS_OF, FLAGS)
    assert [f.points for f in old] == [4]


@pytest.mark.parametrize(
    ("status", "shipped", "stage"),
    [
        ("applied", False, CheckStage.PRE_LICENCE),
        ("approved", False, CheckStage.PRE_SHIPMENT),
        ("approved", True, CheckStage.POST_SHIPMENT),
        ("exhausted", True, CheckStage.POST_SHIPMENT),
        ("denied", False, None),
    ],
)
def test_the_stage_follows_the_licence(status: str, shipped: bool, stage: CheckStage | None) -> None:
    assert stage_of(candidate(status=status, shipped=shipped)) is stage


def entry(key: str, score: float) -> QueueEntry:
    return QueueEntry(candidate(key), CheckStage.POST_SHIPMENT, (RiskFactor("x", "x", score, score, ""),))


@given(st.lists(st.integers(min_value=0, max_value=50), min_size=0, max_size=9), st.integers(0, 10))
def test_no_other_choice_of_the_same_size_covers_more_risk(scores: list[int], capacity: int) -> None:
    queue = [entry(f"L-{i}", s) for i, s in enumerate(scores)]
    plan = choose_plan(queue, capacity)
    assert len(plan.chosen) <= capacity
    positive = [e for e in queue if e.score > 0]
    best = max(
        (sum(e.score for e in combo) for combo in combinations(positive, min(capacity, len(positive)))),
        default=0,
    )
    assert plan.covered == pytest.approx(best)
    assert plan.total == pytest.approx(sum(scores))


def test_a_plan_leaves_out_licences_already_planned() -> None:
    queue = rank(
        [candidate("A", automatic=True, planned_check="EUC-1"), candidate("B", automatic=True)],
        RiskWeights(),
        AS_OF,
        FLAGS,
    )
    assert [e.candidate.licence_key for e in choose_plan(queue, 5).chosen] == ["B"]


def test_quarters() -> None:
    assert quarter_bounds("2026q4") == (date(2026, 10, 1), date(2026, 12, 31))
    assert quarter_bounds("2027Q1") == (date(2027, 1, 1), date(2027, 3, 31))
    with pytest.raises(ValueError, match="2026Q4"):
        quarter_bounds("Q5")


def test_the_red_flags_file_names_its_source_and_signals() -> None:
    flags = load_red_flags()
    assert {"unfamiliar_party", "unusual_routing", "sensitive_items"} <= {f.code for f in flags}
    assert all(f.source and f.text for f in flags)


def test_a_check_record_is_parsed_and_checked() -> None:
    record = parse_check_record(
        {
            "id": "EUC-1",
            "licence": "DDTC/T-1",
            "stage": "post_shipment",
            "outcome": "unfavourable",
            "date": "2016-11-08",
            "reasons": ["diversion"],
            "serials": [{"serial": "S-1"}, {"serial": "S-2", "state": "missing"}],
        },
        "f:1",
    )
    assert record.outcome is CheckOutcome.UNFAVOURABLE
    assert [line.state for line in record.inventory] == [SerialState.FOUND, SerialState.MISSING]
    with pytest.raises(ValueError, match="f:1: reasons: an unfavourable check"):
        parse_check_record({**_minimal(), "outcome": "unfavourable"}, "f:1")
    with pytest.raises(ValueError, match="f:2: stage: 'later'"):
        parse_check_record({**_minimal(), "stage": "later"}, "f:2")
    with pytest.raises(ValueError, match="colour: not a field"):
        parse_check_record({**_minimal(), "colour": "red"}, "f:3")
    with pytest.raises(ValueError, match="state: 'lost'"):
        parse_inventory([{"serial": "S-1", "state": "lost"}])


def _minimal() -> dict[str, object]:
    return {"id": "E", "licence": "L", "stage": "pre_licence", "outcome": "favourable", "date": "2020-01-01"}
