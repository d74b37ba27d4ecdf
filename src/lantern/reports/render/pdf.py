"""The report as a print-ready PDF (fpdf2): A4 landscape, charts as PNG, tables with linked numbers.

Reproducible: the document's creation date is the generation time, and its file identifier is a digest of
the report itself, so two renderings differ only in that date.
"""

from __future__ import annotations

import hashlib
import io
import textwrap
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


#: Longest text printed in one table cell; the CSV and JSON carry it whole. Long cells (citations, evidence,
#: runs of serial numbers) would make print unreadable.
CELL_CHARS = 240
FONT_SIZE = 7.0
LINE = 3.3  # mm per line of table text
PAD = 0.8  # mm inside each cell
#: Widest advance of DejaVu Sans's common glyphs as a share of the font size, so wrapped lines always fit.
CHAR_EM = 0.62
PT = 0.3528  # mm per point


def _clip(text: str) -> str:
    return text if len(text) <= CELL_CHARS else text[: CELL_CHARS - 1].rstrip() + "… (cut; see CSV)"


def _wrap(text: str, width_mm: float) -> list[str]:
    chars = max(4, int((width_mm - 2 * PAD) / (FONT_SIZE * CHAR_EM * PT)))
    lines: list[str] = []
    for paragraph in _clip(text).splitlines() or [""]:
        lines.extend(textwrap.wrap(paragraph, chars, break_long_words=True, break_on_hyphens=False) or [""])
    return lines


def _table(pdf: Any, table: Table, width: float, heading: Any, base_url: str, text: Any) -> None:
    """A table drawn line by line: text wrapped by character count (fpdf2's own table measures every glyph,
    which is too slow for tables of thousands of rows), header repeated on each page, numbers linked."""
    del heading
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
    widths = [width * w / total for w in weights]
    right = [c.kind not in {ColumnKind.TEXT, ColumnKind.DATE} for c in table.columns]
    bottom = pdf.h - pdf.b_margin

    def draw(cells: list[list[str]], links: list[str | None], *, bold: bool) -> None:
        height = max(len(lines) for lines in cells) * LINE + 2 * PAD
        if pdf.get_y() + height > bottom:
            pdf.add_page()
            if not bold:
                draw(header, [None] * len(header), bold=True)
        y = pdf.get_y()
        x = pdf.l_margin
        pdf.set_font("DejaVu", "B" if bold else "", FONT_SIZE)
        if bold:
            pdf.set_fill_color(230, 230, 230)
            pdf.rect(x, y, width, height, style="F")
        for lines, w, align_right, url in zip(cells, widths, right, links, strict=True):
            pdf.rect(x, y, w, height)
            for number, line in enumerate(lines):
                baseline = y + PAD + LINE * number + LINE * 0.78
                left = x + PAD
                if align_right and not bold:
                    left = x + w - PAD - pdf.get_string_width(line)
                pdf.text(left, baseline, line)
            if url:
                pdf.link(x, y, w, height, url)
            x += w
        pdf.set_y(y + height)

    header = [_wrap(c.title, w) for c, w in zip(table.columns, widths, strict=True)]
    draw(header, [None] * len(header), bold=True)
    for row in shown:
        cells = [_wrap(show(v.value, c.kind), w) for v, c, w in zip(row, table.columns, widths, strict=True)]
        links = [link(v.refs[0], base_url) if base_url and len(v.refs) == 1 else None for v in row]
        draw(cells, links, bold=False)
    pdf.set_x(pdf.l_margin)
