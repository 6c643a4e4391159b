import re

import pytest
from django.core.cache import cache
from pytest_django.asserts import assertContains, assertNotContains

from tests.builders import build_catalog
from tests.factories import (
    RegionFactory,
    RoleFactory,
    SalaryBandFactory,
    StageFactory,
    StageSkillFactory,
)
from tests.html_checker import html_errors

pytestmark = pytest.mark.django_db

URL = "/roles/"

# The catalog page for an anonymous visitor (no session queries):
#   1. the families that have published roles, with how many each (kept until the catalog
#      changes, so only on a first visit)
#   2. the published roles (filtered), each with its stage count and national base-pay range
#      (an aggregate and two subqueries in the same statement)
FAMILIES = 1
LIST_QUERIES = FAMILIES + 1
# A search is never kept; it reads the catalog's search entries, kept until the catalog changes
# (careers.search; only on a first search), instead of the list:
#   2. the published roles, each with its card's figures (as the list's query)
#   3. their current stages
#   4. those stages' current skills, with their skill (joined)
#   5. every current skill, for the skills a search finds
SEARCH_QUERIES = FAMILIES + 4


def listed(response) -> list[str]:
    """Role names in the order the page lists them (a search's without its highlights)."""
    names = re.findall(
        r'<h3 class="card-title"><a href="[^"]+">(.+?)</a></h3>', response.content.decode()
    )
    return [re.sub(r"</?mark>", "", name) for name in names]


def test_it_lists_published_roles_with_family_summary_stages_and_pay(client):
    role = RoleFactory.create(name="Data Wrangler", family="data", summary="Tames data.")
    StageFactory.create(role=role)
    StageFactory.create(role=role)
    StageFactory.create(role=role, is_retired=True)
    StageFactory.create(role=role, level="specialized")
    SalaryBandFactory.create(role=role, low=120000, high=180000)
    SalaryBandFactory.create(role=role, low=90000, high=300000, pay_basis="total")  # not base pay

    response = client.get(URL)

    assert listed(response) == ["Data Wrangler"]
    assertContains(response, "Tames data.")
    assertContains(response, "<h2", count=1)
    assertContains(response, ">Data</h2>")
    assertContains(response, "<dt>Stages</dt><dd>2</dd>", html=True)
    assertContains(response, "<dt>Specialized branches</dt><dd>1</dd>", html=True)
    assertContains(response, "$120,000 to $180,000")


def test_it_gives_the_widest_national_base_figures_as_the_pay_range(client):
    role = RoleFactory.create()
    stage = StageFactory.create(role=role)
    SalaryBandFactory.create(
        role=role, stage=stage, low=None, high=None, midpoint=95000, midpoint_kind="average"
    )
    SalaryBandFactory.create(role=role, low=110000, high=210000)
    SalaryBandFactory.create(role=role, region=RegionFactory.create(), low=50000, high=400000)

    response = client.get(URL)

    assertContains(response, "$95,000 to $210,000")


def test_it_says_when_a_role_has_no_pay_figures(client):
    RoleFactory.create()

    assertContains(client.get(URL), "No figures yet")


def test_it_hides_unpublished_roles(client):
    RoleFactory.create(name="Visible")
    RoleFactory.create(name="Draft", is_published=False)

    assert listed(client.get(URL)) == ["Visible"]


def test_it_groups_roles_by_family_in_catalog_order(client):
    RoleFactory.create(name="Zed", family="machine-learning")
    RoleFactory.create(name="Lead", family="leadership")
    RoleFactory.create(name="alpha", family="machine-learning")

    response = client.get(URL)

    assert listed(response) == ["alpha", "Zed", "Lead"]
    html = response.content.decode()
    assert html.index(">Machine learning</h2>") < html.index(">Leadership</h2>")


