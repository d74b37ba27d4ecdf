"""Shipment notices filed against a licence: decided by the draw-down rules, stored, held or refused.

A notice is stored whatever the decision, with its status: `accepted` (drawn down), `held` (drawn down but
waiting for review, because the end user has been implicated since approval) or `rejected` (with every
reason, drawing nothing down and registering no serials). The same rules, rows and audit records as
`lantern import` decide and store it (lantern.io.store.store_notice: the importer's shipment store without an
import run's set-up), so a notice filed live and one imported in bulk are judged alike.

Before a notice is decided, the licence is re-reviewed only when that could hold it: when a receiving party
resolves to a unit that is, contains or belongs to a unit with an allegation that counts, or a finding that
holds notices still stands (`_may_be_implicated`: one query and the registry's change stamp). Otherwise the
review would find nothing that holds, and a notice costs eleven indexed statements.

Concurrency: every notice against a licence takes that licence's row lock before it reads the balance
(SELECT ... FOR UPDATE on PostgreSQL; SQLite's write lock is taken at BEGIN IMMEDIATE by
`Database.transaction`), so two notices filed at the same moment against the last items see each other.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from lantern.audit.service import record_change
from lantern.db.tables.licences import ItemRow, LicenceRow, PartyRow
from lantern.db.tables.review import FindingRow, ResolutionRow
from lantern.db.tables.shipments import SerialRow, ShipmentLineRow, ShipmentRow
from lantern.errors import Conflict, LanternError, NotFound, ValidationProblem
from lantern.io.records import ShipmentRecord, fingerprint
from lantern.io.store import status_history, store_notice
from lantern.licences.model import RECEIVING_ROLES, LicenceStatus, StatusChange
from lantern.licences.service import find_licence_row, split_key
from lantern.monitoring.model import ShipmentStatus
from lantern.review.criteria import implications
from lantern.review.model import Criterion, Decision, FindingStatus
from lantern.review.service import (
    policy_from,
    raise_alerts,
    review_affected,
    stamp_columns,
    stamped_registry,
)
from lantern.settings import ReviewSettings

#: Criterion-1 variants that hold a shipment: the end user (or a consignee) implicated after approval.
HOLDING_CODES = ("implicated_after_approval",)


@dataclass(frozen=True, slots=True)
class FiledShipment:
    key: str
    licence: str
    status: ShipmentStatus
    reason: str | None
    alert_ids: tuple[int, ...] = ()
    replayed: bool = False  # the same notice was filed before; nothing new was stored


def new_shipment_key(shipped_on: date) -> str:
    return f"SHP-{shipped_on:%Y%m%d}-{secrets.token_hex(4).upper()}"


def notice_record(data: dict[str, Any]) -> ShipmentRecord:
    """A shipment notice from plain data (a JSON notice file, a form, an API body), validated."""
    from pydantic import ValidationError

    values = dict(data)
    values.pop("status", None)
    values.pop("status_reason", None)
    if not values.get("id"):
        try:
            shipped = date.fromisoformat(str(values.get("date")))
        except ValueError:
            shipped = datetime.now(UTC).date()
        values["id"] = new_shipment_key(shipped)
    try:
        return ShipmentRecord.model_validate(values)
    except ValidationError as exc:
        problems = [
            f"{'.'.join(str(p) for p in err['loc']) or 'notice'}: {err['msg']}" for err in exc.errors()
        ]
        raise ValidationProblem("the shipment notice is not valid", problems) from exc


@dataclass(frozen=True, slots=True)
class _Head:
    id: int
    agency: str
    number: str
    exporter_key: str | None
    issue_date: date | None
    expiry_date: date | None
    total_value: Decimal | None


@lru_cache(maxsize=4)
def _head_query(by_agency: bool, lock: bool) -> Any:
    query = select(
        LicenceRow.id,
        LicenceRow.agency,
        LicenceRow.number,
        LicenceRow.exporter_key,
        LicenceRow.issue_date,
        LicenceRow.expiry_date,
        LicenceRow.total_value,
    ).where(LicenceRow.number == bindparam("number"))
    if by_agency:
        query = query.where(LicenceRow.agency == bindparam("agency"))
    return query.with_for_update() if lock else query


def _licence_head(session: Session, ref: str) -> _Head:
    """The licence a notice names, its row locked (FOR UPDATE on PostgreSQL; SQLite's write lock is held
    already): notices against one licence are decided one after another. Read without its parties and items
    (the store reads what it needs)."""
    agency, number = split_key(ref)
    query = _head_query(bool(agency), session.get_bind().dialect.name == "postgresql")
    rows = session.connection().execute(query, {"number": number, "agency": agency}).all()
    if not rows:
        raise NotFound(f"No licence {ref!r} in the book.")
    if len(rows) > 1:
        raise LanternError(f"Licence number {number!r} is used by more than one agency: say which.")
    return _Head(*rows[0])


_STORED = select(
    ShipmentRow.key,
    ShipmentRow.licence_id,
    ShipmentRow.content_hash,
    ShipmentRow.status,
    ShipmentRow.status_reason,
).where(ShipmentRow.key == bindparam("key"))


def _unique_violation(exc: BaseException) -> bool:
    """A unique key refused the write (SQLAlchemy's wrapper, or the driver's own error from a COPY)."""
    return isinstance(exc, IntegrityError) or getattr(exc, "sqlstate", None) == "23505"


def file_notice(
    session: Session,
    notice: ShipmentRecord | dict[str, Any],
    *,
    actor: str,
    review_settings: ReviewSettings,
    exporter_key: str | None = None,
    now: datetime | None = None,
) -> FiledShipment:
    """File a shipment notice inside the caller's write transaction (`Database.transaction`).

    `exporter_key` limits the notice to that company's licences (an exporter's account); another company's
    licence answers as one that does not exist. A notice filed again with the same id and content is
    answered with the stored decision; with the same id and other content it is refused.
    """
    now = now or datetime.now(UTC)
    ref = str(notice.get("licence") or "") if isinstance(notice, dict) else notice.licence
    if not ref:
        raise ValidationProblem("the shipment notice is not valid", ["licence: required"])
    # The notice's statements go to the connection, past the ORM: what the caller left pending is written
    # first, as the ORM would before its first query.
    session.flush()
    licence = _licence_head(session, ref)
    if exporter_key is not None and licence.exporter_key != exporter_key:
        raise NotFound(f"No licence {ref!r} in the book.")
    key = f"{licence.agency}/{licence.number}"
    if isinstance(notice, dict):
        notice = notice_record({**notice, "licence": key})
    elif notice.licence != key:
        notice = notice.model_copy(update={"licence": key})
    stored = session.connection().execute(_STORED, {"key": notice.id}).one_or_none()
    if stored is not None:
        if stored.licence_id == licence.id and stored.content_hash == fingerprint(notice)[1]:
            return FiledShipment(
                stored.key, key, ShipmentStatus(stored.status), stored.status_reason, replayed=True
            )
        raise Conflict(f"A shipment {notice.id!r} was filed already, with other content.")
    statuses = status_history(session, licence.id)
    # The licence is re-reviewed before the notice is stored when its end user or a consignee may have been
    # implicated since approval (the audit chain's head, locked by the first audited write, is then held only
    # for the store itself, not for the review); otherwise nothing the review finds could hold the notice.
    implicated: list[FindingRow] = []
    if _may_be_implicated(session, licence, statuses, review_settings, now.date()):
        implicated = _current_implications(session, licence.id, notice.id, actor, review_settings, now)
    try:
        status, reason = store_notice(
            session,
            notice,
            licence_id=licence.id,
            expiry=licence.expiry_date,
            total_value=licence.total_value,
            statuses=statuses,
            actor=actor,
            now=now,
        )
    except Exception as exc:
        if not _unique_violation(exc):
            raise
        # Another notice registered one of these serials in the same instant (under another licence,
        # whose lock this one does not take); the unique key on (make, serial) refused the second. The
        # transaction is spoiled: the caller's `Database.transaction` rolls it back.
        raise Conflict(
            f"Shipment {notice.id}: a serial number was registered by another notice filed at the same "
            "moment. File again to see which."
        ) from None
    if status != ShipmentStatus.ACCEPTED or not implicated:
        return FiledShipment(notice.id, key, status, reason)
    row = session.execute(select(ShipmentRow).where(ShipmentRow.key == notice.id)).scalar_one()
    alerts = _hold(session, row, key, implicated, actor=actor, now=now)
    return FiledShipment(row.key, key, ShipmentStatus(row.status), row.status_reason, tuple(alerts))


def _may_be_implicated(
    session: Session,
    licence: _Head,
    statuses: tuple[StatusChange, ...],
    settings: ReviewSettings,
    as_of: date,
) -> bool:
    """Whether re-reviewing the licence could hold a notice: one of its receiving parties resolves to a unit
    that is, contains or belongs to a unit with an allegation that counts (criterion 1, on the licence's
    approval day and today), or a finding that holds notices is still standing. A superset of what the review
    holds for: when this says no, the review would find nothing that holds, and is not run."""
    receivers = session.connection().execute(_receivers_query(), {"licence": licence.id}).all()
    if not any(row.unit_id is not None for row in receivers):
        return False  # criterion 1 needs a party resolved to a unit; with none it can find nothing
    if receivers[0].standing:
        return True
    roles = {role.value for role in RECEIVING_ROLES}
    units = {
        entity[5:]
        for role, entity, decision, *_ in receivers
        if role in roles and entity and entity.startswith("unit:") and decision == Decision.MATCH.value
    }
    if not units:
        return False
    approved = next((c.at.date() for c in statuses if c.status is LicenceStatus.APPROVED), None)
    days = sorted({approved or licence.issue_date or as_of, as_of})
    registry = stamped_registry(session, tuple(receivers[0][5:]))
    policy = policy_from(settings)
    return any(implications(unit, registry, policy, days, as_of) for unit in units)


def _open_implications_query(licence_id: Any) -> Select[FindingRow]:
    return (
        select(FindingRow)
        .where(
            FindingRow.licence_id == licence_id,
            FindingRow.criterion == Criterion.IMPLICATED_END_USER.value,
            FindingRow.code.in_(HOLDING_CODES),
            FindingRow.resolved_at.is_(None),
            FindingRow.status != FindingStatus.DISMISSED.value,
        )
        .order_by(FindingRow.id)
    )


@lru_cache(maxsize=1)
def _receivers_query() -> Any:
    """The licence's resolved parties, each row saying whether a finding that holds notices stands, and
    carrying the registry's change stamp (read in the same round trip)."""
    standing = (
        _open_implications_query(bindparam("licence"))
        .with_only_columns(FindingRow.id)
        .order_by(None)
        .exists()
        .label("standing")
    )
    return (
        select(
            PartyRow.role,
            ResolutionRow.entity_id,
            ResolutionRow.decision,
            standing,
            ResolutionRow.unit_id,
            *stamp_columns(),
        )
        .join(ResolutionRow, ResolutionRow.party_id == PartyRow.id)
        .where(ResolutionRow.licence_id == bindparam("licence"))
    )


