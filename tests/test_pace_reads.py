"""The pace read from the person's event log (for any past moment) agrees with the pace read from
their progress rows (the dashboard's), and the log is read in one query."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from careers import cache as catalog_cache
from tests.tracker_helpers import grow_tenfold, make_role, target
from tracker import burnup_reads, progress, selectors, services


@pytest.fixture
def setup(owner):
    setup = make_role()
    target(owner, setup.senior)
    return setup


def test_the_log_and_the_rows_give_the_same_pace(owner, setup):
    python, algebra = setup.skills["python"].pk, setup.skills["algebra"].pk
    for _ in range(6):
        for status in ("done", "learning"):
            services.skill_set_status(user=owner, skill_id=python, status=status)
    for status in ("done", "not_started", "done"):
        services.skill_set_status(user=owner, skill_id=algebra, status=status)
    portfolio, deploy = setup.milestones["portfolio"].pk, setup.milestones["deploy"].pk
    services.milestone_set_done(user=owner, milestone_id=portfolio, done=True)
    services.milestone_set_done(user=owner, milestone_id=deploy, done=True)
    services.milestone_set_done(user=owner, milestone_id=deploy, done=False)
    services.skill_set_status(user=owner, skill_id=setup.skills["spark"].pk, status="done")
    now = timezone.now()
    goal = selectors.active_goal(owner)
    assert goal is not None
    plan = selectors.load_plan(owner, goal, catalog_cache.version())

    from_log = burnup_reads.moves(owner)
    done = progress.done_at(from_log, now)

    assert (
        set(done)
        == set(plan.completions)
        == {
            (progress.SKILL, algebra),
            (progress.SKILL, setup.skills["spark"].pk),
            (progress.MILESTONE, portfolio),
        }
    )
    counted = plan.progress.counting_keys
    assert progress.pace_window(done, now=now, counted=counted).completed == 2
    assert plan.pace(now).completed == 2
    # Before anything was done, nothing was.
    assert progress.done_at(from_log, from_log[0].at - timedelta(seconds=1)) == {}


def test_the_log_is_read_in_one_query(owner, other_user, setup, django_assert_num_queries):
    services.skill_set_status(user=owner, skill_id=setup.skills["python"].pk, status="done")
    with django_assert_num_queries(1):
        assert len(burnup_reads.moves(owner)) == 1

    grow_tenfold(owner, setup)
    grow_tenfold(other_user, setup)
    with django_assert_num_queries(1):
        assert len(burnup_reads.moves(owner)) > 10
