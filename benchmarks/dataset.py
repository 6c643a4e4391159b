"""The benchmark's data set at production volume, in a database of its own, by bulk inserts.

Generated rows have `bench-` slugs and usernames and sit beside the shipped catalog. One seeded
random generator draws everything, so the same sizes give the same data set. bulk_create()
skips save(): the `role` that StageSkill and Milestone repeat from their stage is set here, and
the unique constraints hold by construction. `violations()` checks what the database cannot.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import OperationalError, connection, transaction
from django.db.models import Count, F, Q
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
    StageSkill,
)
from tracker.models import (
    EventKind,
    Goal,
    MilestoneProgress,
    Profile,
    ProgressEvent,
    SkillProgress,
    SkillStatus,
)

TARGET_ROLE = "machine-learning-engineer"  # the long-history person's goal, a shipped role
LONG_HISTORY_USERNAME = "bench-long-history"
# The synthetic data's Source row; its note records what was generated, for --reuse.
SOURCE_SLUG = "bench-synthetic"
SEED = 42
BATCH = 2000
EVENT_CHUNK = 50_000
HISTORY_DAYS = 730
E, M, S, X = Level.ENTRY, Level.MID, Level.SENIOR, Level.SPECIALIZED
# A role's stages: a chain from entry to senior, then a specialized branch.
LEVEL_PATTERNS = [[E, M, S, X], [E, M, M, S, X], [E, M, M, S, S, X]]
PAY = {Level.ENTRY: 70_000, Level.MID: 105_000, Level.SENIOR: 150_000, Level.SPECIALIZED: 185_000}

Log = Callable[[str], None]


@dataclass(frozen=True)
class Sizes:
    roles: int
    skills: int
    people: int
    events: int
    long_history_events: int
    regions: int

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


# --- the database ------------------------------------------------------------------------------


def describe() -> str:
    name = connection.settings_dict["NAME"]
    return f"SQLite file {name}" if connection.vendor == "sqlite" else f"PostgreSQL database {name}"


def exists() -> bool:
    if connection.vendor == "sqlite":
        return Path(connection.settings_dict["NAME"]).exists()
    try:
        connection.ensure_connection()
    except OperationalError:
        return False
    return True


def recreate() -> None:
    """An empty database: quicker than deleting a million rows, and it leaves nothing behind."""
    connection.close()
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        for path in (Path(name), Path(f"{name}-wal"), Path(f"{name}-shm")):
            path.unlink(missing_ok=True)
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        return
    import psycopg

    s = connection.settings_dict
    params = {"host": s["HOST"], "port": s["PORT"], "user": s["USER"], "password": s["PASSWORD"]}
    with psycopg.connect(
        dbname="postgres", autocommit=True, **{k: v for k, v in params.items() if v}
    ) as admin:
        # A database is created and dropped from another one, outside any transaction: raw SQL.
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def prepare(sizes: Sizes, *, reuse: bool, log: Log) -> dict[str, Any]:
    """The data set of these sizes, generated unless --reuse finds it there; what it holds."""
    if reuse and exists():
        call_command("migrate", interactive=False, verbosity=0)
        note = Source.objects.filter(slug=SOURCE_SLUG).values_list("note", flat=True).first()
        meta = json.loads(note) if note else {}
        if meta.get("sizes") == asdict(sizes) and meta.get("seed") == SEED:
            log(f"Reusing the data set generated in {meta['seconds']:.1f} s.")
            return meta | {"reused": True}
        log("The data set there has other sizes: generating a new one.")
    log(f"Generating the data set: {asdict(sizes)}")
    started = time.perf_counter()
    recreate()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_catalog", verbosity=0)
    Generator(sizes, log).run()
    with connection.cursor() as cursor:
        # Planner statistics (and on PostgreSQL the visibility map) as a database in service has
        # them: otherwise autovacuum would do this while pages are being measured.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    problems = violations()
    if problems:
        raise RuntimeError("The generated data set breaks rules: " + "; ".join(problems))
    meta = {
        "sizes": asdict(sizes),
        "seed": SEED,
        "seconds": round(time.perf_counter() - started, 1),
    }
    Source.objects.filter(slug=SOURCE_SLUG).update(note=json.dumps(meta))
    log(f"Generated in {meta['seconds']:.1f} s.")
    return meta | {"reused": False}


# --- the generator -----------------------------------------------------------------------------


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
            for step in (self.catalog, self.people, self.progress, self.events):
                started = time.perf_counter()
                step()
                self.log(f"  {step.__name__}: {time.perf_counter() - started:.1f} s")

    def days_ago(self, low: int = 1, high: int = HISTORY_DAYS) -> datetime:
        return self.now - timedelta(days=self.rng.randint(low, high))

    def catalog(self) -> None:
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
                    description=f"Synthetic skill number {i}.",
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
        stages: list[Stage] = []
        for role_id in self.role_ids:
            for position, level in enumerate(rng.choice(LEVEL_PATTERNS), start=1):
                specialized = level == Level.SPECIALIZED
                stages.append(
                    Stage(
                        role_id=role_id,
                        slug=f"{level}-{position}",
                        level=level,
                        position=position,
                        title=f"{level.capitalize()} practitioner {position}",
                        years_min=2 * position,
                        years_max=None if specialized else 2 * position + rng.randint(1, 3),
                        summary="What people at this stage do, in a sentence or two.",
                        leads_to_id=rng.choice(self.role_ids)
                        if specialized and rng.random() < 0.2
                        else None,
                    )
                )
        Stage.objects.bulk_create(stages, batch_size=BATCH)
        self.roles: dict[int, list[StagePlan]] = {role_id: [] for role_id in self.role_ids}
        self.items(stages)
        self.salaries(stages)

    def items(self, stages: list[Stage]) -> None:
        """3-5 required and 1-2 recommended skills, 2-3 milestones a stage; a few retired."""
        rng = self.rng
        stage_skills: list[StageSkill] = []
        milestones: list[Milestone] = []
        pools: dict[int, list[int]] = {}
        for stage in stages:
            plan = StagePlan(stage.pk, stage.level)
            self.roles[stage.role_id].append(plan)
            # A skill appears once per role: each role draws from a pool of its own.
            pool = pools.setdefault(
                stage.role_id, rng.sample(self.skill_ids, min(42, len(self.skill_ids)))
            )
            required = rng.randint(3, 5)
            for position in range(required + rng.randint(1, 2)):
                if not pool:
                    break
                link = StageSkill(
                    role_id=stage.role_id,
                    stage_id=stage.pk,
                    skill_id=pool.pop(),
                    required=position < required,
                    position=position,
                    is_retired=rng.random() < 0.02,
                )
                stage_skills.append(link)
                if not link.is_retired:
                    (plan.required if link.required else plan.recommended).append(link.skill_id)
            for position in range(rng.randint(2, 3)):
                milestones.append(
                    Milestone(
                        role_id=stage.role_id,
                        stage_id=stage.pk,
                        title=f"Milestone {position + 1} of stage {stage.position}",
                        slug=f"s{stage.position}-m{position + 1}",
                        kind=MilestoneKind.values[
                            (stage.position + position) % len(MilestoneKind.values)
                        ],
                        description="A synthetic milestone.",
                        position=position,
                        is_retired=rng.random() < 0.02,
                    )
                )
        StageSkill.objects.bulk_create(stage_skills, batch_size=BATCH)
        Milestone.objects.bulk_create(milestones, batch_size=BATCH)
        plans = {plan.id: plan for role in self.roles.values() for plan in role}
        for milestone in milestones:
            if not milestone.is_retired:
                plans[milestone.stage_id].milestones.append(milestone.pk)
        self.milestone_ids = [m.pk for m in milestones]

    def salaries(self, stages: list[Stage]) -> None:
        """A national and a regional band per stage, one for the whole role, a few averages."""
        rng = self.rng
        common = {"source_id": self.source.pk, "year": 2024, "section": "Synthetic"}
        bands: list[SalaryBand] = []
        for stage in stages:
            low = PAY[Level(stage.level)] + rng.randint(-10, 10) * 1000
            high = int(low * 1.4)
            if stage.level == Level.SPECIALIZED:
                # Some guides give a stage a single average: no range, just the figure.
                kind, midpoint = MidpointKind.AVERAGE, low
            else:
                kind, midpoint = MidpointKind.MEDIAN, (low + high) // 2
            where = {"role_id": stage.role_id, "stage_id": stage.pk, **common}
            bands.append(
                SalaryBand(low=low, high=high, midpoint=midpoint, midpoint_kind=kind, **where)
            )
            factor = rng.uniform(0.9, 1.3)
            region = rng.choice(self.region_ids)
            bands.append(
                SalaryBand(
                    low=int(low * factor), high=int(high * factor), region_id=region, **where
                )
            )
        for role_id in self.role_ids:
            bands.append(
                SalaryBand(
                    role_id=role_id, low=80_000, high=220_000, p10=70_000, p90=260_000, **common
                )
            )
        SalaryBand.objects.bulk_create(bands, batch_size=BATCH)

    def target_plan(self) -> tuple[int, list[StagePlan]]:
        """The shipped target role's live stages and items, read back from the catalog."""
        role = Role.objects.get(slug=TARGET_ROLE)
        plans = {
            s.pk: StagePlan(s.pk, s.level)
            for s in Stage.objects.filter(role=role, is_retired=False).order_by("position")
        }
        for link in StageSkill.objects.filter(role=role, is_retired=False, stage_id__in=plans):
            plan = plans[link.stage_id]
            (plan.required if link.required else plan.recommended).append(link.skill_id)
        for m in Milestone.objects.filter(role=role, is_retired=False, stage_id__in=plans):
            plans[m.stage_id].milestones.append(m.pk)
        return role.pk, list(plans.values())

    def people(self) -> None:
        rng, n = self.rng, self.sizes
        # One hash for all: hashing 10,000 passwords would take minutes, by design.
        password = make_password("bench-Long-passphrase-2024")
        users = get_user_model().objects.bulk_create(
            (
                get_user_model()(
                    username=name,
                    email=f"{name}@example.com",
                    password=password,
                    date_joined=self.days_ago(),
                )
                for name in [LONG_HISTORY_USERNAME]
                + [f"bench-person-{i:05d}" for i in range(1, n.people)]
            ),
            batch_size=BATCH,
        )
        self.user_ids = [u.pk for u in users]
        self.long_id = self.user_ids[0]
        # A third of people read national figures; the long-history person a region's.
        regions: list[int | None] = [*self.region_ids, None, None]
        Profile.objects.bulk_create(
            (
                Profile(
                    user_id=uid,
                    display_name=f"Person {i}",
                    region_id=rng.choice(regions) if i else regions[0],
                )
                for i, uid in enumerate(self.user_ids)
            ),
            batch_size=BATCH,
        )
        target_id, target = self.target_plan()
        self.roles[target_id] = target
        goals: list[Goal] = []
        self.goal_of: dict[int, tuple[int, list[StagePlan]]] = {}
        for uid in self.user_ids:
            long_history = uid == self.long_id
            role_id = target_id if long_history else rng.choice(self.role_ids)
            self.goal_of[uid] = (role_id, self.roles[role_id])
            if long_history or rng.random() < 0.1:
                # An earlier goal kept as history: changing goals never deletes the old one.
                old = rng.choice(self.role_ids)
                goals.append(
                    Goal(
                        user_id=uid,
                        role_id=old,
                        target_stage_id=chain(self.roles[old])[-1].id,
                        is_active=False,
                        ended_at=self.days_ago(30, 300),
                    )
                )
            # Most aim at the top of the chain, some at a specialized branch.
            stages = self.roles[role_id]
            top = chain(stages) if long_history or rng.random() < 0.8 else stages
            goals.append(Goal(user_id=uid, role_id=role_id, target_stage_id=top[-1].id))
        Goal.objects.bulk_create(goals, batch_size=BATCH)
        self.goal_ids = {g.user_id: g.pk for g in goals if g.is_active}

    def progress(self) -> None:
        """Everything done up to a stage reached, some of it there; a few skills off the plan."""
        rng = self.rng
        skills: list[SkillProgress] = []
        milestones: list[MilestoneProgress] = []
        self.skills_of: dict[int, list[int]] = {}
        either = [SkillStatus.DONE, SkillStatus.LEARNING]
        for uid in self.user_ids:
            stages = chain(self.goal_of[uid][1])
            long_history = uid == self.long_id
            reached = len(stages) // 2 if long_history else rng.randint(0, len(stages))
            status: dict[int, str] = {}
            done: set[int] = set()
            for stage in stages[:reached]:
                status.update(dict.fromkeys(stage.required, SkillStatus.DONE))
                status.update(
                    (s, SkillStatus.DONE) for s in stage.recommended if rng.random() < 0.5
                )
                done.update(stage.milestones)
            for stage in stages[reached : reached + 1]:
                status.update((s, rng.choice(either)) for s in stage.required if rng.random() < 0.5)
                done.update(m for m in stage.milestones if rng.random() < 0.3)
            if long_history:
                # Years of use: progress on a fifth of all skills, milestones of other roles.
                extra = rng.sample(self.skill_ids, len(self.skill_ids) // 5)
                done.update(
                    rng.sample(
                        self.milestone_ids, min(len(self.milestone_ids), 2 * self.sizes.roles)
                    )
                )
            else:
                extra = rng.sample(self.skill_ids, rng.randint(0, 4))
            for skill_id in extra:
                status.setdefault(skill_id, rng.choice(either))
            self.skills_of[uid] = list(status) or self.skill_ids[:1]
            for skill_id, state in status.items():
                started = self.days_ago()
                completed = started + timedelta(days=7) if state == SkillStatus.DONE else None
                skills.append(
                    SkillProgress(
                        user_id=uid,
                        skill_id=skill_id,
                        status=state,
                        started_at=started,
                        completed_at=completed,
                    )
                )
            milestones.extend(
                MilestoneProgress(user_id=uid, milestone_id=m, completed_at=self.days_ago())
                for m in done
            )
        SkillProgress.objects.bulk_create(skills, batch_size=BATCH)
        MilestoneProgress.objects.bulk_create(milestones, batch_size=BATCH)

    def event_rows(self) -> Iterator[list[tuple[Any, ...]]]:
        """Chunks of rows: the long-history person's events first, then everyone else's."""
        rng, n = self.rng, self.sizes
        adapt = connection.ops.adapt_datetimefield_value
        others = self.user_ids[1:] or [self.long_id]
        moves = [("not_started", "learning"), ("learning", "done"), ("done", "learning")]
        moves.append(("not_started", "done"))
        made = 0
        while made < n.events:
            rows: list[tuple[Any, ...]] = []
            for i in range(made, min(made + EVENT_CHUNK, n.events)):
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
                when = self.now - timedelta(seconds=rng.random() * HISTORY_DAYS * 86400)
                rows.append((uid, kind, skill, milestone, goal, before, after, adapt(when)))
            made += len(rows)
            yield rows

    def events(self) -> None:
        meta = ProgressEvent._meta
        fields = [
            "user",
            "kind",
            "skill",
            "milestone",
            "goal",
            "from_state",
            "to_state",
            "created_at",
        ]
        columns = ", ".join(connection.ops.quote_name(meta.get_field(f).column) for f in fields)
        table = connection.ops.quote_name(meta.db_table)
        with connection.cursor() as cursor:
            for rows in self.event_rows():
                # A million rows through the ORM would take minutes: COPY on PostgreSQL, and on
                # SQLite one prepared INSERT run for every row.
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    marks = ", ".join(["%s"] * len(fields))
                    cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)


