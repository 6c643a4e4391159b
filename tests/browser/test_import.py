"""A person takes their data to a new account: export, import, the same plan."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.data import person_with_progress
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def plan_state(page) -> dict:
    """What the plan shows: all its text (target, percents, items with their dates and notes)
    and which boxes are ticked."""
    page.goto("/plan/")
    boxes = page.get_by_role("checkbox")
    return {
        "text": page.locator("#main").inner_text(),
        "checked": [
            boxes.nth(i).get_attribute("id")
            for i in range(boxes.count())
            if boxes.nth(i).is_checked()
        ],
    }


def test_a_person_imports_their_export_into_a_new_account(
    page, context, browser, live_server, log_in, shipped_catalog, tmp_path
):
    log_in(context, person_with_progress())
    before = plan_state(page)
    with page.expect_download() as download:
        page.goto("/settings/")
        page.get_by_role("link", name="Download all your data (JSON)").click()
    path = tmp_path / "pathwise-data.json"
    download.value.save_as(path)
    context.clear_cookies()

    log_in(context, UserFactory.create(username="fresh"))
    page.goto("/settings/")
    page.get_by_role("link", name="import a JSON export").click()
    page.get_by_label("Your export file (JSON)").set_input_files(path)
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_url("**/settings/import/preview/")
    expect(page.locator(".import-summary")).to_contain_text("Adds 5, updates 0")
    page.get_by_role("button", name="Import", exact=True).click()
    page.wait_for_url("**/plan/")
    expect(page.get_by_role("status")).to_contain_text("Imported.")

    after = plan_state(page)
    assert after == before
    assert len(after["checked"]) == 4
    assert "Graduated in June." in after["text"]
