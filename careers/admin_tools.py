"""What the catalog's model admins share: deletion guards, retire actions, checked inlines.

Skills, milestones and their places on stages that people's progress refers to are never
deleted here: every way to delete them (the delete page, the bulk action, an inline's delete
box) refuses with a message that points to retiring instead. Stages and roles are guarded too,
since deleting one would take its stage skills and stage milestones with it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.text import capfirst

from careers import signals, usage
from careers.catalog.checks import SMALL_MAX
from careers.models import Milestone, Role, Skill, Stage, StageMilestone, StageSkill

# --- Refusing to delete what people's data refers to --------------------------------------------


@dataclass(frozen=True)
class DeleteGuard:
    label: Callable[[Any], str]
    instead: str

    def blocked(self, queryset: QuerySet[Any]) -> list[Any]:
        return usage.in_use(queryset)

    def message(self, obj: Any) -> str:
        return f"{self.label(obj)} {self.instead}"


_RETIRE = (
    "Retire it instead: it disappears from checklists but stays in their history. Tick "
    "“Is retired” on its page and save, or use the “Retire selected {plural}” action in the list."
)


def _part_of_progress(plural: str) -> str:
    return "is part of people's progress, so it cannot be deleted. " + _RETIRE.format(plural=plural)


GUARDS: dict[type[models.Model], DeleteGuard] = {
    Skill: DeleteGuard(label=str, instead=_part_of_progress("skills")),
    StageSkill: DeleteGuard(
        label=lambda ss: f"{ss.skill.name} (at {ss.stage.title})",
        instead=_part_of_progress("stage skills"),
    ),
    Milestone: DeleteGuard(label=str, instead=_part_of_progress("milestones")),
    StageMilestone: DeleteGuard(
        label=lambda sm: f"{sm.milestone.title} (at {sm.stage.title})",
        instead=_part_of_progress("stage milestones"),
    ),
    Stage: DeleteGuard(
        label=lambda stage: stage.title,
        instead="has skills or milestones that are part of people's progress, so it cannot "
        "be deleted. Retire it instead: tick “Is retired” on its page and save; it disappears "
        "from checklists but stays in their history.",
    ),
    Role: DeleteGuard(
        label=str,
        instead="has skills or milestones that are part of people's progress, so it cannot "
        "be deleted. Unpublish it instead: untick “Is published” on its page and save; it "
        "leaves the catalog but stays in their history.",
    ),
}


# --- Shared admin behaviour --------------------------------------------------------------------


class CatalogAdmin(admin.ModelAdmin):
    """Applies the deletion guard, if the model has one. (Saves and deletes tell the catalog cache
    through the models' signals.)"""

    @property
    def guard(self) -> DeleteGuard | None:
        return GUARDS.get(self.model)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        guard = self.guard
        obj = self.get_object(request, unquote(object_id))
        if (
            guard
            and obj is not None
            and self.has_delete_permission(request, obj)
            and guard.blocked(self.model._default_manager.filter(pk=obj.pk))
        ):
            self.message_user(request, guard.message(obj), messages.ERROR)
            opts = self.model._meta
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            return HttpResponseRedirect(url)
        return super().delete_view(request, object_id, extra_context)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # Django maps each name to (function, name, description); django-stubs types that
        # function as returning str, and allows None, which the replacement below would not fit.
        actions: dict[str, Any] = super().get_actions(request)
        if self.guard and "delete_selected" in actions:
            _func, name, description = actions["delete_selected"]
            actions["delete_selected"] = (guarded_delete_selected, name, description)
        return actions


def guarded_delete_selected(
    modeladmin: CatalogAdmin, request: HttpRequest, queryset: QuerySet[Any]
) -> HttpResponse | None:
    guard = modeladmin.guard
    blocked = guard.blocked(queryset) if guard else []
    if guard and blocked:
        for obj in blocked:
            modeladmin.message_user(request, guard.message(obj), messages.ERROR)
        modeladmin.message_user(request, "Nothing was deleted.", messages.WARNING)
        return None
    return delete_selected(modeladmin, request, queryset)


def _set_retired(
    modeladmin: CatalogAdmin, request: HttpRequest, queryset: QuerySet[Any], retired: bool
) -> None:
    changed = queryset.exclude(is_retired=retired).update(is_retired=retired)
    if changed:  # update() sends no model signals
        signals.catalog_changed()
    opts = modeladmin.model._meta
    noun = opts.verbose_name if changed == 1 else opts.verbose_name_plural
    verb = "Retired" if retired else "Brought back"
    modeladmin.message_user(request, f"{verb} {changed} {noun}.", messages.SUCCESS)


@admin.action(description="Retire selected %(verbose_name_plural)s", permissions=["change"])
def retire(modeladmin: CatalogAdmin, request: HttpRequest, queryset: QuerySet[Any]) -> None:
    _set_retired(modeladmin, request, queryset, True)


@admin.action(description="Bring back selected %(verbose_name_plural)s", permissions=["change"])
def unretire(modeladmin: CatalogAdmin, request: HttpRequest, queryset: QuerySet[Any]) -> None:
    _set_retired(modeladmin, request, queryset, False)


# --- Inline formsets ---------------------------------------------------------------------------


class CatalogInlineFormSet(BaseInlineFormSet):
    """Refuses guarded deletions, and duplicates that the database would refuse with a 500.

    Django checks unique constraints between the forms of a formset only on fields the forms
    show; `unique_within` names the keys it cannot see (a conditional constraint, or one on the
    hidden `role`), optionally only for forms whose `is_retired` box is clear.
    """

    unique_within: tuple[str, ...] = ()
    among_current_only = False

    @property
    def catalog_model(self) -> type[models.Model]:
        """The model of the formset's forms, which inlineformset_factory() always sets."""
        assert self.model is not None
        return self.model

    def clean(self) -> None:
        # Before the base clean, whose check of protected rows would answer first, with a
        # message that lists database rows instead of offering retirement.
        refusals = self._guard_errors()
        if refusals:
            raise ValidationError(refusals)
        super().clean()
        duplicates = self._duplicate_errors()
        if duplicates:
            raise ValidationError(duplicates)

    def _guard_errors(self) -> list[str]:
        guard = GUARDS.get(self.catalog_model)
        deleted = [form.instance.pk for form in self._deleting() if form.instance.pk]
        if not guard or not deleted:
            return []
        blocked = guard.blocked(self.catalog_model._default_manager.filter(pk__in=deleted))
        return [guard.message(obj) for obj in blocked]

    def _duplicate_errors(self) -> list[str]:
        errors = []
        for name in self.unique_within:
            seen: set[Any] = set()
            for form in self._kept_forms():
                value = form.cleaned_data.get(name)
                if value is None:
                    continue
                if value in seen:
                    model_field = self.catalog_model._meta.get_field(name)
                    # unique_within names the forms' own fields, never a reverse relation.
                    assert isinstance(model_field, models.Field)
                    label = capfirst(model_field.verbose_name)
                    errors.append(f"{label} “{value}” is used twice here; use it once.")
                seen.add(value)
        return errors

    def _deleting(self) -> list[Any]:
        # Not `deleted_forms`, which is empty while any form has an error: what was ticked.
        if not self.can_delete:
            return []
        return [form for form in self.forms if form[DELETION_FIELD_NAME].value()]

    def _kept_forms(self) -> list[Any]:
        deleted = self._deleting()
        kept = []
        for form in self.forms:
            if form in deleted or not form.is_valid():
                continue
            if form.instance.pk is None and not form.has_changed():
                continue  # an empty extra form
            if self.among_current_only and form.cleaned_data.get("is_retired"):
                continue
            kept.append(form)
        return kept


class StageFormSet(CatalogInlineFormSet):
    unique_within = ("position",)
    among_current_only = True

    def save(self, commit: bool = True) -> list[Any]:
        if commit:
            self._move_edited_stages_aside()
        return super().save(commit)

    def _move_edited_stages_aside(self) -> None:
        """Park edited and deleted stages on unused positions before saving any of them.

        Forms are saved one by one, so swapping two positions (or taking a deleted stage's
        place) would break the one-stage-per-position rule halfway through.
        """
        edited = [
            form.instance.pk
            for form in self.initial_forms
            if form.instance.pk and (form in self.deleted_forms or form.has_changed())
        ]
        if not edited:
            return
        used = set(Stage.objects.filter(role=self.instance).values_list("position", flat=True))
        free = (p for p in range(SMALL_MAX, 0, -1) if p not in used)
        for pk in edited:
            Stage.objects.filter(pk=pk).update(position=next(free))


class StageSkillFormSet(CatalogInlineFormSet):
    unique_within = ("skill",)


class StageMilestoneFormSet(CatalogInlineFormSet):
    unique_within = ("milestone",)


class StageBandFormSet(CatalogInlineFormSet):
    def add_fields(self, form: Any, index: int | None) -> None:
        super().add_fields(form, index)
        # A stage's band belongs to the stage's role; the form does not ask for it.
        form.instance.role_id = self.instance.role_id
