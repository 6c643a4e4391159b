"""A small role with every kind of item, and ways to grow data, for the tracker's tests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from careers.models import Level, Milestone, Role, Skill, Stage, StageSkill
from tests.builders import build_catalog
from tests.factories import (
    RoleFactory,
    SalaryBandFactory,
    SkillFactory,
    StageFactory,
    StageMilestoneFactory,
    StageSkillFactory,
)
from tracker import services
from tracker.models import (
    EventKind,
    MilestoneProgress,
    ProgressEvent,
    SkillProgress,
    SkillStatus,
)


@dataclass
class RoleSetup:
    role: Role
    entry: Stage
    mid: Stage
    senior: Stage
    branch: Stage
    skills: dict[str, Skill] = field(default_factory=dict)
    milestones: dict[str, Milestone] = field(default_factory=dict)


def make_role(*, published: bool = True, bands: bool = True, **role_kwargs) -> RoleSetup:
    """Entry (2 required skills, 1 recommended, 1 milestone), mid (1 skill, 1 milestone),
    senior (1 skill), and a specialized branch (1 skill)."""
    role = RoleFactory.create(is_published=published, **role_kwargs)
    n = role.pk
    entry = StageFactory.create(role=role, level=Level.ENTRY, position=1, title="Junior engineer")
    mid = StageFactory.create(role=role, level=Level.MID, position=2, title="Engineer")
    senior = StageFactory.create(role=role, level=Level.SENIOR, position=3, title="Senior engineer")
    branch = StageFactory.create(role=role, level=Level.SPECIALIZED, position=4, title="Researcher")
    setup = RoleSetup(role=role, entry=entry, mid=mid, senior=senior, branch=branch)
    for key, stage, required in [
        ("python", entry, True),
        ("algebra", entry, True),
        ("spark", entry, False),
        ("torch", mid, True),
        ("mlops", senior, True),
        ("research", branch, True),
    ]:
        ss = StageSkillFactory.create(
            stage=stage,
            skill__name=f"{key.title()} {n}",
            skill__slug=f"{key}-{n}",
            required=required,
        )
        setup.skills[key] = ss.skill
    for key, stage in [("portfolio", entry), ("deploy", mid)]:
        setup.milestones[key] = StageMilestoneFactory.create(
            stage=stage, milestone__title=f"{key.title()} project {n}", milestone__slug=f"{key}-{n}"
        ).milestone
    if bands:
        SalaryBandFactory.create(
            role=role, stage=entry, low=70_000, high=132_000, section="Entry pay"
        )
        SalaryBandFactory.create(role=role, stage=mid, low=132_326, high=181_999, section="Mid pay")
    return setup


def target(user, stage: Stage) -> None:
    services.goal_set(user=user, stage=stage)


def grow_tenfold(user, setup: RoleSetup) -> None:
    """Ten times the catalog and ten times the person's history, around what a page reads.

    More roles, more items in the target role itself, progress rows on every item of the other
    roles (the target role's own items are left as the test set them), and a long event log:
    none of it may change how many queries a page or a post runs.
    """
    build_catalog(9, stages=4, skills_per_stage=4, milestones_per_stage=2, branches=1)
    for stage in (setup.entry, setup.mid, setup.senior):
        for position in range(10, 16):
            StageSkillFactory.create(stage=stage, position=position, required=position % 2 == 0)
            StageMilestoneFactory.create(stage=stage, position=position)
    now = timezone.now()
    SkillProgress.objects.bulk_create(
        [
            SkillProgress(user=user, skill=skill, status=SkillStatus.DONE, completed_at=now)
            for skill in Skill.objects.exclude(
                pk__in=SkillProgress.objects.filter(user=user).values("skill")
            ).exclude(stage_skills__role=setup.role)
        ]
    )
    MilestoneProgress.objects.bulk_create(
        [
            MilestoneProgress(user=user, milestone=m, completed_at=now)
            for m in Milestone.objects.exclude(
                pk__in=MilestoneProgress.objects.filter(user=user).values("milestone")
            ).exclude(stage_milestones__role=setup.role)
        ]
    )
    skills = list(Skill.objects.all()[:50])
    events = [
        ProgressEvent(user=user, kind=EventKind.SKILL, skill=skill, from_state="", to_state="done")
        for _ in range(4)
        for skill in skills
    ]
    ProgressEvent.objects.bulk_create(events)
    # Spread them over the last two months, so that some fall inside the pace window.
    for i, event in enumerate(ProgressEvent.objects.filter(user=user)):
        ProgressEvent.objects.filter(pk=event.pk).update(created_at=now - timedelta(hours=12 * i))
    assert StageSkill.objects.count() > 10 * 6
    # Written straight to the tables, so marked as the app marks its own changes.
    services.mark_changed(user)


def another_skill() -> Skill:
    """A skill that is in the catalog but in no role anyone targets."""
    return SkillFactory.create()


_TRANSACTION_CONTROL = re.compile(
    r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT)\b", re.IGNORECASE
)


@contextmanager
def assert_queries(data: int, *, transactions: int = 0) -> Iterator[None]:
    """Exactly `data` queries that read or write, inside `transactions` atomic blocks.

    A write's atomic block shows up as BEGIN/COMMIT on SQLite, as SAVEPOINT/RELEASE inside a
    test's transaction, and as nothing at all on PostgreSQL in production; counting those apart
    pins the same number everywhere.
    """
    with CaptureQueriesContext(connection) as captured:
        yield
    statements = [q["sql"] for q in captured.captured_queries]
    control = [sql for sql in statements if _TRANSACTION_CONTROL.match(sql)]
    queries = [sql for sql in statements if not _TRANSACTION_CONTROL.match(sql)]
    listing = "\n\n".join(f"{i}. {sql}" for i, sql in enumerate(queries, 1))
    assert len(queries) == data, f"{len(queries)} queries, expected {data}:\n\n{listing}"
    # Each atomic block opens and closes once (BEGIN + COMMIT, or SAVEPOINT + RELEASE).
    assert len(control) == 2 * transactions, control


def client_for(user: User) -> Client:
    """A browser of its own, signed in as `user`."""
    client = Client()
    client.force_login(user)
    return client
