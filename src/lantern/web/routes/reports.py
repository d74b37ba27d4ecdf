"""Reports: the list, each report as a page with its JSON twin, and its CSV and PDF downloads.

Every view builds the report with the same service as `lantern report`, from the same query parameters.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import Depends, Query
from fastapi.responses import Response

from lantern.accounts.model import Permission
from lantern.reports.model import Parameters, report_document
from lantern.reports.render import MEDIA_TYPES, render
from lantern.reports.render.figures import render_chart
from lantern.reports.service import build_report, list_reports
from lantern.web.deps import SessionDep
from lantern.web.models import ReportListItemRead, ReportListRead, ReportRead
from lantern.web.routes.common import BlankIsNone
from lantern.web.routing import LanternRouter
from lantern.web.templating import segment

router = LanternRouter(tag="reports")

Country = Annotated[
    str, Query(pattern=r"^[A-Za-z]{2}$", description="Destination country, ISO 3166 two letters.")
]
Start = Annotated[
    date | None, Query(alias="from", description="Start of the period, YYYY-MM-DD."), BlankIsNone
]
End = Annotated[date | None, Query(alias="to", description="End of the period (inclusive)."), BlankIsNone]
State = Annotated[str | None, Query(max_length=100, description="Only units of this state."), BlankIsNone]
Unit = Annotated[
    str | None, Query(max_length=200, description="Roll up the hierarchy under this unit key."), BlankIsNone
]
Category = Annotated[
    str | None,
    Query(max_length=40, description="usml-i, ccl, or a USML category or ECCN prefix."),
    BlankIsNone,
]
On = Annotated[date | None, Query(description="Judge deadlines on this day (default: today)."), BlankIsNone]
Table = Annotated[str | None, Query(max_length=60, description="For CSV: which table."), BlankIsNone]


@dataclass
class ReportQuery:
    """The query parameters every view of a report takes, in the order the API describes them.
    Used as `Annotated[ReportQuery, Depends()]`, so FastAPI reads each field as a query parameter."""

    country: Country = "MX"
    start: Start = None
    end: End = None
    state: State = None
    unit: Unit = None
    category: Category = None
    on: On = None

    def parameters(self) -> Parameters:
        return Parameters(
            country=self.country.upper(),
            start=self.start,
            end=self.end,
            state=self.state,
            unit=self.unit,
            category=self.category,
            on=self.on or datetime.now(UTC).date(),
        )


@dataclass
class CsvQuery(ReportQuery):
    """A report's parameters and, for its CSV, which table (last, as the API has always listed it)."""

    table: Table = None


ReportQueryDep = Annotated[ReportQuery, Depends()]
CsvQueryDep = Annotated[CsvQuery, Depends()]


def _query(params: Parameters) -> str:
    values = {k: v for k, v in params.as_dict().items() if v is not None}
    return urlencode(values)


@router.page("/reports", permission=Permission.REPORTS_READ, template="reports/list.html")
def reports() -> ReportListRead:
    """The reports Lantern makes, each answering one of the letter's questions."""
    return ReportListRead(
        reports=[
            ReportListItemRead(
                name=s.name,
                title=s.title,
                question=s.question,
                parameters=list(s.parameters),
                url=f"/reports/{segment(s.name)}",
            )
            for s in list_reports()
        ]
    )


@router.page("/reports/{name}", permission=Permission.REPORTS_READ, template="reports/report.html")
def report(name: str, session: SessionDep, query: ReportQueryDep) -> ReportRead:
    """One report over the store as it stands: facts, charts and tables, each number with its records."""
    params = query.parameters()
    built = build_report(session, name, params)
    document = report_document(built, generated_at=datetime.now(UTC).replace(microsecond=0))
    encoded = _query(params)
    base = f"/reports/{segment(name)}"
    figures = {
        f.key: "data:image/svg+xml;base64," + base64.b64encode(render_chart(f.chart, "svg")).decode("ascii")
        for f in built.figures()
    }
    return ReportRead(
        **document,
        downloads={
            "CSV": f"{base}/report.csv?{encoded}",
            "PDF": f"{base}/report.pdf?{encoded}",
            "JSON": f"/api{base}?{encoded}",
        },
        figures=figures,
    )


def _download(
    name: str, fmt_: Literal["csv", "pdf"], session: SessionDep, params: Parameters, table: str | None = None
) -> Response:
    built = build_report(session, name, params)
    data = render(built, fmt_, generated_at=datetime.now(UTC).replace(microsecond=0), table=table)
    filename = f"lantern-{name}-{params.country.lower()}.{fmt_}"
    return Response(
        data,
        media_type=MEDIA_TYPES[fmt_],
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


@router.asset("/reports/{name}/report.csv", permission=Permission.REPORTS_READ, media_type="text/csv")
def report_csv(name: str, session: SessionDep, query: CsvQueryDep) -> Response:
    """One table of the report as CSV (the main one unless `table` names another)."""
    return _download(name, "csv", session, query.parameters(), query.table)


@router.asset("/reports/{name}/report.pdf", permission=Permission.REPORTS_READ, media_type="application/pdf")
def report_pdf(name: str, session: SessionDep, query: ReportQueryDep) -> Response:
    """The report as a print-ready PDF with its charts."""
    return _download(name, "pdf", session, query.parameters())
