"""Who may hold a licence's firearms on a day: the end user, its sub-units then, its consignees."""

from __future__ import annotations

from datetime import date

import pytest

from lantern.core.dates import DateRange, parse_partial
from lantern.monitoring.custody import Holding, authorised_holder, judge_holding
from lantern.units.model import ParentLink

# GOPES sat under the Tamaulipas SSP from 2016; a battalion sits under SEDENA, which is the consignee.
LINKS = {
    "gopes": [ParentLink("ssp", DateRange(parse_partial("2016"), None))],
    "bi-27": [ParentLink("sedena", DateRange())],
}


def holding(unit: str | None, day: date) -> Holding:
    return Holding(
        serial="LE-1",
        make="Colt",
        licence="DDTC/1",
        day=day,
        partial_date=day.isoformat(),
        event="seizure",
        holder="as written",
        holder_unit=unit,
    )


@pytest.mark.parametrize(
    ("unit", "day", "why"),
    [
        ("ssp", date(2015, 1, 1), "the licensed end user"),
        ("gopes", date(2021, 1, 22), "a sub-unit of the licensed end user ssp"),
        ("gopes", date(2015, 8, 1), None),  # not yet under the SSP
        ("sedena", date(2015, 8, 1), "a licensed consignee"),
        ("bi-27", date(2015, 8, 1), None),  # under the consignee, which counts as itself only
        ("iguala-pm", date(2014, 9, 27), None),
    ],
)
def test_authorised_holders(unit: str, day: date, why: str | None) -> None:
    assert authorised_holder(unit, day, ["ssp"], ["sedena"], LINKS) == why


def test_a_finding_names_the_holding_and_who_was_allowed() -> None:
    finding = judge_holding(holding("iguala-pm", date(2014, 9, 27)), ["ssp"], ["sedena"], LINKS)
    assert finding is not None
    assert finding.reason == (
        "serial LE-1 (Colt) of licence DDTC/1 was held by iguala-pm on 2014-09-27 (seizure), which is "
        "neither the licensed end user (ssp) nor one of its sub-units on that day"
    )


def test_unresolved_holders_and_unidentified_end_users_are_not_judged() -> None:
    assert judge_holding(holding(None, date(2014, 9, 27)), ["ssp"], [], LINKS) is None
    assert judge_holding(holding("iguala-pm", date(2014, 9, 27)), [], ["sedena"], LINKS) is None
