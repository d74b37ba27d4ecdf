"""Licences as the licensing agencies issue them. Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum


class Agency(StrEnum):
    DDTC = "DDTC"  # State: US Munitions List, AECA/ITAR
    BIS = "BIS"  # Commerce: Commerce Control List, EAR


class LicenceKind(StrEnum):
    DSP5 = "DSP-5"  # permanent export of unclassified defense articles
    DSP73 = "DSP-73"
    DSP61 = "DSP-61"
    BIS748P = "BIS-748P"
    STA = "STA"  # licence exception Strategic Trade Authorization: a record that stands in for a licence
    OTHER = "other"


class LicenceStatus(StrEnum):
    APPLIED = "applied"
    APPROVED = "approved"
    RETURNED = "returned"
    DENIED = "denied"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    EXPIRED = "expired"
    EXHAUSTED = "exhausted"


#: Statuses under which nothing may ship.
BLOCKING_STATUSES = frozenset(
    {
        LicenceStatus.APPLIED,
        LicenceStatus.RETURNED,
        LicenceStatus.DENIED,
        LicenceStatus.SUSPENDED,
        LicenceStatus.REVOKED,
        LicenceStatus.EXPIRED,
        LicenceStatus.EXHAUSTED,
    }
)


class PartyRole(StrEnum):
    APPLICANT = "applicant"  # also the exporter
    SELLER = "seller"
    PURCHASER = "purchaser"
    INTERMEDIATE_CONSIGNEE = "intermediate_consignee"
    ULTIMATE_CONSIGNEE = "ultimate_consignee"
    END_USER = "end_user"


#: Roles that hold the goods in the destination country; criterion 1 screens these against units.
RECEIVING_ROLES = frozenset(
    {PartyRole.END_USER, PartyRole.ULTIMATE_CONSIGNEE, PartyRole.INTERMEDIATE_CONSIGNEE}
)


class FireMode(StrEnum):
    AUTOMATIC = "automatic"
    SEMI_AUTOMATIC = "semi_automatic"
    NON_AUTOMATIC = "non_automatic"
    NOT_APPLICABLE = "n/a"


#: The CCL entries created for the firearms moved off the USML on 9 March 2020 (85 FR 4136).
CCL_FIREARM_ECCNS = frozenset({"0A501", "0A502", "0A503", "0A504", "0A505"})


class ExclusionKind(StrEnum):
    """Structured provisos: what a licence says the goods must not reach."""

    STATE = "state"  # "not for units in Guerrero"
    UNIT = "unit"  # a named unit (and its sub-units)
    UNIT_KIND = "unit_kind"  # e.g. municipal police


@dataclass(frozen=True, slots=True)
class Exclusion:
    kind: ExclusionKind
    value: str
    text: str | None = None


@dataclass(frozen=True, slots=True)
class StatusChange:
    status: LicenceStatus
    at: datetime
    by: str
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Party:
    role: PartyRole
    name: str  # exactly as written in the licence
    country: str | None = None
    address: str | None = None
    unit_key: str | None = None  # the unit it was resolved to, if any
    list_entry_key: str | None = None  # "<list key>/<entry key>" it was resolved to, if any


@dataclass(frozen=True, slots=True)
class Item:
    line: int
    description: str
    quantity: int
    usml_category: str | None = None  # e.g. "I(a)"
    eccn: str | None = None  # e.g. "0A501.a"
    fire_mode: FireMode = FireMode.NOT_APPLICABLE
    manufacturer: str | None = None
    model: str | None = None
    calibre: str | None = None
    unit_value: Decimal | None = None
    total_value: Decimal | None = None

    @property
    def is_usml_category_i(self) -> bool:
        return self.usml_category is not None and self.usml_category.upper().startswith("I(")

    @property
    def is_ccl_firearm(self) -> bool:
        """ECCN 0A501 to 0A505: firearms, parts, sights and ammunition moved to Commerce in March 2020."""
        return self.eccn is not None and self.eccn[:5] in CCL_FIREARM_ECCNS


@dataclass(frozen=True, slots=True)
class Licence:
    agency: Agency
    number: str
    kind: LicenceKind
    destination_country: str
    end_use: str | None = None
    issue_date: date | None = None
    expiry_date: date | None = None
    total_value: Decimal | None = None
    cn_reference: str | None = None  # congressional-notification reference, e.g. "DDTC-20-072"
    proviso_text: str | None = None
    consignee_statement: str | None = None  # STA: reference of the prior consignee statement on file
    exclusions: tuple[Exclusion, ...] = ()
    status_history: tuple[StatusChange, ...] = ()
    parties: tuple[Party, ...] = ()
    items: tuple[Item, ...] = ()
    synthetic: bool = False
    notes: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.agency.value}/{self.number}"

    @property
    def status(self) -> LicenceStatus | None:
        return self.status_history[-1].status if self.status_history else None

    def status_on(self, when: datetime) -> LicenceStatus | None:
        current = None
        for change in self.status_history:
            if change.at <= when:
                current = change.status
        return current

    def approved_at(self) -> datetime | None:
        for change in self.status_history:
            if change.status is LicenceStatus.APPROVED:
                return change.at
        return None

    def parties_in(self, *roles: PartyRole) -> tuple[Party, ...]:
        return tuple(p for p in self.parties if p.role in roles)