def open_implications(session: Session, licence_id: int) -> list[FindingRow]:
    """The licence's standing criterion-1 findings that arose after approval (not dismissed, not resolved)."""
    return list(session.execute(_open_implications_query(licence_id)).scalars())


def _current_implications(
    session: Session, licence_id: int, notice_key: str, actor: str, settings: ReviewSettings, now: datetime
) -> list[FindingRow]:
    """The licence's standing implications after re-reviewing it with today's registry."""
    cause = f"shipment notice {notice_key}"
    review_affected(session, settings, licence_ids_=[licence_id], cause=cause, as_of=now.date(), actor=actor)
    return open_implications(session, licence_id)


def _hold(
    session: Session,
    row: ShipmentRow,
    licence_key: str,
    findings: list[FindingRow],
    *,
    actor: str,
    now: datetime,
) -> list[int]:
    """Hold an accepted shipment when an end user or consignee of the licence has been implicated since
    approval, and raise an alert on each finding that holds it."""
    if not findings:
        return []
    cause = f"shipment notice {row.key}"
    reason = "held for review: " + " | ".join(f.summary for f in findings)
    row.status = ShipmentStatus.HELD.value
    row.status_reason = reason
    line = f"Shipment {row.key} of {row.shipment_date} under {licence_key} held: " + "; ".join(
        f.subject for f in findings
    )
    alerts = raise_alerts(
        session, [(f, row.licence_id, "shipment_held", line) for f in findings], cause=cause, now=now
    )
    record_change(
        session,
        actor=actor,
        action="shipment.hold",
        entity_type="shipment",
        entity_key=row.key,
        before={"status": ShipmentStatus.ACCEPTED.value},
        after={"status": ShipmentStatus.HELD.value, "findings": [f.id for f in findings], "alerts": alerts},
        at=now,
    )
    return alerts


