from __future__ import annotations

from collections.abc import Sequence

from django import template

from careers.models import Level, PayBasis, SalaryBand, Stage
from careers.salaries import band_figure
from tracker.models import (
    EVIDENCE_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    EventKind,
    SkillStatus,
)
from tracker.progress import Band
from tracker.selectors import Activity

register = template.Library()

_SKILL_STATES = {
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
def describe_event(event: Activity) -> str:
    """One line of recent activity, e.g. "Python: done"."""
    if event.kind == EventKind.GOAL and event.goal_role is not None:
        return f"New target: {event.goal_role}, {event.goal_stage}"
    name = event.skill_name or event.milestone_title or "An item"
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


@register.simple_tag
def default_target_stage(chain: Sequence[Stage]) -> Stage | None:
    """The stage "Make this my target" offers first: the last senior stage of the chain."""
    seniors = [stage for stage in chain if stage.level == Level.SENIOR]
    if seniors:
        return seniors[-1]
    return chain[-1] if chain else None


@register.simple_tag
def note_max_length() -> int:
    return NOTE_MAX_LENGTH


@register.simple_tag
def evidence_max_length() -> int:
    return EVIDENCE_MAX_LENGTH
