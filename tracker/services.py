"""Every change to a person's data: one transaction each, with its ProgressEvent inside it."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import ParamSpec, TypeVar

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F, Model, QuerySet
from django.utils import timezone

from careers.models import Milestone, Skill, Stage
from config.compiled import CompiledInsert, CompiledRead, CompiledUpdate
from config.pipeline import pipeline

from .models import (
    EventKind,
    Goal,
    MilestoneProgress,
    Profile,
    ProgressEvent,
    SkillProgress,
    SkillStatus,
)
from .people import forget
from .selectors import DONE, NOT_DONE

P = ParamSpec("P")
R = TypeVar("R")
M = TypeVar("M", bound=Model)


def atomic_with_retry(write: Callable[P, R]) -> Callable[P, R]:
    """transaction.atomic, run a second time if the first lost an insert race.

    A missing row cannot be locked, so two identical first posts may both try to insert it; the
    unique constraint lets one win and the other fail only once the winner has committed. The
    second attempt then finds the row, locks it and sees it is already in the wanted state.
    """
    atomic_write = transaction.atomic(write)

    @functools.wraps(write)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return atomic_write(*args, **kwargs)
        except IntegrityError:
            return atomic_write(*args, **kwargs)

    return wrapper


def mark_changed(user: AbstractBaseUser | int) -> None:
    """Mark the person's data as changed: pages kept for the version before are not served again.

    Call it inside the transaction that makes the change, so that the new version and the change
    become visible together.
    """
    _bump(user if isinstance(user, int) else user.pk)
    forget(user)


def _locked(queryset: QuerySet[M], *unique: str) -> M | None:
    """The one row the unique key `unique` allows, locked for the transaction; None if none.

    Ordered by that key, first() finds (and locks) the row through the key's index, where its
    default order by id could walk the primary key instead.
    """
    return queryset.select_for_update().order_by(*unique).first()


# The statements of a check-off, compiled once (config.compiled): building them each time cost
# more than running them.
_bump = CompiledUpdate(
    lambda user_id: (
        Profile.objects.filter(user_id=user_id),
        {"progress_version": F("progress_version") + 1},
    )
)
_skill_update = CompiledUpdate(
    lambda row_id, status, started_at, completed_at, now: (
        SkillProgress.objects.filter(pk=row_id),
        {
            "status": status,
            "started_at": started_at,
            "completed_at": completed_at,
            "updated_at": now,
        },
    )
)
_milestone_update = CompiledUpdate(
    lambda row_id, completed_at, now: (
        MilestoneProgress.objects.filter(pk=row_id),
        {"completed_at": completed_at, "updated_at": now},
    )
)
_event = CompiledInsert(
    ProgressEvent,
    "user_id",
    "kind",
    "skill_id",
    "milestone_id",
    "goal_id",
    "from_state",
    "to_state",
    "created_at",
)


def _record(
    user: AbstractBaseUser,
    kind: str,
    *,
    skill_id: int | None = None,
    milestone_id: int | None = None,
    goal_id: int | None = None,
    from_state: str = "",
    to_state: str = "",
    at: datetime | None = None,
) -> None:
    """The ProgressEvent of a change, as ProgressEvent.objects.create() would write it: every
    change to a person's data records its event through here."""
    _event(
        user.pk,
        kind,
        skill_id,
        milestone_id,
        goal_id,
        from_state,
        to_state,
        at or timezone.now(),
    )


# The person's row for one item, locked for the transaction (FOR UPDATE where the database has
# it; SQLite's write transactions lock the whole database), found through the unique (user, item)
# index: ordered by that key, as first() would otherwise order by id and walk the primary key.
_skill_state = CompiledRead(
    lambda user_id, skill_id: (
        SkillProgress.objects.filter(user_id=user_id, skill_id=skill_id)
        .select_for_update()
        .order_by("user_id", "skill_id")
        .values_list("id", "status", "started_at")[:1]
    )
)
_milestone_state = CompiledRead(
    lambda user_id, milestone_id: (
        MilestoneProgress.objects.filter(user_id=user_id, milestone_id=milestone_id)
        .select_for_update()
        .order_by("user_id", "milestone_id")
        .values_list("id", "completed_at")[:1]
    )
)


