"""Input no form sends gets a clear answer and changes nothing: never a 500."""

from __future__ import annotations

import pytest

from tests.tracker_helpers import make_role, target
from tracker.models import Goal

pytestmark = pytest.mark.django_db

PAGES = ["/", "/roles/", "/roles/role-x/", "/dashboard/", "/plan/", "/settings/"]


@pytest.fixture
def setup(owner):
    setup = make_role(slug="role-x")
    target(owner, setup.senior)
    return setup


@pytest.mark.parametrize(
    "query", ["q=%00", "q=a%00b", "family=%00", "region=%00", "page=%00", "category=%00"]
)
def test_a_nul_byte_in_a_query_is_no_error(client, setup, query):
    for path in (
        "/roles/",
        "/roles/role-x/",
        "/skills/",
        f"/skills/{setup.skills['python'].slug}/",
    ):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 200, (path, query)


@pytest.mark.parametrize("page", ["%C2%B2", "%D9%A3", "-1", "0", "1e3", "99999999999999999999"])
def test_a_page_number_that_is_no_plain_number_shows_the_first_or_last_page(client, setup, page):
    response = client.get(f"/roles/?page={page}")

    assert response.status_code == 200
    assert "Role" in response.content.decode()


@pytest.mark.parametrize("stage", ["²", "-1", "1.5", "", "x", "99999999999999999999"])
def test_a_goal_post_with_a_stage_no_form_sends_is_refused(owner_client, owner, setup, stage):
    before = list(Goal.objects.filter(user=owner).values_list("pk", "is_active"))

    response = owner_client.post("/goal/", {"stage": stage})

    assert response.status_code in (400, 404)
    assert list(Goal.objects.filter(user=owner).values_list("pk", "is_active")) == before


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
@pytest.mark.parametrize("path", PAGES)
def test_pages_refuse_methods_they_do_not_take(owner_client, setup, method, path):
    response = getattr(owner_client, method)(path)

    assert response.status_code == 405
    assert "GET" in response["Allow"]
