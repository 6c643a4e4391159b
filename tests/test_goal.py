"""Choosing a target role and stage: the goal, its history, and the role page's form."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from tests.tracker_helpers import assert_queries, make_role, target
from tracker import services
from tracker.models import EventKind, Goal, ProgressEvent

URL = "/goal/"


@pytest.fixture
def setup(db):
    return make_role()


def goal_events(user) -> list[tuple[str, str]]:
    return list(
        ProgressEvent.objects.filter(user=user, kind=EventKind.GOAL)
        .order_by("id")
        .values_list("from_state", "to_state")
    )


def test_the_url_is_named():
    assert reverse("tracker:goal_set") == URL


def test_it_sets_the_goal_and_lands_on_the_plan(owner_client, owner, setup):
    response = owner_client.post(URL, {"stage": setup.senior.pk})

    assert response.status_code == 303
    assert response["Location"] == "/plan/"
    goal = Goal.objects.get(user=owner)
    assert (goal.role, goal.target_stage, goal.is_active) == (setup.role, setup.senior, True)
    assert goal_events(owner) == [("", str(goal.pk))]
    assert "Your target is now" in owner_client.get("/plan/").content.decode()


def test_changing_it_keeps_the_old_goal_as_history(owner_client, owner, setup):
    other = make_role()
    owner_client.post(URL, {"stage": setup.senior.pk})
    first = Goal.objects.get(user=owner)

    owner_client.post(URL, {"stage": other.mid.pk})

    first.refresh_from_db()
    assert first.is_active is False
    assert first.ended_at is not None
    current = Goal.objects.get(user=owner, is_active=True)
    assert current.target_stage == other.mid
    assert Goal.objects.filter(user=owner).count() == 2
    assert goal_events(owner) == [("", str(first.pk)), (str(first.pk), str(current.pk))]


def test_setting_the_same_goal_again_changes_nothing(owner_client, owner, setup):
    owner_client.post(URL, {"stage": setup.senior.pk})

    response = owner_client.post(URL, {"stage": setup.senior.pk})

    assert response.status_code == 303
    assert Goal.objects.filter(user=owner).count() == 1
    assert len(goal_events(owner)) == 1


def test_the_service_twice_in_a_row_leaves_one_active_goal(owner, setup):
    assert services.goal_set(user=owner, stage=setup.mid) is True
    assert services.goal_set(user=owner, stage=setup.mid) is False

    assert Goal.objects.filter(user=owner, is_active=True).count() == 1
    assert len(goal_events(owner)) == 1


def test_the_database_allows_one_active_goal_per_person(owner, setup):
    Goal.objects.create(user=owner, role=setup.role, target_stage=setup.mid)

    with pytest.raises(IntegrityError), transaction.atomic():
        Goal.objects.create(user=owner, role=setup.role, target_stage=setup.senior)


def test_a_goal_change_runs_a_fixed_number_of_queries(owner_client, owner, setup):
    target(owner, setup.mid)
    # The account, the stage with its role; then in one transaction: the profile FOR UPDATE
    # (goal changes of one person queue on it), the active goal FOR UPDATE, UPDATE it to
    # history, INSERT the new goal, INSERT the event, UPDATE the profile's progress version.
    with assert_queries(8, transactions=1):
        owner_client.post(URL, {"stage": setup.senior.pk})


@pytest.mark.parametrize("what", ["unknown", "retired", "unpublished"])
def test_a_stage_outside_the_published_catalog_is_a_404(owner_client, owner, setup, what):
    stage = setup.senior
    if what == "retired":
        type(stage).objects.filter(pk=stage.pk).update(is_retired=True)
    elif what == "unpublished":
        type(setup.role).objects.filter(pk=setup.role.pk).update(is_published=False)
    stage_id = 99999 if what == "unknown" else stage.pk

    response = owner_client.post(URL, {"stage": stage_id})

    assert response.status_code == 404
    assert not Goal.objects.filter(user=owner).exists()
    assert goal_events(owner) == []


@pytest.mark.parametrize("value", ["", "senior", "-1", "1.5"])
def test_a_stage_no_form_sends_is_a_400(owner_client, owner, setup, value):
    response = owner_client.post(URL, {"stage": value})

    assert response.status_code == 400
    assert not Goal.objects.filter(user=owner).exists()


def test_a_get_is_refused(owner_client):
    assert owner_client.get(URL).status_code == 405


def test_anonymous_posts_go_to_log_in(client, setup):
    response = client.post(URL, {"stage": setup.senior.pk})

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={URL}"
    assert not Goal.objects.exists()


def test_it_changes_only_the_posters_goal(owner_client, owner, other_user, setup):
    other = make_role()
    target(other_user, other.mid)

    owner_client.post(URL, {"stage": setup.senior.pk})

    theirs = Goal.objects.get(user=other_user)
    assert (theirs.target_stage, theirs.is_active) == (other.mid, True)
    assert len(goal_events(other_user)) == 1


def test_it_ignores_a_next_to_another_site(owner_client, setup):
    response = owner_client.post(URL, {"stage": setup.mid.pk, "next": "https://evil.example/"})

    assert response["Location"] == "/plan/"


# --- The role page's form ---------------------------------------------------------------------


def test_the_role_page_asks_anonymous_visitors_to_log_in(client, setup):
    url = setup.role.get_absolute_url()

    html = client.get(url).content.decode()

    assert f'href="/accounts/login/?next={url}"' in html
    assert "Log in to make this your target" in html
    assert f'action="{URL}"' not in html


def test_the_role_page_offers_its_stages_with_the_last_senior_stage_first(owner_client, setup):
    html = owner_client.get(setup.role.get_absolute_url()).content.decode()

    assert f'<form method="post" action="{URL}" class="target-form">' in html
    assert f'<option value="{setup.senior.pk}" selected>' in html
    assert f'<option value="{setup.entry.pk}">' in html
    assert f'<option value="{setup.branch.pk}">' in html
    assert "Make this my target" in html
    start = html.index('class="target-form"')
    form = html[start : html.index("</form>", start)]
    assert f'<label for="target-stage-{setup.role.slug}">' in form


def test_the_role_page_form_sets_the_goal(owner_client, owner, setup):
    owner_client.get(setup.role.get_absolute_url())

    owner_client.post(URL, {"stage": setup.senior.pk})

    assert Goal.objects.get(user=owner, is_active=True).target_stage == setup.senior
