"""Reads of a person's data, shaped for the pages. Each function runs a fixed number of queries,
however long the person's history or large the catalog."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F, FilteredRelation, Q, QuerySet
from django.utils import timezone

from careers.models import Milestone, SalaryBand, Stage, StageSkill

from . import progress
from .models import EventKind, Goal, ProgressEvent, SkillStatus

DONE = "done"
NOT_DONE = "not_done"


@dataclass
class Row:
    """One checklist line: a catalog item with the person's own state of it."""

    item: progress.Item
    stage_id: int
    # The Skill or Milestone itself, for services that write about it.
    obj: Any
    status: str  # not_started | learning | done (milestones: not_started | done)
    note: str = ""
    evidence_url: str = ""
    changed_at: datetime | None = None
    detail: str = ""

    @property
    def kind(self) -> str:
        return self.item.kind

    @property
    def id(self) -> int:
        return self.item.id

    @property
    def name(self) -> str:
        return self.item.name

    @property
    def dom_id(self) -> str:
        return f"{self.item.kind}-{self.item.id}"

    @property
    def done(self) -> bool:
        return self.status == SkillStatus.DONE

    @property
    def learning(self) -> bool:
        return self.status == SkillStatus.LEARNING

    @property
    def unchecked_status(self) -> str:
        # What un-ticking "done" posts: someone who had finished a skill has at least started it.
        if self.status == SkillStatus.NOT_STARTED:
            return SkillStatus.NOT_STARTED
        return SkillStatus.LEARNING


@dataclass
class Section:
    """A stage of the plan with its rows, in the order the page shows them."""

    progress: progress.StageProgress
    required: list[Row]
    recommended: list[Row]
    milestones: list[Row]

    @property
    def stage(self) -> progress.Stage:
        return self.progress.stage


@dataclass
class Plan:
    goal: Goal
    stages: list[progress.Stage]
    rows: dict[progress.ItemKey, Row]

    @cached_property
    def progress(self) -> progress.Progress:
        done = {key for key, row in self.rows.items() if row.done}
        return progress.compute(self.stages, target_stage_id=self.goal.target_stage_id, done=done)

    def record(self, row: Row, status: str, when: datetime) -> None:
        """Apply a change just written, so the figures can be shown again without a query."""
        row.status = status
        row.changed_at = when if status != SkillStatus.NOT_STARTED else None
        self.__dict__.pop("progress", None)

    @property
    def sections(self) -> list[Section]:
        return [self._section(sp) for sp in self.progress.path]

    @property
    def beyond_target(self) -> bool:
        """Whether the role has stages past the target (or other branches) with items."""
        return any(not sp.on_path and not sp.skipped for sp in self.progress.stages)

    @property
    def next_steps(self) -> list[Row]:
        return [self.rows[item.key] for item in self.progress.next_steps]

    def section_of(self, row: Row) -> Section:
        sp = self.progress.stage(row.stage_id)
        assert sp is not None
        return self._section(sp)

    def row(self, kind: progress.ItemKind, id: int) -> Row | None:
        """An item a person may check off: active and on the way to their target."""
        row = self.rows.get((kind, id))
        if row is None or row.item.retired:
            return None
        sp = self.progress.stage(row.stage_id)
        return row if sp is not None and sp.on_path else None

    def _section(self, sp: progress.StageProgress) -> Section:
        return Section(
            progress=sp,
            required=[self.rows[i.key] for i in sp.required],
            recommended=[self.rows[i.key] for i in sp.recommended],
            milestones=[self.rows[i.key] for i in sp.milestones],
        )


def active_goal(user: AbstractBaseUser, *, with_profile: bool = False) -> Goal | None:
    """The person's current goal, if its role is still published (1 query)."""
    related = ["role", "target_stage"]
    if with_profile:
        # The dashboard needs the region too: one join instead of another query.
        related.append("user__profile__region")
    return (
        Goal.objects.active()
        .filter(user=user, role__is_published=True)
        .select_related(*related)
        .first()
    )


