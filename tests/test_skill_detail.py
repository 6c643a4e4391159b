"""/skills/<slug>/: the skill, the roles and stages asking for it, where to learn it; the
person's own part is loaded from the tracker (tests/test_skill_progress.py)."""

import re

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from careers import cache as catalog_cache
from careers.models import Skill
from tests.builders import build_catalog
from tests.factories import (
    ResourceFactory,
    RoleFactory,
    SkillFactory,
    StageFactory,
    StageSkillFactory,
)
from tracker.models import SkillProgress

pytestmark = pytest.mark.django_db

# The skill page for a visitor, whatever the catalog's size (no session queries):
#   1. the current skill by slug
#   2. its resources
#   3. the current stages of published roles that ask for it, with stage and role (joined)
SKILL_PAGE_QUERIES = 3


@pytest.fixture
def python() -> Skill:
    skill = SkillFactory.create(
        name="Python", slug="python", category="programming", description="The language."
    )
    ResourceFactory.create(
        skill=skill, title="Python documentation", url="https://docs.python.org/3/", position=1
    )
    ResourceFactory.create(
        skill=skill,
        title="A book",
        url="https://books.example/",
        kind="book",
        is_free=False,
        position=0,
    )
    return skill


def asked_by(html: str) -> list[str]:
    section = re.search(r'<ul class="asked-by">.*?</ul>', html, re.S)
    assert section, "no roles listed"
    return [
        " ".join(re.sub(r"<[^>]+>", " ", item).split())
        for item in re.findall(r"<li>(.*?)</li>", section.group(0), re.S)
    ]


def test_it_shows_the_skill_with_its_category_and_description(client, python):
    response = client.get("/skills/python/")

    assertContains(response, "<h1>Python</h1>", html=True)
    assertContains(response, "The language.")
    assertContains(response, "Programming")
    assertContains(response, '<a href="/skills/?category=programming">Programming</a>', html=True)


def test_it_lists_the_published_roles_asking_for_it_with_their_stage(client, python):
    engineer = StageFactory.create(role__name="Engineer", title="Junior engineer", slug="junior")
    StageSkillFactory.create(stage=engineer, skill=python, required=True)
    analyst = StageFactory.create(role__name="Analyst", title="Analyst", level="mid")
    StageSkillFactory.create(stage=analyst, skill=python, required=False)
    hidden = StageFactory.create(role__name="Hidden", role__is_published=False)
    StageSkillFactory.create(stage=hidden, skill=python)
    StageSkillFactory.create(
        stage__role__name="Retired stage", stage__is_retired=True, skill=python
    )
    StageSkillFactory.create(stage__role__name="Retired link", is_retired=True, skill=python)

    html = client.get("/skills/python/").content.decode()

    assert asked_by(html) == [
        "Analyst : from Analyst Mid recommended",
        "Engineer : from Junior engineer Entry required",
    ]
    assert f'href="{engineer.role.get_absolute_url()}"' in html
    assert f'href="{engineer.get_absolute_url()}"' in html


def test_it_lists_the_resources_in_order_with_kind_and_price(client, python):
    html = client.get("/skills/python/").content.decode()

    resources = re.findall(
        r'<a href="([^"]+)" rel="noopener">([^<]+)</a>\s*<span class="muted">([^<]+)', html
    )
    assert resources == [
        ("https://books.example/", "A book", "Book, paid"),
        ("https://docs.python.org/3/", "Python documentation", "Documentation, free"),
    ]


def test_it_says_when_nothing_asks_for_it_and_it_has_no_resources(client):
    SkillFactory.create(slug="lonely")

    response = client.get("/skills/lonely/")

    assertContains(response, "No published role asks for this skill yet.")
    assertContains(response, "No learning resources for this skill yet.")


@pytest.mark.parametrize("slug", ["nope", "retired"])
def test_a_retired_or_unknown_skill_is_not_found(client, slug):
    SkillFactory.create(slug="retired", is_retired=True)

    assert client.get(f"/skills/{slug}/").status_code == 404


def test_it_escapes_what_editors_wrote(client):
    skill = SkillFactory.create(slug="x", name="<b>Bold</b>", description="<script>1</script>")
    ResourceFactory.create(skill=skill, title="<i>T</i>")

    html = client.get("/skills/x/").content.decode()

    assert "<b>Bold</b>" not in html and "&lt;b&gt;Bold&lt;/b&gt;" in html
    assert "<script>1</script>" not in html
    assert "<i>T</i>" not in html


def test_a_visitor_gets_no_personal_part(client, python):
    response = client.get("/skills/python/")

    assertNotContains(response, 'id="your-progress"')


def test_someone_signed_in_gets_their_part_loaded_from_the_tracker_with_a_link(
    owner_client, python
):
    response = owner_client.get("/skills/python/")

    assertContains(response, 'data-hx-get="/skills/python/progress/"')
    assertContains(response, '<a href="/skills/python/progress/">')


def test_the_page_kept_for_people_signed_in_holds_nobody_s_data(client, owner, other_user, python):
    SkillProgress.objects.create(user=owner, skill=python, status="done", note="My secret note")
    client.force_login(owner)
    client.get("/skills/python/")
    client.force_login(other_user)

    response = client.get("/skills/python/")

    assertNotContains(response, "My secret note")
    assertNotContains(response, "done")


def test_it_needs_three_queries_whatever_the_catalog_s_size(
    client, python, django_assert_num_queries
):
    StageSkillFactory.create(stage=StageFactory.create(), skill=python)
    build_catalog(2, stages=3)
    with django_assert_num_queries(SKILL_PAGE_QUERIES):
        client.get("/skills/python/")

    build_catalog(20, stages=3)
    for _ in range(10):
        StageSkillFactory.create(stage=StageFactory.create(), skill=python)
        ResourceFactory.create(skill=python)
    Skill.objects.filter(pk=python.pk).update(description="Changed")  # no signal: a new copy
    catalog_cache.bump()
    with django_assert_num_queries(SKILL_PAGE_QUERIES):
        response = client.get("/skills/python/")
    assert len(asked_by(response.content.decode())) == 11


def test_it_is_served_again_without_a_query_until_the_catalog_changes(
    client, python, django_assert_num_queries
):
    client.get("/skills/python/")
    with django_assert_num_queries(0):
        client.get("/skills/python/")

    ResourceFactory.create(skill=python, title="New guide")

    assertContains(client.get("/skills/python/"), "New guide")


def test_someone_signed_in_costs_one_query_once_it_is_kept(
    owner_client, python, django_assert_num_queries
):
    owner_client.get("/skills/python/")

    # 1. the account of the session
    with django_assert_num_queries(1):
        owner_client.get("/skills/python/")


def test_an_unknown_skill_is_not_kept(client, django_assert_num_queries):
    client.get("/skills/nope/")

    # 1. the skill, again
    with django_assert_num_queries(1):
        assert client.get("/skills/nope/").status_code == 404


def test_role_pages_link_each_skill_to_its_page(client, python):
    stage = StageFactory.create(role=RoleFactory.create(slug="engineer"))
    StageSkillFactory.create(stage=stage, skill=python)

    assertContains(client.get("/roles/engineer/"), '<a href="/skills/python/">Python</a>')
