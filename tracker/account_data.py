"""A person's data is theirs: take all of it away (JSON, or a CSV of their progress), or delete
the account with everything in it, on every device it is signed in on."""

from __future__ import annotations

import csv
import io
import logging
from datetime import date, datetime
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_http_methods

from careers.models import StageItem, StageMilestone, StageSkill

from . import feedback
from .http import HttpResponseSeeOther, PersonRequest
from .import_file import FORMAT, FORMAT_VERSION
from .mentors import event_mentor_name
from .models import (
    EventKind,
    Goal,
    ItemComment,
    MilestoneProgress,
    Profile,
    ProgressEvent,
    SkillProgress,
)
from .selectors import DONE, NOT_DONE

logger = logging.getLogger("pathwise.auth")

JSON_FILENAME = "pathwise-data.json"
CSV_FILENAME = "pathwise-progress.csv"
CSV_HEADER = [
    "kind",
    "role",
    "stage",
    "item",
    "status",
    "started",
    "completed",
    "note",
    "evidence",
]
# A spreadsheet runs a cell that starts with one of these as a formula (or, for tab and carriage
# return, after trimming it); a leading apostrophe makes it plain text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


# --- Reads ------------------------------------------------------------------------------------


def _when(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _goals(user: User) -> list[Goal]:
    # Active first, then past goals newest first: the order the CSV prefers roles in.
    return list(
        Goal.objects.filter(user=user)
        .select_related("role", "target_stage")
        .order_by("-is_active", "-created_at", "-id")
    )


def _skill_rows(user: User) -> list[SkillProgress]:
    return list(
        SkillProgress.objects.for_user(user).select_related("skill").order_by("skill__name", "id")
    )


def _milestone_rows(user: User) -> list[MilestoneProgress]:
    return list(
        MilestoneProgress.objects.for_user(user)
        .select_related("milestone")
        .order_by("milestone__title", "id")
    )


def _comment_item(comment: ItemComment) -> dict[str, str]:
    if comment.skill is not None:
        return {"kind": "skill", "name": comment.skill.name, "slug": comment.skill.slug}
    milestone = comment.milestone
    assert milestone is not None  # a database constraint: one skill or one milestone
    return {"kind": "milestone", "name": milestone.title, "slug": milestone.slug}


def _comments(user: User) -> list[dict[str, Any]]:
    """Mentors' comments on the person's items, hidden ones too (1 query)."""
    found = feedback.comments(user).select_related("skill", "milestone")
    return [
        {
            "author": getattr(comment, "author_name", ""),
            "item": _comment_item(comment),
            "text": comment.text,
            "hidden": comment.is_hidden,
            "created_at": _when(comment.created_at),
            "updated_at": _when(comment.updated_at),
        }
        for comment in found
    ]


def account_data(*, user: User) -> dict[str, Any]:
    """Everything Pathwise keeps about one person, in plain JSON types. Six queries."""
    profile = Profile.objects.select_related("region").filter(user=user).first()
    goals = _goals(user)
    events = (
        ProgressEvent.objects.filter(user=user)
        .select_related("skill", "milestone", "mentorship__mentor__profile")
        .order_by("created_at", "id")
    )
    # Read back by tracker.import_file, which names what each format version holds.
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": _when(timezone.now()),
        "account": {
            "username": user.get_username(),
            "email": getattr(user, "email", ""),
            "date_joined": _when(getattr(user, "date_joined", None)),
            "last_login": _when(user.last_login),
        },
        "profile": {
            "display_name": profile.display_name if profile else "",
            "region": (
                {"name": profile.region.name, "slug": profile.region.slug}
                if profile and profile.region
                else None
            ),
        },
        "goals": [
            {
                "id": goal.pk,
                "role": {"name": goal.role.name, "slug": goal.role.slug},
                "target_stage": {
                    "title": goal.target_stage.title,
                    "slug": goal.target_stage.slug,
                    "level": goal.target_stage.level,
                },
                "is_active": goal.is_active,
                "created_at": _when(goal.created_at),
                "ended_at": _when(goal.ended_at),
            }
            for goal in goals
        ],
        "skill_progress": [
            {
                "skill": {"name": row.skill.name, "slug": row.skill.slug},
                "status": row.status,
                "started_at": _when(row.started_at),
                "completed_at": _when(row.completed_at),
                "note": row.note,
                "evidence_url": row.evidence_url,
                "updated_at": _when(row.updated_at),
            }
            for row in _skill_rows(user)
        ],
        "milestone_progress": [
            {
                "milestone": {"title": row.milestone.title, "slug": row.milestone.slug},
                "status": DONE if row.done else NOT_DONE,
                "completed_at": _when(row.completed_at),
                "note": row.note,
                "evidence_url": row.evidence_url,
                "updated_at": _when(row.updated_at),
            }
            for row in _milestone_rows(user)
        ],
        "events": [
            {
                "kind": event.kind,
                "skill": event.skill.slug if event.skill else None,
                "milestone": event.milestone.slug if event.milestone else None,
                "goal_id": event.goal_id,
                # A mentor event: the mentor's name (null once their account is gone).
                "mentor": event_mentor_name(event) if event.kind == EventKind.MENTOR else None,
                "from": event.from_state,
                "to": event.to_state,
                "at": _when(event.created_at),
            }
            for event in events
        ],
        # Written by their mentors; an import reads past them.
        "comments": _comments(user),
    }


