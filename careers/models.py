from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse

from .choices import (
    Family,
    Level,
    MidpointKind,
    MilestoneKind,
    PayBasis,
    ResourceKind,
    SkillCategory,
)


class Source(models.Model):
    """A document that catalog facts and figures come from."""

    slug = models.SlugField(unique=True, help_text="Permanent identifier used by the catalog file.")
    title = models.CharField(max_length=200, help_text="The document's title as people know it.")
    publisher = models.CharField(max_length=100, blank=True)
    year = models.PositiveSmallIntegerField(help_text="Year the document's figures refer to.")
    note = models.TextField(blank=True, help_text="Anything a reader should know about it.")

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class RoleQuerySet(models.QuerySet["Role"]):
    def published(self) -> RoleQuerySet:
        return self.filter(is_published=True)


class Role(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(
        unique=True,
        help_text="Permanent: it is the role's address (/roles/<slug>/) and its key in the "
        "catalog file. Do not change it once published.",
    )
    family = models.CharField(max_length=20, choices=Family.choices)
    summary = models.TextField(
        help_text="One or two sentences in our own words, shown in the catalog list."
    )
    description = models.TextField(blank=True, help_text="A longer description for the role page.")
    responsibilities = models.TextField(
        blank=True, help_text="One responsibility per line, in our own words."
    )
    is_published = models.BooleanField(
        default=True, help_text="Only published roles are shown to the public and can be targets."
    )
    is_featured = models.BooleanField(
        "featured",
        default=False,
        help_text="Shown on the landing page, if published too. Three or so read best.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = RoleQuerySet.as_manager()

    # Not fields (Django ignores an annotation without a value): attributes some reads add.
    current_stages: int  # careers.admin.RoleAdmin.get_queryset (annotate)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("careers:role_detail", kwargs={"slug": self.slug})

    @property
    def responsibility_list(self) -> list[str]:
        return [line.strip() for line in self.responsibilities.splitlines() if line.strip()]


class OutlookFact(models.Model):
    """A demand or growth figure about a role, with where it comes from."""

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="outlook")
    text = models.CharField(max_length=300, help_text="The figure in a short sentence of our own.")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    section = models.CharField(max_length=120, help_text="Section of the source document.")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["role", "position", "id"]

    def __str__(self) -> str:
        return self.text


class Stage(models.Model):
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="stages")
    slug = models.SlugField(help_text="Permanent key of the stage within its role.")
    level = models.CharField(
        max_length=12,
        choices=Level.choices,
        help_text="Specialized stages are branches after the last senior stage.",
    )
    position = models.PositiveSmallIntegerField(
        help_text="Orders the stages of a role, from 1. Each position is used once per role."
    )
    title = models.CharField(max_length=120, help_text='For example "Junior ML Engineer".')
    years_min = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Years of experience at the start; empty if open."
    )
    years_max = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Years of experience at the end; empty if open-ended."
    )
    summary = models.TextField(blank=True)
    leads_to = models.ForeignKey(
        Role,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reached_from",
        help_text="For a specialized stage: the role it opens onto, if any.",
    )
    is_retired = models.BooleanField(
        default=False, help_text="Retired stages are hidden but kept for people's history."
    )

    class Meta:
        ordering = ["role", "position"]
        constraints = [
            models.UniqueConstraint(fields=["role", "slug"], name="stage_slug_unique_per_role"),
            models.UniqueConstraint(
                fields=["role", "position"],
                condition=Q(is_retired=False),
                name="stage_position_unique_per_role",
                violation_error_message="Another current stage of this role has this position.",
            ),
            models.CheckConstraint(
                condition=Q(years_min__isnull=True)
                | Q(years_max__isnull=True)
                | Q(years_min__lte=models.F("years_max")),
                name="stage_years_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role.name}: {self.title}"

    def get_absolute_url(self) -> str:
        return f"{self.role.get_absolute_url()}#stage-{self.slug}"

    def clean(self) -> None:
        if (
            self.years_min is not None
            and self.years_max is not None
            and self.years_min > self.years_max
        ):
            raise ValidationError({"years_max": "Must not be below the minimum years."})
        if self.leads_to_id and self.level != Level.SPECIALIZED:
            raise ValidationError(
                {"leads_to": "Only a specialized stage can lead to another role."}
            )

    @property
    def years_label(self) -> str:
        lo, hi = self.years_min, self.years_max
        if lo is None and hi is None:
            return ""
        if hi is None:
            return f"{lo}+ years"
        if lo is None:
            return f"up to {hi} years"
        if lo == hi:
            return f"{lo} year{'s' if lo != 1 else ''}"
        return f"{lo}-{hi} years"


class SkillQuerySet(models.QuerySet["Skill"]):
    def active(self) -> SkillQuerySet:
        return self.filter(is_retired=False)


class Skill(models.Model):
    name = models.CharField(max_length=100, help_text="Unique regardless of case.")
    slug = models.SlugField(unique=True, help_text="Permanent key used by the catalog file.")
    category = models.CharField(max_length=20, choices=SkillCategory.choices)
    description = models.TextField(blank=True)
    is_retired = models.BooleanField(
        default=False,
        help_text="Retired skills disappear from checklists and percentages but stay in "
        "people's history. Retire instead of deleting.",
    )

    objects = SkillQuerySet.as_manager()

    # Not a field (Django ignores an annotation without a value): an attribute a read adds.
    role_count: int  # careers.admin.RolesUsingAdmin.get_queryset (annotate)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="skill_name_unique_ci",
                violation_error_message="A skill with this name already exists "
                "(names are compared regardless of case).",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("careers:skill_detail", kwargs={"slug": self.slug})


class StageItem(models.Model):
    """What a stage asks for, skill or milestone: in an order, retired rather than deleted, and
    at most once per role (so `role` repeats stage.role, for the database to hold the rule)."""

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="+", editable=False)
    position = models.PositiveSmallIntegerField(default=0)
    is_retired = models.BooleanField(default=False)

    # Each kind's own foreign key to its stage (Django ignores an annotation without a value).
    stage: Stage
    stage_id: int

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self.role_id = self.stage.role_id
        super().save(*args, **kwargs)

    def validate_unique(self, exclude=None) -> None:
        if self.stage_id:
            self.role_id = self.stage.role_id
        super().validate_unique(exclude)

    def validate_constraints(self, exclude=None) -> None:
        if self.stage_id:
            self.role_id = self.stage.role_id
            if exclude is not None:
                exclude = set(exclude) - {"role"}
        super().validate_constraints(exclude)

    @property
    def item(self) -> Skill | Milestone:
        raise NotImplementedError

    def item_retired(self) -> bool:
        """Whether the item is off the stage's checklist: retired there, or retired itself (the
        catalog's one rule for it; select the item with the row)."""
        return self.is_retired or self.item.is_retired


class StageSkill(StageItem):
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="stage_skills")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="stage_skills")
    required = models.BooleanField(
        default=True, help_text="Required skills count towards progress; recommended ones do not."
    )

    class Meta:
        ordering = ["stage", "-required", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["role", "skill"], name="skill_once_per_role"),
        ]
        verbose_name = "stage skill"

    def __str__(self) -> str:
        kind = "required" if self.required else "recommended"
        return f"{self.skill} ({kind})"

    @property
    def item(self) -> Skill:
        return self.skill


