"""Reads of a person's data, shaped for the pages. Each runs a fixed number of queries, however
long the person's history or large the catalog; what comes from the catalog alone is cached by
catalog version (careers.cache)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from django.contrib.auth.models import User
from django.db.models import TextChoices

from careers import cache as catalog_cache
from careers import queries as catalog_queries
from careers.models import (
    MilestoneKind,
    SalaryBand,
    SkillCategory,
    Stage,
    StageMilestone,
    StageSkill,
)
from careers.salaries import Band

from . import progress
from .models import (
    Goal,
    ItemComment,
    MilestoneProgress,
    Profile,
    ProgressEvent,
    SkillProgress,
    SkillStatus,
    skill_shown_date,
)
from .progress import ItemKey, PaceWindow, StageProgress
from .progress import Stage as ProgressStage

# A milestone's states in its events and its check-off form.
DONE = "done"
NOT_DONE = "not_done"


def active_goal(user: User) -> Goal | None:
    """The person's current goal; a goal whose role was unpublished since is no goal (1 query).
    There is one active goal at most (a database constraint)."""
    try:
        return Goal.objects.current().select_related("role", "target_stage").get(user=user)
    except Goal.DoesNotExist:
        return None


def profile(user: User) -> Profile:
    """The person's profile with its region (1 query). Sign-up makes it; an account made another
    way gets one on first use."""
    found, _ = Profile.objects.select_related("region").get_or_create(user=user)
    return found


# --- A role's checklist ---------------------------------------------------------------------


@dataclass(frozen=True)
class RoleStructure:
    """A role's current stages with their items, and what a checklist line shows of each: the
    same for everyone, so it is cached by catalog version."""

    role_id: int
    # The current stages that have items (retired items included), in position order.
    stages: tuple[progress.Stage, ...]
    # Each item's category (skills) or kind (milestones).
    details: dict[progress.ItemKey, str]
    # The retired stages that have items, every item of them retired with its stage: nobody
    # checks them off or counts them, but their owners still see what they did there.
    retired_stages: tuple[progress.Stage, ...] = ()
    # Each skill's slug, the address of its page.
    skill_slugs: dict[int, str] = field(default_factory=dict)

    @cached_property
    def items(self) -> dict[progress.ItemKey, tuple[int, progress.Item]]:
        """Every item with the id of its stage, retired ones included."""
        return {
            item.key: (stage.id, item)
            for stage in sorted((*self.stages, *self.retired_stages), key=lambda s: s.position)
            for item in (*stage.skills, *stage.milestones)
        }

    @cached_property
    def stage_titles(self) -> dict[int, str]:
        return {stage.id: stage.title for stage in (*self.stages, *self.retired_stages)}

    def plan_stages(self, target: Stage) -> list[progress.Stage]:
        """The stages a plan counts: those with items, and the target whatever it holds."""
        stages = list(self.stages)
        if all(stage.id != target.pk for stage in stages):
            # A target without items (or retired since it was chosen) is still where they aim.
            stages.append(
                progress.Stage(
                    id=target.pk, title=target.title, level=target.level, position=target.position
                )
            )
        return stages


def _label(choices: type[TextChoices], value: str) -> str:
    return choices(value).label if value in choices.values else value


def read_structures(role_ids: Collection[int]) -> dict[int, RoleStructure]:
    """The structures of these roles, whatever their number (2 queries); a role without items
    has empty stages."""
    # Retired stages too: their items are the retired ones a plan still shows their owner.
    stage_skills = (
        StageSkill.objects.filter(role_id__in=role_ids)
        .select_related("skill", "stage")
        .order_by("stage__position", "-required", "position", "id")
    )
    stage_milestones = (
        StageMilestone.objects.filter(role_id__in=role_ids)
        .select_related("milestone", "stage")
        .order_by("stage__position", "position", "id")
    )
    stages: dict[int, Stage] = {}
    skills: dict[int, list[progress.Item]] = {}
    milestones: dict[int, list[progress.Item]] = {}
    details: dict[progress.ItemKey, str] = {}
    skill_slugs: dict[int, str] = {}
    # Both in catalog order: stage by stage, required skills first.
    for ss in stage_skills:
        stages[ss.stage_id] = ss.stage
        item = progress.Item(
            kind=progress.SKILL,
            id=ss.skill_id,
            name=ss.skill.name,
            required=ss.required,
            retired=ss.item_retired() or ss.stage.is_retired,
        )
        skills.setdefault(ss.stage_id, []).append(item)
        details[item.key] = _label(SkillCategory, ss.skill.category)
        skill_slugs[ss.skill_id] = ss.skill.slug
    for sm in stage_milestones:
        stages[sm.stage_id] = sm.stage
        item = progress.Item(
            kind=progress.MILESTONE,
            id=sm.milestone_id,
            name=sm.milestone.title,
            retired=sm.item_retired() or sm.stage.is_retired,
        )
        milestones.setdefault(sm.stage_id, []).append(item)
        details[item.key] = _label(MilestoneKind, sm.milestone.kind)
    ordered: dict[int, list[progress.Stage]] = {role_id: [] for role_id in role_ids}
    for stage in sorted(stages.values(), key=lambda stage: (stage.position, stage.pk)):
        ordered[stage.role_id].append(
            progress.Stage(
                id=stage.pk,
                title=stage.title,
                level=stage.level,
                position=stage.position,
                skills=tuple(skills.get(stage.pk, ())),
                milestones=tuple(milestones.get(stage.pk, ())),
            )
        )
    retired = {stage.pk for stage in stages.values() if stage.is_retired}
    return {
        role_id: RoleStructure(
            role_id=role_id,
            stages=tuple(stage for stage in role_stages if stage.id not in retired),
            # An item's detail is its skill's category or its milestone's kind, whatever the role.
            details={
                item.key: details[item.key]
                for stage in role_stages
                for item in (*stage.skills, *stage.milestones)
            },
            retired_stages=tuple(stage for stage in role_stages if stage.id in retired),
            skill_slugs={
                item.id: skill_slugs[item.id] for stage in role_stages for item in stage.skills
            },
        )
        for role_id, role_stages in ordered.items()
    }


def role_structure(role_id: int, catalog_version: int | None) -> RoleStructure:
    """The role's checklist, from the cache while the catalog is unchanged (else 2 queries)."""
    return catalog_cache.cached(
        f"structure:{role_id}", catalog_version, lambda: read_structures([role_id])[role_id]
    )


