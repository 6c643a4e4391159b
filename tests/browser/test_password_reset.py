"""A forgotten password, reset through the link in the email, in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "a-Fresh-passphrase-2024"


def test_it_resets_a_forgotten_password_through_the_emailed_link(page, mailoutbox, live_server):
    UserFactory.create(username="forgetful", email="forgetful@example.com")

    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill("forgetful@example.com")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    # The live server sends through Django's test mailbox, shared with this thread.
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["forgetful@example.com"]
    found = re.search(r"https?://\S+/accounts/reset/\S+/", mailoutbox[0].body)
    assert found is not None
    link = found.group(0)
    assert link.startswith(live_server.url)

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set my password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your password is set")

    page.locator("#main").get_by_role("link", name="Log in").click()
    page.get_by_label("Username").fill("forgetful")
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, forgetful.")
