"""careers.StageItems, the dated record of what each stage's checklist held, and the burn-up
chart's total following it: a catalog change steps the total on its day, not before."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from careers import signals
from careers.models import Milestone, Skill, Stage, StageItems, StageSkill
from tests.factories import (
    SkillFactory,
    StageFactory,
    StageMilestoneFactory,
    StageSkillFactory,
)
from tests.tracker_helpers import make_role, target
from tracker import burnup_reads, services
from tracker.burnup import Chart
from tracker.models import Goal, ProgressEvent

pytestmark = pytest.mark.django_db


def last_items(stage: Stage) -> list[list[object]]:
    return StageItems.objects.filter(stage=stage).order_by("-since", "-id")[0].items


def test_every_change_to_a_stage_s_items_is_recorded_once():
    setup = make_role()
    entry = setup.entry
    python, algebra, spark = (setup.skills[key] for key in ("python", "algebra", "spark"))
    portfolio = setup.milestones["portfolio"]
    assert last_items(entry) == sorted(
        [
            ["skill", python.pk, True, False],
            ["skill", algebra.pk, True, False],
            ["skill", spark.pk, False, False],
            ["milestone", portfolio.pk, True, False],
        ]
    )
    rows = StageItems.objects.filter(stage=entry).count()

    # Saved unchanged, or renamed: nothing the checklist counts by moved.
    portfolio.save()
    Skill.objects.get(pk=python.pk).save()
    python.name = "Python, renamed"
    python.save()
    assert StageItems.objects.filter(stage=entry).count() == rows

    # Retiring the skill itself retires it on every stage that has it.
    python.is_retired = True
    python.save()
    assert ["skill", python.pk, True, True] in last_items(entry)
    # A milestone retired in the admin, a skill made recommended.
    portfolio.is_retired = True
    portfolio.save()
    ss = StageSkill.objects.get(stage=entry, skill=algebra)
    ss.required = False
    ss.save()
    assert last_items(entry) == sorted(
        [
            ["skill", python.pk, True, True],
            ["skill", algebra.pk, False, False],
            ["skill", spark.pk, False, False],
            ["milestone", portfolio.pk, True, True],
        ]
    )
    assert StageItems.objects.filter(stage=entry).count() == rows + 3
    # Other stages are left alone.
    assert StageItems.objects.filter(stage=setup.mid).count() == 2


def test_bulk_writes_are_recorded_by_catalog_changed():
    setup = make_role()
    Milestone.objects.filter(pk=setup.milestones["deploy"].pk).update(is_retired=True)
    signals.catalog_changed()
    assert ["milestone", setup.milestones["deploy"].pk, True, True] in last_items(setup.mid)
    before = StageItems.objects.count()
    signals.catalog_changed()
    assert StageItems.objects.count() == before


def test_deleting_items_is_recorded_and_deleting_a_stage_takes_its_records():
    stage = StageFactory.create()
    ss = StageSkillFactory.create(stage=stage)
    milestone = StageMilestoneFactory.create(stage=stage).milestone
    ss.delete()
    assert last_items(stage) == [["milestone", milestone.pk, True, False]]
    StageSkillFactory.create(stage=stage)
    stage.delete()
    assert not StageItems.objects.filter(stage_id=stage.pk).exists()
    assert not Stage.objects.filter(pk=stage.pk).exists()


def test_the_chart_s_total_steps_on_the_day_the_catalog_changed(owner):
    setup = make_role()
    now = timezone.now()
    # The catalog has been as it is for a month; the person aimed at the mid stage 20 days ago
    # (entry and mid: python, algebra, portfolio, torch, deploy) and finished python 10 days ago.
    StageItems.objects.update(since=now - timedelta(days=30))
    target(owner, setup.mid)
    Goal.objects.filter(user=owner).update(created_at=now - timedelta(days=20))
    services.skill_set_status(user=owner, skill_id=setup.skills["python"].pk, status="done")
    ProgressEvent.objects.filter(user=owner, skill=setup.skills["python"]).update(
        created_at=now - timedelta(days=10)
    )
    day = timezone.localdate()

    def totals() -> dict[object, tuple[int, int]]:
        chart = burnup_reads.burnup(owner)["burnup"]
        assert isinstance(chart, Chart)
        return {p.day: (p.done, p.total) for p in chart.changes}

    assert totals() == {day - timedelta(days=20): (0, 5), day - timedelta(days=10): (1, 5)}

    # Today staff add a required skill to the mid stage, as the admin's inline does (a save).
    StageSkillFactory.create(stage=setup.mid, skill=SkillFactory.create(), required=True)
    assert totals() == {
        day - timedelta(days=20): (0, 5),
        day - timedelta(days=10): (1, 5),
        day: (1, 6),
    }

    # Then they retire the entry's milestone with the "Retire selected" action (a bulk update)
    # and the done skill itself: out of done and total, from today only.
    Milestone.objects.filter(pk=setup.milestones["portfolio"].pk).update(is_retired=True)
    signals.catalog_changed()
    python = setup.skills["python"]
    python.is_retired = True
    python.save()
    assert totals() == {
        day - timedelta(days=20): (0, 5),
        day - timedelta(days=10): (1, 5),
        day: (0, 4),
    }
