"""A catalog editor's change in admin shows on the public site straight away."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import expect

from tests.browser.data import MLE, MLE_NAME
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EDITORS = "Catalog editors"
NEW_SUMMARY = "Turns models into products people use, and keeps them working once they ship."


@pytest.fixture
def catalog_editor():
    # A migration creates the group; the live server's tests empty every table after each test,
    # so later tests make it again, with the catalog permissions the migration gives it.
    group, _ = Group.objects.get_or_create(name=EDITORS)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="careers"))
    user = UserFactory.create(username="editor", is_staff=True)
    user.groups.add(group)
    return user


def test_it_shows_an_admin_edit_on_the_role_page(
    page, visitor_page, shipped_catalog, catalog_editor
):
    # Seen before the edit, by the editor and by a visitor, so that any cached copy of the page
    # (the whole page for visitors, its content for people signed in) would be served after it.
    for someone in (page, visitor_page):
        someone.goto(f"/roles/{MLE}/")
        expect(someone.locator(".page-header .lead")).not_to_have_text(NEW_SUMMARY)

    page.goto("/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Roles", exact=True).click()
    page.get_by_role("link", name=MLE_NAME, exact=True).click()
    page.get_by_label("Summary").fill(NEW_SUMMARY)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text(re.compile(r"was changed successfully"))

    for someone in (page, visitor_page):
        someone.goto(f"/roles/{MLE}/")
        expect(someone.locator(".page-header .lead")).to_have_text(NEW_SUMMARY)
