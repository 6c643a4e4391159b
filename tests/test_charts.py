"""The salary ladder's geometry, without the database or templates."""

import pytest

from careers.charts import (
    MAX_TICK_INTERVALS,
    PLOT_LEFT,
    PLOT_RIGHT,
    LadderBar,
    LadderChart,
    format_usd,
    format_usd_short,
    ladder_chart,
    nice_domain,
)


def draw(bars: list[LadderBar]) -> LadderChart:
    chart = ladder_chart(bars)
    assert chart is not None
    return chart


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
    assert ladder_chart([]) is None
    assert ladder_chart([LadderBar(label="Entry", figure="", group="a")]) is None


def test_it_draws_a_range_as_a_bar_with_its_midpoint_inside():
    chart = draw(
        [LadderBar(label="Mid", figure="", group="a", low=120_000, high=180_000, midpoint=150_000)]
    )
    row = chart.rows[0]
    assert row.dot_x is None
    assert row.bar_x is not None and row.bar_width is not None and row.bar_width > 0
    assert row.mid_x is not None
    assert row.bar_x < row.mid_x < row.bar_x + row.bar_width


def test_it_draws_a_single_figure_as_a_dot():
    chart = draw(
        [
            LadderBar(label="Senior", figure="", group="a", midpoint=172_654),
            LadderBar(label="Senior", figure="", group="a", high=218_603, basis="total"),
        ]
    )
    assert [row.bar_x for row in chart.rows] == [None, None]
    assert all(row.dot_x is not None and PLOT_LEFT <= row.dot_x <= PLOT_RIGHT for row in chart.rows)
    assert "chart-band--total" in chart.rows[1].css_class


def test_it_puts_every_mark_on_one_money_axis():
    chart = draw(
        [
            LadderBar(label="Entry", figure="", group="a", low=100_000, high=150_000),
            LadderBar(label="All", figure="", group="b", low=120_000, high=200_000, p90=250_000),
        ]
    )
    first, second = chart.rows
    ticks = {tick.label: tick.x for tick in chart.ticks}
    assert first.bar_x == ticks["$100k"] == PLOT_LEFT
    assert second.whisker_x2 == ticks["$250k"] == PLOT_RIGHT
    assert first.bar_x is not None and first.bar_width is not None
    assert first.bar_x + first.bar_width == pytest.approx(ticks["$150k"])


def test_it_separates_groups_and_keeps_rows_in_order():
    chart = draw(
        [
            LadderBar(label="Entry", figure="", group="entry", low=1, high=2),
            LadderBar(label="Entry, Seattle", figure="", group="entry", midpoint=2),
            LadderBar(label="All stages", figure="", group="all", low=1, high=3),
        ]
    )
    ys = [row.bar_y for row in chart.rows]
    assert ys == sorted(ys)
    assert len(chart.separators) == 1
    assert ys[1] < chart.separators[0] < ys[2]
    assert chart.height > chart.axis_y > ys[-1]


def test_it_stacks_a_long_label_above_its_figure():
    short = draw([LadderBar(label="Mid", figure="$1 \u2013 $2", group="a", low=1, high=2)])
    long = draw(
        [
            LadderBar(
                label="A very long stage title " * 2,
                figure="$1 \u2013 $2",
                group="a",
                low=1,
                high=2,
            )
        ]
    )
    assert short.rows[0].figure_y == short.rows[0].label_y
    assert long.rows[0].figure_y > long.rows[0].label_y


def test_it_puts_a_groups_heading_above_its_labelled_rows():
    chart = draw(
        [
            LadderBar(label="", figure="$1", group="s", group_label="Senior", low=1, high=2),
            LadderBar(label="total comp", figure="$3", group="s", group_label="Senior", high=3),
            LadderBar(label="Seattle", figure="$2", group="all", group_label="All stages", low=2),
        ]
    )
    senior, total, seattle = chart.rows
    # A group led by an unlabelled row shares its heading line with that row.
    assert (senior.label, senior.label_class) == ("Senior", "chart-group")
    assert (total.label, total.label_class) == ("total comp", "chart-label")
    # A group led by a labelled row gets a heading line of its own.
    assert [h.text for h in chart.headings] == ["All stages"]
    assert chart.headings[0].y < seattle.label_y
