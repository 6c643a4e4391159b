"""In-process timing: django.test.Client through the real middleware, no network, no server.

The clock runs around each client call, so a figure is the handler's time plus the test
client's own small overhead, which the bare view pays too. Queries are counted on one warm
request of their own: capturing them switches on Django's query log, which would slow the
timed ones.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.http import HttpResponse
from django.template import TemplateDoesNotExist
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch

# The request for the i-th call: method, path, form data (None for GET), extra headers.
RequestSpec = tuple[str, str, dict[str, str] | None, dict[str, str]]
RequestFactory = Callable[[int], RequestSpec]

MISSING = "missing"


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks, as numpy's default does."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    k = (len(ordered) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


@dataclass
class Timing:
    name: str
    status: str = "ok"  # "ok", "missing" or what went wrong
    http_status: int | None = None
    queries: int | None = None
    samples_ms: list[float] = field(default_factory=list)
    # CPU time of this thread per request: unlike the wall clock it barely moves when other
    # work shares the machine, though it leaves out time spent inside a database server.
    cpu_ms: list[float] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def median_ms(self) -> float | None:
        return statistics.median(self.samples_ms) if self.samples_ms else None

    @property
    def p95_ms(self) -> float | None:
        return percentile(self.samples_ms, 0.95) if self.samples_ms else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "http_status": self.http_status,
            "queries": self.queries,
            "requests": len(self.samples_ms),
            "median_ms": _round(self.median_ms),
            "p95_ms": _round(self.p95_ms),
            "min_ms": _round(min(self.samples_ms)) if self.samples_ms else None,
            "max_ms": _round(max(self.samples_ms)) if self.samples_ms else None,
            "cpu_median_ms": _round(statistics.median(self.cpu_ms)) if self.cpu_ms else None,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _send(client: Client, spec: RequestSpec) -> HttpResponse:
    method, path, data, headers = spec
    if method == "GET":
        return client.get(path, headers=headers)
    return client.post(path, data or {}, headers=headers)


def _missing_reason(exc: BaseException) -> str | None:
    """A page that does not exist yet is reported, not fatal: the bench runs during building."""
    if isinstance(exc, NoReverseMatch):
        return f"{MISSING} (no URL: {exc})"
    if isinstance(exc, NotImplementedError):
        return f"{MISSING} (not implemented)"
    if isinstance(exc, TemplateDoesNotExist):
        return f"{MISSING} (no template {exc})"
    return None


def measure(
    name: str,
    client: Client,
    request: RequestFactory,
    *,
    requests: int,
    warmup: int,
    expect: frozenset[int] = frozenset({200}),
) -> Timing:
    timing = Timing(name)
    calls = 0

    def call() -> HttpResponse:
        nonlocal calls
        spec = request(calls)
        calls += 1
        return _send(client, spec)

    try:
        response = call()
        timing.http_status = response.status_code
        if response.status_code == 404:
            timing.status = MISSING
            return timing
        if response.status_code not in expect:
            timing.status = f"HTTP {response.status_code}"
            return timing
        for _ in range(warmup):
            call()
        # Counted once warm: the steady state, after caches and lazy set-up have filled.
        with CaptureQueriesContext(connection) as captured:
            call()
        timing.queries = len(captured.captured_queries)
        unexpected: dict[int, int] = {}
        for _ in range(requests):
            cpu_started = time.thread_time()
            started = time.perf_counter()
            response = call()
            timing.samples_ms.append((time.perf_counter() - started) * 1000)
            timing.cpu_ms.append((time.thread_time() - cpu_started) * 1000)
            if response.status_code not in expect:
                unexpected[response.status_code] = unexpected.get(response.status_code, 0) + 1
        if unexpected:
            timing.status = "unexpected " + ", ".join(
                f"{n}x HTTP {code}" for code, n in sorted(unexpected.items())
            )
    except Exception as exc:
        timing.status = _missing_reason(exc) or f"error: {type(exc).__name__}: {exc}"
    return timing
