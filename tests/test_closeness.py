"""Closeness to a role and the ranking of the closest roles, as tables over plain data: no
database anywhere in this file."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.test_progress import (
    DEPLOY,
    EMPTY_MID,
    ENTRY,
    ENTRY_DONE,
    LEAD,
    LINALG,
    MENTOR,
    MID,
    MID_DONE,
    MLOPS,
    PORTFOLIO,
    PRODUCT,
    PY,
    R_LANG,
    RESEARCH,
    ROLE,
    SENIOR,
    SENIOR_DONE,
    TORCH,
    skill,
    with_retired,
)
from tracker.progress import Closeness, Stage, closeness, closest, compute, kept_items

# A role without a senior stage counts its whole chain.
NO_SENIOR = (ENTRY, MID)
# Two senior stages: closeness counts up to the second.
STAFF = Stage(6, "Staff", "senior", 6, skills=(skill(8, "Architecture"),))
TWO_SENIORS = (ENTRY, MID, SENIOR, STAFF, replace(RESEARCH, position=7))
# A senior stage with nothing left to count but a recommended skill is not where it ends.
HOLLOW_SENIOR = (ENTRY, MID, Stage(3, "Senior", "senior", 3, skills=(R_LANG,)))
ONLY_BRANCH = (replace(RESEARCH, position=1),)

CASES = [
    # id, stages, done, done count, total, current stage, items left
    ("nothing done", ROLE, set(), 0, 7, None, 7),
    ("part of entry", ROLE, {PY.key}, 1, 7, None, 6),
    ("entry reached", ROLE, ENTRY_DONE, 3, 7, ENTRY, 4),
    ("all up to senior", ROLE, ENTRY_DONE | MID_DONE | SENIOR_DONE, 7, 7, SENIOR, 0),
    ("a branch's items count nothing", ROLE, {LEAD.key, PRODUCT.key}, 0, 7, None, 7),
    ("a recommended skill counts nothing", ROLE, {R_LANG.key}, 0, 7, None, 7),
    ("a gap: mid done, entry not", ROLE, MID_DONE, 2, 7, None, 5),
    ("no senior stage: the whole chain", NO_SENIOR, ENTRY_DONE, 3, 5, ENTRY, 2),
    ("up to the last of two seniors", TWO_SENIORS, ENTRY_DONE, 3, 8, ENTRY, 5),
    (
        "an empty senior stage: up to the last stage with items",
        HOLLOW_SENIOR,
        ENTRY_DONE | MID_DONE,
        5,
        5,
        MID,
        0,
    ),
    (
        "a retired item is left out",
        (with_retired(ENTRY, PORTFOLIO), MID, SENIOR),
        {PY.key, LINALG.key, PORTFOLIO.key},
        2,
        6,
        ENTRY,
        4,
    ),
    ("items of other roles count nothing", ROLE, {("skill", 99), ("milestone", 99)}, 0, 7, None, 7),
]


@pytest.mark.parametrize(
    ("stages", "done", "done_count", "total", "current", "left"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_closeness(stages, done, done_count, total, current, left):
    result = closeness(1, stages, done)

    assert result is not None
    assert (result.done, result.total, result.remaining) == (done_count, total, left)
    assert result.percent == done_count * 100 // total
    assert (result.current.stage.id if result.current else None) == (
        current.id if current else None
    )


@pytest.mark.parametrize(
    "stages",
    [(), (EMPTY_MID,), ONLY_BRANCH],
    ids=["no stages", "only a recommended skill", "only a specialized branch"],
)
def test_a_role_without_items_to_count_has_no_closeness(stages):
    assert closeness(1, stages, {PY.key}) is None


def test_closeness_agrees_with_the_progress_of_a_target_at_the_last_senior_stage():
    done = ENTRY_DONE | {TORCH.key}
    result = closeness(1, ROLE, done)
    target = compute(ROLE, target_stage_id=SENIOR.id, done=done)

    assert result is not None
    assert (result.done, result.total, result.current) == (
        target.done,
        target.total,
        target.current,
    )


def near(role_id: int, done: int, total: int) -> Closeness:
    """A role of `total` one-skill stages (entry first, senior last) with `done` of them done."""
    levels = ["entry"] * (total - 1) + ["senior"]
    stages = tuple(
        Stage(role_id * 100 + i, f"Stage {i}", level, i, skills=(skill(role_id * 100 + i, "s"),))
        for i, level in enumerate(levels)
    )
    keys = {stage.skills[0].key for stage in stages[:done]}
    result = closeness(role_id, stages, keys)
    assert result is not None
    return result


RANKING = [
    # id, roles in catalog order (id, done, total), target, expected ids
    ("largest share first", [(1, 1, 4), (2, 3, 4), (3, 2, 4)], None, [2, 3, 1]),
    ("the exact share, not its rounded percent", [(1, 66, 100), (2, 2, 3)], None, [2, 1]),
    ("same share: more items done first", [(1, 1, 2), (2, 3, 6), (3, 2, 4)], None, [2, 3, 1]),
    ("same share and count: catalog order", [(3, 1, 2), (1, 1, 2), (2, 1, 2)], None, [3, 1, 2]),
    ("the target is left out", [(1, 4, 4), (2, 1, 4)], 1, [2]),
    ("nothing done still ranks", [(1, 0, 3), (2, 0, 5)], None, [1, 2]),
    (
        "five at most",
        [(i, i, 10) for i in range(1, 8)],
        None,
        [7, 6, 5, 4, 3],
    ),
]


@pytest.mark.parametrize(
    ("roles", "target", "expected"),
    [case[1:] for case in RANKING],
    ids=[case[0] for case in RANKING],
)
def test_closest(roles, target, expected):
    ranked = closest([near(*role) for role in roles], exclude_role_id=target)

    assert [role.role_id for role in ranked] == expected


def test_roles_without_items_are_skipped():
    ranked = closest([None, near(2, 0, 3), None])

    assert [role.role_id for role in ranked] == [2]


KEPT = [
    # id, stages, done, kept, of
    ("items up to the last senior stage are kept", ROLE, ENTRY_DONE | {MLOPS.key}, 4, 4),
    ("a branch's item is not", ROLE, ENTRY_DONE | {LEAD.key}, 3, 4),
    ("other roles' items are not", ROLE, {PY.key, ("skill", 99), ("milestone", 99)}, 1, 3),
    ("a recommended skill is not", ROLE, {R_LANG.key, DEPLOY.key}, 1, 2),
    ("nothing done", ROLE, set(), 0, 0),
    ("a role without items keeps nothing", (EMPTY_MID,), {PY.key, MENTOR.key}, 0, 2),
]


@pytest.mark.parametrize(
    ("stages", "done", "kept", "of"),
    [case[1:] for case in KEPT],
    ids=[case[0] for case in KEPT],
)
def test_kept_items(stages, done, kept, of):
    result = kept_items(closeness(1, stages, done), done)

    assert (result.kept, result.done) == (kept, of)
