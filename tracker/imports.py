"""Importing an export into a person's account: what it would change, and changing it.

The file's items are matched to this catalog by slug (skills and milestones by their own, stages
by their role's and their own; a milestone of an export made before milestones were one list, by
its role's slug or name and its slug then, careers.MilestoneAlias). Nothing the person has is
deleted or set back: a status only moves up (not started, learning, done), a date, note or
evidence link the person has stays, a note from the file is appended to theirs. Events keep their
times, and an event or goal the person already has is not added again: importing a file twice
changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, Model, OuterRef, Q, Subquery
from django.utils import timezone

from careers.models import Milestone, MilestoneAlias, Region, Role, Skill, Stage

from . import services
from .import_file import EventRecord, ExportFile, GoalRecord
from .models import (
    NOTE_MAX_LENGTH,
    EventKind,
    Goal,
    MilestoneProgress,
    Profile,
    ProgressEvent,
    SkillProgress,
    SkillStatus,
)

SKILL_RANK = {SkillStatus.NOT_STARTED: 0, SkillStatus.LEARNING: 1, SkillStatus.DONE: 2}
NOTE_SEPARATOR = "\n\n"
Row = TypeVar("Row", SkillProgress, MilestoneProgress)


def merged_note(mine: str, theirs: str) -> str | None:
    """The person's note with the file's appended; None when both do not fit in one note."""
    if not theirs or theirs in mine:
        return mine
    if not mine:
        return theirs
    combined = f"{mine}{NOTE_SEPARATOR}{theirs}"
    return combined if len(combined) <= NOTE_MAX_LENGTH else None


def higher_status(mine: str, theirs: str) -> str:
    """A skill's status after the import: the further of the two."""
    return theirs if SKILL_RANK[SkillStatus(theirs)] > SKILL_RANK[SkillStatus(mine)] else mine


@dataclass
class ImportPlan:
    """What importing a file would do, and the rows it would write."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    unknown: list[str] = field(default_factory=list)
    # Items whose note or evidence link could not be taken without replacing the person's.
    kept: list[str] = field(default_factory=list)
    new_rows: list[SkillProgress | MilestoneProgress] = field(default_factory=list)
    changed_rows: list[SkillProgress | MilestoneProgress] = field(default_factory=list)
    new_goals: list[tuple[GoalRecord, Stage, bool]] = field(default_factory=list)
    # The file's goal ids mapped to the person's goals that already match them.
    goal_ids: dict[int, int] = field(default_factory=dict)
    new_events: list[tuple[EventRecord, ProgressEvent]] = field(default_factory=list)
    skipped_events: int = 0
    # Mentor events record relations with other accounts: an import never makes those.
    skipped_mentor_events: int = 0
    profile: dict[str, object] = field(default_factory=dict)

    @property
    def changes_anything(self) -> bool:
        return bool(
            self.new_rows or self.changed_rows or self.new_goals or self.new_events or self.profile
        )


def _merge(row: Row, record, kept: list[str], name: str) -> bool:
    """The file's note and evidence link onto the person's row; True if it changes."""
    changed = False
    note = merged_note(row.note, record.note)
    if note is None:
        kept.append(f"{name} (the two notes are too long for one)")
    elif note != row.note:
        row.note, changed = note, True
    if record.evidence_url and record.evidence_url != row.evidence_url:
        if row.evidence_url:
            kept.append(f"{name} (your evidence link stays)")
        else:
            row.evidence_url, changed = record.evidence_url, True
    return changed


def plan_import(user: User, data: ExportFile) -> ImportPlan:
    """What importing `data` into the person's account would do: eleven queries at most,
    however long the file or the person's history."""
    plan = ImportPlan()
    now = timezone.now()
    # Events may name skills the rows do not (a skill set back to not started has no row).
    slugs = {r.slug for r in data.skills} | {e.skill for e in data.events if e.skill}
    skills = {s.slug: s for s in Skill.objects.filter(slug__in=slugs)}
    milestones = _milestones(data)
    skill_rows = {
        row.skill_id: row
        for row in SkillProgress.objects.filter(
            user=user, skill_id__in=[skills[r.slug].pk for r in data.skills if r.slug in skills]
        )
    }
    milestone_rows = {
        row.milestone_id: row
        for row in MilestoneProgress.objects.filter(user=user, milestone__in=milestones.values())
    }
    for record in data.skills:
        skill = skills.get(record.slug)
        if skill is None:
            plan.unknown.append(record.name or record.slug)
            continue
        row = skill_rows.get(skill.pk)
        if row is None:
            row = SkillProgress(
                user=user,
                skill=skill,
                status=record.status,
                started_at=record.started_at,
                completed_at=record.completed_at,
                note=record.note,
                evidence_url=record.evidence_url,
            )
            _add(plan, row, skill.name)
            continue
        status = higher_status(row.status, record.status)
        changed = status != row.status
        if changed:
            row.status, row.completed_at = status, record.completed_at
        if row.started_at is None and record.started_at is not None:
            row.started_at, changed = record.started_at, True
        changed = _merge(row, record, plan.kept, skill.name) or changed
        _update(plan, row, skill.name, changed, now)
    for m in data.milestones:
        milestone = milestones.get((m.role, m.slug))
        if milestone is None:
            plan.unknown.append(m.title or m.slug)
            continue
        done = milestone_rows.get(milestone.pk)
        if done is None:
            done = MilestoneProgress(
                user=user,
                milestone=milestone,
                completed_at=m.completed_at,
                note=m.note,
                evidence_url=m.evidence_url,
            )
            _add(plan, done, milestone.title)
            # Rows of an older file on milestones since merged into one come together here.
            milestone_rows[milestone.pk] = done
            continue
        changed = done.completed_at is None and m.completed_at is not None
        if changed:
            done.completed_at = m.completed_at
        changed = _merge(done, m, plan.kept, milestone.title) or changed
        if done.pk is not None:  # else a row this import adds, now with both rows' values
            _update(plan, done, milestone.title, changed, now)
    _plan_profile(plan, user, data)
    _plan_goals(plan, user, data)
    _plan_events(plan, user, data, skills, milestones)
    return plan


