"""A newcomer's first visit, in a real browser, on the catalog that ships with Pathwise."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.data import MLE_NAME, shipped_role
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHECKOFF = re.compile(r"/plan/(skills/\d+/status|milestones/\d+/done)/$")


def _sign_up(page, username: str) -> None:
    page.goto("/accounts/signup/")
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Email", exact=True).fill(f"{username}@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def _nav(page):
    return page.get_by_role("navigation", name="Main")


def _log_in(page, username: str) -> None:
    _nav(page).get_by_role("link", name="Log in", exact=True).click()
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def test_it_takes_a_newcomer_from_sign_up_to_a_reached_stage(page, shipped_catalog):
    mle = shipped_role()
    first = mle.first
    skills = [skill.name for skill in mle.required_skills(first)]
    milestones = [milestone.title for milestone in mle.milestones(first)]
    # Ticking every item of the first stage reaches it: at least three skills and a milestone.
    assert len(skills) >= 3 and milestones, (skills, milestones)
    items = skills + milestones

    _sign_up(page, "newcomer")

    # Find the role through the catalog's search, as a visitor would.
    _nav(page).get_by_role("link", name="Roles").click()
    page.get_by_label("Role, stage or skill").fill(MLE_NAME)
    page.get_by_role("button", name="Show roles").click()
    page.get_by_role("link", name=MLE_NAME, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(MLE_NAME)

    target = page.get_by_label(f"Make {MLE_NAME} my target, up to")
    expect(target).to_have_value(str(mle.default_target.pk))
    page.get_by_role("button", name="Make this my target").click()
    expect(page).to_have_url(re.compile(r"/plan/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(mle.default_target.title)

    progress = page.locator("#target-progress")
    found = re.search(r"0 of (\d+) items", progress.inner_text())
    assert found is not None
    total = int(found.group(1))
    # Lost on any navigation: still there at the end means every check-off stayed in place.
    page.evaluate("window.__marker = 1")

    # Each tick posts with htmx and swaps the figures in place.
    section = page.locator(f"#stage-{first.pk}")
    for done, name in enumerate(items, start=1):
        box = section.get_by_role("checkbox", name=name, exact=True)
        with page.expect_response(lambda r: CHECKOFF.search(r.url) is not None):
            box.click()
        expect(progress).to_contain_text(f"{done} of {total} items")
        expect(progress.locator(".big-percent")).to_have_text(f"{done * 100 // total}%")
        expect(box).to_be_checked()
    assert page.evaluate("window.__marker") == 1
    expect(page.locator(f"#stage-{first.pk}-stats")).to_contain_text("reached")

    page.reload()
    assert page.evaluate("window.__marker") is None
    for name in items:
        expect(section.get_by_role("checkbox", name=name, exact=True)).to_be_checked()
    expect(progress).to_contain_text(f"{len(items)} of {total} items")

    _nav(page).get_by_role("link", name="Dashboard").click()
    expect(page.locator(".where-you-stand")).to_contain_text(f"You have reached {first.title}.")
    pay = page.locator(".dash-pay")
    expect(pay.locator(".pay-headline .pay")).to_have_text(re.compile(r"^\$\d{1,3}(,\d{3})+"))
    expect(pay.locator(".pay-headline")).to_contain_text(first.title)
    # The figure comes with its source: one of the documents that give the first stage's pay.
    sources = "|".join(
        re.escape(band.source.title) for band in first.salary_bands.select_related("source")
    )
    expect(pay.locator(".source-line").first).to_have_text(
        re.compile(rf"^Source: “({sources})”, .+, 20\d\d$")
    )

    page.get_by_role("button", name="Log out").click()
    expect(_nav(page).get_by_role("link", name="Log in", exact=True)).to_be_visible()
    page.goto("/dashboard/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/dashboard/$"))

    _log_in(page, "newcomer")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, newcomer.")
    expect(page.locator(".where-you-stand")).to_contain_text(f"You have reached {first.title}.")
