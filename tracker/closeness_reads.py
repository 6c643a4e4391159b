"""The reads of how close a person is to every published role: each role's checklist from one
catalog-cache entry, the person's state of every item, and what the pages show of a role they
may not aim at (the rules themselves: tracker.progress.closeness)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.urls import reverse

from careers import cache as catalog_cache
from careers.models import Role

from . import progress
from .models import Goal, MilestoneProgress, SkillProgress, SkillStatus
from .selectors import RoleStructure, Row, Section, read_structures

# --- Every published role ----------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogRole:
    id: int
    name: str
    slug: str

    @property
    def url(self) -> str:
        return reverse("careers:role_detail", kwargs={"slug": self.slug})


@dataclass(frozen=True)
class PublishedRoles:
    """Every published role, in catalog order (by name), with its structure."""

    roles: tuple[CatalogRole, ...]
    structures: dict[int, RoleStructure]

    def by_slug(self, slug: str) -> CatalogRole | None:
        return next((role for role in self.roles if role.slug == slug), None)


def published_roles(catalog_version: int | None) -> PublishedRoles:
    """Every published role with its structure, from the cache while the catalog is unchanged
    (else 3 queries, whatever the number of roles: the roles, their stage skills, their
    milestones)."""

    def read() -> PublishedRoles:
        roles = tuple(
            CatalogRole(id=pk, name=name, slug=slug)
            for pk, name, slug in Role.objects.published().values_list("pk", "name", "slug")
        )
        return PublishedRoles(roles=roles, structures=read_structures([r.id for r in roles]))

    return catalog_cache.cached("published-roles", catalog_version, read)


def item_states(user: User) -> dict[progress.ItemKey, str]:
    """The state of every item the person has started or done, in any role (2 queries): a
    skill's status, a milestone's done. An item missing is not started."""
    states: dict[progress.ItemKey, str] = {
        (progress.SKILL, skill_id): status
        for skill_id, status in SkillProgress.objects.filter(user=user)
        .exclude(status=SkillStatus.NOT_STARTED)
        .values_list("skill_id", "status")
    }
    for milestone_id in MilestoneProgress.objects.filter(
        user=user, completed_at__isnull=False
    ).values_list("milestone_id", flat=True):
        states[(progress.MILESTONE, milestone_id)] = SkillStatus.DONE
    return states


def done_keys(states: dict[progress.ItemKey, str]) -> frozenset[progress.ItemKey]:
    return frozenset(key for key, state in states.items() if state == SkillStatus.DONE)


@dataclass(frozen=True)
class NearRole:
    role: CatalogRole
    closeness: progress.Closeness


CLOSEST_SHOWN = 5


def closest_roles(
    published: PublishedRoles, done: frozenset[progress.ItemKey], *, exclude_role_id: int | None
) -> list[NearRole]:
    """The published roles the person is closest to, but for their target (no query)."""
    by_id = {role.id: role for role in published.roles}
    ranked = progress.closest(
        (
            progress.closeness(role.id, published.structures[role.id].stages, done)
            for role in published.roles
        ),
        exclude_role_id=exclude_role_id,
        limit=CLOSEST_SHOWN,
    )
    return [NearRole(role=by_id[near.role_id], closeness=near) for near in ranked]


# --- A person on any role ---------------------------------------------------------------------


@dataclass
class RoleProgress:
    """The person on one published role, target or not: how close they are, each stage's
    figures, and their state of each of the role's current items."""

    role: CatalogRole
    closeness: progress.Closeness | None
    kept: progress.Kept
    # Every stage of the role with items, the branches too, in catalog order.
    sections: list[Section]
    is_target: bool

    @property
    def end(self) -> progress.StageProgress | None:
        """The stage closeness counts up to."""
        return self.closeness.progress.target if self.closeness is not None else None


def role_progress(
    role: CatalogRole,
    structure: RoleStructure,
    states: dict[progress.ItemKey, str],
    *,
    goal: Goal | None,
) -> RoleProgress:
    """The person's progress on `role` from their `item_states` (no query)."""
    done = done_keys(states)
    near = progress.closeness(role.id, structure.stages, done)
    result = (
        near.progress
        if near is not None
        else progress.compute(structure.stages, target_stage_id=-1, done=done)
    )
    rows = {
        key: Row(
            item, stage_id, structure.details[key], status=states.get(key, SkillStatus.NOT_STARTED)
        )
        for key, (stage_id, item) in structure.items.items()
        if not item.retired
    }
    return RoleProgress(
        role=role,
        closeness=near,
        kept=progress.kept_items(near, done),
        sections=[
            Section(
                progress=sp,
                required=[rows[i.key] for i in sp.required],
                recommended=[rows[i.key] for i in sp.recommended],
                milestones=[rows[i.key] for i in sp.milestones],
            )
            for sp in result.stages
            if sp.required or sp.recommended or sp.milestones
        ],
        is_target=goal is not None and goal.role_id == role.id,
    )


@dataclass
class ComparedRole:
    role: CatalogRole
    closeness: progress.Closeness | None


def compared_role(
    published: PublishedRoles, role_id: int, done: frozenset[progress.ItemKey]
) -> ComparedRole | None:
    """How close the person is to one of two roles compared (no query); None when the role is
    no longer published."""
    role = next((role for role in published.roles if role.id == role_id), None)
    if role is None:
        return None
    stages = published.structures[role.id].stages
    return ComparedRole(role=role, closeness=progress.closeness(role.id, stages, done))


def skill_row(skill_id: int, name: str, states: dict[progress.ItemKey, str]) -> Row:
    """A skill with the person's state of it, outside any plan."""
    key = (progress.SKILL, skill_id)
    item = progress.Item(kind=progress.SKILL, id=skill_id, name=name)
    return Row(item, stage_id=0, detail="", status=states.get(key, SkillStatus.NOT_STARTED))
