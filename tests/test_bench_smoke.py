"""The benchmark's pieces at a tiny scale: generator, in-process timer, wrk plumbing, and the
bookkeeping of the comparisons (bare runs beside each page, growth from blocks taken in turn),
and one whole run of the command on tiny data sets.

Nothing here starts gunicorn or wrk; `make bench` is the real run.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.db.models import Count, F
from django.test import Client

from benchmarks import growth, report
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


def blocks(*medians: float, queries: int = 1) -> growth.Blocks:
    side = growth.Blocks()
    for m in medians:
        side.add({"status": "ok", "queries": queries, "samples_ms": [m] * 3, "cpu_ms": [m / 2] * 3})
    return side


def test_growth_is_the_median_over_pairs_of_blocks():
    # The machine slows down half way: each pair sees it alike, a pooled median would not.
    row = growth.growth_row("p", blocks(1.1, 1.1, 2.2, 2.2, 2.4), blocks(1.0, 1.0, 2.0, 2.0, 2.0))

    assert row["block_ratios"] == [1.1, 1.1, 1.1, 1.1, 1.2]
    assert row["median_growth"] == pytest.approx(0.1)
    assert row["cpu_growth"] == pytest.approx(0.1)
    assert row["large"]["median_ms"] == 2.2 and row["small"]["median_ms"] == 2.0
    assert row["large"]["blocks"] == 5 and row["large"]["requests"] == 15
    assert row["p95_growth"] == pytest.approx(2.4 / 2.0 - 1)
    header, rows = report.growth_rows({"small_scale": 0.1, "large_scale": 1, "pages": [row]})
    assert rows[0][0] == "p" and rows[0][-1] == "ok" and len(rows[0]) == len(header)


def test_growth_of_a_page_that_failed_on_either_side_is_not_given():
    failed = growth.Blocks()
    failed.add({"status": "HTTP 500", "queries": None, "samples_ms": [], "cpu_ms": []})

    row = growth.growth_row("p", blocks(1.0), failed)

    assert row["median_growth"] is None and row["status"] == "HTTP 500"


def test_the_blocks_are_taken_in_turn_the_first_of_a_pair_alternating():
    asked: list[tuple[str, dict[str, Any]]] = []

    class Worker:
        def __init__(self, label: str) -> None:
            self.label = label

        def ask(self, request: dict[str, Any]) -> dict[str, Any]:
            asked.append((self.label, request))
            return {"status": "ok", "queries": 2, "samples_ms": [1.0], "cpu_ms": [1.0]}

    rows = growth.interleave(
        Worker("large"), Worker("small"), ["a", "b"], requests=3 * growth.BLOCK, warmup=7
    )

    order = ["large", "small", "small", "large", "large", "small"]
    assert [label for label, _ in asked[:6]] == order
    assert [r["page"] for _, r in asked] == ["a"] * 6 + ["b"] * 6
    assert [r["warmup"] for _, r in asked[:6]] == [7, 7, 0, 0, 0, 0]
    assert [r["first"] for _, r in asked[:6]] == [True, True, False, False, False, False]
    assert [row["name"] for row in rows] == ["a", "b"]
    assert rows[0]["median_growth"] == 0


def test_make_bench_with_growth_runs_end_to_end(tmp_path):
    """The command itself, in process only, on two tiny SQLite data sets of its own (in a
    folder of the test's), with its two timing workers."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    env["PATHWISE_BENCH_DIR"] = str(tmp_path)
    output = tmp_path / "run.json"
    command = [sys.executable, "manage.py", "bench", "--scale=0.002", "--in-process-only"]
    command += ["--growth", "--rounds=1", "--requests=40", "--warmup=2", f"--output={output}"]
    command += ["--page=/plan/", "--page=check-off (htmx)"]

    done = subprocess.run(
        command, cwd=django_settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=600
    )

    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(output.read_text())
    assert out["version"] == 3
    rows = {row["name"]: row for row in out["growth"]["pages"]}
    assert set(rows) == {BARE, "/plan/", "check-off (htmx)"}
    for row in rows.values():
        assert row["large"]["status"] == row["small"]["status"] == "ok", row
        assert row["large"]["blocks"] == 2 and row["large"]["requests"] == 40
        assert len(row["block_ratios"]) == 2 and row["median_growth"] is not None
    assert (
        rows["check-off (htmx)"]["large"]["queries"] == rows["check-off (htmx)"]["small"]["queries"]
    )
    assert out["growth"]["small_dataset"]["sizes"]["people"] == 5
    assert (tmp_path / "bench.sqlite3").exists() and (tmp_path / "bench-small.sqlite3").exists()
    assert "In-process server time as the data set grows tenfold" in done.stdout


def test_a_bare_run_beside_a_page_never_outlasts_the_page():
    assert bench._beside_seconds(20.0) == 5.0
    assert bench._beside_seconds(60.0) == 15.0
    assert bench._beside_seconds(3.0) == 3.0
