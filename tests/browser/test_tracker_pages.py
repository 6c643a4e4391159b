"""The person's pages in a real browser: htmx check-offs under the CSP."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_updates_the_percent_in_place_when_a_box_is_ticked(page, person):
    page.goto("/plan/")
    page.evaluate("window.stillHere = true")
    assert "16%" in page.inner_text("#target-progress")

    with page.expect_response(lambda r: "/status/" in r.url):
        page.get_by_role("checkbox", name=person.skills["algebra"].name, exact=True).click()

    expect(page.locator("#target-progress")).to_contain_text("33%")
    assert page.evaluate("window.stillHere") is True
    expect(page.locator(f"#stage-{person.entry.pk}-stats")).to_contain_text("66%")
    expect(
        page.get_by_role("checkbox", name=person.skills["algebra"].name, exact=True)
    ).to_be_checked()


def test_it_keeps_the_focus_on_a_swapped_item_so_space_unticks_it(page, person):
    page.goto("/plan/")
    box = page.get_by_role("checkbox", name=person.milestones["portfolio"].title, exact=True)
    page.evaluate(
        "() => { window.settled = 0;"
        " document.body.addEventListener('htmx:afterSettle', () => window.settled++); }"
    )
    box.focus()

    with page.expect_response(lambda r: "/done/" in r.url):
        page.keyboard.press("Space")

    expect(page.locator("#target-progress")).to_contain_text("33%")
    # htmx wires up swapped-in content once it has settled; a person is never that quick.
    page.wait_for_function("() => window.settled > 0")
    expect(box).to_be_focused()
    expect(box).to_be_checked()
    with page.expect_response(lambda r: "/done/" in r.url):
        page.keyboard.press("Space")
    expect(page.locator("#target-progress")).to_contain_text("16%")
    expect(box).not_to_be_checked()


def test_it_checks_off_next_steps_on_the_dashboard(page, person):
    page.goto("/dashboard/")
    page.evaluate("window.stillHere = true")

    with page.expect_response(lambda r: "/status/" in r.url):
        page.locator("#next-steps").get_by_role("checkbox").first.check()

    expect(page.locator("#target-progress")).to_contain_text("33%")
    assert page.evaluate("window.stillHere") is True
