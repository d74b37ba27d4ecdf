"""Consultations and communications (questions 1, 4, 5 and 8): who was consulted on which licences and units,
with what outcome, and what exporters and the foreign government were told, by period."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lantern.charts.bars import Bars, Series, describe_bars
from lantern.consultations.service import list_communications, list_consultations
from lantern.db.tables.consultations import CommunicationRow, ConsultationRow
from lantern.db.tables.licences import LicenceRow
from lantern.reports.data import data_as_of, end_users, licences_in_scope, units_by_id
from lantern.reports.model import (
    Cell,
    Column,
    ColumnKind,
    Fact,
    Figure,
    Parameters,
    Ref,
    Report,
    Section,
    Source,
    Table,
    cell,
)
from lantern.units.model import POLICE_KINDS, UnitKind

NAME = "consultations"
TITLE = "Consultations and communications"
QUESTION = (
    "Who was consulted about police and military end users, when and with what outcome; and what were "
    "exporters and the Mexican government told before and after licensing? (questions 1, 4, 5 and 8)"
)
C = ColumnKind
#: The end users whose licences the letter asks consultations about: police forces and the Navy.
CONSULTED_KINDS = {k.value for k in POLICE_KINDS} | {UnitKind.NAVY.value, UnitKind.NATIONAL_GUARD.value}


def _subject(licence: str | None, unit: str | None) -> tuple[str, list[Ref]]:
    refs = ([Ref("licence", licence)] if licence else []) + ([Ref("unit", unit)] if unit else [])
    return " · ".join(x for x in (licence, unit) if x), refs


def build(session: Session, params: Parameters) -> Report:
    consultations = list_consultations(session, start=params.start, end=params.end, country=params.country)
    communications = list_communications(session, start=params.start, end=params.end, country=params.country)
    c_rows = []
    for c in consultations:
        text, refs = _subject(c.licence_key, c.unit_key)
        c_rows.append(
            (
                cell(c.consulted_on, [Ref("consultation", c.key)]),
                Cell(c.bureau),
                cell(text, refs),
                Cell(c.outcome.value.replace("_", " ")),
                Cell(c.note),
                Cell("synthetic" if c.synthetic else "recorded"),
            )
        )
    m_rows = []
    for m in communications:
        text, refs = _subject(m.licence_key, m.unit_key)
        m_rows.append(
            (
                cell(m.sent_on, [Ref("communication", m.key)]),
                Cell(m.audience.value.replace("_", " ")),
                Cell(m.recipient),
                Cell(m.kind.value.replace("_", "-")),
                cell(text, refs),
                Cell(m.text),
                Cell("synthetic" if m.synthetic else "recorded"),
            )
        )
    # Licences for police or naval end users in the period, and which of them had any consultation.
    scope = licences_in_scope(params)
    users = end_users(session, scope)
    units = units_by_id(session)
    keys = dict(
        session.execute(
            select(ConsultationRow.licence_id, func.count(ConsultationRow.id))
            .where(ConsultationRow.licence_id.is_not(None))
            .group_by(ConsultationRow.licence_id)
        ).all()
    )
    names = {
        i: f"{a}/{n}"
        for i, a, n in session.execute(
            select(LicenceRow.id, LicenceRow.agency, LicenceRow.number).where(LicenceRow.id.in_(scope))
        )
    }
    sensitive = [
        licence_id
        for licence_id, user in users.items()
        if user.unit_id is not None and units[user.unit_id].kind in CONSULTED_KINDS
    ]
    unconsulted = [Ref("licence", names[i]) for i in sorted(sensitive) if i not in keys and i in names]
    consulted = [Ref("licence", names[i]) for i in sorted(sensitive) if i in keys and i in names]
    by_year: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for c in consultations:
        by_year[str(c.consulted_on.year)]["consultations"] += 1
    for m in communications:
        by_year[str(m.sent_on.year)][f"communications ({m.kind.value.replace('_', '-')})"] += 1
    years = sorted(by_year)
    series_names = ["consultations", "communications (pre-licensing)", "communications (post-licensing)"]
    chart = Bars(
        "Consultations and communications by year",
        tuple(years),
        tuple(Series(s, tuple(by_year[y].get(s, 0.0) for y in years)) for s in series_names),
        unit="records",
    )
    bureaus = sorted({c.bureau for c in consultations})
    facts = (
        Fact(
            "Consultations recorded",
            cell(len(consultations), [Ref("consultation", c.key) for c in consultations]),
        ),
        Fact("Bureaus and offices consulted", Cell(len(bureaus))),
        Fact(
            "Communications to exporters",
            Cell(sum(1 for m in communications if m.audience.value == "exporter")),
        ),
        Fact(
            "Communications to the foreign government",
            Cell(sum(1 for m in communications if m.audience.value == "foreign_government")),
        ),
        Fact(
            "Licences for police, Guardia Nacional or naval end users",
            cell(len(sensitive), consulted + unconsulted),
        ),
        Fact("Of which with a recorded consultation", cell(len(consulted), consulted)),
        Fact("Of which with none", cell(len(unconsulted), unconsulted)),
    )
    paragraphs = (
        "Consultations are recorded with `lantern consultations add`, communications with "
        "`lantern communications add`, or both from JSON Lines with `lantern consultations import`.",
        "Bureaus consulted in the period: " + (", ".join(bureaus) if bureaus else "none recorded") + ".",
    )
    return Report(
        name=NAME,
        title=TITLE,
        question=QUESTION,
        parameters=params,
        as_of=data_as_of(
            session,
            [
                session.execute(select(func.max(ConsultationRow.created_at))).scalar_one(),
                session.execute(select(func.max(CommunicationRow.created_at))).scalar_one(),
            ],
        ),
        sections=(
            Section(
                "summary",
                "Summary",
                paragraphs,
                facts,
                (Figure("by-year", chart.title, chart, describe_bars(chart)),),
            ),
            Section(
                "consultations",
                "Consultations",
                tables=(
                    Table(
                        "consultations",
                        "Consultations on licences and units",
                        (
                            Column("date", "Date", C.DATE),
                            Column("bureau", "Bureau or office"),
                            Column("subject", "Licence or unit"),
                            Column("outcome", "Outcome"),
                            Column("note", "Note"),
                            Column("record", "Record"),
                        ),
                        tuple(c_rows),
                    ),
                ),
            ),
            Section(
                "communications",
                "Communications",
                tables=(
                    Table(
                        "communications",
                        "Communications to exporters and the foreign government",
                        (
                            Column("date", "Date", C.DATE),
                            Column("audience", "Audience"),
                            Column("recipient", "Recipient"),
                            Column("kind", "Kind"),
                            Column("subject", "Licence or unit"),
                            Column("text", "What was communicated"),
                            Column("record", "Record"),
                        ),
                        tuple(m_rows),
                    ),
                ),
            ),
        ),
        sources=(
            Source("consultation", "Consultation records"),
            Source("communication", "Communication records"),
            Source("licence", "Licence book", "end users, to find licences with no consultation"),
        ),
        main_table="consultations",
    )
