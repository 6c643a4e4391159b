"""The benchmark's pieces at a tiny scale, and one whole run of its command in process.

Nothing here starts gunicorn or wrk: `make bench` is the real run. `benchmarks` is not an app of
the test settings, so its modules are imported directly and its command runs in a subprocess.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db.models import Count
from pytest_django.fixtures import Settings

from benchmarks.dataset import count_rows, violations
from benchmarks.generator import (
    LONG_HISTORY_USERNAME,
    MENTOR_USERNAME,
    TARGET_ROLE,
    Generator,
    Sizes,
)
from benchmarks.load import lua_script, parse_wrk
from benchmarks.management.commands.bench import growth_of
from benchmarks.pages import BARE, Timer, checkoff_skills
from careers.models import Role, SalaryBand, Stage, StageMilestone, StageSkill
from tracker.models import Goal, Mentorship, MilestoneProgress, ProgressEvent, SkillProgress

TINY = Sizes(roles=3, skills=40, people=6, events=300, long_history_events=120, regions=2, team=4)


@pytest.fixture
def person(db: None) -> User:
    """The long-history person of a tiny data set beside the shipped catalog."""
    call_command("load_catalog", verbosity=0)
    Generator(TINY, log=lambda message: None).run()
    return User.objects.get(username=LONG_HISTORY_USERNAME)


def test_the_data_set_has_the_sizes_asked_for(person: User) -> None:
    counts = count_rows()
    assert Role.objects.filter(slug__startswith="bench-role-").count() == 3
    assert counts["people"] == 6 and counts["progress_events"] == 300
    assert counts["long_history_events"] == 120
    assert SkillProgress.objects.filter(user=person).count() >= 40 // 5
    assert MilestoneProgress.objects.filter(user=person).exists()
    for role in Role.objects.filter(slug__startswith="bench-role-"):
        assert 4 <= Stage.objects.filter(role=role).count() <= 6
        assert StageSkill.objects.filter(role=role, required=False).exists()
        assert SalaryBand.objects.filter(role=role, stage=None).exists()
    goal = Goal.objects.get(user=person, is_active=True)
    assert goal.role.slug == TARGET_ROLE
    assert Goal.objects.filter(user=person, is_active=False).exists()


def test_the_mentor_has_a_team_of_the_longest_histories(person: User) -> None:
    team = Mentorship.objects.accepted().filter(mentor__username=MENTOR_USERNAME)
    members = list(team.values_list("person_id", flat=True))
    assert len(members) == 4 and person.pk in members
    others = ProgressEvent.objects.exclude(user=person).values("user_id")
    counts = sorted(others.annotate(n=Count("id")).values_list("n", flat=True), reverse=True)
    shortest_in_team = min(
        ProgressEvent.objects.filter(user_id=uid).count() for uid in members if uid != person.pk
    )
    assert shortest_in_team == counts[2]


def test_the_timer_times_the_mentors_team_page(person: User, settings: Settings) -> None:
    settings.ROOT_URLCONF = "benchmarks.urls"
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    team = Timer(person).block("/mentoring/", 3)
    assert team["status"] == "ok", team["status"]
    assert len(team["samples_ms"]) == 3


def test_the_data_set_keeps_every_rule(person: User) -> None:
    assert violations() == []
    # The database holds these too; said here so that a failure reads plainly.
    for model, fields in (
        (StageSkill, ("role", "skill")),
        (StageMilestone, ("role", "milestone")),
        (SkillProgress, ("user", "skill")),
        (MilestoneProgress, ("user", "milestone")),
    ):
        repeated = model.objects.values(*fields).annotate(n=Count("id")).filter(n__gt=1)
        assert not repeated.exists(), model
    live = Stage.objects.filter(is_retired=False).values("role", "position")
    assert not live.annotate(n=Count("id")).filter(n__gt=1).exists()
    assert not ProgressEvent.objects.filter(user=person, skill__isnull=True, kind="skill").exists()


def test_the_timer_counts_queries_and_every_check_off_changes_a_skill(
    person: User, settings: Settings
) -> None:
    settings.ROOT_URLCONF = "benchmarks.urls"
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    timer = Timer(person)

    bare = timer.block(BARE, 3)
    plan = timer.block("/plan/", 3)
    events = ProgressEvent.objects.filter(user=person).count()
    skills = checkoff_skills(person)
    checkoff = timer.block("check-off (htmx)", 2 * len(skills))

    assert bare["status"] == "ok" and bare["queries"] == 0 and len(bare["samples_ms"]) == 3
    assert plan["status"] == "ok" and len(plan["samples_ms"]) == 3
    assert checkoff["status"] == "ok", checkoff["status"]
    assert checkoff["queries"] >= 1  # it writes at least its event
    # Warm-up, counted and timed posts: each one changed its skill and wrote its event.
    posts = 2 * len(skills) + 20 + 1
    assert ProgressEvent.objects.filter(user=person).count() == events + posts


WRK_OUTPUT = """Running 2s test @ http://127.0.0.1:8000/
  2 threads and 16 connections
  Latency Distribution
     50%    3.42ms
     75%    3.80ms
     90%    4.10ms
     99%    1.20s\x20
  8800 requests in 2.00s, 1.50MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:   4400.50
