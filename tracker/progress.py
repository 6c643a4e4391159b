"""Progress rules (DESIGN.md, "Progress rules") over plain data.

Nothing here touches the database: callers turn catalog rows and a person's progress into the
dataclasses below, and get dataclasses back. That keeps every rule unit-testable from a table.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from fractions import Fraction
from functools import cached_property
from typing import Literal

from careers.choices import last_senior_stage
from careers.salaries import Band, headline_band

SKILL: Literal["skill"] = "skill"
MILESTONE: Literal["milestone"] = "milestone"
ItemKind = Literal["skill", "milestone"]
ItemKey = tuple[ItemKind, int]

ENTRY, MID, SENIOR, SPECIALIZED = "entry", "mid", "senior", "specialized"

PACE_WINDOW_DAYS = 28
PACE_WINDOW_WEEKS = PACE_WINDOW_DAYS // 7
# Beyond this many weeks an estimate reads better in months, and beyond so many months in years.
WEEKS_BEFORE_MONTHS = 12
MONTHS_BEFORE_YEARS = 24
WEEKS_PER_MONTH = 52 / 12


@dataclass(frozen=True)
class Item:
    kind: ItemKind
    id: int
    name: str
    # Only skills can be recommended; milestones always count.
    required: bool = True
    retired: bool = False

    @cached_property
    def key(self) -> ItemKey:
        return (self.kind, self.id)


@dataclass(frozen=True)
class Stage:
    id: int
    title: str
    level: str
    position: int
    # Both in catalog order.
    skills: tuple[Item, ...] = ()
    milestones: tuple[Item, ...] = ()

    @property
    def specialized(self) -> bool:
        return self.level == SPECIALIZED

    # Derived once per Stage: the plan and the dashboard compute progress on every request from
    # the same (cached) stages.
    @cached_property
    def required(self) -> tuple[Item, ...]:
        return tuple(i for i in self.skills if i.required and not i.retired)

    @cached_property
    def recommended(self) -> tuple[Item, ...]:
        return tuple(i for i in self.skills if not i.required and not i.retired)

    @cached_property
    def active_milestones(self) -> tuple[Item, ...]:
        return tuple(i for i in self.milestones if not i.retired)

    @cached_property
    def counting_items(self) -> tuple[Item, ...]:
        """The items that count: required skills first, then milestones."""
        return self.required + self.active_milestones

    @cached_property
    def counting_keys(self) -> frozenset[ItemKey]:
        # A skill is on a role once (careers.StageSkill), so no two items share a key.
        return frozenset(i.key for i in self.counting_items)


@dataclass(frozen=True)
class StageProgress:
    stage: Stage
    required: tuple[Item, ...]
    recommended: tuple[Item, ...]
    milestones: tuple[Item, ...]
    done: int
    reached: bool
    on_path: bool

    @property
    def items(self) -> tuple[Item, ...]:
        """The items that count: required skills first, then milestones."""
        return self.required + self.milestones

    @property
    def total(self) -> int:
        return len(self.required) + len(self.milestones)

    @property
    def skipped(self) -> bool:
        return self.total == 0

    @property
    def percent(self) -> int | None:
        return None if self.skipped else percent(self.done, self.total)


@dataclass(frozen=True)
class Progress:
    stages: tuple[StageProgress, ...]
    target: StageProgress | None
    current: StageProgress | None
    # The first stage on the way to the target that is not reached yet.
    next_stage: StageProgress | None
    next_steps: tuple[Item, ...]
    done: int
    total: int

    @property
    def percent(self) -> int:
        return percent(self.done, self.total)

    @property
    def remaining(self) -> int:
        return self.total - self.done

    @property
    def path(self) -> tuple[StageProgress, ...]:
        return tuple(sp for sp in self.stages if sp.on_path)

    @property
    def target_reached(self) -> bool:
        return self.target is not None and self.target.reached

    @cached_property
    def counting_keys(self) -> frozenset[ItemKey]:
        """The items that count towards the target (those `done` and `total` count)."""
        return frozenset(i.key for sp in self.path for i in sp.items)

    def stage(self, stage_id: int) -> StageProgress | None:
        return next((sp for sp in self.stages if sp.stage.id == stage_id), None)


def percent(done: int, total: int) -> int:
    # Rounded down, so that 100% only ever means everything is done.
    return 0 if total == 0 else done * 100 // total


def _layout(
    stages: Sequence[Stage], target_stage_id: int
) -> tuple[list[Stage], list[Stage], Stage | None, Stage | None]:
    """The stages in order, the chain of counted non-specialized ones, its last senior stage,
    and the target."""
    ordered = sorted(stages, key=lambda s: s.position)
    chain = [s for s in ordered if _counted(s) and not s.specialized]
    last_senior = last_senior_stage(chain)
    target = next((s for s in ordered if s.id == target_stage_id), None)
    return ordered, chain, last_senior, target


def path_stage_ids(stages: Sequence[Stage], target_stage_id: int) -> frozenset[int]:
    """The ids of the stages on the way to the target (`StageProgress.on_path`), which depend on
    the catalog and the target alone."""
    ordered, chain, last_senior, target = _layout(stages, target_stage_id)
    return frozenset(_path(ordered, chain, last_senior, target))


def compute(
    stages: Sequence[Stage], *, target_stage_id: int, done: Collection[ItemKey]
) -> Progress:
    ordered, chain, last_senior, target = _layout(stages, target_stage_id)
    if not isinstance(done, frozenset | set):
        done = frozenset(done)

    def own_items_done(stage: Stage) -> bool:
        return stage.counting_keys <= done

    path_ids = _path(ordered, chain, last_senior, target)

    reached: dict[int, bool] = {}
    for stage in ordered:
        if not _counted(stage):
            # A stage without items is skipped: it is never reached and never in the way.
            reached[stage.id] = False
        elif stage.specialized:
            senior_ok = last_senior is None or own_items_done(last_senior)
            reached[stage.id] = senior_ok and own_items_done(stage)
        else:
            reached[stage.id] = own_items_done(stage)

    current: Stage | None = None
    for stage in chain:
        if not reached[stage.id]:
            break
        current = stage
    # A reached specialized target is where the person stands, once the chain is complete.
    if (
        target is not None
        and target.specialized
        and reached[target.id]
        and current is not None
        and current == (chain[-1] if chain else None)
    ):
        current = target

    results = tuple(
        StageProgress(
            stage=stage,
            required=stage.required,
            recommended=stage.recommended,
            milestones=stage.active_milestones,
            done=len(stage.counting_keys & done),
            reached=reached[stage.id],
            on_path=stage.id in path_ids,
        )
        for stage in ordered
    )
    by_id = {sp.stage.id: sp for sp in results}
    path = [sp for sp in results if sp.on_path]
    next_stage = next((sp for sp in path if not sp.skipped and not sp.reached), None)
    next_steps = (
        tuple(i for i in next_stage.items if i.key not in done) if next_stage is not None else ()
    )
    return Progress(
        stages=results,
        target=by_id.get(target_stage_id),
        current=by_id[current.id] if current is not None else None,
        next_stage=next_stage,
        next_steps=next_steps,
        done=sum(sp.done for sp in path),
        total=sum(sp.total for sp in path),
    )


def _counted(stage: Stage) -> bool:
    return bool(stage.counting_items)


def _path(
    ordered: list[Stage], chain: list[Stage], last_senior: Stage | None, target: Stage | None
) -> set[int]:
    if target is None:
        return set()
    if target.specialized:
        # The chain up to the last senior stage, then the branch itself.
        end = last_senior.position if last_senior is not None else math.inf
        ids = {s.id for s in ordered if not s.specialized and s.position <= end}
        return ids | {target.id}
    return {s.id for s in ordered if not s.specialized and s.position <= target.position}


# --- Salary -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SalaryEstimate:
    stage: Stage | None
    band: Band | None
    region_name: str | None
    # The person has a region, but only a national figure exists for this stage.
    national_fallback: bool = False
    # Nothing reached yet: the figure is what the first stage pays.
    on_reaching: bool = False
    # The role's all-stages figure for the person's region (or nationally), as context.
    role_wide: Band | None = None
    labels: tuple[str, ...] = field(default=())


def stage_band(
    bands: Sequence[Band], *, stage_id: int, region_id: int | None
) -> tuple[Band | None, bool]:
    """The stage's own headline band (careers.salaries.headline_band, the role page's rule),
    None when the rule falls back on the role's figure for all stages, which the dashboard
    shows as such; the flag says a person with a region gets a national figure."""
    band = headline_band(bands, stage_id=stage_id, region_id=region_id)
    if band is None or band.stage_id != stage_id:
        return None, False
    return band, region_id is not None and band.region_id is None


def expected_salary(
    *,
    stages: Sequence[Stage],
    current: Stage | None,
    bands: Sequence[Band],
    region_id: int | None,
    region_name: str | None,
) -> SalaryEstimate:
    on_reaching = current is None
    stage = current
    if stage is None:
        first = sorted((s for s in stages if not s.specialized), key=lambda s: s.position)
        stage = first[0] if first else None
    role_wide = headline_band(bands, stage_id=None, region_id=region_id)
    if role_wide is not None and role_wide.region_id != region_id:
        # The dashboard names the person's region beside this figure: a national one is left out.
        role_wide = None
    if stage is None:
        return SalaryEstimate(
            stage=None,
            band=None,
            region_name=region_name,
            role_wide=role_wide,
            labels=("no salary data for this stage yet",),
        )
    band, fallback = stage_band(bands, stage_id=stage.id, region_id=region_id)
    labels: list[str] = []
    if on_reaching:
        labels.append(f"on reaching {stage.title}")
    if band is None:
        labels.append("no salary data for this stage yet")
    elif fallback:
        labels.append(f"national figure; no {region_name} figure for this stage")
    return SalaryEstimate(
        stage=stage,
        band=band,
        region_name=region_name,
        national_fallback=fallback,
        on_reaching=on_reaching,
        role_wide=role_wide,
        labels=tuple(labels),
    )


# --- Pace -------------------------------------------------------------------------------------

PACE_WINDOW = timedelta(days=PACE_WINDOW_DAYS)


@dataclass(frozen=True)
class Move:
    """One change of an item's state, as the person's event log has it: at `at`, the item `key`
    was left done (`done`) or not done (learning, not started, unticked)."""

    key: ItemKey
    at: datetime
    done: bool


def done_at(moves: Iterable[Move], at: datetime) -> dict[ItemKey, datetime]:
    """The items done at the moment `at`, each with when it was last completed, replaying the
    moves made up to then (in any order given; ties keep the given order). A tick then an untick
    leaves nothing; a tick, untick and tick again leaves the item completed at the last tick."""
    done: dict[ItemKey, datetime] = {}
    for move in sorted((m for m in moves if m.at <= at), key=lambda m: m.at):
        if move.done:
            done[move.key] = move.at
        else:
            done.pop(move.key, None)
    return done


@dataclass(frozen=True)
class PaceWindow:
    # Counting items done at the window's end and completed inside it.
    completed: int
    # When the count next changes by time alone: the oldest of them leaves the window then.
    until: datetime | None

    @property
    def per_week(self) -> float:
        return pace_per_week(self.completed)


def pace_window(
    completed: Mapping[ItemKey, datetime], *, now: datetime, counted: Collection[ItemKey]
) -> PaceWindow:
    """The checklist pace's window: the 28 days up to `now`, both ends included.

    `completed`: the items done at `now`, each with when it was (last) completed, as
    `done_at(moves, now)` gives or the person's progress rows hold (an item no longer done is
    not in it). `counted`: the items that count (`Progress.counting_keys`): recommended and
    retired items, and items off the way to the target, never make a pace. An item counts once,
    whatever its history: ticking and unticking counts nothing, ticking again counts once, at
    the last tick."""
    start = now - PACE_WINDOW
    inside = [at for key, at in completed.items() if key in counted and start <= at <= now]
    return PaceWindow(completed=len(inside), until=min(inside) + PACE_WINDOW if inside else None)


def pace_per_week(completed_in_window: int) -> float:
    """Items a week, from the count of a 28-day window (`PaceWindow.completed`)."""
    return completed_in_window / PACE_WINDOW_WEEKS


@dataclass(frozen=True)
class Estimate:
    low: int
    high: int
    unit: Literal["week", "month", "year"]

    @property
    def label(self) -> str:
        unit = self.unit if self.high == 1 else f"{self.unit}s"
        if self.low == self.high:
            return f"about {self.low} {unit}"
        return f"about {self.low}-{self.high} {unit}"


def estimate_time(remaining: int, pace: float) -> Estimate | None:
    """How long the `remaining` counting items (`Progress.remaining`) take at `pace` items a
    week (`pace_per_week`): a range, not a promise, as the pace may run 25% faster or slower
    than over the last 4 weeks. None without a pace or without anything left. It measures the
    checklist alone, never the years of experience a stage asks for."""
    if pace <= 0 or remaining <= 0:
        return None
    fast = remaining / (pace * 1.25)
    slow = remaining / (pace * 0.75)
    unit: Literal["week", "month", "year"] = "week"
    if slow > WEEKS_BEFORE_MONTHS:
        fast, slow, unit = fast / WEEKS_PER_MONTH, slow / WEEKS_PER_MONTH, "month"
    if unit == "month" and slow > MONTHS_BEFORE_YEARS:
        fast, slow, unit = fast / 12, slow / 12, "year"
    low = max(1, round(fast))
    high = max(low, round(slow))
    return Estimate(low=low, high=high, unit=unit)


# --- Closeness to other roles -----------------------------------------------------------------


@dataclass(frozen=True)
class Closeness:
    """How close a person is to a role: their done items over the role's items up to its last
    senior stage (the whole chain when it has none; specialized branches left out, as a branch
    counts once it is the target), with the stage they would stand at there."""

    role_id: int
    progress: Progress

    @property
    def done(self) -> int:
        return self.progress.done

    @property
    def total(self) -> int:
        return self.progress.total

    @property
    def remaining(self) -> int:
        return self.progress.remaining

    @property
    def percent(self) -> int:
        return self.progress.percent

    @property
    def current(self) -> StageProgress | None:
        """The stage the person would stand at in that role (`compute`'s current stage)."""
        return self.progress.current


def closeness_end(stages: Sequence[Stage]) -> Stage | None:
    """The stage closeness counts up to: the last senior stage of the chain of stages with
    items, else the chain's last stage; None when the chain has no items."""
    _, chain, last_senior, _ = _layout(stages, target_stage_id=-1)
    return last_senior or (chain[-1] if chain else None)


def closeness(role_id: int, stages: Sequence[Stage], done: Collection[ItemKey]) -> Closeness | None:
    """The person's closeness to the role; None for a role without items to count."""
    end = closeness_end(stages)
    if end is None:
        return None
    return Closeness(role_id=role_id, progress=compute(stages, target_stage_id=end.id, done=done))


def closest(
    roles: Iterable[Closeness | None], *, exclude_role_id: int | None = None, limit: int = 5
) -> list[Closeness]:
    """The roles closest to the person: the largest share of their items done first (the exact
    share, not its rounded percent), then more items done, then the order given (the catalog's).
    The target role (`exclude_role_id`) and roles without items (None) are left out."""
    ranked = [
        (index, role)
        for index, role in enumerate(roles)
        if role is not None and role.role_id != exclude_role_id and role.total > 0
    ]
    ranked.sort(key=lambda pair: (-Fraction(pair[1].done, pair[1].total), -pair[1].done, pair[0]))
    return [role for _, role in ranked[:limit]]


@dataclass(frozen=True)
class Kept:
    """ "Making this your target keeps `kept` of your `done` done items": every item the person
    has done, and those the role counts up to its last senior stage (its branches' items count
    once a branch is the target)."""

    kept: int
    done: int


def kept_items(role: Closeness | None, done: Collection[ItemKey]) -> Kept:
    return Kept(kept=role.done if role is not None else 0, done=len(done))
