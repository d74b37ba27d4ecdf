"""What the API returns (the `…Read` models). Each HTML page renders the same model as its JSON twin."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from lantern.accounts.model import Permission, Role
from lantern.web.models_review import LicenceReviewRead, UnitShipmentRead, WeaponRead


class AccountRead(BaseModel):
    username: str
    display_name: str | None
    role: Role
    company: str | None = Field(description="Exporters: the company whose licences the account sees.")
    permissions: list[Permission]
    via_token: bool


class HealthRead(BaseModel):
    status: str
    version: str


class BookRead(BaseModel):
    licences: int
    synthetic: int
    parties: int
    items: int
    quantity: int
    value: str = Field(description="Total value in US dollars, exact, as a decimal string.")
    by_agency: dict[str, int]
    by_status: dict[str, int]
    by_kind: dict[str, int]
    by_country: dict[str, int]
    by_year: dict[str, int]
    first_issue: date | None
    last_issue: date | None


class AuditEntryRead(BaseModel):
    seq: int
    at: datetime
    actor: str
    action: str
    entity_type: str
    entity_key: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class SlotLineRead(BaseModel):
    label: str
    count: int | None = None
    href: str | None = None


class SlotRead(BaseModel):
    key: str
    title: str
    available: bool = Field(description="False until the part of Lantern that fills this slot is installed.")
    note: str | None = None
    lines: list[SlotLineRead] = Field(default_factory=list)


class LicenceListItemRead(BaseModel):
    key: str
    agency: str
    number: str
    kind: str
    country: str
    status: str | None
    issue_date: date | None
    value: str | None
    synthetic: bool


class LicenceSearchRead(BaseModel):
    total: int = Field(description="Matching licences; a lower bound when `total_exact` is false.")
    total_exact: bool = Field(
        default=True,
        description="False when counting stopped at the server's limit (setting web.search_count_limit).",
    )
    page: int
    page_size: int
    pages: int = Field(description="Pages of results; when the total is not exact, this page and the next.")
    has_next: bool = Field(default=False, description="Whether a further page exists.")
    filters: dict[str, str]
    licences: list[LicenceListItemRead]


class DashboardRead(BaseModel):
    account: AccountRead
    book: BookRead | None = Field(description="The whole licence book; absent for exporter accounts.")
    own_licences: LicenceSearchRead | None = Field(description="Exporters: their company's newest licences.")
    recent_audit: list[AuditEntryRead] | None = Field(
        description="Absent unless the role may read the audit log."
    )
    slots: list[SlotRead]


class PartyRead(BaseModel):
    role: str
    name: str = Field(description="Exactly as written in the licence.")
    country: str | None
    address: str | None
    unit_key: str | None = Field(description="The unit it was resolved to (never shown to exporters).")
    list_entry_key: str | None = Field(
        description="The list entry it was resolved to (never shown to exporters)."
    )


class ItemRead(BaseModel):
    line: int
    description: str
    quantity: int
    usml_category: str | None
    eccn: str | None
    fire_mode: str
    manufacturer: str | None
    model: str | None
    calibre: str | None
    unit_value: str | None
    total_value: str | None


class ExclusionRead(BaseModel):
    kind: str
    value: str
    text: str | None


class StatusChangeRead(BaseModel):
    status: str
    at: datetime
    by: str | None = Field(description="Who changed it (not shown to exporters).")
    reason: str | None = Field(description="Why (not shown to exporters).")


class LicenceRead(BaseModel):
    key: str
    agency: str
    number: str
    kind: str
    country: str
    status: str | None
    end_use: str | None
    issue_date: date | None
    expiry_date: date | None
    value: str | None
    cn_reference: str | None
    provisos: str | None
    exclusions: list[ExclusionRead]
    parties: list[PartyRead]
    items: list[ItemRead]
    status_history: list[StatusChangeRead]
    synthetic: bool
    notes: str | None
    hold_reasons: list[str] = Field(
        default_factory=list,
        description="Why a suspended or revoked licence is held, by category only (all an exporter is told).",
    )
    review: LicenceReviewRead | None = Field(
        default=None, description="Resolutions, findings, decisions and alerts (never shown to exporters)."
    )
    drawdown: list[DrawdownRead] = Field(
        default_factory=list, description="Per item: licensed, shipped (accepted and held) and remaining."
    )
    shipments: list[ShipmentListItemRead] = Field(
        default_factory=list, description="Shipment notices filed against the licence, newest first."
    )
    shipments_total: int = 0


class DrawdownRead(BaseModel):
    item: int
    description: str | None
    licensed: int
    shipped: int
    remaining: int


class UnitListItemRead(BaseModel):
    key: str
    name: str
    kind: str
    level: str
    country: str
    state: str | None


class UnitListRead(BaseModel):
    filters: dict[str, str]
    units: list[UnitListItemRead]
    limit: int


class AliasRead(BaseModel):
    name: str
    kind: str


class UnitLinkRead(BaseModel):
    key: str
    name: str
    start: str | None = None
    end: str | None = None


class UnitAllegationRead(BaseModel):
    key: str
    start: str | None
    end: str | None
    violations: list[str]
    confidence: str
    status: str | None
    description: str


class UnitLicenceRead(BaseModel):
    licence: str
    agency: str
    number: str
    role: str
    name: str
    issue_date: date | None
    status: str | None


class UnitRead(BaseModel):
    key: str
    name: str
    kind: str
    level: str
    country: str
    state: str | None
    municipality: str | None
    aliases: list[AliasRead]
    on: date | None = Field(description="The day the hierarchy is shown as of; absent means every period.")
    parents: list[UnitLinkRead]
    ancestors: list[UnitLinkRead] = Field(description="Nearest first.")
    children: list[UnitLinkRead]
    allegations: list[UnitAllegationRead]
    licences: list[UnitLicenceRead]
    sources: list[str]
    notes: str | None
    timeline: str = Field(description="URL of the allegation timeline chart (SVG).")
    timeline_summary: str = Field(description="What the chart shows, in words.")
    shipments: list[UnitShipmentRead] = Field(
        default_factory=list, description="Shipments consigned to the unit, oldest first."
    )
    weapons: list[WeaponRead] = Field(
        default_factory=list, description="What it holds, by make, model and calibre, with serials."
    )


class CitationRead(BaseModel):
    source: str
    title: str
    publisher: str | None
    url: str | None
    access_point: str | None
    quote: str | None


class PersonRead(BaseModel):
    name: str
    role: str | None
    unit: str | None


class AllegationStatusRead(BaseModel):
    status: str
    date: date
    note: str | None


class AllegationRead(BaseModel):
    key: str
    units: list[UnitLinkRead]
    violations: list[str]
    start: str | None
    end: str | None
    place: str | None
    state: str | None
    municipality: str | None
    description: str
    confidence: str
    persons: list[PersonRead]
    citations: list[CitationRead]
    statuses: list[AllegationStatusRead]


class AllegationListRead(BaseModel):
    unit: str | None
    allegations: list[AllegationRead]


class ChainBreakRead(BaseModel):
    seq: int
    reason: str


class ChainRead(BaseModel):
    ok: bool
    records: int
    breaks: list[ChainBreakRead]


class AuditPageRead(BaseModel):
    chain: ChainRead
    entries: list[AuditEntryRead]
    next_before: int | None = Field(description="Pass as `before` for the next, older page.")


# --- Shipments and tracing ---------------------------------------------------------------------------------


class ShipmentListItemRead(BaseModel):
    key: str
    licence: str
    shipped_on: date
    status: str = Field(description="accepted, held (for review) or rejected.")
    reason: str | None = Field(description="Why it was rejected or held.")
    consignee: str | None
    aes_itn: str | None
    quantity: int
    serials: int
    value: str | None = Field(description="US dollars, exact, as a decimal string.")


class ShipmentListRead(BaseModel):
    total: int
    page: int
    page_size: int
    pages: int
    filters: dict[str, str]
    shipments: list[ShipmentListItemRead]
    can_file: bool


class ShipmentLineRead(BaseModel):
    item: int
    description: str
    category: str | None
    quantity: int
    value: str | None


class SerialRead(BaseModel):
    serial: str
    make: str
    model: str | None
    calibre: str | None
    category: str | None
    item: int | None


class ShipmentRead(ShipmentListItemRead):
    filed_by: str | None
    lines: list[ShipmentLineRead]
    serial_numbers: list[SerialRead]
    refused_serials: list[dict[str, Any]] = Field(description="Serials of a rejected notice, as written.")


class FiledShipmentRead(BaseModel):
    key: str
    licence: str
    status: str
    reason: str | None
    alerts: list[int] = Field(description="Alerts raised when the shipment was held (staff only).")
    replayed: bool = Field(description="The same notice was filed before; nothing new was stored.")


class ShipmentLineCreate(BaseModel):
    item: int = Field(ge=1, description="The licence's item line.")
    quantity: int = Field(ge=1, le=2_000_000_000)
    value: str | None = Field(default=None, pattern=r"^\d+(\.\d{1,2})?$", description="US dollars.")


class SerialCreate(BaseModel):
    serial: str = Field(min_length=1, max_length=100)
    item: int = Field(ge=1)
    make: str = Field(min_length=1, max_length=200)
    model: str | None = Field(default=None, max_length=200)
    calibre: str | None = Field(default=None, max_length=50)


class ShipmentCreate(BaseModel):
    """A shipment notice, as an exporter's system files it."""

    id: str | None = Field(default=None, max_length=200, description="The notice's id (default: generated).")
    licence: str = Field(min_length=1, max_length=200, description="AGENCY/NUMBER, or a number.")
    date: date
    consignee: str | None = Field(default=None, max_length=500)
    aes_itn: str | None = Field(default=None, max_length=40)
    value: str | None = Field(default=None, pattern=r"^\d+(\.\d{1,2})?$")
    lines: list[ShipmentLineCreate] = Field(min_length=1, max_length=500)
    serials: list[SerialCreate] = Field(default_factory=list, max_length=100_000)


