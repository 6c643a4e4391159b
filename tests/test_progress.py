"""The progress rules, walked as tables over plain data: no database anywhere in this file."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from tracker.progress import (
    Band,
    Item,
    Move,
    Stage,
    compute,
    done_at,
    estimate_time,
    expected_salary,
    pace_per_week,
    pace_window,
    percent,
)


def skill(id: int, name: str, *, required: bool = True, retired: bool = False) -> Item:
    return Item(kind="skill", id=id, name=name, required=required, retired=retired)


def milestone(id: int, name: str, *, retired: bool = False) -> Item:
    return Item(kind="milestone", id=id, name=name, retired=retired)


PY, LINALG, R_LANG = skill(1, "Python"), skill(2, "Linear algebra"), skill(3, "R", required=False)
TORCH, MLOPS, LEAD = skill(4, "PyTorch"), skill(5, "MLOps"), skill(6, "Research")
PRODUCT = skill(7, "Product sense")
PORTFOLIO, DEPLOY = milestone(1, "Portfolio"), milestone(2, "Deploy")
MENTOR = milestone(3, "Mentor")

ENTRY = Stage(1, "Junior", "entry", 1, skills=(PY, LINALG, R_LANG), milestones=(PORTFOLIO,))
MID = Stage(2, "Engineer", "mid", 2, skills=(TORCH,), milestones=(DEPLOY,))
SENIOR = Stage(3, "Senior", "senior", 3, skills=(MLOPS,), milestones=(MENTOR,))
RESEARCH = Stage(4, "Research Scientist", "specialized", 4, skills=(LEAD,))
PRODUCT_BRANCH = Stage(5, "AI Product Manager", "specialized", 5, skills=(PRODUCT,))
ROLE = (ENTRY, MID, SENIOR, RESEARCH, PRODUCT_BRANCH)
EMPTY_MID = Stage(9, "Mid-career", "mid", 3, skills=(R_LANG,))  # only a recommended skill

ENTRY_DONE = {PY.key, LINALG.key, PORTFOLIO.key}
MID_DONE = {TORCH.key, DEPLOY.key}
SENIOR_DONE = {MLOPS.key, MENTOR.key}


def with_retired(stage: Stage, item: Item) -> Stage:
    skills = tuple(replace(i, retired=True) if i == item else i for i in stage.skills)
    milestones = tuple(replace(i, retired=True) if i == item else i for i in stage.milestones)
    return replace(stage, skills=skills, milestones=milestones)


def shifted(stage: Stage, by: int) -> Stage:
    return replace(stage, position=stage.position + by)


CASES = [
    # id, stages, target, done, percent, current, reached stage ids, next stage, next steps
    ("no progress", ROLE, SENIOR, set(), 0, None, set(), ENTRY, [PY, LINALG, PORTFOLIO]),
    ("part of entry", ROLE, SENIOR, {PY.key}, 14, None, set(), ENTRY, [LINALG, PORTFOLIO]),
    ("entry reached", ROLE, SENIOR, ENTRY_DONE, 42, ENTRY, {1}, MID, [TORCH, DEPLOY]),
    (
        "a gap: mid done, entry not",
        ROLE,
        SENIOR,
        MID_DONE | {PY.key},
        42,
        None,
        {2},
        ENTRY,
        [LINALG, PORTFOLIO],
    ),
    (
        "a gap: entry and senior done, mid not",
        ROLE,
        SENIOR,
        ENTRY_DONE | SENIOR_DONE,
        71,
        ENTRY,
        {1, 3},
        MID,
        [TORCH, DEPLOY],
    ),
    (
        "all done up to the target",
        ROLE,
        SENIOR,
        ENTRY_DONE | MID_DONE | SENIOR_DONE,
        100,
        SENIOR,
        {1, 2, 3},
        None,
        [],
    ),
    (
        "a non-specialized target below senior leaves the later stages out",
        ROLE,
        MID,
        ENTRY_DONE | {TORCH.key},
        80,
        ENTRY,
        {1},
        MID,
        [DEPLOY],
    ),
    (
        "specialized target: chain plus its branch, the other branch left out",
        ROLE,
        RESEARCH,
        ENTRY_DONE | MID_DONE | SENIOR_DONE,
        87,
        SENIOR,
        {1, 2, 3},
        RESEARCH,
        [LEAD],
    ),
    (
        "specialized target reached",
        ROLE,
        RESEARCH,
        ENTRY_DONE | MID_DONE | SENIOR_DONE | {LEAD.key},
        100,
        RESEARCH,
        {1, 2, 3, 4},
        None,
        [],
    ),
    (
        "a specialized stage is not reached before the last senior stage",
        ROLE,
        RESEARCH,
        ENTRY_DONE | MID_DONE | {LEAD.key},
        75,
        MID,
        {1, 2},
        SENIOR,
        [MLOPS, MENTOR],
    ),
    (
        "recommended skills do not count",
        ROLE,
        SENIOR,
        {R_LANG.key},
        0,
        None,
        set(),
        ENTRY,
        [PY, LINALG, PORTFOLIO],
    ),
    (
        "a retired item is left out of items and percent",
        (with_retired(ENTRY, LINALG), MID, SENIOR),
        SENIOR,
        {PY.key, PORTFOLIO.key},
        33,
        ENTRY,
        {1},
        MID,
        [TORCH, DEPLOY],
    ),
    (
        "a retired milestone someone completed no longer counts",
        (with_retired(ENTRY, PORTFOLIO), MID, SENIOR),
        SENIOR,
        {PY.key, PORTFOLIO.key},
        16,
        None,
        set(),
        ENTRY,
        [LINALG],
    ),
    (
        "a stage with no items is skipped, never blocks and is never current",
        (ENTRY, EMPTY_MID, shifted(SENIOR, 1)),
        shifted(SENIOR, 1),
        ENTRY_DONE | SENIOR_DONE,
        100,
        shifted(SENIOR, 1),
        {1, 3},
        None,
        [],
    ),
    (
        "a skipped stage before any progress",
        (ENTRY, EMPTY_MID, shifted(SENIOR, 1)),
        shifted(SENIOR, 1),
        set(),
        0,
        None,
        set(),
        ENTRY,
        [PY, LINALG, PORTFOLIO],
    ),
]


@pytest.mark.parametrize(
    ("stages", "target", "done", "pct", "current", "reached", "next_stage", "steps"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_it_applies_the_progress_rules(
    stages, target, done, pct, current, reached, next_stage, steps
) -> None:
    progress = compute(stages, target_stage_id=target.id, done=done)

    assert progress.percent == pct
    assert (progress.current.stage.id if progress.current else None) == (
        current.id if current else None
    )
    assert {sp.stage.id for sp in progress.stages if sp.reached} == reached
    assert (progress.next_stage.stage.id if progress.next_stage else None) == (
        next_stage.id if next_stage else None
    )
    assert list(progress.next_steps) == steps


def test_it_lists_stages_in_position_order_with_their_percent() -> None:
    progress = compute(list(reversed(ROLE)), target_stage_id=SENIOR.id, done={PY.key, TORCH.key})

    assert [sp.stage.id for sp in progress.stages] == [1, 2, 3, 4, 5]
    assert [sp.percent for sp in progress.stages] == [33, 50, 0, 0, 0]
    assert [sp.on_path for sp in progress.stages] == [True, True, True, False, False]


def test_it_shows_recommended_skills_apart_and_hides_retired_ones() -> None:
    stage = with_retired(replace(ENTRY, skills=(*ENTRY.skills, skill(8, "Old"))), skill(8, "Old"))
    entry = compute([stage], target_stage_id=ENTRY.id, done=set()).stages[0]

    assert entry.required == (PY, LINALG)
    assert entry.recommended == (R_LANG,)
    assert entry.milestones == (PORTFOLIO,)
    assert entry.total == 3


def test_it_gives_no_percent_to_a_stage_without_items() -> None:
    progress = compute([ENTRY, EMPTY_MID], target_stage_id=EMPTY_MID.id, done=ENTRY_DONE)

    assert progress.stages[1].percent is None
    assert progress.stages[1].skipped
    assert progress.percent == 100


def test_it_counts_nothing_for_an_unknown_target() -> None:
    progress = compute(ROLE, target_stage_id=999, done=ENTRY_DONE)

    assert progress.total == 0
    assert progress.percent == 0
    assert progress.next_steps == ()


@pytest.mark.parametrize(
    ("done", "total", "expected"), [(0, 0, 0), (1, 3, 33), (2, 3, 66), (3, 3, 100), (99, 100, 99)]
)
def test_it_rounds_percent_down(done: int, total: int, expected: int) -> None:
    assert percent(done, total) == expected


# --- Salary -----------------------------------------------------------------------------------

SEATTLE, AUSTIN = 10, 11


def band(id: int, stage: Stage | None, region: int | None, **kw) -> Band:
    return Band(
        id=id,
        stage_id=stage.id if stage else None,
        region_id=region,
        low=kw.pop("low", 100_000),
        high=kw.pop("high", 150_000),
        year=2024,
        source_title="Machine Learning Engineer",
        section="Salary Ranges",
        **kw,
    )


ENTRY_US = band(1, ENTRY, None)
ENTRY_SEATTLE = band(2, ENTRY, SEATTLE)
MID_US = band(3, MID, None)
ROLE_SEATTLE = band(4, None, SEATTLE)
ROLE_US = band(5, None, None)
MID_US_TOTAL_FIRST = band(6, MID, None, pay_basis="total", position=0)
MID_US_BASE_LATER = band(7, MID, None, position=3)
MID_US_BASE_SECOND = band(8, MID, None, position=5)
ALL_BANDS = (ENTRY_US, ENTRY_SEATTLE, MID_US, ROLE_SEATTLE, ROLE_US)

SALARY_CASES = [
    # id, current, bands, region, expected band, role-wide band, labels
    ("regional band for the current stage", ENTRY, ALL_BANDS, SEATTLE, ENTRY_SEATTLE,
     ROLE_SEATTLE, ()),
    ("national fallback says so", MID, ALL_BANDS, SEATTLE, MID_US, ROLE_SEATTLE,
     ("national figure; no Seattle, WA figure for this stage",)),
    ("no region: the national band, no fallback label", MID, ALL_BANDS, None, MID_US, ROLE_US,
     ()),
    ("a region without any figure falls back, with no role-wide context", ENTRY, ALL_BANDS,
     AUSTIN, ENTRY_US, None, ("national figure; no Seattle, WA figure for this stage",)),
    ("nothing reached: the first stage's band, on reaching it", None, ALL_BANDS, SEATTLE,
     ENTRY_SEATTLE, ROLE_SEATTLE, ("on reaching Junior",)),
    ("nothing reached, national only", None, (ENTRY_US,), SEATTLE, ENTRY_US, None,
     ("on reaching Junior", "national figure; no Seattle, WA figure for this stage")),
    ("no band for the stage", SENIOR, ALL_BANDS, SEATTLE, None, ROLE_SEATTLE,
     ("no salary data for this stage yet",)),
    ("no bands at all", None, (), None, None, None,
     ("on reaching Junior", "no salary data for this stage yet")),
    ("the headline is the first base-pay band by position", MID,
     (MID_US_BASE_SECOND, MID_US_TOTAL_FIRST, MID_US_BASE_LATER), None, MID_US_BASE_LATER, None,
     ()),
]  # fmt: skip


@pytest.mark.parametrize(
    ("current", "bands", "region", "expected", "role_wide", "labels"),
    [case[1:] for case in SALARY_CASES],
    ids=[case[0] for case in SALARY_CASES],
)
def test_it_picks_the_expected_salary(current, bands, region, expected, role_wide, labels) -> None:
    # The label names the person's region, whichever it is.
    estimate = expected_salary(
        stages=ROLE,
        current=current,
        bands=bands,
        region_id=region,
        region_name="Seattle, WA" if region else None,
    )

    assert estimate.band == expected
    assert estimate.role_wide == role_wide
    assert estimate.labels == labels
    assert estimate.stage == (current or ENTRY)


def test_it_falls_back_to_total_compensation_when_no_base_pay_band_exists() -> None:
    estimate = expected_salary(
        stages=ROLE, current=MID, bands=(MID_US_TOTAL_FIRST,), region_id=None, region_name=None
    )

    assert estimate.band == MID_US_TOTAL_FIRST


# --- Pace -------------------------------------------------------------------------------------

PACE_CASES = [
    # id, completed in the last 28 days, remaining items, pace per week, estimate
    ("no completions: no pace, no estimate", 0, 10, 0.0, None),
    ("one a week", 4, 6, 1.0, "about 5-8 weeks"),
    ("three a week", 12, 20, 3.0, "about 5-9 weeks"),
    ("nothing left to do", 8, 0, 2.0, None),
    ("one item left at a quick pace", 20, 1, 5.0, "about 1 week"),
    ("slow pace reads in months", 1, 12, 0.25, "about 9-15 months"),
    ("very slow pace reads in years", 1, 60, 0.25, "about 4-6 years"),
]


@pytest.mark.parametrize(
    ("completed", "remaining", "pace", "label"),
    [case[1:] for case in PACE_CASES],
    ids=[case[0] for case in PACE_CASES],
)
def test_it_estimates_time_to_target_as_a_range(completed, remaining, pace, label) -> None:
    assert pace_per_week(completed) == pace
    estimate = estimate_time(remaining, pace)
    assert (estimate.label if estimate else None) == label


# --- Pace: what counts -------------------------------------------------------------------------

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
RETIRED_SKILL = skill(8, "Hadoop", retired=True)
WITH_RETIRED = replace(ENTRY, skills=(*ENTRY.skills, RETIRED_SKILL))
# Senior as the target: Python, linear algebra, portfolio, PyTorch, deploy, MLOps, mentor count.
COUNTED = compute(
    (WITH_RETIRED, MID, SENIOR, RESEARCH), target_stage_id=SENIOR.id, done=()
).counting_keys


def tick(item: Item, ago: timedelta) -> Move:
    return Move(key=item.key, at=NOW - ago, done=True)


def untick(item: Item, ago: timedelta) -> Move:
    return Move(key=item.key, at=NOW - ago, done=False)


def toggles(item: Item, times: int) -> list[Move]:
    """Ticked and unticked `times` times over the last hours."""
    moves = []
    for i in range(times):
        moves += [tick(item, timedelta(hours=2 * times - 2 * i)), untick(item, timedelta(hours=1))]
    return moves


COUNT_CASES = [
    # id, moves (the person's log, in any order), items counted, when the count next changes
    ("nothing done", [], 0, None),
    ("one tick today", [tick(PY, timedelta(0))], 1, NOW + 28 * DAY),
    ("ticked and unticked six times counts nothing", toggles(PY, 6), 0, None),
    (
        "ticked, unticked, ticked again counts once, at the last tick",
        [tick(PY, 3 * DAY), untick(PY, 2 * DAY), tick(PY, DAY)],
        1,
        NOW + 27 * DAY,
    ),
    (
        "ticked twice in a row counts once",
        [tick(PY, 5 * DAY), tick(PY, 4 * DAY)],
        1,
        NOW + 24 * DAY,
    ),
    ("completed exactly 28 days ago is inside", [tick(PY, 28 * DAY)], 1, NOW),
    ("completed just outside the window", [tick(PY, 28 * DAY + timedelta(seconds=1))], 0, None),
    ("completed long ago and still done", [tick(PY, 40 * DAY)], 0, None),
    (
        "done long ago, unticked and ticked again today: the completion is today's",
        [tick(PY, 40 * DAY), untick(PY, timedelta(hours=2)), tick(PY, timedelta(hours=1))],
        1,
        NOW + 28 * DAY - timedelta(hours=1),
    ),
    ("ticked in the window, unticked since", [tick(PY, 10 * DAY), untick(PY, DAY)], 0, None),
    ("a retired item counts nothing", [tick(RETIRED_SKILL, DAY)], 0, None),
    ("a recommended skill counts nothing", [tick(R_LANG, DAY)], 0, None),
    ("an item past the target counts nothing", [tick(LEAD, DAY)], 0, None),
    ("a move after the window's end is not made yet", [tick(PY, -DAY)], 0, None),
    (
        "each item once; the oldest says when the count drops",
        [
            *toggles(LINALG, 3),
            tick(PY, 20 * DAY),
            tick(PORTFOLIO, 2 * DAY),
            untick(PORTFOLIO, DAY),
            tick(PORTFOLIO, timedelta(0)),
            tick(DEPLOY, 6 * DAY),
        ],
        3,
        NOW + 8 * DAY,
    ),
    (
        "the log's order does not matter, only the times",
        [tick(PY, DAY), untick(PY, 2 * DAY), tick(PY, 3 * DAY)],
        1,
        NOW + 27 * DAY,
    ),
]


@pytest.mark.parametrize(
    ("moves", "completed", "until"),
    [case[1:] for case in COUNT_CASES],
    ids=[case[0] for case in COUNT_CASES],
)
def test_an_item_counts_once_if_it_ends_the_window_done_and_was_completed_in_it(
    moves, completed, until
) -> None:
    window = pace_window(done_at(moves, NOW), now=NOW, counted=COUNTED)

    assert (window.completed, window.until) == (completed, until)
    assert window.per_week == pace_per_week(completed)


def test_the_window_can_end_at_any_moment_of_the_log() -> None:
    moves = [tick(PY, 40 * DAY), untick(PY, 35 * DAY), tick(TORCH, 30 * DAY)]

    def completed(end: datetime) -> int:
        return pace_window(done_at(moves, end), now=end, counted=COUNTED).completed

    # 36 days ago Python was done; 30 days ago it was not, and PyTorch was just done.
    assert done_at(moves, NOW - 36 * DAY) == {PY.key: NOW - 40 * DAY}
    assert completed(NOW - 36 * DAY) == 1
    assert done_at(moves, NOW - 30 * DAY) == {TORCH.key: NOW - 30 * DAY}
    assert completed(NOW - 30 * DAY) == 1
    assert completed(NOW) == 0


def test_the_window_reads_progress_rows_as_well_as_the_log() -> None:
    # What the plan's rows hold: each item done now with its completion date.
    rows = {PY.key: NOW - 3 * DAY, TORCH.key: NOW - 30 * DAY, R_LANG.key: NOW}

    assert pace_window(rows, now=NOW, counted=COUNTED).completed == 1
