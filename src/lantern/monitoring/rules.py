"""Draw-down rules: may this shipment leave under this licence? Pure: take the balance and the day.

A licence authorises quantities and values per item. Every accepted (or held) shipment draws them down. A
shipment notice is rejected, with the reasons, when the licence was not in force on the shipping day
(not yet approved, suspended, revoked, expired, exhausted, or past its expiry date), when it names an item the
licence does not have, when it would ship more than remains of an item's quantity or value or of the
licence's total value, or when one of its serial numbers has already shipped. The bulk importer and the live
shipment notices both decide with these functions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from lantern.core.text import collapse_spaces, fold
from lantern.licences.model import LicenceStatus, StatusChange
from lantern.monitoring.model import SerialKey, ShipmentNotice, ShipmentStatus

_SEPARATORS = re.compile(r"[\s\-./_]+")

#: Statuses in force on a day that stop a shipment, and how the rejection words them.
_BLOCKED = {
    LicenceStatus.APPLIED: "was only applied for (not approved)",
    LicenceStatus.RETURNED: "had been returned without action",
    LicenceStatus.DENIED: "had been denied",
    LicenceStatus.SUSPENDED: "was suspended",
    LicenceStatus.REVOKED: "had been revoked",
    LicenceStatus.EXPIRED: "had expired",
    LicenceStatus.EXHAUSTED: "was exhausted",
}


class RejectionReason(StrEnum):
    LICENCE_NOT_IN_FORCE = "licence_not_in_force"
    LICENCE_EXPIRED = "licence_expired"
    UNKNOWN_ITEM = "unknown_item"
    OVER_QUANTITY = "over_quantity"
    OVER_VALUE = "over_value"
    DUPLICATE_SERIAL = "duplicate_serial"


@dataclass(frozen=True, slots=True)
class Rejection:
    reason: RejectionReason
    message: str
    item_line: int | None = None


@dataclass(frozen=True, slots=True)
class ItemAllowance:
    """What the licence authorises for one item line."""

    quantity: int
    total_value: Decimal | None = None


@dataclass(frozen=True, slots=True)
class LicenceBalance:
    """A licence's authorisation and what has shipped against it so far."""

    key: str
    status_history: tuple[StatusChange, ...]
    allowances: Mapping[int, ItemAllowance]
    expiry_date: date | None = None
    total_value: Decimal | None = None
    shipped_quantity: Mapping[int, int] = field(default_factory=dict)
    shipped_value: Mapping[int, Decimal] = field(default_factory=dict)
    shipped_total: Decimal = Decimal("0")

    def remaining_quantity(self, line: int) -> int:
        allowance = self.allowances.get(line)
        if allowance is None:
            return 0
        return allowance.quantity - self.shipped_quantity.get(line, 0)


@dataclass(frozen=True, slots=True)
class Decision:
    status: ShipmentStatus
    rejections: tuple[Rejection, ...] = ()

    @property
    def reason(self) -> str | None:
        return "; ".join(r.message for r in self.rejections) or None


def _fold(text: str) -> str:
    # Plain ASCII (nearly every serial) has no accents to strip: fold() less its Unicode decomposition.
    # A batch trace folds 100,000 distinct serials, which no cache helps with.
    if text.isascii():
        return collapse_spaces(text.casefold())
    return fold(text)


def serial_key(make: str, serial: str) -> SerialKey:
    """The key two serial records are the same firearm by: folded make, folded serial without separators."""
    return SerialKey(_fold(make), _SEPARATORS.sub("", _fold(serial)))


def status_on_day(history: Sequence[StatusChange], day: date) -> LicenceStatus | None:
    """The status in force for a shipment on a day: the last change made on or before it (UTC dates).

    `exhausted` is the exception: the shipment that used up a licence ships on the day the licence is marked
    exhausted, so that status stops shipments only from the next day. (Over-shipping on the day itself is
    still caught by the quantities.)
    """
    current = None
    for change in sorted(history, key=lambda c: c.at):
        changed = change.at.date()
        if changed < day or (changed == day and change.status is not LicenceStatus.EXHAUSTED):
            current = change.status
    return current


def notice_value(notice: ShipmentNotice) -> Decimal | None:
    """The shipment's value: as declared, else the sum of its line values when every line has one."""
    if notice.value is not None:
        return notice.value
    values = [line.value for line in notice.lines]
    if values and all(v is not None for v in values):
        return sum((v for v in values if v is not None), Decimal("0"))
    return None


