"""Reading an export (/me/export.json) back: every field checked before anything is written.

No database here: `read_export` turns the file's bytes into plain records or raises
`ImportFileError` with every problem and its place in the file (`skill_progress[3].status`).
`tracker.imports` then matches the records to this catalog and the person's data.

Format versions: 1 is the export as it first shipped (no `format_version`; milestones name their
role by name, events name a milestone by its slug alone); 2 adds `format` and `format_version`
and names every milestone's role by slug, in its rows and its events; 3 names milestones by their
slug alone, milestones being one list for the whole catalog. The role-scoped slugs of versions 1
and 2 are read through careers.MilestoneAlias (tracker.imports). Mentor events (kind `mentor`,
with the mentor's name in `mentor`) are read and checked, and never imported: they record
relations with other accounts. A file's `comments` (mentors' comments) are never imported either.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from . import mentors
from .forms import WebURLField
from .models import EVIDENCE_MAX_LENGTH, NOTE_MAX_LENGTH, EventKind, Profile, SkillStatus
from .selectors import DONE, NOT_DONE

FORMAT = "pathwise-export"
FORMAT_VERSION = 3
READABLE_VERSIONS = (1, 2, 3)
MAX_BYTES = 5 * 1024 * 1024
MAX_ERRORS_SHOWN = 10

# What a note event changed (tracker.services._save_note).
NOTE_STATES = {"note", "evidence", "note+evidence"}
SLUG_MAX_LENGTH = 50
NAME_MAX_LENGTH = 200
STATE_MAX_LENGTH = 20
DISPLAY_NAME_MAX_LENGTH = Profile._meta.get_field("display_name").max_length or 0


class ImportFileError(Exception):
    """What is wrong with a file, each problem a sentence; nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class SkillRecord:
    slug: str
    name: str
    status: str
    started_at: datetime | None
    completed_at: datetime | None
    note: str
    evidence_url: str


@dataclass(frozen=True)
class MilestoneRecord:
    # The role's slug (version 2) or name (version 1), as ExportFile.role_key says; empty in
    # version 3, where a milestone's slug is the whole catalog's.
    role: str
    slug: str
    title: str
    completed_at: datetime | None
    note: str
    evidence_url: str


@dataclass(frozen=True)
class GoalRecord:
    id: int
    role_slug: str
    stage_slug: str
    name: str
    is_active: bool
    created_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True)
class EventRecord:
    kind: str
    skill: str | None
    # (role, slug) as in MilestoneRecord; a version 1 event's role comes from the file's rows.
    # A version 3 event's role is empty.
    milestone: tuple[str, str] | None
    goal_id: int | None
    from_state: str
    to_state: str
    at: datetime
    # A mentor event's mentor, by name: a record of a relation, which no import makes again.
    mentor: str = ""

    @property
    def from_id(self) -> int | None:
        """A goal event's previous goal: its id in the file, in `from_state`."""
        if self.kind != EventKind.GOAL or not self.from_state.isdigit():
            return None
        return int(self.from_state)


@dataclass(frozen=True)
class ExportFile:
    version: int
    role_key: str  # "slug" or "name": how milestones name their role; "" for none (version 3)
    display_name: str
    region: str | None
    goals: tuple[GoalRecord, ...]
    skills: tuple[SkillRecord, ...]
    milestones: tuple[MilestoneRecord, ...]
    events: tuple[EventRecord, ...]


def read_export(content: bytes) -> ExportFile:
    """The file's records, or ImportFileError saying what is wrong."""
    if len(content) > MAX_BYTES:
        raise ImportFileError([too_large(len(content))])
    try:
        text = content.decode("utf-8-sig")
        data = json.loads(text)
    except (UnicodeDecodeError, ValueError):
        raise ImportFileError(
            [
                "This is not a Pathwise export: it is not a JSON file. Export your data as "
                "JSON (Settings, Your data) and upload that file."
            ]
        ) from None
    if not isinstance(data, dict):
        raise ImportFileError(
            [
                "This is not a Pathwise export: an export is one JSON object with your "
                f"progress in it, and this file holds {_kind(data)}."
            ]
        )
    version = _version(data)
    reader = _Reader()
    record = reader.export(data, version)
    if reader.problems:
        shown = reader.problems[:MAX_ERRORS_SHOWN]
        if len(reader.problems) > len(shown):
            shown.append(f"… and {len(reader.problems) - len(shown)} more problems.")
        raise ImportFileError(shown)
    return record