class TraceStepRead(BaseModel):
    kind: str
    date: str | None
    holder: str | None
    holder_unit: str | None
    place: str | None
    source: str | None
    note: str | None
    authorised: str | None = Field(description="Why the holder may hold it, when it may.")
    flag: str | None = Field(description="'potential unauthorised re-transfer' when the holder may not.")


class TraceAllegationRead(BaseModel):
    key: str
    violations: list[str]
    incident: str
    confidence: str
    credible_since: str | None
    place: str | None
    sources: list[str]


class TraceUnitRead(BaseModel):
    key: str
    name: str
    allegations: list[TraceAllegationRead]


class RetransferRead(BaseModel):
    serial: str
    make: str
    licence: str
    date: str
    event: str
    holder: str | None
    holder_unit: str | None
    custody_event: str | None
    licensed_end_users: list[str]
    licensed_consignees: list[str]
    reason: str


class SerialTraceRead(BaseModel):
    serial: str
    make: str | None
    found: bool
    serial_as_shipped: str | None
    make_as_shipped: str | None
    model: str | None
    calibre: str | None
    category: str | None
    licence: dict[str, Any] | None
    shipment: dict[str, Any] | None
    chain: list[TraceStepRead]
    units: list[TraceUnitRead]
    retransfers: list[RetransferRead]


class TraceRead(BaseModel):
    serial: str | None
    make: str | None
    traces: list[SerialTraceRead]


class ReportListItemRead(BaseModel):
    name: str
    title: str
    question: str
    parameters: list[str] = Field(description="The query parameters the report reads.")
    url: str


class ReportListRead(BaseModel):
    reports: list[ReportListItemRead]


class ReportRead(BaseModel):
    """A report as its JSON file gives it (`lantern report NAME --format json`), plus download links."""

    report: str
    title: str
    question: str
    parameters: dict[str, str | None]
    as_of: str | None = Field(description="The latest change recorded in the data the report was drawn from.")
    generated_at: str
    notes: list[str]
    main_table: str | None
    sections: list[dict[str, Any]] = Field(
        description="Sections with facts, figures and tables; each number lists the records behind it."
    )
    sources: list[dict[str, Any]]
    downloads: dict[str, str] = Field(description="The report as CSV and PDF, with the same parameters.")
    # The charts as data: URIs of SVG images, for the page only (the JSON has the data they are drawn from).
    figures: dict[str, str] = Field(default_factory=dict, exclude=True)
