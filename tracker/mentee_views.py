"""/mentoring/<username>/: what a mentor sees of a person who let them, read-only, and the
comments the mentor leaves on the items of that person's plan; and the person hiding a comment.

Every request finds the accepted relation in the query that checks it: anyone else (an outsider,
an ex-mentor, an invitee who declined or has not answered, the person themself) gets a 404, and
a relation ended is so from the next request on. Only then is the page served, from a copy kept
under the relation, the person's progress version and the catalog version (careers.page_cache),
as the person's own pages are; browsers keep none.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from careers import cache as catalog_cache
from careers import page_cache

from . import burnup_reads, feedback, mentors, progress, selectors
from .feedback import CommentForm, CommentHiddenForm
from .http import HttpResponseSeeOther, PersonRequest
from .models import EventKind, ItemComment, Mentorship
from .page_cache import digest, holds_until

TEMPLATE = "tracker/mentee.html"
ITEM_KINDS: dict[str, progress.ItemKind] = {
    "skill": progress.SKILL,
    "milestone": progress.MILESTONE,
}
# What the mentor's page lists of the person's history: their progress, not their notes' dates
# or what other mentors wrote.
SHOWN_EVENTS = [EventKind.SKILL, EventKind.MILESTONE, EventKind.GOAL]


def _relation(request: PersonRequest, username: str) -> Mentorship:
    """The accepted relation through which the signed-in mentor sees `username`, with the
    person's name and progress version (1 query)."""
    return get_object_or_404(
        Mentorship.objects.accepted()
        .select_related("person")
        .annotate(
            person_name=mentors.person_name_in_query("person"),
            progress_version=F("person__profile__progress_version"),
        ),
        mentor=request.user,
        person__username=username,
    )


def _page_url(relation: Mentorship, anchor: str = "") -> str:
    url = reverse("tracker:mentee", args=[relation.person.get_username()])
    return f"{url}#{anchor}" if anchor else url


def _render(
    request: PersonRequest,
    relation: Mentorship,
    version: int | None,
    extra: dict[str, Any],
    *,
    form: CommentForm | None = None,
    form_for: str = "",
    status: int = 200,
) -> tuple[HttpResponse, datetime | None]:
    """The person's progress as their mentor sees it, and until when it holds (its pace counts
    the last four weeks); `form`, when given, is the comment form of `form_for` (an item's or a
    comment's id on the page) sent back with its errors."""
    person = relation.person
    goal = selectors.active_goal(person)
    context: dict[str, Any] = {
        "relation": relation,
        "name": getattr(relation, "person_name", person.get_username()),
        "form": form,
        "form_for": form_for,
        "max_length": feedback.COMMENT_MAX_LENGTH,
    }
    until = None
    if goal is not None:
        plan = selectors.load_plan(person, goal, version)
        feedback.attach_comments(plan, person, author=request.user)
        window = plan.pace(timezone.now())
        until = holds_until(window)
        context |= {
            "plan": plan,
            "events": selectors.recent_events(person, kinds=SHOWN_EVENTS),
            **burnup_reads.burnup(person, goal=goal, catalog_version=version, pace=window.per_week),
        }
    return render(request, TEMPLATE, context | extra, status=status), until


def _page(
    request: PersonRequest,
    relation: Mentorship,
    *,
    form: CommentForm | None = None,
    form_for: str = "",
    status: int = 200,
) -> HttpResponse:
    """The page rendered for this request alone: a comment form sent back with its errors."""
    version = catalog_cache.version()
    return _render(request, relation, version, {}, form=form, form_for=form_for, status=status)[0]


@never_cache
@login_required
@require_safe
def mentee(request: PersonRequest, username: str) -> HttpResponse:
    relation = _relation(request, username)
    version = catalog_cache.version()
    progress_version = getattr(relation, "progress_version", None)
    key = None
    if version is not None and progress_version is not None:
        # The page names both: the mentor in the navigation, the person in its heading.
        names = digest(
            (
                request.user.get_username(),
                relation.person.get_username(),
                getattr(relation, "person_name", ""),
            )
        )
        key = (
            f"page:mentee:{request.user.pk}:{relation.pk}:{int(relation.shows_notes)}:{names}"
            f":{relation.person_id}:{progress_version}:catalog:{version}"
        )
    return page_cache.serve(
        request,
        key,
        lambda extra: _render(request, relation, version, extra),
        timeout=settings.PERSONAL_PAGE_CACHE_TIMEOUT,
    )


def _item_on_plan(relation: Mentorship, kind: str, item_id: int) -> progress.ItemKey:
    """The item, when it is on the person's plan now; anything else is a 404."""
    if kind not in ITEM_KINDS:
        raise Http404("No such kind of item.")
    key = (ITEM_KINDS[kind], item_id)
    goal = selectors.active_goal(relation.person)
    version = catalog_cache.version()
    if goal is None or not selectors.checkable(
        goal, selectors.role_structure(goal.role_id, version), key
    ):
        raise Http404("This item is not on their plan.")
    return key


@login_required
@require_POST
def comment_add(request: PersonRequest, username: str, kind: str, item_id: int) -> HttpResponse:
    relation = _relation(request, username)
    key = _item_on_plan(relation, kind, item_id)
    form = CommentForm(request.POST)
    dom_id = f"{key[0]}-{key[1]}"
    if not form.is_valid():
        return _page(request, relation, form=form, form_for=dom_id, status=400)
    feedback.comment_add(mentorship=relation, item=key, text=form.cleaned_data["text"])
    messages.success(request, "Your comment is saved; they see it on their plan.")
    return HttpResponseSeeOther(_page_url(relation, dom_id))


def _own_comment(request: PersonRequest, relation: Mentorship, comment_id: int) -> ItemComment:
    # Someone else's comment, or one on someone else, is a 404 as one that does not exist.
    return get_object_or_404(
        ItemComment, pk=comment_id, author=request.user, person_id=relation.person_id
    )


@login_required
@require_POST
def comment_edit(request: PersonRequest, username: str, comment_id: int) -> HttpResponse:
    relation = _relation(request, username)
    comment = _own_comment(request, relation, comment_id)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _page(request, relation, form=form, form_for=f"comment-{comment.pk}", status=400)
    if feedback.comment_edit(mentorship=relation, comment=comment, text=form.cleaned_data["text"]):
        messages.success(request, "Your comment is changed.")
    key = feedback.item_key(comment)
    return HttpResponseSeeOther(_page_url(relation, f"{key[0]}-{key[1]}"))


@login_required
@require_POST
def comment_delete(request: PersonRequest, username: str, comment_id: int) -> HttpResponse:
    relation = _relation(request, username)
    comment = _own_comment(request, relation, comment_id)
    if feedback.comment_delete(mentorship=relation, comment=comment):
        messages.success(request, "Your comment is deleted.")
    key = feedback.item_key(comment)
    return HttpResponseSeeOther(_page_url(relation, f"{key[0]}-{key[1]}"))


@login_required
@require_POST
def comment_hidden(request: PersonRequest, comment_id: int) -> HttpResponse:
    """The person hides a comment on their plan, or shows it again."""
    comment = get_object_or_404(ItemComment, pk=comment_id, person=request.user)
    form = CommentHiddenForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Say hidden=1 or hidden=0.", status=400)
    hidden = form.cleaned_data["hidden"]
    if feedback.comment_set_hidden(person=request.user, comment=comment, hidden=hidden):
        messages.success(request, "Comment hidden." if hidden else "Comment shown again.")
    key = feedback.item_key(comment)
    return HttpResponseSeeOther(f"{reverse('tracker:plan')}#{key[0]}-{key[1]}")
