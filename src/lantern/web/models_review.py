"""What the API returns for the review, screening and imports (the `…Read` models of those areas).

Kept apart from `models.py` so each area's models sit together; the rule is the same: the HTML page renders
exactly the model its JSON twin returns.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field


class FeatureRead(BaseModel):
    feature: str
    how: str
    score: float
    detail: str
    query: str | None = None
    candidate: str | None = None


class CandidateRead(BaseModel):
    entity_id: str
    score: float


class ResolutionRead(BaseModel):
    party: int = Field(description="The party's number: confirm or reject a resolution by it.")
    role: str
    name: str = Field(description="Exactly as written in the licence.")
    country: str | None
    entity_id: str | None = Field(
        description="unit:<key> or entry:<list>/<key>; absent when nothing matched."
    )
    matched_name: str | None
    decision: str | None = Field(description="match, possible or no_match; absent before the first review.")
    score: float | None
    source: str | None = Field(description="Who resolved it: screening, analyst or data.")
    why: str | None = Field(description="The explanation, in words.")
    features: list[FeatureRead] = Field(default_factory=list, description="Each piece of evidence scored.")
    candidates: list[CandidateRead] = Field(default_factory=list, description="Other entities considered.")


class SourceLinkRead(BaseModel):
    key: str
    title: str | None
    url: str | None = Field(description="Only http and https addresses are given.")


class CitationLinkRead(BaseModel):
    source: SourceLinkRead
    access_point: str | None
    quote: str | None


class EvidenceStepRead(BaseModel):
    kind: str = Field(description="party, resolution, hierarchy, allegation, shipment, rule, item, …")
    text: str = Field(description="The step in words.")
    citations: list[CitationLinkRead] = Field(default_factory=list)
    data: dict[str, Any] = Field(default_factory=dict, description="The step as data.")


class DispositionRead(BaseModel):
    status: str
    actor: str
    at: datetime
    reason: str


class FindingRead(BaseModel):
    id: int
    licence: str
    criterion: str
    criterion_title: str
    code: str
    severity: str
    recommendation: str
    status: str
    summary: str
    evidence: list[EvidenceStepRead]
    quantity: int
    value: str
    shipped_since_quantity: int | None
    shipped_since_value: str | None
    first_seen_at: datetime
    last_changed_at: datetime
    resolved_at: datetime | None
    dispositions: list[DispositionRead]


class DecisionRead(BaseModel):
    id: int
    action: str
    actor: str
    at: datetime
    justification: str
    findings: list[int]
    proviso: str | None


class AlertRead(BaseModel):
    id: int
    licence: str
    finding: int
    kind: str = Field(description="new, changed or resolved")
    what_changed: str
    cause: str | None
    created_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    decision: int | None


class ActionsRead(BaseModel):
    """What the signed-in account may do on this licence now."""

    dispose_findings: bool
    dispose_resolutions: bool
    decisions: list[str] = Field(
        description="Decisions the licence's status allows: suspend, revoke, reinstate."
    )


class LicenceReviewRead(BaseModel):
    reviewed: bool = Field(description="False until the book has been reviewed once.")
    resolutions: list[ResolutionRead]
    findings: list[FindingRead]
    decisions: list[DecisionRead]
    alerts: list[AlertRead]
    actions: ActionsRead


class FindingListRead(BaseModel):
    total: int
    page: int
    page_size: int
    pages: int
    filters: dict[str, str]
    findings: list[FindingRead]
    criteria: dict[str, str] = Field(description="Every criterion and its title, for the filter.")


class AlertQueueRead(BaseModel):
    open_only: bool
    alerts: list[AlertRead]
    may_acknowledge: bool


class ActionDoneRead(BaseModel):
    """What an action did, and what re-vetting found after it."""

    message: str
    licences_reviewed: int
    new: int
    changed: int
    resolved: int
    alerts: list[int]
    decision: int | None = None


#: The largest row number a request may name: the 32-bit integer range every database stores.
MAX_ROW_ID = 2_147_483_647
RowNumber = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]


class DisposeFindingIn(BaseModel):
    status: str = Field(description="confirmed, dismissed or open", pattern="^(confirmed|dismissed|open)$")
    reason: str = Field(
        min_length=1, max_length=5000, description="The justification, kept in the audit log."
    )


class DecideIn(BaseModel):
    action: str = Field(pattern="^(approve|deny|suspend|revoke|reinstate)$")
    justification: str = Field(min_length=1, max_length=5000)
    findings: list[RowNumber] = Field(default_factory=list, max_length=100)


class DisposeResolutionIn(BaseModel):
    entity_id: str = Field(min_length=1, max_length=420, description="unit:<key> or entry:<list>/<key>")
    verdict: str = Field(pattern="^(confirm|reject)$")
    reason: str = Field(min_length=1, max_length=5000)


class AcknowledgeIn(BaseModel):
    decision: RowNumber | None = Field(
        default=None, description="Link the alert to this decision on its licence."
    )


class ScreeningMatchRead(BaseModel):
    id: str
    name: str
    kind: str
    score: float
    decision: str
    summary: str
    features: list[FeatureRead]
    href: str | None = Field(description="The unit's page, for units.")


class ScreeningRead(BaseModel):
    query: str | None
    country: str | None
    kind: str | None
    matches: list[ScreeningMatchRead]
    kinds: list[str] = Field(description="Kinds and kind groups the filter accepts.")


class ImportProblemRead(BaseModel):
    file: str
    line: int | None
    field: str
    message: str


class ImportCountRead(BaseModel):
    kind: str
    created: int
    updated: int
    unchanged: int
    rejected: int


class ImportReportRead(BaseModel):
    upload: str | None = Field(description="The checked upload: confirm it to store it.")
    files: list[str]
    stored: bool = Field(description="False for a check: nothing was stored.")
    ok: bool
    summary: str
    counts: list[ImportCountRead]
    skipped: dict[str, int]
    problems: list[ImportProblemRead]
    revetted: ActionDoneRead | None = None


class ImportsPageRead(BaseModel):
    formats: list[str]
    kinds: list[str]
    max_upload_bytes: int


class WeaponRead(BaseModel):
    make: str
    model: str | None
    calibre: str | None
    count: int
    serials: list[str]
    how: str = Field(description="How the unit came to hold them: shipment or custody record.")


class UnitShipmentRead(BaseModel):
    key: str
    licence: str
    ship_date: date
    status: str
