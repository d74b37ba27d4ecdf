"""Making a report: build it from the store, then render it in the asked format."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from lantern.reports.catalogue import REPORTS, ReportSpec, find_report
from lantern.reports.model import Parameters, Report
from lantern.reports.render import Format, render


def list_reports() -> list[ReportSpec]:
    return list(REPORTS.values())


def build_report(session: Session, name: str, params: Parameters) -> Report:
    return find_report(name).build(session, params)


def make_report(
    session: Session,
    name: str,
    params: Parameters,
    *,
    fmt: Format,
    generated_at: datetime,
    base_url: str = "",
    table: str | None = None,
) -> bytes:
    return render(
        build_report(session, name, params), fmt, generated_at=generated_at, base_url=base_url, table=table
    )
