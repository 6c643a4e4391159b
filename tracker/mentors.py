"""Mentors: a person invites someone to see their progress, the invitee accepts or declines, and
either of them ends it. Every change is an event in the person's history and moves the person's
progress version, in the same transaction.

An invitation is addressed to one account and can be answered by that account alone, once, while
it is pending and not expired: every lookup below names the party in the query, so anyone else
finds nothing (a 404 in the views).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import transaction
from django.db.models import Case, CharField, F, Max, Q, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from . import progress, selectors
from .models import (
    MENTORSHIP_INVITATION_DAYS,
    EventKind,
    Goal,
    Mentorship,
    MentorshipQuerySet,
    MentorshipStatus,
    MilestoneProgress,
    ProgressEvent,
    SkillProgress,
    SkillStatus,
)
from .services import mark_changed

# A mentor event's `to_state` (its `from_state`: the relation's status before).
INVITED = "invited"
ACCEPTED = "accepted"
DECLINED = "declined"
ENDED_BY_PERSON = "ended_by_person"
ENDED_BY_MENTOR = "ended_by_mentor"
EVENT_STATES = {INVITED, ACCEPTED, DECLINED, ENDED_BY_PERSON, ENDED_BY_MENTOR}
EVENT_FROM_STATES = {"", MentorshipStatus.PENDING.value, MentorshipStatus.ACCEPTED.value}
# What a mentor event says when the mentor's account is gone.
FORMER_MENTOR = "A former mentor"


def person_name(display_name: str | None, username: str) -> str:
    """How Pathwise names someone to another person: their display name, else their username,
    never their email address."""
    return display_name or username


def person_name_in_query(account: str) -> Coalesce:
    """`person_name` as a query computes it, for the account at `account` (a path from the
    query's model)."""
    return Coalesce(
        NullIf(F(f"{account}__profile__display_name"), Value("")),
        F(f"{account}__username"),
        output_field=CharField(),
    )


def describe(to_state: str, from_state: str, mentor: str | None) -> str:
    """One line of the person's history for a mentor event, e.g. "Ana accepted your invitation"."""
    name = mentor or FORMER_MENTOR
    if to_state == INVITED:
        return f"You invited {mentor or 'a mentor'} to mentor you"
    if to_state == ACCEPTED:
        return f"{name} accepted your invitation"
    if to_state == DECLINED:
        return f"{name} declined your invitation"
    if to_state == ENDED_BY_PERSON and from_state == MentorshipStatus.PENDING:
        return f"Invitation to {mentor or 'a mentor'} withdrawn by you"
    if to_state == ENDED_BY_PERSON:
        return f"Mentoring with {mentor or 'a former mentor'} ended by you"
    if to_state == ENDED_BY_MENTOR:
        return f"Mentoring with {mentor or 'a former mentor'} ended by {mentor or 'them'}"
    return f"Mentoring with {mentor or 'a former mentor'}: {to_state}"


def event_mentor_name(event: ProgressEvent) -> str | None:
    """The mentor a mentor event names (None once their account is gone). Reads no more than the
    event's query selected: `mentorship__mentor__profile`."""
    if event.mentorship is None:
        return None
    return _name(event.mentorship.mentor)


# --- Writes -------------------------------------------------------------------------------------


class Invite(StrEnum):
    SENT = "sent"
    SELF = "self"
    UNKNOWN = "unknown"
    AMBIGUOUS = "ambiguous"
    ALREADY_INVITED = "already_invited"
    ALREADY_MENTOR = "already_mentor"


@dataclass(frozen=True)
class InviteResult:
    outcome: Invite
    mentorship: Mentorship | None = None
    # The invitee's name as the person sees it, when there is one account to name.
    name: str = ""


def _find_account(who: str) -> list[User]:
    """Active accounts with this username, or else with this email address (any case)."""
    who = who.strip()
    if not who:
        return []
    by_username = list(User.objects.filter(username=who, is_active=True).select_related("profile"))
    if by_username or "@" not in who:
        return by_username
    return list(User.objects.filter(email__iexact=who, is_active=True).select_related("profile"))


def _name(user: User) -> str:
    # An account without a profile raises an AttributeError here, as getattr() expects.
    profile = getattr(user, "profile", None)
    return person_name(profile.display_name if profile else "", user.get_username())


def mentor_name(mentorship: Mentorship) -> str:
    return _name(mentorship.mentor)


def person_of(mentorship: Mentorship) -> str:
    """The name of the person who shares their progress."""
    return _name(mentorship.person)


def _record(mentorship: Mentorship, *, before: str, after: str) -> None:
    ProgressEvent.objects.create(
        user_id=mentorship.person_id,
        kind=EventKind.MENTOR,
        mentorship=mentorship,
        from_state=before,
        to_state=after,
    )
    mark_changed(mentorship.person_id)


@transaction.atomic
def mentorship_invite(
    *, person: User, who: str, shows_notes: bool, now: datetime | None = None
) -> InviteResult:
    """Invite the account named by username or email address `who` to mentor `person`."""
    now = now or timezone.now()
    found = _find_account(who)
    if not found:
        return InviteResult(Invite.UNKNOWN)
    if len(found) > 1:
        return InviteResult(Invite.AMBIGUOUS)
    mentor = found[0]
    if mentor.pk == person.pk:
        return InviteResult(Invite.SELF)
    # Two posts at once (a double click) queue on the person's row: the second sees the first's.
    User.objects.select_for_update().filter(pk=person.pk).first()
    pair = Mentorship.objects.filter(person=person, mentor=mentor)
    # An invitation nobody answered in time no longer holds the pair's one open place.
    pair.filter(status=MentorshipStatus.PENDING, expires_at__lte=now).update(
        status=MentorshipStatus.EXPIRED
    )
    open_one = pair.filter(status__in=[MentorshipStatus.PENDING, MentorshipStatus.ACCEPTED]).first()
    if open_one is not None:
        outcome = (
            Invite.ALREADY_MENTOR
            if open_one.status == MentorshipStatus.ACCEPTED
            else Invite.ALREADY_INVITED
        )
        return InviteResult(outcome, open_one, _name(mentor))
    mentorship = Mentorship.objects.create(
        person=person,
        mentor=mentor,
        shows_notes=shows_notes,
        expires_at=now + timedelta(days=MENTORSHIP_INVITATION_DAYS),
    )
    _record(mentorship, before="", after=INVITED)
    return InviteResult(Invite.SENT, mentorship, _name(mentor))


def _answer(mentor: User, mentorship_id: int, now: datetime, status: str) -> Mentorship | None:
    found = (
        Mentorship.objects.pending(now)
        .select_for_update()
        .filter(pk=mentorship_id, mentor=mentor)
        .first()
    )
    if found is None:
        return None
    found.status, found.responded_at = status, now
    found.save(update_fields=["status", "responded_at"])
    _record(found, before=MentorshipStatus.PENDING, after=status)
    return found


@transaction.atomic
def mentorship_accept(
    *, mentor: User, mentorship_id: int, now: datetime | None = None
) -> Mentorship | None:
    """Accept an invitation addressed to `mentor`; None when there is no such pending one."""
    return _answer(mentor, mentorship_id, now or timezone.now(), MentorshipStatus.ACCEPTED)


@transaction.atomic
def mentorship_decline(
    *, mentor: User, mentorship_id: int, now: datetime | None = None
) -> Mentorship | None:
    """Decline an invitation addressed to `mentor`; None when there is no such pending one."""
    return _answer(mentor, mentorship_id, now or timezone.now(), MentorshipStatus.DECLINED)


@transaction.atomic
def mentorship_end(
    *, user: User, mentorship_id: int, as_mentor: bool, now: datetime | None = None
) -> Mentorship | None:
    """End a relation `user` is party to: the person ends an invitation or a relation, the
    mentor a relation they accepted (an invitation they decline). None when `user` has no such
    open one on that side."""
    now = now or timezone.now()
    if as_mentor:
        rows = Mentorship.objects.accepted().filter(mentor=user)
    else:
        rows = open_for_person(user, now).select_related(None)
    found = rows.select_for_update().filter(pk=mentorship_id).first()
    if found is None:
        return None
    before = found.status
    found.status, found.ended_at, found.ended_by = MentorshipStatus.ENDED, now, user
    found.save(update_fields=["status", "ended_at", "ended_by"])
    _record(found, before=before, after=ENDED_BY_MENTOR if as_mentor else ENDED_BY_PERSON)
    return found


@transaction.atomic
def mentorship_set_notes(
    *, person: User, mentorship_id: int, shows_notes: bool, now: datetime | None = None
) -> Mentorship | None:
    """Whether the mentor of one of the person's open relations sees their notes and evidence.
    None when the person has no such open relation."""
    now = now or timezone.now()
    found = (
        open_for_person(person, now)
        .select_for_update()
        .filter(pk=mentorship_id)
        .select_related(None)
        .first()
    )
    if found is None:
        return None
    if found.shows_notes != shows_notes:
        found.shows_notes = shows_notes
        found.save(update_fields=["shows_notes"])
        # What the mentor's pages of this person show changes with it.
        mark_changed(person)
    return found


# --- Reads --------------------------------------------------------------------------------------


def open_for_person(person: User, now: datetime) -> MentorshipQuerySet:
    """The person's mentors and their invitations still waiting, newest first."""
    return (
        Mentorship.objects.filter(person=person)
        .filter(
            Q(status=MentorshipStatus.ACCEPTED)
            | Q(status=MentorshipStatus.PENDING, expires_at__gt=now)
        )
        .select_related("mentor__profile")
    )


def person_mentors(person: User, now: datetime) -> list[tuple[Mentorship, str]]:
    """Each open relation of the person with the mentor's name (1 query)."""
    return [(m, _name(m.mentor)) for m in open_for_person(person, now)]


@dataclass(frozen=True)
class Figures:
    """Where one member of a team stands, from their own data (kept by their data's version)."""

    target: str | None = None
    percent: int | None = None
    stage: str | None = None
    # Counting items done in the pace window (progress.pace_window): the last 28 days.
    recent: int | None = None
    last_activity: datetime | None = None
    # When `recent` next changes by time alone.
    until: datetime | None = None


@dataclass(frozen=True)
class Member:
    mentorship_id: int
    username: str
    name: str
    figures: Figures


class Column(StrEnum):
    NAME = "name"
    TARGET = "target"
    PERCENT = "percent"
    STAGE = "stage"
    RECENT = "recent"
    ACTIVITY = "activity"


COLUMN_LABELS = {
    Column.NAME: "Name",
    Column.TARGET: "Target",
    Column.PERCENT: "Progress",
    Column.STAGE: "Current stage",
    Column.RECENT: "Done in 28 days",
    Column.ACTIVITY: "Last activity",
}


def _sort_value(member: Member, column: Column) -> object:
    figures = member.figures
    return {
        Column.NAME: member.name.casefold(),
        Column.TARGET: figures.target.casefold() if figures.target else None,
        Column.PERCENT: figures.percent,
        Column.STAGE: figures.stage.casefold() if figures.stage else None,
        Column.RECENT: figures.recent,
        Column.ACTIVITY: figures.last_activity,
    }[column]


def sort_team(members: Iterable[Member], column: Column, descending: bool) -> list[Member]:
    """By `column`, then by name; members without a value (no target, no activity) last."""
    by_name = sorted(members, key=lambda m: (m.name.casefold(), m.username))
    if column == Column.NAME:
        return by_name[::-1] if descending else by_name
    known = [m for m in by_name if _sort_value(m, column) is not None]
    unknown = [m for m in by_name if _sort_value(m, column) is None]
    # sorted() is stable, so equal values keep the order by name either way.
    known.sort(key=lambda m: _sort_value(m, column), reverse=descending)  # type: ignore[arg-type, return-value]
    return known + unknown


def _figures(ids: list[int], catalog_version: int | None, now: datetime) -> dict[int, Figures]:
    """Each person's figures, by the progress rules (4 queries whatever the team's size, and the
    checklist of each role from the catalog cache)."""
    goals = {
        goal.user_id: goal
        for goal in Goal.objects.current()
        .filter(user_id__in=ids)
        .select_related("role", "target_stage")
    }
    done: dict[int, set[progress.ItemKey]] = {pk: set() for pk in ids}
    completions: dict[int, dict[progress.ItemKey, datetime]] = {pk: {} for pk in ids}

    def add(user_id: int, key: progress.ItemKey, at: datetime | None) -> None:
        done[user_id].add(key)
        if at is not None:
            completions[user_id][key] = at

    for user_id, skill_id, completed_at in SkillProgress.objects.filter(
        user_id__in=ids, status=SkillStatus.DONE
    ).values_list("user_id", "skill_id", "completed_at"):
        add(user_id, (progress.SKILL, skill_id), completed_at)
    for user_id, milestone_id, completed_at in MilestoneProgress.objects.filter(
        user_id__in=ids, completed_at__isnull=False
    ).values_list("user_id", "milestone_id", "completed_at"):
        add(user_id, (progress.MILESTONE, milestone_id), completed_at)
    # A person's own changes: what their mentors do is not their activity.
    last_activity = dict(
        ProgressEvent.objects.filter(user_id__in=ids)
        .exclude(kind=EventKind.MENTOR)
        .values("user_id")
        .annotate(last=Max("created_at"))
        .values_list("user_id", "last")
    )
    figures = {}
    for pk in ids:
        goal = goals.get(pk)
        if goal is None:
            figures[pk] = Figures(last_activity=last_activity.get(pk))
            continue
        structure = selectors.role_structure(goal.role_id, catalog_version)
        stages = structure.plan_stages(goal.target_stage)
        result = progress.compute(stages, target_stage_id=goal.target_stage_id, done=done[pk])
        window = progress.pace_window(completions[pk], now=now, counted=result.counting_keys)
        figures[pk] = Figures(
            target=f"{goal.role.name}: {goal.target_stage.title}",
            percent=result.percent,
            stage=result.current.stage.title if result.current else None,
            recent=window.completed,
            last_activity=last_activity.get(pk),
            until=window.until,
        )
    return figures


# Each accepted relation as the team page reads it on every request: the relation's id, the
# person's id, username, display name and data version.
Relation = tuple[int, int, str, str | None, int | None]


@dataclass(frozen=True)
class Invitation:
    """An invitation waiting for the mentor's answer, with the name of who sent it."""

    pk: int
    name: str
    shows_notes: bool
    expires_at: datetime


def mentor_side(mentor: User, now: datetime) -> tuple[list[Relation], list[Invitation]]:
    """Everyone who shares their progress with `mentor` now, and the invitations waiting for
    their answer, oldest first (1 query: a relation that ends is gone from the next read)."""
    pending = Q(status=MentorshipStatus.PENDING, expires_at__gt=now)
    rows = (
        Mentorship.objects.filter(Q(status=MentorshipStatus.ACCEPTED) | pending, mentor=mentor)
        # Only an invitation's end is shown: a team's hundred relations need no dates read.
        .annotate(ends=Case(When(status=MentorshipStatus.PENDING, then=F("expires_at"))))
        .order_by("pk")
        .values_list(
            "pk",
            "person_id",
            "person__username",
            "person__profile__display_name",
            "person__profile__progress_version",
            "shows_notes",
            "ends",
        )
    )
    relations: list[Relation] = []
    invitations: list[Invitation] = []
    for pk, person_id, username, name, version, shows_notes, ends in rows:
        if ends is None:
            relations.append((pk, person_id, username, name, version))
        else:
            invitations.append(Invitation(pk, person_name(name, username), shows_notes, ends))
    return sorted(relations, key=lambda r: r[1]), invitations


def digest(values: object) -> str:
    """A short fingerprint of what a page read: `mentor_side`'s relations change with any
    relation and any change to a member's data, as their version moves."""
    return hashlib.blake2b(repr(values).encode(), digest_size=16).hexdigest()


def team(relations: list[Relation], catalog_version: int | None, now: datetime) -> list[Member]:
    """Each member of a team (`mentor_side`) with their figures: from the cache while every
    member's version and the catalog stay the same, else 4 queries whatever the team's size."""
    ids = [person_id for _, person_id, _, _, _ in relations]
    figures: dict[int, Figures] | None = None
    key = None
    if catalog_version is not None and ids:
        key = f"team:{catalog_version}:{digest(relations)}"
        figures = cache.get(key)
    if figures is None:
        figures = _figures(ids, catalog_version, now)
        ends = [f.until for f in figures.values() if f.until is not None]
        timeout = settings.PERSONAL_PAGE_CACHE_TIMEOUT
        if ends:
            # The 28-day counts change with time alone: kept until the first of them does.
            timeout = min(timeout, max(1, int((min(ends) - now).total_seconds())))
        if key is not None:
            cache.set(key, figures, timeout=timeout)
    return [
        Member(
            mentorship_id=mentorship_id,
            username=username,
            name=person_name(display_name, username),
            figures=figures.get(person_id, Figures()),
        )
        for mentorship_id, person_id, username, display_name, _ in relations
    ]
