"""Writing rows for the catalog: only the fields that differ, counting every change."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import models

from .results import Counts


def differs(obj: models.Model, name: str, value: Any) -> bool:
    model_field = obj._meta.get_field(name)
    if isinstance(model_field, models.Field) and model_field.many_to_one:
        # Compare ids: reading the relation itself would cost a query per row.
        wanted = value.pk if value is not None else None
        return getattr(obj, model_field.attname) != wanted
    return getattr(obj, name) != value


def update(obj: models.Model, values: dict[str, Any]) -> bool:
    changed = [name for name, value in values.items() if differs(obj, name, value)]
    if not changed:
        return False
    for name in changed:
        setattr(obj, name, values[name])
    if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
        changed.append("updated_at")
    obj.save(update_fields=changed)
    return True


def upsert(
    model: type[models.Model],
    existing: dict[Any, Any],
    key: Any,
    values: dict[str, Any],
    counts: Counts,
) -> Any:
    obj = existing.get(key)
    if obj is None:
        obj = model(**values)
        obj.save()
        existing[key] = obj
        counts.created += 1
        return obj
    was_retired = getattr(obj, "is_retired", False)
    if update(obj, values):
        if was_retired:
            counts.restored += 1
        else:
            counts.updated += 1
    return obj


def retire(model: type[models.Model], objs: Iterable[Any], counts: Counts) -> None:
    objs = [obj for obj in objs if not obj.is_retired]
    if not objs:
        return
    model._default_manager.filter(pk__in=[obj.pk for obj in objs]).update(is_retired=True)
    for obj in objs:
        obj.is_retired = True
    counts.retired += len(objs)


def make_room_for_names(
    model: type[models.Model],
    existing: dict[str, Any],
    wanted: dict[str, str],
    fold: Callable[[str], str],
) -> None:
    """Park the names of renamed rows when one takes a name another still holds (a swap)."""
    holders = {fold(obj.name): obj.pk for obj in existing.values()}
    clash = any(
        holders.get(fold(name)) not in (None, getattr(existing.get(slug), "pk", None))
        for slug, name in wanted.items()
    )
    if not clash:
        return
    for slug, name in wanted.items():
        obj = existing.get(slug)
        if obj is not None and obj.name != name:
            obj.name = f"~{obj.pk}~"
            model._default_manager.filter(pk=obj.pk).update(name=obj.name)


def sync_rows(
    model: type[models.Model],
    rows: list[Any],
    desired: list[dict[str, Any]],
    counts: Counts,
) -> None:
    """Make an ordered list of keyless rows match `desired`, touching only what differs."""
    for obj, values in zip(rows, desired, strict=False):
        if update(obj, values):
            counts.updated += 1
    for values in desired[len(rows) :]:
        model(**values).save()
        counts.created += 1
    surplus = rows[len(desired) :]
    if surplus:
        model._default_manager.filter(pk__in=[obj.pk for obj in surplus]).delete()
        counts.deleted += len(surplus)
