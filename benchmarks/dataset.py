"""A synthetic data set at production volume, written with bulk inserts.

Generated rows are recognisable by their `bench-` slugs and usernames, so they sit beside the
shipped catalog without clashing with it. Everything is drawn from one seeded random generator:
the same sizes and seed give the same data set.

bulk_create() skips save(), so the denormalised `role` of StageSkill and Milestone is set here
explicitly from the stage, and every unique constraint is honoured by construction (a skill once
per role, one position per stage, one active goal and one progress row per person and item).
The million progress events bypass the ORM: executemany() on SQLite, COPY on PostgreSQL.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from careers.models import (
    Family,
    Level,
    MidpointKind,
    Milestone,
    MilestoneKind,
    PayBasis,
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

LONG_HISTORY_USERNAME = "bench-long-history"
PERSON_PREFIX = "bench-person-"
# Everyone shares one password hash: hashing 10,000 passwords would take minutes by design.
BENCH_PASSWORD = "bench-Long-passphrase-2024"
FALLBACK_ROLE_SLUG = "bench-role-0000"

BATCH = 2000
EVENT_CHUNK = 50_000
HISTORY_DAYS = 730

LEVEL_PATTERNS: dict[int, list[str]] = {
    4: [Level.ENTRY, Level.MID, Level.SENIOR, Level.SPECIALIZED],
    5: [Level.ENTRY, Level.MID, Level.MID, Level.SENIOR, Level.SPECIALIZED],
    6: [Level.ENTRY, Level.MID, Level.MID, Level.SENIOR, Level.SENIOR, Level.SPECIALIZED],
}
LEVEL_PAY = {Level.ENTRY: 70_000, Level.MID: 105_000, Level.SENIOR: 150_000}
LEVEL_PAY[Level.SPECIALIZED] = 185_000


@dataclass(frozen=True)
class Sizes:
    roles: int
    skills: int
    people: int
    events: int
    long_history_events: int
    regions: int = 12

    @classmethod
    def for_scale(cls, scale: float) -> Sizes:
        """Scale 1: 500 roles, 5,000 skills, 10,000 people and 1,000,000 events."""
        events = max(200, round(1_000_000 * scale))
        return cls(
            roles=max(2, round(500 * scale)),
            skills=max(20, round(5_000 * scale)),
            people=max(5, round(10_000 * scale)),
            events=events,
            long_history_events=max(events // 50, min(events // 2, 100)),
            regions=max(2, min(12, round(120 * scale))),
        )

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass
class StageShape:
    id: int
    position: int
    level: str
    required: list[int] = field(default_factory=list)
    recommended: list[int] = field(default_factory=list)
    milestones: list[int] = field(default_factory=list)


@dataclass
class RoleShape:
    id: int
    slug: str
    stages: list[StageShape]

    @property
    def chain(self) -> list[StageShape]:
        return [s for s in self.stages if s.level != Level.SPECIALIZED]


@dataclass
class GenerationResult:
    sizes: Sizes
    seconds: float
    steps: dict[str, float]
    long_history_user_id: int
    target_role_slug: str


class Generator:
    def __init__(
        self,
        sizes: Sizes,
        *,
        seed: int = 42,
        target_role_slug: str = "machine-learning-engineer",
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.sizes = sizes
        self.rng = random.Random(seed)
        self.target_role_slug = target_role_slug
        self.log = log or (lambda message: None)
        self.now = timezone.now()
        self.steps: dict[str, float] = {}

    def _step(self, name: str, started: float) -> None:
        self.steps[name] = round(time.perf_counter() - started, 3)
        self.log(f"  {name}: {self.steps[name]:.1f} s")

    def run(self) -> GenerationResult:
        started = time.perf_counter()
        # One transaction: on SQLite it is by far the fastest way to write, and a failed run
        # leaves no half data set behind.
        with transaction.atomic():
            t = time.perf_counter()
            self.source = Source.objects.get_or_create(
                slug="bench-synthetic",
                defaults={
                    "title": "Synthetic benchmark data",
                    "publisher": "Pathwise",
                    "year": 2024,
                },
            )[0]
            self._regions()
            self._skills()
            self._roles()
            self._stages()
            self._items()
            self._salaries()
            self._step("catalog", t)

            t = time.perf_counter()
            self._people()
            self._goals()
            self._step("people and goals", t)

            t = time.perf_counter()
            self._progress()
            self._step("progress rows", t)

            t = time.perf_counter()
            self._events()
            self._step("progress events", t)
        return GenerationResult(
            sizes=self.sizes,
            seconds=round(time.perf_counter() - started, 3),
            steps=self.steps,
            long_history_user_id=self.long_user_id,
            target_role_slug=self.target_role.slug,
        )

    # --- catalog ---------------------------------------------------------------------------

    def _regions(self) -> None:
        Region.objects.bulk_create(
            Region(name=f"Bench City {i:02d}, BC", slug=f"bench-city-{i:02d}")
            for i in range(self.sizes.regions)
        )
        self.region_ids = list(Region.objects.order_by("id").values_list("id", flat=True))

    def _skills(self) -> None:
        categories = list(SkillCategory.values)
        Skill.objects.bulk_create(
            (
                Skill(
                    name=f"Bench skill {i:05d}",
                    slug=f"bench-skill-{i:05d}",
                    category=categories[i % len(categories)],
                    description=f"Synthetic skill number {i} for the benchmark.",
                )
                for i in range(self.sizes.skills)
            ),
            batch_size=BATCH,
        )
        self.skill_ids = list(
            Skill.objects.filter(slug__startswith="bench-skill-")
            .order_by("slug")
            .values_list("id", flat=True)
        )

    def _roles(self) -> None:
        families = list(Family.values)
        Role.objects.bulk_create(
            (
                Role(
                    name=f"Bench role {i:04d}",
                    slug=f"bench-role-{i:04d}",
                    family=families[i % len(families)],
                    summary=f"Synthetic role {i}: builds and ships things that learn.",
                    description="A synthetic role for the benchmark. " * 8,
                    responsibilities="Design systems\nShip models\nMentor others\nMeasure impact",
                )
                for i in range(self.sizes.roles)
            ),
            batch_size=BATCH,
        )
        self.role_ids = list(
            Role.objects.filter(slug__startswith="bench-role-")
            .order_by("slug")
            .values_list("id", flat=True)
        )

    def _stages(self) -> None:
        rng = self.rng
        stages: list[Stage] = []
        for role_id in self.role_ids:
            levels = LEVEL_PATTERNS[rng.randint(4, 6)]
            year = 0
            last_chain = max(i for i, lv in enumerate(levels) if lv != Level.SPECIALIZED)
            for index, level in enumerate(levels):
                span = rng.randint(2, 3)
                specialized = level == Level.SPECIALIZED
                leads_to = None
                if specialized and rng.random() < 0.2:
                    leads_to = rng.choice(self.role_ids)
                stages.append(
                    Stage(
                        role_id=role_id,
                        slug=f"{level}-{index + 1}",
                        level=level,
                        position=index + 1,
                        title=f"{level.capitalize()} practitioner {index + 1}",
                        years_min=year - 2 if specialized else year,
                        years_max=None if specialized or index == last_chain else year + span,
                        summary="What people at this stage do, in a sentence or two.",
                        leads_to_id=leads_to,
                    )
                )
                if not specialized:
                    year += span
        Stage.objects.bulk_create(stages, batch_size=BATCH)
        self.stage_rows = list(
            Stage.objects.filter(role_id__in=self.role_ids)
            .order_by("role_id", "position")
            .values_list("id", "role_id", "level")
        )

    def _items(self) -> None:
        """Stage skills and milestones, with `role` copied from the stage (save() is skipped)."""
        rng = self.rng
        kinds = list(MilestoneKind.values)
        by_role: dict[int, list[tuple[int, str]]] = {}
        for stage_id, role_id, level in self.stage_rows:
            by_role.setdefault(role_id, []).append((stage_id, level))
        stage_skills: list[StageSkill] = []
        milestones: list[Milestone] = []
        for role_id, stages in by_role.items():
            wanted = [(rng.randint(3, 5), rng.randint(1, 2)) for _ in stages]
            # Distinct skills within a role: "a skill appears at most once per role".
            pool = rng.sample(self.skill_ids, min(len(self.skill_ids), sum(map(sum, wanted))))
            for (stage_id, _level), (required, recommended) in zip(stages, wanted, strict=True):
                for position in range(required + recommended):
                    if not pool:
                        break
                    stage_skills.append(
                        StageSkill(
                            role_id=role_id,
                            stage_id=stage_id,
                            skill_id=pool.pop(),
                            required=position < required,
                            position=position,
                            is_retired=rng.random() < 0.02,
                        )
                    )
            for stage_number, (stage_id, _level) in enumerate(stages, start=1):
                for position in range(rng.randint(2, 3)):
                    milestones.append(
                        Milestone(
                            role_id=role_id,
                            stage_id=stage_id,
                            title=f"Milestone {position + 1} of stage {stage_number}",
                            slug=f"s{stage_number}-m{position + 1}",
                            kind=kinds[(stage_number + position) % len(kinds)],
                            description="A synthetic milestone.",
                            position=position,
                            is_retired=rng.random() < 0.02,
                        )
                    )
        StageSkill.objects.bulk_create(stage_skills, batch_size=BATCH)
        Milestone.objects.bulk_create(milestones, batch_size=BATCH)

    def _salaries(self) -> None:
        rng = self.rng
        bands: list[SalaryBand] = []
        common = {"source_id": self.source.id, "year": 2024, "section": "Synthetic"}
        for stage_id, role_id, level in self.stage_rows:
            low = LEVEL_PAY[level] + rng.randint(-10, 10) * 1000
            if level == Level.SPECIALIZED:
                # Some guides give a single average for a stage: no range, just the figure.
                bands.append(
                    SalaryBand(
                        role_id=role_id,
                        stage_id=stage_id,
                        midpoint=low,
                        midpoint_kind=MidpointKind.AVERAGE,
                        **common,
                    )
                )
                continue
            high = int(low * 1.4)
            bands.append(
                SalaryBand(
                    role_id=role_id,
                    stage_id=stage_id,
                    low=low,
                    high=high,
                    midpoint=(low + high) // 2,
                    midpoint_kind=MidpointKind.MEDIAN,
                    **common,
                )
            )
            factor = rng.uniform(0.9, 1.3)
            bands.append(
                SalaryBand(
                    role_id=role_id,
                    stage_id=stage_id,
                    region_id=rng.choice(self.region_ids),
                    low=int(low * factor),
                    high=int(high * factor),
                    **common,
                )
            )
        for role_id in self.role_ids:
            bands.append(
                SalaryBand(
                    role_id=role_id,
                    low=80_000,
                    high=220_000,
                    p10=70_000,
                    p90=260_000,
                    pay_basis=PayBasis.TOTAL,
                    position=1,
                    **common,
                )
            )
            bands.append(
                SalaryBand(
                    role_id=role_id,
                    region_id=rng.choice(self.region_ids),
                    low=90_000,
                    high=240_000,
                    **common,
                )
            )
        SalaryBand.objects.bulk_create(bands, batch_size=BATCH)

    # --- people ----------------------------------------------------------------------------

    def _people(self) -> None:
        rng = self.rng
        user_model = get_user_model()
        password = make_password(BENCH_PASSWORD)
        names = [LONG_HISTORY_USERNAME] + [
            f"{PERSON_PREFIX}{i:05d}" for i in range(1, self.sizes.people)
        ]
        user_model.objects.bulk_create(
            (
                user_model(
                    username=name,
                    email=f"{name}@example.com",
                    password=password,
                    date_joined=self.now - timedelta(days=rng.randint(1, HISTORY_DAYS)),
                )
                for name in names
            ),
            batch_size=BATCH,
        )
        ids = dict(user_model.objects.filter(username__in=names).values_list("username", "id"))
        self.long_user_id = ids[LONG_HISTORY_USERNAME]
        self.user_ids = [ids[name] for name in names]
        region_choices = [*self.region_ids, None, None]  # a third of people: national figures
        Profile.objects.bulk_create(
            (
                Profile(
                    user_id=user_id,
                    display_name=f"Person {n}",
                    region_id=self.region_ids[0] if n == 0 else rng.choice(region_choices),
                )
                for n, user_id in enumerate(self.user_ids)
            ),
            batch_size=BATCH,
        )

    def _shapes(self, role_ids: list[int]) -> dict[int, RoleShape]:
        """The live (non-retired) items of each role, as the progress rules see them."""
        roles = dict(Role.objects.filter(id__in=role_ids).values_list("id", "slug"))
        shapes = {rid: RoleShape(rid, slug, []) for rid, slug in roles.items()}
        stages: dict[int, StageShape] = {}
        for sid, rid, position, level in (
            Stage.objects.filter(role_id__in=role_ids, is_retired=False)
            .order_by("role_id", "position")
            .values_list("id", "role_id", "position", "level")
        ):
            stages[sid] = StageShape(sid, position, level)
            shapes[rid].stages.append(stages[sid])
        for sid, skill_id, required in (
            StageSkill.objects.filter(role_id__in=role_ids, is_retired=False)
            .order_by("stage_id", "-required", "position")
            .values_list("stage_id", "skill_id", "required")
        ):
            if sid in stages:
                (stages[sid].required if required else stages[sid].recommended).append(skill_id)
        for sid, mid in (
            Milestone.objects.filter(role_id__in=role_ids, is_retired=False)
            .order_by("stage_id", "position")
            .values_list("stage_id", "id")
        ):
            if sid in stages:
                stages[sid].milestones.append(mid)
        return shapes

    def _goals(self) -> None:
        rng = self.rng
        target = Role.objects.filter(slug=self.target_role_slug).first()
        if target is None:
            target = Role.objects.get(slug=FALLBACK_ROLE_SLUG)
        self.target_role = target
        self.shapes = self._shapes([*self.role_ids, target.id])
        self.milestone_ids = list(
            Milestone.objects.filter(role_id__in=self.role_ids).values_list("id", flat=True)
        )
        goals: list[Goal] = []
        self.person_role: dict[int, RoleShape] = {}
        for user_id in self.user_ids:
            shape = self.shapes[
                target.id if user_id == self.long_user_id else rng.choice(self.role_ids)
            ]
            self.person_role[user_id] = shape
            if user_id == self.long_user_id or rng.random() < 0.1:
                # An earlier goal kept as history: changing goals never deletes the old one.
                old = self.shapes[rng.choice(self.role_ids)]
                goals.append(
                    Goal(
                        user_id=user_id,
                        role_id=old.id,
                        target_stage_id=old.chain[-1].id,
                        is_active=False,
                        ended_at=self.now - timedelta(days=rng.randint(30, 300)),
                    )
                )
            long_history = user_id == self.long_user_id
            stages = shape.chain if long_history or rng.random() < 0.8 else shape.stages
            goals.append(
                Goal(
                    user_id=user_id,
                    role_id=shape.id,
                    target_stage_id=stages[-1].id,
                    is_active=True,
                )
            )
        Goal.objects.bulk_create(goals, batch_size=BATCH)
        self.goal_ids = dict(
            Goal.objects.filter(user_id__in=self.user_ids, is_active=True).values_list(
                "user_id", "id"
            )
        )

    def _progress(self) -> None:
        rng = self.rng
        skills: list[SkillProgress] = []
        milestones: list[MilestoneProgress] = []
        self.person_skills: dict[int, list[int]] = {}
        for user_id in self.user_ids:
            shape = self.person_role[user_id]
            chain = shape.chain
            long_history = user_id == self.long_user_id
            reached = len(chain) // 2 if long_history else rng.randint(0, len(chain))
            skill_status: dict[int, str] = {}
            milestone_done: set[int] = set()
            for index, stage in enumerate(chain):
                if index < reached:
                    skill_status.update(dict.fromkeys(stage.required, SkillStatus.DONE))
                    skill_status.update(
                        (s, SkillStatus.DONE) for s in stage.recommended if rng.random() < 0.5
                    )
                    milestone_done.update(stage.milestones)
                elif index == reached:
                    for s in stage.required:
                        if rng.random() < 0.5:
                            skill_status[s] = rng.choice([SkillStatus.DONE, SkillStatus.LEARNING])
                    milestone_done.update(m for m in stage.milestones if rng.random() < 0.3)
            if long_history:
                # Years of use: progress on a fifth of all skills and on milestones of other roles.
                extra_skills = rng.sample(self.skill_ids, len(self.skill_ids) // 5)
                extra_milestones = rng.sample(
                    self.milestone_ids, min(len(self.milestone_ids), 2 * self.sizes.roles)
                )
            else:
                extra_skills = rng.sample(self.skill_ids, rng.randint(0, 4))
                extra_milestones = []
            for s in extra_skills:
                skill_status.setdefault(s, rng.choice([SkillStatus.DONE, SkillStatus.LEARNING]))
            milestone_done.update(extra_milestones)
            self.person_skills[user_id] = list(skill_status) or self.skill_ids[:1]
            for skill_id, status in skill_status.items():
                started = self.now - timedelta(days=rng.randint(1, HISTORY_DAYS))
                skills.append(
                    SkillProgress(
                        user_id=user_id,
                        skill_id=skill_id,
                        status=status,
                        started_at=started,
                        completed_at=started + timedelta(days=7)
                        if status == SkillStatus.DONE
                        else None,
                    )
                )
            for milestone_id in milestone_done:
                milestones.append(
                    MilestoneProgress(
                        user_id=user_id,
                        milestone_id=milestone_id,
                        completed_at=self.now - timedelta(days=rng.randint(1, HISTORY_DAYS)),
                    )
                )
        SkillProgress.objects.bulk_create(skills, batch_size=BATCH)
        MilestoneProgress.objects.bulk_create(milestones, batch_size=BATCH)

    # --- events ----------------------------------------------------------------------------

    def _event_rows(self) -> Iterator[list[tuple[Any, ...]]]:
        rng = self.rng
        adapt = connection.ops.adapt_datetimefield_value
        others = [u for u in self.user_ids if u != self.long_user_id] or [self.long_user_id]
        long_count = min(self.sizes.long_history_events, self.sizes.events)
        skill_moves = [
            (SkillStatus.NOT_STARTED, SkillStatus.LEARNING),
            (SkillStatus.LEARNING, SkillStatus.DONE),
            (SkillStatus.DONE, SkillStatus.LEARNING),
            (SkillStatus.NOT_STARTED, SkillStatus.DONE),
        ]
        horizon = HISTORY_DAYS * 86400.0
        now = self.now
        remaining = self.sizes.events
        produced = 0
        while remaining:
            n = min(EVENT_CHUNK, remaining)
            users = [
                self.long_user_id if produced + i < long_count else rng.choice(others)
                for i in range(n)
            ]
            rows: list[tuple[Any, ...]] = []
            for user_id in users:
                r = rng.random()
                skill_id = milestone_id = goal_id = None
                if r < 0.70:
                    kind = EventKind.SKILL
                    skill_id = rng.choice(self.person_skills[user_id])
                    before, after = rng.choice(skill_moves)
                elif r < 0.92:
                    kind = EventKind.MILESTONE
                    milestone_id = rng.choice(self.milestone_ids)
                    before, after = ("", "done") if r < 0.88 else ("done", "")
                elif r < 0.95:
                    kind, goal_id, before, after = EventKind.GOAL, self.goal_ids[user_id], "", "set"
                else:
                    kind = EventKind.NOTE
                    skill_id = rng.choice(self.person_skills[user_id])
                    before = after = ""
                when = adapt(now - timedelta(seconds=rng.random() * horizon))
                rows.append((user_id, kind, skill_id, milestone_id, goal_id, before, after, when))
            produced += n
            remaining -= n
            yield rows

    def _events(self) -> None:
        meta = ProgressEvent._meta
        names = ["user", "kind", "skill", "milestone", "goal", "from_state", "to_state"]
        columns = [meta.get_field(name).column for name in [*names, "created_at"]]
        quote = connection.ops.quote_name
        table = quote(meta.db_table)
        column_list = ", ".join(quote(c) for c in columns)
        written = 0
        with connection.cursor() as cursor:
            raw = getattr(cursor, "cursor", None)
            for rows in self._event_rows():
                if connection.vendor == "postgresql" and hasattr(raw, "copy"):
                    # COPY streams rows without a statement per batch: the fastest way in.
                    with raw.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    # SQLite: one prepared statement run for every row of the chunk.
                    placeholders = ", ".join(["%s"] * len(columns))
                    cursor.executemany(
                        f"INSERT INTO {table} ({column_list}) VALUES ({placeholders})", rows
                    )
                written += len(rows)
                if written % 200_000 == 0:
                    self.log(f"    {written:,} events")


def generate(
    sizes: Sizes,
    *,
    seed: int = 42,
    target_role_slug: str = "machine-learning-engineer",
    log: Callable[[str], None] | None = None,
) -> GenerationResult:
    return Generator(sizes, seed=seed, target_role_slug=target_role_slug, log=log).run()


def count_rows(long_history_user_id: int | None = None) -> dict[str, int]:
    user_model = get_user_model()
    counts = {
        "roles": Role.objects.count(),
        "stages": Stage.objects.count(),
        "skills": Skill.objects.count(),
        "stage_skills": StageSkill.objects.count(),
        "milestones": Milestone.objects.count(),
        "salary_bands": SalaryBand.objects.count(),
        "regions": Region.objects.count(),
        "users": user_model.objects.count(),
        "profiles": Profile.objects.count(),
        "active_goals": Goal.objects.filter(is_active=True).count(),
        "goals": Goal.objects.count(),
        "skill_progress": SkillProgress.objects.count(),
        "milestone_progress": MilestoneProgress.objects.count(),
        "progress_events": ProgressEvent.objects.count(),
    }
    if long_history_user_id is not None:
        uid = long_history_user_id
        counts["long_history_events"] = ProgressEvent.objects.filter(user_id=uid).count()
        counts["long_history_skill_progress"] = SkillProgress.objects.filter(user_id=uid).count()
        counts["long_history_milestone_progress"] = MilestoneProgress.objects.filter(
            user_id=uid
        ).count()
    return counts


def violations() -> list[str]:
    """Rules that bulk inserts could have broken without the database noticing."""
    user_model = get_user_model()
    checks: dict[str, int] = {
        "stage skills whose role is not their stage's role": StageSkill.objects.exclude(
            role=F("stage__role")
        ).count(),
        "milestones whose role is not their stage's role": Milestone.objects.exclude(
            role=F("stage__role")
        ).count(),
        "salary bands whose stage belongs to another role": SalaryBand.objects.filter(
            stage__isnull=False
        )
        .exclude(role=F("stage__role"))
        .count(),
        "goals whose target stage belongs to another role": Goal.objects.exclude(
            role=F("target_stage__role")
        ).count(),
        "specialized-only fields on other stages": Stage.objects.filter(leads_to__isnull=False)
        .exclude(level=Level.SPECIALIZED)
        .count(),
        "people without exactly one active goal": user_model.objects.filter(
            username__startswith="bench-"
        )
        .annotate(active=Count("goals", filter=Q(goals__is_active=True)))
        .exclude(active=1)
        .count(),
        "people without a profile": user_model.objects.filter(
            username__startswith="bench-", profile__isnull=True
        ).count(),
        "skills repeated within a role": StageSkill.objects.values("role", "skill")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count(),
        "stage positions repeated within a role": Stage.objects.filter(is_retired=False)
        .values("role", "position")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count(),
        "salary bands with low > high": SalaryBand.objects.filter(low__gt=F("high")).count(),
    }
    return [f"{n} {what}" for what, n in checks.items() if n]
