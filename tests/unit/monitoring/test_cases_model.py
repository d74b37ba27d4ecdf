"""Re-transfer detection, case status and statutory reports, as pure rules. Unit keys are synthetic."""

from __future__ import annotations

from datetime import date

import pytest

from lantern.core.dates import DateRange, parse_partial
from lantern.monitoring.cases_model import (
    CaseFacts,
    CaseKind,
    CaseStatus,
    ReportKind,
    Sighting,
    TransitionError,
    authorised_holders,
    check_transition,
    draft_report,
    due_on,
    sighting_concerns,
)
from lantern.monitoring.model import CustodyEventKind
from lantern.units.hierarchy import children_index
from lantern.units.model import ParentLink


def link(parent: str, start: str | None = None, end: str | None = None) -> ParentLink:
    return ParentLink(parent, DateRange(parse_partial(start), parse_partial(end)))


# test-ssp → test-pe (always) → test-gope (2020-08 to 2023-01); test-muni stands alone.
CHILDREN = children_index(
    {"test-pe": [link("test-ssp")], "test-gope": [link("test-pe", "2020-08-07", "2023-01-16")]}
)


def sighting(holder: str | None, day: date, event: CustodyEventKind = CustodyEventKind.TRANSFER) -> Sighting:
    return Sighting("ev-1", event, day, day.isoformat(), "SYN-1", "DDTC/T-1", holder, holder, "src")


def test_a_holder_outside_the_licensed_end_users_tree_is_a_potential_retransfer() -> None:
    found = sighting_concerns(sighting("test-muni", date(2021, 1, 1)), ["test-ssp"], CHILDREN, {})
    assert [c.kind for c in found] == [CaseKind.RETRANSFER]
    assert "test-muni" in found[0].text
    assert "test-ssp" in found[0].text


@pytest.mark.parametrize("holder", ["test-ssp", "test-pe", "test-gope"])
def test_the_end_user_and_its_sub_units_on_that_day_are_authorised(holder: str) -> None:
    assert sighting_concerns(sighting(holder, date(2021, 6, 1)), ["test-ssp"], CHILDREN, {}) == []


def test_a_sub_unit_that_had_left_the_end_user_on_that_day_is_not_authorised() -> None:
    assert "test-gope" not in authorised_holders(["test-ssp"], CHILDREN, date(2024, 1, 1))
    found = sighting_concerns(sighting("test-gope", date(2024, 1, 1)), ["test-ssp"], CHILDREN, {})
    assert [c.kind for c in found] == [CaseKind.RETRANSFER]


@pytest.mark.parametrize(
    "event",
    [CustodyEventKind.THEFT, CustodyEventKind.LOSS, CustodyEventKind.SEIZURE, CustodyEventKind.RECOVERY],
)
def test_thefts_losses_seizures_and_recoveries_are_not_transfers(event: CustodyEventKind) -> None:
    assert sighting_concerns(sighting("test-muni", date(2021, 1, 1), event), ["test-ssp"], CHILDREN, {}) == []


def test_an_unresolved_holder_raises_nothing() -> None:
    assert sighting_concerns(sighting(None, date(2021, 1, 1)), ["test-ssp"], CHILDREN, {}) == []


def test_an_implicated_holder_raises_a_concern_even_when_it_is_the_end_user() -> None:
    implicated = {"test-pe": date(2019, 9, 23)}
    found = sighting_concerns(sighting("test-pe", date(2021, 1, 1)), ["test-ssp"], CHILDREN, implicated)
    assert [c.kind for c in found] == [CaseKind.IMPLICATED_HOLDER]
    assert "2019-09-23" in found[0].text


def test_without_a_resolved_end_user_only_the_implicated_holder_rule_applies() -> None:
    assert sighting_concerns(sighting("test-muni", date(2021, 1, 1)), [], CHILDREN, {}) == []
    both = sighting_concerns(
        sighting("test-muni", date(2021, 1, 1)), [], CHILDREN, {"test-muni": date(2015, 1, 1)}
    )
    assert [c.kind for c in both] == [CaseKind.IMPLICATED_HOLDER]


def test_status_moves_need_a_reason_and_closed_is_final() -> None:
    check_transition(CaseStatus.OPEN, CaseStatus.SUBSTANTIATED, "confirmed by the embassy")
    check_transition(CaseStatus.SUBSTANTIATED, CaseStatus.CLOSED, "remedied")
    with pytest.raises(TransitionError, match="reason"):
        check_transition(CaseStatus.OPEN, CaseStatus.SUBSTANTIATED, "  ")
    with pytest.raises(TransitionError, match="cannot become"):
        check_transition(CaseStatus.CLOSED, CaseStatus.OPEN, "reopen")
    with pytest.raises(TransitionError):
        check_transition(CaseStatus.OPEN, CaseStatus.OPEN, "again")


def test_report_due_dates_come_from_the_settings_days() -> None:
    opened = date(2026, 11, 28)
    assert due_on(ReportKind.AECA_3E, opened, prompt_days=30, immediate_days=3) == date(2026, 12, 1)
    assert due_on(ReportKind.AECA_3C2, opened, prompt_days=30, immediate_days=3) == date(2026, 12, 28)
    assert due_on(ReportKind.AECA_3C2, opened, prompt_days=10, immediate_days=0) == date(2026, 12, 8)


def test_a_draft_states_the_facts() -> None:
    facts = CaseFacts(
        case_key="CASE-2026-0001",
        kind=CaseKind.RETRANSFER,
        opened_on=date(2026, 11, 28),
        licence_key="DDTC/T-1",
        licence_agency="DSP-5",
        country="MX",
        end_users=("Secretaría de Prueba",),
        holder="Policía Municipal de Ejemplo (test-muni)",
        serials=("SYN-1", "SYN-2"),
        first_seen="2013",
        last_seen="2014-09-27",
        sources=("Synthetic source (src)",),
        evidence=("transfer 2013: serial SYN-1 …",),
        status=CaseStatus.OPEN,
    )
    text = draft_report(ReportKind.AECA_3E, facts, date(2026, 12, 1))
    for fact in (
        "DDTC/T-1",
        "Secretaría de Prueba",
        "test-muni",
        "SYN-1, SYN-2",
        "2014-09-27",
        "src",
        "3(e)",
    ):
        assert fact in text
    assert "3(c)" in draft_report(ReportKind.AECA_3C2, facts, date(2026, 12, 28))
