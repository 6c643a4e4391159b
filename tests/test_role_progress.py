"""/roles/<slug>/you/: the person on any role, the personal part of its role page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from careers.signals import catalog_changed
from tests.factories import RegionFactory, StageSkillFactory
from tests.tracker_helpers import client_for, grow_tenfold, make_role, target
from tracker import services
from tracker.models import Profile


@pytest.fixture
def setup(db):
    return make_role(name="Data Engineer", slug="data-engineer")


def url(setup) -> str:
    return f"/roles/{setup.role.slug}/you/"


def finish_entry(user, setup) -> None:
    for key in ("python", "algebra"):
        services.skill_set_status(user=user, skill_id=setup.skills[key].pk, status="done")
    services.milestone_set_done(user=user, milestone_id=setup.milestones["portfolio"].pk, done=True)


def test_the_url_is_named(setup):
    assert reverse("tracker:role_progress", args=[setup.role.slug]) == url(setup)


def test_anonymous_visitors_are_sent_to_log_in(client, setup):
    response = client.get(url(setup))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_shows_how_close_the_person_is_and_where_they_would_stand(owner_client, owner, setup):
    finish_entry(owner, setup)
    services.skill_set_status(user=owner, skill_id=setup.skills["research"].pk, status="done")

    html = owner_client.get(url(setup)).content.decode()

    # 3 of the 6 items up to the senior stage; the branch's skill counts nothing here.
    assert '<strong class="big-percent">50%</strong> of Data Engineer up to Senior engineer' in html
    assert "3 of 6 items done, 3 left." in html
    assert "You would stand at Junior engineer." in html
    assert "Making this your target keeps 3 of your 4 done items." in html


def test_it_shows_each_stages_figures_the_branch_too(owner_client, owner, setup):
    finish_entry(owner, setup)

    html = owner_client.get(url(setup)).content.decode()

    assert 'aria-label="Junior engineer: 100%"' in html
    assert 'aria-label="Engineer: 0%"' in html
    assert 'aria-label="Senior engineer: 0%"' in html
    assert 'aria-label="Researcher: 0%"' in html


def test_each_item_has_a_control_that_comes_back_here(owner_client, owner, setup):
    services.skill_set_status(user=owner, skill_id=setup.skills["torch"].pk, status="learning")
    torch = setup.skills["torch"].pk
    deploy = setup.milestones["deploy"].pk

    html = owner_client.get(url(setup)).content.decode()

    assert f'action="/plan/skills/{torch}/status/"' in html
    assert f'<input type="hidden" name="next" value="{url(setup)}#you-skill-{torch}">' in html
    assert f'<select id="you-skill-{torch}-state" name="status">' in html
    assert '<option value="learning" selected>Learning</option>' in html
    assert f'action="/plan/milestones/{deploy}/done/"' in html
    assert f'<select id="you-milestone-{deploy}-state" name="done">' in html
    # Recommended skills and branches too: every current item of the role.
    assert f'id="you-skill-{setup.skills["spark"].pk}"' in html
    assert f'id="you-skill-{setup.skills["research"].pk}"' in html


def test_a_retired_item_has_no_control(owner_client, setup):
    stage_skill = setup.skills["torch"].stage_skills.get()
    stage_skill.is_retired = True
    stage_skill.save()

    html = owner_client.get(url(setup)).content.decode()

    assert f'id="you-skill-{setup.skills["torch"].pk}"' not in html


def test_on_the_target_role_it_says_so(owner_client, owner, setup):
    target(owner, setup.mid)

    html = owner_client.get(url(setup)).content.decode()

    assert "It is your target" in html
    assert "Making this your target" not in html


def test_a_skill_done_in_another_role_counts_here(owner_client, owner, setup):
    other = make_role()
    StageSkillFactory.create(stage=setup.mid, skill=other.skills["python"], required=True)
    services.skill_set_status(user=owner, skill_id=other.skills["python"].pk, status="done")

    html = owner_client.get(url(setup)).content.decode()

    assert "1 of 7 items done, 6 left." in html
    assert "Making this your target keeps 1 of your 1 done item." in html


@pytest.mark.parametrize("slug", ["nope", "hidden-role"])
def test_an_unknown_or_unpublished_role_is_a_404(owner_client, slug):
    make_role(published=False, slug="hidden-role")

    assert owner_client.get(f"/roles/{slug}/you/").status_code == 404


def test_it_never_shows_another_persons_data(owner_client, owner, other_user, setup):
    finish_entry(other_user, setup)
    services.skill_save_note(
        user=other_user,
        skill_id=setup.skills["torch"].pk,
        note="Outsider's secret note",
        evidence_url="",
    )

    html = owner_client.get(url(setup)).content.decode()

    assert "0 of 6 items done" in html
    assert "secret note" not in html
    assert " selected>Done</option>" not in html


def test_two_people_in_one_region_each_see_their_own_percent(owner, other_user, setup):
    region = RegionFactory.create()
    Profile.objects.filter(user__in=[owner, other_user]).update(region=region)
    finish_entry(owner, setup)
    owner_client, other_client = client_for(owner), client_for(other_user)
    role_page = setup.role.get_absolute_url()

    # The role page is kept once for everyone signed in in their region: no one's figures in it.
    for client in (owner_client, other_client):
        page = client.get(role_page).content.decode()
        assert f'data-hx-get="{url(setup)}"' in page
        assert "big-percent" not in page
    assert "50%</strong>" in owner_client.get(url(setup)).content.decode()
    assert "0%</strong>" in other_client.get(url(setup)).content.decode()
    assert "50%</strong>" in owner_client.get(url(setup)).content.decode()


def test_the_kept_copy_changes_with_the_persons_progress(owner_client, owner, setup):
    assert "0%</strong>" in owner_client.get(url(setup)).content.decode()

    services.skill_set_status(user=owner, skill_id=setup.skills["torch"].pk, status="done")

    assert "16%</strong>" in owner_client.get(url(setup)).content.decode()


def test_the_role_page_loads_it_with_a_link_for_a_browser_without_javascript(owner_client, setup):
    html = owner_client.get(setup.role.get_absolute_url()).content.decode()

    assert f'data-hx-get="{url(setup)}" data-hx-trigger="load" data-hx-select="#you"' in html
    assert f'<a href="{url(setup)}">How close you are to Data Engineer' in html


def test_visitors_get_no_personal_part_on_the_role_page(client, setup):
    html = client.get(setup.role.get_absolute_url()).content.decode()

    assert "/you/" not in html


def test_it_runs_five_queries_however_large_the_catalog(
    owner_client, owner, setup, django_assert_num_queries
):
    finish_entry(owner, setup)
    # 1 the account, 2 the profile (its progress version keys the kept copy), 3-4 the person's
    # skills and milestones in any role, 5 the active goal. Every published role's items come
    # from the catalog cache; after a catalog change the first request reads them: the roles,
    # their stage skills, their milestones. A kept copy: the account and the profile.
    with django_assert_num_queries(5 + 3):
        assert owner_client.get(url(setup)).status_code == 200
    with django_assert_num_queries(2):
        assert owner_client.get(url(setup)).status_code == 200
    services.mark_changed(owner)
    with django_assert_num_queries(5):
        assert owner_client.get(url(setup)).status_code == 200

    grow_tenfold(owner, setup)
    catalog_changed()

    with django_assert_num_queries(5 + 3):
        assert owner_client.get(url(setup)).status_code == 200
    services.mark_changed(owner)
    with django_assert_num_queries(5):
        assert owner_client.get(url(setup)).status_code == 200
