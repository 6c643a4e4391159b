"""The burn-up chart's rules (tracker/burnup.py), from tables, without the database."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import pairwise

import pytest

from tracker import burnup
from tracker.burnup import BOX, Point, Scope, StageRecord, chart, series
from tracker.progress import Estimate, ItemKey, Move

DAY = date(2026, 11, 1)
A: ItemKey = ("skill", 1)
B: ItemKey = ("skill", 2)
C: ItemKey = ("milestone", 3)
D: ItemKey = ("skill", 4)


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 11, day, hour)


def tick(day: int, key, done: bool = True, hour: int = 12) -> Move:
    return Move(at=at(day, hour), key=key, done=done)


# In the first table each item is alone on a stage of its own, which the catalog never changes.
STAGE_OF = {A: 1, B: 2, C: 3, D: 4}
UNCHANGED = [StageRecord(n, at(1, 0), frozenset([k])) for k, n in STAGE_OF.items()]


def scope(day: int, *keys, hour: int = 9) -> Scope:
    return Scope(since=at(day, hour), stage_ids=frozenset(STAGE_OF[key] for key in keys))


def rows(points: list[Point]) -> list[tuple[int, int, int]]:
    return [(p.day.day, p.done, p.total) for p in points]


@pytest.mark.parametrize(
    ("changes", "scopes", "today", "expected"),
    [
        # Nothing yet: nothing to draw.
        ([], [], 5, []),
        # A target alone: a total, nothing done, carried to today.
        ([], [scope(1, A, B)], 3, [(1, 0, 2), (3, 0, 2)]),
        # One item a day; today is the last day with a change.
        (
            [tick(2, A), tick(3, B)],
            [scope(1, A, B, C)],
            3,
            [(1, 0, 3), (2, 1, 3), (3, 2, 3)],
        ),
        # Ticked and unticked on one day: the day ends as it started.
        ([tick(2, A), tick(2, A, False, hour=13)], [scope(1, A, B)], 2, [(1, 0, 2), (2, 0, 2)]),
        # Unticked the next day: done goes down again.
        ([tick(2, A), tick(3, A, False)], [scope(1, A, B)], 3, [(1, 0, 2), (2, 1, 2), (3, 0, 2)]),
        # Ticked twice (no untick between): counts once.
        ([tick(2, A), tick(3, A)], [scope(1, A, B)], 3, [(1, 0, 2), (2, 1, 2), (3, 1, 2)]),
        # A further target: the total steps up and what was done still counts.
        (
            [tick(2, A)],
            [scope(1, A, B), scope(4, A, B, C, D)],
            5,
            [(1, 0, 2), (2, 1, 2), (4, 1, 4), (5, 1, 4)],
        ),
        # Another role as target: items outside it stop counting, and count again later.
        (
            [tick(2, A)],
            [scope(1, A, B), scope(3, C), scope(4, A, B)],
            4,
            [(1, 0, 2), (2, 1, 2), (3, 0, 1), (4, 1, 2)],
        ),
        # An item ticked before any target counts once a target holds it.
        ([tick(1, A)], [scope(2, A, B)], 2, [(1, 0, 0), (2, 1, 2)]),
        # A target and a tick at the same instant: the target comes first.
        ([Move(at=at(1, 9), key=A, done=True)], [scope(1, A, B)], 1, [(1, 1, 2)]),
        # Nothing after today is drawn.
        ([tick(2, A), tick(9, B)], [scope(1, A, B)], 3, [(1, 0, 2), (2, 1, 2), (3, 1, 2)]),
    ],
)
def test_it_counts_done_and_total_at_the_end_of_each_day(changes, scopes, today, expected):
    assert rows(series(changes, scopes, UNCHANGED, today=date(2026, 11, today))) == expected


def stage(stage_id: int, day: int, *keys, hour: int = 0) -> StageRecord:
    return StageRecord(stage_id=stage_id, since=at(day, hour), keys=frozenset(keys))


# Stage 1 holds A and B; stage 2 holds C. A person aims at stage 1 from day 1.
ON_STAGE_1 = [Scope(since=at(1, 9), stage_ids=frozenset([1]))]
UP_TO_STAGE_2 = [Scope(since=at(1, 9), stage_ids=frozenset([1, 2]))]


@pytest.mark.parametrize(
    ("changes", "scopes", "records", "today", "expected"),
    [
        # The catalog as it was: the total holds.
        ([tick(2, A)], ON_STAGE_1, [stage(1, 1, A, B)], 3, [(1, 0, 2), (2, 1, 2), (3, 1, 2)]),
        # The stage gains an item on day 10: the total steps up on day 10, not before.
        (
            [tick(2, A)],
            ON_STAGE_1,
            [stage(1, 1, A, B), stage(1, 10, A, B, D)],
            12,
            [(1, 0, 2), (2, 1, 2), (10, 1, 3), (12, 1, 3)],
        ),
        # An item retired on day 5 steps the total down; a done one takes done down with it.
        (
            [tick(2, A)],
            ON_STAGE_1,
            [stage(1, 1, A, B), stage(1, 5, B)],
            6,
            [(1, 0, 2), (2, 1, 2), (5, 0, 1), (6, 0, 1)],
        ),
        # A stage's first record stands for the time before it (the record began after the goal).
        ([tick(2, A)], ON_STAGE_1, [stage(1, 3, A, B)], 3, [(1, 0, 2), (2, 1, 2), (3, 1, 2)]),
        # A stage recorded item by item on its first day: all of that day's items stand before it.
        (
            [tick(2, A)],
            ON_STAGE_1,
            [stage(1, 5, A), stage(1, 5, A, B, hour=1), stage(1, 6, B)],
            6,
            [(1, 0, 2), (2, 1, 2), (5, 1, 2), (6, 0, 1)],
        ),
        # Catalog changes before the person's first target draw nothing of their own.
        ([], ON_STAGE_1, [stage(1, 1, A), stage(1, 1, A, B, hour=5)], 2, [(1, 0, 2), (2, 0, 2)]),
        # A change to a stage off the person's way: a point, but the total does not move.
        (
            [],
            ON_STAGE_1,
            [stage(1, 1, A, B), stage(2, 1, C), stage(2, 4, C, D)],
            4,
            [(1, 0, 2), (4, 0, 2)],
        ),
        # Two stages on the way: their records add up, each stepping on its own day.
        (
            [tick(2, C)],
            UP_TO_STAGE_2,
            [stage(1, 1, A, B), stage(2, 1, C), stage(2, 4, C, D), stage(1, 6, A)],
            6,
            [(1, 0, 3), (2, 1, 3), (4, 1, 4), (6, 1, 3)],
        ),
        # A new target under a changed catalog: steps as before, to the catalog of its day.
        (
            [tick(2, A)],
            [*ON_STAGE_1, Scope(since=at(5, 9), stage_ids=frozenset([1, 2]))],
            [stage(1, 1, A, B), stage(2, 1, C), stage(2, 3, C, D)],
            5,
            [(1, 0, 2), (2, 1, 2), (3, 1, 2), (5, 1, 4)],
        ),
        # A change after today is not drawn.
        ([], ON_STAGE_1, [stage(1, 1, A, B), stage(1, 9, A)], 3, [(1, 0, 2), (3, 0, 2)]),
    ],
)
def test_the_total_follows_the_catalog_of_each_day(changes, scopes, records, today, expected):
    assert rows(series(changes, scopes, records, today=date(2026, 11, today))) == expected


def points(*values: tuple[int, int, int]) -> list[Point]:
    return [Point(day=date(2026, 11, d), done=done, total=total) for d, done, total in values]


def test_there_is_no_chart_without_points():
    assert chart([], pace=1.0, estimate=None) is None


def test_done_and_total_are_step_lines_in_the_box():
    drawn = chart(points((1, 0, 4), (3, 2, 4), (5, 2, 8)), pace=0.0, estimate=None)
    assert drawn is not None
    # Four days wide; the total's axis ends at 8 (a round step above the highest total).
    assert drawn.done_path == f"M0.0 {BOX}.0 H500.0 V750.0 H1000.0"
    assert drawn.total_path == "M0.0 500.0 H500.0 H1000.0 V0.0"
    assert drawn.today_x == 1000.0
    assert (drawn.pace_path, drawn.range_path, drawn.estimate) == ("", "", None)


def test_with_an_estimate_it_draws_the_pace_and_the_range_ahead_to_the_slow_end():
    estimate = Estimate(low=1, high=2, unit="week")
    drawn = chart(points((1, 0, 4), (8, 2, 4)), pace=2.0, estimate=estimate)
    assert drawn is not None
    # 7 days of history and 14 ahead: today is a third of the way.
    assert drawn.end == date(2026, 11, 22)
    assert drawn.today_x == pytest.approx(333.3)
    # 2 items left at 2 a week: the pace line reaches the total a week after today.
    assert drawn.pace_path == "M333.3 500.0 L666.7 0.0"
    assert drawn.range_path == "M333.3 500.0 L666.7 0.0 L1000.0 0.0 Z"
    # The total holds ahead, where the range meets it.
    assert drawn.total_path.endswith(f"H{BOX}")
    assert drawn.estimate == estimate


def test_a_finished_target_has_no_range_ahead():
    estimate = Estimate(low=1, high=2, unit="week")
    drawn = chart(points((1, 0, 2), (2, 2, 2)), pace=2.0, estimate=estimate)
    assert drawn is not None
    assert (drawn.pace_path, drawn.estimate, drawn.end) == ("", None, date(2026, 11, 2))


@pytest.mark.parametrize(
    ("estimate", "days"),
    [
        (Estimate(low=2, high=3, unit="week"), 21),
        (Estimate(low=3, high=4, unit="month"), 122),
        (Estimate(low=2, high=3, unit="year"), 1096),
    ],
)
def test_the_chart_runs_to_the_slow_end_of_the_estimate(estimate, days):
    drawn = chart(points((1, 0, 40), (2, 1, 40)), pace=0.5, estimate=estimate)
    assert drawn is not None
    assert drawn.end == date(2026, 11, 2) + timedelta(days=days)


def test_a_single_day_is_drawn_over_one_day_with_axis_labels_at_both_ends():
    drawn = chart(points((5, 1, 3)), pace=0.0, estimate=None)
    assert drawn is not None
    assert (drawn.start, drawn.end) == (date(2026, 11, 4), date(2026, 11, 5))
    assert [(t.label, t.anchor) for t in drawn.x_ticks] == [("4 Nov", "start"), ("5 Nov", "end")]


def test_axis_labels_are_few_round_and_name_the_year_over_long_spans():
    drawn = chart(points((1, 0, 7)), pace=0.5, estimate=Estimate(low=6, high=9, unit="month"))
    assert drawn is not None
    assert [label for _, label in drawn.y_ticks] == ["0", "2", "4", "6", "8"]
    assert [top for top, _ in drawn.y_ticks] == [100.0, 75.0, 50.0, 25.0, 0.0]
    labels = [t.label for t in drawn.x_ticks]
    assert 2 <= len(labels) <= 5 and labels[0] == "Nov 2026" and labels[-1] == "Aug 2027"


def _extents(drawn, width_px: float) -> list[tuple[float, float, str]]:
    """Where each date label runs on a plot `width_px` wide, at 7.5px a character (a 12px
    label's widest average)."""
    runs = []
    for tick in drawn.x_ticks:
        length = len(tick.label) * 7.5
        at = tick.x / 100 * width_px
        left = at - {"start": 0, "middle": length / 2, "end": length}[tick.anchor]
        runs.append((left, left + length, tick.label))
    return sorted(runs)


@pytest.mark.parametrize(
    ("history_days", "estimate"),
    [
        # A short history with a long estimate: "Dec 2026Feb 2027" on a phone.
        (1, Estimate(low=2, high=3, unit="month")),
        (2, Estimate(low=4, high=6, unit="month")),
        (3, Estimate(low=1, high=2, unit="year")),
        (10, Estimate(low=6, high=9, unit="month")),
        (25, Estimate(low=2, high=3, unit="year")),
        (1, Estimate(low=2, high=3, unit="week")),
        (5, Estimate(low=3, high=4, unit="month")),
        (28, None),
        (12, None),
        (3, None),
    ],
)
def test_date_labels_stay_apart_on_a_phone(history_days, estimate):
    done_points = points((1, 0, 40), (history_days, 1, 40))
    drawn = chart(done_points, pace=0.5 if estimate else 0.0, estimate=estimate)
    assert drawn is not None
    runs = _extents(drawn, burnup.NARROWEST_PLOT_PX)
    assert len(runs) >= 2
    assert runs[0][0] >= 0 and runs[-1][1] <= burnup.NARROWEST_PLOT_PX
    for (_, right, label), (left, _, next_label) in pairwise(runs):
        assert left - right >= 8, (label, next_label)
    assert len({label for _, _, label in runs}) == len(runs)


def test_date_labels_between_the_ends_are_kept_where_they_fit():
    drawn = chart(points((1, 0, 4), (20, 1, 4)), pace=0.0, estimate=None)
    assert drawn is not None
    assert [t.label for t in drawn.x_ticks] == ["1 Nov", "7 Nov", "14 Nov", "20 Nov"]


def test_a_chart_with_nothing_to_count_still_has_an_axis():
    drawn = chart(points((1, 0, 0), (2, 0, 0)), pace=0.0, estimate=None)
    assert drawn is not None
    assert [label for _, label in drawn.y_ticks] == ["0", "1"]


def test_the_table_lists_the_days_that_changed_and_today():
    drawn = chart(points((1, 0, 2), (2, 1, 2), (3, 1, 2), (4, 1, 3)), pace=0.0, estimate=None)
    assert drawn is not None
    assert rows(drawn.changes) == [(1, 0, 2), (2, 1, 2), (4, 1, 3)]
    assert drawn.current == Point(day=date(2026, 11, 4), done=1, total=3)
