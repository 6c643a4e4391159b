"""Mentors in a real browser: a person invites a mentor, the mentor accepts and sees them on the
team page, comments on one of their items and the person sees it on their plan; the person ends
it and the mentor's next request for their page is a 404; and both pages pass axe-core in the
light and the dark scheme."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.data import person_with_progress
from tests.browser.test_accessibility import violations_everywhere
from tests.factories import UserFactory
from tracker import mentors
from tracker.models import Profile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def mentor_page(browser, live_server, log_in):
    """A browser context of its own, signed in as the mentor."""
    context = browser.new_context(base_url=live_server.url)
    mentor = UserFactory.create(username="bo", email="bo@example.com")
    Profile.objects.filter(user=mentor).update(display_name="Bo")
    log_in(context, mentor)
    yield context.new_page()
    context.close()


def test_a_mentor_invited_accepts_follows_and_is_ended(page, person, mentor_page):
    page.goto("/settings/")
    page.get_by_role("link", name="Invite and manage your mentors").click()
    page.get_by_label("Their username or email address").fill("bo@example.com")
    page.get_by_label("Show my notes and evidence links").check()
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator(".messages")).to_contain_text("Bo is invited")

    mentor_page.goto("/mentoring/")
    expect(mentor_page.locator("body")).to_contain_text("ana invites you to see their progress")
    mentor_page.get_by_role("button", name="Accept").click()
    expect(mentor_page.locator(".messages")).to_contain_text("You now mentor ana")
    table = mentor_page.get_by_role("table")
    expect(table.get_by_role("rowheader")).to_have_text(["ana"])
    expect(table).to_contain_text(f"{person.role.name}: {person.senior.title}")
    expect(table).to_contain_text("16%")

    # From the team to the person's page, and a comment on one of their items.
    table.get_by_role("link", name="ana").click()
    skill = person.skills["torch"]
    item = mentor_page.locator(f"#skill-{skill.pk}")
    item.locator("summary", has_text="Add a comment").click()
    item.get_by_label(f"Your comment on {skill.name}").fill("Try the tensor tutorial first.")
    item.get_by_role("button", name=f"Save comment on {skill.name}").click()
    expect(mentor_page.locator(".messages")).to_contain_text("Your comment is saved")

    page.goto("/plan/")
    mine = page.locator(f"#skill-{skill.pk}")
    expect(mine).to_contain_text("Bo")
    expect(mine).to_contain_text("Try the tensor tutorial first.")

    page.goto("/settings/mentors/")
    expect(page.locator("#mentors")).to_contain_text("Bo")
    page.get_by_role("button", name="End mentoring with Bo").click()
    expect(page.locator(".messages")).to_contain_text("Bo no longer sees your progress")

    # The very next request of the mentor: the person's page is gone, and so are they.
    response = mentor_page.goto("/mentoring/ana/")
    assert response is not None and response.status == 404
    mentor_page.goto("/mentoring/")
    expect(mentor_page.get_by_role("table")).to_have_count(0)
    expect(mentor_page.locator("body")).to_contain_text("Nobody shares their progress with you")

    page.goto("/history/?kind=mentor")
    for line in [
        "You invited Bo to mentor you",
        "Bo accepted your invitation",
        "Mentoring with Bo ended by you",
    ]:
        expect(page.locator(".history-list")).to_contain_text(line)


def test_the_team_sorts_without_javascript(nojs_page, log_in, nojs_context, shipped_catalog):
    mentor = UserFactory.create(username="bo")
    for name in ("cy", "al"):
        person = UserFactory.create(username=name)
        made = mentors.mentorship_invite(person=person, who="bo", shows_notes=False)
        assert made.mentorship is not None
        mentors.mentorship_accept(mentor=mentor, mentorship_id=made.mentorship.pk)
    log_in(nojs_context, mentor)
    nojs_page.goto("/mentoring/")
    rows = nojs_page.get_by_role("rowheader")
    expect(rows).to_have_text(["al", "cy"])
    nojs_page.get_by_role("link", name="Name").click()
    expect(rows).to_have_text(["cy", "al"])
    expect(nojs_page.get_by_role("columnheader", name="Name")).to_have_attribute(
        "aria-sort", "descending"
    )


def test_the_pages_pass_axe(page, context, log_in, shipped_catalog, mentor_page):
    user = person_with_progress()
    Profile.objects.filter(user=user).update(display_name="Ana Lee")
    log_in(context, user)
    page.goto("/settings/mentors/")
    # Nothing yet: the invitation form alone.
    assert violations_everywhere(page) == {}
    page.get_by_role("button", name="Send the invitation").click()
    # The form with its error.
    assert violations_everywhere(page) == {}
    page.get_by_label("Their username or email address").fill("bo")
    page.get_by_role("button", name="Send the invitation").click()
    other = UserFactory.create(username="cy")
    made = mentors.mentorship_invite(person=other, who="bo", shows_notes=False)
    assert made.mentorship is not None
    # An invitation waiting, on either side.
    assert violations_everywhere(page) == {}
    mentor_page.goto("/mentoring/")
    assert violations_everywhere(mentor_page) == {}
    mentor_page.get_by_role("button", name="Accept the invitation from Ana Lee").click()
    # A team, with cy's invitation still waiting.
    assert violations_everywhere(mentor_page) == {}
    page.reload()
    assert violations_everywhere(page) == {}