def role_bands(role_id: int, catalog_version: int | None) -> tuple[Band, ...]:
    """Every salary band of the role with its source, from the cache (else 1 query)."""

    def read() -> tuple[Band, ...]:
        bands = SalaryBand.objects.filter(role_id=role_id).select_related("source")
        return tuple(Band.of(band) for band in bands)

    return catalog_cache.cached(f"bands:{role_id}", catalog_version, read)


# --- A person's plan --------------------------------------------------------------------------


@dataclass
class Row:
    """One checklist line: a catalog item with the person's own state of it."""

    item: progress.Item
    # None for an item shown outside the person's plan.
    stage_id: int | None
    detail: str
    status: str = SkillStatus.NOT_STARTED  # milestones: not_started | done
    note: str = ""
    evidence_url: str = ""
    # The date the line shows (tracker.models.skill_shown_date; a milestone shows when it was done).
    changed_at: datetime | None = None
    # A skill's slug, the address of its page; "" for a milestone.
    slug: str = ""

    # Mentors' comments on the item, where the page reads them (tracker.feedback).
    comments: list[ItemComment] = field(default_factory=list)

    @property
    def kind(self) -> progress.ItemKind:
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
    def shown_comments(self) -> list[ItemComment]:
        return [comment for comment in self.comments if not comment.is_hidden]

    @property
    def hidden_comments(self) -> list[ItemComment]:
        return [comment for comment in self.comments if comment.is_hidden]

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
    def stage(self) -> ProgressStage:
        return self.progress.stage


@dataclass
class Plan:
    goal: Goal
    structure: RoleStructure
    rows: dict[progress.ItemKey, Row]

    @cached_property
    def stages(self) -> list[progress.Stage]:
        return self.structure.plan_stages(self.goal.target_stage)

    @cached_property
    def progress(self) -> progress.Progress:
        done = frozenset(key for key, row in self.rows.items() if row.done)
        return progress.compute(self.stages, target_stage_id=self.goal.target_stage_id, done=done)

    @property
    def sections(self) -> list[Section]:
        return [self.section(sp) for sp in self.progress.path]

    @property
    def beyond_target(self) -> bool:
        """Whether the role has stages past the target (or other branches) with items."""
        return any(not sp.on_path and not sp.skipped for sp in self.progress.stages)

    @property
    def next_steps(self) -> list[Row]:
        return [self.rows[item.key] for item in self.progress.next_steps]

    @cached_property
    def completions(self) -> dict[ItemKey, datetime]:
        """The items done, each with when it was completed (the pace's input)."""
        return {
            key: row.changed_at
            for key, row in self.rows.items()
            if row.done and row.changed_at is not None
        }

    def pace(self, now: datetime) -> PaceWindow:
        """The checklist pace over the 28 days up to `now` (no query: the rows hold it)."""
        return progress.pace_window(self.completions, now=now, counted=self.progress.counting_keys)

    @cached_property
    def retired(self) -> list[tuple[str, list[Row]]]:
        """The items the catalog retired that the person started, did or wrote about, by stage
        (its title) in catalog order: shown at the end of their plan, counted nowhere."""
        grouped: dict[int, list[Row]] = {}
        for row in self.rows.values():
            if (
                row.stage_id is not None
                and row.item.retired
                and (row.status != SkillStatus.NOT_STARTED or row.note or row.evidence_url)
            ):
                grouped.setdefault(row.stage_id, []).append(row)
        titles = self.structure.stage_titles
        return [(titles[stage_id], rows) for stage_id, rows in grouped.items()]

    def section(self, sp: StageProgress) -> Section:
        return Section(
            progress=sp,
            required=[self.rows[i.key] for i in sp.required],
            recommended=[self.rows[i.key] for i in sp.recommended],
            milestones=[self.rows[i.key] for i in sp.milestones],
        )


