"""Renderers: one report, four formats. Each takes the report, the generation time and the base of the links,
and returns bytes; the same report and arguments give the same bytes."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from lantern.reports.model import Report

Format = Literal["html", "csv", "json", "pdf"]
FORMATS: tuple[Format, ...] = ("html", "csv", "json", "pdf")
MEDIA_TYPES: dict[Format, str] = {
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "pdf": "application/pdf",
}


def render(
    report: Report,
    fmt: Format,
    *,
    generated_at: datetime,
    base_url: str = "",
    table: str | None = None,
) -> bytes:
    if fmt == "json":
        from lantern.reports.render.json import render_json

        return render_json(report, generated_at=generated_at, base_url=base_url)
    if fmt == "csv":
        from lantern.reports.render.csv import render_csv

        return render_csv(report, generated_at=generated_at, base_url=base_url, table=table)
    if fmt == "html":
        from lantern.reports.render.html import render_html

        return render_html(report, generated_at=generated_at, base_url=base_url)
    if fmt == "pdf":
        from lantern.reports.render.pdf import render_pdf

        return render_pdf(report, generated_at=generated_at, base_url=base_url)
    raise ValueError(f"unknown report format {fmt!r}")