# ---------------------------------------------------------------------------------------------------------
# Reading shipments


@dataclass(frozen=True, slots=True)
class ShipmentFilter:
    licence: str | None = None
    #: The licence's row id, when the caller has already found (and scoped) it: it is not looked up again.
    licence_id: int | None = None
    status: str | None = None
    exporter_key: str | None = None  # an exporter's scope: only its company's licences
    shipped_from: date | None = None
    shipped_to: date | None = None


@dataclass(frozen=True, slots=True)
class ShipmentSummary:
    key: str
    licence: str
    shipped_on: date
    status: str
    reason: str | None
    consignee: str | None
    aes_itn: str | None
    quantity: int
    value: Decimal | None
    serials: int
    filed_by: str | None


def list_shipments(
    session: Session, flt: ShipmentFilter, *, limit: int = 50, offset: int = 0
) -> tuple[list[ShipmentSummary], int]:
    """Shipments newest first, with their total quantity and serial count, and how many match."""
    # Summed for each shipment shown, by index: grouped subqueries joined here made the database sum every
    # shipment's lines and count every serial of the book for each page.
    quantity = (
        select(func.sum(ShipmentLineRow.quantity))
        .where(ShipmentLineRow.shipment_id == ShipmentRow.id)
        .correlate(ShipmentRow)
        .scalar_subquery()
    )
    serial_count = (
        select(func.count(SerialRow.id))
        .where(SerialRow.shipment_id == ShipmentRow.id)
        .correlate(ShipmentRow)
        .scalar_subquery()
    )
    conditions: list[Any] = []
    if flt.licence_id is not None:
        conditions.append(ShipmentRow.licence_id == flt.licence_id)
    elif flt.licence:
        licence = find_licence_row(session, flt.licence)
        if flt.exporter_key is not None and licence.exporter_key != flt.exporter_key:
            raise NotFound(f"No licence {flt.licence!r} in the book.")
        conditions.append(ShipmentRow.licence_id == licence.id)
    if flt.status:
        conditions.append(ShipmentRow.status == flt.status)
    if flt.exporter_key is not None:
        conditions.append(LicenceRow.exporter_key == flt.exporter_key)
    if flt.shipped_from:
        conditions.append(ShipmentRow.shipment_date >= flt.shipped_from)
    if flt.shipped_to:
        conditions.append(ShipmentRow.shipment_date <= flt.shipped_to)
    total = session.execute(
        select(func.count())
        .select_from(ShipmentRow)
        .join(LicenceRow, LicenceRow.id == ShipmentRow.licence_id)
        .where(*conditions)
    ).scalar_one()
    rows = session.execute(
        select(
            ShipmentRow.key,
            LicenceRow.agency,
            LicenceRow.number,
            ShipmentRow.shipment_date,
            ShipmentRow.status,
            ShipmentRow.status_reason,
            ShipmentRow.consignee,
            ShipmentRow.aes_itn,
            quantity,
            ShipmentRow.value,
            serial_count,
            ShipmentRow.filed_by,
        )
        .join(LicenceRow, LicenceRow.id == ShipmentRow.licence_id)
        .where(*conditions)
        .order_by(ShipmentRow.shipment_date.desc(), ShipmentRow.id.desc())
        .limit(limit)
        .offset(offset)
    )
    out = [
        ShipmentSummary(
            key=key,
            licence=f"{agency}/{number}",
            shipped_on=day,
            status=status,
            reason=reason,
            consignee=consignee,
            aes_itn=itn,
            quantity=int(quantity or 0),
            value=value,
            serials=int(count or 0),
            filed_by=filed_by,
        )
        for key, agency, number, day, status, reason, consignee, itn, quantity, value, count, filed_by in rows
    ]
    return out, int(total)


