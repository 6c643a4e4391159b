"""Growth: the same pages on two data sets, timed in turn in blocks of a few requests.

This machine's speed drifts by a third within minutes, and a page measured on one data set and
then, minutes later, on the other shows that drift as growth, whatever the data does. So each
data set is served by a timing worker of its own (`manage.py bench --timing-worker`, a fresh
process on its database, the same for both), and the parent asks them in turn: a block of
requests of one page on the larger set, the same block on the smaller one, then the other way
round, and so on. The two blocks of a pair run within milliseconds of each other, so a page's
growth is the median over pairs of (block on the larger set) / (block on the smaller set).

The workers speak JSON lines: the parent writes one request per line on the worker's stdin and
reads one answer per line from its stdout (anything else a worker prints goes to stderr).
"""

from __future__ import annotations

import contextlib
import json
import statistics
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from .timer import percentile

# Requests in a block: short enough that the machine does not change within a pair of blocks,
# long enough for a median.
BLOCK = 20


class WorkerError(RuntimeError):
    pass


class TimingWorker:
    """The parent's side of one timing worker."""

    def __init__(self, label: str, command: list[str], env: dict[str, str], cwd: str) -> None:
        self.label = label
        self.process = subprocess.Popen(
            command,
            env=env,
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        self._send(request)
        return self.answer()

    def answer(self) -> dict[str, Any]:
        _, stdout = self._pipes()
        line = stdout.readline()
        if not line:
            code = self.process.wait(timeout=30)
            raise WorkerError(f"the timing worker on the {self.label} data set ended ({code})")
        answer = json.loads(line)
        if "error" in answer:
            raise WorkerError(f"the timing worker on the {self.label} data set: {answer['error']}")
        return answer

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(OSError):
                self._send({"quit": True})
                self._pipes()[0].close()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)

    def _send(self, request: dict[str, Any]) -> None:
        stdin, _ = self._pipes()
        stdin.write(json.dumps(request) + "\n")
        stdin.flush()

    def _pipes(self) -> tuple[IO[str], IO[str]]:
        assert self.process.stdin is not None and self.process.stdout is not None
        return self.process.stdin, self.process.stdout


@dataclass
class Blocks:
    """One page's blocks on one data set, in the order they ran."""

    samples_ms: list[list[float]] = field(default_factory=list)
    cpu_ms: list[list[float]] = field(default_factory=list)
    queries: int | None = None
    status: str = "ok"

    def add(self, answer: dict[str, Any]) -> None:
        if answer["status"] != "ok":
            self.status = answer["status"]
            return
        self.samples_ms.append(answer["samples_ms"])
        self.cpu_ms.append(answer["cpu_ms"])
        if self.queries is None:
            self.queries = answer["queries"]

    def summary(self) -> dict[str, Any]:
        """The figures of all blocks together, as a Timing of the in-process table gives them."""
        samples = [s for block in self.samples_ms for s in block]
        cpu = [s for block in self.cpu_ms for s in block]
        ok = self.status == "ok" and bool(samples)
        return {
            "status": self.status,
            "queries": self.queries,
            "requests": len(samples),
            "blocks": len(self.samples_ms),
            "median_ms": round(statistics.median(samples), 3) if ok else None,
            "p95_ms": round(percentile(samples, 0.95), 3) if ok else None,
            "cpu_median_ms": round(statistics.median(cpu), 3) if ok and cpu else None,
        }


def growth_row(name: str, large: Blocks, small: Blocks) -> dict[str, Any]:
    """A page's growth from its paired blocks: the median over pairs of the ratio of the two
    blocks' medians (and CPU medians), minus 1; the p95 from all blocks of each side, which ran
    interleaved and so saw the machine alike."""
    row: dict[str, Any] = {"name": name, "large": large.summary(), "small": small.summary()}
    pairs = list(zip(large.samples_ms, small.samples_ms, strict=False))
    if large.status != "ok" or small.status != "ok" or not pairs:
        row |= {"median_growth": None, "p95_growth": None, "cpu_growth": None}
        row["status"] = large.status if large.status != "ok" else small.status
        return row
    ratios = [_ratio(a, b) for a, b in pairs]
    cpu = [_ratio(a, b) for a, b in zip(large.cpu_ms, small.cpu_ms, strict=False) if a and b]
    row["block_ratios"] = [round(r, 4) for r in ratios]
    row["median_growth"] = statistics.median(ratios) - 1
    row["cpu_growth"] = statistics.median(cpu) - 1 if cpu else None
    row["p95_growth"] = row["large"]["p95_ms"] / row["small"]["p95_ms"] - 1
    return row


def _ratio(large: Sequence[float], small: Sequence[float]) -> float:
    return statistics.median(large) / statistics.median(small)


def interleave(
    large: TimingWorker,
    small: TimingWorker,
    names: Sequence[str],
    *,
    requests: int,
    warmup: int,
    say: Any = None,
) -> list[dict[str, Any]]:
    """Every page of `names` in blocks of BLOCK requests, on each data set in turn (the first
    of a pair alternating), `requests` in all on each; then each page's growth row."""
    blocks = max(1, -(-requests // BLOCK))
    rows = []
    for name in names:
        if say:
            say(f"Growth: {name}, {blocks} blocks of {BLOCK} on each data set in turn")
        sides = {"large": Blocks(), "small": Blocks()}
        for n in range(blocks):
            order = ((large, "large"), (small, "small"))
            for worker, side in order if n % 2 == 0 else order[::-1]:
                # The first block warms its worker up; its reset starts the check-offs afresh.
                sides[side].add(
                    worker.ask(
                        {
                            "page": name,
                            "requests": BLOCK,
                            "warmup": warmup if n == 0 else 0,
                            "first": n == 0,
                        }
                    )
                )
        rows.append(growth_row(name, sides["large"], sides["small"]))
    return rows