def _add(plan: ImportPlan, row: SkillProgress | MilestoneProgress, name: str) -> None:
    plan.new_rows.append(row)
    plan.added.append(name)


def _update(
    plan: ImportPlan, row: SkillProgress | MilestoneProgress, name: str, changed: bool, now
) -> None:
    if changed:
        row.updated_at = now
        plan.changed_rows.append(row)
        plan.updated.append(name)
    else:
        plan.unchanged += 1


def _milestones(data: ExportFile) -> dict[tuple[str, str], Milestone]:
    """The file's milestones (in rows and events) in this catalog, by (role, slug) as the file
    names them (1 query)."""
    wanted = {(m.role, m.slug) for m in data.milestones}
    wanted |= {e.milestone for e in data.events if e.milestone is not None}
    if not wanted:
        return {}
    if not data.role_key:
        found = Milestone.objects.filter(slug__in={slug for _role, slug in wanted})
        return {("", m.slug): m for m in found}
    # Older files: the milestone each role's slug named then.
    role_slug = (
        Role.objects.filter(slug=OuterRef("role_slug")).values(data.role_key)[:1]
        if data.role_key != "slug"
        else None
    )
    aliases = MilestoneAlias.objects.filter(slug__in={slug for _role, slug in wanted})
    if role_slug is not None:
        aliases = aliases.annotate(role_ref=Subquery(role_slug))
    else:
        aliases = aliases.annotate(role_ref=F("role_slug"))
    return {
        (alias.role_ref, alias.slug): alias.milestone
        for alias in aliases.select_related("milestone")
        if (alias.role_ref, alias.slug) in wanted
    }


def _plan_profile(plan: ImportPlan, user: User, data: ExportFile) -> None:
    """An empty display name or region takes the file's; the person's own stay."""
    profile = Profile.objects.filter(user=user).select_related("region").first()
    if data.display_name and not (profile and profile.display_name):
        plan.profile["display_name"] = data.display_name
    if data.region and not (profile and profile.region_id):
        region = Region.objects.filter(slug=data.region).first()
        if region is not None:
            plan.profile["region"] = region


