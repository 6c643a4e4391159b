"""Geometry of the salary chart in plain Python; careers/_salary_chart.html draws it.

The chart is one money axis and one row per stage, each row its own small SVG: a bar from low to
high, a marker at the midpoint, a dot for a band that gives a single figure, and a thin whisker
out to the 10th and 90th percentiles. Rows are separate so that each can carry its own
"and N more figures" (a <details>, which SVG cannot hold).

Positions are percentages of the row's width and the SVGs have no viewBox: nothing is scaled, so
the axis labels are drawn at their CSS size (at least 12px) on a phone as on a desktop, and every
row lines up with the axis whatever the width. No queries and no Django here: it is tested on its
own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Marks are kept off the very edges, so that a dot or a whisker's cap at an end is not clipped.
PLOT_LEFT = 2.0
PLOT_RIGHT = 98.0
ROW_HEIGHT = 20
BAR_TOP = 4
BAR_HEIGHT = 12
CENTER_Y = BAR_TOP + BAR_HEIGHT / 2
AXIS_HEIGHT = 22
TICK_LABEL_Y = 17
MAX_TICK_INTERVALS = 6


def format_usd(amount: int | float | None) -> str:
    """Whole dollars with thousands separators: 132326 -> "$132,326"; None -> ""."""
    if amount is None:
        return ""
    return f"${round(amount):,}"


def format_usd_short(amount: int | float) -> str:
    """Axis labels, where space is short: 150000 -> "$150k", 1250000 -> "$1.25M"."""
    if amount >= 1_000_000:
        return f"${amount / 1_000_000:g}M"
    if amount >= 1_000:
        return f"${amount / 1_000:g}k"
    return f"${amount:g}"


@dataclass(frozen=True)
class LadderBar:
    """One band's figures to draw; `tone` (national/region) and `basis` (base/total) pick CSS
    classes, so that colours come from the stylesheet and follow dark mode."""

    low: int | None = None
    high: int | None = None
    midpoint: int | None = None
    p10: int | None = None
    p90: int | None = None
    tone: str = "national"
    basis: str = "base"

    @property
    def main_figures(self) -> list[int]:
        return [f for f in (self.low, self.midpoint, self.high) if f is not None]

    @property
    def all_figures(self) -> list[int]:
        return [
            f for f in (self.low, self.midpoint, self.high, self.p10, self.p90) if f is not None
        ]


@dataclass(frozen=True)
class Tick:
    x: float
    label: str
    # "start" at the left end, "end" at the right, so that no label sticks out of the chart.
    anchor: str = "middle"


@dataclass(frozen=True)
class Axis:
    """The money axis every row of one chart shares."""

    start: int
    end: int
    ticks: list[Tick]

    def x(self, value: float) -> float:
        """A figure's position, in percent of the row's width."""
        return round(PLOT_LEFT + (value - self.start) / (self.end - self.start) * _SPAN, 2)


_SPAN = PLOT_RIGHT - PLOT_LEFT


@dataclass(frozen=True)
class Marks:
    """What one row draws, in percent of its width; None where the band has nothing to draw."""

    css_class: str
    bar_x: float | None = None
    bar_width: float | None = None
    mid_x: float | None = None
    dot_x: float | None = None
    whisker_x1: float | None = None
    whisker_x2: float | None = None


def nice_domain(lowest: float, highest: float) -> tuple[int, int, int]:
    """An axis from a round figure below lowest to one above highest: (start, end, step).

    The step is 1, 2, 2.5 or 5 times a power of ten, the smallest that needs at most
    MAX_TICK_INTERVALS intervals, so that tick labels stay legible at phone width.
    """
    if highest < lowest:
        lowest, highest = highest, lowest
    if highest == lowest:
        pad = max(abs(lowest) * 0.1, 1_000)
        lowest, highest = lowest - pad, highest + pad
        lowest = max(lowest, 0)
    magnitude = 10 ** math.floor(math.log10(highest - lowest))
    for power in (magnitude / 10, magnitude, magnitude * 10):
        for factor in (1, 2, 2.5, 5):
            step = factor * power
            if step < 1 or step != int(step):
                continue
            start = math.floor(lowest / step) * step
            end = math.ceil(highest / step) * step
            if round((end - start) / step) <= MAX_TICK_INTERVALS:
                return int(start), int(end), int(step)
    raise AssertionError("unreachable: a step of ten magnitudes always fits")


def ladder_axis(bars: list[LadderBar]) -> Axis | None:
    """The axis that holds every figure of the bars; None when there is nothing to draw."""
    figures = [f for bar in bars for f in bar.all_figures]
    if not figures:
        return None
    start, end, step = nice_domain(min(figures), max(figures))
    axis = Axis(start=start, end=end, ticks=[])
    values = list(range(start, end + 1, step))
    for index, value in enumerate(values):
        anchor = "start" if index == 0 else "end" if index == len(values) - 1 else "middle"
        axis.ticks.append(Tick(x=axis.x(value), label=format_usd_short(value), anchor=anchor))
    return axis


def ladder_marks(bar: LadderBar, axis: Axis) -> Marks:
    """A range is a bar (with its midpoint marked), a single figure a dot, and the 10th and
    90th percentiles a whisker around them."""
    main = bar.main_figures
    bar_x = bar_width = mid_x = dot_x = None
    if len(set(main)) >= 2:
        bar_x = axis.x(min(main))
        bar_width = round(axis.x(max(main)) - bar_x, 2)
        if bar.midpoint is not None:
            mid_x = axis.x(bar.midpoint)
    elif main:
        dot_x = axis.x(main[0])

    whisker_x1 = whisker_x2 = None
    tails = [f for f in (bar.p10, bar.p90) if f is not None]
    if tails:
        whisker_x1 = axis.x(min([*tails, *main]))
        whisker_x2 = axis.x(max([*tails, *main]))
        if whisker_x1 == whisker_x2:
            whisker_x1 = whisker_x2 = None
            if dot_x is None and bar_x is None:
                dot_x = axis.x(tails[0])

    return Marks(
        css_class=f"chart-band chart-band--{bar.tone} chart-band--{bar.basis}",
        bar_x=bar_x,
        bar_width=bar_width,
        mid_x=mid_x,
        dot_x=dot_x,
        whisker_x1=whisker_x1,
        whisker_x2=whisker_x2,
    )
