"""The burn-up chart's reads: a person's check-offs over time and the catalog's records of the
stages on the way to each target they have had, shaped for templates/tracker/_burnup.html (the
rules themselves: tracker.burnup)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from careers import cache as catalog_cache
from careers.models import StageItems

from . import burnup as burnup_rules
from . import progress
from .models import EventKind, Goal, ProgressEvent
from .progress import Stage as ProgressStage
from .selectors import DONE, active_goal, role_structure


def moves(user: User) -> list[progress.Move]:
    """Every check-off and un-check-off the person made, oldest first, as the pace rules read
    them (`progress.done_at`, `progress.pace_window`): the state of their checklist at any past
    moment (1 query, in the order of the event_user_recent index). Skill events end in
    "learning", "not_started" or "done", milestone events in "not_done" or "done"."""
    events = (
        ProgressEvent.objects.filter(user=user, kind__in=[EventKind.SKILL, EventKind.MILESTONE])
        .order_by("created_at", "id")
        .values_list("kind", "skill_id", "milestone_id", "to_state", "created_at")
    )
    return [
        progress.Move(
            key=(progress.SKILL, skill_id)
            if kind == EventKind.SKILL
            else (progress.MILESTONE, milestone_id),
            at=created_at,
            done=to_state == DONE,
        )
        for kind, skill_id, milestone_id, to_state, created_at in events
    ]


def _recorded_stage(stage_id: int, items: list[list[Any]]) -> ProgressStage:
    """A stage as careers.StageItems recorded it, for the progress rules to say what counted."""
    skills: list[progress.Item] = []
    milestones: list[progress.Item] = []
    for kind, item_id, required, retired in items:
        item = progress.Item(kind=kind, id=item_id, name="", required=required, retired=retired)
        (skills if kind == progress.SKILL else milestones).append(item)
    return ProgressStage(
        id=stage_id,
        title="",
        level="",
        position=0,
        skills=tuple(skills),
        milestones=tuple(milestones),
    )


def burnup(
    user: User,
    *,
    goal: Goal | None = None,
    catalog_version: int | None = None,
    pace: float | None = None,
) -> dict[str, object]:
    """The context of templates/tracker/_burnup.html for this person: their done items against
    the total up to their target, day by day, with their pace and the estimate ahead (4 queries:
    the goal, their goals, the catalog's records of their targets' stages, their item events; a
    page that has read the goal passes it, one that has worked out the pace from the progress
    rows passes that, else it comes from the events by the same rule, `progress.pace_window`)."""
    if catalog_version is None:
        catalog_version = catalog_cache.version()
    if goal is None:
        goal = active_goal(user)
    if goal is None:
        return {"burnup": None}
    # Every target the person has had, each counting from when it was chosen: the stages on its
    # way as the catalog lays them out now, each with its items as the catalog had them day by
    # day (careers.StageItems).
    goals = list(Goal.objects.filter(user=user).select_related("target_stage").order_by("pk"))
    scopes = []
    counted: frozenset[progress.ItemKey] = frozenset()
    for past in goals:
        stages = role_structure(past.role_id, catalog_version).plan_stages(past.target_stage)
        path = progress.path_stage_ids(stages, past.target_stage_id)
        scopes.append(burnup_rules.Scope(since=timezone.localtime(past.created_at), stage_ids=path))
        if past.pk == goal.pk:
            # The pace counts the items on the way to the target as the catalog has them now.
            counted = frozenset(
                item.key for stage in stages if stage.id in path for item in stage.counting_items
            )
    records = [
        burnup_rules.StageRecord(
            stage_id=stage_id,
            since=timezone.localtime(since),
            keys=_recorded_stage(stage_id, items).counting_keys,
        )
        for stage_id, since, items in StageItems.objects.filter(
            stage__role_id__in={past.role_id for past in goals}
        )
        .order_by("since", "id")
        .values_list("stage_id", "since", "items")
    ]
    person_moves = moves(user)
    changes = [
        progress.Move(key=move.key, at=timezone.localtime(move.at), done=move.done)
        for move in person_moves
    ]
    points = burnup_rules.series(changes, scopes, records, today=timezone.localdate())
    if pace is None:
        now = timezone.now()
        window = progress.pace_window(progress.done_at(person_moves, now), now=now, counted=counted)
        pace = window.per_week
    remaining = points[-1].total - points[-1].done if points else 0
    estimate = progress.estimate_time(remaining, pace)
    return {
        "burnup": burnup_rules.chart(points, pace=pace, estimate=estimate),
        "burnup_goal": goal,
    }
