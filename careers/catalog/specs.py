"""A checked catalog document as plain, frozen values: what `parse_catalog` returns."""

from __future__ import annotations

from dataclasses import dataclass


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
class ResourceSpec:
    title: str
    url: str
    kind: str
    free: bool


@dataclass(frozen=True)
class SkillSpec:
    slug: str
    name: str
    category: str
    description: str
    resources: tuple[ResourceSpec, ...]


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
    milestones: tuple[str, ...]
    salary: tuple[BandSpec, ...]


@dataclass(frozen=True)
class RoleSpec:
    slug: str
    name: str
    family: str
    published: bool
    featured: bool
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
    milestones: tuple[MilestoneSpec, ...]
    roles: tuple[RoleSpec, ...]
