"""`make bench`: how fast the pages are at production volume, each beside a bare Django view."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from subprocess import PIPE
from typing import Any

import django
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from benchmarks import RESULTS_DIR, report
from benchmarks.dataset import count_rows, describe, prepare
from benchmarks.generator import LONG_HISTORY_USERNAME, MENTOR_USERNAME, Sizes
from benchmarks.load import Gunicorn, Load
from benchmarks.pages import Timer, checkoff_skills, pages, reset_checkoffs, sign_in

# Requests in a block: few enough that the machine does not change between the two blocks of a
# pair, enough for a median.
BLOCK = 20
RECORDED_OPTIONS = ["scale", "reuse", "growth", "in_process_only", "requests", "duration"]
RECORDED_OPTIONS += ["connections", "threads", "workers"]


class Worker:
    """A process of its own timing the pages on one data set (`bench --worker`), asked for blocks
    of requests as JSON lines on its stdin, answering each with one line on its stdout."""

    def __init__(self, scale: float, dataset: str = "", reuse: bool = True) -> None:
        self.dataset = dataset or "large"
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE}
        env["PATHWISE_BENCH_DATASET"] = dataset
        command = [sys.executable, "manage.py", "bench", "--worker", f"--scale={scale}"]
        command += ["--reuse"] if reuse else []
        self.process = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=env, stdin=PIPE, stdout=PIPE, text=True
        )
        assert self.process.stdin and self.process.stdout  # both are pipes
        self.stdin, self.stdout = self.process.stdin, self.process.stdout
        self.ready = self.answer()

    def answer(self) -> dict[str, Any]:
        line = self.stdout.readline()
        if not line:
            raise CommandError(f"The timing worker on the {self.dataset} data set stopped.")
        return dict(json.loads(line))

    def ask(self, page: str, requests: int) -> dict[str, Any]:
        self.stdin.write(json.dumps({"page": page, "requests": requests}) + "\n")
        self.stdin.flush()
        return self.answer()

    def stop(self) -> None:
        self.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def side(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    """A page's figures on one data set, from all its blocks."""
    failed = [b["status"] for b in blocks if b["status"] != "ok"]
    samples = [s for b in blocks for s in b["samples_ms"]]
    ok = len(samples) > 1 and not failed
    return {
        "status": failed[0] if failed else "ok",
        "queries": blocks[0]["queries"],
        "median_ms": round(statistics.median(samples), 3) if ok else None,
        # The 19th of the 20-quantiles: the 95th percentile, interpolated as numpy's default.
        "p95_ms": round(statistics.quantiles(samples, n=20, method="inclusive")[-1], 3)
        if ok
        else None,
    }


def growth_of(large: list[dict[str, Any]], small: list[dict[str, Any]]) -> dict[str, Any]:
    """The median over pairs of blocks of (block on the larger set) / (block on the smaller), - 1:
    the two blocks of a pair ran side by side, so the machine's drift falls on both alike."""
    row: dict[str, Any] = {"large": side(large), "small": side(small), "growth": None}
    failed = [row[s]["status"] for s in ("large", "small") if row[s]["status"] != "ok"]
    row["status"] = failed[0] if failed else "ok"
    if not failed:
        ratios = [
            statistics.median(a["samples_ms"]) / statistics.median(b["samples_ms"])
            for a, b in zip(large, small, strict=True)
        ]
        row["growth"] = statistics.median(ratios) - 1
    return row


