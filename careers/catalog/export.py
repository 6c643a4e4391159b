"""Roles from the database as a catalog document, in the format `load_catalog` reads.

Retired rows are left out (listing them would bring them back), and so are optional keys whose
value is the default, so that an export reads like a hand-written file.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, QuerySet

from careers.models import (
    Milestone,
    OutlookFact,
    Region,
    Resource,
    Role,
    SalaryBand,
    Skill,
    Source,
    Stage,
    StageMilestone,
    StageSkill,
)

from .schema import FORMAT_VERSION


def export_catalog(roles: Iterable[Role]) -> dict[str, Any]:
    """The document for `roles`, with the sources, regions, skills and milestones they use.

    When `roles` is the whole catalog, every source, region, current skill and current milestone
    is included, used or not, so that loading the export back retires nothing.
    """
    pks = {role.pk for role in roles}
    selected = list(_roles_for_export(pks))
    whole = not Role.objects.exclude(pk__in=pks).exists()
    role_docs = [_role(role) for role in selected]
    return {
        "version": FORMAT_VERSION,
        "sources": [_source(s) for s in _used_sources(selected, whole)],
        "regions": [{"slug": r.slug, "name": r.name} for r in _used_regions(selected, whole)],
        "skills": [_skill(s) for s in _used_skills(selected, whole)],
        "milestones": [_milestone(m) for m in _used_milestones(selected, whole)],
        "roles": role_docs,
    }


def _roles_for_export(pks: set[int]) -> QuerySet[Role]:
    stage_skills = (
        StageSkill.objects.filter(is_retired=False, skill__is_retired=False)
        .select_related("skill")
        .order_by("-required", "position", "id")
    )
    stages = (
        Stage.objects.filter(is_retired=False)
        .select_related("leads_to")
        .order_by("position")
        .prefetch_related(
            Prefetch("stage_skills", queryset=stage_skills),
            Prefetch(
                "stage_milestones",
                queryset=StageMilestone.objects.filter(
                    is_retired=False, milestone__is_retired=False
                ).select_related("milestone"),
            ),
        )
    )
    return (
        Role.objects.filter(pk__in=pks)
        .order_by("name")
        .prefetch_related(
            Prefetch("stages", queryset=stages),
            Prefetch("outlook", queryset=OutlookFact.objects.select_related("source")),
            Prefetch(
                "salary_bands",
                queryset=SalaryBand.objects.select_related("region", "source").order_by(
                    "position", "id"
                ),
            ),
        )
    )


def _bands(role: Role, stage: Stage | None) -> list[SalaryBand]:
    stage_id = stage.pk if stage else None
    return [band for band in role.salary_bands.all() if band.stage_id == stage_id]


def _current_stages(role: Role) -> list[Stage]:
    return list(role.stages.all())


def _used_sources(roles: list[Role], whole: bool) -> QuerySet[Source]:
    if whole:
        return Source.objects.order_by("title", "slug")
    pks = {fact.source_id for role in roles for fact in role.outlook.all()}
    pks |= {band.source_id for role in roles for band in _exported_bands(role)}
    return Source.objects.filter(pk__in=pks).order_by("title", "slug")


def _used_regions(roles: list[Role], whole: bool) -> QuerySet[Region]:
    if whole:
        return Region.objects.order_by("name")
    pks = {band.region_id for role in roles for band in _exported_bands(role) if band.region_id}
    return Region.objects.filter(pk__in=pks).order_by("name")


def _used_skills(roles: list[Role], whole: bool) -> QuerySet[Skill]:
    skills = Skill.objects.prefetch_related(
        Prefetch("resources", queryset=Resource.objects.order_by("position", "id"))
    ).order_by("name", "slug")
    if whole:
        return skills.filter(is_retired=False)
    pks = {ss.skill_id for stage in _stages(roles) for ss in stage.stage_skills.all()}
    return skills.filter(pk__in=pks)


def _used_milestones(roles: list[Role], whole: bool) -> QuerySet[Milestone]:
    if whole:
        return Milestone.objects.filter(is_retired=False).order_by("title", "slug")
    pks = {sm.milestone_id for stage in _stages(roles) for sm in stage.stage_milestones.all()}
    return Milestone.objects.filter(pk__in=pks).order_by("title", "slug")


def _stages(roles: list[Role]) -> list[Stage]:
    return [stage for role in roles for stage in _current_stages(role)]


def _exported_bands(role: Role) -> list[SalaryBand]:
    bands = _bands(role, None)
    for stage in _current_stages(role):
        bands += _bands(role, stage)
    return bands


_ALWAYS = object()


def _without_defaults(doc: dict[str, Any], **defaults: Any) -> dict[str, Any]:
    """`doc` without the keys whose value is their default; None is every key's default."""
    return {key: value for key, value in doc.items() if value != defaults.get(key)}


