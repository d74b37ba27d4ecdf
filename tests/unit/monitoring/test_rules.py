from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lantern.licences.model import LicenceStatus, StatusChange
from lantern.monitoring.model import SerialKey, ShipmentLine, ShipmentNotice, ShipmentStatus
from lantern.monitoring.rules import (
    ItemAllowance,
    LicenceBalance,
    RejectionReason,
    decide,
    draw_down,
    give_back,
    serial_key,
    status_on_day,
)


def _at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=15, tzinfo=UTC)


def _balance(*history: tuple[LicenceStatus, str], **changes: object) -> LicenceBalance:
    balance = LicenceBalance(
        key="DDTC/1",
        status_history=tuple(StatusChange(status, _at(day), "officer") for status, day in history)
        or (StatusChange(LicenceStatus.APPROVED, _at("2015-03-02"), "officer"),),
        allowances={1: ItemAllowance(300, Decimal("360000.00")), 2: ItemAllowance(10000)},
        expiry_date=date(2019, 3, 1),
        total_value=Decimal("400000.00"),
    )
    return LicenceBalance(**{**balance.__dict__, **changes}) if changes else balance  # type: ignore[arg-type]


def _notice(
    day: str = "2016-01-01", *lines: tuple[int, int, str | None], serials: tuple[str, ...] = ()
) -> ShipmentNotice:
    return ShipmentNotice(
        licence_key="DDTC/1",
        shipped_on=date.fromisoformat(day),
        lines=tuple(
            ShipmentLine(item, qty, Decimal(v) if v else None) for item, qty, v in lines or [(1, 100, None)]
        ),
        serials=tuple(serial_key("Testco", s) for s in serials),
    )


def _never(_key: SerialKey) -> str | None:
    return None


def test_a_shipment_within_the_licence_is_accepted() -> None:
    assert decide(_balance(), _notice(), _never).status is ShipmentStatus.ACCEPTED


@pytest.mark.parametrize(
    ("history", "day", "reason"),
    [
        (
            [(LicenceStatus.APPLIED, "2015-01-10")],
            "2015-02-01",
            "licence DDTC/1 was only applied for (not approved) on 2015-02-01",
        ),
        (
            [(LicenceStatus.APPROVED, "2015-03-02")],
            "2015-03-01",
            "licence DDTC/1 had no status on 2015-03-01 (shipped before it was applied for)",
        ),
        (
            [(LicenceStatus.APPROVED, "2015-03-02"), (LicenceStatus.SUSPENDED, "2016-01-01")],
            "2016-01-01",
            "licence DDTC/1 was suspended on 2016-01-01",
        ),
        (
            [(LicenceStatus.APPROVED, "2015-03-02"), (LicenceStatus.REVOKED, "2015-12-01")],
            "2016-01-01",
            "licence DDTC/1 had been revoked on 2016-01-01",
        ),
        (
            [(LicenceStatus.APPROVED, "2015-03-02"), (LicenceStatus.EXHAUSTED, "2015-12-01")],
            "2016-01-01",
            "licence DDTC/1 was exhausted on 2016-01-01",
        ),
        (
            [(LicenceStatus.DENIED, "2015-03-02")],
            "2016-01-01",
            "licence DDTC/1 had been denied on 2016-01-01",
        ),
        (
            [(LicenceStatus.RETURNED, "2015-03-02")],
            "2016-01-01",
            "licence DDTC/1 had been returned without action on 2016-01-01",
        ),
    ],
)
def test_blocked_licence_statuses_reject(
    history: list[tuple[LicenceStatus, str]], day: str, reason: str
) -> None:
    decision = decide(_balance(*history), _notice(day), _never)
    assert decision.status is ShipmentStatus.REJECTED
    assert decision.reason == reason
    assert decision.rejections[0].reason is RejectionReason.LICENCE_NOT_IN_FORCE


def test_the_shipment_that_exhausts_a_licence_ships_on_the_day_it_is_marked_exhausted() -> None:
    balance = _balance((LicenceStatus.APPROVED, "2015-03-02"), (LicenceStatus.EXHAUSTED, "2016-01-01"))
    assert decide(balance, _notice("2016-01-01"), _never).status is ShipmentStatus.ACCEPTED
    assert (
        decide(balance, _notice("2016-01-02"), _never).reason == "licence DDTC/1 was exhausted on 2016-01-02"
    )


