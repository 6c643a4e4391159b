"""Keyboard use: a skip link first, a visible focus, check-offs with Tab and Space, and the new
percent announced to screen readers."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import UserFactory
from tests.tracker_helpers import make_role, target

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The most Tab presses any test allows to reach an element: a page that needs more has lost
# its way (or the element is not focusable at all).
MAX_TABS = 40

# The focused element's indicator and the colour behind it, as WCAG's contrast ratio.
FOCUS_STYLE = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    const rgb = (c) => c.match(/[\\d.]+/g).map(Number);
    const luminance = (c) => {
        const [r, g, b] = rgb(c).slice(0, 3).map((v) => {
            v /= 255;
            return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    let behind = el.parentElement;
    while (behind && rgb(getComputedStyle(behind).backgroundColor)[3] === 0) {
        behind = behind.parentElement;
    }
    const bg = getComputedStyle(behind || document.documentElement).backgroundColor;
    const [a, b] = [luminance(style.outlineColor), luminance(bg)].sort((x, y) => y - x);
    return {
        focusVisible: el.matches(':focus-visible'),
        outlineStyle: style.outlineStyle,
        outlineWidth: parseFloat(style.outlineWidth),
        boxShadow: style.boxShadow,
        contrast: (a + 0.05) / (b + 0.05),
    };
}"""


def _tab_to(page, locator) -> int:
    """Presses Tab, from wherever the focus is, until `locator` has it; returns how many."""
    for presses in range(1, MAX_TABS + 1):
        page.keyboard.press("Tab")
        if locator.evaluate("el => el === document.activeElement"):
            return presses
    pytest.fail(f"{locator} not reached in {MAX_TABS} Tab presses")


def _assert_skip_link_first(page, path: str) -> None:
    page.goto(path)
    skip = page.get_by_role("link", name="Skip to content")
    # The browser moves the focus to an autofocus field when it next renders, which may come
    # after the load event: wait for it, or a Tab pressed before would be overtaken.
    autofocus = page.locator("[autofocus]")
    if autofocus.count():
        expect(autofocus.first, path).to_be_focused()
    if page.evaluate("document.activeElement !== document.body"):
        # Django's sign-up and log-in forms put the focus in their first field on load
        # (autofocus), so the keyboard starts at the content. Going back from there, only the
        # site's navigation may come before the skip link.
        assert page.evaluate("document.activeElement.closest('main form') !== null"), path
        for _ in range(MAX_TABS):
            page.keyboard.press("Shift+Tab")
            if skip.evaluate("el => el === document.activeElement"):
                break
            assert page.evaluate("document.activeElement.closest('header nav') !== null"), path
    else:
        page.keyboard.press("Tab")
    expect(skip, path).to_be_focused()
    # Hidden until focused, then on screen: a sighted keyboard user sees where they are.
    expect(skip, path).to_be_in_viewport()

    page.keyboard.press("Enter")
    expect(page.locator("main#main"), path).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null"), path


def test_it_makes_a_skip_link_to_the_content_the_first_tab_stop(page, context, log_in):
    setup = make_role()
    user = UserFactory.create(username="ana")
    target(user, setup.senior)

    for path in [
        "/",
        "/roles/",
        setup.role.get_absolute_url(),
        "/accounts/signup/",
        "/accounts/login/",
        "/accounts/password_reset/",
        "/no-such-page/",
    ]:
        _assert_skip_link_first(page, path)

    log_in(context, user)
    for path in ["/dashboard/", "/plan/", "/settings/", setup.role.get_absolute_url()]:
        _assert_skip_link_first(page, path)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_it_shows_where_the_keyboard_focus_is(page, person, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto("/plan/")
    link = page.get_by_role("link", name="About this role")
    box = page.get_by_role("checkbox", name=person.skills["algebra"].name, exact=True)

    for element in (link, box):
        _tab_to(page, element)
        style = page.evaluate(FOCUS_STYLE)
        assert style["focusVisible"], style
        outlined = style["outlineStyle"] != "none" and style["outlineWidth"] >= 2
        assert outlined or style["boxShadow"] != "none", style
        # WCAG 2.2 asks for a focus indicator of 3:1 against what surrounds it.
        assert style["contrast"] >= 3, style


def test_it_checks_off_an_item_with_tab_and_space(page, person):
    page.goto("/plan/")
    box = page.get_by_role("checkbox", name=person.skills["algebra"].name, exact=True)
    _tab_to(page, box)
    expect(page.locator("#target-progress .big-percent")).to_have_text("16%")

    with page.expect_response(lambda r: "/status/" in r.url):
        page.keyboard.press("Space")

    expect(page.locator("#target-progress .big-percent")).to_have_text("33%")
    expect(box).to_be_checked()


def test_it_announces_the_new_percent_through_a_live_region(page, person):
    page.goto("/plan/")
    region = page.locator("[aria-live]").filter(has=page.locator(".big-percent"))
    expect(region).to_have_count(1)
    assert region.get_attribute("aria-live") in {"polite", "assertive"}
    expect(region).to_contain_text("16% of the way")
    # A screen reader speaks changes inside a live region it already knows; a region swapped in
    # whole would be new to it, and silent. Keep hold of this one to check it stays.
    handle = region.element_handle()
    box = page.get_by_role("checkbox", name=person.skills["algebra"].name, exact=True)
    _tab_to(page, box)

    with page.expect_response(lambda r: "/status/" in r.url):
        page.keyboard.press("Space")

    expect(region).to_contain_text("33% of the way")
    assert handle.evaluate("el => el.isConnected && el.textContent.includes('33%')")
    expect(region).to_contain_text("2 of 6 items")
