"""What the violation-case and end-use-check pages and their JSON twins return (see lantern.web.models)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field, field_validator, model_validator

from lantern.monitoring.cases_model import CaseKind, CaseStatus
from lantern.monitoring.checks_model import CheckOutcome, CheckStage, ReasonCategory, SerialState


class UnitRefRead(BaseModel):
    key: str
    name: str


class CaseReportRead(BaseModel):
    kind: str = Field(description="aeca_3c2 (prompt report) or aeca_3e (immediate report).")
    title: str
    due_on: date
    sent_on: date | None
    sent_by: str | None
    draft: str | None = Field(default=None, description="The generated draft (on the case page).")


class CaseEvidenceRead(BaseModel):
    kind: str
    description: str
    recorded_on: date
    custody_event_id: int | None = None
    serial_id: int | None = None
    check_id: int | None = None


class CaseRead(BaseModel):
    key: str
    kind: str
    status: str
    opened_on: date
    substantiated_on: date | None
    closed_on: date | None
    licence: str | None
    end_user: UnitRefRead | None
    holder: UnitRefRead | None
    country: str | None
    summary: str
    opened_by: str
    status_by: str | None
    status_reason: str | None
    evidence_count: int
    serial_count: int
    reports: list[CaseReportRead]
    evidence: list[CaseEvidenceRead] = []
    next_statuses: list[str] = []


class CaseListRead(BaseModel):
    cases: list[CaseRead]
    filters: dict[str, str]
    kinds: list[str]
    statuses: list[str]
    prefill: dict[str, str] = Field(default_factory=dict, description="Values for the open-a-case form.")


class CaseCreate(BaseModel):
    licence: str = Field(max_length=120, description="AGENCY/NUMBER")
    justification: str = Field(min_length=1, max_length=5000, description="Why the case is opened (audited).")
    kind: CaseKind = CaseKind.OTHER
    holder: str | None = Field(default=None, max_length=200, description="Unit key found holding the items.")

    @field_validator("justification")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a case opened by hand needs a justification")
        return value.strip()


class CaseStatusChange(BaseModel):
    status: CaseStatus
    reason: str = Field(min_length=1, max_length=5000)

    @field_validator("reason")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a status change needs a reason")
        return value


class RiskFactorRead(BaseModel):
    code: str
    label: str
    weight: float
    points: float
    detail: str


class QueueEntryRead(BaseModel):
    licence: str
    agency: str
    kind: str
    status: str
    stage: str
    score: float
    end_users: list[str]
    planned_check: str | None
    factors: list[RiskFactorRead]


class InventoryLineRead(BaseModel):
    serial: str
    state: str
    on_licence: bool


class CheckRead(BaseModel):
    key: str
    licence: str
    stage: str
    status: str
    planned_on: date | None
    performed_on: date | None
    outcome: str | None
    reasons: list[str]
    risk_score: float | None
    serials: dict[str, int]
    notes: str | None
    recorded_by: str
    inventory: list[InventoryLineRead] = []


class CheckQueueRead(BaseModel):
    capacity: int
    quarter: str
    chosen: list[QueueEntryRead]
    left_out: int
    covered: float
    total: float
    share: float
    by_stage: dict[str, int]
    method: str
    checks: list[CheckRead]
    stages: list[str]
    outcomes: list[str]
    reasons: list[str]


class InventoryLineCreate(BaseModel):
    serial: str = Field(min_length=1, max_length=100, pattern=r"\S")
    state: SerialState = SerialState.FOUND
    make: str | None = Field(default=None, max_length=200)


class CheckCreate(BaseModel):
    licence: str = Field(max_length=120)
    stage: CheckStage = CheckStage.POST_SHIPMENT
    outcome: CheckOutcome
    performed_on: date
    reasons: list[ReasonCategory] = []
    serials: list[InventoryLineCreate] = []
    notes: str | None = Field(default=None, max_length=5000)
    check: str | None = Field(default=None, max_length=60, description="A planned check's key.")
    shipment: str | None = Field(default=None, max_length=200)

    @model_validator(mode="after")
    def _reasons_for_unfavourable(self) -> CheckCreate:
        if self.outcome is CheckOutcome.UNFAVOURABLE and not self.reasons:
            raise ValueError("an unfavourable check needs at least one reason category")
        return self


class RecordedCheckRead(BaseModel):
    check: str
    found: int
    missing: int
    unlisted: int
    case: str | None
    case_opened: bool
    created: bool
