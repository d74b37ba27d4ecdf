"""Reading the licence book: one licence, searches, and the summary of the whole book."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from lantern.db.engine import read_columns
from lantern.db.tables.licences import ExclusionRow, ItemRow, LicenceRow, LicenceStatusRow, PartyRow
from lantern.db.tables.registry import UnitRow
from lantern.db.tables.review import FindingRow
from lantern.db.tables.watchlists import ListEntryRow, WatchListRow
from lantern.errors import LanternError, NotFound
from lantern.licences.model import (
    RECEIVING_ROLES,
    Agency,
    Exclusion,
    ExclusionKind,
    FireMode,
    Item,
    Licence,
    LicenceKind,
    LicenceStatus,
    Party,
    PartyRole,
    StatusChange,
)


def split_key(ref: str) -> tuple[str | None, str]:
    """'DDTC/050123456' → ('DDTC', '050123456'); a bare number → (None, number)."""
    agency, sep, number = ref.partition("/")
    if sep and agency.upper() in Agency.__members__:
        return agency.upper(), number
    return None, ref


def find_licence_row(session: Session, ref: str) -> LicenceRow:
    """The licence named by 'AGENCY/NUMBER' or by a number that only one agency uses."""
    agency, number = split_key(ref)
    query = (
        select(LicenceRow)
        .where(LicenceRow.number == number)
        .options(
            # A party's unit and list entry come joined to the parties' query (one query, not three).
            selectinload(LicenceRow.parties).joinedload(PartyRow.unit),
            selectinload(LicenceRow.parties).joinedload(PartyRow.list_entry),
            selectinload(LicenceRow.items),
            selectinload(LicenceRow.exclusions),
            selectinload(LicenceRow.status_history),
        )
    )
    if agency:
        query = query.where(LicenceRow.agency == agency)
    rows = list(session.execute(query).scalars())
    if not rows:
        raise NotFound(f"No licence {ref!r} in the book.")
    if len(rows) > 1:
        options = ", ".join(f"{r.agency}/{r.number}" for r in rows)
        raise LanternError(
            f"Licence number {number!r} is used by more than one agency: say which ({options})."
        )
    return rows[0]


def licence_from_row(row: LicenceRow) -> Licence:
    return Licence(
        agency=Agency(row.agency),
        number=row.number,
        kind=LicenceKind(row.kind),
        destination_country=row.destination_country,
        end_use=row.end_use,
        issue_date=row.issue_date,
        expiry_date=row.expiry_date,
        total_value=row.total_value,
        cn_reference=row.cn_reference,
        proviso_text=row.proviso_text,
        consignee_statement=row.consignee_statement,
        exclusions=tuple(Exclusion(ExclusionKind(e.kind), e.value, e.text) for e in row.exclusions),
        status_history=tuple(
            StatusChange(
                LicenceStatus(s.status),
                s.changed_at if s.changed_at.tzinfo else s.changed_at.replace(tzinfo=UTC),
                s.actor,
                s.reason,
            )
            for s in row.status_history
        ),
        parties=tuple(
            Party(
                role=PartyRole(p.role),
                name=p.name,
                country=p.country,
                address=p.address,
                unit_key=p.unit.key if p.unit else None,
                list_entry_key=(
                    f"{p.list_entry.watch_list.key}/{p.list_entry.key}" if p.list_entry else None
                ),
            )
            for p in row.parties
        ),
        items=tuple(item_from_row(i) for i in row.items),
        synthetic=row.synthetic,
        notes=row.notes,
    )


def get_licence(session: Session, ref: str) -> Licence:
    return licence_from_row(find_licence_row(session, ref))


@dataclass(frozen=True)
class LicenceFilter:
    """What a licence search may ask for. Every field narrows the result; empty fields are ignored."""

    text: str | None = None  # number, party name or item description, case-insensitive
    agency: str | None = None
    status: str | None = None
    country: str | None = None
    kind: str | None = None
    end_user: str | None = None
    category: str | None = None  # a USML category prefix ("I(a)") or an ECCN prefix ("0A501")
    issued_from: date | None = None
    issued_to: date | None = None
    state: str | None = None  # a receiving party resolved to a unit in this state, e.g. "Guerrero"
    exporter_key: str | None = None  # exporters see only their own licences
    finding: str | None = None  # a current finding of this criterion, or of any criterion ("any")


def _like(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def licence_query(flt: LicenceFilter) -> Select[LicenceRow]:
    """The search as a query, built apart from running it."""
    query = select(LicenceRow)
    if flt.agency:
        query = query.where(LicenceRow.agency == flt.agency.upper())
    if flt.status:
        query = query.where(LicenceRow.status == flt.status)
    if flt.country:
        query = query.where(LicenceRow.destination_country == flt.country.upper())
    if flt.kind:
        query = query.where(LicenceRow.kind == flt.kind)
    if flt.issued_from:
        query = query.where(LicenceRow.issue_date >= flt.issued_from)
    if flt.issued_to:
        query = query.where(LicenceRow.issue_date <= flt.issued_to)
    if flt.exporter_key is not None:
        query = query.where(LicenceRow.exporter_key == flt.exporter_key)
    if flt.end_user:
        query = query.where(
            select(PartyRow.id)
            .where(
                PartyRow.licence_id == LicenceRow.id,
                PartyRow.role == PartyRole.END_USER.value,
                PartyRow.name.ilike(_like(flt.end_user), escape="\\"),
            )
            .exists()
        )
    if flt.state:
        query = query.where(
            select(PartyRow.id)
            .join(UnitRow, UnitRow.id == PartyRow.unit_id)
            .where(
                PartyRow.licence_id == LicenceRow.id,
                PartyRow.role.in_([role.value for role in RECEIVING_ROLES]),
                func.lower(UnitRow.state) == func.lower(flt.state),
            )
            .exists()
        )
    if flt.category:
        prefix = flt.category.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            select(ItemRow.id)
            .where(
                ItemRow.licence_id == LicenceRow.id,
                or_(
                    ItemRow.usml_category.ilike(prefix, escape="\\"), ItemRow.eccn.ilike(prefix, escape="\\")
                ),
            )
            .exists()
        )
    if flt.finding:
        current = select(FindingRow.id).where(
            FindingRow.licence_id == LicenceRow.id,
            FindingRow.resolved_at.is_(None),
            FindingRow.status.in_(["open", "confirmed"]),
        )
        if flt.finding != "any":
            current = current.where(FindingRow.criterion == flt.finding)
        query = query.where(current.exists())
    if flt.text:
        pattern = _like(flt.text)
        query = query.where(
            or_(
                LicenceRow.number.ilike(pattern, escape="\\"),
                LicenceRow.end_use.ilike(pattern, escape="\\"),
                select(PartyRow.id)
                .where(PartyRow.licence_id == LicenceRow.id, PartyRow.name.ilike(pattern, escape="\\"))
                .exists(),
            )
        )
    return query


def search_licences(
    session: Session, flt: LicenceFilter, *, limit: int = 50, offset: int = 0
) -> tuple[list[LicenceRow], int]:
    """A page of matching licences (newest first) and the total count."""
    found = search_licence_page(session, flt, limit=limit, offset=offset)
    return found.rows, found.total


@dataclass(frozen=True)
class LicencePage:
    """A page of a licence search: the rows, and how many match (exactly, or at least `total`)."""

    rows: list[LicenceRow]
    total: int
    total_exact: bool = True


def search_licence_page(
    session: Session, flt: LicenceFilter, *, limit: int = 50, offset: int = 0, count_limit: int | None = None
) -> LicencePage:
    """A page of matching licences, newest first, with their count.

    With `count_limit`, counting stops there: a search for a common word ("Policía") matches most of a large
    book, and counting every match means reading every party. The page itself is cheap either way, because it
    walks the licences newest first and stops after `limit` matches.
    """
    query = licence_query(flt)
    counted = query if count_limit is None else query.limit(count_limit + 1)
    total = session.execute(select(func.count()).select_from(counted.subquery())).scalar_one()
    exact = count_limit is None or total <= count_limit
    rows = session.execute(
        query.order_by(LicenceRow.issue_date.desc().nulls_last(), LicenceRow.id.desc())
        .limit(limit)
        .offset(offset)
    ).scalars()
    return LicencePage(list(rows), total if exact else count_limit or 0, exact)


@dataclass
class BookSummary:
    licences: int = 0
    synthetic: int = 0
    parties: int = 0
    items: int = 0
    quantity: int = 0
    value: Decimal = Decimal(0)
    by_agency: Counter[str] = field(default_factory=Counter)
    by_status: Counter[str] = field(default_factory=Counter)
    by_kind: Counter[str] = field(default_factory=Counter)
    by_country: Counter[str] = field(default_factory=Counter)
    by_year: Counter[int] = field(default_factory=Counter)
    first_issue: date | None = None
    last_issue: date | None = None

    def __json__(self) -> dict[str, object]:
        return {
            "licences": self.licences,
            "synthetic": self.synthetic,
            "parties": self.parties,
            "items": self.items,
            "quantity": self.quantity,
            "value": str(self.value),
            "by_agency": dict(self.by_agency),
            "by_status": dict(self.by_status),
            "by_kind": dict(self.by_kind),
            "by_country": dict(self.by_country),
            "by_year": {str(k): v for k, v in sorted(self.by_year.items())},
            "first_issue": self.first_issue.isoformat() if self.first_issue else None,
            "last_issue": self.last_issue.isoformat() if self.last_issue else None,
        }


def summarise_book(session: Session) -> BookSummary:
    """Counts and totals over the whole licence book, computed in the database."""
    summary = BookSummary()
    totals = session.execute(
        select(
            func.count(LicenceRow.id),
            func.coalesce(func.sum(LicenceRow.total_value), 0),
            func.min(LicenceRow.issue_date),
            func.max(LicenceRow.issue_date),
        )
    ).one()
    summary.licences, value, summary.first_issue, summary.last_issue = totals
    summary.value = Decimal(value or 0)
    summary.synthetic = session.execute(
        select(func.count()).where(LicenceRow.synthetic.is_(True))
    ).scalar_one()
    summary.parties = session.execute(select(func.count(PartyRow.id))).scalar_one()
    items, quantity = session.execute(
        select(func.count(ItemRow.id), func.coalesce(func.sum(ItemRow.quantity), 0))
    ).one()
    summary.items, summary.quantity = items, int(quantity)
    counters: tuple[tuple[Any, Counter[str]], ...] = (
        (LicenceRow.agency, summary.by_agency),
        (LicenceRow.status, summary.by_status),
        (LicenceRow.kind, summary.by_kind),
        (LicenceRow.destination_country, summary.by_country),
    )
    for column, counter in counters:
        for key, count in session.execute(select(column, func.count()).group_by(column)):
            counter[key or "none"] = count
    year = func.extract("year", LicenceRow.issue_date)
    for key, count in session.execute(
        select(year, func.count()).where(LicenceRow.issue_date.is_not(None)).group_by(year)
    ):
        summary.by_year[int(key)] = count
    return summary


def party_rows(
    session: Session, licence_ids: Sequence[int], *, names: Collection[str] | None = None
) -> list[PartyFields]:
    """The parties of these licences in order, with the unit or list entry the data resolves each to; with
    `names`, only the parties written as one of them."""
    unit = UnitRow.__table__.alias("party_unit")
    statement = (
        select(
            PartyRow.id,
            PartyRow.licence_id,
            PartyRow.role,
            PartyRow.name,
            PartyRow.country,
            PartyRow.address,
            unit.c.key,
            ListEntryRow.key,
            WatchListRow.key,
        )
        .outerjoin(unit, unit.c.id == PartyRow.unit_id)
        .outerjoin(ListEntryRow, ListEntryRow.id == PartyRow.list_entry_id)
        .outerjoin(WatchListRow, WatchListRow.id == ListEntryRow.watch_list_id)
        .where(PartyRow.licence_id.in_(list(licence_ids)))
        .order_by(PartyRow.licence_id, PartyRow.position)
    )
    if names is not None and len(names) <= 900:
        statement = statement.where(PartyRow.name.in_(sorted(names)))
    rows = read_columns(session, statement)
    return [
        PartyFields(
            party_id,
            licence_id,
            Party(
                PartyRole(role),
                name,
                country,
                address,
                unit_key,
                f"{list_key}/{entry_key}" if entry_key else None,
            ),
        )
        for party_id, licence_id, role, name, country, address, unit_key, entry_key, list_key in rows
        if names is None or name in names
    ]


@dataclass(frozen=True, slots=True)
class PartyFields:
    """A party as stored: its row id, its licence's row id, and the domain party."""

    party_id: int
    licence_id: int
    party: Party


