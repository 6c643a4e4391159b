"""/history/ in a browser: a person with a month of history sees their burn-up chart and its
table, at a laptop's width and a phone's, and axe-core finds nothing to fix there."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import run_axe
from tests.history_data import person_with_a_month_of_history

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {1280: 800, 390: 844}


@pytest.fixture
def month(context, log_in, shipped_catalog):
    log_in(context, person_with_a_month_of_history())


@pytest.mark.parametrize("width", WIDTHS)
def test_a_month_of_history_shows_the_chart_and_its_table_without_sideways_scrolling(
    page, month, width
):
    page.set_viewport_size({"width": width, "height": WIDTHS[width]})
    page.goto("/history/")

    chart = page.locator(".history-chart .burnup-marks")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 150
    # The done line climbs over the month and the range ahead is drawn.
    expect(page.locator(".history-chart .burnup-marks path.burnup-done")).to_have_attribute(
        "d", re.compile(r"^M0\.0 1000\.0 (H[\d.]+ V[\d.]+ ){20,}")
    )
    expect(page.locator(".history-chart .burnup-marks path.burnup-range")).to_have_count(1)
    expect(page.get_by_text("items done on the way to")).to_be_visible()
    # The table is closed until asked for, and lists the days the chart moved on.
    page.get_by_text("The figures in a table").click()
    table = page.get_by_role("table")
    expect(table).to_be_visible()
    assert table.locator("tbody tr").count() > 20
    # Axis labels are legible on any screen.
    sizes = page.locator(".burnup .chart-tick").evaluate_all(
        "ticks => ticks.map(t => parseFloat(getComputedStyle(t).fontSize))"
    )
    assert sizes and min(sizes) >= 12
    # Every change is listed, with its year.
    expect(page.locator(".history-event").first).to_contain_text("20")
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_filter_works_without_javascript(nojs_page, nojs_context, log_in, shipped_catalog):
    log_in(nojs_context, person_with_a_month_of_history())
    nojs_page.goto("/history/")
    nojs_page.get_by_label("Show").select_option("goal")
    nojs_page.get_by_role("button", name="Filter").click()
    assert "kind=goal" in nojs_page.url
    expect(nojs_page.locator(".history-event")).to_have_count(2)
    expect(nojs_page.locator(".history-event").first).to_contain_text("New target")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_it_passes_axe_in_light_and_dark(page, month, scheme):
    page.goto("/history/")
    page.get_by_text("The figures in a table").click()
    found = {}
    for width, height in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.emulate_media(color_scheme=scheme)
        assert page.evaluate(f"matchMedia('(prefers-color-scheme: {scheme})').matches")
        if violations := run_axe(page):
            found[width] = violations
    assert found == {}
