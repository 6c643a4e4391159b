"""A URL that answers htmx with a fragment and anyone else with a page or a redirect says so in
`Vary: HX-Request`, so that no cache hands one to the other."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.tracker_helpers import make_role, target

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def setup(owner):
    setup = make_role()
    target(owner, setup.senior)
    return setup


def vary(response) -> set[str]:
    return {v.strip().lower() for v in response.get("Vary", "").split(",")}


def urls(setup) -> dict[str, tuple[str, dict[str, str]]]:
    python, portfolio = setup.skills["python"], setup.milestones["portfolio"]
    return {
        "skill status": (reverse("tracker:skill_status", args=[python.pk]), {"status": "done"}),
        "milestone done": (reverse("tracker:milestone_done", args=[portfolio.pk]), {"done": "1"}),
        "skill note": (reverse("tracker:skill_note", args=[python.pk]), {"note": "n"}),
        "milestone note": (reverse("tracker:milestone_note", args=[portfolio.pk]), {"note": "n"}),
    }


@pytest.mark.parametrize("name", ["skill status", "milestone done", "skill note", "milestone note"])
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_every_post_that_htmx_can_make_varies_on_hx_request(owner_client, setup, name, headers):
    url, data = urls(setup)[name]

    response = owner_client.post(url, data, **headers)

    assert response.status_code == (200 if headers else 303)
    assert "hx-request" in vary(response)


def test_a_refused_post_varies_too(owner_client, setup):
    url, _ = urls(setup)["skill status"]

    for headers in ({}, HTMX):
        response = owner_client.post(url, {"status": "nonsense"}, **headers)
        assert response.status_code == 400
        assert "hx-request" in vary(response)


@pytest.mark.parametrize("kind", ["skill", "milestone"])
def test_the_note_page_is_a_page_or_with_htmx_the_form_alone(owner_client, setup, kind):
    item = setup.skills["python"] if kind == "skill" else setup.milestones["portfolio"]
    url = reverse("tracker:note_page", args=[kind, item.pk])

    page = owner_client.get(url)
    fragment = owner_client.get(url, **HTMX)

    assert page.status_code == fragment.status_code == 200
    assert "hx-request" in vary(page) and "hx-request" in vary(fragment)
    assert "<html" in page.content.decode()
    html = fragment.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<form method="post"')


def test_public_pages_are_the_same_for_htmx_and_need_no_vary_on_it(client, setup):
    response = client.get("/roles/")

    assert "hx-request" not in vary(response)
    # They differ by whether someone is signed in, which the cookies say.
    assert "cookie" in vary(response)
