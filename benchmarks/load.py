"""Load over the network: gunicorn (sync workers) serving the app, driven by wrk."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.database import BASE_DIR

WRK = "wrk"
STOP_TIMEOUT = 10.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """gunicorn in its own process group, so that stopping it never leaves a worker behind."""

    def __init__(self, *, env: dict[str, str], workers: int, log_path: Path) -> None:
        self.port = free_port()
        self.env = env
        self.workers = workers
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, ready_path: str, headers: dict[str, str], timeout: float = 60.0) -> None:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--worker-class=sync",
            f"--workers={self.workers}",
            f"--bind=127.0.0.1:{self.port}",
            "--log-level=warning",
            "--graceful-timeout=5",
        ]
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        # gunicorn's own messages and the app's log (errors behind any 5xx) both go there.
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=BASE_DIR,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start; see {self.log_path}:\n{self.tail()}")
            try:
                if fetch(self.base_url + ready_path, headers=headers)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s:\n{self.tail()}")

    def stop(self) -> None:
        """SIGTERM for a graceful stop, SIGKILL to the whole group if it takes too long."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=STOP_TIMEOUT)
        except ProcessLookupError:
            pass
        finally:
            # Workers are in the group too: make sure none outlives the master.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)

    def tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def fetch(
    url: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    timeout: float = 10.0,
) -> tuple[int, bytes]:
    """One request without following redirects: the status is what wrk will see."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@dataclass
class WrkResult:
    requests: int = 0
    seconds: float = 0.0
    requests_per_second: float = 0.0
    latency_ms: dict[str, float] = field(default_factory=dict)  # "50%", "75%", "90%", "99%"
    non_2xx_3xx: int = 0
    socket_errors: dict[str, int] = field(default_factory=dict)
    # Only when a script counts them (the check-off): wrk itself tells no 3xx from a 2xx.
    statuses: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        return self.non_2xx_3xx + sum(self.socket_errors.values())

    @property
    def p50_ms(self) -> float | None:
        return self.latency_ms.get("50%")

    @property
    def p99_ms(self) -> float | None:
        return self.latency_ms.get("99%")

    def as_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "seconds": self.seconds,
            "requests_per_second": self.requests_per_second,
            "latency_ms": self.latency_ms,
            "p50_ms": self.p50_ms,
            "p99_ms": self.p99_ms,
            "non_2xx_3xx": self.non_2xx_3xx,
            "socket_errors": self.socket_errors,
            "errors": self.errors,
            "statuses": self.statuses,
        }


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(value: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
    if not match:
        raise ValueError(f"not a wrk duration: {value!r}")
    return round(float(match[1]) * _UNITS_MS[match[2]], 3)


def parse_wrk(output: str) -> WrkResult:
    result = WrkResult()
    for percent, value in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)\s*$", output, re.M):
        result.latency_ms[f"{percent}%"] = _ms(value)
    if match := re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", output):
        result.requests = int(match[1])
        result.seconds = _ms(match[2] + match[3]) / 1000
    if match := re.search(r"Requests/sec:\s+([\d.]+)", output):
        result.requests_per_second = float(match[1])
    if match := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output):
        result.non_2xx_3xx = int(match[1])
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        result.socket_errors = dict(
            zip(("connect", "read", "write", "timeout"), map(int, match.groups()), strict=True)
        )
    if match := re.search(r"^Status codes: (.*)$", output, re.M):
        result.statuses = {
            code: int(n) for code, n in (part.split("=") for part in match[1].split())
        }
    if "Requests/sec" not in output:
        raise ValueError(f"wrk printed no result:\n{output}")
    return result


def _lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def lua_script(
    sequences: list[list[tuple[str, str, str]]],
    headers: dict[str, str],
) -> str:
    """A wrk script cycling through fixed requests, one sequence per wrk thread.

    Each sequence is (method, path, body) triples. Threads get disjoint sequences so that two
    threads never post the same item, and a sequence only comes back to an item after every
    other one, by when the earlier request on it has been answered.
    """
    lines = [
        "-- Written by `manage.py bench` for one run; safe to delete.",
        "local sequences = {",
    ]
    for sequence in sequences:
        lines.append("  {")
        lines.extend(
            f"    {{{_lua_string(m)}, {_lua_string(p)}, {_lua_string(b)}}}," for m, p, b in sequence
        )
        lines.append("  },")
    lines.append("}")
    lines.append("local headers = {")
    lines.extend(f"  [{_lua_string(k)}] = {_lua_string(v)}," for k, v in headers.items())
    lines.append("}")
    lines.append(
        """local threads = {}
function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end
function init(args)
  sequence = sequences[(thread_index or 0) % #sequences + 1]
  position = 0
  statuses = {}
end
function request()
  position = position % #sequence + 1
  local r = sequence[position]
  local h = {}
  for k, v in pairs(headers) do h[k] = v end
  if r[3] ~= "" then h["Content-Type"] = "application/x-www-form-urlencoded" end
  return wrk.format(r[1], r[2], h, r[3] ~= "" and r[3] or nil)
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses") or {}) do
      total[status] = (total[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(total) do table.insert(parts, status .. "=" .. n) end
  table.sort(parts)
  io.write("Status codes: " .. table.concat(parts, " ") .. "\\n")
end"""
    )
    return "\n".join(lines) + "\n"


def run_wrk(
    url: str,
    *,
    seconds: float,
    threads: int,
    connections: int,
    headers: dict[str, str],
    script: Path | None = None,
) -> tuple[WrkResult, str]:
    command = [
        WRK,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--latency",
    ]
    if script is None:
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
    else:
        command += ["-s", str(script)]
    command.append(url)
    completed = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=seconds + 30,
        check=False,
    )
    output = completed.stdout + completed.stderr
    if completed.returncode != 0:
        raise RuntimeError(f"wrk failed ({completed.returncode}):\n{output}")
    return parse_wrk(output), output


def wrk_version() -> str:
    try:
        completed = subprocess.run(
            [WRK, "-v"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return "not installed"
    first = (completed.stdout + completed.stderr).strip().splitlines()
    return first[0] if first else "unknown"
