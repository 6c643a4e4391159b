"""The benchmark's own database, beside the developer's, and the data set in it: generated
unless --reuse finds one of the same sizes, and checked for what bulk inserts could break."""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import psycopg
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import OperationalError, connection
from django.db.models import Count, F, Q

from careers.models import (
    Level,
    Role,
    SalaryBand,
    Skill,
    Source,
    Stage,
    StageMilestone,
    StageSkill,
)
from tracker.models import Goal, Profile, ProgressEvent, SkillProgress

from .generator import LONG_HISTORY_USERNAME, SEED, SOURCE_SLUG, Generator, Log, Sizes


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
        # The bulk load's last step, raw SQL: else autovacuum does it while pages are measured.
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


def count_rows() -> dict[str, int]:
    user = User.objects.get(username=LONG_HISTORY_USERNAME)
    return {
        "roles": Role.objects.count(),
        "skills": Skill.objects.count(),
        # The people the sizes count; their mentor (generator.MENTOR_USERNAME) is not one.
        "people": Profile.objects.filter(user__username__startswith="bench-").count(),
        "skill_progress": SkillProgress.objects.count(),
        "progress_events": ProgressEvent.objects.count(),
        "long_history_events": ProgressEvent.objects.filter(user=user).count(),
    }


def violations() -> list[str]:
    """Rules that bulk inserts could break without the database noticing."""
    bench_people = User.objects.filter(username__startswith="bench-")
    stage_role = ~Q(role=F("stage__role"))
    checks = {
        "stage skills whose role is not their stage's": StageSkill.objects.filter(stage_role),
        "stage milestones whose role is not their stage's": StageMilestone.objects.filter(
            stage_role
        ),
        "salary bands of another role's stage": SalaryBand.objects.filter(
            stage_role, stage__isnull=False
        ),
        "goals aiming at another role's stage": Goal.objects.exclude(role=F("target_stage__role")),
        "other stages than specialized leading to a role": Stage.objects.exclude(
            Q(leads_to=None) | Q(level=Level.SPECIALIZED)
        ),
        "people without exactly one active goal": bench_people.annotate(
            active=Count("goals", filter=Q(goals__is_active=True))
        ).exclude(active=1),
        "people without a profile": bench_people.filter(profile__isnull=True),
    }
    return [f"{n} {what}" for what, query in checks.items() if (n := query.count())]
