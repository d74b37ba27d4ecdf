"""The report as one self-contained HTML file: the same template the web page includes, charts inline."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import jinja2
from markupsafe import Markup

from lantern.reports.model import Report, report_document
from lantern.reports.render.figures import svg_markup

TEMPLATES = Path(__file__).parent.parent / "templates"


def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
    )


_ENV = environment()


def figure_svgs(report: Report) -> dict[str, Markup]:
    # The SVG is produced by matplotlib from the report's data, with text escaped by matplotlib itself.
    return {figure.key: Markup(svg_markup(figure.chart)) for figure in report.figures()}


def render_html(report: Report, *, generated_at: datetime, base_url: str = "") -> bytes:
    document = report_document(report, generated_at=generated_at, base_url=base_url)
    page = _ENV.get_template("report_file.html").render(doc=document, svgs=figure_svgs(report), downloads={})
    return page.encode("utf-8")
