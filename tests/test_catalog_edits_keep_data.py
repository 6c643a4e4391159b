"""Catalog edits never lose a person's data: retired items leave the checklist for the plan's
"Retired from the catalog", and the history keeps them."""

from __future__ import annotations

import pytest

from careers.models import Milestone, StageSkill
from careers.signals import catalog_changed
from tests.factories import StageSkillFactory
from tests.tracker_helpers import make_role, target
from tracker import services
from tracker.models import Goal, MilestoneProgress, ProgressEvent, SkillProgress


@pytest.fixture
def setup(owner):
    setup = make_role()
    target(owner, setup.senior)
    services.skill_set_status(user=owner, skill_id=setup.skills["python"].pk, status="done")
    services.skill_save_note(
        user=owner, skill_id=setup.skills["python"].pk, note="Kept forever", evidence_url=""
    )
    services.milestone_set_done(
        user=owner, milestone_id=setup.milestones["portfolio"].pk, done=True
    )
    return setup


RETIRED = 'id="retired"'


def checklist_and_retired(client) -> tuple[str, str]:
    """The plan's checklist, and its retired items ("" when it has none)."""
    html = client.get("/plan/").content.decode()
    if RETIRED not in html:
        return html, ""
    return html[: html.index(RETIRED)], html[html.index(RETIRED) :]


def percent(client) -> str:
    html = client.get("/plan/").content.decode()
    start = html.index('<strong class="big-percent">') + len('<strong class="big-percent">')
    return html[start : html.index("</strong>", start)]


@pytest.mark.parametrize("how", ["skill", "stage skill"])
def test_a_retired_skill_leaves_the_checklist_but_not_the_plan_or_the_history(
    owner_client, owner, setup, how
):
    python = setup.skills["python"]
    assert percent(owner_client) == "33%"  # 2 of 6

    # Saved as admin saves it, so that what was cached of the catalog goes out of use; a bulk
    # update() on the catalog says so itself (careers.signals.catalog_changed).
    retired = python if how == "skill" else StageSkill.objects.get(skill=python)
    retired.is_retired = True
    retired.save()

    checklist, retired = checklist_and_retired(owner_client)
    assert python.name not in checklist
    assert "Kept forever" not in checklist
    assert python.name in retired and "Kept forever" in retired
    assert percent(owner_client) == "20%"  # 1 of 5
    dashboard = owner_client.get("/dashboard/").content.decode()
    assert f"{python.name}: done" in dashboard
    assert f"{python.name}: note saved" in dashboard
    row = SkillProgress.objects.get(user=owner, skill=python)
    assert (row.status, row.note) == ("done", "Kept forever")
    assert ProgressEvent.objects.filter(user=owner, skill=python).count() == 2


def test_a_retired_milestone_leaves_the_checklist_but_not_the_plan_or_the_history(
    owner_client, owner, setup
):
    portfolio = setup.milestones["portfolio"]

    Milestone.objects.filter(pk=portfolio.pk).update(is_retired=True)
    catalog_changed()

    checklist, retired = checklist_and_retired(owner_client)
    assert portfolio.title not in checklist
    assert portfolio.title in retired
    assert percent(owner_client) == "20%"
    assert f"{portfolio.title}: done" in owner_client.get("/dashboard/").content.decode()
    assert MilestoneProgress.objects.get(user=owner, milestone=portfolio).done


def test_a_retired_stage_leaves_the_checklist_with_its_items(owner_client, owner, setup):
    type(setup.entry).objects.filter(pk=setup.entry.pk).update(is_retired=True)
    catalog_changed()

    checklist, retired = checklist_and_retired(owner_client)

    assert setup.skills["python"].name not in checklist
    assert setup.skills["python"].name in retired
    assert setup.skills["algebra"].name not in retired  # never started: nothing to keep
    assert percent(owner_client) == "0%"
    assert SkillProgress.objects.filter(user=owner).count() == 1


def test_a_new_item_lowers_the_percent_and_keeps_every_tick(owner_client, owner, setup):
    StageSkillFactory.create(stage=setup.entry, position=999)

    assert percent(owner_client) == "28%"  # 2 of 7
    assert SkillProgress.objects.get(user=owner, skill=setup.skills["python"]).status == "done"


def test_an_unpublished_role_keeps_the_goal_and_the_progress(owner_client, owner, setup):
    setup.role.is_published = False
    setup.role.save()

    assert "You have not chosen a target role yet." in owner_client.get("/plan/").content.decode()
    assert Goal.objects.get(user=owner).is_active
    assert SkillProgress.objects.filter(user=owner).count() == 1

    setup.role.is_published = True
    setup.role.save()
    assert percent(owner_client) == "33%"


def test_a_skill_done_in_one_role_counts_in_every_role_that_asks_for_it(owner_client, owner, setup):
    other = make_role()
    StageSkillFactory.create(stage=other.entry, skill=setup.skills["python"])

    target(owner, other.senior)
    html = owner_client.get("/plan/").content.decode()

    assert f'id="skill-{setup.skills["python"].pk}-done" name="status" value="done" checked' in html
