"""Every change to a person's data: all or nothing each, with its ProgressEvent inside it."""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ParamSpec, TypeVar

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Model, QuerySet
from django.utils import timezone

from careers.models import Milestone, Skill, Stage
from config.compiled import CompiledInsert, CompiledRead, CompiledUpdate

from . import progress, selectors
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
from .selectors import DONE, NOT_DONE, PlanPath

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
        .values_list("id", "status", "started_at", "completed_at", "note", "evidence_url")[:1]
    )
)
_milestone_state = CompiledRead(
    lambda user_id, milestone_id: (
        MilestoneProgress.objects.filter(user_id=user_id, milestone_id=milestone_id)
        .select_for_update()
        .order_by("user_id", "milestone_id")
        .values_list("id", "completed_at", "note", "evidence_url")[:1]
    )
)


# --- Check-offs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckOff:
    """What a check-off did and, when asked (`progress_on`), where it leaves the person: the
    item's state, and which of the items that count on the way to the target are done
    (selectors.PlanPath), the change included."""

    changed: bool
    item: selectors.ItemState | None = None
    done: frozenset[progress.ItemKey] | None = None


def skill_set_status(*, user: AbstractBaseUser, skill: Skill, status: str) -> bool:
    """Put a skill in `status`; False (and no event) when it already was."""
    return check_off(user, (progress.SKILL, skill.pk), status).changed


def milestone_set_done(*, user: AbstractBaseUser, milestone: Milestone, done: bool) -> bool:
    return check_off(user, (progress.MILESTONE, milestone.pk), DONE if done else NOT_DONE).changed


def check_off(
    user: AbstractBaseUser,
    key: progress.ItemKey,
    state: str,
    *,
    progress_on: PlanPath | None = None,
) -> CheckOff:
    """Put the item of `key` in `state`: a skill's status, or DONE / NOT_DONE for a milestone.

    The row, its ProgressEvent and the person's progress version change together or not at all,
    and a state the item is in already changes nothing. With `progress_on` (the way to the
    person's target) the answer tells where that leaves the person on it.

    On PostgreSQL it is one statement (`_check_off_sql`), progress included; elsewhere, and if a
    row inserted at the same moment by another request got in its way, one transaction of a few
    statements, and then one read of the items done (selectors.done_items).
    """
    kind, item_id = key
    if state not in _STATES[kind]:
        raise ValueError(f"Unknown {kind} state {state!r}")
    if connection.vendor == "postgresql":
        result = _check_off_in_one_statement(user, key, state, progress_on)
        if result is not None:
            return result
    if kind == progress.SKILL:
        changed, item = _skill_in_transaction(user.pk, item_id, state)
    else:
        changed, item = _milestone_in_transaction(user.pk, item_id, state == DONE)
    if changed:
        forget(user)
    if progress_on is None:
        return CheckOff(changed)
    return CheckOff(changed, item, selectors.done_items(user.pk, progress_on))


_STATES = {
    progress.SKILL: frozenset(SkillStatus.values),
    progress.MILESTONE: frozenset({DONE, NOT_DONE}),
}
# A milestone's state as its checklist row shows it.
_MILESTONE_STATUS = {DONE: SkillStatus.DONE, NOT_DONE: SkillStatus.NOT_STARTED}
# The state of an item nobody has touched: no row at all.
_UNTOUCHED = {progress.SKILL: SkillStatus.NOT_STARTED, progress.MILESTONE: NOT_DONE}


def _check_off_in_one_statement(
    user: AbstractBaseUser,
    key: progress.ItemKey,
    state: str,
    progress_on: PlanPath | None,
) -> CheckOff | None:
    """The check-off as one statement, None when a row inserted by a request running at the same
    moment was in its way (the caller then runs it as a transaction of its own)."""
    kind, item_id = key
    params: dict[str, Any] = {
        "user": user.pk,
        "item": item_id,
        "state": state,
        "now": timezone.now(),
    }
    if progress_on is not None:
        params |= selectors.item_params(user.pk, progress_on)
    # A single statement is atomic; inside a caller's transaction a failure must still roll it
    # back, as Django's own writes make sure.
    with transaction.mark_for_rollback_on_error(), connection.cursor() as cursor:
        cursor.execute(_check_off_sql(kind, progress_on is not None), params)
        existed, before, shown_at, note, evidence_url, *done = cursor.fetchone()
    if before is None and not existed and state != _UNTOUCHED[kind]:
        # Neither found nor inserted: another request inserted the row after this statement
        # began, and has committed it since. Run again, it finds and locks that row.
        return None
    changed = before is not None
    if changed:
        forget(user)
    if progress_on is None:
        return CheckOff(changed)
    item = selectors.ItemState(
        # A milestone's row reads not started or done, as on the plan.
        state if kind == progress.SKILL else _MILESTONE_STATUS[state],
        note,
        evidence_url,
        shown_at,
    )
    # The read saw the tables as the statement found them: the item's own change is applied.
    keys = selectors.done_keys(*done)
    if state != DONE:
        keys.discard(key)
    elif key in progress_on.counting_keys:
        keys.add(key)
    return CheckOff(changed, item, frozenset(keys))


