"""Recording and reading consultations and communications. Every write is audited in its transaction."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from lantern.audit.service import record_change
from lantern.consultations.model import Audience, Communication, CommunicationKind, Consultation, Outcome
from lantern.db.tables.consultations import CommunicationRow, ConsultationRow
from lantern.db.tables.licences import LicenceRow
from lantern.db.tables.registry import UnitRow
from lantern.errors import Conflict, ValidationProblem
from lantern.licences.service import find_licence_row
from lantern.monitoring import numbering
from lantern.units.service import find_unit_row


def _subject_ids(
    session: Session, licence_key: str | None, unit_key: str | None
) -> tuple[int | None, int | None]:
    licence_id = find_licence_row(session, licence_key).id if licence_key else None
    unit_id = find_unit_row(session, unit_key).id if unit_key else None
    return licence_id, unit_id


def next_key(session: Session, prefix: str, table: type[ConsultationRow] | type[CommunicationRow]) -> str:
    """The next free key (CONS-00001, COMM-00001, …) from the locked counter cases and checks use: two
    records added at once get different keys, and a key chosen by hand is never given again."""
    return numbering.next_key(session, table.key, f"{prefix}-", width=5)


def _audit_fields(record: Consultation | Communication) -> dict[str, Any]:
    return {
        k: (v.isoformat() if isinstance(v, date) else str(v) if v is not None else None)
        for k, v in asdict(record).items()
    }


_Row = TypeVar("_Row", ConsultationRow, CommunicationRow)


def _add(
    session: Session,
    record: Consultation | Communication,
    table: type[_Row],
    entity_type: str,
    *,
    actor: str,
    **columns: Any,
) -> _Row:
    """Store one record: refuse a key already recorded, resolve its licence and unit, add the row with
    `columns`, and audit the creation in the same transaction."""
    if session.execute(select(table.id).where(table.key == record.key)).first():
        raise Conflict(f"A {entity_type} {record.key!r} is already recorded.")
    licence_id, unit_id = _subject_ids(session, record.licence_key, record.unit_key)
    row = table(
        key=record.key,
        licence_id=licence_id,
        unit_id=unit_id,
        synthetic=record.synthetic,
        recorded_by=actor,
        **columns,
    )
    session.add(row)
    session.flush()
    record_change(
        session,
        actor=actor,
        action="create",
        entity_type=entity_type,
        entity_key=record.key,
        after=_audit_fields(record),
    )
    return row


def add_consultation(session: Session, record: Consultation, *, actor: str) -> ConsultationRow:
    return _add(
        session,
        record,
        ConsultationRow,
        "consultation",
        actor=actor,
        bureau=record.bureau,
        consulted_on=record.consulted_on,
        outcome=record.outcome.value,
        note=record.note,
    )


def add_communication(session: Session, record: Communication, *, actor: str) -> CommunicationRow:
    return _add(
        session,
        record,
        CommunicationRow,
        "communication",
        actor=actor,
        audience=record.audience.value,
        recipient=record.recipient,
        kind=record.kind.value,
        sent_on=record.sent_on,
        text=record.text,
    )


def _subjects(
    session: Session, licence_ids: Iterable[int | None], unit_ids: Iterable[int | None]
) -> tuple[dict[int, str], dict[int, str]]:
    lids = sorted({i for i in licence_ids if i is not None})
    uids = sorted({i for i in unit_ids if i is not None})
    licences = (
        {
            i: f"{a}/{n}"
            for i, a, n in session.execute(
                select(LicenceRow.id, LicenceRow.agency, LicenceRow.number).where(LicenceRow.id.in_(lids))
            )
        }
        if lids
        else {}
    )
    units = (
        dict(session.execute(select(UnitRow.id, UnitRow.key).where(UnitRow.id.in_(uids))).all())
        if uids
        else {}
    )
    return licences, units


def list_consultations(
    session: Session, *, start: date | None = None, end: date | None = None, country: str | None = None
) -> list[Consultation]:
    query = select(ConsultationRow).order_by(ConsultationRow.consulted_on, ConsultationRow.key)
    if start:
        query = query.where(ConsultationRow.consulted_on >= start)
    if end:
        query = query.where(ConsultationRow.consulted_on <= end)
    rows = list(session.execute(query).scalars())
    licences, units = _subjects(session, (r.licence_id for r in rows), (r.unit_id for r in rows))
    out = [
        Consultation(
            key=r.key,
            bureau=r.bureau,
            consulted_on=r.consulted_on,
            outcome=Outcome(r.outcome),
            licence_key=licences.get(r.licence_id) if r.licence_id else None,
            unit_key=units.get(r.unit_id) if r.unit_id else None,
            note=r.note,
            synthetic=r.synthetic,
        )
        for r in rows
    ]
    return [c for c in out if _in_country(session, country, c.licence_key, c.unit_key)]


def list_communications(
    session: Session, *, start: date | None = None, end: date | None = None, country: str | None = None
) -> list[Communication]:
    query = select(CommunicationRow).order_by(CommunicationRow.sent_on, CommunicationRow.key)
    if start:
        query = query.where(CommunicationRow.sent_on >= start)
    if end:
        query = query.where(CommunicationRow.sent_on <= end)
    rows = list(session.execute(query).scalars())
    licences, units = _subjects(session, (r.licence_id for r in rows), (r.unit_id for r in rows))
    out = [
        Communication(
            key=r.key,
            audience=Audience(r.audience),
            recipient=r.recipient,
            kind=CommunicationKind(r.kind),
            sent_on=r.sent_on,
            text=r.text,
            licence_key=licences.get(r.licence_id) if r.licence_id else None,
            unit_key=units.get(r.unit_id) if r.unit_id else None,
            synthetic=r.synthetic,
        )
        for r in rows
    ]
    return [c for c in out if _in_country(session, country, c.licence_key, c.unit_key)]


def _in_country(session: Session, country: str | None, licence_key: str | None, unit_key: str | None) -> bool:
    """A record is about a country when its licence is for that destination, or its unit belongs to it."""
    if not country:
        return True
    wanted = country.upper()
    if licence_key:
        agency, _, number = licence_key.partition("/")
        found = session.execute(
            select(LicenceRow.destination_country).where(
                LicenceRow.agency == agency, LicenceRow.number == number
            )
        ).scalar_one_or_none()
        return found == wanted
    if unit_key:
        found = session.execute(select(UnitRow.country).where(UnitRow.key == unit_key)).scalar_one_or_none()
        return found == wanted
    return False


# ---------------------------------------------------------------------------------------------------------
# JSON Lines: one consultation or communication per line (a communication has an "audience")


def parse_records(
    lines: Iterable[bytes], *, name: str = "<records>"
) -> Iterator[Consultation | Communication]:
    problems = []
    parsed: list[Consultation | Communication] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = orjson.loads(line)
            parsed.append(_record(data))
        except (ValueError, KeyError, TypeError) as exc:
            problems.append(f"{name}:{number}: {type(exc).__name__}: {exc}")
    if problems:
        raise ValidationProblem(f"{len(problems)} record(s) of {name} cannot be stored.", problems)
    yield from parsed


def _record(data: dict[str, Any]) -> Consultation | Communication:
    common: dict[str, Any] = {
        "key": str(data["id"]),
        "licence_key": data.get("licence"),
        "unit_key": data.get("unit"),
        "synthetic": bool(data.get("synthetic", False)),
    }
    if "audience" in data:
        return Communication(
            audience=Audience(data["audience"]),
            recipient=str(data["recipient"]),
            kind=CommunicationKind(data["kind"]),
            sent_on=date.fromisoformat(data["date"]),
            text=str(data["text"]),
            **common,
        )
    return Consultation(
        bureau=str(data["bureau"]),
        consulted_on=date.fromisoformat(data["date"]),
        outcome=Outcome(data["outcome"]),
        note=data.get("note"),
        **common,
    )


def import_records(session: Session, path: Path, *, actor: str) -> tuple[int, int]:
    """Store the file's records; those whose key is already recorded are left as they are (idempotent).
    Returns (stored, already there)."""
    with path.open("rb") as stream:
        records = list(parse_records(stream, name=path.name))
    stored = kept = 0
    consultations = set(session.execute(select(ConsultationRow.key)).scalars())
    communications = set(session.execute(select(CommunicationRow.key)).scalars())
    for record in records:
        if isinstance(record, Communication):
            if record.key in communications:
                kept += 1
                continue
            add_communication(session, record, actor=actor)
        else:
            if record.key in consultations:
                kept += 1
                continue
            add_consultation(session, record, actor=actor)
        stored += 1
    return stored, kept
