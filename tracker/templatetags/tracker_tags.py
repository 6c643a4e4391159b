from __future__ import annotations

from django import template

from careers.models import PayBasis, SalaryBand
from careers.salaries import Band, band_figure
from tracker import wording
from tracker.models import EventKind, ProgressEvent, SkillStatus
from tracker.progress import Progress

register = template.Library()

_SKILL_STATES: dict[str, str] = {
    SkillStatus.NOT_STARTED: "not started",
    SkillStatus.LEARNING: "learning",
    SkillStatus.DONE: "done",
}
_MILESTONE_STATES = {"done": "done", "not_done": "not done"}
_NOTE_CHANGES = {
    "note": "note saved",
    "evidence": "evidence link saved",
    "note+evidence": "note and evidence link saved",
}


@register.filter
def describe_event(event: ProgressEvent) -> str:
    """One line of recent activity, e.g. "Python: done"."""
    if event.kind == EventKind.GOAL and event.goal is not None:
        return f"New target: {event.goal.role.name}, {event.goal.target_stage.title}"
    if event.skill is not None:
        name = event.skill.name
    elif event.milestone is not None:
        name = event.milestone.title
    else:
        name = "An item"
    if event.kind == EventKind.NOTE:
        what = _NOTE_CHANGES.get(event.to_state, "note saved")
    elif event.kind == EventKind.MILESTONE:
        what = _MILESTONE_STATES.get(event.to_state, event.to_state)
    else:
        what = _SKILL_STATES.get(event.to_state, event.to_state)
    return f"{name}: {what}"


@register.filter
def figure(band: SalaryBand | Band | None) -> str:
    return band_figure(band) if band is not None else ""


@register.filter
def pay_basis(value: str) -> str:
    """ "Base pay" or "Total compensation" for a band's pay_basis value."""
    return PayBasis(value).label if value in PayBasis.values else value


@register.filter
def standing(result: Progress) -> str:
    """Where the person stands, in words (tracker.wording.standing)."""
    return wording.standing(result)
