"""Writing rows for the catalog: only the fields that differ, recording every change."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import models

from .results import Counts

Label = Callable[[Any], str]


def differs(obj: models.Model, name: str, value: Any) -> bool:
    model_field = obj._meta.get_field(name)
    if isinstance(model_field, models.Field) and model_field.many_to_one:
        # Compare ids: reading the relation itself would cost a query per row.
        wanted = value.pk if value is not None else None
        return getattr(obj, model_field.attname) != wanted
    return getattr(obj, name) != value


def update(obj: models.Model, values: dict[str, Any]) -> tuple[tuple[str, Any, Any], ...]:
    """Write the fields of `values` that differ; returns each as (name, old, new)."""
    names = [name for name, value in values.items() if differs(obj, name, value)]
    # Reading an old related row costs a query, but only for a relation that changed.
    changed = tuple((name, getattr(obj, name), values[name]) for name in names)
    if not changed:
        return ()
    for name in names:
        setattr(obj, name, values[name])
    if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
        names.append("updated_at")
    obj.save(update_fields=names)
    return changed


def upsert(
    model: type[models.Model],
    existing: dict[Any, Any],
    key: Any,
    values: dict[str, Any],
    counts: Counts,
    label: str,
) -> Any:
    obj = existing.get(key)
    if obj is None:
        obj = model(**values)
        obj.save()
        existing[key] = obj
        counts.record("created", label)
        return obj
    was_retired = getattr(obj, "is_retired", False)
    changed = update(obj, values)
    if not changed:
        counts.unchanged += 1
    else:
        counts.record("restored" if was_retired else "updated", label, changed)
    return obj


def retire(model: type[models.Model], objs: Iterable[Any], counts: Counts, label: Label) -> None:
    objs = [obj for obj in objs if not obj.is_retired]
    if not objs:
        return
    model._default_manager.filter(pk__in=[obj.pk for obj in objs]).update(is_retired=True)
    for obj in objs:
        obj.is_retired = True
        counts.record("retired", label(obj))


def make_room_for_names(
    model: type[models.Model],
    existing: dict[str, Any],
    wanted: dict[str, str],
    fold: Callable[[str], str],
) -> None:
    """Park the names of renamed rows when one takes a name another still holds (a swap).

    Only the database holds the parked name: the rows keep their old one, which the update that
    follows compares with the new name and reports.
    """
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
            model._default_manager.filter(pk=obj.pk).update(name=f"~{obj.pk}~")


def sync_rows(
    model: type[models.Model],
    rows: list[Any],
    desired: list[dict[str, Any]],
    counts: Counts,
    label: str,
) -> None:
    """Make an ordered list of keyless rows match `desired`, touching only what differs.

    A row is named by `label` and its position, from 1: "<label> #2".
    """
    for position, (obj, values) in enumerate(zip(rows, desired, strict=False), start=1):
        changed = update(obj, values)
        if changed:
            counts.record("updated", f"{label} #{position}", changed)
        else:
            counts.unchanged += 1
    for position, values in enumerate(desired[len(rows) :], start=len(rows) + 1):
        model(**values).save()
        counts.record("created", f"{label} #{position}")
    surplus = rows[len(desired) :]
    if surplus:
        model._default_manager.filter(pk__in=[obj.pk for obj in surplus]).delete()
        for position in range(len(desired) + 1, len(rows) + 1):
            counts.record("deleted", f"{label} #{position}")