@atomic_with_retry
def skill_set_status(*, user: AbstractBaseUser, skill: Skill, status: str) -> bool:
    """Put a skill in `status`; False (and no event) when it already was."""
    if status not in SkillStatus.values:
        raise ValueError(f"Unknown skill status {status!r}")
    rows = _skill_state(user.pk, skill.pk)
    row_id, before, started_at = rows[0] if rows else (None, SkillStatus.NOT_STARTED, None)
    if before == status:
        return False
    now = timezone.now()
    if status == SkillStatus.LEARNING and started_at is None:
        started_at = now
    completed_at = now if status == SkillStatus.DONE else None
    with pipeline():
        if row_id is None:
            SkillProgress.objects.create(
                user=user,
                skill=skill,
                status=status,
                started_at=started_at,
                completed_at=completed_at,
            )
        else:
            _skill_update(row_id, status, started_at, completed_at, now)
        _record(
            user, EventKind.SKILL, skill_id=skill.pk, from_state=before, to_state=status, at=now
        )
        mark_changed(user)
    return True


@atomic_with_retry
def milestone_set_done(*, user: AbstractBaseUser, milestone: Milestone, done: bool) -> bool:
    rows = _milestone_state(user.pk, milestone.pk)
    row_id, completed_at = rows[0] if rows else (None, None)
    was_done = completed_at is not None
    if was_done == done:
        return False
    now = timezone.now()
    with pipeline():
        if row_id is None:
            MilestoneProgress.objects.create(
                user=user, milestone=milestone, completed_at=now if done else None
            )
        else:
            _milestone_update(row_id, now if done else None, now)
        _record(
            user,
            EventKind.MILESTONE,
            milestone_id=milestone.pk,
            from_state=DONE if was_done else NOT_DONE,
            to_state=DONE if done else NOT_DONE,
            at=now,
        )
        mark_changed(user)
    return True


def _note_change(row: SkillProgress | MilestoneProgress, note: str, evidence_url: str) -> str:
    changed = []
    if row.note != note:
        changed.append("note")
    if row.evidence_url != evidence_url:
        changed.append("evidence")
    # Short enough for to_state: "note", "evidence" or "note+evidence".
    return "+".join(changed)


@atomic_with_retry
def skill_save_note(*, user: AbstractBaseUser, skill: Skill, note: str, evidence_url: str) -> bool:
    row = _locked(SkillProgress.objects.filter(user=user, skill=skill), "user_id", "skill_id")
    if row is None:
        # A note on a skill not started yet still needs a row to live in.
        row = SkillProgress(user=user, skill=skill, status=SkillStatus.NOT_STARTED)
    what = _note_change(row, note, evidence_url)
    if not what:
        return False
    row.note, row.evidence_url = note, evidence_url
    row.save()
    _record(user, EventKind.NOTE, skill_id=skill.pk, to_state=what)
    mark_changed(user)
    return True


@atomic_with_retry
def milestone_save_note(
    *, user: AbstractBaseUser, milestone: Milestone, note: str, evidence_url: str
) -> bool:
    row = _locked(
        MilestoneProgress.objects.filter(user=user, milestone=milestone), "user_id", "milestone_id"
    )
    row = row or MilestoneProgress(user=user, milestone=milestone)
    what = _note_change(row, note, evidence_url)
    if not what:
        return False
    row.note, row.evidence_url = note, evidence_url
    row.save()
    _record(user, EventKind.NOTE, milestone_id=milestone.pk, to_state=what)
    mark_changed(user)
    return True


@atomic_with_retry
def goal_set(*, user: AbstractBaseUser, stage: Stage) -> bool:
    """Make `stage` of its role the person's target; the old goal stays as history."""
    current = _locked(Goal.objects.filter(user=user, is_active=True), "user_id")
    if current is not None and current.target_stage_id == stage.id:
        return False
    if current is not None:
        Goal.objects.filter(pk=current.pk).update(is_active=False, ended_at=timezone.now())
    goal = Goal.objects.create(user=user, role_id=stage.role_id, target_stage=stage)
    _record(
        user,
        EventKind.GOAL,
        goal_id=goal.pk,
        from_state=str(current.pk) if current is not None else "",
        to_state=str(goal.pk),
    )
    mark_changed(user)
    return True
