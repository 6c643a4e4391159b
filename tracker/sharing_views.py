"""/settings/sharing/, where a person makes and revokes a read-only link, and /p/<token>/, the
page it opens for anyone who has it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from careers import cache as catalog_cache

from . import burnup_reads, selectors, sharing
from .forms import ShareCreateForm, ShareOptionsForm
from .http import HttpResponseSeeOther, PersonRequest
from .models import ShareLink

SETTINGS_TEMPLATE = "tracker/share_settings.html"


def _settings_page(
    request: PersonRequest, form: ShareCreateForm | None = None, status: int = 200
) -> HttpResponse:
    link = sharing.live_link(request.user)
    # The link just made, shown this once: only its hash is kept.
    token = request.session.pop(sharing.NEW_TOKEN_SESSION_KEY, None)
    new_url = None
    if token and link is not None and sharing.token_hash(token) == link.token_hash:
        new_url = request.build_absolute_uri(reverse("tracker:share_page", args=[token]))
    if form is None:
        initial = {"shows_notes": link.shows_notes if link else False}
        form = ShareCreateForm(initial=initial | {"replaces": link.pk if link else None})
    context = {
        "link": link,
        "new_url": new_url,
        "form": form,
        "options": ShareOptionsForm(initial={"shows_notes": link.shows_notes}) if link else None,
        "profile": selectors.profile(request.user),
        "no_name": sharing.NO_NAME,
    }
    return render(request, SETTINGS_TEMPLATE, context, status=status)


@login_required
@require_safe
def share_settings(request: PersonRequest) -> HttpResponse:
    return _settings_page(request)


def _back() -> HttpResponse:
    return HttpResponseSeeOther(reverse("tracker:share_settings"))


@login_required
@require_POST
def share_create(request: PersonRequest) -> HttpResponse:
    form = ShareCreateForm(request.POST)
    if not form.is_valid():
        return _settings_page(request, form, status=400)
    made = sharing.share_link_create(
        user=request.user,
        shows_notes=form.cleaned_data["shows_notes"],
        replaces=form.cleaned_data["replaces"],
    )
    if made is not None:
        _, token = made
        request.session[sharing.NEW_TOKEN_SESSION_KEY] = token
    # A second click of the same form makes nothing, and leaves the session alone so that the
    # page it lands on still shows the link the first one made.
    return _back()


def _own_link(request: PersonRequest, link_id: int) -> ShareLink:
    # Someone else's link is a 404, as a link that does not exist.
    return get_object_or_404(ShareLink, pk=link_id, user=request.user)


@login_required
@require_POST
def share_options(request: PersonRequest, link_id: int) -> HttpResponse:
    link = _own_link(request, link_id)
    form = ShareOptionsForm(request.POST)
    if not form.is_valid():  # a checkbox cannot be wrong; kept for the shape of every form
        return HttpResponse("Bad request.", status=400)
    if sharing.share_link_set_notes(link=link, shows_notes=form.cleaned_data["shows_notes"]):
        shown = "shows" if form.cleaned_data["shows_notes"] else "no longer shows"
        messages.success(request, f"Your link {shown} your notes and evidence links.")
    return _back()


@login_required
@require_POST
def share_revoke(request: PersonRequest, link_id: int) -> HttpResponse:
    if sharing.share_link_revoke(link=_own_link(request, link_id)):
        messages.success(request, "Your link is revoked: it opens nothing any more.")
    return _back()


def _done(section: selectors.Section) -> list[selectors.Row]:
    return [
        row for row in (*section.required, *section.recommended, *section.milestones) if row.done
    ]


@never_cache
@require_safe
def share_page(request: HttpRequest, token: str) -> HttpResponse:
    """The owner's progress, read-only, for whoever has the link. Never kept whole by any
    cache (never_cache: private, no-store), so a revoked link is a 404 from the next request."""
    found = sharing.shared_link(token)
    if found is None:
        raise Http404("No such link.")
    link, name = found
    owner = link.user
    if request.method == "GET" and request.user.pk != owner.pk:
        # The owner looking at their own page is not a view, nor is a HEAD.
        sharing.share_link_viewed(link)
    goal = selectors.active_goal(owner)
    version = catalog_cache.version()
    plan = selectors.load_plan(owner, goal, version) if goal else None
    context = {
        **(burnup_reads.burnup(owner, goal=goal, catalog_version=version) if goal else {}),
        "link": link,
        "name": name,
        "name_start": sharing.NO_NAME_START if name == sharing.NO_NAME else name,
        "plan": plan,
        # Each stage on the way with the items done in it (recommended skills too), in plan order.
        "stages": [
            (
                section,
                [
                    r
                    for r in (*section.required, *section.recommended, *section.milestones)
                    if r.done
                ],
            )
            for section in (plan.sections if plan else [])
        ],
    }
    response = render(request, "tracker/share_page.html", context)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
