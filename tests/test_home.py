from typing import Any

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from careers.models import Role
from careers.queries import with_summary
from tests.builders import build_catalog, build_role
from tests.factories import RegionFactory, RoleFactory, SalaryBandFactory, StageFactory
from tests.html_checker import html_errors

pytestmark = pytest.mark.django_db

# The landing page for an anonymous visitor:
#   1. the featured published roles, each with its stage count and national base-pay range
HOME_QUERIES = 1


def cards(response) -> int:
    return response.content.decode().count('<li class="card">')


def test_it_says_what_pathwise_is_and_links_to_the_roles(client):
    response = client.get("/")

    assert response.status_code == 200
    assertContains(response, "Plan your path into machine learning work")
    assertContains(response, "with the source of every figure")
    assertContains(response, 'class="button" href="/roles/">Browse roles</a>')


def test_it_offers_visitors_a_way_to_sign_up(client):
    signup = reverse("signup")

    assertContains(client.get("/"), f'href="{signup}"')


def test_it_offers_signed_in_people_their_dashboard(owner_client):
    dashboard = reverse("tracker:dashboard")

    response = owner_client.get("/")

    assertContains(response, f'href="{dashboard}"')
    assertNotContains(response, "Sign up to track your progress")


def test_its_search_box_asks_the_role_list_with_a_visible_label(client):
    response = client.get("/")

    assertContains(response, f'action="{reverse("careers:role_list")}"')
    assertContains(response, '<label for="home-q">Search roles by name or skill</label>', html=True)
    assertContains(response, 'id="home-q" name="q"')
    assertContains(client.get(reverse("careers:role_list"), {"q": "x"}), "Nothing matches")


def test_it_features_the_published_roles_marked_featured(client):
    full = RoleFactory.create(name="Full role", summary="Has it all.", is_featured=True)
    for _ in range(3):
        StageFactory.create(role=full)
    StageFactory.create(role=full, level="specialized")
    RoleFactory.create(name="Big but not featured")
    RoleFactory.create(name="Draft role", is_published=False, is_featured=True)

    response = client.get("/")

    assertContains(response, "Featured roles")
    assertContains(response, "Full role")
    assertContains(response, "Has it all.")
    assertContains(response, "<dt>Stages</dt><dd>3, and 1 specialized branch</dd>", html=True)
    assertNotContains(response, "Big but not featured")
    assertNotContains(response, "Draft role")
    assertContains(response, f'href="{full.get_absolute_url()}"')
    assert cards(response) == 1


def test_it_lists_the_featured_roles_with_the_most_stages_and_branches_first(client):
    for name, stages, branches in (("Alpha", 2, 0), ("Beta", 1, 2), ("Gamma", 3, 0)):
        role = RoleFactory.create(name=name, is_featured=True)
        for _ in range(stages):
            StageFactory.create(role=role)
        for _ in range(branches):
            StageFactory.create(role=role, level="specialized")

    content = client.get("/").content.decode()

    assert content.index("Beta") < content.index("Gamma") < content.index("Alpha")


def test_it_has_no_featured_section_when_no_role_is_featured(client):
    RoleFactory.create()

    response = client.get("/")

    assertNotContains(response, "Featured roles")
    assertContains(response, "Browse roles")


# The pay range a role card shows (careers.queries.with_summary): the lowest to the highest
# national base-pay figure the catalog states for the role, with the years of those figures.
# Each band: (stage: None / "current" / "retired", region?, basis, low, midpoint, high, year).
PAY_RANGE_CASES: dict[str, tuple[list[Any], tuple[Any, ...]]] = {
    "no figures": ([], (None, None, None, None)),
    "one band": (
        [(None, False, "base", 100_000, None, 150_000, 2024)],
        (100_000, 150_000, 2024, 2024),
    ),
    "lowest low to highest high across stages and the role": (
        [
            ("current", False, "base", 70_000, None, 132_000, 2024),
            ("current", False, "base", 153_000, None, 267_000, 2024),
            (None, False, "base", 141_000, None, 250_000, 2024),
        ],
        (70_000, 267_000, 2024, 2024),
    ),
    "a midpoint alone counts as a figure": (
        [("current", False, "base", None, 107_150, None, 2024)],
        (107_150, 107_150, 2024, 2024),
    ),
    "a high alone is the top of the range": (
        [
            (None, False, "base", 120_000, None, 150_000, 2024),
            (None, False, "base", None, None, 200_000, 2024),
        ],
        (120_000, 200_000, 2024, 2024),
    ),
    "total compensation is left out": (
        [
            (None, False, "base", 100_000, None, 150_000, 2024),
            (None, False, "total", 90_000, None, 340_000, 2024),
        ],
        (100_000, 150_000, 2024, 2024),
    ),
    "regional figures are left out": (
        [
            (None, False, "base", 100_000, None, 150_000, 2024),
            (None, True, "base", 50_000, None, 400_000, 2024),
        ],
        (100_000, 150_000, 2024, 2024),
    ),
    "a retired stage's figures are left out": (
        [
            ("current", False, "base", 100_000, None, 150_000, 2024),
            ("retired", False, "base", 50_000, None, 400_000, 2020),
        ],
        (100_000, 150_000, 2024, 2024),
    ),
    "only total compensation: no base-pay range": (
        [(None, False, "total", 90_000, None, 340_000, 2024)],
        (None, None, None, None),
    ),
    "figures of two years": (
        [
            (None, False, "base", 100_000, None, 150_000, 2023),
            ("current", False, "base", 110_000, None, 160_000, 2024),
        ],
        (100_000, 160_000, 2023, 2024),
    ),
}


