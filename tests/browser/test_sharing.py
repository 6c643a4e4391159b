"""Sharing in a real browser: a link made, opened by someone signed out, revoked; and both pages
pass axe-core in the light and the dark scheme."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.data import person_with_progress
from tests.browser.test_accessibility import violations_everywhere
from tracker import sharing
from tracker.models import Profile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_link_made_opens_signed_out_until_it_is_revoked(page, person, visitor_page):
    page.goto("/settings/")
    page.get_by_role("link", name="Share your progress").click()
    page.get_by_label("Show my notes and evidence links").check()
    page.get_by_role("button", name="Make a link").click()

    url = page.get_by_label("Copy it now").input_value()
    assert url.startswith(page.url.split("/settings/")[0] + "/p/")
    visitor_page.goto(url)
    expect(visitor_page.get_by_role("heading", level=1)).to_contain_text(person.role.name)
    expect(visitor_page.locator("body")).to_contain_text(person.skills["python"].name)
    expect(visitor_page.locator("body")).not_to_contain_text("ana")

    page.reload()
    expect(page.locator("body")).to_contain_text("Opened 1 time by others.")
    page.get_by_role("button", name="Revoke the link").click()
    expect(page.locator(".messages")).to_contain_text("Your link is revoked")

    response = visitor_page.goto(url)
    assert response is not None and response.status == 404


def test_the_pages_pass_axe(page, context, log_in, shipped_catalog, visitor_page):
    user = person_with_progress()
    Profile.objects.filter(user=user).update(display_name="Ana Lee")
    log_in(context, user)
    page.goto("/settings/sharing/")
    # No link yet: the form to make one.
    assert violations_everywhere(page) == {}
    page.get_by_label("Show my notes and evidence links").check()
    page.get_by_role("button", name="Make a link").click()
    # The new link, shown once, and the live link's forms.
    assert violations_everywhere(page) == {}
    url = page.get_by_label("Copy it now").input_value()

    visitor_page.goto(url)

    assert sharing.NO_NAME not in visitor_page.content()
    expect(visitor_page.locator("body")).to_contain_text("Graduated in June.")
    assert violations_everywhere(visitor_page) == {}
