"""`make bench`: how fast the pages are, at production volume, beside a bare Django view."""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import count
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client

from benchmarks import database, report
from benchmarks.dataset import (
    LONG_HISTORY_USERNAME,
    Sizes,
    count_rows,
    generate,
    violations,
)
from benchmarks.growth import BLOCK, TimingWorker, WorkerError, interleave
from benchmarks.load import WRK, Gunicorn, fetch, lua_script, run_wrk
from benchmarks.pages import BARE, PROXY_HEADERS, BrowserCsrf, Page, login_session, pages
from benchmarks.timer import Timing, measure

BENCH_SETTINGS = "config.bench_settings"
MANAGE_PY = database.BASE_DIR / "manage.py"
SMALL_VARIANT = "small"
# Shortest run of the bare view between two pages under load; a quarter of --duration if longer.
BESIDE_MIN_SECONDS = 5.0
# What each in-process round keeps for the JSON: the key per round, the figure of a Timing.
ROUND_FIGURES = {
    "round_medians_ms": "median_ms",
    "round_p95_ms": "p95_ms",
    "round_cpu_medians_ms": "cpu_median_ms",
}


class Command(BaseCommand):
    help = """Benchmark the pages on a generated data set at production volume.

    The run never touches your database. It re-executes itself with
    DJANGO_SETTINGS_MODULE=config.bench_settings, which derives a separate database from
    DATABASE_URL: on SQLite the file bench-results/bench.sqlite3, on PostgreSQL a database on
    the same server named like yours plus "_bench" (created here; dropped and created again
    whenever the data set is regenerated, and dropped at the end with --drop). The same
    settings add the bare view at /bench/bare/ and give the cache its own key prefix.

    One run: generate the data set with bulk inserts (or --reuse it), time each page in
    process with django.test.Client beside the bare view, serve the app with gunicorn (sync
    workers, DEBUG off, behind a pretend TLS proxy) and drive each page with wrk, with a
    shorter run of the bare view after each page to compare it with; print one table and write
    the figures as JSON under bench-results/. --growth times the pages again on this data set
    and on one a tenth the size (bench-small.sqlite3 / "_bench_small"), each served by a
    process of its own, in blocks of a few requests taken in turn (benchmarks/growth.py).
    """

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Data set size; 1 = 500 roles, 5,000 skills, 10,000 people, 1,000,000 "
            "events. 0.1 for a quick run.",
        )
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="Keep the data set if one of this scale and seed is already there.",
        )
        parser.add_argument(
            "--duration", type=float, default=20.0, help="Seconds of wrk per page (default 20)."
        )
        parser.add_argument(
            "--requests",
            type=int,
            default=200,
            help="Timed in-process requests per page (default 200).",
        )
        parser.add_argument(
            "--warmup", type=int, default=30, help="Untimed requests before timing (default 30)."
        )
        parser.add_argument(
            "--rounds",
            type=int,
            default=3,
            help="In-process rounds over all pages; each page keeps its lowest median (default 3).",
        )
        parser.add_argument("--connections", type=int, default=16, help="wrk connections.")
        parser.add_argument("--threads", type=int, default=2, help="wrk threads.")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers.")
        parser.add_argument(
            "--growth",
            action="store_true",
            help="Also time the pages on a data set a tenth the size, to show growth: both "
            "data sets in blocks of requests in turn, growth the median over pairs of blocks.",
        )
        # One data set's side of --growth (benchmarks.growth): requests on stdin, answers on
        # stdout, as JSON lines.
        parser.add_argument("--timing-worker", action="store_true", help=argparse.SUPPRESS)
        parser.add_argument(
            "--in-process-only",
            action="store_true",
            help="Skip gunicorn and wrk.",
        )
        parser.add_argument(
            "--role",
            default="machine-learning-engineer",
            help="Slug of the role page to measure, also the long-history person's goal.",
        )
        parser.add_argument(
            "--page",
            action="append",
            dest="pages",
            metavar="NAME",
            help='Measure only this page (repeatable), e.g. --page "/plan/"; the bare view is '
            "always measured.",
        )
        parser.add_argument("--seed", type=int, default=42, help="Seed of the data set.")
        parser.add_argument("--output", type=Path, help="Where to write the JSON results.")
        parser.add_argument(
            "--drop", action="store_true", help="Remove the benchmark database when done."
        )

    # --- re-execution under the benchmark settings -----------------------------------------

    def _reexec(self, options: dict[str, Any]) -> None:
        env = dict(os.environ)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": BENCH_SETTINGS,
                # Production settings: DEBUG off, a key of its own, TLS said by the proxy header.
                "DJANGO_DEBUG": "0",
                "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
                "DJANGO_BEHIND_PROXY": "1",
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1,testserver",
                "PATHWISE_BENCH_RUN": datetime.now(UTC).strftime("%Y%m%d%H%M%S"),
            }
        )
        argv = [sys.executable, str(MANAGE_PY), "bench", *_cli_args(options)]
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(sys.executable, argv, env)

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.SETTINGS_MODULE != BENCH_SETTINGS:
            self._reexec(options)
            return
        if options["requests"] < 1 or options["scale"] <= 0:
            raise CommandError("--requests and --scale must be positive.")
        if options["timing_worker"]:
            self._serve_timings(options)
            return
        self.verbosity = options["verbosity"]
        started = datetime.now(UTC)
        self.say(f"Benchmark database: {database.describe()}")
        load_at_start = os.getloadavg()
        if load_at_start[0] > (os.cpu_count() or 1) / 2:
            self.stderr.write(
                f"Note: load average {load_at_start[0]:.1f} on {os.cpu_count()} cores: "
                "something else is running, the figures will be noisy."
            )

        dataset = self._dataset(options)
        results = self._in_process(options, dataset)
        growth = self._growth(options) if options["growth"] else None
        self.gunicorn_log: Path | None = None
        if not options["in_process_only"]:
            self._load(options, results)
        _ratios(results)

        out = {
            # 3: growth from blocks taken in turn on the two data sets (benchmarks.growth).
            "version": 3,
            "started_at": started.isoformat(),
            "finished_at": datetime.now(UTC).isoformat(),
            "database": {
                "vendor": connection.vendor,
                "name": str(connection.settings_dict["NAME"]),
                "server": database.server_version(),
            },
            "machine": report.machine_info() | {"load_average_at_start": list(load_at_start)},
            "dataset": dataset,
            "settings": {
                key: options[key]
                for key in ("scale", "requests", "warmup", "duration", "connections", "threads")
            }
            | {
                "workers": options["workers"],
                "in_process_only": options["in_process_only"],
                "bare_beside_seconds": None
                if options["in_process_only"]
                else _beside_seconds(options["duration"]),
            },
            "pages": results,
            "growth": growth,
            "gunicorn_log": str(self.gunicorn_log) if self.gunicorn_log else None,
        }
        out["targets"] = report.target_checks(results, growth)
        path = options["output"] or database.RESULTS_DIR / (
            f"bench-{connection.vendor}-{started.strftime('%Y%m%dT%H%M%SZ')}.json"
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(out, indent=2) + "\n")
        self._print(options, out, path)
        if options["drop"]:
            database.drop()
            self.say(f"Dropped {database.describe()}")

    def _print(self, options: dict[str, Any], out: dict[str, Any], path: Path) -> None:
        results, growth, dataset = out["pages"], out["growth"], out["dataset"]
        self.stdout.write("")
        self.stdout.write(
            f"Data set at scale {options['scale']:g}: "
            + (
                f"reused (generated in {dataset['generation_seconds']:.1f} s)"
                if dataset["reused"]
                else f"generated in {dataset['generation_seconds']:.1f} s"
            )
            + f"; {dataset['counts']['progress_events']:,} events, "
            f"{dataset['counts']['long_history_events']:,} for the long-history person."
        )
        self.stdout.write(
            f"Pages at scale {options['scale']:g} on {out['database']['server']}"
            f" ({out['machine']['cores']} cores); in process: {options['requests']} requests"
            f" a round, the best of {options['rounds']} rounds"
            + (
                ""
                if options["in_process_only"]
                else f"; wrk: {options['duration']:g} s, {options['connections']} connections, "
                f"{options['workers']} gunicorn workers"
            )
        )
        self.stdout.write(report.format_table(report.COLUMNS, report.page_rows(results)))
        for line in report.bare_beside_lines(results, out["settings"]["bare_beside_seconds"]):
            self.stdout.write(line)
        if growth:
            self.stdout.write("")
            self.stdout.write(
                "In-process server time as the data set grows tenfold "
                f"(scale {growth['small_scale']:g} -> {growth['large_scale']:g}):"
            )
            self.stdout.write(report.format_table(*report.growth_rows(growth)))
            for line in report.growth_lines(growth):
                self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write("Targets:")
        for line in out["targets"]:
            self.stdout.write(f"  {line}")
        if self.gunicorn_log:
            self.stdout.write(f"\ngunicorn's log: {self.gunicorn_log}")
        self.stdout.write(f"Results written to {path}")

    def say(self, message: str) -> None:
        if self.verbosity:
            self.stdout.write(message)
            self.stdout.flush()

    # --- data set --------------------------------------------------------------------------

    def _dataset(self, options: dict[str, Any], *, static: bool = True) -> dict[str, Any]:
        sizes = Sizes.for_scale(options["scale"])
        wanted = {"sizes": sizes.as_dict(), "seed": options["seed"], "role": options["role"]}
        meta = None
        try:
            present = database.exists()
        except Exception as exc:  # psycopg's errors: the server is down or refuses us
            raise CommandError(f"Cannot reach the database server: {exc}") from exc
        if options["reuse"] and present:
            call_command("migrate", interactive=False, verbosity=0)
            meta = database.read_meta()
            if meta and all(meta.get(k) == v for k, v in wanted.items()):
                self.say(
                    f"Reusing the data set generated at {meta['generated_at']} "
                    f"in {meta['generation_seconds']:.1f} s."
                )
            else:
                self.say("The existing data set has other sizes: generating a new one.")
                meta = None
        if meta is None:
            meta = self._generate(sizes, options) | wanted
            database.write_meta(meta)
            meta["reused"] = False
        else:
            meta["reused"] = True
        # Pages are served with DEBUG off, which needs the static files manifest (a timing
        # worker's parent has collected them already: two at once would trip over each other).
        if static:
            call_command("collectstatic", interactive=False, verbosity=0)
        user = get_user_model().objects.get(username=LONG_HISTORY_USERNAME)
        meta["counts"] = count_rows(user.pk)
        if self.verbosity:
            counts = meta["counts"]
            self.say(
                "Data set: " + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in counts.items())
            )
        return meta

    def _generate(self, sizes: Sizes, options: dict[str, Any]) -> dict[str, Any]:
        self.say(f"Generating the data set at scale {options['scale']:g}: {sizes.as_dict()}")
        started = time.perf_counter()
        database.recreate()
        call_command("migrate", interactive=False, verbosity=0)
        migrate_seconds = time.perf_counter() - started
        self.say(f"  fresh database and migrations: {migrate_seconds:.1f} s")
        with database.fast_writes():
            t = time.perf_counter()
            catalog = self._load_catalog()
            catalog_seconds = time.perf_counter() - t
            self.say(f"  shipped catalog: {catalog} ({catalog_seconds:.1f} s)")
            result = generate(
                sizes, seed=options["seed"], target_role_slug=options["role"], log=self.say
            )
            t = time.perf_counter()
            database.analyze()
            analyze_seconds = time.perf_counter() - t
        problems = violations()
        if problems:
            raise CommandError("The generated data set breaks rules: " + "; ".join(problems))
        seconds = time.perf_counter() - started
        self.say(
            f"Generated the data set in {seconds:.1f} s "
            f"(rows {result.seconds:.1f} s, analyze {analyze_seconds:.1f} s)."
        )
        return {
            "generated_at": datetime.now(UTC).isoformat(),
            "generation_seconds": round(seconds, 3),
            "generation_steps": {
                "database_and_migrations": round(migrate_seconds, 3),
                "shipped_catalog": round(catalog_seconds, 3),
                **result.steps,
                "analyze": round(analyze_seconds, 3),
            },
            "catalog": catalog,
            "long_history_role": result.target_role_slug,
            "complete": True,
        }

    def _load_catalog(self) -> str:
        if "load_catalog" not in get_commands():
            return "not loaded (no load_catalog command yet)"
        try:
            call_command("load_catalog", verbosity=0)
        except Exception as exc:  # the bench still runs on generated data alone
            return f"not loaded ({type(exc).__name__}: {exc})"
        return "loaded"

    # --- in process --------------------------------------------------------------------------

    def _clients(self, options: dict[str, Any]) -> tuple[Client, Client]:
        """The pages to time (self.pages) and the clients to time them with: an anonymous
        visitor, and the long-history person signed in."""
        user = get_user_model().objects.get(username=LONG_HISTORY_USERNAME)
        self.csrf = BrowserCsrf.new()
        self.pages = [
            page
            for page in pages(options["role"], user, self.csrf)
            if not options["pages"] or page.name == BARE or page.name in options["pages"]
        ]
        self.user = user
        anonymous = Client()
        signed_in = Client()
        signed_in.cookies[settings.SESSION_COOKIE_NAME] = login_session(user)
        # As a browser holds them after logging in: the session, the signed-in hint and the
        # CSRF cookie (the check-offs send the page's token with it).
        signed_in.cookies[settings.CSRF_COOKIE_NAME] = self.csrf.cookie
        return anonymous, signed_in

    def _in_process(self, options: dict[str, Any], dataset: dict[str, Any]) -> list[dict[str, Any]]:
        anonymous, signed_in = self._clients(options)
        # Rounds go through every page in turn, so that a spell of other work on the machine
        # falls on different pages each time; each page keeps its least disturbed round (the
        # lowest median), and the JSON lists every round's median, p95 and CPU median (growth
        # pairs them with the same round on the smaller data set).
        best: dict[str, Timing] = {}
        per_round: dict[str, dict[str, list[float | None]]] = {
            page.name: {key: [] for key in ROUND_FIGURES} for page in self.pages
        }
        for round_number in range(1, options["rounds"] + 1):
            for page in self.pages:
                self.say(f"In process, round {round_number}: {page.name}")
                if page.missing:
                    best[page.name] = Timing(page.name, status=page.missing)
                    continue
                if page.checkoff:
                    page.checkoff.reset()
                timing = measure(
                    page.name,
                    signed_in if page.signed_in else anonymous,
                    page.request,
                    requests=options["requests"],
                    warmup=options["warmup"],
                    expect=page.expect,
                )
                figures = timing.as_dict()
                for key, figure in ROUND_FIGURES.items():
                    per_round[page.name][key].append(figures[figure])
                kept = best.get(page.name)
                if kept is None or not kept.ok or (timing.ok and timing.median_ms < kept.median_ms):
                    best[page.name] = timing
        results = []
        for page in self.pages:
            results.append(
                {
                    "name": page.name,
                    "method": page.method,
                    "path": page.path,
                    "signed_in": page.signed_in,
                    "in_process": best[page.name].as_dict() | per_round[page.name],
                }
            )
            if page.checkoff:
                results[-1]["checkoff_items"] = len(page.checkoff.items)
        return results

    # --- under load --------------------------------------------------------------------------

    def _load(self, options: dict[str, Any], results: list[dict[str, Any]]) -> None:
        env = dict(os.environ)
        env["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1"
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        self.gunicorn_log = database.RESULTS_DIR / f"gunicorn-{connection.vendor}-{stamp}.log"
        server = Gunicorn(env=env, workers=options["workers"], log_path=self.gunicorn_log)
        session = login_session(self.user)
        csrf = self.csrf.cookie
        scripts: list[Path] = []
        if shutil.which(WRK) is None:
            self.stderr.write("wrk is not installed (apt-get install wrk): no load run.")
            for r in results:
                r["wrk"] = {"error": "no wrk"}
            return
        try:
            self.say(f"Starting gunicorn ({options['workers']} sync workers)")
            try:
                server.start("/bench/bare/", PROXY_HEADERS)
            except RuntimeError as exc:
                for r in results:
                    r["wrk"] = {"error": "gunicorn failed"}
                self.stderr.write(str(exc))
                return
            origin = f"https://127.0.0.1:{server.port}"
            # The machine's speed drifts over minutes, so each page is compared with the bare
            # view right beside it: after the main bare run (the first page's "before"), a
            # shorter bare run follows each page (its "after", and the next page's "before").
            bare_page = next(page for page in self.pages if page.name == BARE)
            beside_seconds = _beside_seconds(options["duration"])
            main_bare: float | None = None
            latest_bare: float | None = None  # None when the latest bare run failed
            for page, r in zip(self.pages, results, strict=True):
                if r["in_process"]["status"] != "ok":
                    continue
                self.say(f"wrk {options['duration']:g} s: {page.name}")
                try:
                    r["wrk"] = self._drive(page, server, options, session, csrf, origin, scripts)
                except (OSError, RuntimeError, ValueError, subprocess.TimeoutExpired) as exc:
                    self.stderr.write(f"{page.name}: {exc}")
                    r["wrk"] = {"error": f"wrk failed: {type(exc).__name__}"}
                rate = r["wrk"].get("requests_per_second") or None
                if page.name == BARE:
                    main_bare = latest_bare = rate
                    continue
                if main_bare is None or rate is None:
                    # No ratio to give this page; the latest bare run stays next to the next.
                    continue
                self.say(f"wrk {beside_seconds:g} s: {BARE}, after {page.name}")
                try:
                    after = self._drive(
                        bare_page,
                        server,
                        options,
                        session,
                        csrf,
                        origin,
                        scripts,
                        seconds=beside_seconds,
                    )
                except (OSError, RuntimeError, ValueError, subprocess.TimeoutExpired) as exc:
                    after = {"error": f"wrk failed: {type(exc).__name__}: {exc}"}
                after_rate = after.get("requests_per_second") or None
                if after_rate is None:
                    self.stderr.write(
                        f"The bare run after {page.name} failed ({after.get('error')}): the main "
                        f"bare run's {main_bare:,.0f} req/s stands in for it, for {page.name} "
                        "and for the page after it."
                    )
                r["wrk"]["bare_beside"] = _beside(latest_bare, after_rate, main_bare)
                latest_bare = after_rate
        finally:
            server.stop()
            for script in scripts:
                script.unlink(missing_ok=True)

    def _drive(
        self,
        page: Page,
        server: Gunicorn,
        options: dict[str, Any],
        session: str,
        csrf: str,
        origin: str,
        scripts: list[Path],
        seconds: float | None = None,
    ) -> dict[str, Any]:
        """One page under load for `seconds` (--duration unless given), after a warm-up."""
        duration = seconds or options["duration"]
        headers = {**PROXY_HEADERS, **page.headers}
        cookies = []
        if page.signed_in:
            # The cookies a browser holds once signed in: the session, the signed-in hint, and
            # the CSRF cookie every page it was shown since has set.
            cookies.append(f"{settings.SESSION_COOKIE_NAME}={session}")
            cookies.append(f"{settings.CSRF_COOKIE_NAME}={csrf}")
        if page.checkoff:
            # As the browser posts it: the page's token (in page.headers) with the cookie, from
            # the page of this origin.
            headers["Origin"] = origin
            headers["Referer"] = f"{origin}/plan/"
        if cookies:
            headers["Cookie"] = "; ".join(cookies)
        script = None
        body = None
        if page.checkoff:
            cycles = page.checkoff.cycles(options["threads"])
            if min(map(len, cycles)) < 2 * options["connections"] / options["threads"]:
                # Fewer items than requests in flight: two posts on one item may cross, and
                # the second then changes nothing. Said, not hidden.
                self.stderr.write(
                    f"{page.name}: only {len(page.checkoff.items)} items for "
                    f"{options['connections']} connections; some posts may change nothing."
                )
            script = database.RESULTS_DIR / f"checkoff-{os.getpid()}-{len(scripts)}.lua"
            script.write_text(lua_script(cycles, headers))
            scripts.append(script)
            method, path, form = cycles[0][0]
            body = form.encode()
            preflight_headers = {**headers, "Content-Type": "application/x-www-form-urlencoded"}
        else:
            method, path, preflight_headers = "GET", page.path, headers
        # wrk counts any 3xx as a success: check first that the server answers as in process.
        # A few tries: a worker may still be answering the previous run's last requests.
        for _attempt in range(3):
            status, _ = fetch(
                server.base_url + path, method=method, headers=preflight_headers, body=body
            )
            if status in page.expect:
                break
            time.sleep(1)
        else:
            return {"error": f"HTTP {status}"}
        threads, connections = options["threads"], options["connections"]
        warmup = min(2.0, duration / 4)
        if page.checkoff:
            page.checkoff.reset()
        run_wrk(
            server.base_url + path,
            seconds=warmup,
            threads=threads,
            connections=connections,
            headers=headers,
            script=script,
        )
        time.sleep(0.5)
        if page.checkoff:
            # Back to the start of the cycle, so that every timed post changes an item.
            page.checkoff.reset()
        result, output = run_wrk(
            server.base_url + path,
            seconds=duration,
            threads=threads,
            connections=connections,
            headers=headers,
            script=script,
        )
        if self.verbosity > 1:
            self.stdout.write(output)
        # Let the workers finish what wrk left queued before the next page is measured.
        time.sleep(1)
        if page.checkoff:
            page.checkoff.reset()
        return result.as_dict()

    # --- growth ------------------------------------------------------------------------------

    def _growth(self, options: dict[str, Any]) -> dict[str, Any]:
        """Each page on this data set and on one a tenth the size, in blocks taken in turn."""
        small_scale = options["scale"] / 10
        names = [page.name for page in self.pages if not page.missing]
        workers: list[TimingWorker] = []
        try:
            # First the smaller data set, made if it is not there yet, by a worker that is then
            # let go: a process that has just generated a data set has that work in its heap,
            # and times a page more slowly than one that found its data set ready.
            self.say(f"Growth: the data set at scale {small_scale:g}")
            workers.append(self._timing_worker(options, "smaller", small_scale, SMALL_VARIANT))
            workers[0].answer()
            workers.pop().stop()
            for label, scale, variant in (
                ("larger", options["scale"], ""),
                ("smaller", small_scale, SMALL_VARIANT),
            ):
                workers.append(self._timing_worker(options, label, scale, variant))
            large, small = workers
            ready = {worker.label: worker.answer() for worker in workers}
            rows = interleave(
                large,
                small,
                names,
                requests=options["requests"],
                warmup=options["warmup"],
                say=self.say,
            )
        except WorkerError as exc:
            raise CommandError(f"The growth run failed: {exc}") from exc
        finally:
            for worker in workers:
                worker.stop()
        return {
            "small_scale": small_scale,
            "large_scale": options["scale"],
            "method": f"median over pairs of blocks of {BLOCK} requests, one on each data set "
            "in turn, of (block at the larger scale) / (block at the smaller), minus 1",
            "block": BLOCK,
            "small_dataset": ready["smaller"]["dataset"],
            "pages": rows,
        }

    def _timing_worker(
        self, options: dict[str, Any], label: str, scale: float, variant: str
    ) -> TimingWorker:
        child = {
            **options,
            "scale": scale,
            "reuse": True,
            "growth": False,
            "in_process_only": True,
            "timing_worker": True,
            "verbosity": 0,
            "output": None,
        }
        env = dict(os.environ, **{database.VARIANT_ENV: variant})
        command = [sys.executable, str(MANAGE_PY), "bench", *_cli_args(child)]
        return TimingWorker(label, command, env, str(database.BASE_DIR))

    def _serve_timings(self, options: dict[str, Any]) -> None:
        """One data set's side of --growth: answers the parent's requests for blocks of timed
        requests (benchmarks.growth), on stdout, one JSON line each."""
        # Only answers go to the real stdout: whatever else is printed lands on stderr.
        answers = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)
        os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
        self.verbosity = 0
        try:
            dataset = self._dataset(options, static=False)
            anonymous, signed_in = self._clients(options)
        except Exception as exc:  # told to the parent, which stops the run
            answers.write(json.dumps({"error": f"{type(exc).__name__}: {exc}"}) + "\n")
            return
        by_name = {page.name: page for page in self.pages}
        counters: dict[str, Iterator[int]] = {}
        answers.write(json.dumps({"ready": True, "dataset": dataset}, default=str) + "\n")
        for line in sys.stdin:
            ask = json.loads(line)
            if ask.get("quit"):
                break
            page = by_name.get(ask["page"])
            if page is None:
                answers.write(json.dumps({"error": f"no page {ask['page']!r}"}) + "\n")
                continue
            if ask.get("first") or page.name not in counters:
                # Requests go on from block to block: the check-offs keep changing items.
                counters[page.name] = count()
                if page.checkoff:
                    page.checkoff.reset()
            calls = counters[page.name]
            timing = measure(
                page.name,
                signed_in if page.signed_in else anonymous,
                lambda _i, page=page, calls=calls: page.request(next(calls)),
                requests=ask["requests"],
                warmup=ask["warmup"],
                expect=page.expect,
            )
            answer = {
                "status": timing.status,
                "queries": timing.queries,
                "samples_ms": timing.samples_ms,
                "cpu_ms": timing.cpu_ms,
            }
            answers.write(json.dumps(answer) + "\n")


