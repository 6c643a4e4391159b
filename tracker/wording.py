"""How the pages put a person's progress into words (DESIGN.md, "Progress rules").

One sentence says where the person stands, for the dashboard and the plan alike. It always reads
as progress: before the first stage is reached it says how far along that stage is ("83% of
Junior ML Engineer, 2 items to go"), never that nothing is reached yet.
"""

from __future__ import annotations

from .progress import Progress, StageProgress


def items_to_go(count: int) -> str:
    return f"{count} item{'' if count == 1 else 's'} to go"


def _towards(stage: StageProgress) -> str:
    to_go = items_to_go(stage.total - stage.done)
    if stage.done == 0:
        return f"{stage.stage.title}, {to_go}"
    return f"{stage.percent}% of {stage.stage.title}, {to_go}"


def standing(result: Progress) -> str:
    """Where the person stands on the way to their target, in one or two sentences."""
    step = result.next_stage
    if result.target is not None and result.target_reached:
        reached_target = f"You have reached your target, {result.target.stage.title}."
        # A stage is reached by its own items: one before it may still have some to go.
        if step is not None:
            return f"{reached_target} Still on the way: {_towards(step)}."
        return f"{reached_target} Well done."
    reached = f"You have reached {result.current.stage.title}." if result.current else ""
    if step is None:
        return reached or "Your target has no skills or milestones to count yet."
    if reached:
        return f"{reached} Next: {_towards(step)}."
    if step.done == 0:
        return f"Start with {step.stage.title}: {items_to_go(step.total)}."
    return f"{_towards(step)}."