def checkable(goal: Goal, structure: RoleStructure, key: progress.ItemKey) -> bool:
    """Whether the person may check the item off: a current item on the way to their target.
    Known from the catalog alone, without the person's progress."""
    found = structure.items.get(key)
    if found is None or found[1].retired:
        return False
    stage_id = found[0]
    stages = structure.plan_stages(goal.target_stage)
    return stage_id in progress.path_stage_ids(stages, goal.target_stage_id)


def _published_items(
    catalog_version: int | None,
) -> dict[tuple[str, int], catalog_queries.PublishedItem]:
    return catalog_cache.cached("published-items", catalog_version, catalog_queries.published_items)


def is_published(key: ItemKey, catalog_version: int | None) -> bool:
    """Whether people may check the item off wherever it is shown: a current skill or milestone
    that a current stage of a published role asks for (careers.queries.published_items), from
    the cache while the catalog is unchanged (else 2 queries)."""
    return key in _published_items(catalog_version)


def item_name(goal: Goal | None, key: ItemKey, catalog_version: int | None) -> str | None:
    """The item's name from the person's plan (their goal given), else from the published items
    (None: no longer published)."""
    if goal is not None:
        return role_structure(goal.role_id, catalog_version).items[key][1].name
    found = _published_items(catalog_version).get(key)
    return found.name if found is not None else None


def item_row(user: User, key: ItemKey, catalog_version: int | None) -> Row | None:
    """One published item with the person's state of it, for a page outside their plan; None for
    any other item (the catalog as `is_published` reads it, then 1 query)."""
    found = _published_items(catalog_version).get(key)
    if found is None:
        return None
    kind, item_id = key
    row = Row(progress.Item(kind=kind, id=item_id, name=found.name), None, found.detail)
    _read_states(user, {key: row})
    return row


def load_plan(user: User, goal: Goal, catalog_version: int | None) -> Plan:
    """The goal's role with the person's state of every item (2 queries)."""
    structure = role_structure(goal.role_id, catalog_version)
    rows = {
        key: Row(item, stage_id, structure.details[key])
        for key, (stage_id, item) in structure.items.items()
    }
    for skill_id, slug in structure.skill_slugs.items():
        rows[(progress.SKILL, skill_id)].slug = slug
    _read_states(user, rows)
    return Plan(goal=goal, structure=structure, rows=rows)


def _read_states(user: User, rows: dict[ItemKey, Row]) -> None:
    """Put the person's state of each item on its row (a query for the skills, one for the
    milestones, none for a kind without rows)."""
    skill_ids = [item_id for kind, item_id in rows if kind == progress.SKILL]
    skills = SkillProgress.objects.filter(user=user, skill_id__in=skill_ids)
    for skill_id, status, note, evidence_url, started_at, completed_at in skills.values_list(
        "skill_id", "status", "note", "evidence_url", "started_at", "completed_at"
    ):
        row = rows[(progress.SKILL, skill_id)]
        row.status, row.note, row.evidence_url = status, note, evidence_url
        row.changed_at = skill_shown_date(status, started_at, completed_at)
    milestone_ids = [item_id for kind, item_id in rows if kind == progress.MILESTONE]
    milestones = MilestoneProgress.objects.filter(user=user, milestone_id__in=milestone_ids)
    for milestone_id, note, evidence_url, completed_at in milestones.values_list(
        "milestone_id", "note", "evidence_url", "completed_at"
    ):
        row = rows[(progress.MILESTONE, milestone_id)]
        row.note, row.evidence_url, row.changed_at = note, evidence_url, completed_at
        if completed_at is not None:
            row.status = SkillStatus.DONE


# --- History ------------------------------------------------------------------------------------

RECENT_EVENTS_LIMIT = 10


def recent_events(user: User, *, kinds: Sequence[str] | None = None) -> list[ProgressEvent]:
    """The last ten changes (of these kinds, if given), newest first, with the names they
    mention (1 query, read in the order of the event_user_recent index). Retired items stay:
    history is never rewritten."""
    events = ProgressEvent.objects.filter(user=user).select_related(
        "skill", "milestone", "goal__role", "goal__target_stage", "mentorship__mentor__profile"
    )
    if kinds is not None:
        events = events.filter(kind__in=kinds)
    return list(events[:RECENT_EVENTS_LIMIT])


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
