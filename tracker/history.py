"""/history/: the person's whole log of changes, newest first, a page at a time, with the burn-up
chart of their progress."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from . import burnup_reads
from .forms import HistoryFilterForm
from .http import PersonRequest
from .models import ProgressEvent

EVENTS_PER_PAGE = 50


@login_required
@require_safe
def history(request: PersonRequest) -> HttpResponse:
    form = HistoryFilterForm(request.GET)
    # A kind no form offers lists every change, with the form saying why (a 400: no form sends it).
    kind = form.cleaned_data["kind"] if form.is_valid() else ""
    events = ProgressEvent.objects.filter(user=request.user).select_related(
        "skill", "milestone", "goal__role", "goal__target_stage", "mentorship__mentor__profile"
    )
    if kind:
        events = events.filter(kind=kind)
    # get_page() turns a page number that is not one into the first page, and one past the end
    # into the last.
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "kind": kind,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1),
        "page_query": urlencode({"kind": kind}) + "&" if kind else "",
        **burnup_reads.burnup(request.user),
    }
    status = 400 if form.errors else 200
    return render(request, "tracker/history.html", context, status=status)
