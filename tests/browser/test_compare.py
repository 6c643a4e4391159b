"""Two shipped roles compared, and the person's part of a role page, in a real browser: with
and without JavaScript, and through axe-core in the light and the dark colour scheme."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import run_axe
from tests.browser.data import MLE, MLE_NAME, person_with_progress, shipped_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OTHER = "data-scientist"
COMPARE = f"/roles/compare/?a={MLE}&b={OTHER}"


def violations_in_both_schemes(page) -> dict[str, list[dict]]:
    found = {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        if violations := run_axe(page):
            found[scheme] = violations
    return found


def test_a_role_page_leads_to_the_comparison_without_javascript(nojs_page, shipped_catalog):
    page = nojs_page
    page.goto(f"/roles/{MLE}/")

    page.get_by_label(f"Compare {MLE_NAME} with").select_option(OTHER)
    page.get_by_role("button", name="Compare", exact=True).click()

    assert page.url.endswith(COMPARE)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{MLE_NAME} and Data Scientist")
    expect(
        page.get_by_role("table", name=f"Stages of {MLE_NAME} and Data Scientist")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Both ask for")).to_be_visible()


def test_a_missing_role_is_said_in_the_page(page, shipped_catalog):
    page.goto(f"/roles/compare/?a={MLE}")

    expect(page.get_by_text("Choose a role to compare it with.")).to_be_visible()
    expect(page.get_by_label("Second role")).to_have_attribute("aria-invalid", "true")


def test_signed_in_the_skill_list_becomes_the_persons_with_javascript(
    page, context, log_in, shipped_catalog
):
    log_in(context, person_with_progress())
    done = shipped_role().required_skills(shipped_role().first)[0]
    page.goto(COMPARE)

    # Loaded in place of the public list: the items left, and a control on every skill.
    expect(page.get_by_role("heading", name="Where you stand in each")).to_be_visible()
    expect(page.get_by_label(done.name, exact=True)).to_have_value("done")
    expect(page.get_by_role("link", name="Your state on each skill")).to_have_count(0)
    assert violations_in_both_schemes(page) == {}


def test_signed_in_without_javascript_the_persons_part_is_a_page_of_its_own(
    nojs_context, nojs_page, log_in, shipped_catalog
):
    page = nojs_page
    log_in(nojs_context, person_with_progress())
    learning = shipped_role().required_skills(shipped_role().first)[3]
    page.goto(COMPARE)

    page.get_by_role("link", name="Your state on each skill").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"You, {MLE_NAME} and Data Scientist")
    control = page.get_by_label(learning.name, exact=True)
    expect(control).to_have_value("learning")

    control.select_option("done")
    page.get_by_role("button", name=f"Save {learning.name}", exact=True).click()

    assert page.url.endswith(f"#you-skill-{learning.pk}")
    expect(page.get_by_label(learning.name, exact=True)).to_have_value("done")


def test_the_compare_page_passes_axe_signed_out(page, shipped_catalog):
    page.goto(COMPARE)

    assert violations_in_both_schemes(page) == {}


def test_the_role_page_passes_axe_with_the_persons_part(page, context, log_in, shipped_catalog):
    log_in(context, person_with_progress())
    page.goto(f"/roles/{MLE}/")
    expect(page.locator("#you .you-summary")).to_be_visible()
    page.get_by_text(f"Set the state of each skill and milestone of {MLE_NAME}").click()

    assert violations_in_both_schemes(page) == {}