# Only http(s): a link people follow from a page must not run script (javascript:, data:).
web_url_validator = URLValidator(
    schemes=["http", "https"], message="Enter a web address starting with http:// or https://."
)


class Resource(models.Model):
    """A place to learn a skill: shown on the skill's page, in `position` order."""

    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="resources")
    title = models.CharField(max_length=200, help_text="As the resource names itself.")
    url = models.URLField(
        "address",
        max_length=500,
        validators=[web_url_validator],
        help_text="A web address starting with http:// or https://.",
    )
    kind = models.CharField(max_length=16, choices=ResourceKind.choices)
    is_free = models.BooleanField("free", default=True, help_text="Clear it when it costs money.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower comes first.")

    class Meta:
        ordering = ["skill", "position", "id"]
        constraints = [
            # The database's half of web_url_validator, for rows written without a form.
            models.CheckConstraint(
                condition=Q(url__istartswith="http://") | Q(url__istartswith="https://"),
                name="resource_url_is_web",
                violation_error_message="Enter a web address starting with http:// or https://.",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Milestone(models.Model):
    """An achievement, one for the whole catalog: ticked once, it counts in every role whose
    stages ask for it (StageMilestone)."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(unique=True, help_text="Permanent key of the milestone.")
    kind = models.CharField(max_length=16, choices=MilestoneKind.choices)
    description = models.TextField(blank=True)
    is_retired = models.BooleanField(
        default=False,
        help_text="Retired milestones disappear from checklists but stay in people's history.",
    )

    role_count: int  # careers.admin.RolesUsingAdmin.get_queryset (annotate)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class StageMilestone(StageItem):
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="stage_milestones")
    milestone = models.ForeignKey(
        Milestone, on_delete=models.PROTECT, related_name="stage_milestones"
    )

    class Meta:
        ordering = ["stage", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["role", "milestone"], name="milestone_once_per_role"),
        ]
        verbose_name = "stage milestone"

    def __str__(self) -> str:
        return str(self.milestone)

    @property
    def item(self) -> Milestone:
        return self.milestone


class MilestoneAlias(models.Model):
    """The slug a milestone had within a role before milestones were one list for the whole
    catalog, for reading files exported then (tracker.import_file)."""

    role_slug = models.SlugField()
    slug = models.SlugField()
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["role_slug", "slug"], name="milestone_alias_unique"),
        ]
        verbose_name_plural = "milestone aliases"
        # Written once, by migration 0006; nobody edits it.
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.role_slug} / {self.slug}"


class Region(models.Model):
    """A metro area with salary figures. National figures have no region."""

    name = models.CharField(max_length=100, unique=True, help_text='For example "Seattle, WA".')
    slug = models.SlugField(unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


NATIONAL_LABEL = "United States"


_any_figure = (
    Q(low__isnull=False)
    | Q(high__isnull=False)
    | Q(midpoint__isnull=False)
    | Q(p10__isnull=False)
    | Q(p90__isnull=False)
)


def _ordered(a: str, b: str) -> Q:
    return (
        Q(**{f"{a}__isnull": True}) | Q(**{f"{b}__isnull": True}) | Q(**{f"{a}__lte": models.F(b)})
    )


class SalaryBand(models.Model):
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="salary_bands")
    stage = models.ForeignKey(
        Stage,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="salary_bands",
        help_text="Empty: the figure covers every stage of the role.",
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="salary_bands",
        help_text="Empty: a national (United States) figure.",
    )
    low = models.PositiveIntegerField(null=True, blank=True, help_text="Whole US dollars a year.")
    high = models.PositiveIntegerField(null=True, blank=True, help_text="Whole US dollars a year.")
    midpoint = models.PositiveIntegerField(
        null=True, blank=True, help_text="A single central figure: a median or an average."
    )
    midpoint_kind = models.CharField(
        max_length=8,
        choices=MidpointKind.choices,
        blank=True,
        help_text="Required when there is a midpoint.",
    )
    p10 = models.PositiveIntegerField(null=True, blank=True, verbose_name="10th percentile")
    p90 = models.PositiveIntegerField(null=True, blank=True, verbose_name="90th percentile")
    pay_basis = models.CharField(max_length=8, choices=PayBasis.choices, default=PayBasis.BASE)
    year = models.PositiveSmallIntegerField()
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="salary_bands")
    section = models.CharField(max_length=120, help_text="Section of the source document.")
    note = models.CharField(
        max_length=300,
        blank=True,
        help_text='Qualifies the figure, e.g. "at top companies" or a disagreement in the source.',
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Lower comes first; the first base-pay band is the headline figure."
    )

    class Meta:
        ordering = ["role", "stage__position", "region__name", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=_any_figure, name="salary_has_a_figure"),
            models.CheckConstraint(condition=_ordered("low", "high"), name="salary_low_le_high"),
            models.CheckConstraint(
                condition=_ordered("low", "midpoint"), name="salary_low_le_midpoint"
            ),
            models.CheckConstraint(
                condition=_ordered("midpoint", "high"), name="salary_midpoint_le_high"
            ),
            models.CheckConstraint(condition=_ordered("p10", "p90"), name="salary_p10_le_p90"),
            models.CheckConstraint(
                condition=Q(midpoint__isnull=True) | ~Q(midpoint_kind=""),
                name="salary_midpoint_has_kind",
            ),
        ]
        indexes = [
            # The role page and the dashboard read every band of one role.
            models.Index(fields=["role", "stage", "region"], name="salary_role_stage_region"),
        ]

    def __str__(self) -> str:
        where = self.region.name if self.region is not None else NATIONAL_LABEL
        stage = self.stage.title if self.stage is not None else "all stages"
        return f"{self.role.name} / {stage} / {where}"

    def clean(self) -> None:
        figures = [self.low, self.high, self.midpoint, self.p10, self.p90]
        if all(f is None for f in figures):
            raise ValidationError("Give at least one figure: low, high, midpoint, p10 or p90.")
        errors = {}
        for a, b in (("low", "high"), ("low", "midpoint"), ("midpoint", "high"), ("p10", "p90")):
            va, vb = getattr(self, a), getattr(self, b)
            if va is not None and vb is not None and va > vb:
                errors[a] = f"Must not exceed {b}."
        if self.midpoint is not None and not self.midpoint_kind:
            errors["midpoint_kind"] = "Say whether the midpoint is a median or an average."
        if self.role_id and self.stage is not None and self.stage.role_id != self.role_id:
            errors["stage"] = "The stage belongs to another role."
        if errors:
            raise ValidationError(errors)


class StageItems(models.Model):
    """What a stage's checklist held from `since` on: one row each time its items changed.

    `items` lists each item as the catalog had it, `[kind, id, required, retired]` ("skill" or
    "milestone"; a skill is retired when its place on the stage or the skill itself is), so that
    a person's past can be measured against the catalog of the day (tracker.burnup). Which of them
    count is the tracker's rule (tracker.progress.Stage.counting_items), not this record's.
    Written by careers.signals on every catalog change; the tracker reads a stage as it stood at
    the end of its first row's day for the time before it (migration 0005 recorded the catalog as
    it was then).
    """

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="+")
    items = models.JSONField()
    since = models.DateTimeField()

    class Meta:
        ordering = ["stage", "since", "id"]
        indexes = [models.Index(fields=["stage", "since"], name="stage_items_stage_since")]
        verbose_name_plural = "stage items"
        # A record the catalog's changes write, not part of the catalog: nobody edits it.
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.stage_id} since {self.since:%Y-%m-%d %H:%M}: {len(self.items)} items"
