"""The report as a print-ready PDF (fpdf2): A4 landscape, charts as PNG, tables with linked numbers.

Reproducible: the document's creation date is the generation time, and its file identifier is a digest of
the report itself, so two renderings differ only in that date.
"""

from __future__ import annotations

import hashlib
import io
from datetime import datetime
from pathlib import Path
from typing import Any

from lantern.reports.model import ColumnKind, Report, Table, link, report_document, show
from lantern.reports.render.figures import render_chart

_WIDE = {
    ColumnKind.TEXT: 3.0,
    ColumnKind.COUNT: 1.0,
    ColumnKind.MONEY: 1.5,
    ColumnKind.DATE: 1.2,
    ColumnKind.SHARE: 1.0,
}


def _font_files() -> tuple[Path, Path]:
    # DejaVu Sans comes with matplotlib: a free font with every accent of Spanish and the dashes used here.
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"


def _fingerprint(report: Report) -> str:
    import orjson

    document = report_document(report, generated_at=datetime(1970, 1, 1))
    digest = hashlib.md5(orjson.dumps(document, option=orjson.OPT_SORT_KEYS), usedforsecurity=False)
    return digest.hexdigest().upper()


def render_pdf(report: Report, *, generated_at: datetime, base_url: str = "") -> bytes:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    file_id = _fingerprint(report)

    class ReportPDF(FPDF):
        def file_id(self) -> str:
            return f"<{file_id}><{file_id}>"

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("DejaVu", size=7)
            self.set_text_color(110)
            as_of = report.as_of.isoformat() if report.as_of else "no data"
            self.cell(0, 5, f"{report.title} · data as of {as_of} · page {self.page_no()}/{{nb}}", align="C")
            self.set_text_color(0)

    pdf = ReportPDF(orientation="L", unit="mm", format="A4")
    pdf.set_creation_date(generated_at)
    pdf.set_title(report.title)
    pdf.set_author("Lantern")
    pdf.set_creator("Lantern")
    pdf.set_producer("Lantern")
    regular, bold = _font_files()
    pdf.add_font("DejaVu", "", str(regular))
    pdf.add_font("DejaVu", "B", str(bold))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    width = pdf.epw

    def text(line: str, *, size: float = 9, bold_: bool = False, height: float = 4.6, url: str = "") -> None:
        pdf.set_font("DejaVu", "B" if bold_ else "", size)
        pdf.multi_cell(width, height, line, new_x="LMARGIN", new_y="NEXT", link=url)

    text(report.title, size=16, bold_=True, height=8)
    text(report.question, size=10)
    pdf.ln(2)
    text(f"Data as of: {report.as_of.isoformat() if report.as_of else 'no data recorded'}")
    text(f"Generated: {generated_at.isoformat()}")
    params = "; ".join(f"{k} = {v}" for k, v in report.parameters.as_dict().items() if v is not None)
    text(f"Parameters: {params or 'none'}")
    for note in report.notes:
        text(note, size=8)
    heading = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))

    for section in report.sections:
        pdf.ln(3)
        text(section.title, size=13, bold_=True, height=7)
        for paragraph in section.text:
            text(paragraph)
        for fact in section.facts:
            url = link(fact.value.refs[0], base_url) if base_url and len(fact.value.refs) == 1 else ""
            text(f"{fact.label}: {show(fact.value.value, fact.kind)}", url=url)
        for figure in section.figures:
            png = render_chart(figure.chart, "png")
            if pdf.will_page_break(70):
                pdf.add_page()
            pdf.image(io.BytesIO(png), w=min(width, 230))
            text(f"{figure.title}. {figure.alt}", size=7.5, height=3.8)
        for table in section.tables:
            _table(pdf, table, width, heading, base_url, text)
    pdf.ln(3)
    text("Sources", size=13, bold_=True, height=7)
    for source in report.sources:
        line = f"• {source.title}" + (f": {source.detail}" if source.detail else "")
        text(line + (f" ({source.url})" if source.url else ""), size=8, height=4)
    out: Any = pdf.output()
    return bytes(out)


def _table(pdf: Any, table: Table, width: float, heading: Any, base_url: str, text: Any) -> None:
    limit = table.display_limit or len(table.rows)
    shown = table.rows[:limit]
    caption = f"{table.title}: {len(table.rows):,} row(s)"
    if len(table.rows) > limit:
        caption += f", the first {limit:,} printed (the CSV and JSON carry all)"
    if table.note:
        caption += f". {table.note}"
    pdf.ln(2)
    text(caption, size=9, bold_=True)
    if not shown:
        text("Nothing to report.", size=8)
        return
    weights = [_WIDE[c.kind] for c in table.columns]
    total = sum(weights)
    pdf.set_font("DejaVu", size=7)
    with pdf.table(
        col_widths=[width * w / total for w in weights],
        text_align=[
            "LEFT" if c.kind in {ColumnKind.TEXT, ColumnKind.DATE} else "RIGHT" for c in table.columns
        ],
        line_height=3.6,
        headings_style=heading,
        padding=0.8,
    ) as grid:
        header = grid.row()
        for column in table.columns:
            header.cell(column.title)
        for row in shown:
            cells = grid.row()
            for column, value in zip(table.columns, row, strict=True):
                url = link(value.refs[0], base_url) if base_url and len(value.refs) == 1 else None
                cells.cell(show(value.value, column.kind), link=url)
