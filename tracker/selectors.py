"""Reads of a person's data, shaped for the pages. Each function runs a fixed number of queries,
however long the person's history or large the catalog."""

from __future__ import annotations

import functools
import textwrap
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Min,
    Q,
    TextChoices,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dates import MONTHS_3
from django.utils.timezone import template_localtime

from careers import cache as catalog_cache
from careers.models import (
    Milestone,
    MilestoneKind,
    SalaryBand,
    Skill,
    SkillCategory,
    Stage,
    StageSkill,
)
from config.compiled import CompiledRead

from . import progress
from .models import (
    Goal,
    MilestoneProgress,
    ProgressEvent,
    SkillProgress,
    SkillStatus,
)

DONE = "done"
NOT_DONE = "not_done"


def day_label(value: datetime, labels: DayLabels | None = None) -> str:
    """The date filter's "j M" ("9 Nov"), built as Django's date format builds it."""
    return (labels or DayLabels())(value)


@functools.cache
def _month_names(language: str | None) -> dict[int, str]:
    with translation.override(language):
        return {n: str(name).title() for n, name in MONTHS_3.items()}


class DayLabels:
    """`day_label` for many dates at once: the time zone and month names are looked up once, as
    pages show dozens of these dates."""

    def __init__(self) -> None:
        self.zone = timezone.get_current_timezone()
        self.months = _month_names(translation.get_language())

    def __call__(self, value: datetime) -> str:
        local = value.astimezone(self.zone) if timezone.is_aware(value) else value
        return f"{local.day} {self.months[local.month]}"


@dataclass(frozen=True)
class ItemInfo:
    """What a checklist line shows of the catalog: the same for everyone, so it is cached."""

    item: progress.Item
    stage_id: int
    detail: str
    check_url: str
    note_url: str
    # Where the note form lives: a page of its own, as few people open it.
    note_page_url: str


@dataclass(frozen=True)
class RoleStructure:
    """A role's stages and items as plain values, for the plan, the dashboard and check-offs.

    Cached per catalog version (careers.cache): only the person's own rows are read per request.
    """

    role_id: int
    # The catalog version it was read at (None when the cache is down): the key of anything
    # rendered from it (tracker.checklist).
    version: int | None
    # The current stages that have items (retired items included), in position order.
    stages: dict[int, progress.Stage]
    items: dict[progress.ItemKey, ItemInfo]
    skill_ids: tuple[int, ...]
    milestone_ids: tuple[int, ...]

    @cached_property
    def id_arrays(self) -> tuple[str, str]:
        """The skill and milestone ids as PostgreSQL array literals ("{1,2,3}"), which a
        statement casts to bigint[]: one string parameter each, where a list is dumped id by
        id on every request."""
        return _array(self.skill_ids), _array(self.milestone_ids)

    def path(self, target: StageRef) -> PlanPath:
        """The stages on the way to `target` and the items that count on them, worked out once
        per target (the structure itself is kept per catalog version)."""
        paths = self._paths
        found = paths.get(target)
        if found is None:
            found = paths[target] = PlanPath.of(self, target)
        return found

    @cached_property
    def _paths(self) -> dict[StageRef, PlanPath]:
        return {}

    def plan_stages(self, target: StageRef) -> list[progress.Stage]:
        """The stages a plan counts: those with items, and the target whatever it holds."""
        stages = list(self.stages.values())
        if target.id not in self.stages:
            # A target without items (or retired since it was chosen) is still where they aim.
            stages.append(
                progress.Stage(
                    id=target.id, title=target.title, level=target.level, position=target.position
                )
            )
        return stages


def _array(ids: Iterable[int]) -> str:
    return "{" + ",".join(str(int(i)) for i in ids) + "}"


