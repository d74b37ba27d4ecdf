"""Licence search and the licence page. Exporters see only their company's licences, and less of each."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from fastapi import Query
from sqlalchemy.orm import Session

from lantern.accounts.model import Account, Permission
from lantern.db.tables.licences import LicenceRow
from lantern.errors import NotFound
from lantern.licences.model import Agency, Licence, LicenceStatus
from lantern.licences.service import LicenceFilter, find_licence_row, licence_from_row, search_licence_page
from lantern.monitoring.service import ShipmentFilter, drawdown, list_shipments
from lantern.review.model import Criterion
from lantern.review.reading import hold_reasons
from lantern.web.deps import CurrentAccount, SessionDep, SettingsDep
from lantern.web.models import (
    DrawdownRead,
    ExclusionRead,
    ItemRead,
    LicenceListItemRead,
    LicenceRead,
    LicenceSearchRead,
    PartyRead,
    StatusChangeRead,
)
from lantern.web.routes.common import BlankIsNone, filters_of
from lantern.web.routes.review import review_section
from lantern.web.routes.shipments import list_item as shipment_item
from lantern.web.routing import LanternRouter

router = LanternRouter(tag="licences")

MAX_PAGE_SIZE = 200
#: Shipments listed on a licence page; the rest are one click away on /shipments?licence=….
SHIPMENTS_SHOWN = 50

#: The search's finding filter: a criterion, or any.
FindingCriterion = StrEnum("FindingCriterion", {"ANY": "any", **{c.name: c.value for c in Criterion}})  # type: ignore[misc]


def _str(value: object) -> str | None:
    return None if value is None else str(value)


def list_item(row: LicenceRow) -> LicenceListItemRead:
    return LicenceListItemRead(
        key=f"{row.agency}/{row.number}",
        agency=row.agency,
        number=row.number,
        kind=row.kind,
        country=row.destination_country,
        status=row.status,
        issue_date=row.issue_date,
        value=_str(row.total_value),
        synthetic=row.synthetic,
    )


def run_search(
    session: Session, flt: LicenceFilter, *, page: int, page_size: int, count_limit: int | None = None
) -> LicenceSearchRead:
    found = search_licence_page(
        session, flt, limit=page_size, offset=(page - 1) * page_size, count_limit=count_limit
    )
    rows, total = found.rows, found.total
    # Past the counting limit the number of pages is unknown: there is a next page while this one is full.
    has_next = page * page_size < total if found.total_exact else len(rows) == page_size
    pages = max(1, -(-total // page_size)) if found.total_exact else page + (1 if has_next else 0)
    asked = filters_of(
        q=flt.text,
        agency=flt.agency,
        status=flt.status,
        country=flt.country,
        state=flt.state,
        end_user=flt.end_user,
        category=flt.category,
        issued_from=flt.issued_from,
        issued_to=flt.issued_to,
        finding=flt.finding,
    )
    return LicenceSearchRead(
        total=total,
        total_exact=found.total_exact,
        page=page,
        page_size=page_size,
        pages=pages,
        has_next=has_next,
        filters=asked,
        licences=[list_item(r) for r in rows],
    )


@router.page(
    "/licences",
    permission=Permission.LICENCES_READ,
    template="licences/search.html",
    partial="licences/_results.html",
)
def licences(
    session: SessionDep,
    account: CurrentAccount,
    settings: SettingsDep,
    q: Annotated[
        str | None,
        Query(max_length=200, description="Number, party name or end use contains this."),
        BlankIsNone,
    ] = None,
    agency: Annotated[Agency | None, Query(), BlankIsNone] = None,
    status: Annotated[LicenceStatus | None, Query(), BlankIsNone] = None,
    country: Annotated[
        str | None, Query(pattern=r"^[A-Za-z]{2}$", description="Destination, ISO 3166 alpha-2."), BlankIsNone
    ] = None,
    state: Annotated[
        str | None, Query(max_length=100, description="End user's unit is in this state."), BlankIsNone
    ] = None,
    end_user: Annotated[
        str | None, Query(max_length=200, description="An end user's name contains this."), BlankIsNone
    ] = None,
    category: Annotated[
        str | None,
        Query(max_length=20, description="USML category or ECCN prefix, e.g. I(a) or 0A501."),
        BlankIsNone,
    ] = None,
    issued_from: Annotated[date | None, Query(), BlankIsNone] = None,
    issued_to: Annotated[date | None, Query(), BlankIsNone] = None,
    finding: Annotated[
        FindingCriterion | None,
        Query(description="Has a current finding of this criterion (`any`: of any criterion)."),
        BlankIsNone,
    ] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> LicenceSearchRead:
    """Search the licence book, newest first. Exporters search only their own company's licences."""
    flt = LicenceFilter(
        text=q,
        agency=agency.value if agency else None,
        status=status.value if status else None,
        country=country.upper() if country else None,
        state=state,
        end_user=end_user,
        category=category,
        issued_from=issued_from,
        issued_to=issued_to,
        exporter_key=account.licence_scope,
        # Findings are the review's: an exporter's search cannot be narrowed by them.
        finding=finding.value if finding and account.can(Permission.REVIEW_READ) else None,
    )
    return run_search(
        session,
        flt,
        page=page,
        page_size=min(settings.web.page_size, MAX_PAGE_SIZE),
        count_limit=settings.web.search_count_limit,
    )


