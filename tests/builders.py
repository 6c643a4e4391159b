"""Whole roles built from the factories, for page tests and for measuring queries as data grows."""

from __future__ import annotations

from collections.abc import Sequence

from careers.models import Level, MidpointKind, OutlookFact, PayBasis, Region, Role, Source
from tests.factories import (
    RoleFactory,
    SalaryBandFactory,
    SourceFactory,
    StageFactory,
    StageMilestoneFactory,
    StageSkillFactory,
)


def _level(index: int, count: int, branches: int) -> str:
    if index >= count - branches:
        return Level.SPECIALIZED
    chain = count - branches
    if index == 0:
        return Level.ENTRY
    if index >= chain - 1:
        return Level.SENIOR
    return Level.MID


def build_role(
    *,
    stages: int = 3,
    skills_per_stage: int = 3,
    milestones_per_stage: int = 2,
    branches: int = 0,
    regions: Sequence[Region] = (),
    source: Source | None = None,
    leads_to: Role | None = None,
    **role_fields,
) -> Role:
    """A role with stages, skills (one in three recommended), milestones, salary bands and outlook.

    Every stage also gets one retired skill and one retired milestone, so that pages are
    exercised on the filtering, and the role gets a role-wide national base band, a role-wide
    total-compensation band, and one band per stage per region.
    """
    role = RoleFactory.create(**role_fields)
    source = source or SourceFactory.create()
    for index in range(stages):
        level = _level(index, stages, branches)
        stage = StageFactory.create(
            role=role,
            position=index + 1,
            level=level,
            years_min=index * 3,
            years_max=index * 3 + 2,
            leads_to=leads_to if level == Level.SPECIALIZED else None,
        )
        for position in range(skills_per_stage):
            StageSkillFactory.create(stage=stage, required=position % 3 != 2, position=position)
        StageSkillFactory.create(stage=stage, is_retired=True, position=skills_per_stage)
        for position in range(milestones_per_stage):
            StageMilestoneFactory.create(stage=stage, position=position)
        StageMilestoneFactory.create(stage=stage, is_retired=True, position=milestones_per_stage)
        low = 90_000 + index * 20_000
        SalaryBandFactory.create(
            role=role,
            stage=stage,
            source=source,
            low=low,
            high=low + 40_000,
            midpoint=low + 18_000,
            midpoint_kind=MidpointKind.MEDIAN,
        )
        for region in regions:
            SalaryBandFactory.create(
                role=role,
                stage=stage,
                region=region,
                source=source,
                low=None,
                high=None,
                midpoint=low + 25_000,
                midpoint_kind=MidpointKind.AVERAGE,
                section="Salary by Location",
            )
    SalaryBandFactory.create(
        role=role, source=source, low=100_000, high=180_000, p10=85_000, p90=240_000
    )
    SalaryBandFactory.create(
        role=role,
        source=source,
        low=None,
        high=260_000,
        pay_basis=PayBasis.TOTAL,
        section="Total compensation",
    )
    OutlookFact.objects.create(
        role=role, text="Job postings grew 35% in a year.", source=source, section="Job Market"
    )
    return role


def build_catalog(roles: int, **role_options) -> list[Role]:
    """`roles` roles sharing one source, each built by build_role with role_options."""
    source = SourceFactory.create()
    return [build_role(source=source, **role_options) for _ in range(roles)]
