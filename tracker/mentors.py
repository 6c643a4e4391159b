"""Mentors: a person invites someone to see their progress, the invitee accepts or declines, and
either of them ends it. Every change is an event in the person's history and moves the person's
progress version, in the same transaction.

An invitation is addressed to one account and can be answered by that account alone, once, while
it is pending and not expired: every lookup below names the party in the query, so anyone else
finds nothing (a 404 in the views).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import CharField, F, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from .models import (
    MENTORSHIP_INVITATION_DAYS,
    EventKind,
    Mentorship,
    MentorshipQuerySet,
    MentorshipStatus,
    ProgressEvent,
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
