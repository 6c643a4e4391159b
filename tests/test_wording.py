"""Where a person stands, in words: a table over plain data, no database."""

from __future__ import annotations

import pytest

from tests.test_progress import (
    EMPTY_MID,
    ENTRY,
    ENTRY_DONE,
    LINALG,
    MID,
    MID_DONE,
    PORTFOLIO,
    PY,
    ROLE,
    SENIOR,
    TORCH,
)
from tracker.progress import compute
from tracker.wording import items_to_go, standing

CASES = [
    # id, target, done, sentence
    ("nothing done", SENIOR, set(), "Start with Junior: 3 items to go."),
    ("part of the first stage", SENIOR, {PY.key, LINALG.key}, "66% of Junior, 1 item to go."),
    ("first stage but one", SENIOR, {PY.key}, "33% of Junior, 2 items to go."),
    # Items of a later stage done first count towards it, but the next stage is the first one.
    ("later items only", SENIOR, {TORCH.key}, "Start with Junior: 3 items to go."),
    (
        "first stage reached",
        SENIOR,
        ENTRY_DONE,
        "You have reached Junior. Next: Engineer, 2 items to go.",
    ),
    (
        "into the second stage",
        SENIOR,
        ENTRY_DONE | {TORCH.key},
        "You have reached Junior. Next: 50% of Engineer, 1 item to go.",
    ),
    (
        "target reached",
        MID,
        ENTRY_DONE | MID_DONE,
        "You have reached your target, Engineer. Well done.",
    ),
    (
        "a later stage done, the first not",
        MID,
        (ENTRY_DONE | MID_DONE) - {PORTFOLIO.key},
        "You have reached your target, Engineer. Still on the way: 66% of Junior, 1 item to go.",
    ),
]


@pytest.mark.parametrize(
    ("target", "done", "sentence"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_it_says_where_the_person_stands(target, done, sentence) -> None:
    assert standing(compute(ROLE, target_stage_id=target.id, done=done)) == sentence


def test_it_says_so_when_the_target_has_nothing_to_count() -> None:
    result = compute([EMPTY_MID], target_stage_id=EMPTY_MID.id, done=set())

    assert standing(result) == "Your target has no skills or milestones to count yet."


def test_it_says_what_is_reached_when_nothing_after_it_counts() -> None:
    result = compute([ENTRY, EMPTY_MID], target_stage_id=EMPTY_MID.id, done=ENTRY_DONE)

    assert standing(result) == "You have reached Junior."


@pytest.mark.parametrize(("count", "words"), [(1, "1 item to go"), (2, "2 items to go")])
def test_it_counts_items_to_go(count, words) -> None:
    assert items_to_go(count) == words
