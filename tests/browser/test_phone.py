"""Every page fits a phone: nothing scrolls sideways at 390 px, signed in or out.

Each page is measured as it loads (document.documentElement.scrollWidth against the 390 px
viewport). A page that overflows names the widest elements that stick out, so that the failure
says what to fix.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.data import MLE, person_with_progress, shipped_role
from tests.factories import MentorshipFactory, UserFactory
from tracker import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}

PUBLIC = [
    "/",
    "/roles/",
    "/roles/?q=python",
    f"/roles/{MLE}/",
    "/roles/data-scientist/",
    f"/roles/compare/?a={MLE}&b=data-scientist",
    f"/roles/compare/?a={MLE}",
    "/roles/?q=llm",
    "/skills/",
    "/skills/?category=data&q=graph",
    "/skills/python/",
    "/skills/graph-databases/",
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
    "/history/",
    "/settings/",
    "/settings/delete/",
    "/settings/mentors/",
    "/mentoring/",
    "/accounts/password_change/",
    "/accounts/password_change/done/",
    f"/roles/{MLE}/you/",
    f"/roles/compare/you/?a={MLE}&b=data-scientist",
    "/skills/python/progress/",
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


def test_the_mentors_page_does_not_scroll_sideways(phone, context, log_in, shipped_catalog):
    mentor = UserFactory.create(username="ben")
    MentorshipFactory.create(person=person_with_progress(), mentor=mentor, shows_notes=True)
    log_in(context, mentor)

    assert overflowing(phone, ["/mentoring/ana/"]) == []
    # With a comment form open and a comment on an item.
    phone.locator(".comment-add summary").first.click()
    assert phone.evaluate(OVERFLOW)["scrollWidth"] <= PHONE["width"]


def test_the_salary_table_stacks_on_a_phone_and_stays_a_table(phone, shipped_catalog):
    phone.goto(f"/roles/{MLE}/")
    phone.locator("details.pay-all > summary").click()
    table = phone.get_by_role("table", name="Salary figures for Machine Learning Engineer")
    expect(table).to_be_visible()

    assert phone.evaluate(OVERFLOW)["scrollWidth"] <= PHONE["width"]
    # Still a table to assistive technology, though its rows are drawn as blocks.
    assert table.get_by_role("columnheader").count() == 8
    rows = table.locator("tbody tr").count()
    assert rows > 1
    assert table.get_by_role("rowheader").count() == rows
    assert table.get_by_role("cell").count() == rows * 7
    # Each cell shows its column's name beside it, the header row being out of sight.
    assert table.locator("thead").bounding_box()["height"] <= 1
    first = table.locator("tbody td").first
    assert "Region" in first.evaluate("td => getComputedStyle(td, '::before').content")
    assert first.evaluate("td => getComputedStyle(td).display") == "block"

    phone.set_viewport_size({"width": 1280, "height": 900})
    assert table.locator("thead").bounding_box()["height"] > 1
    assert first.evaluate("td => getComputedStyle(td).display") == "table-cell"


def test_the_mentor_pages_fit_a_phone_with_a_team(phone, context, log_in, shipped_catalog):
    from tracker import mentors

    mentor = UserFactory.create(username="mentor")
    for name in ("ana", "a-person-with-a-rather-long-username"):
        person = person_with_progress(name)
        made = mentors.mentorship_invite(person=person, who="mentor", shows_notes=True)
        assert made.mentorship is not None
        mentors.mentorship_accept(mentor=mentor, mentorship_id=made.mentorship.pk)
    UserFactory.create(username="newcomer")
    mentors.mentorship_invite(person=person, who="newcomer", shows_notes=True)
    waiting = UserFactory.create(username="someone-waiting-for-an-answer")
    mentors.mentorship_invite(person=waiting, who="mentor", shows_notes=False)
    log_in(context, mentor)
    assert overflowing(phone, ["/mentoring/", "/mentoring/?sort=percent&dir=desc"]) == []
    # The team's table stacks its rows, each cell under its column's name.
    first = phone.locator(".team-table tbody td").first
    assert first.evaluate("td => getComputedStyle(td).display") == "block"
    log_in(context, person)
    assert overflowing(phone, ["/settings/mentors/"]) == []
