"""A skill page in the browser: the person's controls (state, note, evidence) with JavaScript and
without, axe-core on the skill pages and on search results."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import run_axe
from tests.browser.data import person_with_progress, shipped_role
from tests.factories import UserFactory
from tracker import services
from tracker.models import SkillProgress, SkillStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCHEMES = ["light", "dark"]
WIDTHS = {1280: 720, 390: 844}


def aiming_at_mle(username: str):
    """Someone whose plan (the shipped Machine Learning Engineer) asks for Python, nothing done."""
    user = UserFactory.create(username=username)
    services.goal_set(user=user, stage=shipped_role().default_target)
    return user


def set_state(block, label: str) -> None:
    block.get_by_role("radio", name=label, exact=True).check()
    block.get_by_role("button", name="Save where you are with Python").click()


def save_note(page, block, note: str, evidence: str) -> None:
    block.get_by_label("Note on Python").fill(note)
    block.get_by_label("Evidence link for Python").fill(evidence)
    block.get_by_role("button", name="Save note for Python").click()


def test_the_controls_work_with_javascript(page, context, log_in, shipped_catalog):
    user = aiming_at_mle("scripted")
    log_in(context, user)
    page.goto("/skills/python/")
    block = page.locator("#your-progress")
    # Loaded from the tracker into the page.
    expect(block.get_by_role("radio", name="Not started", exact=True)).to_be_checked()

    set_state(block, "Learning")
    page.wait_for_url(re.compile(r"/skills/python/#your-progress$"))
    expect(block.locator(".status-chip")).to_contain_text("learning since")
    expect(block.get_by_role("radio", name="Learning", exact=True)).to_be_checked()

    set_state(block, "Done")
    expect(block.locator(".status-chip")).to_contain_text("done")
    expect(block.get_by_role("radio", name="Done", exact=True)).to_be_checked()

    save_note(page, block, "Finished the official tutorial.", "https://example.com/python")
    expect(block.locator(".item-note")).to_contain_text("Finished the official tutorial.")
    expect(block.get_by_role("link", name="https://example.com/python")).to_be_visible()
    row = SkillProgress.objects.get(user=user, skill__slug="python")
    assert (row.status, row.note) == (SkillStatus.DONE, "Finished the official tutorial.")


def test_the_controls_work_without_javascript(nojs_context, nojs_page, log_in, shipped_catalog):
    page = nojs_page
    user = aiming_at_mle("noscript")
    log_in(nojs_context, user)
    page.goto("/skills/python/")
    # Nothing loads the block in: a plain link leads to it.
    page.get_by_role("link", name="Your state, note and evidence for Python").click()
    page.wait_for_url("**/skills/python/progress/")
    block = page.locator("#your-progress")

    set_state(block, "Learning")
    page.wait_for_url("**/skills/python/progress/")
    expect(block.locator(".status-chip")).to_contain_text("learning since")

    set_state(block, "Done")
    expect(block.locator(".status-chip")).to_contain_text("done")

    save_note(page, block, "Wrote a small CLI tool.", "https://example.com/cli")
    expect(page.get_by_role("status")).to_contain_text("Saved your note on Python")
    expect(block.locator(".item-note")).to_contain_text("Wrote a small CLI tool.")
    assert SkillProgress.objects.get(user=user, skill__slug="python").status == SkillStatus.DONE


def violations_everywhere(page) -> dict[str, list[dict]]:
    found = {}
    for width, height in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        for scheme in SCHEMES:
            page.emulate_media(color_scheme=scheme)
            if violations := run_axe(page):
                found[f"{width}px {scheme}"] = violations
    return found


@pytest.mark.parametrize("path", ["/skills/", "/skills/python/", "/skills/?q=llm", "/roles/?q=llm"])
def test_it_passes_axe_signed_out(page, shipped_catalog, path):
    page.goto(path)

    assert violations_everywhere(page) == {}


@pytest.mark.parametrize("path", ["/skills/", "/skills/python/", "/skills/python/progress/"])
def test_it_passes_axe_signed_in(page, context, log_in, shipped_catalog, path):
    log_in(context, person_with_progress())
    page.goto(path)
    if path == "/skills/python/":
        expect(page.locator("#your-progress fieldset")).to_be_visible()

    assert violations_everywhere(page) == {}
