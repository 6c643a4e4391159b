"""The benchmark's pieces at a tiny scale: generator, in-process timer, wrk plumbing.

Nothing here starts gunicorn or wrk; `make bench` is the real run.
"""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.db.models import Count, F
from django.test import Client

from benchmarks.database import bench_database
from benchmarks.dataset import LONG_HISTORY_USERNAME, Sizes, count_rows, generate, violations
from benchmarks.load import lua_script, parse_wrk
from benchmarks.pages import BARE, Page, login_session, skill_checkoff
from benchmarks.timer import measure, percentile
from careers.models import Milestone, Role, SalaryBand, Skill, Stage, StageSkill
from tracker.models import Goal, ProgressEvent, SkillProgress

TINY = Sizes(roles=2, skills=20, people=5, events=200, long_history_events=100, regions=2)


@pytest.fixture
def tiny(db):
    # No such role in the test database: the long-history person targets a generated one.
    return generate(TINY, seed=7, target_role_slug="not-in-this-catalog")


def test_generator_writes_the_sizes_asked_for(tiny):
    counts = count_rows(tiny.long_history_user_id)
    assert Role.objects.filter(slug__startswith="bench-role-").count() == 2
    assert Skill.objects.filter(slug__startswith="bench-skill-").count() == 20
    assert get_user_model().objects.filter(username__startswith="bench-").count() == 5
    assert counts["progress_events"] == 200
    assert counts["long_history_events"] == 100
    assert counts["profiles"] == counts["active_goals"] == 5
    assert counts["long_history_skill_progress"] > 0
    for role in Role.objects.filter(slug__startswith="bench-role-"):
        stages = Stage.objects.filter(role=role)
        assert 4 <= stages.count() <= 6
        assert StageSkill.objects.filter(role=role, required=True).exists()
        assert StageSkill.objects.filter(role=role, required=False).exists()
        assert Milestone.objects.filter(role=role).count() >= 2 * stages.count()
        assert SalaryBand.objects.filter(role=role, stage__isnull=False).exists()
    assert tiny.target_role_slug == "bench-role-0000"


def test_generated_rows_keep_the_model_rules(tiny):
    assert violations() == []
    assert not StageSkill.objects.exclude(role=F("stage__role")).exists()
    assert not Milestone.objects.exclude(role=F("stage__role")).exists()
    repeated = StageSkill.objects.values("role", "skill").annotate(n=Count("id")).filter(n__gt=1)
    assert not repeated.exists()
    positions = Stage.objects.values("role", "position").annotate(n=Count("id")).filter(n__gt=1)
    assert not positions.exists()
    for user in get_user_model().objects.filter(username__startswith="bench-"):
        assert Goal.objects.filter(user=user, is_active=True).count() == 1


def test_timer_measures_the_bare_view(db, settings):
    settings.ROOT_URLCONF = "config.bench_urls"
    page = Page(BARE, "/bench/bare/")
    timing = measure(page.name, Client(), page.request, requests=5, warmup=1)
    assert timing.status == "ok"
    assert timing.queries == 0
    assert len(timing.samples_ms) == 5
    assert 0 < timing.median_ms <= timing.p95_ms


def test_timer_reports_a_missing_page(db, settings):
    settings.ROOT_URLCONF = "config.bench_urls"
    page = Page("nowhere", "/no/such/page/")
    assert measure(page.name, Client(), page.request, requests=3, warmup=0).status == "missing"


def test_checkoff_changes_something_on_every_post(tiny, settings):
    settings.ROOT_URLCONF = "config.bench_urls"
    user = get_user_model().objects.get(username=LONG_HISTORY_USERNAME)
    plan = skill_checkoff(user)
    assert not isinstance(plan, str), plan
    plan.reset()
    client = Client()
    client.cookies[django_settings.SESSION_COOKIE_NAME] = login_session(user)
    page = Page("check-off", "", signed_in=True, checkoff=plan, expect=frozenset({303}))
    before = ProgressEvent.objects.filter(user=user).count()
    timing = measure(page.name, client, page.request, requests=4, warmup=0, expect=page.expect)
    assert timing.status == "ok", timing.status
    # 1 probe + 1 counted + 4 timed posts, each one a real change with its event.
    assert ProgressEvent.objects.filter(user=user).count() == before + 6
    # Back where the cycle starts, so that a wrk run after it changes something too.
    plan.reset()
    assert not SkillProgress.objects.filter(
        user=user, skill_id__in=plan.items, status="done"
    ).exists()


def test_percentile_interpolates():
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 0.5) == 3.0
    assert percentile(list(map(float, range(101))), 0.95) == 95.0


WRK_OUTPUT = """Running 2s test @ http://127.0.0.1:8000/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.61ms  500.00us   9.00ms   90.00%
    Req/Sec     2.20k   100.00     2.40k    70.00%
  Latency Distribution
     50%    3.42ms
     75%    3.80ms
     90%    4.10ms
     99%    1.20s
  8800 requests in 2.00s, 1.50MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:   4400.50
Transfer/sec:    768.00KB
Status codes: 303=8796 503=4
"""


def test_wrk_output_is_parsed():
    result = parse_wrk(WRK_OUTPUT)
    assert result.requests == 8800
    assert result.requests_per_second == 4400.5
    assert result.p50_ms == 3.42
    assert result.p99_ms == 1200.0
    assert result.errors == 4 + 2 + 1
    assert result.statuses == {"303": 8796, "503": 4}


def test_lua_script_gives_each_thread_its_own_cycle():
    script = lua_script(
        [[("POST", "/a/", "status=done")], [("POST", "/b/", "status=learning")]],
        {"Cookie": 'a="b"'},
    )
    assert '{"POST", "/a/", "status=done"}' in script
    assert '["Cookie"] = "a=\\"b\\""' in script
    assert "function request()" in script


def test_bench_database_is_never_the_configured_one():
    sqlite = bench_database({"ENGINE": "django.db.backends.sqlite3", "NAME": "/x/db.sqlite3"})
    assert sqlite["NAME"].endswith("bench-results/bench.sqlite3")
    pg = bench_database({"ENGINE": "django.db.backends.postgresql", "NAME": "pathwise"}, "small")
    assert pg["NAME"] == "pathwise_bench_small"
