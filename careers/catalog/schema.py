"""Reading a catalog document: every check, every error with its path, and plain specs to apply.

`parse_catalog` walks the whole document instead of stopping at the first problem, so that one
run of `load_catalog --check` lists everything a transcriber has to fix.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from careers.models import NATIONAL_LABEL, Level

from .checks import (
    Check,
    Invalid,
    Problems,
    Record,
    describe,
    items,
    join,
    line,
    read,
    slug,
    suggestion,
)
from .keys import (
    BAND_KEYS,
    FIGURES,
    MILESTONE_KEYS,
    ORDERED_FIGURES,
    OUTLOOK_KEYS,
    REGION_KEYS,
    RESOURCE_KEYS,
    ROLE_KEYS,
    SKILL_KEYS,
    SOURCE_KEYS,
    STAGE_KEYS,
    STAGE_SKILL_KEYS,
    TOP_KEYS,
)
from .specs import (
    BandSpec,
    Catalog,
    MilestoneSpec,
    OutlookSpec,
    RegionSpec,
    ResourceSpec,
    RoleSpec,
    SkillSpec,
    SourceSpec,
    StageSpec,
)

# 2: milestones are one list, like skills, and a stage names its milestones by slug.
FORMAT_VERSION = 2


# --- Walking the document ----------------------------------------------------------------------


class Parser:
    """One pass over a document; keeps what has been seen so far for cross-references."""

    def __init__(self, problems: Problems, known_role_slugs: set[str]) -> None:
        self.problems = problems
        self.known_role_slugs = known_role_slugs
        self.sources: dict[str, str] = {}
        self.regions: dict[str, str] = {}
        self.skills: dict[str, str] = {}
        self.milestones: dict[str, str] = {}
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
                "a catalog must be a mapping with the keys version, sources, regions, skills, "
                f"milestones and roles; this document is {describe(data)}",
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
        milestones = tuple(
            self.milestone(raw, f"milestones[{i}]")
            for i, raw in enumerate(items(top, "milestones"))
        )
        raw_roles = items(top, "roles")
        # leads_to may point forwards in the file, so collect every role slug first.
        self.role_slugs = {
            raw["slug"]
            for raw in raw_roles
            if isinstance(raw, dict) and isinstance(raw.get("slug"), str)
        }
        roles = self.roles(raw_roles)
        return Catalog(
            sources=sources, regions=regions, skills=skills, milestones=milestones, roles=roles
        )

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
        resources = tuple(
            self.resource(raw_r, f"{path}.resources[{i}]")
            for i, raw_r in enumerate(items(r, "resources"))
        )
        if r.bad:
            return _BROKEN
        return SkillSpec(**(r.values | {"resources": resources}))

    def resource(self, raw: Any, path: str) -> ResourceSpec:
        r = read(raw, path, RESOURCE_KEYS, self.problems)
        return ResourceSpec(**r.values) if not r.bad else _BROKEN

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
        milestones = self.stage_milestones(r, path, role)
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
                self.once_per_role(role.skill_paths, value, where, "skill")
                slugs.append(value)
            lists.append(tuple(slugs))
        return lists[0], lists[1]

    def stage_milestones(self, r: Record, path: str, role: RoleContext) -> tuple[str, ...]:
        slugs = []
        for i, raw in enumerate(items(r, "milestones")):
            where = f"{join(path, 'milestones')}[{i}]"
            value = self.checked(slug, raw, where)
            if value is None:
                continue
            self.reference(self.milestones, value, where, "milestone")
            self.once_per_role(role.milestone_paths, value, where, "milestone")
            slugs.append(value)
        return tuple(slugs)

    def once_per_role(self, seen: dict[str, str], value: str, where: str, what: str) -> None:
        if value in seen:
            self.add(
                where,
                f"{what} '{value}' is already listed at {seen[value]}: a {what} appears once "
                f"per role, at the stage that introduces it",
            )
        else:
            seen[value] = where

    def milestone(self, raw: Any, path: str) -> MilestoneSpec:
        r = read(raw, path, MILESTONE_KEYS, self.problems)
        if r.ok("slug"):
            self.unique(self.milestones, r.get("slug"), join(path, "slug"), "slug")
        return MilestoneSpec(**r.values) if not r.bad else _BROKEN


@dataclass
class RoleContext:
    """What one role has used so far: stage slugs are unique within a role, not across roles, and
    a skill or milestone appears once per role."""

    role_slug: str | None
    specialized_seen: bool = False
    stage_slugs: dict[str, str] = field(default_factory=dict)
    skill_paths: dict[str, str] = field(default_factory=dict)
    milestone_paths: dict[str, str] = field(default_factory=dict)


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
