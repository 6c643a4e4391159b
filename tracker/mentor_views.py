"""/settings/mentors/, where a person invites mentors and ends or changes what they share, and
/mentoring/, where a mentor answers invitations and follows everyone who shares with them."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST, require_safe

from careers import cache as catalog_cache
from careers import page_cache
from careers.templatetags.dates import short_date

from . import mentors, team_reads
from .account_data import attachment, csv_cell
from .forms import MentorInviteForm, MentorNotesForm
from .http import HttpResponseSeeOther, PersonRequest
from .mentors import Invite
from .page_cache import digest
from .team_reads import Column

SETTINGS_TEMPLATE = "tracker/mentors_settings.html"
TEAM_CSV_FILENAME = "pathwise-team.csv"


def _settings_page(
    request: PersonRequest, form: MentorInviteForm | None = None, status: int = 200
) -> HttpResponse:
    now = timezone.now()
    relations = [
        (m, name, MentorNotesForm(initial={"shows_notes": m.shows_notes}, auto_id=f"m{m.pk}-%s"))
        for m, name in mentors.person_mentors(request.user, now)
    ]
    context = {
        "form": form or MentorInviteForm(),
        "accepted": [r for r in relations if r[0].status == "accepted"],
        "pending": [r for r in relations if r[0].status == "pending"],
    }
    return render(request, SETTINGS_TEMPLATE, context, status=status)


def _to_settings() -> HttpResponse:
    return HttpResponseSeeOther(reverse("tracker:mentors_settings"))


def _to_team() -> HttpResponse:
    return HttpResponseSeeOther(reverse("tracker:mentoring"))


@login_required
@require_safe
def mentors_settings(request: PersonRequest) -> HttpResponse:
    return _settings_page(request)


@login_required
@require_POST
def mentor_invite(request: PersonRequest) -> HttpResponse:
    form = MentorInviteForm(request.POST)
    if not form.is_valid():
        return _settings_page(request, form, status=400)
    result = mentors.mentorship_invite(
        person=request.user,
        who=form.cleaned_data["who"],
        shows_notes=form.cleaned_data["shows_notes"],
    )
    problems = {
        # The same words whether nobody has that username or that address, and whether an
        # account is inactive or missing: nothing more than whether an invitation can be sent.
        Invite.UNKNOWN: "No Pathwise account has that username or email address. Check it, or "
        "ask them for the username they sign in with. Nobody was invited.",
        Invite.AMBIGUOUS: "More than one account has that email address: use their username "
        "instead. Nobody was invited.",
        Invite.SELF: "That is your own account: invite someone else to mentor you.",
    }
    if result.outcome in problems:
        form.add_error("who", problems[result.outcome])
        return _settings_page(request, form, status=400)
    if result.outcome == Invite.SENT:
        messages.success(
            request,
            f"{result.name} is invited. They have until "
            f"{short_date(result.mentorship.expires_at) if result.mentorship else ''} to accept "
            "on their Mentoring page.",
        )
    elif result.outcome == Invite.ALREADY_MENTOR:
        messages.info(request, f"{result.name} already mentors you. Nothing changed.")
    else:
        messages.info(
            request,
            f"{result.name} already has your invitation, waiting for an answer. Nothing changed.",
        )
    return _to_settings()


@login_required
@require_POST
def mentor_notes(request: PersonRequest, mentorship_id: int) -> HttpResponse:
    form = MentorNotesForm(request.POST)
    if not form.is_valid():  # a checkbox cannot be wrong; kept for the shape of every form
        return HttpResponse("Bad request.", status=400)
    shows_notes = form.cleaned_data["shows_notes"]
    found = mentors.mentorship_set_notes(
        person=request.user, mentorship_id=mentorship_id, shows_notes=shows_notes
    )
    if found is None:
        raise Http404("No such mentor.")
    shown = "sees" if shows_notes else "no longer sees"
    messages.success(request, f"{mentors.mentor_name(found)} {shown} your notes and evidence.")
    return _to_settings()


@login_required
@require_POST
def mentor_end(request: PersonRequest, mentorship_id: int) -> HttpResponse:
    found = mentors.mentorship_end(user=request.user, mentorship_id=mentorship_id, as_mentor=False)
    if found is None:
        raise Http404("No such mentor.")
    messages.success(
        request, f"{mentors.mentor_name(found)} no longer sees your progress, from now on."
    )
    return _to_settings()


# --- The mentor's side --------------------------------------------------------------------------


def _sorting(request: PersonRequest) -> tuple[Column, bool]:
    # Anything else in the address sorts by name, as the page first shows it.
    sort = request.GET.get("sort", "")
    column = Column(sort) if sort in Column.__members__.values() else Column.NAME
    return column, request.GET.get("dir") == "desc"


@login_required
@require_safe
def mentoring(request: PersonRequest) -> HttpResponse:
    """The team page, kept whole under everything it shows (careers.page_cache): the relations
    and each member's data version, the invitations waiting, the sort and the catalog version,
    all read first (the account, then the relations and invitations: 2 queries), and until the
    first 28-day count or invitation runs out."""
    now = timezone.now()
    column, descending = _sorting(request)
    relations, invitations = team_reads.mentor_side(request.user, now)
    version = catalog_cache.version()
    key = None
    if version is not None:
        # The page names the mentor by username where they have no display name; an
        # invitation's repr says all the page shows of it.
        key = (
            f"page:mentoring:{request.user.pk}:{digest(request.user.get_username())}"
            f":{digest(relations)}:{digest(invitations)}"
            f":{column.value}:{int(descending)}:catalog:{version}"
        )

    def render_page(extra: dict[str, Any]) -> tuple[HttpResponse, datetime | None]:
        members = team_reads.sort_team(team_reads.team(relations, version, now), column, descending)
        headers = []
        for each in Column:
            current = each == column
            flip = "asc" if current and descending else ("desc" if current else "asc")
            headers.append(
                {
                    "column": each.value,
                    "label": team_reads.COLUMN_LABELS[each],
                    "url": "?" + urlencode({"sort": each.value, "dir": flip}),
                    "aria_sort": ("descending" if descending else "ascending") if current else "",
                }
            )
        query = urlencode({"sort": column.value, "dir": "desc" if descending else "asc"})
        context = {
            "invitations": invitations,
            "members": members,
            "headers": headers,
            "csv_url": f"{reverse('tracker:team_csv')}?{query}",
        }
        ends = [m.figures.until for m in members if m.figures.until is not None]
        ends += [invitation.expires_at for invitation in invitations]
        response = render(request, "tracker/mentoring.html", context | extra)
        return response, min(ends) if ends else None

    return page_cache.serve(request, key, render_page, timeout=settings.PERSONAL_PAGE_CACHE_TIMEOUT)


@login_required
@require_safe
def team_csv(request: PersonRequest) -> HttpResponse:
    column, descending = _sorting(request)
    relations, _ = team_reads.mentor_side(request.user, timezone.now())
    members = team_reads.sort_team(
        team_reads.team(relations, catalog_cache.version(), timezone.now()), column, descending
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["username", *(team_reads.COLUMN_LABELS[c] for c in Column)])
    for member in members:
        figures = member.figures
        row = [
            member.username,
            member.name,
            figures.target,
            figures.percent,
            figures.stage,
            figures.recent,
            figures.last_activity,
        ]
        writer.writerow([csv_cell(value) for value in row])
    response = HttpResponse(
        buffer.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8"
    )
    return attachment(response, TEAM_CSV_FILENAME)


def _answer(request: PersonRequest, mentorship_id: int, *, accept: bool) -> HttpResponse:
    answer = mentors.mentorship_accept if accept else mentors.mentorship_decline
    found = answer(mentor=request.user, mentorship_id=mentorship_id)
    if found is None:
        # Not addressed to this account, answered already, withdrawn or expired: all alike.
        raise Http404("No such invitation waiting for you.")
    name = mentors.person_of(found)
    if accept:
        messages.success(request, f"You now mentor {name}: they are on your team below.")
    else:
        messages.success(request, f"You declined the invitation from {name}.")
    return _to_team()


@login_required
@require_POST
def invitation_accept(request: PersonRequest, mentorship_id: int) -> HttpResponse:
    return _answer(request, mentorship_id, accept=True)


@login_required
@require_POST
def invitation_decline(request: PersonRequest, mentorship_id: int) -> HttpResponse:
    return _answer(request, mentorship_id, accept=False)


@login_required
@require_POST
def mentee_end(request: PersonRequest, mentorship_id: int) -> HttpResponse:
    found = mentors.mentorship_end(user=request.user, mentorship_id=mentorship_id, as_mentor=True)
    if found is None:
        raise Http404("No such person on your team.")
    messages.success(request, f"You no longer mentor {mentors.person_of(found)}.")
    return _to_team()
