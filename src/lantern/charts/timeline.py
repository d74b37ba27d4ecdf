"""A unit's allegation timeline against the licences and shipments that name it.

The point of the chart is one question: did weapons keep flowing after the unit was implicated? Allegations
are bars over the incident's dates; a dashed line marks the first day an allegation was held credible; each
licence and shipment is a mark on its own lane, drawn in the warning colour when it falls after that line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from lantern.charts.render import Format, chart_style, figure_bytes

ALLEGATION = "#6c3483"
BEFORE = "#1f618d"
AFTER = "#c0392b"


@dataclass(frozen=True, slots=True)
class Span:
    """An allegation: the incident from `start` to `end` (the earliest and latest days its dates allow)."""

    label: str
    start: date
    end: date
    credible_on: date | None = None


@dataclass(frozen=True, slots=True)
class Mark:
    """A licence (on its issue date) or a shipment (on its date)."""

    label: str
    on: date


@dataclass(frozen=True, slots=True)
class Timeline:
    title: str
    allegations: tuple[Span, ...] = ()
    licences: tuple[Mark, ...] = ()
    shipments: tuple[Mark, ...] = ()

    @property
    def implicated_on(self) -> date | None:
        """The first day any allegation against the unit was held credible."""
        days = [s.credible_on for s in self.allegations if s.credible_on is not None]
        return min(days) if days else None

    def after_implication(self) -> tuple[list[Mark], list[Mark]]:
        """Licences and shipments dated after the unit was implicated."""
        first = self.implicated_on
        if first is None:
            return [], []
        return [m for m in self.licences if m.on > first], [m for m in self.shipments if m.on > first]

    def span(self) -> tuple[date, date] | None:
        days = [d for s in self.allegations for d in (s.start, s.end, s.credible_on) if d is not None]
        days += [m.on for m in (*self.licences, *self.shipments)]
        if not days:
            return None
        low, high = min(days), max(days)
        pad = max(timedelta(days=30), (high - low) / 20)
        return low - pad, high + pad


def describe(timeline: Timeline) -> str:
    """The chart in one sentence, for its alternative text."""
    parts = [
        f"{len(timeline.allegations)} allegation(s), {len(timeline.licences)} licence(s) "
        f"and {len(timeline.shipments)} shipment(s) naming {timeline.title}."
    ]
    first = timeline.implicated_on
    if first is None:
        parts.append("No allegation against it has been held credible.")
    else:
        licences, shipments = timeline.after_implication()
        parts.append(
            f"First held credible on {first.isoformat()}; after that day: {len(licences)} licence(s) "
            f"and {len(shipments)} shipment(s)."
        )
    return " ".join(parts)


def _x(day: date) -> float:
    """A day as matplotlib's day number, the unit of a date axis."""
    from matplotlib.dates import date2num

    return float(date2num(day))  # type: ignore[no-untyped-call]  # matplotlib.dates is not annotated


def render_timeline(timeline: Timeline, *, fmt: Format = "svg") -> bytes:
    """Draw the timeline as SVG (pages), PDF or PNG (reports)."""
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.figure import Figure

    lanes = [("Allegations", ALLEGATION), ("Licences", BEFORE), ("Shipments", BEFORE)]
    with chart_style():
        figure = Figure(figsize=(9, 3.2), layout="constrained")
        axes = figure.add_subplot()
        axes.set_title(f"{timeline.title}: allegations against licences and shipments", loc="left")
        axes.set_yticks(range(len(lanes)), [name for name, _ in lanes])
        axes.set_ylim(len(lanes) - 0.5, -0.5)
        extent = timeline.span()
        if extent is None:
            axes.text(
                0.5, 0.5, "No dated allegation, licence or shipment.", ha="center", transform=axes.transAxes
            )
            axes.set_xticks([])
            return figure_bytes(figure, fmt)
        axes.set_xlim(_x(extent[0]), _x(extent[1]))
        locator = AutoDateLocator()  # type: ignore[no-untyped-call]  # matplotlib.dates is not annotated
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
        axes.grid(axis="x", color="#dddddd", linewidth=0.6)
        axes.set_axisbelow(True)

        for span in timeline.allegations:
            # Dates are drawn as matplotlib's day numbers, so a width in days is a width on the axis.
            width = max((span.end - span.start).days, 1)
            axes.barh(0, width, left=_x(span.start), height=0.5, color=ALLEGATION, alpha=0.75)
            if span.credible_on is not None:
                axes.plot([_x(span.credible_on)], [0], marker="D", color="black", markersize=5)
        first = timeline.implicated_on
        if first is not None:
            axes.axvline(_x(first), color=AFTER, linestyle="--", linewidth=1.2)
            axes.annotate(
                f"implicated {first.isoformat()}",
                xy=(_x(first), -0.45),
                xytext=(4, 0),
                textcoords="offset points",
                color=AFTER,
                va="top",
            )
        for lane, marks in ((1, timeline.licences), (2, timeline.shipments)):
            for mark in marks:
                late = first is not None and mark.on > first
                axes.plot(
                    [_x(mark.on)],
                    [lane],
                    marker="|" if lane == 1 else "o",
                    markersize=14 if lane == 1 else 6,
                    markeredgewidth=2,
                    color=AFTER if late else BEFORE,
                )
        return figure_bytes(figure, fmt)
