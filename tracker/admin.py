from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from .models import Goal, MilestoneProgress, Profile, ProgressEvent, SkillProgress


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "display_name", "region"]
    list_select_related = ["user", "region"]
    search_fields = ["user__username", "display_name"]
    raw_id_fields = ["user"]


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "target_stage", "is_active", "created_at", "ended_at"]
    list_filter = ["is_active"]
    list_select_related = ["user", "role", "target_stage"]
    search_fields = ["user__username", "role__name"]
    raw_id_fields = ["user"]


@admin.register(SkillProgress)
class SkillProgressAdmin(admin.ModelAdmin):
    list_display = ["user", "skill", "status", "completed_at", "updated_at"]
    list_filter = ["status"]
    list_select_related = ["user", "skill"]
    search_fields = ["user__username", "skill__name"]
    raw_id_fields = ["user", "skill"]


@admin.register(MilestoneProgress)
class MilestoneProgressAdmin(admin.ModelAdmin):
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