def csv_cell(value: object) -> str:
    """A value as a CSV cell that no spreadsheet will run as a formula."""
    if value is None:
        return ""
    text = _when(value) if isinstance(value, datetime | date) else str(value)
    assert text is not None
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def _places(
    model: type[StageSkill] | type[StageMilestone], role_order: dict[int, int], ids: list[int]
) -> dict[int, StageItem]:
    """Where each item is asked for in the roles of the person's goals, the active goal's role
    first (1 query, none without goals or items)."""
    if not ids or not role_order:
        return {}
    field = "skill_id" if model is StageSkill else "milestone_id"
    places = model._default_manager.filter(role_id__in=role_order, **{f"{field}__in": ids})
    placed: dict[int, StageItem] = {}
    for place in sorted(
        places.select_related("role", "stage"), key=lambda p: role_order[p.role_id]
    ):
        placed.setdefault(getattr(place, field), place)
    return placed


def progress_rows(*, user: User) -> list[list[str]]:
    """One row per skill or milestone the person has progress on, then one per mentor event
    (the mentor in `item`, what happened in `status`, when in `started`). Five queries."""
    skills = _skill_rows(user)
    milestones = _milestone_rows(user)
    # Skills and milestones are shared by roles: name the role of the person's own goals where
    # the item is in one (the active goal first), and leave role and stage empty otherwise.
    role_order: dict[int, int] = {}
    for goal in _goals(user):
        role_order.setdefault(goal.role_id, len(role_order))
    placed_skills = _places(StageSkill, role_order, [row.skill_id for row in skills])
    placed_milestones = _places(
        StageMilestone, role_order, [row.milestone_id for row in milestones]
    )
    rows: list[list[object]] = []
    for row in skills:
        where = placed_skills.get(row.skill_id)
        rows.append(
            [
                "skill",
                where.role.name if where else "",
                where.stage.title if where else "",
                row.skill.name,
                row.status,
                row.started_at,
                row.completed_at,
                row.note,
                row.evidence_url,
            ]
        )
    for done in milestones:
        where = placed_milestones.get(done.milestone_id)
        rows.append(
            [
                "milestone",
                where.role.name if where else "",
                where.stage.title if where else "",
                done.milestone.title,
                DONE if done.done else NOT_DONE,
                None,
                done.completed_at,
                done.note,
                done.evidence_url,
            ]
        )
    mentor_events = (
        ProgressEvent.objects.filter(user=user, kind=EventKind.MENTOR)
        .select_related("mentorship__mentor__profile")
        .order_by("created_at", "id")
    )
    for event in mentor_events:
        name = event_mentor_name(event)
        rows.append(["mentor", "", "", name, event.to_state, event.created_at, None, "", ""])
    return [[csv_cell(value) for value in row] for row in rows]


# --- Deleting an account ------------------------------------------------------------------------


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete the person and their data. Their sessions on other devices end with the account:
    a session whose account is gone is nobody's (django.contrib.auth.get_user).

    The catalog is untouched: progress rows point at it, never the other way round.
    """
    # Log-in records carry the person's address and browser; a failed-attempt record left behind
    # would also count against whoever takes the username next.
    username = user.get_username()
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username=username).delete()
    # Their comments on others go with them (on_delete=CASCADE): pages kept showing them go too.
    feedback.mark_commented_changed(author=user)
    # Through a queryset, so `user` keeps its pk for the log line and the log-out signal.
    # Profile, goals, progress and events go with it (on_delete=CASCADE).
    get_user_model().objects.filter(pk=user.pk).delete()
    logger.info("account deleted user_id=%s", user.pk)


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To make sure it is you. Nothing is deleted unless it is right.",
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                "That is not your password. Nothing was deleted.", code="password_incorrect"
            )
        return password


# --- Views --------------------------------------------------------------------------------------


def attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A download of someone's data must not stay in any cache, shared or their own.
    patch_cache_control(response, no_store=True, private=True)
    return response


@login_required
@require_GET
def export_json(request: PersonRequest) -> HttpResponse:
    response = JsonResponse(
        account_data(user=request.user),
        encoder=DjangoJSONEncoder,
        json_dumps_params={"indent": 2, "ensure_ascii": False},
    )
    return attachment(response, JSON_FILENAME)


@login_required
@require_GET
def export_csv(request: PersonRequest) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    writer.writerows(progress_rows(user=request.user))
    # The byte order mark tells spreadsheet programs the file is UTF-8.
    response = HttpResponse(
        buffer.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8"
    )
    return attachment(response, CSV_FILENAME)


@login_required
@require_http_methods(["GET", "POST"])
def account_delete_page(request: PersonRequest) -> HttpResponse:
    form = AccountDeleteForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        account_delete(user=request.user)
        logout(request)
        # After log-out the message travels in a cookie: the session is gone.
        messages.success(request, "Your account and everything in it are deleted.")
        return HttpResponseSeeOther(reverse("home"))
    status = 400 if request.method == "POST" else 200
    return render(request, "tracker/account_delete.html", {"form": form}, status=status)