@functools.cache
def _check_off_sql(kind: progress.ItemKind, with_progress: bool) -> str:
    """A check-off in one PostgreSQL statement, its parameters named `user`, `item`, `state` and
    `now` (and with the progress read, `skill_ids` and `milestone_ids`).

    - `old` finds the person's row for the item through the unique (user, item) index and locks
      it, waiting for a check-off of the same item that is under way; the row it then returns is
      the one that check-off committed.
    - `updated` changes that row, found by its primary key (a subquery's value: no plan can
      make it a join that reads the table), unless it is in `state` already, and says what it
      was in; `inserted` writes the row when there was none, unless `state` is the untouched
      one. A row another request inserted meanwhile makes the insert do nothing (ON CONFLICT),
      and the statement answers as if it had found nothing.
    - Only when one of them changed something, `event` records the change and `bump` moves the
      person's progress version forward, so that pages kept for the old state go out of use.
    - It answers with one row: whether the row was there, what the item was in before (NULL:
      nothing changed), the date the checklist shows for the item now, and its note and
      evidence; with the progress read, the ids of the items done that count on the way to the
      target (selectors.done_items_sql), as the tables were when the statement began: the
      caller applies the item's own change.
    """
    qn = connection.ops.quote_name
    events, profiles = qn(ProgressEvent._meta.db_table), qn(Profile._meta.db_table)
    now = "%(now)s::timestamptz"
    state = "%(state)s::varchar"
    if kind == progress.SKILL:
        table, item = qn(SkillProgress._meta.db_table), "skill_id"
        columns = "id, status, started_at, completed_at"
        was = "status"
        learning = f"{state} = '{SkillStatus.LEARNING}'"
        completed = f"CASE WHEN {state} = '{SkillStatus.DONE}' THEN {now} END"
        changes = f"""status = {state},
                started_at = CASE WHEN {learning} AND mine.started_at IS NULL
                    THEN {now} ELSE mine.started_at END,
                completed_at = {completed},"""
        new_columns = "status, started_at, completed_at"
        new_values = f"{state}, CASE WHEN {learning} THEN {now} END, {completed}"
        event_item = "%(item)s::bigint, NULL::bigint"
    else:
        table, item = qn(MilestoneProgress._meta.db_table), "milestone_id"
        columns = "id, completed_at"
        was = f"CASE WHEN completed_at IS NULL THEN '{NOT_DONE}' ELSE '{DONE}' END"
        changes = f"completed_at = CASE WHEN {state} = '{DONE}' THEN {now} END,"
        new_columns = "completed_at"
        new_values = now
        event_item = "NULL::bigint, %(item)s::bigint"
    # The date the checklist shows for the item, from a row of its table.
    shown = functools.partial(selectors.shown_date_sql, kind)
    shown_now = f"CASE WHEN changed.before IS NULL THEN {shown('old')} ELSE changed.shown_at END"
    sql = f"""\
        WITH old AS (
            SELECT {columns}, note, evidence_url FROM {table}
            WHERE user_id = %(user)s::bigint AND {item} = %(item)s::bigint
            FOR UPDATE
        ), updated AS (
            UPDATE {table} AS mine SET
                {changes}
                updated_at = {now}
            WHERE mine.id = (SELECT id FROM old) AND (SELECT {was} FROM old) <> {state}
            RETURNING (SELECT {was} FROM old)::varchar AS before,
                {shown("mine")} AS shown_at
        ), inserted AS (
            INSERT INTO {table} (user_id, {item}, {new_columns}, note, evidence_url, updated_at)
            SELECT %(user)s::bigint, %(item)s::bigint, {new_values}, '', '', {now}
            WHERE NOT EXISTS (SELECT FROM old) AND {state} <> '{_UNTOUCHED[kind]}'
            ON CONFLICT (user_id, {item}) DO NOTHING
            RETURNING '{_UNTOUCHED[kind]}'::varchar AS before,
                {shown(table)} AS shown_at
        ), changed AS (
            SELECT before, shown_at FROM updated UNION ALL SELECT before, shown_at FROM inserted
        ), event AS (
            INSERT INTO {events} (user_id, kind, skill_id, milestone_id, goal_id, from_state,
                to_state, created_at)
            SELECT %(user)s::bigint, '{kind}', {event_item}, NULL, before, {state}, {now}
            FROM changed
        ), bump AS (
            UPDATE {profiles} SET progress_version = progress_version + 1
            WHERE user_id = %(user)s::bigint AND EXISTS (SELECT FROM changed)
        )
        SELECT EXISTS (SELECT FROM old), changed.before, {shown_now},
            COALESCE(old.note, ''), COALESCE(old.evidence_url, '')"""
    if with_progress:
        sql += """,
            done.skills, done.milestones"""
    sql += """
        FROM (SELECT 1) AS one
        LEFT JOIN old ON true
        LEFT JOIN changed ON true"""
    if with_progress:
        sql += f"""
        CROSS JOIN (
{textwrap.indent(selectors.done_items_sql(), " " * 12)}
        ) AS done"""
    return textwrap.dedent(sql)


