from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from careers.models import Stage

from . import progress, selectors, services
from .forms import MilestoneDoneForm, NoteForm, ProfileForm, SignupForm, SkillStatusForm
from .models import Profile

PLAN_TEMPLATE = "tracker/plan.html"
# The dashboard shows a few next steps; the plan has them all.
NEXT_STEPS_SHOWN = 5
RECENT_EVENTS_SHOWN = 10


class HttpResponseSeeOther(HttpResponseRedirect):
    # After a POST, 303 makes every client follow up with a GET.
    status_code = 303


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def _profile(user: Any) -> Profile:
    # Sign-up creates the profile; accounts made another way get one on first visit.
    profile, _ = Profile.objects.select_related("region").get_or_create(user=user)
    return profile


# --- Accounts ---------------------------------------------------------------------------------


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("tracker:dashboard")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome to Pathwise. Choose a target role to plan your path.")
        return HttpResponseSeeOther(_safe_next(request) or reverse("tracker:dashboard"))
    return render(request, "registration/signup.html", {"form": form, "next": _safe_next(request)})


# --- Pages ------------------------------------------------------------------------------------


@login_required
def plan(request: HttpRequest) -> HttpResponse:
    goal = selectors.active_goal(request.user)
    if goal is None:
        return render(request, PLAN_TEMPLATE, {"plan": None})
    return render(
        request, PLAN_TEMPLATE, {"plan": selectors.load_plan(request.user, goal), "goal": goal}
    )


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    goal = selectors.active_goal(request.user, with_profile=True)
    if goal is None:
        return render(
            request,
            "tracker/dashboard.html",
            {
                "goal": None,
                "profile": _profile(request.user),
                "choices": selectors.target_choices(),
            },
        )
    try:
        profile = goal.user.profile
    except Profile.DoesNotExist:
        profile = _profile(request.user)
    region = profile.region
    plan = selectors.load_plan(request.user, goal)
    bands, band_rows = selectors.salary_bands(goal)
    result = plan.progress
    salary = progress.expected_salary(
        stages=plan.stages,
        current=result.current.stage if result.current else None,
        bands=bands,
        region_id=region.id if region else None,
        region_name=region.name if region else None,
    )
    next_pay = None
    if result.current is not None and result.next_stage is not None:
        band, national = progress.stage_band(
            bands, stage_id=result.next_stage.stage.id, region_id=region.id if region else None
        )
        if band is not None:
            next_pay = {"band": band_rows[band.id], "national": national}
    pace = progress.pace_per_week(selectors.completed_recently(request.user))
    return render(
        request,
        "tracker/dashboard.html",
        {
            "goal": goal,
            "profile": profile,
            "region": region,
            "plan": plan,
            "next_steps": plan.next_steps[:NEXT_STEPS_SHOWN],
            "more_steps": max(0, len(result.next_steps) - NEXT_STEPS_SHOWN),
            "salary": salary,
            "salary_band": band_rows.get(salary.band.id) if salary.band else None,
            "role_wide_band": band_rows.get(salary.role_wide.id) if salary.role_wide else None,
            "next_pay": next_pay,
            "events": selectors.recent_events(request.user, limit=RECENT_EVENTS_SHOWN),
            "pace": pace,
            "estimate": progress.estimate_time(result.remaining, pace),
            # Check-offs from the dashboard come back to its list when JavaScript is off.
            "next": reverse("tracker:dashboard") + "#next-steps",
        },
    )


def _settings_context(request: HttpRequest, profile: Profile, form: ProfileForm) -> dict:
    return {
        "profile": profile,
        "form": form,
        "goal": selectors.active_goal(request.user),
        "choices": selectors.target_choices(),
    }


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    profile = _profile(request.user)
    context = _settings_context(request, profile, ProfileForm(instance=profile))
    return render(request, "tracker/settings.html", context)


@login_required
@require_POST
def profile_update(request: HttpRequest) -> HttpResponse:
    profile = _profile(request.user)
    form = ProfileForm(request.POST, instance=profile)
    if form.is_valid():
        form.save()
        messages.success(request, "Settings saved.")
        return HttpResponseSeeOther(reverse("tracker:settings"))
    context = _settings_context(request, profile, form)
    return render(request, "tracker/settings.html", context, status=400)


