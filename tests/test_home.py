import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from tests.builders import build_catalog
from tests.factories import RoleFactory, StageFactory
from tests.html_checker import html_errors

pytestmark = pytest.mark.django_db

# The landing page for an anonymous visitor:
#   1. the featured published roles, each with its stage count and national base-pay range
HOME_QUERIES = 1


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


def test_it_features_published_roles_with_the_most_stages(client):
    full = RoleFactory.create(name="Full role", summary="Has it all.")
    for _ in range(3):
        StageFactory.create(role=full)
    RoleFactory.create(name="Empty role")
    RoleFactory.create(name="Draft role", is_published=False)

    response = client.get("/")

    assertContains(response, "Full role")
    assertContains(response, "Has it all.")
    assertContains(response, "3 stages")
    assertNotContains(response, "Draft role")
    assertContains(response, f'href="{full.get_absolute_url()}"')


def test_it_is_valid_html(client, owner, tmp_path):
    build_catalog(3, stages=2)
    visitor = client.get("/").content.decode()
    client.force_login(owner)
    member = client.get("/").content.decode()

    assert html_errors({"visitor": visitor, "signed in": member}, tmp_path) == []


def test_it_needs_one_query_however_large_the_catalog(client, django_assert_num_queries):
    build_catalog(2, stages=2)
    with django_assert_num_queries(HOME_QUERIES):
        client.get("/")

    build_catalog(18, stages=2)
    with django_assert_num_queries(HOME_QUERIES):
        response = client.get("/")

    assert response.content.decode().count('<li class="card">') == 3


def test_a_visitor_seeing_it_again_costs_no_query(client, django_assert_num_queries):
    build_catalog(2, stages=2)
    client.get("/")

    # Kept whole until the catalog changes (careers/cache.py).
    with django_assert_num_queries(0):
        assert client.get("/").status_code == 200
