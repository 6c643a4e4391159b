"""The landing page: the featured roles, featured from admin, and a role search that works
without JavaScript."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import expect

from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FEATURED = ["Machine Learning Engineer", "ML Systems Engineer", "Data Scientist"]


def test_it_shows_the_featured_roles_and_searches_without_javascript(nojs_page, shipped_catalog):
    page = nojs_page
    page.goto("/")

    cards = page.locator(".featured-roles > li")
    expect(cards.locator("h3")).to_have_text(FEATURED)
    first = cards.first
    expect(first.locator("dt").nth(1)).to_have_text("US base pay, 2024 figures")
    expect(first.locator("dd").nth(1)).to_have_text("$70,000 to $267,113")

    page.get_by_label("Search roles by name or skill").fill("PyTorch")
    with page.expect_navigation():
        page.get_by_role("button", name="Search", exact=True).click()

    assert page.url.endswith("/roles/?q=PyTorch"), page.url
    expect(page.locator(".result-count")).to_contain_text("matching “PyTorch”")


def test_an_editor_features_a_role_from_the_admin_list(
    context, page, visitor_page, log_in, shipped_catalog
):
    group, _ = Group.objects.get_or_create(name="Catalog editors")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="careers"))
    editor = UserFactory.create(username="editor", is_staff=True)
    editor.groups.add(group)
    # Seen first, so that the page is kept whole for visitors and must be put out of use.
    visitor_page.goto("/")
    expect(visitor_page.locator(".featured-roles h3")).to_have_count(3)
    log_in(context, editor)

    page.goto("/admin/careers/role/?q=AI+Research+Scientist")
    row = page.get_by_role("row").filter(has_text="AI Research Scientist")
    # Django gives the list's editable boxes no label of their own: found by name.
    row.locator('input[name$="-is_featured"]').check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    visitor_page.goto("/")
    expect(visitor_page.locator(".featured-roles h3")).to_contain_text(["AI Research Scientist"])
    expect(visitor_page.locator(".featured-roles h3")).to_have_count(4)
