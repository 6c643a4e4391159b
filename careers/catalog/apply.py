"""Writing a validated catalog to the database.

Rows are matched by their permanent keys (slugs; stage skills by role and skill), and a field is
written only when its value differs, so applying the same document twice writes nothing. What the
document no longer lists is retired, never deleted: people's progress points at it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from careers import signals
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

from .checks import SMALL_MAX
from .results import CatalogError, Counts, Summary
from .rows import make_room_for_names, retire, sync_rows, upsert
from .specs import BandSpec, Catalog, RoleSpec
from .validate import checked


def apply_catalog(data: Any, *, dry_run: bool = False) -> Summary:
    """Validate a loaded document and write it in one transaction, or raise CatalogError.

    With `dry_run`, the same writes are made and rolled back: the summary says what loading the
    document would change, worked out by the code that would change it.
    """
    with transaction.atomic():
        catalog, problems = checked(data)
        if catalog is None:
            raise CatalogError(problems)
        summary = _apply(catalog)
        if dry_run:
            transaction.set_rollback(True)
        elif summary.changed:
            # Bulk updates (retiring, renaming, re-positioning) send no model signals.
            signals.catalog_changed()
    return summary


def _apply(catalog: Catalog) -> Summary:
    summary = Summary()
    counts = summary.counts
    sources = _apply_sources(catalog, counts["sources"])
    regions = _apply_regions(catalog, counts["regions"])
    skills = _apply_skills(catalog, counts["skills"])
    _apply_resources(catalog, skills, counts["resources"])

    milestones = _apply_milestones(catalog, counts["milestones"])
    # Every role, including those outside the document, which `leads_to` may name.
    roles = _apply_roles(catalog, counts["roles"])
    for spec in catalog.roles:
        role = roles[spec.slug]
        stages = _apply_stages(role, spec, roles, counts["stages"])
        _apply_stage_skills(role, spec, stages, skills, counts["stage skills"])
        _apply_stage_milestones(role, spec, stages, milestones, counts["stage milestones"])
        _apply_outlook(role, spec, sources, counts["outlook facts"])
        _apply_bands(role, spec, stages, sources, regions, counts["salary bands"])
    _retire_unlisted(Skill, StageSkill, [spec.slug for spec in catalog.skills], summary)
    _retire_unlisted(Milestone, StageMilestone, [spec.slug for spec in catalog.milestones], summary)
    _note_roles_left_alone(catalog, summary)
    return summary


def _apply_sources(catalog: Catalog, counts: Counts) -> dict[str, Source]:
    existing = {source.slug: source for source in Source.objects.all()}
    for spec in catalog.sources:
        values = {
            "slug": spec.slug,
            "title": spec.title,
            "publisher": spec.publisher,
            "year": spec.year,
            "note": spec.note,
        }
        upsert(Source, existing, spec.slug, values, counts, spec.slug)
    return existing


def _apply_regions(catalog: Catalog, counts: Counts) -> dict[str, Region]:
    existing = {region.slug: region for region in Region.objects.all()}
    make_room_for_names(Region, existing, {s.slug: s.name for s in catalog.regions}, str)
    for spec in catalog.regions:
        values = {"slug": spec.slug, "name": spec.name}
        upsert(Region, existing, spec.slug, values, counts, spec.slug)
    return existing


def _apply_skills(catalog: Catalog, counts: Counts) -> dict[str, Skill]:
    existing = {skill.slug: skill for skill in Skill.objects.all()}
    make_room_for_names(Skill, existing, {s.slug: s.name for s in catalog.skills}, str.lower)
    for spec in catalog.skills:
        values = {
            "slug": spec.slug,
            "name": spec.name,
            "category": spec.category,
            "description": spec.description,
            "is_retired": False,
        }
        upsert(Skill, existing, spec.slug, values, counts, spec.slug)
    return existing


def _apply_resources(catalog: Catalog, skills: dict[str, Skill], counts: Counts) -> None:
    """Each listed skill's resources, matched by their order in the file (2 reads at most)."""
    listed = [skills[spec.slug] for spec in catalog.skills]
    stored: dict[int, list[Resource]] = defaultdict(list)
    for resource in Resource.objects.filter(skill__in=listed).order_by("position", "id"):
        stored[resource.skill_id].append(resource)
    for spec in catalog.skills:
        skill = skills[spec.slug]
        desired = [
            {
                "skill": skill,
                "title": resource.title,
                "url": resource.url,
                "kind": resource.kind,
                "is_free": resource.free,
                "position": position,
            }
            for position, resource in enumerate(spec.resources, start=1)
        ]
        sync_rows(Resource, stored[skill.pk], desired, counts, f"{spec.slug} / resources")


