from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.template.backends.utils import csrf_input
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from careers.models import Stage

from . import checklist, page_cache, progress, selectors, services
from .forms import MILESTONE_DONE, SKILL_STATUS, NoteForm, ProfileForm, SignupForm, posted
from .models import Profile

PLAN_TEMPLATE = "tracker/plan.html"
# The dashboard shows a few next steps; the plan has them all.
NEXT_STEPS_SHOWN = 5


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
        login(request, user, backend="tracker.people.PersonBackend")
        messages.success(request, "Welcome to Pathwise. Choose a target role to plan your path.")
        return HttpResponseSeeOther(_safe_next(request) or reverse("tracker:dashboard"))
    return render(request, "registration/signup.html", {"form": form, "next": _safe_next(request)})


# --- Pages ------------------------------------------------------------------------------------


@login_required
def plan(request: HttpRequest) -> HttpResponse:
    return page_cache.serve(request, "plan", lambda token: (_plan_page(request, token), None))


def _plan_page(request: HttpRequest, token: str) -> HttpResponse:
    goal = selectors.active_goal(request.user)
    if goal is None:
        return render(request, PLAN_TEMPLATE, {"plan": None, "csrf_token": token})
    plan = selectors.load_plan(request.user, goal)
    items = checklist.item_context(request, next_url=None, compact=False, token=token)
    sections = checklist.plan_html(plan, request, items)
    context = {"plan": plan, "goal": goal, "sections_html": sections}
    return render(request, PLAN_TEMPLATE, context | {"csrf_token": items["csrf_token"]})


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return page_cache.serve(request, "dashboard", lambda token: _dashboard_page(request, token))


def _dashboard_page(request: HttpRequest, token: str) -> tuple[HttpResponse, datetime | None]:
    """The dashboard, and until when it holds: its pace counts the last four weeks."""
    goal = selectors.active_goal(request.user, with_profile=True)
    if goal is None:
        response = render(
            request,
            "tracker/dashboard.html",
            {
                "goal": None,
                "profile": _profile(request.user),
                "choices": selectors.target_choices(),
                "csrf_token": token,
            },
        )
        return response, None
    profile = goal.profile or _profile(request.user)
    region = profile.region
    plan = selectors.load_plan(request.user, goal)
    bands = selectors.role_bands(goal.role_id, plan.structure.version)
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
            next_pay = {"band": band, "national": national}
    completed, until = selectors.completions_window(request.user)
    pace = progress.pace_per_week(completed)
    next_steps = plan.next_steps[:NEXT_STEPS_SHOWN]
    # Check-offs from the dashboard come back to its list when JavaScript is off.
    items = checklist.item_context(
        request,
        next_url=reverse("tracker:dashboard") + "#next-steps",
        compact=True,
        token=token,
    )
    checklist.render_items(next_steps, items, plan.structure.version)
    response = render(
        request,
        "tracker/dashboard.html",
        {
            "goal": goal,
            "profile": profile,
            "region": region,
            "plan": plan,
            "stage_rows": [
                (sp, checklist.stage_stats_html(sp, plan.structure.version)) for sp in result.path
            ],
            "next_steps": next_steps,
            "more_steps": max(0, len(result.next_steps) - NEXT_STEPS_SHOWN),
            "salary": salary,
            "salary_band": salary.band,
            "role_wide_band": salary.role_wide,
            "next_pay": next_pay,
            "events": selectors.recent_events(request.user),
            "pace": pace,
            "estimate": progress.estimate_time(result.remaining, pace),
            "csrf_token": items["csrf_token"],
        },
    )
    return response, until


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
        with transaction.atomic():
            form.save()
            services.mark_changed(request.user)
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
    request: HttpRequest, kind: progress.ItemKind, item_id: int, *, with_progress: bool
) -> tuple[selectors.Plan, selectors.Row]:
    """The person's plan and one item on it; anything else (another role, a retired item, an
    unpublished role) is a 404, so nobody learns what exists outside their own plan.

    Which items are on the plan comes from the cached catalog; the person's own progress is
    read only when the answer shows it (`with_progress`).
    """
    goal = selectors.active_goal(request.user)
    if goal is None:
        raise Http404("You have no target role.")
    only = None if with_progress else (kind, item_id)
    plan = selectors.load_plan(request.user, goal, with_progress=with_progress, only=only)
    row = plan.row(kind, item_id)
    if row is None:
        raise Http404("This item is not on your plan.")
    return plan, row


