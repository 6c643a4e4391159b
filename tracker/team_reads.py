"""The reads of a mentor's team page (/mentoring/ and its CSV): the relations and invitations
read on every request, and each member's figures, kept by the versions they are read under."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db.models import Case, F, Max, Q, When

from . import progress, selectors
from .mentors import person_name
from .models import (
    EventKind,
    Goal,
    Mentorship,
    MentorshipStatus,
    MilestoneProgress,
    ProgressEvent,
    SkillProgress,
    SkillStatus,
)
from .page_cache import digest


@dataclass(frozen=True)
class Figures:
    """Where one member of a team stands, from their own data (kept by their data's version)."""

    target: str | None = None
    percent: int | None = None
    stage: str | None = None
    # Counting items done in the pace window (progress.pace_window): the last 28 days.
    recent: int | None = None
    last_activity: datetime | None = None
    # When `recent` next changes by time alone.
    until: datetime | None = None


@dataclass(frozen=True)
class Member:
    mentorship_id: int
    username: str
    name: str
    figures: Figures


class Column(StrEnum):
    NAME = "name"
    TARGET = "target"
    PERCENT = "percent"
    STAGE = "stage"
    RECENT = "recent"
    ACTIVITY = "activity"


COLUMN_LABELS = {
    Column.NAME: "Name",
    Column.TARGET: "Target",
    Column.PERCENT: "Progress",
    Column.STAGE: "Current stage",
    Column.RECENT: "Done in 28 days",
    Column.ACTIVITY: "Last activity",
}


def _sort_value(member: Member, column: Column) -> object:
    figures = member.figures
    return {
        Column.NAME: member.name.casefold(),
        Column.TARGET: figures.target.casefold() if figures.target else None,
        Column.PERCENT: figures.percent,
        Column.STAGE: figures.stage.casefold() if figures.stage else None,
        Column.RECENT: figures.recent,
        Column.ACTIVITY: figures.last_activity,
    }[column]


def sort_team(members: Iterable[Member], column: Column, descending: bool) -> list[Member]:
    """By `column`, then by name; members without a value (no target, no activity) last."""
    by_name = sorted(members, key=lambda m: (m.name.casefold(), m.username))
    if column == Column.NAME:
        return by_name[::-1] if descending else by_name
    known = [m for m in by_name if _sort_value(m, column) is not None]
    unknown = [m for m in by_name if _sort_value(m, column) is None]
    # sorted() is stable, so equal values keep the order by name either way.
    known.sort(key=lambda m: _sort_value(m, column), reverse=descending)  # type: ignore[arg-type, return-value]
    return known + unknown


def _figures(ids: list[int], catalog_version: int | None, now: datetime) -> dict[int, Figures]:
    """Each person's figures, by the progress rules (4 queries whatever the team's size, and the
    checklist of each role from the catalog cache)."""
    goals = {
        goal.user_id: goal
        for goal in Goal.objects.current()
        .filter(user_id__in=ids)
        .select_related("role", "target_stage")
    }
    done: dict[int, set[progress.ItemKey]] = {pk: set() for pk in ids}
    completions: dict[int, dict[progress.ItemKey, datetime]] = {pk: {} for pk in ids}

    def add(user_id: int, key: progress.ItemKey, at: datetime | None) -> None:
        done[user_id].add(key)
        if at is not None:
            completions[user_id][key] = at

    for user_id, skill_id, completed_at in SkillProgress.objects.filter(
        user_id__in=ids, status=SkillStatus.DONE
    ).values_list("user_id", "skill_id", "completed_at"):
        add(user_id, (progress.SKILL, skill_id), completed_at)
    for user_id, milestone_id, completed_at in MilestoneProgress.objects.filter(
        user_id__in=ids, completed_at__isnull=False
    ).values_list("user_id", "milestone_id", "completed_at"):
        add(user_id, (progress.MILESTONE, milestone_id), completed_at)
    # A person's own changes: what their mentors do is not their activity.
    last_activity = dict(
        ProgressEvent.objects.filter(user_id__in=ids)
        .exclude(kind=EventKind.MENTOR)
        .values("user_id")
        .annotate(last=Max("created_at"))
        .values_list("user_id", "last")
    )
    figures = {}
    for pk in ids:
        goal = goals.get(pk)
        if goal is None:
            figures[pk] = Figures(last_activity=last_activity.get(pk))
            continue
        structure = selectors.role_structure(goal.role_id, catalog_version)
        stages = structure.plan_stages(goal.target_stage)
        result = progress.compute(stages, target_stage_id=goal.target_stage_id, done=done[pk])
        window = progress.pace_window(completions[pk], now=now, counted=result.counting_keys)
        figures[pk] = Figures(
            target=f"{goal.role.name}: {goal.target_stage.title}",
            percent=result.percent,
            stage=result.current.stage.title if result.current else None,
            recent=window.completed,
            last_activity=last_activity.get(pk),
            until=window.until,
        )
    return figures


# Each accepted relation as the team page reads it on every request: the relation's id, the
# person's id, username, display name and data version.
Relation = tuple[int, int, str, str | None, int | None]


@dataclass(frozen=True)
class Invitation:
    """An invitation waiting for the mentor's answer, with the name of who sent it."""

    pk: int
    name: str
    shows_notes: bool
    expires_at: datetime


def mentor_side(mentor: User, now: datetime) -> tuple[list[Relation], list[Invitation]]:
    """Everyone who shares their progress with `mentor` now, and the invitations waiting for
    their answer, oldest first (1 query: a relation that ends is gone from the next read)."""
    pending = Q(status=MentorshipStatus.PENDING, expires_at__gt=now)
    rows = (
        Mentorship.objects.filter(Q(status=MentorshipStatus.ACCEPTED) | pending, mentor=mentor)
        # Only an invitation's end is shown: a team's hundred relations need no dates read.
        .annotate(ends=Case(When(status=MentorshipStatus.PENDING, then=F("expires_at"))))
        .order_by("pk")
        .values_list(
            "pk",
            "person_id",
            "person__username",
            "person__profile__display_name",
            "person__profile__progress_version",
            "shows_notes",
            "ends",
        )
    )
    relations: list[Relation] = []
    invitations: list[Invitation] = []
    for pk, person_id, username, name, version, shows_notes, ends in rows:
        if ends is None:
            relations.append((pk, person_id, username, name, version))
        else:
            invitations.append(Invitation(pk, person_name(name, username), shows_notes, ends))
    return sorted(relations, key=lambda r: r[1]), invitations


def team(relations: list[Relation], catalog_version: int | None, now: datetime) -> list[Member]:
    """Each member of a team (`mentor_side`) with their figures: from the cache while every
    member's version and the catalog stay the same, else 4 queries whatever the team's size."""
    ids = [person_id for _, person_id, _, _, _ in relations]
    figures: dict[int, Figures] | None = None
    key = None
    if catalog_version is not None and ids:
        key = f"team:{catalog_version}:{digest(relations)}"
        figures = cache.get(key)
    if figures is None:
        figures = _figures(ids, catalog_version, now)
        ends = [f.until for f in figures.values() if f.until is not None]
        timeout = settings.PERSONAL_PAGE_CACHE_TIMEOUT
        if ends:
            # The 28-day counts change with time alone: kept until the first of them does.
            timeout = min(timeout, max(1, int((min(ends) - now).total_seconds())))
        if key is not None:
            cache.set(key, figures, timeout=timeout)
    return [
        Member(
            mentorship_id=mentorship_id,
            username=username,
            name=person_name(display_name, username),
            figures=figures.get(person_id, Figures()),
        )
        for mentorship_id, person_id, username, display_name, _ in relations
    ]