@pytest.mark.parametrize("case", PAY_RANGE_CASES.keys())
def test_the_pay_range_follows_its_rule(case):
    bands, expected = PAY_RANGE_CASES[case]
    role = RoleFactory.create()
    current = StageFactory.create(role=role)
    retired = StageFactory.create(role=role, is_retired=True)
    region = RegionFactory.create()
    for stage, regional, basis, low, midpoint, high, year in bands:
        SalaryBandFactory.create(
            role=role,
            stage={None: None, "current": current, "retired": retired}[stage],
            region=region if regional else None,
            pay_basis=basis,
            low=low,
            midpoint=midpoint,
            midpoint_kind="median" if midpoint else "",
            high=high,
            year=year,
        )

    summary = with_summary(Role.objects.filter(pk=role.pk)).get()

    assert (
        summary.pay_low,
        summary.pay_high,
        summary.pay_year_from,
        summary.pay_year_to,
    ) == expected


def test_a_card_names_the_basis_and_year_of_its_range(client):
    role = RoleFactory.create(is_featured=True)
    SalaryBandFactory.create(role=role, low=100_000, high=150_000, year=2023)
    SalaryBandFactory.create(role=role, low=110_000, high=160_000, year=2024)
    RoleFactory.create(name="Unpaid", is_featured=True)

    response = client.get("/")

    assertContains(
        response,
        "<dt>US base pay, 2023\u20132024 figures</dt><dd>$100,000 to $160,000</dd>",
        html=True,
    )
    assertContains(response, "<dt>US base pay</dt><dd>No salary figures yet</dd>", html=True)


def test_the_shipped_catalog_features_three_roles(client, shipped_catalog):
    response = client.get("/")

    content = response.content.decode()
    names = ["Machine Learning Engineer", "ML Systems Engineer", "Data Scientist"]
    positions = [content.index(f">{name}</a></h3>") for name in names]
    assert positions == sorted(positions)
    assert cards(response) == 3
    assertContains(response, "<dt>Stages</dt><dd>5</dd>", html=True)
    assertContains(response, "<dt>US base pay, 2024 figures</dt>")


def test_it_is_valid_html(client, owner, tmp_path):
    build_catalog(3, stages=2, is_featured=True)
    visitor = client.get("/").content.decode()
    client.force_login(owner)
    member = client.get("/").content.decode()

    assert html_errors({"visitor": visitor, "signed in": member}, tmp_path) == []


def test_it_needs_one_query_however_many_roles_are_featured(client, django_assert_num_queries):
    build_catalog(2, stages=2, is_featured=True)
    with django_assert_num_queries(HOME_QUERIES):
        client.get("/")

    build_catalog(18, stages=2, is_featured=True)
    build_catalog(5, stages=2)
    with django_assert_num_queries(HOME_QUERIES):
        response = client.get("/")

    assert cards(response) == 20


def test_a_visitor_seeing_it_again_costs_no_query(client, django_assert_num_queries):
    build_catalog(2, stages=2, is_featured=True)
    client.get("/")

    # Kept whole until the catalog changes (careers/cache.py).
    with django_assert_num_queries(0):
        assert client.get("/").status_code == 200


def test_featuring_a_role_in_admin_shows_on_the_kept_page_at_once(admin_client, client):
    role = build_role(name="Newly featured")
    other = build_role(name="Already featured", is_featured=True)
    assertNotContains(client.get("/"), "Newly featured")  # now kept whole

    response = admin_client.post(
        reverse("admin:careers_role_changelist"),
        {
            "form-TOTAL_FORMS": "2",
            "form-INITIAL_FORMS": "2",
            "form-0-id": str(role.pk),
            "form-0-is_featured": "on",
            "form-1-id": str(other.pk),
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    page = client.get("/")
    assertContains(page, "Newly featured")
    assertNotContains(page, "Already featured")
