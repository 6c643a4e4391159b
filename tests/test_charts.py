"""The salary chart's geometry, without the database or templates."""

import pytest

from careers.charts import (
    MAX_TICK_INTERVALS,
    PLOT_LEFT,
    PLOT_RIGHT,
    Axis,
    LadderBar,
    format_usd,
    format_usd_short,
    ladder_axis,
    ladder_marks,
    nice_domain,
)


def axis_for(*bars: LadderBar) -> Axis:
    axis = ladder_axis(list(bars))
    assert axis is not None
    return axis


def test_it_formats_money_with_thousands_separators():
    assert format_usd(132326) == "$132,326"
    assert format_usd(None) == ""
    assert format_usd_short(150_000) == "$150k"
    assert format_usd_short(1_250_000) == "$1.25M"


def test_it_picks_a_round_axis_with_few_ticks():
    start, end, step = nice_domain(104_500, 250_000)
    assert (start, end, step) == (100_000, 250_000, 25_000)
    assert (end - start) / step <= MAX_TICK_INTERVALS


def test_it_widens_an_axis_around_a_single_figure():
    start, end, step = nice_domain(173_517, 173_517)
    assert start < 173_517 < end
    assert step >= 1


def test_it_draws_nothing_without_figures():
    assert ladder_axis([]) is None
    assert ladder_axis([LadderBar()]) is None


def test_its_ticks_span_the_plot_and_keep_their_labels_inside_it():
    axis = axis_for(LadderBar(low=104_500, high=250_000))

    assert [tick.label for tick in axis.ticks] == [
        "$100k",
        "$125k",
        "$150k",
        "$175k",
        "$200k",
        "$225k",
        "$250k",
    ]
    assert (axis.ticks[0].x, axis.ticks[-1].x) == (PLOT_LEFT, PLOT_RIGHT)
    # The end labels are anchored inwards, so that none sticks out of a narrow screen.
    assert [tick.anchor for tick in axis.ticks] == ["start", *["middle"] * 5, "end"]


def test_it_draws_a_range_as_a_bar_with_its_midpoint_inside():
    bar = LadderBar(low=120_000, high=180_000, midpoint=150_000)
    marks = ladder_marks(bar, axis_for(bar))

    assert marks.dot_x is None
    assert marks.bar_x is not None and marks.bar_width is not None and marks.bar_width > 0
    assert marks.mid_x is not None
    assert marks.bar_x < marks.mid_x < marks.bar_x + marks.bar_width


def test_it_draws_a_single_figure_as_a_dot():
    single, total = LadderBar(midpoint=172_654), LadderBar(high=218_603, basis="total")
    axis = axis_for(single, total)

    for bar in (single, total):
        marks = ladder_marks(bar, axis)
        assert marks.bar_x is None
        assert marks.dot_x is not None and PLOT_LEFT <= marks.dot_x <= PLOT_RIGHT
    assert "chart-band--total" in ladder_marks(total, axis).css_class
    assert "chart-band--national" in ladder_marks(single, axis).css_class


def test_it_puts_every_row_on_one_money_axis():
    first = LadderBar(low=100_000, high=150_000)
    second = LadderBar(low=120_000, high=200_000, p90=250_000, tone="region")
    axis = axis_for(first, second)
    ticks = {tick.label: tick.x for tick in axis.ticks}

    one, two = ladder_marks(first, axis), ladder_marks(second, axis)
    assert one.bar_x == ticks["$100k"] == PLOT_LEFT
    assert two.whisker_x2 == ticks["$250k"] == PLOT_RIGHT
    assert one.bar_x is not None and one.bar_width is not None
    assert one.bar_x + one.bar_width == pytest.approx(ticks["$150k"])
    assert "chart-band--region" in two.css_class


def test_it_draws_percentiles_alone_as_a_whisker_or_a_dot():
    axis = axis_for(LadderBar(low=100_000, high=200_000))

    both = ladder_marks(LadderBar(p10=110_000, p90=190_000), axis)
    assert (both.whisker_x1, both.whisker_x2) == (axis.x(110_000), axis.x(190_000))
    assert both.bar_x is None and both.dot_x is None

    one = ladder_marks(LadderBar(p90=190_000), axis)
    assert one.whisker_x1 is None and one.dot_x == axis.x(190_000)
