"""Catalog reads for the public pages, each shaped so that a page costs a fixed number of queries.

Retired stages, stage skills, skills and milestones are filtered here, in the prefetch querysets,
so that templates never have to filter (and so never query) inside a loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, Lower

from .models import (
    Family,
    Level,
    OutlookFact,
    PayBasis,
    Resource,
    Role,
    SalaryBand,
    Skill,
    Stage,
    StageMilestone,
    StageSkill,
)
from .search import RoleEntry, SkillEntry

if TYPE_CHECKING:
    # A development dependency (django-stubs), so only for type checking.
    from django_stubs_ext import WithAnnotations

SEARCH_MAX_LENGTH = 100


def active_stage_skills() -> QuerySet[StageSkill]:
    # Required first, then catalog order: the model's default ordering says so.
    return StageSkill.objects.filter(is_retired=False, skill__is_retired=False).select_related(
        "skill"
    )


def active_stage_milestones() -> QuerySet[StageMilestone]:
    return StageMilestone.objects.filter(
        is_retired=False, milestone__is_retired=False
    ).select_related("milestone")


def active_stages() -> QuerySet[Stage]:
    return (
        Stage.objects.filter(is_retired=False)
        .select_related("leads_to")
        .prefetch_related(
            Prefetch("stage_skills", queryset=active_stage_skills(), to_attr="active_skills"),
            Prefetch(
                "stage_milestones",
                queryset=active_stage_milestones(),
                to_attr="active_milestones",
            ),
        )
        .order_by("position")
    )


def role_salary_bands() -> QuerySet[SalaryBand]:
    # A band of a retired stage would label a bar with a stage the page no longer shows.
    return SalaryBand.objects.filter(
        Q(stage__isnull=True) | Q(stage__is_retired=False)
    ).select_related("stage", "region", "source")


class RolePage(TypedDict):
    """What role_pages() prefetches onto each role."""

    active_stages: list[Stage]
    outlook_facts: list[OutlookFact]
    bands: list[SalaryBand]


def role_pages() -> QuerySet[WithAnnotations[Role, RolePage]]:
    """Published roles with everything a role page shows: six queries whatever the role's size."""
    return Role.objects.published().prefetch_related(
        Prefetch("stages", queryset=active_stages(), to_attr="active_stages"),
        Prefetch(
            "outlook",
            queryset=OutlookFact.objects.select_related("source"),
            to_attr="outlook_facts",
        ),
        Prefetch("salary_bands", queryset=role_salary_bands(), to_attr="bands"),
    )


def role_region_slugs(slug: str) -> list[str]:
    """The regions a published role has salary figures for."""
    bands = SalaryBand.objects.filter(
        role__slug=slug, role__is_published=True, region__isnull=False
    )
    return sorted(set(bands.values_list("region__slug", flat=True)))


def _national_base_bands() -> QuerySet[SalaryBand]:
    """The national base-pay bands of the outer query's role that give a low, midpoint or high.

    These are the figures a role card's pay range spans; p10 and p90 alone are left out, as a
    percentile is not a figure a card can put in a range beside the others.
    """
    return SalaryBand.objects.filter(
        Q(stage__isnull=True) | Q(stage__is_retired=False),
        role=OuterRef("pk"),
        region__isnull=True,
        pay_basis=PayBasis.BASE,
    ).exclude(low=None, midpoint=None, high=None)


def _first(value: Any, order: str) -> Subquery:
    """The first `value` of the role's national base-pay bands, sorted by order ("v" or "-v")."""
    bands = _national_base_bands().annotate(v=value).order_by(order).values("v")[:1]
    return Subquery(bands, output_field=IntegerField())


class RoleSummary(TypedDict):
    """What with_summary() annotates each role with."""

    stage_count: int
    branch_count: int
    pay_low: int | None
    pay_high: int | None
    pay_year_from: int | None
    pay_year_to: int | None


def with_summary(roles: QuerySet[Role]) -> QuerySet[WithAnnotations[Role, RoleSummary]]:
    """Adds what a role card shows: its numbers of stages and branches, its national pay range.

    The range runs from the lowest to the highest national base-pay figure the catalog states for
    the role (a band with one figure counts it as both its low and its high), with the years those
    figures refer to; all None when there is none.
    """
    current = Q(stages__is_retired=False)
    return roles.annotate(
        stage_count=Count("stages", filter=current & ~Q(stages__level=Level.SPECIALIZED)),
        branch_count=Count("stages", filter=current & Q(stages__level=Level.SPECIALIZED)),
        pay_low=_first(Coalesce("low", "midpoint", "high"), "v"),
        pay_high=_first(Coalesce("high", "midpoint", "low"), "-v"),
        pay_year_from=_first(F("year"), "v"),
        pay_year_to=_first(F("year"), "-v"),
    )