@login_required
@require_POST
def goal_set(request: HttpRequest) -> HttpResponse:
    stage_id = request.POST.get("stage", "")
    if not stage_id.isdigit():
        return HttpResponseBadRequest("Choose a stage.")
    stage = get_object_or_404(
        Stage.objects.select_related("role"),
        pk=stage_id,
        is_retired=False,
        role__is_published=True,
    )
    if services.goal_set(user=request.user, stage=stage):
        messages.success(request, f"Your target is now {stage.role.name}: {stage.title}.")
    else:
        messages.info(request, f"{stage.role.name}: {stage.title} already is your target.")
    return HttpResponseSeeOther(_safe_next(request) or reverse("tracker:plan"))


# --- Check-offs -------------------------------------------------------------------------------


def _checkable(
    request: HttpRequest, kind: progress.ItemKind, item_id: int
) -> tuple[selectors.Plan, selectors.Row]:
    """The person's plan and one item on it; anything else (another role, a retired item, an
    unpublished role) is a 404, so nobody learns what exists outside their own plan."""
    goal = selectors.active_goal(request.user)
    if goal is None:
        raise Http404("You have no target role.")
    plan = selectors.load_plan(request.user, goal)
    row = plan.row(kind, item_id)
    if row is None:
        raise Http404("This item is not on your plan.")
    return plan, row


def _after_change(request: HttpRequest, plan: selectors.Plan, row: selectors.Row) -> HttpResponse:
    next_url = _safe_next(request)
    if request.htmx:
        # The item, plus its stage's figures and the target percent swapped out of band.
        response = render(
            request,
            f"{PLAN_TEMPLATE}#checkoff",
            {
                "plan": plan,
                "row": row,
                "sp": plan.progress.stage(row.stage_id),
                # Items on the dashboard come with a `next` and without the notes form.
                "compact": next_url is not None,
                "next": next_url,
            },
        )
    else:
        response = HttpResponseSeeOther(next_url or f"{reverse('tracker:plan')}#{row.dom_id}")
    patch_vary_headers(response, ["HX-Request"])
    return response


def _bad_request(message: str) -> HttpResponse:
    response = HttpResponseBadRequest(message)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_POST
def skill_status(request: HttpRequest, skill_id: int) -> HttpResponse:
    plan, row = _checkable(request, progress.SKILL, skill_id)
    form = SkillStatusForm(request.POST)
    if not form.is_valid():
        return _bad_request("Unknown status.")
    status = form.cleaned_data["status"]
    services.skill_set_status(user=request.user, skill=row.obj, status=status)
    plan.record(row, status, timezone.now())
    return _after_change(request, plan, row)


@login_required
@require_POST
def milestone_done(request: HttpRequest, milestone_id: int) -> HttpResponse:
    plan, row = _checkable(request, progress.MILESTONE, milestone_id)
    form = MilestoneDoneForm(request.POST)
    if not form.is_valid():
        return _bad_request("Say done=1 or done=0.")
    done = form.cleaned_data["done"]
    services.milestone_set_done(user=request.user, milestone=row.obj, done=done)
    plan.record(row, "done" if done else "not_started", timezone.now())
    return _after_change(request, plan, row)


def _save_note(request: HttpRequest, kind: progress.ItemKind, item_id: int) -> HttpResponse:
    plan, row = _checkable(request, kind, item_id)
    form = NoteForm(request.POST)
    if not form.is_valid():
        # The page again, the item's form open with its errors; nothing was written.
        response = render(
            request,
            f"{PLAN_TEMPLATE}#item" if request.htmx else PLAN_TEMPLATE,
            {"plan": plan, "goal": plan.goal, "row": row, "note_form": form, "note_for": row},
            status=400,
        )
        patch_vary_headers(response, ["HX-Request"])
        return response
    note, evidence_url = form.cleaned_data["note"], form.cleaned_data["evidence_url"]
    if kind == progress.SKILL:
        changed = services.skill_save_note(
            user=request.user, skill=row.obj, note=note, evidence_url=evidence_url
        )
    else:
        changed = services.milestone_save_note(
            user=request.user, milestone=row.obj, note=note, evidence_url=evidence_url
        )
    row.note, row.evidence_url = note, evidence_url
    if changed and not request.htmx:
        messages.success(request, f"Saved your note on {row.name}.")
    return _after_change(request, plan, row)


@login_required
@require_POST
def skill_note(request: HttpRequest, skill_id: int) -> HttpResponse:
    return _save_note(request, progress.SKILL, skill_id)


@login_required
@require_POST
def milestone_note(request: HttpRequest, milestone_id: int) -> HttpResponse:
    return _save_note(request, progress.MILESTONE, milestone_id)
