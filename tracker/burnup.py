"""The burn-up chart over plain data: done items against the total up to the target, day by day,
with the current pace and the estimated range ahead. templates/tracker/_burnup.html draws it.

The marks live in a 1000 x 1000 box that the page stretches to the chart's size (the strokes keep
their width), while the axis labels are drawn apart at their CSS size, in percent of the width
or height, so that they stay 12px on a phone as on a desktop. No queries and no Django here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise

from careers.charts import Tick, nice_domain

from .progress import Estimate, ItemKey, Move

BOX = 1000
DAYS_PER_UNIT = {"week": 7.0, "month": 365.25 / 12, "year": 365.25}
MAX_DATE_TICKS = 5
# The date labels must stay apart where the chart is narrowest: its plot on a 390px phone is
# about 290px wide. A 12px label's characters are at most 7.5px wide on average, and labels
# keep a gap of 8px between them.
NARROWEST_PLOT_PX = 280
LABEL_CHAR_PX = 7.5
LABEL_GAP_PX = 8


@dataclass(frozen=True)
class Scope:
    """The stages on the way to the target chosen at `since`, whose items count from then on."""

    since: datetime
    stage_ids: frozenset[int]


@dataclass(frozen=True)
class StageRecord:
    """A stage's counting items from `since` on, as the catalog had them then (careers.StageItems).
    Records come in the order they were made. Nothing older than a stage's first record is known,
    so the stage as it was at the end of that day stands for the time before it."""

    stage_id: int
    since: datetime
    keys: frozenset[ItemKey]


@dataclass(frozen=True)
class Point:
    """Done and total at the end of a day."""

    day: date
    done: int
    total: int


def series(
    changes: Iterable[Move],
    scopes: Iterable[Scope],
    records: Iterable[StageRecord],
    *,
    today: date,
) -> list[Point]:
    """Done and total at the end of each day on which either moved, then today.

    An item counts while it is on a stage of the scope of the moment, in that stage's record of
    the moment: a new target moves both lines at once, and so does a catalog change, on its day.
    Nothing after today is drawn (a clock set back must not draw the future).
    """
    records = sorted(records, key=lambda record: record.since)
    # Before its first record a stage held what it held at the end of that record's day: a catalog
    # written item by item (a first load) counts as written at once.
    first_day: dict[int, date] = {}
    stage_keys: dict[int, frozenset[ItemKey]] = {}
    for record in records:
        if first_day.setdefault(record.stage_id, record.since.date()) == record.since.date():
            stage_keys[record.stage_id] = record.keys
    # At one instant the catalog comes first, then the scope: a goal is set before its items are
    # ticked, on the catalog of that moment.
    timeline = sorted(
        [(r.since, 0, r) for r in records]
        + [(s.since, 1, s) for s in scopes]
        + [(c.at, 2, c) for c in changes],
        key=lambda entry: (entry[0], entry[1]),
    )
    state: dict[ItemKey, bool] = {}
    scope: Scope | None = None
    keys: frozenset[ItemKey] = frozenset()
    points: dict[date, Point] = {}
    for at, _, entry in timeline:
        if at.date() > today:
            break
        if isinstance(entry, StageRecord):
            stage_keys[entry.stage_id] = entry.keys
            if scope is None:
                continue  # the catalog before the person's first target draws nothing
        elif isinstance(entry, Scope):
            scope = entry
        else:
            state[entry.key] = entry.done
        if scope is not None and not isinstance(entry, Move):
            keys = frozenset().union(*(stage_keys.get(i, frozenset()) for i in scope.stage_ids))
        done = sum(1 for key in keys if state.get(key))
        points[at.date()] = Point(day=at.date(), done=done, total=len(keys))
    ordered = [points[day] for day in sorted(points)]
    if ordered and ordered[-1].day < today:
        last = ordered[-1]
        ordered.append(Point(day=today, done=last.done, total=last.total))
    return ordered


@dataclass(frozen=True)
class Chart:
    points: list[Point]
    start: date
    end: date
    # SVG path data in the 1000 x 1000 box, y growing downwards.
    done_path: str
    total_path: str
    pace_path: str
    range_path: str
    today_x: float
    x_ticks: list[Tick]
    # (position from the top in percent, label)
    y_ticks: list[tuple[float, str]]
    estimate: Estimate | None
    pace: float

    @property
    def current(self) -> Point:
        return self.points[-1]

    @property
    def changes(self) -> list[Point]:
        """The points where done or total moved, for the table (today's carried point left out
        when nothing happened on it)."""
        kept: list[Point] = []
        for point in self.points:
            if not kept or (point.done, point.total) != (kept[-1].done, kept[-1].total):
                kept.append(point)
        return kept


def label_extent(tick: Tick, width_px: float) -> tuple[float, float]:
    """Where a date label runs, from and to, in pixels of a plot `width_px` wide."""
    length = len(tick.label) * LABEL_CHAR_PX
    at = tick.x / 100 * width_px
    left = at - {"start": 0.0, "middle": length / 2, "end": length}[tick.anchor]
    return left, left + length


def labels_apart(ticks: Sequence[Tick], width_px: float) -> bool:
    """Whether the labels are all different and stand apart in a plot `width_px` wide."""
    extents = sorted(label_extent(tick, width_px) for tick in ticks)
    different = len({tick.label for tick in ticks}) == len(ticks)
    return different and all(
        left - before_right >= LABEL_GAP_PX for (_, before_right), (left, _) in pairwise(extents)
    )


def _date_label(day: date, span_days: int) -> str:
    return f"{day.day} {day:%b}" if span_days <= 150 else f"{day:%b %Y}"


def chart(points: Sequence[Point], *, pace: float, estimate: Estimate | None) -> Chart | None:
    """The chart's geometry; None when there is nothing to draw yet."""
    if not points:
        return None
    now = points[-1]
    start, today = points[0].day, now.day
    remaining = now.total - now.done
    ahead = estimate is not None and pace > 0 and remaining > 0
    end = today
    if ahead:
        assert estimate is not None
        end = today + timedelta(days=round(estimate.high * DAYS_PER_UNIT[estimate.unit]))
    if start >= end:
        start = end - timedelta(days=1)
    span = (end - start).days
    y_end = nice_domain(0, max(p.total for p in points))[1] if any(p.total for p in points) else 1

    def x(day: date | float) -> float:
        days = day if isinstance(day, float) else float((day - start).days)
        return round(days / span * BOX, 1)

    def y(count: float) -> float:
        return round(BOX - count / y_end * BOX, 1)

    def steps(values: list[tuple[date, int]]) -> str:
        # Each day's value holds until the next day that changed it.
        parts = [f"M{x(values[0][0])} {y(values[0][1])}"]
        for (_, before), (day, value) in pairwise(values):
            parts.append(f"H{x(day)}")
            if value != before:
                parts.append(f"V{y(value)}")
        return " ".join(parts)

    pace_path = range_path = ""
    if ahead:
        assert estimate is not None
        offset = float((today - start).days)
        reach = offset + remaining / pace * 7
        pace_path = f"M{x(offset)} {y(now.done)} L{x(reach)} {y(now.total)}"
        fast = offset + estimate.low * DAYS_PER_UNIT[estimate.unit]
        slow = offset + estimate.high * DAYS_PER_UNIT[estimate.unit]
        range_path = (
            f"M{x(offset)} {y(now.done)} L{x(fast)} {y(now.total)} L{x(slow)} {y(now.total)} Z"
        )

    x_ticks: list[Tick] = []
    # As many labels as fit apart at the narrowest width, the first and last at the ends.
    for count in range(min(MAX_DATE_TICKS, span + 1), 1, -1):
        x_ticks = []
        for index in range(count):
            day = start + timedelta(days=round(index * span / (count - 1)))
            anchor = "start" if index == 0 else "end" if index == count - 1 else "middle"
            x_ticks.append(
                Tick(x=round(x(day) / 10, 2), label=_date_label(day, span), anchor=anchor)
            )
        if labels_apart(x_ticks, NARROWEST_PLOT_PX):
            break
    y_step = nice_domain(0, y_end)[2] if y_end > 1 else 1
    y_ticks = [
        (round(100 - value / y_end * 100, 2), str(value)) for value in range(0, y_end + 1, y_step)
    ]
    return Chart(
        points=list(points),
        start=start,
        end=end,
        done_path=steps([(p.day, p.done) for p in points]),
        # The total holds ahead, where the estimated range meets it.
        total_path=steps([(p.day, p.total) for p in points]) + (f" H{BOX}" if ahead else ""),
        pace_path=pace_path,
        range_path=range_path,
        today_x=x(today),
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        estimate=estimate if ahead else None,
        pace=pace,
    )
