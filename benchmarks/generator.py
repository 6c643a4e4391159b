"""The benchmark's data set at production volume, written with bulk inserts.

Generated rows have `bench-` slugs and usernames and sit beside the shipped catalog. One seeded
random generator draws everything, so the same sizes give the same data set. bulk_create()
skips save(): the `role` that StageSkill and Milestone repeat from their stage is set here, and
the unique constraints hold by construction (benchmarks.dataset.violations checks the rest).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from careers.models import (
    Family,
    Level,
    MidpointKind,
    Milestone,
    MilestoneKind,
    Region,
    Role,
    SalaryBand,
    Skill,
    SkillCategory,
    Source,
    Stage,
    StageMilestone,
    StageSkill,
)
from tracker.models import (
    MENTORSHIP_INVITATION_DAYS,
    EventKind,
    Goal,
    Mentorship,
    MentorshipStatus,
    MilestoneProgress,
    Profile,
    ProgressEvent,
    SkillProgress,
    SkillStatus,
)

TARGET_ROLE = "machine-learning-engineer"  # the long-history person's goal, a shipped role
LONG_HISTORY_USERNAME = "bench-long-history"
# Mentors a team: the long-history person and the people with the longest histories after them.
# Not a `bench-` name: a mentor has no goal of their own.
MENTOR_USERNAME = "mentor-of-bench-team"
# The synthetic data's Source row; its note records what was generated, for --reuse.
SOURCE_SLUG = "bench-synthetic"
SEED = 42
BATCH = 2000
EVENT_CHUNK = 50_000
HISTORY_DAYS = 730
E, M, S, X = Level.ENTRY, Level.MID, Level.SENIOR, Level.SPECIALIZED
# A role's stages: a chain from entry to senior, then a specialized branch.
LEVEL_PATTERNS = [[E, M, S, X], [E, M, M, S, X], [E, M, M, S, S, X]]
PAY: dict[str, int] = {E: 70_000, M: 105_000, S: 150_000, X: 185_000}

Log = Callable[[str], None]


@dataclass(frozen=True)
class Sizes:
    roles: int
    skills: int
    people: int
    events: int
    long_history_events: int
    regions: int
    # The people who share their progress with the mentor.
    team: int = 100

    @classmethod
    def for_scale(cls, scale: float) -> Sizes:
        """Scale 1: 500 roles, 5,000 skills, 10,000 people, 1,000,000 events (20,000 for one)."""
        events = max(200, round(1_000_000 * scale))
        return cls(
            roles=max(2, round(500 * scale)),
            skills=max(20, round(5_000 * scale)),
            people=max(5, round(10_000 * scale)),
            events=events,
            long_history_events=max(events // 50, min(events // 2, 100)),
            regions=max(2, min(12, round(120 * scale))),
            team=min(100, max(5, round(10_000 * scale))),
        )


@dataclass
class StagePlan:
    """A stage's live items, as a person's progress sees them."""

    id: int
    level: str
    required: list[int] = field(default_factory=list)
    recommended: list[int] = field(default_factory=list)
    milestones: list[int] = field(default_factory=list)


def chain(stages: list[StagePlan]) -> list[StagePlan]:
    """The stages a goal's plan climbs through: all but the specialized branches."""
    return [s for s in stages if s.level != Level.SPECIALIZED]


