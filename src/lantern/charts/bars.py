"""Bar charts of counts by a label (year, state, manufacturer, category), optionally split in stacked series.

Flows of firearms are read as bars: how many items went where, or when. Horizontal bars when labels are
names (states, manufacturers), vertical when they are years.
"""

from __future__ import annotations

from dataclasses import dataclass

from lantern.charts.render import Format, chart_style, figure_bytes

PALETTE = ("#1f618d", "#c0392b", "#7d6608", "#6c3483", "#117864", "#784212", "#566573")


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: tuple[float, ...]  # one per label


@dataclass(frozen=True, slots=True)
class Bars:
    title: str
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = "items"
    horizontal: bool = False

    def total(self) -> float:
        return sum(sum(s.values) for s in self.series)


def describe_bars(chart: Bars) -> str:
    """The chart in one sentence, for its alternative text."""
    if not chart.labels:
        return f"{chart.title}: nothing to show."
    totals = [sum(s.values[i] for s in chart.series) for i in range(len(chart.labels))]
    top = max(range(len(totals)), key=lambda i: (totals[i], -i))
    return (
        f"{chart.title}: {chart.total():,.0f} {chart.unit} over {len(chart.labels)} "
        f"{'bar' if len(chart.labels) == 1 else 'bars'}; the largest is {chart.labels[top]} "
        f"with {totals[top]:,.0f}."
    )


def render_bars(chart: Bars, *, fmt: Format = "svg") -> bytes:
    from matplotlib.figure import Figure

    count = len(chart.labels)
    with chart_style():
        size = (8, max(2.2, 0.9 + 0.28 * count)) if chart.horizontal else (8, 3.2)
        figure = Figure(figsize=size, layout="constrained")
        axes = figure.add_subplot()
        axes.set_title(chart.title, loc="left")
        if not count:
            axes.text(0.5, 0.5, "Nothing to show.", ha="center", transform=axes.transAxes)
            axes.set_xticks([])
            axes.set_yticks([])
            return figure_bytes(figure, fmt)
        positions = list(range(count))
        base = [0.0] * count
        for index, series in enumerate(chart.series):
            colour = PALETTE[index % len(PALETTE)]
            if chart.horizontal:
                axes.barh(positions, series.values, left=base, color=colour, label=series.name, height=0.7)
            else:
                axes.bar(positions, series.values, bottom=base, color=colour, label=series.name, width=0.7)
            base = [b + v for b, v in zip(base, series.values, strict=True)]
        if chart.horizontal:
            axes.set_yticks(positions, list(chart.labels))
            axes.invert_yaxis()
            axes.set_xlabel(chart.unit)
            axes.grid(axis="x", color="#dddddd", linewidth=0.6)
        else:
            axes.set_xticks(
                positions,
                list(chart.labels),
                rotation=45 if count > 12 else 0,
                ha="right" if count > 12 else "center",
            )
            axes.set_ylabel(chart.unit)
            axes.grid(axis="y", color="#dddddd", linewidth=0.6)
        axes.set_axisbelow(True)
        if len(chart.series) > 1:
            axes.legend(frameon=False, fontsize=8)
        return figure_bytes(figure, fmt)