@dataclass(frozen=True, slots=True)
class LineView:
    item: int
    description: str
    category: str | None
    quantity: int
    value: Decimal | None


@dataclass(frozen=True, slots=True)
class SerialView:
    serial: str
    make: str
    model: str | None
    calibre: str | None
    category: str | None
    item: int | None


@dataclass(frozen=True, slots=True)
class ShipmentView:
    summary: ShipmentSummary
    lines: tuple[LineView, ...]
    serials: tuple[SerialView, ...]
    rejected_serials: tuple[dict[str, Any], ...]
    exporter_key: str | None


def find_shipment(session: Session, key: str, *, exporter_key: str | None = None) -> ShipmentView:
    """One shipment with its lines and serials. Another company's shipment answers as one that does not
    exist."""
    row = session.execute(
        select(ShipmentRow)
        .where(ShipmentRow.key == key)
        .options(selectinload(ShipmentRow.lines), selectinload(ShipmentRow.serials))
    ).scalar_one_or_none()
    licence = session.get(LicenceRow, row.licence_id) if row is not None else None
    if row is None or licence is None or (exporter_key is not None and licence.exporter_key != exporter_key):
        raise NotFound(f"No shipment {key!r}.")
    items = {
        item.id: item
        for item in session.execute(select(ItemRow).where(ItemRow.licence_id == licence.id)).scalars()
    }
    lines = tuple(
        LineView(
            item=items[line.item_id].line,
            description=items[line.item_id].description,
            category=items[line.item_id].usml_category or items[line.item_id].eccn,
            quantity=line.quantity,
            value=line.value,
        )
        for line in row.lines
    )
    serials = tuple(
        SerialView(
            s.serial,
            s.make,
            s.model,
            s.calibre,
            s.category,
            items[s.item_id].line if s.item_id in items else None,
        )
        for s in row.serials
    )
    summary = ShipmentSummary(
        key=row.key,
        licence=f"{licence.agency}/{licence.number}",
        shipped_on=row.shipment_date,
        status=row.status,
        reason=row.status_reason,
        consignee=row.consignee,
        aes_itn=row.aes_itn,
        quantity=sum(line.quantity for line in lines),
        value=row.value,
        serials=len(serials),
        filed_by=row.filed_by,
    )
    return ShipmentView(summary, lines, serials, tuple(row.rejected_serials or ()), licence.exporter_key)