@dataclass(frozen=True)
class PlanPath:
    """The stages on the way to a target and the items that count on them: all that the figures
    a check-off's answer shows are made of (its stage's and the target's)."""

    structure: RoleStructure
    target: StageRef
    stages: tuple[progress.Stage, ...]
    counting_keys: frozenset[progress.ItemKey]
    # The ids of the counting items of each kind.
    skill_ids: tuple[int, ...]
    milestone_ids: tuple[int, ...]

    @cached_property
    def id_arrays(self) -> tuple[str, str]:
        """As RoleStructure.id_arrays."""
        return _array(self.skill_ids), _array(self.milestone_ids)

    @cached_property
    def stage_ids(self) -> frozenset[int]:
        return frozenset(stage.id for stage in self.stages)

    @classmethod
    def of(cls, structure: RoleStructure, target: StageRef) -> PlanPath:
        stages = structure.plan_stages(target)
        on_path = progress.path_stage_ids(stages, target.id)
        path = tuple(stage for stage in stages if stage.id in on_path)
        keys = sorted(key for stage in path for key in stage.counting_keys)
        skills = tuple(i for kind, i in keys if kind == progress.SKILL)
        milestones = tuple(i for kind, i in keys if kind == progress.MILESTONE)
        return cls(structure, target, path, frozenset(keys), skills, milestones)


@dataclass
class Row:
    """One checklist line: a catalog item with the person's own state of it."""

    info: ItemInfo
    status: str  # not_started | learning | done (milestones: not_started | done)
    note: str = ""
    evidence_url: str = ""
    changed_at: datetime | None = None
    # The rendered checklist item, once a page asks for it (tracker.checklist).
    html: str = ""

    @classmethod
    def of(cls, info: ItemInfo, state: ItemState) -> Row:
        return cls(info, state.status, state.note, state.evidence_url, state.changed_at)

    @property
    def item(self) -> progress.Item:
        return self.info.item

    @property
    def stage_id(self) -> int:
        return self.info.stage_id

    @property
    def kind(self) -> str:
        return self.info.item.kind

    @property
    def id(self) -> int:
        return self.info.item.id

    @property
    def name(self) -> str:
        return self.info.item.name

    @property
    def detail(self) -> str:
        return self.info.detail

    @property
    def check_url(self) -> str:
        return self.info.check_url

    @property
    def note_url(self) -> str:
        return self.info.note_url

    @property
    def note_page_url(self) -> str:
        return self.info.note_page_url

    @property
    def changed_label(self) -> str:
        """When the item got its state, as the checklist says it ("9 Nov")."""
        return self.day_label()

    def day_label(self, labels: DayLabels | None = None) -> str:
        return day_label(self.changed_at, labels) if self.changed_at is not None else ""

    @property
    def has_note(self) -> bool:
        return bool(self.note or self.evidence_url)

    @property
    def dom_id(self) -> str:
        return f"{self.info.item.kind}-{self.info.item.id}"

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

    def model_object(self) -> Skill | Milestone:
        """The Skill or Milestone by primary key alone: all the services that write need."""
        return Skill(pk=self.id) if self.kind == progress.SKILL else Milestone(pk=self.id)


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

    @property
    def rows(self) -> list[Row]:
        return self.required + self.recommended + self.milestones


@dataclass
class Plan:
    goal: CurrentGoal
    structure: RoleStructure
    stages: list[progress.Stage]
    rows: dict[progress.ItemKey, Row]
    # The items done, for a plan that holds only some of its rows (`checked_off_plan`): its
    # figures still count every item of its stages. None: the rows are all there, and tell.
    done: frozenset[progress.ItemKey] | None = None

    @cached_property
    def progress(self) -> progress.Progress:
        done = self.done
        if done is None:
            done = frozenset(key for key, row in self.rows.items() if row.done)
        return progress.compute(self.stages, target_stage_id=self.goal.target_stage_id, done=done)

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
        return row if row.stage_id in self.path_stage_ids else None

    @cached_property
    def path_stage_ids(self) -> frozenset[int]:
        """The stages on the way to the target: known without the person's progress."""
        return self.structure.path(self.goal.target_stage).stage_ids

    def _section(self, sp: progress.StageProgress) -> Section:
        return Section(
            progress=sp,
            required=[self.rows[i.key] for i in sp.required],
            recommended=[self.rows[i.key] for i in sp.recommended],
            milestones=[self.rows[i.key] for i in sp.milestones],
        )


