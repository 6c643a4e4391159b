"""Tells the catalog which of its rows people's progress refers to (careers.usage), so that the
admin retires them instead of deleting them."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from careers.models import Milestone, Role, Skill, Stage, StageMilestone, StageSkill

from .models import ItemComment, MilestoneProgress, ProgressEvent, SkillProgress


def _skill_used(skill: str) -> Q:
    """Rows whose `skill` reference has progress, history or comments from anyone."""
    return (
        Q(Exists(SkillProgress.objects.filter(skill=OuterRef(skill))))
        | Q(Exists(ProgressEvent.objects.filter(skill=OuterRef(skill))))
        | Q(Exists(ItemComment.objects.filter(skill=OuterRef(skill))))
    )


def _milestone_used(milestone: str) -> Q:
    return (
        Q(Exists(MilestoneProgress.objects.filter(milestone=OuterRef(milestone))))
        | Q(Exists(ProgressEvent.objects.filter(milestone=OuterRef(milestone))))
        | Q(Exists(ItemComment.objects.filter(milestone=OuterRef(milestone))))
    )


def _items_used(owner: str) -> Q:
    """Stages or roles (`owner` is the items' key to them) holding an item in use."""
    return Q(
        Exists(StageSkill.objects.filter(_skill_used("skill"), **{owner: OuterRef("pk")}))
    ) | Q(
        Exists(
            StageMilestone.objects.filter(_milestone_used("milestone"), **{owner: OuterRef("pk")})
        )
    )


def catalog_rows_in_progress(queryset: QuerySet[Any]) -> QuerySet[Any] | None:
    conditions = {
        Skill: lambda: _skill_used("pk"),
        StageSkill: lambda: _skill_used("skill"),
        Milestone: lambda: _milestone_used("pk"),
        StageMilestone: lambda: _milestone_used("milestone"),
        Stage: lambda: _items_used("stage"),
        Role: lambda: _items_used("role"),
    }
    condition = conditions.get(queryset.model)
    return queryset.filter(condition()) if condition is not None else None