def check_licence_in_force(balance: LicenceBalance, day: date) -> list[Rejection]:
    rejections = []
    if balance.status_history:
        status = status_on_day(balance.status_history, day)
        if status is None:
            rejections.append(
                Rejection(
                    RejectionReason.LICENCE_NOT_IN_FORCE,
                    f"licence {balance.key} had no status on {day} (shipped before it was applied for)",
                )
            )
        elif status in _BLOCKED:
            rejections.append(
                Rejection(
                    RejectionReason.LICENCE_NOT_IN_FORCE,
                    f"licence {balance.key} {_BLOCKED[status]} on {day}",
                )
            )
    if balance.expiry_date is not None and day > balance.expiry_date:
        rejections.append(
            Rejection(
                RejectionReason.LICENCE_EXPIRED,
                f"licence {balance.key} expired on {balance.expiry_date}, before the shipment on {day}",
            )
        )
    return rejections


def check_quantities(balance: LicenceBalance, notice: ShipmentNotice) -> list[Rejection]:
    rejections = []
    for line in notice.lines:
        allowance = balance.allowances.get(line.item_line)
        if allowance is None:
            rejections.append(
                Rejection(
                    RejectionReason.UNKNOWN_ITEM,
                    f"licence {balance.key} has no item {line.item_line}",
                    line.item_line,
                )
            )
            continue
        shipped = balance.shipped_quantity.get(line.item_line, 0)
        if shipped + line.quantity > allowance.quantity:
            rejections.append(
                Rejection(
                    RejectionReason.OVER_QUANTITY,
                    f"item {line.item_line} would over-ship: {line.quantity} more after {shipped} "
                    f"of {allowance.quantity} licensed ({allowance.quantity - shipped} remain)",
                    line.item_line,
                )
            )
        if allowance.total_value is not None and line.value is not None:
            spent = balance.shipped_value.get(line.item_line, Decimal("0"))
            if spent + line.value > allowance.total_value:
                rejections.append(
                    Rejection(
                        RejectionReason.OVER_VALUE,
                        f"item {line.item_line} would exceed its licensed value: US${line.value} more after "
                        f"US${spent} of US${allowance.total_value}",
                        line.item_line,
                    )
                )
    value = notice_value(notice)
    if (
        balance.total_value is not None
        and value is not None
        and balance.shipped_total + value > balance.total_value
    ):
        rejections.append(
            Rejection(
                RejectionReason.OVER_VALUE,
                f"licence {balance.key} would exceed its value: US${value} more after "
                f"US${balance.shipped_total} of US${balance.total_value}",
            )
        )
    return rejections


def check_serials(notice: ShipmentNotice, shipped: Callable[[SerialKey], str | None]) -> list[Rejection]:
    """`shipped` says which earlier shipment a serial left with, or None when it never shipped."""
    rejections = []
    for key in notice.serials:
        earlier = shipped(key)
        if earlier is not None:
            rejections.append(
                Rejection(
                    RejectionReason.DUPLICATE_SERIAL,
                    f"serial {key.serial} ({key.make}) already shipped with {earlier}",
                )
            )
    return rejections


def decide(
    balance: LicenceBalance, notice: ShipmentNotice, shipped: Callable[[SerialKey], str | None]
) -> Decision:
    """Accept or reject a shipment notice against the licence's balance. Every reason found is given."""
    rejections = [
        *check_licence_in_force(balance, notice.shipped_on),
        *check_quantities(balance, notice),
        *check_serials(notice, shipped),
    ]
    if rejections:
        return Decision(ShipmentStatus.REJECTED, tuple(rejections))
    return Decision(ShipmentStatus.ACCEPTED)


def draw_down(balance: LicenceBalance, notice: ShipmentNotice) -> LicenceBalance:
    """The balance after an accepted (or held) shipment."""
    quantity = dict(balance.shipped_quantity)
    value = dict(balance.shipped_value)
    for line in notice.lines:
        quantity[line.item_line] = quantity.get(line.item_line, 0) + line.quantity
        if line.value is not None:
            value[line.item_line] = value.get(line.item_line, Decimal("0")) + line.value
    total = balance.shipped_total + (notice_value(notice) or Decimal("0"))
    return replace(balance, shipped_quantity=quantity, shipped_value=value, shipped_total=total)


def give_back(balance: LicenceBalance, notice: ShipmentNotice) -> LicenceBalance:
    """The balance without a shipment that drew it down before (when a stored shipment is corrected)."""
    negated = replace(
        notice,
        lines=tuple(replace(line, quantity=-line.quantity, value=_neg(line.value)) for line in notice.lines),
        value=_neg(notice_value(notice)),
    )
    return draw_down(balance, negated)


def _neg(value: Decimal | None) -> Decimal | None:
    return None if value is None else -value
