"""The printed tables, the target checks and the machine description of a run."""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import django

from . import database
from .load import wrk_version
from .pages import BARE

# What later review checks in the table: minimum throughput as a share of the bare view's.
THROUGHPUT_TARGETS = {
    "/roles/": 0.5,
    "/roles/ (signed in)": 0.5,
    "role page": 0.5,
    "role page (signed in)": 0.5,
    "/dashboard/": 0.2,
    "/plan/": 0.2,
    "check-off": 0.2,
    "check-off (htmx)": 0.2,
}
P99_TARGET_MS = 100.0
GROWTH_TARGET = 0.25

COLUMNS = [
    "page",
    "queries",
    "median ms",
    "p95 ms",
    "ratio",
    "req/s",
    "p50 ms",
    "p99 ms",
    "errors",
    "throughput ratio",
]


def _num(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _short(text: str, width: int = 40) -> str:
    """Statuses in full are in the JSON; the table keeps its columns readable."""
    return text if len(text) <= width else text[: width - 3] + "..."


def format_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        first, *rest = cells
        return " | ".join(
            [str(first).ljust(widths[0])]
            + [str(c).rjust(w) for c, w in zip(rest, widths[1:], strict=True)]
        )

    rule = "-+-".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows)])


def page_rows(results: list[dict[str, Any]]) -> list[list[str]]:
    rows = []
    for r in results:
        timing, wrk = r["in_process"], r.get("wrk")
        if timing["status"] != "ok":
            rows.append([r["name"], _short(timing["status"]), *["-"] * (len(COLUMNS) - 2)])
            continue
        load: list[str] = ["-"] * 5
        if wrk and "error" in wrk:
            load = [_short(wrk["error"]), "-", "-", "-", "-"]
        elif wrk:
            load = [
                _num(wrk["requests_per_second"], 1),
                _num(wrk["p50_ms"]),
                _num(wrk["p99_ms"]),
                str(wrk["errors"]),
                _num(r.get("throughput_ratio")),
            ]
        rows.append(
            [
                r["name"],
                str(timing["queries"]),
                _num(timing["median_ms"], 3),
                _num(timing["p95_ms"], 3),
                _num(r.get("time_ratio"), 1) + "x" if r.get("time_ratio") else "-",
                *load,
            ]
        )
    return rows


def bare_beside_lines(results: list[dict[str, Any]], seconds: float | None = None) -> list[str]:
    """Under the load table: how far the bare view's rate moved over the run, and fallbacks."""
    bare = next((r for r in results if r["name"] == BARE), None)
    main = ((bare or {}).get("wrk") or {}).get("requests_per_second")
    beside = {
        r["name"]: r["wrk"]["bare_beside"]
        for r in results
        if r.get("wrk") and "bare_beside" in r["wrk"]
    }
    if not main or not beside:
        return []
    rates = [main] + [
        b[side]
        for b in beside.values()
        for side in ("before", "after")
        if side not in b.get("fallback", [])
    ]
    lines = [
        "Bare view beside each page"
        + (f" ({seconds:g} s runs)" if seconds else "")
        + f": {min(rates):,.0f}-{max(rates):,.0f} req/s; each page's "
        "throughput ratio is against the mean of the bare runs just before and after it."
    ]
    fallen = [
        f"{name} ({' and '.join(b['fallback'])})" for name, b in beside.items() if b.get("fallback")
    ]
    if fallen:
        lines.append(
            "A bare run failed beside "
            + ", ".join(fallen)
            + f": the main bare run's {main:,.0f} req/s stands in for it."
        )
    return lines