def licence_read(lic: Licence, account: Account) -> LicenceRead:
    """A licence as this account may see it. Exporters never see resolutions, internal names or reasons."""
    full = account.licence_scope is None
    return LicenceRead(
        key=lic.key,
        agency=lic.agency.value,
        number=lic.number,
        kind=lic.kind.value,
        country=lic.destination_country,
        status=lic.status.value if lic.status else None,
        end_use=lic.end_use,
        issue_date=lic.issue_date,
        expiry_date=lic.expiry_date,
        value=_str(lic.total_value),
        cn_reference=lic.cn_reference,
        provisos=lic.proviso_text,
        exclusions=[ExclusionRead(kind=e.kind.value, value=e.value, text=e.text) for e in lic.exclusions],
        parties=[
            PartyRead(
                role=p.role.value,
                name=p.name,
                country=p.country,
                address=p.address,
                unit_key=p.unit_key if full else None,
                list_entry_key=p.list_entry_key if full else None,
            )
            for p in lic.parties
        ],
        items=[
            ItemRead(
                line=i.line,
                description=i.description,
                quantity=i.quantity,
                usml_category=i.usml_category,
                eccn=i.eccn,
                fire_mode=i.fire_mode.value,
                manufacturer=i.manufacturer,
                model=i.model,
                calibre=i.calibre,
                unit_value=_str(i.unit_value),
                total_value=_str(i.total_value),
            )
            for i in lic.items
        ],
        status_history=[
            StatusChangeRead(
                status=s.status.value, at=s.at, by=s.by if full else None, reason=s.reason if full else None
            )
            for s in lic.status_history
        ],
        synthetic=lic.synthetic,
        notes=lic.notes if full else None,
    )


@router.page(
    "/licences/{agency}/{number}", permission=Permission.LICENCES_READ, template="licences/licence.html"
)
def licence(agency: Agency, number: str, session: SessionDep, account: CurrentAccount) -> LicenceRead:
    """One licence: parties as written, items, provisos and status history; for the review's readers also
    how each party was resolved, the findings with their evidence, decisions and alerts."""
    ref = f"{agency.value}/{number}"
    row = find_licence_row(session, ref)
    if account.licence_scope is not None and row.exporter_key != account.licence_scope:
        # The same answer as for a licence that does not exist: an exporter learns nothing of others'.
        raise NotFound(f"No licence {ref!r} in the book.")
    read = licence_read(licence_from_row(row), account)
    read.hold_reasons = hold_reasons(session, row)
    read.review = review_section(session, row, account)
    # The licence is found (and scoped) once; what follows reads by its id.
    read.drawdown = [DrawdownRead.model_validate(line) for line in drawdown(session, row)]
    shipped, read.shipments_total = list_shipments(
        session, ShipmentFilter(licence=ref, licence_id=row.id), limit=SHIPMENTS_SHOWN
    )
    read.shipments = [shipment_item(s, account) for s in shipped]
    return read