def load_plan(user: AbstractBaseUser, goal: Goal) -> Plan:
    """The goal's role with the person's state of every item (2 queries).

    Stages come along with their items; a stage without items counts for nothing, so leaving it
    out changes no figure and saves a query.
    """
    stage_skills = (
        StageSkill.objects.filter(role_id=goal.role_id, stage__is_retired=False)
        .select_related("skill", "stage")
        .annotate(
            mine=FilteredRelation("skill__progress", condition=Q(skill__progress__user=user)),
            my_status=F("mine__status"),
            my_note=F("mine__note"),
            my_evidence=F("mine__evidence_url"),
            my_started=F("mine__started_at"),
            my_completed=F("mine__completed_at"),
        )
        .order_by("stage__position", "position", "id")
    )
    milestones = (
        Milestone.objects.filter(role_id=goal.role_id, stage__is_retired=False)
        .select_related("stage")
        .annotate(
            mine=FilteredRelation("progress", condition=Q(progress__user=user)),
            my_note=F("mine__note"),
            my_evidence=F("mine__evidence_url"),
            my_completed=F("mine__completed_at"),
        )
        .order_by("stage__position", "position", "id")
    )

    stages: dict[int, Stage] = {goal.target_stage_id: goal.target_stage}
    skills: defaultdict[int, list[progress.Item]] = defaultdict(list)
    marks: defaultdict[int, list[progress.Item]] = defaultdict(list)
    rows: dict[progress.ItemKey, Row] = {}

    for ss in stage_skills:
        stages.setdefault(ss.stage_id, ss.stage)
        item = progress.Item(
            kind=progress.SKILL,
            id=ss.skill_id,
            name=ss.skill.name,
            required=ss.required,
            retired=ss.is_retired or ss.skill.is_retired,
        )
        skills[ss.stage_id].append(item)
        status = ss.my_status or SkillStatus.NOT_STARTED
        rows[item.key] = Row(
            item=item,
            stage_id=ss.stage_id,
            obj=ss.skill,
            status=status,
            note=ss.my_note or "",
            evidence_url=ss.my_evidence or "",
            changed_at={SkillStatus.DONE: ss.my_completed, SkillStatus.LEARNING: ss.my_started}.get(
                status
            ),
            detail=ss.skill.get_category_display(),
        )

    for m in milestones:
        stages.setdefault(m.stage_id, m.stage)
        item = progress.Item(kind=progress.MILESTONE, id=m.id, name=m.title, retired=m.is_retired)
        marks[m.stage_id].append(item)
        is_done = m.my_completed is not None
        rows[item.key] = Row(
            item=item,
            stage_id=m.stage_id,
            obj=m,
            status=SkillStatus.DONE if is_done else SkillStatus.NOT_STARTED,
            note=m.my_note or "",
            evidence_url=m.my_evidence or "",
            changed_at=m.my_completed,
            detail=m.get_kind_display(),
        )

    plain = [
        progress.Stage(
            id=s.id,
            title=s.title,
            level=s.level,
            position=s.position,
            skills=tuple(skills[s.id]),
            milestones=tuple(marks[s.id]),
        )
        for s in stages.values()
    ]
    return Plan(goal=goal, stages=plain, rows=rows)


def salary_bands(goal: Goal) -> tuple[list[progress.Band], dict[int, SalaryBand]]:
    """Every band of the goal's role, with its source (1 query): as plain data for the rules,
    and by id for the page."""
    bands = list(SalaryBand.objects.filter(role_id=goal.role_id).select_related("source"))
    plain = [
        progress.Band(
            id=b.id,
            stage_id=b.stage_id,
            region_id=b.region_id,
            pay_basis=b.pay_basis,
            position=b.position,
            low=b.low,
            high=b.high,
            midpoint=b.midpoint,
            midpoint_kind=b.midpoint_kind,
            p10=b.p10,
            p90=b.p90,
            year=b.year,
            source_title=b.source.title,
            section=b.section,
            note=b.note,
        )
        for b in bands
    ]
    return plain, {b.id: b for b in bands}


def recent_events(user: AbstractBaseUser, *, limit: int = 10) -> QuerySet[ProgressEvent]:
    # Retired items stay in here on purpose: history is never rewritten.
    return ProgressEvent.objects.filter(user=user).select_related(
        "skill", "milestone", "goal__role", "goal__target_stage"
    )[:limit]


def completed_recently(user: AbstractBaseUser, *, now: datetime | None = None) -> int:
    since = (now or timezone.now()) - timedelta(days=progress.PACE_WINDOW_DAYS)
    return ProgressEvent.objects.filter(
        user=user,
        created_at__gte=since,
        kind__in=[EventKind.SKILL, EventKind.MILESTONE],
        to_state=DONE,
    ).count()


def target_choices() -> list[tuple[str, list[Stage]]]:
    """Published roles with their current stages, for "choose a target" selects (1 query)."""
    stages = (
        Stage.objects.filter(role__is_published=True, is_retired=False)
        .select_related("role")
        .order_by("role__name", "position")
    )
    grouped: dict[str, list[Stage]] = {}
    for stage in stages:
        grouped.setdefault(stage.role.name, []).append(stage)
    return list(grouped.items())
