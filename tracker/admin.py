from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import Goal, MilestoneProgress, Profile, ProgressEvent, SkillProgress
from .services import mark_changed


class MarksChanged(admin.ModelAdmin):
    """A person's data edited here counts as a change to it (tracker.services.mark_changed), as
    a change from their own pages does, so their pages show it at once."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            mark_changed(obj.user_id)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            super().delete_model(request, obj)
            mark_changed(obj.user_id)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        with transaction.atomic():
            users = set(queryset.values_list("user_id", flat=True))
            super().delete_queryset(request, queryset)
            for user_id in users:
                mark_changed(user_id)


@admin.register(Profile)
class ProfileAdmin(MarksChanged):
    list_display = ["user", "display_name", "region"]
    list_select_related = ["user", "region"]
    search_fields = ["user__username", "display_name"]
    raw_id_fields = ["user"]


@admin.register(Goal)
class GoalAdmin(MarksChanged):
    list_display = ["user", "role", "target_stage", "is_active", "created_at", "ended_at"]
    list_filter = ["is_active"]
    list_select_related = ["user", "role", "target_stage"]
    search_fields = ["user__username", "role__name"]
    raw_id_fields = ["user"]


@admin.register(SkillProgress)
class SkillProgressAdmin(MarksChanged):
    list_display = ["user", "skill", "status", "completed_at", "updated_at"]
    list_filter = ["status"]
    list_select_related = ["user", "skill"]
    search_fields = ["user__username", "skill__name"]
    raw_id_fields = ["user", "skill"]


@admin.register(MilestoneProgress)
class MilestoneProgressAdmin(MarksChanged):
    list_display = ["user", "milestone", "completed_at", "updated_at"]
    list_select_related = ["user", "milestone"]
    search_fields = ["user__username", "milestone__title"]
    raw_id_fields = ["user", "milestone"]


@admin.register(ProgressEvent)
class ProgressEventAdmin(admin.ModelAdmin):
    # No adding or editing: the log is append-only. Deleting stays possible so that deleting
    # a person (which cascades to their events) is not blocked.

    list_display = ["created_at", "user", "kind", "skill", "milestone", "from_state", "to_state"]
    list_filter = ["kind"]
    list_select_related = ["user", "skill", "milestone"]
    search_fields = ["user__username"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
