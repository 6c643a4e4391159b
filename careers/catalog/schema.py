"""Reading a catalog document: every check, every error with its path, and plain specs to apply.

`parse_catalog` walks the whole document instead of stopping at the first problem, so that one
run of `load_catalog --check` lists everything a transcriber has to fix.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.validators import slug_re
from django.db import models

from careers.models import (
    NATIONAL_LABEL,
    Family,
    Level,
    MidpointKind,
    Milestone,
    MilestoneKind,
    OutlookFact,
    PayBasis,
    Region,
    Role,
    SalaryBand,
    Skill,
    SkillCategory,
    Source,
    Stage,
)

FORMAT_VERSION = 1
# The database columns behind these: PositiveSmallIntegerField and PositiveIntegerField.
SMALL_MAX = 32767
MONEY_MAX = 2147483647
YEAR_RANGE = (1900, 2100)


# --- Specs: the validated document, as plain values --------------------------------------------


@dataclass(frozen=True)
class SourceSpec:
    slug: str
    title: str
    publisher: str
    year: int
    note: str


@dataclass(frozen=True)
class RegionSpec:
    slug: str
    name: str


@dataclass(frozen=True)
class SkillSpec:
    slug: str
    name: str
    category: str
    description: str


@dataclass(frozen=True)
class BandSpec:
    region: str | None
    low: int | None
    high: int | None
    midpoint: int | None
    midpoint_kind: str
    p10: int | None
    p90: int | None
    basis: str
    year: int
    source: str
    section: str
    note: str


@dataclass(frozen=True)
class OutlookSpec:
    text: str
    source: str
    section: str


@dataclass(frozen=True)
class MilestoneSpec:
    slug: str
    title: str
    kind: str
    description: str


@dataclass(frozen=True)
class StageSpec:
    slug: str
    level: str
    title: str
    years_min: int | None
    years_max: int | None
    summary: str
    leads_to: str | None
    required: tuple[str, ...]
    recommended: tuple[str, ...]
    milestones: tuple[MilestoneSpec, ...]
    salary: tuple[BandSpec, ...]


@dataclass(frozen=True)
class RoleSpec:
    slug: str
    name: str
    family: str
    published: bool
    summary: str
    description: str
    responsibilities: tuple[str, ...]
    outlook: tuple[OutlookSpec, ...]
    salary: tuple[BandSpec, ...]
    stages: tuple[StageSpec, ...]


@dataclass(frozen=True)
class Catalog:
    sources: tuple[SourceSpec, ...]
    regions: tuple[RegionSpec, ...]
    skills: tuple[SkillSpec, ...]
    roles: tuple[RoleSpec, ...]


# --- Value checks ------------------------------------------------------------------------------


class Invalid(Exception):
    """A value that does not fit its key; the message completes "<path>: "."""


Check = Callable[[Any], Any]


def describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"a true/false value ({str(value).lower()})"
    if isinstance(value, int):
        return f"a number ({value})"
    if isinstance(value, float):
        return f"a decimal number ({value})"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else f"{value[:37]}..."
        return f"text ('{shown}')"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "empty"
    return f"a {type(value).__name__} ({value})"


def max_length(model: type[models.Model], name: str) -> int | None:
    return model._meta.get_field(name).max_length


def text(limit: int | None = None) -> Check:
    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise Invalid(f"must be text, not {describe(value)}")
        value = value.strip()
        if limit is not None and len(value) > limit:
            raise Invalid(f"must be at most {limit} characters long (it has {len(value)})")
        return value

    return check


def filled(limit: int | None = None) -> Check:
    """Text that must say something."""
    as_text = text(limit)

    def check(value: Any) -> str:
        value = as_text(value)
        if not value:
            raise Invalid("must not be empty")
        return value

    return check


def line(limit: int | None = None) -> Check:
    """Text that must say something and fit on one line, as a title or a name does."""
    as_filled = filled(limit)

    def check(value: Any) -> str:
        value = as_filled(value)
        if "\n" in value:
            raise Invalid("must fit on one line")
        return value

    return check


def slug(value: Any) -> str:
    value = line(50)(value)
    if not slug_re.match(value):
        raise Invalid(f"'{value}' is not a slug: use letters, digits and hyphens only")
    return value


def whole(low: int = 0, high: int = SMALL_MAX) -> Check:
    def check(value: Any) -> int:
        # YAML reads `yes` as a boolean, and bool is a kind of int in Python.
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid(f"must be a whole number, not {describe(value)}")
        if not low <= value <= high:
            raise Invalid(f"must be between {low} and {high} (it is {value})")
        return value

    return check


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid(f"must be true or false, not {describe(value)}")
    return value


def choice(choices: type[models.TextChoices]) -> Check:
    allowed = [str(value) for value in choices.values]

    def check(value: Any) -> str:
        if value not in allowed:
            got = f"'{value}'" if isinstance(value, str) else describe(value)
            raise Invalid(f"must be one of {', '.join(allowed)} (not {got})")
        return value

    return check


def listing(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise Invalid(f"must be a list, not {describe(value)}")
    return value


def mapping(value: Any) -> dict[Any, Any]:
    if not isinstance(value, dict):
        raise Invalid(f"must be a mapping, not {describe(value)}")
    return value


@dataclass(frozen=True)
class Key:
    check: Check
    required: bool = False
    default: Any = None


def suggestion(word: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.75)
    return f" (did you mean '{close[0]}'?)" if close else ""


def join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


# --- Reading mappings --------------------------------------------------------------------------


class Problems:
    def __init__(self) -> None:
        self.messages: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.messages.append(f"{path or 'top level'}: {message}")

    def __bool__(self) -> bool:
        return bool(self.messages)


@dataclass
class Record:
    """The keys of one mapping that passed their checks; `bad` names those that did not."""

    values: dict[str, Any]
    bad: set[str]

    def get(self, name: str, fallback: Any = None) -> Any:
        return self.values.get(name, fallback)

    def ok(self, *names: str) -> bool:
        return not self.bad.intersection(names)


def read(value: Any, path: str, keys: dict[str, Key], problems: Problems) -> Record:
    if not isinstance(value, dict):
        problems.add(
            path, f"must be a mapping with the keys {', '.join(keys)}; it is {describe(value)}"
        )
        return Record({}, set(keys))
    record = Record({}, set())
    for name in value:
        if name not in keys:
            hint = suggestion(str(name), keys)
            problems.add(path, f"unknown key '{name}'{hint}")
    for name, key in keys.items():
        raw = value.get(name)
        if raw is None:
            if key.required:
                problems.add(path, f"missing field '{name}'")
                record.bad.add(name)
            else:
                record.values[name] = key.default
            continue
        try:
            record.values[name] = key.check(raw)
        except Invalid as error:
            problems.add(join(path, name), str(error))
            record.bad.add(name)
    return record


def items(record: Record, name: str) -> list[Any]:
    return record.get(name) or []


# --- The document's keys -----------------------------------------------------------------------

TOP_KEYS = {
    "version": Key(whole(), required=True),
    "sources": Key(listing, default=[]),
    "regions": Key(listing, default=[]),
    "skills": Key(listing, default=[]),
    "roles": Key(listing, required=True),
}
SOURCE_KEYS = {
    "slug": Key(slug, required=True),
    "title": Key(line(max_length(Source, "title")), required=True),
    "publisher": Key(text(max_length(Source, "publisher")), default=""),
    "year": Key(whole(*YEAR_RANGE), required=True),
    "note": Key(text(), default=""),
}
REGION_KEYS = {
    "slug": Key(slug, required=True),
    "name": Key(line(max_length(Region, "name")), required=True),
}
SKILL_KEYS = {
    "slug": Key(slug, required=True),
    "name": Key(line(max_length(Skill, "name")), required=True),
    "category": Key(choice(SkillCategory), required=True),
    "description": Key(text(), default=""),
}
BAND_KEYS = {
    "region": Key(slug),
    "low": Key(whole(high=MONEY_MAX)),
    "high": Key(whole(high=MONEY_MAX)),
    "midpoint": Key(whole(high=MONEY_MAX)),
    "midpoint_kind": Key(choice(MidpointKind), default=""),
    "p10": Key(whole(high=MONEY_MAX)),
    "p90": Key(whole(high=MONEY_MAX)),
    "basis": Key(choice(PayBasis), default=PayBasis.BASE.value),
    "year": Key(whole(*YEAR_RANGE), required=True),
    "source": Key(slug, required=True),
    "section": Key(line(max_length(SalaryBand, "section")), required=True),
    "note": Key(text(max_length(SalaryBand, "note")), default=""),
}
FIGURES = ("low", "high", "midpoint", "p10", "p90")
ORDERED_FIGURES = (("low", "high"), ("low", "midpoint"), ("midpoint", "high"), ("p10", "p90"))
OUTLOOK_KEYS = {
    "text": Key(line(max_length(OutlookFact, "text")), required=True),
    "source": Key(slug, required=True),
    "section": Key(line(max_length(OutlookFact, "section")), required=True),
}
MILESTONE_KEYS = {
    "slug": Key(slug, required=True),
    "title": Key(line(max_length(Milestone, "title")), required=True),
    "kind": Key(choice(MilestoneKind), required=True),
    "description": Key(text(), default=""),
}
STAGE_SKILL_KEYS = {
    "required": Key(listing, default=[]),
    "recommended": Key(listing, default=[]),
}
STAGE_KEYS = {
    "slug": Key(slug, required=True),
    "level": Key(choice(Level), required=True),
    "title": Key(line(max_length(Stage, "title")), required=True),
    "years_min": Key(whole()),
    "years_max": Key(whole()),
    "summary": Key(text(), default=""),
    "leads_to": Key(slug),
    "skills": Key(mapping, default={}),
    "milestones": Key(listing, default=[]),
    "salary": Key(listing, default=[]),
}
ROLE_KEYS = {
    "slug": Key(slug, required=True),
    "name": Key(line(max_length(Role, "name")), required=True),
    "family": Key(choice(Family), required=True),
    "published": Key(boolean, default=True),
    "summary": Key(filled(), required=True),
    "description": Key(text(), default=""),
    "responsibilities": Key(listing, default=[]),
    "outlook": Key(listing, default=[]),
    "salary": Key(listing, default=[]),
    "stages": Key(listing, required=True),
}


# --- Walking the document ----------------------------------------------------------------------


class Parser:
    """One pass over a document; keeps what has been seen so far for cross-references."""

    def __init__(self, problems: Problems, known_role_slugs: set[str]) -> None:
        self.problems = problems
        self.known_role_slugs = known_role_slugs
        self.sources: dict[str, str] = {}
        self.regions: dict[str, str] = {}
        self.skills: dict[str, str] = {}
        self.region_names: dict[str, str] = {}
        # casefolded name -> (path, name as written)
        self.skill_names: dict[str, tuple[str, str]] = {}
        self.role_slugs: set[str] = set()

    def add(self, path: str, message: str) -> None:
        self.problems.add(path, message)

    def unique(self, seen: dict[str, str], key: str, path: str, what: str) -> None:
        """Record `key` as seen at `path`, or report that it was seen before."""
        if key in seen:
            self.add(path, f"duplicate {what} '{key}' (first at {seen[key]})")
        else:
            seen[key] = path

    def reference(self, known: dict[str, str], value: str | None, path: str, what: str) -> None:
        if value is not None and value not in known:
            self.add(path, f"unknown {what} '{value}'{suggestion(value, known)}")

    def catalog(self, data: Any) -> Catalog | None:
        if not isinstance(data, dict):
            self.add(
                "",
                "a catalog must be a mapping with the keys version, sources, regions, skills "
                f"and roles; this document is {describe(data)}",
            )
            return None
        top = read(data, "", TOP_KEYS, self.problems)
        if top.ok("version") and top.get("version") != FORMAT_VERSION:
            self.add("version", f"must be {FORMAT_VERSION}, the only format this loader reads")
        sources = tuple(
            self.source(raw, f"sources[{i}]") for i, raw in enumerate(items(top, "sources"))
        )
        regions = tuple(
            self.region(raw, f"regions[{i}]") for i, raw in enumerate(items(top, "regions"))
        )
        skills = tuple(
            self.skill(raw, f"skills[{i}]") for i, raw in enumerate(items(top, "skills"))
        )
        raw_roles = items(top, "roles")
        # leads_to may point forwards in the file, so collect every role slug first.
        self.role_slugs = {
            raw["slug"]
            for raw in raw_roles
            if isinstance(raw, dict) and isinstance(raw.get("slug"), str)
        }
        roles = self.roles(raw_roles)
        return Catalog(sources=sources, regions=regions, skills=skills, roles=roles)

    def source(self, raw: Any, path: str) -> SourceSpec:
        r = read(raw, path, SOURCE_KEYS, self.problems)
        if r.ok("slug"):
            self.unique(self.sources, r.get("slug"), join(path, "slug"), "slug")
        return SourceSpec(**r.values) if not r.bad else _BROKEN

    def region(self, raw: Any, path: str) -> RegionSpec:
        r = read(raw, path, REGION_KEYS, self.problems)
        if r.ok("slug"):
            self.unique(self.regions, r.get("slug"), join(path, "slug"), "slug")
        name = r.get("name")
        if name is not None:
            if name.casefold() == NATIONAL_LABEL.casefold():
                self.add(join(path, "name"), "national figures have no region: leave `region` out")
            self.unique(self.region_names, name, join(path, "name"), "name")
        return RegionSpec(**r.values) if not r.bad else _BROKEN

    def skill(self, raw: Any, path: str) -> SkillSpec:
        r = read(raw, path, SKILL_KEYS, self.problems)
        if r.ok("slug"):
            self.unique(self.skills, r.get("slug"), join(path, "slug"), "slug")
        name = r.get("name")
        if name is not None:
            folded = name.casefold()
            if folded in self.skill_names:
                first_path, first_name = self.skill_names[folded]
                self.add(
                    join(path, "name"),
                    f"duplicate name '{name}': {first_path} is '{first_name}', and skill names "
                    "must differ regardless of case",
                )
            else:
                self.skill_names[folded] = (join(path, "name"), name)
        return SkillSpec(**r.values) if not r.bad else _BROKEN

    def roles(self, raw_roles: list[Any]) -> tuple[RoleSpec, ...]:
        slugs: dict[str, str] = {}
        names: dict[str, str] = {}
        specs = []
        for i, raw in enumerate(raw_roles):
            path = f"roles[{i}]"
            r = read(raw, path, ROLE_KEYS, self.problems)
            if r.ok("slug"):
                self.unique(slugs, r.get("slug"), join(path, "slug"), "slug")
            if r.ok("name"):
                self.unique(names, r.get("name"), join(path, "name"), "name")
            specs.append(self.role(r, path))
        return tuple(specs)

    def role(self, r: Record, path: str) -> RoleSpec:
        responsibilities = tuple(
            self.checked(line(), raw, f"{path}.responsibilities[{i}]")
            for i, raw in enumerate(items(r, "responsibilities"))
        )
        outlook = tuple(
            self.outlook(raw, f"{path}.outlook[{i}]") for i, raw in enumerate(items(r, "outlook"))
        )
        salary = tuple(
            self.band(raw, f"{path}.salary[{i}]") for i, raw in enumerate(items(r, "salary"))
        )
        raw_stages = items(r, "stages")
        if r.ok("stages") and not raw_stages:
            self.add(join(path, "stages"), "must list at least one stage")
        stages = self.stages(raw_stages, path, r.get("slug"))
        if r.bad:
            return _BROKEN
        values = {
            k: v
            for k, v in r.values.items()
            if k not in {"responsibilities", "outlook", "salary", "stages"}
        }
        return RoleSpec(
            **values,
            responsibilities=responsibilities,
            outlook=outlook,
            salary=salary,
            stages=stages,
        )

    def checked(self, check: Check, raw: Any, path: str) -> Any:
        try:
            return check(raw)
        except Invalid as error:
            self.add(path, str(error))
            return None

    def outlook(self, raw: Any, path: str) -> OutlookSpec:
        r = read(raw, path, OUTLOOK_KEYS, self.problems)
        self.reference(self.sources, r.get("source"), join(path, "source"), "source")
        return OutlookSpec(**r.values) if not r.bad else _BROKEN

    def band(self, raw: Any, path: str) -> BandSpec:
        r = read(raw, path, BAND_KEYS, self.problems)
        self.reference(self.regions, r.get("region"), join(path, "region"), "region")
        self.reference(self.sources, r.get("source"), join(path, "source"), "source")
        if r.ok(*FIGURES) and all(r.get(name) is None for name in FIGURES):
            self.add(path, "give at least one figure: low, high, midpoint, p10 or p90")
        for a, b in ORDERED_FIGURES:
            va, vb = r.get(a), r.get(b)
            if va is not None and vb is not None and va > vb:
                self.add(join(path, a), f"must not exceed {b} ({va} > {vb})")
        if r.ok("midpoint_kind"):
            if r.get("midpoint") is not None and not r.get("midpoint_kind"):
                self.add(join(path, "midpoint_kind"), "required with a midpoint: median or average")
            if r.ok("midpoint") and r.get("midpoint") is None and r.get("midpoint_kind"):
                self.add(join(path, "midpoint_kind"), "given without a midpoint")
        return BandSpec(**r.values) if not r.bad else _BROKEN

    def stages(
        self, raw_stages: list[Any], role_path: str, role_slug: str | None
    ) -> tuple[StageSpec, ...]:
        context = RoleContext(role_slug=role_slug)
        return tuple(
            self.stage(raw, f"{role_path}.stages[{i}]", context) for i, raw in enumerate(raw_stages)
        )

    def stage(self, raw: Any, path: str, role: RoleContext) -> StageSpec:
        r = read(raw, path, STAGE_KEYS, self.problems)
        if r.ok("slug"):
            self.unique(role.stage_slugs, r.get("slug"), join(path, "slug"), "stage slug")
        self.stage_level(r, path, role)
        lo, hi = r.get("years_min"), r.get("years_max")
        if lo is not None and hi is not None and lo > hi:
            self.add(join(path, "years_min"), f"must not exceed years_max ({lo} > {hi})")
        self.leads_to(r, path, role)
        required, recommended = self.stage_skills(r, path, role)
        milestones = tuple(
            self.milestone(raw_m, f"{path}.milestones[{i}]", role)
            for i, raw_m in enumerate(items(r, "milestones"))
        )
        salary = tuple(
            self.band(raw_b, f"{path}.salary[{i}]") for i, raw_b in enumerate(items(r, "salary"))
        )
        if r.bad:
            return _BROKEN
        values = {k: v for k, v in r.values.items() if k not in {"skills", "milestones", "salary"}}
        return StageSpec(
            **values,
            required=required,
            recommended=recommended,
            milestones=milestones,
            salary=salary,
        )

    def stage_level(self, r: Record, path: str, role: RoleContext) -> None:
        level = r.get("level")
        if level is None:
            return
        if level == Level.SPECIALIZED:
            role.specialized_seen = True
        elif role.specialized_seen:
            self.add(
                join(path, "level"),
                f"a {level} stage cannot follow a specialized one: specialized stages are "
                "branches after the last senior stage, so they come last",
            )

    def leads_to(self, r: Record, path: str, role: RoleContext) -> None:
        target = r.get("leads_to")
        if target is None:
            return
        where = join(path, "leads_to")
        if r.ok("level") and r.get("level") != Level.SPECIALIZED:
            self.add(where, "only a specialized stage can lead to another role")
        if target == role.role_slug:
            self.add(where, "a stage cannot lead to its own role")
        elif target not in self.role_slugs and target not in self.known_role_slugs:
            hint = suggestion(target, self.role_slugs | self.known_role_slugs)
            self.add(where, f"unknown role '{target}'{hint}")

    def stage_skills(
        self, r: Record, path: str, role: RoleContext
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        base = join(path, "skills")
        s = read(r.get("skills") or {}, base, STAGE_SKILL_KEYS, self.problems)
        lists = []
        for kind in ("required", "recommended"):
            slugs = []
            for i, raw in enumerate(items(s, kind)):
                where = f"{base}.{kind}[{i}]"
                value = self.checked(slug, raw, where)
                if value is None:
                    continue
                self.reference(self.skills, value, where, "skill")
                if value in role.skill_paths:
                    self.add(
                        where,
                        f"skill '{value}' is already listed at {role.skill_paths[value]}: a skill "
                        "appears once per role, at the stage that introduces it",
                    )
                else:
                    role.skill_paths[value] = where
                slugs.append(value)
            lists.append(tuple(slugs))
        return lists[0], lists[1]

    def milestone(self, raw: Any, path: str, role: RoleContext) -> MilestoneSpec:
        r = read(raw, path, MILESTONE_KEYS, self.problems)
        if r.ok("slug"):
            self.unique(role.milestone_slugs, r.get("slug"), join(path, "slug"), "milestone slug")
        return MilestoneSpec(**r.values) if not r.bad else _BROKEN


@dataclass
class RoleContext:
    """What one role has used so far: slugs are unique within a role, not across roles."""

    role_slug: str | None
    specialized_seen: bool = False
    stage_slugs: dict[str, str] = field(default_factory=dict)
    milestone_slugs: dict[str, str] = field(default_factory=dict)
    skill_paths: dict[str, str] = field(default_factory=dict)


# Stands in for a part of the document that has errors; a catalog with errors is never applied.
_BROKEN: Any = None


def parse_catalog(
    data: Any, *, known_role_slugs: Iterable[str] = ()
) -> tuple[Catalog | None, list[str]]:
    """Check a loaded document. Returns the catalog, or None and every problem found.

    `known_role_slugs` are roles outside the document that `leads_to` may name.
    """
    problems = Problems()
    catalog = Parser(problems, set(known_role_slugs)).catalog(data)
    if problems:
        return None, problems.messages
    return catalog, []
