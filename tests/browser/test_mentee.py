"""A mentor's page in a real browser: the mentor comments on an item, the person sees it on
their plan and hides it, and once the relation ends the page is gone; the page passes axe-core
in the light and the dark scheme, and its chart's date labels stay apart on a phone."""

from __future__ import annotations

from itertools import pairwise

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.data import person_with_progress
from tests.browser.test_accessibility import violations_everywhere
from tests.factories import MentorshipFactory, UserFactory
from tracker.models import Mentorship, MentorshipStatus, Profile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE = "/mentoring/ana/"

# Where the chart's date labels run, left and right, in pixels.
LABEL_RUNS = """() => [...document.querySelectorAll('.burnup-x text')].map(t => {
    const r = t.getBoundingClientRect();
    return [r.left, r.right, t.textContent];
})"""


def test_a_comment_reaches_the_person_until_the_relation_ends(page, person, visitor_page, log_in):
    # The person (`ana`, signed in on `page`) lets Ben, in a browser of his own, mentor them.
    mentor = UserFactory.create(username="ben")
    Profile.objects.filter(user=mentor).update(display_name="Ben Okafor")
    relation = MentorshipFactory.create(person=User.objects.get(username="ana"), mentor=mentor)
    log_in(visitor_page.context, mentor)
    mentor_page = visitor_page
    skill = person.skills["torch"]

    mentor_page.goto(PAGE)
    expect(mentor_page.get_by_role("heading", level=1)).to_contain_text(person.role.name)
    item = mentor_page.locator(f"#skill-{skill.pk}")
    item.locator("summary", has_text="Add a comment").click()
    item.get_by_label(f"Your comment on {skill.name}").fill("Start with the tensor tutorial.")
    item.get_by_role("button", name=f"Save comment on {skill.name}").click()
    expect(mentor_page.locator(".messages")).to_contain_text("Your comment is saved")
    expect(mentor_page.locator(f"#skill-{skill.pk}")).to_contain_text(
        "Start with the tensor tutorial."
    )

    page.goto("/plan/")
    mine = page.locator(f"#skill-{skill.pk}")
    expect(mine).to_contain_text("Ben Okafor")
    expect(mine).to_contain_text("Start with the tensor tutorial.")
    mine.get_by_role("button", name="Hide").click()
    expect(page.locator(".messages")).to_contain_text("Comment hidden.")
    mine = page.locator(f"#skill-{skill.pk}")
    expect(mine.locator(".hidden-comments summary")).to_contain_text("1 hidden comment — show")
    expect(mine.get_by_text("Start with the tensor tutorial.")).to_be_hidden()

    Mentorship.objects.filter(pk=relation.pk).update(
        status=MentorshipStatus.ENDED, ended_at=timezone.now()
    )
    response = mentor_page.goto(PAGE)
    assert response is not None and response.status == 404


def test_the_page_passes_axe_and_its_labels_stay_apart_on_a_phone(
    page, context, log_in, shipped_catalog
):
    person = person_with_progress()
    Profile.objects.filter(user=person).update(display_name="Ana Lee")
    mentor = UserFactory.create(username="ben")
    MentorshipFactory.create(person=person, mentor=mentor, shows_notes=True)
    log_in(context, mentor)

    page.goto(PAGE)
    expect(page.locator("body")).to_contain_text("Graduated in June.")
    assert violations_everywhere(page) == {}

    # A day of history and an estimate months long: the labels that ran together.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(PAGE)
    runs = sorted(page.evaluate(LABEL_RUNS))
    assert len(runs) >= 2
    for (_, right, label), (left, _, next_label) in pairwise(runs):
        assert left >= right, (label, next_label)