def test_it_filters_by_family(client):
    RoleFactory.create(name="Researcher", family="research")
    RoleFactory.create(name="Engineer", family="machine-learning")

    response = client.get(URL, {"family": "research"})

    assert listed(response) == ["Researcher"]
    assertContains(response, '<option value="research" selected>Research (1)</option>', html=True)
    assertContains(response, "1 role in research.")


def test_it_shows_every_role_with_a_note_for_an_unknown_family(client):
    RoleFactory.create(name="Researcher", family="research")
    RoleFactory.create(name="Engineer", family="machine-learning")

    response = client.get(URL, {"family": "astrology"})

    assert response.status_code == 200
    assert sorted(listed(response)) == ["Engineer", "Researcher"]
    assertContains(response, "There is no family called “astrology”, so all families are shown.")


def test_it_searches_role_names_regardless_of_case(client):
    RoleFactory.create(name="Machine Learning Engineer")
    RoleFactory.create(name="Data Scientist")

    response = client.get(URL, {"q": "  machine LEARNING "})

    assert listed(response) == ["Machine Learning Engineer"]
    assertContains(response, 'value="machine LEARNING"')


def test_it_searches_skill_names_and_says_which_skill_matched(client):
    stage = StageFactory.create(role__name="Engineer")
    StageSkillFactory.create(stage=stage, skill__name="PyTorch")
    StageSkillFactory.create(stage=StageFactory.create(role__name="Analyst"), skill__name="Excel")

    response = client.get(URL, {"q": "pytorch"})

    assert listed(response) == ["Engineer"]
    assertContains(response, "Asks for: <mark>PyTorch</mark>")
    assertContains(response, 'href="/skills/skill-')


def test_it_leaves_retired_skills_out_of_search(client):
    StageSkillFactory.create(
        stage__role__name="Retired skill", skill__name="Fortran", skill__is_retired=True
    )
    StageSkillFactory.create(
        stage__role__name="Retired link", skill__name="Fortran 77", is_retired=True
    )
    StageSkillFactory.create(
        stage__role__name="Retired stage", skill__name="Fortran 90", stage__is_retired=True
    )

    response = client.get(URL, {"q": "fortran"})

    assert listed(response) == []


def test_it_combines_family_and_search(client):
    StageSkillFactory.create(stage__role__name="ML Engineer", skill__name="Python")
    StageSkillFactory.create(
        stage__role__name="Researcher", stage__role__family="research", skill__name="Python 3"
    )

    response = client.get(URL, {"q": "python", "family": "research"})

    assert listed(response) == ["Researcher"]


def test_it_says_when_nothing_matches(client):
    RoleFactory.create(name="Engineer")

    response = client.get(URL, {"q": "basket weaving"})

    assert listed(response) == []
    assertContains(response, "Nothing matches “basket weaving”.")
    assertContains(response, 'href="/roles/">see every role</a>')


def test_it_is_a_plain_get_form(client):
    RoleFactory.create()

    html = client.get(URL).content.decode()

    assert re.search(r'<form method="get" action="/roles/"', html)
    assert '<label for="id_family">Family</label>' in html
    assert '<label for="id_q">Role, stage or skill</label>' in html
    assert "style=" not in html


def test_it_is_valid_html(client, tmp_path):
    build_catalog(2, stages=2)

    documents = {
        "all": client.get(URL).content.decode(),
        "search": client.get(URL, {"q": "skill", "family": "nope"}).content.decode(),
        "nothing": client.get(URL, {"q": "nothing like it"}).content.decode(),
    }

    assert html_errors(documents, tmp_path) == []


def test_it_needs_a_fixed_number_of_queries(client, django_assert_num_queries):
    build_catalog(3, stages=3)

    with django_assert_num_queries(LIST_QUERIES):
        client.get(URL)
    with django_assert_num_queries(LIST_QUERIES - FAMILIES):
        client.get(URL, {"family": "machine-learning"})
    with django_assert_num_queries(SEARCH_QUERIES - FAMILIES):
        client.get(URL, {"q": "skill"})
    # Every later search reads the entries the first one kept.
    with django_assert_num_queries(0):
        client.get(URL, {"q": "nothing like it"})


