"""The printed tables and the targets a run is held to."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

# Minimum throughput as a share of the bare view's in the same run.
THROUGHPUT_TARGETS = {
    "/roles/": 0.5,
    "role page": 0.5,
    "/roles/ (signed in)": 0.4,
    "role page (signed in)": 0.4,
    "compare": 0.5,
    "compare (signed in)": 0.4,
    "/skills/": 0.4,
    "skill page": 0.5,
    "search": 0.5,
    "compare: you": 0.25,
    "role page: you": 0.25,
    "skill page: you": 0.15,
    "/plan/": 0.25,
    "/dashboard/": 0.25,
    "/mentoring/": 0.15,
    "/mentoring/<username>/": 0.15,
    "check-off": 0.15,
    "check-off (htmx)": 0.15,
}
P99_TARGET_MS = 100.0
P99_CONNECTIONS = 16
MAX_QUERIES = 10
MAX_GROWTH = 0.25


def number(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(map(len, column)) for column in zip(header, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return " | ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    return "\n".join([line(header), "-+-".join("-" * w for w in widths), *map(line, rows)])


def pages_table(pages: dict[str, dict[str, Any]]) -> str:
    header = ["page", "queries", "median ms", "p95 ms"]
    header += ["req/s", "ratio to bare", "p99 ms", "errors"]
    rows = []
    for name, p in pages.items():
        load = p.get("load") or {}
        cells = [str(p["queries"]), number(p["median_ms"], 3), number(p["p95_ms"], 3)]
        if "error" in load:
            cells += [load["error"][:40], "-", "-", "-"]
        else:
            cells += [number(load.get("rps"), 1), number(load.get("ratio"))]
            cells += [number(load.get("p99_ms")), str(load.get("errors", "-"))]
        rows.append([name, *cells] if p["status"] == "ok" else [name, p["status"][:60], *"-" * 6])
    return table(header, rows)


def growth_table(growth: dict[str, Any]) -> str:
    small, large = (f"@{growth[k]:g}" for k in ("small_scale", "large_scale"))
    header = ["page", f"queries {small}", f"queries {large}", f"median ms {small}"]
    header += [f"median ms {large}", "growth", f"<= +{MAX_GROWTH:.0%}"]
    rows = []
    for name, g in growth["pages"].items():
        if g["growth"] is None:
            rows.append([name, g["status"][:60], *"-" * 5])
            continue
        cells = [str(g["small"]["queries"]), str(g["large"]["queries"])]
        cells += [number(g["small"]["median_ms"], 3), number(g["large"]["median_ms"], 3)]
        cells += [f"{g['growth']:+.0%}", "ok" if g["growth"] <= MAX_GROWTH else "MISSED"]
        rows.append([name, *cells])
    return table(header, rows)


def verdict(missed: dict[str, Any]) -> str:
    return "ok" if not missed else f"MISSED {missed}"


def targets(
    pages: dict[str, dict[str, Any]], growth: dict[str, Any] | None, connections: int
) -> list[str]:
    """One line per target: ok, MISSED with the pages that missed it, or why it is unchecked."""
    lines = []
    for name, minimum in THROUGHPUT_TARGETS.items():
        load = pages.get(name, {}).get("load") or {}
        ratio = load.get("ratio")
        if ratio is None:
            status = f"MISSED ({load.get('error', 'no ratio')})" if load else "not measured"
        else:
            status = f"{ratio:.2f} {'ok' if ratio >= minimum else 'MISSED'}"
        lines.append(f"{name} throughput >= {minimum:g} of bare: {status}")
    loaded = {name: p["load"] for name, p in pages.items() if p.get("load")}
    if loaded:
        at = f"at {P99_CONNECTIONS} connections"
        if connections != P99_CONNECTIONS:
            at += f" (this run: {connections})"
        slow = {
            n: r.get("p99_ms")
            for n, r in loaded.items()
            if not r.get("p99_ms", 1e9) < P99_TARGET_MS
        }
        lines.append(f"p99 < {P99_TARGET_MS:g} ms {at}: {verdict(slow)}")
        failed = {
            n: r.get("errors", r.get("error")) for n, r in loaded.items() if r.get("errors", 1)
        }
        lines.append(f"no errors: {verdict(failed)}")
    counts = {name: p["queries"] for name, p in pages.items()}
    if growth:
        counts |= {
            f"{n} @{growth['small_scale']:g}": g["small"]["queries"]
            for n, g in growth["pages"].items()
        }
    many = {n: q for n, q in counts.items() if q is None or q > MAX_QUERIES}
    lines.append(f"every page <= {MAX_QUERIES} queries: {verdict(many)}")
    if growth:
        grown = {
            n: "-" if g["growth"] is None else f"{g['growth']:+.0%}"
            for n, g in growth["pages"].items()
            if g["growth"] is None or g["growth"] > MAX_GROWTH
        }
        lines.append(f"server time grows <= +{MAX_GROWTH:.0%} at 10x data: {verdict(grown)}")
    return lines
