"""Who is signed in, with what their pages need first, in one statement per request.

Every page with a person's data starts from the same things: the account (to check the session
against it), the profile and the active goal. The session engine (config.sessions) reads all
three with the session itself, in one compiled statement, and offers them here; `PersonBackend`
takes them when Django's authentication middleware asks for the account (or reads them in one
statement of its own, for a session read some other way), and keeps the rest on the user as a
`Person`, so the page does not go back to the database for them.

The snapshot is taken at the start of the request. A change made during the request (a new goal)
drops it with `forget()`, so what follows reads the database again.
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS
from django.db.models import FilteredRelation, Q

from config.compiled import CompiledRead

from .selectors import PERSON_ATTRIBUTE as ATTRIBUTE
from .selectors import CurrentGoal, ProfileRef, RegionRef, RoleRef, StageRef


@dataclass(frozen=True)
class Person:
    """What the signed-in person's pages need besides the account itself."""

    goal: CurrentGoal | None
    # None until the person has a profile (sign-up makes one; other accounts get one later).
    profile: ProfileRef | None
    # Bumped with every change to the person's own data (tracker.versions): a page rendered for
    # one value shows exactly what the database holds for it. None without a profile.
    progress_version: int | None
    profile_id: int | None = None

    @property
    def version_key(self) -> str | None:
        """Says which state of the person's data a page shows; None without a profile.

        The profile's id is part of it, as a profile made anew starts counting from zero again,
        and so is the goal as read, which is no goal while its role is unpublished.
        """
        if self.profile_id is None:
            return None
        goal = self.goal.id if self.goal is not None else 0
        return f"{self.profile_id}.{self.progress_version}.{goal}"


_User = get_user_model()
_USER_FIELDS = tuple(f.attname for f in _User._meta.concrete_fields)
_MORE_FIELDS = (
    "profile__id",
    "profile__display_name",
    "profile__region_id",
    "profile__region__name",
    "profile__progress_version",
    # One active goal at most (a database constraint), so the join adds one row at most.
    "active_goal__id",
    "active_goal__created_at",
    "active_goal__role__is_published",
    "active_goal__role_id",
    "active_goal__role__name",
    "active_goal__role__slug",
    "active_goal__target_stage_id",
    "active_goal__target_stage__title",
    "active_goal__target_stage__level",
    "active_goal__target_stage__position",
)

_PK_INDEX = _USER_FIELDS.index(_User._meta.pk.attname)


def person_fields(path: str = "") -> tuple[str, ...]:
    """The columns of a person's row, for values_list() on a query that reaches the account
    through `path` (e.g. "user__"), annotated with `active_goal(path)`."""
    # The goal comes through the query's own `active_goal` annotation, whatever the path.
    more = (f if f.startswith("active_goal__") else path + f for f in _MORE_FIELDS)
    return (*(path + f for f in _USER_FIELDS), *more)


def active_goal(path: str = "") -> FilteredRelation:
    """The person's active goal (at most one: a database constraint), as `active_goal`."""
    return FilteredRelation(f"{path}goals", condition=Q(**{f"{path}goals__is_active": True}))


# The account by its primary key, the profile by its unique user key, the active goal through the
# partial unique index one_active_goal_per_user.
_person = CompiledRead(
    lambda user_id: (
        _User._default_manager.filter(pk=user_id)
        .annotate(active_goal=active_goal())
        .order_by()
        .values_list(*person_fields())
    )
)

# A person's row read along with the session, until the account is asked for (see offer()).
_offered: ContextVar[tuple[Any, ...] | None] = ContextVar("pathwise_person_offered", default=None)


def offer(row: tuple[Any, ...]) -> None:
    """Hand over a person's row (the columns of `person_fields()`) read with the session: the
    next `PersonBackend.get_user()` of that account takes it instead of reading it again. A row
    without an account (nobody signed in) offers nothing."""
    _offered.set(row if row[_PK_INDEX] is not None else None)


def withdraw(*args: Any, **kwargs: Any) -> None:
    """Drop what was offered and not taken: at the start of every request and every session
    read, so that an offer never outlives the read it came from."""
    _offered.set(None)


def _take(user_id: Any) -> tuple[Any, ...] | None:
    row = _offered.get()
    _offered.set(None)
    return row if row is not None and row[_PK_INDEX] == user_id else None


def _build(row: tuple[Any, ...]) -> Any:
    user = _User.from_db(DEFAULT_DB_ALIAS, list(_USER_FIELDS), row[: len(_USER_FIELDS)])
    (
        profile_id,
        display_name,
        region_id,
        region_name,
        progress_version,
        goal_id,
        goal_created,
        published,
        role_id,
        role_name,
        role_slug,
        stage_id,
        stage_title,
        stage_level,
        stage_position,
    ) = row[len(_USER_FIELDS) :]
    profile = None
    if profile_id is not None:
        region = RegionRef(region_id, region_name) if region_id is not None else None
        profile = ProfileRef(display_name=display_name, region=region)
    goal = None
    # A goal whose role was unpublished since is no goal for the pages (as selectors.active_goal).
    if goal_id is not None and published:
        goal = CurrentGoal(
            id=goal_id,
            created_at=goal_created,
            role=RoleRef(role_id, role_name, role_slug),
            target_stage=StageRef(stage_id, stage_title, stage_level, stage_position),
            profile=profile,
        )
    setattr(user, ATTRIBUTE, Person(goal, profile, progress_version, profile_id))
    return user


def of(user: Any) -> Person | None:
    """The snapshot read with the account, if this request's user came from `PersonBackend`."""
    return getattr(user, ATTRIBUTE, None)


def forget(user: Any) -> None:
    """Drop the snapshot after changing what it holds; later reads go to the database."""
    with contextlib.suppress(AttributeError):
        delattr(user, ATTRIBUTE)


class PersonBackend(ModelBackend):
    """Django's ModelBackend, with the account read for a session (`get_user`) bringing the
    profile and the active goal along in the same statement."""

    def get_user(self, user_id: Any) -> Any:
        try:
            pk = _User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        row = _take(pk)
        if row is None:
            rows = _person(pk)
            if not rows:
                return None
            row = rows[0]
        user = _build(row)
        return user if self.user_can_authenticate(user) else None
