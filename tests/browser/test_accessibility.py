"""axe-core finds nothing to fix on the main pages, signed in and out, in the light and the dark
colour scheme, at a laptop's width and a phone's."""

from __future__ import annotations

import pytest

from tests.browser.conftest import run_axe
from tests.browser.data import MLE, person_with_progress, retire_worked_on_items
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC = ["/", "/roles/", f"/roles/{MLE}/", "/accounts/signup/", "/accounts/login/"]
CATALOG = ["/", "/roles/", f"/roles/{MLE}/"]
PRIVATE = ["/dashboard/", "/plan/", "/history/", "/settings/"]
SCHEMES = ["light", "dark"]
# The context's own viewport (1280 wide) and a phone's; the layout reflows without a reload.
WIDTHS = {1280: 720, 390: 844}


def violations_everywhere(page) -> dict[str, list[dict]]:
    """axe-core's violations on the page as loaded, at each width and in each scheme, by where
    they were found; only the places with any."""
    found = {}
    for width, height in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        for scheme in SCHEMES:
            page.emulate_media(color_scheme=scheme)
            # The stylesheet's colours follow the scheme; make sure this one is the one in force.
            assert page.evaluate(f"matchMedia('(prefers-color-scheme: {scheme})').matches")
            if violations := run_axe(page):
                found[f"{width}px {scheme}"] = violations
    return found


@pytest.mark.parametrize("path", PUBLIC)
def test_it_passes_axe_on_a_public_page(page, shipped_catalog, path):
    page.goto(path)

    assert violations_everywhere(page) == {}


@pytest.mark.parametrize("path", CATALOG)
def test_it_passes_axe_on_a_catalog_page_signed_in(page, context, log_in, shipped_catalog, path):
    # Signed in, the pages offer a target and show the person's progress.
    log_in(context, person_with_progress())
    page.goto(path)

    assert violations_everywhere(page) == {}


@pytest.mark.parametrize("path", PRIVATE)
def test_it_passes_axe_on_a_page_of_ones_own(page, context, log_in, shipped_catalog, path):
    log_in(context, person_with_progress())
    page.goto(path)

    assert violations_everywhere(page) == {}


def test_it_passes_axe_on_a_plan_with_retired_items(page, context, log_in, shipped_catalog):
    log_in(context, person_with_progress())
    retire_worked_on_items()
    page.goto("/plan/")

    assert page.get_by_role("heading", name="Retired from the catalog").is_visible()
    assert violations_everywhere(page) == {}


@pytest.mark.parametrize("path", PRIVATE)
def test_it_passes_axe_before_a_target_is_chosen(page, context, log_in, shipped_catalog, path):
    # Someone new sees the empty states, which say what to do first.
    log_in(context, UserFactory.create(username="newcomer"))
    page.goto(path)

    assert violations_everywhere(page) == {}


def test_it_passes_axe_on_the_import_pages(page, context, log_in, shipped_catalog, tmp_path):
    # The upload form, the same with the errors of a bad file, and the preview of a good one.
    import json

    from tracker.account_data import account_data

    export = json.dumps(account_data(user=person_with_progress()), default=str)
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(export)
    bad.write_text(export.replace('"done"', '"mastered"'))
    log_in(context, UserFactory.create(username="newcomer"))
    page.goto("/settings/import/")
    found = {"upload": violations_everywhere(page)}

    page.get_by_label("Your export file (JSON)").set_input_files(bad)
    page.get_by_role("button", name="Check the file").click()
    page.get_by_text("should be one of done, learning, not_started").first.wait_for()
    found["errors"] = violations_everywhere(page)
    page.get_by_label("Your export file (JSON)").set_input_files(good)
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_url("**/settings/import/preview/")
    found["preview"] = violations_everywhere(page)

    assert found == {"upload": {}, "errors": {}, "preview": {}}
