"""Who may hold a licensed firearm on a day, and which holdings are potential unauthorised re-transfers.

Pure: takes the licence's receiving units, the registry's dated parent links and the day of the holding.

A licence names its end user (and consignees). A serial later seen with a unit that is neither the licensed
end user nor one of its sub-units on that day (the hierarchy as it stood then), nor one of the licence's
consignees, is a **potential unauthorised re-transfer** (AECA 3(e) asks for an immediate report of any
transfer without US consent). Consignees count as themselves only: SEDENA/DCAM imports for police forces, so
a battalion under SEDENA holding the rifles of a state-police licence is not covered by the consignee.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from lantern.units.hierarchy import ancestors
from lantern.units.model import ParentLink


@dataclass(frozen=True, slots=True)
class Holding:
    """A unit seen holding a serial: a custody event, or a row of a recovered-weapons inventory."""

    serial: str
    make: str
    licence: str
    day: date
    partial_date: str
    event: str
    holder: str | None
    holder_unit: str | None
    event_key: str | None = None  # the custody event, when the holding is stored
    serial_id: int | None = None
    custody_event_id: int | None = None


@dataclass(frozen=True, slots=True)
class RetransferFinding:
    """A potential unauthorised re-transfer: the holding, and whom the licence allowed instead."""

    holding: Holding
    end_users: tuple[str, ...]
    consignees: tuple[str, ...]
    reason: str


def authorised_holder(
    holder_unit: str,
    day: date,
    end_users: Sequence[str],
    consignees: Sequence[str],
    parent_links: Mapping[str, Sequence[ParentLink]],
) -> str | None:
    """Why the holder may hold the licence's items on `day` (the relation, in words), or None."""
    if holder_unit in end_users:
        return "the licensed end user"
    if holder_unit in consignees:
        return "a licensed consignee"
    above = ancestors(holder_unit, parent_links, day)
    for end_user in end_users:
        if end_user in above:
            return f"a sub-unit of the licensed end user {end_user}"
    return None


def judge_holding(
    holding: Holding,
    end_users: Sequence[str],
    consignees: Sequence[str],
    parent_links: Mapping[str, Sequence[ParentLink]],
) -> RetransferFinding | None:
    """A finding when the holder is a known unit the licence does not allow. An unresolved holder, or a
    licence whose end user was never identified, cannot be judged and gives none."""
    if holding.holder_unit is None or not end_users:
        return None
    if authorised_holder(holding.holder_unit, holding.day, end_users, consignees, parent_links):
        return None
    return retransfer(holding, end_users, consignees)


def retransfer(holding: Holding, end_users: Sequence[str], consignees: Sequence[str]) -> RetransferFinding:
    """The finding for a holding already judged unauthorised."""
    allowed = ", ".join(end_users)
    reason = (
        f"serial {holding.serial} ({holding.make}) of licence {holding.licence} was held by "
        f"{holding.holder_unit} on {holding.partial_date} ({holding.event}), which is neither the licensed "
        f"end user ({allowed}) nor one of its sub-units on that day"
    )
    return RetransferFinding(holding, tuple(end_users), tuple(consignees), reason)
