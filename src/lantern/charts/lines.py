"""Line charts of a share over time, one line per series: end-use check coverage by regime and year."""

from __future__ import annotations

from dataclasses import dataclass

from lantern.charts.bars import PALETTE
from lantern.charts.render import Format, chart_style, figure_bytes


@dataclass(frozen=True, slots=True)
class Line:
    name: str
    points: tuple[tuple[int, float], ...]  # (year, value)


@dataclass(frozen=True, slots=True)
class Lines:
    title: str
    lines: tuple[Line, ...]
    unit: str = "share"
    percent: bool = True
    marker_year: int | None = None  # a year to mark with a vertical line (e.g. 2020, the move to Commerce)
    marker_label: str = ""


def describe_lines(chart: Lines) -> str:
    parts = [f"{chart.title}."]
    for line in chart.lines:
        if not line.points:
            parts.append(f"{line.name}: no data.")
            continue
        first, last = line.points[0], line.points[-1]
        parts.append(
            f"{line.name}: {_value(first[1], chart.percent)} in {first[0]}, "
            f"{_value(last[1], chart.percent)} in {last[0]}."
        )
    return " ".join(parts)


def _value(value: float, percent: bool) -> str:
    return f"{value * 100:.0f}%" if percent else f"{value:,.0f}"


def render_lines(chart: Lines, *, fmt: Format = "svg") -> bytes:
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    with chart_style():
        figure = Figure(figsize=(8, 3.2), layout="constrained")
        axes = figure.add_subplot()
        axes.set_title(chart.title, loc="left")
        if not any(line.points for line in chart.lines):
            axes.text(0.5, 0.5, "Nothing to show.", ha="center", transform=axes.transAxes)
            axes.set_xticks([])
            axes.set_yticks([])
            return figure_bytes(figure, fmt)
        for index, line in enumerate(chart.lines):
            xs = [p[0] for p in line.points]
            ys = [p[1] for p in line.points]
            axes.plot(xs, ys, marker="o", color=PALETTE[index % len(PALETTE)], label=line.name, linewidth=1.6)
        if chart.percent:
            axes.yaxis.set_major_formatter(PercentFormatter(1.0))
            axes.set_ylim(-0.02, 1.02)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        if chart.marker_year is not None:
            axes.axvline(chart.marker_year, color="#888888", linestyle="--", linewidth=1)
            if chart.marker_label:
                axes.annotate(
                    chart.marker_label,
                    xy=(chart.marker_year, 1.0),
                    xycoords=("data", "axes fraction"),
                    xytext=(4, -10),
                    textcoords="offset points",
                    color="#555555",
                    fontsize=8,
                )
        axes.grid(color="#dddddd", linewidth=0.6)
        axes.set_axisbelow(True)
        axes.legend(frameon=False, fontsize=8)
        return figure_bytes(figure, fmt)