class Generator:
    def __init__(self, sizes: Sizes, log: Log) -> None:
        self.sizes = sizes
        self.log = log
        self.rng = random.Random(SEED)
        self.now = timezone.now()

    def run(self) -> None:
        # One transaction: by far the fastest way to write on SQLite, and a failed run leaves no
        # half data set behind.
        with transaction.atomic():
            steps = (self.catalog, self.items, self.people, self.progress, self.events, self.team)
            for step in steps:
                started = time.perf_counter()
                step()
                self.log(f"  {step.__name__}: {time.perf_counter() - started:.1f} s")

    def days_ago(self, low: int = 1, high: int = HISTORY_DAYS) -> datetime:
        return self.now - timedelta(days=self.rng.randint(low, high))

    def catalog(self) -> None:
        """Regions, skills, and roles of 4 to 6 stages each."""
        rng, n = self.rng, self.sizes
        self.source = Source.objects.create(
            slug=SOURCE_SLUG, title="Synthetic benchmark data", publisher="Pathwise", year=2024
        )
        regions = Region.objects.bulk_create(
            Region(name=f"Bench City {i:02d}, BC", slug=f"bench-city-{i:02d}")
            for i in range(n.regions)
        )
        self.region_ids = [r.pk for r in regions]
        categories = SkillCategory.values
        skills = Skill.objects.bulk_create(
            (
                Skill(
                    name=f"Bench skill {i:05d}",
                    slug=f"bench-skill-{i:05d}",
                    category=categories[i % len(categories)],
                )
                for i in range(n.skills)
            ),
            batch_size=BATCH,
        )
        self.skill_ids = [s.pk for s in skills]
        roles = Role.objects.bulk_create(
            (
                Role(
                    name=f"Bench role {i:04d}",
                    slug=f"bench-role-{i:04d}",
                    family=Family.values[i % len(Family.values)],
                    summary=f"Synthetic role {i}: builds and ships things that learn.",
                    description="A synthetic role for the benchmark. " * 8,
                    responsibilities="Design systems\nShip models\nMentor others\nMeasure impact",
                )
                for i in range(n.roles)
            ),
            batch_size=BATCH,
        )
        self.role_ids = [r.pk for r in roles]
        self.stages: list[Stage] = []
        for role_id in self.role_ids:
            for position, level in enumerate(rng.choice(LEVEL_PATTERNS), start=1):
                stage = Stage(
                    role_id=role_id,
                    slug=f"{level}-{position}",
                    level=level,
                    position=position,
                    title=f"{level.capitalize()} practitioner {position}",
                    years_min=2 * position,
                    years_max=2 * position + rng.randint(1, 3),
                    summary="What people at this stage do, in a sentence or two.",
                )
                if level == Level.SPECIALIZED:
                    stage.years_max = None
                    stage.leads_to_id = rng.choice(self.role_ids) if rng.random() < 0.2 else None
                self.stages.append(stage)
        Stage.objects.bulk_create(self.stages, batch_size=BATCH)

    def items(self) -> None:
        """3-5 required and 1-2 recommended skills and 2-3 milestones a stage, a few retired;
        salary bands: a national and a regional one a stage, one for the whole role."""
        rng = self.rng
        links: list[StageSkill] = []
        milestones: list[Milestone] = []
        places: list[StageMilestone] = []
        bands: list[SalaryBand] = []
        self.plans: dict[int, list[StagePlan]] = {role_id: [] for role_id in self.role_ids}
        plans: dict[int, StagePlan] = {}
        pools: dict[int, list[int]] = {}
        common = {"source_id": self.source.pk, "year": 2024, "section": "Synthetic"}
        kinds = MilestoneKind.values
        for stage in self.stages:
            plan = plans[stage.pk] = StagePlan(stage.pk, stage.level)
            self.plans[stage.role_id].append(plan)
            where = {"role_id": stage.role_id, "stage_id": stage.pk}
            # A skill appears once per role: each role draws from a pool of its own.
            if stage.role_id not in pools:
                pools[stage.role_id] = rng.sample(self.skill_ids, min(42, len(self.skill_ids)))
            pool, required = pools[stage.role_id], rng.randint(3, 5)
            for position in range(min(len(pool), required + rng.randint(1, 2))):
                link = StageSkill(
                    **where,
                    skill_id=pool.pop(),
                    required=position < required,
                    position=position,
                    is_retired=rng.random() < 0.02,
                )
                links.append(link)
                if not link.is_retired:
                    (plan.required if link.required else plan.recommended).append(link.skill_id)
            for position in range(rng.randint(2, 3)):
                # Milestones are the whole catalog's: each stage asks for one of its own kind.
                milestone = Milestone(
                    title=f"Milestone {position + 1} of stage {stage.pk}",
                    slug=f"s{stage.pk}-m{position + 1}",
                    kind=kinds[(stage.position + position) % len(kinds)],
                )
                milestones.append(milestone)
                places.append(
                    StageMilestone(
                        **where,
                        milestone=milestone,
                        position=position,
                        is_retired=rng.random() < 0.02,
                    )
                )
            low = PAY[stage.level] + rng.randint(-10, 10) * 1000
            high, factor = int(low * 1.4), rng.uniform(0.9, 1.3)
            if stage.level == Level.SPECIALIZED:
                # Some guides give a stage a single average: no range, just the figure.
                figures = {"midpoint": low, "midpoint_kind": MidpointKind.AVERAGE}
            else:
                figures = {"low": low, "high": high, "midpoint": (low + high) // 2}
                figures["midpoint_kind"] = MidpointKind.MEDIAN
            bands.append(SalaryBand(**where, **common, **figures))
            region = {"region_id": rng.choice(self.region_ids)}
            regional = {"low": int(low * factor), "high": int(high * factor)}
            bands.append(SalaryBand(**where, **common, **region, **regional))
        for role_id in self.role_ids:
            bands.append(SalaryBand(role_id=role_id, **common, low=80_000, high=220_000))
        StageSkill.objects.bulk_create(links, batch_size=BATCH)
        Milestone.objects.bulk_create(milestones, batch_size=BATCH)
        for place in places:
            place.milestone_id = place.milestone.pk
        StageMilestone.objects.bulk_create(places, batch_size=BATCH)
        SalaryBand.objects.bulk_create(bands, batch_size=BATCH)
        for place in places:
            if not place.is_retired:
                plans[place.stage_id].milestones.append(place.milestone_id)
        self.milestone_ids = [m.pk for m in milestones]

    def target_plan(self) -> tuple[int, list[StagePlan]]:
        """The shipped target role's live stages and items, read back from the catalog."""
        role = Role.objects.get(slug=TARGET_ROLE)
        stages = Stage.objects.filter(role=role, is_retired=False).order_by("position")
        plans = {s.pk: StagePlan(s.pk, s.level) for s in stages}
        for link in StageSkill.objects.filter(role=role, is_retired=False, stage_id__in=plans):
            plan = plans[link.stage_id]
            (plan.required if link.required else plan.recommended).append(link.skill_id)
        places = StageMilestone.objects.filter(role=role, is_retired=False, stage_id__in=plans)
        for place in places.order_by("position", "id"):
            plans[place.stage_id].milestones.append(place.milestone_id)
        return role.pk, list(plans.values())

    def people(self) -> None:
        """People with a profile, an active goal, and for some an earlier goal."""
        rng, n = self.rng, self.sizes
        # One hash for all: hashing 10,000 passwords would take minutes, by design.
        password = make_password("bench-Long-passphrase-2024")
        names = [LONG_HISTORY_USERNAME] + [f"bench-person-{i:05d}" for i in range(1, n.people)]
        users = User.objects.bulk_create(
            (User(username=name, email=f"{name}@example.com", password=password) for name in names),
            batch_size=BATCH,
        )
        self.user_ids = [u.pk for u in users]
        self.long_id = self.user_ids[0]
        # A third of people read national figures; the long-history person a region's.
        regions: list[int | None] = [*self.region_ids, None, None]
        Profile.objects.bulk_create(
            (
                Profile(user_id=uid, region_id=rng.choice(regions) if i else regions[0])
                for i, uid in enumerate(self.user_ids)
            ),
            batch_size=BATCH,
        )
        target_id, self.plans[target_id] = self.target_plan()
        goals: list[Goal] = []
        self.plan_of: dict[int, list[StagePlan]] = {}
        for uid in self.user_ids:
            long_history = uid == self.long_id
            role_id = target_id if long_history else rng.choice(self.role_ids)
            stages = self.plan_of[uid] = self.plans[role_id]
            if long_history or rng.random() < 0.1:
                # An earlier goal kept as history: changing goals never deletes the old one.
                old = rng.choice(self.role_ids)
                top = chain(self.plans[old])[-1].id
                ended = self.days_ago(30, 300)
                goals.append(
                    Goal(
                        user_id=uid,
                        role_id=old,
                        target_stage_id=top,
                        is_active=False,
                        ended_at=ended,
                    )
                )
            # Most aim at the top of the chain, some at a specialized branch.
            top = (chain(stages) if long_history or rng.random() < 0.8 else stages)[-1].id
            goals.append(Goal(user_id=uid, role_id=role_id, target_stage_id=top))
        Goal.objects.bulk_create(goals, batch_size=BATCH)
        self.goal_ids = {g.user_id: g.pk for g in goals if g.is_active}

    def progress(self) -> None:
        """Everything done below the stage a person reached, some of it there, and a few skills
        off the plan; the long-history person has years of it."""
        rng = self.rng
        skills: list[SkillProgress] = []
        milestones: list[MilestoneProgress] = []
        self.skills_of: dict[int, list[int]] = {}
        either = [SkillStatus.DONE, SkillStatus.LEARNING]
        for uid in self.user_ids:
            stages = chain(self.plan_of[uid])
            long_history = uid == self.long_id
            reached = len(stages) // 2 if long_history else rng.randint(0, len(stages))
            status: dict[int, str] = {}
            done: set[int] = set()
            for stage in stages[:reached]:
                status.update(dict.fromkeys(stage.required, SkillStatus.DONE))
                status.update((s, "done") for s in stage.recommended if rng.random() < 0.5)
                done.update(stage.milestones)
            for stage in stages[reached : reached + 1]:
                status.update((s, rng.choice(either)) for s in stage.required if rng.random() < 0.5)
                done.update(m for m in stage.milestones if rng.random() < 0.3)
            if long_history:
                # A fifth of all skills, and milestones of other roles.
                extra = rng.sample(self.skill_ids, len(self.skill_ids) // 5)
                count = min(len(self.milestone_ids), 2 * self.sizes.roles)
                done.update(rng.sample(self.milestone_ids, count))
            else:
                extra = rng.sample(self.skill_ids, rng.randint(0, 4))
            for skill_id in extra:
                status.setdefault(skill_id, rng.choice(either))
            self.skills_of[uid] = list(status) or self.skill_ids[:1]
            for skill_id, state in status.items():
                started = self.days_ago()
                progress = SkillProgress(user_id=uid, skill_id=skill_id, status=state)
                progress.started_at = started
                if state == SkillStatus.DONE:
                    progress.completed_at = started + timedelta(days=7)
                skills.append(progress)
            milestones += (
                MilestoneProgress(user_id=uid, milestone_id=m, completed_at=self.days_ago())
                for m in done
            )
        SkillProgress.objects.bulk_create(skills, batch_size=BATCH)
        MilestoneProgress.objects.bulk_create(milestones, batch_size=BATCH)

    def events(self) -> None:
        """The progress events, the long-history person's first, in chunks."""
        rng, n = self.rng, self.sizes
        others = self.user_ids[1:] or [self.long_id]
        moves = [("not_started", "learning"), ("learning", "done"), ("done", "learning")]
        table = ProgressEvent._meta.db_table
        columns = "user_id, kind, skill_id, milestone_id, goal_id, from_state, to_state, created_at"
        with connection.cursor() as cursor:
            for first in range(0, n.events, EVENT_CHUNK):
                rows: list[tuple[Any, ...]] = []
                for i in range(first, min(first + EVENT_CHUNK, n.events)):
                    uid = self.long_id if i < n.long_history_events else rng.choice(others)
                    skill = milestone = goal = None
                    before = after = ""
                    r = rng.random()
                    if r < 0.70:
                        kind, skill = EventKind.SKILL, rng.choice(self.skills_of[uid])
                        before, after = rng.choice(moves)
                    elif r < 0.92:
                        kind, milestone = EventKind.MILESTONE, rng.choice(self.milestone_ids)
                        before, after = ("", "done") if r < 0.88 else ("done", "")
                    elif r < 0.95:
                        kind, goal, after = EventKind.GOAL, self.goal_ids[uid], "set"
                    else:
                        kind, skill = EventKind.NOTE, rng.choice(self.skills_of[uid])
                    ago = timedelta(seconds=rng.random() * HISTORY_DAYS * 86400)
                    when = connection.ops.adapt_datetimefield_value(self.now - ago)
                    rows.append((uid, kind, skill, milestone, goal, before, after, when))
                if connection.vendor == "postgresql":
                    # Raw SQL: COPY streams a million rows far faster than any INSERT.
                    with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    # Raw SQL: one prepared INSERT for every row, minutes faster than the ORM.
                    marks = ", ".join(["%s"] * 8)
                    cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)

    def team(self) -> None:
        """A mentor whom the long-history person and the people with the most events after
        them share their progress with (accepted relations; their history has no mentor
        events, so that the event counts stay what the sizes say)."""
        mentor = User.objects.create(username=MENTOR_USERNAME, email="mentor@example.com")
        # Saving an account makes its profile (tracker.signals).
        Profile.objects.filter(user=mentor).update(display_name="Bench Mentor")
        longest = (
            ProgressEvent.objects.exclude(user_id=self.long_id)
            .values("user_id")
            .annotate(events=Count("id"))
            .order_by("-events", "user_id")
            .values_list("user_id", flat=True)
        )
        members = [self.long_id, *longest[: self.sizes.team - 1]]
        since = self.days_ago(30, 300)
        Mentorship.objects.bulk_create(
            Mentorship(
                person_id=uid,
                mentor=mentor,
                status=MentorshipStatus.ACCEPTED,
                shows_notes=self.rng.random() < 0.5,
                expires_at=since + timedelta(days=MENTORSHIP_INVITATION_DAYS),
                responded_at=since,
            )
            for uid in members
        )