class Command(BaseCommand):
    help = """Benchmark the pages on a generated data set at production volume.

    Run with DJANGO_SETTINGS_MODULE=benchmarks.settings (`make bench`): a database of its own
    derived from DATABASE_URL (SQLite: bench-results/bench.sqlite3; PostgreSQL: the database's
    name plus "_bench"), the app's production settings, the bare view at /bench/bare/.

    Generates the data set with bulk inserts (or --reuse it); times each page in process with
    django.test.Client; serves the app with gunicorn and drives each page with wrk, each beside
    a run of the bare view; prints one table, the targets, and writes JSON to bench-results/.
    --growth also times the pages on a data set a tenth the size, in blocks taken in turn.
    """

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="1: 500 roles, 5,000 skills, 10,000 people, "
            "1,000,000 events (default). 0.1 for a quick run.",
        )
        parser.add_argument("--reuse", action="store_true", help="Keep a data set of this scale.")
        parser.add_argument("--growth", action="store_true", help="Compare with a tenth the data.")
        parser.add_argument("--in-process-only", action="store_true", help="No gunicorn, no wrk.")
        parser.add_argument("--requests", type=int, default=200, help="Timed in process, a page.")
        parser.add_argument("--duration", type=float, default=20.0, help="Seconds of wrk a page.")
        parser.add_argument("--connections", type=int, default=16, help="wrk's connections.")
        parser.add_argument("--threads", type=int, default=2, help="wrk's threads.")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn's sync workers.")
        parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)

    def say(self, message: str) -> None:
        if self.verbosity:
            self.stdout.write(message)
            self.stdout.flush()

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = options["verbosity"]
        if options["scale"] <= 0 or options["requests"] < 2:
            raise CommandError("--scale must be positive, --requests at least 2.")
        if options["worker"]:
            self.serve(options["scale"], options["reuse"])
            return
        started, load_at_start = datetime.now(UTC), os.getloadavg()
        if load_at_start[0] > (os.cpu_count() or 1) / 2:
            self.stderr.write(f"Load average {load_at_start[0]:.1f}: the figures will be noisy.")
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        self.say(f"Benchmark database: {describe()}")
        try:
            dataset = prepare(
                Sizes.for_scale(options["scale"]), reuse=options["reuse"], log=self.say
            )
        except Exception as exc:  # told plainly: most often the database server is not there
            raise CommandError(f"The data set could not be made: {exc}") from exc
        dataset["counts"] = count_rows()
        # DEBUG is off: pages need the static files' manifest.
        call_command("collectstatic", interactive=False, verbosity=0)
        results, growth = self.in_process(options)
        if not options["in_process_only"]:
            self.under_load(options, results, RESULTS_DIR / f"gunicorn-{started:%Y%m%dT%H%M%S}.log")
        out = {
            "started": started.isoformat(),
            "database": describe(),
            "database_version": connection.get_database_version(),
            "machine": {"cores": os.cpu_count(), "load_average": [load_at_start, os.getloadavg()]},
            "versions": {"python": sys.version.split()[0], "django": django.get_version()},
            "options": {k: options[k] for k in RECORDED_OPTIONS},
            "dataset": dataset,
            "pages": results,
            "growth": growth,
            "targets": report.targets(results, growth, options["connections"]),
        }
        path = RESULTS_DIR / f"bench-{connection.vendor}-{started:%Y%m%dT%H%M%S}.json"
        path.write_text(json.dumps(out, indent=2) + "\n")
        self.write_tables(out, options)
        self.stdout.write(f"Results written to {path}")

    def write_tables(self, out: dict[str, Any], options: dict[str, Any]) -> None:
        dataset, counts = out["dataset"], out["dataset"]["counts"]
        how = "reused (generated" if dataset["reused"] else "(generated"
        self.stdout.write(
            f"\nData set at scale {options['scale']:g} {how} in {dataset['seconds']:.1f} s): "
            f"{counts['progress_events']:,} events, {counts['long_history_events']:,} of them "
            "the long-history person's."
        )
        version = ".".join(map(str, out["database_version"]))
        line = f"Pages on {connection.display_name} {version}, {os.cpu_count()} cores. In process: "
        line += f"{options['requests']} requests a page."
        if not options["in_process_only"]:
            line += f" wrk: {options['duration']:g} s a page, {options['connections']} connections,"
            line += f" {options['workers']} gunicorn workers; ratio: to the bare runs either side."
        self.stdout.write(line)
        self.stdout.write(report.pages_table(out["pages"]))
        if out["growth"]:
            growth = out["growth"]
            self.stdout.write(
                f"\nIn-process server time, scale {growth['small_scale']:g} -> "
                f"{growth['large_scale']:g}; growth: the median over pairs of blocks of {BLOCK} "
                "requests, one on each data set in turn, of their medians' ratio, minus 1:"
            )
            self.stdout.write(report.growth_table(growth))
        self.stdout.write("\nTargets:")
        for target in out["targets"]:
            self.stdout.write(f"  {target}")

    def serve(self, scale: float, reuse: bool) -> None:
        """A timing worker: its data set (made if need be), then blocks of requests on demand.
        Only answers go to stdout."""
        dataset = prepare(
            Sizes.for_scale(scale), reuse=reuse, log=lambda m: print(m, file=sys.stderr)
        )
        timer = Timer(User.objects.get(username=LONG_HISTORY_USERNAME))
        print(
            json.dumps({"dataset": dataset | {"counts": count_rows()}, "pages": list(timer.pages)}),
            flush=True,
        )
        for line in sys.stdin:
            ask = json.loads(line)
            print(json.dumps(timer.block(ask["page"], ask["requests"])), flush=True)

    def in_process(self, options: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """Every page in blocks of requests, on each data set in turn, the first of a pair
        alternating; each data set in a fresh process of its own that found it ready."""
        scale, small_scale = options["scale"], options["scale"] / 10
        workers: list[Worker] = []
        try:
            if options["growth"]:
                self.say(f"The data set at scale {small_scale:g}")
                # A process that has just generated a data set has that work in its heap, and
                # times pages more slowly than one that found it ready.
                Worker(small_scale, "small", reuse=options["reuse"]).stop()
            workers.append(Worker(scale))
            if options["growth"]:
                workers.append(Worker(small_scale, "small"))
            size = min(BLOCK, options["requests"])
            blocks = -(-options["requests"] // size)
            answers: dict[str, list[list[dict[str, Any]]]] = {}
            for name in workers[0].ready["pages"]:
                self.say(f"In process: {name}, {blocks} blocks of {size} requests")
                answers[name] = [[] for _ in workers]
                for n in range(blocks):
                    for i in range(len(workers))[:: 1 if n % 2 == 0 else -1]:
                        answers[name][i].append(workers[i].ask(name, size))
                    if any(side[-1]["status"] != "ok" for side in answers[name]):
                        break
        finally:
            for worker in workers:
                worker.stop()
        results = {name: side(sides[0]) for name, sides in answers.items()}
        if not options["growth"]:
            return results, None
        return results, {
            "small_scale": small_scale,
            "large_scale": scale,
            "small_dataset": workers[1].ready["dataset"],
            "pages": {name: growth_of(*sides) for name, sides in answers.items()},
        }

    def under_load(self, options: dict[str, Any], results: dict[str, Any], log: Path) -> None:
        if shutil.which("wrk") is None:
            self.stderr.write("No wrk (scripts/ensure-bench-tools installs it): no load run.")
            return
        user = User.objects.get(username=LONG_HISTORY_USERNAME)
        visitor = sign_in(user)
        skills = checkoff_skills(user)
        self.say(f"Starting gunicorn, {options['workers']} sync workers (log: {log})")
        server = Gunicorn(options["workers"], log)
        try:
            origin = f"https://127.0.0.1:{server.port}"
            measured = [
                p for p in pages(visitor, skills, origin) if results[p.name]["status"] == "ok"
            ]
            mentor = sign_in(User.objects.get(username=MENTOR_USERNAME))
            load = Load(
                server,
                options,
                visitor.cookies,
                mentor.cookies,
                lambda: reset_checkoffs(user, skills),
            )
            figures = load.drive(measured, self.say)
        finally:
            server.stop()
        for name, figure in figures.items():
            results[name]["load"] = figure