def test_a_suspension_later_does_not_reach_back() -> None:
    balance = _balance((LicenceStatus.APPROVED, "2015-03-02"), (LicenceStatus.SUSPENDED, "2017-01-01"))
    assert decide(balance, _notice("2016-06-01"), _never).status is ShipmentStatus.ACCEPTED


def test_past_the_expiry_date_rejects_even_without_an_expired_status() -> None:
    decision = decide(_balance(), _notice("2019-03-02"), _never)
    assert decision.reason == "licence DDTC/1 expired on 2019-03-01, before the shipment on 2019-03-02"


def test_over_shipping_quantity_and_value() -> None:
    balance = draw_down(_balance(), _notice("2016-01-01", (1, 250, "300000.00")))
    decision = decide(balance, _notice("2016-02-01", (1, 51, "61200.00")), _never)
    assert [r.reason for r in decision.rejections] == [
        RejectionReason.OVER_QUANTITY,
        RejectionReason.OVER_VALUE,
    ]
    assert decision.rejections[0].message == (
        "item 1 would over-ship: 51 more after 250 of 300 licensed (50 remain)"
    )
    assert decide(balance, _notice("2016-02-01", (1, 50, None)), _never).status is ShipmentStatus.ACCEPTED


def test_an_item_the_licence_lacks_is_rejected() -> None:
    decision = decide(_balance(), _notice("2016-01-01", (9, 1, None)), _never)
    assert [r.reason for r in decision.rejections] == [RejectionReason.UNKNOWN_ITEM]


def test_a_serial_that_already_shipped_is_rejected() -> None:
    shipped = {serial_key("TESTCO", "LE 123-456"): "SHP-1"}
    decision = decide(_balance(), _notice("2016-01-01", serials=("le123456",)), shipped.get)
    assert decision.reason == "serial le123456 (testco) already shipped with SHP-1"


@pytest.mark.parametrize(
    ("one", "two", "same"),
    [
        (("Colt", "LE123456"), ("COLT", "le-123456"), True),
        (("Colt", "LE 123 456"), ("colt", "LE123456"), True),
        (("Colt", "LE123456"), ("Colt", "LE123457"), False),
        (("Colt", "LE123456"), ("Sig Sauer", "LE123456"), False),
        (("Heckler & Koch", "Ñ-1"), ("HECKLER & KOCH", "n1"), True),
    ],
)
def test_serials_compare_folded_without_separators(
    one: tuple[str, str], two: tuple[str, str], same: bool
) -> None:
    assert (serial_key(*one) == serial_key(*two)) is same


def test_the_status_in_force_is_the_last_one_on_or_before_the_day() -> None:
    history = [
        StatusChange(LicenceStatus.APPROVED, _at("2015-03-02"), "o"),
        StatusChange(LicenceStatus.SUSPENDED, _at("2016-01-01"), "o"),
        StatusChange(LicenceStatus.APPROVED, _at("2016-02-01"), "o"),
    ]
    assert status_on_day(history, date(2015, 3, 1)) is None
    assert status_on_day(history, date(2016, 1, 15)) is LicenceStatus.SUSPENDED
    assert status_on_day(history, date(2016, 2, 1)) is LicenceStatus.APPROVED


@given(
    quantities=st.lists(st.integers(min_value=1, max_value=100), min_size=1, max_size=5),
    values=st.lists(st.decimals(min_value=0, max_value=1000, places=2), min_size=1, max_size=5),
)
def test_giving_back_undoes_drawing_down(quantities: list[int], values: list[Decimal]) -> None:
    balance = _balance()
    lines = tuple(
        ShipmentLine(1 + i % 2, q, v) for i, (q, v) in enumerate(zip(quantities, values, strict=False))
    )
    notice = ShipmentNotice("DDTC/1", date(2016, 1, 1), lines)
    after = give_back(draw_down(balance, notice), notice)
    assert {k: v for k, v in after.shipped_quantity.items() if v} == {}
    assert all(v == 0 for v in after.shipped_value.values())
    assert after.shipped_total == 0
