"""Catalog change hooks: whatever is derived from the catalog goes out of use at once.

Every save and delete of a catalog model (admin, load_catalog, the shell) and every change to
one of their many-to-many relations lands here through Django's signals. Bulk `update()` and
`bulk_create()` send no signals: code that uses them on the catalog calls `announce_change()`
(load_catalog and the admin's retire actions do).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from . import cache


def catalog_changed() -> None:
    """Called once a catalog change is committed."""
    cache.bump()


def announce_change() -> None:
    """For code that changed the catalog in bulk (update(), bulk_create()), which sends no
    model signals: out of use now for this process, and for everyone once committed."""
    cache.bump()
    transaction.on_commit(lambda: catalog_changed())


def _bump_after_commit() -> None:
    cache.bump()


def catalog_changing() -> None:
    """A catalog row was just saved or deleted, in the current transaction if there is one.

    The version is bumped at once, so that this process sees its own change on its next read,
    and again after the commit: another process may have cached the old rows in between, and
    the second bump puts that entry out of use too. One after-commit bump per transaction is
    enough, however many rows it changes.
    """
    cache.bump()
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return
    # Registered callbacks are (savepoint ids, callable, robust) triples.
    if not any(func is _bump_after_commit for _, func, _ in connection.run_on_commit):
        transaction.on_commit(_bump_after_commit)


def _on_change(sender: Any, **kwargs: Any) -> None:
    catalog_changing()


def connect() -> None:
    """Hook every model of the careers app (called from CareersConfig.ready)."""
    for model in apps.get_app_config("careers").get_models():
        uid = f"catalog-{model._meta.label_lower}"
        post_save.connect(_on_change, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"{uid}-delete")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(_on_change, sender=through, dispatch_uid=f"{uid}-{field.name}")