@dataclass(frozen=True)
class RoleRef:
    id: int
    name: str
    slug: str

    def get_absolute_url(self) -> str:
        return reverse("careers:role_detail", kwargs={"slug": self.slug})


@dataclass(frozen=True)
class StageRef:
    id: int
    title: str
    level: str
    position: int


@dataclass(frozen=True)
class RegionRef:
    id: int
    name: str


@dataclass(frozen=True)
class ProfileRef:
    display_name: str
    region: RegionRef | None


@dataclass(frozen=True)
class CurrentGoal:
    """The person's active goal with what the pages show of its role and target stage."""

    id: int
    created_at: datetime
    role: RoleRef
    target_stage: StageRef
    # Only when asked for (the dashboard); None also when the person has no profile yet.
    profile: ProfileRef | None = None

    @property
    def role_id(self) -> int:
        return self.role.id

    @property
    def target_stage_id(self) -> int:
        return self.target_stage.id


_GOAL_FIELDS = (
    "id",
    "created_at",
    "role_id",
    "role__name",
    "role__slug",
    "target_stage_id",
    "target_stage__title",
    "target_stage__level",
    "target_stage__position",
)
_PROFILE_FIELDS = (
    "user__profile__id",
    "user__profile__display_name",
    "user__profile__region_id",
    "user__profile__region__name",
)


def _goal_read(*fields: str) -> CompiledRead:
    # One active goal at most (a database constraint): no ORDER BY needed. Served by the
    # partial unique index one_active_goal_per_user.
    return CompiledRead(
        lambda user_id: (
            Goal.objects.filter(user_id=user_id, is_active=True, role__is_published=True)
            .order_by()
            .values_list(*fields)[:1]
        )
    )


_active_goal = _goal_read(*_GOAL_FIELDS)
# The dashboard needs the profile and region too: joined, instead of another query.
_active_goal_with_profile = _goal_read(*_GOAL_FIELDS, *_PROFILE_FIELDS)


# Where tracker.people keeps what was read with the account: the goal comes from there when it
# is (no query), with the profile joined in.
PERSON_ATTRIBUTE = "_pathwise_person"


def active_goal(user: AbstractBaseUser, *, with_profile: bool = False) -> CurrentGoal | None:
    """The person's current goal, if its role is still published (1 query, or none when it was
    read with the account)."""
    person = getattr(user, PERSON_ATTRIBUTE, None)
    if person is not None:
        return person.goal
    read = _active_goal_with_profile if with_profile else _active_goal
    rows = read(user.pk)
    if not rows:
        return None
    id, created, role_id, name, slug, stage_id, title, level, position, *more = rows[0]
    profile = None
    if with_profile and more[0] is not None:
        _profile_id, display_name, region_id, region_name = more
        region = RegionRef(region_id, region_name) if region_id is not None else None
        profile = ProfileRef(display_name=display_name, region=region)
    return CurrentGoal(
        id=id,
        created_at=created,
        role=RoleRef(role_id, name, slug),
        target_stage=StageRef(stage_id, title, level, position),
        profile=profile,
    )


