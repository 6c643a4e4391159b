"""Admin for catalog editors: the model admins and their inlines.

What they share, including the refusal to delete what people's progress refers to, is in
`careers.admin_tools`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse

from careers.admin_tools import (
    CatalogAdmin,
    CatalogInlineFormSet,
    StageBandFormSet,
    StageFormSet,
    StageMilestoneFormSet,
    StageSkillFormSet,
    retire,
    unretire,
)
from careers.catalog import dump_catalog, export_catalog
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

# --- Inlines -----------------------------------------------------------------------------------


class StageInline(admin.TabularInline):
    model = Stage
    fk_name = "role"
    formset = StageFormSet
    fields = ["position", "level", "title", "slug", "years_min", "years_max", "is_retired"]
    prepopulated_fields = {"slug": ["title"]}
    ordering = ["position"]
    show_change_link = True
    extra = 0


class OutlookInline(admin.TabularInline):
    model = OutlookFact
    formset = CatalogInlineFormSet
    fields = ["position", "text", "source", "section"]
    extra = 0


class RoleSalaryBandInline(admin.TabularInline):
    model = SalaryBand
    formset = CatalogInlineFormSet
    verbose_name = "salary band for every stage"
    verbose_name_plural = "salary bands for every stage"
    fields = [
        "region",
        "low",
        "high",
        "midpoint",
        "midpoint_kind",
        "pay_basis",
        "year",
        "source",
        "section",
        "note",
        "position",
    ]
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[SalaryBand]:
        # Stage bands are edited on their stage's page.
        return super().get_queryset(request).filter(stage__isnull=True)


class StageSkillInline(admin.TabularInline):
    model = StageSkill
    formset = StageSkillFormSet
    fields = ["skill", "required", "position", "is_retired"]
    autocomplete_fields = ["skill"]
    extra = 0


class StageMilestoneInline(admin.TabularInline):
    model = StageMilestone
    formset = StageMilestoneFormSet
    fields = ["milestone", "position", "is_retired"]
    autocomplete_fields = ["milestone"]
    extra = 0


class StageSalaryBandInline(admin.TabularInline):
    model = SalaryBand
    fk_name = "stage"
    formset = StageBandFormSet
    fields = [
        "region",
        "low",
        "high",
        "midpoint",
        "midpoint_kind",
        "p10",
        "p90",
        "pay_basis",
        "year",
        "source",
        "section",
        "note",
        "position",
    ]
    extra = 0


# A typed address without a scheme is taken as https, as Django 6 will.
ASSUME_HTTPS: dict[type[models.Field], dict[str, str]] = {
    models.URLField: {"assume_scheme": "https"}
}


class ResourceInline(admin.TabularInline):
    model = Resource
    formset = CatalogInlineFormSet
    fields = ["position", "title", "url", "kind", "is_free"]
    formfield_overrides = ASSUME_HTTPS
    extra = 0


# --- Model admins ------------------------------------------------------------------------------


@admin.register(Source)
class SourceAdmin(CatalogAdmin):
    list_display = ["title", "publisher", "year", "slug"]
    list_filter = ["year"]
    search_fields = ["title", "publisher", "slug"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Region)
class RegionAdmin(CatalogAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class RolesUsingAdmin(CatalogAdmin):
    """A skill's or milestone's list, with how many roles ask for each (`places`: its stage
    skills or stage milestones)."""

    places: str

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                role_count=Count(
                    f"{self.places}__role",
                    filter=Q(**{f"{self.places}__is_retired": False}),
                    distinct=True,
                )
            )
        )

    @admin.display(description="roles using it", ordering="role_count")
    def roles_using(self, item: Skill | Milestone) -> int:
        return item.role_count


@admin.register(Skill)
class SkillAdmin(RolesUsingAdmin):
    list_display = ["name", "category", "roles_using", "is_retired", "slug"]
    list_filter = ["category", "is_retired"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    actions = [retire, unretire]
    inlines = [ResourceInline]
    places = "stage_skills"


@admin.register(Role)
class RoleAdmin(CatalogAdmin):
    list_display = ["name", "family", "stage_count", "is_published", "is_featured", "updated_at"]
    list_filter = ["family", "is_published", "is_featured"]
    # Ticking "featured" in the list saves each changed role, which bumps the catalog version
    # (careers.signals), so the landing page, kept whole under that version, shows it at once.
    list_editable = ["is_featured"]
    search_fields = ["name", "slug", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [StageInline, OutlookInline, RoleSalaryBandInline]
    actions = ["export_yaml"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Role]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                current_stages=Count("stages", filter=Q(stages__is_retired=False), distinct=True)
            )
        )

    @admin.display(description="stages", ordering="current_stages")
    def stage_count(self, role: Role) -> int:
        return role.current_stages

    @admin.action(description="Export selected roles as YAML", permissions=["view"])
    def export_yaml(self, request: HttpRequest, queryset: QuerySet[Role]) -> HttpResponse:
        document = dump_catalog(export_catalog(queryset))
        response = HttpResponse(document, content_type="application/yaml; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="pathwise-catalog.yaml"'
        return response


@admin.register(Stage)
class StageAdmin(CatalogAdmin):
    list_display = ["title", "role", "level", "position", "years", "is_retired"]
    list_filter = ["level", "is_retired", "role__family", "role"]
    list_select_related = ["role"]
    search_fields = ["title", "slug", "role__name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["role", "leads_to"]
    ordering = ["role__name", "position"]
    fieldsets = [
        (None, {"fields": ["role", "title", "slug", "level", "position", "is_retired"]}),
        (None, {"fields": [("years_min", "years_max"), "summary", "leads_to"]}),
    ]
    inlines = [StageSkillInline, StageMilestoneInline, StageSalaryBandInline]

    @admin.display(description="years")
    def years(self, stage: Stage) -> str:
        return stage.years_label


@admin.register(StageSkill)
class StageSkillAdmin(CatalogAdmin):
    list_display = ["skill", "stage", "role_name", "required", "position", "is_retired"]
    list_filter = ["required", "is_retired", "stage__level", "skill__category"]
    list_select_related = ["skill", "stage__role"]
    search_fields = ["skill__name", "stage__title", "stage__role__name"]
    autocomplete_fields = ["stage", "skill"]
    actions = [retire, unretire]

    @admin.display(description="role", ordering="stage__role__name")
    def role_name(self, stage_skill: StageSkill) -> str:
        return stage_skill.stage.role.name


@admin.register(Milestone)
class MilestoneAdmin(RolesUsingAdmin):
    list_display = ["title", "kind", "roles_using", "is_retired", "slug"]
    list_filter = ["kind", "is_retired"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    actions = [retire, unretire]
    places = "stage_milestones"


@admin.register(StageMilestone)
class StageMilestoneAdmin(CatalogAdmin):
    list_display = ["milestone", "stage", "role_name", "position", "is_retired"]
    list_filter = ["is_retired", "stage__level", "milestone__kind"]
    list_select_related = ["milestone", "stage__role"]
    search_fields = ["milestone__title", "stage__title", "stage__role__name"]
    autocomplete_fields = ["stage", "milestone"]
    actions = [retire, unretire]

    @admin.display(description="role", ordering="stage__role__name")
    def role_name(self, stage_milestone: StageMilestone) -> str:
        return stage_milestone.stage.role.name


@admin.register(SalaryBand)
class SalaryBandAdmin(CatalogAdmin):
    list_display = ["__str__", "low", "midpoint", "high", "pay_basis", "year", "source"]
    list_filter = ["region", "pay_basis", "year", "role__family"]
    list_select_related = ["role", "stage", "region", "source"]
    search_fields = ["role__name", "stage__title", "region__name", "section"]
    autocomplete_fields = ["role", "stage", "region", "source"]
    fieldsets = [
        (None, {"fields": ["role", "stage", "region"]}),
        (
            "Figures (whole US dollars a year)",
            {
                "fields": [
                    ("low", "high"),
                    ("midpoint", "midpoint_kind"),
                    ("p10", "p90"),
                    "pay_basis",
                ]
            },
        ),
        ("Where it comes from", {"fields": ["year", "source", "section", "note", "position"]}),
    ]


@admin.register(OutlookFact)
class OutlookFactAdmin(CatalogAdmin):
    list_display = ["text", "role", "source", "section"]
    list_filter = ["role__family", "source"]
    list_select_related = ["role", "source"]
    search_fields = ["text", "role__name", "section"]
    autocomplete_fields = ["role", "source"]


@admin.register(Resource)
class ResourceAdmin(CatalogAdmin):
    list_display = ["title", "skill", "kind", "is_free", "url"]
    list_filter = ["kind", "is_free", "skill__category"]
    list_select_related = ["skill"]
    search_fields = ["title", "url", "skill__name"]
    autocomplete_fields = ["skill"]
    formfield_overrides = ASSUME_HTTPS