def _apply_milestones(catalog: Catalog, counts: Counts) -> dict[str, Milestone]:
    existing = {milestone.slug: milestone for milestone in Milestone.objects.all()}
    for spec in catalog.milestones:
        values = {
            "slug": spec.slug,
            "title": spec.title,
            "kind": spec.kind,
            "description": spec.description,
            "is_retired": False,
        }
        upsert(Milestone, existing, spec.slug, values, counts, spec.slug)
    return existing


def _apply_roles(catalog: Catalog, counts: Counts) -> dict[str, Role]:
    existing = {role.slug: role for role in Role.objects.all()}
    make_room_for_names(Role, existing, {s.slug: s.name for s in catalog.roles}, str)
    for spec in catalog.roles:
        values = {
            "slug": spec.slug,
            "name": spec.name,
            "family": spec.family,
            "summary": spec.summary,
            "description": spec.description,
            "responsibilities": "\n".join(spec.responsibilities),
            "is_published": spec.published,
            "is_featured": spec.featured,
        }
        upsert(Role, existing, spec.slug, values, counts, spec.slug)
    return existing


def _apply_stages(
    role: Role, spec: RoleSpec, targets: dict[str, Role], counts: Counts
) -> dict[str, Stage]:
    existing = {stage.slug: stage for stage in Stage.objects.filter(role=role)}
    wanted = {stage.slug: position for position, stage in enumerate(spec.stages, start=1)}
    retire(
        Stage,
        [s for slug, s in existing.items() if slug not in wanted],
        counts,
        lambda s: f"{role.slug} / {s.slug}",
    )
    _park_moving_stages(existing, wanted)
    for position, stage in enumerate(spec.stages, start=1):
        values = {
            "role": role,
            "slug": stage.slug,
            "level": stage.level,
            "position": position,
            "title": stage.title,
            "years_min": stage.years_min,
            "years_max": stage.years_max,
            "summary": stage.summary,
            "leads_to": targets[stage.leads_to] if stage.leads_to else None,
            "is_retired": False,
        }
        upsert(Stage, existing, stage.slug, values, counts, f"{role.slug} / {stage.slug}")
    return {slug: existing[slug] for slug in wanted}


def _park_moving_stages(existing: dict[str, Stage], wanted: dict[str, int]) -> None:
    """Move current stages that change position out of the way first.

    Two current stages of a role may not share a position, so moving stage A to B's place
    before B has left it would be refused. Parked positions are ones no current stage uses.
    """
    current = [stage for stage in existing.values() if not stage.is_retired]
    moving = [s for s in current if s.slug in wanted and s.position != wanted[s.slug]]
    used = {stage.position for stage in current}
    free = (p for p in range(SMALL_MAX, 0, -1) if p not in used)
    # Only the database holds the parked position: the update that follows reports the move.
    for stage in moving:
        Stage.objects.filter(pk=stage.pk).update(position=next(free))


def _apply_stage_skills(
    role: Role,
    spec: RoleSpec,
    stages: dict[str, Stage],
    skills: dict[str, Skill],
    counts: Counts,
) -> None:
    existing = {
        stage_skill.skill_id: stage_skill
        for stage_skill in StageSkill.objects.filter(role=role).select_related("stage")
    }
    listed = set()
    for stage_spec in spec.stages:
        entries = [(slug, True) for slug in stage_spec.required]
        entries += [(slug, False) for slug in stage_spec.recommended]
        for position, (slug, required) in enumerate(entries, start=1):
            skill = skills[slug]
            listed.add(skill.pk)
            values = {
                "stage": stages[stage_spec.slug],
                "skill": skill,
                "required": required,
                "position": position,
                "is_retired": False,
            }
            label = f"{role.slug} / {stage_spec.slug} / {slug}"
            upsert(StageSkill, existing, skill.pk, values, counts, label)
    slugs = {skill.pk: skill.slug for skill in skills.values()}
    retire(
        StageSkill,
        [ss for pk, ss in existing.items() if pk not in listed],
        counts,
        lambda ss: f"{role.slug} / {ss.stage.slug} / {slugs[ss.skill_id]}",
    )