def too_large(size: int) -> str:
    return (
        f"The file is {size / 1024 / 1024:.1f} MB; Pathwise reads exports of up to "
        f"{MAX_BYTES // 1024 // 1024} MB."
    )


def _kind(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    return "a number" if isinstance(value, int | float) else "something else"


def _version(data: dict[str, Any]) -> int:
    if "format_version" not in data:
        # The export as it first shipped had no version: known by its parts.
        if {"exported_at", "skill_progress", "milestone_progress"} <= data.keys():
            return 1
        raise ImportFileError(
            ["This is not a Pathwise export: it has no format_version and none of its parts."]
        )
    version = data["format_version"]
    if type(version) is not int or version not in READABLE_VERSIONS:
        *earlier, last = READABLE_VERSIONS
        readable = f"{', '.join(str(v) for v in earlier)} and {last}"
        raise ImportFileError(
            [
                f"This file is in format version {version!r}; this Pathwise reads versions "
                f"{readable}. Export it again from an up-to-date Pathwise."
            ]
        )
    if version >= 2 and data.get("format") != FORMAT:
        raise ImportFileError([f'This is not a Pathwise export: its "format" is not "{FORMAT}".'])
    return version


class _Reader:
    """Reads the parts of an export, noting each problem with its place and going on, so that
    one upload reports everything wrong with a file."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.now = timezone.now()

    def fail(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    # --- Values ---

    def obj(self, value: Any, path: str) -> dict[str, Any]:
        if isinstance(value, dict):
            return value
        self.fail(path, "should be an object ({…}).")
        return {}

    def items(self, data: dict[str, Any], key: str) -> list[dict[str, Any]]:
        value = data.get(key, [])
        if not isinstance(value, list):
            self.fail(key, "should be a list ([…]).")
            return []
        return [self.obj(item, f"{key}[{i}]") for i, item in enumerate(value)]

    def text(self, data: dict[str, Any], key: str, path: str, max_length: int) -> str:
        value = data.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.fail(f"{path}.{key}", "should be text.")
            return ""
        if len(value) > max_length:
            self.fail(f"{path}.{key}", f"is longer than {max_length} characters.")
        return value

    def slug(self, data: dict[str, Any], key: str, path: str) -> str:
        value = data.get(key)
        try:
            if not isinstance(value, str) or len(value) > SLUG_MAX_LENGTH:
                raise ValidationError("bad slug")
            validate_slug(value)
        except ValidationError:
            self.fail(
                f"{path}.{key}",
                f"should be a slug (letters, digits, - and _), not {_shown(value)}.",
            )
            return ""
        return value

    def when(self, data: dict[str, Any], key: str, path: str, *, required: bool = False):
        value = data.get(key)
        if value is None:
            if required:
                self.fail(f"{path}.{key}", "is missing: it should be a date and time.")
            return None
        try:
            parsed = parse_datetime(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if parsed is None or timezone.is_naive(parsed):
            self.fail(
                f"{path}.{key}",
                f"should be a date and time with its time zone (ISO 8601), not {_shown(value)}.",
            )
            return None
        if parsed > self.now:
            self.fail(f"{path}.{key}", f"is in the future ({value}).")
            return None
        return parsed

    def choice(self, data: dict[str, Any], key: str, path: str, choices) -> str:
        value = data.get(key)
        if value not in choices:
            listed = ", ".join(sorted(choices))
            self.fail(f"{path}.{key}", f"should be one of {listed}, not {_shown(value)}.")
            return ""
        return str(value)

    def url(self, data: dict[str, Any], key: str, path: str) -> str:
        value = self.text(data, key, path, EVIDENCE_MAX_LENGTH)
        if value:
            try:
                # The note form's rule: only http(s), nothing that could run script.
                for validate in WebURLField.default_validators:
                    validate(value)
            except ValidationError:
                self.fail(f"{path}.{key}", "should be a web address starting with http(s)://.")
                return ""
        return value

    def flag(self, data: dict[str, Any], key: str, path: str) -> bool:
        value = data.get(key)
        if not isinstance(value, bool):
            self.fail(f"{path}.{key}", "should be true or false.")
            return False
        return value

    def number(self, data: dict[str, Any], key: str, path: str) -> int:
        value = data.get(key)
        if type(value) is not int:
            self.fail(f"{path}.{key}", "should be a whole number.")
            return 0
        return value

    # --- Parts ---

    def export(self, data: dict[str, Any], version: int) -> ExportFile:
        role_key = {1: "name", 2: "slug"}.get(version, "")
        profile = self.obj(data.get("profile") or {}, "profile")
        region = profile.get("region")
        region_slug = (
            self.slug(self.obj(region, "profile.region"), "slug", "profile.region")
            if region is not None
            else None
        )
        goals = self.goals(data)
        skills = self.skills(data)
        milestones = self.milestones(data, role_key)
        events = self.events(data, version, {g.id for g in goals}, milestones)
        return ExportFile(
            version=version,
            role_key=role_key,
            display_name=self.text(profile, "display_name", "profile", DISPLAY_NAME_MAX_LENGTH),
            region=region_slug or None,
            goals=tuple(goals),
            skills=tuple(skills),
            milestones=tuple(milestones),
            events=tuple(events),
        )

    def goals(self, data: dict[str, Any]) -> list[GoalRecord]:
        goals: list[GoalRecord] = []
        active = 0
        for i, row in enumerate(self.items(data, "goals")):
            path = f"goals[{i}]"
            role = self.obj(row.get("role"), f"{path}.role")
            stage = self.obj(row.get("target_stage"), f"{path}.target_stage")
            goal = GoalRecord(
                id=self.number(row, "id", path),
                role_slug=self.slug(role, "slug", f"{path}.role"),
                stage_slug=self.slug(stage, "slug", f"{path}.target_stage"),
                name=f"{self.text(role, 'name', path, NAME_MAX_LENGTH)}: "
                f"{self.text(stage, 'title', path, NAME_MAX_LENGTH)}",
                is_active=self.flag(row, "is_active", path),
                created_at=self.when(row, "created_at", path, required=True) or self.now,
                ended_at=self.when(row, "ended_at", path),
            )
            active += goal.is_active
            if goal.id in {g.id for g in goals}:
                self.fail(f"{path}.id", f"{goal.id} is the id of an earlier goal too.")
            goals.append(goal)
        if active > 1:
            self.fail("goals", "more than one goal is active.")
        return goals

    def skills(self, data: dict[str, Any]) -> list[SkillRecord]:
        skills: list[SkillRecord] = []
        seen: set[str] = set()
        for i, row in enumerate(self.items(data, "skill_progress")):
            path = f"skill_progress[{i}]"
            skill = self.obj(row.get("skill"), f"{path}.skill")
            record = SkillRecord(
                slug=self.slug(skill, "slug", f"{path}.skill"),
                name=self.text(skill, "name", f"{path}.skill", NAME_MAX_LENGTH),
                status=self.choice(row, "status", path, set(SkillStatus.values)),
                started_at=self.when(row, "started_at", path),
                completed_at=self.when(row, "completed_at", path),
                note=self.text(row, "note", path, NOTE_MAX_LENGTH),
                evidence_url=self.url(row, "evidence_url", path),
            )
            if (record.status == SkillStatus.DONE) != (record.completed_at is not None):
                self.fail(f"{path}.completed_at", "should be given if and only if it is done.")
            if record.slug in seen:
                self.fail(f"{path}.skill.slug", f"{record.slug} is listed twice.")
            seen.add(record.slug)
            skills.append(record)
        return skills

    def milestones(self, data: dict[str, Any], role_key: str) -> list[MilestoneRecord]:
        milestones: list[MilestoneRecord] = []
        seen: set[tuple[str, str]] = set()
        for i, row in enumerate(self.items(data, "milestone_progress")):
            path = f"milestone_progress[{i}]"
            milestone = self.obj(row.get("milestone"), f"{path}.milestone")
            if role_key == "slug":
                role = self.slug(milestone, "role_slug", f"{path}.milestone")
            elif role_key == "name":
                role = self.text(milestone, "role", f"{path}.milestone", NAME_MAX_LENGTH)
            else:
                role = ""
            status = self.choice(row, "status", path, {DONE, NOT_DONE})
            record = MilestoneRecord(
                role=role,
                slug=self.slug(milestone, "slug", f"{path}.milestone"),
                title=self.text(milestone, "title", f"{path}.milestone", NAME_MAX_LENGTH),
                completed_at=self.when(row, "completed_at", path),
                # A milestone's note may be longer than a typed one (MilestoneProgress.note).
                note=self.text(row, "note", path, MAX_BYTES),
                evidence_url=self.url(row, "evidence_url", path),
            )
            if (status == DONE) != (record.completed_at is not None):
                self.fail(f"{path}.completed_at", "should be given if and only if it is done.")
            key = (record.role, record.slug)
            if key in seen:
                self.fail(f"{path}.milestone.slug", f"{record.slug} is listed twice.")
            seen.add(key)
            milestones.append(record)
        return milestones

    def events(
        self,
        data: dict[str, Any],
        version: int,
        goal_ids: set[int],
        milestones: list[MilestoneRecord],
    ) -> list[EventRecord]:
        # A version 1 event names a milestone by its slug alone: its row in the file says whose.
        roles_by_slug: dict[str, set[str]] = {}
        for m in milestones:
            roles_by_slug.setdefault(m.slug, set()).add(m.role)
        events = []
        for i, row in enumerate(self.items(data, "events")):
            path = f"events[{i}]"
            kind = self.choice(row, "kind", path, set(EventKind.values))
            skill = self.slug(row, "skill", path) if row.get("skill") is not None else None
            milestone = None
            if row.get("milestone") is not None:
                slug = self.slug(row, "milestone", path)
                if version >= 3:
                    milestone = ("", slug)
                elif version == 2:
                    milestone = (self.slug(row, "milestone_role", path), slug)
                else:
                    roles = roles_by_slug.get(slug, set())
                    # Unknown or ambiguous: no role, and the import skips the event.
                    milestone = (next(iter(roles)) if len(roles) == 1 else "", slug)
            goal_id = row.get("goal_id")
            if goal_id is not None and (type(goal_id) is not int or goal_id not in goal_ids):
                self.fail(f"{path}.goal_id", "should be the id of one of the file's goals.")
            event = EventRecord(
                kind=kind,
                skill=skill,
                milestone=milestone,
                goal_id=goal_id,
                from_state=self.text(row, "from", path, STATE_MAX_LENGTH),
                to_state=self.text(row, "to", path, STATE_MAX_LENGTH),
                at=self.when(row, "at", path, required=True) or self.now,
                mentor=self.text(row, "mentor", path, NAME_MAX_LENGTH),
            )
            self.event_fits(event, path, goal_ids)
            events.append(event)
        return events

    def event_fits(self, event: EventRecord, path: str, goal_ids: set[int]) -> None:
        """What an event of each kind refers to, and the states it may move between."""
        goals = {str(i) for i in goal_ids}
        states: dict[str, tuple[set[str], set[str]]] = {
            EventKind.SKILL: (set(SkillStatus.values), set(SkillStatus.values)),
            EventKind.MILESTONE: ({DONE, NOT_DONE}, {DONE, NOT_DONE}),
            EventKind.GOAL: (goals | {""}, goals),
            EventKind.NOTE: ({""}, NOTE_STATES),
            EventKind.MENTOR: (mentors.EVENT_FROM_STATES, mentors.EVENT_STATES),
        }
        if event.kind not in states:
            return
        wants_item = event.kind in (EventKind.SKILL, EventKind.MILESTONE, EventKind.NOTE)
        has_item = (event.skill is not None) + (event.milestone is not None)
        if wants_item and has_item != 1:
            self.fail(path, f"a {event.kind} event names one skill or one milestone.")
        if event.kind == EventKind.SKILL and event.milestone is not None:
            self.fail(path, "a skill event names a skill, not a milestone.")
        if event.kind == EventKind.MILESTONE and event.skill is not None:
            self.fail(path, "a milestone event names a milestone, not a skill.")
        if event.kind == EventKind.GOAL and (has_item or event.goal_id is None):
            self.fail(path, "a goal event names a goal and no item.")
        if event.kind == EventKind.MENTOR and (has_item or event.goal_id is not None):
            self.fail(path, "a mentor event names a mentor, no item and no goal.")
        before, after = states[event.kind]
        if event.from_state not in before:
            self.fail(f"{path}.from", f"{_shown(event.from_state)} is not a state it can leave.")
        if event.to_state not in after:
            self.fail(f"{path}.to", f"{_shown(event.to_state)} is not a state it can reach.")


def _shown(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "…"
