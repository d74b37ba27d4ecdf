"""The reports Lantern makes, by name: what each answers and which parameters it reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from lantern.errors import NotFound
from lantern.reports import (
    checks,
    consultations,
    crime_control,
    holdings,
    licence_review,
    transfers,
    violations,
)
from lantern.reports.model import Parameters, Report

Builder = Callable[[Session, Parameters], Report]


@dataclass(frozen=True, slots=True)
class ReportSpec:
    name: str
    title: str
    question: str
    build: Builder
    parameters: tuple[str, ...]  # the parameters it reads: country, from, to, state, unit, category, on


REPORTS: dict[str, ReportSpec] = {
    spec.name: spec
    for spec in (
        ReportSpec(
            licence_review.NAME,
            licence_review.TITLE,
            licence_review.QUESTION,
            licence_review.build,
            ("country", "from", "to"),
        ),
        ReportSpec(
            holdings.NAME,
            holdings.TITLE,
            holdings.QUESTION,
            holdings.build,
            ("country", "from", "to", "state", "unit", "category"),
        ),
        ReportSpec(
            transfers.NAME,
            transfers.TITLE,
            transfers.QUESTION,
            transfers.build,
            ("country", "from", "to", "state", "unit"),
        ),
        ReportSpec(
            checks.NAME,
            checks.TITLE,
            checks.QUESTION,
            checks.build,
            ("country", "from", "to"),
        ),
        ReportSpec(
            violations.NAME,
            violations.TITLE,
            violations.QUESTION,
            violations.build,
            ("country", "from", "to", "on"),
        ),
        ReportSpec(
            crime_control.NAME,
            crime_control.TITLE,
            crime_control.QUESTION,
            crime_control.build,
            ("country", "from", "to"),
        ),
        ReportSpec(
            consultations.NAME,
            consultations.TITLE,
            consultations.QUESTION,
            consultations.build,
            ("country", "from", "to"),
        ),
    )
}


def find_report(name: str) -> ReportSpec:
    spec = REPORTS.get(name)
    if spec is None:
        raise NotFound(f"There is no report {name!r}. Reports: {', '.join(REPORTS)}.")
    return spec
