"""The signed-in hint cookie as a real browser keeps it: set by logging in, gone after logging
out, and public pages following it."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.factories import PASSWORD, UserFactory
from tests.tracker_helpers import make_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _nav(page):
    return page.get_by_role("navigation", name="Main")


def _hint(context) -> list[dict]:
    return [c for c in context.cookies() if c["name"] == settings.SIGNED_IN_COOKIE_NAME]


def test_logging_in_sets_the_hint_and_logging_out_removes_it(page, context):
    UserFactory(username="ana")
    make_role(slug="ml-engineer")

    page.goto("/roles/")
    _nav(page).get_by_role("link", name="Log in", exact=True).click()
    page.get_by_label("Username", exact=True).fill("ana")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))

    [hint] = _hint(context)
    assert hint["value"] == "1"
    assert hint["httpOnly"] is True
    assert hint["sameSite"] == "Lax"
    for path in ("/", "/roles/", "/roles/ml-engineer/"):
        page.goto(path)
        expect(_nav(page).get_by_role("link", name="Dashboard")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    expect(_nav(page).get_by_role("link", name="Log in", exact=True)).to_be_visible()
    assert _hint(context) == []
    page.goto("/roles/")
    expect(_nav(page).get_by_role("link", name="Log in", exact=True)).to_be_visible()