def _check_off(
    request: HttpRequest, plan: selectors.Plan, row: selectors.Row, state: str
) -> HttpResponse:
    if not request.htmx:
        services.check_off(request.user, row.item.key, state)
        return _after_change(request, plan, row)
    # The answer shows where the change leaves the person, which the check-off reads as it
    # writes: the item's state and the items done, for the figures.
    key = row.item.key
    path = plan.structure.path(plan.goal.target_stage)
    result = services.check_off(request.user, key, state, progress_on=path)
    assert result.item is not None and result.done is not None
    plan = selectors.checked_off_plan(plan.goal, path, key, result.item, result.done)
    return _after_change(request, plan, plan.rows[key], fresh=True)


def _after_change(
    request: HttpRequest, plan: selectors.Plan, row: selectors.Row, *, fresh: bool = False
) -> HttpResponse:
    """With htmx, the item and the figures it changes; otherwise back to the page it came from.

    `plan` holds the person's progress as it is now when `fresh`; otherwise it is read here."""
    next_url = _safe_next(request)
    if request.htmx:
        # The item, plus its stage's figures and the target percent swapped out of band, from
        # the person's progress as it is now that the change is committed (read here unless
        # the check-off read it).
        if not fresh:
            plan = selectors.load_plan(request.user, plan.goal)
            row = plan.rows[row.item.key]
        # Items on the dashboard come with a `next` and without the note link; in the page the
        # answer goes to, with the page's token.
        items = checklist.item_context(
            request,
            next_url=next_url,
            compact=next_url is not None,
            token=checklist.token_posted(request),
        )
        checklist.render_items([row], items, plan.structure.version)
        response = HttpResponse(checklist.checkoff_html(plan, row))
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
    plan, row = _checkable(request, progress.SKILL, skill_id, with_progress=False)
    status = posted(SKILL_STATUS, request.POST, "status")
    if status is None:
        return _bad_request("Unknown status.")
    return _check_off(request, plan, row, status)


@login_required
@require_POST
def milestone_done(request: HttpRequest, milestone_id: int) -> HttpResponse:
    plan, row = _checkable(request, progress.MILESTONE, milestone_id, with_progress=False)
    done = posted(MILESTONE_DONE, request.POST, "done")
    if done is None:
        return _bad_request("Say done=1 or done=0.")
    return _check_off(request, plan, row, selectors.DONE if done else selectors.NOT_DONE)


# --- Notes ------------------------------------------------------------------------------------

NOTE_TEMPLATE = "tracker/note.html"
NOTE_KINDS: dict[str, progress.ItemKind] = {
    "skill": progress.SKILL,
    "milestone": progress.MILESTONE,
}


def _note_context(request: HttpRequest, plan: selectors.Plan, row: selectors.Row) -> dict:
    return {"plan": plan, "row": row, "csrf_input": csrf_input(request)}


@login_required
@require_GET
def note_page(request: HttpRequest, kind: str, item_id: int) -> HttpResponse:
    """The note and evidence form of one item: a page of its own, or with htmx the form alone,
    opened in place in the checklist."""
    if kind not in NOTE_KINDS:
        raise Http404("No such kind of item.")
    plan, row = _checkable(request, NOTE_KINDS[kind], item_id, with_progress=True)
    template = f"{NOTE_TEMPLATE}#note-form" if request.htmx else NOTE_TEMPLATE
    response = render(request, template, _note_context(request, plan, row))
    patch_vary_headers(response, ["HX-Request"])
    return response


def _save_note(request: HttpRequest, kind: progress.ItemKind, item_id: int) -> HttpResponse:
    plan, row = _checkable(request, kind, item_id, with_progress=False)
    form = NoteForm(request.POST)
    if not form.is_valid():
        # The form again with its errors and what was typed; nothing was written.
        response = render(
            request,
            f"{NOTE_TEMPLATE}#note-form" if request.htmx else NOTE_TEMPLATE,
            _note_context(request, plan, row) | {"form": form},
            status=400,
        )
        patch_vary_headers(response, ["HX-Request"])
        return response
    note, evidence_url = form.cleaned_data["note"], form.cleaned_data["evidence_url"]
    if kind == progress.SKILL:
        changed = services.skill_save_note(
            user=request.user, skill=row.model_object(), note=note, evidence_url=evidence_url
        )
    else:
        changed = services.milestone_save_note(
            user=request.user, milestone=row.model_object(), note=note, evidence_url=evidence_url
        )
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
