"""One mark per achievement, in a real browser: an item ticked on another role's page is done on
the person's own plan, with htmx and without JavaScript."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.data import shipped_role
from tests.factories import UserFactory
from tracker import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OTHER = "data-scientist"


def aiming_at_ml_engineer(username: str = "ana"):
    user = UserFactory.create(username=username)
    services.goal_set(user=user, stage=shipped_role().default_target)
    return user


def test_python_ticked_on_the_data_scientist_page_is_done_on_the_ml_engineer_plan(
    page, context, log_in, shipped_catalog
):
    log_in(context, aiming_at_ml_engineer())
    page.goto(f"/roles/{OTHER}/")
    expect(page.locator("#you .you-summary")).to_contain_text("0 of")
    page.get_by_text("Set the state of each skill and milestone of Data Scientist").click()

    page.get_by_label("Python", exact=True).select_option("done")
    with page.expect_response(lambda r: "/status/" in r.url):
        page.get_by_role("button", name="Save Python", exact=True).click()

    # Swapped in place: the item and the role's figures, without leaving the page.
    expect(page.locator("#you .you-summary")).to_contain_text("1 of")
    assert page.url.endswith(f"/roles/{OTHER}/")
    page.goto("/plan/")
    expect(page.get_by_role("checkbox", name="Python", exact=True)).to_be_checked()


def test_a_degree_ticked_on_another_roles_page_is_done_on_the_plan_without_javascript(
    nojs_context, nojs_page, log_in, shipped_catalog
):
    page = nojs_page
    log_in(nojs_context, aiming_at_ml_engineer())
    degree = shipped_role().milestones(shipped_role().first)[0]
    page.goto(f"/roles/{OTHER}/")
    page.get_by_role("link", name="How close you are to Data Scientist", exact=False).click()
    page.get_by_text("Set the state of each skill and milestone of Data Scientist").click()

    page.get_by_label(degree.title, exact=True).select_option(label="Done")
    page.get_by_role("button", name=f"Save {degree.title}", exact=True).click()

    expect(page.get_by_label(degree.title, exact=True)).to_have_value("1")
    page.goto("/plan/")
    expect(page.get_by_role("checkbox", name=degree.title, exact=True)).to_be_checked()
