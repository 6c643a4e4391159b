"""/skills/: every current skill by category, with a category and a text filter (a GET form)."""

import re

import pytest
from pytest_django.asserts import assertContains

from tests.factories import SkillFactory

pytestmark = pytest.mark.django_db

URL = "/skills/"
# The list for a visitor, whatever the catalog's size: 1. every current skill (kept until the
# catalog changes; the filters read the kept list).
LIST_QUERIES = 1


def shown(response) -> dict[str, list[str]]:
    """Each category heading with the skill names under it, as the page lists them."""
    html = response.content.decode()
    groups = re.findall(
        r'<h2 id="category-[^"]+">([^<]+)</h2>\s*<ul class="skill-list">(.*?)</ul>', html, re.S
    )
    return {
        title: re.findall(r'<a href="/skills/[^"]+/">([^<]+)</a>', body) for title, body in groups
    }


@pytest.fixture
def skills(db):
    SkillFactory.create(name="Python", slug="python", category="programming")
    SkillFactory.create(name="SQL", slug="sql", category="programming", description="Queries.")
    SkillFactory.create(
        name="pandas", slug="pandas", category="data", description="Tables in Python."
    )
    SkillFactory.create(
        name="Large language models", slug="llms", category="deep-learning", description="LLMs."
    )
    SkillFactory.create(name="Fortran", slug="fortran", is_retired=True)


def test_it_lists_every_current_skill_by_category_in_catalog_order(client, skills):
    assert shown(client.get(URL)) == {
        "Programming": ["Python", "SQL"],
        "Data": ["pandas"],
        "Deep learning": ["Large language models"],
    }


def test_it_links_each_skill_to_its_page(client, skills):
    assertContains(client.get(URL), '<a href="/skills/python/">Python</a>', html=True)


def test_it_filters_by_category(client, skills):
    response = client.get(URL, {"category": "data"})

    assert shown(response) == {"Data": ["pandas"]}
    assertContains(response, '<option value="data" selected>Data</option>', html=True)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("python", {"Programming": ["Python"], "Data": ["pandas"]}),  # a description too
        ("  SQL ", {"Programming": ["SQL"]}),
        ("llm", {"Deep learning": ["Large language models"]}),  # the abbreviation
        ("basket weaving", {}),
    ],
)
def test_it_filters_by_words_of_names_and_descriptions(client, skills, query, expected):
    assert shown(client.get(URL, {"q": query})) == expected


def test_it_combines_category_and_words(client, skills):
    assert shown(client.get(URL, {"category": "data", "q": "python"})) == {"Data": ["pandas"]}


def test_it_says_when_nothing_matches(client, skills):
    response = client.get(URL, {"q": "basket weaving"})

    assertContains(response, "No skills match “basket weaving”.")


def test_an_unknown_category_shows_every_skill_and_says_so(client, skills):
    response = client.get(URL, {"category": "<b>nope</b>"})

    assert len(shown(response)) == 3
    assertContains(response, "There is no category called “&lt;b&gt;nope&lt;/b&gt;”")


def test_it_is_a_plain_get_form_with_visible_labels(client, skills):
    html = client.get(URL).content.decode()

    assert '<form method="get" action="/skills/"' in html
    assert '<label for="id_category">Category</label>' in html
    assert '<label for="id_skill_q">Name or description</label>' in html


def test_it_needs_one_query_whatever_the_catalog_s_size(client, django_assert_num_queries):
    SkillFactory.create_batch(5)
    with django_assert_num_queries(LIST_QUERIES):
        client.get(URL)
    SkillFactory.create_batch(50)  # each save moves the catalog version on
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(URL)
    assert sum(len(names) for names in shown(response).values()) == 55


def test_filters_read_the_kept_list(client, skills, django_assert_num_queries):
    client.get(URL)

    with django_assert_num_queries(0):
        client.get(URL, {"q": "python", "category": "data"})
