"""Catalog changes put whatever is derived from the catalog out of use (careers.cache).

Every save and delete of a catalog model (admin, load_catalog, the shell) and every change to one
of their many-to-many relations lands here through Django's signals. Bulk `update()` and
`bulk_create()` send none: code that uses them on the catalog calls `catalog_changed()` itself.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from . import cache


def catalog_changed() -> None:
    """Bump the catalog version now, so this process sees its own change on its next read, and
    again once the transaction commits: another process may have cached the old rows in between,
    and the second bump puts that entry out of use too."""
    cache.bump()
    transaction.on_commit(cache.bump)


def _on_change(sender: Any, **kwargs: Any) -> None:
    catalog_changed()


def connect() -> None:
    """Hook every model of the careers app (called from CareersConfig.ready)."""
    for model in apps.get_app_config("careers").get_models():
        uid = f"catalog-{model._meta.label_lower}"
        post_save.connect(_on_change, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"{uid}-delete")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(_on_change, sender=through, dispatch_uid=f"{uid}-{field.name}")
