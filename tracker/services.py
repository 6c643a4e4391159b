"""Every change to a person's data: one function per write, all or nothing, with its event.

Each moves the person's progress version forward in the same transaction (`mark_changed`), so
that pages kept for the state before (tracker.page_cache) are never served again.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from careers.models import Stage

from .models import (
    EventKind,
    Goal,
    MilestoneProgress,
    Profile,
    ProgressEvent,
    SkillProgress,
    SkillStatus,
)
from .selectors import DONE, NOT_DONE

Progress = TypeVar("Progress", SkillProgress, MilestoneProgress)


def mark_changed(user: User | int) -> None:
    """Move the person's progress version forward. Call it inside the transaction that makes the
    change, so that the new version and the change become visible together."""
    user_id = user if isinstance(user, int) else user.pk
    Profile.objects.filter(user_id=user_id).update(progress_version=F("progress_version") + 1)


def _locked(model: type[Progress], *, user: User, create: bool, **item: Any) -> Progress | None:
    """The person's row for one item, locked until the transaction ends (FOR UPDATE on
    PostgreSQL; SQLite's write transactions lock the whole database), made when missing if
    `create`. Two first posts at once both find no row to lock: the unique (user, item)
    constraint lets one insert it, and get_or_create() then finds that row for the other."""
    rows = model.objects.select_for_update()
    if not create:
        return rows.filter(user=user, **item).first()
    return rows.get_or_create(user=user, **item)[0]


@transaction.atomic
def skill_set_status(*, user: User, skill_id: int, status: str) -> bool:
    """Put a skill in `status`; False (and no event) when it already was."""
    if status not in SkillStatus.values:
        raise ValueError(f"Unknown skill status {status!r}")
    # No row means not started: setting a skill back to that needs no row.
    create = status != SkillStatus.NOT_STARTED
    row = _locked(SkillProgress, user=user, create=create, skill_id=skill_id)
    before = row.status if row is not None else SkillStatus.NOT_STARTED
    if row is None or before == status:
        return False
    row.set_status(status, timezone.now())
    row.save(update_fields=["status", "started_at", "completed_at", "updated_at"])
    ProgressEvent.objects.create(
        user=user, kind=EventKind.SKILL, skill_id=skill_id, from_state=before, to_state=status
    )
    mark_changed(user)
    return True


@transaction.atomic
def milestone_set_done(*, user: User, milestone_id: int, done: bool) -> bool:
    """Mark a milestone done or not; False (and no event) when it already was."""
    row = _locked(MilestoneProgress, user=user, create=done, milestone_id=milestone_id)
    if row is None or row.done == done:
        return False
    row.set_done(done, timezone.now())
    row.save(update_fields=["completed_at", "updated_at"])
    ProgressEvent.objects.create(
        user=user,
        kind=EventKind.MILESTONE,
        milestone_id=milestone_id,
        from_state=NOT_DONE if done else DONE,
        to_state=DONE if done else NOT_DONE,
    )
    mark_changed(user)
    return True


def _save_note(
    model: type[Progress], *, user: User, note: str, evidence_url: str, **item: int
) -> bool:
    """The note and evidence link on one item; False (and no event) when both were so already.
    A note on an item not started yet still needs a row to live in."""
    row = _locked(model, user=user, create=True, **item)
    assert row is not None
    changed = [
        name
        for name, before, after in (
            ("note", row.note, note),
            ("evidence", row.evidence_url, evidence_url),
        )
        if before != after
    ]
    if not changed:
        return False
    row.note, row.evidence_url = note, evidence_url
    row.save()
    # "note", "evidence" or "note+evidence": short enough for to_state.
    ProgressEvent.objects.create(user=user, kind=EventKind.NOTE, to_state="+".join(changed), **item)
    mark_changed(user)
    return True


@transaction.atomic
def skill_save_note(*, user: User, skill_id: int, note: str, evidence_url: str) -> bool:
    return _save_note(
        SkillProgress, user=user, note=note, evidence_url=evidence_url, skill_id=skill_id
    )


@transaction.atomic
def milestone_save_note(*, user: User, milestone_id: int, note: str, evidence_url: str) -> bool:
    return _save_note(
        MilestoneProgress,
        user=user,
        note=note,
        evidence_url=evidence_url,
        milestone_id=milestone_id,
    )


@transaction.atomic
def goal_set(*, user: User, stage: Stage) -> bool:
    """Make `stage` of its role the person's target; the old goal stays as history."""
    # Two changes at once would both find no active goal to lock: the person's profile row is
    # what they queue on instead.
    Profile.objects.select_for_update().filter(user=user).first()
    current = Goal.objects.select_for_update().filter(user=user, is_active=True).first()
    if current is not None and current.target_stage_id == stage.pk:
        return False
    if current is not None:
        current.is_active, current.ended_at = False, timezone.now()
        current.save(update_fields=["is_active", "ended_at"])
    goal = Goal.objects.create(user=user, role_id=stage.role_id, target_stage=stage)
    ProgressEvent.objects.create(
        user=user,
        kind=EventKind.GOAL,
        goal=goal,
        from_state=str(current.pk) if current is not None else "",
        to_state=str(goal.pk),
    )
    mark_changed(user)
    return True
