from __future__ import annotations

from django import template

from careers.models import PayBasis, SalaryBand
from careers.salaries import Band, band_figure
from tracker import mentors, wording
from tracker.models import EventKind, ProgressEvent, SkillStatus
from tracker.progress import Progress

register = template.Library()

_SKILL_STATES: dict[str, str] = {
    SkillStatus.NOT_STARTED: "not started",
    SkillStatus.LEARNING: "learning",
    SkillStatus.DONE: "done",
}
_MILESTONE_STATES = {"done": "done", "not_done": "not done"}
# A comment event's state, as the person reads it: who did what to a comment on the item.
_COMMENT_CHANGES = {
    "added": "{mentor} commented on {item}",
    "edited": "{mentor} edited a comment on {item}",
    "deleted": "{mentor} deleted a comment on {item}",
    "hidden": "You hid a comment on {item}",
    "shown": "You showed a comment on {item} again",
}
_NOTE_CHANGES = {
    "note": "note saved",
    "evidence": "evidence link saved",
    "note+evidence": "note and evidence link saved",
}


def _item_change(event: ProgressEvent) -> tuple[str, str, str | None]:
    """The item an event is about, its state after, and before where the event says."""
    if event.skill is not None:
        name = event.skill.name
    elif event.milestone is not None:
        name = event.milestone.title
    else:
        name = "An item"
    if event.kind == EventKind.NOTE:
        return name, _NOTE_CHANGES.get(event.to_state, "note saved"), None
    states = _MILESTONE_STATES if event.kind == EventKind.MILESTONE else _SKILL_STATES
    return name, states.get(event.to_state, event.to_state), states.get(event.from_state)


def _mentor_name(event: ProgressEvent) -> str:
    """The mentor an event names (its relation's), as the person's pages show them."""
    mentor = event.mentorship.mentor if event.mentorship is not None else None
    if mentor is None:
        return "A mentor"
    profile = getattr(mentor, "profile", None)
    return profile.display_name if profile and profile.display_name else mentor.get_username()


@register.filter
def describe_event(event: ProgressEvent) -> str:
    """One line of recent activity, e.g. "Python: done"."""
    if event.kind == EventKind.MENTOR:
        return mentors.describe(event.to_state, event.from_state, mentors.event_mentor_name(event))
    if event.kind == EventKind.GOAL and event.goal is not None:
        return f"New target: {event.goal.role.name}, {event.goal.target_stage.title}"
    if event.kind == EventKind.COMMENT:
        name, _, _ = _item_change(event)
        wording = _COMMENT_CHANGES.get(event.to_state, "{mentor} commented on {item}")
        return wording.format(mentor=_mentor_name(event), item=name)
    name, after, _ = _item_change(event)
    return f"{name}: {after}"


@register.filter
def describe_change(event: ProgressEvent) -> str:
    """What one event changed, from and to where it says, e.g. "Python: from learning to done"."""
    if event.kind in (EventKind.GOAL, EventKind.MENTOR, EventKind.COMMENT):
        return describe_event(event)
    name, after, before = _item_change(event)
    if before is None or before == after:
        return f"{name}: {after}"
    return f"{name}: from {before} to {after}"


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
