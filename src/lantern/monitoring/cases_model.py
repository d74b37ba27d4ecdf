"""Violation cases: what opens one, how its status moves, and the statutory reports it triggers. Pure.

A licensed firearm found with a holder that is neither a licensed recipient (the end user or a consignee)
nor one of their sub-units on that day is a *potential unauthorised re-transfer*. A licensed firearm seen
with a unit implicated in an abuse is a violation concern too, whoever the licence named. Both open a
violation case, or add evidence to the open one for the same licence and holder.

AECA 3(c)(2) (22 U.S.C. 2753(c)(2)) requires a *prompt* report to Congress when a substantial violation
may have occurred; AECA 3(e) an *immediate* report of a transfer made without US consent. The statute gives
no number of days, so how many days "prompt" and "immediate" mean is a setting.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from lantern.monitoring.model import CustodyEventKind
from lantern.units.hierarchy import descendants
from lantern.units.model import ParentLink


class CaseKind(StrEnum):
    RETRANSFER = "retransfer"
    IMPLICATED_HOLDER = "implicated_holder"
    UNFAVOURABLE_CHECK = "unfavourable_check"
    MISSING_SERIALS = "missing_serials"
    UNLISTED_SERIALS = "unlisted_serials"
    OTHER = "other"


class CaseStatus(StrEnum):
    OPEN = "open"
    SUBSTANTIATED = "substantiated"
    NOT_SUBSTANTIATED = "not_substantiated"
    CLOSED = "closed"


class EvidenceKind(StrEnum):
    CUSTODY_EVENT = "custody_event"
    SERIAL = "serial"
    CHECK = "check"
    FINDING = "finding"
    NOTE = "note"


class ReportKind(StrEnum):
    AECA_3C2 = "aeca_3c2"  # prompt report of a possible substantial violation
    AECA_3E = "aeca_3e"  # immediate report of a transfer without US consent


REPORT_TITLES = {
    ReportKind.AECA_3C2: "AECA section 3(c)(2) report: possible substantial violation",
    ReportKind.AECA_3E: "AECA section 3(e) report: transfer without United States consent",
}

#: Status changes a case may make. A decision (substantiated or not) can be revisited while the case is open
#: to it; a closed case stays closed (open a new one instead).
TRANSITIONS: Mapping[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.OPEN: frozenset({CaseStatus.SUBSTANTIATED, CaseStatus.NOT_SUBSTANTIATED, CaseStatus.CLOSED}),
    CaseStatus.SUBSTANTIATED: frozenset({CaseStatus.NOT_SUBSTANTIATED, CaseStatus.CLOSED}),
    CaseStatus.NOT_SUBSTANTIATED: frozenset({CaseStatus.SUBSTANTIATED, CaseStatus.CLOSED}),
    CaseStatus.CLOSED: frozenset(),
}

#: Custody events whose holder *has* the firearm in service: a transfer to it, its inventory, a sighting
#: at it during a check. A theft or loss names the holder it was taken from, and a recovery or seizure the
#: authority that took it back: none of them is a transfer by the licensed end user.
HOLDING_EVENTS = frozenset(
    {CustodyEventKind.TRANSFER, CustodyEventKind.INVENTORY, CustodyEventKind.CHECK_SIGHTING}
)

#: Which case kinds trigger which reports. Every case may be a substantial violation (3(c)(2)); a transfer
#: to a holder the licence did not name is also a transfer without US consent (3(e)).
REPORTS_FOR: Mapping[CaseKind, tuple[ReportKind, ...]] = {
    CaseKind.RETRANSFER: (ReportKind.AECA_3C2, ReportKind.AECA_3E),
    CaseKind.UNLISTED_SERIALS: (ReportKind.AECA_3C2,),
    CaseKind.MISSING_SERIALS: (ReportKind.AECA_3C2,),
    CaseKind.IMPLICATED_HOLDER: (ReportKind.AECA_3C2,),
    CaseKind.UNFAVOURABLE_CHECK: (ReportKind.AECA_3C2,),
    CaseKind.OTHER: (ReportKind.AECA_3C2,),
}


class TransitionError(ValueError):
    pass


def check_transition(current: CaseStatus, new: CaseStatus, reason: str) -> None:
    """Raise TransitionError when a case may not move from `current` to `new`, or no reason is given."""
    if not reason.strip():
        raise TransitionError("a status change needs a reason")
    if new not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS[current])) or "none"
        raise TransitionError(f"a {current.value} case cannot become {new.value} (allowed: {allowed})")


def stands(status: CaseStatus) -> bool:
    """A substantiated case stands until it is closed or found not substantiated."""
    return status is CaseStatus.SUBSTANTIATED


def due_on(kind: ReportKind, learned_on: date, *, prompt_days: int, immediate_days: int) -> date:
    """When a report is due: counted from the day the facts were learned (the case's opening day)."""
    days = immediate_days if kind is ReportKind.AECA_3E else prompt_days
    return learned_on + timedelta(days=days)


@dataclass(frozen=True, slots=True)
class Sighting:
    """A custody event of a licensed serial, as the detection rule reads it."""

    event_key: str
    event: CustodyEventKind
    day: date
    partial_date: str
    serial: str
    licence_key: str
    holder_unit: str | None  # resolved holder, if any
    holder_text: str | None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class Concern:
    """One reason to open (or feed) a case: a sighting that breaks the licence's terms or touches an
    implicated unit."""

    kind: CaseKind
    licence_key: str
    holder_unit: str
    event_key: str
    serial: str
    day: date
    text: str


def authorised_holders(
    recipients: Iterable[str], children: Mapping[str, Iterable[tuple[str, ParentLink]]], day: date
) -> set[str]:
    """The licensed recipients and every unit below them as the hierarchy stood on `day`."""
    allowed: set[str] = set()
    for unit in recipients:
        allowed.add(unit)
        allowed.update(descendants(unit, children, day))
    return allowed


def sighting_concerns(
    sighting: Sighting,
    recipients: Sequence[str],
    children: Mapping[str, Iterable[tuple[str, ParentLink]]],
    implicated_since: Mapping[str, date],
) -> list[Concern]:
    """What a sighting says about its licence.

    `recipients` are the units the licence's end users and consignees resolve to; with none resolved, a
    holder cannot be judged against the licence (the review already finds the end user unidentified) and
    only the implicated-holder rule applies. `implicated_since` gives, for each unit with an allegation that
    counts under the review policy, the day it began to count.
    """
    if sighting.event not in HOLDING_EVENTS or sighting.holder_unit is None:
        return []
    holder = sighting.holder_unit
    found: list[Concern] = []
    if recipients and holder not in authorised_holders(recipients, children, sighting.day):
        found.append(
            Concern(
                CaseKind.RETRANSFER,
                sighting.licence_key,
                holder,
                sighting.event_key,
                sighting.serial,
                sighting.day,
                f"{sighting.event.value} {sighting.partial_date}: serial {sighting.serial} of "
                f"{sighting.licence_key} with {sighting.holder_text or holder} ({holder}), which is neither "
                f"a licensed recipient ({', '.join(recipients)}) nor under one on that date",
            )
        )
    if holder in implicated_since:
        found.append(
            Concern(
                CaseKind.IMPLICATED_HOLDER,
                sighting.licence_key,
                holder,
                sighting.event_key,
                sighting.serial,
                sighting.day,
                f"{sighting.event.value} {sighting.partial_date}: serial {sighting.serial} of "
                f"{sighting.licence_key} with {holder}, a unit implicated in an abuse (an allegation counts "
                f"against it since {implicated_since[holder]})",
            )
        )
    return found


def case_summary(kind: CaseKind, licence_key: str | None, holder: str | None, count: int) -> str:
    what = {
        CaseKind.RETRANSFER: "Potential unauthorised re-transfer",
        CaseKind.IMPLICATED_HOLDER: "Licensed firearms with a unit implicated in an abuse",
        CaseKind.UNFAVOURABLE_CHECK: "Unfavourable end-use check",
        CaseKind.MISSING_SERIALS: "Serials missing at an end-use check",
        CaseKind.UNLISTED_SERIALS: "Firearms on no licence found at an end-use check",
        CaseKind.OTHER: "Possible violation",
    }[kind]
    parts = [what]
    if licence_key:
        parts.append(f"licence {licence_key}")
    if holder:
        parts.append(f"holder {holder}")
    if count:
        parts.append(f"{count} serial(s)")
    return ": ".join(parts[:1]) + (" — " + ", ".join(parts[1:]) if len(parts) > 1 else "")


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What a report draft states."""

    case_key: str
    kind: CaseKind
    opened_on: date
    licence_key: str | None
    licence_agency: str | None
    country: str | None
    end_users: tuple[str, ...]
    holder: str | None
    serials: tuple[str, ...]
    first_seen: str | None  # partial dates, as precise as the sources
    last_seen: str | None
    sources: tuple[str, ...]
    evidence: tuple[str, ...]
    status: CaseStatus


def draft_report(kind: ReportKind, facts: CaseFacts, due: date) -> str:
    """The text of a statutory report from the case's facts: a draft an officer reviews before sending."""
    lines = [
        f"DRAFT — {REPORT_TITLES[kind]}",
        f"Case {facts.case_key} ({facts.kind.value}, {facts.status.value}), opened {facts.opened_on}; "
        f"report due {due}.",
        "",
    ]
    if kind is ReportKind.AECA_3E:
        lines.append(
            "The Department has learned that defense articles exported under the licence below appear to "
            "have been transferred to a party the licence does not authorise, without the consent of the "
            "United "
            "States (AECA section 3(a)(2))."
        )
    else:
        lines.append(
            "Information has come to the Department's attention that a substantial violation of an agreement "
            "or licence condition for the export of defense articles may have occurred (AECA section 3(c))."
        )
    lines += [
        "",
        f"Licence: {facts.licence_key or 'not established'}"
        + (f" ({facts.licence_agency})" if facts.licence_agency else ""),
        f"Destination country: {facts.country or 'not established'}",
        f"Licensed end user(s): {', '.join(facts.end_users) or 'not identified'}",
        f"Found with: {facts.holder or 'not established'}",
        f"Dates: first seen {facts.first_seen or 'unknown'}, last seen {facts.last_seen or 'unknown'}",
        f"Serial numbers ({len(facts.serials)}): {', '.join(facts.serials) or 'none recorded'}",
        f"Sources: {'; '.join(facts.sources) or 'none recorded'}",
        "",
        "Evidence:",
        *(f"- {line}" for line in facts.evidence),
    ]
    return "\n".join(lines)
