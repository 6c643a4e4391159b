"""/skills/<slug>/progress/: the person's own state of a skill, their note and evidence, with the
forms that change them; loaded into the skill page with htmx, or a page of its own."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from tests.factories import SkillFactory
from tests.tracker_helpers import grow_tenfold, make_role, target
from tracker.models import SkillProgress, SkillStatus

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
# The person's part, whatever the catalog's size or their history:
#   1. the account of the session
#   2. the current skill by slug
#   3. the person's row for it
PROGRESS_QUERIES = 3


@pytest.fixture
def setup(owner):
    setup = make_role()
    target(owner, setup.senior)
    return setup


def url(slug: str) -> str:
    return reverse("tracker:skill_progress", kwargs={"slug": slug})


def test_a_visitor_is_sent_to_log_in(client, setup):
    response = client.get(url(setup.skills["python"].slug))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_says_a_skill_not_started(owner_client, setup):
    response = owner_client.get(url(setup.skills["python"].slug), **HTMX)

    assertContains(response, '<span class="status-chip">not started</span>', html=True)
    assertContains(response, 'value="not_started" checked')


def test_it_shows_the_person_s_state_note_and_evidence(owner_client, owner, setup):
    skill = setup.skills["python"]
    SkillProgress.objects.create(
        user=owner,
        skill=skill,
        status=SkillStatus.LEARNING,
        note="Halfway through the tutorial",
        evidence_url="https://example.com/notebook",
    )

    response = owner_client.get(url(skill.slug), **HTMX)

    assertContains(response, "learning")
    assertContains(response, 'value="learning" checked')
    assertContains(response, "Halfway through the tutorial")
    assertContains(response, 'href="https://example.com/notebook"')


def test_it_shows_nobody_else_s_state(client, owner, other_user, setup):
    skill = setup.skills["python"]
    SkillProgress.objects.create(user=owner, skill=skill, status="done", note="Owner's note")
    client.force_login(other_user)

    response = client.get(url(skill.slug), **HTMX)

    assertNotContains(response, "Owner's note")
    assertContains(response, 'value="not_started" checked')


def test_with_htmx_it_is_the_block_and_its_forms_come_back_to_the_skill_page(owner_client, setup):
    skill = setup.skills["python"]

    response = owner_client.get(url(skill.slug), **HTMX)

    html = response.content.decode()
    assert html.lstrip().startswith('<section id="your-progress"')
    assert html.count(f'name="next" value="/skills/{skill.slug}/#your-progress"') == 2
    assert "HX-Request" in response["Vary"]


def test_without_htmx_it_is_a_page_whose_forms_come_back_to_it(owner_client, setup):
    skill = setup.skills["python"]

    response = owner_client.get(url(skill.slug))

    assertContains(response, f"<h1>Your progress on {skill.name}</h1>", html=True)
    assertContains(response, f'name="next" value="{url(skill.slug)}"', count=2)
    assertContains(response, f'action="/plan/skills/{skill.pk}/status/"')
    assertContains(response, f'action="/plan/skills/{skill.pk}/note/"')


def test_saving_a_state_from_the_page_comes_back_to_it(owner_client, owner, setup):
    skill = setup.skills["python"]
    page = url(skill.slug)

    response = owner_client.post(
        f"/plan/skills/{skill.pk}/status/", {"status": "learning", "next": page}
    )

    assert response.status_code == 303
    assert response["Location"] == page
    assert SkillProgress.objects.get(user=owner, skill=skill).status == SkillStatus.LEARNING
    assertContains(owner_client.get(page), 'value="learning" checked')


@pytest.mark.parametrize("slug", ["nope", "retired"])
def test_a_retired_or_unknown_skill_is_not_found(owner_client, slug):
    SkillFactory.create(slug="retired", is_retired=True)

    assert owner_client.get(url(slug)).status_code == 404
    assert owner_client.get(url(slug), **HTMX).status_code == 404


def test_it_needs_three_queries_whatever_the_catalog_or_history(
    owner_client, owner, setup, django_assert_num_queries
):
    skill = setup.skills["python"]
    with django_assert_num_queries(PROGRESS_QUERIES):
        owner_client.get(url(skill.slug), **HTMX)

    grow_tenfold(owner, setup)
    SkillProgress.objects.create(user=owner, skill=skill, status="done")
    with django_assert_num_queries(PROGRESS_QUERIES):
        owner_client.get(url(skill.slug))