Transfer/sec:    768.00KB
Status codes: 303=8790 302=6 503=4
"""


def test_wrk_output_is_read_with_any_status_but_the_expected_one_an_error() -> None:
    assert parse_wrk(WRK_OUTPUT, 303) == {"rps": 4400.5, "p99_ms": 1200.0, "errors": 3 + 6 + 4}
    with pytest.raises(ValueError):
        parse_wrk("unable to connect", 200)


def test_each_wrk_thread_cycles_through_requests_of_its_own() -> None:
    script = lua_script(
        [[("POST", "/a/", "status=done")], [("POST", "/b/", "status=learning")]],
        {"Cookie": 'a="b"'},
    )
    assert '{{"POST", "/a/", "status=done"}}' in script
    assert '{{"POST", "/b/", "status=learning"}}' in script
    assert '["Cookie"] = "a=\\"b\\""' in script


def blocks(*medians: float) -> list[dict[str, object]]:
    return [{"status": "ok", "queries": 1, "samples_ms": [m, m, m]} for m in medians]


def test_growth_is_the_median_over_pairs_of_blocks() -> None:
    # The machine slows down half way: each pair sees it alike, the pooled medians would not.
    row = growth_of(blocks(1.1, 1.1, 2.2, 2.2, 2.4), blocks(1.0, 1.0, 2.0, 2.0, 2.0))
    assert row["growth"] == pytest.approx(0.1)
    assert row["large"]["median_ms"] == 2.2 and row["small"]["median_ms"] == 2.0
    failed = growth_of(blocks(1.0), [{"status": "HTTP 500", "queries": 1, "samples_ms": []}])
    assert failed["growth"] is None and failed["status"] == "HTTP 500"


def test_the_command_runs_in_process_with_growth(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env |= {"DJANGO_SETTINGS_MODULE": "benchmarks.settings", "PATHWISE_BENCH_DIR": str(tmp_path)}
    command = [sys.executable, "manage.py", "bench", "--scale=0.002", "--in-process-only"]
    command += ["--growth", "--requests=20", "--verbosity=0"]

    done = subprocess.run(
        command, cwd=django_settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=240
    )

    assert done.returncode == 0, done.stderr[-3000:]
    # Columns are as wide as their widest figure.
    assert re.search(r"\|\s+queries\s+\|\s+median ms\s+\|\s+p95 ms\s+\|", done.stdout)
    assert "every page <= 10 queries: " in done.stdout
    (results,) = tmp_path.glob("bench-sqlite-*.json")
    out = json.loads(results.read_text())
    assert len(out["pages"]) == 21
    assert all(page["status"] == "ok" for page in out["pages"].values()), out["pages"]
    assert all(row["growth"] is not None for row in out["growth"]["pages"].values())
    assert out["growth"]["small_dataset"]["sizes"]["people"] == 5
    assert (tmp_path / "bench.sqlite3").exists() and (tmp_path / "bench_small.sqlite3").exists()
