from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

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
from careers import compare
from careers.compare import CompareForm
from careers.models import Skill, Stage

from . import burnup_reads, closeness_reads, feedback, page_cache, progress, selectors, services
from .forms import GoalForm, MilestoneDoneForm, NoteForm, ProfileForm, SignupForm, SkillStatusForm
from .http import HttpResponseSeeOther, PersonRequest
from .models import Goal, Profile, SkillProgress, SkillStatus, skill_shown_date

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
        closest = {"closest": _closest_roles(request, goal, version)}
        if goal is None:
            context = {"goal": None, "profile": profile, "choices": selectors.target_choices()}
            return render(request, "tracker/dashboard.html", context | closest | extra), None
        context, until = _dashboard_context(request, goal, profile, version)
        return render(request, "tracker/dashboard.html", context | closest | extra), until

    return page_cache.serve(request, "dashboard", version, render_dashboard)


def _closest_roles(
    request: PersonRequest, goal: Goal | None, version: int | None
) -> list[closeness_reads.NearRole]:
    """The roles the person is closest to, but for their target (2 queries: their done items;
    every published role's checklist comes from the catalog cache)."""
    done = closeness_reads.done_keys(closeness_reads.item_states(request.user))
    return closeness_reads.closest_roles(
        closeness_reads.published_roles(version),
        done,
        exclude_role_id=goal.role_id if goal is not None else None,
    )


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
    until = page_cache.holds_until(window)
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
        **burnup_reads.burnup(request.user, goal=goal, catalog_version=version, pace=pace),
        # Check-offs from the dashboard come back to its list when JavaScript is off.
        "next_url": reverse("tracker:dashboard") + "#next-steps",
    }
    return context, until


@login_required
@require_safe
def role_progress(request: PersonRequest, slug: str) -> HttpResponse:
    """The person on one published role: the personal part of its role page, loaded into it
    with htmx, and a page of its own without JavaScript. The role page itself stays the same
    for everyone signed in in a region, so its kept copy never holds anyone's progress; this
    part is kept per person by their progress version."""
    version = catalog_cache.version()

    def render_page(profile: Profile, extra: dict[str, Any]) -> tuple[HttpResponse, None]:
        published = closeness_reads.published_roles(version)
        role = published.by_slug(slug)
        if role is None:
            raise Http404("No such role.")
        you = closeness_reads.role_progress(
            role,
            published.structures[role.id],
            closeness_reads.item_states(request.user),
            goal=selectors.active_goal(request.user),
        )
        context = {"you": you, "next_url": reverse("tracker:role_progress", args=[slug])}
        return render(request, "tracker/role_progress.html", context | extra), None

    return page_cache.serve(request, f"role:{slug}", version, render_page)


@login_required
@require_safe
def compare_progress(request: PersonRequest) -> HttpResponse:
    """The person on two roles compared: the items left in each and their state of every
    skill, loaded into the compare page (careers:role_compare) with htmx, and a page of its own
    without JavaScript. Kept per person by their progress version, as the role's part is."""
    form = CompareForm(request.GET)
    if not form.is_valid():
        # The compare page only links here with two different roles.
        return _bad_request("Choose two different roles.")
    a_slug, b_slug = form.cleaned_data["a"], form.cleaned_data["b"]
    version = catalog_cache.version()

    def render_page(profile: Profile, extra: dict[str, Any]) -> tuple[HttpResponse, None]:
        a = compare.compare_role(a_slug, version)
        b = compare.compare_role(b_slug, version)
        if a is None or b is None:
            raise Http404("No such role.")
        published = closeness_reads.published_roles(version)
        states = closeness_reads.item_states(request.user)
        done = closeness_reads.done_keys(states)
        groups = compare.skill_groups(a, b)
        query = urlencode({"a": a_slug, "b": b_slug})
        context = {
            "a": a,
            "b": b,
            "left": [closeness_reads.compared_role(published, role.id, done) for role in (a, b)],
            "groups": [
                (
                    title,
                    group,
                    [
                        (pair, closeness_reads.skill_row(pair.skill.id, pair.skill.name, states))
                        for pair in pairs
                    ],
                )
                for title, group, pairs in (
                    ("Both ask for", "both", groups.both),
                    (f"Only {a.name}", "a", groups.only_a),
                    (f"Only {b.name}", "b", groups.only_b),
                )
            ],
            "query": query,
            "next_url": f"{reverse('tracker:compare_progress')}?{query}",
        }
        return render(request, "tracker/compare_progress.html", context | extra), None

    return page_cache.serve(request, f"compare:{a_slug}:{b_slug}", version, render_page)


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


def _goal_for(request: PersonRequest, key: progress.ItemKey) -> tuple[Goal | None, int | None]:
    """The person's goal when the item is on their plan, else None. An item people may not check
    off (unknown, retired, of no published role) is a 404."""
    goal = selectors.active_goal(request.user)
    version = catalog_cache.version()
    if goal is not None and selectors.checkable(
        goal, selectors.role_structure(goal.role_id, version), key
    ):
        return goal, version
    if not selectors.is_published(key, version):
        raise Http404("No such item.")
    return None, version


