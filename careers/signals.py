"""Catalog changes put whatever is derived from the catalog out of use (careers.cache), and leave
a dated record of what each stage's checklist held (careers.models.StageItems).

Every save and delete of a catalog model (admin, load_catalog, the shell) and every change to one
of their many-to-many relations lands here through Django's signals. Bulk `update()` and
`bulk_create()` send none: code that uses them on the catalog calls `catalog_changed()` itself,
which records every stage whose items moved.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from . import cache
from .models import Milestone, Role, Skill, Stage, StageItems, StageMilestone, StageSkill

# Records of the catalog, not the catalog: writing one is no catalog change.
_NOT_CATALOG = {StageItems}


def catalog_changed(stages: QuerySet[Stage] | None = None) -> None:
    """Record the items of the given stages (all of them by default) where they moved, and bump
    the catalog version now, so this process sees its own change on its next read, and again once
    the transaction commits: another process may have cached the old rows in between, and the
    second bump puts that entry out of use too."""
    record_stage_items(Stage.objects.all() if stages is None else stages)
    _bump()


def _bump() -> None:
    cache.bump()
    transaction.on_commit(cache.bump)


def stage_items(stages: Iterable[int]) -> dict[int, list[list[Any]]]:
    """Each stage's items as the catalog has them now, in a fixed order (2 queries)."""
    held: dict[int, list[list[Any]]] = {stage_id: [] for stage_id in stages}
    for ss in StageSkill.objects.filter(stage_id__in=held).select_related("skill"):
        held[ss.stage_id].append(["skill", ss.skill_id, ss.required, ss.item_retired()])
    for sm in StageMilestone.objects.filter(stage_id__in=held).select_related("milestone"):
        held[sm.stage_id].append(["milestone", sm.milestone_id, True, sm.item_retired()])
    return {stage_id: sorted(items) for stage_id, items in held.items()}


def record_stage_items(stages: QuerySet[Stage]) -> None:
    """Add a StageItems row, dated now, for each of these stages whose items differ from its last
    row (4 queries at most, whatever the number of stages)."""
    last = StageItems.objects.filter(stage=OuterRef("pk")).order_by("-since", "-id")
    recorded = dict(
        stages.annotate(last_items=Subquery(last.values("items")[:1])).values_list(
            "pk", "last_items"
        )
    )
    if not recorded:
        return
    now = timezone.now()
    StageItems.objects.bulk_create(
        StageItems(stage_id=stage_id, items=items, since=now)
        for stage_id, items in stage_items(recorded).items()
        if items != recorded[stage_id]
    )


def _affected(instance: Any, origin: Any) -> QuerySet[Stage] | None:
    """The stages whose items a change to `instance` may have moved; None for no stage."""
    if isinstance(instance, (StageSkill, StageMilestone)):
        # A stage or role being deleted takes its records with it.
        if getattr(origin, "model", type(origin)) in (Stage, Role):
            return None
        return Stage.objects.filter(pk=instance.stage_id)
    if isinstance(instance, Skill):
        return Stage.objects.filter(stage_skills__skill=instance)
    if isinstance(instance, Milestone):
        return Stage.objects.filter(stage_milestones__milestone=instance)
    return None


def _on_change(sender: Any, instance: Any = None, origin: Any = None, **kwargs: Any) -> None:
    stages = _affected(instance, origin)
    if stages is not None:
        record_stage_items(stages)
    _bump()


def connect() -> None:
    """Hook every model of the careers app (called from CareersConfig.ready)."""
    for model in apps.get_app_config("careers").get_models():
        if model in _NOT_CATALOG:
            continue
        uid = f"catalog-{model._meta.label_lower}"
        post_save.connect(_on_change, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"{uid}-delete")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(_on_change, sender=through, dispatch_uid=f"{uid}-{field.name}")
