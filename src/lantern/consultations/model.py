"""Consultations and communications: the record the letter's questions 1, 4, 5 and 8 ask for. Pure.

A consultation is a bureau or office asked about a licence or a unit (DRL, WHA, the embassy, INL), with its
date and outcome. A communication is what was told to an exporter or to the foreign government (SEDENA, SEMAR)
before or after licensing: reminders of end-user and re-transfer restrictions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Outcome(StrEnum):
    NO_OBJECTION = "no_objection"
    OBJECTION = "objection"
    CONDITIONS = "conditions"  # no objection if provisos are added
    INFORMATION = "information"  # information given, no position taken
    NO_RESPONSE = "no_response"
    PENDING = "pending"


class Audience(StrEnum):
    EXPORTER = "exporter"
    FOREIGN_GOVERNMENT = "foreign_government"


class CommunicationKind(StrEnum):
    PRE_LICENSING = "pre_licensing"
    POST_LICENSING = "post_licensing"


@dataclass(frozen=True, slots=True)
class Consultation:
    key: str
    bureau: str
    consulted_on: date
    outcome: Outcome
    licence_key: str | None = None  # "AGENCY/NUMBER"
    unit_key: str | None = None
    note: str | None = None
    synthetic: bool = False

    def __post_init__(self) -> None:
        _subject(self.licence_key, self.unit_key)
        if not self.bureau.strip():
            raise ValueError("a consultation names the bureau or office consulted")


@dataclass(frozen=True, slots=True)
class Communication:
    key: str
    audience: Audience
    recipient: str
    kind: CommunicationKind
    sent_on: date
    text: str
    licence_key: str | None = None
    unit_key: str | None = None
    synthetic: bool = False

    def __post_init__(self) -> None:
        _subject(self.licence_key, self.unit_key)
        if not self.text.strip():
            raise ValueError("a communication says what was communicated")


def _subject(licence_key: str | None, unit_key: str | None) -> None:
    if not licence_key and not unit_key:
        raise ValueError("a consultation or communication concerns a licence, a unit, or both")
