"""Pages with a person's data are never stored by a cache; public pages for visitors may be."""

from __future__ import annotations

import pytest

from careers.models import Skill
from tests.tracker_helpers import make_role, target


@pytest.fixture
def setup(owner):
    setup = make_role(slug="ml-engineer")
    Skill.objects.filter(pk=setup.skills["python"].pk).update(slug="python-ml")
    setup.skills["python"].refresh_from_db()
    target(owner, setup.senior)
    return setup


@pytest.mark.parametrize(
    "path",
    ["/dashboard/", "/plan/", "/history/", "/settings/", "/settings/delete/", "/me/export.json"],
)
def test_it_sends_no_store_on_pages_with_a_persons_data(owner_client, setup, path):
    response = owner_client.get(path)

    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives


def test_it_sends_no_store_on_the_person_s_part_of_a_skill_page(owner_client, setup):
    response = owner_client.get(f"/skills/{setup.skills['python'].slug}/progress/")

    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives


PUBLIC = ["/", "/roles/", "/roles/ml-engineer/", "/skills/", "/skills/python-ml/"]


@pytest.mark.parametrize("path", PUBLIC)
def test_it_sends_no_store_on_public_pages_for_signed_in_people(owner_client, setup, path):
    # The navigation names the person's own pages, so even a public page is theirs here.
    response = owner_client.get(path)

    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("path", PUBLIC)
def test_it_leaves_public_pages_for_visitors_cacheable(client, setup, path):
    response = client.get(path)

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "private" not in response.get("Cache-Control", "")