def role_listing(*, family: str | None) -> list[WithAnnotations[Role, RoleSummary]]:
    """Published roles of one family (None: all), by family in catalog order, then by name.
    (Searching them is careers.search's.)"""
    roles = Role.objects.published()
    if family:
        roles = roles.filter(family=family)
    found = list(with_summary(roles))
    family_order = {value: i for i, value in enumerate(Family.values)}
    found.sort(
        key=lambda role: (family_order.get(role.family, len(family_order)), role.name.casefold())
    )
    return found


def families_with_roles() -> list[tuple[str, str, int]]:
    """(value, label, number of published roles) for each family that has any, in catalog order."""
    counts = dict(
        Role.objects.published()
        .order_by()
        .values("family")
        .annotate(n=Count("pk"))
        .values_list("family", "n")
    )
    return [(value, label, counts[value]) for value, label in Family.choices if value in counts]


def featured_roles() -> list[WithAnnotations[Role, RoleSummary]]:
    """The published roles editors marked featured (the landing page): the most stages and
    branches first, as the most fully described roles make the best first impression."""
    roles = with_summary(Role.objects.published().filter(is_featured=True))
    return list(roles.order_by((F("stage_count") + F("branch_count")).desc(), "name"))


@dataclass(frozen=True)
class PublishedItem:
    """A skill or milestone that people may check off wherever it is shown."""

    kind: str  # "skill" or "milestone"
    id: int
    name: str
    # The skill's category or the milestone's kind, as a checklist line shows it.
    detail: str


def published_items() -> dict[tuple[str, int], PublishedItem]:
    """Every current skill and milestone that a current stage of a published role asks for, by
    (kind, id) (2 queries)."""
    found: dict[tuple[str, int], PublishedItem] = {}
    stage_skills = StageSkill.objects.filter(
        is_retired=False, skill__is_retired=False, stage__is_retired=False, role__is_published=True
    ).select_related("skill")
    for ss in stage_skills.order_by():
        skill = ss.skill
        found[("skill", skill.pk)] = PublishedItem(
            "skill", skill.pk, skill.name, skill.get_category_display()
        )
    stage_milestones = StageMilestone.objects.filter(
        is_retired=False,
        milestone__is_retired=False,
        stage__is_retired=False,
        role__is_published=True,
    ).select_related("milestone")
    for sm in stage_milestones.order_by():
        milestone = sm.milestone
        found[("milestone", milestone.pk)] = PublishedItem(
            "milestone", milestone.pk, milestone.title, milestone.get_kind_display()
        )
    return found


def role_choices() -> list[tuple[str, str]]:
    """(slug, name) of every published role, by name: what "compare with" offers."""
    return list(Role.objects.published().order_by("name").values_list("slug", "name"))


# --- Skills -------------------------------------------------------------------------------------


class SkillPage(TypedDict):
    """What skill_pages() prefetches onto each skill."""

    listed_resources: list[Resource]
    asked_by: list[StageSkill]


def skill_pages() -> QuerySet[WithAnnotations[Skill, SkillPage]]:
    """Current skills with everything a skill page shows: three queries whatever the catalog's
    size (the skill, its resources, and the current stages of published roles asking for it)."""
    asked_by = StageSkill.objects.filter(
        is_retired=False, stage__is_retired=False, role__is_published=True
    ).select_related("stage__role")
    return Skill.objects.active().prefetch_related(
        Prefetch("resources", queryset=Resource.objects.all(), to_attr="listed_resources"),
        Prefetch("stage_skills", queryset=asked_by, to_attr="asked_by"),
    )


def skill_entries() -> list[SkillEntry]:
    """Every current skill, by name: the skill list and search read them (1 query)."""
    skills = Skill.objects.active().order_by(Lower("name"), "slug")
    return [
        SkillEntry(slug=slug, name=name, category=category, description=description)
        for slug, name, category, description in skills.values_list(
            "slug", "name", "category", "description"
        )
    ]


def role_entries() -> list[RoleEntry]:
    """Every published role as search reads it (3 queries whatever the catalog's size: the
    roles with their card's figures, their current stages, those stages' current skills)."""
    stage_skills = StageSkill.objects.filter(is_retired=False, skill__is_retired=False)
    stages = (
        Stage.objects.filter(is_retired=False)
        .order_by("position")
        .prefetch_related(Prefetch("stage_skills", queryset=stage_skills.select_related("skill")))
    )
    roles = with_summary(Role.objects.published()).prefetch_related(
        Prefetch("stages", queryset=stages)
    )
    entries = []
    for role in roles.order_by("name"):
        # The prefetched, current ones: all() reads what the Prefetch querysets above kept.
        current = list(role.stages.all())
        entries.append(
            RoleEntry(
                slug=role.slug,
                name=role.name,
                family=role.family,
                summary=role.summary,
                description=role.description,
                stage_titles=tuple(stage.title for stage in current),
                stage_summaries=tuple(stage.summary for stage in current if stage.summary),
                skills=tuple(ss.skill.name for stage in current for ss in stage.stage_skills.all()),
                stage_count=role.stage_count,
                branch_count=role.branch_count,
                pay_low=role.pay_low,
                pay_high=role.pay_high,
            )
        )
    return entries