def _build_structure(role_id: int, at: int | None) -> RoleStructure:
    """A role's catalog side in one query (only when the cache has no copy of it).

    Stage skills and milestones come together (UNION ALL), each line with its stage; a stage
    without items counts for nothing, so leaving it out changes no figure.
    """
    common = ("stage_id", "stage__title", "stage__level", "stage__position", "position", "id")
    # Sorted below: a compound statement takes no ORDER BY in its parts.
    skills = StageSkill.objects.filter(role_id=role_id, stage__is_retired=False).order_by()
    skills = skills.values_list(
        _kind(progress.SKILL),
        "skill_id",
        "skill__name",
        "skill__category",
        "required",
        Q(is_retired=True) | Q(skill__is_retired=True),
        *common,
    )
    milestones = Milestone.objects.filter(role_id=role_id, stage__is_retired=False).order_by()
    milestones = milestones.values_list(
        _kind(progress.MILESTONE),
        "id",
        "title",
        "kind",
        Cast(Value(True), BooleanField()),
        "is_retired",
        *common,
    )
    lines = sorted(
        skills.union(milestones, all=True).order_by(),
        # Stage by stage, then catalog order within each kind.
        key=lambda line: (line[9], line[0], line[10], line[11]),
    )

    items: dict[progress.ItemKey, ItemInfo] = {}
    stage_rows: dict[int, tuple[str, str, int]] = {}
    by_stage: defaultdict[int, dict[str, list[progress.Item]]] = defaultdict(
        lambda: {progress.SKILL: [], progress.MILESTONE: []}
    )
    labels = {progress.SKILL: SkillCategory, progress.MILESTONE: MilestoneKind}
    for kind, id, name, category, required, retired, stage_id, title, level, position, *_ in lines:
        stage_rows.setdefault(stage_id, (title, level, position))
        item = progress.Item(kind=kind, id=id, name=name, required=required, retired=retired)
        by_stage[stage_id][kind].append(item)
        url_name = "skill_status" if kind == progress.SKILL else "milestone_done"
        note_name = "skill_note" if kind == progress.SKILL else "milestone_note"
        items[item.key] = ItemInfo(
            item=item,
            stage_id=stage_id,
            detail=_label(labels[kind], category),
            check_url=reverse(f"tracker:{url_name}", args=[id]),
            note_url=reverse(f"tracker:{note_name}", args=[id]),
            note_page_url=reverse("tracker:note_page", args=[kind, id]),
        )

    stages = {
        stage_id: progress.Stage(
            id=stage_id,
            title=title,
            level=level,
            position=position,
            skills=tuple(by_stage[stage_id][progress.SKILL]),
            milestones=tuple(by_stage[stage_id][progress.MILESTONE]),
        )
        for stage_id, (title, level, position) in stage_rows.items()
    }
    return RoleStructure(
        role_id=role_id,
        version=at,
        stages=stages,
        items=items,
        skill_ids=tuple(key[1] for key in items if key[0] == progress.SKILL),
        milestone_ids=tuple(key[1] for key in items if key[0] == progress.MILESTONE),
    )


def _label(choices: type[TextChoices], value: str) -> str:
    return choices(value).label if value in choices.values else value


