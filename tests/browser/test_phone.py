"""Every page fits a phone: nothing scrolls sideways at 390 px, signed in or out.

Each page is measured as it loads (document.documentElement.scrollWidth against the 390 px
viewport). A page that overflows names the widest elements that stick out, so that the failure
says what to fix.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.data import MLE, person_with_progress, shipped_role
from tests.factories import UserFactory
from tracker import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}

PUBLIC = [
    "/",
    "/roles/",
    "/roles/?q=python",
    f"/roles/{MLE}/",
    "/roles/data-scientist/",
    "/no-such-page/",
]
SIGNED_OUT = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password_reset/",
    "/accounts/password_reset/done/",
    "/accounts/reset/MQ/not-a-token/",
    "/accounts/reset/done/",
]
SIGNED_IN = [
    "/dashboard/",
    "/plan/",
    "/settings/",
    "/settings/delete/",
    "/accounts/password_change/",
    "/accounts/password_change/done/",
]

OVERFLOW = """() => {
    const width = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > width + 0.5)
        .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
            + (typeof e.className === 'string' && e.className
                ? '.' + e.className.split(' ').join('.') : '')
            + ' ' + Math.round(e.getBoundingClientRect().right));
    return {scrollWidth: document.documentElement.scrollWidth, wide: wide.slice(0, 6)};
}"""


def overflowing(page, paths: list[str]) -> list[str]:
    """The paths whose page scrolls sideways at 390 px, each with what sticks out."""
    found = []
    for path in paths:
        page.goto(path)
        measured = page.evaluate(OVERFLOW)
        if measured["scrollWidth"] > PHONE["width"]:
            found.append(f"{path} {measured['scrollWidth']} px: {', '.join(measured['wide'])}")
    return found


@pytest.fixture
def phone(page):
    page.set_viewport_size(PHONE)
    return page


def note_pages() -> list[str]:
    mle = shipped_role()
    skill = mle.required_skills(mle.first)[0]
    milestone = mle.milestones(mle.first)[0]
    return [f"/plan/items/skill/{skill.pk}/note/", f"/plan/items/milestone/{milestone.pk}/note/"]


def test_no_page_scrolls_sideways_signed_out(phone, shipped_catalog):
    assert overflowing(phone, PUBLIC + SIGNED_OUT) == []

    # Locked out after too many wrong passwords: a page of its own.
    UserFactory.create(username="locked")
    for _ in range(5):
        phone.goto("/accounts/login/")
        phone.get_by_label("Username").fill("locked")
        phone.get_by_label("Password", exact=True).fill("wrong password")
        phone.get_by_role("button", name="Log in").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Too many failed log-ins")
    assert phone.evaluate(OVERFLOW)["scrollWidth"] <= PHONE["width"]


def test_no_page_scrolls_sideways_for_a_person_with_progress(
    phone, context, log_in, shipped_catalog
):
    log_in(context, person_with_progress())

    assert overflowing(phone, PUBLIC + SIGNED_IN + note_pages()) == []

    phone.get_by_role("button", name="Log out").click()
    expect(phone.get_by_role("link", name="Log in").first).to_be_visible()
    assert phone.evaluate(OVERFLOW)["scrollWidth"] <= PHONE["width"]


def test_no_page_scrolls_sideways_for_a_new_person(phone, context, log_in, shipped_catalog):
    newcomer = UserFactory.create(username="newcomer")
    log_in(context, newcomer)

    assert overflowing(phone, PUBLIC + SIGNED_IN + note_pages()) == []

    # A target chosen, nothing done yet.
    services.goal_set(user=newcomer, stage=shipped_role().default_target)
    assert overflowing(phone, ["/dashboard/", "/plan/", "/settings/"]) == []


STACKED = """
<main id="main"><div class="table-wrap">
<table class="data-table stack-table" role="table">
  <caption>Salary figures</caption>
  <thead role="rowgroup"><tr role="row">
    {heads}
  </tr></thead>
  <tbody role="rowgroup"><tr role="row">
    <th scope="row" role="rowheader">Senior Machine Learning Engineer</th>
    {cells}
  </tr></tbody>
</table></div></main>
"""
COLUMNS = ["Region", "Low", "Midpoint", "High", "10th / 90th pct.", "Basis", "Source"]


def test_a_stacked_table_fits_a_phone_and_stays_a_table(phone, shipped_catalog):
    phone.goto("/")
    stylesheets = phone.eval_on_selector_all(
        "link[rel=stylesheet]", "links => links.map(l => l.outerHTML).join('')"
    )
    heads = '<th scope="col" role="columnheader">Stage</th>' + "".join(
        f'<th scope="col" role="columnheader">{c}</th>' for c in COLUMNS
    )
    cells = "".join(
        f'<td role="cell" data-label="{c}">San Francisco Bay Area, CA {c} $245,000</td>'
        for c in COLUMNS
    )
    phone.set_content(stylesheets + STACKED.format(heads=heads, cells=cells))

    assert phone.evaluate(OVERFLOW)["scrollWidth"] <= PHONE["width"]
    table = phone.get_by_role("table", name="Salary figures")
    assert table.get_by_role("columnheader").count() == 8
    assert table.get_by_role("cell").count() == 7
    # Each cell shows its column's name beside it, the header row being out of sight.
    assert phone.locator("thead").bounding_box()["height"] <= 1
    label = phone.locator("td").first.evaluate("td => getComputedStyle(td, '::before').content")
    assert "Region" in label

    phone.set_viewport_size({"width": 1280, "height": 900})
    assert phone.locator("thead").bounding_box()["height"] > 1