@atomic_with_retry
def _skill_in_transaction(
    user_id: int, skill_id: int, status: str
) -> tuple[bool, selectors.ItemState]:
    """The check-off of a skill as a transaction: whether it changed anything, and the state
    the skill is in now."""
    rows = _skill_state(user_id, skill_id)
    if rows:
        row_id, before, started_at, completed_at, note, evidence_url = rows[0]
    else:
        row_id, before, started_at, completed_at, note, evidence_url = _NO_SKILL_ROW
    if before == status:
        shown = _shown(status, started_at, completed_at)
        return False, selectors.ItemState(before, note, evidence_url, shown)
    now = timezone.now()
    if status == SkillStatus.LEARNING and started_at is None:
        started_at = now
    completed_at = now if status == SkillStatus.DONE else None
    if row_id is None:
        SkillProgress.objects.create(
            user_id=user_id,
            skill_id=skill_id,
            status=status,
            started_at=started_at,
            completed_at=completed_at,
        )
    else:
        _skill_update(row_id, status, started_at, completed_at, now)
    _event(user_id, EventKind.SKILL, skill_id, None, None, before, status, now)
    _bump(user_id)
    shown = _shown(status, started_at, completed_at)
    return True, selectors.ItemState(status, note, evidence_url, shown)


_NO_SKILL_ROW = (None, SkillStatus.NOT_STARTED, None, None, "", "")


def _shown(
    status: str, started_at: datetime | None, completed_at: datetime | None
) -> datetime | None:
    """The date the checklist shows for a skill: since when learning, or when done (as
    selectors.shown_date_sql)."""
    if status == SkillStatus.DONE:
        return completed_at
    return started_at if status == SkillStatus.LEARNING else None


@atomic_with_retry
def _milestone_in_transaction(
    user_id: int, milestone_id: int, done: bool
) -> tuple[bool, selectors.ItemState]:
    """The check-off of a milestone as a transaction: whether it changed anything, and the
    state the milestone is in now."""
    rows = _milestone_state(user_id, milestone_id)
    row_id, completed_at, note, evidence_url = rows[0] if rows else (None, None, "", "")
    was_done = completed_at is not None
    if was_done != done:
        now = timezone.now()
        completed_at = now if done else None
        if row_id is None:
            MilestoneProgress.objects.create(
                user_id=user_id, milestone_id=milestone_id, completed_at=completed_at
            )
        else:
            _milestone_update(row_id, completed_at, now)
        before, after = (DONE if was_done else NOT_DONE), (DONE if done else NOT_DONE)
        _event(user_id, EventKind.MILESTONE, None, milestone_id, None, before, after, now)
        _bump(user_id)
    status = _MILESTONE_STATUS[DONE if done else NOT_DONE]
    return was_done != done, selectors.ItemState(status, note, evidence_url, completed_at)


# --- Notes and goals ------------------------------------------------------------------------------


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
