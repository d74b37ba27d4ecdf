"""Reading the unit registry: one unit with its hierarchy, allegations and the licences that name it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.base import ExecutableOption

from lantern.core.dates import DateRange, parse_partial
from lantern.db.tables.licences import LicenceRow, PartyRow
from lantern.db.tables.registry import AllegationRow, AllegationUnitRow, UnitAliasRow, UnitParentRow, UnitRow
from lantern.errors import NotFound
from lantern.units.hierarchy import ancestors
from lantern.units.model import Alias, AliasKind, Level, ParentLink, Unit, UnitKind


def unit_from_row(row: UnitRow) -> Unit:
    return Unit(
        key=row.key,
        name=row.name,
        kind=UnitKind(row.kind),
        level=Level(row.level),
        country=row.country,
        state=row.state,
        municipality=row.municipality,
        aliases=tuple(Alias(a.name, AliasKind(a.kind)) for a in row.aliases),
        parents=tuple(
            ParentLink(
                parent_key=link.parent.key,
                period=DateRange(parse_partial(link.start), parse_partial(link.end)),
                source_key=link.source.key if link.source else None,
            )
            for link in row.parent_links
        ),
        source_keys=tuple(s.source.key for s in row.sources),
        notes=row.notes,
    )


def _load_options() -> list[ExecutableOption]:
    return [
        selectinload(UnitRow.aliases),
        selectinload(UnitRow.parent_links).selectinload(UnitParentRow.parent),
        selectinload(UnitRow.parent_links).selectinload(UnitParentRow.source),
        selectinload(UnitRow.sources),
    ]


def find_unit_row(session: Session, ref: str) -> UnitRow:
    """A unit by key, or by exact name or alias (case-insensitive) when that names one unit only."""
    row = session.execute(
        select(UnitRow).where(UnitRow.key == ref).options(*_load_options())
    ).scalar_one_or_none()
    if row is not None:
        return row
    lowered = ref.casefold()
    candidates = list(
        session.execute(
            select(UnitRow)
            .outerjoin(UnitAliasRow)
            .where(or_(func.lower(UnitRow.name) == lowered, func.lower(UnitAliasRow.name) == lowered))
            .options(*_load_options())
        )
        .unique()
        .scalars()
    )
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise NotFound(f"No unit {ref!r} in the registry (give its key, name or an exact alias).")
    keys = ", ".join(sorted(c.key for c in candidates))
    raise NotFound(f"{ref!r} names more than one unit: {keys}. Give the key.")


def get_unit(session: Session, ref: str) -> Unit:
    return unit_from_row(find_unit_row(session, ref))


def parent_map(session: Session) -> dict[str, list[ParentLink]]:
    """Every parent link in the registry, by child key: the input the hierarchy walks take."""
    child = UnitRow.__table__.alias("child")
    parent = UnitRow.__table__.alias("parent")
    links: dict[str, list[ParentLink]] = defaultdict(list)
    rows = session.execute(
        select(child.c.key, parent.c.key, UnitParentRow.start, UnitParentRow.end)
        .join(child, child.c.id == UnitParentRow.unit_id)
        .join(parent, parent.c.id == UnitParentRow.parent_id)
        .order_by(UnitParentRow.position)
    )
    for child_key, parent_key, start, end in rows:
        links[child_key].append(ParentLink(parent_key, DateRange(parse_partial(start), parse_partial(end))))
    return dict(links)


@dataclass
class ChildLink:
    key: str
    name: str
    period: DateRange


@dataclass
class UnitView:
    """What `units show` and the unit page present."""

    unit: Unit
    ancestors: list[tuple[str, str]]  # (key, name), nearest first
    children: list[ChildLink]
    allegations: list[AllegationRow] = field(default_factory=list)
    licences: list[tuple[LicenceRow, str, str]] = field(default_factory=list)  # (licence, role, name)


def view_unit(session: Session, ref: str, *, on: date | None = None) -> UnitView:
    row = find_unit_row(session, ref)
    unit = unit_from_row(row)
    links = parent_map(session)
    names = dict(session.execute(select(UnitRow.key, UnitRow.name)).all())
    path = [(key, names.get(key, key)) for key in ancestors(unit.key, links, on)]
    children = [
        ChildLink(child_key, names.get(child_key, child_key), link.period)
        for child_key, child_links in links.items()
        for link in child_links
        if link.parent_key == unit.key and (on is None or link.period.may_contain(on))
    ]
    children.sort(key=lambda c: c.name)
    allegations = list(
        session.execute(
            select(AllegationRow)
            .join(AllegationUnitRow, AllegationUnitRow.allegation_id == AllegationRow.id)
            .where(AllegationUnitRow.unit_id == row.id)
            .order_by(AllegationRow.incident_start_date)
            .options(selectinload(AllegationRow.violations), selectinload(AllegationRow.statuses))
        ).scalars()
    )
    licences = [
        (lic, role, name)
        for lic, role, name in session.execute(
            select(LicenceRow, PartyRow.role, PartyRow.name)
            .join(PartyRow, PartyRow.licence_id == LicenceRow.id)
            .where(PartyRow.unit_id == row.id)
            .order_by(LicenceRow.issue_date)
        ).all()
    ]
    return UnitView(unit, path, children, allegations, licences)


def list_units(
    session: Session,
    *,
    text: str | None = None,
    state: str | None = None,
    kind: str | None = None,
    limit: int = 200,
) -> list[UnitRow]:
    query = select(UnitRow).order_by(UnitRow.country, UnitRow.state.nulls_first(), UnitRow.name).limit(limit)
    if text:
        # Escaped, so that % and _ typed by a person are letters, not wildcards.
        escaped = text.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        query = query.where(
            or_(
                func.lower(UnitRow.name).like(pattern, escape="\\"),
                func.lower(UnitRow.key).like(pattern, escape="\\"),
                select(UnitAliasRow.id)
                .where(
                    UnitAliasRow.unit_id == UnitRow.id,
                    func.lower(UnitAliasRow.name).like(pattern, escape="\\"),
                )
                .exists(),
            )
        )
    if state:
        query = query.where(UnitRow.state == state)
    if kind:
        query = query.where(UnitRow.kind == kind)
    return list(session.execute(query).scalars())