def _apply_stage_milestones(
    role: Role,
    spec: RoleSpec,
    stages: dict[str, Stage],
    milestones: dict[str, Milestone],
    counts: Counts,
) -> None:
    existing = {
        sm.milestone_id: sm
        for sm in StageMilestone.objects.filter(role=role).select_related("stage")
    }
    listed = set()
    for stage_spec in spec.stages:
        for position, slug in enumerate(stage_spec.milestones, start=1):
            milestone = milestones[slug]
            listed.add(milestone.pk)
            values = {
                "stage": stages[stage_spec.slug],
                "milestone": milestone,
                "position": position,
                "is_retired": False,
            }
            label = f"{role.slug} / {stage_spec.slug} / {slug}"
            upsert(StageMilestone, existing, milestone.pk, values, counts, label)
    slugs = {milestone.pk: milestone.slug for milestone in milestones.values()}
    retire(
        StageMilestone,
        [sm for pk, sm in existing.items() if pk not in listed],
        counts,
        lambda sm: f"{role.slug} / {sm.stage.slug} / {slugs[sm.milestone_id]}",
    )


def _apply_outlook(role: Role, spec: RoleSpec, sources: dict[str, Source], counts: Counts) -> None:
    desired = [
        {
            "role": role,
            "text": fact.text,
            "source": sources[fact.source],
            "section": fact.section,
            "position": position,
        }
        for position, fact in enumerate(spec.outlook, start=1)
    ]
    rows = list(OutlookFact.objects.filter(role=role).order_by("position", "id"))
    sync_rows(OutlookFact, rows, desired, counts, f"{role.slug} / outlook")


def _apply_bands(
    role: Role,
    spec: RoleSpec,
    stages: dict[str, Stage],
    sources: dict[str, Source],
    regions: dict[str, Region],
    counts: Counts,
) -> None:
    stored: dict[int | None, list[SalaryBand]] = defaultdict(list)
    for band in SalaryBand.objects.filter(role=role).order_by("position", "id"):
        stored[band.stage_id].append(band)
    groups: list[tuple[Stage | None, Sequence[BandSpec]]] = [(None, spec.salary)]
    groups += [(stages[stage.slug], stage.salary) for stage in spec.stages]
    # Bands of retired stages stay as they are, with the stage.
    for stage, bands in groups:
        desired = [
            _band_values(role, stage, band, position, sources, regions)
            for position, band in enumerate(bands, start=1)
        ]
        where = f"{role.slug} / {stage.slug if stage else 'all stages'} / salary"
        sync_rows(SalaryBand, stored[stage.pk if stage else None], desired, counts, where)


def _band_values(
    role: Role,
    stage: Stage | None,
    band: BandSpec,
    position: int,
    sources: dict[str, Source],
    regions: dict[str, Region],
) -> dict[str, Any]:
    return {
        "role": role,
        "stage": stage,
        "region": regions[band.region] if band.region else None,
        "low": band.low,
        "high": band.high,
        "midpoint": band.midpoint,
        "midpoint_kind": band.midpoint_kind,
        "p10": band.p10,
        "p90": band.p90,
        "pay_basis": band.basis,
        "year": band.year,
        "source": sources[band.source],
        "section": band.section,
        "note": band.note,
        "position": position,
    }


def _retire_unlisted(
    model: type[Skill] | type[Milestone],
    places: type[StageSkill] | type[StageMilestone],
    listed: list[str],
    summary: Summary,
) -> None:
    # A document may hold only some roles (an export of a few): a skill or milestone that a role
    # outside it still asks for is not the document's to retire.
    plural = model._meta.verbose_name_plural
    field = model._meta.model_name
    in_use = places._default_manager.filter(is_retired=False).values(f"{field}_id")
    unlisted = model._default_manager.filter(is_retired=False).exclude(slug__in=listed)
    retire(model, unlisted.exclude(pk__in=in_use), summary.counts[str(plural)], lambda s: s.slug)
    kept = list(unlisted.filter(pk__in=in_use).values_list("slug", flat=True))
    if kept:
        summary.notes.append(
            f"Kept {len(kept)} {field}(s) this file does not list, because roles outside it "
            f"still use them: {', '.join(kept)}"
        )


def _note_roles_left_alone(catalog: Catalog, summary: Summary) -> None:
    listed = [spec.slug for spec in catalog.roles]
    others = list(Role.objects.exclude(slug__in=listed).values_list("slug", flat=True))
    if others:
        summary.notes.append(
            f"Left {len(others)} role(s) this file does not list as they are: {', '.join(others)}"
        )