def _plan_goals(plan: ImportPlan, user: User, data: ExportFile) -> None:
    """The file's targets the person does not have yet (same stage, same start), oldest first.
    One is made active only if the person has no target and its role and stage are current."""
    if not data.goals:
        return
    match = Q(pk__in=[])
    for g in data.goals:
        match |= Q(role__slug=g.role_slug, slug=g.stage_slug)
    stages = {(s.role.slug, s.slug): s for s in Stage.objects.filter(match).select_related("role")}
    mine = {
        (goal.target_stage_id, goal.created_at): goal
        for goal in Goal.objects.filter(user=user, target_stage__in=stages.values())
    }
    has_active = Goal.objects.filter(user=user, is_active=True).exists()
    for g in sorted(data.goals, key=lambda g: g.created_at):
        stage = stages.get((g.role_slug, g.stage_slug))
        if stage is None:
            plan.unknown.append(f"target {g.name}")
            continue
        existing = mine.get((stage.pk, g.created_at))
        if existing is not None:
            plan.goal_ids[g.id] = existing.pk
            continue
        active = g.is_active and not has_active and stage.role.is_published and not stage.is_retired
        plan.new_goals.append((g, stage, active))


def _event_key(event: ProgressEvent) -> tuple:
    return (
        event.kind,
        event.skill_id,
        event.milestone_id,
        event.goal_id,
        event.from_state,
        event.to_state,
        event.created_at,
    )


def _plan_events(
    plan: ImportPlan,
    user: User,
    data: ExportFile,
    skills: dict[str, Skill],
    milestones: dict[tuple[str, str], Milestone],
) -> None:
    """The file's events the person does not have yet. A goal event of a goal made by the import
    gets its id when the goal is made (`apply_import`); until then it is -1 and new."""
    if not data.events:
        return
    times = [e.at for e in data.events]
    have = {
        _event_key(e)
        for e in ProgressEvent.objects.filter(
            user=user, created_at__gte=min(times), created_at__lte=max(times)
        )
    }
    for record in data.events:
        if record.kind == EventKind.MENTOR:
            plan.skipped_mentor_events += 1
            continue
        if record.kind == EventKind.COMMENT:
            # Mentors write comments, not the person: neither the file's `comments` nor their
            # events are brought in.
            continue
        event = ProgressEvent(
            user=user,
            kind=record.kind,
            from_state=record.from_state,
            to_state=record.to_state,
            created_at=record.at,
        )
        if record.skill is not None:
            skill = skills.get(record.skill)
            event.skill_id = skill.pk if skill else None
        if record.milestone is not None:
            milestone = milestones.get(record.milestone)
            event.milestone_id = milestone.pk if milestone else None
        if record.kind == EventKind.GOAL:
            goal, before = _local_goal(plan, record.goal_id), _local_goal(plan, record.from_id)
            if goal is None or (record.from_id is not None and before is None):
                plan.skipped_events += 1
                continue
            if NEW_GOAL in (goal, before):
                # Its goals are made by the import: the event is new, its ids come then.
                plan.new_events.append((record, event))
                continue
            event.goal_id = goal
            event.from_state, event.to_state = str(before or ""), str(goal)
        elif not (event.skill_id or event.milestone_id):
            plan.skipped_events += 1
            continue
        if _event_key(event) not in have:
            have.add(_event_key(event))
            plan.new_events.append((record, event))


NEW_GOAL = -1


def _local_goal(plan: ImportPlan, file_id: int | None) -> int | None:
    """The person's goal for one of the file's: NEW_GOAL for one the import makes, None for one
    it skips (its stage is unknown here)."""
    if file_id is None:
        return None
    if any(g.id == file_id for g, _, _ in plan.new_goals):
        return NEW_GOAL
    return plan.goal_ids.get(file_id)


# --- Writing --------------------------------------------------------------------------------------