def growth_rows(growth: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    small, large = growth["small_scale"], growth["large_scale"]
    header = [
        "page",
        f"queries @{small:g}",
        f"queries @{large:g}",
        f"median ms @{small:g}",
        f"median ms @{large:g}",
        "growth",
        f"p95 ms @{small:g}",
        f"p95 ms @{large:g}",
        "growth",
        "cpu growth",
        f"<= +{GROWTH_TARGET:.0%}",
    ]
    rows = []
    for p in growth["pages"]:
        if p["median_growth"] is None:
            rows.append([p["name"], p.get("status", "-"), *["-"] * (len(header) - 2)])
            continue
        rows.append(
            [
                p["name"],
                str(p["small"]["queries"]),
                str(p["large"]["queries"]),
                _num(p["small"]["median_ms"], 3),
                _num(p["large"]["median_ms"], 3),
                f"{p['median_growth']:+.0%}",
                _num(p["small"]["p95_ms"], 3),
                _num(p["large"]["p95_ms"], 3),
                f"{p['p95_growth']:+.0%}",
                "-" if p.get("cpu_growth") is None else f"{p['cpu_growth']:+.0%}",
                "ok" if p["median_growth"] <= GROWTH_TARGET else "MISSED",
            ]
        )
    return header, rows


def growth_lines(growth: dict[str, Any]) -> list[str]:
    """Under the growth table: what its growth columns are."""
    small, large = growth["small_scale"], growth["large_scale"]
    blocks = max((p["large"].get("blocks") or 0 for p in growth["pages"]), default=0)
    return [
        f"growth: each page in {blocks} pairs of blocks of {growth['block']} requests, one block "
        f"on each data set in turn, each set served by a process of its own; median and CPU: the "
        f"median over pairs of (block at scale {large:g}) / (block at scale {small:g}), minus 1; "
        "p95: of all blocks of each set. The ms columns are of all blocks of each set."
    ]


def target_checks(results: list[dict[str, Any]], growth: dict[str, Any] | None) -> list[str]:
    """One line per target: ok, MISSED, or why it could not be checked."""
    lines = []
    by_name = {r["name"]: r for r in results}
    for name, minimum in THROUGHPUT_TARGETS.items():
        r = by_name.get(name)
        ratio = r.get("throughput_ratio") if r else None
        if ratio is None:
            if r is None:
                status = "not measured"
            elif r["in_process"]["status"] != "ok":
                status = r["in_process"]["status"]
            elif r.get("wrk") and "error" in r["wrk"]:
                status = f"MISSED (under load: {r['wrk']['error']})"
            else:
                status = "no load run"
            lines.append(f"{name} throughput >= {minimum:g} of bare: {status}")
        else:
            verdict = "ok" if ratio >= minimum else "MISSED"
            lines.append(f"{name} throughput >= {minimum:g} of bare: {ratio:.2f} {verdict}")
    loaded = [r for r in results if r.get("wrk") and "error" not in r["wrk"]]
    if loaded:
        errors = {r["name"]: r["wrk"]["errors"] for r in loaded if r["wrk"]["errors"]}
        lines.append(f"no errors: {'ok' if not errors else f'MISSED {errors}'}")
        slow = {
            r["name"]: r["wrk"]["p99_ms"]
            for r in loaded
            if r["wrk"]["p99_ms"] is None or r["wrk"]["p99_ms"] >= P99_TARGET_MS
        }
        lines.append(f"p99 < {P99_TARGET_MS:g} ms: {'ok' if not slow else f'MISSED {slow}'}")
    if growth:
        grown = {
            p["name"]: f"{p['median_growth']:+.0%}"
            for p in growth["pages"]
            if p["median_growth"] is not None and p["median_growth"] > GROWTH_TARGET
        }
        lines.append(
            f"server time growth <= +{GROWTH_TARGET:.0%} at 10x data: "
            + ("ok" if not grown else f"MISSED {grown}")
        )
    return lines


def _package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_mb() -> int | None:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return None


def machine_info() -> dict[str, Any]:
    return {
        "cores": os.cpu_count(),
        "cpu": _cpu_model(),
        "memory_mb": _memory_mb(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "django": django.get_version(),
        "gunicorn": _package_version("gunicorn"),
        "wrk": wrk_version(),
        "database": database.server_version(),
        # Figures from a busy machine are not comparable: the load says how busy it was.
        "load_average": list(os.getloadavg()),
    }
