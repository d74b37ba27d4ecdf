"""A report's figure drawn by the chart module that knows its kind."""

from __future__ import annotations

from functools import lru_cache

from lantern.charts.bars import Bars, render_bars
from lantern.charts.lines import Lines, render_lines
from lantern.charts.render import Format
from lantern.charts.timeline import Timeline, render_timeline
from lantern.reports.model import Chart


# Charts are frozen data, so the same chart is drawn once per process: pages asked again with the same data
# (and the PDF after the page) reuse the drawing. Drawing is the slow part of a report.
@lru_cache(maxsize=128)
def render_chart(chart: Chart, fmt: Format) -> bytes:
    if isinstance(chart, Bars):
        return render_bars(chart, fmt=fmt)
    if isinstance(chart, Lines):
        return render_lines(chart, fmt=fmt)
    if isinstance(chart, Timeline):
        return render_timeline(chart, fmt=fmt)
    raise TypeError(f"no renderer for {type(chart).__name__}")


def svg_markup(chart: Chart) -> str:
    """The chart as an inline <svg> element (the XML declaration and doctype dropped)."""
    text = render_chart(chart, "svg").decode("utf-8")
    return text[text.index("<svg") :]
