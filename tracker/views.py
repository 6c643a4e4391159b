from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from careers import cache as catalog_cache
from careers.models import Stage

from . import feedback, page_cache, progress, selectors, services
from .forms import GoalForm, MilestoneDoneForm, NoteForm, ProfileForm, SignupForm, SkillStatusForm
from .http import HttpResponseSeeOther, PersonRequest
from .models import Goal, Profile

PLAN_TEMPLATE = "tracker/plan.html"
NOTE_TEMPLATE = "tracker/note.html"
# The dashboard shows a few next steps; the plan has them all.
NEXT_STEPS_SHOWN = 5


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def _varies_on_htmx(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- Accounts ---------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
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
@require_safe
def plan(request: PersonRequest) -> HttpResponse:
    version = catalog_cache.version()

    def render_plan(profile: Profile, extra: dict[str, Any]) -> tuple[HttpResponse, None]:
        goal = selectors.active_goal(request.user)
        plan = selectors.load_plan(request.user, goal, version) if goal is not None else None
        if plan is not None:
            feedback.attach_comments(plan, request.user)
        return render(request, PLAN_TEMPLATE, {"plan": plan, **extra}), None

    return page_cache.serve(request, "plan", version, render_plan)


@login_required
@require_safe
def dashboard(request: PersonRequest) -> HttpResponse:
    version = catalog_cache.version()

    def render_dashboard(
        profile: Profile, extra: dict[str, Any]
    ) -> tuple[HttpResponse, datetime | None]:
        goal = selectors.active_goal(request.user)
        if goal is None:
            context = {"goal": None, "profile": profile, "choices": selectors.target_choices()}
            return render(request, "tracker/dashboard.html", context | extra), None
        context, until = _dashboard_context(request, goal, profile, version)
        return render(request, "tracker/dashboard.html", context | extra), until

    return page_cache.serve(request, "dashboard", version, render_dashboard)


def _dashboard_context(
    request: PersonRequest, goal: Goal, profile: Profile, version: int | None
) -> tuple[dict[str, Any], datetime | None]:
    """What the dashboard shows, and until when it holds: its pace counts the last four weeks."""
    region = profile.region
    region_id = region.pk if region else None
    plan = selectors.load_plan(request.user, goal, version)
    bands = selectors.role_bands(goal.role_id, version)
    result = plan.progress
    salary = progress.expected_salary(
        stages=plan.stages,
        current=result.current.stage if result.current else None,
        bands=bands,
        region_id=region_id,
        region_name=region.name if region else None,
    )
    next_pay = None
    if result.current is not None and result.next_stage is not None:
        band, national = progress.stage_band(
            bands, stage_id=result.next_stage.stage.id, region_id=region_id
        )
        if band is not None:
            next_pay = {"band": band, "national": national}
    window = plan.pace(timezone.now())
    pace = window.per_week
    # The burn-up chart runs to today: a page kept overnight would end on yesterday.
    tomorrow = timezone.make_aware(
        datetime.combine(timezone.localdate() + timedelta(days=1), time.min)
    )
    until = tomorrow if window.until is None else min(window.until, tomorrow)
    context = {
        "goal": goal,
        "profile": profile,
        "region": region,
        "plan": plan,
        "next_steps": plan.next_steps[:NEXT_STEPS_SHOWN],
        "more_steps": max(0, len(result.next_steps) - NEXT_STEPS_SHOWN),
        "salary": salary,
        "next_pay": next_pay,
        "events": selectors.recent_events(request.user),
        "pace": pace,
        "estimate": progress.estimate_time(result.remaining, pace),
        **selectors.burnup(request.user, goal=goal, catalog_version=version, pace=pace),
        # Check-offs from the dashboard come back to its list when JavaScript is off.
        "next_url": reverse("tracker:dashboard") + "#next-steps",
    }
    return context, until


def _profile_form(request: PersonRequest, goal: Goal | None, data: Any = None) -> ProfileForm:
    # The region choices say which have figures for the person's target role.
    role = goal.role if goal is not None else None
    return ProfileForm(data, instance=selectors.profile(request.user), role=role)


def _settings_page(
    request: PersonRequest, goal: Goal | None, form: ProfileForm, status: int = 200
) -> HttpResponse:
    context = {"form": form, "goal": goal, "choices": selectors.target_choices()}
    return render(request, "tracker/settings.html", context, status=status)


@login_required
@require_safe
def settings_page(request: PersonRequest) -> HttpResponse:
    goal = selectors.active_goal(request.user)
    return _settings_page(request, goal, _profile_form(request, goal))


@login_required
@require_POST
def profile_update(request: PersonRequest) -> HttpResponse:
    goal = selectors.active_goal(request.user)
    form = _profile_form(request, goal, request.POST)
    if not form.is_valid():
        return _settings_page(request, goal, form, status=400)
    with transaction.atomic():
        form.save()
        services.mark_changed(request.user)
        if "display_name" in form.changed_data:
            # The people they mentor see the name on the comments of their plans.
            feedback.mark_commented_changed(author=request.user)
    messages.success(request, "Settings saved.")
    return HttpResponseSeeOther(reverse("tracker:settings"))


@login_required
@require_POST
def goal_set(request: PersonRequest) -> HttpResponse:
    form = GoalForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Choose a stage.", status=400)
    stage = get_object_or_404(
        Stage.objects.select_related("role"),
        pk=form.cleaned_data["stage"],
        is_retired=False,
        role__is_published=True,
    )
    if services.goal_set(user=request.user, stage=stage):
        messages.success(request, f"Your target is now {stage.role.name}: {stage.title}.")
    else:
        messages.info(request, f"{stage.role.name}: {stage.title} already is your target.")
    return HttpResponseSeeOther(_safe_next(request) or reverse("tracker:plan"))


# --- Check-offs and notes -----------------------------------------------------------------------


def _goal_for(request: PersonRequest, key: progress.ItemKey) -> tuple[Goal, int | None]:
    """The person's goal, when the item is on their plan; anything else (another role, a retired
    item, an unpublished role, no goal) is a 404, so nobody learns what lies outside it."""
    goal = selectors.active_goal(request.user)
    version = catalog_cache.version()
    if goal is None or not selectors.checkable(
        goal, selectors.role_structure(goal.role_id, version), key
    ):
        raise Http404("This item is not on your plan.")
    return goal, version


def _after_change(
    request: PersonRequest, goal: Goal, version: int | None, key: progress.ItemKey
) -> HttpResponse:
    """With htmx, the item and the figures it changes; otherwise back to the page it came from."""
    next_url = _safe_next(request)
    if not request.htmx:
        kind, item_id = key
        return _varies_on_htmx(
            HttpResponseSeeOther(next_url or f"{reverse('tracker:plan')}#{kind}-{item_id}")
        )
    plan = selectors.load_plan(request.user, goal, version)
    if next_url is None:
        # The plan's item shows its comments; the dashboard's, compact, does not.
        feedback.attach_comments(plan, request.user)
    row = plan.rows[key]
    context = {
        "plan": plan,
        "row": row,
        "sp": plan.progress.stage(row.stage_id),
        # Items on the dashboard come with a `next` and without the note link.
        "next_url": next_url,
        "compact": next_url is not None,
    }
    return _varies_on_htmx(render(request, f"{PLAN_TEMPLATE}#checkoff", context))


def _bad_request(message: str) -> HttpResponse:
    return _varies_on_htmx(HttpResponse(message, status=400))


@login_required
@require_POST
def skill_status(request: PersonRequest, skill_id: int) -> HttpResponse:
    key = (progress.SKILL, skill_id)
    goal, version = _goal_for(request, key)
    form = SkillStatusForm(request.POST)
    if not form.is_valid():
        return _bad_request("Unknown status.")
    services.skill_set_status(
        user=request.user, skill_id=skill_id, status=form.cleaned_data["status"]
    )
    return _after_change(request, goal, version, key)


@login_required
@require_POST
def milestone_done(request: PersonRequest, milestone_id: int) -> HttpResponse:
    key = (progress.MILESTONE, milestone_id)
    goal, version = _goal_for(request, key)
    form = MilestoneDoneForm(request.POST)
    if not form.is_valid():
        return _bad_request("Say done=1 or done=0.")
    services.milestone_set_done(
        user=request.user, milestone_id=milestone_id, done=form.cleaned_data["done"]
    )
    return _after_change(request, goal, version, key)


NOTE_KINDS: dict[str, progress.ItemKind] = {
    "skill": progress.SKILL,
    "milestone": progress.MILESTONE,
}


def _note_page(
    request: PersonRequest, row: selectors.Row, form: NoteForm | None = None, status: int = 200
) -> HttpResponse:
    """The note and evidence form of one item: a page of its own, or with htmx the form alone,
    opened in place in the checklist."""
    if form is None:
        initial = {"note": row.note, "evidence_url": row.evidence_url}
        form = NoteForm(initial=initial, row_id=row.dom_id)
    template = f"{NOTE_TEMPLATE}#note-form" if request.htmx else NOTE_TEMPLATE
    return _varies_on_htmx(render(request, template, {"row": row, "form": form}, status=status))


@login_required
@require_safe
def note_page(request: PersonRequest, kind: str, item_id: int) -> HttpResponse:
    if kind not in NOTE_KINDS:
        raise Http404("No such kind of item.")
    key = (NOTE_KINDS[kind], item_id)
    goal, version = _goal_for(request, key)
    return _note_page(request, selectors.load_plan(request.user, goal, version).rows[key])


def _save_note(request: PersonRequest, key: progress.ItemKey) -> HttpResponse:
    goal, version = _goal_for(request, key)
    kind, item_id = key
    form = NoteForm(request.POST, row_id=f"{kind}-{item_id}")
    if not form.is_valid():
        # The form again with its errors and what was typed; nothing was written.
        row = selectors.load_plan(request.user, goal, version).rows[key]
        return _note_page(request, row, form, status=400)
    if kind == progress.SKILL:
        changed = services.skill_save_note(user=request.user, skill_id=item_id, **form.cleaned_data)
    else:
        changed = services.milestone_save_note(
            user=request.user, milestone_id=item_id, **form.cleaned_data
        )
    if changed and not request.htmx:
        _, item = selectors.role_structure(goal.role_id, version).items[key]
        messages.success(request, f"Saved your note on {item.name}.")
    return _after_change(request, goal, version, key)


@login_required
@require_POST
def skill_note(request: PersonRequest, skill_id: int) -> HttpResponse:
    return _save_note(request, (progress.SKILL, skill_id))


@login_required
@require_POST
def milestone_note(request: PersonRequest, milestone_id: int) -> HttpResponse:
    return _save_note(request, (progress.MILESTONE, milestone_id))