def item_from_row(row: Any) -> Item:
    """An item from its row, or from a result row with the same columns."""
    return Item(
        line=row.line,
        description=row.description,
        quantity=row.quantity,
        usml_category=row.usml_category,
        eccn=row.eccn,
        fire_mode=FireMode(row.fire_mode),
        manufacturer=row.manufacturer,
        model=row.model,
        calibre=row.calibre,
        unit_value=row.unit_value,
        total_value=row.total_value,
    )


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def load_licences(
    session: Session, licence_ids: Sequence[int]
) -> dict[int, tuple[Licence, list[int], str | None]]:
    """Licences as domain objects, with their party row ids in order and their consignee statement, read
    with one query per table (no ORM objects: a full review reads a million parties)."""
    ids = list(licence_ids)
    head = read_columns(
        session,
        select(
            LicenceRow.id,
            LicenceRow.agency,
            LicenceRow.number,
            LicenceRow.kind,
            LicenceRow.destination_country,
            LicenceRow.end_use,
            LicenceRow.issue_date,
            LicenceRow.expiry_date,
            LicenceRow.total_value,
            LicenceRow.cn_reference,
            LicenceRow.proviso_text,
            LicenceRow.consignee_statement,
            LicenceRow.synthetic,
            LicenceRow.notes,
        ).where(LicenceRow.id.in_(ids)),
    ).all()
    parties: dict[int, list[tuple[int, Party]]] = defaultdict(list)
    for fields in party_rows(session, ids):
        parties[fields.licence_id].append((fields.party_id, fields.party))
    items: dict[int, list[Item]] = defaultdict(list)
    for row in read_columns(
        session,
        select(
            ItemRow.licence_id,
            ItemRow.line,
            ItemRow.description,
            ItemRow.quantity,
            ItemRow.usml_category,
            ItemRow.eccn,
            ItemRow.fire_mode,
            ItemRow.manufacturer,
            ItemRow.model,
            ItemRow.calibre,
            ItemRow.unit_value,
            ItemRow.total_value,
        )
        .where(ItemRow.licence_id.in_(ids))
        .order_by(ItemRow.licence_id, ItemRow.line),
    ):
        items[row.licence_id].append(item_from_row(row))
    exclusions: dict[int, list[Exclusion]] = defaultdict(list)
    for licence_id, kind, excluded, text_ in read_columns(
        session,
        select(ExclusionRow.licence_id, ExclusionRow.kind, ExclusionRow.value, ExclusionRow.text)
        .where(ExclusionRow.licence_id.in_(ids))
        .order_by(ExclusionRow.licence_id, ExclusionRow.position),
    ):
        exclusions[licence_id].append(Exclusion(ExclusionKind(kind), excluded, text_))
    statuses: dict[int, list[StatusChange]] = defaultdict(list)
    for licence_id, status, changed_at, actor, reason in read_columns(
        session,
        select(
            LicenceStatusRow.licence_id,
            LicenceStatusRow.status,
            LicenceStatusRow.changed_at,
            LicenceStatusRow.actor,
            LicenceStatusRow.reason,
        )
        .where(LicenceStatusRow.licence_id.in_(ids))
        .order_by(LicenceStatusRow.licence_id, LicenceStatusRow.position),
    ):
        statuses[licence_id].append(StatusChange(LicenceStatus(status), _utc(changed_at), actor, reason))
    out = {}
    for (
        licence_id,
        agency,
        number,
        kind,
        country,
        end_use,
        issue,
        expiry,
        value,
        cn,
        provisos,
        statement,
        synthetic,
        notes,
    ) in head:
        licence = Licence(
            agency=Agency(agency),
            number=number,
            kind=LicenceKind(kind),
            destination_country=country,
            end_use=end_use,
            issue_date=issue,
            expiry_date=expiry,
            total_value=value,
            cn_reference=cn,
            proviso_text=provisos,
            consignee_statement=statement,
            exclusions=tuple(exclusions.get(licence_id, ())),
            status_history=tuple(statuses.get(licence_id, ())),
            parties=tuple(p for _, p in parties.get(licence_id, ())),
            items=tuple(items.get(licence_id, ())),
            synthetic=synthetic,
            notes=notes,
        )
        out[licence_id] = (licence, [pid for pid, _ in parties.get(licence_id, ())], statement)
    return out
