"""Geometry of the salary ladder chart in plain Python; careers/_salary_chart.html draws it.

The chart is one money axis and one row per salary band: a bar from low to high, a marker at the
midpoint, a dot for a band that gives a single figure, and a thin whisker out to the 10th and 90th
percentiles. Everything is in SVG user units inside a fixed-width viewBox so the browser scales it
to the column, from a phone to a desktop. No queries and no Django here: it is tested on its own.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

# Narrow on purpose: the viewBox scales with the page, and at phone width a wider box would shrink
# the text below reading size. CSS caps the rendered width on large screens.
WIDTH = 380
PLOT_LEFT = 20
PLOT_RIGHT = WIDTH - 20
# CSS draws chart text at 12px, and at 13px on phones; the layout leaves room for the larger.
FONT_SIZE = 13
# Rough average advance of the chart's sans-serif text per character, in user units. Used only to
# decide whether a row's label and figure fit on one line; erring wide just stacks them.
CHAR_WIDTH = FONT_SIZE * 0.6
BAR_HEIGHT = 12
ROW_GAP = 9
GROUP_GAP = 10
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
    """One band to draw.

    Consecutive bars of one `group` sit under one heading, `group_label` (a stage title);
    `label` says what sets this bar apart within its group (a region, "total comp", a note) and
    may be empty. `tone` and `basis` pick CSS classes: national/region, base/total.
    """

    label: str
    figure: str
    group: str
    group_label: str = ""
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


@dataclass(frozen=True)
class Heading:
    text: str
    y: float


@dataclass(frozen=True)
class DrawnRow:
    label: str
    figure: str
    css_class: str
    # "chart-group" when the row's label line is its group's heading, else "chart-label".
    label_class: str
    label_y: float
    figure_x: float
    figure_y: float
    bar_y: float
    bar_center_y: float
    # A range bar, when the band gives at least two different figures.
    bar_x: float | None = None
    bar_width: float | None = None
    # The median or average, when the band gives one beside a range.
    mid_x: float | None = None
    # A band with one figure only is a dot.
    dot_x: float | None = None
    whisker_x1: float | None = None
    whisker_x2: float | None = None

    # Derived positions, so the template needs no arithmetic.
    @property
    def bar_height(self) -> int:
        return BAR_HEIGHT

    @property
    def mark_top(self) -> float:
        return self.bar_y - 4

    @property
    def mark_bottom(self) -> float:
        return self.bar_y + BAR_HEIGHT + 4

    @property
    def cap_top(self) -> float:
        return self.bar_center_y - 5

    @property
    def cap_bottom(self) -> float:
        return self.bar_center_y + 5


@dataclass(frozen=True)
class LadderChart:
    width: int
    height: float
    plot_left: float
    plot_right: float
    axis_y: float
    tick_label_y: float
    ticks: list[Tick]
    headings: list[Heading]
    rows: list[DrawnRow]
    separators: list[float]
    domain: tuple[int, int]


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


def _text_width(text: str) -> float:
    return len(text) * CHAR_WIDTH


def _truncate(text: str, room: float) -> str:
    fits = int(room // CHAR_WIDTH)
    return text if len(text) <= fits else text[: max(fits - 1, 1)].rstrip() + "\u2026"


def ladder_chart(bars: Sequence[LadderBar]) -> LadderChart | None:
    """Lays out the bars top to bottom in the given order; None when there is nothing to draw.

    A group whose first bar has no label of its own starts on one line: the heading, that bar's
    figure, then its bar. Otherwise the heading gets a line to itself and each bar a labelled line.
    A label and figure too wide to share a line are stacked.
    """
    bars = [bar for bar in bars if bar.all_figures]
    figures = [f for bar in bars for f in bar.all_figures]
    if not figures:
        return None
    start, end, step = nice_domain(min(figures), max(figures))
    span = PLOT_RIGHT - PLOT_LEFT

    def x(value: float) -> float:
        return round(PLOT_LEFT + (value - start) / (end - start) * span, 1)

    headings: list[Heading] = []
    rows: list[DrawnRow] = []
    separators: list[float] = []
    y = 4.0
    previous_group: str | None = None
    for bar in bars:
        label, label_class = bar.label, "chart-label"
        if bar.group != previous_group:
            if previous_group is not None:
                separators.append(y + GROUP_GAP / 2 - ROW_GAP / 2)
                y += GROUP_GAP
            if bar.label or not bar.group_label:
                if bar.group_label:
                    headings.append(Heading(_truncate(bar.group_label, span), y + FONT_SIZE))
                    y += FONT_SIZE + 6
            else:
                label, label_class = bar.group_label, "chart-group"
        previous_group = bar.group

        label = _truncate(label, span)
        one_line = (
            not label or _text_width(label) + CHAR_WIDTH * 2 + _text_width(bar.figure) <= span
        )
        label_y = y + FONT_SIZE
        figure_y = label_y if one_line else label_y + FONT_SIZE + 4
        bar_y = figure_y + 6
        center = bar_y + BAR_HEIGHT / 2

        main = bar.main_figures
        bar_x = bar_width = mid_x = dot_x = None
        if len(set(main)) >= 2:
            bar_x = x(min(main))
            bar_width = round(x(max(main)) - bar_x, 1)
            if bar.midpoint is not None:
                mid_x = x(bar.midpoint)
        elif main:
            dot_x = x(main[0])

        whisker_x1 = whisker_x2 = None
        if bar.p10 is not None or bar.p90 is not None:
            tails = [f for f in (bar.p10, bar.p90) if f is not None]
            whisker_x1 = x(min([*tails, *main]))
            whisker_x2 = x(max([*tails, *main]))
            if whisker_x1 == whisker_x2:
                whisker_x1 = whisker_x2 = None
                if dot_x is None and bar_x is None:
                    dot_x = x(tails[0])

        rows.append(
            DrawnRow(
                label=label,
                figure=bar.figure,
                css_class=f"chart-band chart-band--{bar.tone} chart-band--{bar.basis}",
                label_class=label_class,
                label_y=label_y,
                figure_x=PLOT_RIGHT,
                figure_y=figure_y,
                bar_y=bar_y,
                bar_center_y=center,
                bar_x=bar_x,
                bar_width=bar_width,
                mid_x=mid_x,
                dot_x=dot_x,
                whisker_x1=whisker_x1,
                whisker_x2=whisker_x2,
            )
        )
        y = bar_y + BAR_HEIGHT + ROW_GAP

    axis_y = y
    ticks = [
        Tick(x=x(value), label=format_usd_short(value)) for value in range(start, end + 1, step)
    ]
    return LadderChart(
        width=WIDTH,
        height=axis_y + FONT_SIZE + 10,
        plot_left=PLOT_LEFT,
        plot_right=PLOT_RIGHT,
        axis_y=axis_y,
        tick_label_y=axis_y + FONT_SIZE + 4,
        ticks=ticks,
        headings=headings,
        rows=rows,
        separators=separators,
        domain=(start, end),
    )
