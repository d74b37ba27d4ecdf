"""Shipment notices (exporters file them; everyone with licences.read lists them, exporters only their own)
and the trace of a serial number (monitoring staff)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from lantern.accounts.model import Account, Permission
from lantern.errors import LanternError, ValidationProblem
from lantern.licences.service import LicenceFilter, search_licences
from lantern.monitoring import service, trace
from lantern.monitoring.model import ShipmentStatus
from lantern.web.deps import CurrentAccount, DatabaseDep, SessionDep, SettingsDep
from lantern.web.models import (
    FiledShipmentRead,
    SerialRead,
    SerialTraceRead,
    ShipmentCreate,
    ShipmentLineRead,
    ShipmentListItemRead,
    ShipmentListRead,
    ShipmentRead,
    TraceRead,
)
from lantern.web.routes.common import BlankIsNone, filters_of
from lantern.web.routing import LanternRouter
from lantern.web.templating import render

router = LanternRouter(tag="shipments")

PAGE_SIZE = 50

#: What an exporter is told of a held shipment: the findings behind it are the review's, not theirs.
HELD_FOR_EXPORTERS = "held for review by the licensing authority"


def _str(value: object) -> str | None:
    return None if value is None else str(value)


def _reason(summary: service.ShipmentSummary, account: Account) -> str | None:
    if account.licence_scope is not None and summary.status == ShipmentStatus.HELD.value:
        return HELD_FOR_EXPORTERS
    return summary.reason


def list_item(s: service.ShipmentSummary, account: Account) -> ShipmentListItemRead:
    return ShipmentListItemRead(
        key=s.key,
        licence=s.licence,
        shipped_on=s.shipped_on,
        status=s.status,
        reason=_reason(s, account),
        consignee=s.consignee,
        aes_itn=s.aes_itn,
        quantity=s.quantity,
        serials=s.serials,
        value=_str(s.value),
    )


@router.page("/shipments", permission=Permission.LICENCES_READ, template="shipments/list.html")
def shipments(
    session: SessionDep,
    account: CurrentAccount,
    licence: Annotated[
        str | None, Query(max_length=200, description="AGENCY/NUMBER or a number."), BlankIsNone
    ] = None,
    status: Annotated[ShipmentStatus | None, Query(), BlankIsNone] = None,
    shipped_from: Annotated[date | None, Query(), BlankIsNone] = None,
    shipped_to: Annotated[date | None, Query(), BlankIsNone] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> ShipmentListRead:
    """Shipment notices, newest first. Exporters see only their company's."""
    flt = service.ShipmentFilter(
        licence=licence,
        status=status.value if status else None,
        exporter_key=account.licence_scope,
        shipped_from=shipped_from,
        shipped_to=shipped_to,
    )
    rows, total = service.list_shipments(session, flt, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return ShipmentListRead(
        total=total,
        page=page,
        page_size=PAGE_SIZE,
        pages=max(1, -(-total // PAGE_SIZE)),
        filters=filters_of(
            licence=licence,
            status=status.value if status else None,
            shipped_from=shipped_from,
            shipped_to=shipped_to,
        ),
        shipments=[list_item(r, account) for r in rows],
        can_file=account.can(Permission.SHIPMENTS_FILE),
    )


def _own_licences(session: Any, account: Account) -> list[str]:
    rows, _ = search_licences(session, LicenceFilter(exporter_key=account.licence_scope), limit=200)
    return [f"{r.agency}/{r.number}" for r in rows]


def _form(
    request: Request,
    session: Any,
    account: Account,
    values: dict[str, Any],
    error: str | None = None,
    problems: list[str] | None = None,
    status_code: int = 200,
) -> Response:
    response = render(
        request,
        "shipments/new.html",
        {
            "licences": _own_licences(session, account),
            "values": values,
            "error": error,
            "problems": problems or [],
        },
    )
    response.status_code = status_code
    return response


@router.html(
    "/shipments/new",
    permission=Permission.SHIPMENTS_FILE,
    no_twin="a form; machine clients POST /api/shipments",
)
def new_shipment(
    request: Request, session: SessionDep, account: CurrentAccount, licence: str | None = None
) -> Response:
    return _form(request, session, account, {"licence": licence or "", "item": "1"})


def _serials(text: str, item: int, make: str) -> list[dict[str, Any]]:
    """Serials typed one per line: SERIAL[, MAKE[, MODEL[, CALIBRE]]] (the make defaults to the form's)."""
    out = []
    for line in text.splitlines():
        parts = [p.strip() for p in line.split(",")]
        if not parts[0]:
            continue
        parts += [""] * (4 - len(parts))
        out.append(
            {
                "serial": parts[0],
                "item": item,
                "make": parts[1] or make,
                "model": parts[2] or None,
                "calibre": parts[3] or None,
            }
        )
    return out


@router.html(
    "/shipments/new",
    permission=Permission.SHIPMENTS_FILE,
    no_twin="a form that posts; machine clients POST /api/shipments",
    methods=("POST",),
)
def file_shipment(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    account: CurrentAccount,
    licence: Annotated[str, Form(max_length=200)] = "",
    shipped_on: Annotated[str, Form(max_length=20)] = "",
    item: Annotated[str, Form(max_length=10)] = "1",
    quantity: Annotated[str, Form(max_length=12)] = "",
    value: Annotated[str, Form(max_length=20)] = "",
    consignee: Annotated[str, Form(max_length=500)] = "",
    aes_itn: Annotated[str, Form(max_length=40)] = "",
    make: Annotated[str, Form(max_length=200)] = "",
    serials: Annotated[str, Form(max_length=2_000_000)] = "",
) -> Response:
    values = {
        "licence": licence,
        "shipped_on": shipped_on,
        "item": item,
        "quantity": quantity,
        "value": value,
        "consignee": consignee,
        "aes_itn": aes_itn,
        "make": make,
        "serials": serials,
    }
    try:
        if not item.isdigit() or not quantity.isdigit():
            raise ValidationProblem("Give the item line and the quantity as whole numbers.")
        data = {
            "licence": licence,
            "date": shipped_on,
            "consignee": consignee or None,
            "aes_itn": aes_itn or None,
            "value": value or None,
            "filed_by": account.company or account.audit_name,
            "lines": [{"item": int(item), "quantity": int(quantity), "value": value or None}],
            "serials": _serials(serials, int(item), make),
        }
        with database.transaction() as session:
            filed = service.file_notice(
                session,
                data,
                actor=account.audit_name,
                review_settings=settings.review,
                exporter_key=account.licence_scope,
            )
    except LanternError as exc:
        problems = list(getattr(exc, "problems", []) or [])
        with database.session() as session:
            return _form(request, session, account, values, exc.message, problems, exc.status_code)
    return RedirectResponse(f"/shipments/{quote(filed.key, safe='')}", status_code=303)


@router.api("/api/shipments", permission=Permission.SHIPMENTS_FILE, methods=("POST",))
def file_shipment_api(
    body: ShipmentCreate, database: DatabaseDep, settings: SettingsDep, account: CurrentAccount
) -> FiledShipmentRead:
    """File a shipment notice: accepted (drawn down), held for review, or rejected with every reason."""
    data = body.model_dump(mode="json")
    data["filed_by"] = account.company or account.audit_name
    with database.transaction() as session:
        filed = service.file_notice(
            session,
            data,
            actor=account.audit_name,
            review_settings=settings.review,
            exporter_key=account.licence_scope,
        )
    staff = account.licence_scope is None
    held = filed.status is ShipmentStatus.HELD
    return FiledShipmentRead(
        key=filed.key,
        licence=filed.licence,
        status=filed.status.value,
        reason=HELD_FOR_EXPORTERS if held and not staff else filed.reason,
        alerts=list(filed.alert_ids) if staff else [],
        replayed=filed.replayed,
    )


@router.page("/shipments/{key}", permission=Permission.LICENCES_READ, template="shipments/shipment.html")
def shipment(key: str, session: SessionDep, account: CurrentAccount) -> ShipmentRead:
    """One shipment notice: its decision and reasons, lines and serial numbers."""
    view = service.find_shipment(session, key, exporter_key=account.licence_scope)
    base = list_item(view.summary, account)
    return ShipmentRead(
        **base.model_dump(),
        filed_by=view.summary.filed_by,
        lines=[
            ShipmentLineRead(
                item=line.item,
                description=line.description,
                category=line.category,
                quantity=line.quantity,
                value=_str(line.value),
            )
            for line in view.lines
        ],
        serial_numbers=[
            SerialRead(
                serial=s.serial,
                make=s.make,
                model=s.model,
                calibre=s.calibre,
                category=s.category,
                item=s.item,
            )
            for s in view.serials
        ],
        refused_serials=list(view.rejected_serials),
    )


@router.page("/trace", permission=Permission.MONITORING_READ, template="shipments/trace.html")
def trace_page(
    session: SessionDep,
    serial: Annotated[
        str | None, Query(max_length=100, description="A serial number as written."), BlankIsNone
    ] = None,
    make: Annotated[
        str | None, Query(max_length=200, description="The make, if several share the serial."), BlankIsNone
    ] = None,
) -> TraceRead:
    """The custody chain of a serial: licence, shipment, holders, allegations, potential re-transfers."""
    traces = trace.trace_serial(session, serial, make=make) if serial else []
    return TraceRead(
        serial=serial,
        make=make,
        traces=[SerialTraceRead.model_validate(trace.trace_json(t)) for t in traces],
    )