def _beside_seconds(duration: float) -> float:
    """Length of each bare run between two pages: long enough to settle, never the page's."""
    return min(duration, max(BESIDE_MIN_SECONDS, duration / 4))


def _beside(before: float | None, after: float | None, main: float) -> dict[str, Any]:
    """The bare view's rate just before and just after a page's run, and their mean.

    The main bare run's rate stands in for a bare run that failed; "fallback" names which.
    """
    fallback = [side for side, rate in (("before", before), ("after", after)) if rate is None]
    before = main if before is None else before
    after = main if after is None else after
    beside: dict[str, Any] = {
        "before": before,
        "after": after,
        "mean": round((before + after) / 2, 2),
    }
    if fallback:
        beside["fallback"] = fallback
    return beside


def _ratios(results: list[dict[str, Any]]) -> None:
    """Each page against the bare view of the same run: slower by, and throughput share.

    Under load a page's share is against the mean of the bare runs just before and after it
    (the main bare run where there are none), not against one run minutes away.
    """
    bare = next((r for r in results if r["name"] == BARE), None)
    if bare is None or bare["in_process"]["status"] != "ok":
        return
    bare_median = bare["in_process"]["median_ms"]
    bare_wrk = bare.get("wrk") or {}
    for r in results:
        if r["in_process"]["status"] == "ok":
            r["time_ratio"] = round(r["in_process"]["median_ms"] / bare_median, 3)
        wrk = r.get("wrk") or {}
        bare_rate = (wrk.get("bare_beside") or {}).get("mean") or bare_wrk.get(
            "requests_per_second"
        )
        if wrk.get("requests_per_second") and bare_rate:
            r["throughput_ratio"] = round(wrk["requests_per_second"] / bare_rate, 3)


def _cli_args(options: dict[str, Any]) -> list[str]:
    """The options back as command-line arguments, for the re-executed and growth runs."""
    args = [
        f"--scale={options['scale']}",
        f"--duration={options['duration']}",
        f"--requests={options['requests']}",
        f"--warmup={options['warmup']}",
        f"--rounds={options['rounds']}",
        f"--connections={options['connections']}",
        f"--threads={options['threads']}",
        f"--workers={options['workers']}",
        f"--role={options['role']}",
        f"--seed={options['seed']}",
        f"--verbosity={options['verbosity']}",
    ]
    for flag in ("reuse", "growth", "in_process_only", "drop", "timing_worker"):
        if options[flag]:
            args.append("--" + flag.replace("_", "-"))
    args += [f"--page={name}" for name in options.get("pages") or []]
    if options.get("output"):
        args.append(f"--output={options['output']}")
    if options.get("no_color"):
        args.append("--no-color")
    return args
