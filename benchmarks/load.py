"""Under load: gunicorn (sync workers) serving the app, driven by wrk, each page beside the bare
view: the machine's speed drifts over minutes, so each page's throughput is compared with the
bare view's in the runs just before and after it."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings

from . import RESULTS_DIR
from .pages import BARE, BARE_PATH, PROXY, Page

BARE_MIN_SECONDS = 5.0  # the shortest bare run beside a page


class Gunicorn:
    """gunicorn in a process group of its own, so that stopping it leaves no worker behind."""

    def __init__(self, workers: int, log: Path) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
        command += ["--worker-class=sync", f"--workers={workers}", f"--bind=127.0.0.1:{self.port}"]
        command += ["--log-level=warning"]
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE}
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                command,
                cwd=settings.BASE_DIR,
                env=env,
                stdout=out,
                stderr=out,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while not self.answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"gunicorn did not start; see {log}")
            time.sleep(0.2)

    def answers(self) -> bool:
        try:
            request = urllib.request.Request(self.url + BARE_PATH, headers=PROXY)
            with urllib.request.urlopen(request, timeout=5) as response:
                return bool(response.status == 200)
        except OSError:
            return False

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def lua_script(cycles: list[list[tuple[str, str, str]]], headers: dict[str, str]) -> str:
    """A wrk script: each wrk thread cycles through its own (method, path, body) requests, and
    the status codes are counted (wrk itself counts a redirect as a success)."""
    requests = ",\n".join(
        "  {" + ", ".join("{" + ", ".join(map(lua_string, r)) + "}" for r in cycle) + "}"
        for cycle in cycles
    )
    header_table = ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items())
    return f"""local cycles = {{\n{requests}\n}}
local headers = {{{header_table}}}
local threads = {{}}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  cycle, position, statuses = cycles[id % #cycles + 1], 0, {{}}
end
function request()
  position = position % #cycle + 1
  local r = cycle[position]
  return wrk.format(r[1], r[2], headers, r[3] ~= "" and r[3] or nil)
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  local parts = {{}}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do table.insert(parts, status .. "=" .. n) end
  end
  io.write("Status codes: " .. table.concat(parts, " ") .. "\\n")
end
"""


def milliseconds(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def parse_wrk(output: str, expect: int) -> dict[str, Any]:
    """Requests per second, p99 latency, and errors: any status but the one expected, and
    socket errors."""
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    # wrk pads a figure in seconds with a space: "1.08s ".
    p99 = re.search(r"^\s+99%\s+(\S+)\s*$", output, re.M)
    if rate is None or p99 is None:
        raise ValueError(f"wrk printed no result:\n{output}")
    errors = 0
    if sockets := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        errors += sum(map(int, sockets.groups()))
    statuses = re.search(r"^Status codes: (.*)$", output, re.M)
    for part in statuses[1].split() if statuses else []:
        status, n = part.split("=")
        errors += int(n) if int(status) != expect else 0
    return {"rps": float(rate[1]), "p99_ms": milliseconds(p99[1]), "errors": errors}


class Load:
    """Drives each page with wrk for `seconds` after a short warm-up, each followed by a run of
    the bare view, so that each page has a bare run just before it and just after it."""

    def __init__(
        self,
        server: Gunicorn,
        options: dict[str, Any],
        cookies: dict[str, str],
        mentor_cookies: dict[str, str],
        reset_checkoffs: Callable[[], None],
    ) -> None:
        self.server = server
        self.reset_checkoffs = reset_checkoffs
        self.seconds: float = options["duration"]
        self.threads: int = options["threads"]
        self.connections: int = options["connections"]
        self.cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
        self.mentor_cookie = "; ".join(f"{k}={v}" for k, v in mentor_cookies.items())
        self.script = RESULTS_DIR / f"wrk-{os.getpid()}.lua"

    def run(self, page: Page, seconds: float) -> dict[str, Any]:
        headers = {**PROXY, **page.headers}
        if page.signed_in:
            headers["Cookie"] = self.mentor_cookie if page.as_mentor else self.cookie
        if page.skills:
            # Threads post disjoint skills, so no two posts in flight change the same one.
            groups = [page.skills[k :: self.threads] for k in range(self.threads)]
            cycles = [[page.request(i, g) for i in range(2 * len(g))] for g in groups if g]
        else:
            cycles = [[page.request(0)]]
        path = cycles[0][0][1]
        self.script.write_text(
            lua_script([[(m, p, urlencode(f)) for m, p, f in c] for c in cycles], headers)
        )
        try:
            self.wrk(path, min(2.0, seconds / 4))  # a warm-up, which fills the page's caches
            if page.skills:
                self.reset_checkoffs()  # so that every timed post changes a skill
            return parse_wrk(self.wrk(path, seconds), page.expect)
        except (OSError, RuntimeError, ValueError, subprocess.TimeoutExpired) as exc:
            return {"error": f"wrk: {exc}"}
        finally:
            self.script.unlink()
            time.sleep(1)  # what wrk left queued is answered before the next run

    def wrk(self, path: str, seconds: float) -> str:
        command = [
            "wrk",
            f"-t{self.threads}",
            f"-c{self.connections}",
            f"-d{max(1, round(seconds))}s",
        ]
        command += ["--latency", "-s", str(self.script), self.server.url + path]
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
        if done.returncode:
            raise RuntimeError(f"wrk failed: {done.stderr}")
        return done.stdout

    def drive(self, pages: list[Page], say: Callable[[str], None]) -> dict[str, dict[str, Any]]:
        """The bare view first, then each page with a shorter run of the bare view after it."""
        beside = min(self.seconds, max(BARE_MIN_SECONDS, self.seconds / 4))
        bare = pages[0]
        say(f"wrk {self.seconds:g} s: {BARE}")
        results = {BARE: self.run(bare, self.seconds)}
        before = results[BARE].get("rps")
        for page in pages[1:]:
            say(f"wrk {self.seconds:g} s: {page.name}, then {beside:g} s of {BARE}")
            result = results[page.name] = self.run(page, self.seconds)
            after = self.run(bare, beside).get("rps")
            if before and after and "rps" in result:
                result["bare_rps"] = (before + after) / 2
                result["ratio"] = result["rps"] / result["bare_rps"]
            before = after
        if "rps" in results[BARE]:
            results[BARE]["ratio"] = 1.0
        return results
