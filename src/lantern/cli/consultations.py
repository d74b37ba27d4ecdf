"""`lantern consultations` and `lantern communications`: who was consulted, and what was communicated."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from lantern.cli.common import console, print_json, state
from lantern.consultations import service
from lantern.consultations.model import Audience, Communication, CommunicationKind, Consultation, Outcome
from lantern.db.tables.consultations import CommunicationRow, ConsultationRow
from lantern.errors import ValidationProblem

consultations_app = typer.Typer(
    help="Consultations of bureaus and offices on licences and units.", no_args_is_help=True
)
communications_app = typer.Typer(
    help="Communications to exporters and the foreign government.", no_args_is_help=True
)

Record = TypeVar("Record", Consultation, Communication)

# The options both records share, for `add` and for `list`.
LicenceOption = Annotated[str | None, typer.Option(help="The licence, AGENCY/NUMBER.")]
UnitOption = Annotated[str | None, typer.Option(help="The unit, by key.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
FromOption = Annotated[str | None, typer.Option("--from", help="From this day, YYYY-MM-DD.")]
ToOption = Annotated[str | None, typer.Option("--to", help="To this day, YYYY-MM-DD.")]
CountryOption = Annotated[
    str | None, typer.Option(help="Only about licences or units of this country (ISO2).")
]


def _day(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationProblem(f"--{name} must be a date YYYY-MM-DD, not {value!r}.") from exc


def _json(record: Consultation | Communication) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(record).items()}


def _check(record: Any) -> Any:
    try:
        return record()
    except ValueError as exc:
        raise ValidationProblem(str(exc)) from exc


def _add(
    ctx: typer.Context,
    noun: str,
    build: Callable[[Session], Record],
    store: Callable[..., object],
    *,
    json: bool,
) -> None:
    """Build the record in a transaction (a bad value is a validation problem), store it, and say so."""
    app_state = state(ctx)
    with app_state.database().transaction() as session:
        record = _check(lambda: build(session))
        store(session, record, actor=app_state.settings.actor)
    if json:
        print_json(_json(record))
    else:
        console.print(f"Recorded {noun} {record.key}.")


def _list(
    ctx: typer.Context,
    noun: str,
    read: Callable[..., list[Record]],
    columns: Sequence[str],
    cells: Callable[[Record], Sequence[str]],
    *,
    start: str | None,
    end: str | None,
    country: str | None,
    json: bool,
) -> None:
    """The records of the period and country, as JSON or as a table with a row of `cells` each."""
    with state(ctx).database().session() as session:
        rows = read(session, start=_day(start, "from"), end=_day(end, "to"), country=country)
    if json:
        print_json([_json(r) for r in rows])
        return
    table = Table(*columns, title=f"{len(rows)} {noun}(s)")
    for r in rows:
        table.add_row(*cells(r))
    console.print(table)


@consultations_app.command("add")
def add_consultation(
    ctx: typer.Context,
    bureau: str = typer.Option(
        ..., help="Bureau or office consulted, e.g. 'DRL' or 'US Embassy Mexico City'."
    ),
    on: str = typer.Option(..., "--date", help="Day of the consultation, YYYY-MM-DD."),
    outcome: Outcome = typer.Option(..., help="What the bureau answered."),  # noqa: B008  # Typer declares options as defaults
    licence: LicenceOption = None,
    unit: UnitOption = None,
    note: str | None = typer.Option(None, help="What was asked and answered."),
    key: str | None = typer.Option(None, help="Key of the record (default: CONS-<n>)."),
    json: JsonOption = False,
) -> None:
    """Record that a bureau or office was consulted on a licence or unit."""
    _add(
        ctx,
        "consultation",
        lambda session: Consultation(
            key=key or service.next_key(session, "CONS", ConsultationRow),
            bureau=bureau,
            consulted_on=_day(on, "date") or date.min,
            outcome=outcome,
            licence_key=licence,
            unit_key=unit,
            note=note,
        ),
        service.add_consultation,
        json=json,
    )


@communications_app.command("add")
def add_communication(
    ctx: typer.Context,
    audience: Audience = typer.Option(  # noqa: B008  # Typer declares options as defaults
        ..., help="Who was told: an exporter or the foreign government."
    ),
    recipient: str = typer.Option(..., help="Who exactly, e.g. 'SEDENA/DCAM' or the exporter's name."),
    kind: CommunicationKind = typer.Option(  # noqa: B008  # Typer declares options as defaults
        ..., help="Before or after licensing."
    ),
    on: str = typer.Option(..., "--date", help="Day it was sent, YYYY-MM-DD."),
    text: str = typer.Option(..., help="What was communicated (the restrictions it set)."),
    licence: LicenceOption = None,
    unit: UnitOption = None,
    key: str | None = typer.Option(None, help="Key of the record (default: COMM-<n>)."),
    json: JsonOption = False,
) -> None:
    """Record a pre- or post-licensing communication of end-user and re-transfer restrictions."""
    _add(
        ctx,
        "communication",
        lambda session: Communication(
            key=key or service.next_key(session, "COMM", CommunicationRow),
            audience=audience,
            recipient=recipient,
            kind=kind,
            sent_on=_day(on, "date") or date.min,
            text=text,
            licence_key=licence,
            unit_key=unit,
        ),
        service.add_communication,
        json=json,
    )


@consultations_app.command("list")
def list_consultations(
    ctx: typer.Context,
    start: FromOption = None,
    end: ToOption = None,
    country: CountryOption = None,
    json: JsonOption = False,
) -> None:
    """Consultations, oldest first."""
    _list(
        ctx,
        "consultation",
        service.list_consultations,
        ("date", "bureau", "licence", "unit", "outcome", "note"),
        lambda r: (
            r.consulted_on.isoformat(),
            r.bureau,
            r.licence_key or "",
            r.unit_key or "",
            r.outcome.value,
            r.note or "",
        ),
        start=start,
        end=end,
        country=country,
        json=json,
    )


@communications_app.command("list")
def list_communications(
    ctx: typer.Context,
    start: FromOption = None,
    end: ToOption = None,
    country: CountryOption = None,
    json: JsonOption = False,
) -> None:
    """Communications, oldest first."""
    _list(
        ctx,
        "communication",
        service.list_communications,
        ("date", "audience", "recipient", "kind", "subject", "text"),
        lambda r: (
            r.sent_on.isoformat(),
            r.audience.value,
            r.recipient,
            r.kind.value,
            " ".join(x for x in (r.licence_key, r.unit_key) if x),
            r.text,
        ),
        start=start,
        end=end,
        country=country,
        json=json,
    )


@consultations_app.command("import")
def import_command(
    ctx: typer.Context,
    path: Path = typer.Argument(  # noqa: B008  # Typer declares arguments as defaults
        ..., exists=True, dir_okay=False, help="JSON Lines of consultations and communications."
    ),
    json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Import consultations and communications from JSON Lines (docs/formats.md); known keys are skipped."""
    app_state = state(ctx)
    with app_state.database().transaction() as session:
        stored, kept = service.import_records(session, path, actor=app_state.settings.actor)
    if json:
        print_json({"stored": stored, "already_recorded": kept})
    else:
        console.print(f"{stored} record(s) stored, {kept} already recorded.")
