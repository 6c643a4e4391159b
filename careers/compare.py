"""Two roles side by side: their stages by level, their skills, their pay.

What the compare page shows of the catalog is read per role, as plain values, and kept by
catalog version (careers.cache); the page puts two of them together for each request.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms

from . import cache as catalog_cache
from . import queries
from .choices import Level
from .models import Stage, StageSkill
from .salaries import Band, band_figure, headline_band


@dataclass(frozen=True)
class CompareStage:
    id: int
    title: str
    level: str
    years_label: str
    url: str


@dataclass(frozen=True)
class CompareSkill:
    id: int
    name: str
    slug: str
    required: bool
    stage_title: str


@dataclass(frozen=True)
class CompareRole:
    id: int
    slug: str
    name: str
    url: str
    # The current stages in catalog order, and their current skills in catalog order.
    stages: tuple[CompareStage, ...]
    skills: tuple[CompareSkill, ...]
    bands: tuple[Band, ...]

    def skill(self, skill_id: int) -> CompareSkill | None:
        return next((skill for skill in self.skills if skill.id == skill_id), None)


def _active_skills(stage: Stage) -> list[StageSkill]:
    # Prefetched by queries.active_stages() under this name (a `to_attr` the stubs cannot see).
    skills: list[StageSkill] = stage.active_skills  # type: ignore[attr-defined]
    return skills


def _read_role(slug: str) -> CompareRole | None:
    role = queries.role_pages().filter(slug=slug).first()
    if role is None:
        return None
    return CompareRole(
        id=role.pk,
        slug=role.slug,
        name=role.name,
        url=role.get_absolute_url(),
        stages=tuple(
            CompareStage(
                id=stage.pk,
                title=stage.title,
                level=stage.level,
                years_label=stage.years_label,
                url=stage.get_absolute_url(),
            )
            for stage in role.active_stages
        ),
        skills=tuple(
            CompareSkill(
                id=item.skill_id,
                name=item.skill.name,
                slug=item.skill.slug,
                required=item.required,
                stage_title=stage.title,
            )
            for stage in role.active_stages
            for item in _active_skills(stage)
        ),
        bands=tuple(Band.of(band) for band in role.bands),
    )


def compare_role(slug: str, catalog_version: int | None) -> CompareRole | None:
    """A published role as the compare page shows it; None for an unknown or unpublished slug
    (from the cache, else the six queries of queries.role_pages, whatever the role's size)."""
    return catalog_cache.cached(f"compare:{slug}", catalog_version, lambda: _read_role(slug))


class CompareForm(forms.Form):
    a = forms.SlugField(
        label="First role", error_messages={"required": "Choose the first role to compare."}
    )
    b = forms.SlugField(
        label="Second role", error_messages={"required": "Choose a role to compare it with."}
    )

    def clean(self) -> dict[str, str]:
        cleaned = super().clean() or {}
        if cleaned.get("a") and cleaned.get("a") == cleaned.get("b"):
            raise forms.ValidationError("Choose two different roles to compare.")
        return cleaned


@dataclass(frozen=True)
class SkillPair:
    """A skill as each role asks for it (None: that role does not)."""

    skill: CompareSkill
    a: CompareSkill | None
    b: CompareSkill | None


@dataclass(frozen=True)
class SkillGroups:
    both: list[SkillPair]
    only_a: list[SkillPair]
    only_b: list[SkillPair]


def skill_groups(a: CompareRole, b: CompareRole) -> SkillGroups:
    """The skills both roles ask for, then those only the first asks for, then those only the
    second does, each in its role's catalog order."""
    in_b = {skill.id: skill for skill in b.skills}
    in_a = {skill.id for skill in a.skills}
    both = [SkillPair(s, s, in_b[s.id]) for s in a.skills if s.id in in_b]
    only_a = [SkillPair(s, s, None) for s in a.skills if s.id not in in_b]
    only_b = [SkillPair(s, None, s) for s in b.skills if s.id not in in_a]
    return SkillGroups(both=both, only_a=only_a, only_b=only_b)


@dataclass(frozen=True)
class Pay:
    """A stage's headline figure (careers.salaries.headline_band) in a few words."""

    figure: str
    # The figure is the role's for all its stages, not the stage's own.
    role_wide: bool
    source: str


def _pay(band: Band | None, stage_id: int) -> Pay | None:
    if band is None:
        return None
    return Pay(
        figure=band_figure(band),
        role_wide=band.stage_id != stage_id,
        source=f"“{band.source_title}”, {band.section}, {band.year}",
    )


@dataclass(frozen=True)
class StagePay:
    stage: CompareStage
    national: Pay | None
    # The person's region's figure; None when they have no region or it has none.
    regional: Pay | None


@dataclass(frozen=True)
class LevelRow:
    level: str
    label: str
    a: list[StagePay]
    b: list[StagePay]


def _stage_pay(role: CompareRole, stage: CompareStage, region_id: int | None) -> StagePay:
    national = headline_band(role.bands, stage_id=stage.id, region_id=None)
    regional = None
    if region_id is not None:
        band = headline_band(role.bands, stage_id=stage.id, region_id=region_id)
        # A national figure is what the region's rule falls back on: shown once, as national.
        regional = band if band is not None and band.region_id == region_id else None
    return StagePay(
        stage=stage, national=_pay(national, stage.id), regional=_pay(regional, stage.id)
    )


def level_rows(a: CompareRole, b: CompareRole, region_id: int | None) -> list[LevelRow]:
    """The stages of both roles aligned by level, each with its pay; levels neither role has
    are left out."""
    rows = []
    for level, label in Level.choices:
        row = LevelRow(
            level=level,
            label=label,
            a=[_stage_pay(a, s, region_id) for s in a.stages if s.level == level],
            b=[_stage_pay(b, s, region_id) for s in b.stages if s.level == level],
        )
        if row.a or row.b:
            rows.append(row)
    return rows