def _source(source: Source) -> dict[str, Any]:
    doc = {
        "slug": source.slug,
        "title": source.title,
        "publisher": source.publisher,
        "year": source.year,
        "note": source.note,
    }
    return _without_defaults(doc, publisher="", note="")


def _skill(skill: Skill) -> dict[str, Any]:
    doc = {
        "slug": skill.slug,
        "name": skill.name,
        "category": skill.category,
        "description": skill.description,
        "resources": [_resource(resource) for resource in skill.resources.all()],
    }
    return _without_defaults(doc, description="", resources=[])


def _resource(resource: Resource) -> dict[str, Any]:
    # `free` always written: whether a resource costs money matters to every reader.
    return {
        "title": resource.title,
        "url": resource.url,
        "kind": resource.kind,
        "free": resource.is_free,
    }


def _role(role: Role) -> dict[str, Any]:
    doc = {
        "slug": role.slug,
        "name": role.name,
        "family": role.family,
        "published": role.is_published,
        "featured": role.is_featured,
        "summary": role.summary,
        "description": role.description,
        "responsibilities": role.responsibility_list,
        "outlook": [
            {"text": fact.text, "source": fact.source.slug, "section": fact.section}
            for fact in role.outlook.all()
        ],
        "salary": [_band(band) for band in _bands(role, None)],
        "stages": [_stage(role, stage) for stage in _current_stages(role)],
    }
    return _without_defaults(
        doc,
        published=True,
        featured=False,
        description="",
        responsibilities=[],
        outlook=[],
        salary=[],
    )


def _stage(role: Role, stage: Stage) -> dict[str, Any]:
    stage_skills = list(stage.stage_skills.all())
    skills = {
        "required": [ss.skill.slug for ss in stage_skills if ss.required],
        "recommended": [ss.skill.slug for ss in stage_skills if not ss.required],
    }
    doc = {
        "slug": stage.slug,
        "level": stage.level,
        "title": stage.title,
        "years_min": stage.years_min,
        "years_max": stage.years_max,
        "summary": stage.summary,
        "leads_to": stage.leads_to.slug if stage.leads_to else None,
        "skills": _without_defaults(skills, required=[], recommended=[]),
        "milestones": [sm.milestone.slug for sm in stage.stage_milestones.all()],
        "salary": [_band(band) for band in _bands(role, stage)],
    }
    return _without_defaults(doc, summary="", skills={}, milestones=[], salary=[])


def _milestone(milestone: Milestone) -> dict[str, Any]:
    doc = {
        "slug": milestone.slug,
        "title": milestone.title,
        "kind": milestone.kind,
        "description": milestone.description,
    }
    return _without_defaults(doc, description="")


def _band(band: SalaryBand) -> dict[str, Any]:
    doc = {
        "region": band.region.slug if band.region else None,
        "low": band.low,
        "high": band.high,
        "midpoint": band.midpoint,
        "midpoint_kind": band.midpoint_kind if band.midpoint is not None else "",
        "p10": band.p10,
        "p90": band.p90,
        # Always written: whether a figure is base pay or total pay matters to every reader.
        "basis": band.pay_basis,
        "year": band.year,
        "source": band.source.slug,
        "section": band.section,
        "note": band.note,
    }
    return _without_defaults(doc, midpoint_kind="", note="", basis=_ALWAYS)
