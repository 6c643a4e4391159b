"""The plan works with JavaScript turned off: every check-off is a plain form that redirects."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.data import shipped_role
from tests.factories import UserFactory
from tracker import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_checks_off_items_with_plain_forms(nojs_context, nojs_page, log_in, shipped_catalog):
    page = nojs_page
    mle = shipped_role()
    user = UserFactory.create(username="noscript")
    services.goal_set(user=user, stage=mle.default_target)
    log_in(nojs_context, user)
    skills = mle.required_skills(mle.first)[:3]
    milestone = mle.milestones(mle.first)[0]

    page.goto("/plan/")
    progress = page.locator("#target-progress")
    found = re.search(r"0 of (\d+) items", progress.inner_text())
    assert found is not None
    total = int(found.group(1))

    checks = [(f"skill-{s.pk}", s.name) for s in skills] + [
        (f"milestone-{milestone.pk}", milestone.title)
    ]
    for done, (dom_id, name) in enumerate(checks, start=1):
        item = page.locator(f"#{dom_id}")
        item.get_by_role("checkbox", name=name, exact=True).check()
        # Without a script nothing happens until the item's own Save button is pressed.
        expect(progress).to_contain_text(f"{done - 1} of {total} items")
        with page.expect_navigation():
            item.get_by_role("button", name=f"Save {name}", exact=True).click()

        # Back on the plan, at the item just saved, with the figures recomputed.
        assert page.url.endswith(f"/plan/#{dom_id}"), page.url
        expect(page.locator(f"#{dom_id}")).to_be_in_viewport()
        expect(page.locator(f"#{dom_id}").get_by_role("checkbox")).to_be_checked()
        expect(progress).to_contain_text(f"{done} of {total} items")
        expect(progress.locator(".big-percent")).to_have_text(f"{done * 100 // total}%")

    first_stage = page.locator(f"#stage-{mle.first.pk}-stats")
    expect(first_stage).to_contain_text(f"{len(checks)} of ")
