"""axe-core finds nothing to fix on the main pages, in the light and the dark colour scheme."""

from __future__ import annotations

import pytest

from tests.browser.conftest import run_axe
from tests.browser.data import MLE, person_with_progress

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC = ["/", "/roles/", f"/roles/{MLE}/", "/accounts/signup/", "/accounts/login/"]
PRIVATE = ["/dashboard/", "/plan/", "/settings/"]
SCHEMES = ["light", "dark"]


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("path", PUBLIC)
def test_it_passes_axe_on_a_public_page(page, shipped_catalog, path, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(path)
    # The stylesheet's colours follow the scheme; make sure this one is the one in force.
    assert page.evaluate(f"matchMedia('(prefers-color-scheme: {scheme})').matches")

    assert run_axe(page) == []


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("path", PRIVATE)
def test_it_passes_axe_on_a_page_of_ones_own(page, context, log_in, shipped_catalog, path, scheme):
    log_in(context, person_with_progress())
    page.emulate_media(color_scheme=scheme)
    page.goto(path)
    assert page.evaluate(f"matchMedia('(prefers-color-scheme: {scheme})').matches")

    assert run_axe(page) == []