def test_it_needs_the_same_queries_for_a_ten_times_larger_catalog(
    client, django_assert_num_queries
):
    build_catalog(3, stages=3)
    with django_assert_num_queries(SEARCH_QUERIES):
        client.get(URL, {"q": "skill"})
    with django_assert_num_queries(LIST_QUERIES - FAMILIES):
        client.get(URL)

    build_catalog(27, stages=3)
    with django_assert_num_queries(SEARCH_QUERIES):
        response = client.get(URL, {"q": "skill"})
    assert len(listed(response)) == 30
    with django_assert_num_queries(LIST_QUERIES - FAMILIES):
        response = client.get(URL)

    assert len(listed(response)) == 30


@pytest.mark.parametrize("query", [{}, {"family": "machine-learning"}, {"page": "2"}])
def test_a_visitor_seeing_it_again_costs_no_query(client, django_assert_num_queries, query):
    build_catalog(3, stages=3)
    client.get(URL, query)

    # Kept until the catalog changes (careers/cache.py).
    with django_assert_num_queries(0):
        assert client.get(URL, query).status_code == 200


def test_searches_and_values_no_form_offers_fill_no_cache(client, monkeypatch):
    build_catalog(3, stages=3)
    client.get(URL)
    # The catalog's search entries, the same whatever is searched.
    client.get(URL, {"q": "first"})
    stored = []
    monkeypatch.setattr(cache, "set", lambda key, *args, **kwargs: stored.append(key))

    for n in range(10):
        client.get(URL, {"q": f"search {n}"})
        client.get(URL, {"page": str(100 + n)})
        client.get(URL, {"family": f"made-up-{n}"})
        client.get(URL, {"page": f"{n}\u00b2"})

    assert stored == []


# ---- Pages of roles --------------------------------------------------------------------------


def test_it_shows_fifty_roles_a_page_with_links_to_the_others(client):
    RoleFactory.create_batch(60, family="research")

    first = client.get(URL)
    second = client.get(URL, {"page": "2"})

    assert len(listed(first)) == 50
    assert len(listed(second)) == 10
    assert set(listed(first)).isdisjoint(listed(second))
    assertContains(first, "60 roles. Showing 1 to 50.")
    assertContains(second, "60 roles. Showing 51 to 60.")
    assertContains(first, '<a href="?page=2" rel="next">')
    assertContains(second, '<a href="?page=1" rel="prev">')
    assertContains(first, '<nav class="pagination" aria-label="Pages of roles">')


def test_page_links_keep_the_filter_and_the_search(client):
    RoleFactory.create_batch(55, family="research", summary="Models")

    html = client.get(URL, {"family": "research", "q": "role"}).content.decode()

    assert 'href="?family=research&amp;q=role&amp;page=2"' in html


def test_a_page_past_the_last_shows_the_last(client):
    RoleFactory.create_batch(3)

    for page in ("99", "0", "x"):
        response = client.get(URL, {"page": page})
        assert response.status_code == 200
        assert len(listed(response)) == 3


def test_one_page_has_no_page_links(client):
    RoleFactory.create_batch(3)

    assertNotContains(client.get(URL), 'class="pagination"')


# ---- The shipped catalog ---------------------------------------------------------------------


def test_it_lists_the_shipped_catalog_by_family(client, shipped_catalog):
    response = client.get(URL, {"family": "machine-learning"})

    names = listed(response)
    assert "Machine Learning Engineer" in names
    assert "AI Research Scientist" not in names
    assertNotContains(response, "There is no family")


def test_it_finds_shipped_roles_by_skill(client, shipped_catalog):
    response = client.get(URL, {"q": "PyTorch"})

    assert "Machine Learning Engineer" in listed(response)
    assertContains(response, "<mark>PyTorch</mark>")