def _after_change(
    request: PersonRequest, goal: Goal | None, version: int | None, key: progress.ItemKey
) -> HttpResponse:
    """Back to the page the form came from when it says which (`next`), with htmx too: htmx
    follows the redirect and takes the part it needs. Otherwise, for an item on the plan, with
    htmx the item and the figures it changes, and without it the plan at the item."""
    next_url = _safe_next(request)
    if next_url is not None:
        return _varies_on_htmx(HttpResponseSeeOther(next_url))
    kind, item_id = key
    if goal is None:
        return _varies_on_htmx(HttpResponseSeeOther(reverse("tracker:plan")))
    if not request.htmx:
        return _varies_on_htmx(HttpResponseSeeOther(f"{reverse('tracker:plan')}#{kind}-{item_id}"))
    plan = selectors.load_plan(request.user, goal, version)
    if next_url is None:
        # The plan's item shows its comments; the dashboard's, compact, does not.
        feedback.attach_comments(plan, request.user)
    row = plan.rows[key]
    assert row.stage_id is not None  # a row of the plan
    context = {"plan": plan, "row": row, "sp": plan.progress.stage(row.stage_id)}
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
    context = {"row": row, "form": form, "next_url": _safe_next(request)}
    return _varies_on_htmx(render(request, template, context, status=status))


def _row(
    request: PersonRequest, goal: Goal | None, version: int | None, key: progress.ItemKey
) -> selectors.Row:
    """The item's line as the person's plan shows it, or as any other page does."""
    if goal is not None:
        return selectors.load_plan(request.user, goal, version).rows[key]
    row = selectors.item_row(request.user, key, version)
    if row is None:  # retired since _goal_for read the catalog
        raise Http404("No such item.")
    return row


@login_required
@require_safe
def note_page(request: PersonRequest, kind: str, item_id: int) -> HttpResponse:
    if kind not in NOTE_KINDS:
        raise Http404("No such kind of item.")
    key = (NOTE_KINDS[kind], item_id)
    goal, version = _goal_for(request, key)
    return _note_page(request, _row(request, goal, version, key))


def _save_note(request: PersonRequest, key: progress.ItemKey) -> HttpResponse:
    goal, version = _goal_for(request, key)
    kind, item_id = key
    form = NoteForm(request.POST, row_id=f"{kind}-{item_id}")
    if not form.is_valid():
        # The form again with its errors and what was typed; nothing was written.
        return _note_page(request, _row(request, goal, version, key), form, status=400)
    if kind == progress.SKILL:
        changed = services.skill_save_note(user=request.user, skill_id=item_id, **form.cleaned_data)
    else:
        changed = services.milestone_save_note(
            user=request.user, milestone_id=item_id, **form.cleaned_data
        )
    if changed and not request.htmx:
        name = selectors.item_name(goal, key, version)
        messages.success(request, f"Saved your note on {name}." if name else "Saved your note.")
    return _after_change(request, goal, version, key)


@login_required
@require_POST
def skill_note(request: PersonRequest, skill_id: int) -> HttpResponse:
    return _save_note(request, (progress.SKILL, skill_id))


@login_required
@require_POST
def milestone_note(request: PersonRequest, milestone_id: int) -> HttpResponse:
    return _save_note(request, (progress.MILESTONE, milestone_id))


# --- A skill's page: the person's own part ------------------------------------------------------


def _note_form(note: str, evidence_url: str) -> NoteForm:
    form = NoteForm(initial={"note": note, "evidence_url": evidence_url}, row_id="progress")
    # One form among others on the skill page: the page opens where the person is reading.
    form.fields["note"].widget.attrs.pop("autofocus", None)
    return form


@login_required
@require_safe
def skill_progress(request: PersonRequest, slug: str) -> HttpResponse:
    """The person's state of a current skill, their note and evidence, with the forms that change
    them: with htmx, the block the skill page (careers.views.skill_detail) loads into itself;
    otherwise a page of its own, for browsers without JavaScript. Served by the tracker so that
    the catalog's page stays the same for everyone and knows nothing of people's progress."""
    skill = get_object_or_404(Skill.objects.active(), slug=slug)
    row = SkillProgress.objects.filter(user=request.user, skill=skill).first()
    status = row.status if row is not None else SkillStatus.NOT_STARTED
    note = row.note if row is not None else ""
    evidence_url = row.evidence_url if row is not None else ""
    if request.htmx:
        next_url = f"{skill.get_absolute_url()}#your-progress"
    else:
        next_url = reverse("tracker:skill_progress", kwargs={"slug": skill.slug})
    context = {
        "skill": skill,
        "status": status,
        "since": skill_shown_date(status, row.started_at, row.completed_at) if row else None,
        "note": note,
        "evidence_url": evidence_url,
        "statuses": SkillStatus.choices,
        "form": _note_form(note, evidence_url),
        "next_url": next_url,
    }
    template = "tracker/skill_progress.html"
    return _varies_on_htmx(
        render(request, f"{template}#progress" if request.htmx else template, context)
    )
