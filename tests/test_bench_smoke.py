"""The benchmark's pieces at a tiny scale: generator, in-process timer, wrk plumbing, and the
bookkeeping of the comparisons (bare runs beside each page, paired growth).

Nothing here starts gunicorn or wrk; `make bench` is the real run.
"""

from __future__ import annotations

import io
import statistics
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.db.models import Count, F
from django.test import Client

from benchmarks import report
from benchmarks.database import bench_database
from benchmarks.dataset import LONG_HISTORY_USERNAME, Sizes, count_rows, generate, violations
from benchmarks.load import lua_script, parse_wrk
from benchmarks.pages import BARE, BrowserCsrf, Page, login_session, skill_checkoff
from benchmarks.timer import measure, percentile
from careers.management.commands import bench
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


class FakeGunicorn:
    port = 1
    base_url = "http://127.0.0.1:1"

    def __init__(self, **kwargs: Any) -> None:
        pass

    def start(self, *args: Any) -> None:
        pass

    def stop(self) -> None:
        pass


def test_each_page_is_compared_with_the_bare_runs_beside_it(monkeypatch, tmp_path):
    # wrk's rate for each run in turn; the bare run after "b" fails.
    rates: list[float | Exception] = [3000.0, 1500.0, 2400.0, 1000.0, RuntimeError("x")]
    rates += [560.0, 2600.0]
    calls: list[tuple[str, float | None]] = []

    def drive(self, page, *args: Any, seconds: float | None = None) -> dict[str, Any]:
        calls.append((page.name, seconds))
        rate = rates.pop(0)
        if isinstance(rate, Exception):
            raise rate
        return {"requests_per_second": rate, "errors": 0, "p50_ms": 1.0, "p99_ms": 2.0}

    monkeypatch.setattr(bench, "Gunicorn", FakeGunicorn)
    monkeypatch.setattr(bench, "login_session", lambda user: "session")
    monkeypatch.setattr(bench.shutil, "which", lambda name: "/usr/bin/wrk")
    monkeypatch.setattr(bench.database, "RESULTS_DIR", tmp_path)
    monkeypatch.setattr(bench.Command, "_drive", drive)
    stderr = io.StringIO()
    command = bench.Command(stdout=io.StringIO(), stderr=stderr)
    command.verbosity = 0
    command.user = None
    command.csrf = BrowserCsrf.new()
    command.pages = [Page(BARE, "/bench/bare/")]
    command.pages += [Page(name, f"/{name}/") for name in ("a", "missing", "b", "c")]
    results = [
        {
            "name": page.name,
            "in_process": {"status": "missing" if page.name == "missing" else "ok", "median_ms": 1},
        }
        for page in command.pages
    ]
    command._load({"workers": 2, "duration": 20.0, "threads": 2, "connections": 16}, results)
    bench._ratios(results)

    # The main bare run at --duration, then each page followed by a shorter bare run.
    assert calls == [
        (BARE, None),
        ("a", None),
        (BARE, 5.0),
        ("b", None),
        (BARE, 5.0),
        ("c", None),
        (BARE, 5.0),
    ]
    by_name = {r["name"]: r for r in results}
    assert "bare_beside" not in by_name[BARE]["wrk"]
    assert by_name[BARE]["throughput_ratio"] == 1.0
    assert by_name["a"]["wrk"]["bare_beside"] == {"before": 3000.0, "after": 2400.0, "mean": 2700.0}
    # The failed bare run: the main one stands in, after "b" and before "c".
    assert by_name["b"]["wrk"]["bare_beside"]["fallback"] == ["after"]
    assert by_name["b"]["wrk"]["bare_beside"]["after"] == 3000.0
    assert by_name["c"]["wrk"]["bare_beside"]["fallback"] == ["before"]
    assert by_name["c"]["wrk"]["bare_beside"]["mean"] == 2800.0
    assert "The bare run after b failed" in stderr.getvalue()
    for name in ("a", "b", "c"):
        r = by_name[name]
        beside = r["wrk"]["bare_beside"]
        assert beside["mean"] == (beside["before"] + beside["after"]) / 2
        expected = r["wrk"]["requests_per_second"] / beside["mean"]
        assert r["throughput_ratio"] == pytest.approx(expected, abs=1e-3)
    assert "wrk" not in by_name["missing"]
    lines = report.bare_beside_lines(results)
    assert lines[0].startswith("Bare view beside each page: 2,400-3,000 req/s;")
    assert "b (after), c (before)" in lines[1]


def test_growth_pairs_each_round_with_the_same_round_on_the_smaller_set(tiny, settings):
    settings.ROOT_URLCONF = "config.bench_urls"
    options: dict[str, Any] = {
        "role": "not-in-this-catalog",
        "pages": ["/plan/"],
        "rounds": 2,
        "requests": 3,
        "warmup": 0,
        "scale": 1.0,
    }
    command = bench.Command(stdout=io.StringIO())
    command.verbosity = 0
    command.small_rounds = []

    def small_round(options: dict[str, Any], round_number: int) -> None:
        # As the growth subprocess writes it: one round, its own JSON (same data set here).
        small = bench.Command(stdout=io.StringIO())
        small.verbosity = 0
        pages = small._in_process(options | {"rounds": 1}, {})
        command.small_rounds.append({"pages": pages, "dataset": {"scale": 0.1}})

    results = command._in_process(options, {}, small_round)
    assert [r["name"] for r in results] == [BARE, "/plan/"]
    for r in results:
        for key in bench.ROUND_FIGURES:
            assert len(r["in_process"][key]) == 2, key
    growth = command._growth(options, results)
    assert growth["small_scale"] == 0.1
    for row in growth["pages"]:
        for figure, key in (("median", "round_medians_ms"), ("p95", "round_p95_ms")):
            large, small = row["large"][key], row["small"][key]
            ratios = row["paired_ratios"][figure]
            assert ratios == [round(a / b, 4) for a, b in zip(large, small, strict=True)]
            assert row["growth_from"][figure] == "paired rounds"
            assert row[f"{figure}_growth"] == statistics.median(ratios) - 1
        assert row["cpu_growth"] == statistics.median(row["paired_ratios"]["cpu"]) - 1
    header, rows = report.growth_rows(growth)
    assert len(rows) == 2 and len(rows[0]) == len(header)
    assert report.growth_lines(growth)[0].startswith("growth: median over rounds of (round k")


def test_growth_pairs_what_exists_and_else_divides_the_best_rounds():
    large = {"round_medians_ms": [2.0, 3.0, None], "median_ms": 2.0, "p95_ms": 4.0}
    small = {"round_medians_ms": [1.0, None, 1.0, 1.5], "median_ms": 1.0, "p95_ms": 2.5}
    growth = bench._paired_growth(large, small)
    assert growth["paired_ratios"]["median"] == [2.0, None, None, None]
    assert growth["median_growth"] == 1.0
    # No p95 rounds on either side: the best rounds, as before pairing.
    assert growth["paired_ratios"]["p95"] == []
    assert growth["growth_from"]["p95"] == "best rounds"
    assert growth["p95_growth"] == pytest.approx(0.6)
    assert growth["cpu_growth"] is None


def test_a_bare_run_beside_a_page_never_outlasts_the_page():
    assert bench._beside_seconds(20.0) == 5.0
    assert bench._beside_seconds(60.0) == 15.0
    assert bench._beside_seconds(3.0) == 3.0
