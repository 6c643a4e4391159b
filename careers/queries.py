"""Catalog reads for the public pages, each shaped so that a page costs a fixed number of queries.

Retired stages, stage skills, skills and milestones are filtered here, in the prefetch querysets,
so that templates never have to filter (and so never query) inside a loop.
"""

from __future__ import annotations

from collections import defaultdict
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
from django.db.models.functions import Coalesce

from .models import (
    Family,
    Level,
    OutlookFact,
    PayBasis,
    Role,
    SalaryBand,
    Stage,
    StageMilestone,
    StageSkill,
)

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


def roles_matching_skill(text: str) -> QuerySet[StageSkill]:
    return active_stage_skills().filter(skill__name__icontains=text, stage__is_retired=False)


def role_listing(*, family: str | None, search: str) -> list[WithAnnotations[Role, RoleSummary]]:
    """Published roles of one family (None: all) whose name or a current skill matches search.

    Each role gets `matched_skills`: the names of its skills the search matched, so a person sees
    why a role whose name doesn't match is listed.
    """
    roles = Role.objects.published()
    if family:
        roles = roles.filter(family=family)
    if search:
        roles = roles.filter(
            Q(name__icontains=search) | Q(pk__in=roles_matching_skill(search).values("role_id"))
        )
    found = list(with_summary(roles))
    # Families in the order the catalog defines them, then by name within a family.
    family_order = {value: i for i, value in enumerate(Family.values)}
    found.sort(
        key=lambda role: (family_order.get(role.family, len(family_order)), role.name.casefold())
    )

    matched: dict[int, list[str]] = defaultdict(list)
    if search and found:
        for stage_skill in roles_matching_skill(search).filter(
            role_id__in=[role.pk for role in found]
        ):
            names = matched[stage_skill.role_id]
            if stage_skill.skill.name not in names:
                names.append(stage_skill.skill.name)
    for role in found:
        role.matched_skills = matched.get(role.pk, [])
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