def _plain_band(b: SalaryBand) -> progress.Band:
    return progress.Band(
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


def role_structure(role_id: int) -> RoleStructure:
    """The role's catalog side, from the cache while the catalog is unchanged."""
    at = catalog_cache.version()
    return catalog_cache.cached(f"structure:{role_id}", lambda: _build_structure(role_id, at), at)


def role_bands(role_id: int, at: int | None) -> tuple[progress.Band, ...]:
    """Every salary band of the role with its source, from the cache (else 1 query); `at` is
    the catalog version the page already read."""

    def read() -> tuple[progress.Band, ...]:
        bands = SalaryBand.objects.filter(role_id=role_id).select_related("source").order_by()
        return tuple(_plain_band(b) for b in bands)

    return catalog_cache.cached(f"bands:{role_id}", read, at)


def _kind(kind: str) -> Cast:
    # Typed in the SQL, as a bare parameter in a SELECT list has no type PostgreSQL can infer.
    return Cast(Value(kind), CharField(max_length=9))


# This person's progress on the role's items, one statement for both kinds. Each half looks the
# items up one by one in the unique (user, item) index of its table (see tracker/models.py), so
# the cost follows the role's size, never the length of the person's history; the ids go as one
# parameter each (config.lookups), so the statement is the same for every role. PostgreSQL runs
# its own form of it (lateral_progress_sql below), as its generic plan of this one would not.
_progress = CompiledRead(
    lambda user_id, skill_ids, milestone_ids: (
        SkillProgress.objects.filter(user_id=user_id, skill_id__any_of=skill_ids)
        .order_by()
        .values_list(
            _kind(progress.SKILL),
            "skill_id",
            "status",
            "note",
            "evidence_url",
            # The one date the checklist shows: since when learning, or when done.
            Case(
                When(status=SkillStatus.DONE, then="completed_at"),
                When(status=SkillStatus.LEARNING, then="started_at"),
            ),
        )
        .union(
            MilestoneProgress.objects.filter(user_id=user_id, milestone_id__any_of=milestone_ids)
            .order_by()
            .values_list(
                _kind(progress.MILESTONE),
                "milestone_id",
                "note",  # stands in for a status: a milestone is done or not
                "note",
                "evidence_url",
                "completed_at",
            ),
            all=True,
        )
    )
)


def shown_date_sql(kind: progress.ItemKind, row: str) -> str:
    """The date a checklist row shows, as SQL on the progress row `row` of an item of `kind`:
    a skill's since when learning or when done, a milestone's when done (None otherwise)."""
    if kind == progress.MILESTONE:
        return f"{row}.completed_at"
    return (
        f"CASE {row}.status WHEN '{SkillStatus.DONE}' THEN {row}.completed_at "
        f"WHEN '{SkillStatus.LEARNING}' THEN {row}.started_at END"
    )


@functools.cache
def lateral_progress_sql() -> str:
    """The same read for PostgreSQL, planned so that a long history cannot slow it down.

    PostgreSQL plans the compiled read once for all people (config/settings.py asks for generic
    plans), and a plan made without the values assumes an average person: with a few rows per
    person it finds the rows by person alone and filters them by item, which for a person with
    a thousand rows reads all thousand. Here each of the role's items is looked up by (person,
    item) in the unique index, through a LATERAL subquery that no plan can turn into a scan of
    the person's rows, so the cost follows the role's size whatever the values.

    Its parameters are named (`user`, `skill_ids`, `milestone_ids`), as `done_items_sql`'s
    are, which a check-off's statement ends with (tracker.services).
    """
    qn = connection.ops.quote_name
    skills, milestones = SkillProgress._meta.db_table, MilestoneProgress._meta.db_table
    return textwrap.dedent(f"""\
        SELECT '{progress.SKILL}'::varchar, p.skill_id, p.status, p.note, p.evidence_url,
            {shown_date_sql(progress.SKILL, "p")}
        FROM unnest(%(skill_ids)s::bigint[]) AS item(id)
        CROSS JOIN LATERAL (
            SELECT skill_id, status, note, evidence_url, started_at, completed_at
            FROM {qn(skills)}
            WHERE user_id = %(user)s::bigint AND skill_id = item.id LIMIT 1
        ) AS p
        UNION ALL
        SELECT '{progress.MILESTONE}', m.milestone_id, m.note, m.note, m.evidence_url,
            {shown_date_sql(progress.MILESTONE, "m")}
        FROM unnest(%(milestone_ids)s::bigint[]) AS item(id)
        CROSS JOIN LATERAL (
            SELECT milestone_id, note, evidence_url, completed_at
            FROM {qn(milestones)}
            WHERE user_id = %(user)s::bigint AND milestone_id = item.id LIMIT 1
        ) AS m""").strip()


def progress_lines(user_id: int, structure: RoleStructure) -> list[tuple[Any, ...]]:
    """The person's progress on the role's items: one line per item they have a row for."""
    if connection.vendor != "postgresql":
        return _progress(user_id, structure.skill_ids, structure.milestone_ids)
    with connection.cursor() as cursor:
        cursor.execute(lateral_progress_sql(), item_params(user_id, structure))
        return cursor.fetchall()


def item_params(user_id: int, items: RoleStructure | PlanPath) -> dict[str, Any]:
    """The parameters of `lateral_progress_sql()` and `done_items_sql()`: the person, and the
    items asked about (a role's, or those that count on a path)."""
    skill_ids, milestone_ids = items.id_arrays
    return {"user": user_id, "skill_ids": skill_ids, "milestone_ids": milestone_ids}


@dataclass(frozen=True)
class ItemState:
    """A person's own state of one item, as a checklist row shows it."""

    status: str = SkillStatus.NOT_STARTED  # milestones: not_started | done
    note: str = ""
    evidence_url: str = ""
    changed_at: datetime | None = None


def _line_state(key: progress.ItemKey, line: Sequence[Any]) -> ItemState:
    """The state of the item of `key` from its line of `progress_lines()`."""
    status, note, evidence, changed = line[2:6]
    if key[0] == progress.MILESTONE:
        status = SkillStatus.DONE if changed is not None else SkillStatus.NOT_STARTED
    return ItemState(status, note, evidence, changed)


# Which of the given items this person has done, skills and milestones in one statement, each
# half through the unique (user, item) index of its table; PostgreSQL runs `done_items_sql`.
_done_items = CompiledRead(
    lambda user_id, skill_ids, milestone_ids: (
        SkillProgress.objects.filter(
            user_id=user_id, skill_id__any_of=skill_ids, status=SkillStatus.DONE
        )
        .order_by()
        .values_list(_kind(progress.SKILL), "skill_id")
        .union(
            MilestoneProgress.objects.filter(
                user_id=user_id, milestone_id__any_of=milestone_ids, completed_at__isnull=False
            )
            .order_by()
            .values_list(_kind(progress.MILESTONE), "milestone_id"),
            all=True,
        )
    )
)


def done_items(user_id: int, path: PlanPath) -> frozenset[progress.ItemKey]:
    """The items that count on `path` that this person has done (1 query)."""
    if connection.vendor != "postgresql":
        rows = _done_items(user_id, list(path.skill_ids), list(path.milestone_ids))
        return frozenset((kind, item_id) for kind, item_id in rows)
    with connection.cursor() as cursor:
        cursor.execute(done_items_sql(), item_params(user_id, path))
        skills, milestones = cursor.fetchone()
    return done_keys(skills, milestones)


def done_keys(skill_ids: Iterable[int], milestone_ids: Iterable[int]) -> set[progress.ItemKey]:
    return {(progress.SKILL, i) for i in skill_ids} | {
        (progress.MILESTONE, i) for i in milestone_ids
    }


@functools.cache
def done_items_sql() -> str:
    """Which of the given items this person has done, for PostgreSQL: the ids of each kind as
    one array, looked up item by item as `lateral_progress_sql` does (same parameters, with the
    ids of the items that count on a path: `item_params`)."""
    qn = connection.ops.quote_name
    skills, milestones = SkillProgress._meta.db_table, MilestoneProgress._meta.db_table
    return textwrap.dedent(f"""\
        SELECT
            ARRAY(
                SELECT p.skill_id FROM unnest(%(skill_ids)s::bigint[]) AS item(id)
                CROSS JOIN LATERAL (
                    SELECT skill_id FROM {qn(skills)}
                    WHERE user_id = %(user)s::bigint AND skill_id = item.id
                        AND status = '{SkillStatus.DONE}'
                    LIMIT 1
                ) AS p
            ) AS skills,
            ARRAY(
                SELECT m.milestone_id FROM unnest(%(milestone_ids)s::bigint[]) AS item(id)
                CROSS JOIN LATERAL (
                    SELECT milestone_id FROM {qn(milestones)}
                    WHERE user_id = %(user)s::bigint AND milestone_id = item.id
                        AND completed_at IS NOT NULL
                    LIMIT 1
                ) AS m
            ) AS milestones""").strip()


def checked_off_plan(
    goal: CurrentGoal,
    path: PlanPath,
    key: progress.ItemKey,
    state: ItemState,
    done: frozenset[progress.ItemKey],
) -> Plan:
    """The plan as a check-off's answer shows it: the row of the item just checked off, in
    `state`, and the figures of the stages on the way to the target from `done`. It holds no
    other row, and no stage off that way."""
    structure = path.structure
    row = Row.of(structure.items[key], state)
    stages = list(path.stages)
    return Plan(goal=goal, structure=structure, stages=stages, rows={key: row}, done=done)


def load_plan(
    user: AbstractBaseUser,
    goal: CurrentGoal,
    *,
    with_progress: bool = True,
    only: progress.ItemKey | None = None,
) -> Plan:
    """The goal's role with the person's state of every item (1 query; none without progress).

    Without progress every item reads as not started: enough to tell which items are on the way
    to the target, which is all a check-off answered with a redirect needs; such a plan can be
    limited to the rows of `only` that item.
    """
    structure = role_structure(goal.role_id)
    if not with_progress and only is not None:
        info = structure.items.get(only)
        rows = {only: Row(info, SkillStatus.NOT_STARTED)} if info is not None else {}
        stages = structure.plan_stages(goal.target_stage)
        return Plan(goal=goal, structure=structure, stages=stages, rows=rows)
    lines: dict[progress.ItemKey, tuple[Any, ...]] = {}
    if with_progress:
        lines = {(line[0], line[1]): line for line in progress_lines(user.pk, structure)}

    rows: dict[progress.ItemKey, Row] = {}
    for key, info in structure.items.items():
        line = lines.get(key)
        if line is None:
            rows[key] = Row(info, SkillStatus.NOT_STARTED)
            continue
        rows[key] = Row.of(info, _line_state(key, line))
    return Plan(
        goal=goal,
        structure=structure,
        stages=structure.plan_stages(goal.target_stage),
        rows=rows,
    )


@dataclass(frozen=True)
class Activity:
    """One line of recent activity, with the names it mentions."""

    created_at: datetime
    kind: str
    to_state: str
    skill_name: str | None
    milestone_title: str | None
    goal_role: str | None
    goal_stage: str | None
    date_label: str = ""

    @property
    def datetime_attr(self) -> str:
        """For <time datetime>: the date filter's "Y-m-d\\TH:i:sO", without its cost."""
        return template_localtime(self.created_at).strftime("%Y-%m-%dT%H:%M:%S%z")


RECENT_EVENTS_LIMIT = 10
# Newest first, read in the order of the event_user_recent index and stopped after ten.
_recent_events = CompiledRead(
    lambda user_id: ProgressEvent.objects.filter(user_id=user_id).values_list(
        "created_at",
        "kind",
        "to_state",
        "skill__name",
        "milestone__title",
        "goal__role__name",
        "goal__target_stage__title",
    )[:RECENT_EVENTS_LIMIT]
)


def recent_events(user: AbstractBaseUser) -> list[Activity]:
    # Retired items stay in here on purpose: history is never rewritten.
    labels = DayLabels()
    return [Activity(*row, date_label=labels(row[0])) for row in _recent_events(user.pk)]


# Served by the event_user_state_time index alone (see tracker/models.py). Only skill and
# milestone events ever end in "done" (goals and notes record other states), so the state
# alone says an event is a completion.
_completions = CompiledRead(
    lambda user_id, since: (
        ProgressEvent.objects.filter(user_id=user_id, created_at__gte=since, to_state=DONE)
        .order_by()
        .values("user_id")
        .annotate(n=Count("*"), first=Min("created_at"))
        .values_list("n", "first")
    )
)


def completions_window(
    user: AbstractBaseUser, *, now: datetime | None = None
) -> tuple[int, datetime | None]:
    """Completions in the pace window (the last four weeks), and when that count next changes
    by time alone, as the oldest of them leaves the window; None when there are none."""
    now = now or timezone.now()
    window = timedelta(days=progress.PACE_WINDOW_DAYS)
    rows = _completions(user.pk, now - window)
    if not rows:
        return 0, None
    count, first = rows[0]
    return count, first + window


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