def remaining(session: Session, licence_ref: str, *, exporter_key: str | None = None) -> list[dict[str, Any]]:
    """What remains to ship of each item of a licence (accepted and held shipments draw down)."""
    licence = find_licence_row(session, licence_ref)
    if exporter_key is not None and licence.exporter_key != exporter_key:
        raise NotFound(f"No licence {licence_ref!r} in the book.")
    return drawdown(session, licence)


def drawdown(session: Session, licence: LicenceRow) -> list[dict[str, Any]]:
    """What remains to ship of each item of a licence already loaded (with its items)."""
    shipped = dict(
        session.execute(
            select(ShipmentLineRow.item_id, func.sum(ShipmentLineRow.quantity))
            .join(ShipmentRow, ShipmentRow.id == ShipmentLineRow.shipment_id)
            .where(
                ShipmentRow.licence_id == licence.id,
                ShipmentRow.status.in_([ShipmentStatus.ACCEPTED.value, ShipmentStatus.HELD.value]),
            )
            .group_by(ShipmentLineRow.item_id)
        ).all()
    )
    return [
        {
            "item": item.line,
            "description": item.description,
            "licensed": item.quantity,
            "shipped": int(shipped.get(item.id, 0) or 0),
            "remaining": item.quantity - int(shipped.get(item.id, 0) or 0),
        }
        for item in sorted(licence.items, key=lambda i: i.line)
    ]