@transaction.atomic
def apply_import(*, user: User, data: ExportFile) -> ImportPlan:
    """Import `data` into the person's account, all or nothing, and move their progress version
    forward when anything changed. Returns what it did."""
    # Imports and target changes queue on the person's profile row.
    Profile.objects.select_for_update().get_or_create(user=user)
    plan = plan_import(user, data)
    if not plan.changes_anything:
        return plan
    if plan.profile:
        Profile.objects.filter(user=user).update(**plan.profile)
    skill_rows = [r for r in plan.new_rows if isinstance(r, SkillProgress)]
    milestone_rows = [r for r in plan.new_rows if isinstance(r, MilestoneProgress)]
    SkillProgress.objects.bulk_create(skill_rows)
    MilestoneProgress.objects.bulk_create(milestone_rows)
    _bulk_update([r for r in plan.changed_rows if isinstance(r, SkillProgress)])
    _bulk_update([r for r in plan.changed_rows if isinstance(r, MilestoneProgress)])
    made = _make_goals(user, plan) | plan.goal_ids
    events = []
    for record, event in plan.new_events:
        if record.kind == EventKind.GOAL and event.goal_id is None:
            assert record.goal_id is not None
            event.goal_id = made[record.goal_id]
            previous = made[record.from_id] if record.from_id is not None else None
            event.from_state, event.to_state = str(previous or ""), str(event.goal_id)
        events.append(event)
    ProgressEvent.objects.bulk_create(events)
    _keep_times(ProgressEvent, events, [record.at for record, _ in plan.new_events])
    services.mark_changed(user)
    return plan


def _bulk_update(rows: list) -> None:
    if rows:
        type(rows[0]).objects.bulk_update(
            rows,
            ["status", "started_at", "completed_at", "note", "evidence_url", "updated_at"]
            if isinstance(rows[0], SkillProgress)
            else ["completed_at", "note", "evidence_url", "updated_at"],
        )


def _make_goals(user: User, plan: ImportPlan) -> dict[int, int]:
    """The import's new goals with their original dates; the file's goal ids mapped to them."""
    goals = [
        Goal(
            user=user,
            role_id=stage.role_id,
            target_stage=stage,
            is_active=active,
            created_at=g.created_at,
            ended_at=None if active else g.ended_at or timezone.now(),
        )
        for g, stage, active in plan.new_goals
    ]
    made = Goal.objects.bulk_create(goals)
    _keep_times(Goal, made, [g.created_at for g, _, _ in plan.new_goals])
    return {g.id: goal.pk for (g, _, _), goal in zip(plan.new_goals, made, strict=True)}


def _keep_times(model: type[Model], rows: list, times: list[datetime]) -> None:
    """Saving stamps `created_at` (auto_now_add) with the time of the save: put the file's back
    (bulk_update writes the values as given)."""
    for row, at in zip(rows, times, strict=True):
        row.created_at = at
    if rows:
        model._default_manager.bulk_update(rows, ["created_at"], batch_size=500)


def summary(plan: ImportPlan) -> list[str]:
    """What the import does, in a few sentences."""

    def names(items: list[str]) -> str:
        return ", ".join(items[:20]) + (f" and {len(items) - 20} more" if len(items) > 20 else "")

    lines = [
        f"Adds {len(plan.added)}, updates {len(plan.updated)}, leaves {plan.unchanged} as "
        f"{'it is' if plan.unchanged == 1 else 'they are'}."
    ]
    if plan.unknown:
        lines.append(
            f"Skips {len(plan.unknown)} unknown item{'s' if len(plan.unknown) != 1 else ''} "
            f"this Pathwise does not have: {names(plan.unknown)}."
        )
    if plan.kept:
        lines.append(f"Keeps your own note or link on: {names(plan.kept)}.")
    if plan.new_goals or plan.new_events:
        lines.append(
            f"Adds {len(plan.new_goals)} target{'s' if len(plan.new_goals) != 1 else ''} and "
            f"{len(plan.new_events)} event{'s' if len(plan.new_events) != 1 else ''} to your "
            "history, with their original dates."
        )
    if plan.skipped_events:
        lines.append(f"Skips {plan.skipped_events} events about unknown items.")
    if plan.skipped_mentor_events:
        count = plan.skipped_mentor_events
        lines.append(
            f"Skips {count} mentor event{'s' if count != 1 else ''}: a record of invitations "
            "and mentors, which an import cannot make."
        )
    if plan.profile:
        filled = " and ".join(k.replace("_", " ") for k in plan.profile)
        lines.append(f"Fills in your {filled}.")
    if not plan.changes_anything:
        # The mentor events' line stays: it says why they are not added.
        lines = ["Nothing to import: your account already has everything in this file."] + [
            line for line in lines if line.startswith("Skips") and "mentor" in line
        ]
    return lines
