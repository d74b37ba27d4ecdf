"""The dashboard, the health check and the API description."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from lantern import __version__
from lantern.accounts.model import Account, Permission
from lantern.audit.service import recent
from lantern.licences.service import LicenceFilter, summarise_book
from lantern.monitoring.cases import report_clock
from lantern.monitoring.checks import check_counts
from lantern.monitoring.service import ShipmentFilter, list_shipments
from lantern.web.deps import CurrentAccount, SessionDep
from lantern.web.models import BookRead, DashboardRead, HealthRead, SlotLineRead, SlotRead
from lantern.web.routes import review
from lantern.web.routes.audit import audit_entry_read
from lantern.web.routes.common import account_read
from lantern.web.routes.licences import run_search
from lantern.web.routing import LanternRouter
from lantern.web.templating import render

router = LanternRouter(tag="dashboard")


@dataclass
class DashboardSlot:
    """A panel of the dashboard that another part of Lantern fills.

    `provider` returns the panel's lines; until that part lands it is None and the panel says so, rather
    than showing invented figures.
    """

    key: str
    title: str
    permission: Permission
    pending: str
    provider: Callable[[Session, Account], list[SlotLineRead]] | None = None


def checks_due(session: Session, account: Account) -> list[SlotLineRead]:
    counts = check_counts(session, date.today())
    return [
        SlotLineRead(label="Checks planned", count=counts["planned"], href="/checks"),
        SlotLineRead(label="Planned checks past their day", count=counts["planned_past_due"], href="/checks"),
        SlotLineRead(label="Unfavourable results recorded", count=counts["unfavourable"], href="/checks"),
    ]


def violation_reports(session: Session, account: Account) -> list[SlotLineRead]:
    clock = report_clock(session, date.today())
    return [
        SlotLineRead(label="Reports overdue", count=clock["overdue"], href="/cases"),
        SlotLineRead(label="Reports due within a week", count=clock["due_this_week"], href="/cases"),
        SlotLineRead(label="Reports not yet sent", count=clock["unsent"], href="/cases"),
        SlotLineRead(label="Cases open or substantiated", count=clock["open_cases"], href="/cases"),
    ]


def held_shipments(session: Session, account: Account) -> list[SlotLineRead]:
    """Shipments held for review (the end user implicated after approval), newest first."""
    rows, total = list_shipments(
        session, ShipmentFilter(status="held", exporter_key=account.licence_scope), limit=5
    )
    lines = [SlotLineRead(label="held for review", count=total, href="/shipments?status=held")]
    lines += [
        SlotLineRead(
            label=f"{r.key} under {r.licence}, {r.shipped_on}", href=f"/shipments/{quote(r.key, safe='')}"
        )
        for r in rows
    ]
    return lines


SLOTS: list[DashboardSlot] = [
    DashboardSlot(
        "findings",
        "Open findings by criterion",
        Permission.REVIEW_READ,
        "Arrives with the licence review.",
        review.open_findings_lines,
    ),
    DashboardSlot(
        "alerts",
        "New alerts",
        Permission.REVIEW_READ,
        "Arrives with the licence review.",
        review.new_alerts_lines,
    ),
    DashboardSlot(
        "held_shipments",
        "Held shipments",
        Permission.MONITORING_READ,
        "Arrives with shipment monitoring.",
        held_shipments,
    ),
    DashboardSlot(
        "checks_due",
        "End-use checks due",
        Permission.MONITORING_READ,
        "Arrives with end-use checks.",
        checks_due,
    ),
    DashboardSlot(
        "violation_reports",
        "Violation reports due, with their clocks",
        Permission.MONITORING_READ,
        "Arrives with violation cases.",
        violation_reports,
    ),
]


@router.html("/", permission=Permission.PUBLIC, no_twin="a redirect to /dashboard")
def root() -> Response:
    return RedirectResponse("/dashboard", status_code=303)


@router.page("/dashboard", permission=Permission.SIGNED_IN, template="dashboard.html")
def dashboard(session: SessionDep, account: CurrentAccount) -> DashboardRead:
    """What needs attention: the licence book, recent changes, and the queues of review and monitoring."""
    book = None
    own = None
    if account.licence_scope is None:
        summary = summarise_book(session)
        book = BookRead.model_validate(summary.__json__())
    else:
        own = run_search(session, LicenceFilter(exporter_key=account.licence_scope), page=1, page_size=10)
    audit = (
        [audit_entry_read(row) for row in recent(session, limit=10)]
        if account.can(Permission.AUDIT_READ)
        else None
    )
    slots = [
        SlotRead(
            key=slot.key,
            title=slot.title,
            available=slot.provider is not None,
            note=None if slot.provider else slot.pending,
            lines=slot.provider(session, account) if slot.provider else [],
        )
        for slot in SLOTS
        if account.can(slot.permission)
    ]
    return DashboardRead(
        account=account_read(account), book=book, own_licences=own, recent_audit=audit, slots=slots
    )


@router.api("/api/health", permission=Permission.PUBLIC)
def health() -> HealthRead:
    """Whether the application is up."""
    return HealthRead(status="ok", version=__version__)


@router.html("/docs", permission=Permission.PUBLIC, no_twin="the API description; its JSON is /openapi.json")
def docs(request: Request) -> Response:
    """Swagger UI over /openapi.json, served from the vendored swagger-ui-dist package."""
    return render(request, "docs.html", {})