# --- checks ------------------------------------------------------------------------------------


def count_rows() -> dict[str, int]:
    user = get_user_model().objects.get(username=LONG_HISTORY_USERNAME)
    return {
        "roles": Role.objects.count(),
        "skills": Skill.objects.count(),
        "people": Profile.objects.count(),
        "skill_progress": SkillProgress.objects.count(),
        "progress_events": ProgressEvent.objects.count(),
        "long_history_events": ProgressEvent.objects.filter(user=user).count(),
    }


def violations() -> list[str]:
    """Rules that bulk inserts could break without the database noticing."""
    bench_people = get_user_model().objects.filter(username__startswith="bench-")
    checks = {
        "stage skills whose role is not their stage's": StageSkill.objects.exclude(
            role=F("stage__role")
        ),
        "milestones whose role is not their stage's": Milestone.objects.exclude(
            role=F("stage__role")
        ),
        "salary bands of another role's stage": SalaryBand.objects.filter(
            stage__isnull=False
        ).exclude(role=F("stage__role")),
        "goals aiming at another role's stage": Goal.objects.exclude(role=F("target_stage__role")),
        "non-specialized stages leading to a role": Stage.objects.filter(
            leads_to__isnull=False
        ).exclude(level=Level.SPECIALIZED),
        "people without exactly one active goal": bench_people.annotate(
            active=Count("goals", filter=Q(goals__is_active=True))
        ).exclude(active=1),
        "people without a profile": bench_people.filter(profile__isnull=True),
    }
    return [f"{n} {what}" for what, query in checks.items() if (n := query.count())]
