"""Who is signed in, with what their pages need first, in one statement per request.

Every page with a person's data starts from the same things: the account (to check the session
against it), the profile and the active goal. `PersonBackend` reads all three in one compiled
statement when Django's authentication middleware asks for the account, and keeps the rest on the
user as a `Person`, so the page does not go back to the database for them.

The snapshot is taken at the start of the request. A change made during the request (a new goal)
drops it with `forget()`, so what follows reads the database again.
"""

from __future__ import annotations

import contextlib
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

# The account by its primary key, the profile by its unique user key, the active goal through the
# partial unique index one_active_goal_per_user.
_person = CompiledRead(
    lambda user_id: (
        _User._default_manager.filter(pk=user_id)
        .annotate(active_goal=FilteredRelation("goals", condition=Q(goals__is_active=True)))
        .order_by()
        .values_list(*_USER_FIELDS, *_MORE_FIELDS)
    )
)


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
        rows = _person(pk)
        if not rows:
            return None
        user = _build(rows[0])
        return user if self.user_can_authenticate(user) else None
